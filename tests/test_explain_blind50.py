"""The class of the fiftieth blind set (tests/data/explain_corpus/blind50.json): MKL's own core that is no library the
loader takes (hegza/black-scholes-py's notes: a conda environment's libmkl_core.so with an invalid ELF header, mended by
reinstalling MKL), produced with the pinned libmkl_rt beside a git-lfs pointer and a cut file in place of libmkl_core: one
finding, the file's, with MKL's 'Cannot load' as its consequence."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_explain_families import errors_of, flat

BLIND50 = {e["id"]: e["log"] for e in json.loads(
    (Path(__file__).parent / "data/explain_corpus/blind50.json").read_text())["entries"]}
POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 73400320\n" + b" " * 200


def _mkl_call(folder: Path, **env: str) -> str:
    """The output of a process that loads ``folder``'s libmkl_rt with ctypes and makes MKL's first call."""
    rt = sorted(folder.glob("libmkl_rt.so.*"))[0]
    done = subprocess.run([sys.executable, "-c", f"import ctypes; ctypes.CDLL({str(rt)!r}).MKL_Get_Max_Threads()"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", **env})
    return done.stdout


def _mkl_copied(mkl, folder: Path) -> Path:
    """MKL's shared libraries copied alone into ``folder`` (no OpenMP or TBB runtime beside them)."""
    for lib in mkl.pip_lib.glob("libmkl_*.so.*"):
        shutil.copy(lib, folder / lib.name)
    return folder


@pytest.mark.mkl
@pytest.mark.parametrize("core, said", [(POINTER, "invalid ELF header"), (b"\x7fELF", "file too short")])
def test_mkls_core_that_is_no_library(tmp_path, mkl, core, said):
    rt = sorted(mkl.pip_lib.glob("libmkl_rt.so.*"))[0]
    shutil.copy(rt, tmp_path / rt.name)
    soname = "libmkl_core.so." + rt.name.rsplit(".", 1)[1]
    (tmp_path / soname).write_bytes(core)
    out = _mkl_call(tmp_path)
    assert said in out and f"Cannot load {soname}" in out, out
    [finding] = errors_of(out)
    assert finding.id == "library-wrong-platform" and soname in finding.title, flat(finding)
    assert f"then MKL says it cannot load {soname}" in flat(finding) and any("reinstall" in line for line in finding.fix)


def test_the_public_note():
    [finding] = errors_of(BLIND50["python-runtime-invalid-elf-libmkl_core-conda-hegza-black-scholes-py"])
    assert finding.id == "library-wrong-platform" and any("conda install --force-reinstall mkl" in line for line in finding.fix)


@pytest.mark.mkl
def test_mkls_tbb_layer_without_tbbs_runtime(tmp_path, mkl):
    """MKL_THREADING_LAYER=TBB with libmkl_rt and its layers but no libtbb.so.12 (a user try: MKL's libraries copied
    without the tbb package): TBB's runtime missing, not MKL's own libraries."""
    out = _mkl_call(_mkl_copied(mkl, tmp_path), MKL_THREADING_LAYER="TBB")
    assert "libtbb.so.12" in out and "Cannot load libmkl_tbb_thread" in out, out
    [finding] = errors_of(out)
    assert finding.id == "tbb-runtime-missing" and "libtbb.so.12" in finding.title, flat(finding)
    assert any("pip install tbb" in line for line in finding.fix) and any("SEQUENTIAL" in line for line in finding.fix)


@pytest.mark.mkl
def test_intels_layer_without_libiomp5_keeps_debians_libomp(tmp_path, mkl):
    """MKL's Intel threading layer (a .so.N) without libiomp5 (a user try: MKL's libraries copied alone): Debian's
    libomp-dev gives the libiomp5.so that layer loads by that name, so it stays offered; only Debian's libmkl-* packages,
    which cannot give a .so.N, are set aside."""
    out = _mkl_call(_mkl_copied(mkl, tmp_path), MKL_THREADING_LAYER="INTEL")
    assert "omp_get_num_procs" in out, out
    [finding] = errors_of(out)
    assert finding.id == "openmp-runtime-missing", flat(finding)
    lines = [line for recipe in finding.recipes for line in recipe.lines]
    assert any("libomp-dev" in line for line in lines) and not any("not offered" in e and "libomp" in e for e in finding.evidence)
