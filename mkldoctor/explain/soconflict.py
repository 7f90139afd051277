"""Two versions of one shared library in a link: GNU ld's ``warning: libmpi.so.1, needed by //usr/lib/libblacsCinit-openmpi.so.1,
may conflict with libmpi.so.12``.

ld prints it when a library the link names needs ``NAME.so.A`` while the link already has ``NAME.so.B`` (its check of
the file names' stems): the program will load both. With MKL's cluster layers it is two MPIs in one program (rokko#306: a
prebuilt ELPA that brought the distribution's ScaLAPACK and BLACS for Open MPI beside MKL's BLACS for Intel MPI, found with
``ldd``); with MKL's own libraries, layers of two releases; with libgfortran, two compilers' runtimes. The link succeeds;
the program fails or misbehaves when it runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import q
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs, exports


@dataclass(frozen=True, slots=True)
class SonameConflict:
    needed: str  # "libmpi.so.1"
    by: str  # the library that needs it, as ld names it
    other: str  # the version the link has: "libmpi.so.12"
    line: str


@dataclass(frozen=True, slots=True)
class MpiAborted:
    """An MPI's own abort at run time: MPICH's and Intel MPI's ``Abort(403251971) on node 0 (rank 0 in comm 0): Fatal error
    in internal_Bcast: ...`` (with its error stack after it), Open MPI's ``MPI_ERR_TYPE: invalid datatype``."""

    line: str


SIGNATURES = (
    Signature("mpi-fatal-error", "soconflict", "Fatal error in ",
              re.compile(r"(?:^|: )Fatal error in (?:P?MPI_|internal_)?\w+: "), lambda m, _: MpiAborted(m.string.strip()[:300])),
    Signature("openmpi-err-type", "soconflict", "rror",
              re.compile(r"\bMPI_ERR_\w+: "), lambda m, _: MpiAborted(m.string.strip()[:300])),
    Signature("ld-may-conflict", "soconflict", "may conflict",
              re.compile(r"warning: (?P<needed>[^\s,/]{1,200}\.so\.[\w.]{1,40}), needed by (?P<by>\S{1,1000}), "
                         r"may conflict with (?P<other>[^\s,/]{1,200}\.so(?:\.[\w.]{1,40})?)"),
              lambda m, _: SonameConflict(m["needed"], m["by"], m["other"], m.string.strip()[:600])),
)

# what each family of libraries is, by the stem of its name, and what two of its versions in one program mean
_MPI = re.compile(r"^lib(?:mpi|mpich|mpifort|mpi_mpifh|mpi_usempif08|mpicxx|mpi_cxx)\.so")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(SonameConflict)[:1]:
        by = os.path.basename(event.by)
        stem = event.needed.split(".so", 1)[0]
        evidence = [event.line,
                    f"{by} needs {event.needed}, and the link already has {event.other}: the program will load both, two "
                    f"versions of {stem} in one process"]
        if _MPI.match(event.needed):
            theirs = blacs.mpi_named(by)
            command = ctx.main_command()
            layers = sorted({r.name for r in command.libs if r.name.startswith("mkl_blacs_")} if command else set())
            mine = blacs.mpi_named(" ".join(layers))
            evidence.append(f"{by} was built for " + (theirs or "another MPI") + f" ({event.needed})" +
                            (f"; the link takes MKL's BLACS for {mine} ({', '.join(layers)})" if mine and mine != theirs else ""))
            title = (f"two MPIs in one link: {by} needs {event.needed}" + (f" ({theirs}'s)" if theirs else "") +
                     f", beside {event.other}" + (f" ({mine}'s, which MKL's BLACS layer uses)" if mine and mine != theirs else ""))
            names = "|".join(dict.fromkeys(("libmpi", stem, "blacs", "scalapack")))
            fix = [f"find which library of the link brings {by}: ldd <each library on the link line> | grep -E '{names}' "
                   "(rokko#306: ldd of a prebuilt ELPA showed the distribution's ScaLAPACK and BLACS for Open MPI)",
                   "use one MPI throughout: rebuild that library (or take a build of it) against the MPI the program uses, with "
                   f"MKL's ScaLAPACK and the BLACS layer of that MPI ({blacs.PER_MPI}), not a distribution's libscalapack-openmpi "
                   "or libblacs-openmpi",
                   "or build everything with the other MPI, and link MKL's BLACS layer for it"]
            aborted = events.of(MpiAborted)[:1]
            evidence += [f"then the program aborted in MPI: {a.line} (the two MPIs' consequence)" for a in aborted]
            why = ("Each MPI implementation has its own library and ABI; a program that loads two runs two MPIs, which fails "
                   "at MPI_Init or crashes in the first collective call. ld only warns: the link succeeds.")
        else:
            mkl = stem.startswith("libmkl_")
            title = (f"two MKL releases in one link: {by} needs {event.needed}, beside {event.other}" if mkl else
                     f"two versions of {stem} in one link: {by} needs {event.needed}, beside {event.other}")
            spans = [f"{name}: MKL {found[0]} to {found[-1]}" for name in (event.needed, event.other)
                     if mkl and (found := exports.releases_providing(name))]
            evidence.append(("the number after .so is the library's ABI: MKL's layers of one release share it" + (
                f" ({'; '.join(spans)}, mkldoctor's table of every release's libraries)" if spans else "")) if mkl else
                "the number after .so is the library's ABI version: the two were built against different releases")
            fix = [f"see which libraries need which: readelf -d {q(event.by)} | grep NEEDED; ldd <the program> | grep {q(stem)}",
                   f"rebuild {by} (or take its build) against the {stem} the program links, so that one version is loaded"
                   + ("; with MKL: every MKL library from one release's folder" if mkl else "")]
            why = ("The loader loads each soname it is asked for: a program whose libraries need two versions of one library "
                   "gets both, and calls meant for one may reach the other. ld only warns: the link succeeds.")
        failed = _MPI.match(event.needed) and events.of(MpiAborted)  # the run the warning foretold, in the same log
        out.append(Finding("library-versions-conflict", "error" if failed else "warning", title, tuple(evidence), tuple(fix), why,
                           (f"ldd <the program> | grep -E {q(re.escape(stem) + '.so')}   # both versions listed: the conflict is real",),
                           locations=ctx.located([event], "may conflict")))
    return out
