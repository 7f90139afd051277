"""The GitHub Action (action.yml), run here step by step as a runner runs a composite action: a real
virtual environment, mkldoctor installed from a copy of the checkout (the action's own path), then
``mkldoctor check`` with the action's inputs on a project calling hgemm_ against Debian's real MKL
2020.4, which lacks it. The SARIF file is validated; the exit status follows fail-on."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import yaml

from sarif_schema import valid_sarif
from test_setup import REPO, checkout_copy

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Just enough of a GitHub runner for a composite action: inputs, github.action_path, step outputs,
    $GITHUB_ENV and $GITHUB_OUTPUT files, `if:` conditions, each run step in `bash --noprofile --norc -eo pipefail`."""

    def __init__(self, action_path: Path, workspace: Path, temp: Path) -> None:
        self.action = yaml.safe_load((action_path / "action.yml").read_text())
        self.action_path, self.workspace, self.temp = action_path, workspace, temp
        self.env_file = temp / "github_env"
        self.env_file.touch()
        self.uses: list[tuple[str, dict]] = []  # the `uses:` steps whose condition held, with their inputs
        self.done: dict[str, subprocess.CompletedProcess] = {}  # each run step of the last run, by name

    def value(self, ref: str, inputs: dict, outputs: dict) -> str:
        if ref.startswith("inputs."):
            return inputs[ref[len("inputs."):]]
        if ref == "github.action_path":
            return str(self.action_path)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", ref)
        assert match, f"expression not understood by this test: {ref}"
        return outputs.get(match.group(1), {}).get(match.group(2), "")

    def expand(self, text: str, inputs: dict, outputs: dict) -> str:
        return _EXPR.sub(lambda m: self.value(m.group(1), inputs, outputs), str(text))

    def condition(self, text: str, inputs: dict, outputs: dict) -> bool:
        inner = _EXPR.fullmatch(text.strip()).group(1) if _EXPR.fullmatch(text.strip()) else text
        python = re.sub(r"[a-z][\w.-]*\.[\w.-]+", lambda m: repr(self.value(m.group(0), inputs, outputs)), inner)
        python = python.replace("&&", " and ").replace("||", " or ")
        return bool(eval(python, {"__builtins__": {}}))  # noqa: S307 - the action's own conditions, this test's data

    def run(self, given: dict, *, skip: tuple[str, ...] = ()) -> tuple[int, dict]:
        """(exit status of the first failing step or 0, outputs per step id)."""
        inputs = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        inputs.update(given)
        outputs: dict[str, dict] = {}
        self.done = {}
        for number, step in enumerate(self.action["runs"]["steps"]):
            if step.get("name") in skip or ("if" in step and not self.condition(step["if"], inputs, outputs)):
                continue
            if "uses" in step:
                self.uses.append((step["uses"], {k: self.expand(v, inputs, outputs) for k, v in step.get("with", {}).items()}))
                continue
            assert step["shell"] == "bash"
            script = self.temp / f"step{number}.sh"
            script.write_text(step["run"])
            output_file = self.temp / f"output{number}"
            output_file.write_text("")
            env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
            env.update(GITHUB_ENV=str(self.env_file), GITHUB_OUTPUT=str(output_file), RUNNER_TEMP=str(self.temp),
                       GITHUB_WORKSPACE=str(self.workspace), GITHUB_ACTION_PATH=str(self.action_path), NO_COLOR="1")
            env.update(line.split("=", 1) for line in self.env_file.read_text().splitlines() if "=" in line)
            env.update({k: self.expand(v, inputs, outputs) for k, v in step.get("env", {}).items()})
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                                  env=env, capture_output=True, text=True, timeout=900)
            self.last = self.done[step["name"]] = done
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
            if done.returncode != 0:
                return done.returncode, outputs
        return 0, outputs


