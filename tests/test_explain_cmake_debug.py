"""What `cmake --debug-find-pkg=MKL` prints, which mkldoctor's finder findings ask for, read back (user tries, produced with
real CMake): a project's find_package(MKL CONFIG) that finds no MKLConfig.cmake names MKL_DIR, whose folder is the
config's; Intel's MKLConfig.cmake that ran in a prefix without MKL's headers (the mkl-devel 2023.2 fixture: configs and .pc
files alone) is said as MKL's own config, not a project's finder, and asks for mkl-include."""

from __future__ import annotations

import subprocess

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import flat

PROJECT = ('cmake_minimum_required(VERSION 3.16)\nproject(p C)\nfind_package(MKL CONFIG)\n'
           'message(STATUS "MKL_FOUND=${MKL_FOUND}")\n')


def _configure(tmp_path, *args: str) -> str:
    (tmp_path / "CMakeLists.txt").write_text(PROJECT)
    done = subprocess.run(["cmake", "--debug-find-pkg=MKL", *args, "-S", ".", "-B", "build"], cwd=tmp_path,
                          capture_output=True, text=True)
    return done.stdout + done.stderr


def test_no_mklconfig_found_names_the_configs_folder(tmp_path):
    log = _configure(tmp_path)
    assert "MKLConfig.cmake" in log and "MKL_DIR" in log, log[-2000:]
    [finding] = explain_all(log)
    assert finding.id == "mkl-finder-failed" and "project's own search" in finding.title, flat(finding)
    assert "-DMKL_DIR=<MKL prefix>/lib/cmake/mkl" in finding.fix[0]


def test_mklconfig_that_ran_without_headers_is_mkls_own(tmp_path, mkl):
    log = _configure(tmp_path, f"-DMKL_DIR={mkl.devel_2023 / 'lib' / 'cmake' / 'mkl'}")
    assert "MKLConfig.cmake:" in log and "missing: MKL_INCLUDE" in log, log[-2000:]
    [finding] = explain_all(log)
    assert finding.id == "mkl-finder-failed" and finding.title.startswith("MKL's own CMake config"), flat(finding)
    assert "this is Intel's MKLConfig.cmake" in flat(finding) and "mkl-include" in finding.fix[0]
