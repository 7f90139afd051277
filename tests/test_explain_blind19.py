"""The classes of the nineteenth blind set (tests/data/explain_corpus/blind19.json), produced here where they can run.

- a library of the program's own that calls MKL's vdPowx, linked without MKL (vosk-api#249): the real loader through
  ctypes, and the library relinked with the pinned wheel's libmkl_rt loads;
- OpenMP's __kmpc_ calls in a library of the project's own linked without the runtime (WEIS#88): the real loader, and the
  library linked with the wheel's libiomp5 loads;
- a library the loader finds but the user cannot read (htmd#138): the real loader as another user says "No such file",
  and the permission the fix names makes it run;
- ldd's "=> not found" lines (Paddle#11806): real ldd, one finding for the libraries of one failure, and a run path to
  the library's own folder ($ORIGIN) finds them;
- a static archive's object built without -fPIC in a shared library (easyblocks#977): real ld, and the object built
  again with -fPIC links;
- if() given a list variable unquoted (whisper.cpp#3426): real cmake, and the quoted variable configures;
- an older MKL's library needing a name of a release before the table (pytorch#7083), VML names and a lower-case
  parameter error in a reporter's words, ld64's undefined-symbols block, link.exe's unresolved C++ name taking
  omp_lock_t, FFTW.jl's locked provider, icx refusing linker options under -Werror, Windows Installer's 1638,
  Homebrew's opt path, many gone names as one finding, a Level Zero error in oneMKL's GPU kernel: public text (no such MKL, tool or platform here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.test_explain_families import errors_of, flat
from tests.test_explain_heldback_linux import findings_of


def _load(library) -> subprocess.CompletedProcess:
    """Python's ctypes opening the library, as a binding does: the real loader's words on failure."""
    return subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(library)!r})"], capture_output=True,
                          text=True)


@pytest.mark.mkl
def test_a_library_that_calls_mkl_linked_without_it(mkl, tmp_path):
    (tmp_path / "k.c").write_text("void vdPowx(int, const double *, double, double *);\n"
                                  "void pow_all(int n, const double *a, double *r) { vdPowx(n, a, 2.0, r); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "k.c", "-o", "libvosk_jni.so"], cwd=tmp_path).returncode == 0
    ran = _load(tmp_path / "libvosk_jni.so")
    assert ran.returncode != 0 and "undefined symbol: vdPowx" in ran.stderr, ran.stderr
    [finding] = errors_of(ran.stderr)
    assert finding.id == "runtime-mkl-not-linked" and "libvosk_jni.so calls MKL's vdPowx" in finding.title, flat(finding)
    assert "mix" not in finding.title and any(line.startswith("link libvosk_jni.so against MKL") for line in finding.fix)
    relinked = subprocess.run(["gcc", "-shared", "-fPIC", "k.c", "-o", "libvosk_jni.so", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3",
                               f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, capture_output=True, text=True)
    assert relinked.returncode == 0, relinked.stderr
    assert _load(tmp_path / "libvosk_jni.so").returncode == 0
    # MKL's own layer needing a name no release of the table exports: an older MKL's library, never "not MKL's version"
    [old] = errors_of("ImportError: /usr/local/lib/libmkl_gf_lp64.so: undefined symbol: mkl_lapack_ao_zgetrf\n")
    assert old.id == "runtime-symbol-missing" and "older MKL's library (before 2019.0)" in old.title, flat(old)
    assert "not MKL's version" not in flat(old) and "/usr/local/lib" in old.fix[0]


@pytest.mark.mkl
def test_a_projects_openmp_code_linked_without_the_runtime(mkl, tmp_path):
    """__kmpc_ calls, as Intel's and LLVM's compilers emit them for an OpenMP region, in a library linked without -qopenmp."""
    (tmp_path / "o.c").write_text("void __kmpc_end_critical(void *, int, void *);\n"
                                  "void region(void) { __kmpc_end_critical(0, 0, 0); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "o.c", "-o", "libopenfastlib.so"], cwd=tmp_path).returncode == 0
    ran = _load(tmp_path / "libopenfastlib.so")
    assert ran.returncode != 0 and "undefined symbol: __kmpc_end_critical" in ran.stderr, ran.stderr
    [finding] = errors_of("OSError: 'aeroelastic': " + ran.stderr.strip().splitlines()[-1] + "\n")
    assert finding.id == "openmp-runtime-missing" and finding.fix[0].startswith("link libopenfastlib.so with its compiler's "
                                                                                  "OpenMP flag"), flat(finding)
    relinked = subprocess.run(["gcc", "-shared", "-fPIC", "o.c", "-o", "libopenfastlib.so", f"-L{mkl.pip_lib}", "-liomp5",
                               f"-Wl,-rpath,{mkl.pip_lib}"], cwd=tmp_path, capture_output=True, text=True)
    assert relinked.returncode == 0, relinked.stderr
    assert _load(tmp_path / "libopenfastlib.so").returncode == 0
    # MKL's own threading layer keeps its finding without the project's flag
    [layer] = errors_of("./app: symbol lookup error: /opt/m/libmkl_intel_thread.so.2: undefined symbol: __kmpc_global_thread_num\n")
    assert layer.id == "openmp-runtime-missing" and not layer.fix[0].startswith("link libmkl")


@pytest.fixture
def open_folder():
    """A folder every user may enter (pytest's own are its owner's only), removed after the test."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="mkldoctor-perm-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_library_there_that_the_user_cannot_read(open_folder):
    """glibc skips a library it may not open and says "No such file or directory": the log shows the file there."""
    tmp_path = open_folder
    lib = tmp_path / "lib"
    lib.mkdir()
    (tmp_path / "d.c").write_text("int dep(void) { return 0; }\n")
    (tmp_path / "m.c").write_text("int dep(void);\nint main(void) { return dep(); }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "d.c", "-o", str(lib / "libiomp5.so")], cwd=tmp_path).returncode == 0
    assert subprocess.run(["gcc", "m.c", f"-L{lib}", "-liomp5", f"-Wl,-rpath,{lib}", "-o", "m"], cwd=tmp_path).returncode == 0
    for folder in (tmp_path, lib):
        folder.chmod(0o755)
    (lib / "libiomp5.so").chmod(0o700 if os.geteuid() == 0 else 0o000)
    run = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []) + [str(tmp_path / "m")]
    failed = subprocess.run(run, capture_output=True, text=True)
    assert failed.returncode != 0 and "libiomp5.so: cannot open shared object file: No such file" in failed.stderr, failed.stderr
    log = f"ImportError: libiomp5.so: cannot open shared object file: No such file or directory\n\nI have it in\n{lib}/libiomp5.so\n"
    [here] = errors_of(log)  # this machine's log (its paths are here): the file's mode read
    assert here.id == "loader-cannot-find" and any("only its owner can read it" in line for line in here.evidence), flat(here)
    assert f"chmod a+rx {lib}/libiomp5.so" in here.fix[0]
    # the same words from another machine (htmd#138's paths): the check to run there
    [there] = errors_of(log.replace(str(lib), "/usr/local/miniconda3/lib"))
    hint = next(line for line in there.fix if "cannot be opened by the user" in line)
    assert "ls -lL /usr/local/miniconda3/lib/libiomp5.so" in hint and "chmod a+rx" in hint
    (lib / "libiomp5.so").chmod(0o755)
    assert subprocess.run(run, capture_output=True, text=True).returncode == 0


