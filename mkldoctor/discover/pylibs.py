"""What one shared library is, for a process's threads and BLAS: MKL, OpenBLAS and the other BLAS
libraries, an OpenMP or TBB runtime, or a library with MKL linked into it. Read from the file's name,
confirmed by what it exports (its ``.gnu.hash``, a few look-ups, as threadpoolctl's ``check_symbols``),
and its read-only data for a version string: never loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.binary.elfmap import ElfMap
from mkldoctor.digest import sha256_file
from mkldoctor.knowledge import blas, layout
from mkldoctor.knowledge.linked import MARKER, exported_names, read_linked

KINDS = ("mkl", "mkl-linked", *(b.kind for b in blas.LIBRARIES), "openmp", "tbb")
_HASHED = re.compile(r"-[0-9a-f]{8}(?:-[0-9a-f]{8})?\.so")  # auditwheel's vendored names: libgomp-e985bcbb.so.1.0.0


@dataclass(frozen=True)
class Library:
    """One library that decides a process's BLAS or threads."""

    path: str  # its real path
    kind: str  # one of KINDS
    label: str  # "OpenBLAS 0.3.30", "libgomp (GCC's OpenMP runtime)", "MKL 2024.2 linked in"
    runtime: str | None = None  # openmp and tbb: the layout entry ("gomp", "iomp5", "omp", "tbb", "tbbmalloc")
    role: str | None = None  # an MKL file's role in the layout ("rt", "core", "threading", "kernel", ...)
    version: str | None = None
    integers: str | None = None  # "lp64" or "ilp64" (a BLAS's integer size)
    threading: str | None = None  # MKL linked in: the layer ("mkl_gnu_thread")
    evidence: tuple[str, ...] = ()
    size: int = 0
    sha256: str | None = None  # runtimes: copies are told apart (or found identical) by it
    soname: str | None = None
    exports_api: bool = False  # exports the plain BLAS names (dgemm_): several such in one process interpose

    @property
    def vendored(self) -> bool:
        """Shipped in a wheel's ``*.libs`` folder, or renamed with a hash the way auditwheel renames."""
        return os.path.basename(os.path.dirname(self.path)).endswith(".libs") or bool(_HASHED.search(os.path.basename(self.path)))


def classify(path: str, elf: ElfMap, soname: str | None) -> Library | None:
    """The library at real ``path`` (already mapped), or None when it decides neither BLAS nor threads."""
    name = os.path.basename(path)
    size = elf.size
    if layout.any_mkl_file(name):
        entry = layout.get(name)
        role = entry.role if entry else None
        return Library(path, "mkl", f"MKL {name}", role=role, size=size, soname=soname,
                       exports_api=role == "rt" and elf.exports("dgemm_"),
                       evidence=(f"{name}: {entry.description if entry else 'an MKL library the layout table does not know'}",))
    runtime = _runtime(name, elf)
    if runtime is not None:
        entry = layout.get(runtime)
        return Library(path, "tbb" if entry.role == "tbb" else "openmp", f"lib{runtime}", runtime=runtime,
                       size=size, sha256=sha256_file(path), soname=soname,
                       evidence=(f"{name}: {entry.description}" + (f"; it defines the {entry.imports[0]}* entry points"
                                                                     if entry.imports else ""),))
    library = blas.by_file(name)
    if library is not None:
        marker = next((m for m in library.markers if elf.exports(m)), None)
        if marker is not None:
            return _blas(path, elf, library, marker, soname)
    if elf.exports(MARKER):
        return _linked(path, elf, soname)
    return None


def _runtime(name: str, elf: ElfMap) -> str | None:
    """The OpenMP or TBB runtime ``name`` is (``libgomp-e985bcbb.so.1.0.0``: gomp), confirmed by its exports."""
    for entry in sorted((*layout.of_role("openmp"), *layout.of_role("tbb")), key=lambda e: -len(e.name)):
        stem = entry.file_stem
        if not name.startswith(stem) or name[len(stem) : len(stem) + 1] not in (".", "-"):
            continue
        if not entry.imports:
            return entry.name
        defined, _ = elf.names()
        return entry.name if any(n.startswith(entry.imports) for n in defined) else None
    return None


def _blas(path: str, elf: ElfMap, library: blas.BlasLibrary, marker: str, soname: str | None) -> Library:
    version, wide = None, False
    evidence = [f"exports {marker}"]
    pattern = blas.config_pattern(library)
    found = elf.search(pattern) if pattern is not None else None
    if found is not None:
        version, wide = blas.parse_config(library, found)
        evidence.append(f"its configuration string: {found.group(0).decode('ascii', 'replace').strip()}")
    if library.ilp64_suffix and marker.endswith(library.ilp64_suffix):
        wide = True
        evidence.append(f"its names end in {library.ilp64_suffix} (the 64-bit-integer build's suffix)")
    integers = "ilp64" if wide else "lp64"
    label = f"{library.label} {version or '(version not read)'}" + (" with 64-bit integers" if wide else "")
    return Library(path, library.kind, label, version=version, integers=integers, evidence=tuple(evidence), size=elf.size,
                   soname=soname, exports_api=elf.exports("dgemm_") or elf.exports("cblas_dgemm"))


def _linked(path: str, elf: ElfMap, soname: str | None) -> Library | None:
    names = exported_names(elf)
    if names is None:
        return None
    defined, undefined = names
    linked = read_linked(defined, undefined)
    if linked is None:
        return None
    version = linked.release
    label = f"MKL {version or ' or '.join(linked.versions) or '(release not read)'} linked in"
    return Library(path, "mkl-linked", label, version=version, integers=linked.interface, threading=linked.threading,
                   evidence=(linked.release_how, f"threading: {linked.threading_how}", f"interface: {linked.interface_how}"),
                   size=elf.size, soname=soname, exports_api=elf.exports("dgemm_"))
