"""Ctrl-C on a command: a real SIGINT to a real mkldoctor process blocked in its own work.

Each command below waits on something the test holds (a pipe on standard input, a command that
sleeps), so the signal arrives inside the command, not while the modules load. (``symbols`` used to
wait on a FIFO here; it now refuses one at once: tests/test_bad_input.py.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
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


def _started_at(pid: int) -> str | None:
    """The process's start time (/proc's field 22, in clock ticks since boot): tells it from a later one given its PID."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(pid: int, started: str | None = None) -> bool:
    """The process exists and is not a zombie (a container's PID 1 may never reap an orphan), and, when ``started`` is
    given, is the one that started then: a busy machine may give its PID to a new process once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and (started is None or fields[19] == started)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_explain_command_ends_with_its_process_group(tmp_path, signum):
    """``explain -- CMD``: CMD runs in its own session (a terminal's Ctrl-C does not reach it) and starts a
    grandchild; interrupting mkldoctor ends both."""
    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $$ $! > {pids}.tmp; mv {pids}.tmp {pids}; wait"
    child = grandchild = None
    with _started(["explain", "--no-scan", "--", "sh", "-c", script]) as proc:
        try:
            deadline = time.monotonic() + 120
            while not pids.exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert pids.exists(), proc.poll()
            child, grandchild = map(int, pids.read_text().split())
            assert _alive(child) and _alive(grandchild)
            starts = {pid: _started_at(pid) for pid in (child, grandchild)}
            if signum == signal.SIGINT:
                _interrupted(proc)
            else:
                proc.send_signal(signum)
                out, err = proc.communicate(timeout=60)
                assert (proc.returncode, err.splitlines()[-1]) == (130, "mkldoctor: interrupted"), err
            deadline = time.monotonic() + 30
            while (_alive(child, starts[child]) or _alive(grandchild, starts[grandchild])) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _alive(child, starts[child]) and not _alive(grandchild, starts[grandchild])
        finally:  # the command has a session of its own: the test's clean-up of mkldoctor's group misses it
            for pid in (child, grandchild):
                with contextlib.suppress(OSError, TypeError):
                    os.kill(pid, signal.SIGKILL)


def _group_alive(pgid: int) -> list[int]:
    """The processes of group ``pgid`` that are not zombies (/proc's field 5 is the group)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[2] == str(pgid) and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def test_ctrl_c_while_the_command_starts_still_ends_it(monkeypatch):
    """The window the loaded machine found: Ctrl-C inside Popen (the child forked and running, Popen not yet returned)
    raised there, before mkldoctor held the process, and its group ran on; a timer's thread started after it kept the
    interpreter alive. The signal now waits for Popen to return, then ends the command as any Ctrl-C does."""
    from mkldoctor.explain import run

    real, started = subprocess.Popen, []

    def popen(*args, **kwargs):
        process = real(*args, **kwargs)
        started.append(process.pid)
        os.kill(os.getpid(), signal.SIGINT)  # said while Popen has not returned yet
        time.sleep(0.2)  # a Python handler runs between bytecodes: it has run by now
        return process

    monkeypatch.setattr(run.subprocess, "Popen", popen)
    before = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(KeyboardInterrupt):
            run.run_and_parse(["sh", "-c", "sleep 300 & wait"], timeout=600)
        assert signal.getsignal(signal.SIGINT) is before  # the handlers put back
        deadline = time.monotonic() + 30
        while _group_alive(started[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started and not _group_alive(started[0])
        assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    finally:
        with contextlib.suppress(OSError, IndexError):
            os.killpg(started[0], signal.SIGKILL)
