"""Where ``explain`` gets its input and how a report comes of it: a log file, standard input, or a
command run here (its output shown live and parsed as it comes), plus the MKL copies to consider.

:func:`explain_log` is the one way from a log to findings: ``explain`` takes it, and so do
``link --verify`` and ``bench`` for the failures they meet (:func:`explain_bytes`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mkldoctor.binary.archive import AR_MAGIC, THIN_MAGIC
from mkldoctor.binary.elf import ELF_MAGIC
from mkldoctor.binary.elfmap import ElfFormatError, ElfMap
from mkldoctor.errors import InputError, UsageError
from mkldoctor.explain import logparse
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.origin import Origin, decide
from mkldoctor.explain.rawlines import code_page
from mkldoctor.findings import Finding, Location, exit_status, input_path
from mkldoctor.rootfs import open_regular

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
    origin: Origin | None = None  # where the log comes from

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
        if self.origin is not None:
            extra["origin"] = self.origin.as_json()
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


def explain_log(parsed: Parsed, copies: list, *, search: list[str] | tuple[str, ...] = (), scan: bool = False,
                log: str | None = None, origin: Origin | None = None) -> list[Finding]:
    """Findings for a parsed log: the MKL copies given first, then (with ``scan``, or folders to ``search``) every
    other copy found, then the catalogue's diagnoses; ``log`` names the log file in the findings' locations. A log
    from elsewhere (``origin``, decided from the log when None) is not compared with this machine's copies: the
    inventory is not scanned (the copies given with --install and --search stay: the user named them)."""
    from mkldoctor.explain.diagnosis import explain

    origin = origin or decide(parsed)
    if (scan and origin.here) or search:
        copies = merge_inventory(list(copies), list(search), scan and origin.here)
    return explain(parsed, list(copies), log=log, origin=origin)


def explain_bytes(data: bytes, copies: list, *, scan: bool = False) -> list[Finding]:
    """:func:`explain_log` for the output of a command mkldoctor ran here (a failed build's)."""
    parsed = logparse.parse_bytes(data)
    return explain_log(parsed, copies, scan=scan, origin=decide(parsed, ran_here=True))


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


@contextlib.contextmanager
def _deferred(*signums: int) -> Iterator[list[int]]:
    """The signals said while the command starts, kept for after: a Ctrl-C that landed inside Popen (the child forked, its
    exec not yet confirmed) left no process to end, and its group ran on (seen on a loaded machine). The child starts with
    the default dispositions all the same (exec resets a caught signal's). Only the main thread sets handlers."""
    said: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield said
        return
    previous = {signum: signal.signal(signum, lambda signum, frame: said.append(signum)) for signum in signums}
    try:
        yield said
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def run_and_parse(argv: list[str], timeout: float, echo: BinaryIO | None = None):
    """Run ``argv`` with stdout and stderr together, parse them as they come: (parsed, exit status, last lines)."""
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(process.pid, 9)
        except OSError:
            pass

    # a daemon: a timer left behind would keep the interpreter from exiting until it fired
    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    try:
        with _deferred(signal.SIGINT, signal.SIGTERM) as said:
            process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
    except OSError as exc:
        raise UsageError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    try:  # from the moment the command runs: a Ctrl-C while the timer's thread starts (a wait of its own) ends it too
        if said:
            raise KeyboardInterrupt
        stream = Tee(process.stdout, echo)
        timer.start()
        parsed = logparse.parse(stream)
    except BaseException:  # Ctrl-C or SIGTERM: the command and what it started end with us
        _end_group(process)
        raise
    finally:
        timer.cancel()
        process.stdout.close()
    status = process.wait()
    tail = [line.decode("utf-8", "replace").rstrip() for line in stream.tail]
    return parsed, (None if timed_out.is_set() else status), tail


def _is_program(path: str) -> bool:
    """A file that is a program (an ELF executable, or a ``#!`` script, with its execute bit): run only when given
    after ``--``. A log file that merely has its execute bit set (as files on some mounts all do) is read; a shared
    library with it (a wheel's libmkl_rt.so.3 is executable) is no program: it is refused as an object file."""
    if not os.access(path, os.X_OK):
        return False
    try:
        with open_regular(path) as handle:
            head = handle.read(4)
        if head != ELF_MAGIC:
            return head.startswith(b"#!")
        elf = ElfMap.open(path, open_regular)
    except (OSError, ElfFormatError):
        return False
    try:
        return elf.kind == "executable"  # ET_EXEC, or a position-independent one with an interpreter
    except ElfFormatError:
        return False
    finally:
        elf.close()


def _not_program(path: str) -> None:
    """A program named without ``--`` is not run: a file named as the log is data (it may be a project's or a download's,
    with its execute bit); the user who means to run it says so."""
    if _is_program(path):
        raise InputError(path, f"a program, not a log: mkldoctor runs a command only after --: mkldoctor explain -- "
                               f"{shlex.quote(path)} (or, to read the file as text: mkldoctor explain - < {shlex.quote(path)})")


def _end_group(process: subprocess.Popen) -> None:
    """The command's process group (its own session: Ctrl-C at the terminal does not reach it) asked to
    stop, then killed after a grace period; grandchildren in the group go with it."""
    for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except OSError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; what it started may not be
            os.killpg(process.pid, 0)
        except OSError:
            return


def _command_failed(argv: list[str], status: int | None, timeout: float, tail: list[str]) -> Finding:
    said = f"was killed after --timeout {timeout:g}s" if status is None else f"exited with status {status}"
    return Finding(
        "command-failed", "error", f"{argv[0]} {said}; mkldoctor recognised no MKL cause in its output",
        (f"command: {' '.join(argv)}", f"it {said}", *(f"its last lines: {line}" if i == 0 else f"  {line}" for i, line in enumerate(tail))),
        ("read its output above: the failure is there, in a form mkldoctor has no signature for",),
        "The command failed, so this is not a clean run; none of its output matched a known failure.",
    )


def _with_command(parsed: Parsed, argv: list[str]) -> None:
    """The command explain ran is part of the evidence: a compiler or ld line is a link command of the log (its -L
    folders are on the line: a fix never adds them again), and it may be run again with a fix (:mod:`prove`)."""
    parsed.command = tuple(argv)
    command = logparse.parse_link_command(argv)
    if command is not None and command not in parsed.counts:
        parsed.counts[command] = 1
        parsed.first_line[command] = 0


_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r\x1b"  # ASCII text, tabs, line ends, terminal colours
# an object file's first bytes: its strings (MKL's own messages among them) would read as a log's errors
_OBJECT_MAGIC = ((ELF_MAGIC, "an ELF file (a library, object or program)"), (AR_MAGIC, "a static archive"),
                 (THIN_MAGIC, "a thin archive"), (b"\xcf\xfa\xed\xfe", "a Mach-O file"), (b"\xca\xfe\xba\xbe", "a Mach-O file"))


def _not_object(path: str) -> None:
    """An object file given as the log is refused before it is read: ``mkldoctor symbols`` reads it."""
    try:
        with open_regular(path) as handle:
            head = handle.read(8)
    except OSError:
        return
    what = next((said for magic, said in _OBJECT_MAGIC if head.startswith(magic)), None)
    if what:
        raise InputError(path, f"{what}, not a log: mkldoctor symbols reads its names; explain reads a build's or a "
                               "program's output")


def _controls(text: str) -> int:
    """The characters of a text that are ASCII and no text (control bytes other than a line's and a tab's)."""
    return sum(1 for ch in text if ord(ch) < 0x80 and ch.encode() not in _TEXT_BYTES)


_CJK_TEXT = re.compile(r"[\u2010-\u206f\u2500-\u257f\u3000-\u30ff\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _not_binary(path: str, head: int = 1 << 16, share: float = 0.3) -> None:
    """A file in which nothing was read is refused when it is no text (an executable, an archive, random bytes):
    "no problem found" would say that of a file that holds no log. UTF-8 beyond ASCII counts as text, and a UTF-16/32
    log carries a byte order mark."""
    try:
        with open_regular(path) as handle:
            data = handle.read(head)
    except OSError:
        return
    if not data or data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return
    text = data.decode("utf-8", "replace")
    odd = _controls(text) + text.count("\ufffd")
    page = next(filter(None, map(code_page, data.splitlines()[:256])), "") if odd > share * len(text) else ""
    if page:  # a CJK console's code page (a Chinese Windows' 936): its text is ASCII and that script's signs, and no
        cjk = data.decode(page, "replace")  # control bytes (random bytes read in 936 are mostly ideographs)
        if _controls(cjk) * 50 <= len(cjk):
            text, odd = cjk, sum(1 for ch in cjk if ord(ch) >= 0x80 and not _CJK_TEXT.match(ch))
    if odd > share * len(text):
        raise InputError(path, f"not a text log ({100 * odd // len(text)}% of its first {len(data) // 1024 or 1} KiB is not "
                               "text): give the build's or the program's output, as a file or on standard input")


def explain_input(args: list[str], *, installs: list[str], search: list[str], scan: bool, timeout: float,
                  echo: BinaryIO | None = None, stdin: BinaryIO | None = None, progress=None,
                  origin: str = "auto", command: list[str] | None = None) -> Report:
    """Read LOG, ``-`` (``stdin``) or run ``-- COMMAND...``, and explain it against the MKL copies found
    (``progress`` told each step); ``command``: the arguments that followed ``--``, which alone are ever run;
    ``origin``: ``here`` or ``elsewhere`` to say where the log comes from, ``auto`` to decide it from the log."""
    say = progress or (lambda step: None)
    if origin not in ("auto", "here", "elsewhere"):
        raise UsageError(f"--origin {origin}: give auto, here or elsewhere")
    copies = install_paths(installs)
    argv = status = log = None
    tail: list[str] = []
    if not args:
        raise UsageError("give a LOG file, - for standard input, or -- COMMAND ARGS...")
    if command is not None:  # explain -- COMMAND ARGS...: the one way a command is run
        if not command or args[len(args) - len(command):] != command:
            raise UsageError("give a LOG file, or -- COMMAND ARGS..., not both" if command else "-- with no COMMAND after it")
        if len(args) > len(command):
            raise UsageError("give a LOG file, or -- COMMAND ARGS..., not both")
        if not (os.sep in command[0] and os.access(command[0], os.X_OK)) and shutil.which(command[0]) is None:
            raise UsageError(f"{command[0]}: no such command")
        argv = list(command)
        say(f"running {argv[0]}")
        parsed, status, tail = run_and_parse(argv, timeout, echo)
        _with_command(parsed, argv)
    elif len(args) > 1:
        raise UsageError(f"one LOG file at a time; to run a command, put -- before it: mkldoctor explain -- {shlex.join(args)}")
    elif args[0] == "-":
        say("reading standard input")
        parsed = logparse.parse(stdin)
    elif os.path.isfile(args[0]):
        say(f"reading {args[0]}")
        _not_program(args[0])
        _not_object(args[0])
        try:
            with open_regular(args[0]) as handle:
                parsed = logparse.parse(handle)
        except OSError as exc:
            raise InputError(args[0], exc.strerror or str(exc)) from None
        log = input_path(args[0], os.getcwd())
        if not parsed.events:
            _not_binary(args[0])
    elif os.path.isdir(args[0]):
        raise InputError(args[0], "is a folder, not a log")
    elif os.path.exists(args[0]):
        # a FIFO or a device: a read may never end, and it is no file mkldoctor could read again
        raise InputError(args[0], "not a regular file (a FIFO, socket or device): give a log file, "
                                  "or pipe it in: ... | mkldoctor explain -")
    elif os.path.islink(args[0]):  # a link to nothing: a loop of links, or one whose target is gone (symbols' words)
        raise InputError(args[0], "symlink loop" if _loops(args[0]) else "broken symlink")
    elif shutil.which(args[0]) is not None:
        raise UsageError(f"{args[0]}: no such log file; to run the command, put -- before it: mkldoctor explain -- {args[0]}")
    else:
        raise UsageError(f"{args[0]}: no such log file")
    decided = decide(parsed, ran_here=argv is not None, forced=None if origin == "auto" else origin)
    say("looking for MKL" if scan or search else "the causes")
    findings = explain_log(parsed, copies, search=search, scan=scan, log=log, origin=decided)
    if argv is not None and status != 0 and not any(f.severity == "error" for f in findings):
        findings = [_command_failed(argv, status, timeout, tail)] + findings
    return Report(findings, parsed.lines, parsed.bytes, tuple(argv) if argv else None, status, argv is not None and status is None, log,
                  decided)


def _loops(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False
