"""MKLROOT set to a relative path: ``export MKLROOT=opt/intel/mkl`` (flashlight#95: the leading '/' left out).

A finder reads MKLROOT as given; CMake takes a relative path against the build folder, so every library it looks for in
``opt/intel/mkl/lib/intel64`` is "not found" (``--   Library mkl_gf_lp64: not found``) while MKL sits in /opt/intel/mkl.
The log shows the assignment (a shell line, ``printenv``, a ``-D`` option); the finder's words are then its consequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MklRootRelative:
    path: str
    line: str


# a path MKLROOT may hold that is relative: not /x, C:\x, $VAR, %VAR%, ~, <placeholder>; one with a folder in it
_ASSIGN = re.compile(r"""(?:^|[\s;'"(])(?:export\s+|set\s+|-D)?MKLROOT=["']?(?P<path>(?![/\\$%~<{]|[A-Za-z]:)[\w.][\w.+-]*[/\\][^\s"';]*)""")

SIGNATURES = (
    Signature("mklroot-relative", "mklrootpath", "MKLROOT=", _ASSIGN, lambda m, _: MklRootRelative(m["path"], m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.finders import FinderSaid

    said = events.of(MklRootRelative)
    if not said:
        return []
    first = said[0]
    absolute = "/" + first.path.lstrip("./").replace("\\", "/")
    missed = [e.text for e in events.of(FinderSaid)][:3]
    return [Finding(
        "mklroot-relative", "error" if missed else "warning",
        f"MKLROOT is a relative path ({first.path}): a finder reads it against its own working folder, not as {absolute}",
        (first.line, *(f"then the finder says: {text[:160].strip()}" for text in missed),
         "MKLROOT names MKL's prefix; a path without its leading '/' is taken from the folder the tool runs in (CMake: the "
         "build folder), where no MKL is"),
        (f"export MKLROOT={absolute} (the absolute path; or source <oneAPI>/setvars.sh, which sets it), then configure "
         "again from a clean cache (rm -f <build dir>/CMakeCache.txt)",),
        "A prefix variable holds an absolute path; the tools that read MKLROOT do not resolve a relative one against the "
        "place it was written for.",
        ("echo $MKLROOT; ls $MKLROOT/lib   # the folder it names, from where the build runs",),
    )]
