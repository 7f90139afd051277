"""Shapes of public issue threads' pastes (2022 and older threads read this stop, their lines as the threads show them):
a page's markup inside a line (a bold over two lines, one bold word, a Markdown link of a name, a Chinese page's full-width
colon), ld's undefined reference to a C++ name whose quotes Markdown ate, a project's library list with NOTFOUND entries
and its "Could not find MKL_CORE_LIBRARY", PARDISO's code before the solver's name, and lldb's EXC_BAD_ACCESS in MKL."""

from __future__ import annotations

import pytest

from tests.test_explain_families import flat, only_error

CASES = [
    # llama.cpp#6439: a bold that opens on the ld line and closes on the next, the backquotes eaten
    ("**/usr/bin/ld: ../libllama.a(ggml-sycl.cpp.o): in function ggml_sycl_mul_mat(ggml_tensor const*, ggml_tensor "
     "const*, ggml_tensor*):\nggml-sycl-269668.cpp:(.text+0x875f): undefined reference to oneapi::mkl::blas::column_major::"
     "gemm_batch(sycl::_V1::queue&, oneapi::mkl::transpose, long, long, float*, long, long, long)**\n",
     "mkl-sycl-api-not-linked", "gemm_batch"),
    # auto-sklearn#1418: a Markdown link the page made of the symbol
    ("symbol lookup error: /apps/intel-ct/2021.4.0/mkl/lib/intel64/libmkl_intel_thread.so.1: undefined symbol: "
     "[omp_get_num_procs](url)\n", "openmp-runtime-missing", "libmkl_intel_thread"),
    # unet-pytorch#37: MKL's line inside a Chinese sentence, its colon full-width
    ("出现Intel MKL ERROR：Parameter 6 was incorrect on entry to DGELSD.这个错误，请问是什么情况啊\n", "mkl-parameter-error", "DGELSD"),
    # Kratos#8333: the project's MKL library list, two of its entries NOTFOUND (in bold)
    ("mkl libs /usr/lib/x86_64-linux-gnu/libpthread.so;**AUX6-NOTFOUND;AUX5-NOTFOUND**;/home/joe/intel/oneapi/mkl/2021.1.1/"
     "lib/intel64/libmkl_core.so;/home/joe/intel/oneapi/mkl/2021.1.1/lib/intel64/libmkl_intel_ilp64.so\n",
     "mkl-finder-failed", "AUX6-NOTFOUND"),
    # polyfem#399: a project's MKL recipe that names the variable it could not fill
    ("CMake Error at /home/sen/.cache/CPM/polysolve/8a84/cmake/recipes/mkl.cmake:159 (message):\n  Could not find "
     "MKL_CORE_LIBRARY\n", "mkl-finder-failed", "MKL_CORE_LIBRARY"),
    # SAFIR#164: the code before the solver's name
    ("The error # -4 was returned by the solver PARDISO.\n", "mkl-pardiso-error", "-4"),
    # xtensor-blas#84: lldb's stop in MKL's kernel
    ("EXC_BAD_ACCESS (code=EXC_I386_GPFLT)\n         frame #0: 0x000000010067d894 unit_tests`mkl_blas_avx2_dgemm_kernel_"
     "nocopy_TN_b0 + 48724\n", "mkl-crash", "inside MKL"),
]


@pytest.mark.parametrize("log, finding, word", CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(CASES)])
def test_a_pages_shape(log, finding, word):
    said = only_error(log)
    assert said.id == finding and word in flat(said), flat(said)


def test_a_bold_over_one_line_of_arithmetic_is_kept():
    from mkldoctor.explain.markup import unmarked

    assert unmarked("x = a**2 + b**2")[0] == "x = a**2 + b**2"  # no bold: Fortran's and Python's power
    assert unmarked("char **argv")[0] == "char **argv"
