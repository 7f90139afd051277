"""Reading ``ar`` archives (``.a``, thin archives, Rust ``.rlib``) without unpacking them.

pyelftools does not read archives, so this module walks the format itself over an
``mmap``: the 8-byte magic, 60-byte member headers, even padding, GNU (``//``) and
BSD (``#1/N``) long names, and the symbol index (GNU ``/`` and ``/SYM64/``, BSD
``__.SYMDEF``). The index answers "which member defines X" without parsing any
member, which is what makes ``--find`` on a 570 MB ``libmkl_core.a`` instant.

Every offset and size read from the file is checked against the file's length
before use: a lying header becomes an :class:`InputError`, never a crash or a hang.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterator

from mkldoctor.errors import InputError

AR_MAGIC = b"!<arch>\n"
THIN_MAGIC = b"!<thin>\n"
_HEADER = 60
_FMAG = b"`\n"


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member: its name and where its bytes are."""

    name: str
    header_offset: int
    data_offset: int
    size: int
    external: str | None = None  # thin archives: path of the file holding the data


@dataclass(frozen=True, slots=True)
class SymbolIndex:
    """The archive's own table of defined symbols: (name, member header offset)."""

    kind: str  # "gnu", "gnu64" or "bsd"
    names: bytes  # NUL-separated names, in index order
    offsets: tuple[int, ...]

    def lookup(self, name: str) -> list[int]:
        """Header offsets of the members that define ``name``, in index order.

        Searches the raw name table with ``bytes.find`` instead of building a dict
        of every name: one lookup in a 100k-name index costs microseconds.
        """
        needle = name.encode() + b"\0"
        found: list[int] = []
        start = 0
        table = self.names
        while True:
            pos = table.find(needle, start)
            if pos < 0:
                return found
            start = pos + 1
            if pos and table[pos - 1] != 0:
                continue  # a longer name that ends with this one
            ordinal = table.count(b"\0", 0, pos)
            if ordinal < len(self.offsets):
                found.append(self.offsets[ordinal])

    def __len__(self) -> int:
        return len(self.offsets)


