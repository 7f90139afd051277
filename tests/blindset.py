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
