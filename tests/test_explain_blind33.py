"""The classes of the thirty-third blind set (tests/data/explain_corpus/blind33.json: ML frameworks', numerical libraries'
and packagers' pages): macOS's loader on an MKL name it could not bind (conda-forge's pytorch-cpu-feedstock: MKL's layers
dropped by -dead_strip_dylibs; macOS's loader runs only on macOS, so its words are the pages'), MKL's notices for old
instruction sets (their text checked against the pinned wheel's own strings), netlib's fallback to its Java BLAS (Spark's
guide), and a reporter's bold around a compiler's error (produced with g++ and the pinned headers)."""

from __future__ import annotations

import subprocess

import pytest

from tests.test_explain_blind11 import GETRS
from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import errors_of, flat


def test_dyld_cannot_bind_an_mkl_name():
    [internal] = errors_of("Symbol not found: _mkl_blas_caxpy\n")
    assert internal.id == "macos-symbol-not-found" and "-dead_strip_dylibs" in internal.fix[0], flat(internal)
    python = ("ImportError: dlopen(/Users/u/env/lib/python3.11/site-packages/torch/_C.cpython-311-darwin.so, 0x0002): "
              "Symbol not found: _mkl_blas_caxpy\n  Referenced from: <4C4C44F0-5555-3144-A1B2-C3D4E5F60718> "
              "/Users/u/env/lib/python3.11/site-packages/torch/lib/libtorch_cpu.dylib\n  Expected in: flat namespace\n")
    [found] = errors_of(python)
    assert found.id == "macos-symbol-not-found" and "libtorch_cpu.dylib" in found.title, flat(found)
    other = ("dyld: Symbol not found: _cblas_gemm_bf16bf16f32\n  Referenced from: /Users/u/app/bin/app\n"
             "  Expected in: /opt/intel/mkl/lib/libmkl_rt.dylib\n")
    [release] = errors_of(other)
    assert release.id == "macos-symbol-not-found" and "another release" in release.title, flat(release)
    # a name that is not MKL's: not this family's to explain
    assert all(f.id != "macos-symbol-not-found" for f in explain_all("dyld: Symbol not found: _PyFoo_Bar\n"))


def test_mkls_notices_for_old_instruction_sets(mkl):
    """The SSE4.2 notices are in the pinned wheel's core as MKL prints them; the AVX one is cmake's commit df551ee5's
    quote (MKL of its day: the pinned 2026.2 no longer has it), wrapped as a terminal printed it."""
    core = (mkl.pip_lib / "libmkl_core.so.3").read_bytes()
    sse = ("Intel oneMKL WARNING: Intel(R) Streaming SIMD Extensions 4.2 (Intel(R) SSE4.2) instructions has been deprecated "
           "and will be replaced with Intel(R) Streaming SIMD Extensions 2 (Intel(R) SSE2) instructions in the future releases.")
    assert sse.encode() in core
    [notice] = explain_all(sse + "\n")
    assert notice.id == "mkl-cpu-deprecated" and notice.severity == "warning"
    avx = ("Intel MKL WARNING: Support of Intel(R) Advanced Vector\nExtensions (Intel(R) AVX) enabled only processors has been "
           "deprecated.\nIntel oneAPI Math Kernel Library will use Intel(R) Streaming SIMD\nExtensions 4.2 (Intel(R) SSE4.2) "
           "instructions instead.\n")
    [said] = explain_all(avx)
    assert said.id == "mkl-cpu-deprecated" and "no AVX2" in said.title and "MKL_ENABLE_INSTRUCTIONS=SSE4_2" in said.fix[0]


def test_netlibs_fallback_to_its_java_blas():
    for line in ("WARN NativeBLAS: Failed to load implementation from:dev.ludovic.netlib.blas.JNIBLAS",
                 "WARN BLAS: Failed to load implementation from: com.github.fommil.netlib.NativeSystemBLAS"):
        [said] = explain_all(line + "\n")
        assert said.id == "netlib-native-blas-not-loaded" and said.severity == "warning", flat(said)


@pytest.mark.mkl
def test_a_reporters_bold_around_the_compilers_error(mkl, tmp_path):
    """CTranslate2#194's paste: '**error: invalid conversion ...**' inside gcc's line reads as gcc's line."""
    (tmp_path / "solve.cpp").write_text(GETRS)
    done = subprocess.run(["g++", "-fsyntax-only", f"-I{mkl.pip / 'include'}", "solve.cpp"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode != 0 and ": error: invalid conversion" in done.stderr, done.stderr
    plain = [(f.id, f.title) for f in errors_of(done.stderr)]
    bold = "".join((line.replace("error: ", "**error: ", 1) + "**" if ": error: " in line else line) + "\n"
                   for line in done.stderr.splitlines())
    assert "**error: invalid conversion" in bold
    assert [(f.id, f.title) for f in errors_of(bold)] == plain and plain[0][0] == "mkl-api-changed"


def test_a_numbered_mkl_dylib_names_the_releases_that_have_its_number():
    """k2's FAQ: @rpath/libmkl_intel_ilp64.2.dylib in an environment whose MKL has another number (read from the table of
    sonames: .2 is MKL 2022.0.1 on, to MKL's last release for macOS)."""
    log = ("ImportError: dlopen(/Users/u/env/lib/python3.8/site-packages/_k2.cpython-38-darwin.so, 2): Library not loaded: "
           "@rpath/libmkl_intel_ilp64.2.dylib\n  Referenced from: /Users/u/env/lib/python3.8/site-packages/_k2.cpython-38-darwin.so\n"
           "  Reason: image not found\n")
    [finding] = errors_of(log)
    assert finding.id == "macos-library-not-loaded", flat(finding)
    assert any("MKL 2022.0.1 to 2023.2.0 for macOS" in e for e in finding.evidence), finding.evidence
    assert "mkl>=2022.0.1,<=2023.2.0" in finding.fix[0] and "ln -s libmkl_intel_ilp64.dylib libmkl_intel_ilp64.2.dylib" in finding.fix[0]


def test_a_build_asked_for_another_blas_that_searched_for_mkl():
    """kaldi#3217: ./configure --mathlib=ATLAS, then configure's MKL search failed; the same failure with no such switch
    (kaldi's own advice to try --mathlib=ATLAS is in its message) is the search's own."""
    said = ("Configuring MKL library directory: ***configure failed: MKL libraries could not be found. Please use the switch "
            "--mkl-libdir or try another math library, e.g. --mathlib=ATLAS (would be slower) ***\n")
    [asked] = errors_of("/opt/kaldi/src# ./configure --shared --mathlib=ATLAS --atlas-root=../tools/ATLAS_headers/\n"
                        "Configuring KALDI to use MKL\n" + said)
    assert asked.id == "mkl-finder-failed" and asked.fix[0].startswith("the build ignored --mathlib=ATLAS"), flat(asked)
    [alone] = errors_of("Configuring KALDI to use MKL.\n" + said)
    assert alone.id == "mkl-finder-failed" and not any("ignored" in f for f in alone.fix)
    [cmake] = errors_of("$ cmake -S . -B build -DBLA_VENDOR=OpenBLAS\nCMake Error at cmake/FindMKL.cmake:80 (message):\n"
                        "  MKL libraries could not be found\n")
    assert any("ignored -DBLA_VENDOR=OpenBLAS" in f for f in cmake.fix), flat(cmake)
