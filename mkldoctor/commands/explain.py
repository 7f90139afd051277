"""``mkldoctor explain LOG | - | -- COMMAND...``: causes and fixes for a failed build or run."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor.output.findings import FindingsFormat


def explain(
    args: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="LOG | - | -- COMMAND...", help="LOG file, - for standard input, or -- COMMAND ARGS... to run a command and read its output."),
    ] = None,
    install: Annotated[
        Optional[list[str]],
        typer.Option("--install", "-i", help="An MKL copy to consider (prefix, lib folder or sysroot); repeatable."),
    ] = None,
    fmt: Annotated[FindingsFormat, typer.Option("--format", help="text, json, junit, github (annotations) or sarif (code scanning).")] = FindingsFormat.text,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds before a COMMAND is killed.")] = 3600.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="With -- COMMAND: do not show its output while it runs.")] = False,
    search: Annotated[
        Optional[list[str]], typer.Option("--search", "-s", help="Also look for MKL copies in this folder (repeatable).")
    ] = None,
    scan: Annotated[bool, typer.Option("--scan/--no-scan", help="Look for every MKL on this machine (mkldoctor list).")] = True,
    origin: Annotated[str, typer.Option("--origin", help="Where the log comes from: auto (decided from the paths, home, user "
                                        "and host it names), here (this machine: its folders and copies may explain it), "
                                        "or elsewhere (explained from the log and mkldoctor's knowledge only).")] = "auto",
) -> None:
    """Explain link and load failures in a build or run log: causes, evidence and fixes.

    Reads GNU ld, gold, lld/rust-lld and mold messages, rustc/cargo's notes and linker
    command lines, make/CMake/ninja output, and run-time errors of the loader, MKL
    and OpenMP. Exit status: 0 nothing found, 1 an error finding (or COMMAND failed), 2 usage error.
    """
    from mkldoctor.explain.run import explain_input
    from mkldoctor.output.findings import render

    echo = None if quiet or fmt is not FindingsFormat.text else getattr(sys.stderr, "buffer", None)
    report = explain_input(list(args or []), installs=list(install or []), search=list(search or []), scan=scan,
                           timeout=timeout, echo=echo, stdin=sys.stdin.buffer, origin=origin)
    if report.timed_out:
        from mkldoctor.inert import inert

        sys.stderr.write(f"mkldoctor: {inert(report.argv[0])} ran past --timeout {timeout:g}s and was killed; its output so far is explained\n")
    about_input = report.origin.lines() if report.origin is not None and report.findings else ()
    render(report.findings, fmt, extra=report.extra() if fmt is FindingsFormat.json else None, anchor=report.anchor,
           about_input=about_input)
    raise typer.Exit(report.exit_status)
