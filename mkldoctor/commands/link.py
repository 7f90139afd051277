"""``mkldoctor link``: the link line for an installed MKL, checked against its files, and ``--verify``."""

from __future__ import annotations

import enum
from typing import Annotated, Optional

import typer

from mkldoctor.errors import EXIT_FINDING, EXIT_OK
from mkldoctor.knowledge import layout

# typer's choices, from the layout table: static/dynamic/sdl, lp64/ilp64, sequential/intel/gnu/tbb
LinkMode = enum.Enum("LinkMode", [(mode, mode) for mode in layout.LINK_MODES], type=str)
Interface = enum.Enum("Interface", [(word, word) for word in layout.words("mkldoctor", "interface")], type=str)
Threading = enum.Enum("Threading", [(word, word) for word in layout.words("mkldoctor", "threading")], type=str)


class LinkFormat(str, enum.Enum):
    flags = "flags"
    cmake = "cmake"
    cargo = "cargo"
    pkg_config = "pkg-config"
    env = "env"
    json = "json"


def link(
    link_mode: Annotated[LinkMode, typer.Option("--link", help="static archives, dynamic libraries, or sdl (libmkl_rt).")] = LinkMode("dynamic"),
    interface: Annotated[Interface, typer.Option("--interface", help=f"{layout.choices_text('interface', notes=True)}.")] = Interface("lp64"),
    threading: Annotated[Threading, typer.Option("--threading", help=f"{layout.choices_text('threading', notes=True)}.")] = Threading("sequential"),
    install: Annotated[
        Optional[str], typer.Option("--install", "-i", help="PATH (prefix, lib folder or sysroot) or VERSION (2026.2) of the MKL to link.")
    ] = None,
    fmt: Annotated[LinkFormat, typer.Option("--format", help="flags, cmake, cargo, pkg-config, env or json.")] = LinkFormat.flags,
    verify: Annotated[bool, typer.Option("--verify", help="Build and run a tiny program the way --format says (cmake: a CMake project; pkg-config: pkg-config's flags); explain a failure.")] = False,
    hgemm: Annotated[bool, typer.Option("--hgemm", help="With --verify: call hgemm_ (half precision, MKL 2021.4+) too.")] = False,
    cc: Annotated[str, typer.Option("--cc", help="The C compiler for --verify.")] = "gcc",
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

    config = LinkConfig(link_mode.value, interface.value, threading.value)
    advice = link_advice(install, config, fmt.value, cc=cc, check=verify, hgemm=hgemm)
    render(advice)
    raise typer.Exit(EXIT_OK if advice.ok else EXIT_FINDING)
