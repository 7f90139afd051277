"""Where in a Cargo.toml a dependency or a feature is written: the line a CI annotation points at.

TOML parsers give values, not lines, so the manifest's text is read line by line as TOML lays
it out: a table header (``[dependencies]``, ``[target.'cfg(unix)'.dependencies]``,
``[dependencies.blas-src]``, ``[features]``), then ``key = value`` lines in it. A dependency
renamed with ``package = "crate"`` is found by that package name too.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_-]+)\s*=""")
_PACKAGE = re.compile(r"""\bpackage\s*=\s*["']([^"']+)["']""")


def _key(text: str) -> str:
    return text.strip().strip("\"'")


def _table(header: str) -> list[str]:
    """``target.'cfg(unix)'.dependencies.blas-src`` -> its dotted parts, quotes kept inside a part."""
    return [_key(p) for p in re.findall(r"""'[^']*'|"[^"]*"|[^.]+""", header)]


def dependency_line(text: str, crate: str) -> int | None:
    """The line (from 1) that names ``crate`` as a dependency: its key, its table header, or its ``package =``."""
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _table(header.group(1))
            if len(table) >= 2 and table[-2].endswith("dependencies") and table[-1] == crate:
                return number
            continue
        if not table or not table[-1].endswith("dependencies"):
            continue
        key = _KEY.match(line)
        if key and (_key(key.group(1)) == crate or ((m := _PACKAGE.search(line)) and m.group(1) == crate)):
            return number
    return None


def feature_line(text: str, feature: str) -> int | None:
    """The line of ``feature = [...]`` in ``[features]``."""
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _table(header.group(1))
            continue
        key = _KEY.match(line)
        if table == ["features"] and key and _key(key.group(1)) == feature:
            return number
    return None
