"""Rendering of findings and listings: rich on a terminal, plain text when piped, JSON.

Every renderer takes plain data objects from the domain modules and writes to a
stream; nothing here decides anything about MKL.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from typing import Any, TextIO


class Format(str, enum.Enum):
    auto = "auto"
    table = "table"
    text = "text"
    json = "json"


def resolve(fmt: Format, stream: TextIO | None = None) -> Format:
    """``auto`` becomes ``table`` on a terminal and ``text`` when piped."""
    if fmt is not Format.auto:
        return fmt
    stream = stream or sys.stdout
    return Format.table if stream.isatty() else Format.text


def console(stream: TextIO | None = None, *, stderr: bool = False):
    """A rich console that respects NO_COLOR and never colours a pipe."""
    from rich.console import Console

    target = stream or (sys.stderr if stderr else sys.stdout)
    return Console(
        file=target,
        no_color="NO_COLOR" in os.environ,
        # rich's no_color keeps bold, dim and italic; with no colour system it writes plain text
        **({"color_system": None} if "NO_COLOR" in os.environ else {}),
        highlight=False,
        soft_wrap=False,
        force_terminal=None,
    )


def write_json(document: dict[str, Any], stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(document, stream, indent=1, sort_keys=False)
    stream.write("\n")


def problem_lines(problems, stream: TextIO | None = None) -> None:
    """One line per problem on stderr, ``mkldoctor: path: message``."""
    stream = stream or sys.stderr
    for problem in problems:
        stream.write(f"mkldoctor: {problem}\n")
