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

import json
import math
import os
import subprocess
import tempfile
from array import array
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Callable

from mkldoctor.bench import build as builder
from mkldoctor.bench import model as models
from mkldoctor.bench.cgroup import QuotaGroup, made_quota
from mkldoctor.bench.cpu import busy_cpus
from mkldoctor.bench.errors import BenchError, BenchUsageError, BuildError, CheckError, MissingLibraryError, RunError
from mkldoctor.bench.reference import numpy_available
from mkldoctor.bench.results import (
    BenchReport,
    Build,
    BuildFailure,
    Check,
    Config,
    ConfigResult,
    NaiveResult,
    Peak,
    Throttling,
    Timing,
)
from mkldoctor.discover.cpubudget import CpuBudget, read_budget
from mkldoctor.discover.cpuinfo import cpu_info
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout
from mkldoctor.inventory.locate import install_at

DTYPES = ("f32", "f16")
TOLERANCE = {"f32": 1e-4, "f16": 2e-2}  # times the output scale (max |reference|)
RUN_TIMEOUT = 900

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    installs: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # empty: static when the install has it, else dynamic
    threadings: tuple[str, ...] = ()  # empty: sequential, and intel (else gnu)
    threads: tuple[int, ...] = ()  # empty: each layer at MKL's own count; under a quota that count is added
    cpus: float | None = None  # run inside a CPU quota of this many CPUs made for the run
    dtypes: tuple[str, ...] = ("f32",)
    tokens: int = 150
    runs: int = 10
    warmup: int = 2
    peak_runs: int = 3
    model: str | None = None
    random_weights: bool = False
    cc: str | None = None
    rebuild: bool = False
    numpy_reference: bool = True
    matmul_floor: bool = False
    cache_root: str | None = None


# -- options -----------------------------------------------------------------------------


def parse_choices(text: str | None, allowed: tuple[str, ...], option: str, aliases: dict | None = None) -> tuple[str, ...]:
    """``"static,dynamic"`` -> ("static", "dynamic"); ``"auto"`` or nothing -> ()."""
    if text is None or text.strip() in ("", "auto"):
        return ()
    out: list[str] = []
    for word in text.split(","):
        word = word.strip().lower()
        word = (aliases or {}).get(word, word)
        if word not in allowed:
            raise BenchUsageError(f"{option}: {word!r} is not one of {', '.join(allowed)}")
        if word not in out:
            out.append(word)
    return tuple(out)


def parse_threads(text: str | None) -> tuple[int, ...]:
    if text is None or text.strip() in ("", "auto"):
        return ()
    out: list[int] = []
    for word in text.split(","):
        word = word.strip()
        if not word.isdigit() or int(word) < 1 or int(word) > 4096:
            raise BenchUsageError(f"--threads: {word!r} is not a thread count (1, 2, ...)")
        if int(word) not in out:
            out.append(int(word))
    return tuple(out)


def newest_usable() -> MklInstall:
    """Without --install or MKLROOT: the newest copy `mkldoctor list` finds that has headers and libraries."""
    from mkldoctor.discover import discover

    for install in discover("/").installs:
        if install.headers and (install.static or install.shared) and install.interfaces():
            return install
    raise BenchUsageError("no MKL with headers and libraries found (see mkldoctor list): pass --install PREFIX")


def resolve_installs(paths: tuple[str, ...]) -> list[MklInstall]:
    if not paths:
        root = os.environ.get("MKLROOT")
        if root:
            paths = (root,)
        else:
            return [newest_usable()]
    installs: list[MklInstall] = []
    seen: set[str] = set()
    for path in paths:
        install = install_at(path)
        if not install.has("mkl_core"):
            raise BenchUsageError(f"--install {path}: no libmkl_core in it, its lib/ or its usr/lib/x86_64-linux-gnu/")
        if install.key not in seen:
            seen.add(install.key)
            installs.append(install)
    return installs


