"""``mkldoctor link``: the link line for an installed MKL, checked against its files, and ``--verify``."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Optional

import typer

from mkldoctor.errors import EXIT_FINDING, EXIT_OK


class LinkMode(str, enum.Enum):
    static = "static"
    dynamic = "dynamic"
    sdl = "sdl"


class Interface(str, enum.Enum):
    lp64 = "lp64"
    ilp64 = "ilp64"


class Threading(str, enum.Enum):
    sequential = "sequential"
    intel = "intel"
    gnu = "gnu"
    tbb = "tbb"


class LinkFormat(str, enum.Enum):
    flags = "flags"
    cmake = "cmake"
    cargo = "cargo"
    pkg_config = "pkg-config"
    env = "env"
    json = "json"


def link(
    link_mode: Annotated[LinkMode, typer.Option("--link", help="static archives, dynamic libraries, or sdl (libmkl_rt).")] = LinkMode.dynamic,
    interface: Annotated[Interface, typer.Option("--interface", help="lp64 (32-bit integers) or ilp64 (64-bit).")] = Interface.lp64,
    threading: Annotated[Threading, typer.Option("--threading", help="sequential, intel (libiomp5), gnu (libgomp) or tbb.")] = Threading.sequential,
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
    from mkldoctor.discover.choose import choose_install
    from mkldoctor.inventory.install import label
    from mkldoctor.link import linkline

    chosen, _others = choose_install(install)
    config = linkline.LinkConfig(link_mode.value, interface.value, threading.value)
    line = linkline.advise(chosen, config, cc=cc)
    sys.stdout.write(linkline.render(line, fmt.value))
    if not verify:
        raise typer.Exit(EXIT_OK)
    sys.stdout.flush()
    from mkldoctor.link.verify_format import route, verify_format

    result = verify_format(line, fmt.value, hgemm=hgemm, cc=cc)
    if result.ok:
        sys.stderr.write(f"mkldoctor: verified {route(fmt.value, line)}: {result.output.strip()} ({label(chosen)}, {config.name})\n")
        raise typer.Exit(EXIT_OK)
    sys.stderr.write(f"mkldoctor: verification failed at the {result.stage} step ({label(chosen)}, {config.name}); the log:\n")
    sys.stderr.write("".join("  | " + l + "\n" for l in result.log.strip().splitlines()[-40:]))
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain as run_explain
    from mkldoctor.output.findings import render

    findings = run_explain(logparse.parse_bytes(result.log.encode()), [chosen] + _others)
    render(findings, "text", sys.stderr)
    raise typer.Exit(EXIT_FINDING)
