"""MKL's C names referenced with C++ linkage: a C++ file that declares ``void dgemm_(...)`` itself, without ``extern "C"``,
calls ``_Z6dgemm_PKcS0_...``, which no MKL library exports (GNU ld: ``undefined reference to `dgemm_(char const*, ...)'``,
with --no-demangle the mangled name; lld: ``undefined symbol: dgemm_(char const*, ...)``; each produced with g++).

The name is MKL's, and the link may well have MKL: what is missing is the C linkage of the declaration. MKL's own headers
(mkl.h, mkl_blas.h, mkl_lapack.h) declare every routine inside ``extern "C"``.
"""

from __future__ import annotations

import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import UndefinedSymbol
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports
from mkldoctor.knowledge import facts as knowledge

_DEMANGLED = re.compile(r"^(?P<name>[A-Za-z_]\w*)\(.*\)(?: const)?$")  # a free function, as ld demangles it
_MANGLED = re.compile(r"^_Z(?P<n>\d+)")  # a free function's Itanium name: _Z, its name's length, the name, its parameters


def c_name(symbol: str) -> str | None:
    """The C name of a C++ free function's symbol (``dgemm_(char const*, ...)``, ``_Z6dgemm_PKc...``), when it is MKL's."""
    demangled = _DEMANGLED.match(symbol)
    mangled = _MANGLED.match(symbol)
    name = demangled["name"] if demangled else symbol[mangled.end():mangled.end() + int(mangled["n"])] if mangled else None
    if not name or (exports.history(name) is None and not knowledge.looks_like_mkl(name)):
        return None
    return name


def finding(events: list[UndefinedSymbol], ctx: Context) -> Finding:
    names = list(dict.fromkeys(c_name(e.symbol) for e in events))
    symbols = list(dict.fromkeys(e.symbol for e in events))
    by_symbol = {s: [e for e in events if e.symbol == s] for s in symbols}
    return Finding(
        "mkl-cxx-linkage", "error",
        f"{more(names, 3)} referenced with C++ linkage: the code declares MKL's C {'name' if len(names) == 1 else 'names'} "
        "without extern \"C\", so the link looks for a C++ symbol MKL does not export",
        (*needed_by(symbols[:2], by_symbol),
         f"{symbols[0] if len(symbols[0]) <= 60 else symbols[0][:57] + '...'} is the C++ symbol of {names[0]}: C++ "
         "encodes a function's parameters into its name unless "
         "it is declared extern \"C\"; MKL exports the plain C name"),
        (("include MKL's header instead of declaring the routine, and call the name it declares: #include \"mkl.h\" and "
          f"{names[0][:-1]}(...) (mkl_blas.h declares {names[0][:-1]} and {names[0][:-1].upper()}, not {names[0]}: every "
          "mkl-include release from 2018.0 to 2026.2; its declarations are extern \"C\")")
         if names[0].endswith("_") and knowledge.BLAS_ROUTINE.match(names[0]) else
         "include MKL's header instead of declaring the routine: #include \"mkl.h\" (or mkl_lapack.h), whose "
         "declarations are extern \"C\"",
         f"or wrap the project's own declaration: extern \"C\" {{ void {names[0]}(...); }}"),
        "A C++ compiler gives every function C++ linkage (a name with its parameter types encoded) unless it is declared "
        "extern \"C\"; a library written in C or Fortran, as MKL's routines are, exports only the plain name.",
        (f"nm -C <the object> | grep -w U | grep '{names[0]}'   # the reference, with its parameter list: C++ linkage",),
        locations=ctx.located(events, names[0]),
    )
