"""The symbol engine against nm on small files built by gcc, ar and cargo in this run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import mine, nm_symbols, run
from mkldoctor.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def _basename_members(found):
    return {(Path(m).name if m else m, n, d) for m, n, d in found}


def test_object_matches_nm(tiny):
    assert mine(tiny.obj) == nm_symbols(tiny.obj)
    names = {n for _, n, _ in mine(tiny.obj)}
    assert {"f", "ext_needed", "counter", "hidden_helper", "weak_fn"} <= names


def test_shared_object_matches_nm_dynamic_with_versions(tiny):
    ours = mine(tiny.shared)
    assert ours == nm_symbols(tiny.shared, "-D")
    assert ("", "tiny_new@@TINY_2.0", True) in ours
    assert ("", "tiny_old@@TINY_1.0", True) in ours
    assert any(n.startswith("sqrt@") and not d for _, n, d in ours)  # undefined, versioned from libm


def test_executable_matches_nm_dynamic(tiny):
    assert mine(tiny.exe) == nm_symbols(tiny.exe, "-D")


@pytest.mark.parametrize("which", ["archive", "archive_noindex", "thin"])
def test_archives_match_nm(tiny, which):
    path = getattr(tiny, which)
    assert _basename_members(mine(path)) == _basename_members(nm_symbols(path))


def test_long_member_names_come_from_the_gnu_name_table(tiny):
    members = {m for m, _, _ in mine(tiny.archive)}
    assert members == {"one.o", "a_member_with_a_long_name.o"}


def test_bsd_archive_with_symdef_index(tiny, tmp_path):
    llvm_ar = shutil.which("llvm-ar")
    if not llvm_ar:
        pytest.skip("llvm-ar missing")
    path = tmp_path / "bsd.a"
    run([llvm_ar, "--format=bsd", "rcs", str(path), str(tiny.obj), str(tiny.obj2)])
    assert {(n, d) for _, n, d in mine(path)} == {(n, d) for _, n, d in nm_symbols(tiny.archive)}
    result = invoke("symbols", "--format", "json", "--find", "g", path)
    (hit,) = json.loads(result.stdout)["symbols"][0]["definitions"]
    assert hit["via"] == "archive-index" and hit["member"] == "a_member_with_a_long_name.o"


@pytest.mark.parametrize("ours,theirs", [("--defined-only", "--defined-only"), ("--undefined-only", "-u"), ("--extern-only", "-g")])
@pytest.mark.parametrize("which", ["obj", "archive"])
def test_filters(tiny, ours, theirs, which):
    path = getattr(tiny, which)
    expected = nm_symbols(path, theirs)
    assert expected and expected != nm_symbols(path)  # each filter keeps some symbols and drops others here
    found = mine(path, ours)
    if which == "archive":
        found, expected = _basename_members(found), _basename_members(expected)
    assert found == expected


def test_grep_filter(tiny):
    names = {n for _, n, _ in nm_symbols(tiny.obj)}
    expected = {n for n in names if re.search("^(f|g)$", n)}
    assert expected and expected != names
    assert {n for _, n, _ in mine(tiny.obj, "--grep", "^(f|g)$")} == expected


def test_text_format_is_nm_minus_A(tiny):
    result = invoke("symbols", "--format", "text", tiny.archive)
    assert result.exit_code == 0
    nm = subprocess.run(["nm", "-A", str(tiny.archive)], capture_output=True, text=True).stdout
    assert sorted(result.stdout.splitlines()) == sorted(nm.splitlines())


@pytest.mark.parametrize("via,which", [("archive-index", "archive"), ("scan", "archive_noindex"), ("gnu-hash", "shared")])
def test_find_routes(tiny, via, which):
    path = getattr(tiny, which)
    name = "tiny_new" if which == "shared" else "g"
    result = invoke("symbols", "--format", "json", "--find", name, "--find", "nowhere_at_all", path)
    assert result.exit_code == 1  # one of them is defined nowhere
    symbols = {s["name"]: s for s in json.loads(result.stdout)["symbols"]}
    assert symbols["nowhere_at_all"]["found"] is False
    (hit,) = symbols[name]["definitions"]
    assert hit["via"] == via
    assert hit["member"] == (None if which == "shared" else "a_member_with_a_long_name.o")


def test_find_ignores_undefined_references(tiny):
    # one.o references ext_needed; nothing defines it
    result = invoke("symbols", "--find", "ext_needed", tiny.archive, tiny.obj)
    assert result.exit_code == 1
    assert "NOT FOUND" in result.stdout


def test_find_exit_zero_when_all_found(tiny):
    """Every name asked for is defined: the real program exits 0, and finds each in the member nm says defines it."""
    defined_in = {name: member for member, name, defined in _basename_members(nm_symbols(tiny.archive)) if defined}
    assert {"f", "g"} <= set(defined_in) and defined_in["f"] != defined_in["g"]  # one in each member
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "symbols", "--format", "json", "-f", "f", "-f", "g",
                           str(tiny.archive)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    symbols = {s["name"]: s for s in json.loads(done.stdout)["symbols"]}
    for name in ("f", "g"):
        (hit,) = symbols[name]["definitions"]
        assert symbols[name]["found"] is True and hit["member"] == defined_in[name], (name, hit)
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "symbols", "-f", "f", "-f", "g", str(tiny.archive)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "NOT FOUND" not in done.stdout


def test_folder_walk_takes_each_real_file_once(tiny):
    result = invoke("symbols", "--format", "json", tiny.dir)
    paths = [Path(f["path"]).name for f in json.loads(result.stdout)["files"]]
    assert "libtiny.so.1" in paths and "libtiny.so" not in paths  # the symlink is the same file
    assert "one.c" not in paths
    assert len(paths) == len(set(paths))


def test_json_schema(tiny):
    document = json.loads(invoke("symbols", "--format", "json", tiny.shared).stdout)
    assert document["schema"] == "mkldoctor.symbols" and document["version"] == 1
    (file,) = document["files"]
    assert file["kind"] == "shared" and file["soname"] == "libtiny.so.1" and "libm.so.6" in file["needed"]
    assert set(file["symbols"][0]) >= {"name", "defined", "letter", "binding", "type", "version", "member"}


def test_table_format_renders(tiny, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    result = invoke("symbols", "--format", "table", tiny.archive)
    assert result.exit_code == 0
    assert "a_member_with_a_long_name.o" in result.stdout and "gnu symbol index" in result.stdout


def test_rlib_members_and_demangling(rust):
    ours = mine(rust.rlib)
    reference = nm_symbols(rust.rlib)
    assert ours == reference
    undefined = {n for _, n, d in ours if not d}
    assert {"hgemm_", "sgemm_"} <= undefined
    result = invoke("symbols", "--format", "json", "-C", "--grep", "hgemm", rust.rlib)
    document = json.loads(result.stdout)
    assert result.exit_code == 0
    assert document["files"][0]["kind"] == "rlib"
    assert any(m["kind"] == "rmeta" for m in document["files"][0]["members"])
    demangled = {s.get("demangled") for s in document["files"][0]["symbols"]}
    assert "fakecandle::mkl::hgemm" in demangled


def test_lto_rlib_bitcode_members_are_reported_not_crashed_on(rust):
    result = invoke("symbols", rust.lto_rlib)
    assert result.exit_code == 3
    assert "LLVM bitcode member" in result.stderr
    assert "Traceback" not in result.output


def test_i386_object_is_read_and_flagged(tiny):
    assert mine(tiny.i386) == nm_symbols(tiny.i386)
    result = invoke("symbols", tiny.i386)
    assert result.exit_code == 3
    assert "32-bit little-endian 386 ELF" in result.stderr


def test_big_endian_object_is_read_and_flagged(big_endian):
    assert mine(big_endian) == nm_symbols(big_endian, tool="s390x-linux-gnu-nm")
    result = invoke("symbols", big_endian)
    assert result.exit_code == 3 and "big-endian S390 ELF" in result.stderr