def _threaded_layer(install: MklInstall, link: str) -> str:
    kind = "static" if link == "static" else "shared"
    if install.has(layout.layer("intel", "threading").name, kind) and install.iomp5:
        return "intel"
    if install.has(layout.layer("gnu", "threading").name, kind):
        return "gnu"
    return "intel"  # fails with the reason when built


def plan(options: Options, installs: list[MklInstall], budget: CpuBudget) -> tuple[list[Config], list[ConfigResult], list[str]]:
    """The configurations to run, those skipped (with why), and notes for the reader.

    Without ``--threads``: each layer at the count MKL picks by itself. With it: those counts
    (``auto`` threading: sequential at one, the threaded layer above); under a quota the
    MKL-default rows come too, since that is what a program ships with.
    """
    notes: list[str] = []
    cpus = budget.affinity or budget.allowed
    explicit = [t for t in options.threads if t <= cpus]
    too_many = [t for t in options.threads if t > cpus]
    if too_many:
        notes.append(
            f"--threads {','.join(map(str, too_many))} skipped: this process may run on {cpus} "
            f"CPU{'s' if cpus != 1 else ''} ({budget.describe()}); more threads would time the scheduler"
        )
    defaults = not options.threads or budget.quota is not None
    if not explicit and not defaults:
        raise BenchUsageError(f"nothing to run: {notes[-1]}")
    configs: list[Config] = []
    skipped: list[ConfigResult] = []
    for install in installs:
        links = options.links or (("static",) if install.static else ("dynamic",))
        for link in links:
            threaded = _threaded_layer(install, link)
            rows: list[tuple[str, int, str]] = []
            for count in explicit:
                for threading in options.threadings or (("sequential",) if count == 1 else (threaded,)):
                    rows.append((threading, count, "explicit"))
            if defaults:
                for threading in options.threadings or ("sequential", threaded):
                    if threading == "sequential" and ("sequential", 1, "explicit") in rows:
                        continue  # the same program run the same way
                    rows.append((threading, 0, "mkl default"))
            for threading, count, source in rows:
                for dtype in options.dtypes:
                    config = Config(label(install), install.root, install.version, link, threading, count, dtype, source)
                    if threading == "sequential" and count > 1:
                        skipped.append(ConfigResult(config, "skipped", "the sequential layer runs one thread"))
                        continue
                    configs.append(config)
    if any(r.config.threading == "sequential" for r in skipped):
        notes.append("sequential runs one thread: its rows for more threads are skipped")
    if not configs:
        raise BenchUsageError("nothing to run: the sequential layer runs one thread (add --threads 1 or another threading)")
    return configs, skipped, notes


# -- running the program --------------------------------------------------------------------


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


def _timing(events: list[dict], event: str, **match) -> Timing | None:
    for e in events:
        if e.get("event") == event and all(e.get(k) == v for k, v in match.items()):
            ms = e.get("ms")
            if isinstance(ms, list) and ms and all(isinstance(v, (int, float)) and v > 0 for v in ms):
                return Timing(tuple(float(v) for v in ms),
                              Throttling.between(e.get("cpu_stat_before"), e.get("cpu_stat_after")))
            raise RunError(f"bad {event} event: {e}")
    return None


def _peaks(events: list[dict]) -> tuple[Peak, ...]:
    out = []
    for e in events:
        if e.get("event") == "peak":
            timing = _timing([e], "peak")
            if timing:
                out.append(Peak(str(e.get("routine")), int(e.get("n", 0)), timing))
    return tuple(out)


# -- outputs and checks ---------------------------------------------------------------------


