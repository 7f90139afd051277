"""Blind sets 115 and after (tests/data/explain_corpus/blind115.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the failure produced with the real tool where it can run here,
the thread's own text where it cannot (macOS, a container's shared memory)."""

from __future__ import annotations

import pytest

from tests import blindset

SETS = blindset.load(115, 116, 117, 118, 119)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)
