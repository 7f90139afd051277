"""The seventy-second blind set (tests/data/explain_corpus/blind72.json): texts the rules made after it answer (from the
public reports: a Chinese issue's title, Visual Studio's Error List, CMake's FindBLAS variable)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(72)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_the_loaders_line_cut_after_the_library_inside_a_sentence():
    """PaddleDetection#2923's title: '...运行时报错error while loading shared libraries: libiomp5.so'."""
    finding = only_error(_log("paddledetection-2923"))
    assert finding.id == "loader-cannot-find" and "libiomp5.so" in finding.title, flat(finding)


def test_visual_studios_error_list_row_of_an_mkl_2017_dnn_name():
    """mxnet#4128: 'Error (active)<TAB><TAB>identifier "dnnBatchNormalizationCreateForward_v2_F32" is undefined<TAB>...':
    an MKL name the headers installed do not declare; MKL 2017's deep-learning primitives and their end are said."""
    finding = only_error(_log("mxnet-pr4128"))
    assert finding.id == "mkl-api-changed" and "dnnBatchNormalizationCreateForward_v2_F32" in finding.title, flat(finding)
    assert any("deep-learning primitives" in line for line in finding.evidence)
    # another identifier in the same row is no MKL name: not this rule's (and not silent)
    row = 'Error (active)\t\tidentifier "my_own_thing" is undefined\tproj\tC:\\src\\a.cpp\t12\t\n'
    assert only_error(row).id == "unrecognised-failure"


def test_findblas_variable_left_notfound():
    """oneflow#10287: BLAS_mkl_em64t_LIBRARY is FindBLAS's own variable: no BLAS at all, BLA_VENDOR named."""
    finding = only_error(_log("oneflow-10287"))
    assert finding.title.endswith("FindBLAS found no BLAS at all") and "-DBLA_VENDOR=Intel10_64lp" in finding.fix[0], flat(finding)


def test_visual_studios_error_list_row_pasted_with_spaces():
    """The same row where a paste turned the tabs into runs of spaces."""
    row = ('Error (active)      identifier "dnnConvolutionCreateForward_F32" is undefined      mxnet      '
           'C:\\src\\mkl_cppwrapper.h      832\n')
    finding = only_error(row)
    assert finding.id == "mkl-api-changed" and "dnnConvolutionCreateForward_F32" in finding.title, flat(finding)
