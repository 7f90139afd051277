"""The loader's LD_DEBUG=bindings lines that give one BLAS's call to another BLAS: ``binding file
.../libtorch_cpu.so [0] to .../libopenblas.so.0 [0]: normal symbol `cblas_dgemm_batch'`` (cp2k#5516: the prebuilt
libtorch carries MKL linked in and leaves its MKL calls interposable, and CP2K's OpenBLAS, loaded first, answered them:
the crash was then in OpenBLAS). The loader binds each name to the first library of the global scope that defines it; two
BLASes in one process answer the same names, and a library built on one can run the other's code. Which BLAS a file is:
MKL's own libraries and the ones known to carry MKL linked in (:mod:`mkldoctor.knowledge.linked`'s libtorch_cpu), the
others' by :mod:`mkldoctor.knowledge.blas`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain import blasnames
from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blas, layout


@dataclass(frozen=True, slots=True)
class CrossBinding:
    file: str  # the library whose call was bound
    to: str  # the library that answered it
    symbol: str
    line: str


_BINDING = re.compile(r"binding file (?P<file>\S+) \[\d+\] to (?P<to>\S+) \[\d+\]: normal symbol [`'](?P<sym>[\w.]+)['`]")
_CARRY_MKL = ("libtorch_cpu",)  # libraries known to carry MKL linked in (PyTorch's x86-64 builds)


def _blas_of(path: str) -> str | None:
    base = os.path.basename(path)
    if layout.any_mkl_file(base) or base.startswith(_CARRY_MKL):
        return "MKL"
    found = blas.by_file(base)
    return found.label if found is not None else None


def _said(m: re.Match, _) -> CrossBinding | None:
    if m.group("file") == m.group("to"):
        return None  # a library's own name: most of a dump, and no failure
    mine, theirs = _blas_of(m.group("file")), _blas_of(m.group("to"))
    if mine is None or theirs is None or mine == theirs:
        return None  # a binding as it should be: the line is the dump's, no failure
    symbol = m.group("sym")
    if not (symbol.startswith(("cblas_", "LAPACKE_")) or blasnames.is_blas_name(symbol)):
        return None
    return CrossBinding(m.group("file"), m.group("to"), symbol, m.string.strip()[:300])


SIGNATURES = (
    Signature("ld-debug-binding", "bindings", "normal symbol", _BINDING, _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(CrossBinding)
    if not said:
        return []
    first = said[0]
    mine, theirs = _blas_of(first.file), _blas_of(first.to)
    symbols = list(dict.fromkeys(e.symbol for e in said))
    name, other = os.path.basename(first.file), os.path.basename(first.to)
    carries = name.startswith(_CARRY_MKL)
    return [Finding(
        "blas-names-interposed", "error",
        f"{name}'s {mine} calls are answered by {theirs} ({other}): two BLASes in one process, and the loader bound "
        f"{more(symbols, 3)} to the other one",
        (first.line,
         f"{name} was built on {mine}" + (" (PyTorch's prebuilt libtorch_cpu.so links MKL in, and leaves its MKL names "
                                            "open to interposition)" if carries else "")
         + f"; {other} was in the process's global scope before it and defines the same names, so the loader gave "
         f"{name}'s calls to {theirs}, whose code then runs with {mine}'s arguments and assumptions (a crash in {theirs}'s "
         "functions follows)"),
        (f"use one BLAS in the process: build {name.split('.')[0]} against the program's own BLAS ({theirs}), or the program "
         f"against {mine}" + (" (CP2K's follow-up: libtorch built against the same math library stack; PyTorch from "
                             "source with BLAS=OpenBLAS, or a program linked with MKL)" if carries else ""),
         f"or keep the two apart: load {name} with RTLD_DEEPBIND (its own names first: dlopen flags, Python's "
         "os.RTLD_DEEPBIND), or leave the part that needs it out of this program (CP2K's toolchain dropped its libtorch "
         "user from the OpenBLAS build)"),
        "The dynamic loader binds every name to the first library of the global scope that defines it: two BLASes that "
        "define the same API share it, and a library built on one of them may run the other's code.",
        (f"LD_DEBUG=bindings <the program> 2>&1 | grep -E \"normal symbol .({'|'.join(symbols[:3])})\"   # each call's library",),
        locations=ctx.located(said, "binding file"),
    )]