def test_ldds_not_found_lines_are_one_failure(tmp_path):
    (tmp_path / "a.c").write_text("int a(void) { return 0; }\n")
    (tmp_path / "b.c").write_text("int b(void) { return 0; }\n")
    (tmp_path / "u.c").write_text("int a(void); int b(void);\nint u(void) { return a() + b(); }\n")
    for name in ("a", "b"):
        assert subprocess.run(["gcc", "-shared", "-fPIC", f"{name}.c", "-o", f"libmklml_{name}.so"], cwd=tmp_path).returncode == 0

    def build(*rpath: str) -> str:
        assert subprocess.run(["gcc", "-shared", "-fPIC", "u.c", "-o", "libmkldnn.so.0", "-L.", "-lmklml_a", "-lmklml_b", *rpath],
                              cwd=tmp_path).returncode == 0
        return subprocess.run(["ldd", str(tmp_path / "libmkldnn.so.0")], capture_output=True, text=True,
                              env={k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}).stdout

    listed = build()
    assert "libmklml_a.so => not found" in listed and "libmklml_b.so => not found" in listed, listed
    [finding] = errors_of(f"$ ldd {tmp_path}/libmkldnn.so.0\n" + listed)
    assert finding.id == "loader-cannot-find" and finding.title.endswith("libmklml_a.so"), flat(finding)
    assert "ldd finds none of libmklml_b.so either" in finding.evidence[1]
    assert "=> not found" not in build("-Wl,-rpath,$ORIGIN")  # the library's own folder as its run path


