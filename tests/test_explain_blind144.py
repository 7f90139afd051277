"""Blind sets 144 and after (tests/data/explain_corpus/blind144.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here
(gcc's warning for a folder that is gone, CMake's search for another BLAS than the one asked for, g++ on a project's MKL
code and on MKL's header inside a namespace, Python's chained exceptions), the thread's own text where it cannot (Julia's
MKL_jll builds, SYCL's runtime, MPI, apt, icx)."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159)


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


OWN_CODE = """#include <type_traits>
template <typename T> struct supported : std::false_type {};
template <> struct supported<double> : std::true_type {};
template <typename T> struct MKLSparseMatrix {
  static_assert(supported<T>::value, "Scalar type used in MKLSparseMatrix<value_type> is NOT supported by MKL");
};
inline int f() { MKLSparseMatrix<long long> m; (void)m; return valuesA; }
"""


def test_a_compile_error_in_the_projects_own_mkl_code(tmp_path):
    """Trilinos #2116 and #11033's shapes, produced with g++: a header of the project's MKL path (its name says so) with a
    name it never declared and its own static assertion. The finding blames that code, not MKL's headers."""
    (tmp_path / "KokkosSparse_Utils_mkl.hpp").write_text(OWN_CODE)
    (tmp_path / "t.cpp").write_text('#include "KokkosSparse_Utils_mkl.hpp"\nint main() { return f(); }\n')
    code, log = run(["g++", "-c", "t.cpp"], tmp_path, clean_env())
    assert code != 0 and "static assertion failed" in log and "valuesA" in log, log
    finding = only_error(log)
    assert finding.id == "project-code-error" and "KokkosSparse_Utils_mkl.hpp" in finding.title, flat(finding)
    assert "-DTPL_ENABLE_MKL=OFF" in finding.fix[1]
    for fragment in ("2116", "11033"):  # the threads' own clang and gcc text
        assert only_error(blindset.log_of(blindset.entries(149), fragment)).id == "project-code-error"


def test_mkls_header_included_inside_a_namespace(tmp_path, mkl):
    """Trilinos #6957's shape, produced with g++ and the pinned wheel's own mkl_spblas.h: its #include inside a namespace
    declares sparse_index_base_t there, and code at global scope does not find it."""
    (tmp_path / "t.cpp").write_text("namespace KokkosBatched {\n#include <mkl_spblas.h>\n}\n"
                                    "int main() { sparse_index_base_t b = SPARSE_INDEX_BASE_ZERO; return (int)b; }\n")
    code, log = run(["g++", "-c", f"-I{mkl.pip / 'include'}", "t.cpp"], tmp_path, clean_env())
    assert code != 0 and "KokkosBatched::sparse_index_base_t" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-header-in-namespace" and "namespace KokkosBatched" in finding.title, flat(finding)
    assert finding.fix[0].startswith("move the #include of MKL's headers out of namespace KokkosBatched")
    assert only_error(blindset.log_of(blindset.entries(149), "6957")).id == "mkl-header-in-namespace"


def test_a_handled_exception_in_a_chained_traceback_is_not_a_failure_of_its_own(tmp_path):
    """pymc-resources#5's shape, produced with Python: an exception handled, and during its handling the import of mkl
    failed. The handled one (KeyError) is no failure of its own beside the finding for the last."""
    script = "try:\n    {}['blas']\nexcept KeyError:\n    import mkl\n"
    code, log = run(["python3", "-c", script], tmp_path, clean_env(PYTHONPATH=str(tmp_path)))
    assert code != 0 and "During handling of the above exception" in log and "KeyError: 'blas'" in log, log
    assert [f.id for f in errors_of(log)] == ["mkl-service-missing"], [(f.id, f.title) for f in errors_of(log)]
    # the handled exception alone, with nothing explained: still said, never silent
    alone = log.split("During handling")[0] + "During handling of the above exception, another exception occurred:\n"
    assert [f.id for f in errors_of(alone)] == ["unrecognised-failure"], [(f.id, f.title) for f in errors_of(alone)]


