"""Every read under a root folder (``--root``, an unpacked image) stays inside that folder.

A sysroot is a tree of someone else's files. Its links mean paths inside it:
``usr/lib/libmkl_rt.so -> /opt/intel/...`` is ``ROOT/opt/intel/...``, never the host's
``/opt``. Opening such a link through the operating system reads the host's file and
reports it as the image's, so links are resolved here by hand, one component at a time:

- an absolute link target starts again at the root;
- ``..`` in a path stops at the root, as in a chroot;
- a link whose own target climbs above the root leaves it: reported, never followed;
- at most :data:`MAX_LINKS` links per lookup (a loop ends there) and :data:`MAX_DEPTH` folders deep.

A file is then opened from a descriptor of the root, folder by folder, each component with
``O_NOFOLLOW``, and ``fstat`` must show the very file the lookup found: a link swapped in
after the lookup (a tree still being unpacked) makes the open fail instead of redirecting it.

The API, for discover/, binary/ and the image reader::

    fs = RootFS("/srv/image")
    fs.resolve("/usr/lib/libmkl_rt.so")   # -> "/srv/image/opt/intel/.../libmkl_rt.so.2", or a Broken record
    with fs.open_in_root("/usr/include/mkl/mkl_version.h") as handle:   # raises OutsideRoot (an OSError)
        ...
    fs.listdir(path), fs.exists(path), fs.isdir(path), fs.isfile(path), fs.glob(pattern)
    fs.host(path) / fs.inside(host_path)   # in-root path <-> host path, nothing resolved

Paths given to these methods are absolute paths inside the root. ``RootFS("/")`` is the
running system: plain operating-system calls, links followed as the loader would.
"""

from __future__ import annotations

import errno
import fnmatch
import glob as globmod
import os
import stat
from dataclasses import dataclass
from typing import BinaryIO

MAX_LINKS = 40  # what Linux allows in one path lookup
MAX_DEPTH = 256  # folders deep; a lookup deeper than this is hostile, not a library folder

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO planted where a library should be must not hang the scan
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True, slots=True)
class Broken:
    """A path inside the root that does not lead to a file inside the root, and why.

    ``kind``: ``missing`` (no such file), ``dangling`` (a link whose target is not in the
    root), ``leaves-root`` (a link climbing above the root), ``loop``, ``too-deep``,
    ``unreadable``, ``not-a-file``, ``swapped`` (changed between lookup and open).
    """

    path: str  # as asked, inside the root
    kind: str
    reason: str  # one line: the link, its target and what was not read
    at: str  # the host path of ``path`` as named (links not resolved), for messages
    host: str  # how far the lookup got on the host, inside the root; never a link out of it
    link: str | None = None  # the in-root path of the link at fault, if one is

    def __str__(self) -> str:
        return f"{self.at}: {self.reason}"


class OutsideRoot(OSError):
    """Raised by :meth:`RootFS.open_in_root` for a :class:`Broken` path; ``strerror`` is its reason."""

    def __init__(self, broken: Broken) -> None:
        code = {"missing": errno.ENOENT, "dangling": errno.ENOENT, "loop": errno.ELOOP,
                "unreadable": errno.EACCES, "not-a-file": errno.EISDIR}.get(broken.kind, errno.EXDEV)
        super().__init__(code, broken.reason, broken.at)
        self.broken = broken


