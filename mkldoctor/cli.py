"""The command line: typer commands that hand off to the domain modules.

Each command parses its options, calls plain functions that return data or raise
:class:`~mkldoctor.errors.MkldoctorError`, and renders. Heavy modules are imported
inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mkldoctor import __version__
from mkldoctor.output import Format

app = typer.Typer(
    name="mkldoctor",
    help="A doctor for Intel MKL linking: finds every MKL, reads its symbols, explains link failures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_OK = 0
EXIT_FINDING = 1  # a symbol not found, an error finding
EXIT_USAGE = 2
EXIT_UNREADABLE = 3  # some input could not be read


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mkldoctor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """A doctor for Intel MKL linking."""


def fail(message: str, code: int = EXIT_USAGE) -> None:
    sys.stderr.write(f"mkldoctor: {message}\n")
    raise typer.Exit(code)


def guarded(func):
    """A command whose domain errors become one line on stderr and exit status 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from mkldoctor.errors import MkldoctorError

        try:
            return func(*args, **kwargs)
        except MkldoctorError as exc:
            fail(str(exc))

    return wrapper


@app.command()
@guarded
def symbols(
    paths: Annotated[list[str], typer.Argument(help="ELF files, .a/.rlib archives, or folders holding them.")],
    find: Annotated[
        Optional[list[str]],
        typer.Option("--find", "-f", help="Say where SYM is defined (repeatable); exit 1 if one is defined nowhere."),
    ] = None,
    defined_only: Annotated[bool, typer.Option("--defined-only", "-d", help="Only defined symbols.")] = False,
    undefined_only: Annotated[bool, typer.Option("--undefined-only", "-u", help="Only undefined symbols.")] = False,
    extern_only: Annotated[bool, typer.Option("--extern-only", "-g", help="Only global and weak symbols.")] = False,
    grep: Annotated[Optional[str], typer.Option("--grep", "-e", help="Only names matching this regular expression.")] = None,
    demangle: Annotated[bool, typer.Option("--demangle", "-C", help="Show C++ and Rust names demangled.")] = False,
    table: Annotated[
        str, typer.Option("--table", help="auto (.dynsym for shared objects, .symtab for objects), dynsym or symtab.")
    ] = "auto",
    fmt: Annotated[
        Format, typer.Option("--format", help="auto: a table on a terminal, nm-like text when piped.")
    ] = Format.auto,
) -> None:
    """List the symbols of ELF files and archives, or find where symbols are defined.

    Exit status: 0 fine, 1 a --find symbol is defined nowhere, 2 usage error,
    3 some input could not be read (each problem is one line on stderr).
    """
    import re

    from mkldoctor import output
    from mkldoctor import symbols as engine
    from mkldoctor.output import symbols as render

    if defined_only and undefined_only:
        fail("--defined-only and --undefined-only exclude each other")
    if table not in ("auto", "dynsym", "symtab"):
        fail(f"--table must be auto, dynsym or symtab, not {table!r}")
    if grep is not None:
        try:
            re.compile(grep)
        except re.error as exc:
            fail(f"--grep: bad regular expression: {exc}")
    chosen = output.resolve(fmt)

    if find:
        definitions, searched, problems = engine.find_symbols(paths, find)
        render.render_find(find, definitions, searched, problems, chosen)
        output.problem_lines(problems)
        missing = set(find) - {d.symbol for d in definitions}
        if problems:
            raise typer.Exit(EXIT_UNREADABLE)
        raise typer.Exit(EXIT_FINDING if missing else EXIT_OK)

    symbol_filter = engine.Filter(defined_only, undefined_only, extern_only, grep)
    files, problems = engine.list_symbols(paths, symbol_filter, table)
    names: dict[str, str] = {}
    if demangle or chosen is Format.table:
        from mkldoctor.demangle import demangle_all

        names = demangle_all([s.name for _, syms in files for s in syms])
    render.render_listing(files, names, problems, chosen)
    output.problem_lines(problems)
    raise typer.Exit(EXIT_UNREADABLE if problems else EXIT_OK)


@app.command("list")
@guarded
def list_(
    root: Annotated[str, typer.Option("--root", help="Look inside this sysroot (an unpacked image) instead of /.")] = "/",
    search: Annotated[
        Optional[list[str]], typer.Option("--search", "-s", help="Also look in this folder (repeatable; inside --root).")
    ] = None,
    symbol: Annotated[
        Optional[list[str]], typer.Option("--symbol", help="Symbols to look for in each copy (repeatable).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="auto: a tree on a terminal, text when piped; json.")] = Format.auto,
) -> None:
    """Find every MKL on the machine (or in --root) and say what each copy can link."""
    import os

    from mkldoctor import output
    from mkldoctor.discover import DEFAULT_SYMBOLS, discover
    from mkldoctor.output import inventory as render

    chosen = output.resolve(fmt)
    progress = None
    if chosen is Format.table and sys.stderr.isatty():
        status = output.console(stderr=True).status("looking for MKL")
        status.start()
        progress = lambda label: status.update(f"looking for MKL: {label}")  # noqa: E731
    else:
        status = None
    try:
        inventory = discover(root, search, project=os.getcwd() if root == "/" else None,
                             symbols=tuple(symbol) if symbol else DEFAULT_SYMBOLS, progress=progress)
    finally:
        if status:
            status.stop()
    render.render(inventory, chosen)


@app.command()
@guarded
def check(
    project: Annotated[str, typer.Argument(help="The project folder (Cargo, CMake, pyproject).")] = ".",
    root: Annotated[str, typer.Option("--root", help="Look for MKL inside this sysroot instead of /.")] = "/",
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
    fmt: Annotated[str, typer.Option("--format", help="text, json, junit or github.")] = "text",
) -> None:
    """Diagnose this machine and the project: every problem that will break or slow an MKL build, with the fix.

    Exit status: 0 nothing blocks, 1 an error finding (--strict: or a warning), 2 usage error.
    """
    from mkldoctor.check import run_check
    from mkldoctor.findings import exit_status
    from mkldoctor.output.findings import FindingsFormat, render

    try:
        chosen = FindingsFormat(fmt)
    except ValueError:
        fail(f"--format must be text, json, junit or github, not {fmt!r}")
    options = {"require-symbol": require_symbol or [], "link": link, "interface": interface,
               "threading": threading, "min-version": min_version}
    report = run_check(project, root, search, options)
    extra = {"command": "check",
             "picked": {"version": report.choice.version, "how": report.choice.how, "steps": report.choice.steps,
                        "lib_dir": report.choice.install.lib_dirs[0] if report.choice.install else None}}
    shown = report.findings
    if chosen is FindingsFormat.text and not verbose:
        shown = [f for f in shown if f.id != "scan-warning"]
    render(shown, chosen, suite="mkldoctor.check", extra=extra if chosen is FindingsFormat.json else None)
    raise typer.Exit(exit_status(report.findings, strict))


def _register() -> None:
    from mkldoctor.commands.bench import bench
    from mkldoctor.commands.explain import explain
    from mkldoctor.commands.link import link

    app.command(name="explain")(guarded(explain))
    app.command(name="link")(guarded(link))
    app.command(name="bench")(guarded(bench))


_register()


def main() -> None:
    """Console entry point: domain errors become one line, never a traceback."""
    from mkldoctor.errors import MkldoctorError

    try:
        app()
    except MkldoctorError as exc:
        sys.stderr.write(f"mkldoctor: {exc}\n")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        sys.stderr.write("mkldoctor: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # `mkldoctor symbols lib.a | head`: the reader left; that is not an error.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
