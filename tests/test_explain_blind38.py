"""The classes of the thirty-eighth blind set (tests/data/explain_corpus/blind38.json), all from repository files: Intel
OpenMP's assertion in kmp_runtime.cpp quoted without its line (jamma's build helper: libgomp beside libiomp5), Windows'
delay-load exception 0xC06D007E (xamp2's README: mkl_rt.2.dll shipped without the DLLs it opens), conda's LLVM OpenMP
(libomp.dll) beside MKL's libiomp5md.dll (psi4's CI notes), and macOS' libiomp5.dylib missing for MKL's threading layer
in a conda environment, Conda.jl's or a PyInstaller app's."""

from __future__ import annotations

from tests.test_explain_families import errors_of, flat


def test_intel_openmps_assertion_in_its_thread_bookkeeping_is_a_second_runtime():
    [finding] = errors_of("OMP: Error #13: Assertion failure at kmp_runtime.cpp\n")
    assert finding.id == "openmp-assertion" and "second OpenMP runtime (GNU's libgomp)" in finding.title, flat(finding)
    assert "link with -liomp5 and no -lgomp" in finding.fix[0]
    # the fork case keeps its own reading, with or without the line number
    [fork] = errors_of("OMP: Error #13: Assertion failure at z_Linux_util.cpp(2361).\n")
    assert "forked" in fork.title and fork.fix[0] != finding.fix[0]


def test_windows_delay_load_exceptions():
    [missing] = errors_of("0xC06D007E: Module not found\n")
    assert missing.id == "windows-delayload-failed" and "0xC06D007E" in missing.title, flat(missing)
    assert missing.fix[0].startswith("see which DLL: dumpbin /dependents") and "mkl_core.N.dll" in missing.fix[1]
    [proc] = errors_of("Unhandled exception at 0x00007FF8 in app.exe: 0xc06d007f (parameters: 0x000000D3). mkl_rt.2.dll\n")
    assert proc.id == "windows-delayload-failed" and "a name in a DLL" in proc.title, flat(proc)
    assert "MKL's runtime set" in proc.title and proc.fix[0].startswith("ship MKL's whole set")


def test_conda_llvm_openmp_beside_mkls_intel_runtime_on_windows():
    [finding] = errors_of("OMP: Error #15: Initializing libiomp5md.dll, but found libomp.dll already initialized.\n")
    assert finding.id == "openmp-duplicate" and "OpenMP_CXX_LIB_NAMES=libiomp5md" in finding.fix[0], flat(finding)


def test_libiomp5_missing_for_mkls_threading_layer_on_macos():
    [conda] = errors_of("INTEL MKL ERROR: Library not loaded: @rpath/libiomp5.dylib\n")
    assert conda.id == "macos-library-not-loaded" and conda.fix[0].startswith("with conda: conda install intel-openmp"), flat(conda)
    assert 'Conda.add("nomkl")' in conda.fix[0]
    app = ("INTEL MKL ERROR: dlopen(/Users/u/dist/App.app/Contents/MacOS/libmkl_intel_thread.1.dylib, 0x0009): Library not "
           "loaded: @rpath/libiomp5.dylib\n  Referenced from: /Users/u/dist/App.app/Contents/Resources/libmkl_intel_thread.1.dylib\n"
           "  Reason: tried: '/usr/lib/libiomp5.dylib' (no such file, not in dyld cache).\n"
           "Intel MKL FATAL ERROR: Cannot load libmkl_intel_thread.1.dylib.\n")
    [bundle] = errors_of(app)
    assert bundle.fix[0].startswith("a bundle (App.app/Contents/)") and "--add-binary" in bundle.fix[0], flat(bundle)


def test_mkls_own_cannot_load_of_its_threading_layer_looks_for_other_copies_of_the_runtime_early():
    """MKL's own "Cannot load mkl_intel_thread.dll" (robowski's README, the conda troubleshooting page it follows): the
    dispatcher was loaded, so the layer's own dependency, Intel's OpenMP runtime, and a foreign copy of it in System32
    come second, after the bundle's."""
    [finding] = errors_of("Intel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll\n")
    assert finding.id == "windows-library-not-loaded" and finding.fix[1].startswith("where libiomp5md.dll"), flat(finding)
