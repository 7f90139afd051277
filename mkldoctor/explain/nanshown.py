"""Values a log prints as NaN, read beside MKL's argument check: ``Parameter N was incorrect on entry to`` a LAPACK
driver whose rejected argument is a matrix most often means the matrix held NaN, and a log that printed a NaN value
before it (efficient-kan#20: a progress bar's ``mse_loss=nan, reg_loss=nan``, then ``Parameter 6 was incorrect on entry
to SGELSY``) shows it: the first of the possible causes is then the log's own. Produced here: MKL 2026.2's DGELSD given a
matrix with a NaN says parameter 4 (A).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class NanShown:
    said: str  # "mse_loss=nan"


# a name given the value NaN ("loss=nan", "residual: NaN"); a name that is an error word is an error's, not a value's
_NAN = re.compile(r"(?<![\w.])(?P<name>(?![\w.]*rror)[A-Za-z_][\w.]{0,60})\s*[=:]\s*[-+]?(?:nan|NaN|NAN)\b")
_ERROR = re.compile(r"rror|ERROR|FATAL|ailed|xception|abort|Abort")  # a line of an error is the error's, whatever it holds
SIGNATURES = tuple(Signature(f"nan-value-{i}", "nanshown", needle, _NAN,
                             lambda m, _: NOT_MINE if _ERROR.search(m.string) else NanShown(m.group(0)[:120]))
                   for i, needle in enumerate(("=nan", "=NaN", ": nan", ": NaN", "= nan")))
_CHECKED = ("mkl-parameter-error",)


def with_nan_shown(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """MKL's argument check of a matrix, where the log printed NaN values: that evidence, and the NaN check first."""
    shown = list(dict.fromkeys(e.said for e in parsed.of(NanShown)))
    if not shown:
        return findings
    out = []
    for finding in findings:
        if finding.id not in _CHECKED or not any("NaN" in line for line in finding.evidence):
            out.append(finding)
            continue
        said = (f"the log printed NaN before it ({', '.join(shown[:3])}): the numbers the program computed were NaN, and "
                "the matrix MKL checked held them: the first of the possible causes is the log's own")
        fix = sorted(finding.fix, key=lambda line: "NaN" not in line)  # the NaN check first, the rest in their order
        out.append(replace(finding, evidence=(*finding.evidence[:1], said, *finding.evidence[1:]), fix=tuple(fix)))
    return out
