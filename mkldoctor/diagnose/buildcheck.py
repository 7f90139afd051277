"""From the predicted build to check's facts: the MKL the link lines name becomes the copy the build uses and what
it needs (link, interface, threading), and the changes that would make the build configure and link MKL are
searched and each one checked before it is printed: predicted again with the change, and judged by check's own
rules (a fix after which check reports an error is not printed)."""

from __future__ import annotations

import copy
import os
import re
import time
from dataclasses import dataclass
from typing import Callable

from mkldoctor.diagnose.buildpredict import BuildPrediction, LinkedMkl
from mkldoctor.diagnose.predict import Choice
from mkldoctor.diagnose.project import Needs
from mkldoctor.discover import Inventory
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout, recipes
from mkldoctor.knowledge.recipes import q

MAX_TRIES = 16
MAX_SECONDS = 12.0
BLOCKING = {"configure-fails", "missing-symbol", "iomp-missing", "interface-missing", "too-old", "version-unknown",
            "runtime-without-devel", "ilp64-with-int32", "no-usable-mkl"}


@dataclass(frozen=True)
class VerifiedFix:
    what: str  # "CMAKE_PREFIX_PATH=/opt/x"
    lines: tuple[str, ...]  # what to type
    outcome: str  # what the prediction says with it


@dataclass(frozen=True)
class Change:
    what: str
    env: tuple[tuple[str, str | None], ...] = ()  # None: unset
    defines: tuple[str, ...] = ()

    def __add__(self, other: Change) -> Change:
        return Change(f"{self.what} and {other.what}", self.env + other.env, self.defines + other.defines)


def apply_build(needs: Needs, build: BuildPrediction) -> None:
    """What the link lines name is what the build needs: its link mode, interface and threading layer."""
    linked = build.linked
    if not linked.mkl or linked.link is None:
        needs.mkl_optional = not build.linked.mkl
        return
    why = f"{build.tool}'s link line (predicted): {', '.join(os.path.basename(f) for f in linked.files[:4])}"
    link = "sdl" if linked.interface == "runtime" else "static" if linked.link == "static" else "dynamic"
    needs.decide("link", link, why)
    if linked.interface in layout.words("mkldoctor", "interface"):
        needs.decide("interface", linked.interface, why)
    if linked.threading in layout.words("mkldoctor", "threading"):
        needs.decide("threading", linked.threading, why)


def choice_from_build(build: BuildPrediction, inventory: Inventory, owner: Callable[[str], MklInstall | None]) -> Choice:
    steps = tuple(build.lookups)
    if not build.predicted:
        return Choice(None, f"{build.tool}'s outcome is not predicted: {build.unmodelled}", steps)
    if not build.configured:
        return Choice(None, f"{build.tool} stops before it links", steps)
    linked = build.linked
    if not linked.mkl:
        return Choice(None, f"{build.tool}'s link lines name no MKL", steps)
    names = ", ".join(os.path.basename(f) for f in linked.files)
    if not linked.folders:
        return Choice(None, f"{build.tool} links {names}: {linked.words()}", steps)
    install = owner(os.path.join(linked.folders[0], "x"))
    how = f"{build.tool} links {names} from {', '.join(linked.folders)}: {linked.words()}"
    return Choice(install, how, steps, linked=linked.words())


def describe_outcome(build: BuildPrediction) -> str:
    if not build.predicted:
        return f"the outcome is not predicted ({build.unmodelled})"
    if not build.configured:
        return f"{build.tool} stops: {build.headline}"
    if not build.linked.mkl:
        return f"{build.tool} configures and {'finds MKL (no target links it)' if build.found_mkl else 'links no MKL'}"
    return f"{build.tool} configures and links {', '.join(build.linked.folders) or 'MKL'}: {build.linked.words()}"


def candidates(build: BuildPrediction, inventory: Inventory, env: dict[str, str], isfile) -> list[Change]:
    """Changes worth trying, fewest first: where MKL is (for each copy found), and the project's own switches."""
    where: list[Change] = []
    for install in inventory.installs[:3]:
        root = install.root
        if build.tool == "cmake":
            config = os.path.join(root, "lib", "cmake", "mkl")
            if isfile(os.path.join(config, "MKLConfig.cmake")):
                where.append(Change(f"-DMKL_DIR={config}", defines=(f"MKL_DIR={config}",)))
            joined = ":".join([root] + [p for p in env.get("CMAKE_PREFIX_PATH", "").split(":") if p])
            where.append(Change(f"CMAKE_PREFIX_PATH={joined}", env=(("CMAKE_PREFIX_PATH", joined),)))
            where.append(Change(f"MKLROOT={root}", env=(("MKLROOT", root),)))
        pc = next((d for d in (*install.lib_dirs, os.path.join(root, "lib")) if isfile(os.path.join(d, "pkgconfig", "mkl-sdl.pc"))
                   or any(isfile(os.path.join(d, "pkgconfig", n + ".pc")) for n in layout.config_names("pkg-config"))), None)
        if pc:
            joined = ":".join([os.path.join(pc, "pkgconfig")] + [p for p in env.get("PKG_CONFIG_PATH", "").split(":") if p])
            where.append(Change(f"PKG_CONFIG_PATH={joined}", env=(("PKG_CONFIG_PATH", joined),)))
        if build.tool == "meson" and install.lib_dir:
            where.append(Change(f"LIBRARY_PATH={install.lib_dir}", env=(("LIBRARY_PATH", install.lib_dir),)))
    if env.get("MKLROOT"):  # MKLConfig.cmake reads MKLROOT first: pointing elsewhere may need it gone
        unset = Change("MKLROOT unset", env=(("MKLROOT", None),))
        where = [unset] + [x for w in where for x in ((w, unset + w) if not w.what.startswith("MKLROOT=") else (w,))]
    switches = _switches(build)
    return list(where) + list(switches) + [s + w for s in switches for w in where]


