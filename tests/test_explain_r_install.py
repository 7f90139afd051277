"""R CMD INSTALL of a package whose Makevars links -lmkl_rt from the pinned wheel's folder (versioned files only), produced
with R into a library of the test's own: ld's line is the failure, make's and R's 'ERROR: compilation failed for package'
its consequences (R's had been a second, unrecognised error). The fix's -l:libmkl_rt.so.N links; R's load test then
needs the file found at run time, and the loader's finding's run path installs the package."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.test_explain_families import clean_env, flat, only_error, run

pytestmark = pytest.mark.skipif(shutil.which("R") is None, reason="needs R")


def _package(root, libs: str):
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "DESCRIPTION").write_text("Package: mklt\nVersion: 0.1\nTitle: t\nDescription: t.\nLicense: MIT\nAuthor: a\n"
                                      "Maintainer: a <a@example.invalid>\n")
    (root / "NAMESPACE").write_text("useDynLib(mklt)\n")
    (root / "src" / "f.c").write_text("extern void dgemm_(void);\nvoid f(void) { dgemm_(); }\n")
    (root / "src" / "Makevars").write_text(f"PKG_LIBS = {libs}\n")


def test_a_makevars_link_of_the_wheels_mkl(tmp_path, mkl):
    library = tmp_path / "library"
    library.mkdir()
    _package(tmp_path / "mklt", f"-L{mkl.pip_lib} -lmkl_rt")
    code, log = run(["R", "CMD", "INSTALL", "-l", str(library), "mklt"], tmp_path, clean_env())
    assert code != 0 and "ERROR: compilation failed for package" in log, log
    finding = only_error(log)
    assert finding.id == "library-not-found", flat(finding)
    assert any("ERROR: compilation failed" in line and "consequence" in line for line in finding.evidence), flat(finding)
    named = re.search(r"(-l:libmkl_rt\.so\.\d+)", " ".join(finding.fix))
    assert named, flat(finding)
    _package(tmp_path / "mklt", f"-L{mkl.pip_lib} {named[1]}")
    code, log = run(["R", "CMD", "INSTALL", "-l", str(library), "mklt"], tmp_path, clean_env())
    # it links; R's test load of the installed package then needs the loader to find the file: the next finding says how
    assert code != 0 and "libmkl_rt.so" in log and "cannot open shared object file" in log, log
    finding = only_error(log)
    assert finding.id == "loader-cannot-find", flat(finding)
    rpath = next(line for line in finding.fix if "-Wl,-rpath," in line).split("or relink with a run path: ")[-1]
    _package(tmp_path / "mklt", f"-L{mkl.pip_lib} {named[1]} {rpath}")
    code, log = run(["R", "CMD", "INSTALL", "-l", str(library), "mklt"], tmp_path, clean_env())
    assert code == 0 and (library / "mklt").is_dir(), log
