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


def test_explain_of_a_symlink_loop_and_a_broken_link(tmp_path):
    """explain says which of the two a link to no log is, in symbols' words, on one line, exit 2 (it said 'no such log
    file' for both)."""
    (tmp_path / "a.log").symlink_to(tmp_path / "b.log")
    (tmp_path / "b.log").symlink_to(tmp_path / "a.log")
    (tmp_path / "dangling.log").symlink_to(tmp_path / "missing.log")
    for name, words in (("a.log", "a.log: symlink loop"), ("dangling.log", "dangling.log: broken symlink")):
        result = runner.invoke(app, ["explain", str(tmp_path / name), "--no-scan"])
        assert result.exit_code == 2
        assert_one_line_each(result, words)


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


# -- version tables, section bounds, files that are not files, trees too deep ---------------------

SHDR = {"sh_offset": (24, "Q"), "sh_size": (32, "Q"), "sh_link": (40, "I"), "sh_info": (44, "I")}


def section_header(data: bytes, name: str) -> int:
    """The file offset of section ``name``'s header in a 64-bit little-endian ELF (found by pyelftools)."""
    import io

    from elftools.elf.elffile import ELFFile

    elf = ELFFile(io.BytesIO(data))
    index = next(i for i, s in enumerate(elf.iter_sections()) if s.name == name)
    return elf["e_shoff"] + index * elf["e_shentsize"]


def patched(data: bytes, name: str, field: str, value: int) -> bytes:
    out = bytearray(data)
    offset, kind = SHDR[field]
    struct.pack_into("<" + kind, out, section_header(data, name) + offset, value)
    return bytes(out)


def _symbols_process(*args, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkldoctor", "symbols", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)  # a hang fails the test at the timeout instead of stalling the run


@pytest.mark.parametrize("section", [".gnu.version_d", ".gnu.version_r"])
def test_version_entry_count_is_bounded_by_the_section(tiny, tmp_path, section):
    """sh_info says 0x7fffffff entries in a section of a few dozen bytes: read as the section holds them."""
    lying = tmp_path / "libtiny.so.1"
    lying.write_bytes(patched(tiny.shared.read_bytes(), section, "sh_info", 0x7FFFFFFF))
    done = _symbols_process("--format", "text", lying)
    reference = _symbols_process("--format", "text", tiny.shared)
    assert done.returncode == 0, done.stderr
    assert done.stdout.replace(str(lying), "X") == reference.stdout.replace(str(tiny.shared), "X")
    assert "tiny_new@@TINY_2.0" in done.stdout and "sqrt@GLIBC_2.2.5" in done.stdout


@pytest.mark.parametrize("section", [".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d"])
def test_section_past_end_of_file_is_an_error_not_an_empty_listing(tiny, tmp_path, section):
    whole = tiny.shared.read_bytes()
    bad = tmp_path / "libpast.so"
    bad.write_bytes(patched(whole, section, "sh_offset", len(whole) + 4096))
    result = symbols(bad)
    assert result.exit_code == 3, result.output
    assert_one_line_each(result, f"section {section}")
    assert "extends past the end of the file" in result.stderr


def test_fifo_is_refused_by_symbols_and_explain(tmp_path, tiny):
    fifo = tmp_path / "libmkl_rt.so"
    os.mkfifo(fifo)
    done = _symbols_process(fifo, tiny.obj, timeout=30)  # nothing writes to it: a read would block for ever
    assert done.returncode == 3
    assert done.stderr == f"mkldoctor: {fifo}: not a regular file (a FIFO)\n"
    assert f"{tiny.obj}:" in done.stdout  # the other path is still read
    log = tmp_path / "build.log"
    os.mkfifo(log)
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "explain", str(log)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "not a regular file (a FIFO, socket or device)" in done.stderr and "no such log file" not in done.stderr


def test_a_tree_1200_folders_deep(tmp_path, tiny):
    top = tmp_path / "deep"
    folder = top
    import shutil

    shutil.copy(tiny.obj, top.parent / "one.o")
    fd = os.open(tmp_path, os.O_RDONLY)
    try:  # made through descriptors: the path is longer than the kernel takes in one call
        os.mkdir("deep", dir_fd=fd)
        for _ in range(1200):
            inner = os.open("deep" if folder == top else "d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            os.mkdir("d", dir_fd=fd)
            folder = folder / "d"
    finally:
        os.close(fd)
    try:
        shutil.copy(tiny.obj, top / "one.o")
        result = symbols(top)
        assert result.exit_code == 3 and "Traceback" not in result.output
        assert_one_line_each(result, "more than 256 folders deep: not read")
        assert f"{top / 'one.o'}:" in result.stdout
    finally:
        _remove_deep(top)


def _remove_deep(top) -> None:
    """shutil.rmtree recurses once per folder: pytest's clean-up would stop at this tree."""
    stack, order = [str(top)], []
    while stack:
        here = stack.pop()
        order.append(here)
        for entry in os.scandir(here):
            (stack.append(entry.path) if entry.is_dir(follow_symlinks=False) else os.unlink(entry.path))
    for here in reversed(order):
        os.rmdir(here)


@pytest.mark.parametrize("section", [".gnu.version", ".gnu.version_d", ".gnu.version_r"])
def test_fuzz_version_sections(tiny, tmp_path_factory, section):
    """Bytes of one version section, and its header's offset, size, link and count, mutated: the readers
    raise nothing but one-line input errors and never run past the deadline."""
    seed = tiny.shared.read_bytes()
    from elftools.elf.elffile import ELFFile
    import io

    header = section_header(seed, section)
    found = next(s for s in ELFFile(io.BytesIO(seed)).iter_sections() if s.name == section)
    start, size = found["sh_offset"], found["sh_size"]
    target = tmp_path_factory.mktemp(f"fuzz{section}") / "libfuzzed.so"
    inside = st.lists(st.tuples(st.integers(start, start + size - 1), st.integers(0, 255)), min_size=1, max_size=8)
    fields = st.lists(st.tuples(st.sampled_from(sorted(SHDR)), st.sampled_from(
        [0, 1, 2, 7, 20, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, size, start, len(seed), len(seed) - 1])), max_size=3)

    @settings(max_examples=120, deadline=timedelta(seconds=5), derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    @given(inside, fields)
    def check(edits, header_edits) -> None:
        data = bytearray(_apply(seed, edits))
        for field, value in header_edits:
            offset, kind = SHDR[field]
            struct.pack_into("<" + kind, data, header + offset, value & (0xFFFFFFFF if kind == "I" else 0xFFFFFFFFFFFFFFFF))
        target.write_bytes(bytes(data))
        problems: list[Problem] = []
        try:
            read_file(str(target), problems)
            find_definitions(str(target), ["tiny_new", "tiny_old"], problems)
        except InputError as exc:
            assert "\n" not in str(exc) and exc.reason, str(exc)

    check()
