"""The classes of the fifty-seventh blind set (tests/data/explain_corpus/blind57.json): Julia's package missing from the
environments a build's child process loads from (MKL.jl#57), sparse_dot_mkl's refusal under MKL's LP64 interface
(sparse_dot#6), MKL ScaLAPACK's failed allocation of a wrapped size (dftbplus#534), a wrapper's KeyError for PARDISO's
error code (qutip#791), linuxdeploy's missing dependency (screenpipe#600), MKLROOT set to a relative path (flashlight#95,
and produced here with CMake's FindBLAS)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error as _only, run

ENTRIES = blindset.entries(57)


def test_a_julia_package_outside_the_environments_a_build_loads():
    finding = _only(ENTRIES["julia-mkljl-build-package-mkl-not-found-juliapro-env-not-retained-mkl-jl-57"]["log"])
    assert finding.id == "julia-package-not-in-environment" and "a build started" in finding.title, flat(finding)
    assert "JULIA_PROJECT" in finding.fix[1] and "Pkg.add(\"MKL\")" in finding.fix[0]
    plain = _only('ERROR: LoadError: ArgumentError: Package Pardiso not found in current path:\n'
                  '- Run `import Pkg; Pkg.add("Pardiso")` to install the Pardiso package.\n')
    assert plain.id == "julia-package-not-in-environment" and "a build started" not in plain.title, flat(plain)


def test_sparse_dot_mkl_and_the_lp64_interface():
    finding = _only(ENTRIES["mklrt-sparse-dot-lp64-int32-cannot-hold-matrix-6"]["log"])
    assert finding.id == "mkl-lp64-too-small" and finding.fix[0].startswith("export MKL_INTERFACE_LAYER=ILP64"), flat(finding)
    assert "numpy and SciPy on conda's MKL" in finding.fix[0]  # the caveat: one libmkl_rt, one interface per process


def test_scalapacks_allocation_of_a_wrapped_size_and_of_a_real_one():
    finding = _only(ENTRIES["mklrt-dftbplus-scalapack-mr2d-malloc-huge-size-534"]["log"])
    assert finding.id == "mkl-cluster-allocate-failed" and "wrapped around" in finding.title, flat(finding)
    assert "2**64 - 12,414,871,520" in finding.evidence[1]
    memory = _only("MKL_SCALAPACK_ALLOCATE in mr2d_malloc.c is unsucceseful, size = 96000000000\n")
    assert "96,000,000,000 bytes" in memory.title and "ran out of memory" in memory.title, flat(memory)


def test_a_wrappers_keyerror_for_pardisos_code():
    finding = _only(ENTRIES["mkl-runtime-qutip-mkl-pardiso-error-minus4-zero-pivot-keyerror-qutip-791"]["log"])
    assert finding.id == "mkl-pardiso-error" and "error -4" in finding.title and "zero pivot" in finding.title, flat(finding)
    assert "no entry for PARDISO's error -4" in finding.evidence[0]


def test_linuxdeploy_without_mkls_folder():
    finding = _only(ENTRIES["linux-loader-tauri-bundle-libiomp5-not-found-screenpipe-pr600"]["log"])
    assert finding.id == "bundle-dependency-not-found" and "libiomp5.so" in finding.title, flat(finding)
    assert "LD_LIBRARY_PATH" in finding.fix[0]
    other = errors_of("ERROR: Could not find dependency: libwebkit2gtk-4.0.so.37\n")  # not MKL's: this rule leaves it
    assert [f.id for f in other] == ["unrecognised-failure"], [(f.id, f.title) for f in other]


def test_the_public_report_of_a_relative_mklroot():
    finding = _only(ENTRIES["cmake-mklroot-relative-path-mkl-not-found-flashlight-95"]["log"])
    assert finding.id == "mklroot-relative" and "export MKLROOT=/opt/intel/mkl" in finding.fix[0], flat(finding)
    assert any("Library mkl_gf_lp64: not found" in line for line in finding.evidence)


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_a_relative_mklroot_with_cmakes_findblas(tmp_path, mkl):
    """CMake's FindBLAS reads MKLROOT; 'opt/mkl' where /.../opt/mkl was meant finds nothing; the absolute path finds it."""
    prefix = tmp_path / "opt/mkl/lib"
    prefix.mkdir(parents=True)
    (prefix / "libmkl_rt.so").symlink_to(next(mkl.pip_lib.glob("libmkl_rt.so.*")))
    project = tmp_path / "project"
    project.mkdir()
    (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                            "set(BLA_VENDOR Intel10_64_dyn)\nfind_package(BLAS REQUIRED)\n")
    code, out = run(["cmake", "-S", ".", "-B", "b"], project, clean_env(MKLROOT="opt/mkl"))
    assert code != 0 and "Could NOT find BLAS" in out, out
    finding = _only("$ export MKLROOT=opt/mkl\n" + out)  # the shell line and CMake's output, as a report pastes them
    assert finding.id == "mklroot-relative" and finding.fix[0].startswith("export MKLROOT=/opt/mkl"), flat(finding)
    shutil.rmtree(project / "b")
    code, out = run(["cmake", "-S", ".", "-B", "b"], project, clean_env(MKLROOT=str(tmp_path / "opt/mkl")))
    assert code == 0 and "Found BLAS" in out, out


