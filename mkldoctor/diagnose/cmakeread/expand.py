"""Evaluating an argument's raw text as CMake does: escape sequences and variable references (``${NAME}``, nested
``${${NAME}}``, ``$ENV{NAME}``, ``$CACHE{NAME}``), and CMake's lists (``a;b;c``, ``\\;`` and ``[...]`` keeping a
``;`` inside an element). Generator expressions (``$<...>``) are left for the link line (:mod:`linkline`)."""

from __future__ import annotations

from typing import Callable

MAX_VALUE = 1 << 20  # a value that grows past this stops the run (no real project's does)


class ExpandError(Exception):
    pass


def expand(raw: str, variable: Callable[[str], str], env: Callable[[str], str], cache: Callable[[str], str]) -> str:
    out: list[str] = []
    pos, n = 0, len(raw)
    while pos < n:
        ch = raw[pos]
        if ch == "\\" and pos + 1 < n:
            nxt = raw[pos + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", ";": "\\;", "0": "\0"}.get(nxt, nxt))
            pos += 2
        elif ch == "$" and pos + 1 < n:
            for prefix, source in (("${", variable), ("$ENV{", env), ("$CACHE{", cache)):
                if raw.startswith(prefix, pos):
                    name, end = _reference(raw, pos + len(prefix), variable, env, cache)
                    out.append(source(name))
                    pos = end
                    break
            else:
                out.append(ch)
                pos += 1
        else:
            out.append(ch)
            pos += 1
        if len(out) > 64 and sum(map(len, out)) > MAX_VALUE:
            raise ExpandError("a value grows past 1 MiB")
    return "".join(out)


def _reference(raw: str, pos: int, variable, env, cache) -> tuple[str, int]:
    """The name inside ``${...}`` (itself expanded) and the position after its ``}``."""
    depth, start, n = 1, pos, len(raw)
    while pos < n:
        if raw.startswith("${", pos) or raw.startswith("$ENV{", pos) or raw.startswith("$CACHE{", pos):
            depth += 1
            pos = raw.index("{", pos) + 1
            continue
        if raw[pos] == "\\":
            pos += 2
            continue
        if raw[pos] == "}":
            depth -= 1
            if depth == 0:
                return expand(raw[start:pos], variable, env, cache), pos + 1
        pos += 1
    raise ExpandError(f"there is an unterminated variable reference in {raw!r}")


def split_list(value: str) -> list[str]:
    """A CMake list's elements, empty ones dropped (as unquoted arguments and ``foreach`` take them)."""
    return [item for item in elements(value) if item != ""]


def elements(value: str) -> list[str]:
    """Every element, empty ones kept (``list()`` keeps them)."""
    if value == "":
        return []
    out, current, depth, pos, n = [], [], 0, 0, len(value)
    while pos < n:
        ch = value[pos]
        if ch == "\\" and pos + 1 < n:
            current.append(";" if value[pos + 1] == ";" else value[pos:pos + 2])
            pos += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif ch == ";" and depth == 0:
            out.append("".join(current))
            current = []
            pos += 1
            continue
        current.append(ch)
        pos += 1
    out.append("".join(current))
    return out


def join(items: list[str]) -> str:
    return ";".join(items)
