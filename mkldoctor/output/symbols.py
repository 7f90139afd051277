"""Rendering of ``mkldoctor symbols``: nm-like text, a rich table, or JSON (schema v1)."""

from __future__ import annotations

import sys
from typing import TextIO

from mkldoctor.binary.elf import Symbol
from mkldoctor.binary.symbols import Definition, FileSymbols, Problem
from mkldoctor.knowledge.exports import History, Span
from mkldoctor.inert import inert_stream
from mkldoctor.output import Format, console, markup, write_json

SCHEMA = "mkldoctor.symbols"
SCHEMA_VERSION = 1
FIND_SCHEMA_VERSION = 2  # 2: each symbol's "releases" from the export table
TABLE_ROW_LIMIT = 2000  # a terminal table of 65,000 rows helps nobody; text mode has them all


def _display(symbol: Symbol, names: dict[str, str]) -> str:
    name = names.get(symbol.name, symbol.name)
    if not symbol.version:
        return name
    return f"{name}{'@@' if symbol.default_version else '@'}{symbol.version}"


def listing_text(files: list[tuple[FileSymbols, list[Symbol]]], names: dict[str, str], stream: TextIO) -> None:
    """``nm -A`` lines: ``file[:member]:VALUE L name``, undefined values left blank."""
    out: list[str] = []
    for file, symbols in files:
        width = 16 if file.elf_class != 32 else 8
        blank = " " * width
        for symbol in symbols:
            prefix = f"{file.path}:{symbol.member}:" if symbol.member else f"{file.path}:"
            value = format(symbol.value, f"0{width}x") if symbol.defined else blank
            out.append(f"{prefix}{value} {symbol.letter} {_display(symbol, names)}\n")
            if len(out) >= 8192:
                stream.write("".join(out))
                out.clear()
    stream.write("".join(out))


def listing_table(files: list[tuple[FileSymbols, list[Symbol]]], names: dict[str, str], stream: TextIO) -> None:
    from rich.table import Table

    con = console(stream)
    for file, symbols in files:
        detail = [file.kind]
        if file.soname:
            detail.append(f"soname {file.soname}")
        if file.archive_index:
            detail.append(f"{file.archive_index} symbol index")
        elif file.kind in ("archive", "thin-archive", "rlib"):
            detail.append("no symbol index")
        if file.members:
            detail.append(f"{len(file.members)} members")
        defined = sum(1 for s in symbols if s.defined)
        detail.append(f"{defined} defined, {len(symbols) - defined} undefined shown")
        table = Table(title=f"{markup(file.path)}  ({markup(', '.join(detail))})", title_justify="left", expand=False)
        show_member = bool(file.members)
        if show_member:
            table.add_column("member", overflow="fold")
        table.add_column("", width=1)
        table.add_column("symbol", overflow="fold")
        table.add_column("bind/type")
        table.add_column("version")
        for symbol in symbols[:TABLE_ROW_LIMIT]:
            row = [markup(symbol.member or "")] if show_member else []
            style = None if symbol.defined else "yellow"
            row += [symbol.letter, markup(names.get(symbol.name, symbol.name)), markup(f"{symbol.binding}/{symbol.type}"),
                    markup(symbol.version or "")]
            table.add_row(*row, style=style)
        con.print(table)
        if len(symbols) > TABLE_ROW_LIMIT:
            con.print(
                f"[dim]{len(symbols) - TABLE_ROW_LIMIT} more rows not shown; "
                "narrow with --grep or see all with --format text[/dim]"
            )


def _symbol_json(symbol: Symbol, names: dict[str, str]) -> dict:
    entry = {
        "name": symbol.name,
        "defined": symbol.defined,
        "letter": symbol.letter,
        "binding": symbol.binding,
        "type": symbol.type,
        "value": symbol.value,
        "size": symbol.size,
        "version": symbol.version,
        "default_version": symbol.default_version,
        "member": symbol.member,
    }
    if symbol.name in names:
        entry["demangled"] = names[symbol.name]
    return entry


def _file_json(file: FileSymbols) -> dict:
    return {
        "path": file.path,
        "kind": file.kind,
        "machine": file.machine,
        "elf_class": file.elf_class,
        "soname": file.soname,
        "needed": file.needed,
        "table": file.table,
        "archive_index": file.archive_index,
        "members": [{"name": m.name, "kind": m.kind} for m in file.members],
    }


def listing_json(files, names, problems: list[Problem], stream: TextIO) -> None:
    write_json(
        {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "files": [
                {**_file_json(file), "symbols": [_symbol_json(s, names) for s in symbols]} for file, symbols in files
            ],
            "problems": [{"path": p.path, "message": p.message} for p in problems],
        },
        stream,
    )


