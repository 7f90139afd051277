"""Round 14 of raw public pastes (issue threads read without their causes, none used before): what was read wrong in
them, as the paste showed it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat

# pghysels/STRUMPACK#99: ld's lines joined and cut by the paste; a template's name as ld demangles it, its return type first
STRUMPACK_99 = (
    "ntSYCLIflE13split_smallerERKNS_22CompressedSparseMatrixIflEERKNS_9SPOptionsIfEEii]+0x65e): undefined reference to "
    "`long oneapi::mkl::lapack::getrs_scratchpad_size<float, (void*)0>(sycl::_V1::queue&, oneapi::mkl::transpose, long, long, "
    "long, long)'/usr/bin/ld: FrontSYCL-589e50.cpp:(.text._ZN9strumpack9FrontSYCLIflE13split_smallerERKNS_22CompressedSparse"
    "MatrixIflEERKNS_9SPOptionsIfEEii[_ZN9strumpack9FrontSYCLIflE13split_smallerERKNS_22CompressedSparseMatrixIflEERKNS_9SPOp"
    "tionsIfEEii]+0x141a): undefined reference to `oneapi::mkl::blas::column_major::gemm(sycl::_V1::queue&, "
    "oneapi::mkl::transpose, oneapi::mkl::transpose, long, long, long, float, float const*, long, float const*, long, float, "
    "float*, long, oneapi::mkl::blas::compute_mode, std::vector<sycl::_V1::event, std::allocator<sycl::_V1::event> > "
    "const&)'\n")


def test_a_templates_name_with_its_return_type():
    """STRUMPACK#99: oneMKL's getrs_scratchpad_size<float> is a template, which ld names with its return type ('long
    oneapi::mkl::...'): it was an unrecognised line beside the SYCL finding for gemm."""
    [finding] = errors_of(STRUMPACK_99)
    assert finding.id == "mkl-sycl-api-not-linked" and "getrs_scratchpad_size" in finding.title, flat(finding)


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")
def test_a_templates_name_as_ld_prints_it(tmp_path):
    """Produced with g++ and ld: a template function of oneMKL's namespace declared and not defined, which ld names
    'long oneapi::mkl::lapack::scratch<float>(float)'."""
    (tmp_path / "t.cpp").write_text("namespace oneapi { namespace mkl { namespace lapack {\n"
                                    "template <typename T> long scratch(T); } } }\nint main() { return (int) oneapi::mkl::lapack::scratch<float>(1.0f); }\n")
    done = subprocess.run(["g++", str(tmp_path / "t.cpp"), "-o", str(tmp_path / "t")], capture_output=True, text=True)
    assert done.returncode != 0 and "`long oneapi::mkl::lapack::scratch<float>(float)'" in done.stderr, done.stderr
    [finding] = errors_of(done.stderr)
    assert finding.id == "mkl-sycl-api-not-linked" and "oneapi::mkl::lapack::scratch" in finding.title, flat(finding)
