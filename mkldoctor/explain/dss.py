"""MKL's direct sparse solver (DSS) printing its own error: ``MKL-DSS-DSS-Error, Zero pivot detected``.

DSS prints ``MKL-DSS-<facility>-<severity>, <message>`` (the format and its messages are strings of libmkl_core) when a
call fails, at the message level dss_create was given (errors by default), and returns the code too. The messages are
about the matrix or the calls, not the link: a zero pivot (a singular matrix, or one not positive definite factored as
MKL_DSS_POSITIVE_DEFINITE), a structure that disagrees with its sizes, calls out of order. A test suite that feeds such a
matrix on purpose sees the line printed by MKL itself (MKLSparse.jl#8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class DssMessage:
    severity: str  # Error, Fatal, Warning, Info
    message: str
    line: str


_DSS = re.compile(r"MKL-DSS-(?P<facility>[A-Za-z]{1,20})-(?P<severity>Success|Debug|Info|Warning|Error|Fatal), (?P<msg>[^\r\n]{1,120})")

SIGNATURES = (
    Signature("mkl-dss-message", "dss", "MKL-DSS-", _DSS, lambda m, _: DssMessage(m["severity"], m["msg"].strip(), m.string.strip()[:300])),
)

# the structure's messages: the arrays given to dss_define_structure disagree with the sizes given with them
_STRUCTURE = ("Number of rows", "Number of columns", "Number of non-zeros", "Not a square matrix", "Invalid structure option")


def _causes(message: str) -> tuple[list[str], list[str]]:
    if message.startswith("Zero pivot"):
        return (["the factorization met a zero pivot: the matrix is singular, or it is not positive definite and was factored "
                 "as MKL_DSS_POSITIVE_DEFINITE (Cholesky)"],
                ["factor a symmetric matrix that is not positive definite as MKL_DSS_INDEFINITE (dss_factor_real's type; a "
                 "wrapper's option for an indefinite or general matrix), or check the matrix for a zero row or column",
                 "a program (or a test) that expects such a matrix: MKL prints the line itself; dss_create with "
                 "MKL_DSS_MSG_LVL_FATAL + MKL_DSS_TERM_LVL_ERROR keeps it quiet, and the returned code still says it"])
    if message.startswith(_STRUCTURE):
        return (["the structure given to dss_define_structure disagrees with its sizes: nRows, nCols, nNonZeros against the "
                 "row index and column arrays (one-based CSR, MKL_INT wide: 64-bit arrays for ILP64, 32-bit for LP64)"],
                ["check the CSR arrays and counts passed to dss_define_structure (rows has nRows + 1 entries, its last "
                 "minus its first is nNonZeros), and that their integer type is MKL_INT of the interface linked"])
    if message.startswith("Invalid call sequence"):
        return (["the DSS calls ran out of order: dss_create, dss_define_structure, dss_reorder, dss_factor_*, dss_solve_*, "
                 "dss_delete, each after the one before succeeded"],
                ["check each call's return code and stop at the first that is not MKL_DSS_SUCCESS"])
    if message.startswith("Out of memory"):
        return (["the factor does not fit in memory"],
                ["reorder with MKL_DSS_METIS_OPENMP_ORDER (less fill-in), or use PARDISO with its out-of-core mode (iparm(60))"])
    return ([f"an option dss_create or a later call was given is not one DSS takes ({message})"],
            ["check the option words against mkl_dss.h: one structure, one reorder and one factor option each, levels "
             "added to them"])


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DssMessage)
    if not said:
        return []
    first = next((e for e in said if e.severity in ("Error", "Fatal")), said[0])
    causes, fix = _causes(first.message)
    failed = first.severity in ("Error", "Fatal")
    return [Finding(
        "mkl-dss-error", "error" if failed else "info",
        f"MKL's direct sparse solver (DSS) says: {first.message}: the matrix or the calls, not the link",
        (first.line, *causes),
        tuple(fix),
        "DSS prints its own failures (MKL-DSS-<facility>-<severity>, <message>) at the message level dss_create was given, "
        "and returns the code: MKL is linked and running.",
    )]
