"""The generated symbol history against facts and against the real libraries."""

from __future__ import annotations

from mkldoctor.knowledge import history
from mkldoctor.discover import discover


def test_known_facts():
    assert history.first_version("hgemm_") == "2021.4"
    assert history.first_version("cblas_hgemm") == "2021.4"
    assert history.first_version("cblas_gemm_f16f16f32") == "2024.0"
    assert history.first_version("sgemm_") <= "2018.0"
    assert "hgemm_" in history.candle_symbols() and "vsErf" in history.candle_symbols()
    versions = [r["version"] for r in history.table()["releases"]]
    assert "2021.1" in versions  # 2021.1.1 writes INTEL_MKL_VERSION with 6 digits: read from __INTEL_MKL__
    assert "2020.4" in versions


def test_table_agrees_with_the_libraries(mkl):
    """Every tracked symbol the table dates at or before a fixture's version is exported by it; none later."""
    tracked = tuple(s for s in history.table()["symbols"] if not s.startswith("mkl_"))
    for search, version in ((mkl.pip, "2026.2"), (mkl.debian_static / "usr", "2020.4")):
        (install,) = [i for i in discover("/", search=[str(search)], env={"HOME": "/nonexistent"}, symbols=tracked).installs
                      if i.version == version]
        for symbol in tracked:
            first = history.first_version(symbol)
            expected = first is not None and history.version_key(first) <= history.version_key(version)
            assert bool(install.defines[symbol]) == expected, (version, symbol, first)