class Archive:
    """An open ``ar`` archive. Use as a context manager; members are read lazily."""

    def __init__(self, path: str, opener: Callable[[str], BinaryIO] | None = None) -> None:
        self.path = path
        self._open = opener or (lambda p: open(p, "rb"))  # noqa: SIM115 - a thin member's opener goes the same way
        self._file = self._open(path)  # closed in close()
        size = os.fstat(self._file.fileno()).st_size
        if size < len(AR_MAGIC):
            self._file.close()
            raise InputError(path, "truncated archive (shorter than the ar magic)")
        self._data: mmap.mmap | bytes
        try:
            self._data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):
            self._data = self._file.read()
        magic = self._data[:8]
        if magic not in (AR_MAGIC, THIN_MAGIC):
            self.close()
            raise InputError(path, "not an ar archive")
        self.thin = magic == THIN_MAGIC
        self.index: SymbolIndex | None = None
        self._members: list[Member] | None = None
        self._long_names = b""
        try:
            self._first = self._read_specials()
        except InputError:
            self.close()
            raise

    @property
    def members(self) -> list[Member]:
        """Every regular member, in order (read on first use: 35,000 headers in libmkl_core.a)."""
        if self._members is None:
            self._members = list(self._walk(self._first))
        return self._members

    # -- structure -------------------------------------------------------------------

    def _header_at(self, pos: int) -> tuple[Member, bool, int]:
        """Parse the member header at ``pos``: (member, is_special, offset of the next header)."""
        data = self._data
        end = len(data)
        if pos + _HEADER > end:
            raise InputError(self.path, f"truncated archive: partial member header at offset {pos}")
        header = data[pos : pos + _HEADER]
        if header[58:60] != _FMAG:
            raise InputError(self.path, f"corrupt archive: bad member header at offset {pos}")
        raw_name = header[0:16].rstrip(b" ")
        size_field = header[48:58].strip()
        if not size_field.isdigit():
            raise InputError(self.path, f"corrupt archive: member size {size_field!r} at offset {pos}")
        name, data_offset, size = self._member_name(raw_name, pos + _HEADER, int(size_field), pos)
        special = raw_name in (b"/", b"/SYM64/", b"//") or name.startswith("__.SYMDEF")
        stored = 0 if self.thin and not special else size  # thin: the data is in the named file
        if data_offset + stored > end:
            raise InputError(
                self.path,
                f"truncated archive: member {name!r} at offset {pos} claims {size} bytes, "
                f"only {end - data_offset} remain",
            )
        external = os.path.join(os.path.dirname(self.path), name) if self.thin and not special else None
        following = data_offset + stored
        return Member(name, pos, data_offset, size, external), special, following + (following & 1)

    def _at_end(self, pos: int) -> bool:
        # some tools pad the file with a final newline
        return pos >= len(self._data) or self._data[pos : pos + _HEADER].strip(b"\n") == b""

    def _read_specials(self) -> int:
        """Read the symbol index and long-name table that lead the archive; return where members start."""
        pos = 8
        while not self._at_end(pos):
            member, special, following = self._header_at(pos)
            if not special:
                return pos
            blob = self._data[member.data_offset : member.data_offset + member.size]
            if member.name in ("/", "/SYM64/"):
                self.index = self._parse_gnu_index(blob, member.name == "/SYM64/")
            elif member.name == "//":
                self._long_names = bytes(blob)
            else:
                self.index = self._parse_bsd_index(blob)
            pos = following
        return pos

    def _walk(self, pos: int) -> Iterator[Member]:
        while not self._at_end(pos):
            member, special, pos = self._header_at(pos)
            if not special:
                yield member

    def _member_name(self, raw: bytes, data_offset: int, size: int, pos: int) -> tuple[str, int, int]:
        if raw.startswith(b"#1/"):  # BSD: the name follows the header, counted in size
            digits = raw[3:]
            if not digits.isdigit() or int(digits) > size:
                raise InputError(self.path, f"corrupt archive: bad BSD long name at offset {pos}")
            length = int(digits)
            name = bytes(self._data[data_offset : data_offset + length]).rstrip(b"\0")
            return name.decode("utf-8", "replace"), data_offset + length, size - length
        if raw.startswith(b"/") and raw[1:].isdigit():  # GNU: offset into the // table
            start = int(raw[1:])
            if start >= len(self._long_names):
                raise InputError(self.path, f"corrupt archive: long name offset {start} past the name table")
            stop = self._long_names.find(b"/\n", start)
            if stop < 0:
                stop = self._long_names.find(b"\n", start)
            if stop < 0:
                stop = len(self._long_names)
            return self._long_names[start:stop].decode("utf-8", "replace"), data_offset, size
        if raw in (b"/", b"//", b"/SYM64/"):
            return raw.decode(), data_offset, size
        if raw.endswith(b"/"):
            raw = raw[:-1]
        return raw.decode("utf-8", "replace"), data_offset, size

    def _parse_gnu_index(self, blob: bytes, wide: bool) -> SymbolIndex:
        word = 8 if wide else 4
        if len(blob) < word:
            raise InputError(self.path, "corrupt archive: symbol index shorter than its count")
        (count,) = struct.unpack(">Q" if wide else ">I", blob[:word])
        table_end = word + count * word
        if table_end > len(blob):
            raise InputError(self.path, f"corrupt archive: symbol index claims {count} entries, too many for its size")
        offsets = struct.unpack(f">{count}{'Q' if wide else 'I'}", blob[word:table_end])
        return SymbolIndex("gnu64" if wide else "gnu", bytes(blob[table_end:]), offsets)

    def _parse_bsd_index(self, blob: bytes) -> SymbolIndex:
        # struct ranlib { uint32 ran_strx; uint32 ran_off; }, little-endian on the
        # platforms that still write it (macOS, FreeBSD ar).
        if len(blob) < 4:
            raise InputError(self.path, "corrupt archive: BSD symbol index too short")
        (ranlib_bytes,) = struct.unpack("<I", blob[:4])
        if ranlib_bytes % 8 or 8 + ranlib_bytes > len(blob):
            raise InputError(self.path, "corrupt archive: BSD symbol index size does not fit")
        pairs = list(struct.iter_unpack("<II", blob[4 : 4 + ranlib_bytes]))
        (str_size,) = struct.unpack("<I", blob[4 + ranlib_bytes : 8 + ranlib_bytes])
        strings = bytes(blob[8 + ranlib_bytes : 8 + ranlib_bytes + str_size])
        names = []
        offsets = []
        for strx, offset in pairs:
            if strx >= len(strings):
                raise InputError(self.path, "corrupt archive: BSD symbol index name past its string table")
            stop = strings.find(b"\0", strx)
            names.append(strings[strx : stop if stop >= 0 else len(strings)])
            offsets.append(offset)
        return SymbolIndex("bsd", b"\0".join(names) + b"\0", tuple(offsets))

    # -- access ----------------------------------------------------------------------

    def member_at(self, header_offset: int) -> Member | None:
        """The member whose header starts at ``header_offset``, as the index names it.

        Parses that one header instead of walking the archive; an offset that does
        not land on a member header (a lying index) gives ``None``.
        """
        if header_offset < self._first or header_offset & 1:
            return None
        try:
            member, special, _ = self._header_at(header_offset)
        except InputError:
            return None
        return None if special else member

    def read(self, member: Member) -> bytes | memoryview:
        """The member's bytes: a zero-copy view into the archive, or the external file's."""
        if member.external is not None:
            try:
                with self._open(member.external) as handle:
                    data = handle.read(member.size + 1)
            except (OSError, ValueError) as exc:
                reason = getattr(exc, "strerror", None) or "cannot be opened"
                raise InputError(self.path, f"thin archive member {member.name!r}: {reason}") from None
            if len(data) != member.size:
                raise InputError(self.path, f"thin archive member {member.name!r} changed size since it was archived")
            return data
        return memoryview(self._data)[member.data_offset : member.data_offset + member.size]

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def close(self) -> None:
        data = getattr(self, "_data", None)
        if isinstance(data, mmap.mmap):
            try:
                data.close()
            except BufferError:
                pass  # a memoryview still refers to it; the GC closes it
        self._file.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_archive(head: bytes) -> bool:
    return head[:8] in (AR_MAGIC, THIN_MAGIC)