def test_integers_rejected_in_two_routines_and_a_package_that_warns_of_ilp64():
    """cytnx#595: a package that switches libmkl_rt to ILP64 under numpy's LP64 calls; ZHEEVD's and DSYEVD's refusals are
    one failure, and the package's own warning is the evidence of who switched it."""
    finding = _only(ENTRIES["python-runtime-cytnx-sets-mkl-rt-ilp64-breaks-numpy-lapack-cytnx-595"]["log"])
    assert finding.id == "mkl-parameter-error" and "ZHEEVD" in finding.title and "DSYEVD" in finding.title, flat(finding)
    assert any("warns about ILP64" in line and "cytnx/__init__.py" in line for line in finding.evidence)
    assert finding.fix[0].startswith("one interface per libmkl_rt")
    two = errors_of("Intel MKL ERROR: Parameter 6 was incorrect on entry to DGESVD.\n"
                    "Intel MKL ERROR: Parameter 8 was incorrect on entry to DGEMM .\n")
    assert len(two) == 1 and not any("warns about ILP64" in line for line in two[0].evidence), [(f.id, f.title) for f in two]


def test_an_mkl_call_in_a_build_that_links_another_blas(tmp_path):
    """dll#11's ETL: MKL's mkl_get_max_threads called in a build on reference BLAS (-llapack -lblas); produced with g++."""
    finding = _only(ENTRIES["linux-link-etl-blas-mode-undeclared-mkl-set-num-threads-dll-11"]["log"])
    assert finding.id == "mkl-call-without-mkl" and "-llapack -lblas" in finding.title, flat(finding)
    (tmp_path / "e.cpp").write_text("int f() { int n = mkl_get_max_threads(); mkl_set_num_threads(1); return n; }\n"
                                    "int main() { return f(); }\n")
    command = ["g++", "e.cpp", "-o", "e", "-llapack", "-lblas"]
    code, out = run(command, tmp_path, clean_env())
    assert code != 0 and "mkl_get_max_threads" in out, out
    finding = _only(" ".join(command) + "\n" + out)  # the command and its output, as explain -- CMD reads them
    assert finding.id == "mkl-call-without-mkl", flat(finding)
    alone = _only(out)  # without the command line: nothing says which BLAS, so MKL's header is the first thing to check
    assert alone.id == "mkl-api-changed" and "#include <mkl.h>" in alone.fix[0], flat(alone)


def test_mkl_nets_own_shim_missing_from_its_package():
    finding = _only(ENTRIES["windows-dotnet-mklnet-native-dll-missing-from-win-x64-package-mkl-net-18"]["log"])
    assert finding.id == "windows-library-not-loaded" and "MKL.NET.Native.dll" in finding.title, flat(finding)
    assert finding.fix[0].startswith("MKL.NET.Native.dll is MKL.NET's own C shim") and "1.4.1" in finding.fix[0]


def test_julias_repl_answer_openblas_after_mkl_jls_build():
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    log = ENTRIES["julia-windows-mkljl-build-silently-skipped-on-1-6-1-blas-vendor-openblas-mkl-jl-80"]["log"]
    assert errors_of(log) == []  # a warning: the REPL's answer is no error
    [finding] = explain(logparse.parse_bytes(log.encode()), [])
    assert finding.id == "julia-blas-not-mkl" and finding.severity == "warning" and "MKL.jl#80" in finding.fix[0], flat(finding)
    assert explain(logparse.parse_bytes(b"julia> x = :openblas64\n:openblas64\n"), []) == []  # no BLAS.vendor() asked


def test_ipex_on_another_oneapi_release():
    finding = _only(ENTRIES["windows-winerror126-ipex-oneapi-version-mismatch-ipex-473"]["log"])
    assert finding.id == "windows-library-not-loaded", flat(finding)
    assert finding.fix[0].startswith("intel_extension_for_pytorch's XPU builds") and "oneAPI installed" in finding.fix[0]


