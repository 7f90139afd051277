"""The seventy-ninth blind set (tests/data/explain_corpus/blind79.json): texts the rules made after it answer (blog posts
and Q&A pages), and gfortran 12's own words for its new signature (an INCLUDE of mkl.fi)."""

from __future__ import annotations

import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(79)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_pips_conflict_with_a_requirement_of_two_clauses():
    """torch 2.3.0 requires mkl<=2021.4.0,>=2021.1.1 (the comma inside the requirement, the marker's typographic quotes):
    the wrong mkl wheel is the cause of torch's shm.dll failure beside it (CSDN 139153968)."""
    finding = only_error(_log("shm-dll"))
    assert finding.id == "pip-mkl-conflict", flat(finding)
    assert "requires mkl<=2021.4.0,>=2021.1.1, and mkl 2024.1.0 is installed" in finding.title
    assert finding.fix[0] == "install what it requires: pip install 'mkl<=2021.4.0,>=2021.1.1'"


def test_pips_numpy_conflict_beside_mkls_threading_layer():
    """ultralytics requires numpy<2.0.0 and numpy 2.0.1 is installed: said beside mkl-service's threading-layer error, as
    a warning with pip's own requirement (the author's fix was that numpy)."""
    findings = blindset.findings(_log("yolov8-ddp"))
    assert [f.id for f in findings] == ["threading-layer-conflict", "pip-blas-package-conflict"], [flat(f) for f in findings]
    assert findings[1].severity == "warning" and "pip install 'numpy<2.0.0,>=1.23.0'" in findings[1].fix[0]
    # a conflict about a package that decides nothing of MKL's stays pip's own business
    assert blindset.findings("torch 2.3.0 requires sympy>=1.12, but you have sympy 1.10 which is incompatible.\n") == []


# gfortran 12.2.0's output (Debian 12) for "include 'mkl.fi'" without -I, copied as it printed it (2026-12-06): gfortran is
# not among the tests' tools, as kokkos-kernels' recorded outcome was taken on a machine without a Fortran compiler (and
# CMake finds gfortran beside the C compiler); by hand, CPATH did not help it and -I<the wheel's include> compiled
GFORTRAN_12 = ("s.f90:2:0:\n\n    2 |   include 'mkl.fi'\n      | \n"
               "Fatal Error: Cannot open included file \u2018mkl.fi\u2019\ncompilation terminated.\n")


def test_gfortran_12s_include_failure():
    finding = only_error(GFORTRAN_12)
    assert finding.id == "mkl-header-not-found" and finding.title.endswith("mkl.fi"), flat(finding)
    assert "(not CPATH)" in finding.fix[0] and finding.fix[0].startswith('add -I"$MKLROOT/include"')
    # Intel Fortran's words for the same (error #5102), as fftwheaders reads them for fftw3.f
    ifort = only_error("solve.f90(3): error #5102: Cannot open include file 'mkl_vsl.fi'\n")
    assert ifort.id == "mkl-header-not-found" and ifort.title.endswith("mkl_vsl.fi"), flat(ifort)


def test_code_blocks_gfortran_include_on_windows():
    """Code::Blocks' "file|line|Error: Can't open included file 'mkl_vsl.fi'|": MKL's Fortran include not found, with
    Windows' -I and Code::Blocks' setting."""
    finding = only_error(_log("mkl-vsl-fi"))
    assert finding.id == "mkl-header-not-found" and finding.title.endswith("mkl_vsl.fi"), flat(finding)
    assert finding.fix[0].startswith('add -I"%MKLROOT%\\include" to the Fortran compile line (Code::Blocks: Project >')


GLOBAL_SCOPE = r"""#include <dlfcn.h>
#include <stdio.h>
int main(void) {
    void *rt = dlopen("libmkl_rt.so.3", RTLD_NOW | RTLD_LOCAL);  /* as Python opens an extension's library */
    if (!rt) return 2;
    printf("%d ", dlsym(RTLD_DEFAULT, "mkl_serv_getenv") != NULL);
    int n = 2; double one = 1, zero = 0, a[4] = {1, 2, 3, 4}, c[4];
    void (*dgemm)() = (void (*)())dlsym(rt, "dgemm");
    dgemm("N", "N", &n, &n, &n, &one, a, &n, a, &n, &zero, c, &n);
    printf("%d\n", dlsym(RTLD_DEFAULT, "mkl_serv_getenv") != NULL);
    return 0;
}
"""


@pytest.mark.mkl
def test_the_import_mkl_first_fix_rests_on_mkl_rts_global_scope(tmp_path, mkl):
    """The faiss user's fix (segmentfault): libmkl_rt, opened with RTLD_LOCAL as mkl-service's extension opens it, puts
    MKL's core (mkl_serv_getenv) into the process's global scope at its first call, where a kernel loaded later finds it."""
    finding = only_error(_log("faiss"))
    assert finding.id == "mkl-core-not-visible" and any("import mkl; mkl.get_max_threads() first" in f for f in finding.fix)
    (tmp_path / "g.c").write_text(GLOBAL_SCOPE)
    subprocess.run(["gcc", "g.c", "-o", "g", "-ldl"], cwd=tmp_path, check=True, timeout=120)
    ran = subprocess.run(["./g"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"LD_LIBRARY_PATH": str(mkl.pip_lib), "MKL_THREADING_LAYER": "sequential"})
    assert ran.returncode == 0 and ran.stdout.split() == ["0", "1"], ran.stdout + ran.stderr


def test_macos_threading_layer_names_an_mkl_built_for_a_newer_macos():
    """mss#304 (OS X 10.10): MKL's one line for its threading layer; the other cause on macOS, an MKL built for a newer
    system, is said with otool's check and nomkl."""
    finding = only_error(_log("osx1010"))
    assert finding.id == "openmp-runtime-missing" and "built for a newer macOS" in finding.evidence[2], flat(finding)
    assert "conda install nomkl" in finding.fix[1] and "LC_VERSION_MIN_MACOSX" in finding.confirm[1]


def test_windows_mkl_layer_message_offers_the_conda_set_update():
    """CSDN 90260192: 'Cannot load mkl_intel_thread.dll' right after numpy alone was updated in Anaconda: the update of
    MKL with the packages built on it is among the fixes."""
    finding = only_error(_log("after-numpy-update"))
    assert finding.id == "windows-library-not-loaded" and any("conda update mkl numpy scipy" in f for f in finding.fix), flat(finding)


def test_torchs_extension_named_on_the_errors_own_line():
    """peterjc123's gist: 'from torch._C import * (ImportError: DLL load failed: ...)' on one line (Python before 3.8
    names no module): the import on the same line names torch._C, whose DLLs (Intel OpenMP, MKL, the VC++ runtime) the
    maintainer's list installs."""
    finding = only_error(_log("peterjc123"))
    assert finding.id == "windows-library-not-loaded" and finding.title == "Windows: _C could not be loaded", flat(finding)
    assert finding.fix[0].startswith("install them into the environment: conda install intel-openmp mkl")


def test_mkl_services_relative_path_to_libmkl_rt():
    """CSDN 136401399: 'Cannot load mkl/../../../libmkl_rt.so.2' after an old numpy was installed over a newer mkl: the
    path is mkl-service's, and the fix installs the mkl release with the packages built on it, in one step."""
    finding = only_error(_log("136401399"))
    assert finding.id == "mkl-cannot-load-kernels" and "mkl-service's (site-packages/mkl/) path" in finding.evidence[1], flat(finding)
    assert finding.fix[0].startswith("install the mkl release they were built with, in one step with them")
