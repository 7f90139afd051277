"""Plan the matrix of configurations, build each, check its numbers, then time it.

Correctness comes first: every engine's output (the last hidden state and the
mean-pooled embedding) is compared with the naive engine (no BLAS) and, when numpy is
installed, with a float64 numpy forward; an engine that is off is reported and never
timed. Timing runs warm-up passes, then ``runs`` passes, and a 1024^3 sgemm in the same
program for this machine's peak.

Under a CPU quota (the machine's, or one ``--cpus`` made for the run) each threaded layer
also runs at the thread count MKL picks by itself, as a program that never asks ships; the
programs read the quota's ``cpu.stat`` around their timed passes, and configurations are
compared by median, since a quota makes the best run a lucky one.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import nullcontext
from dataclasses import replace
from typing import Callable

from mkldoctor.bench import build as builder
from mkldoctor.bench import model as models
from mkldoctor.bench.cgroup import QuotaGroup, made_quota
from mkldoctor.bench.compare import Output, check, floats
from mkldoctor.bench.cpu import busy_cpus
from mkldoctor.bench.errors import BenchError, BenchUsageError, BuildError, CheckError, MissingLibraryError, RunError
from mkldoctor.bench.plan import DTYPES, Options, plan, resolve_installs
from mkldoctor.bench.program import read_peaks, read_timing, run_program
from mkldoctor.bench.reference import numpy_available
from mkldoctor.bench.results import BenchReport, Build, BuildFailure, Check, Config, ConfigResult, NaiveResult
from mkldoctor.discover.cpubudget import CpuBudget, read_budget
from mkldoctor.discover.cpuinfo import cpu_info
from mkldoctor.inventory.install import MklInstall

Progress = Callable[[str], None]


# -- the whole benchmark -----------------------------------------------------------------------


class _Session:
    def __init__(self, options: Options, source: models.ModelSource, work: str, progress: Progress,
                 budget: CpuBudget, group: QuotaGroup | None = None) -> None:
        self.options = options
        self.group = group
        self.cpu_stat = budget.limit.cpu_stat if budget.limit else None
        self.source = source
        self.work = work
        self.progress = progress
        self.ids = models.token_ids(options.tokens, source.shape.vocab)
        self.ids_path = os.path.join(work, "ids.bin")
        models.write_ids(self.ids, self.ids_path)
        self.weights_path = os.path.join(work, "weights.bin")
        if source.real:
            progress(f"converting {source.safetensors}")
            models.write_weights(source, self.weights_path)
            self.weight_args = ["--weights", self.weights_path]
        else:
            self.weight_args = ["--random", str(source.seed), "--shape", source.shape.arg()]
        self.use_numpy = options.numpy_reference and numpy_available()
        self.naive_out: Output | None = None
        self.numpy_out: Output | None = None

    def args(self, *extra: str) -> list[str]:
        return [*self.weight_args, "--ids", self.ids_path, *extra]

    def output(self, binary: str, engine: str, threads: int, name: str, save_weights: bool = False) -> Output:
        path = os.path.join(self.work, f"{name}.out")
        extra = ["--engine", engine, "--threads", str(threads), "--out", path]
        if save_weights:
            extra += ["--save-weights", self.weights_path]
        run_program(binary, self.args(*extra), threads, self.group)
        return Output.read(path, self.options.tokens, self.source.shape.hidden, self.use_numpy)

    def references(self, binary: str) -> NaiveResult:
        """The naive engine's output and timing, and the float64 numpy forward."""
        o = self.options
        self.progress("naive engine (no BLAS): output and timing")
        self.naive_out = self.output(binary, "naive", 1, "naive", save_weights=not self.source.real and self.use_numpy)
        checks: list[Check] = []
        if self.use_numpy:
            from mkldoctor.bench import reference

            self.progress("float64 numpy forward")
            hidden, pooled = reference.forward(self.weights_path, self.ids)
            self.numpy_out = Output.from_numpy(hidden, pooled)
            checks.append(check("naive", "f32", self.naive_out, self.numpy_out, "numpy float64"))
        events = run_program(binary, self.args("--engine", "naive", "--threads", "1", "--time", f"{o.warmup},{o.runs}"),
                             1, self.group)
        return NaiveResult(read_timing(events, "timing"), tuple(checks), binary, floats(self.naive_out.pooled))

    def run_config(self, config: Config, built: Build) -> ConfigResult:
        o = self.options
        gflop = self.source.shape.gflop(o.tokens)
        result = ConfigResult(config, "ok", gflop=gflop, build=built)
        self.progress(f"{config.name}: checking")
        out = self.output(built.binary, config.dtype, config.threads, "engine")
        checks = []
        if self.naive_out is not None:
            checks.append(check(config.dtype, config.dtype, out, self.naive_out, "naive"))
        if self.numpy_out is not None:
            checks.append(check(config.dtype, config.dtype, out, self.numpy_out, "numpy float64"))
        result = replace(result, pooled=floats(out.pooled))
        bad = [c for c in checks if not c.ok]
        if bad:
            return replace(result, status="failed", reason=bad[0].one_line(), checks=tuple(checks))
        self.progress(f"{config.name}: timing {o.runs} runs")
        timing_args = ["--engine", config.dtype, "--threads", str(config.threads), "--time", f"{o.warmup},{o.runs}"]
        if o.peak_runs:
            timing_args += ["--peak", str(o.peak_runs)]
        if self.cpu_stat:
            timing_args += ["--cpu-stat", self.cpu_stat]
        events = run_program(built.binary, self.args(*timing_args), config.threads, self.group)
        timing = read_timing(events, "timing")
        if timing is None:
            raise RunError(f"{built.binary}: no timing in its output")
        used = next((e.get("threads") for e in events if e.get("event") == "timing"), None)
        if not config.threads and isinstance(used, int) and used > 0:
            result = replace(result, config=replace(config, threads=used))
        floor = None
        if o.matmul_floor:
            floor_args = ["--engine", config.dtype, "--threads", str(config.threads), "--matmul-only",
                          "--time", f"{o.warmup},{o.runs}"]
            floor = read_timing(run_program(built.binary, self.args(*floor_args), config.threads, self.group), "timing")
        return replace(result, checks=tuple(checks), timing=timing, floor=floor, peaks=read_peaks(events))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def run_bench(options: Options, progress: Progress | None = None) -> BenchReport:
    """Build, check and time every configuration; failures are in the report, not raised.

    Raises only for what stops everything: bad options (:class:`BenchUsageError`), a bad
    model folder (:class:`~mkldoctor.bench.errors.ModelError`), no compiler
    (:class:`~mkldoctor.bench.errors.CompilerError`).
    """
    say = progress or (lambda message: None)
    if options.dtypes and any(d not in DTYPES for d in options.dtypes):
        raise BenchUsageError(f"--dtype must be f32 or f16, not {','.join(options.dtypes)}")
    if options.runs < 1 or options.warmup < 0 or options.peak_runs < 0:
        raise BenchUsageError("--runs must be at least 1 and --warmup at least 0")
    source = models.resolve_source(options.model, options.random_weights)
    if not 1 <= options.tokens <= source.shape.positions:
        raise BenchUsageError(f"--tokens must be between 1 and {source.shape.positions} (the model's positions)")
    say("looking for MKL")
    installs = resolve_installs(options.installs, options.search)
    builder.find_compiler(options.cc)  # no compiler: one error, before anything else
    with made_quota(options.cpus) if options.cpus else nullcontext() as group:
        return _run_bench(options, source, installs, say, group)


