"""A real CPU quota for the tests: a child cgroup made here with plain file writes
(independently of mkldoctor), removed afterwards.

cgroup v1: the ``cpu`` controller's folder, ``cpu.cfs_period_us`` then ``cpu.cfs_quota_us``.
cgroup v2: a folder whose parent hands the ``cpu`` controller down (``cgroup.subtree_control``),
``cpu.max``. Where neither is writable (not root, a read-only cgroupfs) the test is skipped,
which ``MKLDOCTOR_NO_SKIP=1`` turns into a failure.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

_count = itertools.count()
PERIOD = 100000


@dataclass(frozen=True)
class Quota:
    folder: Path
    limit_file: Path  # the file the quota was written to
    stat: Path  # cpu.stat
    procs: Path  # cgroup.procs: a pid written here moves that process in

    def enter(self) -> None:
        """For subprocess's preexec_fn: move the child itself into the group."""
        with open(self.procs, "w") as handle:
            handle.write(str(os.getpid()))

    def throttled(self) -> int:
        for line in self.stat.read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "nr_throttled":
                return int(value)
        raise AssertionError(f"no nr_throttled in {self.stat}")


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, fstype, super options) of the cgroup mounts, read from mountinfo."""
    out = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if tail and tail[0] in ("cgroup", "cgroup2"):
            out.append((fields[4], tail[0], tail[2] if len(tail) > 2 else ""))
    return out


def _own(kind: str) -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if (kind == "v2" and controllers == "") or (kind == "v1" and "cpu" in controllers.split(",")):
            return path
    return "/"


@contextlib.contextmanager
def cpu_quota(cpus: float):
    name = f"mkldoctor-test-{os.getpid()}-{next(_count)}"
    made: Quota | None = None
    why = []
    for mount, fstype, options in _mounts():
        try:
            if fstype == "cgroup" and "cpu" in options.split(","):
                folder = Path(mount, _own("v1").lstrip("/"), name)
                folder.mkdir()
                (folder / "cpu.cfs_period_us").write_text(str(PERIOD))
                (folder / "cpu.cfs_quota_us").write_text(str(int(cpus * PERIOD)))
                made = Quota(folder, folder / "cpu.cfs_quota_us", folder / "cpu.stat", folder / "cgroup.procs")
            elif fstype == "cgroup2":
                parent = Path(mount, _own("v2").lstrip("/"))
                if "cpu" not in (parent / "cgroup.subtree_control").read_text().split():
                    why.append(f"{parent} does not hand down the cpu controller")
                    continue
                folder = parent / name
                folder.mkdir()
                (folder / "cpu.max").write_text(f"{int(cpus * PERIOD)} {PERIOD}")
                made = Quota(folder, folder / "cpu.max", folder / "cpu.stat", folder / "cgroup.procs")
        except OSError as exc:
            why.append(f"{mount}: {exc.strerror}")
            continue
        if made:
            break
    if made is None:
        pytest.skip(f"no writable cgroup CPU controller here ({'; '.join(why) or 'none mounted'})")
    try:
        yield made
    finally:
        removed(made.folder)


def removed(folder: Path) -> None:
    """The cgroup ``folder`` removed, once every process still in it is killed."""
    for _ in range(50):  # the last process may still be leaving
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            with contextlib.suppress(OSError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.1)
    raise AssertionError(f"the cgroup {folder} could not be removed")


def physical_cores() -> int:
    """Cores behind this process's affinity mask, as lscpu counts them: MKL's own thread count."""
    import subprocess

    out = subprocess.run(["lscpu", "-p=CPU,CORE,SOCKET"], capture_output=True, text=True, check=True).stdout
    rows = [line.split(",") for line in out.splitlines() if line and not line.startswith("#")]
    mask = os.sched_getaffinity(0)
    return len({(socket, core) for cpu, core, socket in rows if int(cpu) in mask})
