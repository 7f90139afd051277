"""A container image as a root tree that ``--root`` code reads, without a container engine.

Reads a ``docker save`` tarball or an OCI image layout (a folder, or a tar of one, as skopeo,
podman and buildah write them). Layers are applied in order with their whiteouts (``.wh.NAME``
deletes NAME from the layers below, ``.wh..wh..opq`` empties a folder); nothing from the image
is run. Only the files mkldoctor reads are extracted (MKL, OpenMP and TBB libraries, headers,
pkg-config files, the ld.so configuration and cache, package databases, the files a command
names), each layer once into ``$XDG_CACHE_HOME/mkldoctor/images/layers/<digest>``, then merged
into ``images/roots/<key>/tree``; each folder is built beside its final place and renamed into
it, so a killed run leaves nothing half-written.

Entries that would land outside the root (``..``, absolute names, hard links or symlinks
climbing out) are refused with a warning; absolute symlinks are rewritten relative to the
root, so even a plain ``open`` of the tree never leaves it. A truncated or corrupt tarball is
one :class:`InputError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from mkldoctor.errors import InputError

FILTER_VERSION = "1"  # bump when the choice of files changes: old cache entries are then not reused
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"

_LIBRARY = re.compile(r"^lib(mkl_|iomp5|iompstubs5|omp\.|omp5|gomp|tbb)")
_KEEP_EXACT = {"etc/ld.so.conf", "etc/ld.so.cache", "var/lib/dpkg/status", "var/lib/rpm/Packages", "var/lib/rpm/rpmdb.sqlite"}
_KEEP_PREFIX = ("etc/ld.so.conf.d/",)


@dataclass(frozen=True)
class ImageRoot:
    image: str  # the path given
    kind: str  # "docker-archive", "oci-layout", "oci-archive"
    root: str  # host path of the merged tree: give it to --root code
    layers: tuple[str, ...]  # layer digests, bottom first
    warnings: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)  # the image config's Env


def cache_base() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mkldoctor", "images")


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


# -- the image's own files -------------------------------------------------------------


class _Source:
    """Files of the image by name: a folder (OCI layout) or a tarball (docker save, OCI archive)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tar: tarfile.TarFile | None = None
        self.members: dict[str, tarfile.TarInfo] = {}
        if os.path.isdir(path):
            return
        if not os.path.isfile(path):
            raise InputError(path, "no such image (a docker save tarball or an OCI layout folder or tar)")
        try:
            self.tar = tarfile.open(path, "r:*")
            for member in self.tar:
                self.members[posixpath.normpath(member.name.lstrip("./") or ".")] = member
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise InputError(path, f"not a readable image tarball: truncated or corrupt ({_reason(exc)})") from None

    def exists(self, name: str) -> bool:
        if self.tar is None:
            return os.path.isfile(os.path.join(self.path, name))
        return name in self.members

    def open(self, name: str) -> IO[bytes]:
        if self.tar is None:
            full = os.path.join(self.path, name)
            if not os.path.isfile(full):
                raise InputError(self.path, f"{name} is missing from the image")
            return open(full, "rb")  # noqa: SIM115 - closed by the caller
        member = self.members.get(posixpath.normpath(name))
        handle = self.tar.extractfile(member) if member is not None else None
        if handle is None:
            raise InputError(self.path, f"{name} is missing from the image")
        return handle

    def json(self, name: str):
        with self.open(name) as handle:
            try:
                return json.loads(handle.read(64 << 20))
            except (ValueError, EOFError, OSError, tarfile.TarError) as exc:
                raise InputError(self.path, f"{name}: not valid JSON ({_reason(exc)})") from None

    def close(self) -> None:
        if self.tar is not None:
            self.tar.close()


def _reason(exc: BaseException) -> str:
    text = (str(exc) or type(exc).__name__).splitlines()[0]
    # tarfile's r:* lists every compression it tried: one line says it better
    return "not a tar archive" if text.startswith("file could not be opened successfully") else text