def test_intel_openmp_searched_under_mklroot_of_oneapis_mkl_folder():
    [finding] = [f for f in _all(ENTRIES["cmake-iomp5-notfound-mklroot-latest-ctranslate2-1703"]["log"]) if f.id == "mkl-finder-failed"]
    assert finding.fix[0].startswith("MKLROOT is oneAPI's MKL folder (/opt/intel/oneapi/mkl/...)"), flat(finding)
    assert "INTELROOT=/opt/intel/oneapi" in finding.fix[0]


def _all(log: str):
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    return explain(logparse.parse_bytes(log.encode()), [])


def test_microsoft_r_opens_mkl_package_asked_of_an_r_without_it(tmp_path):
    finding = _only(ENTRIES["macos-mro-revoutilsmath-not-available-no-mkl-on-osx-microsoft-r-open-28"]["log"])
    assert finding.id == "r-revoutilsmath-missing" and finding.fix[0].startswith("macOS: nothing to install"), flat(finding)
    code, log = run(["Rscript", "-e", "getMKLthreads()"], tmp_path, clean_env())  # CRAN's R: no such function
    assert code != 0 and 'could not find function "getMKLthreads"' in log, log
    assert _only(log).id == "r-revoutilsmath-missing"


def test_a_colon_joined_macos_run_path():
    finding = _only(ENTRIES["macos-mkl-service-colon-joined-rpath-libmkl_rt-unresolved-pr222"]["log"])
    assert finding.id == "macos-rpath-colon-list", flat(finding)
    assert "-Wl,-rpath,@loader_path/../.. -Wl,-rpath,@loader_path/../../.." in finding.fix[0]
    assert errors_of("LC_RPATH: @loader_path/../lib\n") == []  # one folder: nothing to say


def test_a_drivers_matrix_and_its_scaling_step_refused_together():
    """numpy#17835's NaN input: MKL refused DGELSD's A, then DLASCL's CFROM computed from it: one failure, one finding."""
    log = next(e["log"] for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind7.json").read_text())["entries"]
               if e["id"] == "mklrt-all-nan-lstsq-dgelsd-param4-numpy-17835")
    finding = _only(log)
    assert finding.id == "mkl-parameter-error" and "DGELSD" in finding.title and "DLASCL" in finding.title, flat(finding)
    assert "NaN" in finding.evidence[-1] or any("NaN" in line for line in finding.evidence)


def test_a_hostile_mklroot_is_quoted_in_the_fix(tmp_path):
    """MKLROOT's value is the log's: the fix prints it quoted, so that pasting the fix runs nothing."""
    finding = _only(f"export MKLROOT=opt/$(touch {tmp_path}/pwned)\n--   Library mkl_core: not found\n")
    assert finding.id == "mklroot-relative", flat(finding)
    command = finding.fix[0].split(" (the absolute path")[0]
    code, out = run(["bash", "-c", command + "; printf %s \"$MKLROOT\""], tmp_path, clean_env())
    assert code == 0 and out.startswith("/opt/$(touch") and not (tmp_path / "pwned").exists(), out


def test_packed_gemm_undefined_in_a_caffe2_build():
    finding = _only(ENTRIES["linux-link-stale-mklml-cblas-gemm-s8u8s32-undefined-onednn-461"]["log"])
    assert finding.id == "missing-symbol" and "mklml_lnx_*" in finding.fix[0], flat(finding)
    assert "prepare_mkl.sh" in finding.fix[0]


def test_julias_blas_config_that_is_not_mkl_after_using_mkl():
    """Julia 1.7+'s BLAS.get_config() after `using MKL` still listing OpenBLAS: MKL.jl's load-time switch did not take
    (no MKL_jll build for the platform, an MKL.jl of the system-image era, another package's forward after it). A config
    that lists libmkl_rt says nothing; a library line without get_config() above it is no BLAS report."""
    from tests.blindset import findings

    log = ("julia> using MKL\n\njulia> BLAS.get_config()\nLinearAlgebra.BlasConfig\nLibraries: \n"
           "└ [ILP64] libopenblas64_.so\n")
    [said] = [f for f in findings(log) if f.id == "julia-blas-not-mkl"]
    assert said.severity == "warning" and "libopenblas64_.so" in said.title and "after `using MKL`" in said.title
    assert "MKL_jll.is_available()" in said.fix[0], said.fix
    assert not findings(log.replace("libopenblas64_.so", "libmkl_rt.so"))
    assert not findings("└ [ILP64] libopenblas64_.so\n")
