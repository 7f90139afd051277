"""Small things list got wrong (issue 12, item 9), each against an independent reference."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from typer.testing import CliRunner

from conftest import ROOT, run
from mkldoctor.cli import app
from test_list import link_tree

runner = CliRunner()


def on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """The bytes mkldoctor writes on stdout when that is a terminal (a real pseudo-terminal; stderr, where the
    progress spinner moves the cursor, goes to a pipe)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "mkldoctor", *args], stdout=follower, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT), **env, "COLUMNS": "200"})  # a width of the caller's
    # own (COLUMNS=80, which pytest-xdist's workers have) would make the listing its narrow form
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    process.wait(timeout=120)
    os.close(leader)
    return out


def test_no_color_on_a_terminal_writes_no_escape_codes_at_all(mkl):
    args = ["list", "--root", str(mkl.debian_shared)]
    plain = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in on_a_terminal(args, {**plain, "TERM": "xterm-256color"})  # styled without NO_COLOR
    out = on_a_terminal(args, {"NO_COLOR": "1", "TERM": "xterm-256color"})
    assert b"MKL 2020.4" in out and b"\x1b[" not in out


def test_debian_copy_counts_every_pc_file_it_ships(mkl):
    folder = mkl.debian_lib(mkl.debian_shared) / "pkgconfig"
    shipped = [n for n in os.listdir(folder) if n.startswith("mkl-") and n.endswith(".pc")]
    result = runner.invoke(app, ["list", "--root", str(mkl.debian_shared), "--format", "text"])
    assert len(shipped) == 10 and f"pkg-config: {len(shipped)} mkl-*.pc file(s)" in result.stdout


def test_search_in_a_folder_that_does_not_exist_is_an_error(tmp_path):
    result = runner.invoke(app, ["list", "--search", str(tmp_path / "nonexistent")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"mkldoctor: --search {tmp_path / 'nonexistent'}: no such folder"


def test_libiomp5_that_is_llvms_libomp_is_not_called_intels(mkl, tmp_path):
    """Debian's libomp-dev: libiomp5.so -> libomp.so.5 (LLVM). Built here with gcc under LLVM's soname."""
    lib = tmp_path / "lib"
    link_tree([mkl.debian_lib(mkl.debian_shared) / n for n in ("libmkl_core.so", "libmkl_intel_lp64.so", "libmkl_rt.so")], lib)
    (tmp_path / "omp.c").write_text("int omp_get_max_threads(void) { return 1; }\n")
    run(["gcc", "-shared", "-fPIC", "omp.c", "-o", str(lib / "libomp.so.5"), "-Wl,-soname,libomp.so.5"], cwd=tmp_path)
    (lib / "libiomp5.so").symlink_to("libomp.so.5")
    soname = run(["readelf", "-d", str(lib / "libiomp5.so")]).stdout
    assert "libomp.so.5" in soname
    result = runner.invoke(app, ["list", "--search", str(lib), "--format", "text"], env={"HOME": str(tmp_path)})
    line = next(l for l in result.stdout.splitlines() if "OpenMP runtime" in l and str(lib) in l)
    assert "LLVM's OpenMP runtime libomp.so.5" in line
