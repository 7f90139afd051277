"""``mkldoctor deps``: what a binary needs of MKL and OpenMP at run time."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.errors import EXIT_FINDING, EXIT_OK
from mkldoctor.knowledge import layout
from mkldoctor.output.formats import DepsFormat

Binary = Annotated[str, typer.Argument(metavar="BINARY", help="The executable or shared library (a path inside --root or --image).")]
Cpu = Annotated[str, typer.Option("--cpu", metavar="ISA", help="native (observed by a probe on this CPU), all (every kernel), or an ISA: " + ", ".join(layout.kernel_isas()) + ".")]
Env = Annotated[Optional[list[str]], typer.Option("--env", metavar="VAR=VALUE", help="A variable the program runs with (LD_LIBRARY_PATH, MKL_THREADING_LAYER...; repeatable; over an image's ENV).")]
Search = opt.search("A folder on this machine with MKL to probe with and to compare a static binary with (repeatable).")
Installs = opt.installs("An MKL copy on this machine (its prefix or lib folder) to probe with and to compare a static binary with.")
Run = Annotated[bool, typer.Option("--run", help="Let --cpu native's probe run the program's own MKL (in --root, or beside the program): a small program linked with those libraries, run once (their code runs). Off by default: only MKL installed on this machine or in --search is run; an image's never.")]
Stage = Annotated[str, typer.Option("--stage", metavar="STAGE", help="With --format copy: the build stage the files come from.")]
Verbose = opt.verbose("each missing file's whole search, not one search for them all")


def deps(
    binary: Binary,
    root: opt.Root = "/",
    image: opt.Image = None,
    max_image_size: opt.MaxImageSize = "8G",
    max_image_entries: opt.MaxImageEntries = 1_000_000,
    cpu: Cpu = "native",
    env: Env = None,
    search: Search = None,
    install: Installs = None,
    run: Run = False,
    fmt: opt.DepsFormat = DepsFormat.auto,
    stage: Stage = "build",
    verbose: Verbose = False,
    quiet: opt.Quiet = False,
) -> None:
    """The shared files BINARY needs of MKL and OpenMP at run time, as the loader and MKL find them.

    Exit status: 0 every file is there, 1 some are missing, 2 usage error.
    """
    from mkldoctor import output
    from mkldoctor.output import deps as render
    from mkldoctor.output.progress import progress
    from mkldoctor.runtime.deps import compute_deps, parse_env

    run_env = parse_env(env)
    folders = opt.folders(search, install)  # folders on this machine, whatever --root or --image is
    with progress("deps", quiet=quiet, verbose=verbose) as say:
        if image:
            opened = opt.image_root(image, root, [binary], max_image_size, max_image_entries, quiet=quiet, progress=say)
            root, run_env = opened.root, {**opened.env, **run_env}  # the image's ENV, then --env
        report = compute_deps(binary, root, run_env, cpu, folders, image=image, run=run, progress=say)
    chosen = output.resolve(fmt)
    if chosen is DepsFormat.copy:
        render.render_copy(report, stage=stage)
    elif chosen is DepsFormat.json:
        render.render_json(report)
    elif chosen is DepsFormat.table:
        render.render_table(report, verbose=verbose)
    else:
        render.render_text(report, verbose=verbose)
    raise typer.Exit(EXIT_FINDING if report.missing else EXIT_OK)
