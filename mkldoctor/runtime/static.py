"""MKL linked statically into a binary: is it there, and which release.

The binary's own ``.symtab`` holds the MKL functions the linker copied in (``mkl_blas_*``,
``mkl_serv_*``). The release is the MKL whose static archives define all of them (read
from the archives' symbol indexes, never a member scan); when no copy matches, the
symbol history (``knowledge/data/symbols.json``) gives the oldest release that can be it.
A stripped binary still carries MKL's "Math Kernel Library" banner in its read-only data.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass

from mkldoctor.binary.archive import Archive
from mkldoctor.binary.symbols import Problem, read_file
from mkldoctor.errors import InputError
from mkldoctor.inventory.install import INTERFACES, THREADING, MklInstall
from mkldoctor.knowledge.history import first_version, table, version_key

BANNER = b"Math Kernel Library"


@dataclass(frozen=True)
class StaticMkl:
    release: str | None  # "2026.2", or None when no copy matches
    how: str  # the evidence, in words
    symbols: int  # MKL functions found in the binary's symbol table


def static_mkl(path: str, installs: list[MklInstall]) -> StaticMkl | None:
    """The MKL linked into the file at host ``path``, or None when there is none."""
    problems: list[Problem] = []
    try:
        defined = {s.name for s in read_file(path, problems, table="symtab").symbols
                   if s.defined and s.binding != "LOCAL"}
    except InputError:
        defined = set()
    names = {n for n in defined if n.startswith("mkl_")}
    if not names:
        if _has_banner(path):
            return StaticMkl(None, "the binary holds MKL's banner but no symbol table (stripped): the release cannot be read", 0)
        return None
    best: tuple[float, MklInstall] | None = None
    for install in installs:
        if not install.static:
            continue
        indexed = _index_names(install)
        if not indexed:
            continue
        share = len(names & indexed) / len(names)
        if best is None or share > best[0] or (share == best[0] and version_key(install.version) > version_key(best[1].version)):
            best = (share, install)
    if best is not None and best[0] >= 0.999:
        install = best[1]
        return StaticMkl(install.version, f"all {len(names)} MKL functions in it are defined by the static archives of "
                         f"MKL {install.version or '(version unknown)'} in {install.lib_dirs[0]}", len(names))
    tracked = [name for name in table()["symbols"] if name in defined]
    floor = max((first_version(n) for n in tracked), key=version_key, default=None)
    near = f"; the closest copy here, MKL {best[1].version} in {best[1].lib_dirs[0]}, defines {best[0]:.0%} of them" if best else ""
    if floor:
        return StaticMkl(None, f"{len(names)} MKL functions; no static MKL here defines all of them{near}; "
                         f"it has {', '.join(sorted(tracked)[:3])}, so it is MKL {floor} or newer", len(names))
    return StaticMkl(None, f"{len(names)} MKL functions; no static MKL here defines all of them{near}", len(names))


def _index_names(install: MklInstall) -> set[str]:
    names: set[str] = set()
    for lib in install.libraries:
        if lib.kind != "static" or lib.name.removeprefix("mkl_") not in ("core", *INTERFACES, *THREADING):
            continue
        try:
            with Archive(lib.path) as archive:
                if archive.index is not None:
                    names.update(n.decode("utf-8", "replace") for n in archive.index.names.split(b"\0") if n)
        except (OSError, InputError):
            continue
    return names


def _has_banner(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return False
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(BANNER) >= 0
    except (OSError, ValueError):
        return False
