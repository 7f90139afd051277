"""The commands only Intel's environment puts on PATH: its compilers, Intel MPI's compiler wrappers, MKL's link tool, and
the environment scripts themselves (oneAPI's setvars, each component's vars, Parallel Studio's). A shell, make or CMake
that does not know one of them ran where that environment was not set up. Intel removed its classic C/C++ compilers (icc,
icpc) in oneAPI 2024.0 and its classic Fortran compiler (ifort) in 2025.0: their LLVM-based successors (icx, icpx, ifx)
take their place, and a script that still calls a removed one fails with a newer oneAPI whatever its environment."""

from __future__ import annotations

import re

# command -> its successor and the oneAPI release that removed it (None: still shipped)
COMPILERS = {"icx": None, "icpx": None, "ifx": None, "icx-cl": None, "dpcpp": None,
             "icc": ("icx", "2024.0"), "icpc": ("icpx", "2024.0"), "icl": ("icx", "2024.0"), "ifort": ("ifx", "2025.0")}
MPI_WRAPPERS = ("mpiicc", "mpiicpc", "mpiifort", "mpiicx", "mpiicpx", "mpiifx")
TOOLS = ("mkl_link_tool",)
SCRIPTS = ("setvars", "vars", "mklvars", "compilervars", "psxevars", "oneapi-vars")


def _base(name: str) -> str:
    """A command's own name, lower case: no quotes, no folder, no .exe."""
    return re.sub(r"\.exe$", "", re.split(r"[\\/]", name.strip().strip('"'))[-1].lower())


def command(name: str) -> str | None:
    """The kind of Intel command ``name`` is ("compiler", "MPI wrapper", "tool", "script"), any folder or extension
    (.exe, .bat, .sh) taken off; None for any other name."""
    base = re.sub(r"\.(?:bat|sh|csh)$", "", _base(name))
    if base in COMPILERS:
        return "compiler"
    if base in MPI_WRAPPERS:
        return "MPI wrapper"
    if base in TOOLS:
        return "tool"
    return "script" if base in SCRIPTS and re.search(r"\.(?:bat|sh|csh)$", name.strip().strip('"'), re.I) else None


def removed(name: str) -> tuple[str, str] | None:
    """(successor, the oneAPI release that removed it) for a classic compiler; None otherwise."""
    return COMPILERS.get(_base(name))
