"""Valgrind's reports of memory errors, read by the frames under them.

``==241580== Invalid write of size 4`` or ``Conditional jump or move depends on uninitialised value(s)``, then ``at
0x88A1AE0: mkl_lapack_dgehrd (in .../compilers_and_libraries_2018.2.199/linux/mkl/lib/intel64_lin/libmkl_core.so)``
(trilinos/Trilinos#3497). With MKL in the frames: the routine and the release its path names, a fault known in that
release (:data:`mkldoctor.knowledge.broken.ROUTINES`), else the caller's arguments; an invalid write is never benign,
and a report of uninitialised values alone inside MKL's kernels is weighed by whether the results are right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import broken, folders


@dataclass(frozen=True, slots=True)
class ValgrindReport:
    kind: str  # "Invalid write of size 4", "Conditional jump or move depends on uninitialised value(s)"
    frames: tuple[str, ...] = ()
    wants: int = field(default=12, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ValgrindReport":
        frames = []
        for line in lines:  # the report's frames: "==pid==    at 0x...: f (in lib)", "==pid==    by ..."; a blank report line ends it
            frame = re.match(r"^==\d+==\s+(?:at|by) 0x[0-9A-Fa-f]+: (.*)$", line)
            if not frame:
                break
            frames.append(frame.group(1).strip())
        return replace(self, frames=tuple(frames), wants=0)


_REPORT = re.compile(r"^==\d+== (?P<kind>Invalid (?:read|write) of size \d+|Invalid free\(\)[^\n]*|Mismatched free\(\)[^\n]*|"
                     r"Conditional jump or move depends on uninitialised value\(s\)|Use of uninitialised value of size \d+|"
                     r"Syscall param \S+ points to uninitialised byte\(s\))")
SIGNATURES = tuple(Signature(f"valgrind-{i}", "valgrind", needle, _REPORT, lambda m, _: ValgrindReport(m.group("kind")))
                   for i, needle in enumerate(("Invalid read", "Invalid write", "Invalid free", "Mismatched free",
                                               "Conditional jump", "uninitialised value", "Syscall param"))) + (
    # its count at the end: none is no failure (claimed, no event); some repeat the reports above
    Signature("valgrind-summary", "valgrind", "ERROR SUMMARY", re.compile(r"^==\d+== ERROR SUMMARY: (?P<n>\d+) errors?"),
              lambda m, _: None if m.group("n") == "0" else FollowOn(m.string.strip())),
)
_MKL_FRAME = re.compile(r"\b(?P<fn>mkl_\w+|[SDCZ][A-Z]{3,6}_?|[sdcz][a-z]{3,6}_)\b.*\(in (?P<lib>\S*libmkl_\w+\.\S+?)\)")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    reports = events.of(ValgrindReport)
    if not reports:
        return []
    writes = [r for r in reports if r.kind.startswith(("Invalid", "Mismatched"))]
    in_mkl = [(r, m) for r in reports for m in (_MKL_FRAME.search(f) for f in r.frames) if m]
    kinds = list(dict.fromkeys(r.kind for r in (*writes, *reports)))  # the worst first
    severity = "error" if writes else "warning"
    if not in_mkl:
        return [Finding(
            "memory-error-reported", severity, f"valgrind reports {kinds[0]}, and its frames name no MKL library",
            tuple(kinds[:4]) + tuple(f"frame: {f}" for f in reports[0].frames[:3]),
            ("read the first frame that is the program's own: the error is there or in the arguments it passed",),
            "Valgrind reports each access to memory a program did not allocate or did not set; the frames say whose code made it.",
        )]
    routines = list(dict.fromkeys(m.group("fn") for _, m in in_mkl))
    path = in_mkl[0][1].group("lib")
    recognised = folders.recognise(path)
    release = recognised[1] if recognised and recognised[1] else ""
    known = [b for fn in routines for b in broken.routine_bugs(fn, release)] if release else []
    evidence = [*kinds[:3], *(f"frame: {f}" for f in in_mkl[0][0].frames[:4])]
    if release:
        evidence.append(f"MKL {release}, by the folder of {path.rsplit('/', 1)[-1]} ({path.rsplit('/', 1)[0]})")
    fix = []
    for bug in known[:1]:
        evidence.append(f"a known fault of MKL {bug.first} to {bug.last}: {bug.what} (fixed in {bug.fixed_in}; {bug.source})")
        fix += [f"use MKL {bug.fixed_in} or newer", "or ask the routine for its optimal workspace first (a call with LWORK=-1 "
                "returns it in WORK(1)) and allocate that"]
    fix += ["check the arguments of the MKL call in the first frame that is the program's own: array sizes, leading "
            "dimensions and LWORK against what the routine's reference requires",
            "an invalid write is never benign; reports of uninitialised values alone, inside MKL's vectorised kernels, "
            "come from reads of whole vector registers past the data used: weigh them by whether the results are right",
            "MKL_DISABLE_FAST_MM=1 under valgrind: MKL's own memory manager keeps buffers valgrind would report as leaked"]
    return [Finding(
        "mkl-memory-error", severity,
        f"valgrind reports {kinds[0].split(' of ')[0].lower()} inside MKL ({', '.join(routines[:3])})"
        + (f": a known fault of MKL {release}" if known else ""),
        tuple(evidence), tuple(fix),
        "Valgrind follows every memory access: inside MKL, an access outside the caller's arrays comes from arguments that "
        "promise more memory than was given, or from a fault of the release.",
        ("MKL_VERBOSE=1 <the program>   # the call's arguments as MKL read them, before the report",),
    )]
