"""The classes of the seventeenth and eighteenth blind sets (tests/data/explain_corpus/blind17.json, blind18.json),
produced here where they can run.

- MKL's static archives as interface, core, threading with no group (spack#7279): a real ld failure with the pinned
  wheel's archives, read from the link line alone (the log cut before ld's errors), and the grouped line links;
- find_package(MKL 2023.1) refusing MKLConfig.cmake 2026.2 (arrayfire#3539): real cmake, and the version the fix names
  configures;
- a project's own dgesv_ prototype against MKL's mkl_lapack.h (Macaulay2#3372): real g++, and the guard compiles;
- CMake's FindBLAS finding no MKL (opencv#9954): real cmake, and the prefix the fix names configures;
- ld's multiple definition of OpenMP's names, PyInstaller's DLLs, numpy.distutils' mixed BLAS and LAPACK, FFTW's names
  under MKL, a crash after cdotu, gdb's null frame under MKL's threader, Intel's compiler without fftw3.h, a DFTI length
  past 2^24, a wheel's vendored MKL without its kernels: public text (no such tool or MKL here).
- blind18: a plugin opened by a path where nothing is (a real ctypes dlopen), LD_LIBRARY_PATH naming a file (the real
  loader; the folder works); a Win32 build's x86 names against 64-bit MKL, MKL 10's kernel message, make without a rule
  for MKL's file, the loader's line wrapped after the library, CMake's ScaLAPACK check: public text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat
from tests.test_explain_heldback_linux import findings_of

CMAKE = pytest.mark.skipif(not shutil.which("cmake"), reason="cmake is not installed (dev/test installs it)")


@pytest.mark.mkl
def test_static_archives_out_of_order_read_from_the_link_line(mkl, tmp_path):
    lib = mkl.pip_lib
    (tmp_path / "g.c").write_text("void dgemm_();\nint main(void) { double a = 1, one = 1; int n = 1;\n"
                                  "  dgemm_(\"N\", \"N\", &n, &n, &n, &one, &a, &n, &a, &n, &one, &a, &n); return 0; }\n")
    order = [str(lib / f"libmkl_{name}.a") for name in ("intel_lp64", "core", "sequential")]
    command = ["gcc", "g.c", "-o", "g", *order, "-lpthread", "-lm", "-ldl"]
    failed = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "libmkl_sequential.a(" in failed.stderr, failed.stderr
    [finding] = errors_of(" ".join(command) + "\n")  # the line alone: the log cut before ld's errors
    assert finding.id == "mkl-static-order" and "libmkl_sequential.a after libmkl_core.a" in finding.title, flat(finding)
    grouped = next(line for line in finding.fix if line.startswith("wrap MKL's archives")).split(": ", 1)[1].split()
    assert grouped[0] == "-Wl,--start-group" and grouped[-1] == "-Wl,--end-group"
    assert [p.rsplit("/", 1)[-1] for p in grouped[1:-1]] == ["libmkl_intel_lp64.a", "libmkl_sequential.a", "libmkl_core.a"]
    linked = subprocess.run(["gcc", "g.c", "-o", "g", *grouped, "-lpthread", "-lm", "-ldl"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert linked.returncode == 0, linked.stderr
    # with ld's errors in the log the undefined references' reading speaks, and this rule stays quiet
    assert "mkl-static-order" not in {f.id for f in findings_of(" ".join(command) + "\n" + failed.stderr)}
    # grouped, or in the order interface, threading, core: nothing to say
    assert not errors_of(" ".join(["gcc", "g.c", "-o", "g", *grouped]) + "\n")


@CMAKE
@pytest.mark.mkl
def test_find_package_of_one_year_refuses_another(mkl, tmp_path):
    def configure(version: str) -> subprocess.CompletedProcess:
        (tmp_path / "CMakeLists.txt").write_text(f"cmake_minimum_required(VERSION 3.20)\nproject(p C)\n"
                                                 f"find_package(MKL {version} CONFIG REQUIRED)\n")
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        return subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b"),
                               f"-DMKL_DIR={mkl.pip / 'lib/cmake/mkl'}"], capture_output=True, text=True)

    failed = configure("2023.1")
    assert failed.returncode != 0 and "considered but not accepted" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stdout + failed.stderr)
    assert finding.id == "mklconfig-version-rejected" and "2026.2.0" in finding.title, flat(finding)
    asked = re.search(r"find_package\(MKL ([\d.]+)\)", next(f for f in finding.fix if f.startswith("or ask for the year")))
    assert asked and configure(asked.group(1)).returncode == 0


@pytest.mark.mkl
def test_a_projects_own_lapack_prototype_against_mkls_header(mkl, tmp_path):
    include = mkl.pip / "include"
    own = 'extern "C" int dgesv_(int *n, int *nrhs, double *a, int *lda, int *ipiv, double *b, int *ldb, int *info);\n'
    (tmp_path / "e.cpp").write_text('#include "mkl_lapack.h"\n' + own + "int main() { return 0; }\n")
    failed = subprocess.run(["g++", "-c", "e.cpp", f"-I{include}"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "dgesv_" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "blas-prototype-clash" and "dgesv_" in finding.title, flat(finding)
    assert "#ifndef _MKL_LAPACK_H_" in finding.fix[0]
    (tmp_path / "e.cpp").write_text('#include "mkl_lapack.h"\n#ifndef _MKL_LAPACK_H_\n' + own + "#endif\nint main() { return 0; }\n")
    assert subprocess.run(["g++", "-c", "e.cpp", f"-I{include}"], cwd=tmp_path).returncode == 0
    # a clash over a name MKL does not export is no MKL finding
    assert not [f for f in findings_of("x.cpp:3:5: error: conflicting declaration of C function 'int my_solver_(int*)'\n")
                if f.id == "blas-prototype-clash"]


@CMAKE
@pytest.mark.mkl
def test_findblas_finds_no_mkl_until_given_its_prefix(mkl, tmp_path):
    """This CMake's FindBLAS says "Could NOT find BLAS" (the finders' reading); CMake before 3.18 said "A required library
    with BLAS API not found", and says "A library with BLAS API not found" for an optional BLAS (opencv#9954)."""
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(p C)\nfind_package(BLAS REQUIRED)\n")

    def configure(*args: str) -> subprocess.CompletedProcess:
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if k != "MKLROOT"}
        return subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b"), "-DBLA_VENDOR=Intel10_64lp_seq", *args],
                              capture_output=True, text=True, env=env)

    failed = configure()
    assert failed.returncode != 0 and "Could NOT find BLAS" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stdout + failed.stderr)
    assert any("-DCMAKE_PREFIX_PATH=<MKL prefix>" in line for line in finding.fix), flat(finding)
    assert configure(f"-DCMAKE_PREFIX_PATH={mkl.debian_shared / 'usr'}").returncode == 0
    # the older CMake's words, required and optional
    [required] = errors_of("CMake Error at /usr/share/cmake-3.10/Modules/FindBLAS.cmake:699 (message):\n"
                           "  A required library with BLAS API not found.  Please specify library\n  location.\n")
    assert required.id == "cmake-blas-not-found" and "the configure stops" in required.title
    assert "-DCMAKE_PREFIX_PATH=<MKL prefix>" in required.fix[0]
    [optional] = errors_of("A library with BLAS API not found. Please specify library location.\nLAPACK requires BLAS\n")
    assert optional.id == "cmake-blas-not-found" and "goes on without one" in optional.title
    assert "include/ holds mkl.h" in optional.fix[1]
    # opencv#9954 as posted: its CMake's places are a drive's with forward slashes ("at: I:/opencv-master/build/..."), a
    # Windows log: no Linux wheel's links, no Debian package for the other BLAS
    log = blindset.log_of(blindset.entries(17), "mkl-root-dir-wrong-level-9954")
    [posted] = errors_of(log)
    assert "ln -s" not in flat(posted) and "libopenblas-dev" not in flat(posted) and "vcpkg install openblas" in flat(posted)


