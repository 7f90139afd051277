"""The classes of the thirteenth blind set (tests/data/explain_corpus/blind13.json), produced here where they can run.

- a makefile that turns MKL on with ``-I$(MKLROOT)/include`` where MKLROOT is unset (JanThorbecke/OpenSource#5): gcc's
  real ``fatal error: mkl_dfti.h`` after ``-I/include``, read through a pasted log's Markdown marks; MKLROOT set to the
  pinned wheel's prefix compiles;
- a compile line of a terminal's width followed by the compiler's own diagnostic stays two lines.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.test_explain_families import clean_env, errors_of, flat

MAKEFILE = "CFLAGS = -O2 -DMKL -I$(MKLROOT)/include -I$(MKLROOT)/include/fftw\nfft.o: fft.c\n\tgcc -c $(CFLAGS) fft.c -o fft.o\n"


def test_an_empty_mklroot_in_a_makefile_is_said_and_setting_it_compiles(tmp_path, mkl):
    (tmp_path / "Makefile").write_text(MAKEFILE)
    (tmp_path / "fft.c").write_text('#include "mkl_dfti.h"\nint main(void) { return 0; }\n')
    env = clean_env()
    env.pop("MKLROOT", None)
    failed = subprocess.run(["make"], cwd=tmp_path, env=env, capture_output=True, text=True)
    log = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "-I/include" in log and "mkl_dfti.h" in log, log
    for pasted in (log, log.replace("fft.c:1:10: fatal", ". fft.c:1:10: fatal").replace("directory\n", "directory**\n", 1)):
        [finding] = errors_of(pasted)
        assert finding.id == "mkl-header-not-found", flat(finding)
        assert "MKLROOT" in finding.fix[0] and "-I/include" in flat(finding)
    fixed = subprocess.run(["make", f"MKLROOT={mkl.pip}"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr


def test_a_compile_line_of_a_wrap_width_and_the_diagnostic_after_it_stay_two_lines():
    command = "mpicc -c -Wall -fPIC -I../../include mklmpi-impl.c -o obj_lp64/mklmpi-impl.o"
    command += " -O2"  # the width a terminal cut it at, in text (a console's trailing blanks are no text: explain drops
    assert len(command) == 80  # them before it looks at a line's width)
    from mkldoctor.explain import lines
    import io

    got = list(lines.logical_lines(io.BytesIO(f"{command}\nmklmpi-impl.c:87:25: error: expected expression\n".encode())))
    assert got == [command, "mklmpi-impl.c:87:25: error: expected expression"]


DOUBLE_FREE = "#include <stdlib.h>\nint main(void) { float *x = malloc(64); free(x); free(x); return 0; }\n"


def test_a_heap_glibc_found_corrupted_is_a_crash_and_in_a_pardiso_run_its_arrays_are_read(tmp_path):
    """glibc's own abort for a corrupted heap (GALAHAD#121 ended so, after PARDISO ran in double precision on float
    arrays) is a crash, never silent; in a log that names PARDISO the arrays PARDISO read come first, the precision
    first when the log says single."""
    (tmp_path / "t.c").write_text(DOUBLE_FREE)
    assert subprocess.run(["gcc", "-O0", "t.c", "-o", "pardiso_single"], cwd=tmp_path).returncode == 0
    ran = subprocess.run(["./pardiso_single"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "double free" in ran.stderr, ran.stderr
    [plain] = errors_of(ran.stderr)
    assert plain.id == "program-crashed", flat(plain)
    [named] = errors_of(f"user@host:~/build$ ./pardiso_single\n{ran.stderr}")
    assert named.id == "mkl-pardiso-arrays" and "iparm(1) = 0" in named.fix[0], flat(named)
    # a Python wrapper's call of pardiso and an access violation (PyPardiso#77): the index width first
    [wrapped] = errors_of("... in _call_pardiso\n  self._mkl_pardiso( ...\nOSError: exception: access violation reading 0x1B50671E300\n")
    assert wrapped.id == "mkl-pardiso-arrays" and "pardiso_64" in wrapped.fix[0]


def test_a_crash_whose_frames_are_an_openmp_runtimes_is_said_as_one(tmp_path):
    """jnumpy#22: a segmentation fault in libiomp5's __kmp_env_blk_init (Julia's MKL_jll runtime met another package's).
    Produced: a crash inside GCC's libgomp, its backtrace from gdb."""
    (tmp_path / "t.c").write_text("#include <omp.h>\nint main(void) { omp_set_lock((omp_lock_t *)0); return 0; }\n")
    assert subprocess.run(["gcc", "-fopenmp", "t.c", "-o", "t"], cwd=tmp_path).returncode == 0
    bt = subprocess.run(["gdb", "-batch", "-ex", "run", "-ex", "bt", "./t"], cwd=tmp_path, capture_output=True, text=True)
    assert "libgomp" in bt.stdout and "SIGSEGV" in bt.stdout, bt.stdout
    [finding] = errors_of(bt.stdout)
    assert finding.id == "openmp-runtime-crashed" and "libgomp.so.1" in finding.title, flat(finding)
    # the program crashed in its own code: no runtime is named
    (tmp_path / "own.c").write_text("int main(void) { return *(volatile int *)0; }\n")
    assert subprocess.run(["gcc", "own.c", "-o", "own"], cwd=tmp_path).returncode == 0
    own = subprocess.run(["gdb", "-batch", "-ex", "run", "-ex", "bt", "./own"], cwd=tmp_path, capture_output=True, text=True)
    assert [f.id for f in errors_of(own.stdout)] == ["program-crashed"], own.stdout


