"""``mkldoctor python`` on a conda-style prefix: ``conda-meta/<pkg>.json`` records and ``lib/`` holding the real
libraries of the mkl, intel-openmp and mkl-service packages (their wheels' files, laid out as conda lays them out:
mkl-service's extension modules find ``lib/libmkl_rt.so.3`` through their own run path), and numpy installed by pip
inside it (a dist-info, no conda record). conda itself is not run: the prefix is read."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app

SITE = "lib/python3.11/site-packages"


def link(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        dest.write_bytes(src.read_bytes())


def record(prefix: Path, name: str, version: str, files: list[str], depends: list[str]) -> None:
    meta = prefix / "conda-meta"
    meta.mkdir(exist_ok=True)
    (meta / f"{name}-{version}-h0_0.json").write_text(json.dumps(
        {"name": name, "version": version, "build": "h0_0", "channel": "local", "files": files, "depends": depends}))


def conda_prefix(pyenv, where: Path, service: bool) -> Path:
    prefix = where / "env"
    mkl_files = sorted(p.name for p in (pyenv.root / "lib").iterdir() if p.name.startswith("libmkl_"))
    for name in [*mkl_files, "libiomp5.so"]:
        link(pyenv.root / "lib" / name, prefix / "lib" / name)
    record(prefix, "mkl", "2026.2.0", [f"lib/{n}" for n in mkl_files], ["intel-openmp >=2025,<2027", "tbb 2023.*"])
    record(prefix, "intel-openmp", "2026.2.0", ["lib/libiomp5.so"], [])
    if service:
        wheel = next(pyenv.wheels.glob("mkl_service-2.8.0-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            names = [n for n in archive.namelist() if n.startswith("mkl/")]
            archive.extractall(prefix / SITE, names)
        record(prefix, "mkl-service", "2.8.0", [f"{SITE}/{n}" for n in names], ["mkl >=2026.1.0,<2027.0a0", "python >=3.11"])
    for top in ("numpy", "numpy.libs", "numpy-2.4.6.dist-info"):  # pip install numpy inside the conda environment
        for path in (pyenv.site / top).rglob("*"):
            if path.is_file():
                link(path, prefix / SITE / path.relative_to(pyenv.site))
    return prefix


def invoke(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["python", *args, "--format", "json"], env={"VIRTUAL_ENV": "", "CONDA_PREFIX": ""})
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def with_service(pyenv, tmp_path_factory) -> Path:
    return conda_prefix(pyenv, tmp_path_factory.mktemp("conda"), service=True)


def test_a_conda_prefix_is_read_from_its_records(with_service):
    prefix = with_service
    code, doc = invoke(str(prefix))
    env = doc["environment"]
    assert (env["kind"], env["version"], env["lib_dirs"]) == ("conda", "3.11", [str(prefix / "lib")])
    packages = {p["name"]: p for p in doc["packages"]}
    assert set(packages) == {"mkl", "intel-openmp", "mkl-service", "numpy"}
    assert packages["mkl"]["record"].endswith("conda-meta/mkl-2026.2.0-h0_0.json")
    assert packages["numpy"]["record"].endswith("numpy-2.4.6.dist-info")
    # mkl-service's module reaches lib/libmkl_rt.so.3 by its own run path, as readelf shows it
    module = next((prefix / SITE / "mkl").glob("_mklinit.*.so"))
    rpath = re.search(r"\((?:RPATH|RUNPATH)\).*\[(.+)\]", subprocess.run(["readelf", "-d", str(module)], capture_output=True,
                                                                       text=True).stdout).group(1)
    assert "$ORIGIN/../../.." in rpath.split(":")
    rt = str(prefix / "lib/libmkl_rt.so.3")
    assert rt in packages["mkl-service"]["loads"]
    assert doc["libraries"][rt]["owner"] == "mkl" and doc["libraries"][rt]["version"] == "2026.2.0"
    iomp = str(prefix / "lib/libiomp5.so")
    assert packages["mkl-service"]["opens"] == [iomp] and doc["libraries"][iomp]["owner"] == "intel-openmp"
    [(path, openblas)] = [(p, doc["libraries"][p]) for p in packages["numpy"]["loads"] if doc["libraries"][p]["kind"] == "openblas"]
    assert openblas["integers"] == "ilp64" and path.startswith(str(prefix / SITE / "numpy.libs"))
    assert "python-mkl-unused" not in {f["id"] for f in doc["findings"]}


def test_an_unused_conda_mkl_is_removed_with_conda(pyenv, tmp_path):
    prefix = conda_prefix(pyenv, tmp_path, service=False)
    code, doc = invoke(str(prefix))
    unused = next(f for f in doc["findings"] if f["id"] == "python-mkl-unused")
    assert unused["fix"][0].startswith(f"conda remove -p {prefix} mkl intel-openmp   #")
