"""Never silent, as an invariant of the signatures: a line that looks like an error (catalogue.ERRORISH) and that a
signature claims with an event of its own is explained by some finding. A signature that claims such a line and whose
family then says nothing would hide the failure: the parser keeps each such line (catalogue.ClaimedError), and where no
finding says anything of the log it is reported as unrecognised. On every corpus log, the family's own finding says it."""

from __future__ import annotations

import json
from pathlib import Path

from mkldoctor.explain import catalogue, logparse
from mkldoctor.explain.diagnosis import explain

CORPUS = Path(__file__).parent / "data" / "explain_corpus"
LOGS = [(f"{path.stem}:{entry.get('id')}", entry["log"]) for path in sorted(CORPUS.glob("*.json"))
        for data in [json.loads(path.read_text())]
        for entry in (data.get("entries", []) if isinstance(data, dict) else data)
        if isinstance(entry, dict) and isinstance(entry.get("log"), str)]
EIGEN = "./Eigen/src/Core/Assign_MKL.h:59:41: error: converting the enum constant to a boolean [-Werror,-Wint-in-bool-context]\n"


def test_a_claimed_error_line_is_said_by_its_familys_finding(monkeypatch):
    """With the net off, a log whose lines a signature claimed still gets a finding: the families say their own lines
    (apichange's own unrecognised findings for compile errors near no MKL name included)."""
    from mkldoctor.explain import unrecognised

    monkeypatch.setattr(unrecognised, "ClaimedError", type("NetOff", (), {}))
    assert len(LOGS) > 1000
    silent = []
    for name, log in LOGS:
        parsed = logparse.parse_bytes(log.encode())
        # a traceback's header is echoes' to hold: where no finding explains the log it is said as the cut error it leads to
        if not [e for e in parsed.of(catalogue.ClaimedError) if not catalogue.TRACEBACK_HEADER.search(e.line)]:
            continue
        findings = explain(parsed, [])
        if not any(f.severity in ("error", "warning") for f in findings):
            silent.append((name, parsed.of(catalogue.ClaimedError)[0].line[:160]))
    assert not silent, silent[:10]


def test_a_family_that_says_nothing_leaves_its_line_unrecognised(monkeypatch):
    from mkldoctor.explain import headerfail

    parsed = logparse.parse_bytes(EIGEN.encode())
    assert [e.line for e in parsed.of(catalogue.ClaimedError)] == [EIGEN.strip()]
    monkeypatch.setattr(headerfail, "diagnose", lambda events, ctx: [])
    [finding] = explain(logparse.parse_bytes(EIGEN.encode()), [])
    assert finding.id == "unrecognised-failure" and "Assign_MKL.h" in finding.title