def render_listing(files, names, problems, fmt: Format, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt is Format.json:
        listing_json(files, names, problems, stream)
    elif fmt is Format.table:
        listing_table(files, names, stream)
    else:
        listing_text(files, names, inert_stream(stream))


def _span_text(span: Span) -> str:
    text = f"{span.first} only" if len(span.releases) == 1 else f"{span.first} to {span.last}"
    if span.gaps:
        text += f", not {', '.join(span.gaps)}"
    if span.gone_since:
        text += ", the library gone since" if span.library_gone else ", gone since"
        text += f" {span.gone_since}"
    return text


def release_summary(history: History | None, read: tuple[str, ...]) -> str:
    """``exported by MKL 2021.4.0 to 2026.2.0 from libmkl_intel_lp64, libmkl_rt`` and the like."""
    if history is None:
        return f"exported by no MKL release read ({read[0]} to {read[-1]}, {len(read)} releases)"
    overall = history.overall
    parts = []
    for span in history.libraries:
        same = (span.releases, span.gaps, span.gone_since) == (overall.releases, overall.gaps, overall.gone_since)
        parts.append(span.library if same else f"{span.library} ({_span_text(span)})")
    text = f"exported by MKL {_span_text(overall)} from {', '.join(parts)}"
    if overall.unknown:
        text += f" (not read: {', '.join(overall.unknown)})"
    return text


def _span_json(span: Span) -> dict:
    return {
        "first": span.first,
        "last": span.last,
        "gaps": list(span.gaps),
        "gone_since": span.gone_since,
        "library_gone": span.library_gone,
        "unknown": list(span.unknown),
        "releases": list(span.releases),
    }


def _history_json(history: History | None) -> dict | None:
    if history is None:
        return None
    return {**_span_json(history.overall), "libraries": [{"library": s.library, **_span_json(s)} for s in history.libraries]}


def render_find(
    wanted: list[str],
    definitions: list[Definition],
    searched: list[str],
    problems: list[Problem],
    fmt: Format,
    stream: TextIO | None = None,
    histories: dict[str, History | None] | None = None,
    read: tuple[str, ...] = (),
) -> None:
    """Where each wanted symbol is defined; with ``histories``, which MKL releases export it."""
    stream = stream or sys.stdout
    histories = histories or {}
    by_name: dict[str, list[Definition]] = {name: [] for name in wanted}
    for definition in definitions:
        by_name[definition.symbol].append(definition)
    if fmt is Format.json:
        _find_json(by_name, searched, problems, histories, read, stream)
    elif fmt is Format.table:
        _find_table(by_name, len(wanted), searched, histories, read, stream)
    else:
        _find_text(by_name, searched, histories, read, stream)


def _find_json(by_name: dict[str, list[Definition]], searched: list[str], problems: list[Problem],
               histories: dict[str, History | None], read: tuple[str, ...], stream: TextIO) -> None:
    write_json(
        {
            "schema": SCHEMA + ".find",
            "version": FIND_SCHEMA_VERSION,
            "searched": searched,
            "releases_read": list(read),
            "symbols": [
                {
                    "name": name,
                    "found": bool(hits),
                    "definitions": [
                        {"path": d.path, "member": d.member, "via": d.via, "version": d.version, "type": d.type}
                        for d in hits
                    ],
                    "releases": _history_json(histories.get(name)),
                }
                for name, hits in by_name.items()
            ],
            "problems": [{"path": p.path, "message": p.message} for p in problems],
        },
        stream,
    )


def _find_table(by_name: dict[str, list[Definition]], asked: int, searched: list[str],
                histories: dict[str, History | None], read: tuple[str, ...], stream: TextIO) -> None:
    from rich.table import Table

    table = Table(title=f"where {asked} symbol(s) are defined, in {len(searched)} file(s)", title_justify="left")
    table.add_column("symbol")
    table.add_column("defined in", overflow="fold")
    table.add_column("type")
    table.add_column("found by")
    for name, hits in by_name.items():
        if not hits:
            table.add_row(markup(name), "[red]not defined in any file searched[/red]", "", "")
        for d in hits:
            place = f"{d.path}({d.member})" if d.member else d.path
            table.add_row(markup(name), markup(place), markup(d.type or ""), d.via)
    con = console(stream)
    con.print(table)
    if read:
        releases = Table(title=f"which MKL releases export them ({len(read)} releases read)", title_justify="left")
        releases.add_column("symbol")
        releases.add_column("MKL releases", overflow="fold")
        for name in by_name:
            releases.add_row(markup(name), markup(release_summary(histories.get(name), read)))
        con.print(releases)


def _find_text(by_name: dict[str, list[Definition]], searched: list[str], histories: dict[str, History | None],
               read: tuple[str, ...], stream: TextIO) -> None:
    stream = inert_stream(stream)
    for name, hits in by_name.items():
        if not hits:
            stream.write(f"{name}\tNOT FOUND\t(searched {len(searched)} file(s))\n")
        for d in hits:
            place = f"{d.path}({d.member})" if d.member else d.path
            version = f"@{d.version}" if d.version else ""
            stream.write(f"{name}{version}\t{place}\t{d.type or ''}\t{d.via}\n")
        if read:
            stream.write(f"{name}\tMKL releases: {release_summary(histories.get(name), read)}\n")
