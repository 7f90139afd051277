"""Plain, frozen records of what ``mkldoctor bench`` built, checked and timed.

The renderers and the JSON document read these; nothing here runs anything.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from mkldoctor.bench.model import BertShape, ModelSource
from mkldoctor.discover.cpubudget import CpuBudget
from mkldoctor.discover.cpuinfo import CpuInfo


@dataclass(frozen=True, slots=True)
class Config:
    """One cell of the matrix: an install linked one way, run one way."""

    install: str  # inventory.install.label: "MKL 2026.2 in /opt/venv/lib"
    install_root: str
    version: str | None
    link: str  # static, dynamic
    threading: str  # sequential, intel, gnu
    threads: int  # the count used; 0 in a plan: MKL's own choice, known once it ran
    dtype: str  # f32, f16
    threads_source: str = "explicit"  # "explicit" (mkl_set_num_threads) or "mkl default" (left to MKL)

    @property
    def default_threads(self) -> bool:
        return self.threads_source == "mkl default"

    @property
    def threads_label(self) -> str:
        count = f"{self.threads}t" if self.threads else "?t"
        return f"{count} (mkl default)" if self.default_threads and self.threading != "sequential" else count

    @property
    def name(self) -> str:
        return f"{self.install} {self.link} {self.threading} {self.threads_label} {self.dtype}"

    def as_dict(self) -> dict:
        return {
            "install": self.install,
            "install_root": self.install_root,
            "mkl_version": self.version,
            "link": self.link,
            "threading": self.threading,
            "threads": self.threads or None,
            "threads_source": self.threads_source,
            "dtype": self.dtype,
        }


@dataclass(frozen=True, slots=True)
class MklRuntime:
    """What the built program's MKL says about itself (``MKL_Get_Version``)."""

    version: str
    build: str
    processor: str
    max_threads: int

    def as_dict(self) -> dict:
        return {"version": self.version, "build": self.build, "processor": self.processor, "max_threads": self.max_threads}


@dataclass(frozen=True, slots=True)
class Build:
    binary: str
    folder: str  # the cache folder
    key: str
    cached: bool  # True: found in the cache, nothing was compiled
    f16: bool
    compile_command: tuple[str, ...]
    link_command: tuple[str, ...]
    log: str  # what the compiler and linker printed (usually nothing)
    seconds: float
    mkl: MklRuntime | None = None

    def as_dict(self) -> dict:
        return {
            "cache_folder": self.folder,
            "key": self.key,
            "cached": self.cached,
            "f16_engine": self.f16,
            "compile_command": list(self.compile_command),
            "link_command": list(self.link_command),
            "log": self.log,
            "seconds": round(self.seconds, 3),
            "mkl_runtime": self.mkl.as_dict() if self.mkl else None,
        }


_KEY_LINE = re.compile(r"undefined reference to|cannot find -l|error:|fatal error|No such file|cannot open")


@dataclass(frozen=True, slots=True)
class BuildFailure:
    """A compile, link or load that failed, with the raw log for ``mkldoctor explain``."""

    stage: str  # "compile", "link", "load" (the program would not start)
    command: tuple[str, ...]
    returncode: int
    log: str
    install: str
    link: str
    threading: str
    f16: bool

    def key_line(self) -> str:
        lines = [line.strip() for line in self.log.splitlines() if line.strip()]
        for line in lines:
            if _KEY_LINE.search(line):
                return line
        return lines[-1] if lines else f"exit status {self.returncode}, no output"

    def one_line(self) -> str:
        what = f"{self.install} {self.link} {self.threading}{' with the f16 engine' if self.f16 else ''}"
        return f"{self.stage} failed for {what}: {self.key_line()}"

    def as_dict(self) -> dict:
        return {
            "stage": self.stage,
            "command": list(self.command),
            "returncode": self.returncode,
            "log": self.log,
            "key_line": self.key_line(),
            "f16_engine": self.f16,
        }


@dataclass(frozen=True, slots=True)
class Throttling:
    """What the cgroup's ``cpu.stat`` counted over the timed passes (its differences)."""

    periods: int  # quota periods that passed while the program ran
    throttled_periods: int  # periods in which the quota ran out and the threads were stopped
    throttled_ms: float  # time the threads spent stopped

    @classmethod
    def between(cls, before: dict | None, after: dict | None) -> Throttling | None:
        """From two cpu.stat readings: v1 counts ``throttled_time`` in ns, v2 ``throttled_usec``."""
        if not isinstance(before, dict) or not isinstance(after, dict):
            return None

        def delta(key: str) -> int | None:
            a, b = before.get(key), after.get(key)
            return b - a if isinstance(a, int) and isinstance(b, int) and b >= a else None

        periods, throttled = delta("nr_periods"), delta("nr_throttled")
        if periods is None or throttled is None:
            return None
        ns = delta("throttled_time")
        us = delta("throttled_usec")
        ms = ns / 1e6 if ns is not None else us / 1e3 if us is not None else 0.0
        return cls(periods, throttled, ms)


