"""A partly right answer blind set 187 found again (tests/data/explain_corpus/blind187.json left it out after scoring: its
texts were all documents already in the corpus): block2's developer notes (blind33) fix MKL kernels that cannot see MKL's
core by linking the module's MKL layers with -Wl,--no-as-needed, which no fix said."""

from __future__ import annotations

from tests import blindset


def test_a_module_linked_with_as_needed_is_told_no_as_needed():
    said = [f for f in blindset.findings(blindset.log_of(blindset.entries(33), "block2-hints")) if f.id == "mkl-core-not-visible"]
    assert said and any("-Wl,--no-as-needed" in line and "block2" in line for line in said[0].fix), said
