"""What a project needs from MKL: read from Cargo, CMake, Rust sources and mkldoctor's own config.

The result is a :class:`Needs`: the symbols the code calls, the link mode, interface,
threading layer and minimum version, each with where that was read ("Cargo.toml:
intel-mkl-src feature mkl-static-lp64-iomp"), so every finding can say why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from mkldoctor.diagnose import cargo_features, cargo_graph, cargo_lines, cargo_record, cargo_sources
from mkldoctor.diagnose.cmakelists import read_cmake_project
from mkldoctor.diagnose.config import read_configs
from mkldoctor.diagnose.options import INTERFACES, LINKS
from mkldoctor.diagnose.tomlfile import read_toml, toml_text_or_none
from mkldoctor.knowledge import history
from mkldoctor.errors import InputError
from mkldoctor.findings import Location, input_path
from mkldoctor.knowledge import layout



@dataclass
class Needs:
    symbols: list[str] = field(default_factory=list)
    link: str | None = None
    interface: str | None = None
    threading: str | None = None
    min_version: str | None = None
    search: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)  # finding ids the config leaves out
    cargo_config: str | None = None  # the intel-mkl-src feature the build uses
    cargo_route: cargo_graph.MklRoute | None = None  # how the build reaches intel-mkl-src
    foreign_skipped: list[str] = field(default_factory=list)  # extern "C" functions that are not MKL's
    int32_declarers: list[str] = field(default_factory=list)  # own MKL declarations taking 32-bit integers
    cargo_records: list[cargo_record.BuildRecord] = field(default_factory=list)  # intel-mkl-src's last outputs
    cmake: bool = False
    cmake_interface_set: bool = False
    cmake_find_module: str | None = None  # the project's own FindMKL.cmake, used by find_package(MKL) without CONFIG
    mkl_optional: bool = False  # the build tool's predicted link lines name no MKL: MKL is not needed as they stand
    decided: set[str] = field(default_factory=set)  # link/interface/threading the build itself decides
    asked: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (what the user asked, where) when it differs
    cargo_top: str | None = None
    cargo_manifests: list[str] = field(default_factory=list)
    cargo_request: object = None  # the cargo features the user named (options.BuildOptions), for fixes resolved again
    origin: dict[str, str] = field(default_factory=dict)  # what said so, per key
    symbol_origin: dict[str, str] = field(default_factory=dict)
    # the project's lines behind a need: "symbol:hgemm_", "link", "interface", "threading",
    # "find_package", "cargo" (the dependency towards intel-mkl-src), "int32" (declarations with c_int)
    at: dict[str, tuple[Location, ...]] = field(default_factory=dict)

    def add_symbol(self, name: str, why: str, at: Location | None = None) -> None:
        if name not in self.symbols:
            self.symbols.append(name)
            self.symbol_origin[name] = why
            if at is not None:
                self.at["symbol:" + name] = (at,)

    def set(self, key: str, value: str, why: str, *, override: bool = False, at: tuple[Location, ...] = ()) -> None:
        if key in self.decided and override and getattr(self, key) not in (None, value):
            self.asked[key] = (value, why)  # the build decides it: what the user asks is compared, not taken
            return
        if getattr(self, key) is None or override:
            setattr(self, key, value)
            self.origin[key] = why
            self.at[key] = at  # a flag has no line: an override forgets the file's

    def decide(self, key: str, value: str, why: str, at: tuple[Location, ...] = ()) -> None:
        """What the build itself takes (intel-mkl-src's feature, the build tool's link line): over a stated need,
        which is kept in ``asked`` when it differs."""
        current = getattr(self, key)
        if current is not None and current != value and key not in self.decided:
            self.asked[key] = (current, self.origin.get(key, "asked"))
        setattr(self, key, value)
        self.origin[key] = why
        self.at[key] = at
        self.decided.add(key)


def _toml(path: str) -> dict:
    return read_toml(path)


def cargo_manifests(top: str, notes: list[str]) -> list[str]:
    """The project's Cargo.toml and its workspace members' (as cargo resolves them), nothing else.

    Folders that merely contain other crates (test data, vendored sources) are not the project.
    """
    import glob

    root = os.path.join(top, "Cargo.toml")
    if not os.path.exists(root):  # one that is there but no file (a FIFO) is refused by the reader, not skipped
        return []
    manifests = [root]
    workspace = _toml(root).get("workspace", {})  # unreadable: one line and exit 2, as for mkldoctor.toml
    members = workspace.get("members", []) if isinstance(workspace, dict) else []
    excluded = {os.path.normpath(os.path.join(top, e)) for e in (workspace.get("exclude", []) if isinstance(workspace, dict) else [])}
    for pattern in members if isinstance(members, list) else []:
        for folder in sorted(glob.glob(os.path.join(top, str(pattern)))):
            manifest = os.path.join(folder, "Cargo.toml")
            if os.path.normpath(folder) not in excluded and os.path.isfile(manifest) and manifest not in manifests:
                manifests.append(manifest)
    return manifests


def read_cargo(top: str, manifests: list[str], needs: Needs, notes: list[str], env: dict[str, str] | None = None,
               request=None, stated: dict[str, str | None] | None = None) -> None:
    """The route to intel-mkl-src (as cargo resolves it: the features asked for, or the one that fits what is
    stated) and the config it gives."""
    for path in manifests:  # an unreadable manifest stops check here: one line and exit 2
        _toml(path)
    needs.cargo_top, needs.cargo_manifests, needs.cargo_request = top, list(manifests), request
    route = cargo_features.resolve(top, manifests, dict(os.environ if env is None else env), request, stated)
    if route is None:
        return
    needs.cargo_route = route
    needs.at["cargo"] = at = route_lines(top, manifests, route)
    why = f"{route.text()} [{route.method}]"
    if route.config:
        needs.cargo_config = route.config
        _apply_config(needs, route.config, why, at)
    elif route.interface and not route.problem:  # intel-mkl-src 0.5: always lp64, sequential
        needs.decide("interface", route.interface, why, at=at)
        needs.decide("threading", "sequential", why, at=at)
    members = {os.path.dirname(os.path.abspath(m)) for m in manifests}
    for hop in route.hops:
        if hop.crate == "candle-core" and not any(os.path.basename(m) == "candle-core" for m in members):
            for symbol in history.candle_symbols():
                needs.add_symbol(symbol, f"candle-core {hop.version or ''}'s mkl feature declares it (src/mkl.rs)".replace("  ", " "))


def route_lines(top: str, manifests: list[str], route: cargo_graph.MklRoute) -> tuple[Location, ...]:
    """The project's Cargo.toml line that starts the route (the dependency towards intel-mkl-src), and the
    ``[features]`` line that turns it on when the default build does not."""
    if not route.hops:
        return ()
    # hops: the project's crate, ..., intel-mkl-src; a workspace whose member is intel-mkl-src itself starts there
    crate, dependency = (route.hops[0].crate, route.hops[1].crate) if len(route.hops) > 1 else (None, route.hops[0].crate)
    texts = []
    for path in manifests:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(4 << 20)
        except OSError:
            continue
        own = _toml_text(text).get("package", {})
        texts.insert(0 if isinstance(own, dict) and own.get("name") == crate else len(texts), (path, text))
    for path, text in texts:  # the crate at the route's start first, then the workspace's other manifests
        line = cargo_lines.dependency_line(text, dependency)
        if line is None:
            continue
        rel = input_path(path, top)
        found = [Location(rel, line, f"{dependency} dependency: {route.text()}")]
        if route.enabled_by and (feature := cargo_lines.feature_line(text, route.enabled_by)):
            found.append(Location(rel, feature, f"feature {route.enabled_by} turns on MKL"))
        return tuple(found)
    return ()


def _toml_text(text: str) -> dict:
    return toml_text_or_none(text) or {}


def _apply_config(needs: Needs, config: str, why: str, at: tuple[Location, ...] = ()) -> None:
    link, interface, threading = layout.parse_config_name(config, "intel-mkl-src")
    needs.decide("link", link, why, at=at)
    needs.decide("interface", interface, why, at=at)
    needs.decide("threading", threading, why, at=at)


def read_rust_sources(top: str, manifests: list[str], needs: Needs) -> None:
    """Functions the crates' own ``extern "C"`` blocks declare that MKL provides (see cargo_sources)."""
    found, skipped = cargo_sources.mkl_needs([os.path.dirname(m) for m in manifests], top)
    for item in found:
        where = Location(input_path(os.path.join(top, item.path), top), item.line, f"declares {item.name} in an extern \"C\" block") if item.line else None
        needs.add_symbol(item.name, item.why, where)
        if item.int32:
            needs.int32_declarers.append(f"{item.path} declares {item.name} with 32-bit integers (c_int/i32)")
            if where is not None:
                needs.at["int32"] = needs.at.get("int32", ()) + (replace(where, what=f"declares {item.name} with 32-bit integers"),)
    groups: dict[tuple[str, str], list[str]] = {}
    for item in skipped:
        name = f"{item.rust_name} (link_name {item.name})" if item.rust_name else item.name
        groups.setdefault((item.path, item.gate), []).append(name)
    for (path, gate), names in groups.items():
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        needs.foreign_skipped.append(f"{path}{' (Accelerate only)' if gate == 'accelerate' else ''}: {shown}")


