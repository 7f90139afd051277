"""Small helpers of wording that the explain families share."""

from __future__ import annotations

import os
import shlex

MAX_LISTED = 8  # symbols or references listed in one finding before "and N more"
q = shlex.quote


def lib_name(path: str) -> str:
    """``/x/libmkl_core.so.3`` -> ``mkl_core``."""
    base = os.path.basename(path)
    base = base[3:] if base.startswith("lib") else base
    return base.split(".", 1)[0]


def more(items: list[str], limit: int = MAX_LISTED) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