def open_regular(path: str) -> BinaryIO:
    """``path`` (a host path) opened for binary reading only when it is a regular file: a FIFO, a
    device or a socket named where a file belongs would block the read or never end. Raises OSError
    (``EINVAL``, "not a regular file (a FIFO)" and the like) for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, not_regular(mode), path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
    return f"not a regular file ({kind})"


class RootFS:
    """Paths, listings and reads confined to ``root``."""

    def __init__(self, root: str = "/") -> None:
        self.root = os.path.abspath(root)
        self.is_host = self.root == "/"
        if not os.path.isdir(self.root):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", root)

    # -- names -----------------------------------------------------------------------

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

    # -- the resolver ----------------------------------------------------------------

    def resolve(self, path: str) -> str | Broken:
        """The host path of the real file or folder that ``path`` names inside the root, or why there is none."""
        if self.is_host:
            try:
                os.stat(path)
            except OSError as exc:
                return Broken(path, "loop" if exc.errno == errno.ELOOP else "missing",
                              exc.strerror or "cannot be read", path, os.path.realpath(path))
            return os.path.realpath(path)
        found = self._lookup(path)
        return found if isinstance(found, Broken) else self._join(found[0])

    def _join(self, parts: list[str]) -> str:
        return os.path.join(self.root, *parts) if parts else self.root

    def _stat_folder(self, done: list[str]) -> os.stat_result:
        # the root itself may be a link the user named; the folders in ``done`` are real ones
        return os.lstat(self._join(done)) if done else os.stat(self.root)

    def _lookup(self, path: str) -> tuple[list[str], os.stat_result] | Broken:
        """The components of ``path`` with every link resolved inside the root, and the last one's lstat."""
        at = self.host(path)
        # a stack of (component, the link it came from: (its in-root path, its target)), next on top
        pending: list[tuple[str, tuple[str, str] | None]] = [(p, None) for p in reversed(path.split("/")) if p]
        done: list[str] = []
        links = 0
        info = self._stat_folder(done)
        while pending:
            part, via = pending.pop()
            if part == ".":
                continue
            if part == "..":
                if done:
                    done.pop()
                elif via is not None:
                    return Broken(path, "leaves-root", f"link {via[0]} -> {via[1]} climbs above the root: not followed",
                                  at, self._join(done), via[0])
                info = self._stat_folder(done)
                continue
            if len(done) >= MAX_DEPTH:
                return Broken(path, "too-deep", f"more than {MAX_DEPTH} folders deep: not followed", at, self._join(done))
            here = self._join(done + [part])
            try:
                info = os.lstat(here)
            except OSError as exc:
                rest = os.path.join(here, *[p for p, _ in reversed(pending)])
                if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
                    return Broken(path, "unreadable", f"{here}: {exc.strerror}", at, rest)
                if via is not None:
                    target = "/" + "/".join(done + [part] + [p for p, _ in reversed(pending)])
                    where = "" if target == via[1] else f" ({target} is not in it)"
                    return Broken(path, "dangling", f"link {via[0]} -> {via[1]} dangles inside the root{where}; "
                                  "nothing outside the root is read in its place", at, rest, via[0])
                return Broken(path, "missing", "no such file or folder", at, rest)
            if stat.S_ISLNK(info.st_mode):
                links += 1
                if links > MAX_LINKS:
                    return Broken(path, "loop", f"symlink loop (more than {MAX_LINKS} links)", at, here)
                try:
                    target = os.readlink(here)
                except OSError as exc:
                    return Broken(path, "unreadable", f"{here}: {exc.strerror}", at, here)
                link = (self.inside(here), target)
                if target.startswith("/"):
                    done = []
                pending += [(p, link) for p in reversed(target.split("/")) if p]
                if not target.strip("/"):
                    info = self._stat_folder(done)
                continue
            if pending and not stat.S_ISDIR(info.st_mode):
                return Broken(path, "missing", f"{here} is not a folder", at, here)
            done.append(part)
        return done, info

    # -- reads -----------------------------------------------------------------------

    def _between(self, parts: list[str]) -> None:
        """Called between the lookup and the open; a test swaps a file for a link here."""

    def _open_fd(self, path: str, folder: bool) -> int:
        found = self._lookup(path)
        if isinstance(found, Broken):
            raise OutsideRoot(found)
        parts, info = found
        at = self.host(path)
        if folder != stat.S_ISDIR(info.st_mode) or not (folder or stat.S_ISREG(info.st_mode)):
            raise OutsideRoot(Broken(path, "not-a-file", "is a folder" if stat.S_ISDIR(info.st_mode) else
                                     ("not a folder" if folder else "not a regular file"), at, self._join(parts)))
        self._between(parts)
        swapped = Broken(path, "swapped", "changed while being read (a link or another file took its place "
                         "after the lookup): not read", at, self._join(parts))
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                try:
                    nxt = os.open(part, (_DIR_FLAGS if folder or not last else _FILE_FLAGS), dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.ENXIO):
                        raise OutsideRoot(swapped) from None
                    raise
                os.close(fd)
                fd = nxt
            opened = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            os.close(fd)
            raise OutsideRoot(swapped)
        return fd

    def open_in_root(self, path: str) -> BinaryIO:
        """``path`` opened for binary reading, confined to the root. Raises :class:`OutsideRoot` (an OSError)."""
        if self.is_host:
            return open(path, "rb")  # noqa: SIM115 - the caller closes it
        return os.fdopen(self._open_fd(path, folder=False), "rb")

    def open_host(self, host_path: str) -> BinaryIO:
        """:meth:`open_in_root` for a host path under the root (what ``binary/`` is handed)."""
        return self.open_in_root(self.inside(host_path))

    def listdir(self, path: str) -> list[str]:
        """The names in folder ``path``, sorted; raises OSError (:class:`OutsideRoot` for a broken path)."""
        if self.is_host:
            return sorted(os.listdir(path))
        fd = self._open_fd(path, folder=True)
        try:
            return sorted(os.listdir(fd))
        finally:
            os.close(fd)

    def exists(self, path: str) -> bool:
        return not isinstance(self.resolve(path), Broken)

    def isdir(self, path: str) -> bool:
        real = self.resolve(path)
        return not isinstance(real, Broken) and os.path.isdir(real) and not os.path.islink(real)

    def isfile(self, path: str) -> bool:
        real = self.resolve(path)
        return not isinstance(real, Broken) and os.path.isfile(real) and not os.path.islink(real)

    def glob(self, pattern: str) -> list[str]:
        """In-root paths matching ``pattern`` (``*``, ``?``, ``[...]`` per component, as :mod:`glob`), sorted."""
        if self.is_host:
            return sorted(globmod.glob(pattern))
        found = ["/"]
        for part in [p for p in pattern.split("/") if p]:
            if not any(c in part for c in "*?["):
                found = [os.path.join(f, part) for f in found]
                continue
            matched = []
            for folder in found:
                try:
                    names = self.listdir(folder)
                except OSError:
                    continue
                matched += [os.path.join(folder, n) for n in names
                            if fnmatch.fnmatchcase(n, part) and (part.startswith(".") or not n.startswith("."))]
            found = matched
        return sorted(p for p in found if self.exists(p))
