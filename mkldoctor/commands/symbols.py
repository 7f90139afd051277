"""``mkldoctor symbols``: list or find symbols in ELF files and archives."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from mkldoctor.commands import options as opt
from mkldoctor.errors import EXIT_FINDING, EXIT_OK, EXIT_UNREADABLE, UsageError
from mkldoctor.output import Format


# the options, declared once here so that the command reads as its steps
Paths = Annotated[list[str], typer.Argument(metavar="PATH...", help="ELF files, .a/.rlib archives, or folders holding them.")]
Find = Annotated[Optional[list[str]], typer.Option(
    "--find", "-f", metavar="SYM", help="Say where SYM is defined and which MKL releases export it (repeatable); exit 1 if one is defined nowhere.")]
DefinedOnly = Annotated[bool, typer.Option("--defined-only", "-d", help="Only defined symbols.")]
UndefinedOnly = Annotated[bool, typer.Option("--undefined-only", "-u", help="Only undefined symbols.")]
ExternOnly = Annotated[bool, typer.Option("--extern-only", "-g", help="Only global and weak symbols.")]
Grep = Annotated[Optional[str], typer.Option("--grep", "-e", metavar="REGEX", help="Only names matching this regular expression.")]
Demangle = Annotated[bool, typer.Option("--demangle", "-C", help="Show C++ and Rust names demangled.")]
SymbolTable = opt.choice("SymbolTable", ("auto", "dynsym", "symtab"))
Table = Annotated[SymbolTable, typer.Option("--table", help="auto (.dynsym for shared objects, .symtab for objects), dynsym or symtab.")]


def symbols(
    paths: Paths,
    find: Find = None,
    defined_only: DefinedOnly = False,
    undefined_only: UndefinedOnly = False,
    extern_only: ExternOnly = False,
    grep: Grep = None,
    demangle: Demangle = False,
    table: Table = SymbolTable("auto"),
    fmt: opt.ListingFormat = Format.auto,
) -> None:
    """List the symbols of ELF files and archives, or find where symbols are defined.

    Exit status: 0 fine, 1 a --find symbol is defined nowhere, 2 usage error,
    3 some input could not be read (each problem is one line on stderr).
    """
    import re

    from mkldoctor import output
    from mkldoctor.binary import symbols as engine
    from mkldoctor.output import symbols as render

    if defined_only and undefined_only:
        raise UsageError("--defined-only and --undefined-only exclude each other")
    if grep is not None:
        try:
            re.compile(grep)
        except re.error as exc:
            raise UsageError(f"--grep: bad regular expression: {exc}")
    chosen = output.resolve(fmt)

    if find:
        from mkldoctor.knowledge import exports

        definitions, searched, problems = engine.find_symbols(paths, find)
        histories = {name: exports.history(name) for name in find}
        read = tuple(r.name for r in exports.releases())
        render.render_find(find, definitions, searched, problems, chosen, histories=histories, read=read)
        output.problem_lines(problems)
        missing = set(find) - {d.symbol for d in definitions}
        if problems:
            raise typer.Exit(EXIT_UNREADABLE)
        raise typer.Exit(EXIT_FINDING if missing else EXIT_OK)

    symbol_filter = engine.Filter(defined_only, undefined_only, extern_only, grep)
    files, problems = engine.list_symbols(paths, symbol_filter, table.value)
    names: dict[str, str] = {}
    if demangle or chosen is Format.table:
        from mkldoctor.binary.demangle import demangle_all

        names = demangle_all([s.name for _, syms in files for s in syms])
    render.render_listing(files, names, problems, chosen)
    output.problem_lines(problems)
    raise typer.Exit(EXIT_UNREADABLE if problems else EXIT_OK)
