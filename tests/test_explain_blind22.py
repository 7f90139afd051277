"""The classes of the twenty-second blind set (tests/data/explain_corpus/blind22.json).

None of them runs here: Visual Studio's error list, Julia built on MKL with PyPlot, vcpkg's port, a project's own MKL
version check, Anaconda's old mkl packages and macOS. Each is read from the public text.
"""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_visual_studios_error_list_copied_as_text():
    """oneDNN#456: the Error List's row of an unresolved C++ name of the project's own (never silent)."""
    log = ('Error\tLNK2001\tunresolved external symbol "int __cdecl mkldnn::impl::cpu::gemm_s8u8s32_jump_to_gemv_s8u8s32'
           '<struct mkldnn::impl::cpu::gemm_info_t<float,float,float> >(struct mkldnn::impl::cpu::gemm_info_t<float,float,'
           'float> *)" (??$gemm@U?$gemm_info_t@MMM@@YAHPEAU?$gemm_info_t@MMM@@@Z)\tmkldnn\tC:\\b\\gemm_driver.obj\t1\t\n')
    [finding] = errors_of(log)
    assert finding.id == "undefined-symbol" and "mkldnn::impl::cpu::gemm_s8u8s32_jump_to_gemv_s8u8s32 unresolved" in finding.title, flat(finding)
    [lib] = errors_of("Error\tLNK1181\tcannot open input file 'mkl_intel_lp64.lib'\tproj\tC:\\p\\LINK\t1\t\n")
    assert lib.id == "msvc-library-not-found", flat(lib)
    # a name of any length leaves the title short
    [long] = errors_of('Error\tLNK2001\tunresolved external symbol "' + "x" * 20000 + '"\tp\tC:\\a.obj\t1\t\n')
    assert len(long.title) < 300
    # a row no signature reads is still an error: said, not silent
    [other] = errors_of("Error\tC1083\tCannot open include file: 'x.h': No such file or directory\tproj\tC:\\p\\a.c\t3\t\n")
    assert other.id == "unrecognised-failure"


def test_a_backtrace_printed_before_the_crash_line():
    """PyPlot.jl#100: Julia's frame in libmkl_avx2.so above the shell's "Segmentation fault" is the crash's frame."""
    [finding] = errors_of("mkl_blas_avx2_xdcopy at /opt/intel/composerxe/mkl/lib/intel64/libmkl_avx2.so (unknown line)\n"
                          "Segmentation fault (core dumped)\n")
    assert finding.id == "mkl-crash" and any("mkl_blas_avx2_xdcopy" in line for line in finding.evidence), flat(finding)
    # MKL's own error lines above a crash are no frames of it
    said = errors_of("INTEL MKL ERROR: /x/libmkl_avx2.so: undefined symbol: mkl_sparse_optimize_bsr_trsm_i8.\n"
                     "Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.\nSegmentation fault\n")
    assert "mkl-crash" not in [f.id for f in said]


def test_julias_own_mkl_beside_numpy_in_one_process():
    """PyPlot.jl#280: a Julia built with USE_INTEL_MKL crashes in MKL once PyPlot brought numpy in."""
    log = ("julia> using PyPlot\n\njulia> plot(rand(10,1),rand(10,1))\n\nsignal (11): Segmentation fault\n"
           "mkl_blas_avx2_xdgemm at /home/u/intel/mkl/lib/intel64/libmkl_avx2.so (unknown line)\n"
           "mkl_blas_dgemm at /home/u/intel/mkl/lib/intel64/libmkl_intel_thread.so (unknown line)\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-crash" and "Julia's own MKL" in finding.title and "USE_INTEL_MKL" in finding.evidence[1], flat(finding)
    assert finding.fix[0].startswith("use a Julia built with its default OpenBLAS")


def test_a_projects_own_check_of_the_mkl_release(tmp_path):
    """gadgetron#477 (a project's 'requires Intel MKL version >= X' after its 'find MKL version : Y'), through the real
    cmake's message format; flashlight#431's vcpkg port (public text: 'MKL 202101 is found but 20200000 is required')."""
    import shutil
    import subprocess

    import pytest

    if not shutil.which("cmake"):
        pytest.skip("cmake is not installed")
    (tmp_path / "CMakeLists.txt").write_text(
        'cmake_minimum_required(VERSION 3.16)\nproject(p NONE)\nmessage("find MKL version : 11.0.1")\n'
        'message(FATAL_ERROR "Gadgetron requires Intel MKL version >= 11.2.0")\n')
    failed = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b")], capture_output=True, text=True)
    assert failed.returncode != 0
    [finding] = errors_of(failed.stdout + failed.stderr)
    assert finding.id == "mkl-release-required" and finding.title.endswith("requires MKL >= 11.2.0 and found 11.0.1"), flat(finding)
    [port] = errors_of("CMake Error at ports/intel-mkl/portfile.cmake:30 (message):\n"
                       "  MKL 202101 is found but 20200000 is required.  Please download and install\n")
    assert port.title.endswith("requires MKL 2020.0 and found 2021.1") and "vcpkg" in port.evidence[1], flat(port)


def test_a_finder_written_for_mkl_10_names_libraries_no_mkl_has():
    """openmeeg#448: FindBLAS's NOTFOUND list for libguide40 and mkl_intel_c_dll under a oneAPI MKLROOT: one finding."""
    log = ("BLAS_libguide40_LIBRARY-NOTFOUND\nBLAS_libiomp5md_LIBRARY-NOTFOUND\nBLAS_mkl_intel_c_dll_LIBRARY-NOTFOUND.\n"
           "I set the MKLROOT to C:\\Program Files (x86)\\Intel\\oneAPI\\mkl\\latest.\n")
    [finding] = errors_of(log)
    assert finding.id == "mkl-finder-failed" and "libguide40, mkl_intel_c_dll" in finding.fix[0], flat(finding)


def test_ipex_on_windows_without_the_oneapi_runtime_wheels():
    """intel-extension-for-pytorch#653 (blind20, public text): torch's XPU DLL not loaded in a fresh environment."""
    log = ('python -c "import torch; import intel_extension_for_pytorch as ipex"\n'
           'OSError: [WinError 126] The specified module could not be found. Error loading "C:\\Users\\u\\.conda\\envs\\ipex'
           '\\Lib\\site-packages\\torch\\lib\\backend_with_compiler.dll" or one of its dependencies.\n')
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "dpcpp-cpp-rt==<ver> mkl-dpcpp==<ver>" in finding.fix[0], flat(finding)
    # without IPEX in the log: torch's own wheels' advice, as before
    [plain] = errors_of(log.splitlines()[1] + "\n")
    assert "dpcpp-cpp-rt" not in flat(plain)
