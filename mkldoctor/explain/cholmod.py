"""SuiteSparse's CHOLMOD on MKL, refusing a matrix it should factor: ``CHOLMOD warning: matrix not positive definite``
and NaN residuals from its demo (DrTimothyAldenDavis/SuiteSparse#554, where OpenBLAS gave 1.7e-15 on the same matrix).

The maintainer's reading: the BLAS integer size CHOLMOD was built for (SuiteSparse's 64-bit BLAS integers, or 32-bit
ones) differs from the MKL interface layer linked (mkl_intel_ilp64 or mkl_intel_lp64), so dpotrf and dgemm read their
integer arguments at the wrong width. Said only where the log names MKL: a matrix that is not positive definite is
otherwise the data's answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class CholmodRefused:
    line: str


SIGNATURES = (
    Signature("cholmod-not-positive-definite", "cholmod", "CHOLMOD",
              re.compile(r"(?i)\bcholmod (?:warning|error)\b.*\bnot positive definite\b"), lambda m, _: CholmodRefused(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(CholmodRefused)
    if not said or not events.mkl_at:
        return []
    return [Finding(
        "cholmod-blas-integer-size", "error",
        "CHOLMOD on MKL refused the matrix as not positive definite: most often the BLAS integer size it was built for is "
        "not MKL's layer's",
        (*dict.fromkeys(e.line for e in said[:2]), f"the log names MKL (line {events.mkl_at}) as the BLAS and LAPACK",
         "CHOLMOD's supernodal factorization calls LAPACK's dpotrf and BLAS's dgemm and dsyrk: with 64-bit integers on "
         "one side and 32-bit on the other they read their sizes wrong, and report a pivot that is not positive, or NaN "
         "(SuiteSparse#554's maintainer)"),
        ("configure SuiteSparse so that its BLAS integers are MKL's layer's: -DSUITESPARSE_USE_64BIT_BLAS=ON with "
         "-DBLA_VENDOR=Intel10_64ilp (mkl_intel_ilp64), or OFF with Intel10_64lp (mkl_intel_lp64); its configure prints the "
         "BLAS it found, then build again from an empty build folder",
         "confirm with another BLAS: the same demo on OpenBLAS or the reference BLAS factors the matrix when the integer "
         "size was the cause"),
        "A BLAS with 64-bit integers (ILP64) and a caller built for 32-bit ones (or the reverse) agree on no argument that "
        "is an integer or a pointer to one.",
        ("grep -i -E 'blas|64bit' <build dir>/CMakeCache.txt   # the BLAS SuiteSparse found, and its integer size",),
    )]
