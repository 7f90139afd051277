"""Linker family: shapes of a failed link beyond "MKL lacks the symbol".

The core readers of GNU ld, gold, lld and mold lines live in :mod:`logparse` (they are
the hot path); this module declares the rarer linker signatures and diagnoses two
causes that look like a missing MKL and are not:

* a static MKL archive that needs the C library's ``libm``/``libdl``/``libpthread``
  (``undefined reference to `cos'`` from ``libmkl_core.a``, ``DSO missing from command
  line``): the fix is ``-lpthread -lm -ldl`` after the archives, not another MKL;
* one MKL archive needing an internal symbol of another (``mkl_serv_*``, ``mkl_blas_*``,
  ``mkl_lapack_*``): every MKL defines those in ``libmkl_core``; the cause is archive
  order (no ``--start-group``) or archives of two releases mixed.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.findings import Finding
from mkldoctor.discover.soname import SearchResult
from mkldoctor.explain.linksearch import search_library
from mkldoctor.explain.logparse import LinkCommand, MissingLibrary, UndefinedSymbol
from mkldoctor.explain.wording import lib_name, more, q
from mkldoctor.inventory.install import MklInstall
from mkldoctor.inventory.install import label
from mkldoctor.knowledge.history import version_key
from mkldoctor.knowledge.recipes import CARGO_CLEAN_EXPLAINED, INTEL_MKL_SRC_DOWNLOAD
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.verdicts import missing_symbol


@dataclass(frozen=True, slots=True)
class DsoMissing:
    """``ld: /lib/x86_64-linux-gnu/libm.so.6: error adding symbols: DSO missing from command line``"""

    library: str


SIGNATURES = (
    Signature("dso-missing", "linker", "DSO missing from command line",
              re.compile(r"(?P<lib>/?[\w./+-]+\.so[\w.]*): error adding symbols: DSO missing from command line"),
              lambda m, _: DsoMissing(m.group("lib"))),
    Signature("collect2-exit", "linker", "returned", re.compile(r"\b(?:collect2|ld)(?:\.exe)?: error: ld returned \d+ exit status"),
              lambda m, _: FollowOn(m.group(0))),
    Signature("clang-linker-exit", "linker", "linker command failed", re.compile(r"error: linker command failed with exit code \d+"),
              lambda m, _: FollowOn(m.group(0))),
)

# The C library parts a static MKL link must name itself: symbol -> the -l that provides it
_LIBM = {
    "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow", "sin", "cos", "tan", "asin", "acos", "atan",
    "atan2", "sinh", "cosh", "tanh", "floor", "ceil", "fabs", "fmod", "hypot", "erf", "erfc", "lgamma", "tgamma", "round",
    "trunc", "nearbyint", "rint", "lrint", "llrint", "ldexp", "frexp", "modf", "sincos", "copysign", "fmin", "fmax",
}


def system_library(symbol: str) -> str | None:
    """The C library part that defines ``symbol`` (``-lm``, ``-ldl``, ``-lpthread``), or None."""
    base = symbol.split("@", 1)[0]
    if base.startswith("dl") and base in ("dlopen", "dlsym", "dlclose", "dlerror", "dladdr", "dlinfo", "dlvsym", "dlmopen"):
        return "dl"
    if base.startswith(("pthread_", "sem_")):
        return "pthread"
    if base in _LIBM or (base.endswith(("f", "l")) and base[:-1] in _LIBM):
        return "m"
    return None


_INTERNAL = re.compile(r"^mkl_(?:serv|blas|lapack|vml|vsl|dft|spblas|pds|trans|xblas|cpds|sparse_\w+_internal|cbwr)_")


def internal_symbol(symbol: str) -> bool:
    """An MKL-internal name that every release defines in libmkl_core (not a public API)."""
    return bool(_INTERNAL.match(symbol))


def _from_mkl_archive(event: UndefinedSymbol) -> bool:
    where = os.path.basename(event.referenced_from or "")
    return where.startswith("libmkl_") and where.endswith(".a")


def claims(event: UndefinedSymbol) -> bool:
    """Whether this family explains the undefined symbol (the generic diagnosis then leaves it)."""
    if system_library(event.symbol):
        return True
    return internal_symbol(event.symbol) and (_from_mkl_archive(event) or event.referenced_from is None)


def diagnose(ex) -> list[Finding]:
    out: list[Finding] = []
    events = [e for e in ex.parsed.of(UndefinedSymbol) if claims(e)]
    system = OrderedDict()
    internal = OrderedDict()
    for event in events:
        lib = system_library(event.symbol)
        (system.setdefault(lib, []) if lib else internal.setdefault(event.symbol.split("@", 1)[0], [])).append(event)
    dso = ex.parsed.of(DsoMissing)
    if system or dso:
        out.append(_system_libraries(ex, system, dso))
    if internal:
        out.append(_archive_order(ex, internal))
    return out


def _system_libraries(ex, system: dict, dso: list[DsoMissing]) -> Finding:
    libs = list(system)
    for event in dso:
        name = os.path.basename(event.library)
        lib = name[3:].split(".so", 1)[0] if name.startswith("lib") else name
        if lib not in libs:
            libs.append(lib)
    by_symbol = OrderedDict()
    for lib, events in system.items():
        for event in events:
            by_symbol.setdefault(event.symbol, []).append(event)
    evidence = ex.needed_by(list(by_symbol), by_symbol)
    evidence += [f"{event.library} holds them, but the link line does not name it (ld: DSO missing from command line)" for event in dso]
    from_mkl = any(_from_mkl_archive(e) for events in system.values() for e in events)
    flags = " ".join(f"-l{lib}" for lib in ("pthread", "m", "dl") if lib in libs or from_mkl)
    why = ("A static MKL link pulls MKL's code out of the archives, and that code calls the C library's maths "
           "(libm), dynamic loading (libdl) and threads (libpthread). A shared libmkl names them itself; the archives "
           "cannot, so the link line must, after the MKL archives." if from_mkl else
           "These functions live in the C library's separate parts (libm, libdl, libpthread), which the link line does not name.")
    return Finding(
        "system-libraries-missing", "error",
        f"{', '.join(list(by_symbol)[:4]) or 'symbols'} undefined: the link line lacks {flags}",
        tuple(evidence),
        (f"add {flags} at the end of the link line (after the MKL archives): ... -Wl,--end-group {flags}",
         "mkldoctor link --link static --format flags   # prints the whole line, these included"),
        why,
        ("add -Wl,--verbose: ld lists each library it opens; libm.so.6 must be among them",),
    )


def _archive_order(ex, internal: dict) -> Finding:
    symbols = list(internal)
    hits = ex.hits(symbols)
    command = ex.main_command()
    evidence = ex.needed_by(symbols, internal)[:6]
    defined = OrderedDict()
    for symbol in symbols:
        for hit in hits[symbol]:
            defined.setdefault(ex.label(hit.install), set()).add(os.path.basename(hit.definition.path))
    evidence += [f"defined by {where}: {', '.join(sorted(files))}" for where, files in defined.items()]
    users = {os.path.dirname(e.referenced_from) for events in internal.values() for e in events if e.referenced_from}
    if command is not None:  # the MKL archives named by path on the link line
        users |= {os.path.dirname(p) for p in command.inputs if os.path.basename(p).startswith("libmkl_")}
    mixed = len(users) > 1
    if mixed:
        evidence.append("the MKL archives on the link line come from several folders: " + ", ".join(sorted(users)))
    grouped = command is not None and command.groups
    if grouped and not mixed:
        title = f"{_few(symbols)} undefined although libmkl_core is in the group: libmkl_core comes from another release"
    elif mixed:
        title = f"{_few(symbols)} undefined: MKL archives of two releases are mixed on the link line"
    else:
        title = f"{_few(symbols)} undefined: MKL's archives are in the wrong order (no --start-group)"
    fix = ("link the three layers of one MKL as a group, interface first: "
           "-Wl,--start-group libmkl_intel_lp64.a libmkl_sequential.a libmkl_core.a -Wl,--end-group -lpthread -lm -ldl",
           "take all three archives from one folder: mkldoctor link --link static --format flags")
    why = ("These names are MKL's own internals: every MKL release defines them in libmkl_core, and the interface and threading "
           "archives call them. ld reads each archive once, left to right, so an archive that comes after the one needing "
           "a name is never searched for it, unless the archives are wrapped in --start-group/--end-group; archives of "
           "two releases do not match each other's internal names.")
    return Finding("mkl-archive-order", "error", title, tuple(evidence), fix, why,
                   (f"add -Wl,-y,{symbols[0]}: ld names the archive member that defines it, or none",))


def _few(symbols: list[str]) -> str:
    return ", ".join(symbols[:3]) + (f" and {len(symbols) - 3} more" if len(symbols) > 3 else "")


# -- undefined symbols and -l failures (the core readers of logparse) ----------


def undefined(ex) -> list[Finding]:
    events = [e for e in ex.parsed.of(UndefinedSymbol) if not claims(e)]
    if not events:
        return []
    by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in events:
        by_symbol.setdefault(event.symbol, []).append(event)
    hits = ex.hits(list(by_symbol))
    command = ex.main_command()
    linked, _, _ = ex.linked(command)
    groups: OrderedDict[str, list[str]] = OrderedDict(
        (k, []) for k in ("openmp", "gnu-openmp", "missing", "layer", "not-linked", "other")
    )
    for symbol in by_symbol:
        found = hits[symbol]
        omp_only = bool(found) and all(lib_name(h.definition.path).startswith(("iomp", "iompstubs")) for h in found)
        if knowledge.is_openmp_symbol(symbol) and not symbol.startswith("GOMP_") or omp_only:
            groups["openmp"].append(symbol)
        elif symbol.startswith("GOMP_"):
            groups["gnu-openmp"].append(symbol)
        elif linked is not None and any(h.install is linked for h in found):
            groups["layer"].append(symbol)
        elif found or missing_symbol.first_release(symbol) or missing_symbol.gone(symbol):
            if linked is None and command is not None and not any(r.name.startswith("mkl_") for r in command.libs) and not any("mkl" in p for p in command.inputs):
                groups["not-linked"].append(symbol)
            else:
                groups["missing"].append(symbol)
        elif knowledge.looks_like_mkl(symbol):
            groups["missing"].append(symbol)
        else:
            groups["other"].append(symbol)
    # symbols nobody defines, needed by the same library as OpenMP symbols, go with them (__atomic_*)
    if groups["openmp"]:
        omp_users = {e.referenced_from for s in groups["openmp"] for e in by_symbol[s]}
        stay = []
        for symbol in groups["other"]:
            if {e.referenced_from for e in by_symbol[symbol]} <= omp_users and not hits[symbol]:
                groups["openmp"].append(symbol)
            else:
                stay.append(symbol)
        groups["other"] = stay
    out: list[Finding] = []
    if groups["openmp"]:
        out.append(_openmp_finding(ex, groups["openmp"], by_symbol, command))
    if groups["gnu-openmp"]:
        out.append(Finding(
            "gnu-openmp-missing", "error",
            "GNU OpenMP symbols are undefined: libmkl_gnu_thread needs libgomp",
            tuple(ex.needed_by(groups["gnu-openmp"], by_symbol)),
            ("add -lgomp (or -fopenmp) after the MKL libraries on the link line",),
            "mkl_gnu_thread runs MKL's threads on GCC's OpenMP runtime, libgomp, which must be linked too.",
        ))
    for symbol in groups["missing"]:
        out.append(_missing_symbol_finding(ex, symbol, by_symbol[symbol], hits[symbol], command, linked))
    if groups["layer"]:
        out.append(_layer_finding(ex, groups["layer"], by_symbol, hits, command, linked))
    if groups["not-linked"]:
        symbols = groups["not-linked"]
        where = sorted({label(h.install) for s in symbols for h in hits[s]})
        out.append(Finding(
            "mkl-not-linked", "error", f"{more(symbols, 3)} undefined: no MKL library is on the link line",
            tuple(ex.needed_by(symbols, by_symbol) + [f"defined by: {w}" for w in where]),
            ("add MKL's link line: mkldoctor link --format flags",),
            "The link command names no libmkl_* library, so nothing can define MKL's functions.",
            locations=ex.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
        ))
    if groups["other"]:
        symbols = groups["other"]
        out.append(Finding(
            "undefined-symbol", "error", f"undefined: {more(symbols, 4)}; no MKL copy here defines {'it' if len(symbols) == 1 else 'them'}",
            tuple(ex.needed_by(symbols, by_symbol) + [f"searched: {label(i)}" for i in ex.installs]),
            ("find the library that defines it: mkldoctor symbols --find SYMBOL FOLDER",),
            "These symbols are not MKL's (none of the MKL copies searched defines them): the cause is elsewhere in the link.",
            locations=ex.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
        ))
    return out


def _openmp_finding(ex, symbols: list[str], by_symbol, command: LinkCommand | None) -> Finding:
    evidence = [f"{len(symbols)} OpenMP runtime symbol(s) undefined: {more(symbols, 6)}"]
    evidence += ex.needed_by(symbols, by_symbol)[:3]
    places = ex.iomp5_places()
    evidence += [f"libiomp5 is in {p}" for p in places] or ["no libiomp5 in any MKL copy searched"]
    fix: list[str] = []
    if places:
        folder = places[0]
        fix.append(f"link Intel's OpenMP runtime after the MKL libraries: -L{q(folder)} -liomp5 -lpthread -lm -ldl")
        fix.append(f"at run time: export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    else:
        fix.append(f"install Intel's OpenMP runtime (libiomp5): {ex.recipe_ref('openmp')}")
    fix.append("or do without it: link mkl_sequential instead of mkl_intel_thread (mkldoctor link --threading sequential),")
    fix.append("or GCC's runtime: mkl_gnu_thread with -lgomp (mkldoctor link --threading gnu)")
    return Finding(
        "openmp-runtime-missing", "error",
        "libmkl_intel_thread needs Intel's OpenMP runtime (libiomp5), which is not on the link line",
        tuple(evidence), tuple(fix),
        "mkl_intel_thread runs MKL's threads on Intel's OpenMP runtime but does not name it as a dependency: "
        "libiomp5 must be linked explicitly, and found again by the loader at run time.",
        tuple(knowledge.confirm_symbol(symbols[0], ex.cargo)),
    )


def _missing_symbol_finding(ex, symbol: str, events: list[UndefinedSymbol], hits: list, command, linked) -> Finding:
    first = missing_symbol.first_release(symbol)
    having = OrderedDict()
    for hit in hits:
        having.setdefault(hit.install.key, (hit.install, []))[1].append(hit.where)
    lacking = [label(i) for i in ex.installs if i.key not in having]
    static = True
    why_that_copy: list[str] = []
    if command is not None and linked is not None:
        interface = [n for n in (lib_name(h.definition.path) for h in hits) if command.requests(n)]
        if not interface and ex.cargo:
            interface = [n for n in (lib_name(h.definition.path) for h in hits if h.definition.path.endswith(".a")) if n.startswith("mkl_intel_")]
        preference = ["mkl_intel_lp64", "mkl_intel_ilp64", "mkl_gf_lp64", "mkl_gf_ilp64"]
        interface.sort(key=lambda n: preference.index(n) if n in preference else len(preference))
        searched_lib = interface[0] if interface else None
        install, result, path = ex.linked(command, prefer=searched_lib)
        request = (command.requests(lib_name(path or "")) or [None])[0]
        static = request.static if request else (path or "").endswith(".a")
        if result is not None:
            why_that_copy.append(f"why that copy: the search for {result.request}:")
            why_that_copy += ["  " + line for line in result.lines()]
    elif command is not None:
        static = any(r.static for r in command.libs if r.name.startswith("mkl_"))
    holders = [missing_symbol.Holder(i, tuple(places), label(i)) for i, places in having.values() if i is not linked]
    good = missing_symbol.newest_first(holders)
    point_at: list[str] = []
    if good:
        best = good[0].install
        libdir = best.lib_dirs[0]
        if ex.cargo:
            pc = next((os.path.dirname(p) for p in best.pkgconfig), None)
            point_at.append(f"point the build at {label(best)}:")
            point_at.append(f"  export MKLROOT={q(best.root)}")
            if pc:
                point_at.append(f"  export PKG_CONFIG_PATH={q(pc)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}")
            point_at.append(f"  {CARGO_CLEAN_EXPLAINED}")
            point_at.append("  cargo build   # the same command as before")
        elif command is not None and linked is not None:
            point_at.append(f"put the copy that has {symbol} first: -L{q(libdir)} before -L{q(linked.lib_dirs[0])} (or drop the old -L)")
        else:
            point_at.append(f"link against {label(best)}: -L{q(libdir)} (mkldoctor link --install {q(best.root)})")
        if not static or not best.static:
            point_at.append(f"at run time: export LD_LIBRARY_PATH={q(libdir)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    install = [f"install an MKL that has {symbol}" + (f" ({first} or newer)" if first else "")
               + f": {ex.recipe_ref('static' if static else 'shared', first)}"]
    if ex.cargo:
        install.append("then: export MKLROOT=<its prefix>; " + CARGO_CLEAN_EXPLAINED)
    why_more = ""
    if ex.cargo:
        why_more = ("With cargo, MKL's folder comes from a build script: intel-mkl-src asks pkg-config for mkl-*.pc, then looks in "
                    f"$MKLROOT and /opt/intel, and only when all fail downloads its own MKL {INTEL_MKL_SRC_DOWNLOAD}, "
                    "which is too old for half precision. Installing a newer MKL is not enough while the old copy comes first.")
    if static and good and not good[0].install.static:
        why_more += f" {good[0].label} has no static archives: link it dynamically, or install its static package."
    return missing_symbol.finding(
        symbol,
        used=label(linked) if linked is not None else "an MKL the log does not name (its link command is not in the log)",
        used_version=linked.version if linked is not None else None,
        needed=ex.needed_by([symbol], {symbol: events}),
        why_that_copy=why_that_copy,
        holders=good,
        lacking=lacking,
        point_at=point_at,
        install=install,
        why_more=why_more.strip(),
        confirm=knowledge.confirm_symbol(symbol, ex.cargo),
        locations=ex.located(events, f"undefined reference to {symbol}"),
    )


def _layer_finding(ex, symbols, by_symbol, hits, command, linked) -> Finding:
    libs = OrderedDict()
    for symbol in symbols:
        for hit in hits[symbol]:
            if hit.install is linked:
                libs.setdefault(lib_name(hit.definition.path), []).append(symbol)
    on_line = [name for name in libs if command is not None and command.requests(name)]
    evidence = ex.needed_by(symbols, by_symbol)[:4]
    evidence += [f"{more(list(OrderedDict.fromkeys(v)), 4)} defined by lib{k} in {label(linked)}" for k, v in libs.items()]
    if on_line and command is not None and not command.groups:
        title = "MKL's static archives need each other: the link line has no --start-group"
        fix = ("wrap the MKL archives in a group: -Wl,--start-group <interface> <threading> <core> -Wl,--end-group",
               "mkldoctor link --format flags   # prints the full line")
        why = "libmkl_core, the threading layer and the interface layer call each other; ld reads each archive once unless grouped."
    else:
        missing = [k for k in libs if k not in on_line]
        title = f"a part of MKL is missing from the link line: {', '.join('-l' + m for m in missing) or 'a layer'}"
        fix = (f"add {' '.join('-l' + m for m in missing)} (MKL needs an interface, a threading and the core library)",
               "mkldoctor link --format flags   # prints the full line")
        why = "MKL is linked as three layers (interface, threading, core); each one needs the others."
    return Finding("mkl-layer-missing", "error", title, tuple(evidence), fix, why)


def _command_for(ex, name: str, path: str | None) -> LinkCommand | None:
    for command in reversed(ex.commands):
        if path and path in command.inputs:
            return command
        if command.requests(name) or command.requests(":" + name):
            return command
    return ex.commands[-1] if ex.commands else None


def missing_libraries(ex) -> list[Finding]:
    events = ex.parsed.of(MissingLibrary)
    seen: set[str] = set()
    groups: OrderedDict[tuple, list[tuple[MissingLibrary, SearchResult | None, str]]] = OrderedDict()
    for event in events:
        key_name = event.path or event.name
        if key_name in seen:
            continue
        seen.add(key_name)
        command = _command_for(ex, event.name, event.path)
        if event.path:
            cause = "path-missing"
            result = None
            name = lib_name(event.path)
            static = event.path.endswith(".a")
        elif event.linker == "rustc":  # `cargo:rustc-link-lib=static=NAME` that rustc itself could not find
            name, static, command = event.name, True, None
            result = None
            cause = _library_cause(ex, name, static)
        else:
            name = event.name
            request = (command.requests(name) if command else []) or [None]
            static = bool(request[0].static) if request[0] else False
            if command is not None:
                result = ex.search(command, name)
            else:
                result = search_library(name, [], static, verbatim=name.startswith(":"))
                result.preface.append("the link command line is not in the log: only the default folders were searched")
            cause = _library_cause(ex, name, static)
        groups.setdefault((cause, id(command), static), []).append((event, result, name))
    out = []
    for (cause, _, static), items in groups.items():
        out.append(_library_finding(ex, cause, static, items))
    return out


def _library_holders(ex, name: str, static: bool) -> list[MklInstall]:
    """The copies that hold what ``-lNAME`` (or ``-l:FILE``, or a path's file) asks for."""
    base = name.lstrip(":")
    if name.startswith(":") or base.startswith("lib"):  # a file name: that very file
        return [i for i in ex.installs if any(os.path.basename(lib.path) == base for lib in i.libraries)
                or any(os.path.exists(os.path.join(d, base)) for d in i.lib_dirs)]
    return [i for i in ex.installs if i.has(base, "static" if static else None)]


def _library_cause(ex, name: str, static: bool) -> str:
    base = name.lstrip(":")
    holders = _library_holders(ex, name, static)
    if static and not holders and any(i.has(lib_name(base), "shared") for i in ex.installs):
        return "static-missing"
    if holders:
        return "not-on-path"
    if base == "iomp5":
        return "openmp-missing"
    return "absent"


def _library_finding(ex, cause: str, static: bool, items) -> Finding:
    names = [("-l" + name if not event.path else event.path) for event, _, name in items]
    evidence: list[str] = []
    for event, result, name in items:
        if result is not None:
            evidence.append(f"the linker's search for {result.request}:")
            evidence += ["  " + line for line in result.lines()]
        elif event.linker == "rustc":
            evidence.append(f"rustc looked for lib{name}.a only in the folders that build scripts name with "
                            "cargo:rustc-link-search (cargo build -vv shows them), and found none")
        else:
            evidence.append(f"the link line names {event.path}, and there is no such file")
    for _event, _, name in items:
        base = name.lstrip(":")
        for install in ex.installs:
            kinds = sorted({lib.kind for lib in install.libraries if lib.name == base})
            if kinds:
                evidence.append(f"lib{base} in {label(install)}: {', '.join(kinds)}")
    fix: list[str] = []
    title = f"cannot find {more(names, 4)}"
    why = ""
    if cause in ("static-missing", "path-missing") and static:
        title += ": MKL's static archives are not installed"
        why = ("The link asks for static archives (-Bstatic, or .a files by path), but the MKL copies here have only shared "
               "libraries. Distributions split them: Debian's libmkl-dev holds the .so files and the mkl-static-*.pc files, "
               "while the .a files are in libmkl-full-dev (libmkl-interface-dev, libmkl-threading-dev, libmkl-computational-dev); "
               "Intel's intel-oneapi-mkl has only .so files, intel-oneapi-mkl-devel has the archives.")
        fix.append(f"install the static archives: {ex.recipe_ref('static')}")
        fix.append("or link dynamically: mkldoctor link --link dynamic")
    elif cause == "not-on-path" and any(result is not None and result.found for _, result, _ in items):
        found = next(result.found for _, result, _ in items if result is not None and result.found)
        title += f": replayed here, the same search finds {found}"
        why = ("On this machine the linker's search succeeds: the failing link ran elsewhere (another machine, a container, "
               "a sandboxed build) or with other folders, or the file was added since.")
        fix.append("run the link again here; if it fails again, explain that run's whole output (make VERBOSE=1, cargo build -v)")
    elif cause == "not-on-path":
        holders = [i for _, _, name in items for i in _library_holders(ex, name, static)]
        best = sorted(holders, key=lambda i: version_key(i.version), reverse=True)[0]
        title += f": it is in {label(best)}, which is not searched"
        why = "The library exists on this machine, but not in any folder that the linker searched."
        kind = "static" if static else None
        unversioned = all(best.find(name.lstrip(":"), kind) and (static or best.find(name.lstrip(":"), "shared").soname_suffix in ("", ".so")) for _, _, name in items)
        fix.append(f"add its folder: -L{q(best.lib_dirs[0])}")
        if not static and not unversioned:
            why += (" Its shared libraries have only versioned names (libmkl_core.so.3) and no development links, "
                    "which -lNAME never finds: name the files by path, as oneMKL's mkl-*.pc files do.")
            fix.append("name the shared libraries by path: mkldoctor link --link dynamic --install " + q(best.root))
        if ex.cargo:
            fix.append(f"with cargo: export MKLROOT={q(best.root)}; {CARGO_CLEAN_EXPLAINED}")
    elif cause == "openmp-missing":
        title += ": Intel's OpenMP runtime (libiomp5) is not installed"
        why = "mkl_intel_thread needs libiomp5, and no copy of it is here (Debian's MKL packages do not ship it)."
        fix.append(f"install Intel's OpenMP runtime: {ex.recipe_ref('openmp')}")
        fix.append("or do without it: mkldoctor link --threading sequential (or gnu)")
    elif all(name.lstrip(":").startswith(("mkl", "libmkl")) for _, _, name in items):
        title += ": no copy of it anywhere searched"
        fix.append(f"install MKL's development files: {ex.recipe_ref('static' if static else 'shared')}")
    else:
        title += ": no copy of it anywhere searched (not an MKL library)"
        fix.append("install the package that provides it (apt-file search, dpkg -S), or add its folder with -L")
    confirm = ("add -Wl,--verbose to the link line: ld prints every file it tries (attempt to open ... failed/succeeded)",)
    return Finding("library-not-found", "error", title, tuple(evidence), tuple(fix), why, confirm,
                   locations=ex.located([event for event, _, _ in items], f"cannot find {more(names, 4)}"))
