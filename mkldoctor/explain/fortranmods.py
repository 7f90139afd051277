"""A Fortran ``USE module, ONLY: name`` whose name the module no longer has, where the module is MKL's.

Intel Fortran's ``error #6580: Name in only-list does not exist or is not accessible.   [MKL_DCSRMV]`` and gfortran's
``Symbol 'mkl_dcsrmv' referenced at (1) not found in module 'mkl_spblas'`` (jvdp1/libsparse PR #72: MKL 2026.0 removed
the NIST-style sparse BLAS, mkl_?csrmv, mkl_?csrmm and their kin, from mkl_spblas.fi; the export table says which
release last had a name). The compile stops before any link: a newer MKL's headers, not a missing library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
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


SIGNATURES = (
    Signature("ifort-only-list", "fortranmods", "only-list",
              re.compile(r"#6580: Name in only-list does not exist or is not accessible\.?(?:\s*\[(?P<name>\w+)\])?"),
              lambda m, _: OnlyListName((m.group("name") or "").lower(), "", m.string.strip()[:300])),
    Signature("gfortran-not-in-module", "fortranmods", "found in module",
              re.compile(r"Symbol '(?P<name>\w+)' referenced at \(\d+\) not found in module '(?P<mod>\w+)'"),
              lambda m, _: OnlyListName(m.group("name").lower(), m.group("mod"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
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
