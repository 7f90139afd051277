"""MKL 2020.4's TBB layer with oneTBB: link refuses, explain names the cause; both agree with nm and the real ld."""

from __future__ import annotations

import json
import subprocess

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from test_list import link_tree

runner = CliRunner()


@pytest.fixture()
def bookworm(mkl, tmp_path):
    """Debian's 2020.4 static archives beside a oneTBB libtbb.so.12 (pip's tbb 2023.2 standing in for bookworm's
    libtbb-dev, oneTBB 2021.8: the same libtbb.so.12 interface)."""
    lib = tmp_path / "sys/usr/lib/x86_64-linux-gnu"
    debian = mkl.debian_lib(mkl.debian_static)
    link_tree([debian / f"libmkl_{n}.a" for n in ("core", "intel_lp64", "tbb_thread", "sequential")], lib)
    tbb = sorted(mkl.pip_lib.glob("libtbb.so.12.*"))[0]
    link_tree([tbb], lib)
    (lib / "libtbb.so.12").symlink_to(tbb.name)
    (lib / "libtbb.so").symlink_to("libtbb.so.12")
    (tmp_path / "sys/usr/include").mkdir(parents=True)
    (tmp_path / "sys/usr/include/mkl").symlink_to(mkl.debian_static / "usr/include/mkl")
    return tmp_path / "sys", lib


def nm_names(*args: str) -> set[str]:
    out = subprocess.run(["nm", *args], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip() and not line.endswith(":")}


def test_link_refuses_the_2020_tbb_layer_with_onetbb_and_the_real_ld_agrees(bookworm, tmp_path):
    root, lib = bookworm
    needed = {n for n in nm_names("-u", str(lib / "libmkl_tbb_thread.a")) if n.startswith("_ZN3tbb")}
    exported = nm_names("-D", "--defined-only", str(lib / "libtbb.so"))
    gap = needed - exported
    assert gap  # what nm says the layer needs and oneTBB lacks
    result = runner.invoke(app, ["link", "--threading", "tbb", "--link", "static", "--install", str(root)])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"lacks {len(gap)} tbb:: symbols" in result.stderr and "classic interface" in result.stderr
    # the line it used to print, linked for real
    (tmp_path / "t.c").write_text("#include <mkl.h>\nint main(void){float a=1,b=1,c=0;"
                                  "cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,1,1,1,1,&a,1,&b,1,0,&c,1);return c!=1;}\n")
    command = ["gcc", "t.c", "-o", "t", f"-I{root}/usr/include/mkl", "-Wl,--start-group", str(lib / "libmkl_intel_lp64.a"),
               str(lib / "libmkl_tbb_thread.a"), str(lib / "libmkl_core.a"), "-Wl,--end-group", f"-L{lib}", "-ltbb",
               "-lstdc++", "-lpthread", "-lm", "-ldl"]
    linked = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert linked.returncode != 0 and "undefined reference to `tbb::task_group_context::init()'" in linked.stderr
    log = tmp_path / "tbb.log"
    log.write_text(" ".join(command) + "\n" + linked.stderr)
    explained = runner.invoke(app, ["explain", "--format", "json", str(log)])
    document = json.loads(explained.stdout)
    ids = [f["id"] for f in document["findings"]]
    assert ids == ["tbb-abi-mismatch"], ids
    (finding,) = document["findings"]
    distinct = {line.split("`", 1)[1].rsplit("'", 1)[0] for line in linked.stderr.splitlines() if "undefined reference to `tbb::" in line}
    assert finding["evidence"][0].startswith(f"{len(distinct)} tbb:: symbols undefined")
    assert any("--threading sequential" in fix for fix in finding["fix"])
    assert any("libtbb.so.12" in e for e in finding["evidence"])
