"""Running the reference program: its environment (thread counts), its quota group, and the JSON
events it prints (timings, peaks), read strictly."""

from __future__ import annotations

import json
import os
import subprocess

from mkldoctor.bench.cgroup import QuotaGroup
from mkldoctor.bench.errors import RunError
from mkldoctor.bench.results import Peak, Throttling, Timing

RUN_TIMEOUT = 900

_THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "MKL_DOMAIN_NUM_THREADS", "MKL_DYNAMIC", "OMP_DYNAMIC")


def run_program(binary: str, args: list[str], threads: int = 1, group: QuotaGroup | None = None) -> list[dict]:
    """Run ``binary`` (inside ``group`` when given) and return its JSON events; :class:`RunError`
    with its last words. ``threads`` 0: none of the thread-count variables reach it."""
    env = {k: v for k, v in os.environ.items() if k not in _THREAD_ENV}
    if threads:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [binary, *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, errors="replace", env=env, timeout=RUN_TIMEOUT,
                              preexec_fn=group.enter if group else None)
    except subprocess.TimeoutExpired:
        raise RunError(f"{binary}: no answer after {RUN_TIMEOUT} s") from None
    except OSError as exc:
        raise RunError(f"{binary}: {exc.strerror}") from None
    except subprocess.SubprocessError as exc:  # preexec_fn failed: the cgroup went away
        raise RunError(f"{binary}: could not start it inside {group.folder if group else 'its cgroup'}: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        last = lines[-1].strip() if lines else f"exit status {done.returncode}"
        if done.returncode < 0:
            last = f"killed by signal {-done.returncode}" + (f" ({last})" if lines else "")
        raise RunError(f"{os.path.basename(binary)} {' '.join(args[:2])}...: {last}")
    events = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue  # MKL prints its own warnings on stdout
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise RunError(f"{os.path.basename(binary)}: unreadable output line {line[:80]!r}: {exc}") from None
    return events


def read_timing(events: list[dict], event: str, **match) -> Timing | None:
    for e in events:
        if e.get("event") == event and all(e.get(k) == v for k, v in match.items()):
            ms = e.get("ms")
            if isinstance(ms, list) and ms and all(isinstance(v, (int, float)) and v > 0 for v in ms):
                return Timing(tuple(float(v) for v in ms),
                              Throttling.between(e.get("cpu_stat_before"), e.get("cpu_stat_after")))
            raise RunError(f"bad {event} event: {e}")
    return None


def read_peaks(events: list[dict]) -> tuple[Peak, ...]:
    out = []
    for e in events:
        if e.get("event") == "peak":
            timing = read_timing([e], "peak")
            if timing:
                out.append(Peak(str(e.get("routine")), int(e.get("n", 0)), timing))
    return tuple(out)