def read_cmake(top: str, needs: Needs) -> None:
    project = read_cmake_project(top)
    if not project.uses_mkl:
        return
    needs.cmake = True
    needs.at["find_package"] = project.finds
    attrs = {"MKL_INTERFACE": ("interface", INTERFACES), "MKL_LINK": ("link", LINKS), "MKL_THREADING": ("threading", None)}
    for key, written, where in project.choices:
        attr, values = attrs[key]
        value = written.lower()
        if attr == "threading":  # MKLConfig.cmake's word (intel_thread) -> ours (intel)
            value = layout.translate(value, "cmake", "mkldoctor", "threading") or value
        if values is not None and value not in values:
            continue  # a CMake variable we cannot read (${...}): not a statement of need
        if attr == "interface":
            needs.cmake_interface_set = True
        needs.set(attr, value, f"{where.path}: set({key} {written})", at=(where,))
    if project.module_mode:  # MKLConfig.cmake's defaults do not apply
        needs.cmake_find_module = os.path.relpath(project.find_module, top)


def read_config(top: str, needs: Needs, env: dict[str, str] | None = None, root: str = "/") -> None:
    """``mkldoctor.toml``, then ``[tool.mkldoctor]`` in pyproject.toml: the same keys as the flags, checked
    against their schema (diagnose/config.py); both are read when both are there, the first one's word kept."""
    for config in read_configs(top, env, root):
        config.options.apply(needs, config.name)


def read_project(top: str, env: dict[str, str] | None = None, root: str = "/", build=None,
                 stated: dict[str, str | None] | None = None) -> tuple[Needs, list[str]]:
    """``root``: where the MKL is looked for (a config's search folders must be there); ``build``: what goes to
    the build tool (cargo's features); ``stated``: link/interface/threading the command line states (over the
    config file's), which picks among a crate's MKL features."""
    needs = Needs()
    notes: list[str] = []
    if not os.path.isdir(top):
        raise InputError(top, "project folder does not exist")
    read_config(top, needs, env, root)
    manifests = cargo_manifests(top, notes)
    wanted = {key: (stated or {}).get(key) or getattr(needs, key) for key in ("link", "interface", "threading")}
    read_cargo(top, manifests, needs, notes, env, build, wanted)
    if manifests:
        needs.cargo_records = cargo_record.read_records(top, dict(os.environ if env is None else env))
    read_rust_sources(top, manifests, needs)
    read_cmake(top, needs)
    return needs, notes
