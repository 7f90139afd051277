"""Blind sets 115 and after (tests/data/explain_corpus/blind115.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here,
the thread's own text where it cannot (macOS, a container's shared memory)."""

from __future__ import annotations

import shutil

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

SETS = blindset.load(115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128)
TRANSPOSE = ('#include <stddef.h>\nvoid cblas_domatcopy(int, int, int, int, double, const double *, int, double *, int);\n'
             "int main(void) {\n    double a[4] = {1, 2, 3, 4}, b[4];\n"
             "    cblas_domatcopy(101, 112, 2, 2, 1.0, a, 2, b, 2);  /* OpenBLAS's CblasRowMajor, CblasTrans */\n"
             "    return b[1] == 3 ? 0 : 1;\n}\n")
MKLS = ("#include <mkl_trans.h>\n"
        "int main(void) {\n    double a[4] = {1, 2, 3, 4}, b[4];\n    mkl_domatcopy('R', 'T', 2, 2, 1.0, a, 2, b, 2);\n"
        "    return b[1] == 3 ? 0 : 1;\n}\n")


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_openblas_transpose_linked_against_mkl(tmp_path, mkl):
    """Code written for OpenBLAS's cblas_domatcopy, linked against MKL (produced here with gcc and Debian's MKL): no MKL
    release has the name, and the finding says MKL's own routine, which then links and transposes."""
    lib = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "t.c").write_text(TRANSPOSE)
    code, log = run(["gcc", "t.c", f"-L{lib}", "-lmkl_rt"], tmp_path, clean_env())
    assert code != 0 and "cblas_domatcopy" in log, log
    finding = only_error(log)
    assert finding.id == "blas-extension-missing", flat(finding)
    assert "mkl_domatcopy" in finding.fix[0] and "lacks" not in finding.title, flat(finding)
    (tmp_path / "m.c").write_text(MKLS)
    code, log = run(["gcc", f"-I{mkl.pip / 'include'}", "m.c", f"-L{lib}", "-lmkl_rt", "-o", "m"], tmp_path, clean_env())
    assert code == 0, log
    code, out = run(["./m"], tmp_path, clean_env(LD_LIBRARY_PATH=str(lib)))
    assert code == 0, out


def test_julias_link_of_openblas_transpose_against_the_systems_blas():
    # IntelLabs/ParallelAccelerator.jl#147: Apple's ld names the caller by its C++ signature; the link line is Julia's
    # Process(`...`), with -lblas and no MKL
    log = blindset.log_of(blindset.entries(119), "domatcopy")
    finding = only_error(log)
    assert finding.id == "blas-extension-missing", flat(finding)
    assert "libblas lacks" in finding.title and "-lopenblas in place of -lblas" in finding.fix[1], flat(finding)
    caller = "pptranspose_tp1169(j2c_array<double>&, j2c_array<double>*) in cgen_output71.o"
    assert caller in finding.evidence[0], finding.evidence


def test_openmps_shared_memory_folder_absent_in_a_container():
    # IMTEK-Simulation's DFTB container notes: a Docker image run by Singularity on a cluster, no /run/shm inside
    finding = only_error("OMP: Error #179: Function Can't open SHM2 failed:\nOMP: System error #2: No such file or directory\n")
    assert finding.id == "openmp-shm-refused", flat(finding)
    assert "--bind /run/shm:/run/shm" in finding.fix[1] and "AWS Lambda" in finding.evidence[2], flat(finding)
    # a sandbox that has the folder and refuses the call (AWS Lambda) keeps docker's and Kubernetes' ways first
    [lambda_] = errors_of("OMP: Error #179: Function Can't open SHM2 failed:\nOMP: System error #38: Function not implemented\n")
    assert "--bind" not in flat(lambda_), flat(lambda_)


def test_intel_fortrans_untyped_name_in_the_projects_own_mkl_code():
    # the forum of abinit, t=3265: ABINIT 7.10.5's DFTI wrapper used a variable it never declared
    finding = only_error(blindset.log_of(blindset.entries(120), "dfti-weight"))
    assert finding.id == "project-code-error" and "WEIGHT" in finding.title, flat(finding)
    assert "--with-fft-flavor=fftw3" in finding.fix[1], finding.fix
    # the same error in a file of no MKL code path, compiled without MKL, stays unrecognised: no claim about its cause
    [plain] = errors_of("gfortran -c x.f90\n./x.f90(3): error #6404: This name does not have a type, and must have an "
                        "explicit type.   [N]\n")
    assert plain.id == "unrecognised-failure", flat(plain)


