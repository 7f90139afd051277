"""MKLROOT set to a relative path, or empty where a build joined MKL's folders to it: ``export MKLROOT=opt/intel/mkl`` (flashlight#95: the leading '/' left out).

A finder reads MKLROOT as given; CMake takes a relative path against the build folder, so every library it looks for in
``opt/intel/mkl/lib/intel64`` is "not found" (``--   Library mkl_gf_lp64: not found``) while MKL sits in /opt/intel/mkl.
The log shows the assignment (a shell line, ``printenv``, a ``-D`` option); the finder's words are then its consequence.

MKLROOT's value serves the finders too: at oneAPI's MKL folder (``/opt/intel/oneapi/mkl/latest``), a project that looks
for Intel's OpenMP under ``MKLROOT/..`` reaches ``<oneapi>/mkl``, not oneAPI's root (ctranslate2#1703's INTELROOT).

An empty root shows in a run path CMake was to write at install: ``file RPATH_CHANGE could not write new RPATH:
$ORIGIN:/lib:/lib/intel64:/lib/intel64_win:/lib/win-x64`` (pytorch#133823, on Nix: PyTorch's cmake/public/mkl.cmake joined
MKL's folder names to an MKL_ROOT that was empty, with MKL found elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature, last_match
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

@dataclass(frozen=True, slots=True)
class EmptyRootRunPath:
    """The run path of CMake's failed RPATH_CHANGE with MKL's folders at the file system's root (an empty MKL root)."""

    rpath: str
    head: str  # "CMake Error at caffe2/cmake_install.cmake:115 (file):", or ""


def _empty_root(m: re.Match, before) -> EmptyRootRunPath | object:
    from mkldoctor.explain.finders import cmake_head

    if not last_match(r"could not write new RPATH", before, within=3):
        return NOT_MINE
    head = cmake_head(before)
    return EmptyRootRunPath(m.string.strip()[:300], head.string.strip()[:300] if head else "")


SIGNATURES = (
    Signature("mklroot-set", "mklrootpath", "MKLROOT=", _ASSIGN, lambda m, _: MklRootSet(m["path"], m.string.strip()[:200])),
    Signature("cmake-rpath-empty-mkl-root", "mklrootpath", "/lib/intel64",
              re.compile(r"(?:^|:)\s*/lib/intel64(?:_lin|_win)?(?=:|\s*$)"), _empty_root),
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
    empty = events.of(EmptyRootRunPath)
    if not said:
        return [_empty_root_finding(empty[0])] if empty else []
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


def _empty_root_finding(event: EmptyRootRunPath) -> Finding:
    return Finding(
        "mkl-root-empty-in-run-path", "error",
        "CMake could not rewrite a library's run path at install: the build put MKL's folders under an empty root in it "
        "(/lib/intel64: the MKL root variable was empty when the project's MKL module joined its folders)",
        (*((event.head,) if event.head else ()), f"could not write new RPATH: {event.rpath}",
         "/lib/intel64, /lib/intel64_win and /lib/win-x64 are MKL's library folders with nothing before them: the project's "
         "MKL module (PyTorch's cmake/public/mkl.cmake) built them from MKL_ROOT or MKLROOT while it was empty, and MKL was "
         "found another way (a Nix store path, a conda environment on the library's RUNPATH); CMake's install step then "
         "finds the file's RUNPATH not the one the build meant (pytorch#133823)"),
        ("give the build MKL's prefix before it configures: export MKLROOT=<MKL's prefix> (and MKL_ROOT, which some "
         f"modules read; Nix: MKLROOT=${{mkl}}), then configure again from a clean cache ({recipes.CMAKE_RESET})",
         "or build without MKL as the BLAS where it is not wanted (PyTorch: BLAS=OpenBLAS, or USE_MKL=0)"),
        "CMake records each target's run path at build time and rewrites it at install; a folder joined to an empty "
        "variable lands at the file system's root and breaks that rewrite.",
        ("grep -n 'MKL_ROOT\\|MKLROOT' <the build folder>/CMakeCache.txt   # empty where the module read it",),
    )
