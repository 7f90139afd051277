"""``mkldoctor check``: the main job, diagnose the machine and the project."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.errors import UsageError


def check(
    project: Annotated[str, typer.Argument(help="The project folder (Cargo, CMake, pyproject); with --image, a binary inside the image.")] = ".",
    root: Annotated[str, typer.Option("--root", help="Look for MKL inside this sysroot instead of /.")] = "/",
    image: Annotated[Optional[str], typer.Option("--image", help="Look inside this image (docker save tarball, OCI layout folder or tar); with BINARY, check what it needs at run time.")] = None,
    host_search: Annotated[Optional[list[str]], typer.Option("--host-search", help="With --image: a folder on this machine with MKL (the probe, and where a missing file is).")] = None,
    search: Annotated[Optional[list[str]], typer.Option("--search", "-s", help="Also look for MKL in this folder.")] = None,
    require_symbol: Annotated[
        Optional[list[str]], typer.Option("--require-symbol", help="A symbol the build needs (repeatable).")
    ] = None,
    link: Annotated[Optional[str], typer.Option("--link", help="static, dynamic or sdl.")] = None,
    interface: Annotated[Optional[str], typer.Option("--interface", help="lp64 or ilp64.")] = None,
    threading: Annotated[Optional[str], typer.Option("--threading", help="sequential, intel, gnu or tbb.")] = None,
    min_version: Annotated[Optional[str], typer.Option("--min-version", help="Oldest MKL acceptable, e.g. 2021.4.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show scan notes.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit, github (annotations) or sarif (code scanning).")] = "text",
) -> None:
    """Diagnose this machine and the project: every problem that will break or slow an MKL build, with the fix.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    from mkldoctor.findings import exit_status
    from mkldoctor.output.findings import CHOICES, FindingsFormat, render
    from mkldoctor.runtime.checkup import checkup

    try:
        chosen = FindingsFormat(fmt)
    except ValueError:
        raise UsageError(f"--format must be one of {CHOICES}, not {fmt!r}")
    binary, opened = None, None
    if image:
        from mkldoctor.commands import image_root

        binary = project if project != "." else None
        project = "."
        opened = image_root(image, root, [binary] if binary else [])
        root = opened.root
    options = {"require-symbol": require_symbol or [], "link": link, "interface": interface,
               "threading": threading, "min-version": min_version}
    result = checkup(project, root, search, options, image=opened, binary=binary, host_search=host_search)
    shown = [f for f in result.findings if verbose or chosen is not FindingsFormat.text or f.id != "scan-warning"]
    extra = {"command": "check", "picked": result.picked} if chosen is FindingsFormat.json else None
    render(shown, chosen, suite="mkldoctor.check", extra=extra, base=project, anchor=result.anchor)
    raise typer.Exit(exit_status(list(result.findings), strict))
