"""Which of MKL's kernel libraries does the work, read from a profile: MKL's generic kernels on a processor it gave no
faster path.

MKL picks one kernel library per processor when first called: libmkl_avx512, libmkl_avx2, libmkl_avx, libmkl_mc3
(SSE4.2), libmkl_mc, or libmkl_def, its baseline. A ``perf report`` whose hot lines are in libmkl_def (or mc, mc3) is
MKL running code for a processor older than the one it is on: on AMD processors, MKL 2020.1 and later keep their AVX2
kernels for Intel's and use libmkl_def for routines without a Zen kernel of their own (pytorch/builder#504: DGEMM in
``mkl_blas_def_dgemm_kernel_zen`` at 228 GFLOP/s, SGEMM in libmkl_def's ``LM_LOOPgas_1`` at 152), and ignore
``MKL_DEBUG_CPU_TYPE=5``, which chose AVX2 up to 2020.0 (the wheel of 2026.2 runs SGEMM in libmkl_def's
``mkl_blas_def_sgemm_kernel_0_zen`` on an AMD EPYC, which is no finding: measured in the tests). A virtual machine that
hides the processor's flags does the same.
No line says an error; the profile is the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_GENERIC = ("def", "mc", "mc3")  # the kernels below AVX: the baseline (SSE2), SSE4.2's


@dataclass(frozen=True, slots=True)
class HotKernel:
    """``74.26%  mt-sgemm  libmkl_def.so  [.] LM_LOOPgas_1``: a profile's line in one of MKL's kernel libraries."""

    line: str
    share: float
    kernel: str  # "def", "avx2"
    symbol: str


_PERF = re.compile(r"^\s*(?P<share>\d{1,3}\.\d+)%\s+(?:\S+\s+){0,3}?lib(?:mkl_|mkl_vml_)(?P<kernel>def|mc3?|avx(?:2|512|10)?(?:_mic)?)"
                   r"\.(?:so|dylib)[.\d]*\s+\[\.\]\s+(?P<symbol>\S+)")

SIGNATURES = (
    Signature("perf-hot-mkl-kernel", "codepath", "[.] ", _PERF,
              lambda m, _: HotKernel(m.string.strip()[:200], float(m["share"]), m["kernel"], m["symbol"])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    hot = events.of(HotKernel)
    # a generic kernel that is not one of the Zen kernels libmkl_def carries (mkl_blas_def_dgemm_kernel_zen)
    slow = [h for h in hot if h.kernel in _GENERIC and "zen" not in h.symbol.lower()]
    if not slow:
        return []
    first = max(slow, key=lambda h: h.share)
    zen = [h for h in hot if "zen" in h.symbol.lower()]
    if zen and max(h.share for h in zen) >= first.share:  # the work is in a Zen kernel: libmkl_def's helpers around it
        return []  # (its packing and scaling, mkl_blas_def_sgemm_scopy_*), not the routine's own code, run generic
    return [Finding(
        "mkl-generic-kernels", "warning",
        f"MKL runs its generic kernels (libmkl_{first.kernel}: {first.symbol}, {first.share:g}% of the profile): it chose no "
        "AVX2 or AVX-512 code for this processor",
        (first.line,
         f"libmkl_{first.kernel} is MKL's kernel library for processors below AVX ({'SSE2, its baseline' if first.kernel == 'def' else 'SSE4.2'}): "
         "MKL picks it when the processor it sees is not an Intel one it has faster code for, or reports no AVX",
         *((f"beside it, {zen[0].symbol}: MKL's Zen kernel for that routine, so this is an AMD processor, where MKL 2020.1 "
            "and later have Zen kernels for some routines only (DGEMM in 2020; SGEMM too in 2026.2, measured here) and "
            "run the rest in libmkl_def",) if zen else ()),
         "MKL_DEBUG_CPU_TYPE=5 made MKL take its AVX2 kernels on AMD processors up to MKL 2020.0; later releases ignore it"),
        ("see what MKL chose and what the processor has: MKL_VERBOSE=1 <the program> prints the code path on the first call "
         "('Intel(R) AVX2 ... enabled processors', or SSE); grep -m1 -o -w 'avx2\\|avx512f' /proc/cpuinfo",
         "an AMD processor: a BLAS tuned for it (AOCL's BLIS, OpenBLAS) for the routines that fall to libmkl_def, or MKL "
         "2020.0 with MKL_DEBUG_CPU_TYPE=5; the reporters' workaround on later releases, a preloaded library whose "
         "mkl_serv_intel_cpu_true() returns 1 (pytorch/builder#504), runs MKL's Intel paths unsupported",
         "a virtual machine or container: give it the host's processor model (QEMU/KVM: -cpu host), so that AVX2 and "
         "AVX-512 are visible",
         "MKL_ENABLE_INSTRUCTIONS only lowers the code path MKL would choose; it cannot raise it"),
        "MKL dispatches to one kernel library per processor at its first call; the generic ones are correct everywhere and "
        "several times slower than the AVX2 and AVX-512 kernels on processors that have those.",
        ("MKL_VERBOSE=1 <the program> 2>&1 | head -2   # the code path MKL chose",
         "perf report --sort dso,sym | grep libmkl_   # which kernel library does the work"),
    )]
