"""Blind set 191's answers made whole (tests/data/explain_corpus/blind191.json, scored with the other sets in
test_explain_blind173), and a document it found again that earlier sets had scored partly (pyELSI's README, blind32 and
blind54): causes the one line they quote does not carry, now said beside the mechanism."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error


def test_a_kernel_missing_from_an_mkl_another_environment_lent_the_build():
    """pyELSI's README: a cluster's PyTorch module beside the package's conda environment, CMake linked that module's
    incomplete MKL, and the kernels were not there: ldd names the MKL the module loads; rebuild in one environment."""
    said = only_error(blindset.log_of(blindset.entries(32), "pyelsi"))
    assert said.id == "mkl-cannot-load-kernels", flat(said)
    rebuild = [line for line in said.fix if "another environment's MKL" in line]
    assert rebuild and "ldd <the module> | grep mkl" in rebuild[0] and "module purge" in rebuild[0], flat(said)
