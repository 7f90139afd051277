"""Paths inside a sysroot (an unpacked container image) or the running system.

Inside ``--root DIR`` an absolute symlink such as ``/usr/lib/libmkl_rt.so ->
/opt/intel/...`` means ``DIR/opt/intel/...``, never the host's ``/opt``. Every lookup and
read goes through :class:`mkldoctor.rootfs.RootFS`, which resolves links by hand and
never leaves the root; this is the discovery sources' view of it.
"""

from __future__ import annotations

from typing import BinaryIO

from mkldoctor.errors import InputError
from mkldoctor.rootfs import MAX_LINKS, Broken, OutsideRoot, RootFS

__all__ = ["MAX_LINKS", "Root"]


class Root:
    def __init__(self, root: str = "/") -> None:
        try:
            self.fs = RootFS(root)
        except OSError:
            raise InputError(root, "--root is not a folder") from None
        self.root = self.fs.root
        self.is_host = self.fs.is_host
        self.problems: list[str] = []  # files and folders there by name that could not be read inside the root
        self._noted: set[str] = set()

    def host(self, path: str) -> str:
        """The host path of ``path`` (absolute inside the root), links not resolved."""
        return self.fs.host(path)

    def inside(self, host_path: str) -> str:
        """The in-root absolute path of a host path under the root."""
        return self.fs.inside(host_path)

    def resolve(self, path: str) -> str:
        """The host path of ``path`` with every symlink resolved inside the root.

        Raises :class:`InputError` on a symlink loop. A path that does not exist resolves as
        far as it can, like ``realpath``; one that cannot be resolved inside the root (a link
        leaving it) is returned as named. Either way, read it only through ``self.fs``.
        """
        found = self.fs.resolve(path)
        if isinstance(found, Broken):
            if found.kind == "loop":
                raise InputError(found.at, "symlink loop")
            return found.host if found.kind in ("missing", "dangling") else found.at
        return found

    def real_host(self, path: str) -> str | None:
        """The host path of the real file or folder ``path`` names inside the root; None when there is none in it
        (missing, dangling, a link leaving the root, a loop)."""
        found = self.fs.resolve(path)
        return None if isinstance(found, Broken) else found

    def exists(self, path: str) -> bool:
        return self.fs.exists(path)

    def isdir(self, path: str) -> bool:
        return self.fs.isdir(path)

    def glob(self, pattern: str) -> list[str]:
        """In-root paths matching ``pattern``, never listing a folder outside the root."""
        return self.fs.glob(pattern)

    def listdir(self, path: str) -> list[str]:
        try:
            return self.fs.listdir(path)
        except OutsideRoot as exc:
            self._note(exc.broken)
            return []
        except OSError:
            return []

    def open(self, path: str) -> BinaryIO:
        """``path`` opened inside the root; a file that is there by name but leads out of it is noted in ``problems``."""
        try:
            return self.fs.open_in_root(path)
        except OutsideRoot as exc:
            self._note(exc.broken)
            raise

    def _note(self, broken: Broken) -> None:
        # one line per bad link, however many paths were looked up through it
        if broken.kind not in ("missing", "not-a-file") and (broken.link or broken.reason) not in self._noted:
            self._noted.add(broken.link or broken.reason)
            self.problems.append(str(broken))

    def read_text(self, path: str, limit: int = 64 << 20) -> str | None:
        try:
            with self.open(path) as handle:
                return handle.read(limit).decode("utf-8", "replace")
        except OSError:
            return None
