"""MKL linked into a binary: `deps` names its threading layer and interface (knowledge/linked.py).

Programs are linked here with oneMKL 2026.2's static archives, one per interface and threading
layer, and run; what deps says is held against nm on the same program (the Fortran entry points
beside their _64 twins, the runtime imports). torch's libtorch_cpu.so (oneMKL 2024.2 inside) is
the case from the wild; where the test venv has no torch (no source of its CPU build), a shared library
linked here as torch links it (the LP64 and gnu_thread archives) stands in for it, and that is said.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import run
from tests.test_elfmap import torch_lib

PROGRAM = r"""
#include <stdio.h>
#include <mkl.h>
int main(void) {
    float a[4] = {1, 2, 3, 4}, c[4] = {0};
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, a, 2, 0.0f, c, 2);
    double m[4] = {2, 1, 1, 3}, b[2] = {1, 2};
    MKL_INT ipiv[2];
    MKL_INT info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, 2, 1, m, 2, ipiv, b, 1);
    printf("%g %d %.3f\n", c[0], (int)info, b[0]);
    return 0;
}
"""
# (interface, threading layer, what the layer needs beside the archives)
CASES = [("lp64", "sequential", []), ("ilp64", "gnu_thread", ["-lgomp"]), ("ilp64", "intel_thread", ["-liomp5"]),
         ("lp64", "tbb_thread", ["-ltbb", "-lstdc++"])]


@pytest.fixture(scope="module")
def programs(mkl, tmp_path_factory) -> dict[tuple[str, str], Path]:
    d = tmp_path_factory.mktemp("linked")
    (d / "p.c").write_text(PROGRAM)
    lib = mkl.pip_lib
    out = {}
    for interface, layer, extra in CASES:
        name = f"p-{interface}-{layer}"
        flags = ["-DMKL_ILP64"] if interface == "ilp64" else []
        run(["gcc", *flags, f"-I{mkl.pip}/include", "p.c", "-o", name, "-Wl,--start-group", str(lib / f"libmkl_intel_{interface}.a"),
             str(lib / f"libmkl_{layer}.a"), str(lib / "libmkl_core.a"), "-Wl,--end-group", f"-L{lib}", *extra,
             "-lpthread", "-lm", "-ldl", f"-Wl,-rpath,{lib}"], cwd=d)
        assert run([str(d / name)]).stdout.split() == ["7", "0", "0.200"]  # 1*1+2*3; the solve of [[2,1],[1,3]]
        out[(interface, layer)] = d / name
    return out


def deps_json(path: Path) -> dict:
    result = CliRunner().invoke(app, ["deps", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def nm_defined(path: Path, dynamic: bool = False) -> dict[str, int]:
    out = subprocess.run(["nm", *(["-D"] if dynamic else []), "--defined-only", str(path)], capture_output=True, text=True).stdout
    return {parts[2]: int(parts[0], 16) for parts in (line.split() for line in out.splitlines()) if len(parts) == 3}


def nm_imports(path: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--undefined-only", str(path)], capture_output=True, text=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def twins(defined: dict[str, int]) -> tuple[int, int]:
    """(entry points at one address with their _64 twin, entry points apart from it), per nm."""
    pairs = [(defined[n[:-2]], a) for n, a in defined.items() if n.endswith("_64") and n[:-2].endswith("_") and n[:-2] in defined]
    return sum(x == y for x, y in pairs), sum(x != y for x, y in pairs)


@pytest.mark.mkl
@pytest.mark.parametrize("interface, layer, extra", CASES)
def test_deps_names_the_linked_interface_and_layer(programs, interface, layer, extra):
    binary = programs[(interface, layer)]
    doc = deps_json(binary)
    assert doc["linkage"] == "static" and doc["static"]["release"] == "2026.2"
    assert doc["static"]["interface"] == interface, doc["static"]["interface_how"]
    assert doc["static"]["threading"] == f"mkl_{layer}", doc["static"]["threading_how"]
    same, apart = twins(nm_defined(binary))  # nm, the independent reader, on the same program
    assert (same > 0 and apart == 0) if interface == "ilp64" else (apart > 0 and same == 0), (same, apart)
    imports = nm_imports(binary)
    prefix = {"gnu_thread": "GOMP_", "intel_thread": "__kmpc_", "tbb_thread": "_ZN3tbb"}.get(layer)
    if prefix:
        assert any(n.startswith(prefix) for n in imports) and f"({prefix}" in doc["static"]["threading_how"]
    else:
        assert not any(n.startswith(("GOMP_", "__kmpc_", "_ZN3tbb")) for n in imports)


WRAPPER = r"""
#include <mkl.h>
float wrapped_dot(int n, const float *x, const float *y) {
    float c[1] = {0};
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, n, 1.0f, x, n, y, 1, 0.0f, c, 1);
    return c[0];
}
"""


def linked_like_torch(mkl, d: Path) -> Path:
    """A shared library with oneMKL 2026.2's LP64 and gnu_thread archives linked in, as torch links 2024.2's."""
    (d / "w.c").write_text(WRAPPER)
    lib = mkl.pip_lib
    run(["gcc", "-shared", "-fPIC", f"-I{mkl.pip}/include", "w.c", "-o", "libwrapped.so", "-Wl,--start-group",
         str(lib / "libmkl_intel_lp64.a"), str(lib / "libmkl_gnu_thread.a"), str(lib / "libmkl_core.a"), "-Wl,--end-group",
         "-lgomp", "-lpthread", "-lm", "-ldl"], cwd=d)
    return d / "libwrapped.so"


def test_libtorch_cpu_has_lp64_gnu_thread_mkl_2024_2(request, tmp_path, say):
    """The case from the wild: torch 2.13's 434 MB libtorch_cpu.so, read from .dynsym only."""
    if torch_lib():
        path, release = torch_lib() / "libtorch_cpu.so", "2024.2"
    else:
        path, release = linked_like_torch(request.getfixturevalue("mkl"), tmp_path), "2026.2"
        say("torch is not in the test venv: libtorch_cpu.so (oneMKL 2024.2 linked in) not read; a shared library "
            "linked here from oneMKL 2026.2's lp64 and gnu_thread archives read in its place")
    doc = deps_json(path)
    static = doc["static"]
    assert doc["linkage"] == "static" and static["release"] == release
    assert static["interface"] == "lp64" and static["threading"] == "mkl_gnu_thread"
    defined = nm_defined(path, dynamic=True)
    assert defined["sgemm_"] != defined["sgemm_64"]  # LP64: two functions
    assert any(n.startswith("GOMP_") for n in nm_imports(path))
    critical = [n for n in defined if n.startswith(".gomp_critical_user_mkl_")]  # gnu_thread's own locks
    assert critical and f"defines {len(critical)} names that only libmkl_gnu_thread exports" in static["threading_how"]
    assert static["mkl_functions"] == sum(1 for n in defined if n.startswith("mkl_"))
    assert [n["file"] for n in doc["needs"]] == ["libgomp.so.1"]  # its DT_NEEDED runtime, from torch/lib
