"""The recorded truth of tests/data/build-projects stays true: real cmake and meson, run now on the real projects'
slices, still do what observed.json says they did (the scenarios marked ``fast``; the rest are re-run by
``tools/observe_build_projects.py --check``)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

import build_projects as bp

pytestmark = [pytest.mark.mkl,
              pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed")]

OBSERVED = json.loads((bp.DATA / "observed.json").read_text())
FAST = [(name, scenario) for name in bp.projects() for scenario in bp.load(name).scenarios if scenario.fast]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("build-projects")  # shared, so the views are laid out once


def digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_every_project_is_recorded_and_enough_of_them():
    projects = bp.projects()
    assert len(projects) >= 14 and sorted(OBSERVED["projects"]) == projects
    for name in projects:
        assert [s.name for s in bp.load(name).scenarios] == list(OBSERVED["projects"][name]), name
        assert (bp.DATA / name / "SOURCE.md").is_file()


@pytest.mark.parametrize("name,scenario", FAST, ids=[f"{n}/{s.name}" for n, s in FAST])
def test_the_tool_still_does_what_was_recorded(mkl, scratch, name, scenario):
    project = bp.load(name)
    if project.tool == "meson":
        pytest.importorskip("mesonbuild", reason="meson is not installed (pip install -e '.[test]')")
    before = digest(bp.DATA / name)
    record = bp.as_json(bp.run_scenario(project, scenario, mkl.root, scratch))
    assert digest(bp.DATA / name) == before  # the slice itself is never written
    versions = bp.tool_versions()
    assert record == OBSERVED["projects"][name][scenario.name], (
        f"{name}/{scenario.name} no longer matches observed.json (recorded with {OBSERVED['tools']}, now {versions});"
        " if the change is expected, re-run tools/observe_build_projects.py")
