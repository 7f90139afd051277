"""The plain sentences that say what a benchmark's numbers mean."""

from __future__ import annotations

from mkldoctor.bench.results import BenchReport, ConfigResult
from mkldoctor.knowledge import layout


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def _where(r: ConfigResult) -> str:
    c = r.config
    default = " (MKL's default)" if c.default_threads and c.threading != "sequential" else ""
    return f"{c.install} {c.link} {c.threading}, {c.threads} thread{'s' if c.threads != 1 else ''}{default}, {c.dtype}"


def _who(r: ConfigResult) -> str:
    c = r.config
    if c.threading == "sequential":
        return "the sequential layer"
    default = "default " if c.default_threads else ""
    return f"the {c.threading} layer's {default}{c.threads} thread{'s' if c.threads != 1 else ''}"


def _throttled(r: ConfigResult) -> str:
    t = r.timing.throttling if r.timing else None
    if t is None:
        return ""
    if not t.throttled_periods:
        return f", never throttled in {t.periods} period{'s' if t.periods != 1 else ''}"
    return f", throttled in {t.throttled_periods} of {t.periods} periods, {_ms(t.throttled_ms)} of thread time"


def _sequential_fix(r: ConfigResult) -> str:
    feature = layout.config_name("static" if r.config.link == "static" else "dynamic", "lp64", "sequential", "intel-mkl-src")
    return f"intel-mkl-src feature {feature}, CMake -DMKL_THREADING=sequential, or MKL_NUM_THREADS=1"


def _threads_sentence(report: BenchReport, one: ConfigResult, many: ConfigResult) -> str:
    """The answer to "threads or not, here": both medians (best-of without a quota), the winner named."""
    limit = report.quota.limit
    if limit is not None:
        where = ("a quota made for this run" if report.quota.made_for_run else "this machine's quota")
        head = (f"Under {limit.cpus:g} CPU{'s' if limit.cpus != 1 else ''} ({where}: {limit.text}) "
                f"{_who(many)} take a median {_ms(many.timing.median)} (p90 {_ms(many.timing.p90)}, mean "
                f"{_ms(many.timing.mean)}{_throttled(many)}), {_who(one)} {_ms(one.timing.median)} "
                f"(p90 {_ms(one.timing.p90)}, mean {_ms(one.timing.mean)}{_throttled(one)})")
        a, b, how = one.timing.median, many.timing.median, "compared by median: under a quota the best run is a lucky one"
    else:
        cpus = report.quota.affinity or report.quota.allowed
        head = (f"With no CPU quota ({cpus} CPU{'s' if cpus != 1 else ''}) {_who(many)} take {_ms(many.timing.min)}, "
                f"{_who(one)} {_ms(one.timing.min)}")
        a, b, how = one.timing.min, many.timing.min, f"best of {report.runs} runs"
    if a <= b:
        if one.config.threading == "sequential":
            verdict = f"use sequential ({_sequential_fix(one)})"
        else:
            verdict = f"use one thread (MKL_NUM_THREADS=1 with the {one.config.threading} layer)"
    else:
        verdict = (f"keep the {many.config.threading} layer at {many.config.threads} threads "
                   f"({a / b:.2f}x faster)")
        if limit is None:
            verdict += "; for a one-CPU container measure again with mkldoctor bench --cpus 1"
        elif many.timing.p90 > one.timing.p90:
            verdict += (f", though 1 run in 10 takes {_ms(many.timing.p90)} or more against "
                        f"{_ms(one.timing.p90)} for {_who(one)}: the quota's throttling")
    return f"{head}: {verdict} ({how})."


def _accuracy(r: ConfigResult) -> str:
    numpy = next((c for c in r.checks if c.against == "numpy float64"), None)
    chosen = numpy or next(iter(r.checks), None)
    if chosen is None:
        return ""
    return f"; its output matches the {chosen.against} forward to {chosen.max_abs_hidden:.1g}"


def summarize(report: BenchReport) -> str:
    sentences: list[str] = []
    ran = [r for r in report.results if r.status == "ok" and r.timing is not None]
    if report.naive and not report.naive.ok:
        bad = next(c for c in report.naive.checks if not c.ok)
        sentences.append(f"The naive engine disagrees with the float64 reference ({bad.one_line()}): do not trust the build.")
    if ran:
        sentences += _timed(report, ran)
    sentences += _failures(report, ran)
    return " ".join(sentences)


def _key(report: BenchReport):
    """How configurations compare: by median under a quota (its best run is a lucky one), else by best run."""
    by_median = report.quota.quota is not None

    def key(r: ConfigResult) -> float:
        return r.timing.median if by_median else r.timing.min

    return key


