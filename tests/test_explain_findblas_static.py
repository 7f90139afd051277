"""CMake's FindLAPACK (BLA_VENDOR=Intel10_64lp, MKLROOT at the pinned wheels' prefix, CMake as installed): the prefix has
no libmkl_*.so links, so FindBLAS takes MKL's static archives and lists them ungrouped; its cheev_ check cannot link.
One finding (the 'Could NOT find LAPACK' after it is its consequence); BLA_STATIC=ON, as the fix says, configures."""

from __future__ import annotations

import shutil

import pytest

from tests.test_explain_families import clean_env, flat, only_error, run

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")


def test_findlapack_with_the_wheels_archives_ungrouped(tmp_path, mkl):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                             "set(BLA_VENDOR Intel10_64lp)\nfind_package(LAPACK REQUIRED)\n")
    code, log = run(["cmake", "-S", ".", "-B", "b"], tmp_path, clean_env(MKLROOT=str(mkl.pip)))
    assert code != 0 and "libmkl_core.a" in log and "Could NOT find LAPACK" in log, log
    finding = only_error(log)
    assert finding.id == "cmake-blas-check-failed" and "without a group" in finding.title, flat(finding)
    assert finding.fix[0].startswith("cmake -DBLA_STATIC=ON")
    shutil.rmtree(tmp_path / "b")
    code, log = run(["cmake", "-S", ".", "-B", "b", "-DBLA_STATIC=ON"], tmp_path, clean_env(MKLROOT=str(mkl.pip)))
    assert code == 0 and "Found LAPACK" in log, log


def test_findblas_words_pasted_without_their_call_stack(tmp_path):
    """CMake's own FindBLAS with MKL asked for and no MKLROOT: the whole output names the module in its call stack; a
    paste of the message's two lines alone (no stack) was 'the project's own search for MKL failed'. Both are FindBLAS's."""
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\nfind_package(BLAS REQUIRED)\n")
    code, log = run(["cmake", "-S", ".", "-B", "b", "-DBLA_VENDOR=Intel10_64lp"], tmp_path, clean_env())
    assert code != 0 and "Could NOT find BLAS" in log and "FindBLAS.cmake" in log, log
    lines = log.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("CMake Error at"))
    for text in (log, "\n".join(lines[head:head + 2]) + "\n"):
        finding = only_error(text)
        assert finding.id == "cmake-blas-not-found" and "FindBLAS" in finding.title, flat(finding)
        assert "BLA_VENDOR=Intel10_64lp" in finding.fix[0], finding.fix
