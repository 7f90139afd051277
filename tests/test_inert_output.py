"""Terminal injection: names, paths, symbols and log lines that carry escape codes are printed inert.

A real folder named ``mkl/<ESC>]0;PWNED<BEL><ESC>[2J2099.1`` holds the real oneMKL 2026.2 libraries
(linked in) and a gcc-built program and library whose symbol name carries an escape code; every command
that names them (list, check, symbols, deps, explain) in every format must write no ESC, BEL or C1
byte, and the name must still be there, spelled out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.inert import inert
from tests.conftest import run
from tests.test_deps import PROBE_C

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J2099.1"
SPELLED = "\\x1b]0;PWNED\\x07\\x1b[2J2099.1"
RAW = (b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode())  # ESC, BEL, CSI (C1, in UTF-8), RLO


@pytest.fixture(scope="module")
def hostile(mkl, tmp_path_factory) -> Path:
    """``mkl/HOSTILE/``: links to oneMKL's libmkl_rt and libmkl_core, a program linked with them
    (DT_RUNPATH $ORIGIN), and libevil.so whose exported ``tiny_new`` is renamed ``t<ESC>[2Jnew``."""
    top = tmp_path_factory.mktemp("inert")
    folder = top / "mkl" / HOSTILE
    folder.mkdir(parents=True)
    for name in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3", "libmkl_sequential.so.3"):
        (folder / name).symlink_to(mkl.pip_lib / name)
    (top / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", str(folder / "app"), f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3",
         "-Wl,--enable-new-dtags,-rpath,$ORIGIN"], cwd=top)
    (top / "evil.c").write_text("int tiny_new(int x) { return x + 1; }\n")
    run(["gcc", "-shared", "-fPIC", "evil.c", "-o", "libevil.so"], cwd=top)
    data = (top / "libevil.so").read_bytes()
    assert data.count(b"\x00tiny_new\x00") == 2  # .dynstr and .symtab's .strtab
    (folder / "libevil.so").write_bytes(data.replace(b"\x00tiny_new\x00", b"\x00t\x1b[2Jnew\x00"))  # same length
    return folder


def assert_inert(result, *expected: str) -> None:
    out = result.stdout_bytes + result.stderr_bytes
    assert "Traceback" not in result.output
    for raw in RAW:
        assert raw not in out, (raw, out[:2000])
    for text in expected:
        assert text in out.decode(), (text, out.decode()[:3000])


def invoke(*args, env=None):
    # wide: a table wraps a long title, which would cut the name in two
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "400", **(env or {})})


@pytest.mark.parametrize("fmt", ["text", "table", "json"])
def test_list(hostile, fmt):
    result = invoke("list", "--search", hostile, "--format", fmt)
    assert result.exit_code == 0, result.output
    # JSON spells the escape itself (\u001b), and reads back as the real name
    assert_inert(result, "\\u001b]0;PWNED\\u0007" if fmt == "json" else SPELLED)
    if fmt == "json":
        assert [str(hostile)] == json.loads(result.stdout)["installs"][0]["lib_dirs"]


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_check(hostile, tmp_path, fmt):
    (tmp_path / "main.c").write_text('#include "mkl.h"\nvoid f(void) { mkl_nonexistent_call_(); }\n')
    (tmp_path / "Makefile").write_text("all:\n\tcc main.c -lmkl_rt\n")
    result = invoke("check", tmp_path, "--search", hostile, "--require-symbol", "hgemm_", "--strict", "--format", fmt,
                    env={"MKLROOT": str(hostile)})
    assert result.exit_code == 1, result.output
    assert_inert(result, "\\u001b]0;PWNED" if fmt == "json" else SPELLED)
    if fmt == "junit":
        ElementTree.fromstring(result.stdout)  # still well-formed XML 1.0


@pytest.mark.parametrize("fmt", ["text", "table", "json"])
def test_symbols_listing_and_find(hostile, fmt):
    listing = invoke("symbols", hostile / "libevil.so", "--format", fmt)
    assert listing.exit_code == 0, listing.output
    name = "t\\u001b[2Jnew" if fmt == "json" else "t\\x1b[2Jnew"
    # (a table's title wraps at the table's width: the path is checked in the other formats)
    assert_inert(listing, name, *{"json": ["\\u001b]0;PWNED"], "text": [SPELLED]}.get(fmt, []))
    # the renamed symbol no longer matches its .gnu.hash entry: not found, and said inert
    found = invoke("symbols", "--find", "t\x1b[2Jnew", "--find", "cblas_sgemm", hostile, "--format", fmt)
    assert found.exit_code == 1, found.output
    assert_inert(found, name, "\\u001b]0;PWNED" if fmt == "json" else SPELLED)


def test_symbols_unreadable_file_line(hostile, tmp_path):
    bad = hostile.parent / (HOSTILE + ".so")
    bad.write_bytes(b"\x7fELF" + b"\x00" * 10)
    result = invoke("symbols", bad)
    assert result.exit_code == 3
    assert_inert(result, SPELLED + ".so")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("fmt", ["table", "copy", "json"])
def test_deps(hostile, mkl, fmt):
    result = invoke("deps", hostile / "app", "--format", fmt, "--search", mkl.pip_lib)
    assert result.exit_code in (0, 1), result.output
    assert_inert(result, "\\u001b]0;PWNED" if fmt == "json" else SPELLED)


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github"])
def test_explain_log_lines(hostile, tmp_path, fmt):
    log = hostile / "build.log"
    # C1 CSI (U+009B) and a right-to-left override survive the log reader's own control-byte filter
    log.write_text("/usr/bin/ld: cannot find -lmkl_\u009b2J\u202ecore: No such file or directory\n"
                   f"/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x1a): undefined reference to `hgemm\u009b_'\n"
                   f"error: something \x1b]0;PWNED\x07 failed in {hostile}\n")
    result = invoke("explain", log, "--no-scan", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert_inert(result, "\\u009b" if fmt == "json" else "\\x9b")
    if fmt == "junit":
        ElementTree.fromstring(result.stdout)


def test_error_line_names_the_path_inert(hostile):
    missing = hostile / "nope.log\x1b[31m"
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "list", "--root", str(missing)], capture_output=True,
                          env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent)))
    assert done.returncode == 2
    assert not any(raw in done.stderr + done.stdout for raw in RAW)
    assert done.stderr.count(b"\n") == 1 and SPELLED.encode() in done.stderr


def test_inert_spells_what_a_terminal_acts_on():
    assert inert("libmkl_rt.so.3") == "libmkl_rt.so.3"
    assert inert("a\tb") == "a\tb"  # a tab moves the cursor and changes nothing else
    assert inert("a\nb\rc") == "a\\x0ab\\x0dc"
    assert inert("\u202elibmkl\u2066") == "\\u202elibmkl\\u2066"
    assert inert("\x9b2J") == "\\x9b2J"
    assert inert(os.fsdecode(b"lib\xffmkl")) == "lib\\xffmkl"  # a name that is not UTF-8: the byte
    assert inert("mkl-2026.2 é 中") == "mkl-2026.2 é 中"
