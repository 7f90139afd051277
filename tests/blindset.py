"""The blind sets of explain's corpus (tests/data/explain_corpus/blindN.json), as their tests read them: the entries of
one or several sets by id, one entry's log found by a fragment of its id, and what explain makes of a log."""

from __future__ import annotations

import json
from pathlib import Path

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain

CORPUS = Path(__file__).parent / "data/explain_corpus"


def load(*numbers: int) -> dict[int, dict]:
    """Each set's document (its entries and how they were scored), by its number."""
    return {n: json.loads((CORPUS / f"blind{n}.json").read_text()) for n in numbers}


def entries(*numbers: int) -> dict[str, dict]:
    """The entries of these sets, by id."""
    return {e["id"]: e for doc in load(*numbers).values() for e in doc["entries"]}


def log_of(entries_by_id: dict[str, dict], fragment: str) -> str:
    """The log of the one entry whose id holds this fragment (an error if none or several do)."""
    [entry] = [e for key, e in entries_by_id.items() if fragment in key]
    return entry["log"]


def findings(log: str):
    """What explain makes of a log, as `mkldoctor explain LOG --no-scan` does."""
    return explain(logparse.parse_bytes(log.encode()), [])


def scored_entries(sets: dict[int, dict]) -> list:
    """Each entry of these sets with its set's number, as pytest parameters named by the entry's id."""
    import pytest

    return [pytest.param(n, e, id=f"{n}-{e['id']}") for n, doc in sets.items() for e in doc["entries"]]


def assert_never_silent_and_right_stays_right(sets: dict[int, dict], n: int, entry: dict) -> None:
    """An entry's log gets an error finding (never "no problem found"; a log of no failure, ``"failure": false`` in its
    verdict, gets a finding all the same), and one scored right still gets the findings it was scored right with."""
    said = findings(entry["log"])
    verdict = sets[n]["scored"]["verdicts"][entry["id"]]
    assert any(f.severity == "error" or verdict.get("failure") is False for f in said), [(f.id, f.title) for f in said]
    if verdict["verdict"] == "right":
        assert set(verdict["finding"].split(",")) <= {f.id for f in said}, [(f.id, f.title) for f in said]


def assert_fill_reads_as_printed(n: int, fragment: str, width: int = 72) -> None:
    """One entry's log filled as a mail archive or a forum fills text (words moved to the next line at ``width`` columns,
    long words kept whole) gets the findings the log gets as printed."""
    import textwrap

    log = log_of(entries(n), fragment)
    filled = "\n".join(textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False) if len(text) > width
                       else text for text in log.splitlines())
    assert filled != log
    assert [f.id for f in findings(filled)] == [f.id for f in findings(log)], filled

