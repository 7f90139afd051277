"""MKL_VERBOSE's output with no failure in it (round 6's run-time pastes: 'no problem found' on 23 of 36): one MKL's
banner and its calls make a note of what MKL says of itself, produced here with the real libmkl_rt of PyPI's mkl 2026.2
under each threading layer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import blindset

DDOT = """
import ctypes, sys
if sys.argv[2] == "gomp":
    ctypes.CDLL("libgomp.so.1", mode=ctypes.RTLD_GLOBAL)  # GCC's OpenMP in the process before MKL's first call
rt = ctypes.CDLL(sys.argv[1])
x = (ctypes.c_double * 3)(1, 2, 3)
rt.cblas_ddot.restype = ctypes.c_double
print(rt.cblas_ddot(3, x, 1, x, 1))
"""


def verbose_run(mkl, tmp_path, gomp: str = "", **env: str) -> str:
    (tmp_path / "ddot.py").write_text(DDOT)
    ran = subprocess.run([sys.executable, "ddot.py", str(mkl.pip_lib / "libmkl_rt.so.3"), gomp or "-"], cwd=tmp_path,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "MKL_VERBOSE": "1", **env})
    assert ran.returncode == 0 and ran.stdout.split()[-1] == "14.0" and "Product build" in ran.stdout, ran.stderr
    return ran.stdout


def report(log: str):
    said = blindset.findings(log)
    assert [f.id for f in said] == ["mkl-verbose-report"] and said[0].severity == "info", [(f.id, f.title) for f in said]
    return said[0]


@pytest.mark.mkl
def test_the_sequential_layer_said_single_threaded(mkl, tmp_path):
    note = report(verbose_run(mkl, tmp_path, MKL_THREADING_LAYER="SEQUENTIAL"))
    assert "2026 Update 2" in note.title and "lp64, sequential" in note.title, note.title
    assert note.fix[0].startswith("MKL ran single-threaded") and "(DDOT)" in note.evidence[0], note


@pytest.mark.mkl
def test_one_thread_per_call_with_a_threaded_layer(mkl, tmp_path):
    note = report(verbose_run(mkl, tmp_path, MKL_THREADING_LAYER="INTEL", MKL_NUM_THREADS="1"))
    assert "intel_thread, 1 thread(s) per call" in note.title and "libiomp5" in note.evidence[1], note
    assert note.fix[0].startswith("every call ran on one thread") and "MKL_NUM_THREADS=1" in note.fix[0], note.fix


@pytest.mark.mkl
def test_gccs_openmp_loaded_first_shows_in_the_banner(mkl, tmp_path):
    """libmkl_rt asked for Intel's layer takes the GNU one where libgomp is in the process first: the banner says which ran."""
    note = report(verbose_run(mkl, tmp_path, gomp="gomp", MKL_THREADING_LAYER="INTEL"))
    assert "gnu_thread" in note.title and "GCC's OpenMP (libgomp)" in note.evidence[1], note


def test_a_failure_beside_the_banner_keeps_its_own_finding():
    """blind set 31's DGEMV parameter error under MKL_VERBOSE: its error finding, and no note beside it."""
    log = ("Intel MKL ERROR: Parameter 6 was incorrect on entry to DGEMV .\nMKL_VERBOSE oneMKL 2021.0 Update 3 Product build "
           "20210617 for Intel(R) 64 architecture Intel(R) Advanced Vector Extensions 2 (Intel(R) AVX2) enabled processors, "
           "Lnx 3.60GHz ilp64 intel_thread\n")
    assert "mkl-verbose-report" not in [f.id for f in blindset.findings(log)]
    alone = report(log.split("\n", 1)[1])
    assert "Intel(R) AVX2" in alone.evidence[-1] and "ilp64" in alone.title, alone


def test_an_error_line_before_a_report_of_what_ran_is_still_said():
    """link.exe's LNK1104 for a library not MKL's, then MKL_VERBOSE's banner (or R's sessionInfo line): the banner was
    taken for the error line's detail and the error vanished; 'no problem found' but for the note (a hostile log's)."""
    error = "LINK : fatal error LNK1104: cannot open file 'foo.lib'\n"
    banner = ("MKL_VERBOSE oneMKL 2024.0 Product build 20240215 for Intel(R) 64 architecture Intel(R) Advanced Vector "
              "Extensions 2 (Intel(R) AVX2) enabled processors, Lnx 3.70GHz lp64 gnu_thread\n")
    for after in (banner, "BLAS/LAPACK: /opt/intel/mkl/lib/intel64/libmkl_rt.so\n"):
        said = blindset.findings(error + after)
        assert "unrecognised-failure" in [f.id for f in said], [(f.id, f.title) for f in said]
        assert "mkl-verbose-report" not in [f.id for f in said]
