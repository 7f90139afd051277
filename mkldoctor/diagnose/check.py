"""``mkldoctor check``: the inventory, the project's needs and the rules, in one call.

One way down: the copies come from ``discover``, the kernel each copy loads on this CPU from a probe
(``observe/kernels.py``, a plain call), and the rules read them as facts."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mkldoctor.diagnose.cmake import predict_cmake
from mkldoctor.diagnose.csources import read_c_sources
from mkldoctor.diagnose.facts import Facts
from mkldoctor.diagnose.options import CheckOptions
from mkldoctor.diagnose.predict import Choice, predict
from mkldoctor.diagnose.project import Needs, read_project
from mkldoctor.diagnose.rules import run_rules
from mkldoctor.diagnose.tree import build_file
from mkldoctor.discover import DEFAULT_SYMBOLS, Inventory, discover
from mkldoctor.discover.cpuinfo import cpu_info
from mkldoctor.findings import Finding, Location
from mkldoctor.observe.kernels import KernelsSeen, observe_install
from mkldoctor.observe.trust import RunPolicy


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
    options: CheckOptions = CheckOptions(),
    *,
    search: list[str] | None = None,
    host_search: list[str] | None = None,
    image: str | None = None,
    run: bool = False,
    env: dict[str, str] | None = None,
    progress=None,
) -> CheckReport:
    """Check ``project`` against the MKL copies under ``root`` (``image``: the image they were read from, whose
    files are never run; ``host_search``: folders on this machine the kernel probe may use; ``run``: the probe
    may run the project's or the root's own MKL too)."""
    env = dict(os.environ if env is None else env)
    say = progress or (lambda step: None)
    say("reading the project")
    needs, notes = read_project(project, env, root)
    options.apply(needs, "command line", override=True)
    read_c_sources(project, needs)
    symbols = tuple(dict.fromkeys(list(needs.symbols) + list(DEFAULT_SYMBOLS)))
    inventory = discover(root, list(search or []) + needs.search, env=env,
                         project=os.path.abspath(project) if root == "/" else None, symbols=symbols,
                         progress=lambda step: say(f"looking for MKL: {step}"))
    choice = (predict_cmake(inventory, needs, env, project) if needs.cmake else None) or predict(inventory, needs, env)
    given = tuple(host_search or ()) + (tuple(search or ()) if root == "/" else ())  # the folders the user named
    say("the CPU kernel each copy loads")
    kernels = _kernels(inventory, root, image, given, RunPolicy(run, given, os.path.abspath(project)))
    findings = run_rules(Facts(inventory, needs, choice, env, inventory.cpu_budget, cpu_info(root), kernels, image))
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


def _kernels(inventory: Inventory, root: str, image: str | None, given: tuple[str, ...],
             policy: RunPolicy) -> dict[str, KernelsSeen]:
    """What a probe saw of each copy with a shared libmkl_core, by the copy's key (the kernels-missing rule reads it).
    The probe runs against MKL installed on this machine or named with --search/--host-search, never against the
    project's, the root's or the image's own files unless the policy (--run) says so."""
    return {install.key: observe_install(install, root=root, image=image, search=list(given), policy=policy)
            for install in inventory.installs if install.has("mkl_core", "shared")}
