"""MKL PARDISO's error codes as a program that wraps it prints them (``PyPardisoError: The Pardiso solver failed with
error code -3``): what the code means (:mod:`mkldoctor.knowledge.pardiso`), and the releases known to produce one by
themselves (:mod:`mkldoctor.knowledge.broken`: conda-forge's mkl 2021.4 with intel-openmp 2022 on Windows, PyPardiso#36).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import broken
from mkldoctor.knowledge import pardiso as codes


@dataclass(frozen=True, slots=True)
class PardisoError:
    code: int
    line: str


SIGNATURES = (
    Signature("pardiso-error-code", "pardiso", "rror",
              re.compile(r"(?i)pardiso\b.*?\berror(?: code)?[ :=]*(?P<code>-\d+)\b"),
              lambda m, _: PardisoError(int(m.group("code")) if len(m.group("code")) < 8 else 0, m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PardisoError)
    if not said:
        return []
    first = said[0]
    meaning = codes.ERRORS.get(first.code, "a code MKL's reference does not list")
    windows = "\\" in " ".join(p[1] if isinstance(p, tuple) else str(p) for p in events.places) or "Windows" in first.line
    known = [r for r in broken.RELEASES if r.symptom == "mkl-pardiso-error" and (windows or r.platform != "windows")]
    evidence = [first.line, f"PARDISO's error {first.code}: {meaning}"]
    fix = []
    if first.code in codes.INTERNAL:
        evidence.append("this code says nothing of the matrix: the solver's own steps failed, where MKL's libraries (a "
                        "threading layer with an OpenMP runtime of another release) are a cause to rule out first")
        fix += [f"a release known to do it: if {r.check} says {r.release} ({r.what}; {r.source}): conda install "
                f"\"intel-openmp=2021.*\" beside mkl 2021.4, or mkl and intel-openmp of one release from one channel"
                for r in known]
        fix.append("keep MKL and Intel's OpenMP runtime of one release: conda list 'mkl|intel-openmp' shows both; "
                   "conda install mkl=<X> intel-openmp=<X>")
    if first.code in (-1, -4, -7):
        fix.append("check the matrix and the matrix type (mtype) given: structurally symmetric types need the full diagonal, "
                   "and a singular or badly scaled matrix fails the factorization")
    if first.code in (-2, -9):
        fix.append("give it more memory, or the out-of-core mode (iparm[59])")
    if first.code == -8:
        fix.append("use pardiso_64 (64-bit integers) for a matrix this large")
    fix.append("MKL_VERBOSE=1 and msglvl=1 (PyPardiso: set_statistical_info_on()) print PARDISO's own report of the phases")
    return [Finding(
        "mkl-pardiso-error", "error", f"MKL PARDISO failed with error {first.code}: {meaning}", tuple(evidence), tuple(fix),
        "PARDISO returns a negative error code for each kind of failure; the codes for the solver's own steps (reordering, "
        "internal errors) point at the libraries, the others at the matrix or the memory given.",
        ("conda list 'mkl|intel-openmp'   # or: pip show mkl intel-openmp: the two releases",),
    )]
