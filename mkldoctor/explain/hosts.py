"""Loader failures printed by a host rather than by ld.so: Python, R, Julia, PyInstaller bundles.

A host that loads a library with ``dlopen`` prints the loader's reason in its own frame:
Python's ``ImportError``/``OSError`` (``X: cannot open shared object file``, ``FILE:
undefined symbol: S``), R's ``unable to load shared object`` with the reason on the next
line, Julia's ``could not load library``, and a bare ``symbol lookup error: FILE:
undefined symbol: S`` without the program's name (a PyInstaller bundle's ``/tmp/_MEI...``
paths). They become the loader events that :mod:`diagnosis` already explains (the loader's
search replayed, the copies here that hold the library), with the host named.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.logparse import LoaderMissing, SymbolLookupError
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class HostCannotLoad:
    """``could not load library "libmkl_rt"`` (Julia) or R's ``unable to load shared object``: the reason may follow."""

    host: str
    library: str


def _host(before, line: str) -> str:
    text = " ".join(list(before)[-2:]) + " " + line
    if "ImportError" in text or "ModuleNotFoundError" in text:
        return "python (import)"
    if "OSError" in text or "ctypes" in text:
        return "python (ctypes)"
    if "dyn.load" in text or "shared object '" in text:
        return "R (dyn.load)"
    if "could not load library" in text or "Libdl" in text:
        return "julia (dlopen)"
    if "_MEI" in text:
        return "a PyInstaller bundle"
    return "a program (the log does not name it)"


def _cannot_open(m: re.Match, before) -> LoaderMissing:
    return LoaderMissing(os.path.basename(m.group("so")), _host(before, m.string))


def _undefined(m: re.Match, before) -> SymbolLookupError:
    return SymbolLookupError(_host(before, m.string), m.group("lib"), m.group("sym"))


SIGNATURES = (
    Signature("host-cannot-open", "hosts", "cannot open shared object file",
              re.compile(r"(?P<so>[^\s:'\"(]+\.so(?:\.[\w.]+)?): cannot open shared object file"), _cannot_open),
    Signature("host-undefined-symbol", "hosts", ": undefined symbol: ",
              re.compile(r"(?P<lib>[^\s:'\"(]+\.so(?:\.[\w.]+)?): undefined symbol: (?P<sym>[A-Za-z_.$][\w.$@]*?)\.?(?:\s|,|$)"), _undefined),
    Signature("r-dyn-load", "hosts", "unable to load shared object",
              re.compile(r"unable to load shared object '(?P<obj>[^']+)'"), lambda m, _: HostCannotLoad("R (dyn.load)", m.group("obj"))),
    Signature("r-error-in-dyn-load", "hosts", "dyn.load(", re.compile(r"Error in dyn\.load\("), lambda m, _: None),
    Signature("r-load-failed", "hosts", "load failed for", re.compile(r"(?:package or namespace )?load failed for .(?P<pkg>[\w.]+)"),
              lambda m, _: None),
    Signature("julia-could-not-load", "hosts", "could not load library",
              re.compile(r"could not load library (?P<q>\\?\")(?P<lib>.+?)(?P=q)"), lambda m, _: HostCannotLoad("julia (dlopen)", m.group("lib"))),
)


def diagnose(ex) -> list[Finding]:
    """A host's "could not load" with no loader reason in the log (the reason line is what the loader events answer)."""
    from mkldoctor.explain.platforms import ForeignLoadFailed

    out = []
    explained = {e.soname.split(".so", 1)[0] for e in ex.parsed.of(LoaderMissing)}
    reasons = {e.binary for e in ex.parsed.of(LoaderMissing)} | {e.binary for e in ex.parsed.of(SymbolLookupError)}
    foreign = " ".join(e.library for e in ex.parsed.of(ForeignLoadFailed))
    for event in ex.parsed.of(HostCannotLoad):
        base = os.path.basename(event.library)
        stem = base.split(".so", 1)[0].split(".dylib", 1)[0].split(".dll", 1)[0]
        if stem in explained or event.host in reasons or stem in foreign or base.endswith((".dylib", ".dll")) or "\\" in event.library:
            continue  # the loader's reason is in the log and explained, or the platforms family speaks for it
        holders = ex.holders_of_stem(stem)
        evidence = [f"{event.host} could not load {event.library}"]
        evidence += [f"{os.path.basename(path)} is in {ex.label(install)}: {os.path.dirname(path)}" for install, path in holders]
        fix = []
        if holders:
            folder = os.path.dirname(holders[0][1])
            fix.append(f"export LD_LIBRARY_PATH={folder}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}   # before starting {event.host.split()[0]}")
        else:
            fix.append("install MKL's shared libraries first: see the recipe below")
        out.append(Finding(
            "host-cannot-load", "error", f"{event.host} could not load {event.library}",
            tuple(evidence), tuple(fix),
            "The host opened the library with dlopen, which searches LD_LIBRARY_PATH, the ld.so cache and the default folders "
            "(and the calling library's run path); the log gives no further reason.",
            (f"LD_DEBUG=libs {event.host.split()[0]} ...   # the loader prints each folder it tries",),
            recipes=() if holders else (ex.recipe("shared"),),
        ))
    return out
