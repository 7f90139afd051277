"""Other platforms: macOS (``.dylib``, ``@rpath``, ``Library not loaded``) and Windows (``.dll``).

mkldoctor reads Linux ELF files and cannot inspect these binaries, but a log from them still
says what failed; the finding names it, gives the platform's own remedy (the run path or
``DYLD_LIBRARY_PATH`` on macOS; ``PATH`` or ``os.add_dll_directory`` on Windows) and says
that the inventory part of mkldoctor applies to Linux.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ForeignLoadFailed:
    platform: str  # "macOS" or "Windows"
    library: str
    detail: str


def _mac(m: re.Match, _) -> ForeignLoadFailed:
    return ForeignLoadFailed("macOS", m.group("lib"), m.group(0).strip())


def _win(m: re.Match, _) -> ForeignLoadFailed:
    return ForeignLoadFailed("Windows", m.group("lib"), m.group(0).strip())


SIGNATURES = (
    Signature("macos-library-not-loaded", "platforms", "Library not loaded",
              re.compile(r"Library not loaded: '?(?P<lib>[^\s']+)"), _mac),
    Signature("macos-dlopen-image-not-found", "platforms", "image not found",
              re.compile(r"dlopen\((?P<lib>[^,]+?), \d+\): image not found"), _mac),
    Signature("macos-reason", "platforms", "Reason: ", re.compile(r"^\s*Reason: (?:image not found|no suitable image found|tried:)"),
              lambda m, _: None),
    Signature("windows-could-not-find-module", "platforms", "Could not find module",
              re.compile(r"Could not find module '(?P<lib>[^']+)'"), _win),
    Signature("windows-dll-load-failed", "platforms", "DLL load failed",
              re.compile(r"DLL load failed(?: while importing (?P<lib>\w+))?"),
              lambda m, _: ForeignLoadFailed("Windows", m.group("lib") or "a DLL", m.group(0).strip())),
    Signature("windows-mkl-module-not-found", "platforms", "The specified module could not be found",
              re.compile(r"(?:MKL ERROR: )?The specified module could not be found\.?\s*(?P<lib>[\w.-]+\.dll)?"),
              lambda m, _: ForeignLoadFailed("Windows", m.group("lib") or "a DLL", m.group(0).strip())),
)


def is_foreign(name: str) -> bool:
    return name.endswith((".dylib", ".dll")) or ".dylib" in name or "\\" in name


def diagnose(ex) -> list[Finding]:
    from mkldoctor.explain.runtime import MklCannotLoad

    events = list(ex.parsed.of(ForeignLoadFailed))
    for event in ex.parsed.of(MklCannotLoad):
        for lib in event.libraries:
            if is_foreign(lib):
                events.append(ForeignLoadFailed("macOS" if ".dylib" in lib else "Windows", lib, f"Intel MKL FATAL ERROR: Cannot load {lib}"))
    from mkldoctor.explain.hosts import HostCannotLoad

    for event in ex.parsed.of(HostCannotLoad):  # Julia's "could not load library" of a .dll or .dylib
        if is_foreign(event.library):
            name = event.library.replace("\\", "/").rsplit("/", 1)[-1]
            events.insert(0, ForeignLoadFailed("macOS" if ".dylib" in name else "Windows", name, f"{event.host} could not load {event.library}"))
    by_platform: OrderedDict[str, list[ForeignLoadFailed]] = OrderedDict()
    for event in events:
        by_platform.setdefault(event.platform, []).append(event)
    out = []
    for platform, items in by_platform.items():
        libs = list(OrderedDict.fromkeys(e.library for e in items if e.library != "a DLL")) or ["a DLL"]
        evidence = [e.detail for e in items[:6]]
        evidence.append("mkldoctor reads Linux (ELF) libraries: the MKL copies on that machine cannot be inspected from here")
        if platform == "macOS":
            fix = ("find the library: find / -name 'libmkl_*.dylib' 2>/dev/null (a conda env's lib/, /opt/intel/oneapi/mkl/latest/lib)",
                   "add its folder to the program's run path: install_name_tool -add_rpath <that folder> <the program or the .so named above>",
                   "or for one run: export DYLD_LIBRARY_PATH=<that folder> (System Integrity Protection drops it for /usr/bin programs)",
                   "with conda: conda install mkl into the same environment as the program, whose @rpath points there")
            why = ("macOS's loader (dyld) resolves @rpath/ names through the run paths recorded in the binary, then "
                   "DYLD_LIBRARY_PATH; the library named is in none of them (a moved environment, a wheel built elsewhere, "
                   "or a different MKL release whose file name differs, e.g. libmkl_intel_lp64.1.dylib vs .2.dylib).")
        else:
            fix = ("find the DLL: where /r C:\\ mkl_rt*.dll (a conda env's Library\\bin, oneAPI's mkl\\latest\\bin)",
                   "add its folder to PATH before starting the program, or in Python before the import: "
                   "os.add_dll_directory(r'<that folder>')  (Python 3.8+ no longer searches PATH for an extension's DLLs)",
                   "keep one MKL per process: DLLs of two releases (mkl_rt.1.dll, mkl_rt.2.dll) do not mix")
            why = ("Windows looks for a DLL beside the program, in the folders added with os.add_dll_directory and on PATH; "
                   "the one named is in none of them, or one of its own dependencies (libiomp5md.dll, another mkl_*.dll) is not.")
        out.append(Finding(
            "macos-library-not-loaded" if platform == "macOS" else "windows-library-not-loaded", "error",
            f"{platform}: {', '.join(libs[:3])} could not be loaded", tuple(evidence), fix, why,
            ("DYLD_PRINT_LIBRARIES=1 ./your-program" if platform == "macOS" else "python -X dev -c \"import yourmodule\"   # or Dependencies.exe on the .pyd/.dll",),
        ))
    return out
