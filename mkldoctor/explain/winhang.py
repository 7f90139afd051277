"""A Windows process that hangs in the loader while MKL loads its DLLs, as a debugger's stack shows it (WinDbg's ``kn``):
``ntdll!LdrpDrainWorkQueue`` (or ``LdrpWaitOnLoaderLock``) waiting, above ``KERNELBASE!LoadLibraryA`` called from
``MklImports+0x8854`` (dotnet/machinelearning#1073).

MKL loads its CPU-specific DLLs (and the threading layer's) lazily, at its first call; made while another thread holds
Windows' loader lock (a DllMain, another LoadLibrary), the two wait on each other. Intel's answer: MKL has no explicit
initialisation, so its first call must come early, on one thread (ML.NET's workaround, PR #1076).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class LoaderWait:
    frame: str  # "ntdll!LdrpDrainWorkQueue"


@dataclass(frozen=True, slots=True)
class MklFrame:
    module: str  # "MklImports", "mkl_core"


@dataclass(frozen=True, slots=True)
class SymbolNotice(FollowOn):
    """WinDbg's ``*** ERROR: Symbol file could not be found.  Defaulted to export symbols for MklImports.DLL``: the
    debugger's note on its own symbols, no failure of the program (said alone, it is what the log says)."""


_FRAME = r"^\s*[0-9a-f]{2,4}\s+[0-9a-f`]{8,17}\s+[0-9a-f`]{8,17}\s+"  # kn's frame number, Child-SP, RetAddr
SIGNATURES = (
    Signature("windbg-loader-wait", "winhang", "ntdll!Ldrp",
              re.compile(_FRAME + r"(?P<f>ntdll!Ldrp(?:DrainWorkQueue|WaitOnLoaderLock|AcquireLoaderLock|LoadDllInternal)\b)"),
              lambda m, _: LoaderWait(m["f"])),
    *(Signature(f"windbg-mkl-frame-{i}", "winhang", needle,
                re.compile(_FRAME + r"(?P<m>MklImports|mkl_\w+)(?:\.dll)?[!+]"), lambda m, _: MklFrame(m["m"]))
      for i, needle in enumerate(("MklImports", "mkl_core!"))),
    Signature("windbg-symbol-notice", "winhang", "ERROR: Symbol file could not be found",
              re.compile(r"^\*\*\* ERROR: Symbol file could not be found\.\s+Defaulted to export symbols for \S+"),
              lambda m, _: SymbolNotice(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    waits, frames = events.of(LoaderWait), events.of(MklFrame)
    if not (waits and frames):
        return []
    module = frames[0].module
    return [Finding(
        "windows-loader-lock-deadlock", "error",
        f"the process waits in Windows' loader ({waits[0].frame}) while {module} loads a DLL: a deadlock on the loader lock "
        "at MKL's first call",
        (f"{waits[0].frame} under LoadLibrary, called from {module}: MKL loads its CPU-specific DLLs at its first call",
         "a thread that holds the loader lock (in a DllMain, or in another LoadLibrary) and this one wait on each other; the "
         "program hangs with no error"),
        ("make MKL's first call early, on one thread, before the others start (ML.NET's workaround, dotnet/machinelearning "
         "PR #1076; Intel: MKL has no explicit initialisation, its first call does it)",
         "never call MKL from a DllMain, or from code that runs while the loader lock is held (a static constructor of a DLL)",
         "or load MKL's DLLs up front: LoadLibrary of mkl_rt.N.dll, the threading layer and mkl_def/mkl_avx2 (the CPU's) on "
         "the main thread"),
        "Windows runs DLL loading under one lock; MKL's lazy loading inside a call made while another thread holds it, or "
        "from a DllMain, waits for itself.",
        ("!locks; ~*kn   # WinDbg: who holds the loader lock, and every thread's stack",),
    )]
