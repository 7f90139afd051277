"""The corpus, part 2: failures from hosts that cannot run here (macOS, Windows, Julia, R, PyInstaller).

Each is a short excerpt of a public report (the error lines only, the source named in
tests/data/explain_reports.json). mkldoctor cannot inspect those machines' binaries, but
each log must still be explained with its cause and the platform's remedy, never with
"no problem found" and never as an unrecognised failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain

REPORTS = json.loads((Path(__file__).parent / "data" / "explain_reports.json").read_text())["reports"]


def flat(finding) -> str:
    recipes = [line for r in finding.recipes for line in (f"recipe `{r.name}`", *r.lines)]
    return "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm, *recipes))


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: f"{r['source'].split('github.com/')[1]}-{r['id']}")
def test_public_report_is_explained(report):
    findings = explain(logparse.parse_bytes(report["log"].encode()), [])
    errors = [f for f in findings if f.severity == "error"]
    assert [f.id for f in errors] == [report["id"]], [(f.id, f.title) for f in findings]
    text = flat(errors[0])
    for wanted in report["contains"]:
        assert wanted in text, (wanted, text)


def test_every_report_names_its_source_and_the_corpus_covers_each_platform():
    assert all(r["source"].startswith("https://github.com/") and "/issues/" in r["source"] for r in REPORTS)
    assert {r["platform"] for r in REPORTS} == {"linux", "macos", "windows"}
    assert {"julia", "R", "PyInstaller"} <= {r["host"] for r in REPORTS}


def test_a_report_through_the_command_line(tmp_path):
    report = next(r for r in REPORTS if r["platform"] == "windows")
    log = tmp_path / "report.log"
    log.write_text(report["log"])
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", str(log)])
    assert result.exit_code == 1
    assert [f["id"] for f in json.loads(result.stdout)["findings"]] == [report["id"]]


def test_every_signature_and_error_word_passes_the_cheap_gate():
    """The parser runs the catalogue only on lines holding an anchor: no signature may hide behind that."""
    from mkldoctor.explain import anchors, catalogue

    for signature in catalogue.signatures():
        assert any(anchor in signature.needle for anchor in anchors.ANCHORS), signature.name
    samples = ["x.c:1: error: y", "ERROR: z", "fatal error: q", "FATAL", "undefined reference to", "a: undefined",
               "cannot open x", "Cannot load y", "ImportError", "OSError", "FileNotFoundError", "CMake Error",
               "OMP: Error #15", "make: Error 2", "Error in dyn.load(", "Error: boom",
               "ModuleNotFoundError: No module named 'mkl'", "Cant find native CPU libraries", "Couldnt load x",
               "Could not load libmkl_rt.so", "Failed to load /opt/x/libiomp5.so", "unable to find libmkl_core.so.2",
               "Couldn\u2019t open mkl_rt.2.dll", "Darwin is unsupported yet",
               "System.NotSupportedException: Native Provider Probing failed to resolve creator"]
    for sample in samples:
        assert catalogue.ERRORISH.search(sample), sample
        assert any(anchor in sample for anchor in anchors.ANCHORS), sample


def test_warnings_and_ignored_errors_are_not_failures():
    from mkldoctor.explain import catalogue

    for line in ("/usr/bin/ld: warning: cannot find entry symbol _start; defaulting to 0000000000401000",
                 "make: [Makefile:3: clean] Error 1 (ignored)", "UserWarning: cannot load the optional module"):
        assert catalogue.ERRORISH.search(line) and catalogue.NOT_A_FAILURE.search(line), line
    for line in ("x.c:1: error: warning: treated as error", "ld: error: cannot find -lmkl_core", "WARNING: FATAL error: x"):
        assert not catalogue.NOT_A_FAILURE.search(line), line
    findings = explain(logparse.parse_bytes(b"/usr/bin/ld: warning: cannot find entry symbol _start; defaulting to 0\n"), [])
    assert findings == []


@pytest.mark.parametrize("report", [r for r in REPORTS if r["platform"] == "linux"],
                         ids=lambda r: f"{r['source'].split('github.com/')[1]}-{r['id']}")
def test_an_ldd_confirmation_names_a_file_the_log_names(report):
    """Where the log names no program (a bare loader line, a host's wrapper), ldd gets a file the log does
    name (the library that failed) or a placeholder, never the description of the host."""
    import shlex

    for finding in explain(logparse.parse_bytes(report["log"].encode()), []):
        for line in finding.confirm:
            if line.startswith("ldd "):
                target = shlex.split(line)[1]
                assert target in report["log"] or target == "./your-program", (line, report["log"])
