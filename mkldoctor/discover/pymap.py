"""The map of a Python environment: for each distribution, the BLAS, MKL, OpenMP and TBB libraries its
extension modules load, read without importing anything.

Every ELF file of the environment is read once through a map (``binary/elfmap.py``): the files the
records name, everything else under site-packages, and a conda prefix's ``lib/``. Each one's
DT_NEEDED is followed the way the loader follows it (``discover/soname.py``: DT_RPATH/DT_RUNPATH
with ``$ORIGIN``, ``LD_LIBRARY_PATH``, the ld.so cache, the default folders), and every library
reached is classified (``discover/pylibs.py``). What ``libmkl_rt`` opens by itself is added: its
default threading layer's OpenMP runtime (``libiomp5`` for INTEL), from MKL's own folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping

from mkldoctor.binary.dynamic import DynamicInfo, from_tags
from mkldoctor.binary.elfmap import ElfFormatError, ElfMap
from mkldoctor.discover.pydists import Distribution, read_distributions
from mkldoctor.discover.pyenv import PythonEnv
from mkldoctor.discover.pylibs import Library, classify
from mkldoctor.discover.soname import RootLoader
from mkldoctor.discover.sysroot import Root
from mkldoctor.knowledge import layout

_SHARED = re.compile(r"\.so(\.\d+)*$")
MAX_FILES = 100_000  # an environment is thousands; more is not one


@dataclass(frozen=True)
class DistMap:
    dist: Distribution
    elf_files: int  # its extension modules and shared libraries
    extensions: int  # of which Python imports as modules
    loads: tuple[str, ...]  # real paths of the Libraries its extension modules load (DT_NEEDED, followed)
    opens: tuple[str, ...]  # what MKL, once loaded, opens by itself (its default layer's OpenMP runtime)
    ships: tuple[str, ...]  # real paths of the Libraries among its own files
    unresolved: tuple[str, ...]  # "file: soname" the loader would not find


@dataclass(frozen=True)
class EnvMap:
    env: PythonEnv
    dists: tuple[DistMap, ...]
    libraries: Mapping[str, Library]  # real path -> what it is
    owners: Mapping[str, str]  # real path -> the distribution that installed it
    unowned: tuple[str, ...]  # ELF files no record names
    elf_files: int
    warnings: tuple[str, ...] = ()

    def dist(self, name: str) -> DistMap | None:
        key = re.sub(r"[-_.]+", "-", name).lower()
        return next((d for d in self.dists if d.dist.key == key), None)

    def users(self, path: str) -> list[str]:
        """The distributions whose modules load (or whose MKL opens) the library at ``path``."""
        return [d.dist.name for d in self.dists if path in d.loads or path in d.opens]


@dataclass
class _Scan:
    loader: RootLoader
    executable: DynamicInfo | None
    infos: dict[str, DynamicInfo | None] = field(default_factory=dict)  # real path -> its dynamic section
    libraries: dict[str, Library] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def map_environment(env: PythonEnv, environ: Mapping[str, str]) -> EnvMap:
    """Read ``env``; ``environ`` gives the ``LD_LIBRARY_PATH`` its processes would run with."""
    dists, warnings = read_distributions(env)
    loader = RootLoader(Root("/"), {k: v for k, v in environ.items() if k == "LD_LIBRARY_PATH"})
    scan = _Scan(loader, None, warnings=list(warnings))
    if env.interpreter:
        scan.executable = _read(scan, os.path.realpath(env.interpreter))
    owners: dict[str, str] = {}
    own_files: dict[str, list[str]] = {}
    for dist in dists:
        for path in dist.files:
            if _SHARED.search(path) and os.path.isfile(path):
                real = os.path.realpath(path)
                owners.setdefault(real, dist.name)
                own_files.setdefault(dist.key, []).append(real)
    unowned = [p for p in _loose_files(env) if p not in owners]
    maps = []
    sites = tuple(os.path.realpath(s) + os.sep for s in env.site_dirs)
    for dist in dists:
        files = [p for p in dict.fromkeys(own_files.get(dist.key, [])) if _read(scan, p) is not None]
        modules = [p for p in files if is_extension(p, sites)]
        loads, unresolved = _closure(scan, modules)
        opens = _mkl_opens(scan, loads)
        ships = [p for p in files if p in scan.libraries]
        maps.append(DistMap(dist, len(files), len(modules), tuple(loads), tuple(opens), tuple(ships), tuple(unresolved)))
    for path in unowned:
        _read(scan, path)
    libraries = {path: _versioned(lib, owners, dists) for path, lib in scan.libraries.items()}
    return EnvMap(env, tuple(maps), MappingProxyType(libraries), MappingProxyType(owners), tuple(unowned),
                  sum(m.elf_files for m in maps) + len(unowned), tuple(scan.warnings + scan.loader.warnings))


def is_extension(path: str, sites: tuple[str, ...]) -> bool:
    """A module Python imports (``_C.cpython-311-x86_64-linux-gnu.so``, ``foo.abi3.so``), not a library a wheel
    vendors (``numpy.libs/``, ``torch/lib/libtorch_cpu.so``) nor one in a conda prefix's ``lib/``."""
    name = os.path.basename(path)
    if not path.startswith(sites) or os.path.basename(os.path.dirname(path)).endswith(".libs") or not name.endswith(".so"):
        return False
    return ".cpython-" in name or ".abi3." in name or not name.startswith("lib")


