"""The classes of the forty-first blind set (tests/data/explain_corpus/blind41.json): MKL's Cannot load quoted with its
reason cut ('Cannot load libmkl_def.so: undefined symbol ...'), Intel OpenMP's Error #179 for a call the system does not
implement (Wine), oneDNN that could not create a primitive (vLLM's bf16 fallback on an M1; a Paddle predictor shared by
threads), MKL's core needing libm where the program linked libmkl_rt alone, a build's own OpenMP beside MKL's runtime on
macOS, and Paddle's wrapped head over the loader's reason for MKL-ML."""

from __future__ import annotations

from tests.test_explain_blind29 import explain_all
from tests.test_explain_families import errors_of, flat


def test_mkls_cannot_load_with_its_reason_cut():
    [finding] = errors_of("Cannot load libmkl_def.so: undefined symbol ...\n")
    assert finding.id == "mkl-core-not-visible", flat(finding)


def test_intel_openmps_call_the_system_does_not_implement():
    log = ("OMP: Error #179: Function GetNumaNodeProcessorMaskEx() failed:\nOMP: System error #120: Call not implemented.\n"
           "[...]\nOSError: [WinError 998] No access to memory location.\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-system-error" and "does not implement" in finding.title, flat(finding)
    assert finding.fix[0].startswith("turn the runtime's thread binding off: export KMP_AFFINITY=disabled")


def test_onednn_without_a_primitive():
    [fallback] = explain_all("Failed to create oneDNN linear, fallback to torch linear\n[...]\nmkldnn_matmul failed\n")
    assert fallback.id == "onednn-primitive-failed" and fallback.severity == "warning", flat(fallback)
    assert "--dtype float16" in fallback.fix[0]
    crashed = errors_of("could not create a primitive descriptor for a reorder primitive\n"
                        "FatalError: `Segmentation fault` is detected by the operating system.\n")
    assert [f.id for f in crashed] == ["onednn-primitive-failed"], [(f.id, f.title) for f in crashed]
    assert crashed[0].fix[0].startswith("one call at a time per predictor")


def test_mkls_core_without_libm():
    [finding] = errors_of("symbol lookup error: .../libmkl_core.so: undefined symbol: log10\n")
    assert finding.id == "mkl-system-library-missing" and "-lm" in finding.title, flat(finding)
    assert "-lmkl_rt -lpthread -lm -ldl" in finding.fix[0]
    # a name of libpthread: the same, with its library
    [threads] = errors_of("./app: symbol lookup error: /opt/mkl/lib/libmkl_core.so.2: undefined symbol: pthread_key_create\n")
    assert threads.id == "mkl-system-library-missing" and "libpthread" in threads.title, flat(threads)


def test_a_builds_own_openmp_beside_mkls_on_macos_and_paddles_mklml():
    [dup] = errors_of("OMP: Error #15: Initializing libomp.dylib, but found libiomp5.dylib already initialized.\n")
    assert any("OpenMP_libomp_LIBRARY" in line for line in dup.fix), flat(dup)
    log = ("RuntimeError: (PreconditionNotMet) The third-party dynamic library\n(libmklml_intel.so) that Paddle depends on is "
           "not configured correctly.\n(error code is libmklml_intel.so: cannot open shared object file)\n")
    [paddle] = errors_of(log)
    assert paddle.id == "loader-cannot-find" and any("FLAGS_mklml_dir" in line for line in paddle.fix), flat(paddle)
