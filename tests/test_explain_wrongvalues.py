"""A result other than the one expected, where MKL prints nothing (mkldoctor/explain/wrongvalues.py).

Produced here: a caller of ``zdotu_`` built for GNU Fortran's convention (a complex result returned by value: gfortran,
f2py, a gcc-built library) linked with the pinned wheel's libmkl_rt, whose default Intel interface returns it through a
hidden first argument: the program prints a wrong value and no error, and the real numpy.testing says so. The fix the
finding leads with (MKL's GNU interface layer) gives the right value. Public text for Julia's Test and a reporter's
comment (MKLSparse.jl#36). A failed comparison in a log that names no MKL is a failure all the same (never silent).
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import errors_of, flat

ZDOT = r"""#include <complex.h>
#include <stdio.h>
double complex zdotu_(const int *n, const double complex *x, const int *incx, const double complex *y, const int *incy);
int main(void) {
    int n = 3, one = 1;
    double complex x[3] = {1 + 1*I, 2, 3 - 1*I}, y[3] = {2, 1*I, 1};
    double complex r = zdotu_(&n, x, &one, y, &one);
    printf("%.17g %.17g\n", creal(r), cimag(r));
    return 0;
}
"""


def _numpy_says(actual, expected, **tolerance) -> str:
    """The real numpy.testing message for the comparison, as pytest prints it (each line after ``E``)."""
    try:
        np.testing.assert_allclose(actual, expected, **tolerance)
    except AssertionError as failed:
        return "".join(f"E       {line}\n" for line in ("AssertionError: ", *str(failed).splitlines()))
    raise AssertionError("the values agree")


@pytest.mark.mkl
def test_a_complex_result_of_the_other_calling_convention_is_wrong_without_an_error(mkl, tmp_path):
    (tmp_path / "zdot.c").write_text(ZDOT)
    lib = mkl.pip_lib
    rt = next(lib.glob("libmkl_rt.so.*")).name
    line = ["gcc", "zdot.c", "-o", "zdot", f"-L{lib}", f"-l:{rt}", f"-Wl,-rpath,{lib}"]
    assert subprocess.run(line, cwd=tmp_path).returncode == 0
    ran = subprocess.run(["./zdot"], cwd=tmp_path, capture_output=True, text=True, env={"MKL_INTERFACE_LAYER": "LP64"})
    assert ran.returncode == 0 and not ran.stderr, ran.stderr  # MKL says nothing
    real, imag = map(float, ran.stdout.split())
    assert complex(real, imag) != 5 + 3j
    log = (f"$ {' '.join(line)}\n$ python -m pytest test_zdot.py\n    def test_zdotu():\n"
           f">       assert_allclose(zdotu(x, y), 5+3j)\n{_numpy_says(np.array([complex(real, imag)]), np.array([5 + 3j]))}"
           "FAILED test_zdot.py::test_zdotu - AssertionError: \n")
    [finding] = errors_of(log)
    assert finding.id == "results-wrong-with-mkl" and finding.title.startswith("numpy.testing shows"), flat(finding)
    assert any("the values are complex" in e for e in finding.evidence), finding.evidence
    assert finding.fix[0].startswith("1. MKL_VERBOSE=1") and "MKL_INTERFACE_LAYER=GNU,LP64" in finding.fix[0]
    # the fix it leads with: MKL's GNU interface for a caller of GNU's convention, the same program, the right value
    for fixed in (["gcc", "zdot.c", "-o", "zdot_gf", "-Wl,--start-group", *(str(lib / f"libmkl_{n}.a") for n in
                   ("gf_lp64", "sequential", "core")), "-Wl,--end-group", "-lpthread", "-lm", "-ldl"],):
        assert subprocess.run(fixed, cwd=tmp_path).returncode == 0
    right = subprocess.run(["./zdot_gf"], cwd=tmp_path, capture_output=True, text=True)
    assert [float(v) for v in right.stdout.split()] == [5.0, 3.0], right.stdout
    # a log of the same failure that names no MKL: still a failure, never "no problem found"
    [alone] = errors_of(log.split("\n", 1)[1])
    assert alone.id == "unrecognised-failure" and "Not equal to tolerance" in alone.title, flat(alone)


ZDOT_CRASH = r"""#include <complex.h>
#include <stdio.h>
#include <string.h>
double complex zdotu_(const int *n, const double complex *x, const int *incx, const double complex *y, const int *incy);
int main(void) {
    int n = 2, one = 1;
    long long bits = 0x3ff000007fffffffLL;  /* read as the length by the Intel interface, which takes x for n */
    double re;
    double complex x[2], y[2] = {1, 1};
    memcpy(&re, &bits, sizeof re);
    x[0] = re; x[1] = 3;
    double complex r = zdotu_(&n, x, &one, y, &one);
    printf("%g %g\n", creal(r), cimag(r));
    return 0;
}
"""


@pytest.mark.mkl
@pytest.mark.skipif(shutil.which("gdb") is None, reason="needs gdb")
def test_a_crash_in_zdotu_of_the_other_calling_convention(mkl, tmp_path):
    """The same convention crashing (the length read from the wrong argument), under gdb: the frames name MKL's zdotu, and
    the finding names the convention and MKL's GNU interface; r-devel's crash in libunwind's words (2024-03, R's configure
    with -lmkl_rt, no signal line) is the same finding."""
    (tmp_path / "zdot.c").write_text(ZDOT_CRASH)
    lib = mkl.pip_lib
    rt = next(lib.glob("libmkl_rt.so.*")).name
    assert subprocess.run(["gcc", "-g", "zdot.c", "-o", "zdot", f"-L{lib}", f"-l:{rt}", f"-Wl,-rpath,{lib}"], cwd=tmp_path).returncode == 0
    ran = subprocess.run(["gdb", "-batch", "-ex", "run", "-ex", "bt", "./zdot"], cwd=tmp_path, capture_output=True, text=True)
    log = ran.stdout + ran.stderr
    assert "SIGSEGV" in log and "mkl_blas_zdotu" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-crash" and "complex dot product" in finding.title, flat(finding)
    assert "-lmkl_gf_lp64 instead of -lmkl_intel_lp64" in finding.fix[0]
    unwound = ("BLAS_LIBS='-lmkl_rt -Wl,--no-as-needed -lpthread -lm -ldl'\nIt seems to crash inside MKL!\n\n"
               "ip = 7f4086e02a60, sp = 7ffdab2db600 [mkl_blas_zdotu+1488]\nip = 7f4085dc5250, sp = 7ffdab2dd920 [zdotu+256]\n"
               "ip = 5590ee1011cc, sp = 7ffdab2ddb40 [test1_+91]\nip = 5590ee101167, sp = 7ffdab2ddb70 [main+14]\n")
    [said] = errors_of(unwound)
    assert said.id == "mkl-crash" and "complex dot product" in said.title and "R's --with-blas" in said.fix[0], flat(said)


def test_a_small_relative_difference_is_rounding_first():
    log = ("$ MKL_NUM_THREADS=8 python -m pytest\n"
           + _numpy_says(np.array([1.0, 2.0 + 3e-7]), np.array([1.0, 2.0]), rtol=1e-9) + "FAILED t.py::test_gemm - AssertionError: \n")
    [finding] = errors_of(log)
    assert finding.fix[0].startswith("1. MKL_CBWR=COMPATIBLE") and any("a relative 1.5e-07" in e for e in finding.evidence), flat(finding)


def test_julias_test_failed_with_mkl_loaded_and_its_error_line_joined():
    log = ("julia> using MKL, Test\n\njulia> @test A * x ≈ b\nTest Failed at REPL[5]:1\n  Expression: A * x ≈ b\n"
           "   Evaluated: [0.0, 0.0, 0.0] ≈ [1.0, 2.0, 3.0]\n\nERROR: There was an error during testing\n")
    [finding] = errors_of(log)
    assert finding.id == "results-wrong-with-mkl" and "Evaluated: [0.0, 0.0, 0.0] ≈ [1.0, 2.0, 3.0]" in finding.evidence
    assert any("There was an error during testing" in e and "consequence" in e for e in finding.evidence), finding.evidence
    # MKL.jl's own test that Julia's BLAS is MKL keeps its own finding, and no second one
    vendor = log.replace("A * x ≈ b\n   Evaluated: [0.0, 0.0, 0.0] ≈ [1.0, 2.0, 3.0]", "BLAS.vendor() == :mkl\n   Evaluated: openblas64 == :mkl")
    assert [f.id for f in errors_of(vendor)] != ["results-wrong-with-mkl"]
    assert all(f.id != "results-wrong-with-mkl" for f in errors_of(vendor))


def test_a_reporters_comment_on_a_value_and_not_its_negation():
    # MKLSparse.jl#36: a sparse product wrong once MKLSparse is loaded beside MKL
    log = ("julia> using MKL  # This does not introduce the bug\n[...]\njulia> using MKLSparse  # this will introduce the bug\n\n"
           "julia> include(\"reproducer.jl\")\nmaximum(abs, b - real(QAAQ) * fsrc) = 119.4196587781747\n")
    [finding] = errors_of(log)
    assert finding.id == "results-wrong-with-mkl" and finding.title.startswith("the reporter says a value is wrong")
    assert "this will introduce the bug" in finding.evidence[0], finding.evidence
    assert errors_of(log.replace("  # this will introduce the bug", "")) == []
    # CMake's status line says "should be" of a setting, in a clean configure that names MKL: nothing to say
    assert errors_of("-- Found MKL: /opt/intel/oneapi/mkl/2024.2\n-- MKL_THREADING should be one of: sequential, "
                     "intel_thread\n-- Configuring done\n") == []
    # pytorch-cpu-feedstock#398: a comment under a printed complex value; the log names no MKL: said, not clean
    [said] = errors_of("$ python draft00.py\ntensor(0.+0.j, dtype=torch.complex128)\n"
                       "# it should be \"tensor(4.+0.j, dtype=torch.complex128)\"\n")
    assert said.id == "unrecognised-failure" and "it should be" in said.title


def test_a_test_that_failed_on_an_error_explained_joins_it():
    log = ("E   ImportError: libmkl_rt.so.2: cannot open shared object file: No such file or directory\n"
           "FAILED tests/test_fft.py::test_rfft - ImportError: libmkl_rt.s...\n")  # pytest's summary, cut to the terminal
    found = explain(logparse.parse_bytes(log.encode()), [])
    assert [f.id for f in found if f.severity == "error"] == ["loader-cannot-find"], [flat(f) for f in found]
    assert any("FAILED tests/test_fft.py" in e and "consequence" in e for e in found[0].evidence), found[0].evidence


def test_values_that_differ_in_their_last_digits_are_rounding_where_the_log_names_no_mkl():
    """CTranslate2's Log test (blind set 175): GoogleTest's two values 0.40546525 and 0.4054651, MKL's vsLn against
    std::log; the commit that fixed it compared with a tolerance. The log names no MKL, and its values say what it is."""
    from tests import blindset

    log = blindset.log_of(blindset.entries(175), "vmslog-precision-test-ctranslate2")
    [finding] = errors_of(log)
    assert finding.id == "results-differ-by-rounding" and "a relative 3.7e-07" in finding.title, flat(finding)
    assert finding.fix[0].startswith("compare with a tolerance") and "EXPECT_NEAR" in finding.fix[0], flat(finding)
    # numpy.testing's own message, a relative 1.5e-07 in a log that names no MKL: the same reading
    close = (_numpy_says(np.array([1.0, 2.0 + 3e-7]), np.array([1.0, 2.0]), rtol=1e-9)
             + "FAILED t.py::test_dot - AssertionError: \n")
    assert [f.id for f in errors_of(close)] == ["results-differ-by-rounding"]
    # values far apart are no rounding: without MKL named, said as a failure mkldoctor does not recognise
    far = _numpy_says(np.array([1.0, 2.5]), np.array([1.0, 2.0]), rtol=1e-9) + "FAILED t.py::test_dot - AssertionError: \n"
    assert [f.id for f in errors_of(far)] == ["unrecognised-failure"]
    assert [f.id for f in errors_of(log.replace("Which is: 0.4054651", "Which is: 0.5054651"))] == ["unrecognised-failure"]
