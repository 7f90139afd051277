"""Arguments of another type than MKL's C declarations take. A complex array of the language's own type passed where MKL's
headers take MKL_Complex16 or MKL_Complex8: g++'s
``cannot convert 'std::complex<double>*' to 'MKL_Complex16*'`` (produced with g++ and the pinned headers), clang's ``no known
conversion from 'std::complex<double> *' to 'MKL_Complex16 *'``, MSVC's C2664, and gcc's ``incompatible pointer type``
under -Werror (``_Complex double *``; gcc 14 makes it an error).

MKL's complex types are structs of its own (mkl_types.h) unless the code defines them first: ``#define MKL_Complex16
std::complex<double>`` before the first MKL header makes every declaration take the language's type (same layout). It is
not a change of MKL's API, which the generic compile-error finding would say.

And values where MKL's Fortran-style interface (``dgemm``, ``dgetrf``, ``dgemm_``) takes addresses: g++'s ``invalid
conversion from 'int' to 'const int*'`` and ``cannot convert 'double' to 'const double*'`` at the call (produced with g++):
every argument of those is passed by reference; the C interfaces (cblas_dgemm, LAPACKE_dgetrf) take values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts as knowledge


@dataclass(frozen=True, slots=True)
class ComplexTypeMismatch:
    given: str  # "std::complex<double>*", "_Complex double *"
    mkl: str  # "MKL_Complex16"
    line: str


_GIVEN = r"(?P<given>(?:const\s+)?(?:std::)?complex<(?:double|float)>\s*\*|(?:_Complex (?:double|float)|(?:double|float) _?[Cc]omplex)\s*\*)"
_CONVERT = re.compile(rf"(?:cannot convert|no known conversion from|invalid conversion from)\W+(?:argument \d+ from\W+)?{_GIVEN}"
                      r"\W+to\W+(?:const\s+)?(?P<mkl>MKL_Complex(?:8|16))\b")


def _said(m: re.Match, _) -> ComplexTypeMismatch:
    return ComplexTypeMismatch(m["given"].strip(), m["mkl"], m.string.strip()[:300])


# gcc's C words (a warning, an error under -Werror and from gcc 14): the types are in the note under it
_NOTE = re.compile(r"note: expected [‘'`](?:const )?(?P<mkl>MKL_Complex(?:8|16)) \*[’'`].*?but argument is of type "
                   r"[‘'`](?P<given>[^’'`]+)[’'`]")


@dataclass(frozen=True, slots=True)
class IncompatiblePointer:
    """``error: passing argument 3 of 'zgetrf' from incompatible pointer type``: MKL's complex type when the note under it
    says so, else the unrecognised error it was."""

    line: str
    wants: int = field(default=12, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ComplexTypeMismatch | Unrecognised":
        note = next((m for line in lines for m in [_NOTE.search(line)] if m), None)
        return ComplexTypeMismatch(note["given"].strip(), note["mkl"], self.line) if note else Unrecognised(self.line)


def _incompatible(m: re.Match, _) -> IncompatiblePointer | object:
    return IncompatiblePointer(m.string.strip()[:300]) if re.match(r"(?:LAPACKE_|cblas_|mkl_)?[sdczh]\w{2,}_?$", m["fn"]) else NOT_MINE


@dataclass(frozen=True, slots=True)
class ValueForAddress:
    """A value passed where a function takes its address; MKL's when the call shown under the error is one of its
    Fortran-style routines, else the unrecognised error it was."""

    given: str
    line: str
    function: str = ""
    wants: int = field(default=10, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ValueForAddress | Unrecognised":
        # the call under gcc's caret ("    4 |     dgemm(...") or its note ("initializing argument 3 of 'void dgemm(")
        for line in lines:
            call = re.search(r"(?:^\s*\d+ \|.*?|initializing argument \d+ of [‘'`][\w ]*?)\b(?P<fn>[sdczhi]?[a-z]\w{2,12}_?)\s*\(", line)
            if call and _FORTRAN_STYLE.match(call["fn"]):
                return replace(self, function=call["fn"], wants=0)
        return Unrecognised(self.line)


# BLAS and LAPACK's Fortran-style names as MKL's C headers declare them (dgemm, dgemm_, DGEMM): not cblas_ or LAPACKE_
_FORTRAN_STYLE = re.compile(r"^(?:[sdcz](?:gemm|gemv|symm|syrk|trsm|trmm|axpy|dot[cu]?|scal|copy|swap|nrm2|asum|ger[cu]?|"
                            r"getrf|getrs|getri|gesv|gesvd|gesdd|gels[dsy]?|geev|geqrf|potrf|potrs|posv|syev[dr]?|heev[dr]?|"
                            r"orgqr|ungqr|ormqr|trtrs|lange|lacpy|laswp)|i[sdcz]amax)_?$", re.I)
_VALUE = re.compile(r"error: (?:invalid conversion from|cannot convert) [‘'`](?P<given>(?:const )?(?:int|long(?: long)?(?: int)?|"
                    r"double|float|MKL_INT|char)(?: const)?)[’'`] to [‘'`](?:const )?[\w ]+\*[’'`]")


def _value(m: re.Match, _) -> ValueForAddress:
    return ValueForAddress(m["given"], m.string.strip()[:300])


SIGNATURES = (
    Signature("mkl-complex-type-mismatch", "complextypes", "MKL_Complex", _CONVERT, _said),
    *(Signature(f"mkl-value-for-address-{i}", "complextypes", needle, _VALUE, _value)
      for i, needle in enumerate(("invalid conversion from", "cannot convert"))),
    Signature("c-incompatible-pointer-to-mkl", "complextypes", "rror: passing argument",
              re.compile(r"error: passing argument \d+ of [‘'`](?P<fn>\w+)[’'`] from incompatible pointer type"), _incompatible),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    values = events.of(ValueForAddress)
    said = events.of(ComplexTypeMismatch)
    return ([_by_value(values, ctx)] if values else []) + ([_complex(said, ctx)] if said else [])


def _by_value(values: list[ValueForAddress], ctx: Context) -> Finding:
    first = values[0]
    functions = list(dict.fromkeys(v.function for v in values))
    c_name = ("cblas_" if knowledge.BLAS_ROUTINE.match(first.function.lower()) else "LAPACKE_") + first.function.lower().rstrip("_")
    return Finding(
        "mkl-value-for-address", "error",
        f"the code passes values to {', '.join(functions[:3])}, which takes every argument by address (BLAS and LAPACK's "
        "Fortran interface)",
        (first.line, f"{first.function} is MKL's Fortran-style routine: its C declaration takes a pointer for each argument "
                     "(const MKL_INT *n, const double *alpha), as Fortran passes them"
         + (f"; {len(values)} arguments of the call are values" if len(values) > 1 else "")),
        ("pass each argument's address: &n for a size, &alpha for a scalar, held in variables of MKL_INT and the element "
         "type (a string or an array is an address already)",
         f"or call the C interface, which takes values: {c_name}(...) (mkl_cblas.h, mkl_lapacke.h: a layout argument first)"),
        "BLAS and LAPACK were written in Fortran, which passes every argument by reference; MKL's headers declare those "
        "routines so, and the C interfaces (CBLAS, LAPACKE) are the ones that take values.",
        (f"grep -n '{first.function}' <MKL's include>/mkl_blas.h <MKL's include>/mkl_lapack.h   # the declaration: pointers",),
        locations=ctx.located(values, first.function),
    )


def _complex(said: list[ComplexTypeMismatch], ctx: Context) -> Finding:
    first = said[0]
    cpp = "complex<" in first.given
    precision = "float" if first.mkl == "MKL_Complex8" else "double"
    own = f"std::complex<{precision}>" if cpp else f"{precision} _Complex"
    other = "MKL_Complex8 std::complex<float>" if first.mkl == "MKL_Complex16" else "MKL_Complex16 std::complex<double>"
    return Finding(
        "mkl-complex-type", "error",
        f"the code passes {first.given} where MKL's headers take {first.mkl}*: MKL's complex types are structs of its own "
        "unless the code defines them",
        (first.line, f"{first.mkl} is a struct of two {precision}s in mkl_types.h, declared only when the code has not "
                     f"defined {first.mkl} itself; {own} has the same layout, but a pointer to it does not convert"),
        (f"#define {first.mkl} {own} before the first #include of an MKL header (mkl.h, mkl_lapacke.h, mkl_cblas.h): "
         "MKL's declarations then take the language's own type" + (f"; #define {other} likewise" if cpp else ""),
         f"or convert at the call: reinterpret_cast<{first.mkl}*>(x.data())" if cpp else f"or cast at the call: ({first.mkl} *)x"),
        "MKL's headers name complex arrays MKL_Complex8 and MKL_Complex16 and let a program define them to its own complex "
        "types; without that definition they are structs, and a pointer to another type does not convert (C++ refuses, "
        "C warns, and refuses under -Werror and from gcc 14).",
        ("grep -n 'MKL_Complex' <the source file>   # a #define of it must come before the MKL include",),
        locations=ctx.located(said, first.mkl),
    )
