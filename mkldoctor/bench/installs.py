"""An MKL install named by a prefix on the command line (``--install PATH``).

A prefix is what MKLROOT would be: the pip ``--prefix`` folder (``lib/``,
``include/``), a Debian sysroot's ``usr`` (``lib/x86_64-linux-gnu/``,
``include/mkl/``), a oneAPI ``mkl/latest`` (``lib/intel64/`` or ``lib/``). A
sysroot itself (holding ``usr/``) or a library folder is accepted too.
"""

from __future__ import annotations

import glob
import os

from mkldoctor.bench.errors import BenchUsageError
from mkldoctor.install import MklInstall, describe

LIB_SUBDIRS = ("lib", "lib/x86_64-linux-gnu", "lib/intel64", "lib64", "lib/intel64_lin", "")
INCLUDE_SUBDIRS = ("include", "include/mkl", "include/intel64", "../include", "../include/mkl")


def _has_core(folder: str) -> bool:
    return bool(glob.glob(os.path.join(glob.escape(folder), "libmkl_core.*")))


def install_from_prefix(path: str) -> MklInstall:
    """Describe the MKL under ``path``; a usage error if there is none."""
    root = os.path.abspath(path)
    if not os.path.exists(root):
        raise BenchUsageError(f"--install {path}: no such folder")
    if not os.path.isdir(root):
        raise BenchUsageError(f"--install {path}: not a folder")
    if not any(_has_core(os.path.join(root, sub)) for sub in LIB_SUBDIRS) and os.path.isdir(os.path.join(root, "usr")):
        root = os.path.join(root, "usr")  # a sysroot
    lib_dirs = [os.path.normpath(os.path.join(root, sub)) for sub in LIB_SUBDIRS if _has_core(os.path.join(root, sub))]
    if not lib_dirs:
        raise BenchUsageError(
            f"--install {path}: no libmkl_core under {', '.join(s or '.' for s in LIB_SUBDIRS[:-1])} or the folder itself"
        )
    lib_dirs = lib_dirs[:1]  # one install: the first folder that holds its core
    base = root if lib_dirs[0] != root else os.path.dirname(root)
    include_dirs = []
    for sub in INCLUDE_SUBDIRS:
        folder = os.path.normpath(os.path.join(base, sub))
        if os.path.isfile(os.path.join(folder, "mkl.h")) and folder not in include_dirs:
            include_dirs.append(folder)
    return describe("folder", root, lib_dirs, include_dirs, evidence=[f"--install {path}"])


def label(install: MklInstall) -> str:
    """``MKL 2026.2 (pip-2026.2)``: the version and the end of the path that tells installs apart."""
    parts = [p for p in install.root.split(os.sep) if p]
    tail = parts[-1] if parts else install.root
    if tail in ("usr", "latest", "mkl") and len(parts) > 1:
        tail = parts[-2]
    return f"MKL {install.version or '?'} ({tail})"
