"""A build that stops at a package that is not MKL (oneMath#451: its unit tests' reference CBLAS), produced with a
real cmake run: the package and the project's find_package call are named, MKL is not blamed, and the project's
option that leaves the tests out configures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat

FIND_CBLAS = """find_library(CBLAS_file NAMES cblas)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CBLAS REQUIRED_VARS CBLAS_file)
"""


def _project(root: Path) -> None:
    (root / "cmake").mkdir()
    (root / "tests/unit_tests").mkdir(parents=True)
    (root / "cmake/FindCBLAS.cmake").write_text(FIND_CBLAS)
    (root / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\nlist(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\n"
        "option(BUILD_FUNCTIONAL_TESTS \"\" ON)\nif(BUILD_FUNCTIONAL_TESTS)\n  add_subdirectory(tests/unit_tests)\nendif()\n")
    (root / "tests/unit_tests/CMakeLists.txt").write_text("find_package(CBLAS REQUIRED)\n")


def _cmake(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["cmake", "-S", ".", "-B", "build", *args], cwd=root, env=clean_env(CMAKE_PREFIX_PATH=""),
                          capture_output=True, text=True)


def test_a_required_package_that_is_not_mkl_is_named_with_the_call_that_asked(tmp_path):
    _project(tmp_path)
    failed = _cmake(tmp_path)
    assert failed.returncode != 0 and "Could NOT find CBLAS" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "dependency-not-mkl", flat(finding)
    assert "CBLAS" in finding.title and "tests/unit_tests/CMakeLists.txt:1" in finding.title, finding.title
    assert "-DBUILD_FUNCTIONAL_TESTS=OFF" in finding.fix[0] and "MKLROOT" not in flat(finding)
    (tmp_path / "build").rename(tmp_path / "failed")
    assert _cmake(tmp_path, "-DBUILD_FUNCTIONAL_TESTS=OFF").returncode == 0  # the fix: the tests left out


def test_a_projects_own_find_module_of_a_gpu_blas_takes_what_it_did_not_find_from_the_command_line(tmp_path):
    """oneMath#72: its FindcuBLAS looked for cublas_v2.h only in a variable CMake sets where the CUDA language is enabled, so
    cuBLAS was "not found" beside a CUDA that was. A cuBLAS is no MKL family's package (it was read as a BLAS MKL stands in
    for); the project's own module takes the missing variable with -D, which configures."""
    (tmp_path / "cmake").mkdir()
    (tmp_path / "cmake/FindcuBLAS.cmake").write_text(
        "find_path(CUBLAS_INCLUDE_DIR cublas_v2.h HINTS ${CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES})\n"
        "include(FindPackageHandleStandardArgs)\nfind_package_handle_standard_args(cuBLAS REQUIRED_VARS CUBLAS_INCLUDE_DIR)\n")
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\nlist(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\n"
        "find_package(cuBLAS REQUIRED)\n")
    failed = _cmake(tmp_path)
    assert failed.returncode != 0 and "(missing: CUBLAS_INCLUDE_DIR)" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "dependency-not-mkl" and "cuBLAS was not found" in finding.title, flat(finding)
    assert any("NVIDIA's CUDA toolkit" in e for e in finding.evidence), finding.evidence
    assert finding.fix[0].startswith("cmake/FindcuBLAS.cmake is the project's own find module") \
        and "-DCUBLAS_INCLUDE_DIR=<the folder that holds its header>" in finding.fix[0], finding.fix
    include = tmp_path / "cuda/include"
    include.mkdir(parents=True)
    (include / "cublas_v2.h").write_text("/* the header's place is what the module looks for */\n")
    (tmp_path / "build").rename(tmp_path / "failed")
    assert _cmake(tmp_path, f"-DCUBLAS_INCLUDE_DIR={include}").returncode == 0  # the fix configures
    # CMake's own find module (FindBLAS under CMake's Modules) is no project's own: no such fix
    said = errors_of(failed.stderr.replace(f"{tmp_path}/cmake/FindcuBLAS.cmake", "/usr/share/cmake-3.16/Modules/FindcuBLAS.cmake")
                     .replace("cmake/FindcuBLAS.cmake", "/usr/share/cmake-3.16/Modules/FindcuBLAS.cmake"))
    assert [f.id for f in said] == ["dependency-not-mkl"] and "project's own find module" not in flat(said[0])


def test_mkls_own_search_and_a_search_that_may_fail_are_not_read_as_another_package():
    mkl = "CMake Error at cmake/FindMKL.cmake:9 (message):\n  Could NOT find MKL (missing: MKL_LIBRARIES)\n"
    assert [f.id for f in errors_of(mkl)] == ["mkl-finder-failed"]
    # find_package without REQUIRED says so as a status line and goes on: no failure of its own
    status = "-- Could NOT find CBLAS (missing: CBLAS_file)\n-- Configuring done\n"
    assert all(f.id != "dependency-not-mkl" for f in errors_of(status))


def test_mesons_dependency_that_is_not_mkl_is_named_with_its_file(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "meson.build").write_text("project('p', 'c')\nif get_option('tests')\n  subdir('tests')\nendif\n")
    (tmp_path / "meson_options.txt").write_text("option('tests', type: 'boolean', value: true)\n")
    (tmp_path / "tests/meson.build").write_text("cblas = dependency('cblas')\n")
    meson = str(Path(sys.executable).with_name("meson"))
    env = clean_env(PKG_CONFIG_PATH="", PKG_CONFIG_LIBDIR=str(tmp_path / "none"))
    failed = subprocess.run([meson, "setup", "build"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert failed.returncode != 0 and 'Dependency "cblas" not found' in failed.stdout, failed.stdout
    [finding] = errors_of(failed.stdout)
    assert finding.id == "dependency-not-mkl" and "tests/meson.build:1" in finding.title, flat(finding)
    assert "-D<option>=false" in finding.fix[0] and "CMakeCache" not in flat(finding)
    fixed = subprocess.run([meson, "setup", "build2", "-Dtests=false"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout


def test_a_mesons_blas_dependency_is_not_read_as_another_package():
    log = 'meson.build:5:0: ERROR: Dependency "openblas" not found, tried pkgconfig and cmake\n'
    assert all(f.id != "dependency-not-mkl" for f in errors_of(log))
