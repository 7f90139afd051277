"""MPI's names undefined at link time: ``undefined reference to `MPI_Alltoall'``, ``ompi_mpi_char`` (Open MPI's),
``MPIR_...`` (MPICH's and Intel MPI's internals), Fortran's ``mpi_init_``.

Needed by MKL's BLACS or ScaLAPACK layer, the layer is on a link that has no MPI (a serial build given the cluster
libraries). Needed by the program's own objects, the link has no MPI library at all: a plain compiler in place of MPI's
wrapper (mpicc, mpif90), or a build whose variable for MPI's libraries holds another library's line (NWChem's LIBMPI
given MKL's link line, which belongs in BLASOPT: its forum's thread 1330).
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import UndefinedSymbol
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs, layout

MPI_NAME = re.compile(r"^(?:P?MPI_\w+|ompi_\w+|MPIR_\w+|MPIDI_\w+|mpi_\w+_)$")


def _needed_by_cluster(events: list[UndefinedSymbol]) -> bool:
    return any(layout.role(e.referenced_from or "") == "cluster" for e in events)


def _cluster_needs_mpi(ctx: Context, symbols: list[str], by_symbol) -> Finding:
    users = sorted({os.path.basename(e.referenced_from) for s in symbols for e in by_symbol[s] if e.referenced_from})
    command = ctx.main_command()
    line = " ".join(command.argv) if command is not None else ""
    # Open MPI's names (ompi_mpi_*) wanted by its BLACS layer on a line that links Intel MPI (nwchem's forum #3527)
    openmpi = "openmpi" in " ".join(users) and any(s.startswith("ompi_") for s in symbols)
    other = openmpi and bool(re.search(r"-lmpifort\b|[/\\]impi[/\\]", line))
    # only Open MPI's own names and the handle conversions MPICH's family defines as macros (MPI_Op_c2f): an MPI is there,
    # of MPICH's family (Intel MPI, MPICH, MVAPICH), not Open MPI (dftbplus 70bd6ca: its Intel template took mkl_blacs_intelmpi)
    family = openmpi and not other and all(s.startswith("ompi_") or re.fullmatch(r"P?MPI_\w+_(?:c2f|f2c)", s) for s in symbols)
    mismatch = ((f"the line links Intel MPI (-lmpifort, its impi folder) and Open MPI's BLACS layer: use the BLACS layer "
                 "of the MPI linked, mkl_blacs_intelmpi_* with Intel MPI (or MPICH) (Intel's Link Line Advisor's line)",)
                if other else
                ("the MPI compiler wrapper or library of the link is of MPICH's family (Intel MPI, MPICH, MVAPICH), not Open "
                 "MPI: "
                 "link MKL's BLACS layer for it, mkl_blacs_intelmpi_* (DFTB+'s Intel template since 70bd6ca), or build with Open "
                 "MPI's wrappers where the Open MPI layer is meant",) if family else ())
    return Finding(
        "mkl-cluster-needs-mpi", "error",
        f"{more(users, 2)} needs Open MPI ({more(symbols, 3)}), and the link has Intel MPI: MKL's BLACS layer of "
        "another MPI" if other else
        f"{more(users, 2)} needs Open MPI ({more(symbols, 3)}): MKL's BLACS layer for Open MPI on a link whose MPI is of "
        "MPICH's family" if family else
        f"{more(users, 2)} needs MPI ({more(symbols, 3)}): MKL's BLACS layer is on a link that has no MPI library",
        (*needed_by(symbols, by_symbol)[:4],
         f"{more(users, 2)} is MKL's BLACS (or ScaLAPACK) layer, for MPI programs: it calls the MPI library it was built for, "
         "which only an MPI link (mpicc, mpif90, or -lmpi) brings",
         *(("the names undefined are Open MPI's own (ompi_*) and the handle conversions (MPI_*_c2f) that MPICH's family "
            "defines as macros, not functions: the log shows none of MPI's common functions undefined, so the link has an "
            "MPI, of another kind",)
           if family else ())),
        (*mismatch, "a serial build (no MPI): take MKL's ScaLAPACK and BLACS off its link line (-lmkl_scalapack_*, -lmkl_blacs_*): "
         "BLAS, LAPACK and FFT need neither",
         "an MPI build: link with the MPI's compiler wrapper (mpicc, mpicxx, mpif90) or add its library (-lmpi; Open MPI's "
         f"Fortran programs also -lmpi_mpifh), with the BLACS layer of that MPI ({blacs.per_mpi('', '*')})"),
        "MKL's cluster libraries sit on top of an MPI; a build that names them without that MPI leaves MPI's functions "
        "undefined.",
        locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
    )


def findings(ctx: Context, symbols: list[str], by_symbol) -> list[Finding]:
    """MKL's cluster layer without its MPI where a cluster layer needs the names; else the link without any MPI."""
    cluster = [s for s in symbols if _needed_by_cluster(by_symbol[s])]
    if cluster:
        return [_cluster_needs_mpi(ctx, cluster, by_symbol)]  # the program's own MPI names: the same missing MPI
    return [_mpi_not_linked(ctx, symbols, by_symbol)]


