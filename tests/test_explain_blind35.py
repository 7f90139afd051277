"""The classes of the thirty-fifth blind set (tests/data/explain_corpus/blind35.json: Windows pages, release notes and
READMEs): MKL's words for Windows' error 182 in a machine translation and in Chinese (demucs#27, deepgo's problems page),
Windows' MKL's 'on load the function' (demucs#27), and MKL's environment script for an @rpath MKL dylib (a summer
school's README: mklvars.sh not sourced). Windows' and macOS' loaders run only there: their words are the pages'."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_error_182_in_other_words_and_windows_mkls_function_load():
    for said in ("INTEL MKL ERROR: The operating system cannot execute% 1. mkl_intel_thread.dll.",
                 "INTEL MKL ERROR: 操作系统无法运行 %1。 mkl_intel_thread.dll."):
        findings = errors_of(said + "\nIntel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll.\n")
        assert findings[0].id == "windows-entry-point-missing" and "error 182" in findings[0].title, flat(findings[0])
        assert "unrecognised-failure" not in [f.id for f in findings]
    [function] = errors_of("MKL FATAL ERROR on load the function mkl_blas_xsdot\n")
    assert function.id == "mkl-kernel-function-missing" and "mkl_blas_xsdot" in function.title
    # Python's own words for the same error keep their reading
    [python] = errors_of("OSError: [WinError 182] The operating system cannot run %1\n")
    assert python.id == "windows-entry-point-missing"


def test_an_rpath_mkl_dylib_names_intels_environment_scripts():
    [finding] = errors_of("dyld: Library not loaded: @rpath/libmkl_intel_lp64.dylib\n  Referenced from: ./gemm\n"
                          "  Reason: image not found\n")
    script = next(f for f in finding.fix if f.startswith("an Intel install"))
    assert "mklvars.sh intel64" in script and "setvars.sh" in script
    # a library that is not MKL's gets no MKL script
    [other] = errors_of("dyld: Library not loaded: @rpath/libfoo.dylib\n  Referenced from: ./app\n  Reason: image not found\n")
    assert not any(f.startswith("an Intel install") for f in other.fix)
