"""One container image layer extracted as overlayfs would read it, into a folder of the cache.

One layer's tar becomes ``layers/<digest>-<selection>/``: its wanted files in ``tree/``, and in
``layer.json`` its whiteouts (``.wh.NAME`` deletes NAME from the layers below) and opaque folders
(``.wh..wh..opq`` empties a folder of them), what it inflated to, and the record of every file
(``cacheentry.py``) that the folder is held to when it is used again; ``<digest>`` is the digest of
the layer's bytes, never its name. The layer's bytes are checked against its digest first, and
read within the image's :class:`~mkldoctor.discover.limits.Budget`. The folder is built beside its
final place and renamed into it. Entries that would land outside the root (``..``, absolute names,
hard links or symlinks climbing out), whiteouts of ``.`` or ``..`` and entries deeper than
:data:`MAX_DEPTH` folders are refused with a warning; absolute symlinks are rewritten relative to
their folder. The tree is read through the root-confined resolver (``rootfs.py``), which follows
its links inside it whatever they say. ``discover/merge.py`` applies the layers of an image in order.
"""

from __future__ import annotations

import copy
import hashlib
import lzma
import os
import posixpath
import re
import shutil
import stat
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Callable

from mkldoctor.cacheentry import (MAX_DEPTH, building, discard, read_record, record_tree, remove_stale, verify_tree,
                                  write_record)
from mkldoctor.discover.limits import Budget, Capped, check_digest, decompressed
from mkldoctor.errors import InputError

# bump when the choice of files or the record changes: old cache entries are then not reused
# (2: records with every file's digest, keys of content digests, limits)
FILTER_VERSION = "2"
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"

_LIBRARY = re.compile(r"^lib(mkl_|iomp5|iompstubs5|omp\.|omp5|gomp|tbb)")
_KEEP_EXACT = {"etc/ld.so.conf", "etc/ld.so.cache", "var/lib/dpkg/status", "var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite"}
_KEEP_PREFIX = ("etc/ld.so.conf.d/",)


