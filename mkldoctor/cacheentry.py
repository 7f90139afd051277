"""Entries of mkldoctor's cache are checked against the record written with them, never trusted as found.

The cache (``cache.py``) holds trees extracted from images, bench programs and downloads. Anything
that can write there can change them between runs; a tree is therefore written with a record of
every file in it (size and sha256) and every link (its target), and :func:`verify_tree` holds the
tree to that record before it is read again: a file changed, added, removed or turned into a link
fails, and the caller rebuilds the entry. Trees are walked without following a link and no deeper
than :data:`MAX_DEPTH`.

Hashing a whole MKL (1.7 GB) on every run would cost seconds, so each file's record also keeps the
stamp of its inode when it was hashed: device, inode, change time (``ctime``, which only the kernel
sets, on every write, rename over, chmod or new link) and modification time. A file whose inode
still carries that stamp has not been written since it was hashed; any other is hashed again and
must give the recorded sha256 (its new stamp is then kept, ``restamped`` set on the record).

Entries are built in a temporary folder named ``.<name>-<pid>-...`` beside their place and renamed
into it; :func:`remove_stale` removes those of processes that are gone (killed mid-way).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
from contextlib import contextmanager
from typing import Iterator

from mkldoctor.digest import sha256_file

MAX_DEPTH = 256  # as rootfs.MAX_DEPTH: deeper is hostile, not a library folder
RECORD_VERSION = 2  # 2: each file with the stamp of its inode when hashed


def _stamp(info: os.stat_result) -> str:
    return f"{info.st_dev}:{info.st_ino}:{info.st_ctime_ns}:{info.st_mtime_ns}"


def record_tree(tree: str, known: dict[str, str] | None = None) -> dict:
    """``{"files": {rel: [size, sha256, stamp]}, "links": {rel: target}}`` of everything under ``tree``.

    ``known``: sha256s the caller computed while writing those very files (hashing them again would read
    every byte twice); the others are hashed here."""
    files: dict[str, list] = {}
    links: dict[str, str] = {}
    for rel, info in walk(tree):
        full = os.path.join(tree, rel)
        if stat.S_ISLNK(info.st_mode):
            links[rel] = os.readlink(full)
        elif stat.S_ISREG(info.st_mode):
            digest = (known or {}).get(rel) or sha256_file(full)
            files[rel] = [info.st_size, digest, _stamp(os.lstat(full))]
    return {"files": files, "links": links}


def verify_tree(tree: str, record: object) -> str | None:
    """None when ``tree`` is exactly what ``record`` says; else what differs, in a few words."""
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict) or not isinstance(record.get("links"), dict):
        return "its record is missing or malformed"
    files, links = record["files"], record["links"]
    seen = 0
    try:
        for rel, info in walk(tree):
            full = os.path.join(tree, rel)
            if stat.S_ISDIR(info.st_mode):
                continue
            seen += 1
            if stat.S_ISLNK(info.st_mode):
                if links.get(rel) != os.readlink(full):
                    return f"link {rel} is not the one recorded"
            elif not stat.S_ISREG(info.st_mode):
                return f"{rel} is not a regular file"
            else:
                expected = files.get(rel)
                if not (isinstance(expected, list) and len(expected) == 3 and expected[0] == info.st_size):
                    return f"{rel} is not the file recorded"
                if expected[2] != _stamp(info):  # written, replaced or linked since it was hashed: hash it now
                    if expected[1] != sha256_file(full):
                        return f"{rel} is not the file recorded"
                    expected[2] = _stamp(info)
                    record["restamped"] = True
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    except _TooDeep:
        return f"it is more than {MAX_DEPTH} folders deep"
    if seen != len(files) + len(links):
        return "files recorded are missing"
    return None


class _TooDeep(Exception):
    pass


def walk(tree: str):
    """(relative path, lstat) of every entry under ``tree``, folders first, links not followed."""
    stack = [("", 0)]
    while stack:
        rel, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _TooDeep(rel)
        with os.scandir(os.path.join(tree, rel) if rel else tree) as entries:
            children = sorted((e.name, e.stat(follow_symlinks=False)) for e in entries)
        for name, info in children:
            child = f"{rel}/{name}" if rel else name
            yield child, info
            if stat.S_ISDIR(info.st_mode):
                stack.append((child, depth + 1))


def write_record(path: str, record: dict) -> None:
    """``record`` as JSON at ``path``, written beside it and renamed into place."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump({"version": RECORD_VERSION, **record}, handle)
    os.replace(tmp, path)


def read_record(path: str) -> dict | None:
    """The record at ``path``, or None when it is missing, unreadable, not JSON, or of another version."""
    try:
        with open(path, encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) and record.get("version") == RECORD_VERSION else None


def discard(folder: str) -> None:
    """Remove an entry (links inside it are removed, never followed)."""
    if os.path.islink(folder):
        os.unlink(folder)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def temp_prefix(name: str) -> str:
    """The prefix of a temporary folder for entry ``name``: hidden, with this process's id."""
    return f".{name}-{os.getpid()}-"


@contextmanager
def building(parent: str, name: str) -> Iterator[str]:
    """A temporary folder in ``parent`` to build entry ``name`` in (``.<name>-<pid>-<random>``), removed when the block
    raises, a signal's exception included. Its name is chosen before it is made, so no moment is left in which it
    exists and no handler knows it (a SIGTERM right after mkdtemp returned left one behind)."""
    tmp = os.path.join(parent, temp_prefix(name) + secrets.token_hex(4))
    try:
        os.mkdir(tmp, 0o700)
        yield tmp
    except BaseException:
        discard(tmp)
        raise


def remove_stale(folder: str) -> None:
    """Temporary folders in ``folder`` (``.<name>-<pid>-...``) whose process is gone: killed mid-way."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.startswith("."):
            continue
        parts = name.split("-")  # ., name, pid, and tempfile's random part (letters, digits, _)
        if len(parts) < 3 or not parts[-2].isdigit():
            continue
        try:
            os.kill(int(parts[-2]), 0)
            continue  # still at work (or another process has its id: left alone)
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        discard(os.path.join(folder, name))
