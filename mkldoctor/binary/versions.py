"""An ELF file's symbol versions (``.gnu.version``, ``.gnu.version_d``, ``.gnu.version_r``), read within bounds.

pyelftools walks the definition and requirement chains ``sh_info`` times, trusting that count: a
100-byte ``.gnu.version_d`` whose ``sh_info`` says 0x7fffffff never ends. Here every entry must lie
inside its section, each offset is visited once (a ``next`` of 0 or one pointing back ends a chain),
and no chain is longer than its section can hold. A section said to reach past the end of the file
is corrupt, never read as empty.
"""

from __future__ import annotations

import struct

from mkldoctor.errors import InputError

VERDEF, VERDAUX, VERNEED, VERNAUX = 20, 8, 16, 16  # entry sizes, the same in 32- and 64-bit files
VER_FLG_BASE = 0x1  # the definition that names the file itself, not a version


def section_bytes(section, file_size: int, where: str) -> bytes:
    """A section's bytes; one that reaches past the end of the file is corrupt (pyelftools would hand back
    what is there, and a listing of nothing would pass for a good file)."""
    if section["sh_type"] != "SHT_NOBITS" and section["sh_offset"] + section["sh_size"] > file_size:
        raise InputError(where, f"corrupt ELF: section {section.name or '?'} ({section['sh_size']} bytes at offset "
                                f"{section['sh_offset']}) extends past the end of the file ({file_size} bytes)")
    return section.data()


def version_names(little: bool, by_type: dict, sections, file_size: int,
                  where: str) -> tuple[list[int], dict[int, str], set[int]] | None:
    """The ``.gnu.version`` array, version names by index, and which of them this file defines."""
    versym = by_type.get("SHT_GNU_versym")
    if not versym:
        return None
    end = "<" if little else ">"
    raw = section_bytes(versym[0], file_size, where)
    indices = list(struct.unpack(end + "H" * (len(raw) // 2), raw[: len(raw) // 2 * 2]))
    names: dict[int, str] = {}
    defined: set[int] = set()
    for section in by_type.get("SHT_GNU_verdef", []):
        data = section_bytes(section, file_size, where)
        strings = _linked_strings(section, sections, file_size, where)
        for index, flags, name in _definitions(data, section["sh_info"], end):
            text = _string(strings, name)
            if not flags & VER_FLG_BASE and text is not None:
                names[index] = text
                defined.add(index)
    for section in by_type.get("SHT_GNU_verneed", []):
        data = section_bytes(section, file_size, where)
        strings = _linked_strings(section, sections, file_size, where)
        for index, name in _requirements(data, section["sh_info"], end):
            if (text := _string(strings, name)) is not None:
                names[index] = text
    return indices, names, defined


def _linked_strings(section, sections, file_size: int, where: str) -> bytes:
    link = section["sh_link"]
    if not 0 < link < len(sections):
        raise InputError(where, f"corrupt ELF: {section.name} links to missing string table {link}")
    return section_bytes(sections[link], file_size, where)


def _string(strings: bytes, offset: int) -> str | None:
    if offset >= len(strings):
        return None
    stop = strings.find(b"\0", offset)
    return strings[offset: stop if stop >= 0 else len(strings)].decode("utf-8", "replace")


def _chain(data: bytes, first: int, count: int, size: int, next_field, seen: set[int]) -> list[int]:
    """Offsets of a chain of ``size``-byte entries from ``first``: at most ``count`` and no more than fit in
    ``data``, each inside it and not in ``seen`` (shared by the chains of one section, so that all of them
    together visit each offset once); ``next_field(offset)`` is the step to the next (0 ends it)."""
    offsets: list[int] = []
    offset = first
    while len(offsets) < min(count, len(data) // size) and 0 <= offset <= len(data) - size and offset not in seen:
        seen.add(offset)
        offsets.append(offset)
        step = next_field(offset)
        if not step:
            break
        offset += step
    return offsets


def _definitions(data: bytes, count: int, end: str) -> list[tuple[int, int, int]]:
    """(vd_ndx, vd_flags, its first vda_name) of each Elf_Verdef that names one."""
    out = []
    for offset in _chain(data, 0, count, VERDEF, lambda o: struct.unpack_from(end + "I", data, o + 16)[0], set()):
        _, flags, index, aux_count, _, aux, _ = struct.unpack_from(end + "HHHHIII", data, offset)
        if aux_count and offset + aux + VERDAUX <= len(data):
            out.append((index, flags, struct.unpack_from(end + "I", data, offset + aux)[0]))
    return out


def _requirements(data: bytes, count: int, end: str) -> list[tuple[int, int]]:
    """(vna_other, vna_name) of every Elf_Vernaux of each Elf_Verneed."""
    out = []
    step = lambda o: struct.unpack_from(end + "I", data, o + 12)[0]  # noqa: E731 - vn_next and vna_next alike
    needs: set[int] = set()
    auxes: set[int] = set()
    for offset in _chain(data, 0, count, VERNEED, step, needs):
        _, aux_count, _, aux, _ = struct.unpack_from(end + "HHIII", data, offset)
        for here in _chain(data, offset + aux, aux_count, VERNAUX, step, auxes):
            _, _, other, name, _ = struct.unpack_from(end + "IHHII", data, here)
            out.append((other, name))
    return out
