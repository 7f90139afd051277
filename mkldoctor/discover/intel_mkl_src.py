"""The MKL that the Rust crate ``intel-mkl-src`` downloads for itself.

Since 0.7 its build script falls back, for ``mkl-static-*`` features, to an OCI image
``ghcr.io/rust-math/rust-mkl/linux/<config>:2020.1-<run>`` that ocipkg unpacks into
``$XDG_DATA_HOME/ocipkg/ghcr.io/rust-math/rust-mkl/linux/<config>/__<tag>/`` (default
``~/.local/share/ocipkg``). Older releases unpacked into cargo's ``OUT_DIR``
(``target/*/build/intel-mkl-src-*/out``).
"""

from __future__ import annotations

import posixpath
import re

from mkldoctor.discover.base import Candidate, Context

IMAGE = "ghcr.io/rust-math/rust-mkl/linux"
_TAG_VERSION = re.compile(r"^_*(\d{4})\.(\d+)")


def data_homes(ctx: Context) -> list[str]:
    homes = []
    if ctx.root.is_host and ctx.env.get("XDG_DATA_HOME"):
        homes.append(ctx.env["XDG_DATA_HOME"])
    homes += [f"{home}/.local/share" for home in ctx.homes()]
    return list(dict.fromkeys(homes))


def find(ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    for data in data_homes(ctx):
        base = posixpath.join(data, "ocipkg", IMAGE)
        for config in ctx.root.listdir(base):
            for tag in ctx.root.listdir(posixpath.join(base, config)):
                folder = posixpath.join(base, config, tag)
                if not ctx.has_mkl_libs(folder):
                    continue
                candidate = Candidate("intel-mkl-src", folder, root=folder,
                                      evidence=[f"intel-mkl-src download (ocipkg): {IMAGE}/{config}:{tag.lstrip('_')}"])
                match = _TAG_VERSION.match(tag)
                if match:
                    candidate.version, candidate.version_from = f"{match.group(1)}.{match.group(2)}", "OCI image tag"
                out.append(candidate)
    if ctx.project:
        # older intel-mkl-src (<= 0.6): unpacked into the build script's OUT_DIR
        for profile in ctx.root.listdir(posixpath.join(ctx.project, "target")):
            build = posixpath.join(ctx.project, "target", profile, "build")
            for entry in ctx.root.listdir(build):
                if entry.startswith("intel-mkl-src-"):
                    out_dir = posixpath.join(build, entry, "out")
                    for folder in [out_dir] + [posixpath.join(out_dir, d) for d in ctx.root.listdir(out_dir)]:
                        if ctx.has_mkl_libs(folder):
                            out.append(Candidate("intel-mkl-src", folder, root=folder,
                                                 evidence=[f"intel-mkl-src download (cargo OUT_DIR): {folder}"]))
    return out
