"""Processes that tests send signals to: started as a terminal would start them, never left running.

A launcher that ignores SIGINT (``nohup cmd &``, ``( trap '' INT; cmd )``, many CI runners) hands
the ignored disposition down through fork and exec, and a Python started that way installs no
KeyboardInterrupt handler: the test's Ctrl-C would land on nothing. So the child gets the default
dispositions back before it starts, and a process group of its own, which is killed whole when
the test is done with it, passed or failed: nothing it started keeps running after the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator

RESET = (signal.SIGINT, signal.SIGTERM)


def _as_from_a_terminal() -> None:
    """preexec_fn: the default dispositions, and a process group of its own."""
    for signum in RESET:
        signal.signal(signum, signal.SIG_DFL)
    os.setpgid(0, 0)


@contextlib.contextmanager
def started(command: list[str], **popen_kwargs) -> Iterator[subprocess.Popen]:
    """``subprocess.Popen(command, ...)``; on the way out its whole process group is killed."""
    proc = subprocess.Popen(command, preexec_fn=_as_from_a_terminal, **popen_kwargs)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def ignored(pid: int) -> set[int]:
    """The signals ``pid`` ignores (SigIgn of /proc/PID/status)."""
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith("SigIgn:"):
            mask = int(line.split()[1], 16)
            return {n for n in range(1, 65) if mask & (1 << (n - 1))}
    raise AssertionError(f"no SigIgn in /proc/{pid}/status")
