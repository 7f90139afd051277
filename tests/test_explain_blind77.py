"""The seventy-seventh blind set (tests/data/explain_corpus/blind77.json): texts the rules made after it answer (from the
public reports: Intel GPU stacks of 2024-2026)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(77)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_a_persons_list_of_missing_oneapi_dlls():
    """llama.cpp PR #6314: sycl7.dll, libmmd.dll, svml_dispmd.dll missing, nothing of another year installed."""
    finding = only_error(_log("pr6314"))
    assert finding.id == "oneapi-runtime-other-year" and "needs oneAPI 2024's runtime (sycl7.dll)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("install oneAPI 2024's runtime where the program runs: the Base Toolkit")


def test_dpcts_helper_refusing_a_call_on_a_onemath_target():
    finding = only_error(_log("pr6464"))
    assert finding.id == "dpct-onemkl-interfaces-unsupported" and "PR #6464" in finding.fix[0], flat(finding)


def test_pythons_windows_fatal_exception_after_a_tests_name():
    """torch-xpu-ops#4048: faulthandler's words after pytest's test id on one line: a crash, with Windows' debuggers."""
    finding = only_error(_log("torch-xpu-ops-4048"))
    assert finding.id == "program-crashed" and "WinDbg" in finding.fix[0], flat(finding)


def test_onemkls_sycl_lapack_refusing_the_data():
    """oneMKL's SYCL LAPACK raises LAPACK's positive info: a singular matrix in getrf, not a link or load problem."""
    log = ("terminate called after throwing an instance of 'oneapi::mkl::lapack::computation_error'\n"
           "oneapi::mkl::lapack::computation_error: getrf: computation error: info = 3\n")
    finding = only_error(log)
    assert finding.id == "onemkl-lapack-computation-error" and finding.title.endswith("getrf (info = 3): the matrix, not MKL's setup")
    assert "U(3,3) is exactly zero" in finding.evidence[1], flat(finding)


def test_windows_dialog_of_a_years_dll_with_another_years_wheels():
    """Windows' own dialog for sycl8.dll (2025's) with pip's list of 2024's wheels: the year finding, in place of the
    dialog's generic one."""
    log = ("The code execution cannot proceed because sycl8.dll was not found. Reinstalling the program may fix this problem.\n"
           "(llm) C:\\>pip list\nPackage         Version\ndpcpp-cpp-rt    2024.2.1\nmkl-dpcpp       2024.2.1\n")
    finding = only_error(log)
    assert finding.id == "oneapi-runtime-other-year" and finding.title.endswith("the machine has oneAPI 2024's"), flat(finding)


def test_a_crash_gets_the_debugger_of_the_logs_own_system():
    """The backtrace's tool follows the system the log comes from, not the words of one crash line: an IDE's exit code
    on Windows gets Windows' debuggers, a path of macOS lldb, a Linux shell's segfault gdb."""
    windows = only_error("Process finished with exit code -1073741819 (0xC0000005)\n")
    mac = only_error("zsh: segmentation fault  /Users/ana/proj/build/solver\n")
    linux = only_error("bash: line 1: 4242 Segmentation fault      (core dumped) /home/ana/proj/build/solver\n")
    assert [f.id for f in (windows, mac, linux)] == ["program-crashed"] * 3
    backtrace = [next(line for line in f.fix if line.startswith("get a backtrace")) for f in (windows, mac, linux)]
    assert "WinDbg" in backtrace[0] and "lldb --batch" in backtrace[1] and "gdb -batch" in backtrace[2], backtrace
