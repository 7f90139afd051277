"""Never silent: what the catalogue's diagnoses leave unexplained becomes a finding of its own.

These run last (:func:`catalogue.fallbacks`), with the findings made so far: an error-looking line
that no signature claimed, a log that says only that a step failed, and rustc's failed link whose
reason no diagnosis recognised.
"""

from __future__ import annotations

from mkldoctor.explain.catalogue import FollowOn, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed, RustLinkFailed
from mkldoctor.findings import Finding

MAX_UNRECOGNISED_FINDINGS = 10


def rust_link_failed(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """rustc's link failed, and nothing before explained why."""
    if found or not events.of(RustLinkFailed):
        return []
    linker_name = events.of(RustLinkFailed)[0].linker
    return [Finding(
        "link-failed-unrecognised", "error", f"rustc's link with `{linker_name}` failed, for a reason mkldoctor does not recognise",
        ("the linker's own message was not one of: undefined reference/symbol, cannot find -l",),
        ("rerun with: cargo build -v   # and pass the whole output to mkldoctor explain",),
    )]


def unrecognised_lines(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """Each error line that no signature claimed, and a failure said only by its echoes."""
    out = []
    lines = events.of(Unrecognised)
    for event in lines[:MAX_UNRECOGNISED_FINDINGS]:
        context = [("> " if line == event.line else "  ") + line for line in event.context] or ["> " + event.line]
        out.append(Finding(
            "unrecognised-failure", "error", f"an error mkldoctor does not recognise: {event.line.strip()[:160]}",
            tuple(["the log says (the line marked >, with the lines around it):"] + ["  " + c for c in context[:10]]),
            ("read the marked line: mkldoctor has no signature for it, so it cannot say whether MKL is the cause",
             "if it concerns MKL, report it with this log excerpt so that a signature can be added"),
            "This line looks like an error (error:, undefined, cannot open/find/load, FATAL, ImportError, CMake Error...), "
            "and none of mkldoctor's failure signatures explains it. mkldoctor does not call such a log clean.",
            locations=ctx.located([event], "an error line no signature explains"),
        ))
    if len(lines) > MAX_UNRECOGNISED_FINDINGS:
        out.append(Finding("unrecognised-failure", "error", f"{len(lines) - MAX_UNRECOGNISED_FINDINGS} more unrecognised error lines",
                           tuple(e.line[:160] for e in lines[MAX_UNRECOGNISED_FINDINGS:MAX_UNRECOGNISED_FINDINGS + 8]), ()))
    echoes = events.of(FollowOn)
    if echoes and not lines and not any(f.severity == "error" for f in found):
        out.append(Finding(
            "unrecognised-failure", "error", "the log says the build failed, but not why in a form mkldoctor recognises",
            tuple(f"the log says: {e.line[:200]}" for e in echoes[:6]),
            ("look above these lines for the first error the tool printed; if the log was cut, pass the whole output "
             "(make VERBOSE=1, cargo build -v, ninja -v)",),
            "These lines only report that an earlier step failed; the step's own message is not in the input, "
            "or is not one mkldoctor knows.",
            locations=ctx.located(echoes, "says the build failed"),
        ))
    return out
