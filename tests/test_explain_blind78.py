"""The seventy-eighth blind set (tests/data/explain_corpus/blind78.json): an r-devel message of 2019 (R on MKL's single
dynamic library, linear algebra 'corrupted'), which the reporter's prose says, across the mail's line breaks."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_explain_families import errors_of, flat, only_error

[ENTRY] = json.loads((Path(__file__).parent / "data/explain_corpus/blind78.json").read_text())["entries"]


def test_r_on_mkl_with_values_the_reporter_calls_corrupted():
    finding = only_error(ENTRY["log"])
    assert finding.id == "results-wrong-with-mkl", flat(finding)
    assert finding.fix[0].startswith("1. in R on MKL's single dynamic library") and "MKL_INTERFACE_LAYER=GNU,LP64" in finding.fix[0]


def test_prose_about_values_needs_mkl_in_the_log_and_r_for_rs_line():
    # the same words in a log that names no MKL: not recognised, no MKL advice
    assert [f.id for f in errors_of("the results are wrong after the upgrade\n")] == ["unrecognised-failure"]
    # MKL named, no R session: the generic runs, without R's line
    finding = only_error("numpy on MKL: the eigenvalues are wrong on this machine\n")
    assert finding.id == "results-wrong-with-mkl" and not any("in R on MKL" in line for line in finding.fix)
    # words that say nothing is wrong are no claim
    assert not errors_of("MKL is installed; the results are correct now\n")
