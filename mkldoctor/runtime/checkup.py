"""``check`` as one call: the machine, the project and the rules (diagnose/), plus, for an image and a
binary, what that binary needs at run time (runtime/), with paths named the way a user names them.

check's orchestration, a layer above both: diagnose and runtime each ask the kernel probe (observe/,
below them both) for what they need; nothing is handed down to be called back."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from mkldoctor.diagnose.check import CheckReport, run_check
from mkldoctor.diagnose.options import CheckOptions
from mkldoctor.diagnose.python import project_findings
from mkldoctor.discover.image import ImageRoot, in_image
from mkldoctor.findings import Finding, Location, without_ignored
from mkldoctor.runtime.configure import findings as configure_findings
from mkldoctor.runtime.configure import observe
from mkldoctor.runtime.deps import compute_deps
from mkldoctor.runtime.findings import runtime_findings

_TEXT_FIELDS = ("title", "evidence", "fix", "explanation", "confirm")


@dataclass(frozen=True)
class Checkup:
    """What ``check`` prints: every finding (the exit status reads them all) and the picked copy."""

    findings: tuple[Finding, ...]  # what is shown and counted
    picked: dict
    anchor: Location | None = None  # where SARIF places a finding without a line (the project's build file)
    ignored: tuple[Finding, ...] = ()  # left out by --ignore or the config's ignore


def _named(finding: Finding, image: ImageRoot) -> Finding:
    """``finding`` with the cache folder an image was read into written as ``IMAGE:/path``."""
    return dataclasses.replace(finding, **{
        key: in_image(value, image) if isinstance(value, str) else tuple(in_image(v, image) for v in value)
        for key in _TEXT_FIELDS for value in (getattr(finding, key),)})


def checkup(project: str, root: str, options: CheckOptions, *, search: list[str] | None = None,
            image: ImageRoot | None = None, binary: str | None = None, host_search: list[str] | None = None,
            run: bool = False, progress=None) -> Checkup:
    """``run_check``; with ``binary`` (inside ``image``), its run-time needs first.

    The probe runs against MKL installed on this machine or named with --search/--host-search, never
    against the project's, the root's or the image's own files unless ``run`` (``--run``) says so."""
    say = progress or (lambda step: None)
    report: CheckReport = run_check(project, root, options, search=search, host_search=host_search,
                                    image=image.image if image else None, run=run, progress=say)
    findings = list(report.findings)
    if root == "/" and image is None:  # the project's Python environment (issue 23): this machine's only
        say("the project's Python environment")
        findings += project_findings(project, os.environ)
    if options.build.configure:  # the real tool, run on a copy of the project (it runs the project's files)
        if report.build is None:
            findings.append(Finding("configure-observed", "info", "--configure: no CMakeLists.txt or meson.build that "
                                    "concerns MKL at the project's top: nothing to run", (project,), ()))
        else:
            findings += configure_findings(observe(project, report.build, dict(os.environ)), report.build)
    if binary:
        # the question is what the binary needs at run time; which copy a build in the image would take is not
        # asked, and "no MKL found" with an install recipe would answer it (the run-time findings say what to copy)
        findings = [f for f in findings if f.id not in ("picked", "no-mkl")]
        say(f"what {binary} needs at run time")
        deps = compute_deps(binary, root, image.env if image else {}, "native", host_search,
                            image=image.image if image else None, run=run)
        findings[:0] = runtime_findings(deps, host_search)
    choice = report.choice
    lib_dir = choice.install.lib_dirs[0] if choice.install else None
    if image:
        findings = [_named(f, image) for f in findings]
        lib_dir = lib_dir and in_image(lib_dir, image)
    picked = {"version": choice.version, "how": choice.how, "steps": choice.steps, "lib_dir": lib_dir}
    shown, ignored = without_ignored(findings, report.needs.ignore)
    return Checkup(tuple(shown), picked, report.anchor, tuple(ignored))
