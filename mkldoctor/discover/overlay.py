"""Container image layers applied as overlayfs would, into folders of the cache.

One layer's tar becomes ``layers/<digest>-<selection>/`` (its wanted files, its whiteouts and
opaque folders in ``layer.json``), checked against its digest first; the layers of one image
are then merged in order into ``roots/<key>/tree``. ``.wh.NAME`` deletes NAME from the layers
below, ``.wh..wh..opq`` empties a folder of them. Every folder is built beside its final place
and renamed into it. Entries that would land outside the root (``..``, absolute names, hard
links or symlinks climbing out) are refused with a warning; absolute symlinks are rewritten
relative to their folder, so even a plain ``open`` of the tree never leaves it.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
import zlib
from typing import IO, Callable

from mkldoctor.digest import sha256_stream
from mkldoctor.errors import InputError

FILTER_VERSION = "1"  # bump when the choice of files changes: old cache entries are then not reused
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


def extract_layer(open_blob: Callable[[str], IO[bytes]], label: str, key: str, name: str, check: str | None,
                  extra: frozenset[str], cache: str, selection: str, out: list[str]) -> str:
    """The cache folder (under ``cache``) of one layer's wanted files, extracted now unless already there.

    ``check`` says what ``key`` is the digest of: ``"blob"`` (OCI: the bytes stored),
    ``"content"`` (docker: the uncompressed tar, its diff_id), or None (nothing to check).
    """
    safe = re.sub(r"[^A-Za-z0-9]+", "-", key)[:80]
    final = os.path.join(cache, f"{safe}-{selection}")
    meta_path = os.path.join(final, "layer.json")
    if os.path.isfile(meta_path):
        with open(meta_path) as handle:
            out.extend(json.load(handle).get("warnings", []))
        return final
    os.makedirs(os.path.dirname(final), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{safe}-", dir=os.path.dirname(final))
    tree = os.path.join(tmp, "tree")
    os.mkdir(tree)
    meta: dict = {"key": key, "whiteouts": [], "opaque": [], "warnings": []}
    try:
        with open_blob(name) as blob:
            head = blob.read(4)
            blob.seek(0)
            if head == b"\x28\xb5\x2f\xfd":
                raise InputError(label, "compressed with zstd, which this reader does not support")
            _verify(blob, key, check, head[:2] == b"\x1f\x8b", label)
            blob.seek(0)
            with tarfile.open(fileobj=blob, mode="r:*") as layer:
                for member in layer:
                    _one_entry(layer, member, tree, extra, meta, label)
        with open(os.path.join(tmp, "layer.json"), "w") as handle:
            json.dump(meta, handle)
        try:
            os.rename(tmp, final)
        except OSError:  # another run finished it first
            shutil.rmtree(tmp, ignore_errors=True)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(label, f"truncated or corrupt layer ({reason(exc)})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    out.extend(meta["warnings"])
    return final


def _verify(blob: IO[bytes], key: str, check: str | None, gzipped: bool, label: str) -> None:
    """A layer whose bytes do not hash to its digest is corrupt (same length, other bytes: tar cannot tell)."""
    algorithm, _, expected = key.partition(":")
    if check is None or algorithm != "sha256":
        return
    stream: IO[bytes] = blob
    if check == "content" and gzipped:
        import gzip

        stream = gzip.GzipFile(fileobj=blob)  # type: ignore[assignment]
    digest = sha256_stream(stream)
    if digest != expected:
        raise InputError(label, f"its bytes do not match its digest (sha256 {digest[:12]}...): corrupt layer")


def _one_entry(layer: tarfile.TarFile, member: tarfile.TarInfo, tree: str, extra: frozenset[str], meta: dict, label: str) -> None:
    raw = member.name
    rel = None if raw.startswith("/") else inside_root(raw)
    if rel is None:
        meta["warnings"].append(f"{label}: entry {raw!r} escapes the image root: refused")
        return
    if not rel:
        return
    base = posixpath.basename(rel)
    parent = posixpath.dirname(rel)
    if base == OPAQUE:
        meta["opaque"].append(parent)
        return
    if base.startswith(WHITEOUT):
        meta["whiteouts"].append(posixpath.join(parent, base[len(WHITEOUT):]))
        return
    target = os.path.join(tree, rel)
    if member.isdir():
        _mkdirs(tree, rel)
        return
    if member.issym():
        link = member.linkname
        resolved = inside_root(posixpath.join("/" if link.startswith("/") else parent, link))
        if resolved is None:
            meta["warnings"].append(f"{label}: symlink {rel} -> {link} points out of the image root: refused")
            return
        # relative to the link's folder: the same file inside the root, and never outside it on the host
        relative = posixpath.relpath(resolved or ".", parent or ".")
        _mkdirs(tree, parent)
        _replace(target)
        os.symlink(relative, target)
        return
    if not (member.isfile() or member.islnk()):
        return  # devices, fifos: nothing mkldoctor reads
    if member.islnk() and inside_root(member.linkname) is None:
        meta["warnings"].append(f"{label}: hard link {rel} -> {member.linkname} points out of the image root: refused")
        return
    if not wanted_file(rel, extra):
        return
    _mkdirs(tree, parent)
    _replace(target)
    handle = layer.extractfile(member)
    if handle is None:
        return
    with handle, open(target, "wb") as dest:
        shutil.copyfileobj(handle, dest, 1 << 20)
    os.chmod(target, member.mode & 0o755 | 0o600)


def _mkdirs(tree: str, rel: str) -> None:
    path = tree
    for part in [p for p in rel.split("/") if p]:
        path = os.path.join(path, part)
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isdir(path)):
            os.unlink(path)
        if not os.path.isdir(path):
            os.mkdir(path)


def _replace(path: str) -> None:
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


# -- the merged root -------------------------------------------------------------------


def merge(folders: list[str], final: str) -> str:
    """The layers' folders applied in order into ``final/tree`` (built beside it, renamed into place)."""
    if not os.path.isdir(final):
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(final)}-", dir=os.path.dirname(final))
        try:
            tree = os.path.join(tmp, "tree")
            os.mkdir(tree)
            for folder in folders:
                _apply(folder, tree)
            os.rename(tmp, final)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not os.path.isdir(final):
                raise
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return os.path.join(final, "tree")


def _apply(layer_folder: str, tree: str) -> None:
    """One layer over the tree below it: its whiteouts first, then its files."""
    with open(os.path.join(layer_folder, "layer.json")) as handle:
        meta = json.load(handle)
    for rel in meta["opaque"]:
        folder = os.path.join(tree, rel)
        if os.path.isdir(folder) and not os.path.islink(folder):
            for name in os.listdir(folder):
                _replace(os.path.join(folder, name))
    for rel in meta["whiteouts"]:
        _replace(os.path.join(tree, rel))
    source_tree = os.path.join(layer_folder, "tree")
    for folder, dirs, files in os.walk(source_tree):
        rel = os.path.relpath(folder, source_tree)
        rel = "" if rel == "." else rel
        _mkdirs(tree, rel)
        for name in list(dirs):
            src = os.path.join(folder, name)
            if os.path.islink(src):  # os.walk lists links to folders as folders
                dirs.remove(name)
                files.append(name)
        for name in files:
            src = os.path.join(folder, name)
            dest = os.path.join(tree, rel, name)
            _replace(dest)
            if os.path.islink(src):
                os.symlink(os.readlink(src), dest)
            else:
                try:
                    os.link(src, dest)
                except OSError:
                    shutil.copy2(src, dest)
