"""One ELF file as the dynamic loader sees it, decoded with :mod:`struct` over a read-only map.

``libtorch_cpu.so`` is 434 MB, with a 76 MB ``.strtab`` that nothing here needs: the loader
reads the ELF header, the section headers, ``.dynamic``, ``.dynsym``/``.dynstr``, the
``.gnu.version*`` tables and ``.gnu.hash``. The file is mapped, never read whole, so only
those pages are touched (memory stays bounded by them, not by the file), and no pyelftools
object is built: pyelftools' per-section setup alone costs 0.1 s on such a file.

Anything this reader does not expect (a truncated table, an offset past the end, a 32-bit
big-endian oddity it cannot place) raises :class:`ElfFormatError`; callers then fall back to
the pyelftools reader in ``elf.py``, whose error messages the tests hold.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
from dataclasses import dataclass
from typing import BinaryIO, Callable

from mkldoctor.binary.elf import (ELF_MAGIC, SHN_UNDEF, SHT_NOBITS, ElfInfo, Symbol, _decode_rows, _letter_for,
                                  _MACHINES)

SHT_SYMTAB, SHT_DYNAMIC, SHT_DYNSYM = 2, 6, 11
SHT_GNU_HASH, SHT_VERDEF, SHT_VERNEED, SHT_VERSYM = 0x6FFFFFF6, 0x6FFFFFFD, 0x6FFFFFFE, 0x6FFFFFFF
DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH = 1, 14, 15, 29
PT_INTERP = 3


class ElfFormatError(Exception):
    """The file is not what this reader can decode; the pyelftools reader says why."""


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    name: str
    type: int
    flags: int
    offset: int
    size: int
    link: int
    info: int
    entsize: int


@dataclass(frozen=True, slots=True)
class DynamicTags:
    needed: tuple[str, ...]
    soname: str | None
    rpath: tuple[str, ...]
    runpath: tuple[str, ...]


class ElfMap:
    """An opened ELF file: header and section headers decoded, everything else on demand."""

    def __init__(self, data: bytes | mmap.mmap, where: str) -> None:
        self.data = data
        self.where = where
        self.size = len(data)
        if self.size < 52 or data[:4] != ELF_MAGIC or data[4] not in (1, 2) or data[5] not in (1, 2):
            raise ElfFormatError("not an ELF header")
        self.wide = data[4] == 2
        self.little = data[5] == 1
        self.end = "<" if self.little else ">"
        ehdr = struct.Struct(self.end + ("16sHHIQQQIHHHHHH" if self.wide else "16sHHIIIIIHHHHHH"))
        if self.size < ehdr.size:
            raise ElfFormatError("file shorter than its header")
        (_, self.e_type, machine, _, _, self.phoff, self.shoff, _, _, self.phentsize, self.phnum, shentsize,
         shnum, shstrndx) = ehdr.unpack_from(data, 0)
        self.machine = _MACHINES.get(machine, str(machine))
        self._copies: dict[int, bytes] = {}  # section index -> its bytes, copied out of the map once
        self.sections = self._sections(shentsize, shnum, shstrndx)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str, opener: Callable[[str], BinaryIO] | None = None) -> ElfMap:
        """Map ``path`` (through ``opener``, a root's confined open, when given). OSError passes through."""
        with (opener(path) if opener else open(path, "rb")) as handle:
            try:
                size = os.fstat(handle.fileno()).st_size
            except (AttributeError, OSError, ValueError):
                return cls(handle.read(), path)  # a stream without a file behind it: small, read it
            if size == 0:
                raise ElfFormatError("empty file")
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)  # holds its own descriptor
        try:
            return cls(data, path)
        except BaseException:
            data.close()
            raise

    def close(self) -> None:
        if isinstance(self.data, mmap.mmap):
            self.data.close()

    def __enter__(self) -> ElfMap:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- headers ---------------------------------------------------------------------------

    def _sections(self, shentsize: int, shnum: int, shstrndx: int) -> tuple[Section, ...]:
        if self.shoff == 0:
            return ()
        shdr = struct.Struct(self.end + ("IIQQQQIIQQ" if self.wide else "IIIIIIIIII"))
        if shentsize != shdr.size or self.shoff + shdr.size > self.size:
            raise ElfFormatError("section header table outside the file")
        first = shdr.unpack_from(self.data, self.shoff)
        shnum = shnum or first[5]  # extended numbering: the count is in section 0's sh_size
        shstrndx = first[6] if shstrndx == 0xFFFF else shstrndx
        if self.shoff + shnum * shdr.size > self.size:
            raise ElfFormatError("section headers past the end of the file")
        raw = [shdr.unpack_from(self.data, self.shoff + i * shdr.size) for i in range(shnum)]
        names = b""
        if 0 < shstrndx < shnum:
            _, _, _, _, offset, size, *_ = raw[shstrndx]
            names = self._slice(offset, size)
        out = []
        for index, (name, sh_type, flags, _addr, offset, size, link, info, _align, entsize) in enumerate(raw):
            stop = names.find(b"\0", name)
            label = names[name:stop if stop >= 0 else len(names)].decode("latin-1") if name < len(names) else ""
            out.append(Section(index, label, sh_type, flags, offset, size, link, info, entsize))
        return tuple(out)

    def _slice(self, offset: int, size: int) -> bytes:
        if offset + size > self.size:
            raise ElfFormatError(f"{size} bytes at {offset} past the end of the file")
        return self.data[offset : offset + size]

    def section_bytes(self, section: Section) -> bytes:
        if section.type == SHT_NOBITS:
            return b""
        found = self._copies.get(section.index)
        if found is None:
            found = self._copies[section.index] = self._slice(section.offset, section.size)
        return found

    def first(self, sh_type: int) -> Section | None:
        return next((s for s in self.sections if s.type == sh_type), None)

    def named(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    @property
    def kind(self) -> str:
        if self.e_type == 1:
            return "object"
        if self.e_type == 2:
            return "executable"
        if self.e_type == 4:
            return "core"
        if self.e_type == 3:
            return "executable" if self._has_interp() else "shared"
        return str(self.e_type)

    def _has_interp(self) -> bool:
        if self.phoff == 0 or self.phnum == 0:
            return False
        if self.phoff + self.phnum * self.phentsize > self.size:
            raise ElfFormatError("program headers past the end of the file")
        fmt = self.end + "I"
        return any(struct.unpack_from(fmt, self.data, self.phoff + i * self.phentsize)[0] == PT_INTERP
                   for i in range(self.phnum))

    # -- the dynamic section ---------------------------------------------------------------

    def dynamic(self) -> DynamicTags:
        section = self.first(SHT_DYNAMIC)
        if section is None or section.type == SHT_NOBITS:
            return DynamicTags((), None, (), ())
        strtab = self._linked(section)
        entry = struct.Struct(self.end + ("qQ" if self.wide else "iI"))
        raw = self.section_bytes(section)
        needed: list[str] = []
        soname = None
        rpath: list[str] = []
        runpath: list[str] = []
        for tag, value in entry.iter_unpack(raw[: len(raw) - len(raw) % entry.size]):
            if tag == 0:
                break
            if tag == DT_NEEDED:
                needed.append(_string(strtab, value))
            elif tag == DT_SONAME:
                soname = _string(strtab, value)
            elif tag == DT_RPATH:
                rpath.append(_string(strtab, value))
            elif tag == DT_RUNPATH:
                runpath.append(_string(strtab, value))
        return DynamicTags(tuple(needed), soname, tuple(rpath), tuple(runpath))

    def _linked(self, section: Section) -> bytes:
        if not 0 < section.link < len(self.sections):
            raise ElfFormatError(f"{section.name} links to missing section {section.link}")
        return self.section_bytes(self.sections[section.link])

    # -- symbols ---------------------------------------------------------------------------

    def symbols(self, table: int = SHT_DYNSYM, member: str | None = None) -> list[Symbol]:
        """Every named symbol of ``.dynsym`` (with versions) or ``.symtab``, as ``nm`` lists them."""
        section = self.first(table)
        if section is None:
            return []
        entsize = 24 if self.wide else 16
        if section.entsize not in (entsize, 0):
            raise ElfFormatError(f"{section.name} entry size {section.entsize}")
        letters = [_letter_for(SHT_NOBITS if s.type == SHT_NOBITS else 0, s.flags) for s in self.sections]
        versions = self._versions() if table == SHT_DYNSYM else None
        where = f"{self.where}({member})" if member else self.where
        return _decode_rows(self.section_bytes(section), self._linked(section), self.wide, self.end, letters, versions,
                            member, where)

    def names(self) -> tuple[list[str], list[str]]:
        """(defined, undefined) names of ``.dynsym``, without symbol records: what a scan of many files needs."""
        defined, undefined = self.values(SHT_DYNSYM, local=True)
        return list(defined), undefined

    def values(self, table: int = SHT_DYNSYM, local: bool = False,
               prefixes: tuple[bytes, ...] | None = None) -> tuple[dict[str, int], list[str]]:
        """(name -> address of each defined symbol, the undefined names) of one table, without symbol records;
        local symbols only with ``local`` (a program's ``.symtab`` is mostly its own statics). With ``prefixes``,
        only the names that start so: the others are skipped before a name is made (libtorch_cpu.so: 75,000
        rows, of which MKL's are a third)."""
        section = self.first(table)
        if section is None:
            return {}, []
        raw_names = self._linked(section)
        starts = raw_names.startswith
        strtab = raw_names.decode("latin-1")
        raw = self.section_bytes(section)
        wide = self.wide
        fmt = self.end + ("IBBHQQ" if wide else "IIIBBH")
        size = struct.calcsize(fmt)
        defined: dict[str, int] = {}
        undefined: list[str] = []
        find = strtab.find
        for row in struct.iter_unpack(fmt, raw[size : len(raw) - len(raw) % size]):  # entry 0 is the null symbol
            st_name, info, shndx, value = (row[0], row[1], row[3], row[4]) if wide else (row[0], row[3], row[5], row[1])
            if st_name == 0 or info & 0xF in (3, 4) or (not local and info >> 4 == 0):  # nm skips section and file symbols
                continue
            if prefixes is not None and not starts(prefixes, st_name):
                continue
            stop = find("\0", st_name)
            name = strtab[st_name : stop if stop >= 0 else len(strtab)]
            if shndx == SHN_UNDEF:
                undefined.append(name)
            else:
                defined.setdefault(name, value)
        return defined, undefined

    def _versions(self) -> tuple[list[int], dict[int, str], set[int]] | None:
        versym = self.first(SHT_VERSYM)
        if versym is None:
            return None
        raw = self.section_bytes(versym)
        indices = list(struct.unpack(self.end + "H" * (len(raw) // 2), raw[: len(raw) // 2 * 2]))
        names: dict[int, str] = {}
        defined: set[int] = set()
        verdef = self.first(SHT_VERDEF)
        if verdef is not None:
            strtab, raw = self._linked(verdef), self.section_bytes(verdef)
            offset = 0
            for _ in range(verdef.info or 1 << 16):
                if offset + 20 > len(raw):
                    break
                _, flags, ndx, count, _, aux, following = struct.unpack_from(self.end + "HHHHIII", raw, offset)
                if not flags & 0x1 and count and offset + aux + 8 <= len(raw):  # VER_FLG_BASE names the file
                    names[ndx] = _string(strtab, struct.unpack_from(self.end + "I", raw, offset + aux)[0])
                    defined.add(ndx)
                if not following:
                    break
                offset += following
        verneed = self.first(SHT_VERNEED)
        if verneed is not None:
            strtab, raw = self._linked(verneed), self.section_bytes(verneed)
            offset = 0
            for _ in range(verneed.info or 1 << 16):
                if offset + 16 > len(raw):
                    break
                _, count, _, aux, following = struct.unpack_from(self.end + "HHIII", raw, offset)
                at = offset + aux
                for _ in range(count):
                    if at + 16 > len(raw):
                        break
                    _, _, other, name, step = struct.unpack_from(self.end + "IHHII", raw, at)
                    names[other] = _string(strtab, name)
                    if not step:
                        break
                    at += step
                if not following:
                    break
                offset += following
        return indices, names, defined

    def exports(self, name: str) -> bool:
        """Whether ``name`` is a defined dynamic symbol, answered from ``.gnu.hash`` (a few compares)."""
        return self.lookup(name) is not None

    def lookup(self, name: str) -> int | None:
        """The address of the defined dynamic symbol ``name`` (None: not exported), from ``.gnu.hash``;
        without one, from the whole table."""
        table = self.first(SHT_GNU_HASH)
        dynsym = self.first(SHT_DYNSYM)
        if table is None or dynsym is None or table.type == SHT_NOBITS:
            return self.values()[0].get(name)
        return _gnu_lookup(self, table, dynsym, name)

    def find(self, needle: bytes, section: str = ".rodata") -> int:
        """The offset of ``needle`` in one section's bytes (-1: not there); the map is searched in place."""
        found = self.named(section)
        if found is None or found.type == SHT_NOBITS or found.offset + found.size > self.size:
            return -1
        return self.data.find(needle, found.offset, found.offset + found.size)

    def search(self, pattern: re.Pattern[bytes], section: str = ".rodata") -> re.Match[bytes] | None:
        """The first match of ``pattern`` in one section's bytes, searched in place."""
        found = self.named(section)
        if found is None or found.type == SHT_NOBITS or found.offset + found.size > self.size:
            return None
        return pattern.search(self.data, found.offset, found.offset + found.size)


def _string(table: bytes, offset: int) -> str:
    if offset >= len(table):
        raise ElfFormatError(f"string offset {offset} past its table")
    stop = table.find(b"\0", offset)
    return table[offset : stop if stop >= 0 else len(table)].decode("utf-8", "replace")


def _gnu_lookup(elf: ElfMap, table: Section, dynsym: Section, name: str) -> int | None:
    raw = elf.section_bytes(table)
    if len(raw) < 16:
        raise ElfFormatError(".gnu.hash shorter than its header")
    nbuckets, symoffset, bloom_size, _shift = struct.unpack_from(elf.end + "IIII", raw, 0)
    word = 8 if elf.wide else 4
    buckets_at = 16 + bloom_size * word
    chains_at = buckets_at + nbuckets * 4
    if nbuckets == 0 or chains_at > len(raw):
        raise ElfFormatError(".gnu.hash tables past its end")
    encoded = name.encode()
    h = 5381
    for byte in encoded:
        h = (h * 33 + byte) & 0xFFFFFFFF
    index = struct.unpack_from(elf.end + "I", raw, buckets_at + (h % nbuckets) * 4)[0]
    if index < symoffset:
        return None
    strtab = elf._linked(dynsym)
    entry = struct.Struct(elf.end + ("IBBHQQ" if elf.wide else "IIIBBH"))
    symbols = elf.section_bytes(dynsym)
    while chains_at + (index - symoffset) * 4 + 4 <= len(raw):
        chain = struct.unpack_from(elf.end + "I", raw, chains_at + (index - symoffset) * 4)[0]
        if (chain | 1) == (h | 1) and (index + 1) * entry.size <= len(symbols):
            row = entry.unpack_from(symbols, index * entry.size)
            shndx = row[3] if elf.wide else row[5]
            if shndx != SHN_UNDEF and strtab[row[0] : row[0] + len(encoded) + 1] == encoded + b"\0":
                return row[4] if elf.wide else row[1]
        if chain & 1:
            return None
        index += 1
    return None


def read_info(elf: ElfMap, table: str = "auto", with_symbols: bool = True) -> ElfInfo:
    """What :func:`mkldoctor.binary.elf.read_elf` returns, from the map."""
    kind = elf.kind
    tags = elf.dynamic()
    info = ElfInfo(kind=kind, elf_class=64 if elf.wide else 32, little_endian=elf.little, machine=elf.machine, table=None,
                   soname=tags.soname, needed=list(tags.needed))
    if not with_symbols:
        return info
    dynsym, symtab = elf.first(SHT_DYNSYM), elf.first(SHT_SYMTAB)
    if table == "dynsym":
        chosen = dynsym
    elif table == "symtab" or kind == "object":
        chosen = symtab
    else:
        chosen = dynsym or symtab
    if chosen is None:
        return info
    info.table = chosen.name
    info.symbols = elf.symbols(chosen.type)
    return info
