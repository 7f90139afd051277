"""How a Cargo project reaches intel-mkl-src: which version, which ``mkl-*`` config, through which crates.

Resolved as cargo does, with the best source at hand:

1. cargo itself: ``cargo metadata --offline --locked`` (only when ``Cargo.lock`` exists, so nothing
   is written), whose resolve lists every package's enabled features; run outside the project so that
   nothing in it can name a program (:mod:`cargo_config`);
2. else ``Cargo.lock`` plus the dependents' manifests in cargo's registry cache, resolved here;
3. else the project's manifests plus the table of known routes (:mod:`cargo_routes`).

The project's own features that lead to MKL (``mkl``, ``intel-mkl``, ``sdp-mkl``, ...) are turned
on when the default build does not reach intel-mkl-src: that is the build that asks for MKL.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from mkldoctor.diagnose import cargo_routes
from mkldoctor.diagnose.cargo_config import ISOLATION_NOTE, isolated_cargo
from mkldoctor.diagnose.tomlfile import toml_or_none

TARGET = "intel-mkl-src"


@dataclass(frozen=True)
class Hop:
    crate: str
    version: str | None
    features: tuple[str, ...]  # its enabled features that lead on towards MKL

    def text(self) -> str:
        name = f"{self.crate} {self.version}" if self.version else self.crate
        return name + (f" feature {', '.join(self.features)}" if self.features else "")


@dataclass(frozen=True)
class MklRoute:
    version: str | None  # intel-mkl-src's
    features: tuple[str, ...]  # intel-mkl-src's mkl-* features
    config: str | None
    config_why: str
    hops: tuple[Hop, ...]  # project crate ... intel-mkl-src
    method: str  # how it was resolved
    enabled_by: str | None = None  # the project feature that turns MKL on, when the default build does not
    int32_callers: tuple[str, ...] = ()
    problem: str | None = None  # the build script will not compile
    notes: tuple[str, ...] = field(default=())
    downloads: bool = True  # whether this version, with these features, downloads MKL when it finds none

    def text(self) -> str:
        chain = " -> ".join(h.text() for h in self.hops[:-1])
        last = f"{TARGET} {self.version or '(version unknown)'}"
        tail = f"{last} {self.config}" if self.config else last
        where = f" (with `cargo build -F {self.enabled_by}`)" if self.enabled_by else ""
        return (f"{chain} -> {tail}" if chain else tail) + where

    @property
    def interface(self) -> str | None:
        if self.config:
            return self.config.split("-")[2]
        fixed = cargo_routes.fixed_interface(self.version)
        return fixed[0] if fixed else None


# -- manifests in one shape ------------------------------------------------------------------


@dataclass
class _Manifest:
    name: str
    version: str | None
    features: dict
    deps: dict  # dependency name -> spec dict (package, version, optional, default-features, features, path)
    folder: str | None  # on disk (path dependencies resolve against it)
    source: str


def load_toml(path: str) -> dict | None:
    return toml_or_none(path)


def normalize(data: dict, folder: str | None, source: str, workspace: dict | None) -> _Manifest | None:
    package = data.get("package") if isinstance(data.get("package"), dict) else {}
    name = package.get("name")
    if not name:
        return None
    inherited = (workspace or {}).get("workspace", {}).get("dependencies", {})
    version = package.get("version")
    if isinstance(version, dict):
        version = (workspace or {}).get("workspace", {}).get("package", {}).get("version")
    deps: dict = {}
    tables = [data.get("dependencies", {})]
    tables += [t.get("dependencies", {}) for t in data.get("target", {}).values() if isinstance(t, dict)]
    for table in tables:
        for dep, spec in (table.items() if isinstance(table, dict) else ()):
            spec = {"version": spec} if isinstance(spec, str) else dict(spec) if isinstance(spec, dict) else {}
            if spec.pop("workspace", False):
                base = inherited.get(dep, {})
                base = {"version": base} if isinstance(base, str) else dict(base)
                features = list(base.get("features", [])) + list(spec.get("features", []))
                spec = {**base, **spec, "features": features}
                if "path" in base and workspace is not None:
                    spec["path"] = os.path.join(workspace["__folder__"], base["path"])
            elif "path" in spec and folder:
                spec["path"] = os.path.join(folder, spec["path"])
            previous = deps.get(dep)
            if previous:  # the same crate in [dependencies] and a [target] table: features add up
                spec = {**previous, "features": list(previous.get("features", [])) + list(spec.get("features", [])),
                        "optional": previous.get("optional", False) and spec.get("optional", False)}
            deps[dep] = spec
    features = data.get("features", {}) if isinstance(data.get("features"), dict) else {}
    return _Manifest(name, version, features, deps, folder, source)


def _from_table(crate: str, version: str, entry: dict) -> _Manifest:
    return _Manifest(crate, version, entry["features"], entry["dependencies"], None, f"known routes table: {entry['source']}")


def _workspace_root(manifests: list[str]) -> dict | None:
    data = load_toml(manifests[0]) if manifests else None
    if data is not None and "workspace" in data:
        data["__folder__"] = os.path.dirname(manifests[0])
        return data
    return None


# -- the resolver of tiers 2 and 3 -----------------------------------------------------------


class _Resolver:
    def __init__(self, locked: dict[str, list[str]], registry: list[str]):
        self.locked = locked
        self.registry = registry  # cargo's registry/src/<index>/ folders
        self.packages: dict[str, _Manifest | None] = {}
        self.enabled: dict[str, set[str]] = {}
        self.edges: dict[str, dict[str, str]] = {}  # crate -> {dependency crate: its name in the manifest}
        self.weak: dict[str, list[tuple[str, str]]] = {}
        self.sources: set[str] = set()

    def manifest_for(self, crate: str, spec: dict) -> _Manifest | None:
        if spec.get("path"):
            found = normalize(load_toml(os.path.join(spec["path"], "Cargo.toml")) or {}, spec["path"], "path", None)
            if found is not None:
                return found
        requirement = spec.get("version")
        candidates = [v for v in self.locked.get(crate, []) if cargo_routes.matches(requirement, v)] or self.locked.get(crate, [])
        version = sorted(candidates, key=cargo_routes.version_tuple)[-1] if candidates else None
        if version:
            for index in self.registry:
                path = os.path.join(index, f"{crate}-{version}", "Cargo.toml")
                data = load_toml(path) if os.path.isfile(path) else None
                if data is not None:
                    self.sources.add("registry")
                    return normalize(data, os.path.dirname(path), f"registry manifest {path}", None)
        found = cargo_routes.best(crate, requirement, version)
        if found is None:
            return _Manifest(crate, version, {}, {}, None, "unknown") if version else None
        self.sources.add("table")
        manifest = _from_table(crate, found[0], found[1])
        manifest.version = version or found[0]
        return manifest

    def add(self, manifest: _Manifest, features: list[str]) -> None:
        self.packages[manifest.name] = manifest
        self.enabled.setdefault(manifest.name, set())
        self._start(manifest)
        for feature in features:
            self.feature(manifest.name, feature)

    def _start(self, manifest: _Manifest) -> None:
        for dep, spec in manifest.deps.items():
            if not spec.get("optional"):
                self.dependency(manifest.name, dep)

    def dependency(self, crate: str, dep: str) -> None:
        spec = self.packages[crate].deps.get(dep) if self.packages.get(crate) else None
        if spec is None:
            return
        child = spec.get("package", dep)
        self.edges.setdefault(crate, {})[child] = dep
        if child not in self.packages:
            manifest = self.manifest_for(child, spec)
            self.packages[child] = manifest
            self.enabled[child] = set()
            if manifest is not None:
                self._start(manifest)
        wanted = list(spec.get("features", [])) + ([] if spec.get("default-features", True) is False else ["default"])
        for feature in wanted:
            self.feature(child, feature)
        for weak_dep, feature in self.weak.get(crate, []):
            if weak_dep == dep:
                self.feature(child, feature)

    def feature(self, crate: str, feature: str) -> None:
        manifest = self.packages.get(crate)
        if manifest is None or feature in self.enabled[crate]:
            return
        self.enabled[crate].add(feature)
        items = manifest.features.get(feature)
        if items is None:
            if manifest.deps.get(feature, {}).get("optional"):
                self.dependency(crate, feature)
            return
        for item in items:
            if item.startswith("dep:"):
                self.dependency(crate, item[4:])
            elif "/" in item:
                dep, sub = item.split("/", 1)
                if dep.endswith("?"):
                    dep = dep[:-1]
                    self.weak.setdefault(crate, []).append((dep, sub))
                    child = manifest.deps.get(dep, {}).get("package", dep)
                    if child in self.edges.get(crate, {}):
                        self.feature(child, sub)
                    continue
                self.dependency(crate, dep)
                self.feature(manifest.deps.get(dep, {}).get("package", dep), sub)
            else:
                self.feature(crate, item)


def _lock(top: str) -> dict[str, list[str]]:
    data = load_toml(os.path.join(top, "Cargo.lock")) or {}
    locked: dict[str, list[str]] = {}
    for package in data.get("package", []) if isinstance(data.get("package"), list) else []:
        if isinstance(package, dict) and package.get("name") and package.get("version"):
            locked.setdefault(package["name"], []).append(package["version"])
    return locked


def _registries(env: dict[str, str]) -> list[str]:
    home = env.get("CARGO_HOME") or os.path.join(env.get("HOME") or os.path.expanduser("~"), ".cargo")
    return sorted(glob.glob(os.path.join(home, "registry", "src", "*")))


def mkl_features(manifest: _Manifest) -> list[str]:
    """The project's own features that may turn MKL on, the likeliest first."""
    names = [f for f in manifest.features if "mkl" in f.lower()]
    order = {"mkl": 0, "intel-mkl": 1, "intel-mkl-static": 2}
    return sorted(names, key=lambda f: (order.get(f, 3), f))


