"""Linkers that say one undefined name over several lines, and the object names every linker prints.

lld and mold head a block with ``undefined symbol: X`` and list its callers under it (``>>> referenced by x.o:(fn)``,
``>>>               x.rcgu.o:(fn) in archive libx.rlib``); Apple's ld64 heads it with ``"_X", referenced from:`` and
lists ``_fn in x.o`` lines. :func:`start` reads a head, :func:`take` the lines under it, :func:`events` the block's
events once a line that is not its own ends it. GNU ld says a name on one line and is read in :mod:`logparse`.
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.events import UndefinedSymbol
from mkldoctor.knowledge import facts

# lld's and mold's block head; pasted logs drop the linker's name ("error: undefined symbol: hgemm_") or keep rustc's "note: "
_UNDEF_SYMBOL = re.compile(
    r"^\s*(?:note:\s*)?(?:(?P<ld>(?:\S*/)?(?:lld-link(?:\.exe)?|ld\.lld|ld64\.lld|rust-lld|lld|mold|ld\.mold))(?::\s*error)?:\s+|error:\s+)"
    r"undefined symbol:\s+(?P<sym>.+?)\s*$"
)
_LLD_REF = re.compile(r"^\s*>>>\s+referenced by\s+(?P<what>.+?)\s*$")
_LLD_CONT = re.compile(r"^\s*>>>\s{2,}(?P<what>.+?)\s*$")
_LLD_OTHER = re.compile(r"^\s*>>>\s+(?:did you mean|defined in|the encapsulation)")
# Apple's ld64: '  "_dgemm_", referenced from:' then '      _matmul in rtkcmn.o' (C names carry a leading underscore)
# a page may cut the callers; one that lost its indent may join the first caller to the line ("... from: _f in x.o")
_LD64_SYMBOL = re.compile(r'^\s*"(?P<sym>_[^"\s]+)", referenced from:\s*(?:\.{3}|…|(?P<ref>\S.*? in \S+))?\s*$')
# the caller may be a C++ signature, spaces and all: "pptranspose_tp1169(j2c_array<double>&, j2c_array<double>*) in x.o"
_LD64_REF = re.compile(r"^\s+(?:(?P<fn>[^\s(]+(?:\([^()]*\)(?: const)?)?) in (?P<obj>\S+)|\.\.\.)\s*$")
_OBJ_FN = re.compile(r"^(?P<obj>.+?):\((?P<fn>.+)\)(?: in archive (?P<archive>.+))?$")
_ARCHIVE_MEMBER = re.compile(r"^(?P<archive>.+?\.(?:a|rlib|lib))\((?P<member>[^()]+)\)$")
_RUST_HASH = re.compile(r"::h[0-9a-f]{16}$")

SYMBOL_NAME = re.compile(r"^[A-Za-z_.$][\w.$@]*$|^[A-Za-z_]\w*::[\w:<>,()*&~ \[\].-]*$")  # C, or C++ as ld demangles it


# a MinGW linker on a Unix host: "/usr/bin/x86_64-w64-mingw32-ld", collect2's "/usr/lib/gcc/x86_64-w64-mingw32/12-win32/../
# ../../../x86_64-w64-mingw32/bin/ld" (MSYS2's on Windows itself is "C:/msys64/.../x86_64-w64-mingw32/bin/ld.exe": not this)
_MINGW_CROSS = re.compile(r"^(?![A-Za-z]:)(?:\S*/)?(?P<triple>(?:x86_64|i686)-w64-mingw32)(?:-ld|/bin/ld)(?:\.bfd)?$")


def linker_name(prefix: str) -> str:
    """The linker a line's prefix names (``/usr/bin/ld.gold`` -> gold); GNU ld where it names none of the others."""
    base = os.path.basename(prefix)
    cross = _MINGW_CROSS.search(prefix)
    if cross:  # a MinGW toolchain on a Unix host (Debian's mingw-w64, BinaryBuilder's): its triple's ld, for Windows
        return f"{cross.group('triple')}-ld"
    if "gold" in base:
        return "gold"
    if "mold" in base:
        return "mold"
    if "lld" in base:
        return "lld-link" if "lld-link" in base else "lld"
    return "ld"


