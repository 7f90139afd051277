"""The blind sets 92 to 102 (tests/data/explain_corpus/blind92.json ... blind102.json), gathered and scored on 2026-12-06:
what the rules made after them answer, the same failures produced here with the real tools where they can run, and
that none of their logs is silent or loses what was right."""

from __future__ import annotations

import os
import subprocess

import pytest

from mkldoctor.explain import logparse
from tests import blindset
from tests.test_explain_families import flat, only_error

SETS = blindset.load(92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102)
ENTRIES = blindset.entries(*SETS)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_numbas_svml_beside_another_programs_copy():
    """umap#702, suite2p#816: numba compiled with SVML against an svml_dispmd.dll another program put in System32, which
    lacks the name; the fixes: that copy removed, SVML turned off for numba, or the runtime numba expects."""
    for fragment, symbol in (("umap-702", "__svml_sqrtf8"), ("suite2p-816", "__svml_exp4_ha")):
        finding = only_error(_log(fragment))
        assert finding.id == "numba-svml-symbol-missing" and symbol in finding.title, flat(finding)
        assert "where svml_dispmd.dll" in finding.fix[0] and "NUMBA_DISABLE_INTEL_SVML=1" in finding.fix[1], flat(finding)
    # a Linux log: no Windows folder to look in, and the first fix reads as one
    linux = only_error("/home/u/env/lib/python3.11/site-packages/umap/umap_.py:12: warning\nLLVM ERROR: Symbol not found: "
                       "__svml_sqrtf8\n")
    assert linux.fix[0].startswith("turn SVML off for numba"), flat(linux)


@pytest.mark.parametrize("source", [True, False], ids=["with-a-source-folder", "without"])
def test_a_cmake_list_of_mkls_libraries_split_into_words(tmp_path, source):
    """cmake given -DBLAS_LIBRARIES=<a> <b> <c> (a list whose ';' became blanks): with a source folder after them it ignores
    the extra paths and configures with the first library alone; without one it takes them for the source folder."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.10)\nproject(p NONE)\n")
    (tmp_path / "build").mkdir()
    libs = [f"/opt/intel/oneapi/mkl/2021.3.0/lib/intel64/libmkl_{n}.so" for n in ("intel_lp64", "intel_thread", "core")]
    done = subprocess.run(["cmake", f"-DBLAS_LIBRARIES={libs[0]}", *libs[1:], *([str(tmp_path / "src")] if source else [])],
                          cwd=tmp_path / "build", capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    log = done.stdout + done.stderr
    assert "Ignoring extra path from command line" in log and (done.returncode == 0) == source, log
    finding = only_error(log)
    assert finding.id == "cmake-list-split" and "libmkl_" in finding.title, flat(finding)
    assert "CMAKE_CACHE_ARGS" in finding.fix[1] and "libmkl_rt" in finding.fix[2], flat(finding)


def test_the_command_of_an_external_project_that_split_the_list():
    """pyscf PR #1077: libcint's configure step echoed with the list split, the line broken after its first library."""
    finding = only_error(_log("pyscf-1077"))
    assert finding.id == "cmake-list-split" and "BLAS_LIBRARIES holds only the first" in finding.title, flat(finding)
    assert "-DBLAS_LIBRARIES:STRING=${BLAS_LIBRARIES}" in finding.fix[1], flat(finding)
    # cut at 80 columns by a terminal: the command's 'cmake' lies on an earlier piece than its -D value
    cut = "\n".join("\n".join(line[i:i + 80] for i in range(0, len(line), 80)) or line for line in _log("pyscf-1077").split("\n"))
    assert only_error(cut).id == "cmake-list-split"
    # a -D value that is one library, then the source folder, or the command's end and another line: no list split
    assert not blindset.findings("cmake -DBLAS_LIBRARIES=/opt/lib/libmkl_rt.so ../src\n")
    ended = "cmake -DBLAS_LIBRARIES=/opt/lib/libmkl_rt.so\n-- Configuring done\n"
    assert None not in logparse.parse_bytes(ended.encode()).events and not blindset.findings(ended)


def test_pardisos_own_report_of_a_failed_reordering():
    """Pardiso.jl#88: MKL's msglvl report numbers the error internally (-180); the code PARDISO returned for a reordering
    is -3, and MKLSparse's ILP64 interface, set first, is a cause named; PyPardiso's -3 alone does not get it. CompMajor#3:
    -4 with a positive definite type given to a semidefinite matrix."""
    reordering = only_error(_log("pardiso-jl-88"))
    assert reordering.title.startswith("MKL PARDISO failed with error -3: reordering problem"), flat(reordering)
    assert any("MKL_Set_Interface_Layer(1)" in line for line in reordering.fix), flat(reordering)
    pypardiso = only_error("pypardiso.pardiso_wrapper.PyPardisoError: The Pardiso solver failed with error code -3. See "
                           "Pardiso documentation for details.\n")
    assert not any("MKL_Set_Interface_Layer" in line for line in pypardiso.fix), flat(pypardiso)
    # a report whose phase is blank names no code: said so, not "error 0"; its run of blanks read in linear time
    blank = only_error("*** Error in PARDISO (" + " " * 100_000 + ") error_num= -3\n")
    assert blank.title == "MKL PARDISO failed: its own report (msglvl) names a phase, not the code it returned", flat(blank)
    pivot = only_error(_log("compmajor-3"))
    assert any("mtype -2" in line for line in pivot.fix), flat(pivot)


