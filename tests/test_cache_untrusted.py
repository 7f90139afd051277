"""mkldoctor's cache is not trusted: real entries written by real runs, then edited as an attacker with
write access to ``~/.cache`` (or a bug, or a full disk) would leave them. The next run checks each
entry against the record written with it and rebuilds what changed; nothing outside the cache is
touched, and a tampered bench program never runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.bench import build as builder
from mkldoctor.bench import hub
from mkldoctor.cli import app
from mkldoctor.inventory.install import describe
from mkldoctor.inventory.locate import install_at
from mkldoctor.rootfs import RootFS
from tests.test_image import entry, folder_entry, write_oci_layout
from tests.test_image_untrusted import docker_folder, gzip_bomb
from test_hub import COMMIT, REPO, local_hub  # noqa: F401,F811 - a fixture

ROOT = Path(__file__).resolve().parent.parent


def invoke(cache: Path, *args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"XDG_CACHE_HOME": str(cache)})


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and link (its target) under ``folder``, by relative path."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def two_layer_image(folder: Path) -> Path:
    write_oci_layout(folder, [
        [(folder_entry("opt"), b""), (folder_entry("opt/mkl"), b""), (folder_entry("opt/mkl/lib"), b""),
         (entry("opt/mkl/lib/libmkl_rt.so.3"), b"\x7fELF rt"), (entry("opt/mkl/lib/libmkl_core.so.3"), b"\x7fELF core")],
        [(entry("opt/mkl/lib/libmkl_def.so.3"), b"\x7fELF def")],
    ])
    return folder


# -- image entries ------------------------------------------------------------------------------------


def test_edited_whiteouts_in_a_layer_record_delete_nothing_outside(tmp_path):
    victim = tmp_path / "victim"  # beside the cache: a whiteout climbing out of the tree would reach it
    victim.write_text("keep me")
    neighbour = tmp_path / "cache/mkldoctor/images/precious"
    neighbour.parent.mkdir(parents=True)
    neighbour.write_text("keep me too")
    image = two_layer_image(tmp_path / "oci")
    cache = tmp_path / "cache"
    assert invoke(cache, "list", "--image", image).exit_code == 0
    records = list((cache / "mkldoctor/images/layers").glob("*/layer.json"))
    assert len(records) == 2
    depth = len(records[0].parent.parts)
    for record in records:
        meta = json.loads(record.read_text())
        meta["whiteouts"] += ["../" * depth + str(victim).lstrip("/"), "../../precious", "..", "opt/../..", "/"]
        meta["opaque"] += ["../..", "opt/../../.."]
        record.write_text(json.dumps(meta))
    # the merged root is made again from the layer entries: their whiteouts are applied
    for tree in (cache / "mkldoctor/images/roots").iterdir():
        subprocess.run(["rm", "-rf", str(tree)], check=True)
    before = snapshot(tmp_path / "oci")
    result = invoke(cache, "list", "--image", image, "--format", "json")
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep me" and neighbour.read_text() == "keep me too"
    assert snapshot(tmp_path / "oci") == before
    lib = next((cache / "mkldoctor/images/roots").iterdir()) / "tree/opt/mkl/lib"
    assert sorted(p.name for p in lib.iterdir()) == ["libmkl_core.so.3", "libmkl_def.so.3", "libmkl_rt.so.3"]


@pytest.mark.parametrize("change", ["bytes", "in-place", "link-out", "added", "removed", "record"])
def test_a_changed_cache_tree_is_rebuilt_never_read(tmp_path, change):
    image = two_layer_image(tmp_path / "oci")
    cache = tmp_path / "cache"
    first = invoke(cache, "list", "--image", image, "--format", "json")
    assert first.exit_code == 0, first.output
    root = next((cache / "mkldoctor/images/roots").iterdir())
    lib = root / "tree/opt/mkl/lib"
    host = tmp_path / "host-libmkl_rt.so.3"
    host.write_bytes(b"\x7fELF the HOST's")
    if change == "bytes":
        (lib / "libmkl_rt.so.3").unlink()  # (a hard link to the layer's file: replaced, not written through)
        (lib / "libmkl_rt.so.3").write_bytes(b"\x7fELF tampered")
    elif change == "in-place":  # same size, same inode, its times put back: only the kernel's ctime moved
        victim = lib / "libmkl_rt.so.3"
        times = victim.stat()
        with open(victim, "r+b") as handle:
            handle.write(b"\x7fELF XX")
        os.utime(victim, ns=(times.st_atime_ns, times.st_mtime_ns))
    elif change == "link-out":
        (lib / "libmkl_rt.so.3").unlink()
        (lib / "libmkl_rt.so.3").symlink_to(host)
    elif change == "added":
        (lib / "libmkl_avx512.so.3").write_bytes(b"\x7fELF planted")
    elif change == "removed":
        (lib / "libmkl_def.so.3").unlink()
    else:
        (root / "root.json").write_text("{not json")
    result = invoke(cache, "list", "--image", image, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "is not what was written there" in result.stderr and "built again" in result.stderr
    assert json.loads(result.stdout)["installs"] == json.loads(first.stdout)["installs"]
    assert (lib / "libmkl_rt.so.3").read_bytes() == b"\x7fELF rt" and not (lib / "libmkl_avx512.so.3").exists()
    assert host.read_bytes() == b"\x7fELF the HOST's"
    again = invoke(cache, "list", "--image", image)
    assert again.exit_code == 0 and "is not what was written" not in again.stderr  # rebuilt once, then trusted


def test_two_images_whose_layers_share_a_file_name_share_no_entry(tmp_path):
    """docker save tarballs without diff_ids, each layer named layer.tar: the layer's bytes name its entry."""
    images = {}
    for soname in ("libmkl_rt.so.2", "libmkl_rt.so.3"):
        folder = docker_folder(tmp_path / soname, {"layer.tar": b""}, config={"architecture": "amd64"})
        import io
        import tarfile

        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w") as tar:
            info = tarfile.TarInfo(f"opt/mkl/lib/{soname}")  # libmkl_rt alone: list counts it as a copy
            data = b"\x7fELF " + soname.encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        (folder / "layer.tar").write_bytes(layer.getvalue())
        images[soname] = folder
    cache = tmp_path / "cache"
    from mkldoctor.discover.image import open_image

    with pytest.MonkeyPatch.context() as patch:  # restores the caller's XDG_CACHE_HOME, set or not
        patch.setenv("XDG_CACHE_HOME", str(cache))
        for soname, folder in images.items():
            tree = Path(open_image(str(folder)).root)
            assert sorted(p.name for p in (tree / "opt/mkl/lib").iterdir()) == [soname]  # its own, not the other's
            listed = invoke(cache, "list", "--image", folder, "--search", "/opt/mkl/lib", "--format", "json")
            assert f"/opt/mkl/lib/{soname}" in listed.stdout
    assert len(list((cache / "mkldoctor/images/layers").iterdir())) == 2