def _run_bench(options: Options, source: models.ModelSource, installs: list[MklInstall], say: Progress,
               group: QuotaGroup | None) -> BenchReport:
    quota, notes = _quota(options, group)
    configs, skipped, plan_notes = plan(options, installs, quota)
    notes += plan_notes
    planned = _build_all(options, configs, installs, say)
    results: list[ConfigResult] = []
    naive: NaiveResult | None = None
    with tempfile.TemporaryDirectory(prefix="mkldoctor-bench-") as work:
        session = _Session(options, source, work, say, quota, group)
        first = next((b for _, b in planned if isinstance(b, Build)), None)
        if first is not None:
            try:
                naive = session.references(first.binary)
            except BenchError as exc:
                naive = NaiveResult(None, (), first.binary)
                notes.append(f"the naive engine failed: {exc}")
        gflop = source.shape.gflop(options.tokens)
        busy = busy_cpus()
        for config, built in planned:
            if isinstance(built, BuildFailure):
                results.append(ConfigResult(config, "failed", built.one_line(), gflop, failure=built))
            elif isinstance(built, str):
                results.append(ConfigResult(config, "failed", built, gflop))
            else:
                try:
                    results.append(session.run_config(config, built))
                except (RunError, CheckError) as exc:
                    results.append(ConfigResult(config, "failed", str(exc), gflop, build=built))
    results.extend(skipped)
    busy_after = busy_cpus() if any(r.timing for r in results) else None
    notes += _busy_note(busy, busy_after)
    report = BenchReport(
        tokens=options.tokens,
        shape=source.shape,
        source=source,
        quota=quota,
        cpu=cpu_info(),
        results=tuple(results),
        naive=naive,
        numpy_reference=session.numpy_out is not None,
        notes=tuple(notes),
        runs=options.runs,
        warmup=options.warmup,
        extra={"busy_cpus_before": _round(busy), "busy_cpus_after": _round(busy_after)},
    )
    if options.numpy_reference and not session.use_numpy:
        report = replace(report, notes=report.notes + ("numpy is not installed: no float64 reference check",))
    from mkldoctor.bench.summary import summarize

    return replace(report, summary=summarize(report))