def test_the_action_installs_checks_writes_sarif_and_fails_as_asked(mkl, tmp_path):
    action_path = checkout_copy(tmp_path / "action")
    workspace = tmp_path / "work space"  # a space in the path: quoting is exercised
    workspace.mkdir()
    (workspace / "Makefile").write_text("app: main.c\n\tcc main.c -lmkl_rt\n")
    (workspace / "main.c").write_text("#include <mkl.h>\nint main(void) {\n  hgemm_(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);\n}\n")
    temp = tmp_path / "runner temp"
    temp.mkdir()
    runner = Runner(action_path, workspace, temp)
    args = f"--root '{mkl.debian_static}'"

    # defaults (fail-on error) with SARIF and its upload: the check step passes, the SARIF is written, the job fails
    status, outputs = runner.run({"args": args, "sarif-file": "results.sarif", "upload-sarif": "true"})
    assert status == 1 and outputs["check"] == {"exit-code": "1"}, runner.last.stdout + runner.last.stderr
    assert runner.done["mkldoctor check"].returncode == 0  # so that the upload step runs
    assert runner.done["mkldoctor check"].stdout.startswith("::error file=main.c,line=3,col=3,title=missing-symbol%3A hgemm_")
    assert "found problems at the 'error' level (exit status 1)" in runner.done["Fail on findings"].stdout
    venv = Path(runner.env_file.read_text().split("MKLDOCTOR_VENV=", 1)[1].splitlines()[0])
    assert venv.parent == temp and (venv / "bin/mkldoctor").exists()
    installed = subprocess.run([str(venv / "bin/python"), "-c", "import mkldoctor; print(mkldoctor.__file__)"],
                               capture_output=True, text=True, check=True, cwd=temp).stdout
    assert str(venv) in installed  # installed from the action's path into its own environment, not the checkout
    # the installed metadata: the licence file, classifiers, no URL, requests and numpy only in the bench extra
    meta = json.loads(subprocess.run([str(venv / "bin/python"), "-c", (
        "import importlib.metadata as m, json; d = m.distribution('mkldoctor'); "
        "print(json.dumps({'classifiers': d.metadata.get_all('Classifier'), 'requires': d.requires, "
        "'urls': d.metadata.get_all('Project-URL'), 'license': d.metadata['License'], "
        "'files': [str(f) for f in d.files if 'LICENSE' in str(f)]}))")], capture_output=True, text=True, cwd=temp,
        check=True).stdout)
    assert "License :: OSI Approved :: MIT License" in meta["classifiers"] and meta["license"] == "MIT" and not meta["urls"]
    assert any(f.endswith(".dist-info/licenses/LICENSE") or f.endswith(".dist-info/LICENSE") for f in meta["files"])
    assert "Copyright (c) 2026 mkldoctor contributors" in (action_path / "LICENSE").read_text()
    markers = {(r.split(";")[0].strip(), r.split(";", 1)[1].strip() if ";" in r else "") for r in meta["requires"]}
    assert {m for name, m in markers if name.startswith(("requests", "numpy"))} == {'extra == "bench"', 'extra == "test"'}
    assert ("typer<0.29,>=0.12", "") in markers or ("typer>=0.12,<0.29", "") in markers  # the base install still has its own
    # installed without the bench extra: no requests, and bench --hf-repo says what to install, in one line
    assert subprocess.run([str(venv / "bin/python"), "-c", "import requests"], capture_output=True, cwd=temp).returncode == 1
    bench = subprocess.run([str(venv / "bin/mkldoctor"), "bench", "--hf-repo", "org/name"], capture_output=True, text=True,
                           cwd=temp, env={**{k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"},
                                          "XDG_CACHE_HOME": str(temp / "cache")})
    assert bench.returncode == 2 and bench.stdout == "" and bench.stderr == (
        "mkldoctor: --hf-repo downloads with the requests package, which is not installed: pip install 'mkldoctor[bench]' "
        "(or give the model's folder with --model)\n")
    document = valid_sarif((workspace / "results.sarif").read_text())
    (missing,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "missing-symbol"]
    assert missing["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "main.c", "uriBaseId": "%SRCROOT%"}
    assert missing["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert not (workspace / "results.sarif.part").exists()
    assert runner.uses == [("github/codeql-action/upload-sarif@v3", {"sarif_file": "results.sarif", "category": "mkldoctor"})]

    # fail-on never: the job passes, the findings are still annotated on the lines concerned; no SARIF, no upload
    runner.uses.clear()
    status, outputs = runner.run({"args": args, "fail-on": "never"}, skip=("Install mkldoctor",))
    assert status == 0 and outputs["check"] == {"exit-code": "1"} and runner.uses == []
    assert runner.done["mkldoctor check"].stdout.startswith("::error file=main.c,line=3,col=3,title=missing-symbol%3A hgemm_")

    # a usage error fails the step whatever fail-on says; a wrong fail-on is one line and exit 2
    status, outputs = runner.run({"args": "--link sideways", "fail-on": "never"}, skip=("Install mkldoctor",))
    assert status == 2 and outputs["check"] == {"exit-code": "2"}
    assert "mkldoctor: Invalid value for '--link': 'sideways' is not one of 'static', 'dynamic', 'sdl'" in runner.last.stderr
    status, _ = runner.run({"args": args, "fail-on": "sometimes"}, skip=("Install mkldoctor",))
    assert status == 2 and "fail-on must be error, warning or never, not 'sometimes'" in runner.last.stdout

    # warnings only (Debian's runtime packages: its mkl-static-*.pc files name archives that are not there):
    # the job passes; with fail-on warning the same warnings fail it
    (workspace / "main.c").write_text("int main(void) { return 0; }\n")
    (workspace / "mkldoctor.toml").write_text('link = "dynamic"\n')
    args = f"--root '{mkl.debian_shared}'"
    status, outputs = runner.run({"args": args}, skip=("Install mkldoctor",))
    assert status == 0 and outputs["check"] == {"exit-code": "0"}, runner.last.stdout
    annotations = [line for line in runner.done["mkldoctor check"].stdout.splitlines() if "pkgconfig-missing-files" in line]
    assert len(annotations) == 1 and annotations[0].startswith("::warning title=pkgconfig-missing-files%3A 4 pkg-config files (")
    assert "mkl-static-lp64-seq.pc: missing libmkl_intel_lp64.a" in annotations[0]
    status, outputs = runner.run({"args": args, "fail-on": "warning"}, skip=("Install mkldoctor",))
    assert status == 1 and outputs["check"] == {"exit-code": "1"}
