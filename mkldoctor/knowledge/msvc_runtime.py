"""Microsoft's C and C++ run-time DLLs, which Windows builds of MKL need, and what installs each.

Intel's OpenMP runtime ``libiomp5md.dll`` (and other DLLs built with Microsoft's compiler) import
``VCRUNTIME140.dll``; the Universal C Runtime's ``api-ms-win-crt-*.dll`` come with Windows 10 and newer. None of
them is MKL's to ship: on a machine without the Microsoft Visual C++ Redistributable the DLL that needs them
cannot load, and no MKL package, ``PATH`` or copy of MKL fixes it; installing the Redistributable does.
Sources: JuliaLinearAlgebra/MKL.jl#165 (maintainer: libiomp5md.dll needs VCRUNTIME140.dll, "install the
Microsoft Visual C++ Redistributable"), microsoft/CNTK#3185 and TensorFlow's own ``Could not find
'msvcp140.dll'`` message, PyTorch's "Microsoft Visual C++ Redistributable is not installed" warning
(qllokirin/ATRI-plugin#3), and Microsoft's list of the redistributable's files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Runtime:
    """A family of Microsoft run-time DLLs and the package that puts them in System32."""

    pattern: re.Pattern[str]  # the DLL's file name (case-insensitive)
    package: str  # what installs it
    install: tuple[str, ...]  # how, in the order to try
    note: str = ""


_REDIST_2015 = "the Microsoft Visual C++ 2015-2022 Redistributable (x64)"
_INSTALL_2015 = ("install the Microsoft Visual C++ 2015-2022 Redistributable (x64) on that machine: Microsoft's vc_redist.x64.exe "
                 "(its page 'Latest supported Visual C++ Redistributable downloads'), or: winget install Microsoft.VCRedist.2015+.x64",
                 "a 32-bit program needs the x86 one as well (vc_redist.x86.exe); a restart may be needed before it is seen")

RUNTIMES: tuple[Runtime, ...] = (
    # a Debug build's runtime: not redistributable, only Visual Studio installs it
    Runtime(re.compile(r"^(?:vcruntime140(?:_1)?d|msvcp140(?:_\d)?d|ucrtbased|vcomp140d)\.dll$", re.I),
            "Visual Studio (a Debug build's runtime, which no redistributable installs)",
            ("build the program in the Release configuration: a Debug build needs Visual Studio's own debug runtime "
             "(the names ending in d.dll), which is not redistributable",),
            "the program was built in the Debug configuration"),
    Runtime(re.compile(r"^(?:vcruntime140(?:_1|_threads)?|msvcp140(?:_\d|_atomic_wait|_codecvt_ids)?|vcomp140|concrt140|"
                       r"vccorlib140)\.dll$", re.I), _REDIST_2015, _INSTALL_2015),
    Runtime(re.compile(r"^(?:ucrtbase|api-ms-win-crt-[\w-]+)\.dll$", re.I),
            "the Universal C Runtime (part of Windows 10 and newer; on Windows 7 and 8.1 Windows Update KB2999226, or "
            + _REDIST_2015 + ", installs it)",
            ("Windows 10 and newer have it: a missing api-ms-win-crt-*.dll there means a damaged system (sfc /scannow); on "
             "Windows 7 and 8.1 install Windows Update KB2999226, or the Microsoft Visual C++ 2015-2022 Redistributable, "
             "which brings it",)),
    *(Runtime(re.compile(rf"^(?:msvcr|msvcp|vcomp){number}\.dll$", re.I),
              f"the Microsoft Visual C++ {year} Redistributable (x64)",
              (f"install the Microsoft Visual C++ {year} Redistributable (x64) on that machine (Microsoft's vcredist_x64.exe "
               f"of Visual Studio {year}); it is not replaced by the 2015-2022 one",))
      for number, year in (("120", "2013"), ("110", "2012"), ("100", "2010"), ("90", "2008"))),
)

_DLL = re.compile(r"[\w.+-]+\.dll\b", re.I)


def runtime_of(dll: str) -> Runtime | None:
    """The run-time family a DLL's file name (``VCRUNTIME140.dll``, a path to it) belongs to; None for any other DLL."""
    name = dll.replace("\\", "/").rsplit("/", 1)[-1].strip("`'\" ")
    return next((r for r in RUNTIMES if r.pattern.match(name)), None)


def named_in(text: str) -> list[str]:
    """The run-time DLLs a message names, in order (``MSVCP140.dll , VCRUNTIME140.dll was not found``)."""
    return list(dict.fromkeys(m for m in _DLL.findall(text) if runtime_of(m)))


REDISTRIBUTABLE_MISSING = "Visual C++ Redistributable is not installed"  # PyTorch's warning: it checks vcruntime140.dll
