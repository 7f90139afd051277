"""Which build of a Cargo project check judges: the features the user names as cargo takes them (``--features a,b``,
``member/feature``, ``dep/feature``, ``--all-features``, ``--no-default-features``), or, when none are named, the
default build, else the project's features that reach intel-mkl-src, each one resolved so that every MKL feature is
checkable: the first whose ``mkl-*`` config fits what the user states (``--link dynamic`` takes ``intel-mkl-system``
over ``intel-mkl-static``), and the others named in the route's notes with the ``-F`` that checks them."""

from __future__ import annotations

import dataclasses
import os
from typing import Callable

from mkldoctor.diagnose import cargo_graph
from mkldoctor.diagnose.cargo_config import ISOLATION_NOTE
from mkldoctor.knowledge import layout

CLI_FEATURE = "__cargo_command_line__"  # stands for the features named on the command line, per crate


def _wanted_given(request, qualified: bool):
    features = request.cargo_features

    def wanted(member) -> list[str]:
        out = [] if request.no_default_features else ["default"]
        if request.all_features:
            out += list(member.features)
        items = []
        for feature in features:
            crate, _, name = feature.rpartition("/")
            if not crate:
                if feature in member.features or member.deps.get(feature, {}).get("optional"):
                    out.append(feature)
            elif crate == member.name:
                out.append(name)
            elif crate in member.deps:
                items.append(feature)
        if items:
            member.features[CLI_FEATURE] = items
            out.append(CLI_FEATURE)
        return out
    return wanted


def cargo_args(request) -> tuple[str | None, tuple[str, ...]]:
    features = ",".join(request.cargo_features) or None
    extra = tuple(a for a, on in (("--all-features", request.all_features),
                                  ("--no-default-features", request.no_default_features)) if on)
    return features, extra


def request_text(request) -> str:
    features, extra = cargo_args(request)
    return " ".join(([f"--features {features}"] if features else []) + list(extra))


def given(request) -> bool:
    return request is not None and bool(request.cargo_features or request.all_features or request.no_default_features)


def fits(stated: dict[str, str | None]) -> Callable[[cargo_graph.MklRoute], bool]:
    """Whether a route's intel-mkl-src config matches the link, interface and threading the user states."""
    def check(route: cargo_graph.MklRoute) -> bool:
        parsed = layout.parse_config_name(route.config or "", "intel-mkl-src")
        if parsed is None:
            return not any(stated.values())
        return all(value is None or value == said for value, said in zip(
            (stated.get("link"), stated.get("interface"), stated.get("threading")), parsed))
    return check


def resolve(top: str, manifests: list[str], env: dict[str, str], request=None,
            stated: dict[str, str | None] | None = None) -> cargo_graph.MklRoute | None:
    if not manifests:
        return None
    if given(request):
        return _asked(top, manifests, env, request)
    members, workspace = cargo_graph.members_of(manifests)
    qualified = workspace is not None or len(members) > 1
    notes: list[str] = []
    found: list[tuple[str | None, cargo_graph.MklRoute]] = []
    for choice in [None] + [f"{m.name}/{f}" if qualified else f for m in members for f in cargo_graph.mkl_features(m)]:
        def wanted(member, choice=choice) -> list[str]:
            if choice and (choice.split("/")[0] == member.name or "/" not in choice):
                return ["default", choice.split("/")[-1]]
            return ["default"]
        route = cargo_graph.resolve_once(top, members, env, [], wanted, choice)
        if route is not None:
            found.append((choice, route))
            if choice is None:
                break  # the default build reaches MKL: that is the build
    if not found:
        return cargo_graph.resolve(top, manifests, env)  # cargo's own answer, or none
    good = fits(stated or {})
    choice, _ = next(((c, r) for c, r in found if good(r)), found[0])
    others = [f"{c} ({r.config or 'no config'}): check -F {c} checks it" for c, r in found if c != choice and c]
    if others:
        notes.append("other features that reach intel-mkl-src: " + "; ".join(others))
    route = _confirm(top, manifests, env, choice, notes)
    if route is not None and stated and any(stated.values()) and not good(route):
        notes.append("no feature of the project gives the link, interface and threading asked for")
    return dataclasses.replace(route, notes=route.notes + tuple(n for n in notes if n not in route.notes)) \
        if route is not None else None


def _confirm(top: str, manifests: list[str], env: dict[str, str], choice: str | None,
             notes: list[str]) -> cargo_graph.MklRoute | None:
    """The chosen build, resolved by cargo itself when there is a Cargo.lock, else here."""
    if os.path.isfile(os.path.join(top, "Cargo.lock")):
        data = cargo_graph.cargo_metadata(top, env, choice)
        if isinstance(data, dict):
            route = cargo_graph.from_metadata(data, choice, list(notes))
            if route is not None:
                return dataclasses.replace(route, notes=route.notes + (ISOLATION_NOTE,))
        else:
            notes.append(f"{data}; resolved from the files instead")
    else:
        notes.append("no Cargo.lock: cargo was not asked (it would write one); resolved from the manifests")
    members, _ = cargo_graph.members_of(manifests)

    def wanted(member) -> list[str]:
        if choice and (choice.split("/")[0] == member.name or "/" not in choice):
            return ["default", choice.split("/")[-1]]
        return ["default"]
    return cargo_graph.resolve_once(top, members, env, notes, wanted, choice)


def _asked(top: str, manifests: list[str], env: dict[str, str], request) -> cargo_graph.MklRoute | None:
    """Exactly the build the user names: cargo's resolve of it (Cargo.lock), else the files'."""
    text = request_text(request)
    notes = [f"the build checked: cargo build {text}"]
    if os.path.isfile(os.path.join(top, "Cargo.lock")):
        features, extra = cargo_args(request)
        data = cargo_graph.cargo_metadata(top, env, features, extra)
        if isinstance(data, dict):
            route = cargo_graph.from_metadata(data, None, notes)
            return dataclasses.replace(route, notes=route.notes + (ISOLATION_NOTE,)) if route is not None else None
        notes.append(f"{data}; resolved from the files instead")
    members, workspace = cargo_graph.members_of(manifests)
    return cargo_graph.resolve_once(top, members, env, notes, _wanted_given(request, workspace is not None), None)


def resolve_with(top: str, manifests: list[str], env: dict[str, str], route: cargo_graph.MklRoute,
                 overrides: dict, request=None) -> cargo_graph.MklRoute | None:
    """The same build (the features asked for, or the one check turned on) with the project's dependencies changed
    as a fix changes them, resolved from the files."""
    members, workspace = cargo_graph.members_of(manifests, overrides)
    if given(request):
        return cargo_graph.resolve_once(top, members, env, [], _wanted_given(request, workspace is not None), None)
    choice = route.enabled_by

    def wanted(member) -> list[str]:
        if choice and (choice.split("/")[0] == member.name or "/" not in choice):
            return ["default", choice.split("/")[-1]]
        return ["default"]
    return cargo_graph.resolve_once(top, members, env, [], wanted, choice)
