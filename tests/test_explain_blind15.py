"""The classes of the fifteenth blind set (tests/data/explain_corpus/blind15.json), produced here where they can run.

- one MKL library missing from a folder that holds the others (Yggdrasil PR #12084: a recipe's copy list without
  mkl_cdft_core), echoed by ninja behind BinaryBuilder's clock: a real ld failure against the pinned wheel's libraries
  copied without it; the library put beside them links;
- conda's libblas MKL activation hook under ``set -u`` (espnet#5473): a real bash stopping on an unset variable in a
  hook of that name; ``set +u`` around it runs;
- Intel OpenMP's ``Error #100`` with EINVAL (flan-alpaca#16) and Pardiso.jl's ``ERROR: Input inconsistent.``
  (Pardiso.jl#64), PyPardiso's access violation with no array types in the log (activity-browser#694): public text.
"""

from __future__ import annotations

import subprocess

from tests.test_explain_families import errors_of, flat

MAIN = "int main(void) { return 0; }\n"


def test_one_mkl_library_missing_beside_the_others(tmp_path, mkl):
    staged = tmp_path / "destdir" / "lib"
    staged.mkdir(parents=True)
    for layer in ("mkl_intel_lp64", "mkl_sequential", "mkl_core"):
        (staged / f"lib{layer}.so").symlink_to(next(mkl.pip_lib.glob(f"lib{layer}.so.*")))
    (tmp_path / "m.c").write_text(MAIN)
    argv = ["gcc", "m.c", "-o", "m", f"-L{staged}", "-lmkl_cdft_core", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core"]
    failed = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lmkl_cdft_core" in failed.stderr, failed.stderr
    assert "-lmkl_core" not in failed.stderr.replace("-lmkl_cdft_core", "")  # ld found the others
    log = "".join(f"[22:54:01] {line}\n" for line in [f"ninja: job failed: : && {' '.join(argv)} && :",
                                                        *failed.stderr.splitlines()])
    [finding] = errors_of(log)
    assert finding.id == "library-not-found" and "has no mkl_cdft_core" in finding.title, flat(finding)
    assert str(staged) in finding.fix[0] and "copy step" in finding.fix[0]
    (staged / "libmkl_cdft_core.so").symlink_to(next(mkl.pip_lib.glob("libmkl_cdft_core.so.*")))
    linked = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode == 0, linked.stderr


HOOK = 'export CONDA_MKL_INTERFACE_LAYER_BACKUP=$MKL_INTERFACE_LAYER\nexport MKL_INTERFACE_LAYER="LP64,GNU"\n'


def test_an_mkl_activation_hook_under_set_u(tmp_path):
    hook = tmp_path / "envs" / "espnet" / "etc" / "conda" / "activate.d" / "libblas_mkl_activate.sh"
    hook.parent.mkdir(parents=True)
    hook.write_text(HOOK)
    env = {"PATH": "/usr/bin:/bin"}
    failed = subprocess.run(["bash", "-c", f"set -u; source {hook}; echo activated"], capture_output=True, text=True, env=env)
    assert failed.returncode != 0 and "MKL_INTERFACE_LAYER: unbound variable" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-env-script-unbound" and "MKL_INTERFACE_LAYER" in finding.title, flat(finding)
    assert finding.fix[0].startswith("turn nounset off") and "conda activate" in finding.fix[0]
    fixed = subprocess.run(["bash", "-c", f"set -u; set +u; source {hook}; set -u; echo activated"], capture_output=True,
                           text=True, env=env)
    assert fixed.returncode == 0 and "activated" in fixed.stdout, fixed.stderr
    given = finding.fix[1].split("first: ", 1)[1].split(" (", 1)[0]  # export MKL_INTERFACE_LAYER=${MKL_INTERFACE_LAYER-}
    second = subprocess.run(["bash", "-c", f"set -u; {given}; source {hook}; echo activated"], capture_output=True,
                            text=True, env=env)
    assert second.returncode == 0 and "activated" in second.stdout, (given, second.stderr)
    # an unset variable in a script that is not MKL's is no MKL finding, and still an error
    other = subprocess.run(["bash", "-c", "set -u; echo $NOT_SET_HERE"], capture_output=True, text=True, env=env)
    assert [f.id for f in errors_of(other.stderr.replace("bash: ", "/x/build.sh: line 3: ", 1))] == ["unrecognised-failure"]


def test_intel_openmps_fatal_system_error_in_a_container():
    log = ("OMP: Error #100: Fatal system error detected.\nOMP: System error #22: Invalid argument\n"
           "Aborted (core dumped)\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-system-error" and "affinity" in finding.title
    assert "KMP_AFFINITY=disabled" in finding.fix[0]


def test_pardiso_errors_in_a_wrappers_words_and_pypardisos_crash():
    log = ("julia> solve!(ps, X, A, B)\nERROR: Input inconsistent.\nStacktrace:\n"
           " [1] check_error at /home/u/.julia/packages/Pardiso/GDj1P/src/mkl_pardiso.jl:70 [inlined]\n"
           " [2] ccall_pardiso(::MKLPardisoSolver, ::Int32, ::Array{Float64,1}, ::Array{Int32,1}) at "
           "/home/u/.julia/packages/Pardiso/GDj1P/src/mkl_pardiso.jl:66\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-pardiso-error" and "error -1" in finding.title
    assert "Array{Int32,1}" in flat(finding) and "pardiso_64" in finding.fix[0]
    crash = ("self._mkl_pardiso(self.pt.ctypes.data_as(ctypes.POINTER(self._pt_type[0])), # pt\n"
             "OSError: exception: access violation writing 0x000000000004\n")
    [finding] = errors_of(crash)
    # the same crash had two causes (PyPardiso#77: a csr_array's int64 indices; #36: intel-openmp 2022 beside mkl 2021.4):
    # and its log shows neither: both are said
    assert finding.id == "mkl-pardiso-arrays" and "OpenMP runtime of two releases" in finding.title
    assert finding.fix[0].startswith("the index arrays' integer width") and "intel-openmp" in finding.fix[1]


def test_static_and_dll_c_runtimes_in_one_msvc_link():
    [finding] = errors_of("error LNK2038: mismatch detected for 'RuntimeLibrary': value 'MT_StaticRelease' doesn't match "
                          "value 'MD_DynamicRelease' in main.obj\n")
    assert finding.id == "msvc-runtime-mismatch" and "mkl_rt.lib" in finding.fix[0]


def test_fftws_header_from_mkls_own_include_folder(tmp_path, mkl):
    (tmp_path / "f.c").write_text("#include <fftw3.h>\nint main(void) { return fftw_alignment_of((double *)0); }\n")
    failed = subprocess.run(["gcc", "-c", "f.c", f"-I{mkl.pip / 'include'}"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "fftw3.h: No such file" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "fftw-header-not-found" and "include/fftw" in finding.fix[0]
    fixed = subprocess.run(["gcc", "-c", "f.c", f"-I{mkl.pip / 'include' / 'fftw'}"], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr
    # gfortran's words for the Fortran header (spack-packages PR #3333, public text)
    [fortran] = errors_of(">> 1545    fftw.F:23: Error: Can't open included file 'fftw3.f'\n")
    assert fortran.id == "fftw-header-not-found" and "fftw3.f" in fortran.title


def _cmake(root, *args):
    return subprocess.run(["cmake", "-S", str(root), "-B", str(root / "build"), *args], capture_output=True, text=True)


def test_a_blas_module_that_reads_bla_vendor_unset(tmp_path):
    (tmp_path / "cmake_modules").mkdir()
    (tmp_path / "cmake_modules" / "Project__blas_threading.cmake").write_text(
        'string(REGEX MATCH "Intel10_64" is_mkl ${BLA_VENDOR})\nmessage(STATUS "mkl: ${is_mkl}")\n')
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\n"
                                             "include(cmake_modules/Project__blas_threading.cmake)\n")
    failed = _cmake(tmp_path)
    assert failed.returncode != 0 and "needs at least" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "tool-mkl-code-crashed" and "BLA_VENDOR" in finding.title, flat(finding)
    assert "-DBLA_VENDOR=Intel10_64lp_seq" in finding.fix[0]
    assert _cmake(tmp_path, "-DBLA_VENDOR=Intel10_64lp_seq").returncode == 0


def test_find_library_by_the_reference_name_of_what_mkl_names_otherwise(tmp_path, mkl):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.18)\nproject(p NONE)\n"
                                             "find_library(SCALAPACK_LIBRARY NAMES scalapack REQUIRED)\n")
    failed = _cmake(tmp_path)
    assert failed.returncode != 0 and "using the following names: scalapack" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "cmake-library-not-found" and "MKL names it otherwise" in finding.title, flat(finding)
    assert "-DSCALAPACK_LIBRARY=" in finding.fix[0] and "mkl_scalapack_lp64" in finding.fix[0]
    given = next(mkl.pip_lib.glob("libmkl_scalapack_lp64.so.*"))
    assert _cmake(tmp_path, f"-DSCALAPACK_LIBRARY={given}").returncode == 0


def test_a_onemkl_header_renamed_and_a_jll_with_no_build_here():
    [finding] = errors_of("src/heffte_backend_oneapi.h:18:10: fatal error: 'oneapi/mkl/dfti.hpp' file not found\n")
    assert finding.id == "mkl-header-not-found" and "2026.0" in finding.title and "oneapi/mkl/dft.hpp" in finding.fix[0]
    log = ("julia> using oneAPI\nERROR: LoadError: UndefVarError: liboneapi_support not defined\n"
           "in expression starting at c:\\Users\\u\\.julia\\packages\\oneAPI\\wQjoB\\lib\\support\\Support.jl:1\n")
    [jll] = errors_of(log)
    assert jll.id == "mkl-not-for-this-platform" and "x86-64 Linux only" in jll.title and "WSL2" in jll.fix[0]


def test_uvs_no_wheel_for_this_platform_and_pips_conflict_lines():
    log = ("error: Distribution `mkl==2025.3.0 @ registry+https://<index>/simple` can't be installed because it doesn't "
           "have a source distribution or wheel for the current platform\n\nhint: You're on macOS (`macosx_26_0_arm64`), "
           "but `mkl` (v2025.3.0) only has wheels for the following platform: `manylinux_2_28_x86_64`\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-not-for-this-platform" and "Apple silicon" in finding.title
    conflict = ("ERROR: Cannot install fealpy because these package versions have conflicting dependencies.\n"
                "ERROR: ResolutionImpossible: for help visit <pip's documentation>\n")
    no_mkl = "ERROR: Could not find a version that satisfies the requirement mkl (from versions: none)\n"
    assert [f.id for f in errors_of(conflict + no_mkl)] == ["mkl-not-for-this-platform"]  # the echoes join it
    assert [f.id for f in errors_of(conflict)] == ["unrecognised-failure"]  # alone: never silent


def test_onemkls_gpu_part_without_the_opencl_loader():
    [finding] = errors_of("Intel MKL FATAL ERROR: Error on loading function 'clGetPlatformIDs'\n")
    assert finding.id == "gpu-runtime-loader-missing" and "libOpenCL.so" in finding.title
    [kernel] = errors_of("Intel MKL FATAL ERROR: Error on loading function 'mkl_blas_avx2_dgemm'.\n")
    assert kernel.id != "gpu-runtime-loader-missing"


def _dlopen(library) -> str:
    loaded = subprocess.run(["python3", "-c", f"import ctypes; ctypes.CDLL({str(library)!r})"], capture_output=True, text=True)
    assert loaded.returncode != 0, loaded.stderr
    return loaded.stderr


def test_mkls_internal_name_or_onemkls_cpp_name_missing_at_run_time(tmp_path):
    (tmp_path / "l.c").write_text("extern void mkl_lapack_dsbrdbn(void);\nvoid f(void) { mkl_lapack_dsbrdbn(); }\n")
    torch = tmp_path / "libtorch_cuda_linalg.so"
    assert subprocess.run(["gcc", "-shared", "-fPIC", "l.c", "-o", str(torch)], cwd=tmp_path).returncode == 0
    [finding] = errors_of(_dlopen(torch))
    assert finding.id == "prebuilt-mkl-internals" and "libtorch_cpu.so does not export" in finding.title, flat(finding)
    (tmp_path / "s.cpp").write_text("namespace oneapi { namespace mkl { namespace lapack { long gebrd_scratchpad_size(long n); } } }\n"
                                    "long g(long n) { return oneapi::mkl::lapack::gebrd_scratchpad_size(n); }\n")
    support = tmp_path / "liboneapi_support.so"
    assert subprocess.run(["g++", "-shared", "-fPIC", "s.cpp", "-o", str(support)], cwd=tmp_path).returncode == 0
    [sycl] = errors_of(_dlopen(support))
    assert sycl.id == "mkl-sycl-name-mismatch" and "oneapi::mkl::lapack::gebrd_scratchpad_size" in sycl.title, flat(sycl)
    assert "libmkl_sycl_lapack" in sycl.fix[0]


OMP15 = "OMP: Error #15: Initializing libomp140.x86_64.dll, but found libiomp5md.dll already initialized.\n"


def test_visual_studios_llvm_openmp_beside_intels():
    [finding] = errors_of(OMP15)
    assert finding.id == "openmp-duplicate" and "LLVM's OpenMP runtime as Visual Studio ships it" in finding.fix[0]
    assert "faiss-cpu>=1.12" in finding.fix[0] and "libiomp5md.dll" in finding.fix[0]


def test_a_versioned_soname_says_its_release_before_an_ipython_session():
    log = ("----> 1 import torch\n[<ipython-input-3-eb42ca6e4af3>](https://localhost:8080/#) in <module>\n"
           "OSError: libmkl_intel_lp64.so.1: cannot open shared object file: No such file or directory\n")
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and any("IPython" in line for line in finding.evidence)
    ipython = next(i for i, line in enumerate(finding.fix) if line.startswith("start IPython"))
    release = next(i for i, line in enumerate(finding.fix) if "mkl==2021.4.0" in line)
    assert release < ipython
    # an unversioned MKL name keeps the session first (heldback's py-stale-ipython: IPython outside the environment)
    [plain] = errors_of(log.replace("libmkl_intel_lp64.so.1", "libmkl_intel_lp64.so"))
    assert plain.fix[0].startswith("start IPython")
    [mklml] = errors_of(log.replace("libmkl_intel_lp64.so.1", "libmklml_intel.so"))
    assert "MKL-ML" in mklml.fix[0]


def test_mkl_services_dll_under_a_python_org_interpreter():
    log = ("c:\\hostedtoolcache\\windows\\python\\3.8.10\\x64\\lib\\site-packages\\mkl\\__init__.py:49: in <module>\n"
           "    from . import _mklinit\nE   ImportError: DLL load failed while importing _mklinit: \n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "python.org Python with pip's mkl" in finding.fix[0]
    assert not any("conda activate" in line for line in finding.fix[:2])


def test_a_descriptor_set_by_code_that_calls_onemkls_dft_api():
    log = ("terminate called after throwing an instance of 'oneapi::mkl::exception'\n  what():  oneMKL: dft/backends/mklcpu/"
           "commit: DftiCommitDescriptor failed with status : Intel MKL DFTI ERROR: Inconsistent configuration parameters, "
           "Intel MKL DFTI ERROR: Inconsistent configuration parameters\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-dfti-error" and finding.title.endswith("Inconsistent configuration parameters")
    assert finding.fix[0].startswith("own code") and "number of transforms without the distances" in finding.fix[0]
    [package] = errors_of("ValueError: Internal error occurred: b'Intel MKL DFTI ERROR: Inconsistent configuration parameters'\n")
    assert package.fix[0].startswith("upgrade the package")


def test_a_vars_sh_that_is_not_oneapis_stays_unrecognised():
    assert [f.id for f in errors_of("/x/build/vars.sh: line 3: FOO: unbound variable\n")] == ["unrecognised-failure"]
    [oneapi] = errors_of("/opt/intel/oneapi/mkl/2024.0/env/vars.sh: line 3: CPATH: unbound variable\n")
    assert oneapi.id == "mkl-env-script-unbound" and "source" in oneapi.fix[0]
