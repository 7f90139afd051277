"""Trilinos' Tpetra templates for float left undefined by an MKL build's configuration: candi's MKL=ON path sets
Tpetra_INST_FLOAT=OFF (Teuchos finds no float BLAS in MKL) and left Trilinos_ENABLE_FLOAT=ON, so Stratimikos and Belos
were built for float and call Tpetra's float code, which no library defines (candi#390, Trilinos#13456; candi PR #405
turned Trilinos_ENABLE_FLOAT off with it).
"""

from __future__ import annotations

import re

from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding

# a Tpetra class template's member for float: "Tpetra::MultiVector<float, int, long long, ...>::randomize()"
TPETRA_FLOAT = re.compile(r"^(?:[\w:<>]+\s+)?Tpetra::(?P<cls>\w+)<(?P<type>float|std::complex<float>)\s*,")


def _short(name: str) -> str:
    """``Tpetra::MultiVector<float, ...>::multiply()`` for a demangled name of hundreds of characters."""
    head = TPETRA_FLOAT.match(name)
    member = re.search(r">::(~?\w+)\(", name)
    return f"Tpetra::{head['cls']}<{head['type']}, ...>::{member[1]}()" if head and member else name


def float_not_instantiated(symbols: list[str], by_symbol) -> Finding:
    users = sorted({e.referenced_from.rsplit("/", 1)[-1] for s in symbols for e in by_symbol[s] if e.referenced_from})
    return Finding(
        "tpetra-float-not-instantiated", "error",
        f"undefined: {more([_short(s) for s in symbols], 2)}: Tpetra's code for float, which Trilinos' configuration did not "
        "build while packages on top of it were built for float",
        (*needed_by(symbols, by_symbol)[:3],
         "these are Tpetra's class templates instantiated for float: Tpetra builds them only with Tpetra_INST_FLOAT=ON, while "
         f"{more(users, 2) if users else 'the packages above it (Stratimikos, Belos)'} followed Trilinos_ENABLE_FLOAT=ON",
         "a Trilinos build for MKL turns Tpetra's float off (candi's MKL=ON: Teuchos finds no float BLAS in MKL) and, before "
         "candi PR #405, left Trilinos_ENABLE_FLOAT on (candi#390, Trilinos#13456)"),
        ("configure Trilinos with -DTrilinos_ENABLE_FLOAT=OFF beside Tpetra_INST_FLOAT=OFF (candi: take a release with PR "
         "#405, or set it in trilinos.package's MKL branch), then rebuild Trilinos from an empty build folder",
         "or turn Tpetra's float on (-DTpetra_INST_FLOAT=ON) where the BLAS the build links has float support"),
        "Tpetra compiles its templates only for the scalar types its INST options list; packages built on it compile their own "
        "code for every type Trilinos_ENABLE_FLOAT enables and call Tpetra's for each, so a type on for them and off for "
        "Tpetra leaves those calls to a library that does not define them.",
        ("grep -E 'Trilinos_ENABLE_FLOAT|Tpetra_INST_FLOAT' <Trilinos build folder>/CMakeCache.txt   # the two settings",),
    )
