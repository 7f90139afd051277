"""A finding: one problem (or note) with its evidence and the exact fix.

``check`` and ``explain`` both produce these; text, JSON, JUnit and GitHub renderers
all read the same plain object.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Recipe:
    """Install commands that several findings may need: printed once, referred to by name."""

    name: str  # "install-static-mkl", "install-mkl-2021.4+"
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Location:
    """Where in the input a finding's evidence stands: a line a person can open, and what is there.

    ``path`` is relative to the project (check) or to the folder explain ran in, when the file is
    inside it; else absolute. Lines and columns count from 1, as editors and SARIF do.
    """

    path: str
    line: int
    what: str = ""  # "calls hgemm_", "find_package(MKL CONFIG)", "intel-mkl-src dependency"
    column: int | None = None
    end_line: int | None = None


def input_path(path: str, top: str) -> str:
    """The file at ``path`` (as opened: absolute, or from the current folder) as a Location names it:
    relative to the folder ``top`` when inside it, else absolute."""
    import os

    full = os.path.abspath(path)
    rel = os.path.relpath(full, os.path.abspath(top))
    return full if rel == ".." or rel.startswith("../") else rel


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str  # "error" | "warning" | "info"
    title: str
    evidence: tuple[str, ...]
    fix: tuple[str, ...]  # shell commands or steps, paths shlex-quoted
    explanation: str = ""
    confirm: tuple[str, ...] = ()
    recipes: tuple[Recipe, ...] = ()  # printed once per report, after the findings
    locations: tuple[Location, ...] = ()  # the lines in the input the finding is about, most telling first

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:  # a word every output reads: another ("note") went uncounted and unranked
            raise ValueError(f"finding {self.id}: severity {self.severity!r} is none of {', '.join(SEVERITIES)}")


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; the order within each kept (the one order check and explain print)."""
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES))


def exit_status(findings: list[Finding], strict: bool = False) -> int:
    """0 when nothing blocks, 1 when an error finding exists (or a warning, with ``strict``)."""
    blocking = ("error", "warning") if strict else ("error",)
    return 1 if any(f.severity in blocking for f in findings) else 0


def without_ignored(findings: list[Finding], ignore) -> tuple[list[Finding], list[Finding]]:
    """(the findings shown and counted, the ones whose id ``ignore`` names): ``--ignore`` and a config's ``ignore``."""
    ignored = set(ignore)
    return [f for f in findings if f.id not in ignored], [f for f in findings if f.id in ignored]
