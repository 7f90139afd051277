"""``mkldoctor deps``: what a binary needs of MKL and OpenMP at run time."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import MaxImageEntries, MaxImageSize
from mkldoctor.errors import EXIT_FINDING, EXIT_OK, UsageError
from mkldoctor.knowledge import layout


def deps(
    binary: Annotated[str, typer.Argument(help="The executable or shared library (a path inside --root or --image).")],
    root: Annotated[str, typer.Option("--root", help="Resolve inside this sysroot (an unpacked image) instead of /.")] = "/",
    image: Annotated[Optional[str], typer.Option("--image", help="Resolve inside this image: a docker save tarball or an OCI layout (folder or tar).")] = None,
    max_image_size: MaxImageSize = "8G",
    max_image_entries: MaxImageEntries = 1_000_000,
    cpu: Annotated[str, typer.Option("--cpu", help="native (observed by a probe on this CPU), all (every kernel), or an ISA: " + ", ".join(layout.kernel_isas()) + ".")] = "native",
    env: Annotated[Optional[list[str]], typer.Option("--env", help="VAR=VALUE the program runs with (LD_LIBRARY_PATH, MKL_THREADING_LAYER...; repeatable; over an image's ENV).")] = None,
    search: Annotated[Optional[list[str]], typer.Option("--search", "-s", help="A folder on this machine with MKL to probe with and to compare a static binary with.")] = None,
    run: Annotated[bool, typer.Option("--run", help="Let --cpu native's probe run the program's own MKL (in --root, or beside the program): a small program linked with those libraries, run once (their code runs). Off by default: only MKL installed on this machine or in --search is run; an image's never.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, copy (Dockerfile COPY --from=build lines) or json.")] = "table",
    stage: Annotated[str, typer.Option("--stage", help="With --format copy: the build stage the files come from.")] = "build",
) -> None:
    """The shared files BINARY needs of MKL and OpenMP at run time, as the loader and MKL find them.

    Exit status: 0 every file is there, 1 some are missing, 2 usage error.
    """
    from mkldoctor.output import deps as render
    from mkldoctor.runtime.deps import compute_deps, parse_env

    if fmt not in ("table", "copy", "json"):
        raise UsageError(f"--format must be table, copy or json, not {fmt!r}")
    run_env = parse_env(env)
    if image:
        from mkldoctor.commands import image_root

        opened = image_root(image, root, [binary], max_image_size, max_image_entries)
        root, run_env = opened.root, {**opened.env, **run_env}  # the image's ENV, then --env
    report = compute_deps(binary, root, run_env, cpu, search, image=image, run=run)
    if fmt == "copy":
        render.render_copy(report, stage=stage)
    else:
        {"table": render.render_table, "json": render.render_json}[fmt](report)
    raise typer.Exit(EXIT_FINDING if report.missing else EXIT_OK)
