"""Names that only one kind of MKL library defines: its static libraries, or its DLLs.

On Linux MKL's shared libraries export every name its static archives define for a program to call: measured on
the 2026.2 wheels (each name of ``libmkl_core.a`` and of the interface and threading archives that is not one of
MKL's internals is in the ``.dynsym`` of a ``libmkl_*.so.3``), and the export table (:mod:`exports`) has
``libmkl_core`` and ``libmkl_rt`` export ``i_malloc``, ``i_calloc``, ``i_realloc`` and ``i_free`` in every
release it read. On Windows data is imported from a DLL otherwise than it is linked from a static library, so
MKL's memory-function pointers come in two sets under two names (MKL's ``i_malloc.h``): ``i_malloc``... in the
static libraries (``mkl_core.lib``), ``i_malloc_dll``... exported by the DLLs (through their import libraries,
``mkl_core_dll.lib``). Code that sets ``i_malloc`` and links MKL's DLLs leaves it unresolved (LNK2019,
pytorch/pytorch#138994), and so does code that sets ``i_malloc_dll`` and links the static libraries; on Linux
``i_malloc_dll`` does not exist at all (``i_malloc.h`` declares it under ``_WIN32`` only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.knowledge import folders

_MKL_LIB = re.compile(r"(?:lib)?mkl_\w+\.lib")


def windows_lib_kind(name: str) -> str | None:
    """The kind of one of MKL's Windows .lib files, by its name: ``dll`` for the import library of its DLLs (a name
    ending in ``_dll.lib``, and ``mkl_rt.lib``), ``static`` for a static library (``mkl_core.lib``); None for a file
    that is not one of MKL's .lib files (Intel's OpenMP runtime's, oneTBB's, another library's)."""
    base = folders.file_name(name).lower()
    if not _MKL_LIB.fullmatch(base):
        return None
    return "dll" if base.endswith("_dll.lib") or base.startswith("mkl_rt") else "static"


_POINTERS = {"i_malloc": "malloc", "i_calloc": "calloc", "i_realloc": "realloc", "i_free": "free"}


@dataclass(frozen=True)
class KindOnly:
    """A name only one kind of MKL library defines on Windows, and its twin the other kind defines."""

    name: str  # "i_malloc"
    kind: str  # "static" or "dll": the kind that defines it on Windows
    twin: str  # the other kind's name for the same thing: "i_malloc_dll"
    what: str  # "MKL's pointer to malloc (memory renaming, i_malloc.h)"
    libraries: str  # where the defining kind has it: "mkl_core.lib (static)"

    @property
    def windows_only(self) -> bool:
        """Declared on Windows only: no library defines it on Linux or macOS."""
        return self.kind == "dll"


def _pair(name: str, function: str) -> tuple[KindOnly, KindOnly]:
    what = f"MKL's pointer to the {function} it uses (memory renaming, i_malloc.h)"
    return (KindOnly(name, "static", f"{name}_dll", what, "mkl_core.lib, the static core"),
            KindOnly(f"{name}_dll", "dll", name, what, "the DLLs, through their import libraries (mkl_core_dll.lib)"))


NAMES: dict[str, KindOnly] = {entry.name: entry for name, function in _POINTERS.items() for entry in _pair(name, function)}

def kind_only(name: str) -> KindOnly | None:
    """What the table knows of ``name`` (``i_malloc``, ``i_free_dll``, and x86's ``_i_malloc``); None for any other."""
    found = NAMES.get(name)
    if found is None and name.startswith("_"):
        found = NAMES.get(name[1:])
    return found


def static_link_windows(threading: str = "mkl_intel_thread") -> str:
    """The static libraries of one MKL link on Windows (LP64), in place of the ``*_dll.lib`` import libraries."""
    return f"mkl_intel_lp64.lib {threading}.lib mkl_core.lib"
