"""LD_LIBRARY_PATH given a library's file instead of its folder.

``export LD_LIBRARY_PATH=/home/u/anaconda3/envs/x/lib/libmkl_intel_ilp64.so:$LD_LIBRARY_PATH`` (csukuangfj/kaldifeat#46):
the loader reads LD_LIBRARY_PATH as a list of folders and looks for each needed name inside them; an entry that is a
file is a folder it cannot open, so the library stays not found. With a loader failure in the same log the entry is
why the attempt did not help.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import NeededNotFound, Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class LibraryPathFile:
    entry: str  # the file the variable names
    line: str


_ENTRY = re.compile(r"\bLD_LIBRARY_PATH=[\"']?(?:[^\s:\"']*:)*?(?P<entry>/[^\s:\"']+\.so(?:\.\d+)*)(?=[:\s\"'`]|$)")

SIGNATURES = (
    Signature("ld-library-path-file", "ldpath", "LIBRARY_PATH=", _ENTRY,
              lambda m, _: LibraryPathFile(m.group("entry"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.hosts import LoaderMissing

    said = events.of(LibraryPathFile)
    if not said:
        return []
    first = said[0]
    folder = os.path.dirname(first.entry)
    failed = bool(events.of(LoaderMissing) or events.of(NeededNotFound))
    return [Finding(
        "ld-library-path-file", "error" if failed else "warning",
        f"LD_LIBRARY_PATH names a file, {os.path.basename(first.entry)}: the loader looks in folders, so it searches nothing "
        "there", (
            first.line,
            f"{first.entry} is a library's file; the loader takes each LD_LIBRARY_PATH entry as a folder and looks for the "
            "names it needs inside it" + (": the library the log cannot find is not looked for where this entry points"
                                          if failed else ""),
        ), (
            f"name the folder: export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}",
            "then run the program again from that shell (or set it in the environment of the process that starts it)",
        ),
        "LD_LIBRARY_PATH, like PATH, is a list of folders; a file in it is skipped.",
        (f"ls {q(folder)} | grep -E 'libmkl|\\.so'   # the libraries that folder offers",),
    )]
