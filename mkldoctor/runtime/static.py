"""MKL linked statically into a binary: is it there, and which release.

A shared library exports the MKL functions the linker copied in (``libtorch_cpu.so``: 23,525
``mkl_*`` names in ``.dynsym``); a program keeps them in ``.symtab``, which is read only when
``.dynsym`` has none (``libtorch_cpu.so``'s ``.symtab`` is 530,000 entries and 76 MB of names).
Release, interface and threading layer are read from those names (``knowledge/linked.py``); the
release is narrowed by the static archives on this machine that define all of them (read from
the archives' symbol indexes, never a member scan); when nothing matches, the symbol history
(``knowledge/data/symbols.json``) gives the oldest release that can be it. A stripped binary
still carries MKL's "Math Kernel Library" banner in its read-only data.
"""

from __future__ import annotations

import mmap
import os
from dataclasses import dataclass

from mkldoctor.binary.archive import Archive
from mkldoctor.binary.elfmap import SHT_DYNSYM, SHT_SYMTAB, ElfFormatError, ElfMap
from mkldoctor.binary.symbols import Problem, read_file
from mkldoctor.errors import InputError
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.history import first_version, table, version_key
from mkldoctor.knowledge.linked import LinkedMkl, exported_names, is_mkl_name, read_linked

BANNER = b"Math Kernel Library"


@dataclass(frozen=True)
class StaticMkl:
    release: str | None  # "2026.2", or None when no copy matches
    how: str  # the evidence, in words
    symbols: int  # MKL functions found in the binary's symbol table
    linked: LinkedMkl | None = None  # its interface and threading layer, read from its names


def static_mkl(path: str, installs: list[MklInstall]) -> StaticMkl | None:
    """The MKL linked into the file at host ``path``, or None when there is none."""
    defined, undefined = _defined_and_imported(path)
    linked = read_linked(defined, undefined)
    if linked is None:
        if _has_banner(path):
            return StaticMkl(None, "the binary holds MKL's banner but no symbol table (stripped): the release cannot be read", 0)
        return None
    found = _static_release(set(defined), {n for n in defined if is_mkl_name(n)}, linked, installs)
    return StaticMkl(found.release, found.how, found.symbols, linked)


def _defined_and_imported(path: str) -> tuple[dict[str, int], list[str]]:
    """name -> address of the global names ``path`` defines (``.dynsym``, else ``.symtab``), and what it imports."""
    try:
        with ElfMap.open(path) as elf:
            return exported_names(elf) or (elf.values(SHT_SYMTAB)[0], elf.values(SHT_DYNSYM)[1])
    except (OSError, InputError, ElfFormatError):
        pass
    problems: list[Problem] = []
    try:  # what the map cannot place, pyelftools reads
        return {s.name: s.value for s in read_file(path, problems, table="symtab").symbols
                if s.defined and s.binding != "LOCAL"}, []
    except InputError:
        return {}, []


def _static_release(defined: set[str], names: set[str], linked: LinkedMkl, installs: list[MklInstall]) -> StaticMkl:
    by_table, table_how = list(linked.versions), linked.release_how
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
    local = best[1] if best is not None and best[0] >= 0.999 else None
    local_how = (f"the static archives of MKL {local.version or '(version unknown)'} in {local.lib_dirs[0]} define all "
                 f"{len(names)} of them") if local else ""
    if len(by_table) == 1:
        release = by_table[0]
        return StaticMkl(release, "; ".join(h for h in (table_how, local_how) if h), len(names))
    if local is not None and local.version and (not by_table or local.version in by_table):
        return StaticMkl(local.version, "; ".join(h for h in (local_how, table_how) if h), len(names))
    if by_table:
        return StaticMkl(None, table_how, len(names))
    tracked = [name for name in table()["symbols"] if name in defined]
    floor = max((first_version(n) for n in tracked), key=version_key, default=None)
    near = f"; the closest copy here, MKL {best[1].version} in {best[1].lib_dirs[0]}, defines {best[0]:.0%} of them" if best else ""
    if floor:
        return StaticMkl(None, f"{len(names)} MKL functions; no release's exports and no static MKL here hold all of them{near}; "
                         f"it has {', '.join(sorted(tracked)[:3])}, so it is MKL {floor} or newer", len(names))
    return StaticMkl(None, f"{len(names)} MKL functions; no release's exports and no static MKL here hold all of them{near}", len(names))


def _index_names(install: MklInstall) -> set[str]:
    names: set[str] = set()
    for lib in install.libraries:
        entry = layout.get(lib.name)
        if lib.kind != "static" or entry is None or entry.role not in ("core", "interface", "threading"):
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
