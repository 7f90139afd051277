"""``mkldoctor link``: the link line for an installed MKL, checked against its files, and ``--verify``."""

from __future__ import annotations

from typing import Annotated

import typer

from mkldoctor.commands import options as opt
from mkldoctor.errors import EXIT_FINDING, EXIT_OK
from mkldoctor.knowledge import layout
from mkldoctor.output.formats import LinkFormat

# typer's choices, from the layout table: static/dynamic/sdl, lp64/ilp64, sequential/intel/gnu/tbb
LinkMode = opt.choice("LinkMode", layout.LINK_MODES)
Interface = opt.choice("Interface", layout.words("mkldoctor", "interface"))
Threading = opt.choice("Threading", layout.words("mkldoctor", "threading"))

Link = Annotated[LinkMode, typer.Option("--link", help="static archives, dynamic libraries, or sdl (libmkl_rt).")]
InterfaceOpt = Annotated[Interface, typer.Option("--interface", help=f"{layout.choices_text('interface', notes=True)}.")]
ThreadingOpt = Annotated[Threading, typer.Option("--threading", help=f"{layout.choices_text('threading', notes=True)}.")]
Install = opt.install("PATH (prefix, lib folder or sysroot) or VERSION (2026.2) of the MKL to link.")
Search = opt.search("Also look for MKL in this folder, for --install VERSION or the newest (repeatable).")
Verify = Annotated[bool, typer.Option("--verify", help="Build and run a tiny program the way --format says (cmake: a CMake project; pkg-config: pkg-config's flags); explain a failure.")]
Hgemm = Annotated[bool, typer.Option("--hgemm", help="With --verify: call hgemm_ (half precision, MKL 2021.4+) too.")]
Cc = Annotated[str, typer.Option("--cc", metavar="CC", help="The C compiler for --verify.")]


def link(
    link_mode: Link = LinkMode("dynamic"),
    interface: InterfaceOpt = Interface("lp64"),
    threading: ThreadingOpt = Threading("sequential"),
    install: Install = None,
    search: Search = None,
    fmt: opt.LinkFormat = LinkFormat.flags,
    verify: Verify = False,
    hgemm: Hgemm = False,
    cc: Cc = "gcc",
    verbose: opt.Verbose = False,
    quiet: opt.Quiet = False,
) -> None:
    """Print compile and link flags for an installed MKL, checked against its files.

    Refuses (exit 1), naming each missing file, when the install lacks one the
    configuration needs. With --verify, compiles and runs a program calling
    cblas_sgemm (and hgemm_ with --hgemm): exit 0 when it works, 1 when it fails,
    with the failure explained. Exit 2: usage error.
    """
    from mkldoctor.link.advice import link_advice
    from mkldoctor.link.linkline import LinkConfig
    from mkldoctor.output.link import render
    from mkldoctor.output.progress import progress

    config = LinkConfig(link_mode.value, interface.value, threading.value)
    folders = opt.folders(search)
    with progress("link", quiet=quiet, verbose=verbose) as say:
        advice = link_advice(install, config, fmt.value, cc=cc, check=verify, hgemm=hgemm, search=folders, progress=say)
    render(advice)
    raise typer.Exit(EXIT_OK if advice.ok else EXIT_FINDING)
