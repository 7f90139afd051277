"""oneMKL's static TBB layer (the pinned 2026.2 wheel's libmkl_tbb_thread.a) linked by gcc, the real GNU ld and lld: without
-ltbb it needs oneTBB's tbb::detail::r1 names and libstdc++'s operator new; with -ltbb alone, libstdc++ (ld: DSO missing
from command line). explain names what the line lacks, reads nothing as unrecognised, and the line it names links and runs."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, failed, flat

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
SOURCE = """#include <stdio.h>
extern void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*,
                   const double*, const int*, const double*, double*, const int*);
int main(void) { int n = 2; double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4], one = 1, zero = 0;
  dgemm_("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n); printf("%g\\n", c[3]); return 0; }
"""


def _group(mkl) -> list[str]:
    return ["-Wl,--start-group", *(str(mkl.pip_lib / f"libmkl_{n}.a") for n in ("intel_lp64", "tbb_thread", "core")),
            "-Wl,--end-group"]


@pytest.fixture()
def program(tmp_path):
    (tmp_path / "t.c").write_text(SOURCE)
    subprocess.run(["gcc", "-c", "t.c", "-o", "t.o"], cwd=tmp_path, check=True)
    return tmp_path


@pytest.mark.parametrize("linker", ["bfd", "lld", "gold"])
def test_the_tbb_layer_without_tbb_nor_the_cxx_runtime(program, mkl, linker):
    if shutil.which(f"ld.{linker}") is None:
        pytest.skip(f"needs ld.{linker}")
    log = failed(["gcc", f"-fuse-ld={linker}", "t.o", "-o", "t", *_group(mkl), "-lpthread", "-lm", "-ldl"], program)
    assert "tbb::detail::r1::" in log and "operator new" in log, log
    [finding] = errors_of(log)
    assert finding.id == "tbb-not-linked" and "-ltbb -lstdc++" in finding.fix[0], flat(finding)
    assert "oneTBB" in finding.title and "C++ runtime" in finding.title


def test_the_tbb_layer_with_tbb_without_the_cxx_runtime(program, mkl):
    tbb = program / "tbb"
    tbb.mkdir()
    (tbb / "libtbb.so").symlink_to(next(mkl.pip_lib.glob("libtbb.so.12*")))  # what tbb-devel adds: the link name
    log = failed(["gcc", "t.o", "-o", "t", *_group(mkl), f"-L{tbb}", "-ltbb", "-lpthread", "-lm", "-ldl"], program)
    assert "DSO missing from command line" in log and "libstdc++" in log, log
    [finding] = errors_of(log)
    assert finding.id == "mkl-cxx-runtime-missing" and "-lstdc++" in finding.fix[0], flat(finding)
    # the fix: -lstdc++ after MKL's libraries; it links, and runs on the wheel's oneTBB
    subprocess.run(["gcc", "t.o", "-o", "t", *_group(mkl), f"-L{tbb}", "-ltbb", "-lstdc++", "-lpthread", "-lm", "-ldl"],
                   cwd=program, check=True)
    done = subprocess.run(["./t"], cwd=program, capture_output=True, text=True,
                          env={"LD_LIBRARY_PATH": str(mkl.pip_lib), "MKL_NUM_THREADS": "2"})
    assert done.returncode == 0 and done.stdout.strip() == "4", done
