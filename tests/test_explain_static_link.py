"""Fully static links (-static) against MKL, produced with ld.bfd, gold and lld and the pinned copies: a shared library on
the line (libmkl_rt.so.3 by path or -l:file) is said as such with MKL's three archives as the fix, proven to link; -lmkl_rt
under -static is "no MKL has libmkl_rt.a", not "install the static archives" alone. And the layers a line lacks, chosen
one per name and named as the line names MKL (the wheel's versioned files by path or -l:file, its archives as a group)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.test_explain_families import failed, flat, only_error

SOURCE = "extern void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def _explained(line: list[str]) -> list[dict]:
    """``mkldoctor explain -- LINE``'s error findings (the line run here, its fixes proven)."""
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", *line]).stdout)
    return [f for f in document["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize("linker", ["bfd", "gold", "lld"])
def test_a_static_link_given_mkl_rt_shared(tmp_path, mkl, linker):
    (tmp_path / "t.c").write_text(SOURCE)
    rt = str(next(mkl.pip_lib.glob("libmkl_rt.so.*")))
    line = ["gcc", f"-fuse-ld={linker}", "-static", str(tmp_path / "t.c"), "-o", str(tmp_path / "t"), rt]
    log = failed(line, tmp_path)
    assert "dynamic object" in log, log
    finding = only_error(log)
    assert finding.id == "static-link-of-shared" and "libmkl_rt" in finding.title, flat(finding)
    assert "no static archive in any MKL" in flat(finding)
    [said] = _explained(line)
    assert said["id"] == "static-link-of-shared"
    assert any(e.startswith("proven here: ") and e.endswith(" links") and "libmkl_core.a" in e for e in said["evidence"]), said


def test_mkl_rt_asked_for_as_an_archive(tmp_path, mkl):
    (tmp_path / "t.c").write_text(SOURCE)
    line = ["gcc", "-static", str(tmp_path / "t.c"), "-o", str(tmp_path / "t"), f"-L{mkl.debian_lib(mkl.debian_shared)}",
            "-lmkl_rt"]
    log = " ".join(line) + "\n" + failed(line, tmp_path)  # the line as make's echo shows it, then ld's words
    assert "cannot find -lmkl_rt" in log, log
    finding = only_error(log)  # from elsewhere: the fact holds on any machine
    assert finding.id == "library-not-found" and "MKL has no static libmkl_rt" in finding.title, flat(finding)
    [said] = _explained(line)  # here: the Debian copy has the shared library only
    assert "MKL has no static libmkl_rt" in said["title"] and said["fix"][0].startswith("link MKL's static archives"), said


def test_the_core_archive_alone(tmp_path, mkl):
    (tmp_path / "t.c").write_text(SOURCE)
    [said] = _explained(["gcc", str(tmp_path / "t.c"), "-o", str(tmp_path / "t"), str(mkl.pip_lib / "libmkl_core.a")])
    assert said["id"] == "mkl-layer-missing" and said["title"].endswith("-lmkl_intel_lp64"), said  # one interface, not five
    assert "libmkl_sequential.a" in said["fix"][0] and "--start-group" in said["fix"][0]
    assert any(e.startswith("proven here: ") and e.endswith(" links") for e in said["evidence"]), said


@pytest.mark.parametrize("form", ["path", "verbatim"])
def test_shared_layers_without_the_interface(tmp_path, mkl, form):
    (tmp_path / "t.c").write_text(SOURCE)
    names = ("core", "sequential")
    libs = ([str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in names] if form == "path" else
            [f"-L{mkl.pip_lib}", *(f"-l:{next(mkl.pip_lib.glob(f'libmkl_{n}.so.*')).name}" for n in names)])
    [said] = _explained(["gcc", str(tmp_path / "t.c"), "-o", str(tmp_path / "t"), *libs, "-lm"])
    assert said["id"] == "mkl-layer-missing" and "mkl_intel_lp64" in said["title"], said
    assert ("libmkl_intel_lp64.so." in said["fix"][0]) and " before " in said["fix"][0], said
    assert any(e.startswith("proven here: ") and e.endswith(" links") for e in said["evidence"]), said
