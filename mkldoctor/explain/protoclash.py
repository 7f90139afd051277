"""A project's own prototype of a BLAS or LAPACK routine against MKL's header that declares it otherwise.

``e/lapack.hpp:18:5: error: conflicting declaration of C function 'int dgesv_(int*, ...)'`` (Macaulay2/M2#3372): the
project declares the Fortran routines itself (``int dgesv_(int *n, ...)``), and once a dependency built on MKL includes
MKL's mkl_lapack.h or mkl_blas.h in the same translation unit, C++ meets a second declaration of the same extern "C"
function: MKL's return void and take const pointers for the inputs. C says ``conflicting types for 'dgesv_'``. The name
is one that MKL exports (mkldoctor's table), so a clash with another library's header is not read as MKL's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain import linkorder
from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class PrototypeClash:
    name: str
    file: str
    line: str


_CLASH = re.compile(r"^(?:>\s*)?(?P<file>\S+?)(?::\d+(?::\d+)?:|\(\d+\):) error: (?:conflicting declaration of C function|"
                    r"conflicting types for) [‘'`\"](?:[^'’`\"(]*?[\s*&])?(?P<name>\w+)\s*(?:\(|[’'`\"])")


def _said(m: re.Match, _):
    name = m.group("name")
    if not linkorder.exporting(name, None):  # not a name of MKL's: another header's clash, for others to read
        return NOT_MINE
    return PrototypeClash(name, m.group("file"), m.string.strip()[:300])


SIGNATURES = (
    Signature("cxx-conflicting-c-declaration", "protoclash", "rror: conflicting declaration of C function", _CLASH, _said),
    Signature("c-conflicting-types", "protoclash", "rror: conflicting types for", _CLASH, _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PrototypeClash)
    if not said:
        return []
    first = said[0]
    names = list(dict.fromkeys(e.name for e in said))
    return [Finding(
        "blas-prototype-clash", "error",
        f"the project declares {first.name} itself, and MKL's header declares it otherwise in the same file",
        (first.line,
         f"{', '.join(names[:4])}{' and more' if len(names) > 4 else ''}: BLAS or LAPACK routine(s) that MKL exports; "
         f"{first.file} declares them with its own types, and MKL's mkl_lapack.h and mkl_blas.h (included directly, or "
         "through mkl.h, cblas.h or a library built on MKL) declare them too: void results and const pointers for inputs, "
         "which C++ (and C) refuse as a second, different declaration"),
        (f"declare {first.name} once: include MKL's header (mkl_lapack.h, mkl_blas.h) in place of the project's own "
         "prototypes when it builds with MKL, or guard them: #ifndef _MKL_LAPACK_H_ (and _MKL_BLAS_H_) around them, "
         "with the header included first (Macaulay2's fix, M2#4659)",
         "or keep MKL's headers out of that file: include the dependency that pulls them in (mkl.h through a BLAS "
         "library's header) only where it is needed"),
        "A C function has one declaration per program; MKL's headers declare the Fortran BLAS and LAPACK routines with "
        "their own const-correct prototypes, which a project's hand-written ones rarely match.",
        (f"grep -rn '{first.name}' $MKLROOT/include/mkl_lapack.h $MKLROOT/include/mkl_blas.h   # MKL's declaration",),
    )]
