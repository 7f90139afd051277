"""The files a path names for ``symbols``: ELF files and archives, folders walked (bounded, each real file
once), and the one-line :class:`Problem` for what could not be read."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Iterable, Iterator

from mkldoctor.binary.archive import is_archive
from mkldoctor.binary.elf import is_elf
from mkldoctor.rootfs import MAX_DEPTH, OutsideRoot, not_regular


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that could not be read, said in one line."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"



def expand_paths(paths: Iterable[str], problems: list[Problem]) -> Iterator[str]:
    """Yield the object files named by ``paths``, walking folders.

    A path named explicitly must exist and be readable; inside folders only ELF
    files and archives are taken, each real file once (``libmkl_rt.so`` and its
    target ``libmkl_rt.so.3`` are the same file).
    """
    seen: set[tuple[int, int]] = set()
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, os_reason(exc)))
            continue
        if stat.S_ISDIR(info.st_mode):
            before = len(seen)
            yield from _walk(path, seen, problems)
            if len(seen) == before:
                problems.append(Problem(path, "no ELF files or archives in this folder"))
            continue
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read for ever, a device never end
            problems.append(Problem(path, not_regular(info.st_mode)))
            continue
        key = (info.st_dev, info.st_ino)
        if key not in seen:
            seen.add(key)
            yield path


def _folders(top: str, problems: list[Problem]) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) under ``top`` as ``os.walk`` gives them, without recursion and no deeper than
    :data:`MAX_DEPTH` (a tree 1,200 folders deep is said, not a crash); links to folders not followed."""
    stack = [(top, 0)]
    while stack:
        folder, depth = stack.pop()
        if depth > MAX_DEPTH:
            problems.append(Problem(folder, f"more than {MAX_DEPTH} folders deep: not read"))
            continue
        try:
            with os.scandir(folder) as entries:
                listed = [(e.name, e.is_dir(follow_symlinks=False)) for e in entries]
        except OSError as exc:
            problems.append(Problem(exc.filename or folder, os_reason(exc)))
            continue
        yield folder, [name for name, is_dir in listed if not is_dir]
        stack += [(os.path.join(folder, name), depth + 1) for name, is_dir in sorted(listed, reverse=True) if is_dir]


def _walk(top: str, seen: set[tuple[int, int]], problems: list[Problem]) -> Iterator[str]:
    for folder, files in _folders(top, problems):
        # real files before links, so that libmkl_rt.so.3 is named rather than libmkl_rt.so
        for name in sorted(files, key=lambda n: (os.path.islink(os.path.join(folder, n)), n)):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError as exc:
                if os.path.islink(path):
                    continue  # dangling links are common in lib folders; not ours to judge here
                problems.append(Problem(path, os_reason(exc)))
                continue
            key = (info.st_dev, info.st_ino)
            if not stat.S_ISREG(info.st_mode) or key in seen:
                continue
            try:
                with open(path, "rb") as handle:
                    head = handle.read(8)
            except OSError as exc:
                problems.append(Problem(path, os_reason(exc)))
                continue
            if is_elf(head) or is_archive(head):
                seen.add(key)
                yield path


def os_reason(exc: OSError) -> str:
    import errno

    if isinstance(exc, OutsideRoot):
        return exc.strerror
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "no such file or folder" if not os.path.islink(exc.filename or "") else "broken symlink"
    if exc.errno == errno.EACCES:
        return "permission denied"
    return exc.strerror or str(exc)