def test_an_archive_built_without_fpic_in_a_shared_library(tmp_path):
    (tmp_path / "t.c").write_text('#include <stdio.h>\nint mpi_transpose(int n) { printf("transpose %d\\n", n); return n; }\n')
    (tmp_path / "u.c").write_text("int mpi_transpose(int);\nint user(int n) { return mpi_transpose(n); }\n")

    def link(*flags: str) -> subprocess.CompletedProcess:
        subprocess.run(["gcc", "-c", *flags, "t.c", "-o", "mpi_transpose.o"], cwd=tmp_path, check=True)
        (tmp_path / "libfftw3x_cdft_lp64_pic.a").unlink(missing_ok=True)
        subprocess.run(["ar", "rcs", "libfftw3x_cdft_lp64_pic.a", "mpi_transpose.o"], cwd=tmp_path, check=True)
        subprocess.run(["gcc", "-c", "-fPIC", "u.c"], cwd=tmp_path, check=True)
        return subprocess.run(["gcc", "-shared", "-o", "libmesh.so", "u.o", "-L.", "-lfftw3x_cdft_lp64_pic"], cwd=tmp_path,
                              capture_output=True, text=True)

    failed = link("-fno-pic")
    assert failed.returncode != 0 and "recompile with -fPIC" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "static-archive-not-pic" and "libfftw3x_cdft_lp64_pic.a" in finding.title, flat(finding)
    assert "MKL's FFTW wrapper" in finding.evidence[2] and "-fPIC" in finding.fix[0]
    assert link("-fPIC").returncode == 0


@pytest.mark.skipif(not shutil.which("cmake"), reason="cmake is not installed (dev/test installs it)")
def test_if_given_a_list_variable_unquoted(tmp_path):
    blas = tmp_path / "ggml-blas"
    blas.mkdir()
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.14)\nproject(p NONE)\nadd_subdirectory(ggml-blas)\n")

    def configure(condition: str) -> subprocess.CompletedProcess:
        (blas / "CMakeLists.txt").write_text('set(BLAS_INCLUDE_DIRS "/opt/ob/include;/opt/ob/include/openblas")\n'
                                             f'if ({condition} MATCHES "mkl")\n  message(STATUS "mkl")\nendif()\n')
        shutil.rmtree(tmp_path / "b", ignore_errors=True)
        return subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b")], capture_output=True, text=True)

    failed = configure("${BLAS_INCLUDE_DIRS}")
    assert failed.returncode != 0 and "Unknown arguments specified" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stdout + failed.stderr)
    assert finding.id == "tool-mkl-code-crashed" and "2 values, expanded unquoted" in finding.title, flat(finding)
    assert "BLA_VENDOR" not in flat(finding) and finding.fix[0].startswith("quote the variable")
    assert configure('"${BLAS_INCLUDE_DIRS}"').returncode == 0


def test_reporters_words_and_other_platforms_tools():
    [vml] = errors_of("Undefined reference to ‘vsPowx’ in the function ‘kaldi::VectorBase<float>::Pow’ when make under c\n")
    assert vml.id == "mkl-symbol-unresolved" and "vsPowx" in vml.title
    [lower, *_] = errors_of(" intel mkl error: parameter 6 was incorrect on entry to dgemv. \n Segmentation fault\n")
    assert lower.id == "mkl-parameter-error" and "dgemv" in lower.title
    [apple] = errors_of('cc rtkrcv.o rtkcmn.o -lm -lSystem.B -lpthread -o rtkrcv\nUndefined symbols for architecture x86_64:\n'
                        '  "_dgemm", referenced from:\n      _matmul in rtkcmn.o\n      ...\n'
                        '  "_dgetrf", referenced from:\n      _matinv in rtkcmn.o\nld: symbol(s) not found for architecture x86_64\n')
    assert apple.id == "mkl-not-linked" and apple.evidence[0] == "dgemm needed by matmul in rtkcmn.o", flat(apple)
    assert any("-DMKL" in line for line in apple.fix)
    [arm] = errors_of('Undefined symbols for architecture arm64:\n  "_cblas_sgemm", referenced from:\n      _main in m.o\n'
                      "ld: symbol(s) not found for architecture arm64\n")
    assert arm.fix[0].startswith("on Apple silicon build without MKL") and "x86-64 only" in arm.evidence[1], flat(arm)
    [omp] = errors_of('x.obj : error LNK2019: unresolved external symbol "public: void __cdecl ns::f(int,struct omp_lock_t *)" '
                      '(?f@ns@@QEAAXHPEAUomp_lock_t@@@Z) referenced in function main\n')
    assert omp.id == "undefined-symbol" and "ns::f" in omp.title and "omp_lock_t" in omp.evidence[1]
    [julia] = errors_of("ERROR: ArgumentError: Cannot set preference 'provider' to 'fftw' for FFTW in /h/LocalPreferences.toml: "
                        "preference already set to 'mkl'!\n")
    assert julia.id == "julia-fftw-provider-locked" and julia.fix[0].startswith("edit /h/LocalPreferences.toml")
    [icx] = errors_of("icx: error: -Wl,--disable-new-dtags: 'linker' input unused [-Werror,-Wunused-command-line-argument]\n")
    assert icx.id == "linker-input-unused-werror" and "-Wno-unused-command-line-argument" in icx.fix[0]
    [msi] = errors_of("Another version of this product is already installed. Installation of this version cannot continue.\n")
    assert msi.id == "installer-product-installed"
    [brew] = errors_of("ImportError: dlopen(/x/pymrmr.so, 2): Library not loaded: /usr/local/opt/libiomp/lib/libiomp5.dylib\n")
    assert brew.id == "macos-library-not-loaded" and "brew install libomp" in brew.fix[0], flat(brew)
    echoed = findings_of("OMP: Error #15: Initializing libiomp5md.dll, but found libiomp5md.dll already initialized.\n"
                         "OMP: Error #15 occurs at model = df_model()\n")
    assert [f.id for f in echoed if f.severity == "error"] == ["openmp-duplicate"]
    names = ["dnnLRNCreateForward_F32", "dnnLayoutDelete_F32", "dnnDelete_F64"]
    [gone] = errors_of("".join(f"lib.so: undefined reference to `{n}'\n" for n in names))
    assert gone.id == "missing-symbol" and all(n in gone.title for n in names), flat(gone)
    assert "mkldoctor's table starts at 2019.0" in flat(gone)
    [gpu] = errors_of("terminate called after throwing an instance of 'sycl::_V1::exception'\n"
                      "what():  Level-Zero error:700000041879048196\nOn device: 'Intel(R) Data Center GPU Max 1550'\n"
                      "in kernel: oneapi::mkl::blas::sgemm_itcopy\n")
    assert gpu.id == "sycl-device-runtime-error" and "sgemm_itcopy" in gpu.title and "LD_PRELOAD" in gpu.fix[0]