COPY = """#include <stdlib.h>
#include <mkl_cblas.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    double *x = calloc(64, sizeof(double)), *y = malloc(16 * sizeof(double));
    cblas_dcopy(n, x, 1, y, 1);
    free(x); free(y);
    return 0;
}
"""


def test_valgrinds_report_with_mkls_frames_is_read(tmp_path, mkl):
    """Trilinos#3497: valgrind's invalid writes in MKL 2018's ?geev frames (a known fault of that release). Produced: a
    cblas_dcopy told one element more than its destination holds, run under valgrind with the pinned wheel; the right
    count runs clean."""
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    build = ["gcc", "t.c", f"-I{mkl.pip / 'include'}", str(rt), f"-Wl,-rpath,{mkl.pip_lib}", "-o", "t"]
    (tmp_path / "t.c").write_text(COPY)
    assert subprocess.run(build, cwd=tmp_path).returncode == 0
    env = clean_env(MKL_THREADING_LAYER="SEQUENTIAL")
    over = subprocess.run(["valgrind", "./t", "17"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert "Invalid write" in over.stderr and "mkl_blas" in over.stderr, over.stderr
    [finding] = errors_of(over.stderr)
    assert finding.id == "mkl-memory-error" and "invalid write" in finding.title and "dcopy" in finding.title, flat(finding)
    clean = subprocess.run(["valgrind", "--error-exitcode=3", "./t", "16"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert clean.returncode == 0 and not errors_of(clean.stderr), clean.stderr


def test_a_known_fault_of_the_release_the_frames_path_names_is_said():
    from mkldoctor.knowledge import broken

    assert broken.routine_bugs("mkl_lapack_dgeev", "2018.2.199") and broken.routine_bugs("SGEES", "2018.0")
    assert not broken.routine_bugs("mkl_lapack_dgeev", "2018.4") and not broken.routine_bugs("dgemm_", "2018.2")


def test_theanos_and_aesaras_own_words_for_their_blas_flags():
    """Theano#6599's fallback warning and aesara#1249's compile error (public logs: neither package is installed here);
    the same 'library X is not found.' without either package's lines stays a project's own search."""
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    [warned] = explain(logparse.parse_bytes(b"WARNING (theano.tensor.blas): Using NumPy C-API based implementation for BLAS functions.\n"), [])
    # a warning: the program runs, slower
    assert warned.id == "theano-blas-flags" and warned.severity == "warning" and "theano.config.blas.ldflags" in flat(warned)
    aesara = ("You can find the C code in this temporary file: C:\\Users\\u\\AppData\\Local\\Temp\\aesara_compilation_error_cqab8ef9\n"
              "library mkl_rt is not found.\n")
    [finding] = errors_of(aesara)
    assert finding.id == "theano-blas-flags" and "mkl_rt" in finding.title and '-L"<env>\\Library\\bin"' in flat(finding)
    assert [f.id for f in explain(logparse.parse_bytes(b"library mkl_rt is not found.\n"), [])] == ["mkl-finder-failed"]


def test_numpys_advice_for_its_failed_extension_is_read_with_the_original_error(tmp_path):
    """anaconda-issues#11141: numpy's 'Importing the multiarray numpy extension module failed' alone (a conda
    environment on Windows, not activated). Produced: this numpy, copied without its compiled module; the Windows
    reading of the public log's lines; a copy with it imports."""
    import numpy
    import shutil
    import sys

    source = Path(numpy.__file__).parent
    shutil.copytree(source, tmp_path / "numpy", ignore=shutil.ignore_patterns("_multiarray_umath*"))
    env = clean_env(PYTHONPATH=str(tmp_path))
    failed = subprocess.run([sys.executable, "-c", "import numpy"], cwd="/", env=env, capture_output=True, text=True)
    assert failed.returncode != 0 and "numpy C-extensions failed" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "numpy-extension-failed" and "_multiarray_umath" in flat(finding), flat(finding)
    assert "--force-reinstall numpy" in finding.fix[0]
    windows = ('  File "c:\\Apps\\Anaconda2\\lib\\site-packages\\numpy\\core\\__init__.py", line 71, in <module>\n'
               "    raise ImportError(msg)\nImportError:\n\nIMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!\n\n"
               "Importing the multiarray numpy extension module failed.  Most\n")
    [public] = errors_of(windows)
    assert public.id == "numpy-extension-failed" and "conda activate" in public.fix[0]
    shutil.rmtree(tmp_path / "numpy")
    shutil.copytree(source, tmp_path / "numpy")
    if (source.parent / "numpy.libs").is_dir():  # the wheel's own OpenBLAS, beside the package
        shutil.copytree(source.parent / "numpy.libs", tmp_path / "numpy.libs")
    assert subprocess.run([sys.executable, "-c", "import numpy"], cwd="/", env=env).returncode == 0


DGEMM_CALL = "void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def test_a_configure_given_one_interface_library_for_blas_is_told_the_three_layers(tmp_path, mkl):
    """Ipopt#159: 'configure: error: user supplied BLAS library ".../libmkl_intel_ilp64.so" does not work' (COIN-OR's
    autoconf macro; public line). Produced: the link test such a configure runs, with the interface layer alone,
    fails; with the three layers it links."""
    [finding] = errors_of('configure: error: user supplied BLAS library "/opt/mkl/lib/64/libmkl_intel_ilp64.so" does not work\n')
    assert finding.id == "mkl-library-list-incomplete", flat(finding)
    assert "no MKL threading and no core layer" in flat(finding) and "mkl_intel_lp64" in flat(finding)
    (tmp_path / "t.c").write_text(DGEMM_CALL)
    lib = {name: next(mkl.pip_lib.glob(f"libmkl_{name}.so.*")) for name in ("intel_lp64", "sequential", "core")}
    alone = subprocess.run(["gcc", "t.c", str(lib["intel_lp64"]), "-o", "t"], cwd=tmp_path, capture_output=True, text=True)
    assert alone.returncode != 0 and "undefined reference" in alone.stderr
    layers = subprocess.run(["gcc", "t.c", *map(str, lib.values()), "-lpthread", "-lm", "-ldl", "-o", "t"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert layers.returncode == 0, layers.stderr


LAPACK_JAVA = """package com.example.netlib;
public class Lapack {
    static native float slamch(String cmach);
    public static void main(String[] args) {
        System.load(args[0]);
        System.out.println(slamch("E"));
    }
}
"""


def test_a_jni_method_missing_from_the_library_loaded_is_no_library_not_found(tmp_path):
    """netlib-java#90: its natives property named mkl_rt.dll, a BLAS, where its JNI wrapper belongs. Produced with a
    real JVM: a class whose native method is bound to a library of plain C functions; its JNI library runs."""
    (tmp_path / "Lapack.java").write_text(LAPACK_JAVA)
    (tmp_path / "blas.c").write_text("float slamch_(const char *c) { return 1.0f; }\n")
    (tmp_path / "jni.c").write_text("float Java_com_example_netlib_Lapack_slamch(void *env, void *cls, void *s) { return 2.0f; }\n")
    for source, out in (("blas.c", "libblas_like.so"), ("jni.c", "libwrap.so")):
        assert subprocess.run(["gcc", "-shared", "-fPIC", source, "-o", out], cwd=tmp_path).returncode == 0
    failed = subprocess.run(["java", "Lapack.java", str(tmp_path / "libblas_like.so")], cwd=tmp_path, capture_output=True, text=True)
    assert "UnsatisfiedLinkError" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "jni-method-missing" and "Java_com_example_netlib_Lapack_slamch" in flat(finding), flat(finding)
    fixed = subprocess.run(["java", "Lapack.java", str(tmp_path / "libwrap.so")], cwd=tmp_path, capture_output=True, text=True)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "2.0"
    # Java 8's spelling of the same error (the public log's)
    [old] = errors_of("java.lang.UnsatisfiedLinkError: com.github.fommil.netlib.NativeSystemLAPACK.slamch(Ljava/lang/String;)F\n")
    assert old.id == "jni-method-missing"
    # a library that is not found at all stays the other finding
    [missing] = errors_of('Exception in thread "main" java.lang.UnsatisfiedLinkError: no mkl_rt in java.library.path\n')
    assert missing.id == "host-cannot-load"


def test_javacpps_openblas_preset_that_met_an_mkl_on_the_path():
    """deeplearning4j#2981 (public log: JavaCPP is not installed here): 'no jniopenblas' under JavaCPP's Loader."""
    log = ('Exception in thread "main" java.lang.UnsatisfiedLinkError: no jniopenblas in java.library.path\n'
           "\tat java.lang.System.loadLibrary(System.java:1122)\n\tat org.bytedeco.javacpp.Loader.loadLibrary(Loader.java:945)\n")
    [finding] = errors_of(log)
    assert finding.id == "host-cannot-load" and "JavaCPP" in finding.title and "-Djava.library.path=" in finding.fix[0]
    [plain] = errors_of(log.replace("org.bytedeco.javacpp", "com.example"))
    assert "JavaCPP" not in plain.title


def test_julia_inside_r_is_told_rs_library_path():
    """JuliaCall#10: Julia started by R could not open libmkl_rt (public log: Julia is not installed here). What the
    finding says of R is R's own behaviour, checked with the real R: its folders come before the shell's
    LD_LIBRARY_PATH, and R_LD_LIBRARY_PATH comes first."""
    log = ('julia <- julia_setup()\nJulia version 0.7.0-DEV.1856 found.\nJulia initiation...\n'
           'WARNING: Error during initialization of module LinAlg:\nErrorException("could not load library "libmkl_rt"\n'
           'libmkl_rt.so: cannot open shared object file: No such file or directory")\n')
    [finding] = errors_of(log)
    assert finding.id == "loader-cannot-find" and "R_LD_LIBRARY_PATH" in finding.fix[0] and "MKL_jll" not in finding.title
    env = clean_env(LD_LIBRARY_PATH="/shell/mkl/lib")
    seen = subprocess.run(["Rscript", "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'], env=env, capture_output=True, text=True)
    assert seen.stdout.split(":")[-1] == "/shell/mkl/lib" and not seen.stdout.startswith("/shell"), seen.stdout
    env["R_LD_LIBRARY_PATH"] = "/fix/mkl/lib"
    fixed = subprocess.run(["Rscript", "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'], env=env, capture_output=True, text=True)
    assert fixed.stdout.startswith("/fix/mkl/lib:"), fixed.stdout
    # Julia alone, 1.3 or newer: MKL_jll's artifact
    [jll] = errors_of(log.replace("julia <- julia_setup()\nJulia version 0.7.0-DEV.1856 found.\n", ""))
    assert "MKL_jll" in jll.title


def test_mkls_own_cannot_load_names_its_own_releases_file():
    """CadQuery/CQ-editor#90 (public line, Windows): MKL's dispatcher names the layer by its own release's file name, so
    'use the numbered name of a newer release' cannot be the fix; System32's copies are looked at."""
    [finding] = errors_of("Intel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll.\n")
    assert finding.id == "windows-library-not-loaded"
    assert not any(line.startswith("open it by the name") for line in finding.fix), finding.fix
    assert any("MKL's own" in line for line in finding.evidence) and any("System32" in line for line in finding.fix)


def test_mkls_fortran_95_interface_is_static_only_and_dropping_it_links(tmp_path, mkl):
    """conda#2308: -lmkl_lapack95_lp64 from numpy's build information, in a link against conda's runtime MKL. Produced
    against Debian 2020.4's shared libraries; the claims checked against the pinned wheels."""
    import zipfile
    from tests.conftest import fixtures_dir

    lib = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "t.c").write_text(DGEMM_CALL)
    layers = ["-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core", "-lpthread", "-lm", "-ldl"]
    failed = subprocess.run(["gcc", "t.c", f"-L{lib}", "-lmkl_lapack95_lp64", *layers, "-o", "t"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert failed.returncode != 0 and "cannot find -lmkl_lapack95_lp64" in failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "library-not-found" and "Fortran 95" in finding.title and finding.fix[0].startswith("drop -lmkl_lapack95_lp64")
    assert subprocess.run(["gcc", "t.c", f"-L{lib}", *layers, "-o", "t"], cwd=tmp_path).returncode == 0
    # what the finding says of the packages, against the pinned wheels: only the static one has it, as an archive
    wheels = {w.name.split("-")[0]: w for w in (fixtures_dir() / "wheels").glob("mkl*-2026.2.0-*.whl")}
    having = {name for name, w in wheels.items() if any("lapack95_lp64" in n for n in zipfile.ZipFile(w).namelist())}
    assert having == {"mkl_static"}, having
    assert not list(mkl.pip_lib.glob("libmkl_lapack95_lp64.so*")) and (mkl.pip_lib / "libmkl_lapack95_lp64.a").is_file()


def test_a_projects_finder_in_a_windows_log_is_first_told_where_mklroot_comes_from():
    """OpenFAST#174 (public log): its FindMKL read only $ENV{MKLROOT}, which a plain command prompt does not set."""
    log = ("E:\\OpenFAST\\build>cmake .. -DBUILD_SHARED_LIBS=ON\n"
           "-- Could NOT find MKL (missing: MKL_LIBRARIES MKL_IFACE_LIB MKL_SEQ_LIB MKL_CORE_LIB)\n-- Configuring done\n")
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    [finding] = explain(logparse.parse_bytes(log.encode()), [])
    assert finding.id == "mkl-finder-failed" and "setvars.bat" in finding.fix[0], finding.fix[0]
    [linux] = explain(logparse.parse_bytes(log.replace("E:\\OpenFAST\\build>", "$ ").encode()), [])
    assert "setvars.bat" not in flat(linux)


SYGVD = """#include <stdio.h>
#include <stdlib.h>
void dsygvd_(int *itype, char *jobz, char *uplo, int *n, double *a, int *lda, double *b, int *ldb, double *w,
             double *work, int *lwork, int *iwork, int *liwork, int *info);
int main(int argc, char **argv) {
    int n = atoi(argv[1]), itype = 1, info = 0, iw = 0;
    int lwork = argv[2][0] == 'q' ? -1 : 1 + 6 * n + 2 * n * n;  /* the size a program computes in 32-bit integers */
    int liwork = argv[2][0] == 'q' ? -1 : 3 + 5 * n;
    double one = 0, work[1];
    dsygvd_(&itype, "V", "U", &n, &one, &n, &one, &n, &one, work, &lwork, &iw, &liwork, &info);
    printf("info=%d size=%.0f\\n", info, work[0]);
    return info != 0;
}
"""


def test_a_workspace_that_overflows_32_bit_integers_is_a_cause_said(tmp_path, mkl):
    """xtb4stda#3: DSYGVD's LWORK for ~33,000 basis functions passes 2^31-1. Produced with the pinned wheel's LP64
    interface: the size computed in 32-bit integers is rejected as parameter 11; MKL's own workspace query gives a
    size no 32-bit integer holds."""
    (tmp_path / "t.c").write_text(SYGVD)
    libs = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("intel_lp64", "sequential", "core")]
    assert subprocess.run(["gcc", "-fwrapv", "t.c", *libs, f"-Wl,-rpath,{mkl.pip_lib}", "-lpthread", "-lm", "-ldl", "-o", "t"],
                          cwd=tmp_path).returncode == 0
    ran = subprocess.run(["./t", "40000", "run"], cwd=tmp_path, capture_output=True, text=True)
    assert "Parameter 11 was incorrect on entry to DSYGVD" in ran.stdout + ran.stderr, ran.stdout + ran.stderr
    [finding] = errors_of(ran.stdout + ran.stderr)
    assert finding.id == "mkl-parameter-error" and "LWORK" in finding.title
    assert any("overflowed" in line for line in finding.evidence) and any("64-bit integers" in line for line in finding.fix)
    query = subprocess.run(["./t", "40000", "q"], cwd=tmp_path, capture_output=True, text=True)
    size = float(query.stdout.split("size=")[1])
    assert query.returncode == 0 and size > 2**31 - 1, query.stdout


def test_libtools_dropped_library_is_said():
    """JuliaLang/julia#21588 (public log: libtool's check fires with file_magic, on Windows, not on this Linux)."""
    log = ("*** Warning: linker path does not have real file for library -lmkl_rt.\n"
           "*** I have the capability to make that library automatically link in when\n"
           "*** Since this library must not contain undefined symbols,\n"
           "*** because either the platform does not support them or\n"
           "*** it was explicitly requested with -no-undefined,\n"
           "*** libtool will only create a static version of it.\n")
    [finding] = errors_of(log)
    assert finding.id == "libtool-dropped-library" and "-Wl,-lmkl_rt" in finding.fix[0]
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    [warned] = explain(logparse.parse_bytes(log.splitlines(keepends=True)[0].encode()), [])
    assert warned.severity == "warning"  # dropped, and nothing says the build failed


def test_mkls_errors_in_a_julia_session_with_python_are_the_two_blas():
    """MKL.jl#46 (public log: Julia is not installed here): numpy imported with PyCall, then MKL's own errors."""
    log = ('julia> using PyCall\njulia> np = pyimport("numpy")\n\nIntel MKL FATAL ERROR: Cannot load libmkl_intel_thread.dylib.\n'
           '[...]\njulia> np = pyimport("numpy")\n\nIntel MKL ERROR: Parameter 12 was incorrect on entry to DGELSD.\n')
    findings = errors_of(log)
    assert findings[0].id == "mkl-julia-python" and "Julia (1.7 or newer)" in findings[0].fix[0], [f.id for f in findings]
    # the same errors outside a Julia session with Python are MKL's own findings
    assert "mkl-julia-python" not in {f.id for f in errors_of(log.replace("using PyCall", "using LinearAlgebra").replace(
        'np = pyimport("numpy")', "x = 1"))}


def test_mkls_blacs_wrapper_against_an_mpi_without_mpi1_names():
    """firemodels/fds#7949 (public text: no Open MPI 4 here): clang's errors in MKL's mklmpi-impl.c under Open MPI's
    THIS_SYMBOL_WAS_REMOVED_IN_MPI30."""
    log = ("mpicc -c -Wall -fPIC     -I../../include mklmpi-impl.c -o obj_lp64/mklmpi-impl.o\n"
           "mklmpi-impl.c:87:25: error: expected expression\n    RETURN_IF(xdatatype,MPI_UB);\n                        ^\n"
           "/usr/local/Cellar/open-mpi/4.0.2/include/mpi.h:1112:24: note: expanded from\n      macro 'MPI_UB'\n"
           "#        define MPI_UB THIS_SYMBOL_WAS_REMOVED_IN_MPI30(MPI_UB, MPI_Type...\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-blacs-wrapper-build-failed" and "--enable-mpi1-compatibility" in finding.fix[0], flat(finding)


BLASPP_CMAKE = """cmake_minimum_required(VERSION 3.13)
project(p C)
include(CheckFunctionExists)
message(STATUS "Looking for BLAS libraries and options")
message("   libs:  ${BLAS_LIBRARIES}")
set(CMAKE_REQUIRED_LIBRARIES "${BLAS_LIBRARIES};-lpthread;-lm;-ldl")
check_function_exists(dgemm_ HAVE_DGEMM)
if(NOT HAVE_DGEMM)
  message("   BLAS library not found.")
  message(FATAL_ERROR "BLAS++ requires a BLAS library and none was found.")
endif()
"""


def test_a_blas_search_that_tried_mkls_layers_beside_a_bare_libomp(tmp_path, mkl):
    """spack#38509: BLAS++'s search tried mkl_gnu_thread with a bare libomp.so (CMake's -lomp). Produced: the same
    search written in CMake over the pinned wheel's layers; the list with GCC's libgomp by its full path links."""
    (tmp_path / "CMakeLists.txt").write_text(BLASPP_CMAKE)
    layers = [str(next(mkl.pip_lib.glob(f"libmkl_{n}.so.*"))) for n in ("intel_lp64", "gnu_thread", "core")]
    gomp = subprocess.run(["gcc", "-print-file-name=libgomp.so"], capture_output=True, text=True).stdout.strip()
    runs = {}
    for name, runtime in (("bare", "libomp.so"), ("fixed", gomp)):
        runs[name] = subprocess.run(["cmake", "-S", ".", "-B", name, f"-DBLAS_LIBRARIES={';'.join(layers + [runtime])}"],
                                    cwd=tmp_path, capture_output=True, text=True)
    failed = runs["bare"]
    assert failed.returncode != 0 and "none was found" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stdout + failed.stderr)
    assert finding.id == "mkl-library-list-inconsistent" and "has no folder" in flat(finding), flat(finding)
    assert "another OpenMP runtime" in flat(finding)
    assert runs["fixed"].returncode == 0, runs["fixed"].stderr


def test_a_finders_library_variable_is_given_an_example_of_its_own_library_on_its_platform():
    from mkldoctor.explain.finders import _example_file

    assert _example_file("MKL_SEQ_LIB", "windows") == "<MKL prefix>\\lib\\mkl_sequential.lib"
    assert _example_file("MKL_OMP_LIB", "") == "<oneapi>/compiler/<ver>/lib/libiomp5.so"
    assert _example_file("MKL_CORE_LIBRARY", "macos") == "<MKL prefix>/lib/libmkl_core.dylib"
    assert _example_file("MKL_LIB", "") == "<MKL prefix>/lib/libmkl_rt.so"


def test_a_julia_test_set_that_changed_env_with_mkl_loaded():
    """MKL.jl#130 (public text: Julia is not installed here): Intel's OpenMP runtime's __KMP_REGISTERED_LIB_<pid>."""
    log = ("      From worker 3:\t┌ Error: The `LinearAlgebra/bidiag` test set mutated ENV and did not restore the original values\n"
           "Error During Test at C:\\Users\\RUNNER~1\\AppData\\Local\\Temp\\jl_HEpvLY\\testdefs.jl:22\n"
           "  The `LinearAlgebra/bidiag` test set mutated ENV and did not restore the original values\n")
    [finding] = errors_of(log)
    assert finding.id == "julia-env-mutated-by-openmp" and "__KMP_REGISTERED_LIB" in flat(finding)
