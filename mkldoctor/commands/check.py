"""``mkldoctor check``: the main job, diagnose the machine and the project."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import MaxImageEntries, MaxImageSize
from mkldoctor.commands.build_options import AllFeatures, Configure, Defines, Features, NoDefaultFeatures, Preset
from mkldoctor.errors import UsageError
from mkldoctor.knowledge import layout


def check(
    project: Annotated[str, typer.Argument(help="The project folder (Cargo, CMake, pyproject); with --image, a binary inside the image.")] = ".",
    root: Annotated[str, typer.Option("--root", help="Look for MKL inside this sysroot instead of /.")] = "/",
    image: Annotated[Optional[str], typer.Option("--image", help="Look inside this image (docker save tarball, OCI layout folder or tar); with BINARY, check what it needs at run time.")] = None,
    max_image_size: MaxImageSize = "8G",
    max_image_entries: MaxImageEntries = 1_000_000,
    host_search: Annotated[Optional[list[str]], typer.Option("--host-search", help="With --image: a folder on this machine with MKL (the probe, and where a missing file is).")] = None,
    search: Annotated[Optional[list[str]], typer.Option("--search", "-s", help="Also look for MKL in this folder.")] = None,
    require_symbol: Annotated[
        Optional[list[str]], typer.Option("--require-symbol", help="A symbol the build needs (repeatable).")
    ] = None,
    link: Annotated[Optional[str], typer.Option("--link", help=f"{', '.join(layout.LINK_MODES[:-1])} or {layout.LINK_MODES[-1]}.")] = None,
    interface: Annotated[Optional[str], typer.Option("--interface", help=f"{layout.choices_text('interface')}.")] = None,
    threading: Annotated[Optional[str], typer.Option("--threading", help=f"{layout.choices_text('threading')}.")] = None,
    min_version: Annotated[Optional[str], typer.Option("--min-version", help="Oldest MKL acceptable, e.g. 2021.4.")] = None,
    run: Annotated[bool, typer.Option("--run", help="Let the kernel probe run the project's or --root's own MKL: a small program linked with those libraries, run once (their code runs). Off by default: only MKL installed on this machine or named with --search/--host-search is run; an image's never.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also show scan notes.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit, github (annotations) or sarif (code scanning).")] = "text",
    define: Defines = None,
    preset: Preset = None,
    features: Features = None,
    all_features: AllFeatures = False,
    no_default_features: NoDefaultFeatures = False,
    configure: Configure = False,
) -> None:
    """Diagnose this machine and the project: every problem that will break or slow an MKL build, with the fix.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    from mkldoctor.diagnose.options import CheckOptions
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
        opened = image_root(image, root, [binary] if binary else [], max_image_size, max_image_entries)
        root = opened.root
    from mkldoctor.commands.build_options import build_options

    build = build_options(define, preset, features, all_features, no_default_features, configure)
    options = CheckOptions(tuple(require_symbol or ()), link, interface, threading, min_version, build=build)
    result = checkup(project, root, options, search=search, image=opened, binary=binary, host_search=host_search, run=run)
    shown = [f for f in result.findings if verbose or chosen is not FindingsFormat.text or f.id != "scan-warning"]
    extra = {"command": "check", "picked": result.picked} if chosen is FindingsFormat.json else None
    render(shown, chosen, suite="mkldoctor.check", extra=extra, base=project, anchor=result.anchor)
    raise typer.Exit(exit_status(list(result.findings), strict))
