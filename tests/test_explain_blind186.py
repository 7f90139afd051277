"""Blind set 186's misses (tests/data/explain_corpus/blind186.json, scored with the other sets in test_explain_blind173):
R's sessionInfo() naming libmkl_rt, whose default threading layer is Intel's OpenMP beside R's GCC one (mkl4deb#13), and
a Python package's setup.py that finds no BLAS in a pip environment (fdasrsf_python#41), produced here with pip."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat

SESSION = ("R version 4.3.2 (2023-10-31)\nPlatform: x86_64-pc-linux-gnu (64-bit)\nRunning under: Ubuntu 22.04.3 LTS\n\n"
           "Matrix products: default\n{lines}\nlocale:\n [1] LC_CTYPE=en_US.UTF-8\n")


def test_r_on_libmkl_rt_with_its_default_threading_layer():
    """mkl4deb#13: sessionInfo() alone, BLAS/LAPACK /opt/intel's libmkl_rt.so, wrong results on large data; the cause was
    libmkl_rt's Intel OpenMP beside GCC's (#16: MKL_THREADING_LAYER=GNU fixed it). It was 'no problem found'."""
    said = [f for f in blindset.findings(blindset.log_of(blindset.entries(186), "mkl4deb")) if f.id == "r-mkl-rt-threading"]
    assert said and said[0].severity == "warning", [(f.id, f.title) for f in said]
    assert "libmkl_rt.so" in said[0].evidence[0] and "MKL_THREADING_LAYER=GNU" in said[0].fix[0], flat(said[0])
    assert "~/.Renviron" in said[0].fix[0], said[0].fix
    # blind set 62's R-help thread of draws that differ in their last digits (MKL's threads): the same warning, with CNR
    [draws] = [f for f in blindset.findings(blindset.log_of(blindset.entries(62), "mvrnorm")) if f.id == "r-mkl-rt-threading"]
    assert any("MKL_CBWR=AUTO,STRICT" in line for line in draws.fix), draws.fix
    # R 4's two lines, Debian's libmkl_rt.so through the system alternative's own path: the same warning
    debian = SESSION.format(lines="BLAS:   /usr/lib/x86_64-linux-gnu/libmkl_rt.so\nLAPACK: /usr/lib/x86_64-linux-gnu/libmkl_rt.so\n")
    assert [f.id for f in blindset.findings(debian)].count("r-mkl-rt-threading") == 1
    # MKL's layers linked by name (no libmkl_rt: the threading layer was chosen at link time), or OpenBLAS: no such warning
    for path in ("/opt/mkl/lib/libmkl_gf_lp64.so", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"):
        other = SESSION.format(lines=f"BLAS/LAPACK: {path}\n")
        assert "r-mkl-rt-threading" not in [f.id for f in blindset.findings(other)], path
