"""The classes of the ninth blind set (tests/data/explain_corpus/blind9.json), produced here where they can run: a
caller with gfortran's convention for a COMPLEX result (zdotc) linked with MKL's Intel interface crashes, its backtrace
(gdb's) names zdotc, and MKL's GNU interface fixes it (JuliaLang/julia#11921, ARPACK built with gfortran)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import clean_env, errors_of

ZDOTC = r"""
#include <complex.h>
#include <stdio.h>
/* gfortran's convention: a COMPLEX*16 function's result comes back in registers */
double complex zdotc_(const int *n, const double complex *x, const int *incx, const double complex *y, const int *incy);
int main(void) {
    double complex x[2] = {1.0 + 2.0*I, 3.0 - 1.0*I}, y[2] = {2.0 - 1.0*I, 1.0 + 1.0*I};
    int n = 2, inc = 1;
    double complex r = zdotc_(&n, x, &inc, y, &inc);
    printf("zdotc %.1f %.1f\n", creal(r), cimag(r));
    return 0;
}
"""


@pytest.mark.mkl
def test_a_complex_result_through_the_other_interface_crashes_and_is_named(tmp_path, mkl):
    if shutil.which("gdb") is None:
        pytest.skip("gdb is not installed (dev/test's apt phase installs it)")
    (tmp_path / "z.c").write_text(ZDOTC)

    def build(interface: str) -> str:
        archives = [str(mkl.pip_lib / f"libmkl_{n}.a") for n in (interface, "sequential", "core")]
        out = f"z_{interface}"
        subprocess.run(["gcc", "z.c", "-o", out, "-Wl,--start-group", *archives, "-Wl,--end-group", "-lpthread", "-lm", "-ldl"],
                       cwd=tmp_path, check=True, env=clean_env())
        return out

    program = build("intel_lp64")
    crashed = subprocess.run([f"./{program}"], cwd=tmp_path, env=clean_env(), capture_output=True)
    assert crashed.returncode in (-11, 139), crashed  # SIGSEGV
    backtrace = subprocess.run(["gdb", "-q", "-batch", "-ex", "run", "-ex", "bt", f"./{program}"], cwd=tmp_path,
                               env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert "SIGSEGV" in backtrace.stdout and "zdotc" in backtrace.stdout, backtrace.stdout
    [finding] = errors_of(backtrace.stdout)
    assert finding.id == "mkl-crash" and "COMPLEX result" in finding.title, (finding.id, finding.title)
    assert "mkl_gf_lp64" in finding.fix[0]
    fixed = subprocess.run([f"./{build('gf_lp64')}"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "zdotc 2.0 -1.0", fixed  # conj(x).y


def test_a_crash_whose_frames_name_no_mkl_is_said_so_not_guessed():
    [finding] = errors_of("Segmentation fault (core dumped)\n")
    assert finding.id == "program-crashed" and "cannot tell" in finding.title
