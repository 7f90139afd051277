"""``mkldoctor check``: the main job, diagnose the machine and the project."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.commands.build_options import AllFeatures, Configure, Defines, Features, NoDefaultFeatures, Preset
from mkldoctor.knowledge import layout
from mkldoctor.output.formats import FindingsFormat

# the words of --link, --interface and --threading: choices typer shows and completes (and refuses others)
LinkMode = opt.choice("LinkMode", layout.LINK_MODES)
Interface = opt.choice("Interface", layout.words("mkldoctor", "interface"))
Threading = opt.choice("Threading", layout.words("mkldoctor", "threading"))

Project = Annotated[str, typer.Argument(
    metavar="[PROJECT]", help="The project folder (Cargo, CMake, pyproject); with --image, a binary inside the image.")]
HostSearch = Annotated[Optional[list[str]], typer.Option(
    "--host-search", metavar="DIR", help="With --image: a folder on this machine with MKL (the probe, and where a missing file is).")]
RequireSymbol = Annotated[Optional[list[str]], typer.Option(
    "--require-symbol", metavar="SYM", help="A symbol the build needs (repeatable).")]
Link = Annotated[Optional[LinkMode], typer.Option("--link", help="How the build links MKL.")]
InterfaceOpt = Annotated[Optional[Interface], typer.Option("--interface", help=f"{layout.choices_text('interface')}.")]
ThreadingOpt = Annotated[Optional[Threading], typer.Option("--threading", help=f"{layout.choices_text('threading')}.")]
MinVersion = Annotated[Optional[str], typer.Option("--min-version", metavar="VERSION", help="Oldest MKL acceptable, e.g. 2021.4.")]
Verbose = opt.verbose("also the scan's notes")
Run = Annotated[bool, typer.Option("--run", help="Let the kernel probe run the project's or --root's own MKL: a small program linked with those libraries, run once (their code runs). Off by default: only MKL installed on this machine or named with --search/--host-search is run; an image's never.")]


def check(
    project: Project = ".",
    root: opt.Root = "/",
    image: opt.Image = None,
    max_image_size: opt.MaxImageSize = "8G",
    max_image_entries: opt.MaxImageEntries = 1_000_000,
    host_search: HostSearch = None,
    search: opt.Search = None,
    install: opt.Installs = None,
    require_symbol: RequireSymbol = None,
    link: Link = None,
    interface: InterfaceOpt = None,
    threading: ThreadingOpt = None,
    min_version: MinVersion = None,
    run: Run = False,
    ignore: opt.Ignore = None,
    strict: opt.Strict = False,
    verbose: Verbose = False,
    quiet: opt.Quiet = False,
    fmt: opt.FindingsFormat = FindingsFormat.text,
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
    from mkldoctor.output.findings import render
    from mkldoctor.output.progress import progress
    from mkldoctor.runtime.checkup import checkup

    opt.known_rules(ignore)
    binary, opened = None, None
    with progress("check", quiet=quiet, verbose=verbose) as say:
        if image:
            binary = project if project != "." else None
            project = "."
            opened = opt.image_root(image, root, [binary] if binary else [], max_image_size, max_image_entries,
                                    quiet=quiet, progress=say)
            root = opened.root
        folders = opt.folders(search, install, root, image)
        opt.folders(host_search, None, "/", None, flag="--host-search")
        from mkldoctor.commands.build_options import build_options

        build = build_options(define, preset, features, all_features, no_default_features, configure)
        options = CheckOptions(tuple(require_symbol or ()), link and link.value, interface and interface.value,
                               threading and threading.value, min_version, ignore=tuple(ignore or ()), build=build)
        result = checkup(project, root, options, search=folders, image=opened, binary=binary, host_search=host_search,
                         run=run, progress=say)
    shown = [f for f in result.findings if verbose or fmt is not FindingsFormat.text or f.id != "scan-warning"]
    extra = {"command": "check", "picked": result.picked} if fmt is FindingsFormat.json else None
    render(shown, fmt, suite="mkldoctor.check", extra=extra, base=project, anchor=result.anchor, ignored=list(result.ignored))
    raise typer.Exit(exit_status(list(result.findings), strict))
