"""Failures a user meets first, produced here with the real tools and explained as a user would (2026-12-05's tries):
CMake's FindBLAS of CMake 3.22 and newer, which says 'Could NOT find BLAS (missing: BLAS_LIBRARIES)' through
find_package_handle_standard_args (it had been read as a project's own MKL finder)."""

from __future__ import annotations

import shutil

import pytest

from tests.test_explain_families import errors_of, failed, flat


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_cmakes_findblas_for_mkl_that_finds_none(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\nset(BLA_VENDOR Intel10_64lp)\nfind_package(BLAS REQUIRED)\n")
    log = failed(["cmake", "-S", ".", "-B", "b"], tmp_path)
    assert "Could NOT find BLAS (missing: BLAS_LIBRARIES)" in log, log
    [finding] = errors_of(log)
    assert finding.id == "cmake-blas-not-found" and finding.title.endswith("the configure stops"), flat(finding)
    assert any("BLA_VENDOR=Intel10_64lp" in line for line in finding.fix)
    # the same words from a project's own cmake/FindBLAS.cmake (oneDNN's before its PR #1794) stay the project's finder's
    own = log.replace("/Modules/FindBLAS.cmake", "/cmake/FindBLAS.cmake").replace("share/cmake-", "src/proj-")
    assert [f.id for f in errors_of(own)] == ["mkl-finder-failed"]
