"""A project's TOML files (Cargo.toml, Cargo.lock, .cargo/config.toml, pyproject.toml) read as data that may be hostile.

tomllib raises more than ``TOMLDecodeError``: bytes that are not UTF-8 raise ``UnicodeDecodeError``,
and arrays nested a few thousand deep exhaust the recursion limit. Each is one :class:`InputError`
here; a FIFO where the file should be is refused instead of read forever, and a file over
:data:`MAX_BYTES` is not parsed at all.
"""

from __future__ import annotations

import re

from mkldoctor.errors import InputError
from mkldoctor.rootfs import open_regular

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

MAX_BYTES = 16 << 20  # the largest Cargo.lock of a big workspace is a few hundred KB


def read_toml(path: str) -> dict:
    """The document in ``path``; :class:`InputError` (one line) when it cannot be read as TOML."""
    try:
        with open_regular(path) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise InputError(path, f"over {MAX_BYTES >> 20} MiB: not read as TOML")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot be read as TOML (not UTF-8: byte {data[exc.start]:#04x} at offset {exc.start})") from None
    except RecursionError:
        raise InputError(path, "cannot be read as TOML (nested too deep)") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"cannot be read as TOML ({str(exc).splitlines()[0]})") from None


def toml_text_or_none(text: str) -> dict | None:
    """A document already read, or None where it is no TOML (including nesting too deep)."""
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None


def toml_or_none(path: str) -> dict | None:
    """:func:`read_toml`, or None where it cannot be read."""
    try:
        return read_toml(path)
    except InputError:
        return None


_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=""")
_PART = re.compile(r"""\s*("[^"]*"|'[^']*'|[^.]+)\s*""")


def _dotted(text: str) -> tuple[str, ...]:
    """``tool.mkldoctor``, ``"tool" . 'mkldoctor'`` -> ("tool", "mkldoctor")."""
    return tuple(part.strip().strip("\"'") for part in _PART.findall(text))


def key_lines(text: str, table: tuple[str, ...]) -> dict[str, int]:
    """The line (from 1) where each key of ``table`` (() for the top level) is first written: ``key =`` under its
    header, a dotted ``table.key =`` above it, or ``[table.key]`` for a sub-table. TOML parsers give values, not
    lines; a line a person can open is what an error about a key needs."""
    lines: dict[str, int] = {}
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            current = _dotted(header.group(1))
            if len(current) == len(table) + 1 and current[:-1] == table:
                lines.setdefault(current[-1], number)
            continue
        key = _KEY.match(line)
        if key:
            path = current + _dotted(key.group(1))
            if len(path) > len(table) and path[:len(table)] == table:
                lines.setdefault(path[len(table)], number)
    return lines
