"""The loader's and linker's paths: LD_LIBRARY_PATH, LIBRARY_PATH, /etc/ld.so.conf(.d)."""

from __future__ import annotations

import functools
import posixpath
import struct

from mkldoctor.discover.base import Candidate, Context
from mkldoctor.discover.sysroot import Root

# the folders the loader tries last, after the ld.so.cache (glibc's trusted folders on x86-64 Debian and Red Hat)
LOADER_DEFAULTS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib")
# the folders discovery looks in for MKL copies (the loader's, and /usr/local/lib)
DEFAULT_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                "/usr/local/lib")


def ld_so_conf_dirs(ctx: Context, path: str = "/etc/ld.so.conf", depth: int = 0) -> list[str]:
    text = ctx.root.read_text(path, limit=1 << 20)
    if text is None or depth > 8:
        return []
    dirs: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include"):
            pattern = line.split(None, 1)[1] if " " in line else ""
            if not pattern.startswith("/"):
                pattern = posixpath.join(posixpath.dirname(path), pattern)
            for included in ctx.root.glob(pattern):
                dirs += ld_so_conf_dirs(ctx, included, depth + 1)
        else:
            dirs.append(line)
    return dirs


CACHE = "/etc/ld.so.cache"
_CACHE_MAGIC = b"glibc-ld.so.cache1.1"


X86_64 = 0x0300  # ldconfig's FLAG_X8664_LIB64, in the arch bits of an entry's flags


def cache_entries(ctx: Context, x86_64_only: bool = False) -> list[tuple[str, str]]:
    """(soname, path) pairs from ``/etc/ld.so.cache`` (glibc's 1.1 format), read without ldconfig.

    Layout: magic, nlibs, len_strings, flags, extension offset, 3 unused words (48 bytes),
    then nlibs entries of (flags, key, value, osversion, hwcap), 24 bytes each; key and
    value are offsets of NUL-terminated strings from the start of the new-format header.
    """
    try:
        with ctx.root.open(CACHE) as handle:
            data = handle.read(64 << 20)
    except (OSError, ValueError):
        return []
    start = data.find(_CACHE_MAGIC)
    if start < 0 or len(data) < start + 48:
        if data:
            ctx.warn(f"{ctx.root.host(CACHE)}: not a glibc ld.so.cache (format 1.1): skipped")
        return []
    (nlibs,) = struct.unpack_from("<I", data, start + 20)
    if start + 48 + nlibs * 24 > len(data):
        ctx.warn(f"{ctx.root.host(CACHE)}: truncated ({nlibs} entries do not fit): skipped")
        return []

    def string(offset: int) -> str:
        offset += start
        end = data.find(b"\0", offset)
        return data[offset:end if end >= 0 else len(data)].decode("utf-8", "replace")

    entries = []
    for i in range(nlibs):
        flags, key, value, _, _ = struct.unpack_from("<iIIIQ", data, start + 48 + i * 24)
        if x86_64_only and flags & 0xFF00 != X86_64:
            continue
        if key < len(data) and value < len(data):
            entries.append((string(key), string(value)))
    return entries


def cache_table(ctx: Context) -> dict[str, tuple[str, ...]]:
    """soname -> in-root paths from the root's ``/etc/ld.so.cache`` (x86-64 entries), in its order, as ``ldconfig -p`` prints it."""
    table: dict[str, list[str]] = {}
    for soname, path in cache_entries(ctx, x86_64_only=True):
        table.setdefault(soname, []).append(path)
    return {k: tuple(v) for k, v in table.items()}


@functools.lru_cache(maxsize=1)
def host_cache() -> dict[str, tuple[str, ...]]:
    """:func:`cache_table` of this machine, read once."""
    return cache_table(Context(Root("/"), {}))


def search_path(ctx: Context) -> list[tuple[str, str]]:
    """(folder, why it is searched), in the loader's order."""
    path: list[tuple[str, str]] = []
    if ctx.root.is_host:
        path += [(d, "LD_LIBRARY_PATH") for d in ctx.env.get("LD_LIBRARY_PATH", "").split(":") if d]
        path += [(d, "LIBRARY_PATH (link time)") for d in ctx.env.get("LIBRARY_PATH", "").split(":") if d]
    path += [(d, "/etc/ld.so.conf") for d in ld_so_conf_dirs(ctx)]
    path += [(posixpath.dirname(p), "/etc/ld.so.cache") for name, p in cache_entries(ctx)
             if name.startswith(("libmkl_", "libiomp5"))]
    path += [(d, "default") for d in DEFAULT_DIRS]
    seen: set[str] = set()
    unique = []
    for folder, why in path:
        if folder not in seen:
            seen.add(folder)
            unique.append((folder, why))
    return unique


def find(ctx: Context) -> list[Candidate]:
    out = []
    for folder, why in search_path(ctx):
        if ctx.has_mkl_libs(folder):
            out.append(Candidate("loader", folder, root=posixpath.dirname(folder), evidence=[f"on the library path ({why}): {folder}"]))
    return out


def find_library(ctx: Context, prefix: str) -> list[str]:
    """Files named ``prefix*`` (``libiomp5``) in the loader's folders, in order."""
    found = []
    for folder, _ in search_path(ctx):
        for name in ctx.root.listdir(folder):
            if name.startswith(prefix + ".") and ctx.root.exists(posixpath.join(folder, name)):
                found.append(posixpath.join(folder, name))
    return found
