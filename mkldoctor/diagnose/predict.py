"""Which MKL copy a build will use, predicted the way the build tool chooses.

For cargo, intel-mkl-src (0.7 and later) asks, in order: pkg-config for a ``.pc``
named after its feature (``mkl-static-lp64-iomp``), then ``MKLROOT``, then a walk of
``/opt/intel`` that does not follow symlinks; a copy is taken only when it has every
file the feature needs. Failing all three, a *static* feature silently downloads
MKL 2020.1 into ocipkg's cache; a dynamic one fails. It re-runs only when
``MKLROOT`` or its cache changes (``cargo clean -p intel-mkl-src`` forces it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mkldoctor.diagnose import cargo_routes
from mkldoctor.discover import Inventory
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import INTEL_MKL_SRC_DOWNLOAD
from mkldoctor.diagnose.project import Needs



@dataclass(frozen=True)
class Choice:
    install: MklInstall | None
    how: str  # one line: why this copy
    steps: tuple[str, ...] = ()  # every place considered, with what it held
    download: bool = False  # intel-mkl-src will download (or has downloaded) MKL 2020.1
    failure: str | None = None  # the build tool stops before linking (cmake finds no MKLConfig.cmake)
    fix: tuple[str, ...] = ()  # what makes it find a copy, with failure (or warning)
    warning: str | None = None  # it builds, but not as meant (headers of one copy, libraries of another)
    linked: str | None = None  # what the build tool's link lines name, in words ("a static LP64 link, ...")

    @property
    def version(self) -> str | None:
        if self.install is not None:
            return self.install.version
        return INTEL_MKL_SRC_DOWNLOAD if self.download else None


def _layers(needs: Needs) -> list[str]:
    """The three libraries of the link the project asks for (lp64 and sequential unless it says otherwise)."""
    return [layout.layer(needs.interface or "lp64", "interface").name,
            layout.layer(needs.threading or "sequential", "threading").name, "mkl_core"]


def missing_files(install: MklInstall, needs: Needs, inventory: Inventory | None = None) -> list[str]:
    """What ``install`` lacks for the link the project asks for (empty: it can do it)."""
    link = needs.link or "dynamic"
    if link == "sdl":
        return [] if install.has("mkl_rt", "shared") else ["libmkl_rt.so"]
    kind = "static" if link == "static" else "shared"
    suffix = ".a" if kind == "static" else ".so"
    wanted = _layers(needs)
    lacking = [f"lib{name}{suffix}" for name in wanted if not install.has(name, kind)]
    if needs.threading == "intel" and not install.iomp5 and not (inventory and inventory.openmp):
        lacking.append("libiomp5 (the Intel OpenMP runtime)")
    return lacking


def _under(install: MklInstall, prefix: str) -> bool:
    prefix = os.path.realpath(prefix).rstrip("/") + "/"
    return any((d.rstrip("/") + "/").startswith(prefix) for d in (*install.lib_dirs, install.root))


def _consider(install: MklInstall, where: str, needs: Needs, config: str, steps: list[str]) -> Choice | None:
    """intel-mkl-src takes ``install`` at this step when it has every file the feature needs; the step says so."""
    lacking = missing_files(install, needs, None)
    if needs.link == "dynamic" and not lacking:
        # intel-mkl-src looks for libmkl_core.so by that very name: the wheels' libmkl_core.so.2/.so.3
        # (no unversioned dev link) are invisible to it
        lacking = [f"lib{name}.so (only versioned .so.N files there)" for name in
                   _layers(needs)
                   if not any(lib.name == name and lib.kind == "shared" and lib.soname_suffix == ".so"
                              for lib in install.libraries)]  # the scan's answer: under --root, inside it
    if lacking:
        steps.append(f"{where}: {label(install)} skipped, it lacks {', '.join(lacking[:3])}")
        return None
    steps.append(f"{where}: {label(install)} has every file {config} needs: TAKEN")
    return Choice(install, f"intel-mkl-src ({config}) takes it from {where}", tuple(steps))


def predict_cargo(inventory: Inventory, needs: Needs, env: dict[str, str]) -> Choice:
    config = needs.cargo_config or cargo_routes.default_config()
    steps: list[str] = []
    if needs.cargo_route is not None:
        steps.append(f"0. route: {needs.cargo_route.text()} [{needs.cargo_route.method}]")
        steps += [f"   {note}" for note in needs.cargo_route.notes]

    def consider(install: MklInstall, where: str) -> Choice | None:
        return _consider(install, where, needs, config, steps)

    pcs = [pc for pc in inventory.pkgconfig if pc.name == config and pc.on_search_path]
    if not pcs:
        steps.append(f"1. pkg-config: no {config}.pc on the pkg-config search path")
    for pc in pcs:
        owners = [i for i in inventory.installs if pc.prefix and _under(i, os.path.join(inventory.root, pc.prefix.lstrip("/")))]
        for install in owners:
            if (found := consider(install, f"1. pkg-config {config}.pc (prefix={pc.prefix})")) is not None:
                return found
        if not owners:
            steps.append(f"1. pkg-config {pc.path}: prefix={pc.prefix} holds no MKL copy")
    mklroot = env.get("MKLROOT") if inventory.root == "/" else None
    if not mklroot:
        steps.append("2. MKLROOT: not set")
    else:
        owners = [i for i in inventory.installs if _under(i, mklroot)]
        for install in owners:
            if (found := consider(install, f"2. MKLROOT={mklroot}")) is not None:
                return found
        if not owners:
            steps.append(f"2. MKLROOT={mklroot}: no MKL libraries there")
    opt = [i for i in inventory.installs if _under(i, os.path.join(inventory.root, "opt/intel"))]
    if not opt:
        steps.append("3. walk of /opt/intel: no MKL there")
    for install in sorted(opt, key=lambda i: i.lib_dirs):
        if (found := consider(install, "3. walk of /opt/intel")) is not None:
            return found
    if needs.link != "static":
        return Choice(None, f"intel-mkl-src ({config}) finds no MKL and does not download dynamic libraries", tuple(steps))
    route = needs.cargo_route
    if route is not None and not route.downloads:
        steps.append(f"4. nothing above fits, and intel-mkl-src {route.version} downloads only with its `download` "
                     "feature, which is off: its build script fails (\"No MKL found, and download flag is off.\")")
        return Choice(None, f"intel-mkl-src {route.version} ({config}) finds no MKL and may not download one", tuple(steps))
    cached = [i for i in inventory.installs if i.source == "intel-mkl-src" and any(config in e for e in i.evidence)]
    if cached:
        steps.append(f"4. nothing above fits: the ocipkg download of MKL {INTEL_MKL_SRC_DOWNLOAD} in {cached[0].lib_dirs[0]}: TAKEN")
        return Choice(cached[0], f"intel-mkl-src ({config}) fell back to its own download of MKL {INTEL_MKL_SRC_DOWNLOAD}",
                      tuple(steps), download=True)
    steps.append(f"4. nothing above fits: intel-mkl-src will download MKL {INTEL_MKL_SRC_DOWNLOAD} at build time")
    return Choice(None, f"intel-mkl-src ({config}) will download MKL {INTEL_MKL_SRC_DOWNLOAD}", tuple(steps), download=True)


def _pc_name(needs: Needs) -> str:
    if needs.link == "sdl":
        return "mkl-sdl"
    return layout.config_name(needs.link or "dynamic", needs.interface or "lp64", needs.threading or "sequential", "pkg-config")


def predict_plain(inventory: Inventory, needs: Needs, env: dict[str, str]) -> Choice:
    """CMake, Makefiles, a gcc command: MKLROOT, then pkg-config, then the loader's path, then the newest copy."""
    steps: list[str] = []
    mklroot = env.get("MKLROOT") if inventory.root == "/" else None
    if mklroot:
        owners = [i for i in inventory.installs if _under(i, mklroot)]
        if owners:
            steps.append(f"MKLROOT={mklroot}: {label(owners[0])}: TAKEN")
            return Choice(owners[0], f"MKLROOT={mklroot}", tuple(steps))
        steps.append(f"MKLROOT={mklroot}: no MKL libraries there")
    else:
        steps.append("MKLROOT: not set")
    # the .pc the project would ask pkg-config for: its link, interface and threading first, then any
    for pc in sorted(inventory.pkgconfig, key=lambda pc: pc.name != _pc_name(needs)):
        if not pc.on_search_path or not pc.libdir:
            continue
        owners = [i for i in inventory.installs if _under(i, os.path.join(inventory.root, pc.libdir.lstrip("/")))]
        if owners:
            steps.append(f"pkg-config {pc.name}.pc: {label(owners[0])}: TAKEN")
            return Choice(owners[0], f"pkg-config {pc.path}", tuple(steps))
    steps.append("pkg-config: no mkl-*.pc on the search path points at a copy")
    for install in inventory.installs:
        if "loader" in install.sources:
            steps.append(f"linker and loader path: {label(install)}: TAKEN")
            return Choice(install, f"on the linker's default path ({install.lib_dirs[0]})", tuple(steps))
    steps.append("linker and loader path: no MKL there")
    if inventory.installs:
        best = inventory.installs[0]  # sorted newest first
        steps.append(f"newest copy found: {label(best)}: TAKEN (a build must be pointed at it)")
        return Choice(best, "the newest copy found (nothing points a build at any copy)", tuple(steps))
    return Choice(None, "no MKL found", tuple(steps))


def predict(inventory: Inventory, needs: Needs, env: dict[str, str]) -> Choice:
    if needs.cargo_config:
        return predict_cargo(inventory, needs, env)
    return predict_plain(inventory, needs, env)
