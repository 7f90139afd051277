"""The seventy-third blind set (tests/data/explain_corpus/blind73.json): texts the rules made after it answer (from the
public reports: lld-link on Windows, macOS's OpenMP runtimes, Julia's libblastrampoline)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(73)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_lld_links_undefined_msvc_runtime_names_from_mkls_libs():
    """mir-blas#6: lld-link's block form ('lld-link: error: undefined symbol: __security_cookie' with '>>> referenced by
    mkl_intel_ilp64.lib(_dgemm.obj)'): Microsoft's runtime not given to lld-link, fixed by Visual Studio's environment."""
    [finding, other] = errors_of(_log("mir-blas-6"))
    assert finding.id == "msvc-runtime-names-in-gnu-link" and "lld-link" in finding.title, flat(finding)
    assert "needed by dgemm in mkl_intel_ilp64.lib(_dgemm.obj)" in " ".join(finding.evidence)
    assert "Native Tools Command Prompt" in finding.fix[0]
    assert other.id == "unrecognised-failure" and "/GS" in other.title  # the reporter's own try, a failure of its own


def test_openmp_error_15_cut_in_its_last_word():
    finding = only_error(_log("deepforestr-5"))
    assert finding.id == "openmp-duplicate" and "libomp.dylib" in finding.title, flat(finding)


def test_a_packages_routine_that_an_older_libblastrampoline_does_not_forward():
    finding = only_error(_log("propack-54"))
    assert finding.id == "julia-blas-interface-missing" and finding.fix[0].startswith("update Julia"), flat(finding)
    assert any("PROPACK.jl#54" in line for line in finding.evidence)
