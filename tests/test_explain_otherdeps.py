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
