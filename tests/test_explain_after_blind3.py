"""Patterns the third blind score found (tests/data/explain_corpus/blind3.json), produced for real where they can be:
NaN handed to LAPACK's balancing step (numpy/scipy/torch's eig), Julia's and a JVM's way of loading MKL, a host
program's own check that names MKL's threading layer.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_explain_families import clean_env, errors_of, flat

SGEBAL = textwrap.dedent(
    """
    import ctypes, sys
    rt = ctypes.CDLL(sys.argv[1])
    value = float(sys.argv[2])
    n, lda, ilo, ihi, info = ctypes.c_int(3), ctypes.c_int(3), ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    a, scale = (ctypes.c_float * 9)(*([value] * 9)), (ctypes.c_float * 3)()
    rt.sgebal_(b"B", ctypes.byref(n), a, ctypes.byref(lda), ctypes.byref(ilo), ctypes.byref(ihi), scale, ctypes.byref(info))
    print("info", info.value)
    """
)


@pytest.mark.mkl
def test_nan_handed_to_lapacks_balancing_is_named_as_nan(tmp_path, mkl):
    """eig's first step, ?GEBAL, rejects a matrix holding NaN as its argument 3 (A): not an integer of the wrong size."""
    (tmp_path / "gebal.py").write_text(SGEBAL)
    rt = str(mkl.pip_lib / "libmkl_rt.so.3")
    done = subprocess.run([sys.executable, "gebal.py", rt, "nan"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert "Parameter 3 was incorrect on entry to SGEBAL" in done.stdout and "info -3" in done.stdout, done.stdout
    [finding] = errors_of(done.stdout)
    assert finding.id == "mkl-parameter-error" and "(A, a matrix" in finding.title
    assert "NaN" in finding.fix[0] and "NaN" in finding.evidence[1]
    # the fix: the same call on finite numbers
    done = subprocess.run([sys.executable, "gebal.py", rt, "1.5"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert done.stdout.strip() == "info 0", done.stdout


@pytest.mark.parametrize("routine, number, name, kind", [
    ("SGEBAL", 3, "A", "array"), ("DGEHRD", 2, "ILO", "int"), ("ZHSEQR", 6, "H", "array"), ("DNRM2", 3, "INCX", "int"),
    ("DSYEVR", 6, "LDA", "int"), ("cblas_dgemv", 1, "LAYOUT", "char"), ("DGECON", 5, "ANORM", "scalar"),
])
def test_the_routines_eig_and_level_1_blas_go_through(routine, number, name, kind):
    from mkldoctor.knowledge import arguments
    assert arguments.argument(routine, number) == (name, kind)