def test_a_configure_that_refuses_mkls_combined_flavor():
    # the forum of abinit, t=2247: ABINIT 7.2's configure took the mkl flavor alone
    finding = only_error("configure: error: the requested mkl+scalapack linear algebra flavor is not supported on this "
                         "architecture\n")
    assert finding.id == "configure-flavor-refused", flat(finding)
    assert finding.fix[0].startswith('take the flavor the release supports: --with-linalg-flavor="mkl"'), finding.fix


def test_a_python_processs_threading_layer_without_libiomp5_whose_folder_the_page_elided():
    # AR_crop_identification's README: the author unset LD_LIBRARY_PATH and chose MKL's GNU threading layer
    finding = only_error("python: symbol lookup error: ... libmkl_intel_thread.so.2: undefined symbol: "
                         "__kmpc_global_thread_num\n")
    assert finding.id == "openmp-runtime-missing", flat(finding)
    assert "MKL_THREADING_LAYER=GNU" in finding.fix[1] and "unset LD_LIBRARY_PATH" in finding.fix[1], finding.fix
    assert finding.evidence[0].startswith("python: libmkl_intel_thread.so.2 needs"), finding.evidence


def test_pytorchs_fft_of_a_zero_stride_input_against_mkl_2024():
    # conda-forge/pytorch-cpu-feedstock 0e37b1f pinned mkl<2024; PyTorch's fix copies an all-zero-stride input first
    finding = only_error(blindset.log_of(blindset.entries(122), "dfti-inconsistent-config"))
    assert finding.id == "mkl-dfti-error" and any("pytorch#142484" in e for e in finding.evidence), flat(finding)
    assert finding.fix[1].startswith("or pin the MKL release it was built and tested with"), finding.fix


def test_the_programs_own_openmp_code_compiled_with_intels_flag_and_linked_without_it():
    # gemini3d's cmake/intel.cmake: ifx's -fiopenmp at compile time, -qopenmp missing at the link (__kmpc_begin is main's)
    finding = only_error(blindset.log_of(blindset.entries(121), "gemini3d"))
    assert finding.id == "openmp-runtime-missing" and "own OpenMP code" in finding.title, flat(finding)
    assert finding.fix[0].startswith("give the link step the compiler's OpenMP flag too: -qopenmp"), finding.fix
    assert "mkl_intel_thread" not in flat(finding), flat(finding)
    # MKL's threading layer's own names without __kmpc_begin stay MKL's layer without its runtime
    [layer] = errors_of("/usr/bin/ld: /opt/intel/mkl/lib/intel64/libmkl_intel_thread.so: undefined reference to "
                        "`__kmpc_global_thread_num'\n")
    assert "libmkl_intel_thread needs Intel's OpenMP runtime" in layer.title, flat(layer)



@pytest.mark.parametrize(("n", "fragment"), [(10, "cmake-caffe2-mkl-imported-target"), (11, "skimcaffe"),
                                             (10, "macos-quarantined-bundled-libiomp5"), (21, "pyrt-mpl-mkl-intel-thread"),
                                             (14, "windows-cxfreeze"), (122, "ar-crop"), (14, "mklrt-faiss-py312"),
                                             (89, "mkl-vml-functions-h-missing"), (106, "rjags"), (31, "vespa-readme"),
                                             (86, "adcc-151")])
def test_a_mail_fill_that_cut_the_loaders_and_mkls_fixed_words(n, fragment):
    # a fill at 72 columns cuts inside the loader's, the linker's and MKL's fixed words ("...so.2: undefined" / "symbol:
    # __kmpc_..."), after a library's path and colon ("...libmkl_def.so.2:" / "undefined symbol: ..."), after CMake's place
    # ("... mkl.cmake:8" / "(target_link_libraries):"), before ld's "is referenced by DSO" and macOS's "code signature in",
    # after a compiler's "fatal error:" ("... .cpp:39:31: fatal error:" / "mkl_vml_functions.h: No such file ..."), and a
    # library's path alone on its line at a terminal's width (90, 100 columns) with "undefined symbol:" after it
    blindset.assert_fill_reads_as_printed(n, fragment)


