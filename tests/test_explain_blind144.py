"""Blind sets 144 and after (tests/data/explain_corpus/blind144.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here
(gcc's warning for a folder that is gone, CMake's search for another BLAS than the one asked for), the thread's own text
where it cannot (Julia's MKL_jll builds, an earlier set's log that a later helper found again)."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(144, 145, 146, 147)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_julias_test_runner_after_a_crash_is_the_crashs_consequence():
    # julia#25246: ARPACK's ZDOTC through MKL's Intel interface, then "ERROR: A test has failed"
    finding = only_error(blindset.log_of(blindset.entries(145), "25246"))
    assert finding.id == "mkl-crash" and "-ff2c" in finding.fix[1], flat(finding)


def test_mkl_jll_built_without_sonames():
    # Pardiso.jl#69, kept in blind set 92 from Yggdrasil's fix (#946; #922 had turned autofix off), scored partly there
    finding = only_error(blindset.log_of(blindset.entries(92), "nosoname-pardiso"))
    assert "MKL_jll v2020.0.166+1 was built without sonames" in finding.title, flat(finding)
    assert finding.fix[0].startswith("julia -e 'using Pkg; Pkg.update(\"MKL_jll\")'") and "2020.0.166+2" in finding.fix[0]
    # another MKL_jll build: the bare name's finding as before, without that claim
    other = blindset.log_of(blindset.entries(92), "nosoname-pardiso").replace("v2020.0.166+1", "v2020.0.166+2")
    assert "sonames" not in only_error(other).title


def test_an_mkl_folder_named_by_the_flags_that_is_gone(tmp_path):
    """classInt#15's shape, produced: gcc told to search an MKL release's include folder that does not exist warns of it
    (-Wmissing-include-dirs); the finding names the folder, and the fix a path that survives updates."""
    (tmp_path / "x.c").write_text("int x;\n")
    folder = "/opt/intel/compilers_and_libraries_2019.4.243/linux/mkl/include"
    code, log = run(["gcc", "-Wmissing-include-dirs", f"-I{folder}", "-c", "x.c"], tmp_path, clean_env())
    assert code == 0 and "-Wmissing-include-dirs" in log, log
    said = blindset.findings(log)
    assert [f.id for f in said] == ["mkl-folder-gone"] and said[0].severity == "warning", [(f.id, f.title) for f in said]
    assert folder in said[0].title and "2019.4.243 names one release" in said[0].evidence[-1], flat(said[0])
    # R's own flags (R CMD INSTALL's folder in the log): Makeconf first
    [r_said] = blindset.findings(blindset.log_of(blindset.entries(145), "classint"))
    assert r_said.fix[0].startswith("the flags are R's own") and "arch4edu#43" in r_said.fix[0], flat(r_said)
    # a folder of another library: not MKL's, nothing said
    code, log = run(["gcc", "-Wmissing-include-dirs", "-I/opt/nowhere/include", "-c", "x.c"], tmp_path, clean_env())
    assert "-Wmissing-include-dirs" in log and blindset.findings(log) == [], log


PROJECT = """cmake_minimum_required(VERSION 3.13)
project(choice C)
option(USE_BLAS "the BLAS to use" open)
list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake/Modules)
include(3rdparty/sub/sub.cmake)
"""
SUB = """# the submodule picks its BLAS from a variable of its own, as mshadow.cmake did before dmlc/mshadow 84082c4
set(BLAS "Open" CACHE STRING "the BLAS")
if(BLAS STREQUAL "Open")
  find_package(OpenBLAS REQUIRED)
elseif(BLAS STREQUAL "MKL")
  message(STATUS "MKL chosen")
endif()
"""
FIND_OPENBLAS = """find_library(OpenBLAS_LIB NAMES openblas_not_here)
if(NOT OpenBLAS_LIB)
  message(FATAL_ERROR "Could not find OpenBLAS")
endif()
"""


def test_a_project_that_seeks_another_blas_after_mkl_was_asked_for(tmp_path):
    """mxnet#11769's shape, produced with CMake: -DUSE_BLAS=mkl, and a submodule's CMake file that reads its own BLAS
    variable searches for OpenBLAS and stops. The finding says the option did not reach that part; its fix (the
    submodule's own variable) configures."""
    (tmp_path / "CMakeLists.txt").write_text(PROJECT)
    (tmp_path / "3rdparty" / "sub").mkdir(parents=True)
    (tmp_path / "3rdparty" / "sub" / "sub.cmake").write_text(SUB)
    (tmp_path / "cmake" / "Modules").mkdir(parents=True)
    (tmp_path / "cmake" / "Modules" / "FindOpenBLAS.cmake").write_text(FIND_OPENBLAS)
    command = ["cmake", "-S", ".", "-B", "build", "-DUSE_BLAS=mkl"]
    code, out = run(command, tmp_path, clean_env())
    assert code != 0 and "Could not find OpenBLAS" in out, out
    finding = only_error("$ " + " ".join(command) + "\n" + out)
    assert finding.id == "project-blas-choice-ignored" and "-DUSE_BLAS=mkl" in finding.title, flat(finding)
    assert "-DBLAS=MKL" in finding.fix[0]
    (tmp_path / "build" / "CMakeCache.txt").unlink()  # the fix's second line
    code, out = run([*command, "-DBLAS=MKL"], tmp_path, clean_env())
    assert code == 0 and "MKL chosen" in out, out
    # OpenBLAS not found with no MKL asked for: not this finding, and still an error said
    code, out = run(["cmake", "-S", ".", "-B", "build2"], tmp_path, clean_env())
    assert code != 0 and "project-blas-choice-ignored" not in [f.id for f in errors_of(out)] and errors_of(out), out
