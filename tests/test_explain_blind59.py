"""The fifty-ninth blind set (tests/data/explain_corpus/blind59.json): cytnx#419's DGESDD and MKL's own DGBBRDM refused in
one run, one failure (the integer width, said first), where DGBBRDM, a routine no table names, had been a second finding."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(59)


def test_integers_refused_in_a_named_and_an_unnamed_routine():
    finding = only_error(ENTRIES["python-mkl-ilp64-vs-lp64-dgesdd-parameter-incorrect-cytnx-419"]["log"])
    assert finding.id == "mkl-parameter-error" and finding.title.startswith("MKL rejected parameter 10 of DGESDD"), flat(finding)
    assert "argument 12 of DGBBRDM" in finding.title
    assert finding.fix[0].startswith("the integer size"), flat(finding)


def test_a_finders_own_variable_for_the_runtime_library():
    finding = only_error(ENTRIES["cmake-findmkl-mkl-rt-library-notfound-ia32-win-mxnet-6658"]["log"])
    assert finding.id == "mkl-finder-failed" and any("MKL_RT_LIBRARY" in line for line in finding.fix), flat(finding)
