"""The eighty-third blind set (tests/data/explain_corpus/blind83.json): texts the rules made after it answer (HPC codes,
AI applications on Intel's runtimes), and the SYCL runtime's numbers read from PyPI's wheels."""

from __future__ import annotations

from mkldoctor.knowledge import platforms
from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(83)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_nwchems_crash_and_global_arrays_hard_zero():
    """NWChem's forum 2407 and 661: Global Arrays' 'Segmentation Violation error' (a crash, with NWChem's integer sizes
    first) and 'ga_orthog: hard zero' (the integer-size finding): both were called clean."""
    crash = only_error(_log("nwchem-forum-2407"))
    assert crash.id == "program-crashed" and crash.fix[0].startswith("NWChem (Global Arrays' ARMCI caught it) built on MKL"), flat(crash)
    zero = only_error(_log("nwchem-forum-661"))
    assert zero.id == "nwchem-integer-size-mismatch" and "ga_orthog: hard zero" in zero.title, flat(zero)
    # a crash of another program under MPI gets no NWChem advice
    other = only_error("Segmentation Violation error, status=: 11\napplication called MPI_Abort(comm=0x84000001, 11)\n")
    assert other.id == "program-crashed" and not any("NWChem" in line for line in other.fix), flat(other)


def test_a_sycl_runtime_older_than_the_build():
    """dpctl PR #1301 and #727: a library built with a newer DPC++ needs sycl:: (cl::sycl::) names of its runtime;
    vllm-omni PR #6289: libsycl.so.9 needs urDeviceWaitExp of an older Unified Runtime loader found first."""
    for fragment in ("dpctl-1301", "dpctl-727"):
        finding = only_error(_log(fragment))
        assert finding.id == "sycl-runtime-older-than-build" and "newer DPC++ compiler" in finding.title, flat(finding)
        assert "dpcpp-cpp-rt" in finding.fix[0] and "MKL copy" not in " ".join(finding.fix)
    loader = only_error(_log("vllm-omni-6289"))
    assert loader.id == "sycl-runtime-older-than-build" and "Unified Runtime loader" in loader.title, flat(loader)
    assert loader.fix[0].startswith("put the folder of the libsycl that needs it first")


def test_the_sycl_runtimes_numbers_before_2024():
    """dpctl#1022's libsycl.so.5 (DPC++ 2022) and 2023's .so.6, read from PyPI's dpcpp-cpp-rt wheels: the year, and the
    wheel that has it (intel-sycl-rt starts in 2024)."""
    assert [platforms.sycl_runtime_release(n) for n in ("libsycl.so.5", "libsycl.so.6", "sycl7.dll")] == ["2022", "2023", "2024"]
    assert platforms.sycl_runtime_wheel("2022") == "dpcpp-cpp-rt==2022.*"
    assert platforms.sycl_runtime_wheel("2025") == "intel-sycl-rt==2025.*"
    finding = only_error(_log("dpctl-1022"))
    assert any("libsycl.so.5 is the SYCL runtime of oneAPI 2022's DPC++ compiler" in line and "dpcpp-cpp-rt==2022.*" in line
               for line in finding.fix), flat(finding)


def test_intel_compiler_runtime_names_at_a_link_not_by_intels_driver(tmp_path):
    """whisper-rs PR #233 (lld's block form under rustc) and a real ld.lld failure of the same shape, produced here: an
    object that calls SVML's __svml_sinf4_l9, as icx's vectorised code does, linked without Intel's runtime."""
    import subprocess

    finding = only_error(_log("whisper-rs-233"))
    assert finding.id == "intel-compiler-runtime-undefined" and "libsycl" in finding.title, flat(finding)
    assert finding.fix[0].startswith("link with Intel's driver, or add its runtime: -L<oneAPI>/compiler/<ver>/lib -lsvml")
    (tmp_path / "rope.c").write_text("extern float __svml_sinf4_l9(float);\nint main(void) { return (int)__svml_sinf4_l9(1.0f); }\n")
    done = subprocess.run(["gcc", "-fuse-ld=lld", "rope.c", "-o", "rope"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "undefined symbol: __svml_sinf4_l9" in done.stderr, done.stderr
    produced = only_error(done.stderr)
    assert produced.id == "intel-compiler-runtime-undefined" and "libsycl" not in produced.title, flat(produced)


def test_windows_words_for_a_dll_whose_own_imports_are_missing():
    """djl#3232: the JVM's 'Can't find dependent libraries' (torch_cpu.dll there, an MKL DLL it imports not), and torch's
    'Error loading "...\\\\torch\\\\lib\\\\shm.dll"' under pip's build isolation (pytorch PR #150013)."""
    jvm = only_error(_log("djl-3232"))
    assert jvm.id == "host-cannot-load" and jvm.fix[0].startswith("list what torch_cpu.dll imports"), flat(jvm)
    shm = only_error(_log("150013"))
    assert shm.id == "windows-library-not-loaded" and shm.title == "Windows: shm.dll could not be loaded", flat(shm)
    assert any("pip's build isolation" in line for line in shm.evidence) and "--no-build-isolation" in shm.fix[0]


def test_a_frozen_bundles_folder_and_onetbbs_allocator():
    """quantiphyse#19: MKL's intel_thread layer in PyInstaller's dist/<app>/ folder without libiomp5 (the bundle's fix
    first); vllm#18743: Intel's UMF opening libtbbmalloc.so.2, oneTBB's, installed with tbb."""
    bundle = only_error(_log("quantiphyse-19"))
    assert bundle.id == "openmp-runtime-missing" and bundle.fix[0].startswith("put libiomp5.so into the bundle"), flat(bundle)
    tbb = only_error(_log("vllm-18743"))
    assert tbb.id == "loader-cannot-find" and any("oneTBB's" in line and "pip install tbb" in line for line in tbb.fix), flat(tbb)


def test_a_lookup_error_of_a_library_that_is_not_mkls_says_no_mkl():
    """A symbol lookup error in another library (PROJ's): one copy of each library, not 'one MKL copy' (the generic fix
    spoke of MKL for any library, as it did for dpctl's before the SYCL runtime's finding)."""
    finding = only_error("./app: symbol lookup error: /opt/x/libproj.so.25: undefined symbol: proj_context_errno_string\n")
    assert finding.id == "runtime-symbol-missing" and finding.fix[0].startswith("load one copy of each library"), flat(finding)
    assert "MKL" not in " ".join((finding.explanation, *finding.fix))
