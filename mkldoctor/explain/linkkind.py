"""A name only one kind of MKL library defines, unresolved in a link of the other kind (:mod:`mkldoctor.knowledge.kinds`).

``MklAllocationHelper.cpp.obj : error LNK2019: unresolved external symbol i_malloc`` (pytorch/pytorch#138994): MKL's
memory-function pointers ``i_malloc``... are defined by its static libraries only; its DLLs export them as
``i_malloc_dll``..., so a link against the DLLs' import libraries (``mkl_core_dll.lib``, ``mkl_rt.lib``) leaves them
unresolved, and the reverse for ``i_malloc_dll`` in a static link. On Linux the shared and static cores both define
``i_malloc`` (the export table): ld's ``undefined reference to `i_malloc'`` is a link without MKL's core, and
``i_malloc_dll`` is a name of Windows only.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict

from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, Parsed, UndefinedSymbol
from mkldoctor.explain.msvc import MsvcLinkCommand, MsvcUnresolved
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, kinds
from mkldoctor.knowledge.recipes import q


def claims(event: UndefinedSymbol) -> bool:
    """Whether this family explains ld's undefined name (the generic diagnosis then leaves it)."""
    return kinds.kind_only(event.symbol) is not None


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    msvc = [e for e in events.of(MsvcUnresolved) if kinds.kind_only(e.symbol)]
    for kind in ("static", "dll"):
        of_kind = [e for e in msvc if kinds.kind_only(e.symbol).kind == kind]
        if of_kind:
            out.append(_windows(of_kind, events.of(MsvcLinkCommand), ctx))
    ld = [e for e in events.of(UndefinedSymbol) if claims(e)]
    for windows_only in (False, True):
        of_kind = [e for e in ld if kinds.kind_only(e.symbol).windows_only == windows_only]
        if of_kind:
            out.append(_unix_windows_name(of_kind, ctx) if windows_only else _unix_core_missing(of_kind, ctx))
    return out


_CONFIRM_WINDOWS = ("dumpbin /symbols mkl_core.lib | findstr /r \"i_malloc\"   # the static core: i_malloc",
                    "dumpbin /exports mkl_core.2.dll | findstr i_malloc   # the DLL: i_malloc_dll")


def _windows(unresolved: list[MsvcUnresolved], commands: list[MsvcLinkCommand], ctx: Context) -> Finding:
    names = list(OrderedDict.fromkeys(e.symbol.lstrip("_") if kinds.kind_only(e.symbol.lstrip("_")) else e.symbol
                                      for e in unresolved))
    entries = [kinds.kind_only(n) for n in names]
    first = entries[0]
    static = first.kind == "static"
    mkl_libs = [lib for c in commands for lib in c.libs if kinds.windows_lib_kind(lib)]
    dll_libs = [lib for lib in mkl_libs if kinds.windows_lib_kind(lib) == "dll"]
    evidence = [f"{e.where or 'an object'}: unresolved {e.symbol}" + (f", referenced in {e.function}" if e.function else "")
                for e in unresolved[:4]]
    evidence.append(f"{more(names, 4)}: {_what(names)}; on Windows only {first.libraries} defines "
                    f"{'them' if len(names) > 1 else 'it'}, and the {'DLLs' if static else 'static libraries'} have "
                    f"{more([e.twin for e in entries], 4)} in {'their' if static else 'its'} place")
    if mkl_libs:
        evidence.append("the MKL libraries on the link line: " + more(mkl_libs, 6)
                        + (f" (import libraries of the DLLs: {more(dll_libs, 3)})" if dll_libs else ""))
    else:
        evidence.append("the link line is not in the log: the failure itself says which kind of MKL was linked "
                        + ("(the DLLs': their import libraries have no " + first.name + ")" if static else
                           "(the static libraries': they have no " + first.name + ")"))
    twins = ", ".join(e.twin for e in entries)
    if static:
        title = (f"link.exe: {more(names, 4)} unresolved: MKL defines {'them' if len(names) > 1 else 'it'} in its static "
                 "libraries only, and this link takes MKL's DLLs")
        fix = [f"link MKL statically: {kinds.static_link_windows()} (or mkl_sequential.lib for the threading layer) in place "
               "of the *_dll.lib import libraries or mkl_rt.lib; they are in the same folder as the import libraries",
               "the static libraries come with: pip install mkl-static mkl-include, conda install mkl-static mkl-include, or "
               "oneAPI's MKL (mkl\\<ver>\\lib); with oneMKL's MKLConfig.cmake: -DMKL_LINK=static; a project's own switch for a "
               "static MKL (PyTorch: USE_STATIC_MKL=ON) must reach the finder that picks the libraries",
               f"or keep MKL's DLLs and set the pointers they read: {twins} (declared by i_malloc.h under _WIN32), where the "
               f"code sets {more(names, 4)}"]
    else:
        title = (f"link.exe: {more(names, 4)} unresolved: only MKL's DLLs export {'them' if len(names) > 1 else 'it'}, and "
                 "this link takes MKL's static libraries")
        fix = ["link MKL's DLLs: mkl_intel_lp64_dll.lib mkl_intel_thread_dll.lib mkl_core_dll.lib (or mkl_rt.lib) in place "
               "of the static libraries, and ship the DLLs with the program",
               f"or keep the static link and set the static set of pointers: {twins}, where the code sets {more(names, 4)}"]
    return Finding(
        "mkl-link-kind-mismatch", "error", title, tuple(evidence), tuple(fix),
        "MKL calls malloc, calloc, realloc and free through pointers a program may redirect (memory renaming). On Windows "
        "a DLL's data is imported otherwise than a static library's, so the pointers exist twice (MKL's i_malloc.h): "
        "i_malloc, i_calloc, i_realloc, i_free in the static libraries, i_malloc_dll... exported by the DLLs. Code written "
        "for one kind leaves its names unresolved in a link of the other.",
        _CONFIRM_WINDOWS,
        locations=ctx.located(unresolved, "unresolved external symbol"),
    )


