"""Blind set 187's partly right answers (tests/data/explain_corpus/blind187.json, scored with the other sets in
test_explain_blind173): block2's developer notes fix MKL kernels that cannot see MKL's core by linking the module's MKL
layers with -Wl,--no-as-needed, which no fix said."""

from __future__ import annotations

from tests import blindset


def test_a_module_linked_with_as_needed_is_told_no_as_needed():
    said = [f for f in blindset.findings(blindset.log_of(blindset.entries(187), "block2")) if f.id == "mkl-core-not-visible"]
    assert said and any("-Wl,--no-as-needed" in line and "block2" in line for line in said[0].fix), said
