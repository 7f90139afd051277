"""Never silent, as an invariant of the signatures: a line that looks like an error (catalogue.ERRORISH) and that a
signature claims with an event of its own is explained by some finding. A signature that claims such a line and whose
family then says nothing hides the failure: the line is neither a finding's evidence nor reported as unrecognised.
Checked on every log of every corpus file (the public logs, the blind sets, the produced ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkldoctor.explain import catalogue, logparse
from mkldoctor.explain.diagnosis import explain

CORPUS = Path(__file__).parent / "data" / "explain_corpus"
LOGS = [(f"{path.stem}:{entry.get('id')}", entry["log"]) for path in sorted(CORPUS.glob("*.json"))
        for data in [json.loads(path.read_text())]
        for entry in (data.get("entries", []) if isinstance(data, dict) else data)
        if isinstance(entry, dict) and isinstance(entry.get("log"), str)]


@pytest.fixture()
def claimed(monkeypatch):
    """The error-like lines signatures claim with an event of their own, recorded as the parser reads a log."""
    seen: list[str] = []
    claim = catalogue.claim

    def recording(line, before):
        taken, event = claim(line, before)
        if taken and event is not None and not isinstance(event, (catalogue.Unrecognised, catalogue.FollowOn)) \
                and catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line):
            seen.append(line.strip())
        return taken, event

    monkeypatch.setattr(catalogue, "claim", recording)
    return seen


def test_the_corpora_are_read(claimed):
    assert len(LOGS) > 1000


def test_a_claimed_error_line_is_never_left_unsaid(claimed):
    silent = []
    for name, log in LOGS:
        claimed.clear()
        findings = explain(logparse.parse_bytes(log.encode()), [])
        if claimed and not any(f.severity in ("error", "warning") for f in findings):
            silent.append((name, claimed[0][:160]))
    assert not silent, silent[:10]


def test_the_check_sees_a_signature_that_says_nothing(claimed, monkeypatch):
    """The invariant's own check: a signature made to claim a line and then say nothing is caught."""
    from mkldoctor.explain import headerfail

    monkeypatch.setattr(headerfail, "diagnose", lambda events, ctx: [])
    log = "./Eigen/src/Core/Assign_MKL.h:59:41: error: converting the enum constant to a boolean [-Werror,-Wint-in-bool-context]\n"
    findings = explain(logparse.parse_bytes(log.encode()), [])
    assert claimed and not any(f.severity == "error" for f in findings)
