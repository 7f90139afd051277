"""Command functions that ``mkldoctor.cli`` registers with ``app.command()``, one module each.

They parse options, call the domain modules and render; these helpers are all they share.
"""

from __future__ import annotations

import sys

import typer

EXIT_OK = 0
EXIT_FINDING = 1  # a symbol not found, an error finding
EXIT_USAGE = 2
EXIT_UNREADABLE = 3  # some input could not be read


def fail(message: str, code: int = EXIT_USAGE) -> None:
    sys.stderr.write(f"mkldoctor: {message}\n")
    raise typer.Exit(code)
