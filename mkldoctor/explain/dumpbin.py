"""dumpbin's (or Dependencies') list of what an MKL DLL imports, beside a failure to load it: the DLLs the machine
must have for it, by whom they come. dotnet/machinelearning#3903: ML.NET's MklImports.dll was in the app's folder and .NET
said DllNotFoundException on a machine without Visual Studio: ``dumpbin /dependents`` listed VCRUNTIME140.dll and the
Universal CRT's api-ms-win-crt-* (the Visual C++ Redistributable's) and libiomp5md.dll (Intel's OpenMP runtime).

A listing alone is no failure: the finding needs a failure to load the listed DLL (DllNotFoundException, "Unable to load
DLL", WinError 126) in the same log. It takes the place of the generic finding about the same DLL (one per failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class DumpedFile:
    name: str  # MklImports.dll


@dataclass(frozen=True, slots=True)
class ListedImport:
    dll: str  # VCRUNTIME140.dll


@dataclass(frozen=True, slots=True)
class DllNotLoaded:
    """.NET's DllNotFoundException or a loader's words for a DLL, said anywhere (a person's sentence too)."""

    line: str


_IMPORT = re.compile(r"^\s{2,}(?P<dll>[\w.-]{1,80}\.dll)\s*$", re.I)
_OURS = re.compile(r"(?i)^(?:mkl\w*|libiomp5md|MklImports|libmmd|svml_dispmd)\.dll$")
_VC = re.compile(r"(?i)^(?:vcruntime140(?:_1)?|msvcp140(?:_\d)?|concrt140|vcomp140|ucrtbase|api-ms-win-crt-[\w-]+)\.dll$")
_WINDOWS = re.compile(r"(?i)^(?:kernel32|user32|advapi32|ntdll|gdi32|shell32|ole32|oleaut32|ws2_32|bcrypt|crypt32|"
                      r"version|shlwapi|psapi|dbghelp|api-ms-win-core-[\w-]+)\.dll$")


def _listed(m: re.Match, before) -> ListedImport | object:
    if any("following dependencies" in line or _IMPORT.match(line) for line in before[-2:]):
        return ListedImport(m["dll"])
    return NOT_MINE  # an indented DLL's name elsewhere: other signatures' to read


SIGNATURES = (
    Signature("dumpbin-file", "dumpbin", "Dump of file", re.compile(r"^\s*Dump of file (?:.*[\\/])?(?P<f>[\w.-]+\.dll)\s*$", re.I),
              lambda m, _: DumpedFile(m["f"])),
    Signature("dumpbin-dependencies", "dumpbin", "following dependencies", re.compile(r"Image has the following dependencies"),
              lambda m, _: None),
    Signature("dumpbin-import", "dumpbin", ".dll", _IMPORT, _listed),
    # (a line with dyld's own words is platforms' to read: .NET on macOS, "... dlopen(/x/MklImports.dylib, 0x0001): tried:")
    Signature("dotnet-dll-not-found-said", "dumpbin", "DllNotFound", re.compile(r"DllNotFoundException(?!.*\bdlopen\()"),
              lambda m, _: DllNotLoaded(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    files = [e.name for e in events.of(DumpedFile)]
    imports = list(dict.fromkeys(e.dll for e in events.of(ListedImport)))
    from mkldoctor.explain.platforms import ForeignLoadFailed

    stem = files[0].rsplit(".", 1)[0].lower() if files else ""
    failed = events.of(DllNotLoaded) + [DllNotLoaded(e.detail[:300]) for e in events.of(ForeignLoadFailed)
                                        if e.library.lower().removesuffix(".dll") == stem]
    if not files or not imports or not failed or not (_OURS.match(files[0]) or any(_OURS.match(d) for d in imports)):
        return []
    vc = [d for d in imports if _VC.match(d)]
    intel = [d for d in imports if _OURS.match(d)]
    other = [d for d in imports if not (_VC.match(d) or _OURS.match(d) or _WINDOWS.match(d))]
    evidence = [failed[0].line, f"{files[0]} imports: {', '.join(imports[:12])}{' ...' if len(imports) > 12 else ''}"]
    if vc:
        evidence.append(f"{', '.join(vc[:3])}{' ...' if len(vc) > 3 else ''}: Microsoft's Visual C++ runtime and the Universal "
                        "CRT, which a machine has only where the Visual C++ Redistributable (or Visual Studio) was installed: "
                        "a machine the program was deployed to may lack them (dotnet/machinelearning#3903)")
    if intel:
        evidence.append(f"{', '.join(intel)}: Intel's, which must be beside {files[0]} or on PATH (ML.NET's MklImports: the "
                        "Microsoft.ML.Mkl.Redist package carries libiomp5md.dll)")
    if other:
        evidence.append(f"{', '.join(other[:4])}: neither Windows' own nor Microsoft's C++ runtime: check it is shipped")
    fix = []
    if vc:
        fix.append("install the Microsoft Visual C++ Redistributable (x64, the 2015-2022 one) on the machine that runs the "
                   "program, or ship its app-local DLLs beside the program")
    fix.append(f"ship {', '.join(intel) if intel else 'the MKL DLLs'} beside {files[0]} in the deployed folder (a NuGet "
               "package's runtimes/win-x64/native files are copied by dotnet publish for the runtime identifier given)")
    return [Finding(
        "windows-dll-dependency-missing", "error",
        f"{files[0]} could not be loaded: what it imports must be on the machine, and "
        f"{'the Visual C++ runtime' if vc else ', '.join(intel or other)} may not be",
        tuple(evidence), tuple(fix),
        "A DLL in the right folder still fails to load when a DLL it imports is missing; .NET and Python then name the DLL "
        "they asked for, not the one missing.",
        ("Dependencies.exe <the DLL>   # on the machine that fails: the import it cannot find is marked",),
    )]


def with_dependency_findings(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """The dependency finding takes the place of the generic one about the same DLL."""
    ours = [f for f in findings if f.id == "windows-dll-dependency-missing"]
    if not ours:
        return findings
    stem = ours[0].title.split(" ", 1)[0].rsplit(".", 1)[0].lower()
    return [f for f in findings if not (f.id == "windows-library-not-loaded" and stem in f.title.lower())]
