"""The run path a log shows with ``readelf -d`` (``(RPATH) Library rpath: [...]``, ``(RUNPATH) Library runpath: [...]``)
beside a library the loader did not find.

Shown twice, before and after an install step, it tells why a program that ran in the build tree does not run once
installed: CMake links with a build run path that holds the folders of the libraries it linked by path, and at
``make install`` replaces it with ``CMAKE_INSTALL_RPATH`` (empty unless the project sets it), which drops the folder of
a library outside the project, such as MKL's (spack/spack#19970, fixed for Spack's CMake packages by spack#29703 with
``CMAKE_INSTALL_RPATH_USE_LINK_PATH``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import q
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class RunPathShown:
    """One ``readelf -d`` line of a binary's run path: its kind and its folders, in order."""

    kind: str  # "RPATH", "RUNPATH"
    folders: tuple[str, ...]


SIGNATURES = (
    Signature("readelf-run-path", "runpaths", "ibrary r",
              re.compile(r"\((?P<kind>RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[(?P<dirs>[^\]]*)\]"),
              lambda m, _: RunPathShown(m.group("kind"), tuple(d for d in m.group("dirs").split(":") if d))),
)

_MKL_FOLDER = re.compile(r"(?i)mkl|intel|oneapi")


def lost(events: Parsed) -> tuple[RunPathShown, RunPathShown, list[str]] | None:
    """The first and last run paths the log shows, and the folders the last lost, where it lost any."""
    shown = events.of(RunPathShown)
    if len(shown) < 2:
        return None
    first, last = shown[0], shown[-1]
    gone = [d for d in first.folders if d not in last.folders]
    return (first, last, gone) if gone else None


def _shown(folders: tuple[str, ...]) -> str:
    """A run path as the finding says it: its first folders, and how many more (a log's may be of any length)."""
    said = ":".join(f[:300] for f in folders[:4])
    return said + (f":... ({len(folders)} folders)" if len(folders) > 4 else "")


def amend(finding: Finding, events: Parsed) -> Finding:
    """The loader's finding for an MKL library, with the run path an install step rewrote, where the log shows it."""
    said = lost(events)
    if said is None:
        return finding
    first, last, gone = said
    folder = next((d for d in gone if _MKL_FOLDER.search(d)), gone[0])[:300]
    line = (f"the log shows the binary's run path twice: {first.kind} [{_shown(first.folders)}], then {last.kind} "
            f"[{_shown(last.folders)}]: the second lost {folder}{' and more' if len(gone) > 1 else ''}; an install step "
            "rewrote it (CMake replaces the build tree's run path with CMAKE_INSTALL_RPATH at install), and the folder of "
            "a library outside the project, MKL's, was dropped")
    fix = (f"keep the folders it linked from in the installed run path: configure with -DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON "
           f"(or add {q(folder)} to CMAKE_INSTALL_RPATH), then install again (Spack's CMake packages do so since spack#29703)",
           f"or at run time: export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    # the log names the folder that holds it: the search for it and the installs are not the question
    kept = tuple(f for f in finding.fix if not f.startswith(("if it is not installed", "if it is there", "on the log's machine: ldconfig")))
    return replace(finding, evidence=(*finding.evidence[:1], line, *finding.evidence[1:]), fix=(*fix, *kept))