def _loose_files(env: PythonEnv) -> list[str]:
    """Shared objects under the site folders and a conda prefix's lib/ (real paths), records or not."""
    found: list[str] = []
    for top in (*env.site_dirs, *env.lib_dirs):
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", "python" + (env.version or ""))]
            found += [os.path.realpath(os.path.join(folder, n)) for n in names if _SHARED.search(n)]
            if len(found) > MAX_FILES:
                return list(dict.fromkeys(found))
    return list(dict.fromkeys(p for p in found if os.path.isfile(p)))


def _read(scan: _Scan, real: str) -> DynamicInfo | None:
    """The dynamic section of the ELF file at ``real`` (read once), its Library noted; None: not ELF."""
    if real in scan.infos:
        return scan.infos[real]
    info = None
    if not os.path.isfile(real):  # a FIFO or device named like a library must not block the scan
        scan.infos[real] = None
        return None
    try:
        with ElfMap.open(real) as elf:
            tags = elf.dynamic()
            info = from_tags(tags, os.path.dirname(real))
            found = classify(real, elf, tags.soname)
            if found is not None:
                scan.libraries[real] = found
    except ElfFormatError:
        pass
    except OSError as exc:
        scan.warnings.append(f"{real}: {exc.strerror or exc}: not read")
    scan.infos[real] = info
    return info


def _closure(scan: _Scan, files: list[str]) -> tuple[list[str], list[str]]:
    """The Libraries ``files`` load (themselves included), breadth first through DT_NEEDED."""
    seen = set(files)
    queue = list(files)
    inherited: dict[str, tuple[str, ...]] = {}  # DT_RPATH of the objects that loaded it (glibc walks that chain)
    loads: list[str] = []
    unresolved: list[tuple[str, str]] = []
    provided: set[str] = set()  # sonames loaded: the loader takes a loaded object of that name, wherever it is
    while queue:
        path = queue.pop(0)
        if path in scan.libraries:
            loads.append(path)
        info = scan.infos.get(path)
        if info is None:
            continue
        provided.add(info.soname or os.path.basename(path))
        chain = inherited.get(path, ())
        first = tuple((folder, "DT_RPATH of a loading object") for folder in chain) if not info.runpath else ()
        for soname in info.needed:
            result = scan.loader.search(soname, info, scan.executable, first)
            if result.found is None:
                unresolved.append((os.path.basename(path), soname))
                continue
            real = os.path.realpath(result.found)
            if real not in seen:
                seen.add(real)
                inherited[real] = chain + (tuple(info.rpath) if not info.runpath else ())
                if _read(scan, real) is not None:
                    queue.append(real)
    return loads, [f"{who}: {soname}" for who, soname in unresolved if soname not in provided]


def _mkl_opens(scan: _Scan, loads: list[str]) -> list[str]:
    """libmkl_rt's default (INTEL) layer opens libiomp5 by itself: from MKL's own folder, else the loader's path."""
    opens = []
    runtime = layout.spelled("MKL_THREADING_LAYER", "INTEL", "threading").runtime
    for path in loads:
        found = scan.libraries.get(path)
        if found is None or found.kind != "mkl" or found.role != "rt":
            continue
        folder = os.path.dirname(path)
        candidate = os.path.join(folder, f"lib{runtime}.so")
        if not os.path.isfile(candidate):
            result = scan.loader.search(f"lib{runtime}.so", scan.infos.get(path), scan.executable)
            candidate = result.found or ""
        real = os.path.realpath(candidate) if candidate else ""
        if real and _read(scan, real) is not None and real in scan.libraries and real not in loads:
            opens.append(real)
    return opens


def _versioned(library: Library, owners: Mapping[str, str], dists: list[Distribution]) -> Library:
    """An MKL file takes its release from the distribution that installed it (mkl 2026.2.0)."""
    if library.kind != "mkl" or library.version:
        return library
    owner = owners.get(library.path)
    dist = next((d for d in dists if d.name == owner), None)
    if dist is not None and dist.version:
        return replace(library, version=dist.version, label=f"MKL {dist.version}: {library.label.removeprefix('MKL ')}")
    if library.soname:
        from mkldoctor.knowledge import exports

        releases = exports.releases_with_soname(library.soname)
        if releases:
            span = releases[0] if len(releases) == 1 else f"{releases[0]} to {releases[-1]}"
            return replace(library, label=f"MKL {span}: {library.label.removeprefix('MKL ')}",
                           evidence=library.evidence + (f"its soname {library.soname} is MKL {span}'s (the export table)",))
    return library


def unfound_needs(path: str, environ: Mapping[str, str]) -> list[str]:
    """The DT_NEEDED sonames of the library at ``path`` that the loader would not find for it (MKL opens its
    layers by full path, and each layer's own needs are then searched the loader's way)."""
    loader = RootLoader(Root("/"), {k: v for k, v in environ.items() if k == "LD_LIBRARY_PATH"})
    try:
        with ElfMap.open(path) as elf:
            info = from_tags(elf.dynamic(), os.path.dirname(os.path.realpath(path)))
    except (OSError, ElfFormatError):
        return []
    return [soname for soname in info.needed if loader.search(soname, info, None).found is None]
