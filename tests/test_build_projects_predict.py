"""check's prediction of cmake and meson on real projects' build files equals what the real tool does.

The projects are the slices of tests/data/build-projects (14 public projects, 88 scenarios). For each scenario the
prediction (diagnose/buildpredict: the project's files read as the tool reads them, nothing run) is compared with
what the tool did: whether it configures, why not (the tool's own message, and the project's line where it gives
one), and the MKL files its link lines name, static or shared, interface, threading layer, copy. Every scenario is
compared with observed.json (the recorded truth, kept true by test_build_projects_truth.py); a representative
subset, two or three per project, with the real tool run now (tests/build_projects.py, whose reader of link lines
is independent of mkldoctor's)."""

from __future__ import annotations

import json
import re
import shutil
import time

import pytest

import build_projects as bp
from mkldoctor.diagnose.buildpredict import BuildPrediction, predict_build
from mkldoctor.diagnose.cmakeread.presets import read_preset

pytestmark = [pytest.mark.mkl]

OBSERVED = json.loads((bp.DATA / "observed.json").read_text())
ALL = [(name, s) for name in bp.projects() for s in bp.load(name).scenarios]
# Run live: each project's `fast` scenarios (the truth test's) and one more of the other outcome or layout.
LIVE_MORE = {"caffe": "blas-mkl-mklroot-debian", "dlib": "prefix-path-debian", "faiss": "mklroot-pip",
             "gromacs": "nothing-set", "kokkos-kernels": "tpl-on-prefix-path-pip", "lammps": "kspace-fft-mkl-mklroot-debian",
             "llama.cpp": "blas-intel-mklroot-pip", "numpy": "blas-mkl-dynamic-lp64-iomp-pip", "onemath": "gxx-cpu-sequential",
             "opencv": "mkl-root-dir-pip-tbb", "pytorch": "prefix-path-pip", "scipy": "nothing-set",
             "scs-python": "link-mkl-library-path-debian", "suitesparse": "mklroot-pip-64bit-static"}
LIVE = [(n, s) for n, s in ALL if s.fast or LIVE_MORE.get(n) == s.name]
_WORDS = {"runtime": ("chosen at run time (mkl_rt)", "runtime (mkl_rt)")}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("predict")  # the views are laid out once, shared


def predict(name: str, scenario: bp.Scenario, fixtures, scratch) -> tuple[BuildPrediction, dict]:
    """The prediction for one scenario on the slice itself (it is only read), and the placeholders' folders."""
    source = bp.DATA / name
    places = bp._places(fixtures, scratch, source, scratch / "unused-build")
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    env = bp._environment(scenario, places, home)
    args = [bp._expand(a, places) for a in scenario.args]
    defines, preset = [a[2:] for a in args if a.startswith("-D")], None
    if "--preset" in args:
        preset = read_preset(str(source), args[args.index("--preset") + 1], env)
    before = digest(source)
    prediction = predict_build(str(source), env, tuple(defines), preset)
    assert digest(source) == before  # reading writes nothing
    return prediction, places


def digest(folder) -> list:
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def _flat(text: str, places: dict) -> str:
    return " ".join(bp._relative(text, places).split())


def as_record(prediction: BuildPrediction, places: dict) -> dict:
    """The prediction in the record's terms (its words mapped from check's: runtime is libmkl_rt's choice)."""
    linked = prediction.linked
    interface, threading = linked.interface, linked.threading
    if interface == "runtime":
        interface, threading = _WORDS["runtime"]
    return {"configured": prediction.configured,
            "mkl_files": sorted(bp._relative(f, places) for f in linked.files if "libmkl_" in f or f.startswith("-lmkl")),
            "link": linked.link, "interface": interface, "threading": threading,
            "copy": " + ".join(sorted(bp._relative(d, places) for d in linked.folders)) or None}


def compare(prediction: BuildPrediction, places: dict, record: dict, label: str) -> None:
    assert prediction.predicted, f"{label}: not predicted: {prediction.unmodelled} ({prediction.unmodelled_at})"
    mine = as_record(prediction, places)
    theirs = {"configured": record["configured"], "link": record["link"], "interface": record["interface"],
              "threading": record["threading"], "copy": record["copy"],
              "mkl_files": sorted(f for f in record["mkl_files"] if "libmkl_" in f or f.startswith("-lmkl"))}
    assert mine == theirs, f"{label}: predicted {mine}\n  the tool: {theirs}\n  its error: {record['error']}"
    if record["configured"]:
        return
    said = _flat(prediction.error or "", places)
    assert said and said[:160] in " ".join(record["error"].split()), f"{label}: predicted {said!r}, the tool said " \
                                                                     f"{record['error']!r}"
    where = re.match(r"^(?:CMake Error at (\S+):(\d+) \(|(\S+):(\d+):\d+: ERROR)", record["error"])
    if where and (where.group(1) or where.group(3)).startswith(("CMakeLists.txt", "cmake", "meson.build", "src")):
        path, line = (where.group(1), where.group(2)) if where.group(1) else (where.group(3), where.group(4))
        assert prediction.error_at is not None and (prediction.error_at.path, prediction.error_at.line) == (path, int(line)), \
            f"{label}: the tool stops at {path}:{line}, predicted {prediction.error_at}"


@pytest.mark.parametrize("name,scenario", ALL, ids=[f"{n}/{s.name}" for n, s in ALL])
def test_the_prediction_equals_the_recorded_outcome(mkl, scratch, name, scenario):
    prediction, places = predict(name, scenario, mkl.root, scratch)
    compare(prediction, places, OBSERVED["projects"][name][scenario.name], f"{name}/{scenario.name}")


@pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed")
@pytest.mark.parametrize("name,scenario", LIVE, ids=[f"{n}/{s.name}" for n, s in LIVE])
def test_the_prediction_equals_what_the_tool_does_now(mkl, scratch, name, scenario):
    project = bp.load(name)
    if project.tool == "meson":
        pytest.importorskip("mesonbuild", reason="meson is not installed (pip install -e '.[test]')")
    started = time.monotonic()
    prediction, places = predict(name, scenario, mkl.root, scratch)
    predicted_in = time.monotonic() - started
    record = bp.as_json(bp.run_scenario(project, scenario, mkl.root, scratch))
    compare(prediction, places, record, f"{name}/{scenario.name} (live)")
    assert predicted_in < 10, f"{name}/{scenario.name}: the prediction took {predicted_in:.1f} s"


def test_every_project_and_enough_scenarios_are_compared_live():
    assert len(ALL) >= 80 and len({n for n, _ in ALL}) >= 12
    live = {n for n, _ in LIVE}
    assert live == {n for n, _ in ALL} and all(sum(1 for n, _ in LIVE if n == p) >= 2 for p in live)
    assert {"onemath", "kokkos-kernels", "gromacs", "scipy"} <= live  # the four of issue 22
