"""The classes of the eighth blind set (tests/data/explain_corpus/blind8.json), produced here where they can run: a
project's own FindMKL.cmake that answers find_package(MKL) so that Intel's MKLConfig.cmake never defines MKL::MKL, which a
dependency's exported target links (SIRIUS#964 with DLA-Future), and its fix run."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import clean_env, errors_of


@pytest.mark.mkl
def test_a_project_findmkl_that_hides_mklconfig_is_named_and_the_config_fixes_it(tmp_path, mkl):
    def configure(tag: str, own_finder: bool) -> subprocess.CompletedProcess:
        src = tmp_path / f"src-{tag}"
        (src / "cmake").mkdir(parents=True)
        (src / "main.cpp").write_text("int main() { return 0; }\n")
        # the project's own module: finds "MKL" its own way and says so, defining no target
        (src / "cmake" / "FindMKL.cmake").write_text("set(MKL_FOUND TRUE)\nset(MKL_LIBRARIES mkl_rt)\n")
        # a dependency's exported target that links Intel's MKL::MKL (as DLAF::LAPACK did)
        dependency = 'add_library(dep::lapack INTERFACE IMPORTED)\nset_target_properties(dep::lapack PROPERTIES INTERFACE_LINK_LIBRARIES MKL::MKL)\n'
        find = ("list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\nfind_package(MKL REQUIRED)\n" if own_finder
                else "find_package(MKL CONFIG REQUIRED)\n")
        (src / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(t CXX)\n" + find + dependency
                                            + "add_executable(app main.cpp)\ntarget_link_libraries(app PRIVATE dep::lapack)\n")
        return subprocess.run(["cmake", "-S", str(src), "-B", str(tmp_path / f"build-{tag}"),
                               f"-DMKL_DIR={mkl.pip_lib / 'cmake/mkl'}", "-DCMAKE_CXX_COMPILER=g++"],
                              env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)

    done = configure("own", True)
    assert done.returncode != 0 and "MKL::MKL" in done.stdout and "but the target was not found" in done.stdout, done.stdout
    findings = errors_of(done.stdout)
    assert [f.id for f in findings] == ["cmake-mkl-target-missing"], [(f.id, f.title) for f in findings]
    assert any("FindMKL.cmake" in line and "find_package(MKL CONFIG)" in line for line in findings[0].fix)
    # the same lines with a log viewer's line numbers in front (as the public log has them) read the same
    numbered = "".join(f"{n:>8}      {line}\n" for n, line in enumerate(done.stdout.splitlines(), 100))
    assert [f.id for f in errors_of(numbered)] == ["cmake-mkl-target-missing"]
    assert configure("config", False).returncode == 0  # the fix: Intel's config, which defines MKL::MKL


@pytest.mark.parametrize("prefix", ["2024-03-01T10:11:12.1234567Z ", "#12 45.67 ", "Jul 16 11:43:05 ", "Mar  3 09:01:02 ",
                                    "2024-03-01T10:11:12.123456789Z stderr F "])  # a container runtime's log file
def test_a_ci_prefix_before_the_linkers_line_is_read_through(prefix):
    """GitHub Actions' timestamps, BuildKit's step prefixes and CircleCI's clock come before every line of a public CI log."""
    [finding] = errors_of(f"{prefix}/usr/bin/ld: cannot find -lmkl_intel_lp64: No such file or directory\n")
    assert finding.id == "library-not-found" and "mkl_intel_lp64" in finding.title


def test_a_log_viewers_line_numbers_never_make_an_error_silent():
    """IPython's numbered source lines are code, not errors, only in a log with IPython's marks; a log viewer's numbers
    in front of an error keep it an error."""
    [finding] = errors_of("  12 | /usr/bin/ld: cannot find -lmkl_core\n")
    assert finding.id == "unrecognised-failure"
    ipython = ("ImportError                               Traceback (most recent call last)\n"
               "<ipython-input-4-9cb80959ee4f> in <module>\n----> 1 import mkl_thing\n"
               "   1253     except ImportError:\n"
               "ImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n")
    assert [f.id for f in errors_of(ipython)] == ["loader-cannot-find"]


def test_a_reports_label_alone_is_no_error_and_an_error_with_words_stays_one():
    from mkldoctor.explain import catalogue

    for label in ("**Error:**", "### Error", "Errors:", "ERROR"):
        assert catalogue.NOT_A_FAILURE.search(label), label
    for line in ("Error: boom", "**Error:** libmkl_rt.so.2: cannot open shared object file"):
        assert catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line), line
