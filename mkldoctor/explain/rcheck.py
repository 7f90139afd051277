"""R's ``make check`` (and ``R CMD check``) on an R linked with MKL: ``comparing 'stats-Ex.Rout' to 'stats-Ex.Rout.save'
...`` with diff's lines under it. Not a failure when every line differs from the saved one only in the signs of numbers
(eigenvectors and singular vectors: their sign is arbitrary, and each LAPACK picks its own) or by one unit of the last digit
printed (a value at the rounding's midpoint: MKL sums in another order). Brian Ripley and Martyn Plummer said so of an R
built with ``-mkl=sequential`` (r-devel, 2014-10: ``Grand Mean: 291.5937`` against ``291.5938``, 291.59375); R's
installation manual expects such differences with an alternative BLAS. Other differences are numbers, not signs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_HUNK = re.compile(r"^\d+(?:,\d+)?[acd]\d+(?:,\d+)?\s*$")
_END = re.compile(r"comparing '|running (?:code|tests)|Testing examples|^\s*\*")  # the next file's check, or R's next step


@dataclass(frozen=True, slots=True)
class OutputCompared:
    file: str
    removed: tuple[str, ...] = ()  # diff's "< " lines: this run's output
    added: tuple[str, ...] = ()  # its "> " lines: the saved output
    wants: int = field(default=400, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "OutputCompared":
        """diff's hunks: "< " lines, "---", then the saved lines (their "> " may be gone: a log reader takes it for a
        mail's quote mark)."""
        removed, added, saved = [], [], False
        for line in lines:
            if _END.search(line):
                break
            if _HUNK.match(line) or line.strip() == "[...]":
                saved = False
            elif line.strip() == "---":
                saved = True
            elif line.startswith("< ") and not saved:
                removed.append(line[2:])
            elif saved and line.strip():
                added.append(line[2:] if line.startswith("> ") else line)
        return replace(self, removed=tuple(removed), added=tuple(added), wants=0)


SIGNATURES = (
    Signature("r-check-output-compared", "rcheck", "Rout.save",
              re.compile(r"comparing '(?P<out>[^']+\.Rout)' to '[^']+\.Rout\.save'"), lambda m, _: OutputCompared(m["out"])),
)


def _last_digit(a: str, b: str) -> bool:
    """Two printed numbers one unit of the last digit apart (291.5937 and 291.5938), or equal but for the sign."""
    try:
        x, y = Decimal(a), Decimal(b)
    except InvalidOperation:
        return False
    if abs(x) == abs(y):
        return True
    places = max(-x.as_tuple().exponent, -y.as_tuple().exponent, 0)
    return abs(x - y) <= Decimal(1).scaleb(-places)


def _words(line: str) -> str:
    """The line without its numbers, its blanks as one: what a sign or a digit does not change."""
    return " ".join(_NUMBER.sub("#", line).split())


def _only_signs_and_rounding(removed: tuple[str, ...], added: tuple[str, ...]) -> bool:
    if not removed or len(removed) != len(added):
        return False
    for mine, saved in zip(removed, added):
        if _words(mine) != _words(saved):
            return False
        if not all(_last_digit(a, b) for a, b in zip(_NUMBER.findall(mine), _NUMBER.findall(saved))):
            return False
    return True


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    compared = [e for e in events.of(OutputCompared) if e.removed or e.added]
    if not compared:
        return []
    benign = [e for e in compared if _only_signs_and_rounding(e.removed, e.added)]
    other = [e for e in compared if e not in benign]
    files = ", ".join(e.file for e in (other or benign)[:4])
    lines = sum(len(e.removed) for e in compared)
    if not other:
        return [Finding(
            "r-check-output-differs", "info",
            f"R's check: {files} differ from the saved output only in signs and last digits, as R on MKL (or any optimised "
            "BLAS) is expected to", (
                f"{lines} line(s) differ; in each, every number is the saved one, or the saved one with the other sign, or "
                "one unit of the last digit printed away from it",
                "the sign of an eigenvector or a singular vector is arbitrary (each LAPACK picks its own); a value at the "
                "midpoint of the printed rounding (291.59375 at 4 decimals) rounds either way when MKL sums in another order"),
            ("nothing to fix: diff's lines are R's report, and the check ran on ('... OK' after each file); R's installation "
             "manual expects such differences from an alternative BLAS",
             "for the same digits from run to run (not the reference BLAS's): MKL_CBWR=COMPATIBLE, MKL's conditional "
             "numerical reproducibility, before R starts"),
            "R's checks compare a run's printed output with a saved run made on the reference BLAS and LAPACK.",
        )]
    return [Finding(
        "r-check-output-differs", "warning",
        f"R's check: {files} differ from the saved output in values, not only in signs or the last digit printed", (
            f"{lines} line(s) differ; first: '{(other[0].removed or ('',))[0].strip()[:120]}' where the saved output has "
            f"'{(other[0].added or ('',))[0].strip()[:120]}'",
            "signs (eigenvectors, singular vectors) and last digits differ with any optimised BLAS; other values may be a "
            "wrong result: MKL's integer interface (LP64 and ILP64) or its threading layer mismatched with R's build"),
        ("run the same check with R's reference BLAS (R's own libRblas, configured without --with-blas): the differences "
         "that remain are not MKL's",
         "MKL_VERBOSE=1 Rscript -e 'crossprod(matrix(1:4,2))'   # the MKL R runs, its interface and threads"),
        "R's checks compare a run's printed output with a saved run made on the reference BLAS and LAPACK.",
    )]
