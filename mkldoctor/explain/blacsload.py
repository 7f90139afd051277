"""MKL's cluster code without its BLACS layer: ``MKLMPI_Get_wrappers``, the BLACS library's table of MPI functions.

At run time MKL says ``Intel MKL FATAL ERROR: Cannot load symbol MKLMPI_Get_wrappers.`` (its ``Cannot load %s`` with
``symbol MKLMPI_Get_wrappers``, in libmkl_core's strings): cluster PARDISO, ScaLAPACK or the cluster FFT looked the name up in
the process and no BLACS library was loaded (firedrake's notes: petsc4py's extension linked without PETSc's MKL line, so
PETSc's mkl_cpardiso ran without libmkl_blacs_intelmpi_lp64). At link time ld says it is undefined in libmkl_core.a's
``mkl_get_mpi_wrappers_static.o``: the static core's MPI-wrapper object was taken in (a whole-archive link, as Rust's
static linking of an archive can be, or a call of a cluster function) with no BLACS archive on the line (ipopt-sys' notes).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed, UndefinedSymbol
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs, exports

WRAPPERS = "MKLMPI_Get_wrappers"  # the BLACS layers' one export the core looks up


@dataclass(frozen=True, slots=True)
class MklSymbolNotLoaded:
    """``Intel MKL FATAL ERROR: Cannot load symbol MKLMPI_Get_wrappers.``"""

    symbol: str


SIGNATURES = (
    Signature("mkl-cannot-load-symbol", "blacsload", "annot load symbol",
              re.compile(r"(?:one)?MKL FATAL ERR+OR: ?Cannot load symbol (?P<sym>[A-Za-z_]\w{0,200})", re.I),
              lambda m, _: MklSymbolNotLoaded(m["sym"])),
)


def claims(event: UndefinedSymbol) -> bool:
    """The static core's MPI-wrapper object needing the BLACS layer's name (this family says it, not the undefined one)."""
    return event.symbol == WRAPPERS and os.path.basename(event.referenced_from or "").startswith("libmkl_core")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(MklSymbolNotLoaded)[:1]:
        layers = exports.exporters(event.symbol)
        cluster = all(name.startswith("libmkl_blacs") for name in layers) and bool(layers)
        out.append(Finding(
            "mkl-layer-not-loaded", "error",
            f"MKL looked up {event.symbol} in the process and found it in no library loaded"
            + (": MKL's BLACS layer, which its cluster functions need, is not in the process" if cluster else ""),
            (f"Intel MKL FATAL ERROR: Cannot load symbol {event.symbol}",
             f"{event.symbol} is exported by {more(layers, 4)} only (mkldoctor's table of every release's exports)" if layers
             else f"{event.symbol} is in none of the libraries of mkldoctor's table"),
            ((f"link the BLACS layer of the MPI the program runs with into the module or program that calls MKL's cluster "
              f"functions (PARDISO's cluster solver, ScaLAPACK, the cluster FFT): {blacs.per_mpi('-l')} (_ilp64 with the ILP64 "
              "interface); a Python extension built "
              "against PETSc takes PETSc's whole BLAS/LAPACK line (its BLASLAPACK_LIB), not PETSc's library alone",
              "or for one run: LD_PRELOAD=<MKL's lib folder>/libmkl_blacs_intelmpi_lp64.so <the program>")
             if cluster else (f"load the library that exports {event.symbol} before MKL needs it",)),
            "MKL's core finds its cluster functions' MPI through the BLACS layer, which it opens by looking the name up in "
            "the process; nothing names the BLACS layer as a dependency, so a program or extension linked without it runs "
            "until the first cluster call.",
        ))
    wanted = [e for e in events.of(UndefinedSymbol) if claims(e)]
    if wanted:
        out.append(Finding(
            "mkl-layer-missing", "error",
            f"{WRAPPERS} undefined in libmkl_core.a: its MPI-wrapper object was linked in, and no BLACS archive is on the line",
            (f"{WRAPPERS} needed by {wanted[0].member or 'an object'} in {wanted[0].referenced_from}",
             f"{WRAPPERS} is exported by {more(exports.exporters(WRAPPERS), 4)} only: the BLACS layer of MKL's cluster functions",
             "libmkl_core.a's mkl_get_mpi_wrappers_static.o is taken in by a call of a cluster function (cluster PARDISO, "
             "ScaLAPACK), or by a link that takes the whole archive (-Wl,--whole-archive; Rust links a static library "
             "whole when a crate asks for +whole-archive or bundles it into an rlib)"),
            ("a program that uses MKL's cluster functions: add the BLACS archive of its MPI inside the group: "
             "-Wl,--start-group ... libmkl_core.a libmkl_blacs_intelmpi_lp64.a -Wl,--end-group (openmpi for Open MPI)",
             "a program that does not: link libmkl_core.a as an ordinary archive, not whole (no --whole-archive around it; "
             "for a Rust crate, link MKL in the final binary's build rather than the -sys crate's own test binaries), or "
             "link MKL's shared libraries"),
            "A static archive gives the link only the objects it needs, unless told to take them all; the core's "
            "MPI-wrapper object needs the BLACS layer, which a serial program never links.",
            locations=ctx.located(wanted, "undefined reference"),
        ))
    return out