def _leads_on(manifest: _Manifest | None, feature: str, next_dep: str | None) -> bool:
    if "mkl" in feature.lower():
        return True
    if manifest is None or next_dep is None:
        return False
    return any(i in (next_dep, f"dep:{next_dep}") or i.split("/")[0].rstrip("?") == next_dep
               for i in manifest.features.get(feature, []))


def _shortest(edges: dict[str, dict[str, str]], members: list[str]) -> list[str]:
    previous: dict[str, str | None] = {m: None for m in members}
    queue = list(members)
    while queue:
        current = queue.pop(0)
        if current == TARGET:
            break
        for child in edges.get(current, {}):
            if child not in previous:
                previous[child] = current
                queue.append(child)
    chain = [TARGET]
    while previous.get(chain[-1]) is not None:
        chain.append(previous[chain[-1]])  # type: ignore[arg-type]
    return chain[::-1]


def _route(packages: dict, enabled: dict, edges: dict, members: list[str], method: str,
           enabled_by: str | None, notes: list[str]) -> MklRoute | None:
    if TARGET not in enabled:
        return None
    chain = _shortest(edges, members)
    also = sorted(f"{p} {packages[p].version}" if packages.get(p) and packages[p].version else p
                  for p, children in edges.items() if TARGET in children and p in enabled and p not in chain)
    if also:
        notes = notes + [f"{TARGET} is also a dependency of {', '.join(also)}"]
    hops = []
    for i, crate in enumerate(chain):
        manifest = packages.get(crate)
        next_dep = edges.get(crate, {}).get(chain[i + 1]) if i + 1 < len(chain) else None
        if crate == TARGET:
            feats = tuple(sorted(f for f in enabled[crate] if f in cargo_routes.CONFIGS))
        else:
            feats = tuple(sorted(f for f in enabled.get(crate, ()) if f not in ("default", next_dep)
                                 and _leads_on(manifest, f, next_dep)))
            if any("mkl" in f.lower() for f in feats):  # the MKL feature says it; the rest is noise
                feats = tuple(f for f in feats if "mkl" in f.lower())
        hops.append(Hop(crate, manifest.version if manifest else None, feats))
    version = hops[-1].version
    config, why, problem = cargo_routes.intel_mkl_src_config(version, hops[-1].features)
    callers = tuple(sorted(c for c in enabled if c in cargo_routes.int32_callers()))
    downloads = cargo_routes.downloads(version, enabled.get(TARGET, ()))
    return MklRoute(version, hops[-1].features, config, why, tuple(hops), method, enabled_by, callers, problem,
                    tuple(notes), downloads)


