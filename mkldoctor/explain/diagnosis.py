"""From log events and the MKL copies on disk to findings: cause, evidence, fix, confirmation.

One finding per distinct problem, not per line: 48 undefined ``__kmpc_*`` symbols are
one missing OpenMP runtime; ``cannot find`` for three static archives is one missing
package. The :class:`Explainer` holds what every family needs (the MKL copies, the
symbol look-ups, the link command and the copy it used, the install recipes); each
family module turns its events into findings:

* :mod:`linker`: undefined symbols and ``-l`` failures (and the C library parts, archive order);
* :mod:`hosts`: the loader and the hosts that print its messages (Python, R, Julia, PyInstaller);
* :mod:`build`: CMake's ``find_package(MKL)``, a compiler without MKL's headers, build-tool echoes;
* :mod:`runtime`: MKL and OpenMP at run time (kernels, duplicate runtimes, threading layers);
* :mod:`platforms`: macOS and Windows.

Whatever looks like an error and no family explains becomes an ``unrecognised-failure``.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, replace

from mkldoctor.binary.symbols import Definition, find_symbols
from mkldoctor.explain import catalogue, hosts, linker, runtime
from mkldoctor.explain.catalogue import FollowOn, Unrecognised
from mkldoctor.binary.dynamic import read_dynamic
from mkldoctor.discover.soname import SearchResult
from mkldoctor.explain.linksearch import search_library
from mkldoctor.explain.hosts import LoaderMissing
from mkldoctor.explain.logparse import LinkCommand, Parsed, RustLinkFailed, UndefinedSymbol
from mkldoctor.explain.runtime import MklOpenFailed
from mkldoctor.explain.wording import MAX_LISTED, more
from mkldoctor.findings import Finding, Location, Recipe, by_severity
from mkldoctor.inventory.install import MklInstall
from mkldoctor.inventory.install import label
from mkldoctor.inventory.locate import installs_from_dirs

MAX_UNRECOGNISED_FINDINGS = 10
MAX_LOCATIONS = 10  # log lines named per finding: an annotation per line is enough to find the rest


@dataclass(frozen=True)
class Hit:
    install: MklInstall
    definition: Definition

    @property
    def where(self) -> str:
        d = self.definition
        return f"{os.path.basename(d.path)}({d.member})" if d.member else os.path.basename(d.path)


class Explainer:
    def __init__(self, parsed: Parsed, installs: list[MklInstall], *, env: dict[str, str] | None = None,
                 log: str | None = None) -> None:
        self.parsed = parsed
        self.env = env
        self.log = log  # the log file as findings name it (Location.path); None for standard input or a command
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

    def recipe(self, need: str, min_version: str | None = None) -> Recipe:
        """The install commands for ``need`` ("static", "shared", "headers", "openmp"), made once per report."""
        from mkldoctor.knowledge import recipes

        name = recipes.recipe_name(need, min_version)
        if name not in self._recipes:
            # the package managers of this machine only (and pip), as check does; Debian's block where apt is
            channels = recipes.channels_for("/", True)
            lines = recipes.recipes(need, min_version, channels=channels, intel_repo=not recipes.intel_apt_configured("/"))
            self._recipes[name] = Recipe(name, tuple(lines))
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

    def located(self, events, what: str) -> tuple[Location, ...]:
        """The log lines the events were first read on (a log file only: standard input has no file to open)."""
        if self.log is None:
            return ()
        lines = sorted({self.parsed.first_line.get(e, 0) for e in events} - {0})
        return tuple(Location(self.log, line, what) for line in lines[:MAX_LOCATIONS])

    # -- findings ----------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        out += linker.undefined(self)  # the core readers' events first, in the order a build meets them
        out += linker.missing_libraries(self)
        out += hosts.needed(self)
        out += hosts.loader(self)
        out += hosts.lookup_errors(self)
        out += runtime.mkl_cannot_load(self)
        out += runtime.runtime_misc(self)
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
        return by_severity(out)

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
            out.append(Finding(
                "unrecognised-failure", "error", f"an error mkldoctor does not recognise: {event.line.strip()[:160]}",
                tuple(["the log says (the line marked >, with the lines around it):"] + ["  " + c for c in context[:10]]),
                ("read the marked line: mkldoctor has no signature for it, so it cannot say whether MKL is the cause",
                 "if it concerns MKL, report it with this log excerpt so that a signature can be added"),
                "This line looks like an error (error:, undefined, cannot open/find/load, FATAL, ImportError, CMake Error...), "
                "and none of mkldoctor's failure signatures explains it. mkldoctor does not call such a log clean.",
                locations=self.located([event], "an error line no signature explains"),
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
                locations=self.located(echoes, "says the build failed"),
            ))
        return out



    def needed_by(self, symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> list[str]:
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
            lines.append(f"{more(names, 6)} needed by {who}")
        if len(users) > MAX_LISTED:
            lines.append(f"... and {len(users) - MAX_LISTED} more places")
        return lines


    def iomp5_places(self) -> list[str]:
        places: list[str] = []
        for install in self.installs:
            for lib in install.iomp5:
                folder = os.path.dirname(lib.path)
                if folder not in places:
                    places.append(folder)
        return places









    def holders(self, filename: str) -> list[tuple[MklInstall, str]]:
        out = []
        for install in self.installs:
            for folder in [*install.lib_dirs] + sorted({os.path.dirname(l.path) for l in install.iomp5}):
                path = os.path.join(folder, filename)
                if os.path.exists(path) and (install, folder) not in out:
                    out.append((install, folder))
        return out






def explain(parsed: Parsed, installs: list[MklInstall], *, env: dict[str, str] | None = None,
            log: str | None = None) -> list[Finding]:
    """Findings for a parsed log, with ``installs`` as the MKL copies known besides the log's own; ``log`` names
    the log file in the findings' locations."""
    from mkldoctor.explain.fixcheck import check_fixes  # a fix must be able to fix the failure it answers
    from mkldoctor.explain.tbbabi import with_tbb_findings

    return check_fixes(with_tbb_findings(Explainer(parsed, installs, env=env, log=log).findings(), parsed), parsed)
