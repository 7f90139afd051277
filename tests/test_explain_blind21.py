"""The classes of the twenty-first blind set (tests/data/explain_corpus/blind21.json), produced here where they can run.

- R's own report of a crash in a package's compiled code (RRO#218, lpSolve under Revolution R's MKL): the real R, its
  routine named, and the command the fix names prints the BLAS this R runs;
- Windows' "Access is denied." under Julia's load of an MKL_jll DLL (julia#38993), an Anaconda environment's numpy not
  activated in an IPython traceback (numpy#15294), conda's GNU OpenMP mutex beside MKL's Intel threading layer
  (matplotlib#23124): public text (no Windows or conda solve here).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.skipif(not shutil.which("Rscript"), reason="R is not installed (dev/test installs r-base-core)")
def test_r_reports_a_crash_in_compiled_code(tmp_path):
    (tmp_path / "c.c").write_text("void lpslink(int *x) { *(volatile int *)0 = *x; }\n")
    assert subprocess.run(["gcc", "-shared", "-fPIC", "c.c", "-o", "c.so"], cwd=tmp_path).returncode == 0
    crashed = subprocess.run(["Rscript", "-e", 'dyn.load("c.so"); .C("lpslink", 1L)'], cwd=tmp_path, capture_output=True,
                             text=True)
    assert crashed.returncode != 0 and "caught segfault" in crashed.stderr, crashed.stderr
    [finding] = errors_of(crashed.stderr)
    assert finding.id == "program-crashed" and "(lpslink)" in finding.title, flat(finding)
    assert finding.fix[0].startswith("see which BLAS the R session runs")
    # the command it gives prints the BLAS and LAPACK this R runs
    told = subprocess.run(["Rscript", "-e", "sessionInfo()"], capture_output=True, text=True)
    assert "BLAS" in told.stdout, told.stdout


def test_windows_access_denied_is_the_files_permission_not_its_name():
    log = ('ERROR: LoadError: InitError: could not load library "C:\\Users\\runneradmin\\.julia\\artifacts\\6de083f4770c1a6b'
           '49d179e2aa0f30c4bffde4a4\\bin\\mkl_core.dll"\nAccess is denied. \nStacktrace:\n')
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and "Access is denied" in finding.evidence[1], flat(finding)
    assert finding.fix[0].startswith("give the user read and execute") and "MKL_jll" in finding.fix[0]
    assert not any(line.startswith("open it by the name") for line in finding.fix)
    # a quoted name that ends a line of a terminal's width (160 here) ends that line: the next is not joined to it
    head = 'ERROR: LoadError: InitError: could not load library "C:\\Users\\u\\'
    wide = head + "a" * (160 - len(head) - len('\\mkl_core.dll"')) + '\\mkl_core.dll"'
    assert len(wide) == 160
    [cut] = errors_of(wide + "\nAccess is denied. \n")
    assert "Access is denied" in cut.evidence[1], flat(cut)
    [plain] = errors_of('ERROR: could not load library "C:\\x\\mkl_core.dll"\n')
    assert not any("Access is denied" in line for line in plain.evidence)


def test_an_anaconda_numpy_outside_its_activated_environment():
    log = ("~\\Anaconda3\\lib\\site-packages\\numpy\\__init__.py in <module>\n"
           "---> 34     from . import _mklinit\n\nImportError: DLL load failed: The specified module could not be found.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and finding.fix[0].startswith("start the program from the activated"), flat(finding)


def test_gnu_openmp_mutex_beside_mkls_intel_threading_layer():
    lib = "/home/u/miniconda3/envs/py3.10/lib/libmkl_intel_thread.so.1"
    log = (f"python: symbol lookup error: {lib}: undefined symbol: omp_get_num_procs\n"
           "_libgcc_mutex             0.1                        main\n"
           "_openmp_mutex             5.1                       1_gnu\n")
    [finding] = errors_of(log)
    assert finding.id == "openmp-runtime-missing" and finding.fix[0].startswith("recreate the environment from one channel")
    assert any("_openmp_mutex 1_gnu" in line for line in finding.evidence)
    # LLVM's mutex is what conda-forge's mkl runs on: not this cause
    [llvm] = errors_of(log.replace("1_gnu", "2_kmp_llvm"))
    assert not llvm.fix[0].startswith("recreate")
