"""The classes of the sixteenth blind set (tests/data/explain_corpus/blind16.json), produced here where they can run.

- MKL-ML (libmklml_intel), which no MKL package installs, asked for by a link behind Ant's ``[exec]`` prefix
  (intel/BigDL-core#165): a real ld failure; a copy by pattern from TensorFlow's old ``external/mkl_linux`` (tensorflow/
  serving#1797): a real cp failure; numpy's invalid-value warning (numpy#11448): numpy's own warning here;
- Windows' dialog wrapped after the DLL's name and a loader's dependency chain (llama.cpp#9378), Intel Fortran's #6580
  for a routine MKL 2026 removed (libsparse PR #72), oneMath's vendor check (oneMath#542): public text.
"""

from __future__ import annotations

import subprocess
import sys

from tests.test_explain_families import errors_of, flat
from tests.test_explain_heldback_linux import findings_of


def test_mkl_ml_behind_ants_exec_prefix(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    failed = subprocess.run(["gcc", "m.c", "-o", "m", "-lmklml_intel"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lmklml_intel" in failed.stderr, failed.stderr
    log = "".join(f"     [exec] {line}\n" for line in failed.stderr.splitlines())
    for pasted in (log, log.replace("[exec]", "exec]", 1)):
        [finding] = errors_of(pasted)
        assert finding.id == "library-not-found" and "MKL-ML" in finding.title, flat(finding)
        assert "download" in finding.fix[0]


def test_a_copy_by_pattern_from_a_folder_the_build_no_longer_makes(tmp_path):
    source = tmp_path / "bazel" / "external" / "mkl_linux" / "lib"
    failed = subprocess.run(f"cp {source}/* {tmp_path}", shell=True, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot stat" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-file-missing" and "matched no file" in finding.title, flat(finding)
    assert "TensorFlow 2.4" in finding.fix[0]


def test_numpys_invalid_value_warning_is_said_not_silent(tmp_path):
    ran = subprocess.run([sys.executable, "-c", "import numpy; numpy.sqrt(numpy.array([-1.0]))"], capture_output=True, text=True)
    assert "RuntimeWarning: invalid value encountered in sqrt" in ran.stderr, ran.stderr
    [finding] = [f for f in findings_of(ran.stderr) if f.id == "numpy-vml-invalid-warning"]
    assert finding.severity == "warning" and finding.fix[0].startswith("first check the values")


def test_windows_dialog_wrapped_and_a_loaders_dependency_chain():
    log = ("load library fails due to missing dependency llama.dll -> ggml.dll -> libiomp5md.dll\n"
           "llama-cli.exe - System Error\nThe code execution cannot proceed because libiomp5md.dll\n"
           "was not found. Reinstalling the program may fix this problem.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "libiomp5md.dll" in finding.title
    assert "package must carry it" in finding.fix[0]


def test_a_fortran_use_of_a_routine_mkl_removed():
    [named] = errors_of("m.f90(3): error #6580: Name in only-list does not exist or is not accessible.   [MKL_DCSRMV]\n")
    assert named.id == "mkl-api-changed" and "removed it" in named.title and "Inspector-executor" in named.fix[0]
    [bare] = errors_of("#6580: Name in only-list does not exist or is not accessible\n")
    assert bare.id == "mkl-api-changed" and any("NIST-style sparse BLAS" in line for line in bare.evidence)
    [gnu] = errors_of("Error: Symbol 'mkl_scsrmm' referenced at (1) not found in module 'mkl_spblas'\n")
    assert gnu.id == "mkl-api-changed" and "mkl_spblas" in gnu.title
    # Intel's compilers' coded errors are errors, whatever they say (never silent)
    assert [f.id for f in errors_of("x.f90(9): error #6404: This name does not have a type.   [Q]\n")] == ["unrecognised-failure"]


def test_onemaths_vendor_check():
    [finding] = errors_of("oneMKL: PowerVR B-Series BXT-32-1024 is not supported\n")
    assert finding.id == "onemath-device-not-supported" and "PowerVR" in finding.title


def test_paths_from_a_log_are_quoted_in_the_commands_printed(tmp_path):
    log = ("/tmp/$(touch /tmp/PWN8)/libtorch_cuda.so: undefined reference to `mkl_lapack_claed0'\n"
           "cp: cannot stat '/opt/$(touch /tmp/PWN9)/mkl/lib/mkl_rt.2.dll': No such file or directory\n"
           "python3: symbol lookup error: /tmp/$(id)x/libx.so: undefined symbol: dgemm_\n")
    findings = errors_of(log)
    assert {"prebuilt-mkl-internals", "mkl-file-missing", "blas-not-loaded"} <= {f.id for f in findings}
    for finding in findings:
        for line in finding.confirm:  # the commands to run (a fix's prose may name the path as it is)
            assert "$(" not in line or "'" in line.split("$(")[0], line


def test_pytorchs_fft_of_an_empty_input_and_onemkls_sycl_parameter():
    [empty] = errors_of("RuntimeError: MKL FFT error: Intel MKL DFTI ERROR: Invalid configuration parameters\n")
    assert empty.id == "mkl-dfti-error" and any("empty batch" in line for line in empty.evidence)
    assert "skip an empty input" in empty.fix[0]
    log = ("RuntimeError: oneapi::mkl::dft::set_value: invalid argument: invalid\nconfiguration value for the targeted "
           "configuration parameter\noneapi::mkl::dft::config_param::NUMBER_OF_TRANSFORMS\n")
    [xpu] = errors_of(log)
    assert xpu.id == "mkl-dfti-error" and any("NUMBER_OF_TRANSFORMS: a count of 0" in line for line in xpu.evidence)


def test_mkls_function_load_error_and_kaldis_configure():
    [kernel] = errors_of("Intel MKL function load error: cpu specific dynamic library is not loaded.\n")
    assert kernel.id == "mkl-kernel-not-loaded" and "two MKL copies" in kernel.title
    log = ("Configuring MKL library directory: ***configure failed: MKL libraries could not be found. Please use the "
           "switch --mkl-libdir  ***\n")
    [configure] = errors_of(log)  # an error: the script stopped (it was a warning that 'the build went on')
    assert configure.id == "mkl-finder-failed" and "--mkl-libdir=" in configure.fix[0] and "--mathlib" in configure.fix[0]


def test_a_cmake_false_on_the_link_line(tmp_path):
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    failed = subprocess.run(["gcc", "m.c", "-o", "m", "-lFALSE"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lFALSE" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "library-not-found" and "CMake variable's value" in finding.title, flat(finding)
    assert "CMakeCache.txt" in finding.fix[0]


def test_onemkls_sycl_libraries_linked_by_an_older_compiler():
    lib = "/spack/oneapi-2024.2.1/intel-oneapi-mkl-2025.0.0-x/mkl/2025.0/lib/libmkl_sycl_rng.so"
    log = (f"/usr/bin/ld: {lib}: undefined reference to `sycl::_V1::__log_impl(sycl::_V1::vec<double, 4>)'\n"
           "icpx: error: linker command failed with exit code 1 (use -v to see invocation)\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-sycl-runtime-too-old" and "MKL 2025.0 with oneAPI 2024.2.1" in finding.title, flat(finding)


def test_fftws_no_plan_under_mkls_wrappers_and_sklearns_kmeans_warning():
    [plan] = errors_of("julia> plan_fft!(test,[3,4])\nERROR: FFTW could not create plan\nStacktrace:\n")
    assert plan.id == "mkl-fftw-plan-refused" and plan.fix[0].startswith("Julia: FFTW.set_provider!")
    line = ("run.py | ERROR | C:\\envs\\e\\Lib\\site-packages\\sklearn\\cluster\\_kmeans.py:1382: UserWarning: KMeans is "
            "known to have a memory leak on Windows with MKL, when there are less chunks than available threads.\n")
    assert errors_of(line) == []
    [warned] = findings_of(line)
    assert warned.id == "sklearn-kmeans-mkl-leak" and "OMP_NUM_THREADS=1" in warned.fix[0]


def test_kaldis_mkl_switches_said_alone_or_after_the_tests_own_error():
    [alone] = errors_of("(Message: ***configure failed: Cannot validate the MKL switches ***)\n")
    assert alone.id == "configure-blas-rejected" and "#4218" in alone.fix[0]
    log = ("mkl-test.cc:21:10: fatal error: mkl.h: No such file or directory\ncompilation terminated.\n"
           "***configure failed: Cannot validate the MKL switches ***\n")
    assert [f.id for f in errors_of(log)] == ["mkl-header-not-found"]  # the configure's line echoes the test's error


def test_an_mkl_only_cblas_extension_undeclared_names_the_build_that_chose_mkls_path():
    [batch] = errors_of("winograd.cc:205:3: error: use of undeclared identifier 'cblas_sgemm_batch'\n")
    assert any("several BLAS" in line for line in batch.fix)
    [plain] = errors_of("x.cc:5:3: error: use of undeclared identifier 'cblas_sgemm'\n")
    assert not any("several BLAS" in line for line in plain.fix)


def test_hostile_names_in_the_new_shapes_stay_bounded():
    [sycl] = errors_of("/x/liboneapi_support.so: undefined symbol: _ZN6oneapi3mkl" + "9" * 70 + "x\n")
    assert sycl.id == "mkl-sycl-name-mismatch" and len(sycl.title) < 200
    log = ("CMake Error at CMakeLists.txt:1 (find_library):\n  Could not find X_LIBRARY using the following names: "
           + ",".join(["scalapack"] * 2000) + "\n")
    [found] = errors_of(log)
    assert found.id == "cmake-library-not-found" and len(found.title) < 200


def test_a_library_not_found_under_nsight_compute():
    said = "error while loading shared libraries: libonemkl.so.0: cannot open shared object file: No such file or directory\n"
    log = said + "==ERROR== The application returned an error code (127).\n==WARNING== No kernels were profiled.\n"
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "Nsight Compute" in flat(finding)
    assert "-Wl,-rpath" in finding.fix[0]
    [plain] = errors_of(said)
    assert "Nsight" not in flat(plain)


def test_a_name_ctypes_asks_of_an_older_libmkl_rt(tmp_path):
    (tmp_path / "rt.c").write_text("int MKL_Get_Version_String(char *b, int n) { return 0; }\n")
    rt = tmp_path / "libmkl_rt.so"
    assert subprocess.run(["gcc", "-shared", "-fPIC", "rt.c", "-o", str(rt)], cwd=tmp_path).returncode == 0
    asked = subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(rt)!r}).mkl_get_version_string"],
                           capture_output=True, text=True)
    assert "AttributeError" in asked.stderr and "undefined symbol: mkl_get_version_string" in asked.stderr, asked.stderr
    [finding] = errors_of(asked.stderr)
    assert finding.id == "mkl-name-missing" and "older than the table's releases" in finding.title, flat(finding)
    assert "threadpoolctl 2.2.0" in finding.fix[0]
    fixed = subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(rt)!r}).MKL_Get_Version_String"],
                           capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr
