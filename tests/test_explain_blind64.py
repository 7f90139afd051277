"""The sixty-fourth blind set (tests/data/explain_corpus/blind64.json): texts the rules made after it answer."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(64)


def test_a_package_built_for_numpy_mkl_over_another_numpy():
    finding = only_error(ENTRIES["windows-scipy-gohlke-wheel-needs-numpy-mkl-NUMPY_MKL-importerror-lc-leo-notes-22"]["log"])
    assert finding.id == "numpy-mkl-build-expected" and "same source as numpy" in finding.fix[0], flat(finding)


def test_the_same_import_with_the_pinned_numpy(pyenv, tmp_path):
    """What such a wheel's __init__ runs, against the pinned PyPI numpy: Python's own ImportError, the same finding."""
    import subprocess

    (tmp_path / "built_for_numpy_mkl.py").write_text("from numpy._distributor_init import NUMPY_MKL  # requires numpy+mkl\n")
    ran = subprocess.run([str(pyenv.python), "-c", "import built_for_numpy_mkl"], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode != 0 and "cannot import name 'NUMPY_MKL'" in ran.stderr, ran.stderr
    assert only_error(ran.stderr).id == "numpy-mkl-build-expected"


def test_julia_opening_libmkl_rt_by_name_loads_mkl_jll_first():
    """Yggdrasil#846: OSQP's Pardiso dlopen of libmkl_rt.dylib in a Julia session (its stacktrace's frames say Julia)."""
    finding = only_error(ENTRIES["r-julia-java-matlab-osqp-mkl-pardiso-dlopen-libmkl_rt-dylib-not-found-without-mkl_jll-yggdrasil-846"]["log"])
    assert finding.id == "macos-library-not-loaded" and finding.fix[0].startswith("in Julia: load MKL_jll first"), flat(finding)


def test_pythons_delay_load_crash_names_conda_forges_blas_switch():
    finding = only_error(ENTRIES["windows-0xc06d007f-conda-forge-libblas-mkl-threading-layer-idaes-pse-1846"]["log"])
    assert finding.id == "windows-delayload-failed" and any('"libblas=*=*openblas"' in line for line in finding.fix), flat(finding)