def members_of(manifests: list[str], overrides: dict | None = None) -> tuple[list[_Manifest], dict | None]:
    """The project's crates as manifests; ``overrides`` ({crate: {dependency: spec}}) replaces dependencies, as a
    fix would write them (a fix is resolved before it is printed)."""
    workspace = _workspace_root(manifests)
    members = []
    for path in manifests:
        data = load_toml(path)
        manifest = normalize(data, os.path.dirname(path), path, workspace) if data else None
        if manifest is not None:
            for dep, spec in (overrides or {}).get(manifest.name, {}).items():
                manifest.deps[dep] = spec
            members.append(manifest)
    return members, workspace


def resolve_once(top: str, members: list[_Manifest], env: dict[str, str], notes: list[str], wanted,
                 enabled_by: str | None) -> MklRoute | None:
    """One build of the project (``wanted(member)``: the features asked of each crate), resolved here."""
    locked = _lock(top)
    registry = _registries(env) if locked else []
    resolver = _Resolver(locked, registry)
    for member in members:
        resolver.add(member, wanted(member))
    if TARGET not in resolver.enabled or resolver.packages.get(TARGET) is None:
        return None
    if "registry" in resolver.sources:
        method = "Cargo.lock and the registry cache's manifests"
    elif "table" in resolver.sources:
        method = ("Cargo.lock and the known routes table" if locked else "the manifests and the known routes table")
    else:
        method = "the project's manifests" + (" and Cargo.lock" if locked else "")
    return _route(resolver.packages, resolver.enabled, resolver.edges, [m.name for m in members], method, enabled_by,
                  notes)


