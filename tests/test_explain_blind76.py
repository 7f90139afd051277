"""The seventy-sixth blind set (tests/data/explain_corpus/blind76.json): texts the rules made after it answer (from the
public reports: oneAPI's runtime of one year where another's is installed, TensorFlow's Bazel builds with MKL, pyFFTW
beside MKL, a venv's pip wheels, FreeBSD's loader, a conda environment's pin)."""

from __future__ import annotations

import json
from pathlib import Path

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.explain import logparse
from mkldoctor.explain.origin import log_platform
from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(76)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_a_build_of_oneapi_2025_over_2024s_wheels_on_windows():
    """ipex-llm#12784: the reporter's sentence names sycl8.dll and mkl_sycl_blas.5.dll; pip's list, 2024.2.1's wheels."""
    finding = only_error(_log("ipex-llm-12784"))
    assert finding.id == "oneapi-runtime-other-year", flat(finding)
    assert "oneAPI 2025's runtime (sycl8.dll, mkl_sycl_blas.5.dll)" in finding.title and finding.title.endswith("oneAPI 2024's")
    assert "'dpcpp-cpp-rt==2025.*' 'mkl-dpcpp==2025.*'" in finding.fix[0]


def test_a_release_of_2025_on_2026s_runtime_is_one_finding():
    """llama.cpp#25573: libsycl.so.8 and libmkl_sycl_blas.so.5 (2025's) with 2026's libsycl.so.9 installed: one year
    finding in place of a loader finding each (libsvml.so too, the same install's compiler runtime, no year in its name),
    and no LD_LIBRARY_PATH to the folder of the reporter's own link."""
    findings = errors_of(_log("llamacpp-25573"))
    assert [f.id for f in findings] == ["oneapi-runtime-other-year"], [flat(f) for f in findings]
    year = findings[0]
    assert any(line.startswith("libsvml.so also") for line in year.evidence)
    assert "oneAPI 2025's runtime (libsycl.so.8, libmkl_sycl_blas.so.5)" in year.title and year.title.endswith("oneAPI 2026's")
    assert not any("LD_LIBRARY_PATH=/usr/lib" in line for f in findings for line in f.fix)


def test_apts_packages_say_the_year_installed_but_not_tbbs():
    """ipex-llm#12594 (blind75): apt's list shows intel-oneapi-openmp-2025.0 beside TBB's own 2022 numbering."""
    log = json.loads((Path(__file__).parent / "data/explain_corpus/blind75.json").read_text())["entries"]
    [entry] = [e for e in log if "ipexllm-12594" in e["id"]]
    finding = only_error(entry["log"])
    assert finding.id == "oneapi-runtime-other-year" and finding.title.endswith("the machine has oneAPI 2025's"), flat(finding)
    # the same file, nothing of another year shown: the loader's finding, with the year said there
    loader = only_error("./llama-cli: error while loading shared libraries: libsycl.so.7: cannot open shared object file: "
                        "No such file or directory\n")
    assert loader.id == "loader-cannot-find" and any("SYCL runtime of oneAPI 2024's" in line for line in loader.fix)


def test_bazels_mkl_dnn_archive_no_longer_matches_its_pin():
    """tensorflow#38377: one finding, the fetch's headers its echoes, not a CMake finder's failure."""
    finding = only_error(_log("tensorflow-38377"))
    assert finding.id == "bazel-mkl-archive-changed" and "@mkl_dnn" in finding.title, flat(finding)
    assert "bazel clean --expunge" in finding.fix[1]


def test_bazels_missing_input_of_the_mkl_repository():
    finding = only_error(_log("tensorflow-11678"))
    assert finding.id == "bazel-mkl-input-missing" and "@mkl//:LICENSE" in finding.title, flat(finding)


def test_the_projects_own_mkl_code_behind_an_api_change():
    """tensorflow#21938 and #26001: compile errors in mkl_util.h and mkl_cpu_allocator.h (TensorFlow's, not MKL's)."""
    for fragment, name in (("tensorflow-21938", "mkl_util.h"), ("tensorflow-26001", "mkl_cpu_allocator.h")):
        finding = only_error(_log(fragment))
        assert finding.id == "project-mkl-code-broken" and name in finding.title, flat(finding)
    # MKL's own header, or an MKL name in the message: not the project's code
    for line in ("/opt/intel/oneapi/mkl/latest/include/mkl_cblas.h:12:3: error: expected ';' before 'x'",
                 "./src/mkl_conv.cc:40:5: error: 'dnnConvolutionCreateForward_F32' was not declared in this scope"):
        assert all(f.id != "project-mkl-code-broken" for f in errors_of(line + "\n")), line


def test_perls_module_missing_in_llvm_openmps_build():
    finding = only_error(_log("tensorflow-47283"))
    assert finding.id == "perl-module-missing" and "Data::Dumper" in finding.title, flat(finding)
    assert finding.fix[0].startswith("RHEL, CentOS, Fedora, Rocky: dnf install perl-Data-Dumper")
    assert any("LLVM's OpenMP runtime" in line for line in finding.evidence)


