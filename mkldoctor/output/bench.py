"""Rendering of ``mkldoctor bench``: a rich table and bar chart, plain text, or JSON (schema v2).

Version 2: ``threads`` is the count each configuration ran with (MKL's own where
``threads_source`` is "mkl default"); ``timing`` adds ``p90_ms`` and, under a cgroup quota,
``periods``, ``throttled_periods`` and ``throttled_ms``; ``machine.cpu_budget`` replaces the
``cgroup_quota_*`` keys and says where the quota came from.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

from mkldoctor.bench.results import BenchReport, ConfigResult
from mkldoctor.inert import inert, inert_stream
from mkldoctor.output import Format, console, write_json

SCHEMA = "mkldoctor.bench"
SCHEMA_VERSION = 2
BAR_WIDTH = 40
LOG_TAIL = 12


def _fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "" if value is None else f"{value:{spec}}{suffix}"


def _worst(r: ConfigResult) -> tuple[str, float] | None:
    numpy = [c for c in r.checks if c.against == "numpy float64"]
    chosen = numpy or list(r.checks)
    if not chosen:
        return None
    c = max(chosen, key=lambda c: c.max_abs_hidden)
    return ("f64" if c.against.startswith("numpy") else "naive"), c.max_abs_hidden


def _naive_ms(report: BenchReport) -> float | None:
    return report.naive.timing.min if report.naive and report.naive.timing else None


def _heading(report: BenchReport) -> list[str]:
    s = report.shape
    lines = [
        f"BERT encoder: {s.layers} layers, hidden {s.hidden}, {s.heads} heads, FFN {s.ffn}; batch 1, "
        f"{report.tokens} tokens: {report.gflop:.2f} GFLOP of matmuls per forward",
        f"weights: {report.source.describe()}",
        f"CPU: {report.cpu.model} ({report.cpu.isa}{', AVX512-FP16' if 'avx512_fp16' in report.cpu.flags else ''}"
        f"{', AMX' if report.cpu.amx else ''}); may use {report.quota.allowed} thread"
        f"{'s' if report.quota.allowed != 1 else ''}: {report.quota.describe()}",
        f"timing: best, median, p90 and worst of {report.runs} runs after {report.warmup} warm-up"
        f"{', compared by median (a CPU quota makes the best run a lucky one)' if report.quota.quota is not None else ''}; "
        f"checks against {'a float64 numpy forward and ' if report.numpy_reference else ''}the naive engine",
    ]
    return lines


# -- JSON ---------------------------------------------------------------------------------------


def document(report: BenchReport) -> dict:
    naive_ms = _naive_ms(report)
    naive = None
    if report.naive is not None:
        naive = {
            "engine": "naive (no BLAS, blocked loops, -O3 -march=native), 1 thread",
            "timing": report.naive.timing.as_dict() if report.naive.timing else None,
            "gflops": round(report.gflop / (naive_ms * 1e-3), 2) if naive_ms else None,
            "checks": [c.as_dict() for c in report.naive.checks],
            "ok": report.naive.ok,
            "pooled_embedding": list(report.naive.pooled),
        }
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "ok": report.ok,
        "model": report.source.as_dict(),
        "tokens": report.tokens,
        "gflop_per_forward": round(report.gflop, 6),
        "runs": report.runs,
        "warmup": report.warmup,
        "machine": {
            "cpu": report.cpu.model,
            "isa": report.cpu.isa,
            "avx512_fp16": "avx512_fp16" in report.cpu.flags,
            "amx": report.cpu.amx,
            "allowed_threads": report.quota.allowed,
            "affinity_cpus": report.quota.affinity,
            "cpu_budget": report.quota.as_dict(),
            **report.extra,
        },
        "reference": {"numpy_float64": report.numpy_reference, "naive": naive},
        "configurations": [r.as_dict(naive_ms) for r in report.results],
        "notes": list(report.notes),
        "summary": report.summary,
    }


# -- text -----------------------------------------------------------------------------------------


def _short_labels(report: BenchReport) -> dict[str, str]:
    """The MKL version alone when it tells the installs apart, else the whole label."""
    by_version: dict[str | None, set[str]] = {}
    for r in report.results:
        by_version.setdefault(r.config.version, set()).add(r.config.install_root)
    return {
        r.config.install_root: (r.config.version if r.config.version and len(by_version[r.config.version]) == 1
                                else r.config.install)
        for r in report.results
    }


def _rows(report: BenchReport, wide: bool = True) -> list[list[str]]:
    """One row per configuration and one for the naive engine; ``wide`` adds status and labels."""
    naive_ms = _naive_ms(report)
    short = _short_labels(report)
    rows = []
    for r in report.results:
        c = r.config
        t = r.timing
        worst = _worst(r)
        first = _fmt(t.min if t else None, ".2f") if t or wide else r.status
        throttled = t.throttling if t else None
        rows.append([
            c.install if wide else short[c.install_root], c.link, c.threading,
            f"{c.threads or '?'}{'*' if c.default_threads and c.threading != 'sequential' else ''}", c.dtype,
            *([r.status] if wide else []),
            first, _fmt(t.median if t else None, ".2f"), _fmt(t.p90 if t else None, ".2f"),
            _fmt(t.max if t else None, ".2f"),
            f"{throttled.throttled_periods}/{throttled.periods}" if throttled else "",
            _fmt(r.gflops, ".1f"), _fmt(r.peak_share * 100 if r.peak_share else None, ".0f", "%"),
            _fmt(naive_ms / t.min if naive_ms and t and (wide or c.threads == 1) else None, ".2f", "x"),
            (f"{worst[1]:.1e} ({worst[0]})" if wide else f"{worst[1]:.0e}") if worst else "",
        ])  # fmt: skip
    if report.naive is not None:
        t = report.naive.timing
        worst = max((c.max_abs_hidden for c in report.naive.checks), default=None)
        status = "ok" if report.naive.ok else "failed"
        rows.append([
            "without MKL", "", "naive", "1", "f32", *([status] if wide else []),
            _fmt(t.min if t else None, ".2f") if t or wide else status,
            _fmt(t.median if t else None, ".2f"), _fmt(t.p90 if t else None, ".2f"), _fmt(t.max if t else None, ".2f"),
            f"{t.throttling.throttled_periods}/{t.throttling.periods}" if t and t.throttling else "",
            _fmt(report.gflop / (t.min * 1e-3) if t else None, ".1f"), "", "1.00x" if t else "",
            (f"{worst:.1e} (f64)" if wide else f"{worst:.0e}") if worst is not None else "",
        ])  # fmt: skip
    return rows


HEADERS = ["MKL", "link", "threading", "thr", "dtype", "status", "min ms", "median", "p90", "max", "throttled",
           "GFLOP/s", "sgemm", "x naive(1t)", "max |diff|"]
TABLE_HEADERS = ["MKL", "link", "threading", "thr", "dtype", "best ms", "median", "p90", "worst", "throttled",
                 "GFLOP/s", "sgemm", "×naive", "|diff|"]
LEGEND = ("thr: threads used, * MKL's own count (nothing set); throttled: quota periods in which the cgroup "
          "stopped the threads, of all periods the timed runs spanned (JSON: the time, summed over the CPUs)")


def render_text(report: BenchReport, stream: TextIO) -> None:
    out = [f"# {line}\n" for line in _heading(report)]
    rows = [HEADERS, *_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    for row in rows:
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n")
    for r in report.results:
        if r.status != "ok" and r.reason:
            out.append(f"{r.config.name}: {r.status}: {r.reason}\n")
    out.append(f"# {LEGEND}\n")
    for note in report.notes:
        out.append(f"note: {note}\n")
    out.append(f"\n{report.summary}\n")
    stream.write("".join(out))


# -- rich -------------------------------------------------------------------------------------------


def _listed(row: list[str]) -> str:
    """A table row as one line (the list form): ``2026.2 dynamic sequential 1 f32: best ms 12.30, median 12.51, ...``."""
    label = " ".join(cell for cell in row[:5] if cell)
    return f"{label}: " + ", ".join(f"{header} {cell}" for header, cell in zip(TABLE_HEADERS[5:], row[5:]) if cell)


def render_table(report: BenchReport, stream: TextIO) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from mkldoctor.output import fits

    con = console(stream)
    for line in _heading(report):
        con.print(Text(line, style="dim"), soft_wrap=True)
    table = Table(title="mkldoctor bench", title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                  collapse_padding=True, expand=False)
    for i, header in enumerate(TABLE_HEADERS):
        table.add_column(header, justify="right" if i >= 5 or header == "thr" else "left", no_wrap=True)
    statuses = [r.status for r in report.results] + (["ok" if report.naive.ok else "failed"] if report.naive else [])
    styles = {"ok": None, "failed": "red", "skipped": "dim"}
    rows = _rows(report, wide=False)
    for row, status in zip(rows, statuses):
        table.add_row(*row, style=styles.get(status))
    if fits(con, table):
        con.print(table)
    else:  # the list form: a cut cell would read "2026.2 dyn… sequen…"
        for row, status in zip(rows, statuses):
            con.print(Text(_listed(row), style=styles.get(status) or ""), soft_wrap=True)
    con.print(Text("×naive: speed over the forward without MKL at one thread (one-thread rows); |diff|: largest "
                   "difference of the last hidden state from the float64 forward (or the naive engine); " + LEGEND,
                   style="dim"), soft_wrap=True)

    short = _short_labels(report)
    median = report.quota.quota is not None  # under a quota the best run is a lucky one

    def shown_ms(t) -> float:
        return t.median if median else t.min

    bars = [(f"{short[r.config.install_root]} {r.config.link} {r.config.threading} {r.config.threads_label} "
             f"{r.config.dtype}", shown_ms(r.timing), "f16" if r.config.dtype == "f16" else "mkl")
            for r in report.results if r.timing]
    if report.naive and report.naive.timing:
        bars.append(("without MKL (naive) 1t f32", shown_ms(report.naive.timing), "naive"))
    if bars:
        longest = max(ms for _, ms, _ in bars)
        width = max(len(name) for name, _, _ in bars)
        below = con.width - width - 12 < 10  # no room beside the names: each bar under its name
        room = max(10, min(BAR_WIDTH, con.width - 12 if below else con.width - width - 12))
        con.print()
        con.print(Text(f"{'median' if median else 'best'} ms per forward (shorter is faster)", style="bold"))
        colour = {"mkl": "green", "f16": "yellow", "naive": "magenta"}
        for name, ms, kind in bars:
            filled = max(1, round(room * ms / longest))
            if below:
                con.print(Text(name), soft_wrap=True)
            line = Text("  " if below else name.ljust(width) + " ")
            line.append("█" * filled, style=colour[kind])
            line.append(f" {ms:.1f}")
            con.print(line, soft_wrap=True)
    shown: set[str] = set()
    for r in report.results:
        if r.status == "failed":
            con.print()
            con.print(Text(f"{r.config.name}: {r.reason}", style="red"), soft_wrap=True)
            signature = re.sub(r"\(\.text[^)]*\)|0x[0-9a-f]+", "", r.failure.key_line()) if r.failure else ""
            if r.failure is not None and signature not in shown:
                shown.add(signature)
                for line in r.failure.log.rstrip().splitlines()[-LOG_TAIL:]:
                    con.print(Text("  " + line, style="dim"), soft_wrap=True)
                con.print(Text("  (the command and whole log: --format json, build_failure)", style="dim"), soft_wrap=True)
    for note in report.notes:
        con.print(Text(f"note: {note}", style="yellow"), soft_wrap=True)
    con.print()
    con.print(Text(report.summary), soft_wrap=True)


def render(report: BenchReport, fmt: Format, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt is Format.json:
        write_json(document(report), stream)
    elif fmt is Format.table:
        render_table(report, stream)
    else:
        render_text(report, inert_stream(stream))


def render_failures(report: BenchReport, explained: list, stream: TextIO | None = None) -> None:
    """What failed, one line each (the table says it too), with what ``explain`` recognised in a failed build's
    log (``explained``: (result, findings) per failed configuration); then a naive engine that failed its check."""
    from mkldoctor.output.findings import render_text as render_findings

    stream = stream or sys.stderr
    for result, findings in explained:
        stream.write(f"mkldoctor: bench: {inert(result.config.name)}: {inert(result.reason)}\n")
        if findings:
            stream.write("mkldoctor: bench: what `mkldoctor explain` says of that failure:\n")
            render_findings(findings, stream)
    if report.naive is not None and not report.naive.ok:
        bad = next(c for c in report.naive.checks if not c.ok)
        stream.write(f"mkldoctor: bench: {inert(bad.one_line())}\n")

