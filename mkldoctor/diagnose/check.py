"""``mkldoctor check``: the inventory, the project's needs and the rules, in one call."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mkldoctor.discover import DEFAULT_SYMBOLS, Inventory, discover
from mkldoctor.findings import Finding, Location
from mkldoctor.diagnose.cmake import predict_cmake
from mkldoctor.diagnose.kernels import KernelObserver
from mkldoctor.diagnose.csources import read_c_sources
from mkldoctor.diagnose.predict import Choice, predict
from mkldoctor.diagnose.project import Needs, apply_options, read_project
from mkldoctor.diagnose.rules import Facts, run_rules
from mkldoctor.diagnose.tree import build_file
from mkldoctor.discover.cpubudget import read_budget
from mkldoctor.discover.cpuinfo import cpu_info


@dataclass
class CheckReport:
    findings: list[Finding]
    inventory: Inventory
    needs: Needs
    choice: Choice
    anchor: Location | None = None  # the project's build file: where a finding without a line of its own is placed


def run_check(
    project: str = ".",
    root: str = "/",
    search: list[str] | None = None,
    options: dict | None = None,
    env: dict[str, str] | None = None,
    progress=None,
    observe_kernels: KernelObserver | None = None,
) -> CheckReport:
    env = dict(os.environ if env is None else env)
    needs, notes = read_project(project, env)
    if options:
        apply_options(needs, options, "command line", override=True)
    read_c_sources(project, needs)
    symbols = tuple(dict.fromkeys(list(needs.symbols) + list(DEFAULT_SYMBOLS)))
    inventory = discover(root, list(search or []) + needs.search, env=env,
                         project=os.path.abspath(project) if root == "/" else None, symbols=symbols, progress=progress)
    choice = (predict_cmake(inventory, needs, env, project) if needs.cmake else None) or predict(inventory, needs, env)
    findings = run_rules(Facts(inventory, needs, choice, env, read_budget(root), cpu_info(root), observe_kernels))
    findings += [Finding("project-unreadable", "warning", note, (note,), ("fix the file",)) for note in notes]
    broken = {line: install for install in inventory.installs for line in install.broken}
    findings += [Finding("root-broken-file", "warning", f"a file of the MKL in {broken[line].lib_dirs[0]} was not read: {line}",
                         (line, "the copy is described without it (partial): nothing outside --root is read in its place"),
                         ("fix or remove the link inside the image (make it point inside the image), then run again",))
                 for line in broken]
    findings += [Finding("scan-warning", "info", warning, (warning,), ()) for warning in inventory.warnings if warning not in broken]
    name = build_file(project)
    anchor = Location(name, 1, f"{name}: the project this machine-wide finding is about") if name else None
    return CheckReport(findings, inventory, needs, choice, anchor)
