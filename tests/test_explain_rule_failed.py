"""A rule that fails on an input is said as a finding of its own (mkldoctor's fault), never a traceback, and the other
rules still speak: a user meets a clear line and a non-zero exit; the tests (MKLDOCTOR_RAISE=1) see the traceback."""

from __future__ import annotations

import pytest

from mkldoctor.explain import catalogue, logparse
from mkldoctor.explain.diagnosis import explain

LOG = "ld: cannot find -lmkl_core: No such file or directory\n"


def _broken(events, ctx):
    raise KeyError("a rule's own mistake")


@pytest.fixture
def one_broken_rule(monkeypatch):
    monkeypatch.delenv("MKLDOCTOR_RAISE", raising=False)
    rules = catalogue.diagnoses()
    monkeypatch.setattr(catalogue, "diagnoses", lambda: (_broken, *rules))


def test_a_failing_rule_is_a_finding_and_the_others_still_speak(one_broken_rule):
    findings = explain(logparse.parse_bytes(LOG.encode()), [])
    ids = [f.id for f in findings]
    assert "rule-failed" in ids and "library-not-found" in ids, ids
    [failed] = [f for f in findings if f.id == "rule-failed"]
    assert failed.severity == "error" and "test_explain_rule_failed._broken" in failed.title and "KeyError" in failed.title


def test_the_command_exits_non_zero_without_a_traceback(one_broken_rule, tmp_path):
    from typer.testing import CliRunner

    from mkldoctor.cli import app

    log = tmp_path / "build.log"
    log.write_text(LOG)
    result = CliRunner().invoke(app, ["explain", str(log), "--no-scan"])
    assert result.exit_code == 1 and "Traceback" not in result.output and "rule-failed" in result.output, result.output


def test_the_tests_see_the_traceback():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalogue, "diagnoses", lambda: (_broken,))
        with pytest.raises(KeyError):
            explain(logparse.parse_bytes(LOG.encode()), [])


def test_a_fault_outside_the_rules_is_one_line_and_status_70(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from mkldoctor.cli import app
    from mkldoctor.explain import diagnosis

    def broken_finish(findings, parsed, context):
        raise ValueError("a step's own mistake")

    monkeypatch.delenv("MKLDOCTOR_RAISE", raising=False)
    monkeypatch.setattr(diagnosis, "finish", broken_finish)
    log = tmp_path / "build.log"
    log.write_text(LOG)
    result = CliRunner().invoke(app, ["explain", str(log), "--no-scan"])
    assert result.exit_code == 70 and "Traceback" not in result.output, result.output
    assert "mkldoctor: internal error: ValueError: a step's own mistake" in result.output
