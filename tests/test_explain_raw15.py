"""Round 15 of raw public pastes (issue threads read without their causes, none used before): what was read wrong in
them, as the paste showed it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mkldoctor.explain import vslstatus
from tests.test_explain_families import errors_of, flat, only_error

# CHIP-SPV/chipStar#743 (round 14's, silent): gdb's backtrace pasted from frame #19, in oneMKL's SYCL BLAS library
CHIPSTAR_743 = (
    "#19 0x00007ffff0e42ee0 in oneapi::mkl::gpu::launch_kernel_3D(int*, sycl::_V1::queue*, mkl_gpu_kernel_struct_t*, "
    "mkl_gpu_argument_t*, unsigned long*, unsigned long*, mkl_gpu_event_list_t*) () from "
    "/opt/intel/oneapi/mkl/2024.0/lib/libmkl_sycl_blas.so.4\n"
    "#20 0x00007ffff0e38a11 in oneapi::mkl::gpu::have_binary_kernels(int*, sycl::_V1::queue*) () from "
    "/opt/intel/oneapi/mkl/2024.0/lib/libmkl_sycl_blas.so.4\n")
# a C program that hands cblas_dgemm (from libmkl_rt, opened by path) a bad address for A and B: MKL's kernel faults
GEMM = r"""#include <dlfcn.h>
#include <stdio.h>
typedef void (*gemm_t)(int, int, int, long, long, long, double, const double *, long, const double *, long, double,
                       double *, long);
int main(int argc, char **argv) {
  void *rt = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  if (!rt) { puts(dlerror()); return 2; }
  double c[4];
  ((gemm_t)dlsym(rt, "cblas_dgemm"))(101, 111, 111, 512, 512, 512, 1.0, (const double *)64, 512, (const double *)64, 512,
                                     0.0, c, 512);
  return 0;
}
"""

# uncomplicate/deep-diamond#15: Neanderthal's exception for MKL's status, in Clojure's REPL (CIDER's frames below it)
DEEP_DIAMOND_15 = """1. Unhandled clojure.lang.ExceptionInfo
   MKL error.
   {:error-code -1140}
                   mkl.clj:  991  uncomplicate.neanderthal.internal.host.mkl.FloatVectorEngine/rand_normal
               factory.clj:  277  uncomplicate.diamond.internal.dnnl.factory.FloatTensorEngine/rand_normal
                random.clj:   35  uncomplicate.neanderthal.random/rand-normal!
"""


def _defines(header) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r"#define\s+(VSL_\w+)\s+(-?\d+)\b", header.read_text())}


@pytest.mark.mkl
def test_the_statuses_are_mkls_own(mkl):
    """The table's numbers and names, held against mkl_vsl_defines.h of the MKL releases the tests install (2026.2 from
    PyPI, Debian's 2020.4)."""
    for header in (mkl.pip / "include" / "mkl_vsl_defines.h",
                   mkl.debian_shared / "usr" / "include" / "mkl" / "mkl_vsl_defines.h"):
        defined = _defines(header)
        for code, (name, _, _) in vslstatus.STATUSES.items():
            assert defined.get(name) == code, (header, name, code)


def test_an_ars5_stream_on_a_cpu_without_aes_ni():
    """deep-diamond#15 (silent): Neanderthal's rand_normal on ARS-5, MKL's status -1140 under 'MKL error.'."""
    finding = only_error(DEEP_DIAMOND_15)
    assert finding.id == "mkl-vsl-status" and "-1140 (VSL_RNG_ERROR_ARS5_NOT_SUPPORTED)" in finding.title, flat(finding)
    assert "AES-NI" in finding.title and "Philox4x32-10" in finding.fix[0], flat(finding)
    assert "aes|rdrand" in finding.confirm[0]
    # the same number from a program that names no MKL: not read as MKL's
    other = "Unhandled exception: request failed\n   {:error-code -1140}\n"
    assert "mkl-vsl-status" not in [f.id for f in errors_of(other)]


@pytest.mark.mkl
@pytest.mark.skipif(not shutil.which("gdb"), reason="gdb is not installed (dev/test installs it)")
def test_a_backtrace_through_mkl_pasted_without_its_head(mkl, tmp_path):
    """gdb's backtrace of a fault in MKL's kernel (produced with MKL 2026.2), pasted as its frames alone: from frame #0 it
    is the crash; from a later frame (chipStar#743's paste) neither the signal nor the stop is in it: said, never silent."""
    (tmp_path / "g.c").write_text(GEMM)
    subprocess.run(["gcc", "g.c", "-o", "g", "-ldl"], cwd=tmp_path, check=True)
    rt = str(next(mkl.pip_lib.glob("libmkl_rt.so.*")))
    env = {"LD_LIBRARY_PATH": str(mkl.pip_lib), "PATH": "/usr/bin:/bin", "MKL_NUM_THREADS": "1"}
    done = subprocess.run(["gdb", "-q", "-batch", "-ex", "run", "-ex", "bt", "--args", "./g", rt], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    frames = [line for line in done.stdout.splitlines() if line.startswith("#")]
    assert "SIGSEGV" in done.stdout and len(frames) >= 4 and "libmkl_" in frames[2], done.stdout + done.stderr
    assert only_error("\n".join(frames) + "\n").id == "mkl-crash"
    for cut in ("\n".join(frames[2:]) + "\n", CHIPSTAR_743):
        said = only_error(cut)
        assert said.id == "unrecognised-failure" and cut.splitlines()[0][:60] in said.title, flat(said)
    # frames of a program's own code and the C library: no MKL in them, no finding of this
    own = "#2  0x00007ffff7829d90 in __libc_start_call_main () from /lib/x86_64-linux-gnu/libc.so.6\n#3  main ()\n"
    assert errors_of(own) == []
