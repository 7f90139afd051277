"""LAPACK's own failure returned to the caller: ``numpy.linalg.LinAlgError: SVD did not converge``, R's ``error code 1
from Lapack routine 'dgesdd'``, Julia's ``LAPACKException(1)``.

A LAPACK routine returns INFO > 0 when its iteration does not converge (an SVD, eigenvalues) or a factorization meets an
exact zero pivot; the host turns it into an exception. MKL is linked and answered: the input (NaN or Inf, most often),
the driver (divide and conquer, ?gesdd, fails where QR iteration, ?gesvd, converges) or, rarely, a library release's
fault decide it. INFO < 0 is an argument the routine refused: MKL's own ``Parameter N was incorrect`` line says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class LapackFailed:
    routine: str  # "dgesdd", or "" when the host names only the operation
    info: int | None
    what: str  # "SVD", "Eigenvalues", ...
    line: str


def _numpy(m: re.Match, before) -> LapackFailed | FollowOn:
    # numpy raises its one message for any nonzero info: after MKL's own words for a rejected argument it only repeats it
    if any("was incorrect on entry to" in line for line in list(before)[-4:]):
        return FollowOn(m.string.strip())
    return LapackFailed("", None, m["what"], m.string.strip()[:300])


def _r(m: re.Match, _) -> LapackFailed:
    return LapackFailed(m["routine"], int(m["code"]) if len(m["code"]) < 9 else None, "", m.string.strip()[:300])


def _julia(m: re.Match, _) -> LapackFailed:
    return LapackFailed("", int(m["code"]) if len(m["code"]) < 9 else None, "", m.string.strip()[:300])


SIGNATURES = (
    Signature("numpy-linalg-not-converged", "lapackinfo", "LinAlgError: ",
              re.compile(r"LinAlgError: (?P<what>SVD|Eigenvalues|[\w ]{1,40}?) did not converge"), _numpy),
    Signature("r-lapack-error-code", "lapackinfo", "rror code ",
              re.compile(r"error code (?P<code>-?\d{1,12}) from Lapack routine '(?P<routine>\w{1,20})'"), _r),
    Signature("julia-lapack-exception", "lapackinfo", "LAPACKException(",
              re.compile(r"\bLAPACKException\((?P<code>-?\d{1,12})\)"), _julia),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(LapackFailed)
    if not said:
        return []
    first = said[0]
    name = first.routine or (f"{first.what} routine" if first.what else "routine")
    if first.info is not None and first.info < 0:
        return [Finding(
            "lapack-not-converged", "error",
            f"LAPACK's {name} refused its argument {-first.info} (info {first.info}): the call's arguments, not the input's values",
            (first.line, "a negative info is the argument LAPACK's check refused; MKL prints 'Parameter N was incorrect on "
             "entry to ...' for it on the program's output"),
            ("see MKL's line for the same call (mkldoctor explain reads it): a size or leading dimension, or an integer of "
             "the other width (LP64 and ILP64)",),
            "LAPACK checks each argument before it computes and returns the first it refuses as a negative info.",
        )]
    divide = first.routine.lower().endswith("gesdd") or first.what == "SVD"
    fix = ["check the input for NaN and Inf first (numpy: np.isfinite(a).all(); R: all(is.finite(x)); Julia: "
           "all(isfinite, A)): one NaN makes every SVD and eigenvalue solver fail this way"]
    if divide:
        fix.append("then the driver: QR iteration (?gesvd) converges on matrices where divide and conquer (?gesdd, numpy's "
                   "and R's default) does not: scipy.linalg.svd(a, lapack_driver='gesvd'); Julia: svd(A; alg="
                   "LinearAlgebra.QRIteration())")
    fix.append("if the same input succeeds under another LAPACK (or another MKL release), it is that release's fault: "
               "MKL_VERBOSE=1 names the MKL release that ran, and MKL_CBWR=COMPATIBLE runs its compatible code path")
    return [Finding(
        "lapack-not-converged", "error",
        f"LAPACK's {name} did not converge" + (f" (info {first.info})" if first.info else "")
        + ": the input's values or the driver, not MKL's link",
        (first.line, "a positive info is LAPACK's own answer: the iteration did not converge, or a factorization met an "
         "exact zero pivot; the library was linked and ran"),
        tuple(fix),
        "LAPACK returns info > 0 when its algorithm cannot finish on the input it was given; hosts raise it as an error "
        "(numpy's LinAlgError, R's 'error code N from Lapack routine', Julia's LAPACKException).",
    )]