class Output:
    """The last hidden state [T, H] and the pooled embedding [H] one engine wrote."""

    def __init__(self, hidden, pooled) -> None:
        self.hidden = hidden
        self.pooled = pooled

    @classmethod
    def read(cls, path: str, tokens: int, hidden: int, use_numpy: bool) -> Output:
        expected = 4 * (tokens * hidden + hidden)
        size = os.path.getsize(path)
        if size != expected:
            raise RunError(f"{path}: {size} bytes of output, expected {expected}")
        if use_numpy:
            import numpy as np

            data = np.fromfile(path, dtype="<f4").astype(np.float64)
        else:
            data = array("f")
            with open(path, "rb") as handle:
                data.frombytes(handle.read())
            if data.itemsize != 4:
                raise RunError("this Python has no 4-byte float array")
        return cls(data[: tokens * hidden], data[tokens * hidden :])

    @classmethod
    def from_numpy(cls, hidden, pooled) -> Output:
        return cls(hidden.ravel(), pooled)


def _max_abs(values) -> float:
    try:
        import numpy as np

        if isinstance(values, np.ndarray):
            return float(np.max(np.abs(values))) if values.size else 0.0
    except ImportError:
        pass
    best = 0.0
    for v in values:
        if v != v:
            return math.inf
        best = max(best, abs(v))
    return best


def _max_abs_diff(a, b) -> float:
    try:
        import numpy as np

        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            d = np.abs(a - b)
            return math.inf if np.isnan(d).any() else float(d.max(initial=0.0))
    except ImportError:
        pass
    best = 0.0
    for x, y in zip(a, b):
        d = abs(x - y)
        if d != d:
            return math.inf
        best = max(best, d)
    return best


def _floats(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def check(engine: str, dtype: str, out: Output, ref: Output, against: str) -> Check:
    """``out`` against ``ref``: max abs differences, tolerance relative to the output scale."""
    scale = max(_max_abs(ref.hidden), 1e-30)
    tolerance = TOLERANCE[dtype] * scale
    return Check(engine, against, _max_abs_diff(out.hidden, ref.hidden), _max_abs_diff(out.pooled, ref.pooled), scale,
                 tolerance)


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
        return NaiveResult(_timing(events, "timing"), tuple(checks), binary, _floats(self.naive_out.pooled))

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
        result = replace(result, pooled=_floats(out.pooled))
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
        timing = _timing(events, "timing")
        if timing is None:
            raise RunError(f"{built.binary}: no timing in its output")
        used = next((e.get("threads") for e in events if e.get("event") == "timing"), None)
        if not config.threads and isinstance(used, int) and used > 0:
            result = replace(result, config=replace(config, threads=used))
        floor = None
        if o.matmul_floor:
            floor_args = ["--engine", config.dtype, "--threads", str(config.threads), "--matmul-only",
                          "--time", f"{o.warmup},{o.runs}"]
            floor = _timing(run_program(built.binary, self.args(*floor_args), config.threads, self.group), "timing")
        return replace(result, checks=tuple(checks), timing=timing, floor=floor, peaks=_peaks(events))


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
    installs = resolve_installs(options.installs)
    builder.find_compiler(options.cc)  # no compiler: one error, before anything else
    with made_quota(options.cpus) if options.cpus else nullcontext() as group:
        return _run_bench(options, source, installs, say, group)


def _run_bench(options: Options, source: models.ModelSource, installs: list[MklInstall], say: Progress,
               group: QuotaGroup | None) -> BenchReport:
    quota = read_budget()
    notes: list[str] = []
    if group is not None:
        if quota.limit is not None and quota.limit.cpus < group.limit.cpus:
            notes.append(f"this machine's own quota ({quota.limit.text} in {quota.limit.source}) is tighter than "
                         f"--cpus {options.cpus:g}: it applies")
        else:
            quota = replace(quota, limit=group.limit, made_for_run=True)
    configs, skipped, plan_notes = plan(options, installs, quota)
    notes += plan_notes
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

    planned = [(config, get_build(config)) for config in configs]
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
    busiest = max((b for b in (busy, busy_after) if b is not None), default=None)
    if busiest is not None and busiest >= 0.3:
        notes.append(
            f"other processes kept {busiest:.1f} of this machine's {os.cpu_count()} CPUs busy around the timing: "
            "the numbers (multi-thread ones most) may be slower than this machine can do"
        )
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
