"""--format sarif (check, explain), github annotations with file/line, JSON with the tool's version and
locations: on a real project read against Debian's real MKL 2020.4 (no hgemm_), every SARIF validated
against the vendored SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor import __version__
from mkldoctor.cli import app
from mkldoctor.knowledge.rule_catalogue import RULES
from sarif_schema import errors, valid_sarif

runner = CliRunner()

MAIN_C = "#include <mkl.h>\n\nint main(void) {\n  /* half */ hgemm_(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);\n  return 0;\n}\n"
LOG = ("gcc -o app main.o -L/nowhere -lmkl_rt\n"
       "/usr/bin/ld: main.o: in function `main':\n"
       "main.c:(.text+0x1d): undefined reference to `hgemm_'\n"
       "tool: error: cannot frobnicate the widget (a failure no signature knows)\n"
       "\n"
       "collect2: error: ld returned 1 exit status\n")


def invoke(args: list[str], cwd: Path, stdin: str | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, args, input=stdin, env={"NO_COLOR": "1"})
    finally:
        os.chdir(old)


@pytest.fixture()
def c_project(tmp_path) -> Path:
    """A Make project whose main.c calls hgemm_ on line 4, column 14."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "Makefile").write_text("app: main.c\n\tcc main.c -lmkl_rt\n")
    (project / "main.c").write_text(MAIN_C)
    return project


def check_sarif(mkl, project: Path, cwd: Path, *extra: str):
    result = invoke(["check", str(project.relative_to(cwd)) if project != cwd else ".", "--root",
                     str(mkl.debian_static), "--format", "sarif", *extra], cwd)
    return result.exit_code, valid_sarif(result.stdout)


def test_check_sarif_names_the_call_and_validates(mkl, c_project):
    code, document = check_sarif(mkl, c_project, c_project)
    assert code == 1
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mkldoctor" and driver["version"] == __version__ and "informationUri" not in driver
    (missing,) = [r for r in run["results"] if r["ruleId"] == "missing-symbol"]
    assert missing["level"] == "error" and missing["message"]["text"].startswith("hgemm_ is not in the MKL the build uses (2020.4)")
    assert missing["locations"] == [{"physicalLocation": {"artifactLocation": {"uri": "main.c", "uriBaseId": "%SRCROOT%"},
                                                          "region": {"startLine": 4, "startColumn": 14}},
                                     "message": {"text": "calls hgemm_"}}]
    rule = driver["rules"][missing["ruleIndex"]]
    assert rule["id"] == "missing-symbol" and rule["shortDescription"]["text"] == RULES["missing-symbol"].short
    assert rule["help"]["text"] == RULES["missing-symbol"].help
    assert [r["id"] for r in driver["rules"]] == list(dict.fromkeys(r["ruleId"] for r in run["results"]))
    # a finding about the machine, not a line, is anchored at the build file: GitHub refuses a result without one
    (picked,) = [r for r in run["results"] if r["ruleId"] == "picked"]
    assert picked["level"] == "note"
    assert picked["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "Makefile", "uriBaseId": "%SRCROOT%"},
                                                          "region": {"startLine": 1}}
    assert all(r.get("locations") for r in run["results"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == f"file://{c_project}/"


def test_fingerprints_stay_put_across_runs_and_a_moved_line(mkl, c_project):
    first = check_sarif(mkl, c_project, c_project)[1]["runs"][0]["results"]
    (c_project / "main.c").write_text("/* a line added above */\n" + MAIN_C)
    second = check_sarif(mkl, c_project, c_project)[1]["runs"][0]["results"]
    prints = [[r["partialFingerprints"]["mkldoctorFinding/v1"] for r in results] for results in (first, second)]
    assert prints[0] == prints[1] and len(set(prints[0])) == len(prints[0])
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second if r["ruleId"] == "missing-symbol"] == [5]


def test_paths_are_from_the_folder_mkldoctor_runs_in(mkl, c_project):
    """GitHub reads a relative uri from the repository root (where CI runs mkldoctor) and ignores
    originalUriBaseIds: a project in a subfolder is named with its folder."""
    code, document = check_sarif(mkl, c_project, c_project.parent)
    (missing,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "missing-symbol"]
    assert missing["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "proj/main.c", "uriBaseId": "%SRCROOT%"}
    github = invoke(["check", "proj", "--root", str(mkl.debian_static), "--format", "github"], c_project.parent)
    assert github.exit_code == 1
    assert github.stdout.startswith("::error file=proj/main.c,line=4,col=14,title=missing-symbol%3A hgemm_ is not in the MKL "
                                    "the build uses (2020.4); MKL 2021.4 or newer has it::hgemm_ is needed: main.c:4 calls it%0A")
    # a finding without a line gets no file= (an annotation on a made-up line would mislead)
    assert any(line.startswith("::notice title=picked%3A ") for line in github.stdout.splitlines())


def test_json_has_the_tool_and_each_findings_locations(mkl, c_project):
    result = invoke(["check", ".", "--root", str(mkl.debian_static), "--format", "json"], c_project)
    document = json.loads(result.stdout)
    assert result.exit_code == 1 and document["schema"] == "mkldoctor.findings" and document["version"] == 2
    assert document["tool"] == {"name": "mkldoctor", "version": __version__}
    assert document["paths_relative_to"] == str(c_project)
    (missing,) = [f for f in document["findings"] if f["id"] == "missing-symbol"]
    assert missing["locations"] == [{"path": "main.c", "line": 4, "what": "calls hgemm_", "column": 14, "end_line": None}]
    assert "main.c:4 calls it" in missing["evidence"][0]  # the old keys are kept


def test_explain_sarif_names_the_log_lines(tmp_path):
    (tmp_path / "build.log").write_text(LOG)
    result = invoke(["explain", "--no-scan", "build.log", "--format", "sarif"], tmp_path)
    assert result.exit_code == 1
    results = valid_sarif(result.stdout)["runs"][0]["results"]
    where = {r["ruleId"]: [(l["physicalLocation"]["artifactLocation"]["uri"], l["physicalLocation"]["region"]["startLine"])
                           for l in r["locations"]] for r in results}
    assert where["missing-symbol"] == [("build.log", 3)]
    assert where["unrecognised-failure"] == [("build.log", 4)]
    github = invoke(["explain", "--no-scan", "build.log", "--format", "github"], tmp_path)
    assert github.stdout.splitlines()[0].startswith("::error file=build.log,line=3,title=missing-symbol%3A hgemm_")


def test_explain_from_standard_input_is_valid_sarif_without_a_file(tmp_path):
    result = invoke(["explain", "--no-scan", "-", "--format", "sarif"], tmp_path, stdin=LOG)
    assert result.exit_code == 1
    results = valid_sarif(result.stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"missing-symbol", "unrecognised-failure"}
    assert not any("locations" in r for r in results)  # no file to point at: none is made up


def test_the_schema_check_is_live():
    """The validator rejects what SARIF 2.1.0 forbids, so the validations above mean something."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "mkldoctor"}},
                                         "results": [{"message": {"text": "x"}, "level": "fatal"}]}]}
    assert errors(bad) and "fatal" in errors(bad)[0]
    assert errors({"version": "2.0.0", "runs": []})
    assert not errors({"version": "2.1.0", "runs": []})


def test_sarif_is_an_accepted_format_and_a_wrong_one_names_the_choices(tmp_path):
    result = invoke(["check", ".", "--format", "xml"], tmp_path)
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json', 'junit', 'github', 'sarif'" in result.output
