"""Names of another BLAS's extensions that no MKL release exports, undefined in a link: OpenBLAS's out-of-place and in-place
transposes and its matrix add (``cblas_domatcopy``, ``cblas_simatcopy``, ``cblas_dgeadd``, and their Fortran names
``domatcopy_``). MKL has the same operations under its own names and arguments (``mkl_domatcopy``, ``mkl_dimatcopy``,
``mkl_domatadd``, in mkl_trans.h); a BLAS without extensions (the reference BLAS, Apple's Accelerate behind ``-lblas``) has
none of them. Read by :mod:`undefined` before its groups: whatever the line links, the name is not MKL's to give.
"""

from __future__ import annotations

import re

from mkldoctor.explain.events import LinkCommand, UndefinedSymbol
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports

_EXTENSION = re.compile(r"^(?:cblas_(?P<c>[sdcz])(?P<op>omatcopy|imatcopy|geadd)"
                        r"|(?P<f>[sdcz])(?P<fop>omatcopy|imatcopy|geadd)_)$")
_MKL_NAME = {"omatcopy": "omatcopy", "imatcopy": "imatcopy", "geadd": "omatadd"}  # mkl_?omatadd adds two matrices out of place
_BLAS_LIBS = ("blas", "cblas", "openblas", "satlas", "tatlas", "refblas", "blis")  # FlexiBLAS forwards the extensions


def extensions(symbols) -> list[str]:
    """The names among ``symbols`` that are OpenBLAS's extensions and no MKL release exports."""
    return [s for s in symbols if _EXTENSION.match(s) and exports.history(s) is None]


def finding(symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]], command: LinkCommand | None) -> Finding:
    m = _EXTENSION.match(symbols[0])
    kind, op = (m.group("c"), m.group("op")) if m.group("c") else (m.group("f"), m.group("fop"))
    mkl = f"mkl_{kind}{_MKL_NAME[op]}"
    libs = [r.name for r in command.libs] if command is not None else []
    mkl_linked = any(n.startswith("mkl") for n in libs)
    other = next((n for n in libs if n.lower() in _BLAS_LIBS), None)
    said = [f"{more(symbols, 3)} {'is' if len(symbols) == 1 else 'are'} OpenBLAS's extension{'' if len(symbols) == 1 else 's'} "
            f"(not in the BLAS standard): no MKL release exports {'it' if len(symbols) == 1 else 'them'}; MKL's own "
            f"{op} is {mkl} (mkl_trans.h, which C code must include: its macro makes the name MKL's C routine, the bare "
            "symbol is the Fortran one), with its own arguments (the ordering and transpose as characters: 'R' or 'C', "
            "'N' or 'T')"]
    if other and not mkl_linked:
        said.append(f"the link takes -l{other} and no MKL library: "
                    + ("OpenBLAS has the name, so the -l" + other + " found is another library of that name"
                       if other == "openblas" else
                       f"lib{other} is a BLAS without OpenBLAS's extensions (the reference BLAS; on macOS, -lblas is "
                       "Apple's Accelerate)"))
    return Finding(
        "blas-extension-missing", "error",
        f"{symbols[0]} is OpenBLAS's extension, which no MKL release has"
        + (f" and lib{other} lacks: the link has no library that defines it" if other and not mkl_linked and other != "openblas"
           else ""),
        tuple(needed_by(symbols, by_symbol) + said),
        (f"with MKL: call {mkl} in place of {symbols[0]}, with #include <mkl_trans.h> (the project's code path for MKL, "
         "where it has one: an option that says the BLAS is MKL), and link MKL (mkldoctor link --format flags)",
         (f"the libopenblas the link finds lacks {symbols[0]}: another library of that name, or an old build; point -L at "
          "a current OpenBLAS (ldd or -Wl,--trace shows which file it takes)" if other == "openblas" else
          f"or link OpenBLAS, which defines {symbols[0]}: -lopenblas in place of "
          + (f"-l{other}" if other else "the BLAS on the line") + " (Debian: libopenblas-dev; macOS: brew install openblas, "
          "with -L$(brew --prefix openblas)/lib)")),
        "OpenBLAS adds matrix copy, transpose and add routines to CBLAS under cblas_ names; MKL has the same operations as "
        "mkl_?omatcopy, mkl_?imatcopy and mkl_?omatadd, and the reference BLAS has none: code written for one BLAS's "
        "extensions links only against that BLAS.",
        (f"nm -D --defined-only <the BLAS library> | grep -w {symbols[0]}   # whether the library linked defines it",),
    )
