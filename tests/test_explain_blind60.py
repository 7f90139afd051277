"""The sixtieth blind set (tests/data/explain_corpus/blind60.json): texts the rules made after it answer.

oneMath#332: MKL's debug TBB layer in a RelWithDebInfo build (LNK2038, then LNK1104 on tbb12_debug.lib), one finding, with
the build-type test the finding quotes read from the pinned MKLConfig.cmake files (2023.2's and 2026.2's)."""

from __future__ import annotations

import re

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(60)


def test_mkls_debug_tbb_layer_in_a_release_build_is_one_finding():
    finding = only_error(ENTRIES["windows-mklconfig-relwithdebinfo-links-debug-tbb-thread-lnk1104-onemath-332"]["log"])
    assert finding.id == "msvc-runtime-mismatch" and "debug TBB layer (mkl_tbb_threadd.lib" in finding.title, flat(finding)
    assert finding.fix[0].startswith("link the release layer: mkl_tbb_thread.lib in place of mkl_tbb_threadd.lib")
    assert any(e.startswith("then LNK1104: cannot open tbb12_debug.lib") for e in finding.evidence)
    # the release layer's name comes from the debug one's parts, in the case the log spells it (its DLL import library too)
    log = ENTRIES["windows-mklconfig-relwithdebinfo-links-debug-tbb-thread-lnk1104-onemath-332"]["log"]
    upper = only_error(log.replace("mkl_tbb_threadd.lib", "MKL_TBB_THREADD_DLL.LIB"))
    assert upper.fix[0].startswith("link the release layer: MKL_TBB_THREAD_DLL.lib in place of MKL_TBB_THREADD_DLL.LIB"), flat(upper)


@pytest.mark.mkl
def test_the_build_type_tests_the_finding_quotes_are_mklconfigs(mkl):
    """What the finding says of each release's MKLConfig.cmake, read from the pinned files themselves."""
    finding = only_error(ENTRIES["windows-mklconfig-relwithdebinfo-links-debug-tbb-thread-lnk1104-onemath-332"]["log"])
    said = next(e for e in finding.evidence if "CMAKE_BUILD_TYPE MATCHES" in e)
    for root, release in ((mkl.devel_2023, "2023.2"), (mkl.pip, "2026.2")):
        text = next(root.rglob("MKLConfig.cmake")).read_text()
        test = re.search(r'if\(WIN32 AND CMAKE_BUILD_TYPE MATCHES "([^"]+)" AND MKL_THREADING STREQUAL "tbb_thread"\)', text)
        assert test, release
        quoted = re.escape(f'"{test.group(1)}"')
        assert re.search(rf"{quoted} \({re.escape(release)}'s test|{re.escape(release)}'s matches {quoted}", said), (release, said)


def test_llvms_libomp_beside_mkls_libiomp5():
    """mxnet#17641: MXNet's own libomp (3rdparty/openmp) and libiomp5, which libmkl_rt's intel_thread layer loads."""
    finding = only_error(ENTRIES["mklrt-omp15-libiomp5-vs-libomp-cmake-sdl-mxnet-17641"]["log"])
    assert finding.id == "openmp-duplicate", flat(finding)
    assert finding.fix[0].startswith("libomp.so is LLVM's OpenMP runtime") and "-liomp5 in place of -lomp" in finding.fix[0]
    assert not any("MKL_THREADING_LAYER=GNU" in line for line in finding.fix)  # libgomp's advice does not fit libomp