ONEMKL_RNG = ("namespace sycl { inline namespace _V1 { struct event {}; } }\n"
              "namespace oneapi { namespace mkl { namespace rng {\nstruct philox4x32x10 {};\n"
              "template <class Distr, class Engine> sycl::event generate(const Distr&, Engine&, long, double*);\n} } }\n"
              "struct uniform {};\nint main() { oneapi::mkl::rng::philox4x32x10 e; double r[4];\n"
              "    oneapi::mkl::rng::generate(uniform{}, e, 4, r); return 0; }\n")


def test_onemkls_sycl_template_named_after_its_return_type(tmp_path):
    """AMReX PR #3536: oneMKL's SYCL RNG, a template whose demangled name starts with its return type (sycl::_V1::event),
    undefined in an icpx link without -qmkl (produced here with g++ and oneMKL's declaration's shape)."""
    (tmp_path / "r.cpp").write_text(ONEMKL_RNG)
    code, log = run(["g++", "r.cpp", "-o", "r"], tmp_path, clean_env())
    assert code != 0 and "undefined reference to `sycl::_V1::event oneapi::mkl::rng::generate<" in log, log
    finding = only_error(log)
    assert finding.id == "mkl-sycl-api-not-linked", flat(finding)
    assert finding.title.startswith("oneapi::mkl::rng::generate undefined"), flat(finding)
    assert "-lmkl_sycl_rng" in finding.fix[0] and "-qmkl" in finding.fix[0], finding.fix
    # the pull request's own log: the first reference read whole, as before
    said = blindset.findings(blindset.log_of(blindset.entries(124), "amrex"))
    assert said[0].id == "mkl-sycl-api-not-linked", [(f.id, f.title) for f in said]
    # and its second reference, whose quote the post cut ("...::result_type*, std::" then "[...]"), is that failure's, not
    # an unknown line; a cut reference to a function no finding names stays one
    assert [f.id for f in said if f.severity == "error"] == ["mkl-sycl-api-not-linked"], [(f.id, f.title) for f in said]
    other = "x.cpp:3: undefined reference to `ns::solve<double>(double*, std::\n[...]\n"
    assert [f.id for f in blindset.findings(other) if f.severity == "error"] == ["unrecognised-failure"]


def test_the_sycl_runtime_refused_as_a_dependency_of_another_library():
    # llama.cpp PR #8644 dropped -fsycl from ggml's link interface: libsycl.so.7 reached the link only through oneMKL's
    finding = only_error(blindset.log_of(blindset.entries(124), "libsycl"))
    assert finding.id == "system-libraries-missing", flat(finding)
    assert finding.fix[0].startswith("link with -fsycl") and "C library" not in finding.explanation, flat(finding)


def test_intels_openmp_runtime_not_found_by_the_loader_says_the_compilers_environment():
    # YaliMao-NOAA/WAFS's envir_setting.sh: source /opt/intel/bin/compilervars.sh intel64
    finding = only_error("error while loading shared libraries: libiomp5.so: cannot open shared object file\n")
    assert finding.id == "loader-cannot-find", flat(finding)
    assert any("compilervars.sh intel64" in f and "setvars.sh" in f for f in finding.fix), finding.fix


def test_openmps_threads_refused_names_each_variable_once():
    # AlphaImpute's FAQ: its ParallelProcessors setting asked for more threads than the machine gave
    finding = only_error(blindset.log_of(blindset.entries(123), "alphaimpute"))
    assert finding.fix[0].count("OMP_NUM_THREADS") == 1 and "processors option" in finding.fix[0], finding.fix


def test_mkl_ffts_own_words_around_dftis():
    # process_nwb: mkl_fft refused an (18134054, 2) array; the authors fell back to numpy.fft
    finding = only_error(blindset.log_of(blindset.entries(123), "process-nwb"))
    assert any("mkl_fft#57" in e for e in finding.evidence) and "numpy.fft or scipy.fft" in finding.fix[1], flat(finding)