def test_autoconfs_none_required_cut_into_a_library_name(tmp_path):
    """ld's real failure for -lne, quoted by a reporter in backticks (nfft#32): the configure macro's cut, not a library."""
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    failed = subprocess.run(["gcc", "m.c", "-o", "m", "-lne", "-lm"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lne" in failed.stderr, failed.stderr
    line = next(line for line in failed.stderr.splitlines() if "cannot find -lne" in line)
    quoted = line[line.index("ld: "):] if "/ld: " in line else line
    [finding] = errors_of(f"the configure script sets fftw3_LIBS='-lne required -lm'.\nThen, `make` fails later with the error "
                          f"message `{quoted} `.\n")
    assert finding.id == "library-not-found" and "'none required'" in finding.title, flat(finding)
    assert finding.fix[0].startswith("give configure the library variable itself")
    assert subprocess.run(["gcc", "m.c", "-o", "m", "-lm"], cwd=tmp_path).returncode == 0  # no -l for 'none required'


def test_residuals_read_after_blind19():
    """Lines of earlier sets no rule read: a JLL too old for is_available(), Spack's ScaLAPACK search in an external MKL,
    BinaryBuilder's product unsatisfied by MKL's versioned DLL names, and pypa/build's echo after a backend's failure (public text: no Julia, Spack or macOS MKL here)."""
    [jll] = errors_of("ERROR: LoadError: UndefVarError: `is_available` not defined\n")
    assert jll.id == "julia-jll-too-old" and "compat floor" in jll.fix[0]
    [spack] = errors_of("==> Error: InstallError: Cannot locate ScaLapack/BLACS libraries: ['libmkl_scalapack_lp64', "
                        "'libmkl_blacs_intelmpi_lp64']\n")
    assert spack.id == "spack-mkl-cluster-missing" and "libmkl_blacs_intelmpi_lp64" in spack.title, flat(spack)
    assert "libmkl_blacs_mpich_" in spack.evidence[1]
    [product] = errors_of("[ Info: Found a valid dl path mkl_vml_mc3.1.dll while looking for libmkl_core, mkl_core\n"
                          "┌ Error: Built MKL but libmkl_core still unsatisfied:\n")
    assert product.id == "binarybuilder-mkl-product-unsatisfied" and '"mkl_core.1"' in product.fix[0], flat(product)
    echoed = errors_of("meson.build:119:13: ERROR: Unhandled python exception\n"
                       "ERROR Backend subprocess exited when trying to invoke build_wheel\n")
    assert all(f.id != "unrecognised-failure" or "but not why" in f.title for f in echoed), [(f.id, f.title) for f in echoed]
