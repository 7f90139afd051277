"""An ELF file's dynamic section as the loader reads it: DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_SONAME."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mkldoctor.binary.elf import open_elf
from mkldoctor.binary.elfmap import DynamicTags, ElfFormatError, ElfMap
from mkldoctor.errors import InputError


@dataclass
class DynamicInfo:
    rpath: list[str] = field(default_factory=list)
    runpath: list[str] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)
    soname: str | None = None


def read_dynamic(path: str, origin: str | None = None, opener=None) -> DynamicInfo | None:
    """DT_RPATH, DT_RUNPATH, DT_NEEDED and DT_SONAME of an ELF file, ``$ORIGIN`` expanded.

    ``origin`` is the folder ``$ORIGIN`` stands for (inside a sysroot, its in-root path);
    by default the file's own real folder. ``opener`` opens ``path`` (a sysroot's confined
    ``Root.open``); by default the plain ``open``.
    """
    info = DynamicInfo()
    origin = os.path.dirname(os.path.realpath(path)) if origin is None else origin
    try:
        with ElfMap.open(path, opener) as elf:
            tags = elf.dynamic()
    except ElfFormatError:
        tags = None  # what the map cannot place, pyelftools reads below
    except (OSError, InputError):
        return None
    if tags is not None:
        return from_tags(tags, origin)
    try:
        with (opener(path) if opener else open(path, "rb")) as handle:
            elf = open_elf(handle, path)
            section = elf.get_section_by_name(".dynamic")
            if section is None:
                return info
            for tag in section.iter_tags():
                kind = tag.entry.d_tag
                if kind == "DT_RPATH":
                    info.rpath.extend(_expand(p, origin) for p in tag.rpath.split(":") if p)
                elif kind == "DT_RUNPATH":
                    info.runpath.extend(_expand(p, origin) for p in tag.runpath.split(":") if p)
                elif kind == "DT_NEEDED":
                    info.needed.append(tag.needed)
                elif kind == "DT_SONAME":
                    info.soname = tag.soname
    except (OSError, InputError):
        return None
    except Exception:  # pyelftools on a corrupt file
        return None
    return info


def from_tags(tags: DynamicTags, origin: str) -> DynamicInfo:
    """The loader's view of tags read from a map, ``$ORIGIN`` expanded to ``origin``."""
    return DynamicInfo([_expand(p, origin) for entry in tags.rpath for p in entry.split(":") if p],
                       [_expand(p, origin) for entry in tags.runpath for p in entry.split(":") if p],
                       list(tags.needed), tags.soname)


def _expand(path: str, origin: str) -> str:
    return path.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
