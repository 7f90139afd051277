"""``mkldoctor explain LOG | - | -- COMMAND...``: causes and fixes for a failed build or run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from typing import Annotated, BinaryIO, Optional

import typer

from mkldoctor.errors import UsageError
from mkldoctor.output.findings import FindingsFormat


def _installs(paths: list[str]) -> list:
    from mkldoctor.inventory.locate import install_at

    return [install_at(path) for path in paths]


def merge_inventory(installs: list, search: list[str], scan: bool) -> list:
    """The copies given with --install first, then every other copy the inventory finds."""
    from mkldoctor.discover import discover

    inventory = discover("/", search) if scan else discover("/", search, env={"HOME": "/nonexistent"})
    keys = {install.key for install in installs}
    for install in inventory.installs:
        if install.key not in keys and (scan or any(install.key.startswith(os.path.realpath(s)) for s in search)):
            keys.add(install.key)
            installs.append(install)
    return installs


def run_and_parse(argv: list[str], timeout: float, echo: BinaryIO | None = None):
    """Run ``argv`` with stdout and stderr together, parse them as they come; (parsed, exit status)."""
    from mkldoctor.explain import logparse

    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise UsageError(f"cannot run {argv[0]}: {exc.strerror or exc}")
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(process.pid, 9)
        except OSError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        stream = _Tee(process.stdout, echo) if echo is not None else process.stdout
        parsed = logparse.parse(stream)
    finally:
        timer.cancel()
        process.stdout.close()
    status = process.wait()
    return parsed, (None if timed_out.is_set() else status)


class _Tee:
    """A binary stream that copies what is read to another (the command's output, shown live)."""

    def __init__(self, source, copy) -> None:
        self.source, self.copy = source, copy

    def readline(self, limit: int = -1) -> bytes:
        data = self.source.readline(limit)
        if data:
            self.copy.write(data)
            self.copy.flush()
        return data


def explain(
    args: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="LOG | - | -- COMMAND...", help="LOG file, - for standard input, or -- COMMAND ARGS... to run a command and read its output."),
    ] = None,
    install: Annotated[
        Optional[list[str]],
        typer.Option("--install", "-i", help="An MKL copy to consider (prefix, lib folder or sysroot); repeatable."),
    ] = None,
    fmt: Annotated[FindingsFormat, typer.Option("--format", help="text, json, junit or github annotations.")] = FindingsFormat.text,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds before a COMMAND is killed.")] = 3600.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="With -- COMMAND: do not show its output while it runs.")] = False,
    search: Annotated[
        Optional[list[str]], typer.Option("--search", "-s", help="Also look for MKL copies in this folder (repeatable).")
    ] = None,
    scan: Annotated[bool, typer.Option("--scan/--no-scan", help="Look for every MKL on this machine (mkldoctor list).")] = True,
) -> None:
    """Explain link and load failures in a build or run log: causes, evidence and fixes.

    Reads GNU ld, gold, lld/rust-lld and mold messages, rustc/cargo's notes and linker
    command lines, make/CMake/ninja output, and run-time errors of the loader, MKL
    and OpenMP. Exit status: 0 nothing found, 1 an error finding, 2 usage error.
    """
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain as run_explain
    from mkldoctor.findings import exit_status
    from mkldoctor.output.findings import render

    args = list(args or [])
    installs = _installs(list(install or []))
    command_status = None
    ran = False
    if not args:
        raise UsageError("give a LOG file, - for standard input, or -- COMMAND ARGS...")
    if len(args) == 1 and args[0] == "-":
        parsed = logparse.parse(sys.stdin.buffer)
    elif len(args) == 1 and os.path.isfile(args[0]) and not os.access(args[0], os.X_OK):
        try:
            with open(args[0], "rb") as handle:
                parsed = logparse.parse(handle)
        except OSError as exc:
            raise UsageError(f"{args[0]}: {exc.strerror or exc}")
    elif len(args) == 1 and os.path.isdir(args[0]):
        raise UsageError(f"{args[0]}: is a folder, not a log")
    else:
        if not (os.sep in args[0] and os.access(args[0], os.X_OK)) and shutil.which(args[0]) is None:
            raise UsageError(f"{args[0]}: no such log file, and no such command")
        echo = None if quiet or fmt is not FindingsFormat.text else getattr(sys.stderr, "buffer", None)
        parsed, command_status = run_and_parse(args, timeout, echo)
        ran = True
        if command_status is None:
            sys.stderr.write(f"mkldoctor: {args[0]} ran past --timeout {timeout:g}s and was killed; its output so far is explained\n")
    if scan or search:
        installs = merge_inventory(installs, list(search or []), scan)
    findings = run_explain(parsed, installs)
    extra = {"lines": parsed.lines, "bytes": parsed.bytes}
    if ran:
        extra["command"] = {"argv": args, "exit_status": command_status}
    render(findings, fmt, extra=extra if fmt is FindingsFormat.json else None)
    raise typer.Exit(exit_status(findings))
