"""Command functions that ``mkldoctor.cli`` registers with ``app.command()``, one module each.

Each parses its options and calls one domain function; a problem is raised as a
:class:`~mkldoctor.errors.MkldoctorError`, which carries its exit status, and
``mkldoctor.cli.guarded`` turns it into one line on stderr.
"""

from __future__ import annotations
