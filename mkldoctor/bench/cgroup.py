"""``bench --cpus N``: a CPU quota of N made for the run, the way a container gets one.

A child cgroup next to this process: cgroup v2 ``cpu.max`` where the process's own cgroup
hands the ``cpu`` controller down, else cgroup v1 ``cpu.cfs_quota_us`` in the ``cpu``
controller's folder, else (where systemd runs) a transient ``systemd-run --scope`` unit with
``CPUQuota=``. The programs the benchmark runs are moved into it (their pid written to
``cgroup.procs`` before they exec); its ``cpu.stat`` counts the periods the quota throttled.
The group gets the largest CPU weight (v1 ``cpu.shares``, v2 ``cpu.weight``): a one-vCPU
instance runs nothing else, so the programs should meet their quota, not the rest of this
machine's load. The group is removed afterwards, on errors and Ctrl-C too. mkldoctor changes
nothing else: no controller is enabled, no existing cgroup is written to.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from mkldoctor.bench.errors import BenchUsageError
from mkldoctor.discover.cpubudget import CgroupLimit, cgroup_paths, folder_of, hierarchies

PERIOD_US = 100_000  # the kernel's and docker's default period
V1_SHARES = 262144  # the largest cpu.shares (default 1024)
V2_WEIGHT = 10000  # the largest cpu.weight (default 100)


class NoCgroupError(BenchUsageError):
    """No cgroup can be made here: not root, a read-only cgroupfs, no cpu controller."""


@dataclass(frozen=True, slots=True)
class QuotaGroup:
    folder: str
    limit: CgroupLimit
    how: str  # "a child cgroup (v1)", "a systemd scope"

    @property
    def procs(self) -> str:
        return os.path.join(self.folder, "cgroup.procs")

    def enter(self) -> None:
        """Called in the child between fork and exec (``preexec_fn``): move it in."""
        with open(self.procs, "w") as handle:
            handle.write(str(os.getpid()))


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def parse_cpus(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        cpus = float(text)
    except ValueError:
        cpus = -1.0
    if not 0.01 <= cpus <= 4096 or cpus != cpus:
        raise BenchUsageError(f"--cpus: {text!r} is not a CPU count (0.5, 1, 2, ...)")
    return cpus


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _own_paths() -> tuple[str | None, str | None]:
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            return cgroup_paths(handle.read())
    except OSError:
        return None, None


def _make_v2(parent: str, name: str, quota: int) -> QuotaGroup:
    try:
        with open(os.path.join(parent, "cgroup.subtree_control"), encoding="ascii") as handle:
            controllers = handle.read().split()
    except OSError as exc:
        raise OSError(exc.errno, f"{parent}: {exc.strerror}") from None
    if "cpu" not in controllers:
        raise OSError(0, "the cpu controller is not handed down (cgroup.subtree_control)")
    folder = os.path.join(parent, name)
    os.mkdir(folder)
    try:
        _write(os.path.join(folder, "cpu.max"), f"{quota} {PERIOD_US}")
        _write(os.path.join(folder, "cpu.weight"), str(V2_WEIGHT))
    except OSError:
        os.rmdir(folder)
        raise
    path = os.path.join(folder, "cpu.max")
    return QuotaGroup(folder, CgroupLimit(quota / PERIOD_US, path, f"cpu.max {quota} {PERIOD_US}", 2),
                      "a child cgroup (v2)")


def _make_v1(parent: str, name: str, quota: int) -> QuotaGroup:
    folder = os.path.join(parent, name)
    os.mkdir(folder)
    try:
        _write(os.path.join(folder, "cpu.cfs_period_us"), str(PERIOD_US))
        _write(os.path.join(folder, "cpu.cfs_quota_us"), str(quota))
        _write(os.path.join(folder, "cpu.shares"), str(V1_SHARES))
    except OSError:
        os.rmdir(folder)
        raise
    path = os.path.join(folder, "cpu.cfs_quota_us")
    return QuotaGroup(folder, CgroupLimit(quota / PERIOD_US, path,
                                          f"cpu.cfs_quota_us {quota} / cpu.cfs_period_us {PERIOD_US}", 1),
                      "a child cgroup (v1)")


def _remove(folder: str) -> None:
    """rmdir once the last process has left; stragglers (an interrupted run) are killed."""
    for _ in range(50):
        try:
            os.rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            try:
                with open(os.path.join(folder, "cgroup.procs"), encoding="ascii") as handle:
                    pids = [int(p) for p in handle.read().split()]
            except (OSError, ValueError):
                pids = []
            for pid in pids:
                if pid != os.getpid():
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)


def _systemd_scope(name: str, cpus: float) -> tuple[subprocess.Popen, QuotaGroup]:
    """A transient scope holding one ``sleep``: systemd makes the cgroup and sets its quota."""
    holder = subprocess.Popen(
        ["systemd-run", "--scope", "--quiet", "--collect", f"--unit={name}", "-p", f"CPUQuota={cpus * 100:g}%",
         "-p", f"CPUWeight={V2_WEIGHT}",
         "sleep", "infinity"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    v2_mounts, v1_mounts = hierarchies("/")
    while time.monotonic() < deadline:
        if holder.poll() is not None:
            raise OSError(0, f"systemd-run: {(holder.stderr.read() if holder.stderr else '').strip() or 'failed'}")
        try:
            with open(f"/proc/{holder.pid}/cgroup", encoding="utf-8") as handle:
                v2, v1 = cgroup_paths(handle.read())
        except OSError:
            v2 = v1 = None
        for mounts, path, stat in ((v2_mounts, v2, "cpu.max"), (v1_mounts, v1, "cpu.cfs_quota_us")):
            if path and path.rstrip("/").endswith(f"/{name}.scope"):
                for hierarchy in mounts:
                    folder = folder_of(hierarchy, path)
                    if os.path.exists(os.path.join(folder, stat)):
                        limit = CgroupLimit(cpus, os.path.join(folder, stat), f"systemd CPUQuota={cpus * 100:g}%",
                                            hierarchy.version)
                        return holder, QuotaGroup(folder, limit, "a systemd scope")
        time.sleep(0.05)
    holder.kill()
    raise OSError(0, "systemd-run: the scope's cgroup did not appear")


@contextlib.contextmanager
def made_quota(cpus: float) -> Iterator[QuotaGroup]:
    """A cgroup with a quota of ``cpus`` for the run's programs; :class:`NoCgroupError` where
    none can be made. Removed on the way out, however that happens."""
    name = f"mkldoctor-bench-{os.getpid()}"
    quota = max(1000, round(cpus * PERIOD_US))
    v2_path, v1_path = _own_paths()
    v2_mounts, v1_mounts = hierarchies("/")
    tried: list[str] = []
    group: QuotaGroup | None = None
    holder: subprocess.Popen | None = None
    attempts = [(_make_v2, folder_of(h, v2_path)) for h in v2_mounts if v2_path is not None]
    attempts += [(_make_v1, folder_of(h, v1_path)) for h in v1_mounts if v1_path is not None]
    for make, parent in attempts:
        try:
            group = make(parent, name, quota)
            break
        except OSError as exc:
            tried.append(f"{parent}: {exc.strerror or exc}")
    if group is None and os.path.isdir("/run/systemd/system") and shutil.which("systemd-run"):
        try:
            holder, group = _systemd_scope(name, cpus)
        except OSError as exc:
            tried.append(str(exc.strerror or exc))
    if group is None:
        raise NoCgroupError(
            f"bench --cpus {cpus:g}: no cgroup with a CPU quota can be made here "
            f"({'; '.join(tried) or 'no cgroup cpu controller'}); "
            f"run it as root, or get the same quota with docker run --cpus {cpus:g} ... mkldoctor bench"
        )
    # SIGTERM (a CI job cancelled, kill) unwinds like Ctrl-C, so the group is removed then too
    terminate = None
    if threading.current_thread() is threading.main_thread():
        terminate = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield group
    finally:
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)
        if holder is not None:
            holder.kill()
            holder.wait()
        if group.how != "a systemd scope":
            _remove(group.folder)
