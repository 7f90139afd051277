"""What every discovery source returns, and what it is given."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mkldoctor.discover.sysroot import Root


@dataclass
class Candidate:
    """A folder that some source says holds MKL libraries."""

    source: str
    lib_dir: str  # in-root absolute path
    include_dirs: list[str] = field(default_factory=list)  # in-root absolute paths
    root: str | None = None  # the copy's prefix (MKLROOT), in-root
    package: str | None = None
    package_version: str | None = None
    version: str | None = None  # a version the source knows better than the files (an OCI tag)
    version_from: str | None = None
    evidence: list[str] = field(default_factory=list)


@dataclass
class Context:
    root: Root
    env: dict[str, str]
    search: list[str] = field(default_factory=list)  # extra folders from --search, in-root
    project: str | None = None  # the project folder (cargo target/ caches), in-root
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def homes(self) -> list[str]:
        """Home folders to look in: $HOME on the host; /root and /home/* in a sysroot."""
        if self.root.is_host:
            home = self.env.get("HOME") or os.path.expanduser("~")
            return [home]
        return ["/root"] + [f"/home/{name}" for name in self.root.listdir("/home")]

    def has_mkl_libs(self, lib_dir: str) -> bool:
        return any(n.startswith("libmkl_") for n in self.root.listdir(lib_dir))
