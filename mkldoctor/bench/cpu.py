"""How many CPUs this process may use, and what the CPU can do.

The thread count a benchmark may use is the smaller of the affinity mask
(``os.sched_getaffinity``) and the cgroup CPU quota (v2 ``cpu.max``, v1
``cpu.cfs_quota_us``/``cpu.cfs_period_us``), rounded up: running more threads than
that measures the scheduler, not MKL.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

CGROUP_ROOT = "/sys/fs/cgroup"


@dataclass(frozen=True, slots=True)
class CpuQuota:
    allowed: int  # threads worth running
    affinity: int  # CPUs in the affinity mask
    quota: float | None  # cgroup limit in CPUs, None when unlimited or unknown
    quota_source: str | None  # the file that said so

    def describe(self) -> str:
        text = f"{self.affinity} CPU{'s' if self.affinity != 1 else ''} in the affinity mask"
        if self.quota is not None:
            text += f", cgroup quota {self.quota:g} CPUs ({self.quota_source})"
        else:
            text += ", no cgroup CPU quota"
        return text


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read(4096).strip()
    except OSError:
        return None


def _cgroup_paths(proc_cgroup: str) -> tuple[str | None, str | None]:
    """(v2 path, v1 cpu controller path) from /proc/self/cgroup."""
    v2 = v1 = None
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    return v2, v1


def _ancestors(root: str, path: str) -> list[str]:
    """root/a/b/c, root/a/b, root/a, root: a limit anywhere up the tree applies."""
    parts = [p for p in path.split("/") if p]
    out = [os.path.join(root, *parts[:i]) for i in range(len(parts), 0, -1)]
    out.append(root)
    return out


def cgroup_quota(root: str = CGROUP_ROOT, proc_cgroup: str | None = None) -> tuple[float | None, str | None]:
    """The tightest cgroup CPU limit in CPUs, and the file it came from."""
    if proc_cgroup is None:
        proc_cgroup = _read("/proc/self/cgroup") or ""
    v2, v1 = _cgroup_paths(proc_cgroup)
    best: tuple[float | None, str | None] = (None, None)

    def consider(value: float, source: str) -> None:
        nonlocal best
        if value > 0 and (best[0] is None or value < best[0]):
            best = (value, source)

    if v2 is not None:
        for folder in _ancestors(root, v2):
            path = os.path.join(folder, "cpu.max")
            text = _read(path)
            if text:
                fields = text.split()
                if len(fields) == 2 and fields[0] != "max":
                    try:
                        consider(int(fields[0]) / int(fields[1]), path)
                    except (ValueError, ZeroDivisionError):
                        pass
    if v1 is not None:
        for controller in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
            base = os.path.join(root, controller)
            if not os.path.isdir(base):
                continue
            for folder in _ancestors(base, v1):
                quota = _read(os.path.join(folder, "cpu.cfs_quota_us"))
                period = _read(os.path.join(folder, "cpu.cfs_period_us"))
                try:
                    if quota and period and int(quota) > 0:
                        consider(int(quota) / int(period), os.path.join(folder, "cpu.cfs_quota_us"))
                except (ValueError, ZeroDivisionError):
                    pass
    return best


def cpu_quota() -> CpuQuota:
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = os.cpu_count() or 1
    quota, source = cgroup_quota()
    allowed = affinity if quota is None else max(1, min(affinity, math.ceil(quota - 1e-9)))
    return CpuQuota(allowed, affinity, quota, source)


@dataclass(frozen=True, slots=True)
class CpuInfo:
    model: str
    flags: frozenset[str]

    @property
    def isa(self) -> str:
        for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"), ("sse4_2", "SSE4.2")):
            if flag in self.flags:
                return name
        return "baseline x86-64" if self.flags else "unknown"

    @property
    def fast_f16(self) -> bool:
        """Hardware that multiplies halves natively (AVX512-FP16, AMX-FP16)."""
        return bool({"avx512_fp16", "amx_fp16"} & self.flags)

    @property
    def amx(self) -> bool:
        return any(f.startswith("amx") for f in self.flags)


def cpu_info(path: str = "/proc/cpuinfo") -> CpuInfo:
    model, flags = "unknown", frozenset()
    text = _read_all(path)
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown":
            model = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
        if model != "unknown" and flags:
            break
    return CpuInfo(model, flags)


def _read_all(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(1 << 20)
    except OSError:
        return ""


def _cpu_times() -> tuple[int, int] | None:
    text = _read("/proc/stat")
    if not text or not text.startswith("cpu "):
        return None
    fields = [int(v) for v in text.splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]), idle


def busy_cpus(seconds: float = 0.25) -> float | None:
    """How many CPUs others kept busy over ``seconds`` while this process slept."""
    import time

    before = _cpu_times()
    if before is None:
        return None
    time.sleep(seconds)
    after = _cpu_times()
    if after is None or after[0] <= before[0]:
        return None
    total, idle = after[0] - before[0], after[1] - before[1]
    cpus = os.cpu_count() or 1
    return cpus * (total - idle) / total
