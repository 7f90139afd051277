"""The classes of the fourteenth blind set (tests/data/explain_corpus/blind14.json), produced here where they can run.

- int64_t pivots passed to MKL's ILP64 LAPACKE (MXNet#18954): g++'s real 'cannot convert long int* to long long int*'
  against the pinned wheel's headers, read through a paste wrapped at 90 columns; MKL_INT made int64_t compiles;
- MSVC's C2664 in another language for cblas_sgemm_batch's __int64 sizes (pytorch PR #118734, public text): an error,
  never silent.
"""

from __future__ import annotations

import re
import subprocess
import textwrap

from tests.test_explain_families import errors_of, flat

GETRI = """#include <stdint.h>
#include <mkl_lapacke.h>
int inv(int64_t n, double *a, int64_t *ipiv) { return (int)LAPACKE_dgetri(LAPACK_COL_MAJOR, n, a, n, ipiv); }
"""


def test_int64_t_pivots_to_mkls_ilp64_lapacke_and_the_fix(tmp_path, mkl):
    (tmp_path / "inv.cpp").write_text(GETRI)
    include = f"-I{mkl.pip / 'include'}"
    failed = subprocess.run(["g++", "-c", "-DMKL_ILP64", include, "inv.cpp"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "long long int*" in failed.stderr, failed.stderr
    pasted = "\n".join(piece for line in failed.stderr.splitlines() for piece in textwrap.wrap(line, 90, drop_whitespace=False) or [""])
    for log in (failed.stderr, pasted):
        [finding] = errors_of(log)
        assert finding.id == "mkl-ilp64-compile-mismatch" and "long (int64_t" in finding.title, flat(finding)
        assert "#define MKL_INT int64_t" in finding.fix[0]
    fixed = subprocess.run(["g++", "-c", "-DMKL_ILP64", "-DMKL_INT=int64_t", "-DMKL_UINT=uint64_t", include, "inv.cpp"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_msvcs_coded_errors_are_errors_in_any_language():
    line = ("pytorch\\aten\\src\\ATen\\native\\mkl\\LinearAlgebra.cpp(74): error C2664: “void cblas_sgemm_batch(const "
            "CBLAS_LAYOUT,const __int64 *,const __int64 *) noexcept”: 无法将参数 4 从“const int *”转换为“const __int64 *”\n")
    [finding] = errors_of(line)
    assert finding.id == "mkl-ilp64-compile-mismatch" and "cblas_sgemm_batch" in finding.title
    [other] = errors_of("x.cpp(3): error C2065: “foo”: 未声明的标识符\n")
    assert other.id == "unrecognised-failure"  # never silent


def test_a_conversion_to_long_long_in_code_that_is_not_mkls_stays_unrecognised(tmp_path):
    (tmp_path / "own.cpp").write_text("#include <stdint.h>\nlong long f(const long long *p);\nlong long g(int64_t *q) { return f(q); }\n")
    failed = subprocess.run(["g++", "-c", "own.cpp"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "invalid conversion" in failed.stderr, failed.stderr
    assert [f.id for f in errors_of(failed.stderr)] == ["unrecognised-failure"]


def _sycl_project(root, guard: bool) -> None:
    option = "$<$<COMPILE_LANGUAGE:CXX>:-fsycl-unnamed-lambda>" if guard else "-fsycl-unnamed-lambda"
    (root / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13)\nproject(p C)\n"
        "add_library(MKL::MKL_DPCPP INTERFACE IMPORTED)\n"  # what oneMKL 2021.3's MKLConfig.cmake set on its target
        f"set_target_properties(MKL::MKL_DPCPP PROPERTIES INTERFACE_COMPILE_OPTIONS \"{option}\")\n"
        "add_library(mylib STATIC a.c)\ntarget_link_libraries(mylib PUBLIC MKL::MKL_DPCPP)\n")
    (root / "a.c").write_text("int a(void) { return 1; }\n")


def test_a_sycl_option_of_mkls_target_reaching_a_c_compiler(tmp_path):
    """oneMath#116: MKL::MKL_DPCPP gave -fsycl-unnamed-lambda to gcc and gfortran. Produced: an imported target with
    that usage requirement, built by cmake with gcc; the option kept to C++ builds."""
    for name, guard in (("leak", False), ("kept", True)):
        root = tmp_path / name
        root.mkdir()
        _sycl_project(root, guard)
        assert subprocess.run(["cmake", "-S", ".", "-B", "b"], cwd=root, capture_output=True).returncode == 0
        built = subprocess.run(["cmake", "--build", "b"], cwd=root, capture_output=True, text=True)
        if not guard:
            assert built.returncode != 0 and "-fsycl-unnamed-lambda" in built.stdout + built.stderr
            [finding] = errors_of(built.stdout + built.stderr)
            assert finding.id == "mkl-sycl-option-leaked" and "2021.4" in finding.fix[0], flat(finding)
        else:
            assert built.returncode == 0, built.stdout + built.stderr


def test_intels_retired_mkl_option_and_matlabs_crash_report():
    """abacus-develop#784 and pytorch#6591 (public lines: no Intel compiler or MATLAB here)."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    remark = ("ifort: command line remark #10412: option '-mkl=cluster' is deprecated and will be removed in a future "
              "release. Please use the replacement option '-qmkl=cluster'\n")
    [retired] = explain(logparse.parse_bytes(remark.encode()), [])
    assert retired.id == "mkl-compiler-option-retired" and retired.severity == "warning" and "-qmkl=cluster" in retired.fix[0]
    crash = "-" * 80 + "\n       Segmentation violation detected at Fri Apr 13 09:11:53 2018 -0700\n" + "-" * 80 + "\n"
    [matlab] = errors_of(crash)
    assert matlab.id == "matlab-mkl-interposed" and "OutOfProcess" in matlab.fix[0]


def test_a_library_that_is_not_mkls_is_never_told_to_install_mkl(tmp_path, mkl):
    """SuiteSparse PR #8 (-llapack beside MKLROOT) and oneMath#254 (-lOpenCL). Produced: the layers of the pinned wheel
    linked with -llapack (no development link of it here), then without it."""
    (tmp_path / "t.c").write_text("void dgesv_(void);\nint main(void) { dgesv_(); return 0; }\n")
    libs = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("intel_lp64", "sequential", "core")]
    rest = ["-lpthread", "-lm", "-ldl", "-o", "t"]
    failed = subprocess.run(["gcc", "t.c", *libs, "-llapack", *rest], cwd=tmp_path, capture_output=True, text=True)
    if failed.returncode == 0:  # a machine with liblapack's development link: ld found it, nothing to explain
        failed = subprocess.run(["gcc", "t.c", *libs, "-llapack_none_here", *rest], cwd=tmp_path, capture_output=True, text=True)
    assert "cannot find -llapack" in failed.stderr, failed.stderr
    [finding] = [f for f in errors_of(failed.stderr) if f.id == "library-not-found"]
    if "-llapack_none_here" not in failed.stderr:
        assert finding.fix[0].startswith("building with MKL: drop -llapack"), flat(finding)
    assert not any("install MKL" in line for line in finding.fix) and not finding.recipes, flat(finding)
    assert subprocess.run(["gcc", "t.c", *libs, *rest], cwd=tmp_path).returncode == 0
    [opencl] = errors_of("/usr/bin/ld: cannot find -lOpenCL\n")
    assert "ocl-icd" in flat(opencl) and not any("install MKL" in line for line in opencl.fix)


USER_C = """void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*,
            const double*, const int*, const double*, double*, const int*);
int run(void) { int n = 1; double a = 1, b = 1, c = 0, o = 1, z = 0;
                dgemm_("N", "N", &n, &n, &n, &o, &a, &n, &b, &n, &z, &c, &n); return c == 1 ? 0 : 1; }
"""


def test_an_interface_layer_without_its_core_at_run_time_is_the_link_that_dropped_it(tmp_path, mkl):
    """pytorch PR #25445: 'symbol lookup error: .../libmkl_intel_lp64.so: undefined symbol: mkl_blas_dsyrk', the
    program's name cut from the paste; --as-needed had dropped the core from the library that uses MKL. Produced: a
    shared library linked with --as-needed and MKL's core before the interface layer; with --no-as-needed it runs."""
    (tmp_path / "user.c").write_text(USER_C)
    (tmp_path / "m.c").write_text("int run(void);\nint main(void) { return run(); }\n")
    layers = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("core", "sequential", "intel_lp64")]

    def build(flag: str) -> subprocess.CompletedProcess:
        for step in (["gcc", "-shared", "-fPIC", "user.c", f"-Wl,{flag}", *layers, f"-Wl,-rpath,{mkl.pip_lib}", "-o", "libuser.so"],
                     ["gcc", "m.c", "-L.", "-luser", "-Wl,--allow-shlib-undefined", "-Wl,-rpath,$ORIGIN", "-o", "m"]):
            assert subprocess.run(step, cwd=tmp_path, capture_output=True).returncode == 0
        return subprocess.run(["./m"], cwd=tmp_path, capture_output=True, text=True)

    dropped = build("--as-needed")
    assert "symbol lookup error" in dropped.stderr and "mkl_blas_dgemm" in dropped.stderr, dropped.stderr
    cut = dropped.stderr.split(": ", 1)[1]  # the paste began at 'symbol lookup error'
    for log in (dropped.stderr, cut):
        [finding] = errors_of(log)
        assert finding.id == "mkl-layers-not-loaded" and "--no-as-needed" in finding.fix[0], flat(finding)
    assert build("--no-as-needed").returncode == 0


def test_windows_loader_words_in_other_languages_and_a_bindings_mkl_dll():
    """pytorch#125109 (German), cx_Freeze#682 (MKL's own line in German), Neanderthal#68: public text (Windows)."""
    torch = ('OSError: [WinError 126] Das angegebene Modul wurde nicht gefunden. Error loading "C:\\Users\\x\\AppData\\'
             'Roaming\\Python\\Python312\\site-packages\\torch\\lib\\shm.dll" or one of its dependencies.\n')
    [finding] = errors_of(torch)
    assert finding.id == "windows-library-not-loaded" and "shm.dll" in finding.title
    assert finding.fix[0].startswith("before import torch: os.add_dll_directory")
    frozen = ("INTEL MKL ERROR: Das angegebene Modul wurde nicht gefunden. mkl_intel_thread.dll.\n"
              "Intel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll.\n")
    assert [f.id for f in errors_of(frozen)] == ["windows-library-not-loaded"]  # one failure, no second unrecognised
    [binding] = errors_of("Library 'neanderthal-mkl-0.25.0.dll' not found!\n")
    assert binding.id == "windows-library-not-loaded" and "Dependencies.exe" in flat(binding)


def test_a_lapack_routine_that_no_library_in_the_process_defines(tmp_path, mkl):
    """CARMA#24: an R package's shared object calls dsyevd_ and links no LAPACK; the package expects MKL preloaded into
    R. Produced with the real R: dyn.load of such a library fails, and with the pinned wheel's libmkl_rt preloaded it
    loads. Pardiso.jl#2's bare line (public) is the same class."""
    (tmp_path / "p.c").write_text("void dsyevd_(void);\nvoid call(void) { dsyevd_(); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "p.c", "-o", "pkg.so"], cwd=tmp_path).returncode == 0
    failed = subprocess.run(["Rscript", "-e", 'dyn.load("pkg.so")'], cwd=tmp_path, capture_output=True, text=True)
    assert "undefined symbol: dsyevd_" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "blas-not-loaded" and "LD_PRELOAD" in finding.fix[0], flat(finding)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    env = dict(__import__("os").environ, LD_PRELOAD=str(rt))
    loaded = subprocess.run(["Rscript", "-e", 'dyn.load("pkg.so"); cat("loaded")'], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert loaded.stdout == "loaded", loaded.stderr
    [bare] = errors_of("symbol lookup error:: undefined symbol: dswap_\n")
    assert bare.id == "blas-not-loaded"
    # one of MKL's own internal names is no BLAS routine: another finding
    assert errors_of("./app: symbol lookup error: ./libx.so: undefined symbol: mkl_serv_foo\n")[0].id != "blas-not-loaded"


def test_a_routine_known_to_reject_its_own_minimum_workspace_in_some_releases():
    """scipy#8205 (public line: MKL 2018 is not among the pinned releases): MKL 2018's ?SBRDB rejects argument 12."""
    from mkldoctor.knowledge import broken

    [finding] = errors_of("ValueError: On entry to DSBRDB parameter number 12 had an illegal value\n")
    assert finding.id == "mkl-parameter-error" and "2019.0" in finding.fix[0] and "scipy/scipy#8205" in flat(finding)
    assert broken.rejecting("DSBRDB", 12) and not broken.rejecting("DSBRDB", 5) and not broken.rejecting("DGEMM", 12)
    [other] = errors_of("Intel MKL ERROR: Parameter 12 was incorrect on entry to DGELSD.\n")
    assert "known fault" not in flat(other)


def test_a_reporters_own_words_for_lnk1181():
    """Neuro#1 (public text): 'link error 1181 : "can't open mkl_core.lib"'."""
    [finding] = errors_of('but it still have link error 1181 : "can\'t open mkl_core.lib".\n')
    assert finding.id == "msvc-library-not-found" and "mkl_core.lib" in finding.title
    # a file that is not MKL's in the same words is not read as MKL's
    assert errors_of("it failed with \"can't open foo.lib\"\n")[0].id == "unrecognised-failure"


def test_a_copy_step_that_names_another_releases_mkl_file(tmp_path, mkl):
    """llama.cpp#10327: a CI script copies mkl_sycl_blas.4.dll from oneAPI's 'latest', which is 2025's. Produced: cp of
    a numbered file of another release than the pinned wheel's folder holds; the pattern the fix gives copies."""
    lib = mkl.pip_lib
    have = sorted(p.name for p in lib.glob("libmkl_core.so.*"))[0]  # libmkl_core.so.3 in the pinned release
    other = re.sub(r"\.so\.\d+$", ".so.99", have)
    failed = subprocess.run(["cp", str(lib / other), str(tmp_path)], capture_output=True, text=True)
    assert "cannot stat" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-file-missing" and "libmkl_core.so.*" in finding.fix[0], flat(finding)
    copied = subprocess.run(f"cp {lib}/libmkl_core.so.* {tmp_path}", shell=True)
    assert copied.returncode == 0 and (tmp_path / have).is_file()
    # a file that is not MKL's is not said to be
    assert errors_of("cp: cannot stat 'build/foo.txt': No such file or directory\n")[0].id != "mkl-file-missing"


def test_an_install_rule_for_a_removed_findmkl(tmp_path):
    """AdaptiveCpp#1049: oneMKL's install rule for the FindMKL.cmake it had removed. Produced with cmake --install."""
    for name, rule in (("kept", "install(FILES cmake/FindMKL.cmake DESTINATION lib/cmake)\n"), ("fixed", "")):
        root = tmp_path / name
        root.mkdir()
        (root / "CMakeLists.txt").write_text(f"cmake_minimum_required(VERSION 3.13)\nproject(p NONE)\n{rule}")
        assert subprocess.run(["cmake", "-S", ".", "-B", "b"], cwd=root, capture_output=True).returncode == 0
        done = subprocess.run(["cmake", "--install", "b", "--prefix", str(root / "inst")], cwd=root, capture_output=True, text=True)
        if rule:
            assert done.returncode != 0 and "file INSTALL cannot find" in done.stderr, done.stderr
            [finding] = errors_of(done.stdout + done.stderr)
            assert finding.id == "cmake-install-file-missing" and "FindMKL.cmake" in finding.title, flat(finding)
        else:
            assert done.returncode == 0, done.stderr


def test_oneapis_sycl_library_numbers_name_their_year():
    """sdnext#2601, IPEX#298 (libmkl_sycl.so.3: oneAPI 2023), llama.cpp#10327 (mkl_sycl_blas.4.dll: 2024): public lines."""
    from mkldoctor.knowledge.platforms import sycl_release

    assert [sycl_release(n) for n in ("libmkl_sycl.so.1", "libmkl_sycl.so.3", "mkl_sycl_blas.4.dll", "libmkl_sycl.so")] == \
        ["2021", "2023", "2024", None]
    [finding] = errors_of("ImportError: libmkl_sycl.so.3: cannot open shared object file: No such file or directory\n")
    assert finding.fix[0].startswith("the oneMKL the program was built with, 2023: source the setvars.sh")


def test_onemkls_sycl_api_undefined_on_a_host_link(tmp_path):
    """kokkos-kernels#2023: oneapi::mkl::blas functions undefined in a link of host MKL only. Produced: g++'s real
    undefined reference to a function of that namespace (no SYCL compiler or oneMKL SYCL library here)."""
    (tmp_path / "k.cpp").write_text("namespace oneapi { namespace mkl { namespace blas { namespace column_major {\n"
                                    "void gemv(long n); } } } }\nint main() { oneapi::mkl::blas::column_major::gemv(1); }\n")
    failed = subprocess.run(["g++", "k.cpp", "-o", "k"], cwd=tmp_path, capture_output=True, text=True)
    assert "undefined reference to `oneapi::mkl::blas::column_major::gemv" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-sycl-api-not-linked" and "MKL::MKL_SYCL::BLAS" in finding.fix[0], flat(finding)


def test_a_kernel_reached_through_a_packages_own_run_path():
    """faiss#2021 and faiss#4126 (public lines; the first letter of MKL's line cut by the paste): the kernel was found
    through faiss's run path, and faiss's own MKL core is not visible to it: another build of faiss first."""
    log = ("Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so.1 or libmkl_def.so.1.\n"
           "NTEL MKL ERROR: /usr/local/lib/python3.7/site-packages/faiss/../../.././libmkl_avx2.so.1: undefined symbol: "
           "mkl_sparse_optimize_bsr_trsm_i8.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and finding.fix[0].startswith("install a build of faiss"), flat(finding)


def test_torchs_extension_on_windows_without_intels_openmp_runtime():
    """pytorch#4518 (public text): torch._C's 'DLL load failed' in a conda environment whose numpy brought no MKL."""
    log = ('  File "C:\\Users\\u\\AppData\\Local\\Continuum\\anaconda3\\envs\\pytorch\\lib\\site-packages\\torch\\'
           '__init__.py", line 76, in <module>\n    from torch._C import *\nImportError: DLL load failed: The specified module '
           'could not be found.\n')
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "intel-openmp" in finding.fix[0], flat(finding)


def test_a_sycl_librarys_number_of_any_length_is_read_without_raising():
    """A hostile log: a 5000-digit interface number (Python's int() refuses more than 4300 digits)."""
    big = "9" * 5000
    for log in (f"ImportError: libmkl_sycl.so.{big}: cannot open shared object file: No such file or directory\n",
                f"cp: cannot stat '/opt/mkl/lib/mkl_sycl_blas.{big}.dll': No such file or directory\n"):
        assert errors_of(log)  # said, never a traceback


def test_a_user_install_on_windows_is_told_its_own_library_folder():
    """A pip --user install (pytorch#125109's folder, any package that takes MKL from pip's mkl): public text."""
    log = ('  File "C:\\Users\\u\\AppData\\Roaming\\Python\\Python311\\site-packages\\pkg\\__init__.py", line 3, in <module>\n'
           "    from . import _core\nImportError: DLL load failed while importing _core: The specified module could not be found.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "site.getuserbase()" in finding.fix[0]


def test_threadpoolctls_warning_of_two_openmp_runtimes():
    """The warning as the pinned threadpoolctl wheel writes it (its own text, read from the wheel), after its
    RuntimeWarning header: a warning finding, with threadpoolctl's own command to see which package brought each."""
    import zipfile
    from tests.conftest import fixtures_dir

    [wheel] = (fixtures_dir() / "pywheels").glob("threadpoolctl-*.whl")
    source = zipfile.ZipFile(wheel).read("threadpoolctl.py").decode()
    message = source.split('_INCOMPATIBLE_OPENMP_MESSAGE = """', 1)[1].split('"""', 1)[0]
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    log = "/x/site-packages/threadpoolctl.py:1214: RuntimeWarning: " + message
    [finding] = explain(logparse.parse_bytes(log.encode()), [])
    assert finding.id == "openmp-runtimes-mixed" and finding.severity == "warning"
    assert "python -m threadpoolctl -i" in finding.fix[0] and '"-i"' in source  # the command the fix gives exists there


def test_intels_openmp_without_a_usable_dev_shm():
    """'OMP: Error #179: Function Can't open SHM2 failed' (public text: an AWS Lambda-like sandbox is not reproduced
    here; with a read-only /dev/shm the pinned libiomp5 says only its Warning #179 and goes on)."""
    [finding] = errors_of("OMP: Error #179: Function Can't open SHM2 failed:\nOMP: System error #38: Function not implemented\n")
    assert finding.id == "openmp-shm-refused" and "/dev/shm" in finding.fix[0] and "SEQUENTIAL" in finding.fix[1]


def test_scalapacks_routine_known_to_reject_a_valid_argument():
    """Intel's bug-fix list of MKL 2020 (blind set 31, wrong before: the caller's width said first): ScaLAPACK's PCGEEVX
    rejected its valid argument 15 until 2020 Update 2; the list names no first release, and the finding says so."""
    from mkldoctor.knowledge import broken

    [finding] = errors_of("Intel MKL ERROR: Parameter 15 was incorrect on entry to PCGEEVX.\n")
    assert finding.id == "mkl-parameter-error" and finding.fix[0].startswith("the MKL release: releases before 2020.2")
    assert broken.rejecting("PZGEEVX", 15) and broken.rejecting("pdgeevx_", 15) and not broken.rejecting("ZGEEVX", 15)
    assert broken.routine_bugs("PCGEEVX", "2019.5") and not broken.routine_bugs("PCGEEVX", "2020.2.254")


def test_julias_crash_on_macos_after_mkls_refusals_names_two_openmp_runtimes():
    """MLJModels#212 (blind set 13, wrong before): DLASWP's argument 6 refused from several threads, then Julia's
    'signal (11): Segmentation fault: 11' (macOS's words): libgomp loaded before MKL's libiomp5 (BinaryBuilder.jl#700)."""
    log = ("Intel MKL ERROR: Parameter 6 was incorrect on entry to DLASWP.\n"
           "Intel MKL ERROR: Parameter 6 was incorrect on entry to DLASWP.\n\nsignal (11): Segmentation fault: 11\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-parameter-error" and any("libgomp" in line and "BinaryBuilder.jl#700" in line
                                                       for line in finding.evidence), flat(finding)
    [linux] = errors_of(log.replace("Segmentation fault: 11", "Segmentation fault"))  # Linux's words: no such cause
    assert "libgomp" not in flat(linux)


def test_a_vml_kernel_without_the_cores_service_name_older_than_the_table():
    """numexpr#27 (blind set 5, wrong before: 'one MKL copy'): MKL 10's libmkl_vml_mc3.so needing mkl_serv_mkl_malloc, a
    core name older than the export table, from a numexpr linked without all of MKL's layers: the kernel cannot see the
    core; a kernel's name of another kind older than the table is not read so."""
    [finding] = errors_of("libmkl_vml_mc3.so: undefined symbol: mkl_serv_mkl_malloc\n")
    assert finding.id == "mkl-core-not-visible" and any("libmkl_core" in line and "prefix" in line for line in finding.evidence)
    assert any("mkl_libs = mkl_rt" in line for line in finding.fix)
    [other] = errors_of("libmkl_vml_mc3.so: undefined symbol: vmlSomethingOld\n")
    assert other.id != "mkl-core-not-visible", flat(other)
