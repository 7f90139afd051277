"""Paths inside a sysroot (an unpacked container image) or the running system.

Inside ``--root DIR`` an absolute symlink such as ``/usr/lib/libmkl_rt.so ->
/opt/intel/...`` means ``DIR/opt/intel/...``, never the host's ``/opt``: links are
resolved here by hand, one component at a time, and can never leave the root.
"""

from __future__ import annotations

import os
import posixpath

from mkldoctor.errors import InputError

MAX_LINKS = 40  # what Linux allows in one path lookup


class Root:
    def __init__(self, root: str = "/") -> None:
        self.root = os.path.abspath(root)
        self.is_host = self.root == "/"
        if not os.path.isdir(self.root):
            raise InputError(root, "--root is not a folder")

    def host(self, path: str) -> str:
        """The host path of ``path`` (absolute inside the root), links not resolved."""
        if self.is_host:
            return path
        return os.path.join(self.root, path.lstrip("/"))

    def inside(self, host_path: str) -> str:
        """The in-root absolute path of a host path under the root."""
        if self.is_host:
            return host_path
        rel = os.path.relpath(host_path, self.root)
        return "/" if rel == "." else "/" + rel

    def resolve(self, path: str) -> str:
        """The host path of ``path`` with every symlink resolved inside the root.

        Raises :class:`InputError` on a symlink loop. A path that does not exist
        resolves as far as it can, like ``realpath``.
        """
        if self.is_host:
            try:
                os.stat(path)
            except OSError as exc:
                if exc.errno == 40:  # ELOOP
                    raise InputError(path, "symlink loop") from None
            return os.path.realpath(path)
        parts = [p for p in path.split("/") if p]
        done = "/"
        hops = 0
        while parts:
            part = parts.pop(0)
            if part == ".":
                continue
            if part == "..":
                done = posixpath.dirname(done) or "/"
                continue
            candidate = posixpath.join(done, part)
            host = self.host(candidate)
            if os.path.islink(host):
                hops += 1
                if hops > MAX_LINKS:
                    raise InputError(self.host(path), "symlink loop")
                target = os.readlink(host)
                if target.startswith("/"):
                    done = "/"
                parts = [p for p in target.split("/") if p] + parts
                continue
            done = candidate
        return self.host(done)

    def exists(self, path: str) -> bool:
        try:
            return os.path.exists(self.resolve(path))
        except InputError:
            return False

    def listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(self.resolve(path)))
        except (OSError, InputError):
            return []

    def read_text(self, path: str, limit: int = 64 << 20) -> str | None:
        try:
            with open(self.resolve(path), "rb") as handle:
                return handle.read(limit).decode("utf-8", "replace")
        except (OSError, InputError):
            return None
