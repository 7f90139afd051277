"""Rendering of findings (``explain``, ``check``): rich text, JSON, JUnit XML, GitHub annotations, SARIF.

Each renderer writes a list of :class:`~mkldoctor.findings.Finding` to a stream and
decides nothing. Text respects NO_COLOR and never colours a pipe.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Sequence, TextIO

from mkldoctor import __version__
from mkldoctor.findings import Finding, Location, Recipe
from mkldoctor.inert import inert, inert_lines
from mkldoctor.output import console, markup, write_json
from mkldoctor.output.formats import FINDINGS, FindingsFormat, choices

SCHEMA = "mkldoctor.findings"
SCHEMA_VERSION = 2  # 2: "tool" (name, version), "paths_relative_to", each finding's "locations"

_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


CHOICES = choices(FINDINGS)  # "text, json, junit, github, sarif": the one list help and errors name


def render(findings: list[Finding], fmt: FindingsFormat | str, stream: TextIO | None = None, *, suite: str = "mkldoctor",
           extra: dict | None = None, base: str = ".", anchor: Location | None = None, ignored: list[Finding] = (),
           about_input: Sequence[str] = ()) -> None:
    """``base``: the folder the findings' relative location paths are relative to (the project, for check);
    ``anchor``: where SARIF places a finding that has no line of its own (the project's build file, the log);
    ``ignored``: the findings ``--ignore`` left out, counted in text and JSON, absent from the rest;
    ``about_input``: lines the text report says of its input, after the findings and before the count (where
    explain's log comes from)."""
    stream = stream or sys.stdout
    fmt = FindingsFormat(fmt)
    if fmt is FindingsFormat.json:
        render_json(findings, stream, {**(extra or {}), "ignored": ignored_json(ignored)}, base)
    elif fmt is FindingsFormat.junit:
        render_junit(findings, stream, suite)
    elif fmt is FindingsFormat.github:
        render_github(findings, stream, base)
    elif fmt is FindingsFormat.sarif:
        from mkldoctor.output.sarif import render_sarif

        render_sarif(findings, stream, base=base, anchor=anchor)
    else:
        render_text(findings, stream, ignored, about_input)


def ignored_json(ignored: list[Finding]) -> dict:
    """``{"count": 3, "rules": {"several-versions": 1, ...}}``: what --ignore left out, by rule."""
    rules: dict[str, int] = {}
    for finding in ignored:
        rules[finding.id] = rules.get(finding.id, 0) + 1
    return {"count": len(ignored), "rules": rules}


def ignored_line(ignored: list[Finding]) -> str:
    """``3 ignored (several-versions, pkgconfig-missing-files)``, or "" when none was."""
    if not ignored:
        return ""
    return f"{len(ignored)} ignored ({', '.join(ignored_json(ignored)['rules'])})"


def recipes_of(findings: list[Finding]) -> list[Recipe]:
    """Each recipe the findings refer to, once, in order of first use."""
    seen: dict[str, Recipe] = {}
    for finding in findings:
        for recipe in finding.recipes:
            seen.setdefault(recipe.name, recipe)
    return list(seen.values())


def summary(findings: list[Finding]) -> dict[str, int]:
    return {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}


def render_text(findings: list[Finding], stream: TextIO, ignored: list[Finding] = (), about_input: Sequence[str] = ()) -> None:
    """The findings, their recipes once, what ``about_input`` says of the input, and the count."""
    rich_escape = markup  # inert, then rich's brackets escaped: rich alone would drop BEL and keep ESC

    con = console(stream)
    con.soft_wrap = True  # commands must stay pasteable: never wrapped by rich
    if not findings:
        con.print("no MKL link or load problem found in the input" + (f"; {rich_escape(ignored_line(ignored))}" if ignored else ""))
        return
    for number, finding in enumerate(findings, 1):
        if number > 1:
            con.print()
        style = _STYLE.get(finding.severity, "bold")
        con.print(f"[{style}]{finding.severity}[/{style}][dim]\\[{rich_escape(finding.id)}][/dim]: [bold]{rich_escape(finding.title)}[/bold]")
        for line in finding.evidence:
            con.print(f"  {rich_escape(line)}")
        if finding.explanation:
            con.print(f"[bold]why[/bold]: {rich_escape(finding.explanation)}")
        if finding.fix:
            con.print("[bold green]fix[/bold green]:")
            for line in finding.fix:
                con.print(f"  {rich_escape(line)}")
        if finding.confirm:
            con.print("[bold]confirm[/bold]:")
            for line in finding.confirm:
                con.print(f"  {rich_escape(line)}")
    for recipe in recipes_of(findings):
        con.print(f"\n[bold green]recipe[/bold green] [bold]{rich_escape(recipe.name)}[/bold]:")
        for line in recipe.lines:
            con.print(f"  {rich_escape(line)}")
    if about_input:
        con.print()
    for line in about_input:
        con.print(f"[dim]{rich_escape(line)}[/dim]")
    counts = summary(findings)
    also = f", {rich_escape(ignored_line(ignored))}" if ignored else ""
    con.print(f"\n{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s){also}")


def render_json(findings: list[Finding], stream: TextIO, extra: dict | None = None, base: str = ".") -> None:
    import os

    document = {"schema": SCHEMA, "version": SCHEMA_VERSION, "tool": {"name": "mkldoctor", "version": __version__},
                "paths_relative_to": os.path.abspath(base), "summary": summary(findings),
                "findings": [_as_json(f) for f in findings],
                "recipes": {r.name: list(r.lines) for r in recipes_of(findings)}}
    if extra:
        document.update(extra)
    write_json(document, stream)


def _as_json(finding: Finding) -> dict:
    entry = asdict(finding)
    for key in ("evidence", "fix", "confirm"):
        entry[key] = list(entry[key])
    entry["recipes"] = [r.name for r in finding.recipes]  # the lines are in the document's "recipes", once
    entry["locations"] = [dict(where) for where in entry["locations"]]
    return entry


def _body(finding: Finding) -> str:
    parts = list(finding.evidence)
    if finding.explanation:
        parts.append("why: " + finding.explanation)
    if finding.fix:
        parts.append("fix:")
        parts.extend("  " + line for line in finding.fix)
    if finding.confirm:
        parts.append("confirm:")
        parts.extend("  " + line for line in finding.confirm)
    for recipe in finding.recipes:  # an annotation or a test case stands alone: its recipes go with it
        parts.append(f"recipe {recipe.name}:")
        parts.extend("  " + line for line in recipe.lines)
    return "\n".join(parts)


def render_junit(findings: list[Finding], stream: TextIO, suite: str = "mkldoctor") -> None:
    from xml.sax.saxutils import escape, quoteattr  # pulls in urllib: only when JUnit is asked for

    failures = sum(1 for f in findings if f.severity == "error")
    cases = findings or []
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(
        f"<testsuites><testsuite name={quoteattr(suite)} tests=\"{max(len(cases), 1)}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    )
    if not cases:
        stream.write(f'  <testcase classname={quoteattr(suite)} name="no problem found"/>\n')
    for finding in cases:
        # inert first: XML 1.0 has no way to write most control characters, not even escaped
        title = inert(finding.title)
        name = quoteattr(f"{inert(finding.id)}: {title}")
        stream.write(f"  <testcase classname={quoteattr(suite + '.' + finding.severity)} name={name}>\n")
        body = escape(inert_lines(_body(finding)))
        if finding.severity == "error":
            stream.write(f"    <failure message={quoteattr(title)} type={quoteattr(inert(finding.id))}>{body}</failure>\n")
        else:
            stream.write(f"    <system-out>{escape(finding.severity)}: {body}</system-out>\n")
        stream.write("  </testcase>\n")
    stream.write("</testsuite></testsuites>\n")


def _gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_property(text: str) -> str:
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_place(where: Location | None, base: str) -> str:
    """``file=main.c,line=4,col=3,`` for a finding with a line: the path from the folder mkldoctor runs in (the
    checkout root, in CI), as GitHub reads it."""
    if where is None:
        return ""
    from mkldoctor.output.sarif import shown_path

    parts = [f"file={_gh_escape_property(inert(shown_path(where, base)[0]))}", f"line={max(1, where.line)}"]
    if where.end_line:
        parts.append(f"endLine={where.end_line}")
    if where.column:
        parts.append(f"col={where.column}")
    return ",".join(parts) + ","


def render_github(findings: list[Finding], stream: TextIO, base: str = ".") -> None:
    """GitHub Actions workflow commands: ``::error file=F,line=N,title=...::message`` (file and line where the
    finding has them)."""
    for finding in findings:
        level = _GH_LEVEL.get(finding.severity, "notice")
        title = _gh_escape_property(inert(f"{finding.id}: {finding.title}"))
        place = _gh_place(finding.locations[0] if finding.locations else None, base)
        stream.write(f"::{level} {place}title={title}::{_gh_escape_data(inert_lines(_body(finding) or finding.title))}\n")
