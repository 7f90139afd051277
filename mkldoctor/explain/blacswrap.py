"""MKL's BLACS wrapper source (``interfaces/mklmpi``, ``mklmpi-impl.c``) that does not compile against an MPI.

MKL ships prebuilt BLACS for Intel MPI, MPICH and Open MPI on Linux; for any other MPI (macOS's Homebrew Open MPI,
a custom build) the user compiles ``libmkl_blacs_custom_*`` from this source. It uses MPI-1 names (``MPI_UB``,
``MPI_Address``) that Open MPI 4 removed unless built with ``--enable-mpi1-compatibility``:
``mklmpi-impl.c:87:25: error: expected expression`` under ``THIS_SYMBOL_WAS_REMOVED_IN_MPI30`` (firemodels/fds#7949).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class BlacsWrapperError:
    line: str
    removed: bool = False  # the notes under it name MPI 3.0's removal of MPI-1 symbols
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "BlacsWrapperError":
        return replace(self, removed=any("REMOVED_IN_MPI30" in line or "removed in MPI" in line for line in lines), wants=0)


SIGNATURES = (
    Signature("mkl-blacs-wrapper-compile-error", "blacswrap", "rror",
              re.compile(r"\bmklmpi-impl\.c:\d+:\d+: (?:fatal )?error:"), lambda m, _: BlacsWrapperError(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(BlacsWrapperError)
    if not said:
        return []
    removed = any(e.removed for e in said)
    evidence = [said[0].line, "mklmpi-impl.c is MKL's BLACS wrapper source (interfaces/mklmpi): users compile it into "
                              "libmkl_blacs_custom_* for an MPI that MKL has no prebuilt BLACS for"]
    if removed:
        evidence.append("the compiler's notes show the MPI's header removing MPI-1 names (THIS_SYMBOL_WAS_REMOVED_IN_MPI30: "
                        "MPI_UB, MPI_LB, MPI_Address...), which the wrapper still uses: Open MPI 4 removes them unless it was "
                        "built with --enable-mpi1-compatibility")
    return [Finding(
        "mkl-blacs-wrapper-build-failed", "error",
        "MKL's BLACS wrapper source does not compile against this MPI" + (": its MPI-1 names were removed" if removed else ""),
        tuple(evidence),
        ("build Open MPI with --enable-mpi1-compatibility (or install one built so) and compile the wrapper against it",
         "or use an MPI that MKL ships a prebuilt BLACS for on the platform (Intel MPI or MPICH: libmkl_blacs_intelmpi_*; "
         "Open MPI on Linux: libmkl_blacs_openmpi_*) and skip the custom wrapper"),
        "MKL's custom BLACS layer is source code compiled against the MPI in use; MPI 3.0 removed the MPI-1 names it calls, "
        "and MPIs that follow the removal strictly no longer define them.",
        ("mpicc -showme (Open MPI) or mpicc -show   # the MPI the wrapper is compiled against",),
    )]
