"""Small helpers of wording that the explain families share."""

from __future__ import annotations

import os
import re
import shlex
from collections import OrderedDict

MAX_LISTED = 8  # symbols or references listed in one finding before "and N more"
q = shlex.quote


def lib_name(path: str) -> str:
    """``/x/libmkl_core.so.3`` -> ``mkl_core``."""
    base = os.path.basename(path)
    base = base[3:] if base.startswith("lib") else base
    return base.split(".", 1)[0]


def names_file(text: str, name: str) -> bool:
    """Whether ``text`` (a finding's title) names the file ``name`` whole: ``libsycl.so.7``, not ``libsycl.so.70``."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", text) is not None


def more(items: list[str], limit: int = MAX_LISTED) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def needed_by(symbols: list[str], by_symbol: dict) -> list[str]:
    """``hgemm_ needed by candle_core::mkl::hgemm in libcandle_core.rlib(x.o) at mkl.rs:162``: who needs each
    symbol (``by_symbol``: symbol -> its UndefinedSymbol events), one line per place, the places capped."""
    lines: list[str] = []
    users: OrderedDict[str, list[str]] = OrderedDict()
    for symbol in symbols:
        for event in by_symbol[symbol]:
            who = event.referenced_from or "(an object the linker did not name)"
            if event.member:
                who = f"{who}({event.member})"
            if event.function:
                who = f"{event.function} in {who}"
            if event.location:
                who += f" at {event.location}"
            users.setdefault(who, []).append(symbol)
    for who, names in list(users.items())[:MAX_LISTED]:
        names = list(OrderedDict.fromkeys(names))
        lines.append(f"{more(names, 6)} needed by {who}")
    if len(users) > MAX_LISTED:
        lines.append(f"... and {len(users) - MAX_LISTED} more places")
    return lines
