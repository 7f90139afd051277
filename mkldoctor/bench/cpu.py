"""How busy the other processes keep this machine's CPUs around a timing.

The CPU budget itself (quota, affinity, MKL's own thread count) is read by
:mod:`mkldoctor.discover.cpubudget`; the CPU's model and flags by
:mod:`mkldoctor.discover.cpuinfo`.
"""

from __future__ import annotations

import os
import time


def _cpu_times() -> tuple[int, int] | None:
    try:
        with open("/proc/stat", encoding="ascii", errors="replace") as handle:
            text = handle.readline()
    except OSError:
        return None
    if not text.startswith("cpu "):
        return None
    fields = [int(v) for v in text.split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]), idle


def busy_cpus(seconds: float = 0.25) -> float | None:
    """How many CPUs others kept busy over ``seconds`` while this process slept."""
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
