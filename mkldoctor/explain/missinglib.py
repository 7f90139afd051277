"""The linkers' words for a library they did not find: GNU ld's and gold's ``cannot find -lX`` (with the linker's
prefix, or quoted alone by a page), lld's ``unable to find library -lX``, mold's ``library not found: X``, Apple ld64's
``library not found for -lX`` (``library 'X' not found`` since Xcode 15)."""

from __future__ import annotations

import os
import re

from mkldoctor.explain.events import MissingLibrary

_CANNOT_FIND = re.compile(r"[Cc]annot find (?:-l(?P<name>\S+?)|(?P<path>/\S+?|[\w.+-]+(?:/[\w.+-]+)*\.(?:a|so(?:\.\d+)*)))(?::\s|\s*$|\s)")  # a relative file too
# ld's words quoted without its name, in a sentence's case too ("Cannot find -lmkl_rt": a build note's)
_BARE_CANNOT_FIND = re.compile(r"^\s*[Cc]annot find -l[\w.+-]+(?::[^:]*)?\s*$")
_LLD_NO_LIB = re.compile(r"unable to find library -l(?P<name>\S+)")
_MOLD_NO_LIB = re.compile(r"library not found: (?P<name>\S+)")
_LD64_NO_LIB = re.compile(r"\bld: (?:warning: )?library (?:not found for -l(?P<name>\S+)|'(?P<quoted>[^']+)' not found)")
LIB_NAME = re.compile(r"^:?[\w.+-]+$")  # a library's name as -l takes it (-l:libfoo.so.1 too)


def missing_library(line: str, rest: str, prefixed: bool, linker: str) -> MissingLibrary | None:
    """``cannot find -lX`` (ld, gold, with the linker's prefix), lld's ``unable to find library``, mold's ``library not
    found``, Apple ld64's ``library not found for -lX`` (``library 'X' not found`` since Xcode 15)."""
    match = _CANNOT_FIND.search(rest + " ")
    if match and (prefixed or _BARE_CANNOT_FIND.match(rest)):
        name = match.group("name")
        if name is not None and LIB_NAME.match(name):
            return MissingLibrary(name, linker)
        if match.group("path"):
            return MissingLibrary(os.path.basename(match.group("path")), linker, match.group("path"))
    match = _LD64_NO_LIB.search(line)
    if match and "warning:" not in match.group(0):
        name = match.group("name") or match.group("quoted")
        return MissingLibrary(name, "ld64") if LIB_NAME.match(name) else None
    match = _LLD_NO_LIB.search(rest) or (_MOLD_NO_LIB.search(rest) if "mold" in line else None)
    if match and LIB_NAME.match(match.group("name")):  # rust-lld's: a cargo build (rustc's own lld)
        return MissingLibrary(match.group("name"), "mold" if "mold" in line else "rust-lld" if "rust-lld" in line else "lld")
    return None