def wanted_file(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether mkldoctor reads the in-image file ``name`` (relative, no leading slash)."""
    base = posixpath.basename(name)
    if name in extra or name in _KEEP_EXACT or name.startswith(_KEEP_PREFIX):
        return True
    if _LIBRARY.match(base):
        return True
    if base.endswith(".h") and base.startswith("mkl"):
        return True
    if base.endswith(".pc") and "/pkgconfig/" in f"/{name}":
        return True
    if name.startswith("var/lib/dpkg/info/") and ("mkl" in base or "iomp" in base or "openmp" in base):
        return True
    lowered = name.lower()
    if (".dist-info/" in lowered or ".egg-info/" in lowered) and ("mkl" in lowered or "intel_openmp" in lowered) \
            and base in ("METADATA", "RECORD", "PKG-INFO", "INSTALLER"):
        return True
    return "/conda-meta/" in f"/{name}" and base.endswith(".json") and ("mkl" in base or "openmp" in base)


def reason(exc: BaseException) -> str:
    text = (str(exc) or type(exc).__name__).splitlines()[0]
    # tarfile's r:* lists every compression it tried: one line says it better
    return "not a tar archive" if text.startswith("file could not be opened successfully") else text


def inside_root(name: str) -> str | None:
    """``name`` relative to the root, or None when it climbs out of it."""
    parts: list[str] = []
    for part in name.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


@dataclass
class _Extraction:
    """One layer being extracted: where, what to keep, what was seen (for hard links), what to record."""

    tree: str
    extra: frozenset[str]
    label: str
    meta: dict
    regular: dict[str, tuple[int, int, object]] = field(default_factory=dict)  # name -> (offset, size, sparse)
    extracted: dict[str, str] = field(default_factory=dict)  # rel -> sha256 of what was written there

    def warn(self, text: str) -> None:
        self.meta["warnings"].append(f"{self.label}: {text}")


def extract_layer(open_blob: Callable[[str], IO[bytes]], label: str, key: str, name: str, check: str | None,
                  extra: frozenset[str], cache: str, selection: str, out: list[str], budget: Budget) -> str:
    """The cache folder (under ``cache``) of one layer's wanted files, extracted now unless already there and
    still what its record says.

    ``check`` says what ``key`` is the digest of: ``"blob"`` (OCI: the bytes stored), ``"content"``
    (docker: the uncompressed tar, its diff_id), or None (``key`` was computed from these very bytes).
    """
    safe = re.sub(r"[^A-Za-z0-9]+", "-", key)[:80]
    final = os.path.join(cache, f"{safe}-{selection}")
    if os.path.lexists(final):
        meta = read_record(os.path.join(final, "layer.json"))
        problem = _entry_problem(final, meta, key)
        if problem is None and meta is not None:
            budget.add(meta["inflated"], meta["entries"], label)
            out.extend(meta["warnings"])
            return final
        out.append(f"cache: {final} is not what was written there ({problem}): extracted again")
        discard(final)
    os.makedirs(cache, exist_ok=True)
    remove_stale(cache)
    with building(cache, safe) as tmp:  # removed if anything below raises, a signal included
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        state = _Extraction(tree, extra, label, {"key": key, "whiteouts": [], "opaque": [], "warnings": []})
        try:
            with open_blob(name) as blob:
                if check == "blob":
                    check_digest(blob, key, label)
                    blob.seek(0)
                if check == "content":
                    check_digest(Capped(decompressed(blob, label), budget, label), key, label)  # type: ignore[arg-type]
                    blob.seek(0)
                stream = Capped(decompressed(blob, label), budget, label)
                entries = _read_entries(stream, state, budget)
                budget.bytes += stream.high
            state.meta.update(inflated=stream.high, entries=entries, **record_tree(tree, state.extracted))
            write_record(os.path.join(tmp, "layer.json"), state.meta)
            try:
                os.rename(tmp, final)
            except OSError:  # another run finished it first
                discard(tmp)
        except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            raise InputError(label, f"truncated or corrupt layer ({reason(exc)})") from None
    out.extend(state.meta["warnings"])
    return final


def _read_entries(stream: Capped, state: _Extraction, budget: Budget) -> int:
    """Every entry of the layer's tar through :func:`_one_entry`; tarfile keeps no list of them (2 million
    records would take a gigabyte): hard links are resolved from :attr:`_Extraction.regular` instead."""
    entries = 0
    with tarfile.open(fileobj=stream, mode="r:") as layer:  # type: ignore[call-overload]
        while (member := layer.next()) is not None:
            entries += 1
            budget.count_entry(state.label)
            _one_entry(layer, member, state)
            layer.members.clear()
    return entries


def _entry_problem(folder: str, meta: dict | None, key: str) -> str | None:
    """What is wrong with a layer's cache folder, or None: its record must be sound and its tree match it."""
    if meta is None:
        return "no readable layer.json"
    shapes = (meta.get("key") == key, isinstance(meta.get("inflated"), int), isinstance(meta.get("entries"), int),
              all(isinstance(meta.get(k), list) and all(isinstance(v, str) for v in meta[k])
                  for k in ("whiteouts", "opaque", "warnings")))
    if not all(shapes):
        return "layer.json is not one this version writes"
    if set(os.listdir(folder)) != {"layer.json", "tree"}:
        return "other files beside its tree"
    return verify_tree(os.path.join(folder, "tree"), meta)


