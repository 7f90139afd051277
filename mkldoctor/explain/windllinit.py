"""Windows' load and install errors that are no missing file. Error 1114 (ERROR_DLL_INIT_FAILED): ``OSError: [WinError
1114] A dynamic link library (DLL) initialization routine failed. Error loading "...\\torch\\lib\\c10.dll" or one of its
dependencies.`` (in any language: "动态链接库(DLL)初始化例程失败").

No file is missing: Windows found the DLL and the ones it needs, loaded them, and a start-up routine (DllMain, the C++
runtime's static initializers) failed. For PyTorch's c10.dll the common cause is a Microsoft Visual C++ runtime older
than the one the wheel was built with: an old Visual C++ Redistributable, or an older msvcp140.dll that another program
put first on the search path. Maintainers answer it with the latest redistributable (nagadomi/nunif#701, shiyu-coder/
Kronos#166), or the previous PyTorch release until it is installed (1517005260/graph-rag-agent#54: torch 2.9 to 2.8.0).

Error 1455 (the paging file too small for a DLL's committed pages: PyTorch's and MKL's large DLLs, once per DataLoader
worker) and error 206 (a path past 260 characters: pip into the Microsoft Store Python's deep folder) are limits of
Windows, not of the packages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.folders import file_name


@dataclass(frozen=True, slots=True)
class DllInitFailed:
    dll: str  # "c10.dll", or "" where the line names none
    line: str


_LOADING = r"Error loading \"(?P<path>[^\"]{1,400}\.dll)\""  # torch's words after the error, with the DLL it loaded
_NAMED = re.compile(_LOADING)
_INIT_FAILED = re.compile(rf"\[WinError 1114\](?:[^\"]{{0,300}}?{_LOADING})?")


def _said(m: re.Match, _) -> DllInitFailed:
    return DllInitFailed(file_name(m.group("path")) if m.group("path") else "", m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class WindowsLimit:
    code: str  # "1455": the paging file (commit limit); "206": a path past MAX_PATH (pip says Errno 2 of a path that long)
    what: str  # the DLL it loaded, the path it wrote
    line: str


_LIMIT = re.compile(rf"\[WinError (?P<code>1455|206)\](?:[^\"']{{0,300}}?(?:{_LOADING}|'(?P<written>[^']{{1,600}})'))?")


def _limit(m: re.Match, _) -> WindowsLimit:
    what = file_name(m.group("path")) if m.group("path") else m.group("written") or ""
    return WindowsLimit(m.group("code"), what, m.string.strip()[:300])


SIGNATURES = (
    Signature("windows-dll-init-failed", "windllinit", "WinError 1114", _INIT_FAILED, _said),
    # the paging file too small to commit a DLL's pages (torch's and MKL's large DLLs, once per worker process), and a path
    # past Windows' 260 characters (pip into the Microsoft Store Python's deep LocalCache folder)
    *(Signature(f"windows-limit-{code}", "windllinit", f"WinError {code}", _LIMIT, _limit) for code in ("1455", "206")),
    # pip's own hint under its OSError ("[Errno 2] No such file or directory: '...'"): the same limit
    Signature("pip-windows-long-path-hint", "windllinit", "ould not install packages",
              re.compile(r"Could not install packages due to an OSError: \[(?:Errno 2|WinError 206)\][^']*"
                         r"'(?P<path>[^']{200,})'"),
              lambda m, _: WindowsLimit("206", m.group("path"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _init_failed(events, ctx) + [_limit_finding(e, events, ctx) for e in events.of(WindowsLimit)[:1]]


def _limit_finding(e: WindowsLimit, events: Parsed, ctx: Context) -> Finding:
    if e.code == "1455":
        return Finding(
            "windows-paging-file-too-small", "error",
            f"Windows could not load {e.what or 'a DLL'}: the paging file is too small to commit its pages (error 1455)",
            (e.line, "error 1455 (ERROR_COMMITMENT_LIMIT) is no missing file: each process commits the pages of the DLLs "
                     "it loads (PyTorch's CUDA and MKL DLLs are hundreds of MB), against RAM plus the paging file; several "
                     "processes loading them at once (DataLoader workers, which Windows starts as new processes) pass "
                     "the limit"),
            ("let Windows grow the paging file: System, Advanced system settings, Performance, Virtual memory: 'System "
             "managed size' on the drive, or a fixed size of several times the RAM, then restart",
             "fewer processes at once: DataLoader(num_workers=0 or a small number); one model server process, not one "
             "per request",
             "smaller DLLs: PyTorch's CPU wheel where no GPU is used (its CUDA DLLs are most of the commit)"),
            "Windows reserves committed memory for every loaded DLL's writable pages up front; when RAM and the paging file "
            "are committed, the next load fails, though no file is missing.",
            ("wmic pagefile list /format:list   # the paging file's size and peak use",),
            locations=ctx.located([e], "error 1455"),
        )
    return Finding(
        "windows-path-too-long", "error",
        "Windows refused a path longer than 260 characters (error 206): a package's file under a deep folder",
        (e.line, f"{e.what[:160]}: the folder alone is long (the Microsoft Store Python's "
                 "AppData\\Local\\Packages\\PythonSoftwareFoundation...\\LocalCache\\local-packages), and a package's "
                 "deepest file passes MAX_PATH" if e.what else e.line),
        ("enable long paths, once, as administrator: New-ItemProperty -Path "
         "\"HKLM:\\SYSTEM\\CurrentControlSet\\Control\\FileSystem\" -Name LongPathsEnabled -Value 1 -PropertyType DWORD -Force, "
         "then reinstall",
         "or a shorter prefix: a virtual environment in a short folder (python -m venv C:\\venvs\\mkl), or Python from "
         "python.org instead of the Microsoft Store's"),
        "Windows' file functions stop at 260 characters unless long paths are enabled for the system and the program.",
        ("python -c \"import sys; print(sys.prefix)\"   # the folder packages go under",),
        locations=ctx.located([e], "error 206"),
    )


def _init_failed(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(DllInitFailed)
    if not said:
        return []
    first = said[0]
    if not first.dll:  # torch's 'Error loading "...\c10.dll"' on the next line, joined to the error as its echo
        named = next((m for e in events.of(FollowOn) for m in [_NAMED.search(e.line)] if m), None)
        first = DllInitFailed(file_name(named.group("path")), first.line) if named else first
    dll = first.dll or "a DLL"
    torch = first.dll.lower() in ("c10.dll", "torch_cpu.dll", "torch_python.dll", "shm.dll") or "torch" in first.line.lower()
    evidence = [first.line,
                "error 1114 (ERROR_DLL_INIT_FAILED) is no missing file: Windows found the DLL and the ones it needs, loaded "
                "them, and a start-up routine (DllMain, the C++ runtime's static initializers) failed"]
    if torch:
        evidence.append("PyTorch's Windows wheels are built with a recent Microsoft C++ compiler; its DLLs start on the "
                        "Visual C++ runtime the process finds first (msvcp140.dll, vcruntime140.dll), and an older one fails "
                        "c10.dll's start-up: an old Visual C++ Redistributable, or a copy another program put first on PATH "
                        "or beside python.exe")
    fix = ["install the latest Microsoft Visual C++ Redistributable for x64 (vc_redist.x64.exe, from Microsoft's 'latest "
           "supported Visual C++ Redistributable downloads' page), then start a new terminal",
           "where msvcp140.dll vcruntime140.dll: a copy in a folder before System32 (a program's folder on PATH, the "
           "Python folder, the application's own) older than System32's is found first: take that folder off PATH, or "
           "replace the copy"]
    if torch:
        fix.append("or, until the runtime is updated, the PyTorch release before the one that fails (pip install "
                   "\"torch==<the previous minor>\": graph-rag-agent#54 went from 2.9 to 2.8.0)")
    else:
        fix.append(f"{dll}'s own start-up needs: its vendor's runtime (CUDA's DLLs: a GPU driver at least as new as the "
                   "CUDA release; Intel's: the oneAPI runtime of its release), and a CPU with the instructions it was "
                   "built for")
    return [Finding(
        "windows-dll-init-failed", "error",
        f"Windows loaded {dll} and its start-up failed (error 1114)"
        + (": most often a Microsoft Visual C++ runtime older than the one PyTorch was built with" if torch else ""),
        tuple(evidence), tuple(fix),
        "A DLL runs start-up code when it is loaded; when that fails, Windows unloads it and reports error 1114, whatever "
        "the cause inside it.",
        (f"python -c \"import ctypes; ctypes.WinDLL(r'<the full path of {dll}>')\"   # the same failure, outside the program",
         "where msvcp140.dll vcruntime140.dll   # every copy Windows may find, the first one first"),
        locations=ctx.located(said, "error 1114"),
    )]
