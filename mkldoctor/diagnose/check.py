"""``mkldoctor check``: the inventory, the project's needs and the rules, in one call.

One way down: the copies come from ``discover``, the kernel each copy loads on this CPU from a probe
(``observe/kernels.py``, a plain call), and the rules read them as facts."""

from __future__ import annotations

import copy
import dataclasses
import os
from dataclasses import dataclass

from mkldoctor.diagnose.buildcheck import apply_build, choice_from_build, search_fixes, with_change
from mkldoctor.diagnose.buildpredict import BuildPrediction, build_tool, concerns_mkl, predict_build
from mkldoctor.diagnose.cmake import _owner, predict_cmake
from mkldoctor.diagnose.cmakeread.machine import read_machine
from mkldoctor.diagnose.cmakeread.presets import read_preset
from mkldoctor.diagnose.csources import read_c_sources
from mkldoctor.diagnose.facts import Facts
from mkldoctor.diagnose.options import BuildOptions, CheckOptions
from mkldoctor.diagnose.predict import Choice, predict
from mkldoctor.diagnose.project import Needs, read_project
from mkldoctor.diagnose.rules import run_rules
from mkldoctor.diagnose.tree import build_file
from mkldoctor.discover import DEFAULT_SYMBOLS, Inventory, discover
from mkldoctor.discover.cpuinfo import cpu_info
from mkldoctor.errors import UsageError
from mkldoctor.findings import Finding, Location
from mkldoctor.observe.kernels import KernelsSeen, observe_install
from mkldoctor.observe.trust import RunPolicy
from mkldoctor.rootfs import RootFS


@dataclass
class CheckReport:
    findings: list[Finding]
    inventory: Inventory
    needs: Needs
    choice: Choice
    anchor: Location | None = None  # the project's build file: where a finding without a line of its own is placed
    build: BuildPrediction | None = None  # the project's build tool, predicted


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
    needs, notes = read_project(project, env, root, options.build,
                                {"link": options.link, "interface": options.interface, "threading": options.threading})
    options.apply(needs, "command line", override=True)
    read_c_sources(project, needs)
    build = _predict(project, env, options.build, root)
    base = copy.deepcopy(needs)  # before the build's link line speaks: what each fix is judged from
    if build is not None:
        apply_build(needs, build)
    symbols = tuple(dict.fromkeys(list(needs.symbols) + list(DEFAULT_SYMBOLS)))
    inventory = discover(root, list(search or []) + needs.search, env=env,
                         project=os.path.abspath(project) if root == "/" else None, symbols=symbols,
                         progress=lambda step: say(f"looking for MKL: {step}"))
    fs = RootFS(root)

    def owner(path: str):
        return _owner(inventory, path, fs, [])

    if build is not None:
        choice = choice_from_build(build, inventory, owner)
    else:
        choice = (predict_cmake(inventory, needs, env, project) if needs.cmake else None) or predict(inventory, needs, env)
    given = tuple(host_search or ()) + (tuple(search or ()) if root == "/" else ())  # the folders the user named
    say("the CPU kernel each copy loads")
    kernels = _kernels(inventory, root, image, given, RunPolicy(run, given, os.path.abspath(project)))
    cpu = cpu_info(root)
    concerns = build is not None and concerns_mkl(project, build.tool)

    def facts(needs_now, choice_now, build_now, fixes=(), tried=()) -> Facts:
        return Facts(inventory, needs_now, choice_now, env, inventory.cpu_budget, cpu, kernels, image=image,
                     build=build_now, build_fixes=tuple(fixes), build_tried=tuple(tried), build_concerns_mkl=concerns)

    fixes, tried = [], []
    if build is not None and build.predicted and root == "/" and (not build.configured or not build.linked.mkl):
        def predict_change(change):
            changed = dict(env)
            for key, value in change.env:
                changed.pop(key, None) if value is None else changed.__setitem__(key, value)
            more = dataclasses.replace(options.build, defines=options.build.defines + change.defines)
            return _predict(project, changed, more, root)

        def judge(outcome):
            return run_rules(facts(with_change(base, outcome), choice_from_build(outcome, inventory, owner), outcome))

        say("predicting the project's build with each fix")
        fixes, tried = search_fixes(build, inventory, predict_change, judge, fs.isfile)
    findings = run_rules(facts(needs, choice, build, fixes, tried))
    findings += [Finding("project-unreadable", "warning", note, (note,), ("fix the file",)) for note in notes]
    broken = {line: install for install in inventory.installs for line in install.broken}
    findings += [Finding("root-broken-file", "warning", f"a file of the MKL in {broken[line].lib_dirs[0]} was not read: {line}",
                         (line, "the copy is described without it (partial): nothing outside --root is read in its place"),
                         ("fix or remove the link inside the image (make it point inside the image), then run again",))
                 for line in broken]
    findings += [Finding("scan-warning", "info", warning, (warning,), ()) for warning in inventory.warnings if warning not in broken]
    name = build_file(project)
    anchor = Location(name, 1, f"{name}: the project this machine-wide finding is about") if name else None
    return CheckReport(findings, inventory, needs, choice, anchor, build)


def _predict(project: str, env: dict[str, str], build_options: BuildOptions, root: str) -> BuildPrediction | None:
    """The project's own build tool, predicted, when it has one (on this machine; under --root only where the root
    has that tool), and its files concern MKL or look it up."""
    tool = build_tool(project)
    if (build_options.defines or build_options.preset) and tool is None:
        raise UsageError(f"-D and --preset go to cmake or meson: {project} has no CMakeLists.txt or meson.build")
    if build_options.preset and tool != "cmake":
        raise UsageError(f"--preset {build_options.preset}: presets are CMake's, and {project} has no CMakeLists.txt")
    if (build_options.cargo_features or build_options.all_features or build_options.no_default_features) \
            and not os.path.isfile(os.path.join(project, "Cargo.toml")):
        raise UsageError(f"--features, --all-features and --no-default-features go to cargo: {project} has no Cargo.toml")
    if tool is None:
        return None
    if root != "/" and read_machine(RootFS(root), env).cmake_modules is None:
        return None  # no cmake inside the root: the old prediction (CMake's search, MKLConfig's own) stands
    preset = read_preset(os.path.abspath(project), build_options.preset, env) if build_options.preset else None
    try:
        build = predict_build(project, env, build_options.defines, preset, root)
    except ValueError as exc:  # a -D that is no NAME=VALUE
        raise UsageError(str(exc)) from exc
    if build is None:
        return None
    if not (build.looked_for_mkl or build.linked.mkl or concerns_mkl(project, tool) or build_options.defines):
        return None
    return build


def _kernels(inventory: Inventory, root: str, image: str | None, given: tuple[str, ...],
             policy: RunPolicy) -> dict[str, KernelsSeen]:
    """What a probe saw of each copy with a shared libmkl_core, by the copy's key (the kernels-missing rule reads it).
    The probe runs against MKL installed on this machine or named with --search/--host-search, never against the
    project's, the root's or the image's own files unless the policy (--run) says so."""
    return {install.key: observe_install(install, root=root, image=image, search=list(given), policy=policy)
            for install in inventory.installs if install.has("mkl_core", "shared")}
