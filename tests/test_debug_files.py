"""Separate debug files (objcopy --only-keep-debug, libiomp5.dbg) keep section headers without their bytes:
NOBITS .gnu.hash and .dynsym. nm -D says "no symbols" and moves on; so does mkldoctor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import mine, nm_symbols, run
from mkldoctor.cli import app

runner = CliRunner()


def test_a_debug_file_built_here_reads_as_nm_reads_it(tmp_path):
    (tmp_path / "d.c").write_text("int exported(int x) { return x + 1; }\n")
    run(["gcc", "-g", "-fPIC", "-shared", "d.c", "-o", "libd.so"], cwd=tmp_path)
    run(["objcopy", "--only-keep-debug", "libd.so", "libd.dbg"], cwd=tmp_path)
    sections = run(["readelf", "-SW", str(tmp_path / "libd.dbg")]).stdout
    assert any(".gnu.hash" in l and "NOBITS" in l for l in sections.splitlines())
    nm = subprocess.run(["nm", "-D", str(tmp_path / "libd.dbg")], capture_output=True, text=True)
    assert "no symbols" in nm.stderr
    result = runner.invoke(app, ["symbols", "--find", "exported", str(tmp_path)])
    assert result.exit_code == 0, result.output  # found in libd.so; the .dbg beside it is no error
    assert "corrupt" not in result.output and "libd.so" in result.stdout
    alone = runner.invoke(app, ["symbols", "--find", "exported", str(tmp_path / "libd.dbg")])
    assert alone.exit_code == 1 and "corrupt" not in alone.output  # not defined there, as nm -D says
    assert mine(tmp_path / "libd.dbg") == nm_symbols(tmp_path / "libd.dbg")  # its .symtab, as nm lists it


def test_the_readme_example_on_the_pip_prefix_exits_0(mkl, tmp_path):
    """The README's example on the wheels' folder, debug file and all: the real program exits 0, and the
    shared libraries it names for hgemm_ are those nm -D says define it; each archive member it names does."""
    assert (mkl.pip_lib / "libiomp5.dbg").exists()
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "symbols", "--format", "json", "--find", "hgemm_",
                           str(mkl.pip_lib)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "corrupt" not in done.stdout + done.stderr
    (found,) = json.loads(done.stdout)["symbols"]
    hits = {(Path(d["path"]).name, d.get("member")) for d in found["definitions"]}
    shared = {p.name for p in mkl.pip_lib.glob("*.so*") if not p.is_symlink() and p.suffix != ".dbg"
              and ("", "hgemm_", True) in nm_symbols(p, "-D", "--defined-only")}
    assert shared == {name for name, member in hits if member is None}
    assert shared >= {"libmkl_rt.so.3", "libmkl_intel_lp64.so.3"}  # the single dynamic library and the LP64 layer
    assert any(member for _, member in hits)  # the static archives are searched too
    for name, member in sorted(hits - {(n, None) for n in shared}):  # archive members: nm reads the member itself
        extracted = tmp_path / f"{name}-{member}"
        extracted.write_bytes(subprocess.run(["ar", "p", str(mkl.pip_lib / name), member], capture_output=True,
                                             check=True).stdout)
        assert ("", "hgemm_", True) in nm_symbols(extracted, "--defined-only"), (name, member)
