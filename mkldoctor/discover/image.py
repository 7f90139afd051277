"""A container image as a root tree that ``--root`` code reads, without a container engine.

Reads a ``docker save`` tarball or an OCI image layout (a folder, or a tar of one, as skopeo,
podman and buildah write them): its manifest, config (``ENV``) and layers, in order. Nothing
from the image is run. Only the files mkldoctor reads are extracted (MKL, OpenMP and TBB
libraries, headers, pkg-config files, the ld.so configuration and cache, package databases,
the files a command names), each layer once, and merged with their whiteouts
(``discover/overlay.py``) into ``$XDG_CACHE_HOME/mkldoctor/images/roots/<key>/tree``.
A truncated or corrupt tarball is one :class:`InputError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from mkldoctor.cache import cache_folder
from mkldoctor.discover.overlay import FILTER_VERSION, extract_layer, inside_root, merge, reason as _reason
from mkldoctor.errors import InputError


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


def open_image(path: str, wanted: list[str] | tuple[str, ...] = ()) -> ImageRoot:
    """The image at ``path`` as a root tree in the cache; ``wanted`` adds in-image files to extract."""
    path = os.path.abspath(path)
    extra = frozenset(p for p in (inside_root(w) for w in wanted) if p)
    selection = hashlib.sha256(json.dumps([FILTER_VERSION, sorted(extra)]).encode()).hexdigest()[:16]
    warnings: list[str] = []
    source = _Source(path)
    try:
        kind, layers, config = _layers(source, warnings)
        if not layers:
            raise InputError(path, "the image has no layers")
        folders = [extract_layer(source.open, f"{path}: layer {key[:19]}", key, name, check, extra,
                                 os.path.join(cache_base(), "layers"), selection, warnings) for key, name, check in layers]
    finally:
        source.close()
    key = hashlib.sha256(json.dumps([selection, [k for k, _, _ in layers]]).encode()).hexdigest()[:32]
    tree = merge(folders, os.path.join(cache_base(), "roots", key))
    return ImageRoot(path, kind, tree, tuple(k for k, _, _ in layers), tuple(dict.fromkeys(warnings)), _env(config))


def _env(config: dict) -> dict[str, str]:
    """The image's ``ENV`` (``LD_LIBRARY_PATH``, ``MKL_THREADING_LAYER``...): what its programs run with."""
    env: dict[str, str] = {}
    for pair in ((config.get("config") or {}).get("Env") or []) if isinstance(config, dict) else []:
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


