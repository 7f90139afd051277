"""The classes of the forty-eighth blind set (tests/data/explain_corpus/blind48.json): CMake's list of variables used
though their searches found nothing (produced with real CMake), pytest's header of a failed test as a failure said
(produced with real pytest), R's and PyTorch's words for LAPACK's INFO < 0 (r-flexiblas#2, pytorch#71645), Julia's Pkg
that could not install MKL_jll's artifact (BinaryBuilder.jl#618), Spack's external MPI with no libraries under
intel-oneapi-mkl +cluster (spack#39629)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.test_explain_families import errors_of, failed, flat

BLIND48 = {e["id"]: e["log"] for e in json.loads(
    (Path(__file__).parent / "data/explain_corpus/blind48.json").read_text())["entries"]}



def test_cmakes_variables_set_to_notfound(tmp_path):
    """A project's find_path for mkl.h that finds nothing, used anyway: CMake's list at the end of the configure."""
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
        "find_path(MKL_INCLUDE_DIR mkl.h PATHS /nonexistent/mkl/include NO_DEFAULT_PATH)\n"
        "find_library(MKL_CORE_LIBRARY mkl_core PATHS /nonexistent/mkl/lib NO_DEFAULT_PATH)\n"
        "add_executable(m m.c)\ntarget_include_directories(m PRIVATE ${MKL_INCLUDE_DIR})\n"
        "target_link_libraries(m ${MKL_CORE_LIBRARY})\n")
    log = failed(["cmake", "-S", ".", "-B", "build"], tmp_path)
    assert "set to NOTFOUND" in log, log
    [finding] = errors_of(log)
    assert finding.id == "cmake-variables-notfound", flat(finding)
    assert "MKL_INCLUDE_DIR" in finding.title and "MKL_CORE_LIBRARY" in finding.title and "MKL was not found" in finding.title
    [public] = errors_of(BLIND48["cmake-mkl-include-dir-notfound-molecularGSM-4"])
    assert public.id == "cmake-variables-notfound" and any("-DMKL_INCLUDE_DIR=" in line for line in public.fix)


def test_a_failed_tests_header_is_a_failure_said(tmp_path):
    """pytest's report of a failed comparison, whole and cut to its header and source lines (sklearn#12676's paste): never
    'no problem found'."""
    (tmp_path / "test_omp.py").write_text("def test_omp_cv():\n    assert 6 == 5\n")
    log = failed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_omp.py"], tmp_path)
    assert "_ test_omp_cv _" in log, log
    assert errors_of(log)
    cut = "\n".join(line for line in log.splitlines() if not line.startswith(("E ", "FAILED", "=")) and "failed" not in line)
    assert [f.id for f in errors_of(cut)] == ["unrecognised-failure"], cut
    assert [f.id for f in errors_of(BLIND48["pytest-sklearn-test-omp-cv-mkl-avx512-sklearn-12676"])] == ["unrecognised-failure"]


def test_rs_words_for_lapacks_info():
    [finding] = errors_of(BLIND48["r-lapack-dlascl-code-4-flexiblas-mkl-backend-r-flexiblas-2"])
    assert finding.id == "mkl-parameter-error" and "under R" in finding.title and "CFROM" in finding.title, flat(finding)
    assert any("FlexiBLAS" in line for line in finding.fix) and "NaN" in flat(finding)


def test_pytorchs_words_for_lapacks_info_alone_and_after_mkls_own_line():
    [finding] = errors_of(BLIND48["runtime-lapack-info-minus4-mkl2022-svd-internal-assert-pytorch-71645"])
    assert finding.id == "mkl-parameter-error" and "svd_cpu" in finding.title and "GESDD" in finding.title, flat(finding)
    assert "MKL 2022" in flat(finding) and any("isfinite" in line for line in finding.fix)
    # MKL's own line first, a long traceback between: one finding, MKL's, and PyTorch's line its consequence
    frames = "".join(f'  File "x.py", line {n}, in f{n}\n    g{n}()\n' for n in range(8))
    log = ("Intel MKL ERROR: Parameter 4 was incorrect on entry to SGELSY.\nTraceback (most recent call last):\n" + frames +
           "RuntimeError: false INTERNAL ASSERT FAILED at \"x.h\":244, please report a bug to PyTorch. torch.linalg.lstsq: "
           "Argument 4 has illegal value. Most certainly there is a bug in the implementation calling the backend library.\n")
    [finding] = errors_of(log)
    assert finding.title.startswith("MKL rejected parameter 4 of SGELSY") and "consequence" in flat(finding), flat(finding)


def test_julias_pkg_could_not_install_mkl_jlls_artifact():
    [finding] = errors_of(BLIND48["julia-mkl-jll-artifact-hash-mismatch-binarybuilder-618"])
    assert finding.id == "julia-artifact-not-installed" and "MKL_jll" in finding.title and "Hash" in finding.title, flat(finding)
    assert any("Registry.update" in line for line in finding.fix)
    newer = "ERROR: Unable to automatically download/install artifact 'MKL' from sources listed in '/h/.julia/packages/MKL_jll/Ab1/Artifacts.toml'.\n"
    [finding] = errors_of(newer)
    assert finding.id == "julia-artifact-not-installed" and "Hash" not in finding.title


def test_spacks_external_mpi_with_no_libraries_under_mkls_cluster_libraries():
    [finding] = errors_of(BLIND48["linux-link-spack-oneapi-mkl-cluster-hpcx-nolibs-spack-39629"])
    assert finding.id == "spack-mpi-libraries-not-found" and "hpcx-mpi" in finding.title, flat(finding)
    assert any("39750" in line for line in finding.fix) and any("~cluster" in line for line in finding.fix)
    [plain] = errors_of("==> Error: NoLibrariesError: Unable to recursively locate foo libraries in /opt/foo\n")
    assert plain.id == "spack-mpi-libraries-not-found" and "intel-oneapi-mkl" not in plain.title


def test_a_loader_lock_deadlock_in_mkls_first_call():
    """WinDbg's stack of the hung thread (dotnet/machinelearning#1073); its symbol notice alone is what the log says."""
    [finding] = errors_of(BLIND48["windows-deadlock-mklimports-loadlibrary-tests-hang-mlnet-1073"])
    assert finding.id == "windows-loader-lock-deadlock" and "MklImports" in finding.title, flat(finding)
    notice = "*** ERROR: Symbol file could not be found.  Defaulted to export symbols for foo.dll - \n"
    assert [f.id for f in errors_of(notice)] == ["unrecognised-failure"]


def test_blacs_names_undefined_ask_for_mkls_blacs_layer_and_mpi(tmp_path):
    """blind49's pyabacus (abacus-develop#3742): Cblacs_exit, which only MKL's BLACS layers export, undefined where MKL's
    BLAS and LAPACK were linked without MPI; produced with ld for the same name."""
    (tmp_path / "b.c").write_text("extern void Cblacs_exit(int);\nint main(void) { Cblacs_exit(0); return 0; }\n")
    log = failed(["gcc", "b.c", "-o", "b"], tmp_path)
    finding = next(f for f in errors_of(log) if "Cblacs_exit" in f.title)
    assert any("-lmkl_blacs_openmpi_lp64" in line and "MPI" in line for line in finding.fix), flat(finding)
    assert "BLACS layers, one per MPI" in flat(finding)
