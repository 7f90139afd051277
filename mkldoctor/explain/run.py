"""Where ``explain`` gets its input and how a report comes of it: a log file, standard input, or a
command run here (its output shown live and parsed as it comes), plus the MKL copies to consider.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from typing import BinaryIO

from mkldoctor.errors import InputError, UsageError
from mkldoctor.explain import logparse
from mkldoctor.findings import Finding, Location, exit_status, input_path

TAIL_LINES = 8  # the last lines of a command's output kept for a failure nothing explains


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    lines: int
    bytes: int
    argv: tuple[str, ...] | None = None  # the command run, when one was
    status: int | None = None  # its exit status; None when it was killed at the timeout
    timed_out: bool = False
    log: str | None = None  # the log file read, as findings name it

    @property
    def anchor(self) -> Location | None:
        """Where SARIF places a finding without a line of its own: the log's first line (a log file only)."""
        return Location(self.log, 1, f"{self.log}: the log explained") if self.log else None

    @property
    def exit_status(self) -> int:
        return exit_status(self.findings)

    def extra(self) -> dict:
        extra: dict = {"lines": self.lines, "bytes": self.bytes}
        if self.argv is not None:
            extra["command"] = {"argv": list(self.argv), "exit_status": self.status}
        return extra


def install_paths(paths: list[str]) -> list:
    """``--install PATH`` options -> MKL copies; a path with no MKL is a usage error."""
    from mkldoctor.inventory.locate import install_at  # the one --install resolver

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


class Tee:
    """A binary stream that copies what is read to another (the command's output, shown live) and keeps its tail."""

    def __init__(self, source, copy=None) -> None:
        self.source, self.copy = source, copy
        self.tail: deque[bytes] = deque(maxlen=TAIL_LINES)

    def readline(self, limit: int = -1) -> bytes:
        data = self.source.readline(limit)
        if data:
            if self.copy is not None:
                self.copy.write(data)
                self.copy.flush()
            if data.strip():
                self.tail.append(data[:400])
        return data


def run_and_parse(argv: list[str], timeout: float, echo: BinaryIO | None = None):
    """Run ``argv`` with stdout and stderr together, parse them as they come: (parsed, exit status, last lines)."""
    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise UsageError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(process.pid, 9)
        except OSError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    stream = Tee(process.stdout, echo)
    try:
        parsed = logparse.parse(stream)
    finally:
        timer.cancel()
        process.stdout.close()
    status = process.wait()
    tail = [line.decode("utf-8", "replace").rstrip() for line in stream.tail]
    return parsed, (None if timed_out.is_set() else status), tail


def _command_failed(argv: list[str], status: int | None, timeout: float, tail: list[str]) -> Finding:
    said = f"was killed after --timeout {timeout:g}s" if status is None else f"exited with status {status}"
    return Finding(
        "command-failed", "error", f"{argv[0]} {said}; mkldoctor recognised no MKL cause in its output",
        (f"command: {' '.join(argv)}", f"it {said}", *(f"its last lines: {line}" if i == 0 else f"  {line}" for i, line in enumerate(tail))),
        ("read its output above: the failure is there, in a form mkldoctor has no signature for",),
        "The command failed, so this is not a clean run; none of its output matched a known failure.",
    )


def explain_input(args: list[str], *, installs: list[str], search: list[str], scan: bool, timeout: float,
                  echo: BinaryIO | None = None, stdin: BinaryIO | None = None) -> Report:
    """Read LOG, ``-`` (``stdin``) or run ``-- COMMAND...``, and explain it against the MKL copies found."""
    from mkldoctor.explain.diagnosis import explain

    copies = install_paths(installs)
    argv = status = log = None
    tail: list[str] = []
    if not args:
        raise UsageError("give a LOG file, - for standard input, or -- COMMAND ARGS...")
    if len(args) == 1 and args[0] == "-":
        parsed = logparse.parse(stdin)
    elif len(args) == 1 and os.path.isfile(args[0]) and not os.access(args[0], os.X_OK):
        try:
            with open(args[0], "rb") as handle:
                parsed = logparse.parse(handle)
        except OSError as exc:
            raise InputError(args[0], exc.strerror or str(exc)) from None
        log = input_path(args[0], os.getcwd())
    elif len(args) == 1 and os.path.isdir(args[0]):
        raise InputError(args[0], "is a folder, not a log")
    else:
        if not (os.sep in args[0] and os.access(args[0], os.X_OK)) and shutil.which(args[0]) is None:
            raise UsageError(f"{args[0]}: no such log file, and no such command")
        argv = list(args)
        parsed, status, tail = run_and_parse(argv, timeout, echo)
    if scan or search:
        copies = merge_inventory(copies, search, scan)
    findings = explain(parsed, copies, log=log)
    if argv is not None and status != 0 and not any(f.severity == "error" for f in findings):
        findings = [_command_failed(argv, status, timeout, tail)] + findings
    return Report(findings, parsed.lines, parsed.bytes, tuple(argv) if argv else None, status, argv is not None and status is None, log)