def test_pyfftws_null_plan_beside_mkl():
    finding = only_error(_log("odl-699"))
    assert finding.id == "mkl-fftw-plan-refused" and finding.title.startswith("pyFFTW's planner"), flat(finding)
    assert "nomkl" in finding.fix[0]


def test_a_pip_wheels_runtime_in_a_venvs_lib_folder():
    """dpctl#1892: libintlc.so.5 of intel-cmplr-lib-rt in the venv's lib/, which no run path names."""
    finding = only_error(_log("dpctl-1892"))
    assert finding.id == "loader-cannot-find", flat(finding)
    assert "ls /home/opavlyk/tmp/pypi_venv/lib/libintlc.so*" in finding.fix[0]
    assert finding.fix[1].startswith("a pip wheel (MKL's, Intel's runtimes) installs its libraries in /home/opavlyk/tmp/pypi_venv/lib")


def test_a_sycl_runtime_of_a_release_outside_the_table():
    finding = only_error(_log("dpctl-58"))
    assert any("libsycl.so.2 is the SYCL runtime of Intel's DPC++ compiler, of a release outside" in line
               for line in finding.fix), flat(finding)


def test_freebsds_loader_and_the_test_runs_after_it():
    """osqp#532: FreeBSD's rtld words inside OSQP's own message; CTest's and Catch2's summaries are its consequences."""
    finding = only_error(_log("osqp-532"))
    assert finding.id == "loader-cannot-find" and finding.title.endswith("libmkl_rt.so"), flat(finding)
    assert any("The following tests FAILED:" in line and "consequence" in line for line in finding.evidence)
    # FreeBSD's remedies, not glibc's and the Linux distributions' (no MKL is built for FreeBSD)
    assert "no MKL release is built for FreeBSD" in finding.fix[0] and "QDLDL" in finding.fix[0], finding.fix
    assert not any(word in line for line in finding.fix for word in ("ldconfig -p", "apt-get", "pip install", "conda install"))
    assert finding.confirm[0].startswith("ldconfig -r | grep libmkl_rt")
    assert log_platform(logparse.parse_bytes(_log("osqp-532").encode())) == "FreeBSD"
    other = only_error('ld-elf.so.1: Shared object "libgfortran.so.5" not found, required by "solver"\n')
    assert other.id == "loader-cannot-find" and other.fix[0].startswith("install the package that provides libgfortran.so.5")


def test_a_conda_environment_shown_by_its_commands_gets_condas_pin():
    """deepchem#4698: the paths are anonymised, but the log's conda commands say where torch runs."""
    finding = only_error(_log("deepchem-4698"))
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert finding.fix[0].startswith("in the log's conda environment: conda install mkl=2024.0")
    plain = [f for f in explain(logparse.parse_bytes(_log("deepchem-4698").split("**Error Log:**")[1].encode()), [])
             if f.severity == "error"]
    assert plain and not plain[0].fix[0].startswith("in the log's conda environment")


def test_a_test_runs_summary_alone_says_how_to_see_the_tests_output():
    """CTest's summary with nothing before it (trilinos PR #4579's log, blind68): still unrecognised, with the command
    that prints the failed tests' own output."""
    log = "  The following tests FAILED:\n  \t 31 - Anasazi_Epetra_BKS_norestart_test_MPI_4 (Failed)\n  Errors while running CTest\n"
    finding = only_error(log)
    assert finding.id == "unrecognised-failure" and any("ctest --output-on-failure -R" in line for line in finding.fix)
    assert finding.title.startswith("the log says tests failed"), finding.title


def test_onemaths_cuda_backend_built_with_oneapis_compiler():
    """oneMath#335: CUDA's cuda_bf16.hpp does not compile under oneAPI 2023.1's clang++ in the cuBLAS backend."""
    finding = only_error(_log("onemath-335"))
    assert finding.id == "onemath-cuda-backend-compiler" and "cublas backend" in finding.title, flat(finding)
    # CUDA's header failing elsewhere (no oneMath backend, no oneAPI compiler): not this finding
    other = errors_of("/usr/include/cuda_bf16.hpp:373:9: error: use of undeclared identifier '__float_as_uint'\n")
    assert [f.id for f in other] == ["unrecognised-failure"]


def test_bazels_archive_mismatch_rewrapped_at_words():
    """The same log re-flowed at 100 columns (a page that wraps at words): the archive's prefix line without its path, and
    Bazel's 'no such package' alone on a line, are still Bazel's, not a CMake finder's failure."""
    import textwrap

    flowed = "\n".join(w for line in _log("tensorflow-38377").split("\n")
                       for w in (textwrap.wrap(line, 100, break_long_words=True, break_on_hyphens=False, drop_whitespace=False) or [""]))
    finding = only_error(flowed)
    assert finding.id == "bazel-mkl-archive-changed" and "@mkl_dnn" in finding.title, flat(finding)
