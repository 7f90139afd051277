"""The public-log corpus of issue 21: each development log of tests/data/explain_corpus/dev.json, explained as a
log from another machine, gets the diagnosis its thread established.

tests/data/explain_corpus/expect.json says, for each entry, the finding a right diagnosis has and the words
it must say (judged against the thread's cause and fix, a word written ``fix:WORD`` in the fix lines). The
logs come from other people's machines: explain reads them with no MKL copy of this one (``--no-scan``).
Never silent, and never an ``unrecognised-failure`` beside the finding that explains the failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.findings import Finding

CORPUS = Path(__file__).parent / "data" / "explain_corpus"
ENTRIES = json.loads((CORPUS / "dev.json").read_text())["entries"]
EXPECT = json.loads((CORPUS / "expect.json").read_text())
BY_ID = {entry["id"]: entry for entry in ENTRIES}


def said(finding: Finding, word: str) -> bool:
    if word.startswith("fix:"):
        return word[4:] in "\n".join(finding.fix)
    return word in "\n".join((finding.title, *finding.evidence, finding.explanation, *finding.fix, *finding.confirm))


def test_every_entry_has_one_expectation():
    assert set(EXPECT["expect"]) == set(BY_ID)
    assert set(EXPECT["pending"]) <= set(BY_ID)
    for entry_id, pending in EXPECT["pending"].items():
        assert set(pending["words"]) <= set(EXPECT["expect"][entry_id]["contains"]), entry_id
    # the corpus spans the families the issue asks for, each with several logs
    families = {entry["family"] for entry in ENTRIES}
    assert {"windows", "python-runtime", "rust-build", "cmake-meson-fortran", "r-julia-java-matlab", "mkl-runtime"} <= families


@pytest.mark.parametrize("entry_id", sorted(BY_ID))
def test_the_thread_cause_is_the_diagnosis(entry_id):
    entry, expect = BY_ID[entry_id], EXPECT["expect"][entry_id]
    findings = explain(logparse.parse_bytes(entry["log"].encode()), [])
    assert findings, "silent: a failure read as no problem"
    chosen = [f for f in findings if f.id == expect["finding"]]
    assert chosen, (expect["finding"], [(f.id, f.title) for f in findings])
    pending = set(EXPECT["pending"].get(entry_id, {}).get("words", ()))
    for word in expect["contains"]:
        if word not in pending:
            assert any(said(f, word) for f in chosen), (word, [f.title for f in chosen], chosen[0].fix)
    unrecognised = [f.title for f in findings if f.id == "unrecognised-failure"]
    assert not unrecognised, f"an unrecognised failure beside {expect['finding']}: {unrecognised}"


def test_a_log_from_another_machine_through_the_command_line(tmp_path):
    entry = BY_ID["win-lnk1181-ilp64-nn-inference-template-1"]
    log = tmp_path / "link.log"
    log.write_text(entry["log"])
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", str(log)])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert [f["id"] for f in findings] == [EXPECT["expect"][entry["id"]]["finding"]]
