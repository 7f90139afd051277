"""Turning one path a user or a log names into an :class:`~mkldoctor.inventory.install.MklInstall`.

A path may be an install prefix (``$MKLROOT``, a pip or conda prefix), a library
folder, or a sysroot holding Debian's layout. This is the small stand-in that
``explain`` and ``link`` use until the full inventory (``mkldoctor list``) is plugged in.
"""

from __future__ import annotations

import os

from mkldoctor.errors import UsageError
from mkldoctor.inventory.install import Library, MklInstall, describe, scan_libdir

_LIB_SUBDIRS = ("", "lib", "lib/intel64", "lib64", "usr/lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu", "mkl/latest/lib")
_INCLUDE_GUESSES = ("include", "include/mkl", "usr/include/mkl", "usr/include", "mkl/latest/include")


def _has_mkl(folder: str) -> bool:
    return any(lib.name.startswith("mkl_") for lib in scan_libdir(folder))


def _include_for(root: str, lib_dir: str) -> list[str]:
    candidates = [os.path.join(root, sub) for sub in _INCLUDE_GUESSES]
    parent = os.path.dirname(lib_dir.rstrip("/"))
    candidates += [os.path.join(parent, "include"), os.path.join(os.path.dirname(parent), "include")]
    if lib_dir.rstrip("/").endswith("usr/lib/x86_64-linux-gnu"):
        candidates.insert(0, os.path.join(lib_dir.rstrip("/")[: -len("lib/x86_64-linux-gnu")], "include/mkl"))
    seen = []
    for folder in candidates:
        folder = os.path.normpath(folder)
        if folder not in seen and os.path.isfile(os.path.join(folder, "mkl.h")):
            seen.append(folder)
    return seen[:1]


def install_from_path(path: str, source: str = "folder", evidence: tuple[str, ...] = ()) -> MklInstall | None:
    """The MKL copy at ``path`` (prefix, library folder or sysroot), or None if none is there."""
    path = os.path.abspath(path)
    for sub in _LIB_SUBDIRS:
        lib_dir = os.path.normpath(os.path.join(path, sub))
        if os.path.isdir(lib_dir) and _has_mkl(lib_dir):
            root = path
            if sub == "":  # a library folder: its prefix is above it
                trimmed = lib_dir
                for tail in ("/usr/lib/x86_64-linux-gnu", "/lib/intel64", "/lib64", "/lib"):
                    if trimmed.endswith(tail):
                        root = trimmed[: -len(tail)] or "/"
                        break
            openmp, openmp_evidence = _openmp_beside(lib_dir)
            return describe(source, root, [lib_dir], _include_for(root, lib_dir),
                            evidence=[f"given as {path}", *openmp_evidence, *evidence], extra_libraries=openmp)
    return None


def install_at(path: str) -> MklInstall:
    """``--install PATH`` of any command: the MKL copy there, or a usage error naming what is wrong."""
    if not os.path.exists(path):
        raise UsageError(f"--install {path}: no such file or folder")
    install = install_from_path(path, "option")
    if install is None:
        raise UsageError(f"--install {path}: no MKL library (libmkl_*.a or .so) in it, its lib/ or its usr/lib/x86_64-linux-gnu/")
    return install


def _openmp_beside(lib_dir: str) -> tuple[list[Library], list[str]]:
    """oneAPI keeps libiomp5 in ``compiler/latest/lib`` beside ``mkl/latest/lib``: (its libraries, the evidence)."""
    if any(lib.name == "iomp5" for lib in scan_libdir(lib_dir)):
        return [], []
    for guess in ("../../../compiler/latest/lib", "../../compiler/latest/lib", "../../../compiler/latest/linux/compiler/lib/intel64_lin"):
        folder = os.path.normpath(os.path.join(lib_dir, guess))
        found = [lib for lib in scan_libdir(folder) if lib.name == "iomp5"] if os.path.isdir(folder) else []
        if found:
            return found, [f"libiomp5 beside it in {folder}"]
    return [], []


def installs_from_dirs(dirs: list[str], known: list[MklInstall], source: str = "log") -> list[MklInstall]:
    """Installs for library folders named in a log (``-L``, rpath) that hold MKL and are not known yet."""
    keys = {os.path.realpath(d) for install in known for d in install.lib_dirs}
    found: list[MklInstall] = []
    for folder in dirs:
        real = os.path.realpath(folder)
        if real in keys or not os.path.isdir(folder) or not _has_mkl(folder):
            continue
        keys.add(real)
        install = install_from_path(folder, source, evidence=("named on the link line in the log",))
        if install is not None:
            found.append(install)
    return found