def _timed(report: BenchReport, ran: list[ConfigResult]) -> list[str]:
    """The fastest forward, MKL against the loops without it, f16 against f32, one thread against many."""
    sentences: list[str] = []
    key = _key(report)
    by_median = report.quota.quota is not None
    naive_ms = report.naive.timing.min if report.naive and report.naive.timing else None
    f32 = [r for r in ran if r.config.dtype == "f32"] or ran
    best = min(f32, key=key)
    if by_median:
        text = (f"By median, the fastest MKL forward is {_where(best)}: {_ms(best.timing.median)} per "
                f"{report.tokens}-token pass (best {_ms(best.timing.min)}, {best.gflops:.0f} GFLOP/s")
    else:
        text = (
            f"The fastest MKL forward is {_where(best)}: {_ms(best.timing.min)} per {report.tokens}-token pass "
            f"({best.gflops:.0f} GFLOP/s"
        )
    if best.peak_share is not None:
        text += f", {best.peak_share:.0%} of this machine's measured sgemm rate"
    text += ")"
    sentences.append(text + _accuracy(best) + ".")
    single = [r for r in f32 if r.config.threads == 1]
    if naive_ms and single and not by_median:
        one = min(single, key=lambda r: r.timing.min)
        sentences.append(
            f"At one thread MKL takes {_ms(one.timing.min)}, {naive_ms / one.timing.min:.1f}x faster than the same "
            f"forward without MKL ({_ms(naive_ms)}, blocked loops)."
        )
    sentences += _f16_sentence(report, ran)
    one = [r for r in f32 if r.config.threads == 1]
    many = [r for r in f32 if r.config.threads > 1]
    if one and many:
        # the sequential layer over a threaded one at one thread; MKL's own count over counts asked
        a = min(one, key=lambda r: (r.config.threading != "sequential", key(r)))
        b = min(many, key=lambda r: (not r.config.default_threads, key(r)))
        sentences.append(_threads_sentence(report, a, b))
    elif one and report.quota.allowed == 1:
        sentences.append(
            "This process may use one CPU, so the sequential layer is the right one: threads would only wait."
        )
    return sentences


def _f16_sentence(report: BenchReport, ran: list[ConfigResult]) -> list[str]:
    """f16 against f32 of the same install, link, threading and threads (the first such pair)."""
    key = _key(report)
    for r in ran:
        if r.config.dtype != "f16":
            continue
        twin = next((o for o in ran if o.config.dtype == "f32" and o.config.install_root == r.config.install_root
                     and o.config.link == r.config.link and o.config.threading == r.config.threading
                     and o.config.threads == r.config.threads), None)
        if twin is None:
            continue
        ratio = key(r) / key(twin)
        hw = "AVX512-FP16 or AMX" if not report.cpu.fast_f16 else "half-precision hardware"
        if ratio > 1.05:
            if not report.cpu.fast_f16:
                return [f"f16 (hgemm) is {ratio:.1f}x slower than f32 here ({_ms(r.timing.min)} against "
                        f"{_ms(twin.timing.min)}): this CPU has no {hw}, so MKL widens the halves to floats; keep f32."]
            return [f"f16 (hgemm) is {ratio:.1f}x slower than f32 here even with {hw}; keep f32."]
        if ratio < 0.95:
            return [f"f16 (hgemm) is {1 / ratio:.1f}x faster than f32 here; its output is within "
                    f"{max(c.max_abs_hidden for c in r.checks):.1g} of the reference, check that is enough."]
        return ["f16 (hgemm) is no faster than f32 here; keep f32."]
    return []


def _failures(report: BenchReport, ran: list[ConfigResult]) -> list[str]:
    """An f16 build MKL cannot link (no hgemm_), and the other failures."""
    sentences: list[str] = []
    for r in report.results:
        if r.status != "failed":
            continue
        if r.failure is not None and "hgemm_" in r.failure.log:
            f32_ok = any(o.status == "ok" and o.config.install_root == r.config.install_root
                         and o.config.dtype == "f32" for o in report.results)
            sentences.append(
                f"f16 does not link against {r.config.install}: {r.failure.key_line()}; that MKL has no "
                f"half-precision GEMM" + (" (f32 against it works)." if f32_ok else ".")
            )
            break
    failed = report.failed
    if failed and not ran:
        sentences.append(f"Nothing ran: {failed[0].reason}.")
    elif failed:
        others = [r for r in failed if not (r.failure and "hgemm_" in r.failure.log)]
        if others:
            sentences.append(f"{len(others)} configuration{'s' if len(others) != 1 else ''} failed: {others[0].reason}.")
    return sentences
