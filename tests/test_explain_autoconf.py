"""A configure script's check of MKL, produced with the real autoconf: ``checking for dgemm_ in -lmkl_rt... no`` and
``configure: error: BLAS library not found`` (a summary that hides the linker's words, which config.log keeps).
"""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import errors_of, flat

CONFIGURE_AC = """AC_INIT([probe], [1.0])
AC_PROG_CC
AC_CHECK_LIB([mkl_rt], [dgemm_], [], [AC_MSG_ERROR([BLAS library not found])])
AC_OUTPUT
"""


@pytest.mark.mkl
def test_autoconfs_check_of_mkl_rt(mkl, tmp_path):
    (tmp_path / "configure.ac").write_text(CONFIGURE_AC)
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    failed = subprocess.run(["./configure"], cwd=tmp_path, capture_output=True, text=True)
    log = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "checking for dgemm_ in -lmkl_rt... no" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-finder-failed" and "config.log" in finding.title, flat(finding)
    assert any("configure: error: BLAS library not found" in e and "consequence" in e for e in finding.evidence), finding.evidence
    # what the finding sends the user to: config.log, whose linker line mkldoctor reads
    [why] = errors_of((tmp_path / "config.log").read_text())
    assert why.id == "library-not-found" and "-lmkl_rt" in why.title, flat(why)
    # and the fix it names: the folder that holds libmkl_rt.so, given as LDFLAGS (Debian's 2020.4 has the .so link)
    lib = mkl.debian_lib(mkl.debian_shared)
    fixed = subprocess.run(["./configure", f"LDFLAGS=-L{lib}"], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0 and "checking for dgemm_ in -lmkl_rt... yes" in fixed.stdout, fixed.stdout + fixed.stderr
    # the summary alone, with no check above it, is never "no problem found"
    [alone] = errors_of("configure: error: BLAS library not found\n")
    assert alone.id == "unrecognised-failure", flat(alone)