def _what(names: list[str]) -> str:
    return kinds.kind_only(names[0]).what if len(names) == 1 else "MKL's memory-function pointers (memory renaming, i_malloc.h)"


def _definers(name: str) -> str:
    """``libmkl_core, libmkl_rt (every release 2019.0 to 2026.2.1)``: the export table's word on ``name``."""
    found = exports.history(name)
    if found is None:
        return "libmkl_core"
    libraries = ", ".join(span.library for span in found.libraries if span.library)
    return f"{libraries} (every release read, {found.overall.first} to {found.overall.last})" if not found.overall.gaps \
        else libraries


def _core_request(command: LinkCommand | None) -> str:
    """How this line would ask for MKL's core: ``-l:libmkl_core.so.3`` where it names MKL's layers by file."""
    for request in command.libs if command is not None else ():
        match = re.match(r":libmkl_\w+?(\.so(?:\.\d+)*|\.a)$", request.name)
        if match:
            return f"-l:libmkl_core{match.group(1)}"
    return "-lmkl_core"


def _unix_core_missing(undefined: list[UndefinedSymbol], ctx: Context) -> Finding:
    by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in undefined:
        by_symbol.setdefault(event.symbol, []).append(event)
    names = list(by_symbol)
    first = kinds.kind_only(names[0])
    command = ctx.main_command()
    mkl = [("-l" + r.name) for r in command.libs if "mkl_" in r.name] if command is not None else []
    evidence = needed_by(names, by_symbol)[:4]
    evidence.append(f"{more(names, 4)}: {_what(names)}; defined by {_definers(names[0])}, and by libmkl_core.a: on Linux MKL's "
                    "shared and static cores alike define it, so the kind of link is not the cause")
    evidence.append("the MKL libraries on the link line: " + (more(mkl, 6) if mkl else "none" if command is not None
                                                               else "the link line is not in the log"))
    core = _core_request(command)
    fix = [ctx.edited(f"add MKL's core to the link: {core} after the interface and threading layers", Edit(append=(core,)))
           if mkl else f"link MKL: -lmkl_rt, or its three layers -lmkl_intel_lp64 -lmkl_sequential {core} "
           "(mkldoctor link --format flags prints the whole line)",
           "with CMake and oneMKL's MKLConfig.cmake: target_link_libraries(<target> PRIVATE MKL::MKL), which names the core"]
    return Finding(
        "mkl-layer-missing", "error",
        f"{more(names, 4)} undefined: MKL's core (libmkl_core, or libmkl_rt) is not on the link line",
        tuple(evidence), tuple(fix),
        "MKL's memory-function pointers live in its core layer: a link that names only the interface and threading "
        "layers (or only another BLAS) has nothing that defines them. libmkl_rt, the single dynamic library, defines "
        "them too.",
        (f"nm -D --defined-only <MKL's lib folder>/libmkl_core.so* | grep -w {names[0]}",),
        locations=ctx.located(undefined, "undefined reference"),
    )


