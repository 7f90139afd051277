"""A language's own complex arrays passed where MKL's headers take MKL_Complex16, and values where its Fortran-style
routines take addresses, produced with g++ and gcc (-Werror)
against the pinned headers; each fix (the #define before the MKL include) compiles. Another function's incompatible
pointer stays an unrecognised error."""

from __future__ import annotations

import subprocess

from tests.test_explain_families import errors_of, flat

CPP = """#include <complex>
#include <vector>
DEFINE
#include "mkl.h"
int main() {
    std::vector<std::complex<double>> a(4);
    MKL_INT n = 2, info, ipiv[2];
    zgetrf(&n, &n, a.data(), &n, ipiv, &info);
    return 0;
}
"""
C = """#include <complex.h>
DEFINE
#include "mkl.h"
int main(void) { double complex a[4]; MKL_INT n = 2, info, ipiv[2]; zgetrf(&n, &n, a, &n, ipiv, &info); return 0; }
"""


def _compile(tmp_path, mkl, source: str, name: str, define: str = "") -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(source.replace("DEFINE", define))
    compiler = "g++" if name.endswith(".cpp") else "gcc"
    return subprocess.run([compiler, "-c", "-Werror", name, f"-I{mkl.pip}/include"], cwd=tmp_path, capture_output=True, text=True)


def test_std_complex_where_mkl_complex16_is_taken(tmp_path, mkl):
    failed = _compile(tmp_path, mkl, CPP, "z.cpp")
    assert failed.returncode != 0 and "MKL_Complex16" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-complex-type" and "std::complex<double>" in finding.title, flat(finding)
    define = finding.fix[0].split(" before ")[0]
    assert define == "#define MKL_Complex16 std::complex<double>"
    assert _compile(tmp_path, mkl, CPP, "z.cpp", define).returncode == 0


def test_c99_complex_under_werror(tmp_path, mkl):
    failed = _compile(tmp_path, mkl, C, "c.c")
    assert failed.returncode != 0 and "incompatible pointer type" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-complex-type" and "_Complex double" in finding.title, flat(finding)
    define = finding.fix[0].split(" before ")[0]
    assert _compile(tmp_path, mkl, C, "c.c", define).returncode == 0, define


def test_another_functions_incompatible_pointer(tmp_path):
    (tmp_path / "o.c").write_text("void f(int *p);\nint main(void) { double d; f(&d); return 0; }\n")
    failed = subprocess.run(["gcc", "-c", "-Werror", "o.c"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0, failed.stderr
    assert [f.id for f in errors_of(failed.stderr)] == ["unrecognised-failure"], failed.stderr


FORTRAN = """#include "mkl.h"
int main() {
    double a[4] = {1, 0, 0, 1}, b[4] = {1, 2, 3, 4}, c[4]; MKL_INT n = 2; double one = 1, zero = 0;
    dgemm("N", "N", CALL);
    return 0;
}
"""


def test_values_where_the_fortran_interface_takes_addresses(tmp_path, mkl):
    (tmp_path / "f.cpp").write_text(FORTRAN.replace("CALL", "n, n, n, one, a, n, b, n, zero, c, n"))
    failed = subprocess.run(["g++", "-c", "f.cpp", f"-I{mkl.pip}/include"], cwd=tmp_path, capture_output=True, text=True)
    assert failed.returncode != 0 and "invalid conversion from" in failed.stderr, failed.stderr
    [finding] = errors_of(failed.stderr)
    assert finding.id == "mkl-value-for-address" and "dgemm" in finding.title and "cblas_dgemm" in finding.fix[1], flat(finding)
    (tmp_path / "f.cpp").write_text(FORTRAN.replace("CALL", "&n, &n, &n, &one, a, &n, b, &n, &zero, c, &n"))
    assert subprocess.run(["g++", "-c", "f.cpp", f"-I{mkl.pip}/include"], cwd=tmp_path).returncode == 0
    # the same words for a function that is not MKL's
    (tmp_path / "g.cpp").write_text("void g(const int *n);\nint main() { int n = 2; g(n); return 0; }\n")
    other = subprocess.run(["g++", "-c", "g.cpp"], cwd=tmp_path, capture_output=True, text=True)
    assert [f.id for f in errors_of(other.stderr)] == ["unrecognised-failure"], other.stderr


def test_the_c_call_named_is_blass_or_lapacks():
    """One table of BLAS's names (knowledge.facts.BLAS_ROUTINE) picks CBLAS or LAPACKE for the C call: IDAMAX is BLAS's."""
    for routine, c_call in (("idamax", "cblas_idamax"), ("dgemm", "cblas_dgemm"), ("dgetrf", "LAPACKE_dgetrf")):
        log = (f"f.cpp:4:21: error: invalid conversion from ‘int’ to ‘const int*’ [-fpermissive]\n"
               f"    4 |     {routine}(n, a, n);\n")
        [finding] = errors_of(log)
        assert finding.id == "mkl-value-for-address" and c_call in finding.fix[1], flat(finding)
