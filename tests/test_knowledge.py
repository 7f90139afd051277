"""The generated symbol history against facts and against the real libraries."""

from __future__ import annotations

from mkldoctor.knowledge import exports, history
from mkldoctor.discover import discover


def test_known_facts():
    """The header history (symbols.json, read from every mkl-include release) against the export table (exports.zip,
    read from every mkl wheel's libraries and Debian's 2020.4): a symbol first declared in a release the wheels cover
    is first exported by that same release; one declared earlier is exported by the table's oldest. Versions are
    compared as versions (2021.10 comes after 2021.4), never as text."""
    key = history.version_key
    oldest = exports.releases()[0].mkl
    for symbol in ("hgemm_", "cblas_hgemm", "cblas_gemm_f16f16f32", "sgemm_", "vsErf", "cblas_sgemm"):
        declared = history.first_version(symbol)
        exported = exports.release(exports.history(symbol).overall.releases[0]).mkl
        if key(declared) > key(oldest):
            assert key(declared) == key(exported), (symbol, declared, exported)
        else:
            assert key(exported) == key(oldest), (symbol, declared, exported)
    # the seed's story: half precision came after Debian's 2020.4, which the export table read and which lacks it
    assert key("2020.4") < key(history.first_version("hgemm_")) <= key(history.first_version("cblas_gemm_f16f16f32"))
    assert not exports.exported_in("hgemm_", next(r.name for r in exports.releases() if r.mkl == "2020.4"))
    assert key("2021.10") > key("2021.4")  # which a comparison of the text gets wrong
    assert {"hgemm_", "vsErf"} <= set(history.candle_symbols())
    versions = {key(r["version"]) for r in history.table()["releases"]}
    assert key("2021.1") in versions  # 2021.1.1 writes INTEL_MKL_VERSION with 6 digits: read from __INTEL_MKL__
    assert {key(r.mkl) for r in exports.releases()} <= versions  # every release whose libraries were read has headers


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


def test_blacs_layers_are_the_tables():
    """The BLACS layers the fixes name (knowledge/blacs.py) are the ones MKL ships, in both interfaces, in the table of every
    release's libraries; a library's name tells its layer and the MPI it serves, and an MPI's name its layer."""
    from mkldoctor.knowledge import blacs

    shipped = {name for name in exports.libraries() if name.startswith("libmkl_blacs_")}
    assert shipped == {f"libmkl_blacs_{layer}_{width}" for layer in blacs.LAYERS for width in ("lp64", "ilp64")}
    assert all(f"libmkl_blacs_{blacs.layer_for(mpi)}_lp64" in shipped for mpi in ("Open MPI", "MPICH", "Intel MPI", "SGI MPT"))
    assert blacs.layer_for("Open MPI") == "openmpi" and blacs.layer_for("MPICH") == "intelmpi"
    assert blacs.serves("/opt/intel/oneapi/mkl/latest/lib/libmkl_blacs_openmpi_ilp64.so.2") == "Open MPI"
    assert blacs.mpi_named("//usr/lib/libblacsCinit-openmpi.so.1") == "Open MPI"
    assert blacs.mpi_named("/opt/intel/compilers_and_libraries/linux/mpi/intel64/lib") is None  # 'compilers' holds no MPI
    assert blacs.mpi_named("/opt/intel/impi/2019/lib/libmpi.so.12") == "Intel MPI"
