"""Image folders and tarballs as hostile input: names that leave the image, blobs that are links to the
host, malformed manifests and indexes of every shape, layers whose entries are broken, and images
that inflate past their limits. Each is one line and exit status 2 (or a one-line warning for one bad
entry of a layer), never a traceback, and nothing of the host is read or reported.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.test_image import entry, folder_entry, write_oci_layout

HOST_LIB = b"\x7fELF the HOST's own libmkl_rt"


def invoke(cache: Path, *args: str):
    return CliRunner().invoke(app, [str(a) for a in args], env={"XDG_CACHE_HOME": str(cache)})


def layer_tar(entries: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in entries:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    return buffer.getvalue()


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def docker_folder(folder: Path, layers: dict[str, bytes], manifest: object = None, config: object = None) -> Path:
    """A docker save tarball's files, unpacked into a folder (as `tar -x` of `docker save` leaves them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in layers.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    if config is None:
        config = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [digest(d) for d in layers.values()]}}
    if manifest is None:
        manifest = [{"Config": "config.json", "RepoTags": ["t:1"], "Layers": list(layers)}]
    for name, document in (("manifest.json", manifest), ("config.json", config)):
        (folder / name).write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    return folder


def assert_one_line(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mkldoctor: "), lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def lib_layer(name: str = "opt/mkl/lib/libmkl_rt.so.3", data: bytes = HOST_LIB) -> bytes:
    return layer_tar([(entry(name), data)])


# -- names and blobs that leave the image folder ------------------------------------------------


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_docker_folder_naming_a_host_file_is_refused(tmp_path, how):
    host = tmp_path / "host" / "layer.tar"  # a real layer on the host, with a library in it
    host.parent.mkdir()
    host.write_bytes(lib_layer())
    name = str(host) if how == "absolute" else "../host/layer.tar"
    image = docker_folder(tmp_path / "image", {}, manifest=[{"Config": "config.json", "Layers": [name]}],
                          config={"rootfs": {"diff_ids": [digest(host.read_bytes())]}})
    for command in (["list", "--image", image], ["deps", "/opt/mkl/lib/libmkl_rt.so.3", "--image", image]):
        result = invoke(tmp_path / "cache", *command)
        assert_one_line(result, "a path outside the image: refused")
        assert "HOST" not in result.output
    assert not (tmp_path / "cache/mkldoctor/images/layers").exists()  # not a byte of it was extracted


@pytest.mark.parametrize("link", ["absolute", "relative", "config"])
def test_oci_blob_that_is_a_link_to_a_host_file_is_not_read(tmp_path, link):
    layout = tmp_path / "oci"
    write_oci_layout(layout, [[(entry("opt/mkl/lib/libmkl_rt.so.3"), b"\x7fELF the image's")]])
    index = json.loads((layout / "index.json").read_text())
    manifest = json.loads((layout / "blobs/sha256" / index["manifests"][0]["digest"].split(":")[1]).read_bytes())
    wanted = manifest["config"] if link == "config" else manifest["layers"][0]
    blob = layout / "blobs/sha256" / wanted["digest"].split(":")[1]
    host = tmp_path / "host-file"
    host.write_bytes(blob.read_bytes().replace(b"the image's", b"the HOST's!"))  # same length
    if link != "config":  # its digest is the host file's: only where it is read from can stop it
        fixed = layout / "blobs/sha256" / hashlib.sha256(host.read_bytes()).hexdigest()
        manifest["layers"][0]["digest"] = digest(host.read_bytes())
        blob.unlink()
        blob = fixed
    blob.unlink(missing_ok=True)
    blob.symlink_to(host if link != "relative" else os.path.relpath(host, blob.parent))
    if link != "config":
        data = json.dumps(manifest).encode()
        (layout / "blobs/sha256" / hashlib.sha256(data).hexdigest()).write_bytes(data)
        index["manifests"][0]["digest"] = digest(data)
        (layout / "index.json").write_text(json.dumps(index))
    result = invoke(tmp_path / "cache", "list", "--image", layout)
    assert_one_line(result, "not read")
    assert "HOST" not in result.output


# -- manifests and indexes of every shape --------------------------------------------------------

GOOD_LAYER = lib_layer()
HUGE = "1" + "0" * 5000  # past Python's int-from-text limit

DOCKER_SHAPES = {
    "object": {}, "empty": [], "null": None, "string": "x", "null image": [None], "number image": [1],
    "list image": [[]], "Layers null": [{"Config": "config.json", "Layers": None}],
    "Layers string": [{"Config": "config.json", "Layers": "layer.tar"}],
    "Layers numbers": [{"Config": "config.json", "Layers": [1]}], "Layers nulls": [{"Config": "config.json", "Layers": [None]}],
    "Layers object": [{"Config": "config.json", "Layers": [{"a": 1}]}],
    "Layers huge float": [{"Config": "config.json", "Layers": [1e308 * 10]}],
    "no layers": [{"Config": "config.json", "Layers": []}],
    "Config number": [{"Config": 5, "Layers": ["layer.tar"]}],
    "Config list": [{"Config": ["config.json"], "Layers": ["layer.tar"]}],
    "Config missing file": [{"Config": "nope.json", "Layers": ["layer.tar"]}],
    "Config absolute": [{"Config": "/etc/hostname", "Layers": ["layer.tar"]}],
    "Config NUL": [{"Config": "config.json\x00x", "Layers": ["layer.tar"]}],
    "missing layer": [{"Config": "config.json", "Layers": ["nope.tar"]}],
    "layer is a folder": [{"Config": "config.json", "Layers": ["."]}],
}
CONFIG_SHAPES = {
    "config list": [], "config string": "x", "rootfs list": {"rootfs": []},
    "diff_ids string": {"rootfs": {"diff_ids": "sha256:00"}}, "diff_ids numbers": {"rootfs": {"diff_ids": [5]}},
    "diff_ids count": {"rootfs": {"diff_ids": [digest(GOOD_LAYER), digest(GOOD_LAYER)]}},
    "diff_id md5": {"rootfs": {"diff_ids": ["md5:" + hashlib.md5(GOOD_LAYER).hexdigest()]}},
    "diff_id not hex": {"rootfs": {"diff_ids": ["sha256:../../etc"]}},
    "diff_id wrong": {"rootfs": {"diff_ids": [digest(b"other bytes")]}},
}
RAW_SHAPES = {
    "not UTF-8": b"\xff\xfe[\x00{\x00", "nested deep": b"[" * 100_000 + b"]" * 100_000,
    "huge int": f'[{{"Config": "config.json", "Layers": [{HUGE}]}}]'.encode(), "truncated": b'[{"Config": "conf',
    "NaN": b'[{"Config": NaN, "Layers": ["layer.tar"]}]',
}


@pytest.mark.parametrize("shape", sorted(DOCKER_SHAPES) + sorted(RAW_SHAPES))
def test_malformed_docker_manifest(tmp_path, shape):
    manifest = DOCKER_SHAPES[shape] if shape in DOCKER_SHAPES else RAW_SHAPES[shape]
    if manifest is None:
        manifest = b"null"
    image = docker_folder(tmp_path / "image", {"layer.tar": GOOD_LAYER}, manifest=manifest)
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", image))


@pytest.mark.parametrize("shape", sorted(CONFIG_SHAPES) + sorted(RAW_SHAPES))
def test_malformed_docker_config(tmp_path, shape):
    config = CONFIG_SHAPES[shape] if shape in CONFIG_SHAPES else RAW_SHAPES[shape]
    image = docker_folder(tmp_path / "image", {"layer.tar": GOOD_LAYER}, config=config)
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", image))


def _oci(folder: Path, index: object, manifest: object | None = None) -> Path:
    write_oci_layout(folder, [[(entry("opt/mkl/lib/libmkl_rt.so.3"), b"\x7fELF")]])
    if manifest is not None:
        data = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
        (folder / "blobs/sha256" / hashlib.sha256(data).hexdigest()).write_bytes(data)
        index = {"manifests": [{"digest": digest(data)}]}
    (folder / "index.json").write_bytes(index if isinstance(index, bytes) else json.dumps(index).encode())
    return folder


A64 = "sha256:" + "a" * 64
INDEX_SHAPES = {
    "list": [], "null": None, "manifests null": {"manifests": None}, "manifests string": {"manifests": "x"},
    "manifests numbers": {"manifests": [1]}, "entry empty": {"manifests": [{}]}, "digest number": {"manifests": [{"digest": 5}]},
    "digest escapes": {"manifests": [{"digest": "sha256:../../../etc/passwd"}]}, "digest missing blob": {"manifests": [{"digest": A64}]},
    "platform string": {"manifests": [{"digest": A64, "platform": "amd64"}]},
    "index loop": {"manifests": [{"digest": A64, "mediaType": "application/vnd.oci.image.index.v1+json"}]},
}
MANIFEST_SHAPES = {
    "manifest list": [], "layers number": {"layers": 5}, "layers numbers": {"layers": [5]},
    "layer digest null": {"layers": [{"digest": None}]}, "layer digest md5": {"layers": [{"digest": "md5:" + "a" * 32}]},
    "layer missing": {"layers": [{"digest": A64}]}, "config number": {"layers": [], "config": 5},
    "config digest list": {"layers": [], "config": {"digest": ["x"]}}, "no layers": {"layers": []},
    "manifests inside": {"manifests": 7},
}


@pytest.mark.parametrize("shape", sorted(INDEX_SHAPES) + sorted(RAW_SHAPES))
def test_malformed_oci_index(tmp_path, shape):
    index = INDEX_SHAPES[shape] if shape in INDEX_SHAPES else RAW_SHAPES[shape]
    layout = _oci(tmp_path / "oci", b"null" if index is None else index)
    if shape == "index loop":  # an index whose manifest is that very index, four deep and more
        data = json.dumps({"manifests": [{"digest": A64}]}).encode()
        (layout / "blobs/sha256" / ("a" * 64)).write_bytes(data)
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", layout))


@pytest.mark.parametrize("shape", sorted(MANIFEST_SHAPES) + sorted(RAW_SHAPES))
def test_malformed_oci_manifest(tmp_path, shape):
    manifest = MANIFEST_SHAPES[shape] if shape in MANIFEST_SHAPES else RAW_SHAPES[shape]
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", _oci(tmp_path / "oci", {}, manifest)))


def test_malformed_manifest_in_a_tarball_too(tmp_path):
    image = docker_folder(tmp_path / "image", {"layer.tar": GOOD_LAYER}, manifest=RAW_SHAPES["nested deep"])
    tarball = tmp_path / "image.tar"
    with tarfile.open(tarball, "w") as tar:
        for item in image.iterdir():
            tar.add(item, item.name)
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", tarball), "manifest.json: not valid JSON")


# -- layers whose entries are broken: a warning each, the rest read --------------------------------


def test_hard_link_to_a_missing_name_and_whiteouts_of_dot_dot(tmp_path):
    lower = [(folder_entry("opt"), b""), (folder_entry("opt/mkl"), b""), (folder_entry("opt/mkl/lib"), b""),
             (entry("opt/mkl/lib/libmkl_rt.so.3"), b"\x7fELF rt"), (entry("opt/mkl/lib/libmkl_core.so.3"), b"\x7fELF core")]
    upper = [(entry("opt/mkl/lib/libmkl_hard.so.3", tarfile.LNKTYPE, "opt/mkl/lib/not-in-this-layer.so"), b""),
             (entry("opt/mkl/lib/libmkl_alias.so.3", tarfile.LNKTYPE, "opt/mkl/lib/libmkl_def.so.3"), b""),
             (entry("opt/mkl/lib/libmkl_def.so.3"), b"\x7fELF def"),
             (entry("opt/mkl/lib/libmkl_vml.so.3", tarfile.LNKTYPE, "opt/mkl/lib/libmkl_def.so.3"), b""),
             (entry("opt/mkl/lib/.wh.."), b""), (entry("opt/mkl/.wh..."), b""), (entry("opt/mkl/lib/.wh."), b"")]
    layout = tmp_path / "oci"
    write_oci_layout(layout, [lower, upper])
    result = invoke(tmp_path / "cache", "list", "--image", layout, "--format", "json")
    assert result.exit_code == 0, result.output
    warnings = result.stderr.splitlines()
    assert sum("has no file of that name before it: skipped" in w for w in warnings) == 2  # missing, and later in the layer
    assert sum("names no file: refused" in w for w in warnings) == 3
    tree = next((tmp_path / "cache/mkldoctor/images/roots").iterdir()) / "tree/opt/mkl/lib"
    assert sorted(p.name for p in tree.iterdir()) == ["libmkl_core.so.3", "libmkl_def.so.3", "libmkl_rt.so.3", "libmkl_vml.so.3"]
    assert (tree / "libmkl_vml.so.3").read_bytes() == b"\x7fELF def"  # a hard link to a file before it: that file


def test_entries_1200_folders_deep(tmp_path):
    deep = "/".join(["d"] * 1200)
    layout = tmp_path / "oci"
    write_oci_layout(layout, [[(entry(f"{deep}/libmkl_rt.so.3"), b"\x7fELF"), (entry("opt/libmkl_core.so.3"), b"\x7fELF")]])
    result = invoke(tmp_path / "cache", "list", "--image", layout)
    assert result.exit_code == 0, result.output
    assert sum("more than 256 folders deep: refused" in w for w in result.stderr.splitlines()) == 1


# -- limits ---------------------------------------------------------------------------------------


def gzip_bomb(name: str, size: int) -> bytes:
    """A real gzip layer holding one file of ``size`` zero bytes, streamed: nothing of that size is in memory."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        header = tarfile.TarInfo(name)
        header.size = size
        gz.write(header.tobuf(format=tarfile.GNU_FORMAT))
        zeros = bytes(1 << 20)
        for _ in range(size >> 20):
            gz.write(zeros)
        gz.write(bytes(2 * 512))  # the end of the archive (size is a multiple of 512)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["oci", "docker"])
def test_gzip_bomb_stops_at_the_size_limit(tmp_path, kind):
    bomb = gzip_bomb("opt/mkl/lib/libmkl_core.so.3", 256 << 20)
    assert len(bomb) < 1 << 20  # a quarter GiB in under a MiB
    if kind == "oci":
        image = tmp_path / "oci"
        write_oci_layout(image, [[]])
        index = json.loads((image / "index.json").read_text())
        blobs = image / "blobs/sha256"
        manifest = json.loads((blobs / index["manifests"][0]["digest"].split(":")[1]).read_bytes())
        (blobs / hashlib.sha256(bomb).hexdigest()).write_bytes(bomb)
        manifest["layers"] = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(bomb), "size": len(bomb)}]
        data = json.dumps(manifest).encode()
        (blobs / hashlib.sha256(data).hexdigest()).write_bytes(data)
        (image / "index.json").write_text(json.dumps({"manifests": [{"digest": digest(data)}]}))
    else:  # the docker diff_id is the digest of the uncompressed tar: checking it inflates the layer
        image = docker_folder(tmp_path / "docker", {"layer.tar": bomb},
                              config={"rootfs": {"diff_ids": ["sha256:" + hashlib.sha256(gzip.decompress(bomb)).hexdigest()]}})
    result = invoke(tmp_path / "cache", "list", "--image", image, "--max-image-size", "64M")
    assert_one_line(result, "inflates past --max-image-size 64M", "--max-image-size SIZE")
    cache = tmp_path / "cache"
    assert sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) < 1 << 20  # nothing of it written
    assert not [p for p in cache.rglob(".*")]
    # raised, it is read: the limit is the only thing that stopped it
    result = invoke(tmp_path / "cache", "list", "--image", image, "--max-image-size", "1G", "--format", "json")
    assert result.exit_code == 0, result.output


def test_entry_limit(tmp_path):
    layout = tmp_path / "oci"
    write_oci_layout(layout, [[(entry(f"usr/share/doc/f{i}"), b"") for i in range(3000)]])
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", layout, "--max-image-entries", "1000"),
                    "more than --max-image-entries 1000 entries", "--max-image-entries N")
    assert invoke(tmp_path / "cache", "list", "--image", layout).exit_code == 0


def test_limit_flags_are_checked(tmp_path):
    layout = tmp_path / "oci"
    write_oci_layout(layout, [[(entry("opt/libmkl_rt.so.3"), b"x")]])
    assert_one_line(invoke(tmp_path / "cache", "list", "--image", layout, "--max-image-size", "lots"), "--max-image-size lots")
    assert_one_line(invoke(tmp_path / "cache", "check", "--image", layout, "--max-image-entries", "0"), "--max-image-entries 0")
