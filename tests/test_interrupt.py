"""Ctrl-C on a command: a real SIGINT to a real mkldoctor process blocked in its own work.

Each command below waits on something the test holds (a FIFO with no data yet, a pipe on
standard input), so the signal arrives inside the command, not while the modules load.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from children import started

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def _started(args: list[str], **kwargs) -> Iterator[subprocess.Popen]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with started([sys.executable, "-m", "mkldoctor", *args], env=env, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True, **kwargs) as proc:
        yield proc


def _interrupted(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, "mkldoctor: interrupted\n"), (proc.returncode, err)
    assert out == ""


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the syscall number of read is x86-64's")
def test_symbols_reading_a_fifo(tmp_path):
    """symbols opens the FIFO for reading: the test's writer end opens only once it has, then sends nothing."""
    fifo = tmp_path / "lib.a"
    os.mkfifo(fifo)
    with _started(["symbols", str(fifo)]) as proc:
        writer = None
        deadline = time.monotonic() + 120
        while writer is None and proc.poll() is None and time.monotonic() < deadline:
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                    raise
                time.sleep(0.02)
        assert writer is not None, f"mkldoctor never opened the FIFO: {proc.poll()} {proc.stderr.read() if proc.poll() is not None else ''}"
        try:
            # Python runs its SIGINT handler between bytecodes: a signal that lands after the last check and
            # before the read() starts waits for that read to return. Send it once the read is under way.
            while not _reading(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _reading(proc.pid), "symbols never blocked reading the FIFO"
            _interrupted(proc)
        finally:
            os.close(writer)


def _reading(pid: int, fd: int | None = None) -> bool:
    """The process sits in read(): /proc/PID/syscall says syscall 0 (x86-64 read), on ``fd`` if given."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    return fields[:1] == ["0"] and (fd is None or fields[1:2] == [hex(fd)])


def _reading_stdin(pid: int) -> bool:
    return _reading(pid, 0)


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="the syscall number of read is x86-64's")
def test_explain_reading_standard_input():
    read_end, write_end = os.pipe()
    try:
        with _started(["explain", "--no-scan", "-"], stdin=read_end) as proc:
            deadline = time.monotonic() + 120
            while not _reading_stdin(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _reading_stdin(proc.pid), "explain never read its standard input"
            _interrupted(proc)
    finally:
        os.close(read_end)
        os.close(write_end)
