"""One MKL copy on disk, described from the files in its folders.

Every discovery source (dpkg, pip, conda, oneAPI, MKLROOT, intel-mkl-src's cache...)
ends by pointing at a library folder and maybe an include folder; this module
turns those folders into an :class:`MklInstall`: which layers it has, static or
shared, which OpenMP runtime is beside it, and which version it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mkldoctor.knowledge import layout
from mkldoctor.rootfs import Broken, RootFS

# MKL's libraries, and the runtimes found beside them (Intel's OpenMP, oneTBB, GCC's OpenMP)
_LIB = layout.library_file(("iomp5", "tbb", "gomp"))
_MAJOR = re.compile(r"#define\s+__INTEL_MKL__\s+(\d+)")
_UPDATE = re.compile(r"#define\s+__INTEL_MKL_UPDATE__\s+(\d+)")


@dataclass(frozen=True, slots=True)
class Library:
    """One MKL (or OpenMP/TBB runtime) library file."""

    name: str  # "mkl_core", "iomp5"
    kind: str  # "static" or "shared"
    path: str
    soname_suffix: str = ""  # ".so.2", ".so.3", ".so" for shared libraries


@dataclass(frozen=True)
class MklInstall:
    """An MKL copy: where it is, what it holds, and how we know.

    Built once by :func:`describe`; what is learnt later (the symbols it defines) makes a new
    record with :func:`dataclasses.replace`.
    """

    source: str  # "pip", "dpkg", "rpm", "conda", "oneapi", "mklroot", "intel-mkl-src", "pkg-config", "loader", "folder"
    root: str  # its prefix, what MKLROOT would be
    lib_dirs: tuple[str, ...] = ()
    include_dirs: tuple[str, ...] = ()
    version: str | None = None  # "2026.2", "2020.4"
    version_from: str | None = None  # "mkl_version.h", "package", "library string", ...
    package: str | None = None  # the package that brought it, "mkl-static 2026.2.0"
    evidence: tuple[str, ...] = ()  # why we think it is there
    libraries: tuple[Library, ...] = ()
    headers: tuple[str, ...] = ()  # mkl.h, mkl_version.h found
    pkgconfig: tuple[str, ...] = ()  # mkl-*.pc files that belong to it
    sources: tuple[str, ...] = ()  # every source that pointed here
    defines: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # symbol -> libraries defining it
    broken: tuple[str, ...] = ()  # files of it that could not be read inside --root, and why

    # -- what it can do ----------------------------------------------------------------

    def find(self, name: str, kind: str | None = None) -> Library | None:
        for library in self.libraries:
            if library.name == name and (kind is None or library.kind == kind):
                return library
        return None

    def has(self, name: str, kind: str | None = None) -> bool:
        return self.find(name, kind) is not None

    @property
    def static(self) -> bool:
        return self.has("mkl_core", "static")

    @property
    def shared(self) -> bool:
        return self.has("mkl_core", "shared") or self.has("mkl_rt", "shared")

    def _held(self, role: str, kind: str | None) -> list[str]:
        """The layers of ``role`` it holds, named as MKL's files name them (``intel_lp64``), in the layout's order."""
        return [library.short for library in layout.of_role(role) if self.has(library.name, kind)]

    def interfaces(self, kind: str | None = None) -> list[str]:
        return self._held("interface", kind)

    def threading(self, kind: str | None = None) -> list[str]:
        return self._held("threading", kind)

    def kernels(self) -> list[str]:
        """The CPU kernel libraries libmkl_core loads at run time (shared copies only)."""
        return self._held("kernel", "shared")

    @property
    def iomp5(self) -> list[Library]:
        return [lib for lib in self.libraries if lib.name == "iomp5"]

    @property
    def lib_dir(self) -> str:
        """Its (first) library folder, else its prefix: what -L and LD_LIBRARY_PATH name."""
        return self.lib_dirs[0] if self.lib_dirs else self.root

    @property
    def key(self) -> str:
        return os.path.realpath(self.lib_dirs[0]) if self.lib_dirs else os.path.realpath(self.root)

    def library_paths(self, names: list[str], kind: str) -> list[str]:
        return [lib.path for name in names if (lib := self.find(name, kind))]


def label(install: MklInstall) -> str:
    """``MKL 2026.2 in /opt/venv/lib``: how findings, steps, link lines and bench tables name a copy."""
    version = install.version or "of unknown version"
    return f"MKL {version} in {install.lib_dir}"


def scan_libdir(folder: str, fs: RootFS | None = None, broken: list[str] | None = None) -> list[Library]:
    """The MKL, OpenMP and TBB libraries in one folder (not recursive).

    With ``fs`` (a ``--root``), links resolve inside the root only; one that dangles there or
    leaves it is not a library of the copy, and its reason goes to ``broken``.
    """
    found: list[Library] = []
    try:
        names = fs.listdir(fs.inside(folder)) if fs else sorted(os.listdir(folder))
    except OSError:
        return found
    seen: set[tuple[str, str]] = set()
    for name in names:
        match = _LIB.match(name)
        if not match:
            continue
        path = os.path.join(folder, name)
        if fs is not None and not fs.is_host:
            real = fs.resolve(fs.inside(path))
            if isinstance(real, Broken):
                if broken is not None:
                    broken.append(str(real))
                continue
        elif not os.path.exists(path):  # a dangling dev link
            continue
        base, suffix = match.group(1), match.group(2)
        kind = "static" if suffix == "a" else "shared"
        if (base, kind) in seen:
            continue  # libmkl_core.so and libmkl_core.so.2: name the first, the link
        seen.add((base, kind))
        found.append(Library(base, kind, path, "" if kind == "static" else "." + suffix))
    return found


def read_version_header(include_dir: str, fs: RootFS | None = None) -> str | None:
    """``2026.2`` from ``mkl_version.h`` (``__INTEL_MKL__``, ``__INTEL_MKL_UPDATE__``); ``fs``: read inside that root."""
    path = os.path.join(include_dir, "mkl_version.h")
    try:
        if fs is not None:
            with fs.open_host(path) as raw:
                text = raw.read(65536).decode("utf-8", "replace")
        else:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(65536)
    except OSError:
        return None
    return parse_version_header(text)


def parse_version_header(text: str) -> str | None:
    """``__INTEL_MKL__`` and ``__INTEL_MKL_UPDATE__`` as ``2026.2``.

    Read rather than ``INTEL_MKL_VERSION``, which 2021.1.1 writes with 6 digits and the others with 8.
    """
    major = _MAJOR.search(text)
    update = _UPDATE.search(text)
    if not major:
        return None
    return f"{major.group(1)}.{update.group(1) if update else 0}"


def describe(
    source: str,
    root: str,
    lib_dirs: list[str] | tuple[str, ...],
    include_dirs: list[str] | tuple[str, ...] | None = None,
    *,
    package: str | None = None,
    package_version: str | None = None,
    version: str | None = None,
    version_from: str | None = None,
    evidence: list[str] | tuple[str, ...] | None = None,
    sources: list[str] | tuple[str, ...] | None = None,
    extra_libraries: list[Library] | tuple[Library, ...] = (),
    fs: RootFS | None = None,
) -> MklInstall:
    """The :class:`MklInstall` for the folders that hold one MKL copy, built once from all that is known.

    ``version`` is one a source knows better than the files (an OCI tag); else ``mkl_version.h``
    in an include folder, else the package's version. ``extra_libraries``: runtimes found beside it.
    ``fs``: the ``--root`` the (host) paths lie in; every look and read then stays inside it.
    """
    broken: list[str] = []
    fs = fs or RootFS("/")
    libraries, pkgconfig = _libraries(lib_dirs, fs, broken)
    libraries.extend(extra_libraries)
    headers = _headers(include_dirs or (), fs, broken)
    for folder in include_dirs or ():
        if version is None:
            version = read_version_header(folder, fs)
            version_from = "mkl_version.h" if version else None
    if version is None and package_version:
        version, version_from = normalise_version(package_version), "package metadata"
    return MklInstall(
        source=source,
        root=root,
        lib_dirs=tuple(lib_dirs),
        include_dirs=tuple(include_dirs or ()),
        version=version,
        version_from=version_from,
        package=package,
        evidence=tuple(evidence or ()),
        libraries=tuple(libraries),
        headers=tuple(headers),
        pkgconfig=tuple(pkgconfig),
        sources=tuple(sources or (source,)),
        broken=tuple(broken),
    )


def _libraries(lib_dirs, fs: RootFS, broken: list[str]) -> tuple[list[Library], list[str]]:
    """The libraries of the copy's folders, and the mkl-*.pc and openmp*.pc files beside them."""
    libraries: list[Library] = []
    pkgconfig: list[str] = []
    for folder in lib_dirs:
        libraries.extend(scan_libdir(folder, fs, broken))
        pc = os.path.join(folder, "pkgconfig")
        try:  # a folder that became a link since it was looked up is not listed (rootfs: OutsideRoot)
            names = fs.listdir(fs.inside(pc)) if fs.isdir(fs.inside(pc)) else []
        except OSError:
            names = []
        pkgconfig.extend(os.path.join(pc, n) for n in names if n.startswith(("mkl-", "openmp")) and n.endswith(".pc"))
    return libraries, pkgconfig


def _headers(include_dirs, fs: RootFS, broken: list[str]) -> list[str]:
    """The MKL headers in the include folders; a header link dangling in the root goes to ``broken``."""
    headers: list[str] = []
    for folder in include_dirs:
        for header in ("mkl.h", "mkl_version.h", "mkl_cblas.h", "mkl_blas.h"):
            path = os.path.join(folder, header)
            if fs.isfile(fs.inside(path)):
                headers.append(path)
            elif not fs.is_host:
                why = fs.resolve(fs.inside(path))
                if isinstance(why, Broken) and why.kind != "missing":
                    broken.append(str(why))
    return headers


def normalise_version(text: str) -> str:
    """``2020.4.304-4`` -> ``2020.4``; ``2026.2.0`` -> ``2026.2``."""
    match = re.match(r"(\d{4})\.(\d+)", text)
    return f"{match.group(1)}.{match.group(2)}" if match else text
