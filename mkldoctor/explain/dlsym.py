"""A host that looked a name up in MKL itself and did not find it: Julia's ``could not load symbol "dgetrf_64_"``,
JNA's ``Error looking up function 'mkl_get_version'``.

Such a host opened MKL by itself (Julia's ``ccall`` into MKL_jll, a Java binding through JNA) and asks the library
for one name at the moment it is called, so the message says nothing of which MKL answered. MKL's table of every
release's exports says when the name came and went: a name newer than the MKL that answered means that MKL is older
than the caller was written for (a package manager's resolution held it back, a system image pinned it); a name no
release exports is a caller's mistake (a suffix of the other integer interface, a routine MKL does not have).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports
from mkldoctor.verdicts import missing_symbol


@dataclass(frozen=True, slots=True)
class NameNotFound:
    host: str  # "julia", "jna"
    symbol: str
    shown: bool = False  # Julia's REPL failed to show a value: only its display called the name


SIGNATURES = (
    Signature("julia-could-not-load-symbol", "dlsym", "could not load symbol",
              re.compile(r"could not load symbol \\?\"(?P<sym>[\w$.@]+)\\?\""), lambda m, _: NameNotFound("julia", m.group("sym"))),
    # Julia 0.6 and older: "ERROR: ccall: could not find function fftw_sprint_plan in library libmkl_rt" (Julia built with
    # MKL as its FFTW too: Discourse 4284, under "Error showing value of type ...FFTWPlan": the REPL's display of a plan)
    Signature("julia-ccall-could-not-find", "dlsym", "ould not",
              re.compile(r"ccall: could not find function (?P<sym>\w+) in library \S*mkl"),
              lambda m, before: NameNotFound("julia-old", m["sym"], any("Error showing value of type" in b for b in before))),
    Signature("jna-error-looking-up", "dlsym", "rror looking up function",
              re.compile(r"Error looking up function '(?P<sym>[\w$.@]+)'"), lambda m, _: NameNotFound("jna", m.group("sym"))),
    # Python's ctypes: an attribute of a CDLL that the library does not define (threadpoolctl#81: mkl_get_version_string
    # asked of an MKL 2018-era libmkl_rt; threadpoolctl 2.2.0 asks for MKL_Get_Version_String)
    Signature("ctypes-attribute-undefined", "dlsym", "ndefined",
              re.compile(r"AttributeError: \S*libmkl_rt[\w.]*: undefined symbol: (?P<sym>[\w$.@]+)"),
              lambda m, _: NameNotFound("ctypes", m.group("sym"))),
    # the same on Windows, where ctypes says "AttributeError: function 'mkl_sparse_d_create_csr' not found"
    # (meshGraphNets_pytorch#9): an MKL name only, another DLL's is another library's question
    Signature("ctypes-function-not-found", "dlsym", "not found",
              re.compile(r"AttributeError: function '(?P<sym>\w+)' not found"),
              lambda m, _: NameNotFound("ctypes-win", m["sym"]) if exports.history(m["sym"]) is not None else NOT_MINE),
    # a program's own dlsym of an MKL function (Paddle's port.cc: "Load symbol MKL_Free_Buffers failed", then its
    # "RuntimeError: MKL_Free_Buffers not found."; Paddle#61709: an mklml of 2018 first on PATH)
    Signature("program-load-symbol-failed", "dlsym", "oad symbol",
              re.compile(r"\bLoad symbol (?P<sym>\w+) failed"), lambda m, _: _program(m["sym"])),
    Signature("program-symbol-not-found", "dlsym", "found",
              re.compile(r"(?:^|\s)RuntimeError: (?P<sym>\w+) not found\.?\s*$"), lambda m, _: _program(m["sym"])),
)


def _program(symbol: str) -> NameNotFound | object:
    return NameNotFound("program", symbol) if exports.history(symbol) is not None else NOT_MINE

_HOSTS = {"julia": "Julia", "julia-old": "Julia (0.6 or older)",
          "jna": "JNA (Java)", "ctypes": "Python's ctypes", "ctypes-win": "Python's ctypes (Windows)",
          "program": "the program's own loader (dlsym)"}


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    seen: dict[str, NameNotFound] = {}
    for event in events.of(NameNotFound):
        seen.setdefault(event.symbol, event)
    return [_finding(event) for event in list(seen.values())[:3]]


def _finding(event: NameNotFound) -> Finding:
    host, symbol = _HOSTS[event.host], event.symbol
    found = exports.history(symbol)
    span = missing_symbol.span_of_releases()
    evidence = [f"{host} looked {symbol} up in the library it opened and found no such name"]
    shown = ("end the line with ; (p = plan_fft(x); for a plan) so that the REPL does not show the value: the call itself "
             "returned, and the value works",) if event.shown else ()
    if event.shown:
        evidence.append("the REPL said 'Error showing value of type ...': the call returned its value, and only the display "
                        f"of it (show) called {symbol}")
    confirm = (("julia -e 'using Pkg; Pkg.status(\"MKL_jll\"; mode=PKGMODE_MANIFEST)'   # the MKL_jll release the environment "
                "resolved",) if event.host == "julia" else
               ("nm -D --defined-only <the libmkl_rt the program opens> | grep -w " + symbol,))
    if found is None:
        evidence.append(f"no MKL release from {span} exports {symbol} (mkldoctor's table of every release's exports)")
        return Finding(
            "mkl-name-unknown", "error",
            f"{symbol} is in no MKL release: if the library {host} opened is MKL, the caller asks it for a routine it does not have",
            tuple(evidence),
            (*shown,
             "check the name the caller builds: the integer interface's suffix (MKL exports ILP64 routines as NAME_64 since "
             "2022.2, LP64 ones as NAME_), the precision letter, a routine of another library (OpenBLAS's own extensions)",
             "or point the caller at the library that has it (a BLAS other than MKL)"),
            "The host asks the library for the name when the call is made; MKL never exported this one.",
            confirm,
        )
    span_of = found.overall
    first, last, gone = span_of.first, span_of.last, span_of.gone_since
    evidence.append(f"{symbol} is exported by MKL {first} to {last}" + (f", and by none since {gone}" if gone else "")
                    + f" (mkldoctor's table of every release's exports, {span})")
    if gone:
        title = f"{symbol} is gone from MKL since {gone}: the MKL {host} opened is newer than the caller was written for"
        need, bound = f"an MKL from {first} to {last}", f"< {gone}"
    else:
        title = f"{symbol} came with MKL {first}: the MKL {host} opened is older than that"
        need, bound = f"MKL {first} or newer", f">= {first}"
        if first == exports.releases()[0].name:  # the table's oldest release: older ones may have had it too
            title = f"{symbol} is not in the MKL {host} opened, an MKL older than the table's releases ({span})"
    if event.host == "julia-old":
        fix = (*shown, f"a Julia built with MKL as its BLAS and FFTW (USE_INTEL_MKL): build it against {need}, or leave "
               "FFTW its own library (Julia 0.7 and newer: FFTW.jl, whose provider is FFTW unless set to MKL)")
    elif event.host == "julia":
        fix = (f"give the environment {need}: julia -e 'using Pkg; Pkg.compat(\"MKL_jll\", \"{bound}\"); Pkg.update(\"MKL_jll\")' "
               f"(Julia 1.8+; or MKL_jll = \"{bound}\" in [compat] of the package that calls it, the bound that was missing)",
               "find what holds MKL_jll back: ] status --outdated -m; a system image or a manifest built earlier pins it "
               "(rebuild it, or Pkg.update())")
    elif event.host in ("ctypes", "ctypes-win"):
        fix = (f"update the Python package that asks for it (its frame is above the error): one that looks {symbol} up "
               "in whatever MKL the process has must not need names older releases lack (threadpoolctl 2.2.0 asks for "
               "MKL_Get_Version_String, which every release exports, and takes a missing one as no version)",
               f"or load {need}: " + ("the mkl_rt DLL the process finds first (where mkl_rt*.dll: an older copy beside the "
                                      "program, on PATH or in System32 answers first; conda's Library\\bin of the "
                                      "environment)" if event.host == "ctypes-win" else
                                      "the libmkl_rt the process finds first (LD_LIBRARY_PATH, or the older copy in "
                                      "/usr/local/lib removed)"))
    elif event.host == "program":
        fix = ("find the MKL library the program opened (Windows: where mklml.dll mkl_rt*.dll; Linux: LD_DEBUG=libs <the "
               "program> 2>&1 | grep -i mkl): an older MKL, or MKL-ML's small library (mklml, 2018 and older), first on PATH "
               "or LD_LIBRARY_PATH answers in place of the one the program ships with: take that folder off the path "
               "(Paddle#61709: an mklml of 2018 put on PATH; Paddle's inference package brings its own)",
               f"or give the program {need} where it looks first")
    else:
        fix = (f"load {need}: the library the program opens (jna.library.path, java.library.path, PATH or LD_LIBRARY_PATH) "
               "must be that release's libmkl_rt",)
    return Finding(
        "mkl-name-missing", "error", title, tuple(evidence), fix,
        "The host opened an MKL and asked it for this name only when the call was made: the MKL it found is a release "
        "outside the span that exports the name, so the package that calls it needs a bound on the MKL it gets.",
        confirm,
    )
