"""pip wheels: ``mkl``, ``mkl-static``, ``mkl-devel``, ``mkl-include``, ``intel-openmp``, ``tbb``.

Each wheel's ``*.dist-info`` names its version (METADATA) and its files (RECORD,
relative to site-packages: ``../../libmkl_core.a`` lands in the prefix's ``lib``).
"""

from __future__ import annotations

import posixpath
import sys

from mkldoctor.discover.base import Candidate, Context

PACKAGES = ("mkl", "mkl_static", "mkl_devel", "mkl_include", "intel_openmp", "tbb")
_SITE_GLOBS = (
    "/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages", "/usr/lib/python3/dist-packages",
    "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
    "/usr/lib64/python3*/site-packages", "/opt/*/lib/python3*/site-packages",
)


def site_dirs(ctx: Context) -> list[str]:
    found: list[str] = []
    patterns = list(_SITE_GLOBS)
    for home in ctx.homes():
        patterns.append(f"{home}/.local/lib/python3*/site-packages")
    for folder in ctx.search:
        patterns += [folder, f"{folder}/lib/python3*/site-packages", f"{folder}/lib/python3*/dist-packages",
                     f"{folder}/*/lib/python3*/site-packages"]
    if ctx.env.get("VIRTUAL_ENV"):
        patterns.append(f"{ctx.env['VIRTUAL_ENV']}/lib/python3*/site-packages")
    if ctx.root.is_host:
        found += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
        patterns.append(f"{sys.prefix}/lib/python3*/site-packages")
    for pattern in patterns:
        found += ctx.root.glob(pattern)
    unique: list[str] = []
    seen: set[str] = set()
    for folder in found:
        key = ctx.root.resolve(folder)
        if key not in seen:
            seen.add(key)
            unique.append(folder)
    return unique


def _metadata_version(ctx: Context, dist_info: str) -> str | None:
    text = ctx.root.read_text(posixpath.join(dist_info, "METADATA"), limit=1 << 16) or ""
    for line in text.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return None


def find(ctx: Context) -> list[Candidate]:
    by_dir: dict[str, Candidate] = {}
    for site in site_dirs(ctx):
        for entry in ctx.root.listdir(site):
            if not entry.endswith(".dist-info"):
                continue
            name = entry[: -len(".dist-info")].rsplit("-", 1)[0].lower().replace("-", "_")
            if name not in PACKAGES:
                continue
            dist_info = posixpath.join(site, entry)
            version = _metadata_version(ctx, dist_info)
            record = ctx.root.read_text(posixpath.join(dist_info, "RECORD")) or ""
            files = [posixpath.normpath(posixpath.join(site, line.split(",", 1)[0])) for line in record.splitlines() if line]
            lib_dirs = {posixpath.dirname(f) for f in files if "/libmkl_" in f or "/libiomp5" in f}
            include_dirs = {posixpath.dirname(f) for f in files if f.endswith("/mkl_version.h")}
            label = f"pip: {name.replace('_', '-')} {version} ({dist_info})"
            for lib_dir in sorted(lib_dirs):
                candidate = by_dir.setdefault(lib_dir, Candidate("pip", lib_dir, root=posixpath.dirname(lib_dir)))
                candidate.evidence.append(label)
                candidate.package_version = candidate.package_version or version
            for include_dir in include_dirs:
                prefix = posixpath.dirname(include_dir)
                lib_dir = posixpath.join(prefix, "lib")
                candidate = by_dir.setdefault(lib_dir, Candidate("pip", lib_dir, root=prefix))
                candidate.include_dirs.append(include_dir)
                candidate.evidence.append(label)
    for candidate in by_dir.values():
        candidate.package = ", ".join(e.split()[1] + " " + e.split()[2] for e in candidate.evidence)
    return [c for c in by_dir.values() if ctx.has_mkl_libs(c.lib_dir) or c.include_dirs]