def test_public_texts_of_sets_148_to_153():
    """The shapes that cannot run here, as their threads printed them."""
    cases = (
        (150, "nwchem-790", "mkl-parameter-error", lambda f: f.fix[0].startswith("Global Arrays' GAL_DSYEV passes GA's integers")),
        (150, "dftbplus-74", "mkl-cluster-needs-mpi", lambda f: "of MPICH's family" in f.title and "intelmpi" in f.fix[0]),
        (150, "abacus", "library-versions-conflict", lambda f: any("aborted in MPI" in e for e in f.evidence)),
        (150, "nequip-151", "cmake-imported-target-path-missing", lambda f: True),
        (153, "marian", "intel-apt-key-rejected", lambda f: "EXPKEYSIG" in f.title),
        (153, "cntk-791", "mkl-finder-failed", lambda f: f.fix[0].startswith("the project's message points at its own")),
        (149, "ginkgo", "sycl-fill-null-pointer", lambda f: "ginkgo 5bc7ace" in f.fix[0]),
        (149, "votca-31", "mkl-header-not-found", lambda f: "votca PR #32" in f.fix[0]),
        (149, "2062", "mkl-header-not-found", lambda f: "intel/19.0.5.281" in f.evidence[-1] and "SYCL build" in f.fix[0]),
        # a person's words for MKL's kernel error, the library on the next line (py-mkl-pardiso 574abc4)
        (154, "574abc4", "mkl-core-not-visible", lambda f: "libmkl_def.so" in f.title and any("channel" in x for x in f.fix)),
        (155, "onedal-198", "onedal-micro-mkl-kernels", lambda f: "PR #199" in f.fix[0]),
        # ldd of the extension lists torch's own libraries "not found": torch loads them first, no failure of their own
        (155, "ipex-llm-8803", "sycl-runtime-older-than-build", lambda f: True),
        (155, "ipex-llm-4423", "unrecognised-failure", lambda f: "ERROR Executor:94" in f.title),  # a logger's level kept
        (156, "sundials-173", "cmake-mkl-target-missing", lambda f: "sundials#173" in f.fix[-1]),
        (157, "hpc-container-maker-502", "intel-apt-key-rejected", lambda f: "signed-by" in f.fix[0]),  # apt's Err line
        (157, "10369", "sycl-runtime-file-renamed", lambda f: "ur_win_proxy_loader.dll" in f.evidence[-1]),
        (157, "multicharge-30", "mkl-env-script-missing", lambda f: f.fix[0].startswith("the path names one release's folder")
         and "already ran" in f.fix[0]),
        (157, "mkl-jl-125", "julia-mkl-jl-old", lambda f: any("AssertionError" in e for e in f.evidence)),
        (159, "12625", "cmake-mkl-source-missing", lambda f: "pybind_state_mkl.cc" in f.title),
        # a module built from source (an .egg) linked MKL's separate layers from numpy's build information
        (151, "scs-63", "macos-library-not-loaded", lambda f: f.fix[0].startswith("rebuild the module against libmkl_rt")),
    )
    for n, fragment, rule, check in cases:
        finding = only_error(blindset.log_of(blindset.entries(n), fragment))
        assert finding.id == rule and check(finding), (fragment, flat(finding))
    [said] = blindset.findings(blindset.log_of(blindset.entries(151), "spack-40947"))
    assert said.id == "mkl-link-flag-on-compile" and "spack PR #40947" in said.fix[0], flat(said)


def test_one_tools_same_error_for_several_arguments_is_said_once():
    # LocalAI#3624 (blind set 142): curl given MKL's file names as hosts, "(6) Could not resolve host" once per name
    [finding] = errors_of(blindset.log_of(blindset.entries(142), "localai-3624"))
    again = finding.evidence[-1]
    assert finding.id == "unrecognised-failure" and again.startswith("the same error 3 more times: ") and "curl: (6)" in again, \
        flat(finding)
    # two different errors stay two
    log = "curl: (6) Could not resolve host: a.example\ncurl: (7) Failed to connect to b.example port 80\n"
    assert len(errors_of(log)) == 2


def test_a_cmake_source_list_naming_a_deleted_mkl_file(tmp_path):
    """pytorch PR #12625's shape, produced with CMake: a target whose MKL block lists a source file the tree lacks. The
    finding names the file; a missing file of another name stays CMake's error, said as unrecognised."""
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    for name, rule in (("pybind_state_mkl.cc", "cmake-mkl-source-missing"), ("other.cc", "unrecognised-failure")):
        (tmp_path / "CMakeLists.txt").write_text(f"cmake_minimum_required(VERSION 3.13)\nproject(p C CXX)\n"
                                                 f"add_library(state SHARED main.c {name})\n")
        code, out = run(["cmake", "-S", ".", "-B", f"build-{name}"], tmp_path, clean_env())
        assert code != 0 and "Cannot find source file" in out, out
        finding = errors_of(out)[0]
        assert finding.id == rule and (name in finding.title or rule != "cmake-mkl-source-missing"), flat(finding)


def test_a_persons_words_for_mkls_kernel_error_on_one_line():
    # py-mkl-pardiso b066f86's words, the library on the same line as the name
    log = "mkl-static conflicts with mkl shared libraries causing 'undefined symbol: mkl_x_y in libmkl_def.so' fatal error\n"
    log = log.replace("symbol: mkl_x_y", "symbol mkl_sparse_optimize_bsr_trsm_i8")
    finding = only_error(log)
    assert finding.id == "mkl-core-not-visible" and "libmkl_def.so" in finding.title, flat(finding)
