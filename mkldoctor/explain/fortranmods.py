"""A Fortran ``USE module, ONLY: name`` whose name the module no longer has, where the module is MKL's.

Intel Fortran's ``error #6580: Name in only-list does not exist or is not accessible.   [MKL_DCSRMV]`` and gfortran's
``Symbol 'mkl_dcsrmv' referenced at (1) not found in module 'mkl_spblas'`` (jvdp1/libsparse PR #72: MKL 2026.0 removed
the NIST-style sparse BLAS, mkl_?csrmv, mkl_?csrmm and their kin, from mkl_spblas.fi; the export table says which
release last had a name). The compile stops before any link: a newer MKL's headers, not a missing library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports

_NIST_SPARSE = re.compile(r"^mkl_[sdcz](?:csr|csc|coo|bsr|dia|sky)\w*$")
_EXAMPLE = "mkl_dcsrmv"  # one of the NIST-style sparse BLAS routines, to read from the export table when they went


@dataclass(frozen=True, slots=True)
class OnlyListName:
    name: str  # "" when the compiler's line does not name it (a paste of the message alone)
    module: str
    line: str


# MKL's Fortran modules and the source in MKL's include folder that defines each (read from MKL 2020.4's include/; tests
# hold it against Debian's copy): MKL ships these as sources, to compile with the program's own compiler (a .mod file is
# one compiler's), and prebuilt .mod files only of blas95, lapack95, f95_precision and mkl_service, for Intel's compilers,
# in include/intel64/lp64 and ilp64
MODULE_SOURCES = {
    "blas95": "blas.f90", "lapack95": "lapack.f90", "f95_precision": "blas.f90", "mkl_jit_blas": "mkl_blas.f90",
    "mkl_cdft": "mkl_cdft.f90", "mkl_cdft_dm_type": "mkl_cdft.f90", "mkl_cluster_sparse_solver": "mkl_cluster_sparse_solver.f90",
    "mkl_df": "mkl_df.f90", "mkl_df_type": "mkl_df.f90", "mkl_dfti": "mkl_dfti.f90", "mkl_dft_type": "mkl_dfti.f90",
    "mkl_dss": "mkl_dss.f90", "mkl_pardiso": "mkl_pardiso.f90", "mkl_poisson": "mkl_poisson.f90", "mkl_rci": "mkl_rci.f90",
    "mkl_service": "mkl_service.f90", "mkl_solvers_ee": "mkl_solvers_ee.f90", "mkl_sparse_handle": "mkl_sparse_handle.f90",
    "mkl_sparse_qr": "mkl_sparse_qr.f90", "mkl_spblas": "mkl_spblas.f90", "mkl_trig_transforms": "mkl_trig_transforms.f90",
    "mkl_vsl": "mkl_vsl.f90", "mkl_vsl_type": "mkl_vsl.f90",
}
_PREBUILT = ("blas95", "lapack95", "f95_precision", "mkl_service")


@dataclass(frozen=True, slots=True)
class ModuleMissing:
    """gfortran's ``Cannot open module file 'mkl_dfti.mod' for reading``, ifort's ``error #7002: Error in opening the
    compiled module file.  Check INCLUDE paths.   [MKL_DFTI]``: a USE of one of MKL's modules, never compiled."""

    module: str
    line: str


def _module(m: re.Match, _):
    name = m.group("mod").lower()
    return ModuleMissing(name, m.string.strip()[:300]) if name in MODULE_SOURCES else NOT_MINE


