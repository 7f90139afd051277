"""The symbol engine on real Intel MKL: oneMKL 2026.2 (PyPI) and Debian's 2020.4."""

from __future__ import annotations

import json
import subprocess

import pytest
from typer.testing import CliRunner

from conftest import mine, nm_symbols
from mkldoctor.cli import app

runner = CliRunner()


def find(*args):
    result = runner.invoke(app, ["symbols", "--format", "json", *map(str, args)])
    return result.exit_code, json.loads(result.stdout)


def test_libmkl_rt_2026_matches_nm(mkl):
    path = mkl.pip_lib / "libmkl_rt.so.3"
    ours = mine(path)
    assert ours == nm_symbols(path, "-D")
    assert len({n for _, n, d in ours if d}) > 60000
    assert ("", "hgemm_", True) in ours and ("", "cblas_gemm_f16f16f32", True) in ours


def test_debian_2020_libmkl_rt_matches_nm_and_lacks_hgemm(mkl):
    path = mkl.debian_lib(mkl.debian_shared) / "libmkl_rt.so"
    ours = mine(path)
    assert ours == nm_symbols(path, "-D")
    names = {n for _, n, d in ours if d}
    assert "sgemm_" in names and "cblas_sgemm" in names
    assert "hgemm_" not in names and "cblas_hgemm" not in names


@pytest.mark.parametrize("which", ["pip", "debian"])
def test_interface_archive_matches_nm(mkl, which):
    lib = mkl.pip_lib if which == "pip" else mkl.debian_lib(mkl.debian_static)
    path = lib / "libmkl_intel_lp64.a"
    assert mine(path) == nm_symbols(path)


def test_find_hgemm_2026_uses_the_archive_index_and_the_hash_table(mkl):
    code, document = find("--find", "hgemm_", mkl.pip_lib / "libmkl_intel_lp64.a", mkl.pip_lib / "libmkl_rt.so.3")
    assert code == 0
    hits = document["symbols"][0]["definitions"]
    assert [(h["member"], h["via"]) for h in hits] == [("_hgemm_lp64.o", "archive-index"), (None, "gnu-hash")]
    # the index's answer is binutils' answer
    nm = subprocess.run(["nm", "-A", "--defined-only", str(mkl.pip_lib / "libmkl_intel_lp64.a")], capture_output=True, text=True).stdout
    assert {line.split(":")[1] for line in nm.splitlines() if line.endswith(" hgemm_")} == {"_hgemm_lp64.o"}


def test_find_hgemm_in_libmkl_core_archive_is_not_there(mkl):
    # hgemm_ lives in the interface layer, not in libmkl_core.a (570 MB): answered from the index
    code, document = find("--find", "hgemm_", "--find", "mkl_blas_xhgemm", mkl.pip_lib / "libmkl_core.a")
    assert code == 1
    found = {s["name"]: s["found"] for s in document["symbols"]}
    assert found == {"hgemm_": False, "mkl_blas_xhgemm": True}


def test_find_hgemm_in_debian_2020_folder_exits_1(mkl):
    code, document = find("--find", "hgemm_", "--find", "sgemm_", mkl.debian_lib(mkl.debian_static))
    assert code == 1
    found = {s["name"]: s["found"] for s in document["symbols"]}
    assert found == {"hgemm_": False, "sgemm_": True}
    assert len(document["searched"]) > 30


def test_ilp64_interface_defines_the_64_suffix_names(mkl):
    path = mkl.pip_lib / "libmkl_intel_ilp64.so.3"
    names = ["sgemm_64", "cblas_sgemm_64", "sgemm_", "cblas_sgemm_64_not_a_name"]
    code, document = find(*[a for n in names for a in ("--find", n)], path)
    exported = {n for _, n, d in nm_symbols(path, "-D") if d}  # the reference: nm -D, defined names
    assert {"sgemm_64", "cblas_sgemm_64"} <= exported and "cblas_sgemm_64_not_a_name" not in exported
    assert code == 1  # one name is defined nowhere
    assert document["searched"] == [str(path)]
    by_name = {s["name"]: s for s in document["symbols"]}
    assert list(by_name) == names
    for name in names:
        assert by_name[name]["found"] is (name in exported), name
        assert [d["path"] for d in by_name[name]["definitions"]] == ([str(path)] if name in exported else []), name