def _unix_windows_name(undefined: list[UndefinedSymbol], ctx: Context) -> Finding:
    by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in undefined:
        by_symbol.setdefault(event.symbol, []).append(event)
    names = list(by_symbol)
    twins = ", ".join(kinds.kind_only(n).twin for n in names)
    return Finding(
        "mkl-link-kind-mismatch", "error",
        f"{more(names, 4)} undefined: {'they are' if len(names) > 1 else 'it is'} Windows' name for the pointer MKL's DLLs "
        "export, which no MKL for Linux or macOS defines",
        tuple(needed_by(names, by_symbol)[:4]) + (f"{more(names, 4)}: {_what(names)}; i_malloc.h declares "
                                                  "the *_dll set under _WIN32 only",),
        (f"set {twins} on Linux and macOS, and the *_dll names only under #ifdef _WIN32 (as i_malloc.h's own example does)",),
        "On Windows MKL's memory-function pointers exist twice, for the static libraries and for the DLLs; elsewhere only "
        "the first set exists, in the shared and static cores alike.",
        locations=ctx.located(undefined, "undefined reference"),
    )


# -- MKL's shared layers and its static archives in one link (produced with the pinned wheel's MKLConfig.cmake in a prefix
# without libmkl_core.so.3: it takes libmkl_core.a beside the shared layers, and the link fails both ways) -----------

def kinds_mixed(parsed: Parsed) -> tuple[str, str] | None:
    """An MKL shared library and an MKL archive that both need names in one link: (the shared one, the archive)."""
    refs = list(dict.fromkeys(e.referenced_from for e in parsed.of(UndefinedSymbol) if e.referenced_from))
    if refs:  # the link's own inputs too, where its linker (gold) names only one side's undefined names
        refs += [p for c in parsed.of(LinkCommand) for p in c.inputs]
    shared = [r for r in refs if re.match(r"libmkl_\w+\.so", os.path.basename(r))]
    static = [r for r in refs if re.fullmatch(r"libmkl_\w+\.a", os.path.basename(r))]
    return (shared[0], static[0]) if shared and static else None


def with_kinds_mixed(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """``findings`` with one finding for a link that mixes MKL's two kinds in place of the missing layers it makes."""
    mixed = kinds_mixed(parsed)
    if mixed is None:
        return findings
    shared, static = mixed
    said = [f"{e.symbol} needed by {os.path.basename(e.referenced_from)}" for e in parsed.of(UndefinedSymbol)
            if e.referenced_from in mixed][:4] or [f"the link names {os.path.basename(shared)} and {os.path.basename(static)}"]
    finding = Finding(
        "mkl-kinds-mixed", "error",
        f"the link mixes MKL's shared libraries ({os.path.basename(shared)}) with its static archives "
        f"({os.path.basename(static)}): MKL's layers link only with layers and a core of their own kind",
        (*said, "a shared layer calls names the shared core exports (mkl_serv_*), which the archive does not give it; "
                "the archive's objects call names of the other archives (BLACS' MPI wrappers among them). Intel's "
                "MKLConfig.cmake takes an archive where its prefix lacks the shared file (its '-- Found .../libmkl_core.a' "
                "among .so files: an MKL runtime package missing or removed)"),
        ("make the link one kind: all shared (the prefix needs MKL's shared core: the mkl package of the same release as "
         "the other layers) or all static (-DMKL_LINK=static with mkl-static, or the archives in one -Wl,--start-group)",
         "mkldoctor link --format flags (--link static for archives) prints a line of one kind"),
        "MKL's shared libraries and its static archives are two builds of the same code, each calling its own kind's "
        "names; one link takes all of one kind.",
        (f"ls {q(os.path.dirname(static)) if os.path.dirname(static) else '<MKL prefix>/lib'}/libmkl_core*   # whether the shared core is there",),
    )
    return [f for f in findings if f.id != "mkl-layer-missing"] + [finding]