def _blob(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    if not re.fullmatch(r"[a-z0-9]+", algorithm) or not re.fullmatch(r"[a-f0-9]+", hexdigest):
        raise InputError(digest, "not a content digest")
    return f"blobs/{algorithm}/{hexdigest}"


def _layers(source: _Source, warnings: list[str]) -> tuple[str, list[tuple[str, str, str | None]], dict]:
    """The image's kind, its layers bottom first (digest, name of the layer tar, what the digest is of),
    and its config."""
    if source.exists("index.json") and source.exists("oci-layout"):
        index = source.json("index.json")
        manifest = _pick_manifest(source, index, warnings)
        layers = [(layer["digest"], _blob(layer["digest"]), "blob") for layer in manifest.get("layers", [])]
        digest = (manifest.get("config") or {}).get("digest")
        config = source.json(_blob(digest)) if digest else {}
        return ("oci-layout" if source.tar is None else "oci-archive"), layers, config
    if source.exists("manifest.json"):
        manifests = source.json("manifest.json")
        if not isinstance(manifests, list) or not manifests:
            raise InputError(source.path, "manifest.json lists no image")
        if len(manifests) > 1:
            warnings.append(f"{source.path}: {len(manifests)} images in the tarball; reading the first ({manifests[0].get('RepoTags')})")
        manifest = manifests[0]
        config = source.json(manifest["Config"]) if manifest.get("Config") else {}
        diff_ids = config.get("rootfs", {}).get("diff_ids", [])
        names = manifest.get("Layers", [])
        if len(diff_ids) == len(names):
            return "docker-archive", [(key, n, "content") for key, n in zip(diff_ids, names)], config
        return "docker-archive", [("path:" + hashlib.sha256(n.encode()).hexdigest(), n, None) for n in names], config
    raise InputError(source.path, "not a container image: no manifest.json (docker save) and no index.json + oci-layout (OCI)")


def _pick_manifest(source: _Source, index: dict, warnings: list[str]) -> dict:
    manifests = index.get("manifests") or []
    if not manifests:
        raise InputError(source.path, "index.json lists no manifest")
    for _ in range(4):  # an index may point at an index (multi-platform images)
        chosen = next((m for m in manifests if (m.get("platform") or {}).get("architecture") in ("amd64", None)), manifests[0])
        if len(manifests) > 1:
            warnings.append(f"{source.path}: {len(manifests)} manifests; reading {chosen.get('digest', '?')[:19]}")
        document = source.json(_blob(chosen["digest"]))
        if "layers" in document:
            return document
        manifests = document.get("manifests") or []
        if not manifests:
            break
    raise InputError(source.path, "no image manifest with layers in index.json")


# -- one layer -------------------------------------------------------------------------


def _inside(name: str) -> str | None:
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


def _extract_layer(source: _Source, key: str, name: str, check: str | None, extra: frozenset[str], selection: str,
                   out: list[str]) -> str:
    """The cache folder of one layer's wanted files (extracted now unless already there).

    ``check`` says what ``key`` is the digest of: ``"blob"`` (OCI: the bytes stored),
    ``"content"`` (docker: the uncompressed tar, its diff_id), or None (nothing to check).
    """
    safe = re.sub(r"[^A-Za-z0-9]+", "-", key)[:80]
    final = os.path.join(cache_base(), "layers", f"{safe}-{selection}")
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
    label = f"{source.path}: layer {key[:19]}"
    try:
        with source.open(name) as blob:
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
        raise InputError(label, f"truncated or corrupt layer ({_reason(exc)})") from None
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
    digest = hashlib.sha256()
    stream: IO[bytes] = blob
    if check == "content" and gzipped:
        import gzip

        stream = gzip.GzipFile(fileobj=blob)  # type: ignore[assignment]
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    if digest.hexdigest() != expected:
        raise InputError(label, f"its bytes do not match its digest (sha256 {digest.hexdigest()[:12]}...): corrupt layer")


def _one_entry(layer: tarfile.TarFile, member: tarfile.TarInfo, tree: str, extra: frozenset[str], meta: dict, label: str) -> None:
    raw = member.name
    rel = None if raw.startswith("/") else _inside(raw)
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
        resolved = _inside(posixpath.join("/" if link.startswith("/") else parent, link))
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
    if member.islnk() and _inside(member.linkname) is None:
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


def open_image(path: str, wanted: list[str] | tuple[str, ...] = ()) -> ImageRoot:
    """The image at ``path`` as a root tree in the cache; ``wanted`` adds in-image files to extract."""
    path = os.path.abspath(path)
    extra = frozenset(p for p in (_inside(w) for w in wanted) if p)
    selection = hashlib.sha256(json.dumps([FILTER_VERSION, sorted(extra)]).encode()).hexdigest()[:16]
    warnings: list[str] = []
    source = _Source(path)
    try:
        kind, layers, config = _layers(source, warnings)
        if not layers:
            raise InputError(path, "the image has no layers")
        folders = [_extract_layer(source, key, name, check, extra, selection, warnings) for key, name, check in layers]
    finally:
        source.close()
    key = hashlib.sha256(json.dumps([selection, [k for k, _, _ in layers]]).encode()).hexdigest()[:32]
    final = os.path.join(cache_base(), "roots", key)
    if not os.path.isdir(final):
        os.makedirs(os.path.dirname(final), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{key}-", dir=os.path.dirname(final))
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
    return ImageRoot(path, kind, os.path.join(final, "tree"), tuple(k for k, _, _ in layers), tuple(dict.fromkeys(warnings)),
                     _env(config))


def _env(config: dict) -> dict[str, str]:
    """The image's ``ENV`` (``LD_LIBRARY_PATH``, ``MKL_THREADING_LAYER``...): what its programs run with."""
    env: dict[str, str] = {}
    for pair in ((config.get("config") or {}).get("Env") or []) if isinstance(config, dict) else []:
        name, sep, value = str(pair).partition("=")
        if sep and name:
            env[name] = value
    return env


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


def in_image(text: str, image: ImageRoot) -> str:
    """``text`` with the cache folder's paths written the way a user names them: ``IMAGE:/opt/mkl/lib``."""
    return text.replace(image.root.rstrip("/") + "/", f"{os.path.basename(image.image)}:/").replace(
        image.root, f"{os.path.basename(image.image)}:/")


def describe(image: ImageRoot) -> str:
    return f"{image.image} ({image.kind}, {len(image.layers)} layers)"


