"""What the catalogue's diagnoses need besides a log's events: the MKL copies to consider, the
environment the log's programs ran with, the link commands, and the look-ups the families of one
report share (which copy defines a symbol, which copy holds a file, the install recipes referred to).

Built once per report by :func:`context_for`; a diagnosis reads it and returns findings, and never
sees the others' findings or the orchestration around it.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Mapping

from mkldoctor.binary.dynamic import read_dynamic
from mkldoctor.binary.symbols import Definition, find_symbols
from mkldoctor.discover.soname import SearchResult
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, Parsed, RustLinkFailed, UndefinedSymbol
from mkldoctor.explain.linksearch import search_library
from mkldoctor.explain.origin import Origin, log_platform
from mkldoctor.findings import Location, Recipe
from mkldoctor.inventory.install import MklInstall
from mkldoctor.inventory.locate import installs_from_dirs


MAX_LOCATIONS = 10  # log lines named per finding: an annotation per line is enough to find the rest


@dataclass(frozen=True)
class Hit:
    install: MklInstall
    definition: Definition

    @property
    def where(self) -> str:
        d = self.definition
        return f"{os.path.basename(d.path)}({d.member})" if d.member else os.path.basename(d.path)


@dataclass(frozen=True)
class Context:
    installs: tuple[MklInstall, ...]  # the copies given, then those the log's own folders hold
    commands: tuple[LinkCommand, ...]  # the link command lines of the log
    env: dict[str, str] | None = None  # the environment the log's programs ran with, when known
    cargo: bool = False  # the failing link was rustc's (a cargo build)
    log: str | None = None  # the log file as findings name it (Location.path); None for standard input or a command
    lines: Mapping[object, int] = field(default_factory=dict, compare=False, repr=False)  # event -> its first log line
    origin: Origin = Origin()  # where the log comes from: this machine's state explains it only when it is this machine's
    places: tuple[str, ...] = ()  # the paths the log names (a bounded sample: Parsed.places)
    active: tuple[str, ...] = ()  # the environments the log's shell prompts show activated: "(myenv) user@host:~$"
    # the interactive sessions the log shows ("IPython": In [1]:, <ipython-input-...>; "Julia 1.6"), and the MKL_jll build of a
    # Julia environment's status ("MKL_jll 2020.0.166+1")
    sessions: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()  # the sonames an ldd of the log found (its "=> /path (0x...)" lines)
    # look-ups shared by the diagnoses of one report: filled as they are asked
    _hits: dict[str, list[Hit]] = field(default_factory=dict, compare=False, repr=False)
    recipes: OrderedDict[str, Recipe] = field(default_factory=OrderedDict, compare=False, repr=False)
    edits: dict[str, Edit] = field(default_factory=dict, compare=False, repr=False)  # fix line -> its change of the link line
    ran: tuple[str, ...] | None = None  # the command explain ran (explain -- CMD), whose output the log is
    installed: tuple[str, ...] = ()  # the mkl releases the log shows installed (pip's, conda's lists)
    platform: str | None = None  # the system the log's own paths and files say it comes from (origin.log_platform)

    @property
    def local(self) -> bool:
        """The log is this machine's: its files, loader and MKL copies may explain it."""
        return self.origin.here

    def shown(self, stem: str) -> list[str]:
        """The paths the log names of files whose name starts with ``stem`` (``libmkl_rt.so``): where the log itself
        shows a copy (a ``locate`` or ``ls`` output, a traceback, a loader message), package caches last."""
        from mkldoctor.knowledge.places import is_package_cache

        found = [p for p in self.places if os.path.basename(p).startswith(stem)]
        return sorted(found, key=is_package_cache)

    def environments(self) -> list[str]:
        """The Python environments (venv, conda env) the log's tracebacks run in."""
        from mkldoctor.knowledge.places import python_prefix

        return list(dict.fromkeys(p for p in (python_prefix(path) for path in self.places) if p))

    # -- which copy has what ------------------------------------------------------------

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

    def holders_of_stem(self, stem: str) -> list[tuple[MklInstall, str]]:
        """(install, path) of each shared library file whose name starts with ``stem`` (``libmkl_rt``)."""
        out = []
        for install in self.installs:
            for lib in install.libraries:
                base = os.path.basename(lib.path)
                if lib.kind == "shared" and (base == stem or base.startswith(stem + ".")):
                    out.append((install, lib.path))
        return out

    def holders(self, filename: str) -> list[tuple[MklInstall, str]]:
        out = []
        for install in self.installs:
            for folder in [*install.lib_dirs] + sorted({os.path.dirname(l.path) for l in install.iomp5}):
                path = os.path.join(folder, filename)
                if os.path.exists(path) and (install, folder) not in out:
                    out.append((install, folder))
        return out

    def iomp5_places(self) -> list[str]:
        places: list[str] = []
        for install in self.installs:
            for lib in install.iomp5:
                folder = os.path.dirname(lib.path)
                if folder not in places:
                    places.append(folder)
        return places

    def located(self, events, what: str) -> tuple[Location, ...]:
        """The log lines the events were first read on (a log file only: standard input has no file to open)."""
        if self.log is None:
            return ()
        lines = sorted({self.lines.get(e, 0) for e in events} - {0})
        return tuple(Location(self.log, line, what) for line in lines[:MAX_LOCATIONS])

    # -- the link commands of the log ----------------------------------------------------

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
        if not self.local:  # another machine's search cannot be replayed here: only a library the line names by path
            path = next((p for p in command.inputs if "mkl_" in os.path.basename(p)), None)
            return None, None, path
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

    def edited(self, line: str, edit: Edit) -> str:
        """``line``, a fix that changes the failing link line as ``edit`` says: recorded, so that the fix can be run."""
        self.edits[line] = edit
        return line

    # -- install recipes, printed once per report and referred to by name ------------------

    def recipe(self, need: str, min_version: str | None = None) -> Recipe:
        """The install commands for ``need`` ("static", "shared", "headers", "openmp"), made once per report."""
        from mkldoctor.knowledge import recipes

        name = recipes.recipe_name(need, min_version)
        if name not in self.recipes:
            # the package managers of this machine only (and pip), as check does; Debian's block where apt is;
            # a log from elsewhere: that machine's package managers are unknown, so every channel is named
            # (Windows' and macOS's: pip and conda, the only channels of these that serve them)
            channels = (recipes.channels_for("/", True) if self.local else ["pip", "conda"]
                        if self.platform in ("Windows", "macOS") else list(recipes.PACKAGES))
            intel_repo = not recipes.intel_apt_configured("/") if self.local else True
            lines = recipes.recipes(need, min_version, channels=channels, intel_repo=intel_repo)
            self.recipes[name] = Recipe(name, tuple(lines))
        return self.recipes[name]

    def recipe_ref(self, need: str, min_version: str | None = None) -> str:
        return f"see recipe `{self.recipe(need, min_version).name}` below"


