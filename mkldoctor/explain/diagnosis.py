"""From log events and the MKL copies on disk to findings: cause, evidence, fix, confirmation.

One finding per distinct problem, not per line: 48 undefined ``__kmpc_*`` symbols are
one missing OpenMP runtime; ``cannot find`` for three static archives is one missing
package. Evidence names the symbol or library, who needed it, which MKL copy defines
it (by the symbol engine's fast lookups) and which version first has it; for ``-l``
and loader failures, the simulated search, step by step.

The caller passes the MKL copies (for now from ``--install`` and the ``-L`` folders of
the log; later the full inventory).
"""

from __future__ import annotations

import os
import shlex
from collections import OrderedDict
from dataclasses import dataclass, replace

from mkldoctor.knowledge import facts as knowledge
from mkldoctor.explain import catalogue, linker, platforms
from mkldoctor.explain.catalogue import FollowOn, Unrecognised
from mkldoctor.explain import runtime
from mkldoctor.explain.runtime import MklKernelUndefined
from mkldoctor.findings import Finding, Recipe
from mkldoctor.verdicts import missing_symbol
from mkldoctor.inventory.install import MklInstall
from mkldoctor.explain.linksearch import SearchResult, read_dynamic, search_library, search_soname
from mkldoctor.inventory.locate import installs_from_dirs
from mkldoctor.explain.logparse import (
    LinkCommand,
    LoaderMissing,
    MissingLibrary,
    MklCannotLoad,
    MklOpenFailed,
    NeededNotFound,
    OmpDuplicate,
    ParameterError,
    Parsed,
    RustLinkFailed,
    SymbolLookupError,
    ThreadingConflict,
    UndefinedSymbol,
)
from mkldoctor.binary.symbols import Definition, find_symbols

MAX_LISTED = 8  # symbols or references listed in one finding before "and N more"
MAX_UNRECOGNISED_FINDINGS = 10
_RECIPE_NAMES = {"static": "static-mkl", "shared": "mkl", "headers": "mkl-headers", "openmp": "openmp"}
q = shlex.quote


@dataclass(frozen=True)
class Hit:
    install: MklInstall
    definition: Definition

    @property
    def where(self) -> str:
        d = self.definition
        return f"{os.path.basename(d.path)}({d.member})" if d.member else os.path.basename(d.path)


def _lib_name(path: str) -> str:
    base = os.path.basename(path)
    base = base[3:] if base.startswith("lib") else base
    return base.split(".", 1)[0]


