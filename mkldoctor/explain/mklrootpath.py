"""MKLROOT set to a relative path: ``export MKLROOT=opt/intel/mkl`` (flashlight#95: the leading '/' left out).

A finder reads MKLROOT as given; CMake takes a relative path against the build folder, so every library it looks for in
``opt/intel/mkl/lib/intel64`` is "not found" (``--   Library mkl_gf_lp64: not found``) while MKL sits in /opt/intel/mkl.
The log shows the assignment (a shell line, ``printenv``, a ``-D`` option); the finder's words are then its consequence.

MKLROOT's value serves the finders too: at oneAPI's MKL folder (``/opt/intel/oneapi/mkl/latest``), a project that looks
for Intel's OpenMP under ``MKLROOT/..`` reaches ``<oneapi>/mkl``, not oneAPI's root (ctranslate2#1703's INTELROOT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class MklRootSet:
    """MKLROOT's value as the log shows it set (``export MKLROOT=...``, printenv's line, a ``-D`` option)."""

    path: str
    line: str

    @property
    def relative(self) -> bool:  # not /x, C:\x, $VAR, %VAR%, ~, <placeholder>; a folder in it
        return re.match(r"(?![/\\$%~<{]|[A-Za-z]:)[\w.][\w.+-]*[/\\]", self.path) is not None

    @property
    def oneapi_mkl(self) -> str:
        """oneAPI's root when MKLROOT is MKL's own folder in it (/opt/intel/oneapi/mkl/latest -> /opt/intel/oneapi), else ""."""
        found = re.match(r"(?P<root>.+?)[/\\]mkl[/\\](?:latest|20\d\d(?:\.\d+)*)[/\\]?$", self.path)
        return found["root"] if found else ""


_ASSIGN = re.compile(r"""(?:^|[\s;'"(])(?:export\s+|set\s+|-D)?MKLROOT=["']?(?P<path>[^\s"';]+)""")

SIGNATURES = (
    Signature("mklroot-set", "mklrootpath", "MKLROOT=", _ASSIGN, lambda m, _: MklRootSet(m["path"], m.string.strip()[:200])),
)


def relative(events: Parsed) -> list[MklRootSet]:
    return [e for e in events.of(MklRootSet) if e.relative]


def iomp_under_root(events: Parsed) -> str | None:
    """A finder's words for Intel's OpenMP runtime with MKLROOT at oneAPI's MKL folder: where a finder that derives the
    root as MKLROOT/.. looks (CTranslate2#1703's INTELROOT), and where oneAPI keeps the runtime."""
    root = next((e.oneapi_mkl for e in events.of(MklRootSet) if e.oneapi_mkl), "")
    return (f"MKLROOT is oneAPI's MKL folder ({root}/mkl/...): a finder that looks for Intel's OpenMP under MKLROOT/.. "
            f"reaches {root}/mkl, not oneAPI's root {root}, where the runtime is (compiler/latest/lib, or lib of the 2024+ "
            f"unified layout): give the project's own root variable oneAPI's root (CTranslate2: INTELROOT={q(root)}, "
            "ctranslate2#1703) or the runtime's folder") if root else None


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.finders import FinderSaid

    said = relative(events)
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
        (f"export MKLROOT={q(absolute)} (the absolute path; or source <oneAPI>/setvars.sh, which sets it), then configure "
         f"again from a clean cache ({recipes.CMAKE_RESET})",),
        "A prefix variable holds an absolute path; the tools that read MKLROOT do not resolve a relative one against the "
        "place it was written for.",
        ("echo $MKLROOT; ls $MKLROOT/lib   # the folder it names, from where the build runs",),
    )]
