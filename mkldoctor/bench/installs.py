"""An MKL install named by a prefix on the command line (``--install PATH``).

A prefix is what MKLROOT would be: the pip ``--prefix`` folder (``lib/``,
``include/``), a Debian sysroot's ``usr`` (``lib/x86_64-linux-gnu/``,
``include/mkl/``), a oneAPI ``mkl/latest`` (``lib/intel64/`` or ``lib/``). A
sysroot itself (holding ``usr/``) or a library folder is accepted too.
"""

from __future__ import annotations

import os

from mkldoctor.inventory.install import MklInstall

def label(install: MklInstall) -> str:
    """``MKL 2026.2 (pip-2026.2)``: the version and the end of the path that tells installs apart."""
    parts = [p for p in install.root.split(os.sep) if p]
    tail = parts[-1] if parts else install.root
    if tail in ("usr", "latest", "mkl") and len(parts) > 1:
        tail = parts[-2]
    return f"MKL {install.version or '?'} ({tail})"
