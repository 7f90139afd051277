"""Intel's own layouts: ``/opt/intel/oneapi/mkl/<version>``, classic ``/opt/intel/mkl`` and
``compilers_and_libraries_*``, and the ``MKLROOT``/``ONEAPI_ROOT`` variables."""

from __future__ import annotations

import posixpath

from mkldoctor.discover.base import Candidate, Context
from mkldoctor.errors import InputError


def _lib_dir(ctx: Context, prefix: str) -> str | None:
    for sub in ("lib/intel64", "lib", "lib64"):
        folder = posixpath.join(prefix, sub)
        if ctx.has_mkl_libs(folder):
            return folder
    return None


def _candidate(ctx: Context, source: str, prefix: str, why: str) -> Candidate | None:
    lib_dir = _lib_dir(ctx, prefix)
    if lib_dir is None:
        return None
    include = posixpath.join(prefix, "include")
    return Candidate(source, lib_dir, [include] if ctx.root.exists(include) else [], root=prefix, evidence=[why])


def find(ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    oneapi_roots = ["/opt/intel/oneapi"]
    if ctx.root.is_host and ctx.env.get("ONEAPI_ROOT"):
        oneapi_roots.insert(0, ctx.env["ONEAPI_ROOT"])
    for oneapi in dict.fromkeys(oneapi_roots):
        mkl = posixpath.join(oneapi, "mkl")
        for version in ctx.root.listdir(mkl):
            prefix = posixpath.join(mkl, version)
            try:
                ctx.root.resolve(prefix)
            except InputError as exc:  # `latest` pointing at itself: say so rather than pass it by
                ctx.warn(f"oneAPI layout: {exc}: skipped")
                continue
            found = _candidate(ctx, "oneapi", prefix, f"oneAPI layout: {prefix}")
            if found:
                found.version, found.version_from = (None, None) if version == "latest" else (version, "folder name")
                out.append(found)
    for prefix in ["/opt/intel/mkl"] + [
        posixpath.join("/opt/intel", d, "linux/mkl") for d in ctx.root.listdir("/opt/intel") if d.startswith("compilers_and_libraries")
    ]:
        found = _candidate(ctx, "oneapi", prefix, f"classic Intel layout: {prefix}")
        if found:
            out.append(found)
    if ctx.root.is_host and ctx.env.get("MKLROOT"):
        mklroot = ctx.env["MKLROOT"]
        found = _candidate(ctx, "mklroot", mklroot, f"MKLROOT={mklroot}")
        if found:
            out.append(found)
        else:
            ctx.warn(f"MKLROOT={mklroot} holds no MKL libraries (looked in lib/intel64, lib, lib64)")
    return out
