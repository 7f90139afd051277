"""Patterns the third blind score found (tests/data/explain_corpus/blind3.json), produced for real where they can be:
NaN handed to LAPACK's balancing step (numpy/scipy/torch's eig), Julia's and a JVM's way of loading MKL, a host
program's own check that names MKL's threading layer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.test_explain_families import clean_env, errors_of, flat

SGEBAL = textwrap.dedent(
    """
    import ctypes, sys
    rt = ctypes.CDLL(sys.argv[1])
    value = float(sys.argv[2])
    n, lda, ilo, ihi, info = ctypes.c_int(3), ctypes.c_int(3), ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    a, scale = (ctypes.c_float * 9)(*([value] * 9)), (ctypes.c_float * 3)()
    rt.sgebal_(b"B", ctypes.byref(n), a, ctypes.byref(lda), ctypes.byref(ilo), ctypes.byref(ihi), scale, ctypes.byref(info))
    print("info", info.value)
    """
)


@pytest.mark.mkl
def test_nan_handed_to_lapacks_balancing_is_named_as_nan(tmp_path, mkl):
    """eig's first step, ?GEBAL, rejects a matrix holding NaN as its argument 3 (A): not an integer of the wrong size."""
    (tmp_path / "gebal.py").write_text(SGEBAL)
    rt = str(mkl.pip_lib / "libmkl_rt.so.3")
    done = subprocess.run([sys.executable, "gebal.py", rt, "nan"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert "Parameter 3 was incorrect on entry to SGEBAL" in done.stdout and "info -3" in done.stdout, done.stdout
    [finding] = errors_of(done.stdout)
    assert finding.id == "mkl-parameter-error" and "(A, a matrix" in finding.title
    assert "NaN" in finding.fix[0] and "NaN" in finding.evidence[1]
    # the fix: the same call on finite numbers
    done = subprocess.run([sys.executable, "gebal.py", rt, "1.5"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert done.stdout.strip() == "info 0", done.stdout


@pytest.mark.parametrize("routine, number, name, kind", [
    ("SGEBAL", 3, "A", "array"), ("DGEHRD", 2, "ILO", "int"), ("ZHSEQR", 6, "H", "array"), ("DNRM2", 3, "INCX", "int"),
    ("DSYEVR", 6, "LDA", "int"), ("cblas_dgemv", 1, "LAYOUT", "layout"), ("DGECON", 5, "ANORM", "scalar"),
])
def test_the_routines_eig_and_level_1_blas_go_through(routine, number, name, kind):
    from mkldoctor.knowledge import arguments
    assert arguments.argument(routine, number) == (name, kind)


def test_julia_asks_mkl_for_a_name_newer_than_the_mkl_it_opened():
    """Julia's ccall looks the name up when it is called: the export table says which release brought it."""
    [finding] = errors_of('julia> LinearSolve.getrf!([1.0;;])\nERROR: could not load symbol "dgetrf_64_": ...\n')
    assert finding.id == "mkl-name-missing" and "2022.2.0" in finding.title
    assert '">= 2022.2.0"' in finding.fix[0] and "MKL_jll" in finding.fix[0]
    # a variant: JNA on Windows asking an MKL 2024.1 for a name that release no longer has
    [finding] = errors_of("Exception in thread \"main\" java.lang.UnsatisfiedLinkError: Error looking up function "
                          "'iJIT_NotifyEvent': The specified procedure could not be found.\n")
    assert finding.id == "mkl-name-missing" and "gone from MKL since 2024.1.0" in finding.title
    # a name no MKL ever had is the caller's: never "install another MKL"
    [finding] = errors_of('ERROR: could not load symbol "openblas_set_num_threads64_":\n')
    assert finding.id == "mkl-name-unknown" and not any("install" in line for line in finding.fix)


@pytest.mark.parametrize("log", [
    'ERROR: could not load library "libmkl_rt"\nlibmkl_rt.so: cannot open shared object file: No such file or directory\n',
    'ERROR: LoadError: could not load library "libmkl_rt.so"\nlibmkl_rt.so: cannot open shared object file: No such file or directory\n'
    "Stacktrace:\n [1] dlopen(s::String, flags::UInt32; throw_error::Bool)\n",
])
def test_julia_opening_mkl_by_its_bare_name_is_told_mkl_jll(log):
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "MKL_jll" in finding.title
    assert not any("conda" in line or "apt-get" in line for line in finding.fix)  # Julia's packages load their own MKL


def test_a_jvm_bindings_extracted_library_without_its_mkl_redist():
    log = ("Exception in thread \"main\" java.lang.UnsatisfiedLinkError: /home/u/.javacpp/cache/mkl-2025.0-1.5.11-linux-x86_64.jar/"
           "org/bytedeco/mkl/linux-x86_64/libjnimkl_rt.so: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n"
           "\tat java.base/java.lang.ClassLoader$NativeLibrary.load0(Native Method)\n")
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "JVM" in finding.title
    assert "redist" in finding.fix[0] and not any("conda" in line for line in finding.fix)


def test_a_hosts_own_check_that_names_the_gnu_layer():
    log = ('Traceback (most recent call last):\n  File "train.py", line 3, in <module>\n    import theano\n'
           '  File "/opt/conda/lib/python3.7/site-packages/theano/configdefaults.py", line 1252, in check_mkl_openmp\n'
           '    raise RuntimeError(\'To use MKL 2018 with Theano you MUST set "MKL_THREADING_LAYER=GNU" in your environement.\')\n'
           'RuntimeError: To use MKL 2018 with Theano you MUST set "MKL_THREADING_LAYER=GNU" in your environement.\n')
    [finding] = errors_of(log)
    assert finding.id == "threading-layer-conflict" and finding.fix[0].startswith("export MKL_THREADING_LAYER=GNU")


def test_ipythons_source_listing_is_not_an_error_of_its_own():
    log = ("---> 12 import mkl_fft\n     13 except ImportError:\n     14     raise\n"
           "ImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n")
    findings = errors_of(log)
    assert [f.id for f in findings] == ["loader-cannot-find"], [(f.id, f.title) for f in findings]


def test_a_threading_layer_without_openmp_in_a_conda_environment_is_fixed_there():
    log = ("python: symbol lookup error: /home/u/anaconda3/envs/x/lib/libmkl_intel_thread.so.2: undefined symbol: "
           "omp_get_thread_num\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-runtime-missing"
    assert finding.fix[0].startswith("in the log's conda environment: conda install intel-openmp -p /home/u/anaconda3/envs/x")
    # outside conda: the general recipe first
    [finding] = errors_of(log.replace("/home/u/anaconda3/envs/x/lib", "/opt/app/lib"))
    assert "conda" not in finding.fix[0]


def test_a_newer_layer_given_an_older_cores_mkl_is_two_mkls_mixed():
    """A name MKL's core has only since 2024.0, missing for a 2024+ layer: the core loaded is another, older MKL's (by the
    layer's folder, or by its soname alone)."""
    log = ("ImportError: /home/u/miniconda3/envs/t/lib/python3.11/site-packages/torch/lib/../../../../libmkl_intel_thread.so.2: "
           "undefined symbol: mkl_blas_xgemm_f16f16f32_pack\n")
    [finding] = errors_of(log)
    assert finding.id == "runtime-symbol-missing" and finding.title.startswith("two MKLs mixed")
    # a name every release's core has is not this case (the layer cannot see any core: scope's finding)
    [finding] = errors_of(log.replace("mkl_blas_xgemm_f16f16f32_pack", "mkl_serv_getenv"))
    assert not finding.title.startswith("two MKLs mixed")


@pytest.mark.mkl
def test_a_program_built_for_another_soname_is_not_sent_to_the_installed_one(mkl, tmp_path):
    """The program needs libmkl_rt.so.2; the machine has MKL 2026.2's libmkl_rt.so.3 (an `ls` in the log shows it): the
    folder of .so.3 is no fix, the release built against (or a build for .so.3) is. Produced for real: a program linked
    against a library whose soname is libmkl_rt.so.2, run where only the fixture's .so.3 is."""
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "s.c").write_text("int mkl_get_max_threads(void) { return 1; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "s.c", "-o", "libmkl_rt.so.2", "-Wl,-soname,libmkl_rt.so.2"], cwd=stub, check=True)
    (tmp_path / "p.c").write_text("int mkl_get_max_threads(void);\nint main(void) { return mkl_get_max_threads() - 1; }\n")
    subprocess.run(["gcc", "p.c", "-o", "p", str(stub / "libmkl_rt.so.2")], cwd=tmp_path, check=True)
    installed = tmp_path / "machine/opt/mkl/lib"  # the other machine's MKL: the fixture's .so.3, gone before explain reads
    installed.mkdir(parents=True)
    (installed / "libmkl_rt.so.3").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    done = subprocess.run(["./p"], cwd=tmp_path, env=clean_env(LD_LIBRARY_PATH=str(installed)), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    assert done.returncode != 0 and "libmkl_rt.so.2: cannot open shared object file" in done.stdout, done.stdout
    listing = subprocess.run(f"ls {installed}/libmkl_rt*", shell=True, stdout=subprocess.PIPE, text=True).stdout
    shutil.rmtree(tmp_path / "machine")
    [finding] = errors_of(done.stdout + f"$ ls {installed}/libmkl_rt*\n" + listing)
    assert finding.id == "loader-cannot-find"
    assert "another soname" in "\n".join(finding.evidence)
    assert not any(f"LD_LIBRARY_PATH={installed}" in line for line in finding.fix)  # .so.3's folder answers no .so.2
    assert finding.fix[0].startswith("install the release the program was built against")


FETCH_FAILED = """[ 22%] Performing download step (download, verify and extract) for 'mklinc-populate'
-- Downloading...
-- Using src='http://127.0.0.1:9/intel/mkl-include/2021.3.0/download/linux-64/mkl-include-2021.3.0-intel_520.tar.bz2'
CMake Error at mklinc-subbuild/mklinc-populate-prefix/src/mklinc-populate-stamp/download-mklinc-populate.cmake:170 (message):
  Each download failed!

    error: downloading 'http://127.0.0.1:9/intel/mkl-include/2021.3.0/download/linux-64/mkl-include-2021.3.0-intel_520.tar.bz2' failed
          status_code: 7
          status_string: "Couldn't connect to server"
gmake[2]: *** [CMakeFiles/mklinc-populate.dir/build.make:100: mklinc-populate-prefix/src/mklinc-populate-stamp/mklinc-populate-download] Error 1
gmake: *** [Makefile:91: all] Error 2

CMake Error at /usr/share/cmake-3.25/Modules/FetchContent.cmake:1616 (message):
  Build step for mklinc failed: 2
"""


def test_a_builds_own_download_of_mkl_that_failed_is_one_finding():
    """CMake 3.25's FetchContent of an mkl-include package whose address answers nothing (the output of a real run,
    cut: its five retries take 80 s); FetchContent's own error and make's repeat its consequence."""
    [finding] = errors_of(FETCH_FAILED)
    assert finding.id == "mkl-download-failed" and "mkl-include-2021.3.0" in finding.title
    assert "installed" in finding.fix[0]


def test_text_output_keeps_a_logs_colons_verbatim(tmp_path):
    """rich reads ':100:' as an emoji code; a log line is text and stays as written."""
    from typer.testing import CliRunner

    from mkldoctor.cli import app

    log = tmp_path / "build.log"
    log.write_text(FETCH_FAILED)
    result = CliRunner().invoke(app, ["explain", str(log), "--no-scan"])
    assert "build.make:100:" in result.stdout and "\U0001f4af" not in result.stdout


def test_a_library_missing_from_a_packages_own_folder_on_macos():
    """dyld: a package's library needs @rpath/X, which the package ships beside itself: X is missing from that folder
    (blind2's tch-rs and blind3's libtorch 1.0.1 both lacked libmklml.dylib); a variant with a wheel's torch/lib."""
    log = ("dyld[812]: Library not loaded: @rpath/libiomp5.dylib\n"
           "  Referenced from: <5D3C> /Users/me/venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.dylib\n"
           "  Reason: tried: '/Users/me/venv/lib/python3.11/site-packages/torch/lib/libiomp5.dylib' (no such file)\n")
    [finding] = errors_of(log)
    assert finding.id == "macos-library-not-loaded"
    assert finding.fix[0].startswith("put libiomp5.dylib where the package expects it, in /Users/me/venv/lib/python3.11/"
                                     "site-packages/torch/lib")


@pytest.mark.mkl
def test_a_library_of_the_build_without_a_run_path_to_mkl(mkl, tmp_path):
    """ld warns that libuser.so's MKL is not found (the link goes on: the program links MKL's archives itself, as
    cp2k's did), and the program cannot start: one finding, whose first fix, a run path in
    libuser.so, makes it start (cp2k#605: a toolchain step that cleared a library's run path)."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "u.c").write_text("int mkl_get_max_threads(void);\nint user(void) { return mkl_get_max_threads(); }\n")
    (tmp_path / "m.c").write_text("int user(void);\nint main(void) { return user() < 1; }\n")

    def build(*rpath: str) -> None:
        subprocess.run(["gcc", "-shared", "-fPIC", "u.c", "-o", "lib/libuser.so", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3",
                        *rpath], cwd=tmp_path, check=True)

    build()
    archives = [str(mkl.pip_lib / f"libmkl_{n}.a") for n in ("intel_lp64", "sequential", "core")]  # the program's own MKL
    link = subprocess.run(["gcc", "m.c", "-o", "m", "-Llib", "-luser", f"-Wl,-rpath,{tmp_path / 'lib'}", "-Wl,--start-group",
                           *archives, "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], cwd=tmp_path, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=True)
    assert "libmkl_rt.so.3, needed by lib/libuser.so, not found" in link.stdout, link.stdout
    ran = subprocess.run(["./m"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert ran.returncode == 127 and "libmkl_rt.so.3: cannot open shared object file" in ran.stdout, ran.stdout
    findings = errors_of(link.stdout + ran.stdout)
    assert [f.id for f in findings] == ["loader-cannot-find"], [(f.id, f.title) for f in findings]
    assert findings[0].fix[0].startswith("give libuser.so a run path to MKL's lib folder")
    build(f"-Wl,-rpath,{mkl.pip_lib}")  # the fix: the library's own run path
    ran = subprocess.run(["./m"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert ran.returncode == 0, ran.stdout


@pytest.mark.mkl
def test_a_sycl_target_mklconfig_did_not_define(mkl, tmp_path):
    """gcc is no SYCL compiler: MKLConfig.cmake of the 2026.2 wheel defines MKL::MKL but not MKL::MKL_SYCL, and CMake
    stops at a target that links it (oneMath#319 with clang++: MKL::MKL_DPCPP)."""
    def configure(target: str, tag: str) -> subprocess.CompletedProcess:
        src = tmp_path / f"src-{tag}"
        src.mkdir()
        (src / "main.cpp").write_text("int main() { return 0; }\n")
        (src / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(t CXX)\nfind_package(MKL CONFIG REQUIRED)\n"
                                            f"add_executable(app main.cpp)\ntarget_link_libraries(app PRIVATE {target})\n")
        return subprocess.run(["cmake", "-S", str(src), "-B", str(tmp_path / f"build-{tag}"),
                               f"-DMKL_DIR={mkl.pip_lib / 'cmake/mkl'}", "-DCMAKE_CXX_COMPILER=g++"],
                              env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    done = configure("MKL::MKL_SYCL", "sycl")
    assert done.returncode != 0 and "MKL::MKL_SYCL" in done.stdout and "but the target was not found" in done.stdout, done.stdout
    findings = errors_of(done.stdout)
    assert [f.id for f in findings] == ["cmake-mkl-target-missing"], [(f.id, f.title) for f in findings]
    assert "SYCL compiler" in findings[0].title
    assert configure("MKL::MKL", "mkl").returncode == 0  # the target it does define, for a compiler that is no SYCL one


def test_a_missing_target_of_another_package_is_never_silent():
    log = ('CMake Error at CMakeLists.txt:5 (target_link_libraries):\n  Target "app" links to:\n\n    Foo::Bar\n\n'
           "  but the target was not found.  Possible reasons include:\n")
    findings = errors_of(log)
    assert findings and all(f.id == "unrecognised-failure" for f in findings), [(f.id, f.title) for f in findings]


def test_apple_ld_given_gnu_lds_group():
    log = ("ld: unknown option: --start-group\nclang: error: linker command failed with exit code 1 (use -v to see invocation)\n"
           "make: *** [libfoo.dylib] Error 1\n")
    [finding] = errors_of(log)
    assert finding.id == "apple-ld-gnu-option" and "--start-group" in finding.title
    assert "lib/intel64" not in "\n".join(finding.fix)  # macOS has no intel64 folder


def test_the_gnu_layer_without_libgomp_is_told_libgomp():
    log = ("/opt/julia/bin/julia: symbol lookup error: /opt/intel/mkl/lib/intel64/libmkl_gnu_thread.so: undefined symbol: "
           "omp_get_num_procs\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-runtime-missing" and "libgomp" in finding.title
    assert "RTLD_GLOBAL" in finding.fix[0] and not any("Intel's OpenMP runtime: " in line for line in finding.fix)
    # Intel's layer keeps Intel's runtime
    [finding] = errors_of(log.replace("libmkl_gnu_thread", "libmkl_intel_thread"))
    assert "libiomp5" in finding.title


def test_an_mkl_pc_file_with_an_undefined_variable():
    log = ("Variable 'MKLROOT' not defined in '/opt/intel/oneapi/mkl/2021.2.0/lib/pkgconfig/mkl-static-lp64-seq.pc'\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-pc-variable-undefined" and "--define-variable=MKLROOT=" in finding.fix[1]
    # another package's .pc is not MKL's to explain, and never silent
    findings = errors_of("Variable 'prefix' not defined in '/usr/lib/pkgconfig/foo.pc'\nerror: could not find system library 'foo'\n")
    assert findings and "mkl-pc-variable-undefined" not in {f.id for f in findings}


def test_a_kernel_in_a_conda_environment_that_sees_no_core():
    log = ("python: symbol lookup error: /home/u/miniconda3/envs/e/lib/python3.9/site-packages/numexpr/../../../libmkl_vml_avx2.so.1: "
           "undefined symbol: mkl_serv_getenv\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-core-not-visible" and finding.fix[0].startswith("in the log's conda environment: conda update --all")


def test_a_leading_dimension_rejected_is_checked_as_a_value_too():
    [finding] = errors_of("Intel MKL ERROR: Parameter 8 was incorrect on entry to DGEMM .\n")
    assert any(line.startswith("check the value: LDA must be at least max(1") for line in finding.fix)


def test_an_undefined_name_of_current_releases_with_no_mkl_named_is_not_told_to_install_one_first():
    log = "../src/libdnnl.so.1.4: undefined reference to `cblas_gemm_s8u8s32_pack'\n"
    [finding] = errors_of(log)
    assert "the link took no MKL that has it" in finding.title and finding.fix[0].startswith("first see whether MKL is on")


def test_an_import_that_fails_in_a_cpu_kernel_is_the_extension_linking_it():
    """numexpr#148's shape (a site.cfg's mkl_libs naming mkl_avx): the import itself binds the kernel; a variant with
    a VML kernel of a conda environment. (Not produced here: with every layer in the link, Python's RTLD_NOW import
    resolves the kernel's names, and what the 2014 link lacked is not in the fixtures.)"""
    [finding] = errors_of("ImportError: /opt/intel/mkl/lib/intel64/libmkl_avx.so: undefined symbol: ownLastTriangle_64f\n")
    assert finding.id == "mkl-kernel-linked" and "libmkl_avx.so" in finding.title
    log = ("Traceback (most recent call last):\n  File \"t.py\", line 1, in <module>\n    import fastext\n"
           "ImportError: /home/u/envs/x/lib/libmkl_vml_avx2.so.2: undefined symbol: mkl_serv_getenv\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-kernel-linked" and "mkl_vml" in finding.fix[0]
