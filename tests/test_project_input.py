"""A project's own files as hostile input to ``check``: one line and exit status 2, never a traceback."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app

SHAPES = {
    "binary bytes": b'[package]\nname = "x\xff\xfe"\x00\x01\n',
    "nested arrays": b'[package]\nname = "n"\nversion = "0.1.0"\n[package.metadata]\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n",
    "nested tables": b'[package]\nname = "n"\nversion = "0.1.0"\n[package.metadata]\nx = ' + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n",
    "not TOML": b"[package\nname = \n",
}


@pytest.mark.parametrize("name", ["Cargo.toml", "mkldoctor.toml", "pyproject.toml"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_unreadable_toml_is_one_line(tmp_path, name, shape):
    (tmp_path / name).write_bytes(SHAPES[shape])
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"mkldoctor: {tmp_path / name}: cannot be read as TOML")


def test_a_fifo_for_a_manifest_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "Cargo.toml")  # nothing writes to it: a read would never end
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"mkldoctor: {tmp_path / 'Cargo.toml'}: not a regular file (a FIFO)\n"
