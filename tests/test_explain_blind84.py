"""The eighty-fourth blind set (tests/data/explain_corpus/blind84.json): Intel Fortran's words for an INCLUDE of FFTW's
header that MKL keeps in include/fftw (spack-packages PR #3261), and gfortran 12's."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_explain_families import flat, only_error

[ENTRY] = json.loads((Path(__file__).parent / "data/explain_corpus/blind84.json").read_text())["entries"]


def test_fortrans_include_of_fftw3_f_from_mkl():
    for log in (ENTRY["log"], "fft.F(12): error #5102: Cannot open include file 'fftw3.f'",
                "Fatal Error: Cannot open included file \u2018fftw3.f03\u2019"):
        finding = only_error(log + "\n")
        assert finding.id == "fftw-header-not-found" and "include/fftw" in finding.title, flat(finding)
        assert finding.fix[0].startswith("with MKL as the FFTW: add MKL's FFTW header folder to the include path: -I${MKLROOT}/include/fftw")
