"""How much CPU this process may use, and how many threads MKL will start by itself there.

The one reader of that fact, for ``check``, ``bench`` and ``list``. The budget is the
tightest of:

- cgroup v2 ``cpu.max`` ("QUOTA PERIOD" or "max PERIOD") in the process's own cgroup and
  every ancestor (a limit anywhere up the tree applies);
- cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us`` along the ``cpu`` controller's
  path, likewise;
- the affinity mask (only for this machine, not under ``--root``).

The cgroup folders come from ``/proc/self/mountinfo`` (hybrid machines mount v2 at
``/sys/fs/cgroup/unified``, v1 controllers at ``/sys/fs/cgroup/cpu`` or ``cpu,cpuacct``),
the process's place in them from ``/proc/self/cgroup``; under ``--root`` both are read
inside that tree (through :class:`~mkldoctor.rootfs.RootFS`: a link never leads to the
host's files), and without them the usual layout under ``sys/fs/cgroup`` is assumed.

MKL ignores cgroup quotas: with no ``mkl_set_num_threads`` and no ``MKL_NUM_THREADS`` /
``OMP_NUM_THREADS`` it starts one thread per physical core in the affinity mask, so a
one-CPU container on a many-core host runs many threads that the quota then throttles.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from mkldoctor.rootfs import RootFS


@dataclass(frozen=True, slots=True)
class CgroupLimit:
    """One cgroup CPU limit: how many CPUs, the file that says so and what it says."""

    cpus: float
    source: str  # cpu.max, or the v1 cpu.cfs_quota_us
    text: str  # "cpu.max 100000 100000", "cpu.cfs_quota_us 50000 / cpu.cfs_period_us 100000"
    version: int  # 1 or 2

    @property
    def cpu_stat(self) -> str:
        """The ``cpu.stat`` where the throttling this limit causes is counted."""
        return os.path.join(os.path.dirname(self.source), "cpu.stat")


@dataclass(frozen=True, slots=True)
class CpuBudget:
    affinity: int | None  # CPUs in the affinity mask; None when not known (under --root)
    limit: CgroupLimit | None  # the tightest cgroup quota, None when there is none
    mkl_threads: int | None  # threads MKL starts by itself here; None when not known
    mkl_threads_why: str
    made_for_run: bool = False  # a quota ``bench --cpus`` made, not one the machine has

    @property
    def quota(self) -> float | None:
        return self.limit.cpus if self.limit else None

    @property
    def cpus(self) -> float | None:
        """The CPUs this process may keep busy: the smaller of the quota and the affinity mask."""
        values = [v for v in (self.quota, self.affinity) if v is not None]
        return min(values) if values else None

    @property
    def allowed(self) -> int:
        """Threads that do not wait for each other: the budget rounded up, at least one."""
        return max(1, math.ceil(self.cpus - 1e-9)) if self.cpus is not None else 1

    @property
    def oversubscribed(self) -> bool:
        """MKL, left alone, starts more threads than the quota gives CPUs."""
        return self.quota is not None and self.mkl_threads is not None and self.mkl_threads > self.quota + 1e-9

    def describe(self) -> str:
        parts = []
        if self.affinity is not None:
            parts.append(f"{self.affinity} CPU{'s' if self.affinity != 1 else ''} in the affinity mask")
        if self.limit is not None:
            made = "made for this run: " if self.made_for_run else ""
            parts.append(f"cgroup quota {self.limit.cpus:g} CPU{'s' if self.limit.cpus != 1 else ''} "
                         f"({made}{self.limit.text} in {self.limit.source})")
        else:
            parts.append("no cgroup CPU quota")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return {
            "cpus": self.cpus,
            "allowed_threads": self.allowed,
            "affinity_cpus": self.affinity,
            "quota_cpus": self.quota,
            "quota_source": self.limit.source if self.limit else None,
            "quota_text": self.limit.text if self.limit else None,
            "quota_made_for_run": self.made_for_run,
            "mkl_default_threads": self.mkl_threads,
            "mkl_default_threads_why": self.mkl_threads_why,
        }


def _root(root: str) -> RootFS | None:
    try:
        return RootFS(root)
    except OSError:  # no such folder: nothing to read in it
        return None


def _read(fs: RootFS | None, path: str, limit: int = 1 << 16) -> str | None:
    """The text of ``path`` (absolute inside the root), None when it cannot be read there."""
    if fs is None:
        return None
    try:
        with fs.open_in_root(path) as handle:
            return handle.read(limit).decode("utf-8", "replace")
    except OSError:
        return None


# -- where the cgroup hierarchies are, and where this process sits in them ------------------


@dataclass(frozen=True, slots=True)
class Hierarchy:
    mount: str  # the folder, as a path inside --root
    mount_root: str  # the part of the hierarchy that folder shows ("/" unless bind-mounted deeper)
    version: int


def hierarchies(root: str = "/") -> tuple[list[Hierarchy], list[Hierarchy]]:
    """(v2 mounts, v1 mounts of the ``cpu`` controller), from mountinfo or the usual layout."""
    fs = _root(root)
    v2: list[Hierarchy] = []
    v1: list[Hierarchy] = []
    text = _read(fs, "/proc/self/mountinfo", 1 << 20)
    for line in (text or "").splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or len(tail) < 3:
            continue
        mount = fields[4].replace("\\040", " ")
        if tail[0] == "cgroup2":
            v2.append(Hierarchy(mount, fields[3], 2))
        elif tail[0] == "cgroup" and "cpu" in tail[2].split(","):
            v1.append(Hierarchy(mount, fields[3], 1))
    if text is None and fs is not None:
        base = "/sys/fs/cgroup"
        v2 = [Hierarchy(p, "/", 2) for p in (base, os.path.join(base, "unified")) if fs.isdir(p)]
        v1 = [Hierarchy(os.path.join(base, n), "/", 1) for n in ("cpu", "cpu,cpuacct", "cpuacct,cpu")
              if fs.isdir(os.path.join(base, n))]
    return v2, v1


def cgroup_paths(text: str) -> tuple[str | None, str | None]:
    """(v2 path, v1 ``cpu`` controller path) from the text of /proc/PID/cgroup."""
    v2 = v1 = None
    for line in text.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    return v2, v1


def folder_of(hierarchy: Hierarchy, path: str) -> str:
    """The folder of cgroup ``path`` inside a mounted hierarchy."""
    base = hierarchy.mount_root.rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):]
    return os.path.join(hierarchy.mount, *[p for p in path.split("/") if p])


def _up(folder: str, top: str) -> list[str]:
    """folder, its parent, ... up to and with ``top``: a limit anywhere up the tree applies."""
    out = [folder]
    while folder != top and folder.startswith(top.rstrip("/") + "/"):
        folder = os.path.dirname(folder)
        out.append(folder)
    return out


def _v2_limit(fs: RootFS | None, folder: str) -> CgroupLimit | None:
    path = os.path.join(folder, "cpu.max")
    fields = (_read(fs, path, 256) or "").split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    if quota <= 0 or period <= 0:
        return None
    return CgroupLimit(quota / period, fs.host(path), f"cpu.max {quota} {period}", 2)


def _v1_limit(fs: RootFS | None, folder: str) -> CgroupLimit | None:
    quota_path = os.path.join(folder, "cpu.cfs_quota_us")
    try:
        quota = int((_read(fs, quota_path, 64) or "").strip())
        period = int((_read(fs, os.path.join(folder, "cpu.cfs_period_us"), 64) or "").strip())
    except ValueError:
        return None
    if quota <= 0 or period <= 0:
        return None
    text = f"cpu.cfs_quota_us {quota} / cpu.cfs_period_us {period}"
    return CgroupLimit(quota / period, fs.host(quota_path), text, 1)


def cgroup_limit(root: str = "/", proc_cgroup: str | None = None) -> CgroupLimit | None:
    """The tightest cgroup CPU limit on this process's path (``proc_cgroup``: the text of
    /proc/self/cgroup; read inside ``root`` when not given, "/" when absent there)."""
    fs = _root(root)
    if proc_cgroup is None:
        proc_cgroup = _read(fs, "/proc/self/cgroup") or "0::/\n"
    v2_path, v1_path = cgroup_paths(proc_cgroup)
    v2_mounts, v1_mounts = hierarchies(root)
    found: list[CgroupLimit] = []
    for mounts, path, read in ((v2_mounts, v2_path, _v2_limit), (v1_mounts, v1_path, _v1_limit)):
        if path is None:
            continue
        for hierarchy in mounts:
            for folder in _up(folder_of(hierarchy, path), hierarchy.mount):
                limit = read(fs, folder)
                if limit is not None:
                    found.append(limit)
    return min(found, key=lambda limit: limit.cpus, default=None)


# -- the CPUs and the cores behind them ----------------------------------------------------------


def _affinity() -> set[int] | None:
    try:
        return set(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None


def _cpu_list(text: str) -> set[int]:
    """"0-3,8,10-11" -> {0, 1, 2, 3, 8, 10, 11}."""
    out: set[int] = set()
    for part in text.strip().split(","):
        first, _, last = part.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            out.update(range(int(first), int(last or first) + 1))
    return out


def cores(root: str = "/", cpus: set[int] | None = None) -> tuple[int | None, str]:
    """Physical cores among ``cpus`` (all online CPUs when None): the sysfs topology, else
    /proc/cpuinfo's ``physical id`` and ``core id``; (None, why) when neither is readable."""
    fs = _root(root)
    sysfs = "/sys/devices/system/cpu"
    if cpus is None:
        online = _read(fs, os.path.join(sysfs, "online"), 4096)
        cpus = _cpu_list(online) if online else None
    keys: set[tuple[str, str]] = set()
    if cpus:
        for cpu in cpus:
            topo = os.path.join(sysfs, f"cpu{cpu}", "topology")
            core = _read(fs, os.path.join(topo, "core_id"), 64)
            package = _read(fs, os.path.join(topo, "physical_package_id"), 64)
            if core is None or package is None:
                keys.clear()
                break
            keys.add((package.strip(), core.strip()))
        if keys:
            return len(keys), f"{fs.host(sysfs)}/cpu*/topology"
    text = _read(fs, "/proc/cpuinfo", 1 << 22)
    if not text:
        return None, "no CPU topology readable"
    processor: int | None = None
    package = core = ""
    seen: set[tuple[str, str]] = set()
    plain: set[int] = set()
    for line in text.splitlines() + [""]:
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "processor" and value.isdigit():
            processor = int(value)
        elif key == "physical id":
            package = value
        elif key == "core id":
            core = value
        elif not line.strip() and processor is not None:
            if cpus is None or processor in cpus:
                plain.add(processor)
                seen.add((package, core or str(processor)))
            processor, package, core = None, "", ""
    if not plain:
        return None, "no CPU topology readable"
    return len(seen), fs.host("/proc/cpuinfo")


def read_budget(root: str = "/", proc_cgroup: str | None = None) -> CpuBudget:
    """The CPU budget of this process (``root`` "/") or of a process in the tree at ``root``."""
    limit = cgroup_limit(root, proc_cgroup)
    mask = _affinity() if root == "/" else None
    count, source = cores(root, mask)
    if count is None:
        why = f"MKL starts one thread per physical core of the machine it runs on ({source} here)"
    else:
        where = "in the affinity mask" if mask is not None else "on this machine"
        why = (f"{count} physical core{'s' if count != 1 else ''} {where} ({source}); MKL starts one thread per core "
               "and does not read cgroup quotas")
    return CpuBudget(len(mask) if mask is not None else None, limit, count, why)
