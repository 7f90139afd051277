"""A container image as a root tree that ``--root`` code reads, without a container engine.

Reads a ``docker save`` tarball or an OCI image layout (a folder, or a tar of one, as skopeo,
podman and buildah write them): its manifest, config (``ENV``) and layers, in order. Nothing
from the image is run. An image folder is a root like ``--root``'s: every name its manifests
give is relative and free of ``..``, and is opened through the root-confined resolver
(``rootfs.py``), so a blob that is a link to a host file is not read; in a tarball, such a name
must be a regular file of the tarball. Only the files mkldoctor reads are extracted (MKL, OpenMP
and TBB libraries, headers, pkg-config files, the ld.so configuration and cache, package databases,
the files a command names), each layer once (``discover/overlay.py``), within the image's limits
(``discover/limits.py``), and merged with their whiteouts (``discover/merge.py``) into
``$XDG_CACHE_HOME/mkldoctor/images/roots/<key>/tree``. A truncated, corrupt or malformed image
is one :class:`InputError`.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Callable

from mkldoctor.cache import cache_folder
from mkldoctor.digest import sha256_stream
from mkldoctor.discover.limits import Budget, Capped, Limits, decompressed
from mkldoctor.discover.merge import merge, reuse_root
from mkldoctor.discover.overlay import FILTER_VERSION, extract_layer, inside_root, reason as _reason
from mkldoctor.errors import InputError
from mkldoctor.rootfs import OutsideRoot, RootFS, open_regular


@dataclass(frozen=True)
class ImageRoot:
    image: str  # the path given
    kind: str  # "docker-archive", "oci-layout", "oci-archive"
    root: str  # host path of the merged tree: give it to --root code
    layers: tuple[str, ...]  # layer digests, bottom first
    warnings: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)  # the image config's Env


def cache_base() -> str:
    return cache_folder("images")


# -- the image's own files -------------------------------------------------------------


def _name(value: object, what: str, image: str) -> str:
    """A file name from a manifest or index: relative, inside the image, never ``..`` nor absolute."""
    if not isinstance(value, str) or not value:
        raise InputError(image, f"{what} is {_kind(value)}, not a file name")
    parts = value.split("/")
    if value.startswith("/") or ".." in parts or "\0" in value:
        raise InputError(image, f"{what} names {value[:120]!r}, a path outside the image: refused")
    clean = "/".join(p for p in parts if p not in ("", "."))
    if not clean:
        raise InputError(image, f"{what} names {value!r}, not a file")
    return clean


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


class _Source:
    """Files of the image by name: a folder (OCI layout; read through the root-confined resolver, as
    ``--root`` is) or a tarball (docker save, OCI archive). Either way a name must be a regular file inside."""

    def __init__(self, path: str, limits: Limits) -> None:
        self.path = path
        self.tar: tarfile.TarFile | None = None
        self.fs: RootFS | None = None
        self.members: dict[str, tarfile.TarInfo] = {}
        self.raw: IO[bytes] | None = None
        if os.path.isdir(path):
            self.fs = RootFS(path)
            return
        if not os.path.isfile(path):
            raise InputError(path, "no such image (a docker save tarball or an OCI layout folder or tar)")
        budget = Budget(limits, path)
        try:
            self.raw = raw = open_regular(path)
            self.tar = tarfile.open(fileobj=Capped(decompressed(raw, path), budget, "the image tarball"), mode="r:")  # type: ignore[call-overload]
            while (member := self.tar.next()) is not None:
                budget.count_entry("the image tarball")
                if (name := inside_root(member.name)) is not None:
                    self.members[name] = member
                self.tar.members.clear()
        except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
            self.close()
            raise InputError(path, f"not a readable image tarball: truncated or corrupt ({_reason(exc)})") from None
        except BaseException:
            self.close()
            raise

    def exists(self, name: str) -> bool:
        if self.fs is not None:
            return self.fs.isfile("/" + name)
        member = self.members.get(name)
        return member is not None and member.isreg()

    def open(self, name: str) -> IO[bytes]:
        if self.fs is not None:
            try:
                return self.fs.open_in_root("/" + name)
            except OSError as exc:
                why = exc.strerror if isinstance(exc, OutsideRoot) else (exc.strerror or str(exc))
                raise InputError(self.path, f"{name}: {why}: not read") from None
        member = self.members.get(name)
        if member is None:
            raise InputError(self.path, f"{name} is missing from the image")
        if not member.isreg():
            raise InputError(self.path, f"{name} is not a regular file in the image tarball: not read")
        assert self.tar is not None
        handle = self.tar.extractfile(member)
        if handle is None:
            raise InputError(self.path, f"{name} is missing from the image")
        return handle

    def json(self, name: str):
        with self.open(name) as handle:
            try:
                return json.loads(handle.read(64 << 20))
            except (ValueError, EOFError, OSError, tarfile.TarError, RecursionError, zlib.error) as exc:
                raise InputError(self.path, f"{name}: not valid JSON ({_reason(exc)})") from None

    def close(self) -> None:
        if self.tar is not None:
            self.tar.close()
        if self.raw is not None:
            self.raw.close()


def _blob(digest: object, what: str, image: str) -> str:
    if not isinstance(digest, str):
        raise InputError(image, f"{what} is {_kind(digest)}, not a content digest")
    algorithm, _, hexdigest = digest.partition(":")
    if not re.fullmatch(r"[a-z0-9]+", algorithm) or not re.fullmatch(r"[a-f0-9]+", hexdigest):
        raise InputError(image, f"{what} {digest[:80]!r} is not a content digest")
    return f"blobs/{algorithm}/{hexdigest}"


def _dict(value: object, what: str, image: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(image, f"{what} is {_kind(value)}, not an object")
    return value


def _list(value: object, what: str, image: str, default: list | None = None) -> list:
    if value is None and default is not None:
        return default
    if not isinstance(value, list):
        raise InputError(image, f"{what} is {_kind(value)}, not a list")
    return value


def _layers(source: _Source, warnings: list[str]) -> tuple[str, list[tuple[str, str, str | None]], dict]:
    """The image's kind, its layers bottom first (digest, name of the layer tar, what the digest is of),
    and its config. Every shape is checked: a malformed document is one :class:`InputError`."""
    image = source.path
    if source.exists("index.json") and source.exists("oci-layout"):
        index = _dict(source.json("index.json"), "index.json", image)
        manifest = _pick_manifest(source, index, warnings)
        layers = []
        for i, layer in enumerate(_list(manifest.get("layers"), "the manifest's layers", image)):
            digest = _dict(layer, f"the manifest's layer {i}", image).get("digest")
            layers.append((str(digest), _blob(digest, f"the manifest's layer {i} digest", image), "blob"))
        config_ref = manifest.get("config")
        digest = _dict(config_ref, "the manifest's config", image).get("digest") if config_ref is not None else None
        config = _dict(source.json(_blob(digest, "the manifest's config digest", image)), "the image config", image) \
            if digest is not None else {}
        return ("oci-layout" if source.tar is None else "oci-archive"), layers, config
    if source.exists("manifest.json"):
        manifests = _list(source.json("manifest.json"), "manifest.json", image)
        if not manifests:
            raise InputError(image, "manifest.json lists no image")
        manifest = _dict(manifests[0], "manifest.json's first image", image)
        if len(manifests) > 1:
            warnings.append(f"{image}: {len(manifests)} images in the tarball; reading the first ({str(manifest.get('RepoTags'))[:80]})")
        config = {}
        if manifest.get("Config") is not None:
            config = _dict(source.json(_name(manifest["Config"], "manifest.json's Config", image)), "the image config", image)
        rootfs = config.get("rootfs")
        diff_ids = _list(_dict(rootfs, "the config's rootfs", image).get("diff_ids"), "the config's diff_ids", image, []) \
            if rootfs is not None else []
        names = [_name(n, f"manifest.json's layer {i}", image)
                 for i, n in enumerate(_list(manifest.get("Layers"), "manifest.json's Layers", image))]
        if diff_ids and len(diff_ids) != len(names):
            raise InputError(image, f"the config lists {len(diff_ids)} diff_ids for {len(names)} layers: a corrupt image")
        for i, diff_id in enumerate(diff_ids):
            _blob(diff_id, f"the config's diff_id {i}", image)
        if diff_ids:
            return "docker-archive", [(key, n, "content") for key, n in zip(diff_ids, names)], config
        # no diff_ids: the layer's own bytes name its cache entry (its file name says nothing of its content)
        return "docker-archive", [("sha256:" + _digest_of(source, n), n, None) for n in names], config
    raise InputError(image, "not a container image: no manifest.json (docker save) and no index.json + oci-layout (OCI)")


def _digest_of(source: _Source, name: str) -> str:
    with source.open(name) as handle:
        try:
            return sha256_stream(handle)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise InputError(source.path, f"{name}: truncated or corrupt layer ({_reason(exc)})") from None


def _pick_manifest(source: _Source, index: dict, warnings: list[str]) -> dict:
    image = source.path
    manifests = _list(index.get("manifests"), "index.json's manifests", image, [])
    if not manifests:
        raise InputError(image, "index.json lists no manifest")
    for _ in range(4):  # an index may point at an index (multi-platform images)
        entries = [_dict(m, "a manifest entry of the index", image) for m in manifests]
        chosen = next((m for m in entries if _architecture(m) in ("amd64", None)), entries[0])
        blob = _blob(chosen.get("digest"), "a manifest entry's digest", image)
        if len(manifests) > 1:
            warnings.append(f"{image}: {len(manifests)} manifests; reading {blob.split('/')[-1][:12]}")
        document = _dict(source.json(blob), f"the manifest {blob}", image)
        if "layers" in document:
            return document
        manifests = _list(document.get("manifests"), f"the index {blob}", image, [])
        if not manifests:
            break
    raise InputError(image, "no image manifest with layers in index.json")


def _architecture(entry: dict) -> object:
    platform = entry.get("platform")
    return platform.get("architecture") if isinstance(platform, dict) else None


def open_image(path: str, wanted: list[str] | tuple[str, ...] = (), limits: Limits = Limits(),
               progress: Callable[[str], None] | None = None) -> ImageRoot:
    """The image at ``path`` as a root tree in the cache; ``wanted`` adds in-image files to extract.
    Reading it may inflate no more than ``limits`` allow (one :class:`InputError` past them);
    ``progress`` is told each layer as it is read."""
    say = progress or (lambda step: None)
    say(f"reading {os.path.basename(path)}")
    path = os.path.abspath(path)
    extra = frozenset(p for p in (inside_root(w) for w in wanted) if p)
    selection = hashlib.sha256(json.dumps([FILTER_VERSION, sorted(extra)]).encode()).hexdigest()[:16]
    warnings: list[str] = []
    budget = Budget(limits, path)
    source = _Source(path, limits)
    try:
        kind, layers, config = _layers(source, warnings)
        if not layers:
            raise InputError(path, "the image has no layers")
        key = hashlib.sha256(json.dumps([selection, [k for k, _, _ in layers]]).encode()).hexdigest()[:32]
        final = os.path.join(cache_base(), "roots", key)
        tree = reuse_root(final, budget, warnings)
        if tree is None:
            found: list[str] = []
            folders = []
            for number, (k, name, check) in enumerate(layers, 1):
                say(f"layer {number} of {len(layers)} ({k[:19]})")
                folders.append(extract_layer(source.open, f"{path}: layer {k[:19]}", k, name, check, extra,
                                             os.path.join(cache_base(), "layers"), selection, found, budget))
            warnings += found
            say("merging its layers")
            tree = merge(folders, final, budget, [w for w in found if not w.startswith("cache: ")])
    finally:
        source.close()
    return ImageRoot(path, kind, tree, tuple(k for k, _, _ in layers), tuple(dict.fromkeys(warnings)), _env(config))


def _env(config: dict) -> dict[str, str]:
    """The image's ``ENV`` (``LD_LIBRARY_PATH``, ``MKL_THREADING_LAYER``...): what its programs run with."""
    env: dict[str, str] = {}
    settings = config.get("config")
    pairs = settings.get("Env") if isinstance(settings, dict) else None
    for pair in pairs if isinstance(pairs, list) else []:
        name, sep, value = str(pair).partition("=")
        if sep and name:
            env[name] = value
    return env


def in_image(text: str, image: ImageRoot) -> str:
    """``text`` with the cache folder's paths written the way a user names them: ``IMAGE:/opt/mkl/lib``."""
    return text.replace(image.root.rstrip("/") + "/", f"{os.path.basename(image.image)}:/").replace(
        image.root, f"{os.path.basename(image.image)}:/")


def describe(image: ImageRoot) -> str:
    return f"{image.image} ({image.kind}, {len(image.layers)} layers)"