SIGNATURES = (
    Signature("gfortran-module-missing", "fortranmods", "annot open module file",
              re.compile(r"Cannot open module file '(?P<mod>\w+)\.mod' for reading"), _module),
    Signature("ifort-module-missing", "fortranmods", "Error in opening the compiled module",
              re.compile(r"#7002: Error in opening the compiled module file\.\s+Check INCLUDE paths\.\s+\[(?P<mod>\w+)\]"), _module),
    Signature("ifort-only-list", "fortranmods", "only-list",
              re.compile(r"#6580: Name in only-list does not exist or is not accessible\.?(?:\s*\[(?P<name>\w+)\])?"),
              lambda m, _: OnlyListName((m.group("name") or "").lower(), "", m.string.strip()[:300])),
    Signature("gfortran-not-in-module", "fortranmods", "found in module",
              re.compile(r"Symbol '(?P<name>\w+)' referenced at \(\d+\) not found in module '(?P<mod>\w+)'"),
              lambda m, _: OnlyListName(m.group("name").lower(), m.group("mod"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _modules(events) + _only_list(events)


def _modules(events: Parsed) -> list[Finding]:
    said = events.of(ModuleMissing)
    if not said:
        return []
    names = list(dict.fromkeys(e.module for e in said))
    sources = list(dict.fromkeys(MODULE_SOURCES[n] for n in names))
    prebuilt = [n for n in names if n in _PREBUILT]
    fix = [f"compile MKL's module source before the code that uses it, with the same compiler and flags: gfortran -c "
           f"-I$MKLROOT/include $MKLROOT/include/{sources[0]} (ifx and ifort the same; -fdefault-integer-8 or -i8 for ILP64), "
           f"or INCLUDE '{sources[0]}' at the top of the file that uses it, with -I$MKLROOT/include"]
    if prebuilt:  # its .mod is there for Intel's compilers; gfortran needs MKL's Fortran 95 interfaces built for it
        interface = "lapack95" if prebuilt[0] == "lapack95" else "blas95"
        fix[:0 if prebuilt[0] == "mkl_service" else 1] = [
            f"{prebuilt[0]}.mod is prebuilt for Intel's compilers only: with ifx or ifort add -I$MKLROOT/include/intel64/lp64 "
            f"(ilp64 for 64-bit integers); with gfortran build MKL's Fortran 95 interface from $MKLROOT/share/mkl/interfaces/"
            f"{interface} (before oneAPI 2024: $MKLROOT/interfaces/{interface}): make libintel64 FC=gfortran INSTALL_DIR=<a "
            "folder>, then -I<that folder>/include/intel64/lp64 and its library on the link"]
    return [Finding(
        "mkl-fortran-module-missing", "error",
        f"the compiler cannot open {', '.join(n + '.mod' for n in names[:3])}: MKL ships {'it' if len(names) == 1 else 'them'} "
        "as Fortran source, to compile with the program's own compiler",
        (said[0].line, f"{names[0]} is defined in MKL's include/{MODULE_SOURCES[names[0]]}: a .mod file is written by one "
         "compiler for itself, so MKL ships the source (and prebuilt .mod files only of blas95, lapack95, f95_precision and "
         "mkl_service, for Intel's compilers)"),
        tuple(fix),
        "A Fortran USE reads the module's compiled .mod file from the include path; MKL's modules exist only once the build "
        "compiles their sources (or, for Intel's compilers, points at MKL's prebuilt ones).",
        ("ls $MKLROOT/include/*.f90 $MKLROOT/include/intel64/lp64/*.mod   # MKL's module sources and prebuilt modules",),
    )]


def _only_list(events: Parsed) -> list[Finding]:
    said = events.of(OnlyListName)
    if not said:
        return []
    named = [e for e in said if e.name]
    first = named[0] if named else said[0]
    history = exports.history(first.name) if first.name else None
    gone = history.overall.gone_since if history is not None else None
    sparse = exports.history(_EXAMPLE)
    sparse_gone = sparse.overall.gone_since if sparse is not None else None
    evidence = [first.line, "a name in a USE ... ONLY list is not in the module it names: the module (its .mod, or MKL's "
                            ".fi include) is of another release than the code was written for"]
    if gone:
        evidence.append(f"{first.name} is in MKL {history.overall.first} to {history.overall.last} and in no release from "
                        f"{gone} on (mkldoctor's table of every release's exports): these headers are {gone} or newer")
    elif not first.name or first.module.lower().startswith("mkl"):
        evidence.append(f"with MKL's modules (mkl_spblas and its mkl_spblas.fi) this is, most often, a routine a release "
                        f"removed: MKL {sparse_gone} dropped the NIST-style sparse BLAS (mkl_?csrmv, mkl_?csrmm, "
                        "mkl_?csrtrsv and their kin)")
    last = history.overall.last if gone else sparse.overall.last if sparse is not None else "the last release that has it"
    return [Finding(
        "mkl-api-changed", "error",
        f"the Fortran code USEs {first.name or 'a name'} from "
        f"{first.module or 'a module'}, which these headers no longer have" + (f": MKL {gone} removed it" if gone else ""),
        tuple(evidence),
        ("port the calls to the routines that replace them" + (
            " (the NIST-style sparse BLAS to the Inspector-executor Sparse BLAS: mkl_sparse_?_mv, mkl_sparse_?_mm, "
            "mkl_sparse_?_trsv)" if not first.name or _NIST_SPARSE.match(first.name) else "") + ", or to the project's own code",
         f"or build against an MKL that still has them: MKL {last} or older (pin it in the CI's installer)"),
        "Fortran checks a USE ... ONLY list against the module at compile time; a routine a newer MKL removed from its "
        "interfaces fails there, before any link.",
        ("grep -n -i '<the name>' ${MKLROOT}/include/mkl_spblas.f90 ${MKLROOT}/include/mkl_spblas.fi   # whether these headers still declare it",),
    )]
