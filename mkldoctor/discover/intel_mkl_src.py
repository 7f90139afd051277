"""The MKL that the Rust crate ``intel-mkl-src`` downloads for itself.

Since 0.8 its build script falls back, for ``mkl-static-*`` features, to an OCI image
``<registry>/rust-math/rust-mkl/linux/<config>:2020.1-<run>`` that ocipkg unpacks into
``$XDG_DATA_HOME/ocipkg/<registry>/rust-math/rust-mkl/linux/<config>/__<tag>/`` (default
``~/.local/share/ocipkg``); any registry folder is read (the one the build script names, or a mirror's). Older releases unpacked into cargo's ``OUT_DIR``
(``<target>/<profile>/build/intel-mkl-src-*/out``, ``<target>/<triple>/<profile>/...``), or, with
0.6/0.7's ``xdg-data-home`` feature, into ``$XDG_DATA_HOME/intel-mkl-tool/2020.1``
(0.5's ``use-shared``: ``intel-mkl-tool`` itself).
"""

from __future__ import annotations

import posixpath
import re

from mkldoctor.discover.base import Candidate, Context

IMAGE = "rust-math/rust-mkl/linux"  # the image's path under its registry
_TAG_VERSION = re.compile(r"^_*(\d{4})\.(\d+)")


def data_homes(ctx: Context) -> list[str]:
    homes = []
    if ctx.root.is_host and ctx.env.get("XDG_DATA_HOME"):
        homes.append(ctx.env["XDG_DATA_HOME"])
    homes += [f"{home}/.local/share" for home in ctx.homes()]
    return list(dict.fromkeys(homes))


def _downloads(ctx: Context, registry_folder: str, registry: str) -> list[Candidate]:
    """The configurations ocipkg unpacked from ``registry``'s rust-mkl images."""
    out: list[Candidate] = []
    base = posixpath.join(registry_folder, IMAGE)
    for config in ctx.root.listdir(base):
        for tag in ctx.root.listdir(posixpath.join(base, config)):
            folder = posixpath.join(base, config, tag)
            if not ctx.has_mkl_libs(folder):
                continue
            candidate = Candidate("intel-mkl-src", folder, root=folder,
                                  evidence=[f"intel-mkl-src download (ocipkg): {registry}/{IMAGE}/{config}:{tag.lstrip('_')}"])
            match = _TAG_VERSION.match(tag)
            if match:
                candidate.version, candidate.version_from = f"{match.group(1)}.{match.group(2)}", "OCI image tag"
            out.append(candidate)
    return out


def find(ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    for data in data_homes(ctx):
        for registry in ctx.root.listdir(posixpath.join(data, "ocipkg")):
            out += _downloads(ctx, posixpath.join(data, "ocipkg", registry), registry)
    for data in data_homes(ctx):
        # intel-mkl-tool's own cache (0.5 use-shared; 0.6/0.7 xdg-data-home): <data>/intel-mkl-tool[/2020.1]
        base = posixpath.join(data, "intel-mkl-tool")
        for folder in [base] + [posixpath.join(base, d) for d in ctx.root.listdir(base)]:
            if ctx.has_mkl_libs(folder):
                candidate = Candidate("intel-mkl-src", folder, root=folder,
                                      evidence=[f"intel-mkl-src download (intel-mkl-tool cache): {folder}"])
                match = _TAG_VERSION.match(posixpath.basename(folder))
                if match:
                    candidate.version, candidate.version_from = f"{match.group(1)}.{match.group(2)}", "intel-mkl-tool folder"
                out.append(candidate)
    if ctx.project:
        # older intel-mkl-src (<= 0.7): unpacked into the build script's OUT_DIR, per profile and triple
        targets = [posixpath.join(ctx.project, "target")]
        if ctx.root.is_host and ctx.env.get("CARGO_TARGET_DIR"):
            targets.insert(0, posixpath.join(ctx.project, ctx.env["CARGO_TARGET_DIR"]))
        builds = []
        for target in dict.fromkeys(targets):
            for entry in ctx.root.listdir(target):
                builds.append(posixpath.join(target, entry, "build"))
                builds += [posixpath.join(target, entry, p, "build") for p in ctx.root.listdir(posixpath.join(target, entry))]
        for build in builds:
            for entry in ctx.root.listdir(build):
                if entry.startswith("intel-mkl-src-"):
                    out_dir = posixpath.join(build, entry, "out")
                    for folder in [out_dir] + [posixpath.join(out_dir, d) for d in ctx.root.listdir(out_dir)]:
                        if ctx.has_mkl_libs(folder):
                            out.append(Candidate("intel-mkl-src", folder, root=folder,
                                                 evidence=[f"intel-mkl-src download (cargo OUT_DIR): {folder}"]))
    return out