def context_for(events: Parsed, installs: list[MklInstall], env: dict[str, str] | None = None,
                log: str | None = None, origin: Origin = Origin()) -> Context:
    """The context of one report: ``installs``, then the copies in the folders the log itself names (the link
    commands' -L, rpaths and MKL inputs, the failing programs' run paths, the folders MKL opened); ``log`` names
    the log file in the findings' locations."""
    from mkldoctor.explain.hosts import LoaderMissing
    from mkldoctor.explain.runtime import MklOpenFailed

    commands = events.of(LinkCommand)
    dirs: list[str] = []
    for command in commands:
        dirs.extend(command.lib_dirs)
        dirs.extend(command.rpaths)
        dirs.extend(os.path.dirname(p) for p in command.inputs if "mkl" in os.path.basename(p) or "iomp" in p)
    for event in events.of(LoaderMissing):
        info = read_dynamic(event.binary) if origin.here and os.path.isfile(event.binary) else None
        if info:
            dirs.extend(info.rpath + info.runpath)
    for event in events.of(MklOpenFailed):
        dirs.append(os.path.dirname(event.path))
    known = list(installs)
    if origin.here:  # the log's folders are this machine's only when the log is
        known += installs_from_dirs([d for d in dirs if not d.startswith("<")], known)
    cargo = bool(events.of(RustLinkFailed)) or any(
        (e.referenced_from or "").endswith((".rlib", ".rcgu.o")) or (e.member or "").endswith(".rcgu.o")
        for e in events.of(UndefinedSymbol)
    )
    places = tuple(dict.fromkeys(value for kind, value in events.places if kind == "path"))
    active = tuple(dict.fromkeys(value for kind, value in events.places if kind == "active"))
    sessions = tuple(dict.fromkeys(value for kind, value in events.places if kind == "session"))
    resolved = tuple(dict.fromkeys(value for kind, value in events.places if kind == "resolved"))
    from mkldoctor.explain.pkgstate import MklInstalled

    installed = tuple(dict.fromkeys(e.version for e in events.of(MklInstalled)))
    return Context(tuple(known), tuple(commands), env, cargo, log, events.first_line, origin, places, active, sessions=sessions,
                   resolved=resolved, ran=events.command, installed=installed, platform=log_platform(events))


def release_on_line(command: LinkCommand | None) -> tuple[str, str] | None:
    """(folder, release) of the first MKL folder of a link line whose name says its release (``/opt/intel/oneapi/mkl/
    2023.1.0/lib``, ``.../composer_xe_2015/mkl/lib/intel64``): what a log from elsewhere tells of the MKL it linked."""
    from mkldoctor.knowledge.places import release_in

    if command is None:
        return None
    for path in (*command.inputs, *command.lib_dirs):
        if "mkl" in path.lower():
            release = release_in(path)
            if release:
                return (os.path.dirname(path) if path in command.inputs else path), release
    return None
