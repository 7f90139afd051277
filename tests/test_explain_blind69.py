"""The sixty-ninth blind set (tests/data/explain_corpus/blind69.json): texts the rules made after it answer (from the public
reports: no CUDA backend or oneAPI 2025 here)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = blindset.entries(69)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_onemaths_ilp64_reference_lapacke_quoted_alone():
    """oneMath#334: 'Could NOT find LAPACKE (missing: CBLAS64_file)' is a required search of oneMath's, quoted without its
    CMake Error line; another package's status line alone stays a status (no failure)."""
    finding = only_error(_log("onemath-lapacke-cblas64"))
    assert finding.id == "dependency-not-mkl" and "-DBUILD_INDEX64=ON" in finding.fix[0], flat(finding)
    assert not errors_of("-- Could NOT find Doxygen (missing: DOXYGEN_EXECUTABLE)\n")


def test_a_sycl_builds_release_without_onemkls_libraries():
    """natoriousbigg/whisper.cpp: a release zip of the SYCL build without libmkl_sycl_blas.so.5 beside the binary."""
    finding = only_error(_log("whisper-sycl-release"))
    assert finding.id == "loader-cannot-find", flat(finding)
    assert any(line.startswith("a program's release package (a zip of a SYCL build) must carry") for line in finding.fix)
