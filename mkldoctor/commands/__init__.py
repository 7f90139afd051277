"""Command functions that ``mkldoctor.cli`` registers with ``app.command()``, one module each.

Each parses its options and calls one domain function; a problem is raised as a
:class:`~mkldoctor.errors.MkldoctorError`, which carries its exit status, and
``mkldoctor.cli.guarded`` turns it into one line on stderr.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

# --image's limits, the same on list, check and deps (discover/limits.py says why these defaults)
MaxImageSize = Annotated[str, typer.Option(
    "--max-image-size", metavar="SIZE",
    help="With --image: stop when its layers inflate past SIZE in all (K, M, G, T suffixes).")]
MaxImageEntries = Annotated[int, typer.Option(
    "--max-image-entries", metavar="N", help="With --image: stop past N tar entries in all its layers.")]


def image_root(image: str, root: str, wanted: list[str] | None = None, max_size: str = "8G",
               max_entries: int = 1_000_000):
    """The :class:`~mkldoctor.discover.image.ImageRoot` an ``--image`` is read into (its warnings on stderr);
    ``--root`` with it is a usage error."""
    from mkldoctor.discover.image import open_image
    from mkldoctor.discover.limits import Limits, parse_size
    from mkldoctor.errors import UsageError
    from mkldoctor.inert import inert

    if root != "/":
        raise UsageError("--root and --image: give one of them")
    if max_entries < 1:
        raise UsageError(f"--max-image-entries {max_entries}: must be at least 1")
    opened = open_image(image, wanted=wanted or [], limits=Limits(parse_size(max_size), max_entries))
    for warning in opened.warnings:
        sys.stderr.write(f"mkldoctor: warning: {inert(warning)}\n")
    return opened
