"""The one folder mkldoctor writes to: ``$XDG_CACHE_HOME/mkldoctor/`` (default ``~/.cache/mkldoctor``)."""

from __future__ import annotations

import os


def cache_folder(*parts: str) -> str:
    """``cache_folder("bench")`` -> ``~/.cache/mkldoctor/bench``, under ``$XDG_CACHE_HOME`` when it is set."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mkldoctor", *parts)
