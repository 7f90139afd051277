"""A project's own prototype of a BLAS or LAPACK routine against MKL's header that declares it otherwise.

``e/lapack.hpp:18:5: error: conflicting declaration of C function 'int dgesv_(int*, ...)'`` (Macaulay2/M2#3372): the
project declares the Fortran routines itself (``int dgesv_(int *n, ...)``), and once a dependency built on MKL includes
MKL's mkl_lapack.h or mkl_blas.h in the same translation unit, C++ meets a second declaration of the same extern "C"
function: MKL's return void and take const pointers for the inputs. C says ``conflicting types for 'dgesv_'``. The name
is one that MKL exports (mkldoctor's table), so a clash with another library's header is not read as MKL's. Where only
the exception specification differs, g++ says ``declaration of '...' has a different exception specifier``: MKL's
headers declare the routines noexcept in C++ (hpddm/hpddm#128).

Two CBLAS headers in one file are a clash of their own: MKL's mkl_cblas.h and GSL's gsl_cblas.h (or another BLAS's
cblas.h) both declare CBLAS's enums, ``error: redeclaration of 'CblasRowMajor'`` (lagadic/visp#735), and their
functions' declarations then clash as well: one finding, which names the other header from the compiler's note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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
    wants: int = field(default=0, compare=False)  # clang's words: the name is in the code line after them

    def followed(self, lines: tuple[str, ...]) -> "PrototypeClash":
        code = next((m for line in lines[:2] for m in [_CODE.match(line)] if m), None)
        # the declaration it clashes with, from clang's note: the project's own header where the error is MKL's
        note = next((m["file"] for line in lines for m in [_NOTE.match(line)] if m), "")
        mine = note if note and re.search(r"(?:^|/)mkl\w*\.h$", self.file) else self.file
        return replace(self, name=code["name"] if code else "", file=mine, wants=0)


@dataclass(frozen=True, slots=True)
class CblasHeadersClash:
    """A CBLAS name declared by two headers in one file; ``other``: the other header, from the compiler's note after it."""

    name: str
    file: str
    line: str
    other: str = ""
    wants: int = field(default=8, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "CblasHeadersClash":
        mine = self.file.rsplit("/", 1)[-1]
        named = [m.group("h") for line in lines for m in _HEADER.finditer(line) if m.group("h") != mine]
        return replace(self, other=named[0] if named else "", wants=0)


_CLASH = re.compile(r"^(?:>\s*)?(?P<file>\S+?)(?::\d+(?::\d+)?:|\(\d+\):) error: (?:conflicting declaration of C function|"
                    r"conflicting types for) [‘'`\"](?:[^'’`\"(]*?[\s*&])?(?P<name>\w+)\s*(?:\(|[’'`\"])")

# the EDG front end's words (Intel's classic icpc, nvcc, PGI/NVHPC): 'error: more than one instance of overloaded function
# "dgesvdx_" has "C" linkage' (blaze-lib/blaze#114: Blaze's own prototype beside mkl_lapack.h's)
_EDG_CLASH = re.compile(r"^(?:>\s*)?(?:(?P<file>\S+?)(?:\(\d+\)|:\d+(?::\d+)?):\s*)?error: more than one instance of overloaded "
                        r"function [\"'“‘](?P<name>\w+)[\"'”’] has [\"'“‘]C[\"'”’] linkage")

# g++'s words where only the exception specification differs: MKL's headers declare the routines noexcept in C++
# (NOTHROW in mkl_blas.h and mkl_lapack.h: in 2020.4's and every mkl-include release from 2021.1, not in 2019.0's)
_NOEXCEPT = re.compile(r"^(?:>\s*)?(?:(?P<file>\S+?):\d+(?::\d+)?: )?error: declaration of [‘'`\"](?:[^'’`\"(]*?[\s*&])?(?P<name>\w+)\s*\("
                       r"[^’'`\"]*[’'`\"] has a different exception specifier")
# clang's: "mkl_blas.h:754:8: error: exception specification in declaration does not match previous declaration", the code
# line after it ("  754 | double dasum(const MKL_INT *n, ...) NOTHROW;") and a note at the other declaration (PETSc cbf68160)
_CLANG_NOEXCEPT = re.compile(r"^(?:>\s*)?(?P<file>\S+?):\d+(?::\d+)?: error: exception specification in declaration does not "
                             r"match previous declaration")
_CODE = re.compile(r"^\s*(?:\d+\s*\|\s*)?(?:[\w:]+[\s*&]+)+?(?P<name>\w+)\s*\(")
_NOTE = re.compile(r"^(?:>\s*)?(?P<file>\S+?):\d+(?::\d+)?: note: previous declaration is here")
# two CBLAS headers in one file: MKL's mkl_cblas.h and GSL's gsl_cblas.h (or another BLAS's cblas.h) both declare the
# enums' names (lagadic/visp#735): g++ 12's "conflicts with a previous declaration", older g++'s and gcc's "redeclaration
# of", clang's "redefinition of"
_ENUMS = re.compile(r"^(?:>\s*)?(?P<file>\S+?):\d+(?::\d+)?: error: (?:(?:redeclaration of|redefinition of|multiple definition of|"
                    r"conflicting declaration) (?:enumerator |enum |type )?[‘'`\"](?:enum |typedef [\w ]+? )?(?P<name>Cblas\w+|CBLAS_[A-Z]+)"
                    r"[’'`\"]|[‘'`\"](?P<name2>Cblas\w+|CBLAS_[A-Z]+)[’'`\"] conflicts with a previous declaration)")
_HEADER = re.compile(r"(?<![\w.-])(?P<h>[\w.+-]*cblas[\w.+-]*\.h)\b", re.I)  # a CBLAS header the lines after it name


@dataclass(frozen=True, slots=True)
class ArgumentCount:
    """A call to a LAPACK routine with another number of arguments than MKL's header declares: gcc's ``too many arguments
    to function 'sgeev_'``, MSVC's ``error C2660: "sgeev_": Funktion akzeptiert keine 16 Argumente`` (blaze#302)."""

    name: str
    given: str  # MSVC's number; "" where the compiler says only that there are too many
    line: str


_COUNT = re.compile(r"error: too many arguments to function [‘'`\"](?:[^'’`\"(]*?[\s*&])?(?P<name>\w+)\s*(?:\(|[’'`\"])|"
                    r"error C2660: [\"'“„‘]?(?P<msvc>\w+)[\"'”“’]?:\D*(?P<n>\d+)")


def _count(m: re.Match, _) -> ArgumentCount | object:
    name = m["name"] or m["msvc"]
    if not (linkorder.exporting(name, None) and name.rstrip("_").lower()[:1] in "sdczi"):
        return NOT_MINE
    return ArgumentCount(name, m["n"] or "", m.string.strip()[:300])


def _said(m: re.Match, _):
    name = m.group("name")
    if not linkorder.exporting(name, None):  # not a name of MKL's: another header's clash, for others to read
        return NOT_MINE
    return PrototypeClash(name, m.group("file") or "the project", m.string.strip()[:300])


SIGNATURES = (
    Signature("cxx-conflicting-c-declaration", "protoclash", "rror: conflicting declaration of C function", _CLASH, _said),
    Signature("c-conflicting-types", "protoclash", "rror: conflicting types for", _CLASH, _said),
    Signature("edg-c-linkage-overloaded", "protoclash", "rror: more than one instance", _EDG_CLASH, _said),
    Signature("cxx-exception-specifier", "protoclash", "rror: declaration of", _NOEXCEPT, _said),
    Signature("clang-exception-specification", "protoclash", "rror: exception specification", _CLANG_NOEXCEPT,
              lambda m, _: PrototypeClash("", m["file"], m.string.strip()[:300], wants=4)),
    Signature("lapack-call-argument-count", "protoclash", "rror", _COUNT, _count),
    Signature("cblas-enums-twice", "protoclash", "rror: ", _ENUMS,
              lambda m, _: CblasHeadersClash(m.group("name") or m.group("name2"), m.group("file"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    clash = events.of(CblasHeadersClash)
    out = [_cblas_headers(clash)] if clash else []
    out += [_hidden_lengths(events.of(ArgumentCount))] if events.of(ArgumentCount) else []
    # with two CBLAS headers in one file, their functions' declarations clash too: the same failure
    said = [e for e in events.of(PrototypeClash) if not (clash and _HEADER.search(e.file))
            and (e.name and linkorder.exporting(e.name, None))]  # clang's: a name read after its words, checked as _said's
    if not said:
        return out
    first = said[0]
    names = list(dict.fromkeys(e.name for e in said))
    noexcept = "exception specifi" in first.line
    return out + [Finding(
        "blas-prototype-clash", "error",
        f"the project declares {first.name} itself, and MKL's header declares it otherwise in the same file",
        (first.line,
         f"{', '.join(names[:4])}{' and more' if len(names) > 4 else ''}: BLAS or LAPACK routine(s) that MKL exports; "
         f"{first.file} declares them with its own types, and MKL's mkl_lapack.h and mkl_blas.h (included directly, or "
         "through mkl.h, cblas.h or a library built on MKL) declare them too: void results and const pointers for inputs, "
         "which C++ (and C) refuse as a second, different declaration"
         + ("; here only the exception specification differs: MKL's headers declare them noexcept in C++ (NOTHROW, in "
            "2020.4's headers and every release's from 2021.1, not in 2019.0's), the project's do not" if noexcept else "")),
        (f"declare {first.name} once: include MKL's header (mkl_lapack.h, mkl_blas.h) in place of the project's own "
         "prototypes when it builds with MKL, or guard them: #ifndef _MKL_LAPACK_H_ (and _MKL_BLAS_H_) around them, "
         "with the header included first (Macaulay2's fix, M2#4659)"
         + ("; or declare them noexcept when compiled against MKL (HPDDM's HPDDM_NOEXCEPT, hpddm#128)" if noexcept else ""),
         "or keep MKL's headers out of that file: include the dependency that pulls them in (mkl.h through a BLAS "
         "library's header) only where it is needed"),
        "A C function has one declaration per program; MKL's headers declare the Fortran BLAS and LAPACK routines with "
        "their own const-correct prototypes, which a project's hand-written ones rarely match.",
        (f"grep -rn '{first.name}' $MKLROOT/include/mkl_lapack.h $MKLROOT/include/mkl_blas.h   # MKL's declaration",),
    )]


ANOTHER = "another BLAS's header"


def _cblas_headers(clash: list[CblasHeadersClash]) -> Finding:
    first = clash[0]
    headers = {h for e in clash for h in (e.file.rsplit("/", 1)[-1], e.other) if _HEADER.fullmatch(h)}
    other = sorted(headers - {"mkl_cblas.h"})
    return Finding(
        "cblas-headers-clash", "error",
        f"two CBLAS headers in one file: MKL's mkl_cblas.h and {other[0] if other else ANOTHER} both declare {first.name}",
        (first.line,
         f"{first.name} is one of CBLAS's own names (CblasRowMajor, CBLAS_LAYOUT, CBLAS_TRANSPOSE), which every CBLAS header "
         "declares: MKL's mkl_cblas.h (through mkl.h), GSL's gsl_cblas.h (through gsl_blas.h), OpenBLAS's and netlib's "
         "cblas.h; C and C++ take each declaration once per translation unit"),
        ("include one BLAS's CBLAS header per file: with MKL, mkl.h or mkl_cblas.h alone (it declares the same cblas_* "
         "functions); keep the code that needs the other library's header (GSL's gsl_blas.h) in a file of its own",
         "or choose one BLAS for the build: a project with options for several (MKL, OpenBLAS, GSL) turns one on "
         "(ViSP made GSL one of its BLAS choices for this, visp#735); GSL runs on MKL's CBLAS when linked -lgsl with MKL "
         "in place of -lgslcblas"),
        "CBLAS is one interface with many implementations, each with its own header that declares the same enums; two of "
        "them in one file declare each name twice.",
        ("g++ -H -fsyntax-only <the file> <its flags> 2>&1 | grep -i cblas   # which headers the file includes, and through what",),
    )


def _hidden_lengths(said: list[ArgumentCount]) -> Finding:
    first = said[0]
    names = list(dict.fromkeys(e.name for e in said))
    return Finding(
        "lapack-hidden-length-arguments", "error",
        f"{', '.join(names[:3])}: the call passes {first.given + ' arguments, more' if first.given else 'more arguments'} "
        "than MKL's mkl_lapack.h declares: Fortran's hidden string lengths, which MKL's header leaves out",
        (first.line,
         "a Fortran routine receives each CHARACTER argument's length as a hidden argument after the others; callers "
         "written for gfortran's convention pass them (LAPACK's own lapack.h since 3.9.1 with LAPACK_FORTRAN_STRLEN_END, "
         "Blaze since its #251), and MKL's mkl_lapack.h declares the routines without them (MKL's LAPACK does not read "
         "them): one declaration, two argument counts, and the compiler refuses the call"),
        ("build the project's LAPACK calls without the lengths when MKL's header declares them: its switch for MKL, or a "
         "release with one (Blaze 917ab7a passes them only where INTEL_MKL_VERSION is undefined: blaze#302)",
         "or keep mkl_lapack.h (and mkl.h) out of that file: declare the routines from the project's or LAPACK's own "
         "header, whose calls link to MKL's routines all the same (the extra lengths are ignored)"),
        "Fortran's character arguments carry a hidden length at the end of the call; MKL's C declarations of its LAPACK "
        "routines have none, so a caller that passes them no longer matches the header.",
        (f"grep -n -A4 '{first.name}(' $MKLROOT/include/mkl_lapack.h   # MKL's declaration, without the lengths",),
    )
