"""MKL's interface layer for 32-bit x86 asked for by name (OpenFAST#2688: ``LNK1104: cannot open file 'mkl_intel_c.lib'``
from a Win32 build with oneAPI 2025; ``cannot find -lmkl_intel`` on Linux).

The 32-bit folders (``lib\\ia32``, ``ia32_win``, Linux's ``lib/ia32``) had one interface layer the 64-bit ones lack:
``mkl_intel_c.lib`` / ``mkl_intel_c_dll.lib`` on Windows (the C calling convention's name), ``libmkl_intel`` on Linux;
the 64-bit folders have ``mkl_intel_lp64`` and ``mkl_intel_ilp64`` in its place. oneMKL 2025.0 dropped 32-bit x86
(:mod:`mkldoctor.knowledge.platforms`), so no folder of a newer release holds it, and no folder given fixes the link.
"""

from __future__ import annotations

import re

from mkldoctor.explain.wording import more
from mkldoctor.knowledge import folders, platforms

_IA32_INTERFACE = re.compile(r"^:?(?:lib)?mkl_intel(?:_c(?:_dll)?)?(?:\.(?:lib|a|so(?:\.\d+)*))?$", re.I)


def is_ia32_interface(name: str) -> bool:
    """``mkl_intel_c.lib``, ``mkl_intel_c_dll.lib``, ``mkl_intel`` (``-lmkl_intel``), ``libmkl_intel.a``."""
    return bool(_IA32_INTERFACE.match(folders.file_name(name)))


def advice(names: list[str]) -> tuple[str, list[str], list[str], str] | None:
    """(a title's end, evidence, fix, explanation) when every library the link could not find is the 32-bit interface."""
    if not names or not all(is_ia32_interface(n) for n in names):
        return None
    windows = any(folders.file_name(n).lower().endswith(".lib") for n in names)
    platform = platforms.platform("windows-x86" if windows else "linux-x86")
    wide = "mkl_intel_lp64.lib" if windows else "-lmkl_intel_lp64"
    folder = "lib\\ia32, Parallel Studio's ia32_win" if windows else "lib/ia32"
    evidence = [f"{more(names, 2)}: MKL's interface layer for 32-bit x86 (IA-32), in MKL's 32-bit folder only "
                f"({folder}); the 64-bit folders have mkl_intel_lp64 "
                "and mkl_intel_ilp64 in its place",
                f"{platform.words}: {platform.said}"]
    fix = [f"a 64-bit build ({'the x64 platform, CMake -A x64, ' if windows else '-m64, '}a 64-bit Python for an extension): "
           f"link {wide} (ilp64 for 64-bit integers) in its place, with MKL's 64-bit folder",
           f"a build that must be 32-bit: an MKL of {platform.last} or older with its 32-bit libraries installed, and their "
           f"folder on the link ({'where /r <MKL> mkl_intel_c.lib' if windows else 'find <MKL> -name libmkl_intel.*'} "
           "shows it); oneMKL 2025.0 and newer have none"]
    why = (f"A link against MKL names {more(names, 2)} only when it builds for 32-bit x86; MKL's 64-bit folders never had it, "
           f"and from oneMKL {platform.dropped} no release does, so no folder given to the link finds it there.")
    return "MKL's interface layer for 32-bit x86, which 64-bit folders and oneMKL 2025.0 and newer do not have", evidence, fix, why
