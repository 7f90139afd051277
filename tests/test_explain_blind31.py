"""The classes of the thirty-first blind set (tests/data/explain_corpus/blind31.json: projects' troubleshooting and FAQ
pages), produced here where they can run: a C caller's 32-bit integers read by MKL's ILP64 interface as MKL_VERBOSE shows
them (eigen#2475's 25769803780, produced with the pinned wheel), and a Rust crate's BLAS call with no -src crate linked
(candle's FAQ, produced with rustc and both linkers); the rest as the pages quote MKL's and the loaders' words."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import errors_of, flat

DGEMV = """#include <stdio.h>
extern void dgemv_(const char*, const int*, const int*, const double*, const double*, const int*, const double*, const int*,
                   const double*, double*, const int*);
int main(void) {
    int dims[4] = {4, 6, 4, 1};  /* m, n, lda, inc: 32-bit integers side by side, as a caller built for LP64 has them */
    double a[24], x[6] = {1, 1, 1, 1, 1, 1}, y[4] = {0}, one = 1, zero = 0;
    for (int i = 0; i < 24; i++) a[i] = i;
    dgemv_("N", &dims[0], &dims[1], &one, a, &dims[2], x, &dims[3], &zero, y, &dims[3]);
    printf("%g %g\\n", y[0], y[3]);
    return 0;
}
"""


@pytest.mark.mkl
def test_mkl_verbose_shows_two_32_bit_integers_read_as_one(mkl, tmp_path):
    (tmp_path / "g.c").write_text(DGEMV)
    built = subprocess.run(["gcc", "g.c", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3", f"-Wl,-rpath,{mkl.pip_lib}", "-o", "g"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr

    def run(interface: str, verbose: str = "1"):
        env = {"PATH": "/usr/bin:/bin", "MKL_INTERFACE_LAYER": interface, "MKL_VERBOSE": verbose, "MKL_THREADING_LAYER": "SEQUENTIAL"}
        return subprocess.run(["./g"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    failed = run("ILP64")
    said = failed.stdout + failed.stderr
    assert "Parameter 6 was incorrect on entry to DGEMV" in said and "DGEMV(N,25769803780," in said and " ilp64 " in said, said
    [finding] = errors_of(said)
    assert finding.id == "mkl-parameter-error", flat(finding)
    assert "25769803780 = 6*2^32 + 4" in finding.evidence[1] and "the banner says ilp64" in finding.evidence[1]
    assert finding.fix[0].startswith("the integer size")  # the width first: MKL_VERBOSE made it certain
    # without MKL_VERBOSE's lines the same refusal keeps the value's check first (nothing shows the width)
    [alone] = errors_of("Intel oneMKL ERROR: Parameter 6 was incorrect on entry to DGEMV .\n")
    assert alone.fix[0].startswith("check the value")
    fixed = run("LP64", "0")  # the fix: the interface the caller was built for
    assert fixed.returncode == 0 and fixed.stdout.split() == ["60", "78"], fixed.stdout + fixed.stderr


RUST = """mod blas {
    extern "C" { fn sgemm_(n: *const i32); }
    pub fn sgemm(n: i32) { unsafe { sgemm_(&n) } }
}
fn main() { blas::sgemm(3); }
"""


@pytest.mark.parametrize("linker", ["lld", "bfd"])
def test_a_rust_crates_blas_call_with_no_src_crate_linked(tmp_path, linker):
    """candle's FAQ: the blas crate's sgemm_ undefined because intel-mkl-src is not linked into the binary."""
    import shutil

    if shutil.which("rustc") is None:
        pytest.skip("no rustc on this machine (dev/test installs one)")
    (tmp_path / "main.rs").write_text(RUST)
    done = subprocess.run(["rustc", "-g", f"-Clink-arg=-fuse-ld={linker}", "main.rs", "-o", "m"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "sgemm_" in done.stderr, done.stderr
    [finding] = errors_of(done.stderr)
    assert finding.id in ("mkl-not-linked", "mkl-symbol-unresolved"), flat(finding)
    assert "extern crate intel_mkl_src;" in finding.fix[0] and any("Rust code" in e for e in finding.evidence)


def test_the_pages_words():
    """MKL's and the loaders' words as the pages quote them: a soname set as code (intel-extension-for-pytorch's known
    issues), MKL 10's 'Cannot load neither ... nor ...' (Intel's article on mkl_rt), the loader's undefined name and MKL's
    cannot load on one line, Windows' ordinal 'in the the dynamic link library' (conda's troubleshooting page), clang's
    Eigen LAPACKE error with no note under it (eigen#2586)."""
    [loader] = errors_of("OSError: `libmkl_intel_lp64.so.2`: cannot open shared object file: No such file or directory.\n")
    assert loader.id == "loader-cannot-find" and loader.title.endswith("libmkl_intel_lp64.so.2")
    [kernel] = errors_of("MKL FATAL ERROR: Cannot load neither libmkl_mc3.so nor libmkl_def.so\n")
    assert kernel.id == "mkl-core-not-visible" and "libmkl_mc3.so or libmkl_def.so" in kernel.title, flat(kernel)
    [core] = errors_of("Undefined symbol: `mkl_lapack_dspevd`. Intel MKL FATAL ERROR: cannot load `libmkl_vml_avx512.so.2` "
                       "or `libmkl_vml_def.so.2.\n")
    assert core.id == "mkl-core-not-visible" and "libmkl_vml_avx512.so.2" in core.title and "mkl_lapack_dspevd" in core.title
    ordinal = errors_of("Intel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll\n"
                        "The ordinal 241 could not be located in the the dynamic link library\n")
    assert "unrecognised-failure" not in [f.id for f in ordinal]
    assert any(f.id == "windows-entry-point-missing" and any("System32" in x for x in f.fix) for f in ordinal)
    eigen = errors_of("In file included from /usr/include/eigen3/Eigen/QR:45:\n/usr/include/eigen3/Eigen/src/QR/"
                      "ColPivHouseholderQR_LAPACKE.h:85:1: error: cannot initialize a variable of type 'long long *' with an "
                      "rvalue of type 'Scalar *' (aka 'int *')\nEIGEN_LAPACKE_QR_COLPIV(double,   double,        d, ColMajor, "
                      "LAPACK_COL_MAJOR)\n")
    assert [f.id for f in eigen] == ["mkl-ilp64-compile-mismatch"] and "lapack_int" in eigen[0].title


THREADED = """#include <stdio.h>
extern int MKL_Get_Max_Threads(void);
extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*,
                   const double*, const int*, const double*, double*, const int*);
int main(void) {
    static double a[512 * 512], b[512 * 512], c[512 * 512];
    int n = 512;
    double one = 1, zero = 0;
    for (int i = 0; i < n * n; i++) { a[i] = 1; b[i] = 2; }
    dgemm_("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n);
    printf("%g %d\\n", c[0], MKL_Get_Max_Threads());
    return 0;
}
"""


@pytest.mark.mkl
def test_a_program_on_mkl_rt_without_intels_openmp_runtime_is_told_to_link_it(mkl, tmp_path):
    """mlip-2#43: a program linked with -lmkl_rt, whose default threading layer (mkl_intel_thread) finds no libiomp5 in
    the process. Produced with the pinned wheel in a folder without libiomp5; linked with -liomp5 (kept: --as-needed drops
    it, nothing of the program calls it) the same program runs."""
    only_mkl = tmp_path / "mkl"
    only_mkl.mkdir()
    for real in mkl.pip_lib.glob("libmkl_*.so.3"):
        (only_mkl / real.name).symlink_to(real)
    (tmp_path / "t.c").write_text(THREADED)

    def build(name, *extra):  # the program finds MKL where LD_LIBRARY_PATH says, as a module system sets it
        done = subprocess.run(["gcc", "t.c", f"-L{only_mkl}", "-l:libmkl_rt.so.3", *extra, "-o", name], cwd=tmp_path,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return subprocess.run([f"./{name}"], cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": str(only_mkl)},
                              capture_output=True, text=True, timeout=120)

    failed = build("t")
    assert failed.returncode != 0 and "undefined symbol: omp_get_num_procs" in failed.stderr, failed.stderr
    [finding] = errors_of(f"make[1]: Entering directory '{tmp_path}'\n" + failed.stderr)
    assert finding.id == "openmp-runtime-missing" and finding.fix[0].startswith("link t with Intel's OpenMP runtime too: -Wl,--no-as-needed -liomp5")
    fixed = build("t2", f"-L{mkl.pip_lib}", "-Wl,--no-as-needed", "-liomp5", f"-Wl,-rpath,{mkl.pip_lib}")
    assert fixed.returncode == 0 and fixed.stdout.split()[0] == "1024", fixed.stdout + fixed.stderr
