"""A Julia session's own lines: the packages it loaded (``julia> using MKL``, ``using PyPlot``; PyCall's ``pyimport("numpy")``),
which the readers of a crash, of Julia's BLAS and of a loader's failure consult; and MKL's own errors in a session that
brought Python's numpy in beside Julia's BLAS (MKL.jl#46).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.runtime import MklKernelUndefined, ParameterError
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class JuliaUsing:
    """``julia> using MKL``, ``using PyPlot``: the packages a Julia session loaded before it crashed."""

    modules: tuple[str, ...]


_USING = re.compile(r"^\s*(?:julia> )?using\s+(?P<mods>\w+(?:\s*,\s*\w+)*)\s*;?\s*$")
# Julia packages that load Python into the process, and with it numpy's own BLAS (MKL with 32-bit integers, or OpenBLAS)
PYTHON_IN_JULIA = {"PyPlot", "PyCall", "PythonCall", "Pandas", "SymPy", "Seaborn", "PythonPlot"}


SIGNATURES = (
    Signature("julia-using", "crash", "using ", _USING,
              lambda m, _: JuliaUsing(tuple(x.strip() for x in m.group("mods").split(",")))),
    # PyCall's import of a Python module into the session: numpy brings its own BLAS
    Signature("julia-pyimport", "crash", "pyimport(", re.compile(r"^\s*(?:julia> )?(?:\w+\s*=\s*)?pyimport\(\"(?:numpy|scipy|sklearn)"),
              lambda m, _: JuliaUsing(("PyCall",))),
)


def julia_python_mkl(events: Parsed, ctx: Context) -> list[Finding]:
    """MKL's own errors (a parameter it rejects, a layer without MKL's names) in a Julia session that brought Python's
    numpy in (MKL.jl#46: numpy's conda MKL beside the MKL that MKL.jl, before Julia 1.7, made Julia's BLAS)."""
    python = sorted({m for e in events.of(JuliaUsing) for m in e.modules} & PYTHON_IN_JULIA)
    # calls that reached another copy: a rejected parameter, a layer missing MKL's names; a threading layer that does not
    # load alone is its OpenMP runtime's (conda's libiomp5 without a run path in an embedded Python: PyPlot.jl#315)
    said = [*events.of(ParameterError), *events.of(MklKernelUndefined)]
    from mkldoctor.explain.crash import Crash  # a crash's own reading says it (crashhosts.julia_python)

    if not python or not said or events.of(Crash):
        return []
    return [Finding(
        "mkl-julia-python", "error",
        f"MKL failed in a Julia session that loaded Python ({python[0]}): numpy's BLAS and Julia's share one process",
        (f"the session loaded {', '.join(python)}, which brings Python, numpy and numpy's BLAS (conda's MKL, LP64) into "
         "Julia's process",
         "Julia's own BLAS is in that process too: with MKL.jl before Julia 1.7 it is an MKL as well (of another release, "
         "64-bit integers, loaded into the global scope), and numpy's MKL then meets its layers and names: its threading "
         "layer does not load, or its calls reach the other copy and are rejected"),
        ("update Julia (1.7 or newer) and MKL.jl (0.4 or newer): libblastrampoline keeps Julia's BLAS under its own names, "
         "apart from numpy's",
         "or give PyCall a Python whose numpy does not use MKL (conda's nomkl, or the pip wheel with OpenBLAS), and rebuild "
         "PyCall (ENV[\"PYTHON\"]=<it>; ] build PyCall)",
         "or run the Python part in its own process"),
        "Two BLAS libraries in one process work only when their symbols and runtimes stay apart; Julia's MKL.jl before "
        "libblastrampoline made MKL Julia's BLAS in the global scope.",
        ("julia -e 'using LinearAlgebra; BLAS.get_config()'   # which BLAS Julia runs (Julia 1.7+), or BLAS.vendor() before",),
    )]