def test_configures_test_program_that_intels_compiler_could_not_build():
    # the forum of abinit, t=3693: ifort found and run, its configure tests failed until compilervars.sh was sourced
    finding = only_error(blindset.log_of(blindset.entries(125), "ifort-env-unset"))
    assert finding.id == "intel-compiler-test-failed" and "ifort" in finding.title, flat(finding)
    assert finding.fix[0].startswith("source compilervars.sh intel64"), finding.fix


@pytest.mark.skipif(shutil.which("autoconf") is None, reason="needs autoconf")
def test_configures_test_program_that_gccs_own_flags_broke_is_not_intels(tmp_path):
    """configure's words for a compiler that cannot build its test, from gcc (produced here: a flag gcc refuses): no claim
    about Intel's environment, the line stays unrecognised."""
    import subprocess

    (tmp_path / "configure.ac").write_text("AC_INIT([probe], [1.0])\nAC_PROG_CC\nAC_OUTPUT\n")
    assert subprocess.run(["autoconf"], cwd=tmp_path).returncode == 0
    code, log = run(["./configure", "CC=gcc", "CFLAGS=-fno-such-flag"], tmp_path, clean_env())
    assert code != 0 and "C compiler cannot create executables" in log, log
    assert [f.id for f in errors_of(log)] == ["unrecognised-failure"], [(f.id, f.title) for f in errors_of(log)]


def test_condas_mkl_hook_under_set_u_named_by_its_variable_alone(tmp_path):
    """conda's MKL activation hook under a script's set -u, as notes quote it: the variable's line alone (Uni-Mol's KSC
    note), its script's path on the line before (a fill; produced here with bash), inside a note's prose."""
    hook = tmp_path / "envs" / "internimage" / "etc" / "conda" / "activate.d" / "libblas_mkl_activate.sh"
    hook.parent.mkdir(parents=True)
    hook.write_text('export CONDA_MKL_INTERFACE_LAYER_BACKUP="$MKL_INTERFACE_LAYER"\n')
    code, log = run(["bash", "-c", f"set -u; source {hook}"], tmp_path, clean_env())
    assert code != 0 and "line 1: MKL_INTERFACE_LAYER: unbound variable" in log, log
    head, _, tail = log.partition("line 1:")
    for text in (log, f"{head.rstrip()} \nline 1:{tail}", "MKL_INTERFACE_LAYER: unbound variable\n",
                 "具体在 `/home/u/anaconda3/envs/py38/etc/conda/activate.d/libblas_mkl_activate.sh` 触发 "
                 "`MKL_INTERFACE_LAYER: unbound variable`\n"):
        finding = only_error(text)
        assert finding.id == "mkl-env-script-unbound" and "MKL_INTERFACE_LAYER is unset" in finding.title, (text, flat(finding))
        assert finding.fix[0] == "turn nounset off around the activation: set +u; conda activate <env>; set -u", finding.fix
    # a variable not MKL's, alone, is no claim of MKL's hooks, and never silent
    assert [f.id for f in errors_of("FOO: unbound variable\n")] == ["unrecognised-failure"]


def test_intel_openmps_errno_line_alone():
    # UCL's ANSYS job script notes: "Need to set KMP_AFFINTY to get round error: OMP: System error #22: Invalid argument"
    finding = only_error("OMP: System error #22: Invalid argument\n")
    assert finding.id == "openmp-system-error" and finding.fix[0].startswith("turn the runtime's thread binding off: "
                                                                              "export KMP_AFFINITY=disabled"), flat(finding)


