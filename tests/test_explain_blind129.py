"""Blind sets 129 and after (tests/data/explain_corpus/blind129.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here
(GCC's OpenMP entry at run time), the thread's own text where it cannot (macOS's signatures, Windows' bundlers and
link.exe)."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143)
PARALLEL = ("#include <omp.h>\nint vl_threads(void) {\n    int n = 0;\n#pragma omp parallel reduction(+:n)\n    n += 1;\n"
            "    return n;\n}\n")
F95_CALLER = ("void dgetrf_f95_(double *a, int *ipiv, int *info);\n"
              "int main(void) { double a[4] = {4, 3, 6, 3}; int ipiv[2], info = 0; dgetrf_f95_(a, ipiv, &info); return info; }\n")
HOST = ('#include <dlfcn.h>\n#include <stdio.h>\nint main(void) {\n    void *h = dlopen("./libvl.so", RTLD_NOW);\n'
        '    if (!h) { fprintf(stderr, "%s\\n", dlerror()); return 1; }\n'
        '    int (*f)(void) = (int (*)(void))dlsym(h, "vl_threads");\n    return f() > 0 ? 0 : 2;\n}\n')


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_gccs_openmp_entry_missing_at_run_time(tmp_path):
    """vlfeat#94's shape, produced: a library compiled with gcc -fopenmp and linked without GCC's runtime (VLFeat's MEX
    library took MATLAB's -liomp5), opened by a host: the loader cannot find GOMP_parallel. The finding names GCC's
    runtime, and the library linked with -fopenmp loads and runs."""
    (tmp_path / "vl.c").write_text(PARALLEL)
    (tmp_path / "host.c").write_text(HOST)
    env = clean_env()
    assert run(["gcc", "-fopenmp", "-fPIC", "-c", "vl.c"], tmp_path, env)[0] == 0
    assert run(["gcc", "-shared", "vl.o", "-o", "libvl.so"], tmp_path, env)[0] == 0  # no -fopenmp: no libgomp
    assert run(["gcc", "host.c", "-o", "host", "-ldl"], tmp_path, env)[0] == 0
    code, log = run(["./host"], tmp_path, env)
    assert code == 1 and "undefined symbol: GOMP_parallel" in log, log
    finding = only_error(log)
    assert finding.id == "openmp-runtime-missing" and "GCC's OpenMP runtime" in finding.title, flat(finding)
    assert finding.fix[0].startswith("link the library with GCC's runtime: -fopenmp (or -lgomp)"), finding.fix
    assert run(["gcc", "-shared", "-fopenmp", "vl.o", "-o", "libvl.so"], tmp_path, env)[0] == 0  # the fix
    code, log = run(["./host"], tmp_path, env)
    assert code == 0, log


def test_a_library_whose_signature_was_modified_and_the_process_killed():
    # keras#14080: R killed when keras loaded reticulate's Miniconda, whose MKL library codesign calls modified
    log = blindset.log_of(blindset.entries(131), "codesign")
    finding = only_error(log)
    assert finding.id == "macos-signature-invalid" and "libmkl_intel_thread.dylib" in finding.title, flat(finding)
    assert "install_miniconda(update = TRUE)" in finding.fix[0] and "codesign --force --sign -" in finding.fix[-1]
    assert any("Killed" in line for line in finding.evidence), finding.evidence
    bare = only_error("/opt/x/lib/libmkl_core.2.dylib: invalid signature (code or signature have been modified)\n")
    assert bare.fix[0].startswith("install the package that brought libmkl_core.2.dylib again"), bare.fix


def test_pyinstallers_mkl_dlls_added_twice_and_its_archive_writer():
    # pytorch#56362: a .spec that added conda's Library\bin whole beside the DLLs PyInstaller collected itself
    log = blindset.log_of(blindset.entries(129), "pyinstaller")
    ids = [f.id for f in errors_of(log)]
    assert ids == ["windows-entry-point-missing", "bundle-dlls-added-twice"], ids
    [twice] = [f for f in errors_of(log) if f.id == "bundle-dlls-added-twice"]
    assert "mkl_intel_thread.dll" in twice.title and "archive writer" in twice.title, flat(twice)
    assert "Library\\bin" in twice.fix[0] and "pytorch#56362" in twice.fix[1]
    # a DLL that is not MKL's, said twice: not this finding
    assert not errors_of("5781 WARNING: One binary added with two internal names.\n5781 WARNING: ('binDLL\\\\zlib.dll',\n")


def test_a_full_path_to_a_release_folder_that_is_gone_is_not_a_libpath_fix():
    # vcpkg#38081: dlib's exported target recorded oneAPI 2021.1.1's .lib paths; link.exe opens them as given
    finding = only_error(blindset.log_of(blindset.entries(129), "vcpkg-38081"))
    assert finding.id == "msvc-library-not-found" and "full path" in finding.title, flat(finding)
    assert 'findstr /s /i /c:"2021.1.1"' in finding.fix[0] and "vcpkg remove <port>" in finding.fix[1]
    assert not any(line.startswith("add the folder that holds") for line in finding.fix), finding.fix
    named = only_error("LINK : fatal error LNK1181: cannot open input file 'mkl_intel_lp64.lib'\n")
    assert named.fix[0].startswith("add the folder that holds"), named.fix  # a name alone: its folder is the fix


def test_winerror_182_said_without_its_number():
    finding = only_error('OSError The operating system cannot run %1. Error loading "caffe2_detectron_ops_gpu.dll" or one '
                         "of its dependencies\n")
    assert finding.id == "windows-entry-point-missing" and "caffe2_detectron_ops_gpu.dll" in finding.title, flat(finding)


def test_numbas_svml_name_missing_offers_upgrading_numba_and_llvmlite():
    # returnn#1702 and PyMusicLooper#10: numba 0.61 with llvmlite 0.44 ran where 0.60 with 0.43 stopped
    finding = only_error("LLVM ERROR: Symbol not found: __svml_cosf8_ha\n")
    assert any("pip install -U numba llvmlite" in line for line in finding.fix), finding.fix


def test_sparse_csr_on_windows_builds_with_mkl_but_not_its_sparse_blas():
    finding = only_error(blindset.log_of(blindset.entries(129), "pyg"))
    assert finding.id == "torch-sparse-without-mkl" and "no MKL sparse BLAS" in finding.title, flat(finding)
    assert any("Windows builds" in line for line in finding.evidence)
    assert any("pyg#8977" in line and "upgrade it" in line for line in finding.fix), finding.fix


def test_a_static_archive_built_with_icx_carries_svml_calls_to_gccs_link():
    finding = only_error(blindset.log_of(blindset.entries(130), "onedal"))
    assert finding.id == "intel-compiler-runtime-undefined" and "-qno-intel-lib" in finding.fix[-1], flat(finding)


def test_the_cluster_sparse_solvers_code_as_a_program_reports_it():
    # fds#11609: FDS's own line for the cluster sparse solver's -1, a process owning no rows of the distributed matrix
    finding = only_error(blindset.log_of(blindset.entries(132), "fds-11609"))
    assert finding.id == "mkl-pardiso-error" and finding.title.startswith("MKL cluster sparse solver failed with error -1")
    assert "at least one row" in finding.fix[0] and "fds#11609" in finding.evidence[-1], flat(finding)
    plain = only_error("PARDISO: The following ERROR was detected: -3\n")
    assert plain.title.startswith("MKL PARDISO failed with error -3"), plain.title


def test_mfems_check_of_the_cluster_solvers_analysis():
    # mfem#4634: a rank owning no rows got a range ending before it starts; MFEM's assertion names no code
    finding = only_error(blindset.log_of(blindset.entries(134), "mfem-4634"))
    assert finding.id == "mkl-pardiso-error" and "cluster sparse solver" in finding.title, flat(finding)
    assert "PR #4651" in finding.fix[0] and any("mfem#4634" in line for line in finding.evidence)
    assert any(line.startswith("then the log says: Assertion failed") for line in finding.evidence)  # its consequence


def test_a_warning_in_mkls_own_header_under_werror():
    # AMReX PR #3239: oneAPI 2023.1's oneMKL RNG header under icpx -Werror; three lines, one finding
    finding = only_error(blindset.log_of(blindset.entries(134), "amrex-3239"))
    assert finding.id == "mkl-header-warning-as-error" and "-Wmissing-braces" in finding.title, flat(finding)
    assert finding.fix[0].startswith("include MKL's headers as system headers") and "-Wno-error=missing-braces" in finding.fix[1]
    # the project's own header: not this finding
    own = "src/mine.hpp:3:5: error: unused variable 'x' [-Werror,-Wunused-variable]\n"
    assert "mkl-header-warning-as-error" not in [f.id for f in errors_of(own)]


def test_a_library_that_does_not_name_libc_relinked_for_an_ifunc():
    # spack-stack's known issues: oneAPI 2024.0's libirc.so
    finding = only_error(blindset.log_of(blindset.entries(133), "libirc"))
    assert finding.id == "library-needs-libc" and "patchelf --add-needed libc.so.6" in finding.fix[0], flat(finding)


def test_pip_check_cannot_see_condas_mkl():
    # conda-forge/mkl-service-feedstock#53: mkl-service 2.7.1 declared mkl; conda's mkl has no pip metadata
    finding = only_error(blindset.log_of(blindset.entries(133), "pipcheck"))
    assert finding.id == "pip-mkl-conflict" and any("no .dist-info" in line for line in finding.evidence), flat(finding)
    assert finding.fix[1].startswith("a conda environment where conda list mkl shows it installed"), finding.fix
    other = only_error("mkl-fft 1.3.8 requires numpy>=1.26, which is not installed.\n") if errors_of(
        "mkl-fft 1.3.8 requires numpy>=1.26, which is not installed.\n") else None
    assert other is None or not any("dist-info" in line for line in other.evidence)


def test_clang_newer_than_intels_openmp_and_an_omp_h_without_the_api():
    # psi4's conda recipe on Windows: __kmpc_dispatch_deinit at the link, omp_set_max_active_levels at compile time
    ids = [f.id for f in errors_of(blindset.log_of(blindset.entries(133), "psi4"))]
    assert ids == ["openmp-runtime-older-than-compiler", "openmp-header-mismatch"], ids
    [older, header] = errors_of(blindset.log_of(blindset.entries(133), "psi4"))
    assert "clangdev 17.0.6" in older.fix[0] and "opt\\compiler\\include" in header.fix[0], flat(header)
    # the runtime's ordinary names still say it is missing from the link
    assert only_error("x.o: undefined reference to `__kmpc_fork_call'\n").id == "openmp-runtime-missing"


def test_numpys_dlls_in_an_environment_not_activated():
    # numpy#15537 (tox-conda), anaconda-issues#10257 (an IDE): activation first
    for fragment, sets in (("15537", 135), ("10257", 135), ("vscode-python-4300", 135)):
        finding = only_error(blindset.log_of(blindset.entries(sets), fragment))
        assert finding.id == "windows-library-not-loaded", flat(finding)
        assert finding.fix[0].startswith("start Python from the activated environment"), (fragment, finding.fix)


def test_powershell_that_does_not_know_conda():
    # numpy#16139: VS Code's PowerShell terminal, conda never initialised for it
    finding = errors_of(blindset.log_of(blindset.entries(135), "16139"))[0]
    assert finding.id == "conda-shell-not-set-up" and finding.fix[0].startswith("from an Anaconda Prompt: conda init powershell")
    other = errors_of("ifx : The term 'ifx' is not recognized as the name of a cmdlet, function, script file, or operable "
                      "program.\n")
    assert other and other[0].id == "windows-intel-command-not-found", [f.id for f in other]


def test_oneapis_sycl_toolchain_failures():
    # ollama PR #2458, llama.cpp #10518 and #12696, torch-xpu-ops PR #1070
    entries = blindset.entries(137)
    expected = {"ollama-2458": "sycl-kernel-not-built", "llamacpp-10518": "sycl-header-of-newer-oneapi",
                "llamacpp-12696": "intel-sycl-config-failed", "torch-xpu-ops-1070": "mkl-header-warning-as-error"}
    for fragment, finding_id in expected.items():
        finding = only_error(blindset.log_of(entries, fragment))
        assert finding.id == finding_id, (fragment, flat(finding))
    header = only_error(blindset.log_of(entries, "torch-xpu-ops-1070"))
    assert "oneAPI's own SYCL header builtins.hpp" in header.title and "-Wno-error=comment" in header.fix[1], flat(header)


def test_a_package_that_opens_its_own_dll_by_full_path():
    # CTranslate2#1084: a wheel built from source without libiomp5md.dll and ctranslate2.dll in the package folder
    finding = only_error(blindset.log_of(blindset.entries(137), "ctranslate2-1084"))
    assert finding.fix[0].startswith("dir <site-packages>\\ctranslate2: if libiomp5md.dll is not there"), finding.fix


def test_mkls_fortran_95_wrappers_linked_without_intel_fortrans_runtime(tmp_path, mkl):
    """fortran-lang discourse 10478's failure, produced: MKL's libmkl_lapack95_lp64.a (the pinned wheel's, built by Intel
    Fortran) linked by gcc, which brings no Intel Fortran runtime: its for_* names are undefined."""
    (tmp_path / "t.c").write_text(F95_CALLER)
    wrappers = mkl.pip_lib / "libmkl_lapack95_lp64.a"
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    code, log = run(["gcc", "t.c", str(wrappers), str(rt), "-o", "t"], tmp_path, clean_env())
    assert code != 0 and "undefined reference to `for_" in log, log
    finding = only_error(log)
    assert finding.id == "intel-fortran-runtime-undefined" and "Fortran 95 wrappers" in finding.title, flat(finding)
    assert "make libintel64 FC=gfortran" in finding.fix[0] and "-lifcore" in finding.fix[-1]


def test_onednn_built_with_openmp_on_a_link_without_it():
    # MXNet#17338: USE_OPENMP=OFF with the bundled oneDNN's default OpenMP runtime
    finding = only_error(blindset.log_of(blindset.entries(138), "mxnet-17338"))
    assert finding.id == "openmp-runtime-missing" and finding.title.startswith("oneDNN (libdnnl"), flat(finding)
    assert "DNNL_CPU_RUNTIME=SEQ" in finding.fix[1]


def test_onednn_refusing_a_float32_operation_is_the_frameworks_to_fix():
    # pytorch#89104 (oneDNN 2.7.2 fixed conv3d on AVX2) and #110149 (PR #114851): no data type to change
    for fragment in ("pytorch-89104", "pytorch-110149"):
        finding = only_error(blindset.log_of(blindset.entries(138), fragment))
        assert finding.fix[0].startswith("a fault of the framework's oneDNN"), (fragment, finding.fix)
    bf16 = only_error("RuntimeError: could not create a primitive descriptor for a matmul primitive (bf16)\n")
    assert bf16.fix[0].startswith("use a data type the processor has instructions for"), bf16.fix
    sys_hidden = errors_of(blindset.log_of(blindset.entries(138), "pytorch-116666"))
    assert [f.id for f in sys_hidden] == [], [f.id for f in sys_hidden]  # a warning: the fallback ran


def test_onnxruntime_without_its_dnnl_provider_and_a_package_without_its_dll():
    assert only_error(blindset.log_of(blindset.entries(138), "onnxruntime-3071")).id == "built-without-onednn"
    copy = only_error(blindset.log_of(blindset.entries(138), "onnxruntime-434"))
    assert copy.id == "package-dll-missing" and "mkldnn.dll" in copy.title, flat(copy)


def test_teamcitys_prefix_and_the_projects_own_openmp_regions():
    # Paddle PR #15190: ld64's block under TeamCity's clock and step; the callers are clang's outlined parallel regions
    finding = only_error(blindset.log_of(blindset.entries(141), "paddle-15190"))
    assert finding.id == "openmp-runtime-missing" and finding.title.startswith("the program's own OpenMP code"), flat(finding)
    assert "__kmpc_fork_call" in finding.evidence[0] and "Paddle PR #15190" in finding.fix[1]


def test_intels_old_openmp_runtime_in_a_gnu_build_is_told_the_gnu_layers():
    # r-devel 2008-11: /opt/intel/fce/10.1.018/lib/libiomp5.so needing pthread_atfork in R's gfortran build
    finding = only_error(blindset.log_of(blindset.entries(131), "r-devel-2008"))
    assert finding.id == "system-libraries-missing" and "-lmkl_gnu_thread -lmkl_core -lgomp" in finding.fix[1], flat(finding)
    plain = only_error("x.o: undefined reference to `pthread_atfork'\n")
    assert not any("gnu_thread" in line for line in plain.fix), plain.fix


def test_a_header_not_found_names_debians_folder_among_the_fixes():
    finding = only_error(blindset.log_of(blindset.entries(134), "dlbfoam-21"))
    assert any("-I/usr/include/mkl itself" in line for line in finding.fix), finding.fix


def test_error_127_of_a_module_built_with_intels_compilers():
    # intel-xpu-backend-for-triton PR #7374: libtriton's compiler-runtime DLLs (libmmd, svml_dispmd) not found first
    finding = only_error(blindset.log_of(blindset.entries(137), "xpu-triton-7374"))
    assert "libmmd.dll svml_dispmd.dll" in finding.fix[0] and "PR #7374" in finding.fix[-1], finding.fix


def test_ctranslate2_built_without_a_gemm_backend():
    # OpenNMT/CTranslate2#646 (WITH_MKL=OFF alone) and faster-whisper#37 (MKL's libraries from another folder)
    entries = blindset.entries(142)
    crashed = only_error(blindset.log_of(entries, "ctranslate2-646"))
    assert crashed.id == "gemm-backend-missing" and crashed.fix[0].startswith("install CTranslate2's own wheel"), flat(crashed)
    folder = only_error(blindset.log_of(entries, "faster-whisper-37"))
    assert any("/usr/lib/x86_64-linux-gnu" in line for line in folder.evidence), folder.evidence


def test_curls_own_failure_is_an_error_line():
    # LocalAI PR #3624: a script's ls of the venv's lib folder passed MKL's file names to curl as hosts
    found = errors_of(blindset.log_of(blindset.entries(142), "localai-3624"))
    assert found and all(f.id == "unrecognised-failure" for f in found) and "curl: (6)" in found[0].title


def test_onednn_sources_out_of_sync_with_its_generated_header():
    # pytorch#37217: ideep's oneDNN submodule at another commit; the errors after its #error are its consequence
    finding = only_error(blindset.log_of(blindset.entries(138), "pytorch-37217"))
    assert finding.id == "onednn-sources-out-of-sync" and "git submodule update --init --recursive" in finding.fix[0]
    assert any("DNNL_THR_SYNC" in line for line in finding.evidence), finding.evidence


def test_msvc_refusing_a_projects_own_macro_over_mkls_names():
    # PETSc fa244810: aijmkl.h's mkl_sparse_x_* macros, used without their arguments; C2059 after C4003 is its consequence
    finding = only_error(blindset.log_of(blindset.entries(134), "petsc-fa244810"))
    assert finding.id == "project-code-error" and "mkl_sparse_x_create_csr" in finding.title, flat(finding)
    assert any("error C2059" in line for line in finding.evidence) and "fa244810" in finding.fix[0]
    # a macro of MKL's own name (one that a release exports) is not said to be the project's
    assert not [f for f in errors_of("x.c(3): warning C4003: not enough arguments for function-like macro invocation "
                                     "'mkl_malloc'\n") if f.id == "project-code-error"]
