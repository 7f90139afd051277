"""Bad input: one clear line per problem on stderr, the other paths still read, a
non-zero exit, never a traceback or a hang. Includes a bounded fuzz run."""

from __future__ import annotations

import os
import random
import struct
import subprocess
import sys
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.errors import InputError
from mkldoctor.binary.symbols import Problem, find_definitions, read_file

runner = CliRunner()


def symbols(*args):
    return runner.invoke(app, ["symbols", *map(str, args)])


def assert_one_line_each(result, *fragments):
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    for fragment in fragments:
        assert sum(fragment in line for line in lines) == 1, (fragment, lines)


def test_missing_path_and_the_rest_still_read(tiny, tmp_path):
    result = symbols("--format", "text", tmp_path / "nope.so", tiny.obj)
    assert result.exit_code == 3
    assert_one_line_each(result, "nope.so: no such file or folder")
    assert f"{tiny.obj}:" in result.stdout  # the good path was listed


def test_not_elf_and_empty(tmp_path, tiny):
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    empty = tmp_path / "empty.o"
    empty.write_bytes(b"")
    result = symbols(text, empty, tiny.obj)
    assert result.exit_code == 3
    assert_one_line_each(result, "notes.txt: not an ELF file or ar archive", "empty.o: empty file")


def test_folder_without_objects(tmp_path):
    (tmp_path / "readme").write_text("x")
    result = symbols(tmp_path)
    assert result.exit_code == 3
    assert_one_line_each(result, "no ELF files or archives")


@pytest.mark.parametrize("keep", [20, 64, 300, 2000])
def test_truncated_elf(tmp_path, tiny, keep):
    whole = tiny.shared.read_bytes()
    cut = tmp_path / "libcut.so"
    cut.write_bytes(whole[:keep])
    result = symbols(cut)
    assert result.exit_code == 3
    assert_one_line_each(result, "libcut.so")
    assert "corrupt ELF" in result.stderr or "truncated" in result.stderr


def test_symbol_table_past_end_of_file(tmp_path, tiny):
    whole = bytearray(tiny.obj.read_bytes())
    # cut the file in the middle of its last section: headers intact, data missing
    cut = tmp_path / "half.o"
    cut.write_bytes(bytes(whole[: len(whole) * 2 // 3]))
    result = symbols(cut)
    assert result.exit_code == 3
    assert "Traceback" not in result.output and "half.o" in result.stderr


def _index_first_offset(archive: bytes) -> int:
    assert archive.startswith(b"!<arch>\n/ ")
    return 8 + 60 + 4  # magic, the index member header, the count


def test_lying_symbol_index_falls_back_to_a_scan(tmp_path, tiny):
    data = bytearray(tiny.archive.read_bytes())
    count = struct.unpack(">I", data[68:72])[0]
    for i in range(count):  # every entry now points at the index itself
        struct.pack_into(">I", data, _index_first_offset(data) + 4 * i, 8)
    lying = tmp_path / "lying.a"
    lying.write_bytes(bytes(data))
    result = symbols("--find", "g", "--format", "text", lying)
    assert result.exit_code == 3
    assert "a_member_with_a_long_name.o" in result.stdout  # the scan found it anyway
    assert_one_line_each(result, "symbol index is stale or corrupt")


def test_lying_member_size(tmp_path, tiny):
    data = bytearray(tiny.archive.read_bytes())
    header = data.find(b"one.o/")
    data[header + 48 : header + 58] = b"9999999999"
    bad = tmp_path / "bigmember.a"
    bad.write_bytes(bytes(data))
    result = symbols(bad, tiny.obj)
    assert result.exit_code == 3
    assert_one_line_each(result, "truncated archive: member 'one.o'")
    assert f"{tiny.obj}:" in result.stdout


def test_symlink_loop_and_broken_link(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "dangling.so").symlink_to(tmp_path / "missing.so")
    result = symbols(tmp_path / "a", tmp_path / "dangling.so")
    assert result.exit_code == 3
    assert_one_line_each(result, "a: symlink loop", "dangling.so: broken symlink")


def test_thin_archive_with_missing_member(tmp_path, tiny):
    import shutil

    for f in (tiny.obj, tiny.obj2):
        shutil.copy(f, tmp_path)
    subprocess.run(["ar", "rcsT", "thin.a", tiny.obj.name, tiny.obj2.name], cwd=tmp_path, check=True)
    (tmp_path / tiny.obj.name).unlink()
    result = symbols(tmp_path / "thin.a")
    assert result.exit_code == 3
    assert_one_line_each(result, "thin archive member 'one.o'")
    assert "a_member_with_a_long_name.o" in result.stdout


def test_unreadable_file_as_an_ordinary_user(tmp_path, tiny):
    if os.geteuid() != 0:
        pytest.skip("needs root to become an ordinary user for a moment")
    secret = tmp_path / "secret.o"
    secret.write_bytes(tiny.obj.read_bytes())
    secret.chmod(0o000)
    tmp_path.chmod(0o755)
    os.seteuid(65534)  # root reads everything; nobody does not
    try:
        result = symbols(secret)
    finally:
        os.seteuid(0)
    assert result.exit_code == 3
    assert result.stderr.strip() == f"mkldoctor: {secret}: permission denied"


def test_end_to_end_process_has_no_traceback(tmp_path):
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"\x7fELF" + random.Random(13).randbytes(200))
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "symbols", str(junk)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "junk.so" in done.stderr


# -- fuzz: mutated real files through both readers ------------------------------------------


def _mutations(seed: bytes):
    return st.lists(
        st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=12
    ).map(lambda edits: _apply(seed, edits)) | st.integers(0, len(seed)).map(lambda n: seed[:n])


def _apply(seed: bytes, edits) -> bytes:
    data = bytearray(seed)
    for pos, value in edits:
        data[pos] = value
    return bytes(data)


@pytest.mark.parametrize("which", ["obj", "shared", "archive", "thin"])
def test_fuzz_readers_raise_nothing_but_input_errors(tiny, tmp_path_factory, which):
    seed = getattr(tiny, which).read_bytes()
    folder = tmp_path_factory.mktemp(f"fuzz-{which}")
    if which == "thin":  # its members live beside it
        import shutil

        for f in (tiny.obj, tiny.obj2):
            shutil.copy(f, folder)
    target = folder / ("fuzzed.a" if which in ("archive", "thin") else "fuzzed.so")

    beside = b"".join(f.read_bytes() for f in folder.iterdir() if f != target)  # a thin archive's members

    # derandomized: the same examples in every run; the deadline stops a reader that loops on bad bytes
    @settings(max_examples=150, deadline=timedelta(seconds=20), derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    @given(_mutations(seed))
    def check(data: bytes) -> None:
        target.write_bytes(data)
        problems: list[Problem] = []
        try:
            listing = read_file(str(target), problems)
            find_definitions(str(target), ["f", "g", "tiny_new"], problems)
        except InputError as exc:
            assert exc.path.startswith(str(folder)) and "\n" not in str(exc) and exc.reason, str(exc)
            return
        for problem in problems:  # one line each, naming the file (or the member) it is about
            assert problem.path.startswith(str(folder)) and "\n" not in str(problem) and problem.message, str(problem)
        for symbol in listing.symbols:  # a name is read from a string table: its bytes are in the input
            if "\ufffd" not in symbol.name:
                assert symbol.name.encode() in data + beside, symbol.name

    check()
