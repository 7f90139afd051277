"""Command functions that ``mkldoctor.cli`` registers with ``app.command()``, one module each.

Each parses its options and calls one domain function; a problem is raised as a
:class:`~mkldoctor.errors.MkldoctorError`, which carries its exit status, and
``mkldoctor.cli.guarded`` turns it into one line on stderr.
"""

from __future__ import annotations

import sys


def image_root(image: str, root: str, wanted: list[str] | None = None):
    """The :class:`~mkldoctor.discover.image.ImageRoot` an ``--image`` is read into (its warnings on stderr);
    ``--root`` with it is a usage error."""
    from mkldoctor.discover.image import open_image
    from mkldoctor.errors import UsageError
    from mkldoctor.inert import inert

    if root != "/":
        raise UsageError("--root and --image: give one of them")
    opened = open_image(image, wanted=wanted or [])
    for warning in opened.warnings:
        sys.stderr.write(f"mkldoctor: warning: {inert(warning)}\n")
    return opened
