"""The classes of the ninth blind set (tests/data/explain_corpus/blind9.json), produced here where they can run: a
caller with gfortran's convention for a COMPLEX result (zdotc) linked with MKL's Intel interface crashes, its backtrace
(gdb's) names zdotc, and MKL's GNU interface fixes it (JuliaLang/julia#11921, ARPACK built with gfortran)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import clean_env, errors_of

ZDOTC = r"""
#include <complex.h>
#include <stdio.h>
/* gfortran's convention: a COMPLEX*16 function's result comes back in registers */
double complex zdotc_(const int *n, const double complex *x, const int *incx, const double complex *y, const int *incy);
int main(void) {
    double complex x[2] = {1.0 + 2.0*I, 3.0 - 1.0*I}, y[2] = {2.0 - 1.0*I, 1.0 + 1.0*I};
    int n = 2, inc = 1;
    double complex r = zdotc_(&n, x, &inc, y, &inc);
    printf("zdotc %.1f %.1f\n", creal(r), cimag(r));
    return 0;
}
"""


@pytest.mark.mkl
def test_a_complex_result_through_the_other_interface_crashes_and_is_named(tmp_path, mkl):
    if shutil.which("gdb") is None:
        pytest.skip("gdb is not installed (dev/test's apt phase installs it)")
    (tmp_path / "z.c").write_text(ZDOTC)

    def build(interface: str) -> str:
        archives = [str(mkl.pip_lib / f"libmkl_{n}.a") for n in (interface, "sequential", "core")]
        out = f"z_{interface}"
        subprocess.run(["gcc", "z.c", "-o", out, "-Wl,--start-group", *archives, "-Wl,--end-group", "-lpthread", "-lm", "-ldl"],
                       cwd=tmp_path, check=True, env=clean_env())
        return out

    program = build("intel_lp64")
    crashed = subprocess.run([f"./{program}"], cwd=tmp_path, env=clean_env(), capture_output=True)
    assert crashed.returncode in (-11, 139), crashed  # SIGSEGV
    backtrace = subprocess.run(["gdb", "-q", "-batch", "-ex", "run", "-ex", "bt", f"./{program}"], cwd=tmp_path,
                               env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert "SIGSEGV" in backtrace.stdout and "zdotc" in backtrace.stdout, backtrace.stdout
    [finding] = errors_of(backtrace.stdout)
    assert finding.id == "mkl-crash" and "COMPLEX result" in finding.title, (finding.id, finding.title)
    assert "mkl_gf_lp64" in finding.fix[0]
    fixed = subprocess.run([f"./{build('gf_lp64')}"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "zdotc 2.0 -1.0", fixed  # conj(x).y


def test_a_crash_whose_frames_name_no_mkl_is_said_so_not_guessed():
    [finding] = errors_of("Segmentation fault (core dumped)\n")
    assert finding.id == "program-crashed" and "cannot tell" in finding.title


@pytest.mark.mkl
def test_mkls_blacs_on_a_serial_link_is_told_to_leave_and_the_link_then_holds(tmp_path, mkl):
    """cp2k#1617: a serial build given MKL's BLACS layer for Open MPI; ld names the MPI functions it calls."""
    (tmp_path / "d.c").write_text("void dgemm_();\nint main(void) { if (0) dgemm_(); return 0; }\n")
    # Red Hat's toolchain links every library named (Debian's and Ubuntu's default --as-needed would drop the unused one)
    layers = ["-l:libmkl_intel_lp64.so.3", "-l:libmkl_sequential.so.3", "-l:libmkl_core.so.3", "-lpthread", "-lm", "-ldl"]

    def link(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(["gcc", "d.c", "-o", "d", "-Wl,--no-as-needed", f"-L{mkl.pip_lib}", *extra, *layers], cwd=tmp_path, env=clean_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    failed = link("-l:libmkl_blacs_openmpi_lp64.so.2")
    assert failed.returncode != 0 and "MPI_" in failed.stdout, failed.stdout
    findings = errors_of(failed.stdout)
    assert [f.id for f in findings] == ["mkl-cluster-needs-mpi"], [(f.id, f.title) for f in findings]
    assert "a serial build" in findings[0].fix[0]
    assert link().returncode == 0  # the fix: no BLACS on a serial link


DFTI = r"""
import ctypes, sys
rt = ctypes.CDLL(sys.argv[1])
COMPLEX, TRANSFORMS, INPUT_DISTANCE, OUTPUT_DISTANCE = 32, 7, 14, 15  # mkl_dfti.h's values
handle = ctypes.c_void_p()
for f in (rt.DftiCreateDescriptor_d_1d, rt.DftiSetValue, rt.DftiCommitDescriptor):
    f.restype = ctypes.c_long
rt.DftiErrorMessage.restype = ctypes.c_char_p
rt.DftiCreateDescriptor_d_1d(ctypes.byref(handle), COMPLEX, ctypes.c_long(8))
rt.DftiSetValue(handle, TRANSFORMS, ctypes.c_long(2))
if len(sys.argv) > 2:  # the batch's distances
    rt.DftiSetValue(handle, INPUT_DISTANCE, ctypes.c_long(8))
    rt.DftiSetValue(handle, OUTPUT_DISTANCE, ctypes.c_long(8))
status = rt.DftiCommitDescriptor(handle)
print("status", status, rt.DftiErrorMessage(ctypes.c_long(status)).decode())
"""


@pytest.mark.mkl
def test_a_batch_without_distances_is_refused_by_dfti_and_named(tmp_path, mkl):
    """pytorch#154477, mkl_fft#50: DFTI's 'Inconsistent configuration parameters'; the distances set, it commits."""
    import sys

    (tmp_path / "dfti.py").write_text(DFTI)
    rt = str(mkl.pip_lib / "libmkl_rt.so.3")
    refused = subprocess.run([sys.executable, "dfti.py", rt], cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert "DFTI ERROR: Inconsistent configuration parameters" in refused.stdout, refused
    [finding] = errors_of(refused.stdout)
    assert finding.id == "mkl-dfti-error" and any("DFTI_INPUT_DISTANCE" in line for line in finding.fix)
    fixed = subprocess.run([sys.executable, "dfti.py", rt, "distances"], cwd=tmp_path, env=clean_env(), capture_output=True,
                           text=True)
    assert fixed.stdout.startswith("status 0"), fixed


def test_an_empty_mkl_variable_leaves_a_path_gcc_takes_for_an_input(tmp_path):
    """mxnet#928: USE_INTEL_PATH wrong, the makefile's -I$(X) /mkl/include left a bare path."""
    (tmp_path / "x.c").write_text("int main(void) { return 0; }\n")
    failed = subprocess.run(["gcc", "-c", "x.c", "-I/usr/include", "/mkl/include"], cwd=tmp_path,
                            env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert failed.returncode != 0 and "/mkl/include: " in failed.stdout and "No such file" in failed.stdout, failed.stdout
    [finding] = errors_of(failed.stdout)
    assert finding.id == "mkl-path-missing" and "/mkl/include" in finding.title
    assert any("starts at the root" in line for line in finding.evidence)


def test_a_findmkl_run_twice_without_guards_is_named_and_a_guard_fixes_it(tmp_path):
    """votca#246: a superbuild's second find_package(MKL) with a FindMKL.cmake that creates MKL::Core unguarded."""
    def configure(guard: bool) -> subprocess.CompletedProcess:
        src = tmp_path / ("guarded" if guard else "plain")
        (src / "cmake").mkdir(parents=True)
        (src / "sub").mkdir()
        create = "add_library(MKL::Core UNKNOWN IMPORTED)\n"
        (src / "cmake" / "FindMKL.cmake").write_text(
            "set(MKL_FOUND TRUE)\n" + (f"if(NOT TARGET MKL::Core)\n  {create}endif()\n" if guard else create))
        (src / "sub" / "CMakeLists.txt").write_text("find_package(MKL REQUIRED)\n")
        (src / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.13)\nproject(t NONE)\n"
                                            "list(APPEND CMAKE_MODULE_PATH ${CMAKE_SOURCE_DIR}/cmake)\n"
                                            "find_package(MKL REQUIRED)\nadd_subdirectory(sub)\n")
        return subprocess.run(["cmake", "-S", str(src), "-B", str(src / "build")], env=clean_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)

    failed = configure(False)
    assert failed.returncode != 0 and "cannot create imported target" in failed.stdout, failed.stdout
    findings = errors_of(failed.stdout)
    assert [f.id for f in findings] == ["cmake-mkl-target-twice"], [(f.id, f.title) for f in findings]
    assert "if(NOT TARGET MKL::Core)" in findings[0].fix[0]
    assert configure(True).returncode == 0


@pytest.mark.parametrize("line", [
    "The Pardiso solver failed with error code -{n}",
    "Intel MKL ERROR: Parameter {n} was incorrect on entry to DGEMM .",
    "ValueError: The {n}th argument to ?geqrf was invalid",
])
def test_a_number_too_long_for_python_is_no_traceback(line):
    """A hostile log's 5000-digit number in a line a rule reads as a number: Python refuses to convert it."""
    findings = errors_of(line.format(n="9" * 5000) + "\n")
    assert findings and all(f.severity == "error" for f in findings)
