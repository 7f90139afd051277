"""Intel's compiler option for MKL given to GCC, produced here with gcc: ``-qmkl=parallel`` is refused; ``-mkl`` is taken
silently as GCC's own x86 option (Key Locker) and links nothing, so the link stops at MKL's names. The flags the fix
names compile, link and run against the pinned MKL."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.test_explain_families import errors_of, failed, flat

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
SOURCE = ("extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*,"
          " const int*, const double*, const int*, const double*, double*, const int*);\n"
          "int main(void) { int n = 1; double a = 2, b = 3, c = 0, one = 1, zero = 0;\n"
          "  dgemm_(\"N\", \"N\", &n, &n, &n, &one, &a, &n, &b, &n, &zero, &c, &n); return c == 6 ? 0 : 1; }\n")


def test_qmkl_refused_by_gcc_and_the_flags_that_replace_it(tmp_path, mkl):
    (tmp_path / "t.c").write_text(SOURCE)
    log = failed(["gcc", "t.c", "-qmkl=parallel"], tmp_path)
    [finding] = errors_of(log)
    assert finding.id == "mkl-compiler-option-refused" and "-qmkl=parallel" in finding.title, flat(finding)
    assert "mkldoctor link --threading gnu --format flags" in finding.fix[0]
    printed = CliRunner().invoke(app, ["link", "--threading", "gnu", "--format", "flags", "--install", str(mkl.pip)]).stdout
    flags = {line.split(":", 1)[0]: shlex.split(line.split(":", 1)[1]) for line in printed.splitlines() if ":" in line}
    built = subprocess.run(["gcc", "t.c", "-o", "t", *flags["compile"], *flags["link"]], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert subprocess.run(["./t"], cwd=tmp_path, env={"LD_LIBRARY_PATH": str(mkl.pip_lib)}).returncode == 0


def test_mkl_taken_by_gcc_as_its_own_option(tmp_path):
    (tmp_path / "t.c").write_text(SOURCE)
    result = CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", "gcc", str(tmp_path / "t.c"),
                                      "-o", str(tmp_path / "t"), "-mkl"])
    document = json.loads(result.stdout)
    [finding] = [f for f in document["findings"] if f["severity"] == "error"]
    assert finding["id"] == "mkl-symbol-unresolved", finding
    assert any("the command has -mkl" in line and "Key Locker" in line for line in finding["evidence"]), finding
    assert finding["fix"][0].startswith("give this compiler MKL's libraries instead of -mkl")


def test_mkl_refused_or_ignored_by_intels_oneapi_compilers_is_the_rename():
    """icx (clang's driver) refuses -mkl and ifx's driver leaves it out with its warning #10006: Intel's own compilers,
    which take -qmkl. Said as the rename (an error: the build then has no MKL), never as "an option of Intel's compilers"
    given to another compiler; gcc's refusal of -qmkl stays that."""
    for line, compiler in (("icx: error: unknown argument: '-mkl'; did you mean '-qmkl'?", "icx"),
                           ("/opt/intel/oneapi/compiler/2024.2/bin/icpx: error: unknown argument: '-mkl=sequential'", "icpx"),
                           ("ifx: command line warning #10006: ignoring unknown option '-mkl'", "ifx")):
        [finding] = [f for f in errors_of(line + "\n") if f.id.startswith("mkl-compiler-option")]
        assert finding.id == "mkl-compiler-option-retired" and finding.severity == "error", flat(finding)
        assert compiler in finding.title and "has no MKL" in finding.title, flat(finding)
        assert finding.fix[0].startswith("replace -mkl") and "-qmkl" in finding.fix[0], finding.fix
    [gcc] = errors_of("gcc: error: unrecognized command-line option '-mkl=parallel'\n")
    assert gcc.id == "mkl-compiler-option-refused", flat(gcc)
