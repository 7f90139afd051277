"""A library outside MKL that references MKL's internal names: a defect of how that library was built.

``libtorch/lib/libtorch_cpu.so: undefined reference to `mkl_dft_compute_backward_d_par'`` (pytorch/pytorch#72653,
the libtorch 1.10.1 binaries): ``mkl_dft_*``, ``mkl_lapack_*``, ``mkl_trans_*`` are the names MKL's layers call
in each other. No header of MKL declares them, and the export table (:mod:`mkldoctor.knowledge.exports`) says which of
MKL's libraries export them (the core and the threading layers; a few service names libmkl_rt too). A shared
library that needs them was linked with part of MKL's static archives (the interface layer without the
threading layer and core): installing any MKL does not fix that binary; another build of it does.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import UNNAMED, UndefinedSymbol
from mkldoctor.explain.wording import more, q
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, facts


def layers_only(symbol: str) -> tuple[str, ...] | None:
    """The MKL libraries that export ``symbol`` when it is one of MKL's internal names, which no header of MKL declares
    (``()`` for one no release exports at all); None for a name a program's code may call."""
    from mkldoctor.explain.linker import internal_symbol

    name = symbol.split("@", 1)[0]
    if not internal_symbol(name) or name in facts.FIRST_VERSION:
        return None
    return exports.exporters(name)


def claims(event: UndefinedSymbol) -> bool:
    """An MKL-internal name referenced from a shared library that is not MKL's own."""
    where = os.path.basename(event.referenced_from or "")
    if not where or where.startswith("libmkl_") or ".so" not in where:
        return False
    return layers_only(event.symbol) is not None


def diagnose(events: list[UndefinedSymbol], ctx: Context) -> list[Finding]:
    by_library: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in events:
        if claims(event):
            by_library.setdefault(event.referenced_from or "", []).append(event)
    return [_finding(library, found, ctx) for library, found in by_library.items()]


def at_run_time(event, ctx: Context) -> Finding | None:
    """The same names at run time (``Error in dlopen: .../libtorch_cuda_linalg.so: undefined symbol: mkl_lapack_dsbrdbn``,
    pytorch/pytorch#146551): a library that is not MKL's needs one of MKL's internal names, which no MKL library of the
    process gave it. ``event`` is hosts' SymbolLookupError; None for any other name or library."""
    where = os.path.basename(event.library or "")
    if not where or event.library == UNNAMED or where.startswith("libmkl_") or layers_only(event.symbol) is None:
        return None
    return _finding(event.library, [], ctx, [event.symbol.split("@", 1)[0]])


def _torch(base: str) -> tuple[list[str], list[str]]:
    """PyTorch's CUDA libraries take MKL's LAPACK internals from libtorch_cpu.so, which links MKL statically and exports
    a list of them (pytorch/pytorch#45922: complex names missing from the list, fixed by PR #46002; #146551: the names
    made local by PR #122284)."""
    if not base.startswith("libtorch_cuda"):
        return [], []
    return ([f"{base} is PyTorch's: its CUDA libraries link no MKL and take MKL's LAPACK internals (MAGMA's CPU fallbacks) "
             "from libtorch_cpu.so, which links MKL statically and exports the names on a list (-Wl,--undefined=... in "
             "PyTorch's CMake); a name off that list, or MKL's symbols made local in libtorch_cpu.so, leaves this one "
             "unresolved"],
            ["a PyTorch build: add the names to the MKL names libtorch_cpu keeps and exports (the --undefined list of "
             "caffe2/CMakeLists.txt, as pytorch PR #46002 did), keep MKL's symbols global in libtorch_cpu.so, or build "
             "with MKL linked dynamically (USE_STATIC_MKL=0); a release build: another PyTorch release"])


def _finding(library: str, events: list[UndefinedSymbol], ctx: Context, names: list[str] | None = None) -> Finding:
    names = names or list(dict.fromkeys(e.symbol.split("@", 1)[0] for e in events))
    base = os.path.basename(library)
    torch_said, torch_fix = _torch(base)
    exporters = sorted({lib for name in names for lib in (layers_only(name) or ())})
    span = exports.releases()
    evidence = [f"{base} references {len(names)} of MKL's internal names, undefined: {more(names, 6)}",
                "none of them is declared in MKL's headers: no program's code calls them, MKL's layers call each other by them",
                (f"across the MKL releases mkldoctor's table holds ({span[0].name} to {span[-1].name}) they are exported only by "
                 f"MKL's own {more(exporters, 4)}" if exporters else
                 f"no MKL release mkldoctor's table holds ({span[0].name} to {span[-1].name}) exports them: they live only inside "
                 "MKL's static archives"),
                *(torch_said or [
                    f"{base} is not one of MKL's libraries: it was linked with part of MKL's static archives (an interface "
                    "layer whose calls into the threading layer and core were left unresolved), a defect of that build of it"
                    + ("" if events else ": the loader found no library in the process that defines them")])]
    other = (f"use another build or release of {base} (its project's fixed binaries, or one you build yourself), not another "
             "MKL: installing MKL cannot give a library the internals of the archives it was built from")
    if "/.libs/" in library.replace("\\", "/"):  # libtool's build folder: the library is being built here, by libtool
        evidence.append(f"{library} is in libtool's build folder (.libs): this build links it, and libtool moves the "
                        "archives it is given out of -Wl,--start-group ... -Wl,--end-group, so the layers lose their group")
        other = ("give libtool the group as one linker argument, which it keeps whole: -Wl,--start-group,<MKLROOT>/lib/"
                 "libmkl_intel_lp64.a,<MKLROOT>/lib/libmkl_<threading>.a,<MKLROOT>/lib/libmkl_core.a,--end-group (Ipopt's "
                 "configure: --with-lapack-lflags=\"...\"), or link MKL's shared libraries (-lmkl_rt)")
    return Finding(
        "prebuilt-mkl-internals", "error",
        (f"{base} needs MKL's internal names that libtorch_cpu.so does not export: {more(names, 3)}" if torch_said else
         f"{base} was built with MKL's internals left unresolved: {more(names, 3)} are MKL's internal names, which only MKL's "
         "own libraries define"),
        tuple(evidence),
        (*torch_fix, other) if torch_said else
        (other,
         f"building {base} yourself: link MKL whole, the interface, threading and core layers together (static: "
         "-Wl,--start-group libmkl_intel_lp64.a libmkl_<threading>.a libmkl_core.a -Wl,--end-group; or -lmkl_rt; CMake: "
         "the imported target MKL::MKL), then check: nm -D --undefined-only <it> | grep ' mkl_' prints nothing"),
        "MKL is three layers (interface, threading, core) that call each other by internal names (mkl_blas_*, mkl_lapack_*, "
        "mkl_dft_*, mkl_serv_*...). A program calls only the public names of libmkl_rt or an interface layer; a library "
        "linked with the interface archive alone keeps the internal calls as undefined references, which every link "
        "against it then reports. The internal names are no stable interface (a release may rename or drop them), so no "
        "MKL installed beside it is a fix.",
        (f"nm -D --undefined-only {q(library)} | grep -c ' mkl_'   # how many of MKL's names it leaves undefined",
         f"readelf -d {q(library)} | grep NEEDED   # what it was linked against: no libmkl_* (MKL was to be inside it)"),
        locations=ctx.located(events, "undefined reference") if events else (),
    )
