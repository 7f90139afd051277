"""The classes of the forty-second blind set (tests/data/explain_corpus/blind42.json): Intel OpenMP's notice that a caller
used the deprecated omp_set_nested (Numba's threading layer before 0.67), and MKL 11's words for a kernel function it
could not load ('MKL FATAL ERROR on loading the function', the Tianhe centre's manual)."""

from __future__ import annotations

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import errors_of, flat


def test_the_runtimes_notice_of_a_deprecated_call_is_a_warning():
    [finding] = explain_all("OMP: Info #273: omp_set_nested routine deprecated, please use\nomp_set_max_active_levels instead.\n")
    assert finding.id == "openmp-nested-deprecated" and finding.severity == "warning", flat(finding)
    assert "numba" in finding.fix[0] and "KMP_WARNINGS=0" in finding.fix[1]


def test_mkl_11s_words_for_a_kernel_function_it_could_not_load():
    log = ("MKL FATAL ERROR on loading the function mkl_blas_mc3_idamax\n[...]\n"
           "MKL FATAL ERROR on loading the function\tmkl_dft_mc3_dfti_create_dc1d\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-kernel-other-release" and "LD_LIBRARY_PATH" in finding.fix[0], flat(finding)
