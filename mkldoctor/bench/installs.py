"""An MKL install named by a prefix on the command line (``--install PATH``).

A prefix is what MKLROOT would be: the pip ``--prefix`` folder (``lib/``,
``include/``), a Debian sysroot's ``usr`` (``lib/x86_64-linux-gnu/``,
``include/mkl/``), a oneAPI ``mkl/latest`` (``lib/intel64/`` or ``lib/``). A
sysroot itself (holding ``usr/``) or a library folder is accepted too.
"""

from __future__ import annotations

import os

from mkldoctor.bench.errors import BenchUsageError
from mkldoctor.inventory.install import MklInstall

def install_from_prefix(path: str) -> MklInstall:
    """Describe the MKL under ``path`` (as ``mkldoctor link --install`` does); a usage error if there is none."""
    from mkldoctor.inventory.locate import install_from_path

    root = os.path.abspath(path)
    if not os.path.exists(root):
        raise BenchUsageError(f"--install {path}: no such folder")
    if not os.path.isdir(root):
        raise BenchUsageError(f"--install {path}: not a folder")
    install = install_from_path(root, "folder")
    if install is None or not install.has("mkl_core"):
        raise BenchUsageError(f"--install {path}: no libmkl_core in it, its lib/ or its usr/lib/x86_64-linux-gnu/")
    install.evidence.append(f"--install {path}")
    return install


def label(install: MklInstall) -> str:
    """``MKL 2026.2 (pip-2026.2)``: the version and the end of the path that tells installs apart."""
    parts = [p for p in install.root.split(os.sep) if p]
    tail = parts[-1] if parts else install.root
    if tail in ("usr", "latest", "mkl") and len(parts) > 1:
        tail = parts[-2]
    return f"MKL {install.version or '?'} ({tail})"
