"""Rendering of findings (``check`` and ``explain``): text, JSON (schema v1), JUnit XML, GitHub annotations."""

from __future__ import annotations

import enum
import sys
from typing import TextIO
from xml.sax.saxutils import escape as xml_escape, quoteattr

from mkldoctor.findings import Finding
from mkldoctor.output import console, write_json

SCHEMA = "mkldoctor.findings"
SCHEMA_VERSION = 1


class FindingFormat(str, enum.Enum):
    auto = "auto"
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


def finding_json(finding: Finding) -> dict:
    return {"id": finding.id, "severity": finding.severity, "title": finding.title, "evidence": list(finding.evidence),
            "fix": list(finding.fix), "explanation": finding.explanation, "confirm": list(finding.confirm)}


def render_json(findings: list[Finding], command: str, extra: dict | None, stream: TextIO) -> None:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    write_json({"schema": SCHEMA, "version": SCHEMA_VERSION, "command": command, "summary": counts,
                "findings": [finding_json(f) for f in findings], **(extra or {})}, stream)


def render_junit(findings: list[Finding], command: str, stream: TextIO) -> None:
    failures = sum(1 for f in findings if f.severity == "error")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="mkldoctor {command}" tests="{len(findings)}" failures="{failures}">',
             f'  <testsuite name="mkldoctor.{command}" tests="{len(findings)}" failures="{failures}">']
    for f in findings:
        lines.append(f"    <testcase classname={quoteattr('mkldoctor.' + f.id)} name={quoteattr(f.title)}>")
        body = "\n".join(["evidence:", *f.evidence, "fix:", *f.fix])
        if f.severity == "error":
            lines.append(f"      <failure type={quoteattr(f.id)} message={quoteattr(f.title)}>{xml_escape(body)}</failure>")
        else:
            lines.append(f"      <system-out>{xml_escape(f.severity + ': ' + body)}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>"]
    stream.write("\n".join(lines) + "\n")


def _annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(findings: list[Finding], stream: TextIO) -> None:
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in findings:
        body = "\n".join([*f.evidence, "fix:", *f.fix])
        title = f.title.replace(",", "%2C").replace("::", ": :")
        stream.write(f"::{level[f.severity]} title={_annotation(title)}::{_annotation(body)}\n")


def render_text(findings: list[Finding], stream: TextIO, verbose: bool = False) -> None:
    from rich.markup import escape

    con = console(stream)
    style = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
    for f in findings:
        if f.severity == "info" and f.id == "scan-warning" and not verbose:
            continue
        con.print(f"[{style[f.severity]}]{f.severity}[/] [{style[f.severity]}]{escape(f.title)}[/]  [dim]({f.id})[/dim]")
        for line in f.evidence:
            con.print(f"    {escape(line)}", soft_wrap=True)
        if f.explanation:
            con.print(f"    [italic]{escape(f.explanation)}[/italic]", soft_wrap=True)
        if f.fix:
            con.print("  [bold]fix:[/bold]")
            for line in f.fix:
                con.print(f"    [green]{escape(line)}[/green]", soft_wrap=True)
        if f.confirm:
            con.print("  [bold]confirm:[/bold]")
            for line in f.confirm:
                con.print(f"    {escape(line)}", soft_wrap=True)
        con.print("")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    con.print(f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} note(s)")


def render(findings: list[Finding], fmt: FindingFormat, command: str, extra: dict | None = None,
           stream: TextIO | None = None, verbose: bool = False) -> None:
    stream = stream or sys.stdout
    if fmt is FindingFormat.json:
        render_json(findings, command, extra, stream)
    elif fmt is FindingFormat.junit:
        render_junit(findings, command, stream)
    elif fmt is FindingFormat.github:
        render_github(findings, stream)
    else:
        render_text(findings, stream, verbose)