def _more(items: list[str], limit: int = MAX_LISTED) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class Explainer:
    def __init__(self, parsed: Parsed, installs: list[MklInstall], *, env: dict[str, str] | None = None) -> None:
        self.parsed = parsed
        self.env = env
        self.installs: list[MklInstall] = list(installs)
        self.commands: list[LinkCommand] = parsed.of(LinkCommand)
        dirs: list[str] = []
        for command in self.commands:
            dirs.extend(command.lib_dirs)
            dirs.extend(command.rpaths)
            dirs.extend(os.path.dirname(p) for p in command.inputs if "mkl" in os.path.basename(p) or "iomp" in p)
        for event in parsed.of(LoaderMissing):
            info = read_dynamic(event.binary) if os.path.isfile(event.binary) else None
            if info:
                dirs.extend(info.rpath + info.runpath)
        for event in parsed.of(MklOpenFailed):
            dirs.append(os.path.dirname(event.path))
        self.installs += installs_from_dirs([d for d in dirs if not d.startswith("<")], self.installs)
        self._hits: dict[str, list[Hit]] = {}
        self._recipes: OrderedDict[str, Recipe] = OrderedDict()
        self.cargo = bool(parsed.of(RustLinkFailed)) or any(
            (e.referenced_from or "").endswith((".rlib", ".rcgu.o")) or (e.member or "").endswith(".rcgu.o")
            for e in parsed.of(UndefinedSymbol)
        )

    # -- lookups -----------------------------------------------------------------------

    def hits(self, symbols: list[str]) -> dict[str, list[Hit]]:
        wanted = [s for s in symbols if s not in self._hits]
        for symbol in wanted:
            self._hits[symbol] = []
        if wanted:
            for install in self.installs:
                paths = sorted({lib.path for lib in install.libraries})
                definitions, _, _ = find_symbols(paths, wanted)
                for definition in definitions:
                    self._hits[definition.symbol].append(Hit(install, definition))
        return {s: self._hits[s] for s in symbols}

    def install_of(self, path: str | None) -> MklInstall | None:
        if not path:
            return None
        folder = os.path.realpath(os.path.dirname(path))
        for install in self.installs:
            if any(os.path.realpath(d) == folder for d in install.lib_dirs):
                return install
            if any(os.path.realpath(lib.path) == os.path.realpath(path) for lib in install.libraries):
                return install
        return None

    def main_command(self) -> LinkCommand | None:
        with_mkl = [c for c in self.commands if any(r.name.startswith("mkl_") for r in c.libs) or any("mkl_" in p for p in c.inputs)]
        chosen = with_mkl or self.commands
        return chosen[-1] if chosen else None

    def search(self, command: LinkCommand, name: str) -> SearchResult:
        requests = command.requests(name) or command.requests(":" + name)
        request = requests[0] if requests else None
        static = request.static if request else False
        return search_library(name, command.lib_dirs, static, verbatim=bool(request and request.verbatim), driver=command.driver)

    def linked(self, command: LinkCommand | None, prefer: str | None = None) -> tuple[MklInstall | None, SearchResult | None, str | None]:
        """The MKL copy a link command really used: (install, the search that picked it, the file)."""
        if command is None:
            return None, None, None
        names = [r.name for r in command.libs if r.name.startswith("mkl_")]
        order = ([prefer] if prefer in names else []) + [n for n in ("mkl_core", "mkl_rt") if n in names] + names
        for name in order:
            result = self.search(command, name)
            if result.found:
                return self.install_of(result.found), result, result.found
        for path in command.inputs:
            if "mkl_" in os.path.basename(path):
                return self.install_of(path), None, path
        if self.cargo and not names:
            # `cargo:rustc-link-lib=static=mkl_*` in a library crate: rustc bundled the archives into that
            # crate's rlib when it built it, searching the same -L native folders that reach this line
            dirs = [d for d in command.lib_dirs if not d.startswith("<")]
            for name in ([prefer] if prefer else []) + ["mkl_core"]:
                result = search_library(name, dirs, True, driver=False, defaults=[])
                result.request = f"lib{name}.a (rustc's search for cargo:rustc-link-lib=static={name}, bundled into the crate's rlib)"
                if result.found:
                    return self.install_of(result.found), result, result.found
        return None, None, None

    # -- shared with the family modules (linker, hosts, build, runtime, platforms) -------

    label = staticmethod(label)

    def needed_by(self, symbols: list[str], by_symbol: dict) -> list[str]:
        return self._needed_by(symbols, by_symbol)

    def recipe(self, need: str, min_version: str | None = None) -> Recipe:
        """The install commands for ``need`` ("static", "shared", "headers", "openmp"), made once per report."""
        name = f"install-{_RECIPE_NAMES[need]}" + (f"-{min_version}+" if min_version else "")
        if name not in self._recipes:
            self._recipes[name] = Recipe(name, tuple(knowledge.recipes(need, min_version)))
        return self._recipes[name]

    def recipe_ref(self, need: str, min_version: str | None = None) -> str:
        return f"see recipe `{self.recipe(need, min_version).name}` below"

    def holders_of_stem(self, stem: str) -> list[tuple[MklInstall, str]]:
        """(install, path) of each shared library file whose name starts with ``stem`` (``libmkl_rt``)."""
        out = []
        for install in self.installs:
            for lib in install.libraries:
                base = os.path.basename(lib.path)
                if lib.kind == "shared" and (base == stem or base.startswith(stem + ".")):
                    out.append((install, lib.path))
        return out

    # -- findings ----------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        out += self._undefined()
        out += self._missing_libraries()
        out += self._needed()
        out += self._loader()
        out += self._lookup_errors()
        out += self._mkl_cannot_load()
        out += self._runtime_misc()
        for diagnose in catalogue.diagnoses():
            out += diagnose(self)
        if not out and self.parsed.of(RustLinkFailed):
            linker_name = self.parsed.of(RustLinkFailed)[0].linker
            out.append(Finding(
                "link-failed-unrecognised", "error", f"rustc's link with `{linker_name}` failed, for a reason mkldoctor does not recognise",
                ("the linker's own message was not one of: undefined reference/symbol, cannot find -l",),
                ("rerun with: cargo build -v   # and pass the whole output to mkldoctor explain",),
            ))
        out += self._unrecognised(out)
        out = [self._with_recipes(f) for f in out]
        order = {"error": 0, "warning": 1, "info": 2}
        return sorted(out, key=lambda f: order.get(f.severity, 3))

    def _with_recipes(self, finding: Finding) -> Finding:
        text = "\n".join(finding.fix)
        wanted = [r for name, r in self._recipes.items() if f"recipe `{name}`" in text and r not in finding.recipes]
        return replace(finding, recipes=finding.recipes + tuple(wanted)) if wanted else finding

    def _unrecognised(self, found: list[Finding]) -> list[Finding]:
        """Never silent: each error line that no signature claimed, and a failure said only by its echoes."""
        out = []
        events = self.parsed.of(Unrecognised)
        for event in events[:MAX_UNRECOGNISED_FINDINGS]:
            context = [("> " if line == event.line else "  ") + line for line in event.context] or ["> " + event.line]
            if not any(line.startswith("> ") for line in context):
                context.insert(0, "> " + event.line)
            out.append(Finding(
                "unrecognised-failure", "error", f"an error mkldoctor does not recognise: {event.line.strip()[:160]}",
                tuple(["the log says (the line marked >, with the lines around it):"] + ["  " + c for c in context[:10]]),
                ("read the marked line: mkldoctor has no signature for it, so it cannot say whether MKL is the cause",
                 "if it concerns MKL, report it with this log excerpt so that a signature can be added"),
                "This line looks like an error (error:, undefined, cannot open/find/load, FATAL, ImportError, CMake Error...), "
                "and none of mkldoctor's failure signatures explains it. mkldoctor does not call such a log clean.",
            ))
        if len(events) > MAX_UNRECOGNISED_FINDINGS:
            out.append(Finding("unrecognised-failure", "error", f"{len(events) - MAX_UNRECOGNISED_FINDINGS} more unrecognised error lines",
                               tuple(e.line[:160] for e in events[MAX_UNRECOGNISED_FINDINGS:MAX_UNRECOGNISED_FINDINGS + 8]), ()))
        echoes = self.parsed.of(FollowOn)
        if echoes and not events and not any(f.severity == "error" for f in found):
            out.append(Finding(
                "unrecognised-failure", "error", "the log says the build failed, but not why in a form mkldoctor recognises",
                tuple(f"the log says: {e.line[:200]}" for e in echoes[:6]),
                ("look above these lines for the first error the tool printed; if the log was cut, pass the whole output "
                 "(make VERBOSE=1, cargo build -v, ninja -v)",),
                "These lines only report that an earlier step failed; the step's own message is not in the input, "
                "or is not one mkldoctor knows.",
            ))
        return out

    def _other_release(self, soname: str, evidence: list[str]) -> list[str]:
        """A missing ``libmkl_X.so.N``: other sonames of the same library here mean another release."""
        stem = soname.split(".so", 1)[0]
        others = [(i, p) for i, p in self.holders_of_stem(stem + ".so") if os.path.basename(p) != soname]
        # hook: a table of which release ships which soname (knowledge/exports, being built) answers
        # "the 2021 releases have .so.1" for a copy that is not on this machine
        for install, path in others:
            evidence.append(f"this machine has {os.path.basename(path)} from {label(install)}: another soname, so another release")
        if others:
            install = others[0][0]
            return [f"the program was linked against the MKL release whose soname is {soname}; relink it against a copy that is here: "
                    f"mkldoctor link --install {q(install.root)}",
                    f"or install the release that provides {soname} (the one the program was built with): {self.recipe_ref('shared')}"]
        return [f"install MKL's shared libraries: {self.recipe_ref('shared')}"]

    # undefined symbols at link time

    def _undefined(self) -> list[Finding]:
        events = [e for e in self.parsed.of(UndefinedSymbol) if not linker.claims(e)]
        if not events:
            return []
        by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
        for event in events:
            by_symbol.setdefault(event.symbol, []).append(event)
        hits = self.hits(list(by_symbol))
        command = self.main_command()
        linked, _, _ = self.linked(command)
        groups: OrderedDict[str, list[str]] = OrderedDict(
            (k, []) for k in ("openmp", "gnu-openmp", "missing", "layer", "not-linked", "other")
        )
        for symbol in by_symbol:
            found = hits[symbol]
            omp_only = bool(found) and all(_lib_name(h.definition.path).startswith(("iomp", "iompstubs")) for h in found)
            if knowledge.is_openmp_symbol(symbol) and not symbol.startswith("GOMP_") or omp_only:
                groups["openmp"].append(symbol)
            elif symbol.startswith("GOMP_"):
                groups["gnu-openmp"].append(symbol)
            elif linked is not None and any(h.install is linked for h in found):
                groups["layer"].append(symbol)
            elif found or missing_symbol.first_release(symbol):
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
            out.append(self._openmp_finding(groups["openmp"], by_symbol, command))
        if groups["gnu-openmp"]:
            out.append(Finding(
                "gnu-openmp-missing", "error",
                "GNU OpenMP symbols are undefined: libmkl_gnu_thread needs libgomp",
                tuple(self._needed_by(groups["gnu-openmp"], by_symbol)),
                ("add -lgomp (or -fopenmp) after the MKL libraries on the link line",),
                "mkl_gnu_thread runs MKL's threads on GCC's OpenMP runtime, libgomp, which must be linked too.",
            ))
        for symbol in groups["missing"]:
            out.append(self._missing_symbol_finding(symbol, by_symbol[symbol], hits[symbol], command, linked))
        if groups["layer"]:
            out.append(self._layer_finding(groups["layer"], by_symbol, hits, command, linked))
        if groups["not-linked"]:
            symbols = groups["not-linked"]
            where = sorted({label(h.install) for s in symbols for h in hits[s]})
            out.append(Finding(
                "mkl-not-linked", "error", f"{_more(symbols, 3)} undefined: no MKL library is on the link line",
                tuple(self._needed_by(symbols, by_symbol) + [f"defined by: {w}" for w in where]),
                ("add MKL's link line: mkldoctor link --format flags",),
                "The link command names no libmkl_* library, so nothing can define MKL's functions.",
            ))
        if groups["other"]:
            symbols = groups["other"]
            out.append(Finding(
                "undefined-symbol", "error", f"undefined: {_more(symbols, 4)}; no MKL copy here defines {'it' if len(symbols) == 1 else 'them'}",
                tuple(self._needed_by(symbols, by_symbol) + [f"searched: {label(i)}" for i in self.installs]),
                ("find the library that defines it: mkldoctor symbols --find SYMBOL FOLDER",),
                "These symbols are not MKL's (none of the MKL copies searched defines them): the cause is elsewhere in the link.",
            ))
        return out

    def _needed_by(self, symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> list[str]:
        lines: list[str] = []
        users: OrderedDict[str, list[str]] = OrderedDict()
        for symbol in symbols:
            for event in by_symbol[symbol]:
                who = event.referenced_from or "(an object the linker did not name)"
                if event.member:
                    who = f"{who}({event.member})"
                if event.function:
                    who = f"{event.function} in {who}"
                if event.location:
                    who += f" at {event.location}"
                users.setdefault(who, []).append(symbol)
        for who, names in list(users.items())[:MAX_LISTED]:
            names = list(OrderedDict.fromkeys(names))
            lines.append(f"{_more(names, 6)} needed by {who}")
        if len(users) > MAX_LISTED:
            lines.append(f"... and {len(users) - MAX_LISTED} more places")
        return lines

    def _openmp_finding(self, symbols: list[str], by_symbol, command: LinkCommand | None) -> Finding:
        evidence = [f"{len(symbols)} OpenMP runtime symbol(s) undefined: {_more(symbols, 6)}"]
        evidence += self._needed_by(symbols, by_symbol)[:3]
        places = self._iomp5_places()
        evidence += [f"libiomp5 is in {p}" for p in places] or ["no libiomp5 in any MKL copy searched"]
        fix: list[str] = []
        if places:
            folder = places[0]
            fix.append(f"link Intel's OpenMP runtime after the MKL libraries: -L{q(folder)} -liomp5 -lpthread -lm -ldl")
            fix.append(f"at run time: export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
        else:
            fix.append(f"install Intel's OpenMP runtime (libiomp5): {self.recipe_ref('openmp')}")
        fix.append("or do without it: link mkl_sequential instead of mkl_intel_thread (mkldoctor link --threading sequential),")
        fix.append("or GCC's runtime: mkl_gnu_thread with -lgomp (mkldoctor link --threading gnu)")
        return Finding(
            "openmp-runtime-missing", "error",
            "libmkl_intel_thread needs Intel's OpenMP runtime (libiomp5), which is not on the link line",
            tuple(evidence), tuple(fix),
            "mkl_intel_thread runs MKL's threads on Intel's OpenMP runtime but does not name it as a dependency: "
            "libiomp5 must be linked explicitly, and found again by the loader at run time.",
            tuple(knowledge.confirm_symbol(symbols[0], self.cargo)),
        )

    def _iomp5_places(self) -> list[str]:
        places: list[str] = []
        for install in self.installs:
            for lib in install.iomp5:
                folder = os.path.dirname(lib.path)
                if folder not in places:
                    places.append(folder)
        return places

    def _missing_symbol_finding(self, symbol: str, events: list[UndefinedSymbol], hits: list[Hit], command, linked) -> Finding:
        first = missing_symbol.first_release(symbol)
        having = OrderedDict()
        for hit in hits:
            having.setdefault(hit.install.key, (hit.install, []))[1].append(hit.where)
        lacking = [label(i) for i in self.installs if i.key not in having]
        static = True
        why_that_copy: list[str] = []
        if command is not None and linked is not None:
            interface = [n for n in (_lib_name(h.definition.path) for h in hits) if command.requests(n)]
            if not interface and self.cargo:
                interface = [n for n in (_lib_name(h.definition.path) for h in hits if h.definition.path.endswith(".a")) if n.startswith("mkl_intel_")]
            preference = ["mkl_intel_lp64", "mkl_intel_ilp64", "mkl_gf_lp64", "mkl_gf_ilp64"]
            interface.sort(key=lambda n: preference.index(n) if n in preference else len(preference))
            searched_lib = interface[0] if interface else None
            install, result, path = self.linked(command, prefer=searched_lib)
            request = (command.requests(_lib_name(path or "")) or [None])[0]
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
            if self.cargo:
                pc = next((os.path.dirname(p) for p in best.pkgconfig), None)
                point_at.append(f"point the build at {label(best)}:")
                point_at.append(f"  export MKLROOT={q(best.root)}")
                if pc:
                    point_at.append(f"  export PKG_CONFIG_PATH={q(pc)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}")
                point_at.append(f"  {knowledge.CARGO_CLEAN}")
                point_at.append("  cargo build   # the same command as before")
            elif command is not None and linked is not None:
                point_at.append(f"put the copy that has {symbol} first: -L{q(libdir)} before -L{q(linked.lib_dirs[0])} (or drop the old -L)")
            else:
                point_at.append(f"link against {label(best)}: -L{q(libdir)} (mkldoctor link --install {q(best.root)})")
            if not static or not best.static:
                point_at.append(f"at run time: export LD_LIBRARY_PATH={q(libdir)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
        install = [f"install an MKL that has {symbol}" + (f" ({first} or newer)" if first else "")
                   + f": {self.recipe_ref('static' if static else 'shared', first)}"]
        if self.cargo:
            install.append("then: export MKLROOT=<its prefix>; " + knowledge.CARGO_CLEAN)
        why_more = ""
        if self.cargo:
            why_more = ("With cargo, MKL's folder comes from a build script: intel-mkl-src asks pkg-config for mkl-*.pc, then looks in "
                        f"$MKLROOT and /opt/intel, and only when all fail downloads its own MKL {knowledge.CHANNEL_VERSION['intel-mkl-src']}, "
                        "which is too old for half precision. Installing a newer MKL is not enough while the old copy comes first.")
        if static and good and not good[0].install.static:
            why_more += f" {good[0].label} has no static archives: link it dynamically, or install its static package."
        return missing_symbol.finding(
            symbol,
            used=label(linked) if linked is not None else "an MKL the log does not name (its link command is not in the log)",
            used_version=linked.version if linked is not None else None,
            needed=self._needed_by([symbol], {symbol: events}),
            why_that_copy=why_that_copy,
            holders=good,
            lacking=lacking,
            point_at=point_at,
            install=install,
            why_more=why_more.strip(),
            confirm=knowledge.confirm_symbol(symbol, self.cargo),
        )

    def _layer_finding(self, symbols, by_symbol, hits, command, linked) -> Finding:
        libs = OrderedDict()
        for symbol in symbols:
            for hit in hits[symbol]:
                if hit.install is linked:
                    libs.setdefault(_lib_name(hit.definition.path), []).append(symbol)
        on_line = [name for name in libs if command is not None and command.requests(name)]
        evidence = self._needed_by(symbols, by_symbol)[:4]
        evidence += [f"{_more(list(OrderedDict.fromkeys(v)), 4)} defined by lib{k} in {label(linked)}" for k, v in libs.items()]
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

    # -l failures

    def _command_for(self, name: str, path: str | None) -> LinkCommand | None:
        for command in reversed(self.commands):
            if path and path in command.inputs:
                return command
            if command.requests(name) or command.requests(":" + name):
                return command
        return self.commands[-1] if self.commands else None

    def _missing_libraries(self) -> list[Finding]:
        events = self.parsed.of(MissingLibrary)
        seen: set[str] = set()
        groups: OrderedDict[tuple, list[tuple[MissingLibrary, SearchResult | None, str]]] = OrderedDict()
        for event in events:
            key_name = event.path or event.name
            if key_name in seen:
                continue
            seen.add(key_name)
            command = self._command_for(event.name, event.path)
            if event.path:
                cause = "path-missing"
                result = None
                name = _lib_name(event.path)
                static = event.path.endswith(".a")
            elif event.linker == "rustc":  # `cargo:rustc-link-lib=static=NAME` that rustc itself could not find
                name, static, command = event.name, True, None
                result = None
                cause = self._library_cause(name, static)
            else:
                name = event.name
                request = (command.requests(name) if command else []) or [None]
                static = bool(request[0].static) if request[0] else False
                if command is not None:
                    result = self.search(command, name)
                else:
                    result = search_library(name, [], static, verbatim=name.startswith(":"))
                    result.preface.append("the link command line is not in the log: only the default folders were searched")
                cause = self._library_cause(name, static)
            groups.setdefault((cause, id(command), static), []).append((event, result, name))
        out = []
        for (cause, _, static), items in groups.items():
            out.append(self._library_finding(cause, static, items))
        return out

    def _library_holders(self, name: str, static: bool) -> list[MklInstall]:
        """The copies that hold what ``-lNAME`` (or ``-l:FILE``, or a path's file) asks for."""
        base = name.lstrip(":")
        if name.startswith(":") or base.startswith("lib"):  # a file name: that very file
            return [i for i in self.installs if any(os.path.basename(lib.path) == base for lib in i.libraries)
                    or any(os.path.exists(os.path.join(d, base)) for d in i.lib_dirs)]
        return [i for i in self.installs if i.has(base, "static" if static else None)]

    def _library_cause(self, name: str, static: bool) -> str:
        base = name.lstrip(":")
        holders = self._library_holders(name, static)
        if static and not holders and any(i.has(_lib_name(base), "shared") for i in self.installs):
            return "static-missing"
        if holders:
            return "not-on-path"
        if base == "iomp5":
            return "openmp-missing"
        return "absent"

    def _library_finding(self, cause: str, static: bool, items) -> Finding:
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
            for install in self.installs:
                kinds = sorted({lib.kind for lib in install.libraries if lib.name == base})
                if kinds:
                    evidence.append(f"lib{base} in {label(install)}: {', '.join(kinds)}")
        fix: list[str] = []
        title = f"cannot find {_more(names, 4)}"
        why = ""
        if cause in ("static-missing", "path-missing") and static:
            title += ": MKL's static archives are not installed"
            why = ("The link asks for static archives (-Bstatic, or .a files by path), but the MKL copies here have only shared "
                   "libraries. Distributions split them: Debian's libmkl-dev holds the .so files and the mkl-static-*.pc files, "
                   "while the .a files are in libmkl-full-dev (libmkl-interface-dev, libmkl-threading-dev, libmkl-computational-dev); "
                   "Intel's intel-oneapi-mkl has only .so files, intel-oneapi-mkl-devel has the archives.")
            fix.append(f"install the static archives: {self.recipe_ref('static')}")
            fix.append("or link dynamically: mkldoctor link --link dynamic")
        elif cause == "not-on-path" and any(result is not None and result.found for _, result, _ in items):
            found = next(result.found for _, result, _ in items if result is not None and result.found)
            title += f": replayed here, the same search finds {found}"
            why = ("On this machine the linker's search succeeds: the failing link ran elsewhere (another machine, a container, "
                   "a sandboxed build) or with other folders, or the file was added since.")
            fix.append("run the link again here; if it fails again, explain that run's whole output (make VERBOSE=1, cargo build -v)")
        elif cause == "not-on-path":
            holders = [i for _, _, name in items for i in self._library_holders(name, static)]
            best = sorted(holders, key=lambda i: knowledge.version_key(i.version), reverse=True)[0]
            title += f": it is in {label(best)}, which is not searched"
            why = "The library exists on this machine, but not in any folder that the linker searched."
            kind = "static" if static else None
            unversioned = all(best.find(name.lstrip(":"), kind) and (static or best.find(name.lstrip(":"), "shared").soname_suffix in ("", ".so")) for _, _, name in items)
            fix.append(f"add its folder: -L{q(best.lib_dirs[0])}")
            if not static and not unversioned:
                why += (" Its shared libraries have only versioned names (libmkl_core.so.3) and no development links, "
                        "which -lNAME never finds: name the files by path, as oneMKL's mkl-*.pc files do.")
                fix.append("name the shared libraries by path: mkldoctor link --link dynamic --install " + q(best.root))
            if self.cargo:
                fix.append(f"with cargo: export MKLROOT={q(best.root)}; {CARGO_CLEAN_EXPLAINED}")
        elif cause == "openmp-missing":
            title += ": Intel's OpenMP runtime (libiomp5) is not installed"
            why = "mkl_intel_thread needs libiomp5, and no copy of it is here (Debian's MKL packages do not ship it)."
            fix.append(f"install Intel's OpenMP runtime: {self.recipe_ref('openmp')}")
            fix.append("or do without it: mkldoctor link --threading sequential (or gnu)")
        elif all(name.lstrip(":").startswith(("mkl", "libmkl")) for _, _, name in items):
            title += ": no copy of it anywhere searched"
            fix.append(f"install MKL's development files: {self.recipe_ref('static' if static else 'shared')}")
        else:
            title += ": no copy of it anywhere searched (not an MKL library)"
            fix.append("install the package that provides it (apt-file search, dpkg -S), or add its folder with -L")
        confirm = ("add -Wl,--verbose to the link line: ld prints every file it tries (attempt to open ... failed/succeeded)",)
        return Finding("library-not-found", "error", title, tuple(evidence), tuple(fix), why, confirm)

    def _needed(self) -> list[Finding]:
        out = []
        for event in self.parsed.of(NeededNotFound):
            holders = [i for i in self.installs if any(os.path.basename(l.path) == event.soname for l in i.libraries)]
            fix = [f"-Wl,-rpath-link,{q(i.lib_dirs[0])} (and LD_LIBRARY_PATH at run time)" for i in holders[:1]]
            out.append(Finding(
                "needed-library-not-found", "warning", f"{event.soname}, needed by {os.path.basename(event.needed_by)}, was not found at link time",
                (f"{event.soname} needed by {event.needed_by}",) + tuple(f"{event.soname} is in {label(i)}" for i in holders),
                tuple(fix) or ("add the folder that holds it with -L",),
            ))
        return out

    # run time

    def _holders(self, filename: str) -> list[tuple[MklInstall, str]]:
        out = []
        for install in self.installs:
            for folder in [*install.lib_dirs] + sorted({os.path.dirname(l.path) for l in install.iomp5}):
                path = os.path.join(folder, filename)
                if os.path.exists(path) and (install, folder) not in out:
                    out.append((install, folder))
        return out

    def _loader(self) -> list[Finding]:
        out = []
        by_soname: OrderedDict[str, list[LoaderMissing]] = OrderedDict()
        for event in self.parsed.of(LoaderMissing):
            by_soname.setdefault(event.soname, []).append(event)
        for soname, events in by_soname.items():
            binary = events[0].binary
            result = search_soname(soname, binary, env=self.env, env_label="LD_LIBRARY_PATH (here, now)")
            holders = self._holders(soname)
            evidence = [f"{', '.join(sorted({e.binary for e in events}))} needs {soname}", f"the loader's search for {soname}:"]
            evidence += ["  " + line for line in result.lines()]
            if result.found:
                evidence.append(f"here and now it would be found ({result.found}): the failing run had another environment")
            evidence += [f"{soname} is in {label(i)}: {folder}" for i, folder in holders]
            fix: list[str] = []
            if holders:
                folder = holders[0][1]
                fix.append(f"export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
                fix.append(f"or relink with a run path: -Wl,-rpath,{q(folder)}")
                fix.append(f"or system-wide: echo {q(folder)} | sudo tee /etc/ld.so.conf.d/mkl.conf && sudo ldconfig")
            elif soname.startswith("libiomp5"):
                fix.append(f"install Intel's OpenMP runtime: {self.recipe_ref('openmp')}")
            else:
                fix += self._other_release(soname, evidence)
            out.append(Finding(
                "loader-cannot-find", "error", f"the loader cannot find {soname}",
                tuple(evidence), tuple(fix),
                "The program was linked against this library, but at run time the loader looks only in the binary's run path, "
                "LD_LIBRARY_PATH, /etc/ld.so.cache and the default folders; the folder that holds it is in none of them.",
                (f"ldd {q(binary)} | grep {q(soname)}   # must show a path, not 'not found'",),
            ))
        return out

    def _lookup_errors(self) -> list[Finding]:
        out = []
        events = self.parsed.of(SymbolLookupError)
        omp = [e for e in events if knowledge.is_openmp_symbol(e.symbol)]
        other = [e for e in events if e not in omp]
        if omp:
            event = omp[0]
            places = self._iomp5_places()
            evidence = [f"{event.binary}: {e.library} needs {e.symbol}" for e in omp[:MAX_LISTED]]
            info = read_dynamic(event.library) if os.path.isfile(event.library) else None
            if info is not None:
                evidence.append(f"{os.path.basename(event.library)} needs (DT_NEEDED): {', '.join(info.needed) or 'nothing'}: no OpenMP runtime among them")
            evidence += [f"libiomp5 is in {p}" for p in places]
            fix = []
            if places:
                fix.append(f"link it: -L{q(places[0])} -liomp5, and at run time: export LD_LIBRARY_PATH={q(places[0])}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
                fix.append(f"or for this run only: LD_PRELOAD={q(os.path.join(places[0], 'libiomp5.so'))}")
            else:
                fix.append(f"install Intel's OpenMP runtime: {self.recipe_ref('openmp')}")
            fix.append("or with libmkl_rt: export MKL_THREADING_LAYER=SEQUENTIAL (or GNU)")
            out.append(Finding(
                "openmp-runtime-missing", "error", f"{os.path.basename(event.library)} was loaded without Intel's OpenMP runtime (libiomp5)",
                tuple(evidence), tuple(fix),
                "mkl_intel_thread calls Intel's OpenMP runtime but does not list it as a dependency; nothing loaded libiomp5, "
                "so the first OpenMP call fails when it is resolved.",
                (f"ldd {q(event.binary)} | grep -E 'iomp5|mkl'",),
            ))
        for event in other:
            hits = self.hits([event.symbol])[event.symbol]
            evidence = [f"{event.binary}: {event.library} needs {event.symbol}"]
            evidence += [f"defined by {label(h.install)}: {h.where}" for h in hits[:MAX_LISTED]]
            lib_install = self.install_of(event.library)
            if lib_install is not None:
                evidence.append(f"{event.library} is part of {label(lib_install)}")
            out.append(Finding(
                "runtime-symbol-missing", "error", f"symbol lookup error: {event.symbol} is not in the libraries that were loaded",
                tuple(evidence),
                ("load the libraries of one MKL copy only: check LD_LIBRARY_PATH and ldd for a mix of versions",
                 f"ldd {q(event.binary)} | grep -E 'mkl|iomp'"),
                "The program was linked against one copy of a library, and at run time the loader found another that lacks the symbol "
                "(mixed MKL versions, or a layer loaded without the library it calls).",
            ))
        return out

    def _mkl_cannot_load(self) -> list[Finding]:
        if self.parsed.of(MklKernelUndefined) or runtime.layer_soname_missing(self):
            return []  # a kernel of another release: the runtime family explains the "Cannot load" that follows
        fatal = [e for e in self.parsed.of(MklCannotLoad) if not any(platforms.is_foreign(lib) for lib in e.libraries)]
        opened = self.parsed.of(MklOpenFailed)
        if not fatal and not opened:
            return []
        wanted: list[str] = []
        for event in fatal:
            wanted += [lib for lib in event.libraries if lib not in wanted]
        for event in opened:
            base = os.path.basename(event.path)
            if base not in wanted:
                wanted.append(base)
        evidence = [f"MKL tried to open {e.path}: {e.reason}" for e in opened[:MAX_LISTED]]
        evidence += [f"MKL could not load {' or '.join(e.libraries)}" for e in fatal]
        tried_dirs = sorted({os.path.dirname(e.path) for e in opened if "/" in e.path})
        for folder in tried_dirs:
            try:
                present = sorted(n for n in os.listdir(folder) if n.startswith("libmkl_"))
            except OSError:
                present = []
            evidence.append(f"{folder} holds: {_more(present, 6) or 'no MKL library'}")
        holders: OrderedDict[str, MklInstall] = OrderedDict()
        for name in wanted:
            for install, folder in self._holders(name):
                if os.path.realpath(folder) in {os.path.realpath(d) for d in tried_dirs}:
                    continue
                holders.setdefault(folder, install)
                evidence.append(f"{name} is in {folder} ({label(install)})")
        fix: list[str] = []
        if holders:
            folder = next(iter(holders))
            fix.append(f"export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
            fix.append("or ship every libmkl_*.so beside libmkl_rt (kernel libraries: " + ", ".join(f"lib{k}" for k in KERNEL_LIBRARIES[:4]) + ", ... and the threading layer)")
        else:
            fix.append("install or copy MKL's other shared libraries beside libmkl_rt (the versions must match: .so.2 with .so.2): "
                       + self.recipe_ref("shared"))
        return [Finding(
            "mkl-cannot-load-kernels", "error", f"MKL cannot load its own libraries at run time: {_more(wanted, 4)}",
            tuple(evidence), tuple(fix),
            "libmkl_rt (and the dynamic libmkl_core) choose the threading layer and the CPU kernels at run time and open them with "
            "dlopen, beside libmkl_rt first and then on the loader path. Copying libmkl_rt alone (into an image, a wheel, a bundle) "
            "or mixing versions (.so.1/.so.2/.so.3) leaves them unfound.",
            ("MKL_VERBOSE=1 ./your-program   # prints the MKL version and the kernel it loaded",),
        )]

    def _runtime_misc(self) -> list[Finding]:
        out = []
        for event in self.parsed.of(OmpDuplicate):
            out.append(Finding(
                "openmp-duplicate", "error", f"two OpenMP runtimes in one process: {event.library} and {event.already}",
                (f"OMP: Error #15: {event.library} initialised while {event.already} already was",),
                ("link exactly one OpenMP runtime: with MKL's intel_thread only libiomp5 (drop -lgomp/-fopenmp), with gnu_thread only libgomp",
                 "with libmkl_rt: export MKL_THREADING_LAYER=GNU when the program already uses libgomp",
                 "last resort, may crash or give wrong results: export KMP_DUPLICATE_LIB_OK=TRUE"),
                "Two copies of an OpenMP runtime (two libiomp5, or libiomp5 with LLVM's libomp) were loaded, typically one from MKL "
                "and one from another package (PyTorch, conda, a wheel).",
                ("ldd ./your-program | grep -E 'iomp|gomp|libomp'",),
            ))
        for event in self.parsed.of(ThreadingConflict):
            out.append(Finding(
                "threading-layer-conflict", "error", f"MKL_THREADING_LAYER={event.layer} is incompatible with {event.library}",
                (f"MKL was asked for the {event.layer} threading layer while {event.library} is already loaded",),
                ("export MKL_THREADING_LAYER=GNU   # use the OpenMP runtime that is already loaded",
                 "or load MKL (import numpy) before the library that brings libgomp"),
                "MKL's INTEL threading layer needs libiomp5, and cannot share a process with GNU's libgomp.",
            ))
        for event in self.parsed.of(ParameterError):
            out.append(Finding(
                "mkl-parameter-error", "error", f"MKL rejected parameter {event.parameter} of {event.routine}",
                (f"Intel MKL ERROR: Parameter {event.parameter} was incorrect on entry to {event.routine}",),
                ("if every argument is right, the integer size is mixed: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 "
                 "(or with libmkl_rt: MKL_INTERFACE_LAYER=ILP64)",
                 "mkldoctor link --interface lp64   # or ilp64: prints matching compile and link flags"),
                "A leading dimension or size is wrong, or the program passes 32-bit integers to the 64-bit (ILP64) interface or the reverse.",
            ))
        return out


def explain(parsed: Parsed, installs: list[MklInstall], *, env: dict[str, str] | None = None) -> list[Finding]:
    """Findings for a parsed log, with ``installs`` as the MKL copies known besides the log's own."""
    from mkldoctor.explain.fixcheck import check_fixes  # a fix must be able to fix the failure it answers
    from mkldoctor.explain.tbbabi import with_tbb_findings

    return check_fixes(with_tbb_findings(Explainer(parsed, installs, env=env).findings(), parsed), parsed)
