"""The classes of the forty-fifth blind set (tests/data/explain_corpus/blind45.json): PyTorch's wrapper of MKL's DFTI
status ('MKL FFT error: ...'), MKL's kernels it cannot load with no file named (missing, or unable to see MKL's core: AlTar's
conda notes), and conda's LLVM runtime beside Intel's on Windows with MKL's TBB layer as the way out (winOCR's notes)."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_pytorchs_wrapper_of_a_dfti_status():
    for log in ("RuntimeError: MKL FFT error: Inconsistent configuration\n",
                "RuntimeError: MKL FFT error: Intel oneMKL DFTI ERROR: Inconsistent configuration parameters\n"):
        [finding] = errors_of(log)
        assert finding.id == "mkl-dfti-error" and "Inconsistent configuration" in finding.title, flat(finding)


def test_kernels_that_cannot_load_with_no_file_named_may_not_see_the_core():
    [finding] = errors_of("Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so.1 or libmkl_def.so.1.\n")
    assert finding.id == "mkl-cannot-load-kernels", flat(finding)
    preload = next(line for line in finding.fix if "LD_PRELOAD" in line)
    assert "libmkl_core.so.1" in preload and "libmkl_sequential.so.1" in preload
    # a line that names the file it could not open is a missing file alone
    opened = ("INTEL MKL ERROR: /x/lib/libmkl_avx2.so.1: cannot open shared object file: No such file or directory.\n"
              "Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so.1 or libmkl_def.so.1.\n")
    assert not any("LD_PRELOAD" in line for f in errors_of(opened) for line in f.fix)


def test_conda_llvm_runtime_beside_intels_offers_mkls_tbb_layer():
    [finding] = errors_of("OMP: Error #15: Initializing libomp.dll, but found libiomp5md.dll already initialized.\n")
    assert finding.id == "openmp-duplicate" and any("MKL_THREADING_LAYER=TBB" in line for line in finding.fix), flat(finding)


def test_onemkls_own_line_in_windows_language_is_the_same_failure():
    """winOCR's paste: oneMKL's 'INTEL oneMKL ERROR: 找不到指定的模块。 mkl_intel_thread.3.dll.' before its 'Cannot load' (the
    localized line had been read only after MKL's old name, 'MKL ERROR:', so oneMKL's stayed an unrecognised error)."""
    log = "INTEL oneMKL ERROR: 找不到指定的模块。 mkl_intel_thread.3.dll.\nIntel oneMKL FATAL ERROR: Cannot load mkl_intel_thread.3.dll.\n"
    assert [f.id for f in errors_of(log)] == ["windows-library-not-loaded"]
