"""A build of the reference program that failed, read by ``explain``: what it recognised in the log."""

from __future__ import annotations

import os

from mkldoctor.bench.results import BenchReport, BuildFailure, ConfigResult
from mkldoctor.findings import Finding


def explain_failure(failure: BuildFailure, prefixes: tuple[str, ...]) -> list[Finding]:
    """explain's findings for a failed build's log (the command, then its output). The copies it may point to:
    the ones benchmarked, then every other copy on the machine."""
    from mkldoctor.explain.run import explain_bytes
    from mkldoctor.inventory.locate import install_from_path

    installs = [i for i in (install_from_path(p) for p in prefixes if os.path.exists(p)) if i is not None]
    findings = explain_bytes((" ".join(failure.command) + "\n" + failure.log).encode(), installs, scan=True)
    # bench has said in one line that the step failed: explain's word adds only what it recognised
    return [f for f in findings if f.id != "unrecognised-failure"]


def explain_failures(report: BenchReport, prefixes: tuple[str, ...]) -> list[tuple[ConfigResult, list[Finding]]]:
    """Each failed configuration, with explain's findings for its build log where it has one."""
    return [(result, explain_failure(result.failure, prefixes) if result.failure is not None else [])
            for result in report.failed]
