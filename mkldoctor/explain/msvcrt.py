"""Windows: a DLL of Microsoft's C and C++ runtime was not found (``VCRUNTIME140.dll``, ``MSVCP140.dll``,
``api-ms-win-crt-*.dll``): the machine lacks the Microsoft Visual C++ Redistributable.

Intel's ``libiomp5md.dll`` and other DLLs built with Microsoft's compiler import the runtime, so an MKL that is
installed, on ``PATH`` and of the right release still cannot load there; the logs say it as a dependency
tree's ``✗ VCRUNTIME140.dll (NOT FOUND)``, Windows' "The code execution cannot proceed because VCRUNTIME140.dll
was not found", TensorFlow's ``Could not find 'msvcp140.dll'`` or PyTorch's "Microsoft Visual C++
Redistributable is not installed". Which package installs each DLL is :mod:`mkldoctor.knowledge.msvc_runtime`'s.
"""

from __future__ import annotations

from collections import OrderedDict

from mkldoctor.explain.platforms import ForeignLoadFailed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import msvc_runtime


def _runtime_dlls(event: ForeignLoadFailed) -> list[str]:
    named = [event.library] if msvc_runtime.runtime_of(event.library) else []
    return named + [d for d in msvc_runtime.named_in(event.detail) if d.lower() != event.library.lower()]


def _named(event: ForeignLoadFailed) -> bool:
    """A failure that names a DLL of its own (``mkl_rt.2.dll``), not only a Python module or "a DLL"."""
    return event.library.lower().endswith(".dll")


def split(failed: list[ForeignLoadFailed], starts: list) -> tuple[Finding | None, list[ForeignLoadFailed], list]:
    """(the finding for the runtime DLLs among ``failed``, the failures and the programs that could not start that it does
    not explain): a failure that names no DLL of its own (``DLL load failed while importing _C``), or a program that
    could not start, is the missing runtime's consequence when the log names no other DLL that failed."""
    runtime = [e for e in failed if _runtime_dlls(e)]
    if not runtime:
        return None, failed, starts
    rest = [e for e in failed if e not in runtime]
    others = [e for e in rest if _named(e)]
    consequences = [e.detail for e in rest if not _named(e)] + ([s.detail for s in starts] if not others else [])
    return _finding(runtime, consequences), others, (starts if others else [])


def _finding(runtime: list[ForeignLoadFailed], consequences: list[str]) -> Finding:
    dlls = list(OrderedDict.fromkeys(d for e in runtime for d in _runtime_dlls(e)))
    kinds = list(OrderedDict.fromkeys(msvc_runtime.runtime_of(d) for d in dlls))
    needers = list(OrderedDict.fromkeys(e.detail.split(" needs ", 1)[0] for e in runtime if " needs " in e.detail))
    evidence = [e.detail for e in runtime[:4]]
    evidence += [f"{', '.join(d for d in dlls if msvc_runtime.runtime_of(d) is kind)}: {kind.package}" for kind in kinds]
    if any("iomp5md" in n.lower() for n in needers):
        evidence.append("libiomp5md.dll, Intel's OpenMP runtime that MKL's threading layer runs on, is built with Microsoft's "
                        "compiler and imports its C++ runtime: without it neither it nor MKL's threaded DLLs load")
    evidence += [f"{c}: a consequence: the DLL that needs the runtime cannot load" for c in consequences[:3]]
    fix = [line for kind in kinds for line in kind.install]
    fix.append("nothing in MKL's package (its version, PATH, a copy of its DLLs) can stand in for it: the runtime is "
               "Microsoft's and is installed system-wide, into System32")
    who = f" ({', '.join(needers[:2])} needs it)" if needers else ""
    many = len(dlls) > 1
    return Finding(
        "windows-msvc-runtime-missing", "error",
        f"Windows: {', '.join(dlls[:3])}{who} {'are' if many else 'is'} not installed on that machine: "
        f"{'they come' if many else 'it comes'} with {kinds[0].package}",
        tuple(evidence), tuple(fix),
        "Windows resolves a DLL's imports when it loads it; Microsoft's C and C++ runtime DLLs (vcruntime140, msvcp140, the "
        "Universal C Runtime) are not part of MKL or of the program's package but of the Microsoft Visual C++ "
        "Redistributable, which a fresh Windows, a minimal virtual machine or a CI image may lack. Until it is installed "
        "every DLL that imports it fails to load with 'the specified module could not be found'.",
        ("Dependencies.exe <the DLL that failed>   # or: dumpbin /dependents <it>: the runtime DLLs it imports",
         "where vcruntime140.dll msvcp140.dll   # C:\\Windows\\System32 holds them once the Redistributable is installed"),
    )
