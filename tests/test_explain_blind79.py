"""The seventy-ninth blind set (tests/data/explain_corpus/blind79.json): texts the rules made after it answer (blog posts
and Q&A pages), and the real failure produced here for its new signature (gfortran's INCLUDE of mkl.fi)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import flat, only_error

ENTRIES = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind79.json").read_text())["entries"]}


def _log(fragment: str) -> str:
    [entry] = [e for key, e in ENTRIES.items() if fragment in key]
    return entry["log"]


def _findings(log: str):
    return explain(logparse.parse_bytes(log.encode()), [])


def test_pips_conflict_with_a_requirement_of_two_clauses():
    """torch 2.3.0 requires mkl<=2021.4.0,>=2021.1.1 (the comma inside the requirement, the marker's typographic quotes):
    the wrong mkl wheel is the cause of torch's shm.dll failure beside it (CSDN 139153968)."""
    finding = only_error(_log("shm-dll"))
    assert finding.id == "pip-mkl-conflict", flat(finding)
    assert "requires mkl<=2021.4.0,>=2021.1.1, and mkl 2024.1.0 is installed" in finding.title
    assert finding.fix[0] == "install what it requires: pip install 'mkl<=2021.4.0,>=2021.1.1'"


def test_pips_numpy_conflict_beside_mkls_threading_layer():
    """ultralytics requires numpy<2.0.0 and numpy 2.0.1 is installed: said beside mkl-service's threading-layer error, as
    a warning with pip's own requirement (the author's fix was that numpy)."""
    findings = _findings(_log("yolov8-ddp"))
    assert [f.id for f in findings] == ["threading-layer-conflict", "pip-blas-package-conflict"], [flat(f) for f in findings]
    assert findings[1].severity == "warning" and "pip install 'numpy<2.0.0,>=1.23.0'" in findings[1].fix[0]
    # a conflict about a package that decides nothing of MKL's stays pip's own business
    assert _findings("torch 2.3.0 requires sympy>=1.12, but you have sympy 1.10 which is incompatible.\n") == []


def test_code_blocks_gfortran_include_on_windows():
    """Code::Blocks' "file|line|Error: Can't open included file 'mkl_vsl.fi'|": MKL's Fortran include not found, with
    Windows' -I and Code::Blocks' setting."""
    finding = only_error(_log("mkl-vsl-fi"))
    assert finding.id == "mkl-header-not-found" and finding.title.endswith("mkl_vsl.fi"), flat(finding)
    assert finding.fix[0].startswith('add -I"%MKLROOT%\\include" to the Fortran compile line (Code::Blocks: Project >')


@pytest.mark.mkl
def test_a_real_gfortran_include_failure_and_its_fix(tmp_path, mkl):
    """gfortran 12's own words for an INCLUDE of mkl.fi it cannot open; CPATH (the C compilers' variable) does not help
    it, the fix's -I does, against the pip wheel's headers."""
    (tmp_path / "s.f90").write_text("subroutine s\n  include 'mkl.fi'\nend subroutine s\n")
    include = mkl.pip / "include"

    def gfortran(*args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(["gfortran", "-c", *args, "s.f90"], cwd=tmp_path, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", **env}, timeout=120)

    failed = gfortran()
    assert failed.returncode != 0 and "open included file" in failed.stderr, failed.stderr
    finding = only_error(failed.stderr)
    assert finding.id == "mkl-header-not-found" and finding.title.endswith("mkl.fi"), flat(finding)
    assert "(not CPATH)" in finding.fix[0] and finding.fix[0].startswith('add -I"$MKLROOT/include"')
    assert gfortran(CPATH=str(include)).returncode != 0  # what the fix says: CPATH is not where gfortran looks
    assert gfortran(f"-I{include}").returncode == 0, "the fix, applied, compiles"
