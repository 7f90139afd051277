"""The classes of the fourteenth blind set (tests/data/explain_corpus/blind14.json), produced here where they can run.

- int64_t pivots passed to MKL's ILP64 LAPACKE (MXNet#18954): g++'s real 'cannot convert long int* to long long int*'
  against the pinned wheel's headers, read through a paste wrapped at 90 columns; MKL_INT made int64_t compiles;
- MSVC's C2664 in another language for cblas_sgemm_batch's __int64 sizes (pytorch PR #118734, public text): an error,
  never silent.
"""

from __future__ import annotations

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
