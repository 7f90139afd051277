"""dpkg/apt: Intel's ``intel-oneapi-mkl*`` packages and Debian/Ubuntu's ``libmkl-*``.

Reads ``var/lib/dpkg/status`` for what is installed and ``info/<pkg>[:arch].list``
for where its files went; never runs dpkg.
"""

from __future__ import annotations

import posixpath
import re

from mkldoctor.discover.base import Candidate, Context

STATUS = "/var/lib/dpkg/status"
INFO = "/var/lib/dpkg/info"
_MKL_PACKAGE = re.compile(r"^(intel-oneapi-mkl|libmkl-|intel-mkl)")
_LIB = re.compile(r"/lib(mkl_[a-z0-9_]+|iomp5)\.(a|so[.0-9]*)$")


def parse_status(text: str) -> list[dict[str, str]]:
    """dpkg's status file: RFC 822-style stanzas with continuation lines."""
    stanzas: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            if current:
                stanzas.append(current)
            current, key = {}, None
        elif line[0] in " \t" and key:
            current[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            current[key] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def installed_mkl_packages(ctx: Context) -> list[dict[str, str]]:
    text = ctx.root.read_text(STATUS)
    if text is None:
        return []
    packages = []
    for stanza in parse_status(text):
        if "Package" not in stanza:
            ctx.warn(f"{ctx.root.host(STATUS)}: a stanza without a Package field was skipped")
            continue
        if _MKL_PACKAGE.match(stanza["Package"]) and stanza.get("Status", "").endswith(" installed"):
            packages.append(stanza)
    return packages


def package_files(ctx: Context, stanza: dict[str, str]) -> list[str]:
    name = stanza["Package"]
    arch = stanza.get("Architecture", "")
    for candidate in (f"{name}:{arch}.list", f"{name}.list"):
        text = ctx.root.read_text(posixpath.join(INFO, candidate))
        if text is not None:
            return [line for line in text.splitlines() if line.startswith("/")]
    ctx.warn(f"dpkg package {name} is installed but has no file list in {ctx.root.host(INFO)}")
    return []


def find(ctx: Context) -> list[Candidate]:
    by_dir: dict[str, Candidate] = {}
    for stanza in installed_mkl_packages(ctx):
        name, version = stanza["Package"], stanza.get("Version", "")
        files = package_files(ctx, stanza)
        lib_dirs = sorted({posixpath.dirname(f) for f in files if _LIB.search(f)})
        include_dirs = sorted({posixpath.dirname(f) for f in files if f.endswith("/mkl_version.h") or f.endswith("/mkl.h")})
        if not lib_dirs and not include_dirs:
            continue  # a metapackage or docs
        for lib_dir in lib_dirs or []:
            candidate = by_dir.setdefault(lib_dir, Candidate("dpkg", lib_dir, package_version=version))
            candidate.evidence.append(f"dpkg: {name} {version}")
            candidate.include_dirs = sorted(set(candidate.include_dirs) | set(include_dirs))
        if not lib_dirs:  # headers-only package (libmkl-dev without the libraries' package)
            for candidate in by_dir.values():
                candidate.include_dirs = sorted(set(candidate.include_dirs) | set(include_dirs))
                candidate.evidence.append(f"dpkg: {name} {version}")
    for candidate in by_dir.values():
        names = [e.split()[1] for e in candidate.evidence]
        candidate.package = ", ".join(names)
        candidate.root = _prefix(candidate.lib_dir)
    return list(by_dir.values())


def _prefix(lib_dir: str) -> str:
    # /opt/intel/oneapi/mkl/2024.2/lib(/intel64) -> /opt/intel/oneapi/mkl/2024.2; /usr/lib/x86_64-linux-gnu -> /usr
    parts = lib_dir.split("/")
    if "lib" in parts:
        return "/".join(parts[: parts.index("lib")]) or "/"
    return posixpath.dirname(lib_dir)