def test_sigterm_leaves_no_half_built_entry_and_stale_ones_go(tmp_path):
    """SIGTERM while a layer is being checked (a real gzip layer of 1 GiB of zeros, its diff_id the digest of the
    whole inflated tar): the temporary folder goes with the process; one left by a killed run goes next time."""
    bomb = gzip_bomb("opt/mkl/lib/libmkl_core.so.3", 1 << 30)
    import gzip
    import hashlib

    diff_id = "sha256:" + hashlib.sha256(gzip.decompress(bomb)).hexdigest()
    image = docker_folder(tmp_path / "image", {"layer.tar": bomb}, config={"rootfs": {"diff_ids": [diff_id]}})
    layers = tmp_path / "cache/mkldoctor/images/layers"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "mkldoctor", "list", "--image", str(image)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not (layers.is_dir() and any(layers.iterdir())):
        time.sleep(0.01)
    assert proc.poll() is None, proc.communicate()  # still inflating the layer to check its digest
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, "mkldoctor: interrupted\n")
    assert list(layers.iterdir()) == []
    # what a run killed by SIGKILL leaves (no handler runs) is swept by the next run, whatever its name
    stale = layers / f".sha256-{'0' * 64}-0123456789abcdef-999999999-abcdefgh"
    (stale / "tree/opt").mkdir(parents=True)
    small = docker_folder(tmp_path / "small", {"layer.tar": gzip_bomb("opt/mkl/lib/libmkl_rt.so.3", 1 << 20)},
                          config={})
    assert invoke(tmp_path / "cache", "list", "--image", small).exit_code == 0
    assert not stale.exists()