@dataclass(frozen=True, slots=True)
class Timing:
    ms: tuple[float, ...]
    throttling: Throttling | None = None  # under a cgroup quota whose cpu.stat was readable

    @property
    def min(self) -> float:
        return min(self.ms)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def mean(self) -> float:
        """Under a quota, what bounds throughput: the CPU time a forward costs, throttling spread in."""
        return statistics.fmean(self.ms)

    @property
    def p90(self) -> float:
        """The nearest-rank 90th percentile: 9 runs in 10 took at most this."""
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.ms)

    def as_dict(self) -> dict:
        t = self.throttling
        return {
            "runs": len(self.ms),
            "min_ms": round(self.min, 4),
            "median_ms": round(self.median, 4),
            "p90_ms": round(self.p90, 4),
            "mean_ms": round(self.mean, 4),
            "max_ms": round(self.max, 4),
            "periods": t.periods if t else None,
            "throttled_periods": t.throttled_periods if t else None,
            "throttled_ms": round(t.throttled_ms, 3) if t else None,
            "all_ms": [round(v, 4) for v in self.ms],
        }


@dataclass(frozen=True, slots=True)
class Peak:
    """One n^3 product timed in the same program: this machine's rate for the routine."""

    routine: str  # sgemm, hgemm
    n: int
    timing: Timing

    @property
    def gflops(self) -> float:
        return 2 * self.n**3 / (self.timing.min * 1e-3) / 1e9

    def as_dict(self) -> dict:
        return {"routine": self.routine, "n": self.n, "gflops": round(self.gflops, 2), **self.timing.as_dict()}


@dataclass(frozen=True, slots=True)
class Check:
    """An engine's output against a reference: last hidden state and mean-pooled embedding."""

    engine: str
    against: str  # "naive", "numpy float64"
    max_abs_hidden: float
    max_abs_pooled: float
    scale: float  # max |reference hidden state|
    tolerance: float  # absolute, on both

    @property
    def ok(self) -> bool:
        return self.max_abs_hidden <= self.tolerance and self.max_abs_pooled <= self.tolerance

    def one_line(self) -> str:
        return (
            f"{self.engine} output differs from the {self.against} forward by {self.max_abs_hidden:.3g} "
            f"(pooled {self.max_abs_pooled:.3g}); tolerance {self.tolerance:.3g} at output scale {self.scale:.3g}"
        )

    def as_dict(self) -> dict:
        return {
            "engine": self.engine,
            "against": self.against,
            "max_abs_diff_hidden": self.max_abs_hidden,
            "max_abs_diff_pooled": self.max_abs_pooled,
            "output_scale": self.scale,
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


@dataclass(frozen=True)
class ConfigResult:
    config: Config
    status: str  # "ok", "failed", "skipped"
    reason: str = ""
    gflop: float = 0.0  # matmul GFLOP per forward
    build: Build | None = None
    failure: BuildFailure | None = None
    checks: tuple[Check, ...] = ()
    timing: Timing | None = None
    floor: Timing | None = None  # --matmul-only: the products alone
    peaks: tuple[Peak, ...] = ()
    pooled: tuple[float, ...] = ()  # the mean-pooled embedding this engine computed

    @property
    def gflops(self) -> float | None:
        return self.gflop / (self.timing.min * 1e-3) if self.timing else None

    def peak(self, routine: str = "sgemm") -> Peak | None:
        return next((p for p in self.peaks if p.routine == routine), None)

    @property
    def peak_share(self) -> float | None:
        """The forward's GFLOP/s over the sgemm rate measured in the same program."""
        peak = self.peak("sgemm")
        if self.gflops is None or peak is None:
            return None
        return self.gflops / peak.gflops

    def as_dict(self, naive_ms: float | None = None) -> dict:
        out = {
            **self.config.as_dict(),
            "status": self.status,
            "reason": self.reason or None,
            "build": self.build.as_dict() if self.build else None,
            "build_failure": self.failure.as_dict() if self.failure else None,
            "checks": [c.as_dict() for c in self.checks],
            "timing": self.timing.as_dict() if self.timing else None,
            "matmul_floor": self.floor.as_dict() if self.floor else None,
            "gflops": round(self.gflops, 2) if self.gflops else None,
            "peaks": [p.as_dict() for p in self.peaks],
            "sgemm_peak_share": round(self.peak_share, 4) if self.peak_share else None,
            "speedup_vs_naive_one_thread": round(naive_ms / self.timing.min, 3) if naive_ms and self.timing else None,
            "pooled_embedding": list(self.pooled),
        }
        return out


@dataclass(frozen=True)
class NaiveResult:
    """The engine without BLAS, one thread: the "without MKL" baseline."""

    timing: Timing | None
    checks: tuple[Check, ...] = ()
    binary: str | None = None
    pooled: tuple[float, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass(frozen=True)
class BenchReport:
    tokens: int
    shape: BertShape
    source: ModelSource
    quota: CpuBudget
    cpu: CpuInfo
    results: tuple[ConfigResult, ...]
    naive: NaiveResult | None
    numpy_reference: bool  # the float64 forward ran
    notes: tuple[str, ...] = ()
    summary: str = ""
    runs: int = 0
    warmup: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def gflop(self) -> float:
        return self.shape.gflop(self.tokens)

    @property
    def failed(self) -> list[ConfigResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and (self.naive is None or self.naive.ok)