def _mpi_not_linked(ctx: Context, symbols: list[str], by_symbol) -> Finding:
    command = ctx.main_command()
    libs = [r.name for r in command.libs] if command is not None else []
    mpi_libs = [name for name in libs if re.match(r"mpi|pmpi|mpich|mpifort|mpi_", name)]
    open_mpi = any(s.startswith("ompi_") for s in symbols)
    mkl_libs = [name for name in libs if name.startswith("mkl_")]
    evidence = [*needed_by(symbols, by_symbol)[:4],
                f"{more(symbols, 3)} {'is' if len(symbols) == 1 else 'are'} MPI's ("
                + ("ompi_ names are Open MPI's own: its mpi.h makes MPI_CHAR and the other handles refer to them" if open_mpi
                   else "the MPI standard's functions") + "), defined by the MPI library only"]
    if command is not None:
        evidence.append(f"the link line names {'no MPI library' if not mpi_libs else 'MPI libraries ' + ', '.join(mpi_libs)}"
                        + (f" and MKL's {more(mkl_libs, 3)}" if mkl_libs and not mpi_libs else ""))
    from mkldoctor.explain.linker import DsoMissing

    evidence += [f"{e.library} holds them, but the link line does not name it (ld: DSO missing from command line): the link "
                 "was not made by the MPI's wrapper, which names it" for e in ctx.lines if isinstance(e, DsoMissing)
                 and os.path.basename(e.library).startswith("libmpi")][:1]
    fix = ["link with the MPI's compiler wrapper (mpicc, mpicxx, mpif90: mpicc -showme (Open MPI) or mpicc -show (MPICH, "
           "Intel MPI) prints the libraries it adds), or add them to the link: Open MPI: -lmpi, Fortran also -lmpi_mpifh "
           "(before Open MPI 1.7: -lmpi_f77 -lmpi_f90); MPICH and Intel MPI: -lmpi (Fortran: -lmpifort)",
           "a configure or CMake build: give each language's compiler as the MPI's wrapper, CC, CXX and FC (Intel MPI: "
           "mpiicx, mpiicpx, mpiifx): with only CC and FC given, elpa#45's C++ test programs were linked by plain g++",
           "a build with a variable for MPI's libraries and another for BLAS and LAPACK (NWChem's LIBMPI and BLASOPT, a "
           "Makefile's MPI_LIBS and BLAS_LIBS): MKL's link line belongs in the BLAS one; the MPI one holds MPI's libraries "
           "(NWChem's forum: LIBMPI given MKL's line left MPI out of the link)"]
    return Finding(
        "mpi-not-linked", "error",
        f"{more(symbols, 3)} undefined: MPI's functions, and no MPI library on the link defines them",
        tuple(evidence), tuple(fix),
        "Code compiled against mpi.h calls the MPI library; a link made with the plain compiler, or whose MPI libraries "
        "were replaced by another library's line, leaves those calls undefined.",
        ("mpicc -showme:link 2>/dev/null || mpicc -show   # the MPI libraries the wrapper links",),
        locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
    )
