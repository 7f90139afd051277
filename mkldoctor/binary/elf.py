"""Reading the symbols of one ELF file (shared object, executable or object file).

pyelftools parses the headers, sections and version tables; the symbol table
itself is decoded in bulk with :mod:`struct` from the section's raw bytes, because
building one pyelftools ``Symbol`` per entry is the slow part of listing the
65,000 exports of ``libmkl_rt.so``. Symbol classification follows ``nm``: the tests
compare every listing with binutils on the same file.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from mkldoctor.binary.versions import section_bytes, version_names
from mkldoctor.errors import InputError

ELF_MAGIC = b"\x7fELF"

SHN_UNDEF = 0
SHN_ABS = 0xFFF1
SHN_COMMON = 0xFFF2
SHN_XINDEX = 0xFFFF

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHT_NOBITS = 8

_BINDINGS = {0: "LOCAL", 1: "GLOBAL", 2: "WEAK", 10: "UNIQUE"}
_TYPES = {0: "NOTYPE", 1: "OBJECT", 2: "FUNC", 3: "SECTION", 4: "FILE", 5: "COMMON", 6: "TLS", 10: "IFUNC"}
_SKIPPED_TYPES = (3, 4)  # section and file symbols: nm does not list them either


class Symbol(NamedTuple):
    """One named entry of a symbol table (a tuple: 65,000 of them are made per listing)."""

    name: str
    defined: bool
    binding: str
    type: str
    letter: str  # the nm letter: T, U, W, D, B, R, ...
    value: int
    size: int
    version: str | None = None
    default_version: bool = False  # name@@VER (True) rather than name@VER
    member: str | None = None  # archive member that holds it

    @property
    def versioned_name(self) -> str:
        if not self.version:
            return self.name
        return f"{self.name}{'@@' if self.default_version else '@'}{self.version}"


@dataclass(slots=True)
class ElfInfo:
    """What one ELF file says about itself and its symbols."""

    kind: str  # "object", "shared", "executable", "core"
    elf_class: int  # 32 or 64
    little_endian: bool
    machine: str
    table: str | None  # ".dynsym", ".symtab" or None when it has neither
    soname: str | None = None
    needed: list[str] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_elf(head: bytes) -> bool:
    return head[:4] == ELF_MAGIC


def open_elf(stream: BinaryIO, path: str):  # -> ELFFile
    """Open ``stream`` with pyelftools, turning its many exception types into one."""
    from elftools.elf.elffile import ELFFile

    try:
        return ELFFile(stream)
    except Exception as exc:  # pyelftools raises ELFError, struct.error, construct errors...
        raise InputError(path, f"corrupt ELF header ({_reason(exc)})") from None


def read_elf(
    stream: BinaryIO,
    path: str,
    *,
    table: str = "auto",
    member: str | None = None,
    with_symbols: bool = True,
) -> ElfInfo:
    """Read the header and, unless ``with_symbols`` is false, every named symbol.

    ``table`` is ``"auto"`` (``.dynsym`` for shared objects and executables, as
    ``nm -D`` and the dynamic linker see them; ``.symtab`` for object files),
    ``"dynsym"`` or ``"symtab"``.
    """
    elf = open_elf(stream, path)
    where = f"{path}({member})" if member else path
    try:
        return _read(elf, where, table, member, with_symbols)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(where, f"corrupt ELF ({_reason(exc)})") from None


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _kind(elf) -> str:
    e_type = elf.header["e_type"]
    if e_type == "ET_REL":
        return "object"
    if e_type == "ET_EXEC":
        return "executable"
    if e_type == "ET_CORE":
        return "core"
    if e_type == "ET_DYN":
        interp = any(segment["p_type"] == "PT_INTERP" for segment in elf.iter_segments())
        return "executable" if interp else "shared"
    return str(e_type)


def _read(elf, where: str, table: str, member: str | None, with_symbols: bool) -> ElfInfo:
    info = ElfInfo(
        kind=_kind(elf),
        elf_class=elf.elfclass,
        little_endian=elf.little_endian,
        machine=str(elf.header["e_machine"]).removeprefix("EM_"),
        table=None,
    )
    sections = _SectionTable(elf)
    by_type = sections.by_type(
        "SHT_DYNAMIC", "SHT_DYNSYM", "SHT_SYMTAB", "SHT_GNU_versym", "SHT_GNU_verdef", "SHT_GNU_verneed"
    )
    for dynamic in by_type.get("SHT_DYNAMIC", []):
        for tag in dynamic.iter_tags():
            if tag.entry.d_tag == "DT_SONAME":
                info.soname = tag.soname
            elif tag.entry.d_tag == "DT_NEEDED":
                info.needed.append(tag.needed)
    if not with_symbols:
        return info

    dynsym = by_type.get("SHT_DYNSYM", [])
    symtab = by_type.get("SHT_SYMTAB", [])
    if table == "dynsym":
        chosen = dynsym
    elif table == "symtab":
        chosen = symtab
    elif info.kind == "object":
        chosen = symtab
    else:
        chosen = dynsym or symtab
    if not chosen:
        return info
    section = chosen[0]
    info.table = section.name
    file_size = elf.stream.seek(0, 2)
    versions = version_names(elf.little_endian, by_type, sections, file_size, where) if section["sh_type"] == "SHT_DYNSYM" else None
    info.symbols = _decode_symbols(elf, section, sections, versions, member, where, file_size)
    return info


class _SectionTable:
    """Section headers by index, with section objects made only for the ones used.

    ``ELFFile.iter_sections`` builds every section, and building ``.gnu.hash`` reads
    its whole bucket array: 100 ms on ``libmkl_rt.so`` for a table a listing never uses.
    """

    def __init__(self, elf) -> None:
        self._elf = elf
        self.headers = [elf._get_section_header(i) for i in range(elf.num_sections())]

    def __len__(self) -> int:
        return len(self.headers)

    def __getitem__(self, index: int):
        return self._elf.get_section(index)

    def by_type(self, *types: str) -> dict[str, list]:
        found: dict[str, list] = {}
        for index, header in enumerate(self.headers):
            if header["sh_type"] in types:
                found.setdefault(header["sh_type"], []).append(self._elf.get_section(index))
        return found


def _section_letters(headers) -> list[str]:
    return [_letter_for(SHT_NOBITS if h["sh_type"] == "SHT_NOBITS" else 0, h["sh_flags"]) for h in headers]


def _decode_symbols(elf, section, sections, versions, member, where, file_size: int) -> list[Symbol]:
    entsize = 24 if elf.elfclass == 64 else 16
    if section["sh_entsize"] not in (entsize, 0):
        raise InputError(where, f"corrupt ELF: {section.name} entry size {section['sh_entsize']}, expected {entsize}")
    link = section["sh_link"]
    if not 0 < link < len(sections):
        raise InputError(where, f"corrupt ELF: {section.name} links to missing string table {link}")
    end = "<" if elf.little_endian else ">"
    letters = _section_letters(sections.headers)
    return _decode_rows(section_bytes(section, file_size, where), section_bytes(sections[link], file_size, where), elf.elfclass == 64,
                        end, letters, versions, member, where)


def _decode_rows(data: bytes, strtab: bytes, wide: bool, end: str, letters, versions, member, where) -> list[Symbol]:
    entsize = 24 if wide else 16
    usable = len(data) - len(data) % entsize
    if wide:
        entries = struct.iter_unpack(end + "IBBHQQ", data[:usable])
    else:
        rows = struct.iter_unpack(end + "IIIBBH", data[:usable])
        entries = ((n, i, o, s, v, z) for n, v, z, i, o, s in rows)
    version_indices, version_names, own_versions = versions if versions else ([], {}, set())
    n_versions = len(version_indices)
    # latin-1 maps byte offsets 1:1 onto string offsets; names with UTF-8 in them
    # (rare: Rust mangles to ASCII) are re-decoded below.
    text = strtab.decode("latin-1")
    text_len = len(text)
    find = text.find
    classes: dict[tuple[int, int], tuple[bool, str, str, str]] = {}
    new = tuple.__new__
    out: list[Symbol] = []
    append = out.append
    for index, (st_name, st_info, _other, shndx, value, size) in enumerate(entries):
        if st_name == 0 or index == 0:
            continue
        key = (st_info, shndx)
        cls = classes.get(key)
        if cls is None:
            cls = classes[key] = _classify(st_info, shndx, letters)
        if cls is _SKIP:
            continue
        stop = find("\0", st_name)
        if stop < 0:
            if st_name >= text_len:
                raise InputError(where, f"corrupt ELF: symbol {index} name offset {st_name} past its string table")
            stop = text_len
        name = text[st_name:stop]
        if not name.isascii():
            name = name.encode("latin-1").decode("utf-8", "replace")
        version = None
        default = False
        if index < n_versions:
            raw = version_indices[index]
            number = raw & 0x7FFF
            if number > 1:
                version = version_names.get(number)
                if shndx == SHN_ABS and version == name:
                    version = None  # the symbol that defines the version itself
                default = cls[0] and number in own_versions and not raw & 0x8000
        append(new(Symbol, (name, cls[0], cls[1], cls[2], cls[3], value, size, version, default, member)))
    return out


_SKIP = (False, "", "", "")


def _classify(st_info: int, shndx: int, letters: list[str]) -> tuple[bool, str, str, str]:
    """(defined, binding, type, nm letter) for one st_info/st_shndx pair, as nm decides."""
    sym_type = st_info & 0xF
    if sym_type in _SKIPPED_TYPES:
        return _SKIP
    bind = st_info >> 4
    binding = _BINDINGS.get(bind, str(bind))
    type_name = _TYPES.get(sym_type, str(sym_type))
    defined = shndx != SHN_UNDEF
    if not defined:
        letter = ("v" if sym_type == 1 else "w") if bind == 2 else "U"
    elif sym_type == 10:
        letter = "i"
    elif bind == 2:
        letter = "V" if sym_type == 1 else "W"
    elif bind == 10:
        letter = "u"
    else:
        if shndx == SHN_ABS:
            letter = "a"
        elif shndx == SHN_COMMON:
            letter = "c"
        elif shndx < len(letters):
            letter = letters[shndx]
        else:
            letter = "?"
        if bind != 0:
            letter = letter.upper()
    return defined, binding, type_name, letter


def find_exported(stream: BinaryIO, path: str, names: list[str]) -> dict[str, Symbol]:
    """Look ``names`` up among the defined dynamic symbols through the ELF hash table.

    ``.gnu.hash`` (or the SysV ``.hash``) gives each answer after a handful of string
    compares; without either this falls back to a scan of ``.dynsym``.
    """
    elf = open_elf(stream, path)
    found: dict[str, Symbol] = {}
    try:
        for section_name in (".gnu.hash", ".hash"):
            table = elf.get_section_by_name(section_name)
            if table is None or table["sh_type"] == "SHT_NOBITS":
                # a separate debug file (libiomp5.dbg) keeps the header but not the bytes: as nm -D, "no symbols"
                continue
            for name in names:
                hit = table.get_symbol(name)
                if hit is None or hit["st_shndx"] == "SHN_UNDEF":
                    continue
                info = hit["st_info"]
                found[name] = Symbol(
                    name=name,
                    defined=True,
                    binding=str(info["bind"]).removeprefix("STB_").replace("GNU_UNIQUE", "UNIQUE"),
                    type=str(info["type"]).removeprefix("STT_").replace("GNU_IFUNC", "IFUNC"),
                    letter="T" if info["type"] in ("STT_FUNC", "STT_GNU_IFUNC") else "D",
                    value=hit["st_value"],
                    size=hit["st_size"],
                )
            return found
    except InputError:
        raise
    except Exception as exc:
        raise InputError(path, f"corrupt ELF hash table ({_reason(exc)})") from None
    stream.seek(0)
    wanted = set(names)
    for symbol in read_elf(stream, path, table="dynsym").symbols:
        if symbol.name in wanted and symbol.defined:
            found.setdefault(symbol.name, symbol)
    return found


def stream_of(data: bytes | memoryview) -> BinaryIO:
    return io.BytesIO(data)


# -- object files without pyelftools' per-file setup ---------------------------------------
#
# Building an ELFFile costs ~0.2 ms of struct definitions before it reads a byte;
# libmkl_intel_lp64.a holds 17,000 members. Relocatable objects need only the ELF
# header and the section headers, so those are decoded here with struct, with
# every offset checked against the member's size.

_MACHINES = {3: "386", 8: "MIPS", 20: "PPC", 21: "PPC64", 22: "S390", 40: "ARM", 62: "X86_64",
             183: "AARCH64", 243: "RISCV", 258: "LOONGARCH"}


def read_elf_bytes(data: bytes | memoryview, path: str, *, member: str | None = None, table: str = "auto") -> ElfInfo:
    """Like :func:`read_elf` for bytes in memory, with a fast path for object files."""
    if len(data) >= 18 and bytes(data[:4]) == ELF_MAGIC and table != "dynsym":
        little = data[5] == 1
        e_type = struct.unpack_from("<H" if little else ">H", data, 16)[0]
        if e_type == 1 and data[4] in (1, 2) and data[5] in (1, 2):
            return _read_object(data, f"{path}({member})" if member else path, member)
    return read_elf(stream_of(data), path, table=table, member=member)


def _read_object(data, where: str, member: str | None) -> ElfInfo:
    wide = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    ehdr = struct.Struct(end + ("16sHHIQQQIHHHHHH" if wide else "16sHHIIIIIHHHHHH"))
    shdr = struct.Struct(end + ("IIQQQQIIQQ" if wide else "IIIIIIIIII"))
    if len(data) < ehdr.size:
        raise InputError(where, "corrupt ELF header (file shorter than its header)")
    (_, _, machine, _, _, _, shoff, _, _, _, _, shentsize, shnum, shstrndx) = ehdr.unpack_from(data, 0)
    size = len(data)
    if shoff == 0:
        return ElfInfo("object", 64 if wide else 32, end == "<", _MACHINES.get(machine, str(machine)), None)
    if shentsize != shdr.size or shoff + shdr.size > size:
        raise InputError(where, "corrupt ELF: section header table outside the file")
    if shnum == 0:  # extended numbering: the real count is in section 0's sh_size
        shnum = shdr.unpack_from(data, shoff)[5]
    if shoff + shnum * shdr.size > size:
        raise InputError(where, f"corrupt ELF: {shnum} section headers do not fit in the file")
    headers = [shdr.unpack_from(data, shoff + i * shdr.size) for i in range(shnum)]
    info = ElfInfo("object", 64 if wide else 32, end == "<", _MACHINES.get(machine, str(machine)), None)

    def section_bytes(index: int) -> bytes:
        _, sh_type, _, _, offset, length, *_ = headers[index]
        if sh_type == SHT_NOBITS:
            return b""
        if offset + length > size:
            raise InputError(where, f"corrupt ELF: section {index} extends past the end of the file")
        return bytes(data[offset : offset + length])

    symtab = next((i for i, h in enumerate(headers) if h[1] == 2), None)  # SHT_SYMTAB
    if symtab is None:
        return info
    info.table = ".symtab"
    _, _, _, _, _, _, link, _, _, entsize = headers[symtab]
    expected = 24 if wide else 16
    if entsize not in (expected, 0):
        raise InputError(where, f"corrupt ELF: .symtab entry size {entsize}, expected {expected}")
    if not 0 < link < shnum:
        raise InputError(where, f"corrupt ELF: .symtab links to missing string table {link}")
    letters = [_letter_for(h[1], h[2]) for h in headers]
    info.symbols = _decode_rows(section_bytes(symtab), section_bytes(link), wide, end, letters, None, member, where)
    return info


def _letter_for(sh_type: int, flags: int) -> str:
    if flags & SHF_EXECINSTR:
        return "t"
    if sh_type == SHT_NOBITS and flags & SHF_ALLOC:
        return "b"
    if flags & SHF_ALLOC and flags & SHF_WRITE:
        return "d"
    if flags & SHF_ALLOC:
        return "r"
    return "n"
