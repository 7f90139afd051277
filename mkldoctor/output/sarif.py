"""SARIF 2.1.0 for code scanning: one run, one rule per finding id (its text from the rule catalogue),
one result per finding with its level, its lines and a fingerprint that stays put across runs.

Paths: GitHub's code scanning reads a relative ``uri`` as relative to the repository root and
ignores ``originalUriBaseIds`` (github/codeql-action#2215), and CI runs mkldoctor from that root;
so a file under the folder mkldoctor runs in is written relative to it with ``uriBaseId``
``%SRCROOT%`` (defined in ``originalUriBaseIds`` as that folder, for other readers), and a file
outside it as an absolute ``file://`` URI without a base.

GitHub also rejects a whole upload when one result has no location; a finding about the machine
rather than a line (no MKL, a kernel library missing) is anchored at the project's build file (or
the log), given by the caller, and says so in its location's message.
"""

from __future__ import annotations

import hashlib
import os
from typing import TextIO

from mkldoctor import __version__
from mkldoctor.findings import Finding, Location
from mkldoctor.knowledge.rule_catalogue import rule
from mkldoctor.output import write_json

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "mkldoctorFinding/v1"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def shown_path(location: Location, base: str, cwd: str | None = None) -> tuple[str, bool]:
    """(path, inside): the location's file relative to ``cwd`` when under it, else absolute.

    ``base`` is the folder the location's relative path is relative to (the project, for check)."""
    cwd = os.path.abspath(cwd or os.getcwd())
    full = os.path.normpath(os.path.join(os.path.abspath(base), location.path))
    rel = os.path.relpath(full, cwd)
    inside = not (rel == ".." or rel.startswith("../"))
    return (rel if inside else full), inside


def _file_uri(path: str, folder: bool = False) -> str:
    from urllib.parse import quote  # only when SARIF is asked for

    return "file://" + quote(path.rstrip("/") + ("/" if folder else ""), safe="/")


def _physical(location: Location, base: str, cwd: str) -> dict:
    from urllib.parse import quote

    path, inside = shown_path(location, base, cwd)
    artifact = {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT} if inside else {"uri": _file_uri(path)}
    region: dict = {"startLine": max(1, location.line)}
    if location.column:
        region["startColumn"] = location.column
    if location.end_line:
        region["endLine"] = location.end_line
    return {"artifactLocation": artifact, "region": region}


def _location(location: Location, base: str, cwd: str, index: int | None = None) -> dict:
    out: dict = {"physicalLocation": _physical(location, base, cwd)}
    if index is not None:
        out["id"] = index
    if location.what:
        out["message"] = {"text": location.what}
    return out


def fingerprint(finding: Finding, base: str, cwd: str) -> str:
    """Stable across runs and across edits that move a line: the rule, the file and what is there, the title."""
    first = finding.locations[0] if finding.locations else None
    where = f"{shown_path(first, base, cwd)[0]}\0{first.what}" if first else ""
    return hashlib.sha256(f"{finding.id}\0{where}\0{finding.title}".encode()).hexdigest()[:32]


def _message(finding: Finding) -> str:
    from mkldoctor.output.findings import _body

    body = _body(finding)
    return finding.title + ("\n\n" + body if body else "")


def _rule(rule_id: str) -> dict:
    entry = rule(rule_id)
    return {"id": entry.id, "name": "".join(w.capitalize() for w in entry.id.split("-")),
            "shortDescription": {"text": entry.short}, "fullDescription": {"text": entry.full},
            "help": {"text": entry.help}}


def _result(finding: Finding, index: int, base: str, cwd: str, anchor: Location | None) -> dict:
    result: dict = {"ruleId": finding.id, "ruleIndex": index, "level": _LEVEL.get(finding.severity, "note"),
                    "message": {"text": _message(finding)}}
    if finding.locations:
        result["locations"] = [_location(finding.locations[0], base, cwd)]
        if len(finding.locations) > 1:
            result["relatedLocations"] = [_location(where, base, cwd, number)
                                          for number, where in enumerate(finding.locations[1:], 1)]
    elif anchor is not None:
        result["locations"] = [_location(anchor, base, cwd)]
    result["partialFingerprints"] = {FINGERPRINT: fingerprint(finding, base, cwd)}
    return result


def document(findings: list[Finding], *, base: str = ".", anchor: Location | None = None, cwd: str | None = None) -> dict:
    cwd = os.path.abspath(cwd or os.getcwd())
    ids = list(dict.fromkeys(f.id for f in findings))
    run = {
        "tool": {"driver": {"name": "mkldoctor", "version": __version__, "semanticVersion": __version__,
                            "rules": [_rule(i) for i in ids]}},
        "originalUriBaseIds": {SRCROOT: {"uri": _file_uri(cwd, folder=True)}},
        "results": [_result(f, ids.index(f.id), base, cwd, anchor) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(findings: list[Finding], stream: TextIO, *, base: str = ".", anchor: Location | None = None) -> None:
    write_json(document(findings, base=base, anchor=anchor), stream)
