"""What ``explain`` and ``check`` report: one :class:`Finding` per distinct problem.

A finding is plain data. Its ``fix`` holds shell commands or steps with paths already
shlex-quoted, so that a person can paste them; ``confirm`` holds the follow-up that
proves the fix worked (for example ``-Wl,-y,hgemm_`` on the link line).
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    id: str
    severity: str  # "error"|"warning"|"info"
    title: str
    evidence: tuple[str, ...]
    fix: tuple[str, ...]  # shell commands or steps, paths shlex-quoted
    explanation: str = ""
    confirm: tuple[str, ...] = ()


def exit_code(findings: list[Finding] | tuple[Finding, ...]) -> int:
    """0 when nothing is wrong, 1 when any finding is an error (the ``check`` convention)."""
    return 1 if any(f.severity == "error" for f in findings) else 0
