"""Rendering of findings and listings: rich on a terminal, plain text when piped, JSON.

Every renderer takes plain data objects from the domain modules and writes to a
stream; nothing here decides anything about MKL.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, TextIO

from mkldoctor.inert import InertWriter, inert, inert_lines
from mkldoctor.output.formats import Format


def resolve(fmt, stream: TextIO | None = None):
    """``auto`` becomes ``table`` on a terminal and ``text`` when piped (of the same enum: list's, deps'...)."""
    if fmt.value != "auto":
        return fmt
    stream = stream or sys.stdout
    return type(fmt)("table" if stream.isatty() else "text")


def console(stream: TextIO | None = None, *, stderr: bool = False):
    """A rich console that respects NO_COLOR, never colours a pipe, and prints its text inert
    (:mod:`mkldoctor.inert`): rich's own styles reach the terminal, a name's escape codes do not."""
    target = stream or (sys.stderr if stderr else sys.stdout)
    if isinstance(target, InertWriter):  # rich's style codes must pass: its text is made inert below
        target = target._stream
    return _inert_console()(
        file=target,
        no_color="NO_COLOR" in os.environ,
        # rich's no_color keeps bold, dim and italic; with no colour system it writes plain text
        **({"color_system": None} if "NO_COLOR" in os.environ else {}),
        highlight=False,
        emoji=False,  # a log line's "build.make:100:" is text, not rich's :100: emoji code
        soft_wrap=False,
        force_terminal=None,
    )


@functools.lru_cache(maxsize=1)
def _inert_console():
    from rich.console import Console

    class InertConsole(Console):
        def _render_buffer(self, buffer):  # the one place rich turns segments into the text it writes
            return super()._render_buffer(seg if seg.control else seg._replace(text=inert_lines(seg.text)) for seg in buffer)

    return InertConsole


def fits(con, renderable) -> bool:
    """Whether ``renderable`` (a table, a tree) lays out in the console's width with no word split: its
    narrowest layout (each no-wrap cell whole, other text wrapped at spaces, every path a word) fits, so rich
    wraps whole words only and never folds or cuts a path. Where it does not, a renderer writes its list form
    (one record a line, the path whole) instead."""
    from rich.measure import Measurement

    unbounded = con.options.update_width(1 << 16)  # rich clamps a measurement to the width it is given
    return Measurement.get(con, unbounded, renderable).minimum <= con.width


def write_json(document: dict[str, Any], stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(document, stream, indent=1, sort_keys=False)
    stream.write("\n")


def problem_lines(problems, stream: TextIO | None = None) -> None:
    """One line per problem on stderr, ``mkldoctor: path: message``."""
    stream = stream or sys.stderr
    for problem in problems:
        stream.write(f"mkldoctor: {inert(str(problem))}\n")


def markup(text: str) -> str:
    """Untrusted ``text`` for a rich markup string: inert, and its brackets not read as markup."""
    from rich.markup import escape

    return escape(inert(text))
