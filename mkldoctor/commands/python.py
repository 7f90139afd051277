"""``mkldoctor python``: which BLAS, MKL and OpenMP runtime each package of a Python environment brings."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.output.formats import FindingsFormat

Interpreter = Annotated[Optional[str], typer.Argument(
    metavar="[PYTHON]", help="The interpreter or environment folder (a venv, a conda prefix); default: the active "
                             "environment (VIRTUAL_ENV, CONDA_PREFIX), else python3 on PATH.")]
Modules = Annotated[Optional[str], typer.Option(
    "--import", metavar="MOD,MOD...", help="Import these modules (comma-separated, in that order) in a child process of "
                                           "PYTHON and say what it loaded: this runs the environment's code.")]


def python(
    interpreter: Interpreter = None,
    modules: Modules = None,
    ignore: opt.Ignore = None,
    strict: opt.Strict = False,
    fmt: opt.FindingsFormat = FindingsFormat.text,
    verbose: opt.Verbose = False,
    quiet: opt.Quiet = False,
) -> None:
    """What a process of a Python environment loads: each package's BLAS (MKL shared or linked in, OpenBLAS, BLIS),
    OpenMP runtimes and TBB, read from files without importing anything; then the clashes, with their fixes.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    import dataclasses
    import os

    from mkldoctor.findings import exit_status, without_ignored
    from mkldoctor.output.progress import progress
    from mkldoctor.output.python import render_report
    from mkldoctor.runtime.pyimport import parse_modules
    from mkldoctor.runtime.pyreport import python_report

    opt.known_rules(ignore)
    wanted = parse_modules(modules) if modules is not None else None
    with progress("reading the environment", quiet=quiet, verbose=verbose):
        report = python_report(interpreter, wanted, os.environ)
    shown, ignored = without_ignored(list(report.findings), ignore or ())
    render_report(dataclasses.replace(report, findings=tuple(shown)), fmt, ignored=ignored)
    raise typer.Exit(exit_status(shown, strict))
