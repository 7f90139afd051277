"""``mkldoctor python`` in one call: the environment found, read and judged; with ``--import``, a real
process of it observed too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from mkldoctor.diagnose import pyloaded, python
from mkldoctor.diagnose.pyloaded import Observed
from mkldoctor.discover.pyenv import find_env
from mkldoctor.discover.pymap import EnvMap, map_environment
from mkldoctor.findings import Finding, by_severity
from mkldoctor.runtime.pyimport import observe


@dataclass(frozen=True)
class PythonReport:
    map: EnvMap
    observed: Observed | None
    findings: tuple[Finding, ...]


def python_report(interpreter: str | None, modules: list[str] | None, environ: Mapping[str, str]) -> PythonReport:
    """Read the environment of ``interpreter`` (default: the active one); import ``modules`` only when given."""
    env_map = map_environment(find_env(interpreter, environ), environ)
    found = python.findings(env_map, environ)
    seen = observe(env_map, modules, environ) if modules else None
    if seen is not None:
        found += pyloaded.findings(env_map, seen, environ)
    return PythonReport(env_map, seen, tuple(by_severity(found)))
