"""Rendering of ``mkldoctor link``: the line on stdout; the verification and its explanation on stderr."""

from __future__ import annotations

import sys
from typing import TextIO

from mkldoctor.inert import inert_stream
from mkldoctor.inventory.install import label
from mkldoctor.link.advice import LinkAdvice
from mkldoctor.link.formats import render as render_line
from mkldoctor.link.verify_format import route
from mkldoctor.output.findings import render_text

LOG_LINES = 40  # the end of a failed verification's log


def render(advice: LinkAdvice, out: TextIO | None = None, err: TextIO | None = None) -> None:
    out = inert_stream(out or sys.stdout)
    err = inert_stream(err or sys.stderr)
    out.write(render_line(advice.line, advice.fmt))
    result = advice.verification
    if result is None:
        return
    out.flush()
    where = f"{label(advice.install)}, {advice.config.name}"
    if result.ok:
        err.write(f"mkldoctor: verified {route(advice.fmt, advice.line)}: {result.output.strip()} ({where})\n")
        return
    err.write(f"mkldoctor: verification failed at the {result.stage} step ({where}); the log:\n")
    err.write("".join("  | " + line + "\n" for line in result.log.strip().splitlines()[-LOG_LINES:]))
    render_text(list(advice.findings), err)