def test_two_copies_of_intels_runtime_on_macos():
    """A Chinese note (conda's numpy stack on macOS): libiomp5.dylib twice is conda's intel-openmp and a package's own
    copy, nomkl the fix; two copies of LLVM's libomp.dylib are not said to be Intel's."""
    twice = only_error(_log("ulti-dreisteine"))
    assert twice.fix[0].startswith("two copies of libiomp5.dylib") and "conda install nomkl" in twice.fix[0], flat(twice)
    llvm = only_error("OMP: Error #15: Initializing libomp.dylib, but found libomp.dylib already initialized.\n")
    assert not llvm.fix[0].startswith("two copies of libomp.dylib: conda's intel-openmp"), flat(llvm)


def test_an_environments_mkl_of_a_release_without_the_library():
    """pytorch#4025: the conda environment's mkl 2017 had no libmkl_gf_lp64.so, which torch was built against: the install
    line says so as well as 'not installed'."""
    finding = only_error(_log("pytorch-4025"))
    line = next(line for line in finding.fix if "conda install" in line)
    assert line.startswith("if it is not installed, or the environment's mkl is a release without it"), flat(finding)
    assert "-p /home/mingdachen/anaconda2/envs/py35" in line


def test_pypardisos_own_words_name_its_variable():
    """PyPardiso#55 (blind set 100): pypardiso's 'Shared library mkl_rt not found' gets its PYPARDISO_MKL_RT (0.4.3, PR #56),
    with an upgrade where the message is an older release's, which does not name the variable."""
    older = only_error(_log("pypardiso-55"))
    assert older.id == "mkl-rt-name-not-found" and "PYPARDISO_MKL_RT=" in older.fix[0], flat(older)
    assert older.fix[0].endswith("(python -m pip install -U pypardiso first)")
    newer = only_error("ImportError: Shared library mkl_rt not found. Use environment variable PYPARDISO_MKL_RT to provide a "
                       "custom path.\n")
    assert "PYPARDISO_MKL_RT=" in newer.fix[0] and "pip install -U pypardiso" not in newer.fix[0], flat(newer)


def test_a_workspace_past_32_bits_names_numpys_own_lapack():
    """persona-research's SSYEVD (blind set 101): PyTorch's CPU eigh of a matrix whose workspace passes 2^31-1 elements;
    the code took np.linalg.eigh, whose LAPACK has 64-bit integers: read from the NumPy wheel the tests install."""
    import numpy

    finding = only_error(_log("ssyevd-param8"))
    assert any("NumPy 2's own (np.linalg.eigh" in line for line in finding.fix), flat(finding)
    config = numpy.show_config(mode="dicts")["Build Dependencies"]["lapack"]
    assert int(numpy.__version__.split(".")[0]) >= 2 and "USE64BITINT" in config["openblas configuration"], config


def test_ijit_notifyevent_alone_gets_each_kind_of_environments_pin():
    """OpenFold PR #437 (blind set 102): 'undefined symbol: iJIT_NotifyEvent' and nothing else; the environment is unknown,
    so each kind's pin of MKL 2024.0, the last release that exports it: conda's, pip's, oneAPI's own scripts of 2024.0."""
    finding = only_error(_log("openfold-437"))
    assert finding.id == "runtime-symbol-missing", flat(finding)
    assert [line.split(":")[0] for line in finding.fix] == ["a conda environment (PyTorch's conda packages load the "
                                                            "environment's MKL, pytorch#123097)", "a pip environment", "oneAPI"]
    assert "conda install mkl=2024.0" in finding.fix[0] and "mkl==2024.0.0" in finding.fix[1]
    assert "/mkl/2024.0/env/vars.sh" in finding.fix[2]
    # a pip virtual environment's torch (FlagGems PR #3632): pip's pin first, no conda line
    venv = only_error("ImportError: /home/u/FlagGems/.venv/lib/python3.10/site-packages/torch/lib/libtorch_cpu.so: undefined "
                      "symbol: iJIT_NotifyEvent\n")
    assert "pip install mkl==2024.0.0" in venv.fix[0] and not any("conda" in line for line in venv.fix), flat(venv)
