"""The loader's and linker's paths: LD_LIBRARY_PATH, LIBRARY_PATH, /etc/ld.so.conf(.d)."""

from __future__ import annotations

import glob
import posixpath

from mkldoctor.discover.base import Candidate, Context

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
            for included in sorted(glob.glob(ctx.root.host(pattern))):
                dirs += ld_so_conf_dirs(ctx, ctx.root.inside(included), depth + 1)
        else:
            dirs.append(line)
    return dirs


def search_path(ctx: Context) -> list[tuple[str, str]]:
    """(folder, why it is searched), in the loader's order."""
    path: list[tuple[str, str]] = []
    if ctx.root.is_host:
        path += [(d, "LD_LIBRARY_PATH") for d in ctx.env.get("LD_LIBRARY_PATH", "").split(":") if d]
        path += [(d, "LIBRARY_PATH (link time)") for d in ctx.env.get("LIBRARY_PATH", "").split(":") if d]
    path += [(d, "/etc/ld.so.conf") for d in ld_so_conf_dirs(ctx)]
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
