"""Failures a user meets first, produced here with the real tools and explained as a user would (2026-12-05's tries):
CMake's FindBLAS of CMake 3.22 and newer, which says 'Could NOT find BLAS (missing: BLAS_LIBRARIES)' through
find_package_handle_standard_args (it had been read as a project's own MKL finder); Intel OpenMP's notices under MKL (a
team capped by a thread limit, the deprecated OMP_NESTED, a KMP_* or OMP_* setting it ignores), which had said nothing
(or, for OMP_DYNAMIC's, called an error)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.test_explain_families import errors_of, failed, flat
from tests.test_explain_heldback_linux import findings_of


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_cmakes_findblas_for_mkl_that_finds_none(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.16)\nproject(p C)\nset(BLA_VENDOR Intel10_64lp)\nfind_package(BLAS REQUIRED)\n")
    log = failed(["cmake", "-S", ".", "-B", "b"], tmp_path)
    assert "Could NOT find BLAS (missing: BLAS_LIBRARIES)" in log, log
    [finding] = errors_of(log)
    assert finding.id == "cmake-blas-not-found" and finding.title.endswith("the configure stops"), flat(finding)
    assert any("BLA_VENDOR=Intel10_64lp" in line for line in finding.fix)
    # the same words from a project's own cmake/FindBLAS.cmake (oneDNN's before its PR #1794) stay the project's finder's
    own = log.replace("/Modules/FindBLAS.cmake", "/cmake/FindBLAS.cmake").replace("share/cmake-", "src/proj-")
    assert [f.id for f in errors_of(own)] == ["mkl-finder-failed"]


@pytest.mark.mkl
@pytest.mark.parametrize("env, finding_id, word", [
    ({"OMP_NUM_THREADS": "48", "OMP_THREAD_LIMIT": "2", "MKL_DYNAMIC": "FALSE"}, "openmp-team-smaller", "OMP_NUM_THREADS=2"),
    ({"OMP_NESTED": "TRUE"}, "openmp-nested-deprecated", "OMP_MAX_ACTIVE_LEVELS"),
    # settings the runtime cannot read and replaces by its defaults
    ({"KMP_AFFINITY": "bogus"}, "openmp-setting-ignored", "KMP_AFFINITY="),
    ({"KMP_AFFINITY": "explicit,proclist=[0,999]"}, "openmp-setting-ignored", "nproc"),
    ({"KMP_BLOCKTIME": "abc"}, "openmp-setting-ignored", "unset it"),
    ({"OMP_NUM_THREADS": "0"}, "openmp-setting-ignored", "unset it"),
    ({"OMP_DYNAMIC": "maybe"}, "openmp-setting-ignored", "TRUE or FALSE")])
def test_intel_openmps_notices_under_mkl(tmp_path, mkl, env, finding_id, word):
    """MKL's Intel threading layer on the pinned libiomp5: a team capped by OMP_THREAD_LIMIT ('OMP: Warning #96'), and the
    deprecated OMP_NESTED ('OMP: Info #269'): each a warning with its own fix, the program's result unharmed."""
    lib = mkl.pip_lib
    rt = sorted(lib.glob("libmkl_rt.so.*"))[0]
    script = (f"import ctypes as c\nc.CDLL({str(lib / 'libiomp5.so')!r}, mode=c.RTLD_GLOBAL)\nl = c.CDLL({str(rt)!r})\n"
              "n = c.c_int(300); a = (c.c_double * 90000)(*([1.0] * 90000)); b = (c.c_double * 90000)()\n"
              "one, z = c.c_double(1), c.c_double(0)\nl.dgemm_(b'N', b'N', c.byref(n), c.byref(n), c.byref(n), c.byref(one), a, "
              "c.byref(n), a, c.byref(n), c.byref(z), b, c.byref(n))\nprint(b[0])\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "MKL_THREADING_LAYER": "INTEL", **env})
    assert done.returncode == 0 and "300.0" in done.stdout and "OMP:" in done.stdout, done.stdout
    findings = findings_of(done.stdout)
    assert [f.id for f in findings] == [finding_id] and findings[0].severity == "warning", [(f.id, f.title) for f in findings]
    assert any(word in line for line in findings[0].fix)
