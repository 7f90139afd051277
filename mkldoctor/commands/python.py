"""``mkldoctor python``: which BLAS, MKL and OpenMP runtime each package of a Python environment brings."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.errors import UsageError


def python(
    interpreter: Annotated[Optional[str], typer.Argument(
        metavar="[PYTHON]", help="The interpreter or environment folder (a venv, a conda prefix); default: the active "
                                 "environment (VIRTUAL_ENV, CONDA_PREFIX), else python3 on PATH.")] = None,
    modules: Annotated[Optional[str], typer.Option(
        "--import", help="Import these modules (comma-separated, in that order) in a child process of PYTHON and say "
                         "what it loaded: this runs the environment's code.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit, github or sarif.")] = "text",
) -> None:
    """What a process of a Python environment loads: each package's BLAS (MKL shared or linked in, OpenBLAS, BLIS),
    OpenMP runtimes and TBB, read from files without importing anything; then the clashes, with their fixes.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    import os

    from mkldoctor.findings import exit_status
    from mkldoctor.output.findings import CHOICES, FindingsFormat
    from mkldoctor.output.python import render_report
    from mkldoctor.runtime.pyimport import parse_modules
    from mkldoctor.runtime.pyreport import python_report

    if fmt not in {f.value for f in FindingsFormat}:
        raise UsageError(f"--format must be one of {CHOICES}, not {fmt!r}")
    wanted = parse_modules(modules) if modules is not None else None
    report = python_report(interpreter, wanted, os.environ)
    render_report(report, fmt)
    raise typer.Exit(exit_status(list(report.findings), strict))
