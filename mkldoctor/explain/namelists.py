"""A reporter's own list of the names link.exe left unresolved, under a header of their words.

``Unresolved functions (external symbol):`` then ``vdSub vsSub vsPowx ... cblas_saxpby`` (happynear/caffe-windows#1:
the linker's output was a screenshot, the names typed out under it): MKL's names that no library on the link defined,
said as link.exe's LNK2019 (``unresolved external symbol``) is, whose finding it takes (:mod:`msvc`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts


@dataclass(frozen=True, slots=True)
class UnresolvedListed:
    """The header line, and MKL's names on the lines under it."""

    line: str
    names: tuple[str, ...] = ()
    wants: int = field(default=3, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "UnresolvedListed":
        words = [w for line in lines for w in re.findall(r"[A-Za-z_]\w{1,60}", line[:2000])]
        return replace(self, names=tuple(dict.fromkeys(w for w in words if facts.looks_like_mkl(w)))[:40], wants=0)


# the header: "Unresolved functions (external symbol):", "unresolved external symbols:" (link.exe's words, a reporter's line)
_HEADER = re.compile(r"(?i)^\W{0,4}(?:the )?(?:following )?unresolved\b[^:]{0,60}\bexternals?\b[^:]{0,40}:\s*$")

SIGNATURES = (
    Signature("reporter-unresolved-external-list", "namelists", "nresolved", _HEADER,
              lambda m, _: UnresolvedListed(m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.msvc import MsvcUnresolved, _unresolved_finding

    listed = [e for e in events.of(UnresolvedListed) if e.names]
    if not listed or events.of(MsvcUnresolved):  # link.exe's own lines say it better
        return []
    return [_unresolved_finding([MsvcUnresolved(name, "", "") for e in listed for name in e.names], [])]