def test_two_dependencies_ld_did_not_find_keep_their_own_versioned_names(tmp_path):
    """A library whose two dependencies ld did not find (produced here with gcc): each finding names the undefined
    names whose version tag is its library's (FABRIC_1.1 for libfabric, UCX_1.0 for libucx), not both."""
    for name, tag, fn in (("fabric", "FABRIC_1.1", "fi_getinfo"), ("ucx", "UCX_1.0", "ucp_init")):
        (tmp_path / name).mkdir()
        (tmp_path / f"{name}.c").write_text(f"int {fn}(void) {{ return 1; }}\n")
        (tmp_path / f"{name}.map").write_text(f"{tag} {{ global: {fn}; local: *; }};\n")
        assert run(["gcc", "-shared", "-fPIC", "-o", f"{name}/lib{name}.so.1", f"{name}.c", f"-Wl,-soname,lib{name}.so.1",
                    f"-Wl,--version-script={name}.map"], tmp_path, clean_env())[0] == 0
        (tmp_path / name / f"lib{name}.so").symlink_to(f"lib{name}.so.1")
    (tmp_path / "mpi.c").write_text("int fi_getinfo(void);\nint ucp_init(void);\n"
                                    "int mpi_x(void) { return fi_getinfo() + ucp_init(); }\n")
    (tmp_path / "main.c").write_text("int mpi_x(void);\nint main(void) { return mpi_x(); }\n")
    assert run(["gcc", "-shared", "-fPIC", "-o", "libmpi.so", "mpi.c", "-Lfabric", "-lfabric", "-Lucx", "-lucx"], tmp_path,
               clean_env())[0] == 0
    code, log = run(["gcc", "-o", "app", "main.c", "-L.", "-lmpi"], tmp_path, clean_env())
    assert code != 0 and "libucx.so.1, needed by ./libmpi.so, not found" in log, log
    titles = {f.title.split(",", 1)[0]: f.title for f in errors_of(log) if f.id == "needed-library-not-found"}
    assert "fi_getinfo@FABRIC_1.1" in titles["libfabric.so.1"] and "ucp_init" not in titles["libfabric.so.1"], titles
    assert "ucp_init@UCX_1.0" in titles["libucx.so.1"] and "fi_getinfo" not in titles["libucx.so.1"], titles


def test_openblas_transpose_undefined_with_openblas_on_the_line():
    # the libopenblas found lacks the extension: another library of that name, or an old build
    finding = only_error("gcc -o t t.o -L/opt/old -lopenblas\n/usr/bin/ld: t.o: in function `main':\n"
                         "t.c:(.text+0x4e): undefined reference to `cblas_domatcopy'\n"
                         "collect2: error: ld returned 1 exit status\n")
    assert finding.id == "blas-extension-missing" and "lacks" not in finding.title, flat(finding)
    assert finding.fix[1].startswith("the libopenblas the link finds lacks cblas_domatcopy"), finding.fix


@pytest.mark.parametrize("line", ["  dlopen(/Users/b/.R/Library/rjags/libs/x86_64/rjags.so, 10): Symbol not found: _JAGS_NA",
                                  "The app failed with DllNotFoundException after I deployed it to another machine"])
def test_a_failure_a_signature_reads_stands_alone_and_is_never_silent(line):
    # each corpus line a signature claims, explained alone (a probe over the whole corpus after set 127's silent texts):
    # dyld's "Symbol not found" and .NET's DllNotFoundException without the lines their families read with them
    assert [f.id for f in errors_of(line + "\n")] == ["unrecognised-failure"]


def test_old_rs_dyn_load_joined_with_its_quoted_library_is_one_failure():
    # r-devel 2002-01 (blind92): old R quotes the library in double quotes, its reason on the next line: one finding
    log = ('        unable to load shared library\n"/home/andy/R-patched-mkl/modules/lapack.so":\n'
           "  /home/andy/R-patched-mkl/modules/lapack.so: undefined symbol: lsame_\n")
    assert [f.id for f in errors_of(log)] == ["runtime-mkl-not-linked"], [(f.id, f.title) for f in errors_of(log)]
    joined = log.replace("library\n", "library ", 1)
    assert [f.id for f in errors_of(joined)] == ["runtime-mkl-not-linked"], [(f.id, f.title) for f in errors_of(joined)]



def test_a_dso_missing_takes_only_the_name_ld_said_it_holds():
    # ld's "undefined reference to symbol 'X'" names what the library holds; another undefined name beside it stays said
    log = ("/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x9): undefined reference to `project_helper'\n"
           "/usr/bin/ld: libggml.a(ggml-sycl.cpp.o): undefined reference to symbol '_ZN4sycl3_V15queue6memcpyEPvPKvm'\n"
           "/usr/bin/ld: /opt/intel/oneapi/compiler/2024.2/lib/libsycl.so.7: error adding symbols: DSO missing from "
           "command line\n")
    said = {f.id: f for f in errors_of(log)}
    assert set(said) == {"system-libraries-missing", "undefined-symbol"}, [(f.id, f.title) for f in said.values()]
    assert "project_helper" in said["undefined-symbol"].title and "memcpy" not in said["undefined-symbol"].title