def _switches(build: BuildPrediction) -> list[Change]:
    """The project's options that may turn MKL on: boolean options named for MKL or a BLAS, off by default; string
    options whose name or value says BLAS or MKL (meson's blas/lapack take a .pc name); and a boolean option that
    shares a word with what the tool stops on (ENABLE_MKLCPU_THREAD_TBB when MKLConfig.cmake says TBB not found)."""
    out: list[Change] = []
    given = {d.split("=", 1)[0] for d in build.given}
    said = set(re.findall(r"[A-Z][A-Z0-9]{2,}", build.headline)) - {"MKL", "NOT", "FOUND", "THE", "FOR", "CMAKE"}
    for name, (value, _) in build.options.items():
        if name in given or not said & set(name.upper().split("_")):
            continue
        if value.upper() in ("ON", "TRUE", "1", "YES", "OFF", "FALSE", "0", "NO"):
            flipped = "OFF" if value.upper() in ("ON", "TRUE", "1", "YES") else "ON"
            out.append(Change(f"-D{name}={flipped}", defines=(f"{name}={flipped}",)))
    for name, (value, _) in build.options.items():
        if name in given:
            continue
        upper = name.upper()
        if build.tool == "meson" and upper in ("BLAS", "LAPACK") and "mkl" not in value.lower():
            pair = ("lapack" if upper == "BLAS" else "blas")
            for pc in ("mkl-dynamic-lp64-seq", "mkl-sdl"):
                out.append(Change(f"-D{name}={pc} -D{pair}={pc}", defines=(f"{name}={pc}", f"{pair}={pc}")))
        elif value.upper() in ("OFF", "FALSE", "0", "NO") and ("MKL" in upper or "BLAS" in upper):
            on = "true" if build.tool == "meson" else "ON"
            out.append(Change(f"-D{name}={on}", defines=(f"{name}={on}",)))
    return out[:4]


def search_fixes(build: BuildPrediction, inventory: Inventory, predict: Callable[[Change], BuildPrediction],
                 judge: Callable[[BuildPrediction], list], isfile) -> tuple[list[VerifiedFix], list[str]]:
    """The first changes (at most two) whose predicted build configures and links MKL with no blocking finding;
    and what the others did."""
    found: list[VerifiedFix] = []
    tried: list[str] = []
    started = time.monotonic()
    for change in candidates(build, inventory, build.env, isfile)[:MAX_TRIES]:
        if len(found) >= 2 or time.monotonic() - started > MAX_SECONDS:
            break
        outcome = predict(change)
        if not (outcome.configured and (outcome.linked.mkl and outcome.linked.link
                                        or not outcome.targets and outcome.found_mkl)):
            tried.append(f"{change.what}: {describe_outcome(outcome)}")
            continue
        blocking = [x for x in judge(outcome) if x.severity == "error" and x.id in BLOCKING]
        if blocking:
            tried.append(f"{change.what}: {describe_outcome(outcome)}, but check then reports {blocking[0].id}: "
                         f"{blocking[0].title}")
            continue
        found.append(VerifiedFix(change.what, _lines(build, change), describe_outcome(outcome)))
    return found, tried


def _lines(build: BuildPrediction, change: Change) -> tuple[str, ...]:
    lines = [f"unset {k}" if v is None else f"export {k}={q(v)}" for k, v in change.env]
    defines = " ".join(f"-D{q(d)}" for d in (*build.given, *change.defines))
    if build.tool == "cmake":
        preset = f"--preset {build.preset} " if build.preset else ""
        lines.append(f"cmake {preset}{defines + ' ' if defines else ''}-S . -B <build dir>   "
                     f"# a fresh build folder, or {recipes.CMAKE_RESET} first")
    else:
        lines.append(f"meson setup {defines + ' ' if defines else ''}<build dir>   # a fresh build folder, or --wipe")
    return tuple(lines)


def with_change(base: Needs, build: BuildPrediction) -> Needs:
    needs = copy.deepcopy(base)
    apply_build(needs, build)
    return needs


__all__ = ["VerifiedFix", "Change", "apply_build", "choice_from_build", "search_fixes", "LinkedMkl", "label"]