def _resolve_here(top: str, manifests: list[str], env: dict[str, str], notes: list[str]) -> MklRoute | None:
    members, workspace = members_of(manifests)
    qualified = workspace is not None or len(members) > 1  # `cargo build -F member/feature` in a workspace
    tries: list[str | None] = [None] + [f"{m.name}/{f}" if qualified else f for m in members for f in mkl_features(m)]
    for choice in tries:
        def wanted(member: _Manifest, choice=choice) -> list[str]:
            if choice and (choice.split("/")[0] == member.name or "/" not in choice):
                return ["default", choice.split("/")[-1]]
            return ["default"]
        route = resolve_once(top, members, env, notes, wanted, choice)
        if route is not None:
            return route
    return None


# -- tier 1: cargo itself --------------------------------------------------------------------


def cargo_metadata(top: str, env: dict[str, str], features: str | None, extra: tuple[str, ...] = ()) -> dict | str:
    """cargo's resolve of the project, run so that the project cannot name a program (``cargo_config``)."""
    how = isolated_cargo(top, env)
    if isinstance(how, str):
        return how
    cmd = [how.cargo, "metadata", "--format-version", "1", "--offline", "--locked",
           "--manifest-path", os.path.join(os.path.abspath(top), "Cargo.toml")]
    if features:
        cmd += ["--features", features]
    cmd += list(extra)
    try:
        done = subprocess.run(cmd, cwd=how.cwd, env=how.env, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cargo metadata failed ({exc})"
    finally:
        shutil.rmtree(how.cwd, ignore_errors=True)
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()]
        return f"cargo metadata --offline --locked failed: {last[-1].strip() if last else 'no message'}"
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return "cargo metadata printed no JSON"


def from_metadata(data: dict, enabled_by: str | None, notes: list[str]) -> MklRoute | None:
    by_id = {p["id"]: p for p in data.get("packages", [])}
    nodes = {n["id"]: n for n in (data.get("resolve") or {}).get("nodes", [])}
    members = [m for m in data.get("workspace_members", []) if m in nodes]
    names = {i: by_id[i]["name"] for i in nodes if i in by_id}
    if TARGET not in names.values():
        return None
    edges: dict[str, dict[str, str]] = {}
    seen = set(members)
    queue = list(members)
    while queue:
        current = queue.pop(0)
        for dep in nodes[current].get("deps", []):
            if dep["pkg"] in nodes:
                # cargo names dependencies as Rust sees them (`intel_mkl_src`); features name the crate
                edges.setdefault(names[current], {})[names[dep["pkg"]]] = names[dep["pkg"]]
                if dep["pkg"] not in seen:
                    seen.add(dep["pkg"])
                    queue.append(dep["pkg"])
    packages = {}
    enabled = {}
    for node_id in seen:
        package = by_id[node_id]
        packages[package["name"]] = _Manifest(package["name"], package["version"], package.get("features", {}), {},
                                              None, package.get("manifest_path", ""))
        enabled[package["name"]] = set(nodes[node_id].get("features", []))
    return _route(packages, enabled, edges, [names[m] for m in members], "cargo metadata --offline --locked",
                  enabled_by, notes)


def resolve(top: str, manifests: list[str], env: dict[str, str]) -> MklRoute | None:
    """The route to intel-mkl-src, or ``None`` when the project does not reach it."""
    if not manifests:
        return None
    notes: list[str] = []
    if os.path.isfile(os.path.join(top, "Cargo.lock")):
        data = cargo_metadata(top, env, None)
        if isinstance(data, dict):
            route = from_metadata(data, None, notes)
            if route is None:
                members = [normalize(load_toml(p) or {}, os.path.dirname(p), p, None) for p in manifests]
                for member in [m for m in members if m is not None]:
                    for feature in mkl_features(member):
                        spec = f"{member.name}/{feature}" if len(manifests) > 1 else feature
                        again = cargo_metadata(top, env, spec)
                        if isinstance(again, dict) and (route := from_metadata(again, spec, notes)) is not None:
                            return dataclasses.replace(route, notes=route.notes + (ISOLATION_NOTE,))
            if route is not None:
                return dataclasses.replace(route, notes=route.notes + (ISOLATION_NOTE,))
            return None
        notes.append(f"{data}; resolved from the files instead")
    else:
        notes.append("no Cargo.lock: cargo was not asked (it would write one); resolved from the manifests")
    return _resolve_here(top, manifests, env, notes)
