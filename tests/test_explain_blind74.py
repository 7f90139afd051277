"""The seventy-fourth blind set (tests/data/explain_corpus/blind74.json): ggml-sycl's CHECK_TRY_ERROR around a oneMKL call,
cut short as an issue's title, with pip's oneAPI runtime wheels listed (from the public report)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_explain_families import errors_of, flat, only_error

[ENTRY] = json.loads((Path(__file__).parent / "data/explain_corpus/blind74.json").read_text())["entries"]


def test_a_onemkl_call_that_threw_cut_short_with_the_wheels_listed():
    finding = only_error(ENTRY["log"])
    assert finding.id == "onemkl-sycl-call-failed" and "gemm_batch" in finding.title, flat(finding)
    assert any(line.startswith("the log lists oneAPI's runtime wheels in the environment: onednn 2024.0.0, onemkl-sycl-blas")
               for line in finding.evidence)
    # a pip list alone is no failure
    assert not errors_of("onemkl-sycl-blas            2024.0.0\nmkl-dpcpp  2024.0.0\n")
