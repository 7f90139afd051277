"""``mkldoctor explain LOG | - | -- COMMAND...``: causes and fixes for a failed build or run."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.output.formats import FindingsFormat

Args = Annotated[Optional[list[str]], typer.Argument(
    metavar="LOG | - | -- COMMAND...", help="LOG file, - for standard input, or -- COMMAND ARGS... to run a command and read its output.")]
Installs = opt.installs("An MKL copy to consider (prefix, lib folder or sysroot); repeatable.")
Timeout = Annotated[float, typer.Option("--timeout", metavar="SECONDS", help="Seconds before a COMMAND is killed.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=f"{opt.QUIET} With -- COMMAND: its output is not shown while it runs.")]
Search = opt.search("Also look for MKL copies in this folder (repeatable).")
Scan = Annotated[bool, typer.Option("--scan/--no-scan", help="Look for every MKL on this machine (mkldoctor list).")]
OriginWord = opt.choice("OriginWord", ("auto", "here", "elsewhere"))
Origin = Annotated[OriginWord, typer.Option(
    "--origin", help="Where the log comes from: auto (decided from the paths, home, user and host it names), here (this "
                     "machine: its folders and copies may explain it), or elsewhere (explained from the log and "
                     "mkldoctor's knowledge only).")]


def explain(
    ctx: typer.Context,
    args: Args = None,
    install: Installs = None,
    fmt: opt.FindingsFormat = FindingsFormat.text,
    timeout: Timeout = 3600.0,
    quiet: Quiet = False,
    verbose: opt.Verbose = False,
    search: Search = None,
    scan: Scan = True,
    ignore: opt.Ignore = None,
    origin: Origin = OriginWord.auto,
) -> None:
    """Explain link and load failures in a build or run log: causes, evidence and fixes.

    Reads GNU ld, gold, lld/rust-lld and mold messages, rustc/cargo's notes and linker
    command lines, make/CMake/ninja output, and run-time errors of the loader, MKL
    and OpenMP. Exit status: 0 nothing found, 1 an error finding (or COMMAND failed), 2 usage error.
    """
    from mkldoctor.explain.run import explain_input
    from mkldoctor.findings import exit_status, without_ignored
    from mkldoctor.output.findings import render
    from mkldoctor.output.progress import progress

    opt.known_rules(ignore)
    folders = opt.folders(search)
    echo = None if quiet or fmt is not FindingsFormat.text else getattr(sys.stderr, "buffer", None)
    # no spinner over a command's own output on the same stderr
    with progress("explain", quiet=quiet or echo is not None, verbose=verbose) as say:
        report = explain_input(list(args or []), installs=list(install or []), search=folders, scan=scan,
                               timeout=timeout, echo=echo, stdin=sys.stdin.buffer, progress=say, origin=origin.value,
                               command=ctx.meta.get("mkldoctor.after_dashdash"))
    if report.timed_out:
        from mkldoctor.inert import inert

        sys.stderr.write(f"mkldoctor: {inert(report.argv[0])} ran past --timeout {timeout:g}s and was killed; its output so far is explained\n")
    shown, ignored = without_ignored(list(report.findings), ignore or ())
    about_input = report.origin.lines() if report.origin is not None and report.findings else ()
    render(shown, fmt, extra=report.extra() if fmt is FindingsFormat.json else None, anchor=report.anchor, ignored=ignored,
           about_input=about_input)
    # a failed COMMAND stays a failure whatever is ignored (its own finding, command-failed, may be)
    failed = report.argv is not None and report.status != 0
    raise typer.Exit(max(exit_status(shown), 1 if failed else 0))