# -- a folder that becomes a link between the look and the listing (under --root) -----------------------


class _SwapWhenListed(RootFS):
    """A root whose ``pkgconfig`` folder is replaced by a link to a host folder right after the resolver looked
    it up and before it is opened: the window a tree still being unpacked (or an attacker) has."""

    def __init__(self, root: str, folder: Path, host: Path) -> None:
        super().__init__(root)
        self.folder, self.host_folder, self.swapped = folder, host, False

    def _between(self, parts: list[str]) -> None:
        if parts and parts[-1] == "pkgconfig" and not self.swapped:
            self.swapped = True
            for item in self.folder.iterdir():
                item.unlink()
            self.folder.rmdir()
            self.folder.symlink_to(self.host_folder)


def test_a_folder_swapped_for_a_link_is_not_listed(mkl, tmp_path):
    root = tmp_path / "root"
    lib = root / "opt/mkl/lib"
    (lib / "pkgconfig").mkdir(parents=True)
    (lib / "pkgconfig/mkl-dynamic-lp64-seq.pc").write_text("prefix=/opt/mkl\n")
    (lib / "libmkl_core.so.3").write_bytes(b"\x7fELF")
    host = tmp_path / "host-pkgconfig"
    host.mkdir()
    (host / "mkl-static-ilp64-iomp.pc").write_text("the host's\n")
    fs = _SwapWhenListed(str(root), lib / "pkgconfig", host)
    install = describe("folder", str(root / "opt/mkl"), [str(lib)], fs=fs)
    assert fs.swapped and os.path.realpath(lib / "pkgconfig") == str(host)  # the swap did happen
    assert not any("ilp64" in pc for pc in install.pkgconfig)  # and the host's folder was not listed


# -- bench programs and hub downloads -------------------------------------------------------------------


@pytest.mark.mkl
def test_a_replaced_bench_program_never_runs(mkl, tmp_path):
    install = install_at(str(mkl.pip))
    root = str(tmp_path / "bench")
    first = builder.build(install, "dynamic", "sequential", root=root)
    marker = tmp_path / "ran"
    program = Path(first.binary)
    program.unlink()
    program.write_text(f"#!/bin/sh\ntouch {marker}\necho '{{\"event\": \"info\"}}'\n")
    program.chmod(0o755)
    again = builder.build(install, "dynamic", "sequential", root=root)
    assert not marker.exists()
    assert not again.cached and again.binary == first.binary and again.mkl and again.mkl.version
    assert Path(again.binary).read_bytes()[:4] == b"\x7fELF"
    assert builder.build(install, "dynamic", "sequential", root=root).cached  # verified, reused


def test_a_changed_download_is_fetched_again(local_hub, tmp_path, monkeypatch):  # noqa: F811
    path = Path(hub.fetch(REPO))
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-4] + b"XXXX")  # same size
    (path / "config.json").write_text('{"hidden_size": 1}')
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.DownloadError, match="not what was downloaded"):
        hub.fetch(REPO)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert Path(hub.fetch(REPO)) == path
    assert weights.read_bytes() == local_hub.files["model.safetensors"]
    assert (path / "config.json").read_bytes() == local_hub.files["config.json"]
    refs = Path(hub.cache_dir(REPO)) / "refs/main"
    refs.write_text("../../../../../etc")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.DownloadError, match="not a commit hash"):
        hub.fetch(REPO)
    assert COMMIT in str(path)
