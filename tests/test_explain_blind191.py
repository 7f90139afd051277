"""Blind set 191's answers made whole (tests/data/explain_corpus/blind191.json, scored with the other sets in
test_explain_blind173), and a document it found again that earlier sets had scored partly (pyELSI's README, blind32 and
blind54): causes the one line they quote does not carry, now said beside the mechanism."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error


def test_a_kernel_missing_from_an_mkl_another_environment_lent_the_build():
    """pyELSI's README: a cluster's PyTorch module beside the package's conda environment, CMake linked that module's
    incomplete MKL, and the kernels were not there: ldd names the MKL the module loads; rebuild in one environment."""
    said = only_error(blindset.log_of(blindset.entries(32), "pyelsi"))
    assert said.id == "mkl-cannot-load-kernels", flat(said)
    rebuild = [line for line in said.fix if "another environment's MKL" in line]
    assert rebuild and "ldd <the module> | grep mkl" in rebuild[0] and "module purge" in rebuild[0], flat(said)


# conda 4.8's plan as a user pasted it in a project's notes (public; the lines around the BLAS metapackage): defaults'
# blas and conda-forge's libblas, both OpenBLAS builds, and nomkl
_CONDA_48_PLAN = """The following NEW packages will be INSTALLED:

  attrs              pkgs/main/noarch::attrs-20.3.0-pyhd3eb1b0_0
  blas               pkgs/main/linux-64::blas-1.0-openblas
  brotlipy           pkgs/main/linux-64::brotlipy-0.7.0-py38h27cfd23_1003
  libblas            conda-forge/linux-64::libblas-3.8.0-17_openblas
  libcblas           conda-forge/linux-64::libcblas-3.8.0-17_openblas
  nomkl              pkgs/main/linux-64::nomkl-3.0-0
  numpy              pkgs/main/linux-64::numpy-1.19.2-py38h6163131_0
"""


def test_condas_plan_that_takes_the_openblas_build_of_its_blas():
    """anaconda-issues#9519 (silent as scored): a fresh Miniconda's conda install numpy took blas 1.0 openblas, and MKL
    came with nothing; the maintainers' fix asks for MKL's build. No failure: a warning, never "no problem found"."""
    said = blindset.findings(blindset.log_of(blindset.entries(191), "openblas-variant"))
    assert [f.id for f in said] == ["conda-plan-openblas"] and said[0].severity == "warning", flat(said[0])
    assert "1.0-openblas" in said[0].title and any("'blas=*=mkl'" in line for line in said[0].fix), flat(said[0])
    newer = blindset.findings(_CONDA_48_PLAN)
    assert [f.id for f in newer] == ["conda-plan-openblas"] and "pkgs/main/linux-64::blas-1.0-openblas" in newer[0].evidence[0]
    listed = blindset.findings("libblas                   3.9.0           16_linux64_openblas    conda-forge\n")
    assert not listed  # conda list's state is not a plan: the environment as it is, whatever the question


def test_mkls_library_not_found_on_another_machine_says_setvars_for_the_build_shell():
    """nekStab's notes (blind43, found again by set 191): ld cannot find -lmkl_intel_lp64 where oneAPI's environment was
    not sourced in the shell that builds; the fixes said where to look and -L, not the script the document names."""
    said = only_error(blindset.log_of(blindset.entries(43), "nekstab"))
    assert said.id == "library-not-found" and any("setvars.sh in the shell that builds" in line and "LIBRARY_PATH" in line
                                                  for line in said.fix), flat(said)
    other = only_error("/usr/bin/ld: cannot find -lopenblas: No such file or directory\n")
    assert not any("setvars.sh" in line for line in other.fix), flat(other)  # not MKL's: not oneAPI's script
