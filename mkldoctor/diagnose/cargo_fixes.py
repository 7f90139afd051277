"""The Cargo fixes check prints, resolved before they are printed: each candidate change (another feature of the
project, a dependency of its own written with another feature, intel-mkl-src named directly) is applied to the
project's manifests as it stands in memory and the crate graph resolved again; a change after which intel-mkl-src
would get two ``mkl-*`` features (cargo unifies features: ndarray-linalg's ILP64 feature stays on beside a
directly named LP64 one), none, or still the wrong interface, is not printed, and the evidence says why."""

from __future__ import annotations

import json
from dataclasses import dataclass

from mkldoctor.diagnose import cargo_features, cargo_graph, cargo_routes
from mkldoctor.diagnose.cargo_graph import MklRoute


@dataclass(frozen=True)
class CargoFix:
    lines: tuple[str, ...]
    route: MklRoute | None
    why_not: str | None  # None: it resolves as wanted


def _spec_text(spec: dict) -> str:
    return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in spec.items() if k != "path") + " }"


def lp64_fixes(route: MklRoute, top: str | None, manifests: list[str], env: dict[str, str], lp64: str,
               request=None) -> list[CargoFix]:
    """Candidates that give intel-mkl-src the LP64 config ``lp64``, each resolved."""
    if not top or not manifests:
        return []
    members, _ = cargo_graph.members_of(manifests)
    first = route.hops[0].crate if route.hops else None
    member = next((m for m in members if m.name == first), members[0] if members else None)
    if member is None:
        return []
    out: list[CargoFix] = []
    for feature in cargo_graph.mkl_features(member):  # another feature of the project itself
        if feature == (route.enabled_by or "").split("/")[-1] or feature in (route.hops[0].features if route.hops else ()):
            continue
        found = cargo_graph.resolve_once(top, members, env, [], lambda m, f=feature: ["default", f] if m is member else ["default"], feature)
        if found is not None and found.config == lp64 and not found.problem:
            out.append(CargoFix((f"cargo clean -p intel-mkl-src && cargo build -F {feature}   # the project's own feature "
                                 f"for {lp64}",), found, None))
    direct = {k: v for k, v in member.deps.get("intel-mkl-src", {}).items() if k not in ("features", "path")}
    direct.update(version=route.version or "0.8", features=[lp64])
    candidates: list[tuple[str, dict, str]] = [("intel-mkl-src", direct, "the LP64 libraries, 32-bit integers")]
    for hop in route.hops[1:-1]:
        version_feature = cargo_routes.feature_for(hop.crate, lp64)
        if version_feature and hop.crate in member.deps:
            spec = {k: v for k, v in member.deps[hop.crate].items() if k not in ("features", "path")}
            spec.update(version=version_feature[0], features=[version_feature[1]])
            candidates.append((hop.crate, spec, f"{hop.crate} {version_feature[0]} names the LP64 config itself"))
    for dep, spec, why in candidates:
        found = cargo_features.resolve_with(top, manifests, env, route, {member.name: {dep: spec}}, request)
        line = f"Cargo.toml: {dep} = {_spec_text(spec)}   # {why}"
        if found is None:
            out.append(CargoFix((line,), None, "the build would not reach intel-mkl-src"))
        elif found.problem:
            out.append(CargoFix((line,), found, found.problem))
        elif found.config != lp64:
            out.append(CargoFix((line,), found, f"intel-mkl-src would still get {found.config or 'no config'}"))
        else:
            out.append(CargoFix((line,), found, None))
    return out