@pytest.mark.mkl
def test_openmp_names_defined_twice_on_one_link(mkl, tmp_path):
    """GCC's libgomp.a and the pinned wheel's libiomp5.a, both taken whole: a real ld failure of two runtimes."""
    (tmp_path / "m.c").write_text("int omp_get_num_threads(void);\nint main(void) { return omp_get_num_threads(); }\n")
    gomp = subprocess.run(["gcc", "-print-file-name=libgomp.a"], capture_output=True, text=True).stdout.strip()
    failed = subprocess.run(["gcc", "m.c", "-o", "m", "-Wl,--whole-archive", gomp, str(mkl.pip_lib / "libiomp5.a"),
                             "-Wl,--no-whole-archive", "-lpthread", "-ldl"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "multiple definition of `omp_" in failed.stderr, failed.stderr[:2000]
    # (whole, libiomp5.a also brings its Fortran members, whose own undefined names ld lists too)
    [finding] = [f for f in errors_of(failed.stderr) if f.id == "openmp-linked-twice"]
    assert "libiomp5.a" in finding.evidence[1] and "libgomp.a" in finding.evidence[1], finding.evidence
    assert "mkl_gnu_thread" in finding.fix[1]
    # MKL-ML's copy beside the compiler's, as a '> ' quote (pytorch#22294)
    [quoted] = errors_of("> ../mklml_lnx_2019.0.3.20190220/lib/libiomp5.so:(*IND*+0x0): multiple definition of `omp_get_place_num'\n")
    assert quoted.id == "openmp-linked-twice" and quoted.evidence[0].startswith("../mklml_lnx")
    # another name defined twice is no rule's: said as unrecognised, never clean
    [other] = errors_of("/usr/bin/ld: b.o:(.bss+0x0): multiple definition of `counter'; a.o:(.bss+0x0): first defined here\n")
    assert other.id == "unrecognised-failure"


def test_pyinstaller_leaves_out_mkls_dlls_but_not_others():
    [finding] = errors_of("23368 ERROR: lib not found: libiomp5md.dll dependency of "
                          "C:\\Python27\\lib\\site-packages\\numpy\\linalg\\lapack_lite.pyd\n")
    assert finding.id == "bundle-mkl-dll-not-found" and "numpy needs" in finding.title, flat(finding)
    [other] = errors_of("23368 ERROR: lib not found: foo.dll dependency of C:\\x\\bar.pyd\n")
    assert other.id == "unrecognised-failure"


def test_show_config_with_blas_and_lapack_from_two_libraries():
    def config(blas: str, lapack: str) -> str:
        return (f"lapack_opt_info:\n    libraries = ['{lapack}']\n    library_dirs = ['/usr/lib']\n"
                f"blas_opt_info:\n    libraries = ['{blas}', 'pthread']\n    library_dirs = ['/opt/intel/mkl/lib/intel64/']\n")

    [finding] = errors_of(config("mkl_rt", "openblas"))
    assert finding.id == "blas-lapack-mixed" and "BLAS from MKL and LAPACK from OpenBLAS" in finding.title
    assert not findings_of(config("mkl_rt", "mkl_rt"))  # one library for both: nothing to say


def test_crashes_read_from_the_call_before_them_and_from_gdbs_null_frame():
    [complex_call] = errors_of("from scipy.linalg.fblas import cdotu\ncdotu([1],[1])\nSegmentation fault\n")
    assert complex_call.id == "mkl-crash" and "complex dot product" in complex_call.title
    [plain] = errors_of("x = compute()\nSegmentation fault\n")
    assert plain.id == "program-crashed"
    [null] = errors_of("#0  0x0000000000000000 in ?? ()\n#1  0x00007f0a88252039 in mkl_vml_serv_threader_s_1i_1o.omp_fn ()\n"
                       "   from /opt/x86_64/lib/libmkl_gnu_thread.so\n")
    assert null.id == "mkl-crash" and any("null function pointer" in line for line in null.evidence)
    assert not any("ILP64" in line for line in null.evidence)  # x86_64 in a path is no ILP64 name
    [mpi] = errors_of("Caught signal 11 (Segmentation fault: address not mapped to object at address 0x4)\n"
                      "module load intel-mkl/2019.5.281\nmpirun -np 128 ./sparc\n")
    assert mpi.id == "program-crashed" and "mkl_blacs_openmpi_lp64" in mpi.fix[0]


def test_fftw_names_under_mkl_and_intels_compiler_without_fftw3h():
    [crash] = errors_of("The segfault occurs whenever a call to FFTW is made after pytorch brought MKL in\n")
    assert crash.id == "mkl-fftw-names-interposed" and "RTLD_DEEPBIND" in crash.fix[0]
    [header] = errors_of('src/fftw.h(49): catastrophic error: cannot open source file "fftw3.h"\n')
    assert header.id == "fftw-header-not-found" and "include/fftw" in header.fix[0]


def test_a_dfti_length_past_2_24_and_a_wheels_vendored_mkl():
    [dfti] = errors_of("Intel MKL DFTI ERROR: Invalid configuration parameters (length 19457280)\n")
    assert dfti.id == "mkl-dfti-error" and "c_long" in dfti.fix[0]
    [short] = errors_of("Intel MKL DFTI ERROR: Invalid configuration parameters\n")
    assert "c_long" not in " ".join(short.fix)
    [kernels] = errors_of("INTEL oneMKL ERROR: .../scs.libs/libmkl_avx512.so.3: cannot open shared object file\n"
                          "Intel oneMKL FATAL ERROR: Cannot load libmkl_avx512.so.3 or libmkl_def.so.3.\n")
    assert kernels.id == "mkl-vendored-incomplete" and kernels.fix[0].startswith("install a build of scs that works")


def test_a_sentence_that_introduces_the_error_joins_it():
    """A reporter's line before the error ("I get the following error:") is that failure's, whatever words it holds;
    alone it is still an error nobody explained."""
    [finding] = errors_of("When running `pip install --disable-pip-version-check ./` I get the following error:\n"
                          "ImportError: x.so: undefined symbol: cblas_sgemm_alloc\n")
    assert finding.id == "runtime-symbol-missing" and "2020.4" in finding.fix[0]
    assert any("said ahead of its own lines" in line and "the following error" in line for line in finding.evidence)
    [alone] = errors_of("When running the script I get the following error:\n")
    assert alone.id == "unrecognised-failure"


# -- blind18's classes (tests/data/explain_corpus/blind18.json) -----------------------------------------------------------


def test_a_32_bit_windows_build_against_mkls_64_bit_names():
    [x86] = errors_of(" error LNK2001: unresolved external symbol _cblas_dscal\n")
    assert x86.id == "msvc-unresolved-mkl" and "32-bit build" in x86.title and "x64" in x86.fix[0], flat(x86)
    [x64] = errors_of("a.obj : error LNK2019: unresolved external symbol cblas_dscal referenced in function main\n")
    assert "32-bit" not in x64.title and not x64.fix[0].startswith("build for 64-bit")


def test_mkl_10s_kernel_that_cannot_see_its_threading_layer():
    log = ("*** libmkl_mc3.so *** failed with error : /opt/intel/Compiler/11.1/046/mkl/lib/em64t/libmkl_mc3.so: undefined "
           "symbol: mkl_dft_commit_descriptor_s_c2c_md_omp\nMKL FATAL ERROR: Cannot load neither libmkl_mc3.so nor libmkl_def.so\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and any("threading layer's name" in line for line in finding.evidence)


def test_make_without_a_rule_for_mkls_file_and_for_others():
    [mkl] = errors_of("make: *** No rule to make target '/lnx/lib/intel64/libdaal_vmlipp_core.a', needed by 'x.a'.  Stop.\n")
    assert mkl.id == "mkl-file-missing" and "mklfpk.sh" in mkl.fix[0] and any("is empty" in line for line in mkl.evidence)
    [other] = errors_of("make: *** No rule to make target 'foo.o', needed by 'all'.  Stop.\n")
    assert other.id == "unrecognised-failure"  # never silent


def test_a_plugin_opened_by_its_path_that_is_not_there(tmp_path):
    """A real dlopen of a full path that does not exist, through Python's ctypes."""
    import sys

    path = tmp_path / "lib" / "PARDISO.so"
    ran = subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(path)!r})"], capture_output=True, text=True)
    assert ran.returncode != 0 and "cannot open shared object file" in ran.stderr, ran.stderr
    found = [f for f in findings_of(ran.stderr) if f.id == "loader-cannot-find"]
    assert found and found[0].title.startswith("PARDISO.so is not at the path"), [(f.id, f.title) for f in findings_of(ran.stderr)]
    assert not any("LD_LIBRARY_PATH=" in line for line in found[0].fix)
    assert any("configure the project again" in line for line in found[0].fix)


def test_ld_library_path_given_a_file(tmp_path):
    """The real loader, with LD_LIBRARY_PATH naming the library's file: it still cannot find it; the folder works."""
    (tmp_path / "dep.c").write_text("int dep(void) { return 0; }\n")
    (tmp_path / "main.c").write_text("int dep(void);\nint main(void) { return dep(); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "dep.c", "-o", "libmkl_fake.so"], cwd=tmp_path).returncode == 0
    assert subprocess.run(["gcc", "main.c", "-L.", "-lmkl_fake", "-o", "main"], cwd=tmp_path).returncode == 0
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path / "libmkl_fake.so"))
    ran = subprocess.run(["./main"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert ran.returncode != 0 and "cannot open shared object file" in ran.stderr
    log = f"export LD_LIBRARY_PATH={tmp_path / 'libmkl_fake.so'}:$LD_LIBRARY_PATH\n" + ran.stderr
    [first, *_] = errors_of(log)
    assert first.id == "ld-library-path-file", flat(first)
    folder = first.fix[0].split("LD_LIBRARY_PATH=", 1)[1].split("$", 1)[0]
    assert folder.strip("'") == str(tmp_path)
    assert subprocess.run(["./main"], cwd=tmp_path, env=dict(os.environ, LD_LIBRARY_PATH=folder.strip("'"))).returncode == 0


def test_the_loaders_line_wrapped_after_the_librarys_name():
    [finding] = errors_of(">colmap: error while loading shared libraries: libmkl_intel_thread.so:\n"
                          "cannot open shared object file: No such file or directory\n")
    assert finding.id == "loader-cannot-find" and "libmkl_intel_thread.so" in finding.title
    assert finding.evidence[0].startswith("colmap needs")


def test_cmakes_check_of_a_scalapack_line_failed():
    [finding] = errors_of("Performing C SOURCE FILE Test DEAL_II_SCALAPACK_HAS_PDSYEVR_PSSYEVR failed with the following output:\n")
    assert finding.id == "cmake-blas-check-failed" and any("BLACS layer" in line for line in finding.fix)


def test_mkljl_test_of_julias_blas_and_gfortran_given_intels_module_flag():
    log = ("Test Failed at /home/u/.julia/packages/MKL/R4HOk/test/runtests.jl:9\n  Expression: BLAS.vendor() == :mkl\n"
           "   Evaluated: openblas64 == mkl\n")
    [julia] = errors_of(log)
    assert julia.id == "julia-blas-not-mkl" and 'ENV["USE_BLAS64"] = true' in julia.fix[0]
    assert not [f for f in findings_of("  Expression: x == :mkl\n   Evaluated: y == mkl\n") if f.id == "julia-blas-not-mkl"]
    compile_line = "mpif90 -c /opt/intel/mkl/include/lapack.f90 -o lapack.o -M/build/.mod/\n"
    refused = "gfortran: error: unrecognized command-line option '-M/build/.mod/'\n"
    [module] = errors_of(compile_line + refused)
    assert module.id == "fortran-module-flag-refused" and module.fix[0].startswith("give gfortran its own option: -J/build/.mod/")
    [other] = errors_of("gfortran -c x.f90 -M/build/.mod/\n" + refused)  # not MKL's interface: no MKL finding
    assert other.id == "unrecognised-failure"


def test_visual_studios_fortran_integration_names_mkl_without_lib():
    [finding] = errors_of(" Error 1108: Cannot open MKL core\nError   11018: Cannot open mkl_sequential\n"
                          "Error 11081: : cannot open file 'mkl_intel_lp64.lib'\n")
    assert finding.id == "msvc-library-not-found", flat(finding)
    assert {"mkl_core.lib", "mkl_sequential.lib", "mkl_intel_lp64.lib"} <= set(re.findall(r"mkl_\w+\.lib", finding.title + " ".join(finding.evidence)))
    [other] = errors_of("Error 11018: Cannot open foo\n")  # not MKL's: never silent, no MKL finding
    assert other.id == "unrecognised-failure"
    # OpenFAST#1249: the same in lower case with a number sign, each line with the tabs of Visual Studio's list
    said = errors_of("error #11018: Cannot open mkl_intel_lp64\t\t\nerror #11018: Cannot open mkl_core\t\t\n"
                     "fatal error LNK1104: cannot open file 'mkl_intel_lp64.lib'\t\t\t\n")
    assert [f.id for f in said] == ["msvc-library-not-found"] and "mkl_core.lib" in said[0].title, [flat(f) for f in said]


def test_a_cut_line_is_joined_with_a_space_only_between_two_words():
    """The loader's line cut after the library's name gets its space back; a quoted C++ name cut at '::' stays whole."""
    import io

    from mkldoctor.explain.lines import logical_lines

    text = (b"/usr/bin/ld: a.o: in function `mkl::ns::\nrun()': undefined reference to `dgemm_'\n"
            b"./app: error while loading shared libraries: libmkl_rt.so.2:\ncannot open shared object file: No such file\n")
    assert list(logical_lines(io.BytesIO(text))) == [
        "/usr/bin/ld: a.o: in function `mkl::ns::run()': undefined reference to `dgemm_'",
        "./app: error while loading shared libraries: libmkl_rt.so.2: cannot open shared object file: No such file"]