def _one_entry(layer: tarfile.TarFile, member: tarfile.TarInfo, state: _Extraction) -> None:
    raw = member.name
    rel = None if raw.startswith("/") else inside_root(raw)
    if rel is None:
        state.warn(f"entry {raw!r} escapes the image root: refused")
        return
    if not rel:
        return
    if rel.count("/") >= MAX_DEPTH:
        state.warn(f"entry {rel[:60]}... is more than {MAX_DEPTH} folders deep: refused")
        return
    base = posixpath.basename(rel)
    parent = posixpath.dirname(rel)
    if member.isreg():
        state.regular[rel] = (member.offset_data, member.size, member.sparse)
    if base == OPAQUE:
        state.meta["opaque"].append(parent)
        return
    if base.startswith(WHITEOUT):
        hidden = base[len(WHITEOUT):]
        if hidden in ("", ".", ".."):  # .wh.. would delete the folder that holds it, .wh... its parent
            state.warn(f"whiteout {rel!r} names no file: refused")
            return
        state.meta["whiteouts"].append(posixpath.join(parent, hidden))
        return
    target = os.path.join(state.tree, rel)
    if member.isdir():
        real_dirs(state.tree, rel)
        return
    if member.issym():
        link = member.linkname
        resolved = inside_root(posixpath.join("/" if link.startswith("/") else parent, link))
        if resolved is None:
            state.warn(f"symlink {rel} -> {link} points out of the image root: refused")
            return
        # relative to the link's folder: the same file inside the root
        relative = posixpath.relpath(resolved or ".", parent or ".")
        real_dirs(state.tree, parent)
        clear(target)
        os.symlink(relative, target)
        return
    if member.islnk():
        _hard_link(layer, member, rel, state)
        return
    if member.isreg() and wanted_file(rel, state.extra):
        _write(layer, member, rel, state)
    # devices, fifos and files mkldoctor does not read: nothing


def _write(layer: tarfile.TarFile, member: tarfile.TarInfo, rel: str, state: _Extraction) -> None:
    target = os.path.join(state.tree, rel)
    real_dirs(state.tree, posixpath.dirname(rel))
    clear(target)
    handle = layer.extractfile(member)
    if handle is None:
        return
    digest = hashlib.sha256()  # hashed as written: the record needs it, and the bytes are at hand now
    with handle, open(target, "wb") as dest:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            dest.write(block)
    os.chmod(target, member.mode & 0o755 | 0o600)
    state.extracted[rel] = digest.hexdigest()


def _hard_link(layer: tarfile.TarFile, member: tarfile.TarInfo, rel: str, state: _Extraction) -> None:
    """A hard link names an earlier entry of the same layer: that file's bytes under this name too."""
    name = member.linkname
    link = None if name.startswith("/") else inside_root(name)
    if not link:
        state.warn(f"hard link {rel} -> {name} points out of the image root: refused")
        return
    if not wanted_file(rel, state.extra):
        return
    source = regular_in(state.tree, link) if link in state.extracted else None
    if source is not None:
        target = os.path.join(state.tree, rel)
        real_dirs(state.tree, posixpath.dirname(rel))
        clear(target)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        state.extracted[rel] = state.extracted[link]
        return
    earlier = state.regular.get(link)
    if earlier is None:
        state.warn(f"hard link {rel} -> {name}: the layer has no file of that name before it: skipped")
        return
    data = copy.copy(member)
    data.type = tarfile.REGTYPE
    data.offset_data, data.size, data.sparse = earlier
    _write(layer, data, rel, state)


def regular_in(tree: str, rel: str) -> str | None:
    """The host path of ``rel`` when every folder on its way is a real folder and it is a regular file."""
    path = tree
    parts = rel.split("/")
    for i, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return None
        if not (stat.S_ISREG(mode) if i == len(parts) - 1 else stat.S_ISDIR(mode)):
            return None
    return path


def real_dirs(tree: str, rel: str) -> None:
    """Real folders down to ``rel``: a link or file in the way is replaced, never followed."""
    path = tree
    for part in [p for p in rel.split("/") if p]:
        path = os.path.join(path, part)
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isdir(path)):
            os.unlink(path)
        if not os.path.isdir(path):
            os.mkdir(path)


def clear(path: str) -> None:
    """Remove what is at ``path`` (whose folders are real ones): a link itself, a file, a folder's tree."""
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):  # a fifo or a socket someone put there
        os.unlink(path)