def strip_rust_hash(name: str) -> str:
    """A Rust function's name without the hash rustc appends (``foo::bar::h0123456789abcdef`` -> ``foo::bar``)."""
    return _RUST_HASH.sub("", name)


def split_object(text: str) -> tuple[str, str | None]:
    """``lib.a(member.o)`` -> (``lib.a``, ``member.o``); anything else -> (text, None)."""
    match = _ARCHIVE_MEMBER.match(text)
    if match:
        return match.group("archive"), match.group("member")
    return text, None


def start(line: str, at: int) -> dict | None:
    """The block a line heads (the name, the linker, the callers read so far, the log line), or None."""
    if "referenced from:" in line:
        match = _LD64_SYMBOL.match(line)
        if match:  # the C name without the underscore macOS puts before it (_dgemm_ -> dgemm_, __ZN... -> _ZN...)
            block = {"sym": match.group("sym")[1:], "linker": "ld64", "refs": [], "at": at}
            if match.group("ref"):
                _ld64_reference(block, " " + match.group("ref"))
            return block
    if "undefined symbol:" in line and "symbol lookup error" not in line:
        match = _UNDEF_SYMBOL.match(line)
        if match and (SYMBOL_NAME.match(match.group("sym").split("(")[0] or "?") or facts.CXX_RUNTIME.match(match.group("sym"))):
            return {"sym": match.group("sym"), "linker": linker_name(match.group("ld") or "lld"), "refs": [], "at": at}
    return None


def take(block: dict, line: str) -> bool:
    """Whether a line belongs to the block under way (a caller, or a line of lld's it reads past)."""
    if ">>>" in line:
        _lld_reference(block, line)
        return True
    return block["linker"] == "ld64" and _ld64_reference(block, line)


def events(block: dict) -> list[UndefinedSymbol]:
    """The block's name once for each caller it listed (once with no caller where it listed none)."""
    refs = block["refs"] or [(None, None, None, None)]
    return [UndefinedSymbol(block["sym"], obj, member, fn, block["linker"], loc, block["at"]) for obj, member, fn, loc in refs]


def _ld64_reference(block: dict, line: str) -> bool:
    """A line of ld64's block under a name: ``_matmul in rtkcmn.o`` (the caller, the object) or ``...``; False when
    the line is not one."""
    ref = _LD64_REF.match(line)
    if ref is None:
        return False
    if ref.group("obj") and len(block["refs"]) < 8:
        obj, member = split_object(ref.group("obj"))
        fn = ref.group("fn")
        block["refs"].append((obj, member, fn[1:] if fn.startswith("_") else fn, None))
    return True


def _lld_reference(block: dict, line: str) -> None:
    """A ``>>>`` line of lld's or mold's undefined-symbol block: where the symbol is referenced."""
    ref = _LLD_REF.match(line)
    if ref:
        what = ref.group("what")
        objfn = _OBJ_FN.match(what)
        if objfn:  # ">>> referenced by lib.a(x.o):(fn)"
            obj, member = split_object(objfn.group("obj"))
            if objfn.group("archive"):
                obj, member = objfn.group("archive"), objfn.group("obj")
            block["refs"].append((obj, member, strip_rust_hash(objfn.group("fn")), None))
        else:  # ">>> referenced by main.rs:7 (src/main.rs:7)"; the object follows
            block["refs"].append((None, None, None, what))
        return
    if _LLD_OTHER.match(line):
        return
    cont = _LLD_CONT.match(line)
    if cont and block["refs"]:
        what = cont.group("what")
        objfn = _OBJ_FN.match(what)
        obj, member = split_object(objfn.group("obj") if objfn else what)
        if objfn and objfn.group("archive"):  # "x.rcgu.o:(fn) in archive /p/libx.rlib"
            obj, member = objfn.group("archive"), objfn.group("obj")
        fn = strip_rust_hash(objfn.group("fn")) if objfn else None
        block["refs"][-1] = (obj, member, fn, block["refs"][-1][3])
