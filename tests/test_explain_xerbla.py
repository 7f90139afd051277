"""MKL's error handlers' messages beyond "Parameter N was incorrect": LAPACKE_xerbla's, produced with the pinned wheel's
LAPACKE (a row-major LDA below N, a layout that is neither, a transposed copy too large to allocate), and xerbla's other
INFO values as oneMKL's Developer Reference lists them (1001, 1000 or 1089, a negative one), the last after MKL's
parameter error for the same routine only its echo (fastGPT#18's lines)."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_families import errors_of, flat, only_error

LAPACKE = r"""
#include <mkl.h>
#include <stdio.h>
int main(void) {
    double a[4] = {1, 2, 3, 4}; lapack_int ipiv[2]; lapack_int n = (lapack_int)1 << 20;
    printf("info=%d\n", (int)LAPACKE_dgetrf(LAPACK_ROW_MAJOR, 2, 2, a, 1, ipiv));  /* LDA 1 < N 2: row-major */
    printf("info=%d\n", (int)LAPACKE_dgetrf(7, 2, 2, a, 2, ipiv));                 /* no layout */
    printf("info=%d\n", (int)LAPACKE_dgetrf_work(LAPACK_ROW_MAJOR, n, n, a, n, ipiv));  /* an 8 TiB copy */
    return 0;
}
"""


@pytest.fixture(scope="module")
def lapacke_run(tmp_path_factory, mkl) -> str:
    folder = tmp_path_factory.mktemp("lapacke")
    (folder / "l.c").write_text(LAPACKE)
    rt = next(mkl.pip_lib.glob("libmkl_rt.so.*"))
    subprocess.run(["gcc", "l.c", "-o", "l", f"-I{mkl.pip / 'include'}", str(rt), f"-Wl,-rpath,{mkl.pip_lib}"], cwd=folder,
                   check=True)
    return subprocess.run(["./l"], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout


def test_lapackes_own_checks(lapacke_run):
    assert "Wrong parameter 5 in LAPACKE_dgetrf_work" in lapacke_run and "Wrong parameter 1 in LAPACKE_dgetrf" in lapacke_run
    found = {f.title.split(" (", 1)[0]: f for f in errors_of(lapacke_run)}
    lda = found["LAPACKE rejected parameter 5 of LAPACKE_dgetrf_work"]
    assert "(LDA," in lda.title and any("its columns with the row-major layout" in line for line in lda.fix), flat(lda)
    layout = found["LAPACKE rejected parameter 1 of LAPACKE_dgetrf"]
    assert "LAYOUT, the matrix layout" in layout.title and "neither row-major" in flat(layout)
    memory = [f for f in errors_of(lapacke_run) if f.id == "lapacke-out-of-memory"]
    assert "Not enough memory to transpose matrix in LAPACKE_dgetrf_work" in lapacke_run
    assert [f.title for f in memory] == ["LAPACKE_dgetrf_work could not allocate a row-major matrix's transposed copy: out of "
                                         "memory"]


@pytest.mark.parametrize("line, finding, routine", [
    ("Intel MKL ERROR: Incompatible optional parameters on entry to DGEMM.", "mkl-optional-arguments", "DGEMM"),
    ("Intel MKL INTERNAL ERROR: Insufficient workspace available in function CGELSD.", "mkl-workspace-insufficient", "CGELSD"),
    ("Intel MKL INTERNAL ERROR: Condition 1 detected in function DLASD8.", "mkl-internal-condition", "DLASD8"),
])
def test_xerblas_other_messages(line, finding, routine):
    said = only_error(line + "\n")
    assert said.id == finding and routine in said.title, flat(said)


def test_a_condition_after_the_parameter_error_is_its_echo():
    log = ("\nIntel MKL ERROR: Parameter 13 was incorrect on entry to SGEMM .\n\n"
           "Intel MKL INTERNAL ERROR: Condition -8 detected in function SGEMM .\n          20           0\n")
    said = only_error(log)
    assert said.id == "mkl-parameter-error" and "LDC" in said.title, flat(said)