def _quota(options: Options, group: QuotaGroup | None) -> tuple[CpuBudget, list[str]]:
    """This process's CPU budget, with the quota --cpus made for the run unless the machine's own is tighter."""
    quota = read_budget()
    notes: list[str] = []
    if group is not None:
        if quota.limit is not None and quota.limit.cpus < group.limit.cpus:
            notes.append(f"this machine's own quota ({quota.limit.text} in {quota.limit.source}) is tighter than "
                         f"--cpus {options.cpus:g}: it applies")
        else:
            quota = replace(quota, limit=group.limit, made_for_run=True)
    return quota, notes


def _build_all(options: Options, configs: list[Config], installs: list[MklInstall],
               say: Progress) -> list[tuple[Config, Build | BuildFailure | str]]:
    """Each configuration with its program (built once per copy, link, layer and dtype), or why it has none."""
    by_root = {i.root: i for i in installs}
    builds: dict[tuple, Build | BuildFailure | str] = {}

    def get_build(config: Config) -> Build | BuildFailure | str:
        key = (config.install_root, config.link, config.threading, config.dtype == "f16")
        if key not in builds:
            say(f"building {config.install} {config.link} {config.threading}{' +f16' if key[3] else ''}")
            try:
                builds[key] = builder.build(by_root[config.install_root], config.link, config.threading, key[3],
                                            cc=options.cc, root=options.cache_root, rebuild=options.rebuild)
            except BuildError as exc:
                builds[key] = exc.failure
            except MissingLibraryError as exc:
                builds[key] = str(exc)
        return builds[key]

    return [(config, get_build(config)) for config in configs]


def _busy_note(busy: float | None, busy_after: float | None) -> list[str]:
    busiest = max((b for b in (busy, busy_after) if b is not None), default=None)
    if busiest is not None and busiest >= 0.3:
        return [f"other processes kept {busiest:.1f} of this machine's {os.cpu_count()} CPUs busy around the timing: "
                "the numbers (multi-thread ones most) may be slower than this machine can do"]
    return []
