"""The symbol engine: every symbol of a path, and where a given symbol is defined.

Paths may be ELF files, ``ar`` archives (``.a``, thin archives, Rust ``.rlib``) or
folders holding them. Problems with one path or one archive member are collected
as :class:`Problem` lines and the rest goes on: one corrupt member must not hide
the answer for the other 2,000 in ``libmkl_core.a``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterable, Iterator

from mkldoctor.binary.archive import Archive, Member, is_archive
from mkldoctor.binary.paths import Problem, expand_paths, os_reason
from mkldoctor.binary.elf import ElfInfo, Symbol, find_exported, is_elf, read_elf, read_elf_bytes
from mkldoctor.binary.elfmap import ElfFormatError, ElfMap, read_info
from mkldoctor.errors import InputError
from mkldoctor.rootfs import open_regular

BITCODE_MAGICS = (b"BC\xc0\xde", b"\xde\xc0\x17\x0b")  # raw LLVM bitcode, and its wrapper
RUST_METADATA = "lib.rmeta"

Opener = Callable[[str], BinaryIO]  # path -> binary file; RootFS.open_host keeps reads inside a --root


def _open_rb(path: str) -> BinaryIO:
    return open_regular(path)  # a FIFO or device is refused, never read (the caller closes it)


@dataclass(frozen=True, slots=True)
class MemberInfo:
    name: str
    kind: str  # "elf", "bitcode", "rmeta", "unknown"


@dataclass(slots=True)
class FileSymbols:
    """Everything ``symbols`` reports about one file."""

    path: str
    kind: str  # "shared", "executable", "object", "archive", "thin-archive", "rlib"
    machine: str | None = None
    elf_class: int | None = None
    soname: str | None = None
    needed: list[str] = field(default_factory=list)
    table: str | None = None  # for ELF files: the table listed
    archive_index: str | None = None  # for archives: "gnu", "gnu64", "bsd" or None
    members: list[MemberInfo] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Definition:
    """Where one symbol is defined, and how that was found out."""

    symbol: str
    path: str
    member: str | None
    via: str  # "archive-index", "gnu-hash", "scan"
    version: str | None = None
    type: str | None = None


def _head(path: str, opener: Opener = _open_rb) -> bytes:
    try:
        with opener(path) as handle:
            return handle.read(18)
    except IsADirectoryError:
        raise InputError(path, "is a folder") from None
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None


# -- full listings --------------------------------------------------------------------


def read_file(path: str, problems: list[Problem], table: str = "auto") -> FileSymbols:
    """Every symbol of one ELF file or archive; member-level problems go to ``problems``."""
    head = _head(path)
    if is_elf(head):
        try:
            if _is_object(head) and table != "dynsym":
                with open(path, "rb") as handle:
                    info = read_elf_bytes(handle.read(), path, table=table)
            else:
                info = _read_mapped(path, table)
        except OSError as exc:
            raise InputError(path, os_reason(exc)) from None
        result = FileSymbols(
            path=path,
            kind=info.kind,
            machine=info.machine,
            elf_class=info.elf_class,
            soname=info.soname,
            needed=info.needed,
            table=info.table,
            symbols=info.symbols,
        )
        _note_foreign(path, info.elf_class, info.little_endian, info.machine, problems)
        return result
    if is_archive(head):
        return _read_archive(path, problems)
    raise InputError(path, _not_object_reason(head))


def _read_mapped(path: str, table: str) -> ElfInfo:
    """A shared object or executable through the map (only the tables asked for are touched); what the
    map cannot place goes to pyelftools, whose messages say what is wrong."""
    try:
        with ElfMap.open(path) as elf:
            return read_info(elf, table)
    except ElfFormatError:
        with open(path, "rb") as handle:
            return read_elf(handle, path, table=table)


def _is_object(head: bytes) -> bool:
    """ET_REL, from the first 18 bytes."""
    return len(head) >= 18 and head[16 if head[5] == 1 else 17] == 1 and head[17 if head[5] == 1 else 16] == 0


def _not_object_reason(head: bytes) -> str:
    if head.startswith(BITCODE_MAGICS):
        return "LLVM bitcode, not ELF: its symbols need LLVM's llvm-nm"
    if not head:
        return "empty file, not ELF or an ar archive"
    return "not an ELF file or ar archive"


def _note_foreign(where: str, elf_class: int, little: bool, machine: str, problems: list[Problem]) -> None:
    # Read anyway (nm does), but say so: no x86-64 MKL link can use such a file.
    if elf_class != 64 or not little or machine != "X86_64":
        endian = "little-endian" if little else "big-endian"
        problems.append(Problem(where, f"{elf_class}-bit {endian} {machine} ELF: cannot be linked with x86-64 MKL"))


def _member_kind(name: str, data: bytes | memoryview) -> str:
    if name == RUST_METADATA or name.endswith(".rmeta"):
        return "rmeta"  # rustc's metadata; an ELF wrapper on Linux, with no symbols of interest
    head = bytes(data[:4])
    if head == b"\x7fELF":
        return "elf"
    if head in BITCODE_MAGICS:
        return "bitcode"
    return "unknown"


def _open_archive(path: str, opener: Opener = _open_rb) -> Archive:
    try:
        return Archive(path, opener)
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None


def _readable_members(archive: Archive, problems: list[Problem]) -> Iterator[tuple[Member, bytes | memoryview]]:
    """Each member with its bytes; a member that cannot be read is a problem line, not an end."""
    for member in archive:
        try:
            yield member, archive.read(member)
        except InputError as exc:
            problems.append(Problem(exc.path, exc.reason))


def _read_archive(path: str, problems: list[Problem]) -> FileSymbols:
    archive = _open_archive(path)
    with archive:
        result = FileSymbols(
            path=path,
            kind="thin-archive" if archive.thin else "archive",
            archive_index=archive.index.kind if archive.index else None,
        )
        for member, data in _readable_members(archive, problems):
            kind = _member_kind(member.name, data)
            result.members.append(MemberInfo(member.name, kind))
            where = f"{path}({member.name})"
            if kind == "rmeta":
                result.kind = "rlib"
            elif kind == "bitcode":
                problems.append(Problem(where, "LLVM bitcode member (built with LTO?): symbols not read"))
            elif kind == "unknown":
                problems.append(Problem(where, "member is not an ELF object"))
            else:
                try:
                    info = read_elf_bytes(data, path, member=member.name)
                except InputError as exc:
                    problems.append(Problem(exc.path, exc.reason))
                    continue
                if result.machine is None:
                    result.machine, result.elf_class = info.machine, info.elf_class
                    _note_foreign(where, info.elf_class, info.little_endian, info.machine, problems)
                result.symbols.extend(info.symbols)
        if path.endswith(".rlib"):
            result.kind = "rlib"
    return result


# -- finding definitions --------------------------------------------------------------


def find_definitions(path: str, names: list[str], problems: list[Problem], opener: Opener = _open_rb) -> list[Definition]:
    """Where in ``path`` each of ``names`` is defined, by the fastest honest route.

    Archives answer from their symbol index, checked against the member it names
    (a stale or lying index falls back to a member scan, with a problem line);
    shared objects answer from ``.gnu.hash``/``.hash``; object files are read whole.
    Every open goes through ``opener`` (under ``--root``: one that never leaves the root).
    """
    head = _head(path, opener)
    if is_archive(head):
        return _find_in_archive(path, names, problems, opener)
    if not is_elf(head):
        raise InputError(path, _not_object_reason(head))
    found: list[Definition] = []
    try:
        with opener(path) as handle:
            info = read_elf(handle, path, with_symbols=False)
            if info.kind == "object":
                handle.seek(0)
                defined = {s.name: s for s in read_elf_bytes(handle.read(), path).symbols if s.defined}
                for name in names:
                    if name in defined:
                        found.append(Definition(name, path, None, "scan", None, defined[name].type))
                return found
            handle.seek(0)
            exported = find_exported(handle, path, names)
            for name in names:
                if name in exported:
                    symbol = exported[name]
                    found.append(Definition(name, path, None, "gnu-hash", symbol.version, symbol.type))
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None
    return found


def _member_defines(archive: Archive, member, name: str, problems: list[Problem]) -> Symbol | None:
    data = archive.read(member)
    if _member_kind(member.name, data) != "elf":
        return None
    try:
        info = read_elf_bytes(data, archive.path, member=member.name)
    except InputError as exc:
        problems.append(Problem(exc.path, exc.reason))
        return None
    for symbol in info.symbols:
        if symbol.name == name and symbol.defined and symbol.binding != "LOCAL":
            return symbol
    return None


def _find_in_archive(path: str, names: list[str], problems: list[Problem], opener: Opener = _open_rb) -> list[Definition]:
    archive = _open_archive(path, opener)
    found: list[Definition] = []
    with archive:
        to_scan: list[str] = []
        for name in names:
            if archive.index is None:
                to_scan.append(name)
                continue
            hits = []
            for offset in archive.index.lookup(name):
                member = archive.member_at(offset)
                symbol = _member_defines(archive, member, name, problems) if member else None
                if symbol is None:
                    problems.append(
                        Problem(path, f"symbol index is stale or corrupt: its entry for {name!r} is wrong; scanned the members")
                    )
                    hits = []
                    to_scan.append(name)
                    break
                hits.append(Definition(name, path, member.name, "archive-index", None, symbol.type))
            found.extend(hits)
        if to_scan:
            found.extend(_scan_archive(archive, to_scan, problems))
    return found


def _scan_archive(archive: Archive, names: list[str], problems: list[Problem]) -> list[Definition]:
    found: list[Definition] = []
    needles = [(name, name.encode()) for name in names]
    for member, data in _readable_members(archive, problems):
        raw = bytes(data) if isinstance(data, memoryview) else data
        wanted = [name for name, needle in needles if needle in raw]  # cheap filter before parsing
        if not wanted:
            continue
        kind = _member_kind(member.name, data)
        if kind == "bitcode":
            problems.append(Problem(f"{archive.path}({member.name})", "LLVM bitcode member: not searched"))
            continue
        if kind != "elf":
            continue
        try:
            info = read_elf_bytes(data, archive.path, member=member.name)
        except InputError as exc:
            problems.append(Problem(exc.path, exc.reason))
            continue
        defined = {s.name: s for s in info.symbols if s.defined and s.binding != "LOCAL"}
        for name in wanted:
            if name in defined:
                found.append(Definition(name, archive.path, member.name, "scan", None, defined[name].type))
    return found


# -- the two questions the CLI asks ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filter:
    defined_only: bool = False
    undefined_only: bool = False
    extern_only: bool = False
    pattern: str | None = None  # a regular expression searched in the raw name

    def apply(self, symbols: list[Symbol]) -> list[Symbol]:
        import re

        regex = re.compile(self.pattern) if self.pattern else None
        out = []
        for symbol in symbols:
            if self.defined_only and not symbol.defined:
                continue
            if self.undefined_only and symbol.defined:
                continue
            if self.extern_only and symbol.binding == "LOCAL":
                continue
            if regex is not None and not regex.search(symbol.name):
                continue
            out.append(symbol)
        return out


def list_symbols(
    paths: Iterable[str], symbol_filter: Filter, table: str = "auto"
) -> tuple[list[tuple[FileSymbols, list[Symbol]]], list[Problem]]:
    """Every file under ``paths`` with its symbols after ``symbol_filter``."""
    problems: list[Problem] = []
    files = []
    for path in expand_paths(paths, problems):
        try:
            file = read_file(path, problems, table)
        except InputError as exc:
            problems.append(Problem(exc.path, exc.reason))
            continue
        files.append((file, symbol_filter.apply(file.symbols)))
    return files, problems


def find_symbols(paths: Iterable[str], names: list[str]) -> tuple[list[Definition], list[str], list[Problem]]:
    """Definitions of ``names`` in every file under ``paths``; also which files were searched."""
    problems: list[Problem] = []
    definitions: list[Definition] = []
    searched: list[str] = []
    for path in expand_paths(paths, problems):
        try:
            definitions.extend(find_definitions(path, names, problems))
            searched.append(path)
        except InputError as exc:
            problems.append(Problem(exc.path, exc.reason))
    return definitions, searched, problems
