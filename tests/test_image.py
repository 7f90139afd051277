"""``--image``: images made by real tools (umoci builds OCI layouts without a daemon, skopeo turns
them into ``docker save`` tarballs), read without a container engine, checked against umoci's
own unpack of the same image; broken and hostile tarballs written to spec with tarfile.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import run
from tests.test_check import kernels_mapped_here
from tests.test_deps import LOADER, PROBE_C, link_or_copy

pytestmark = pytest.mark.mkl


def tools() -> None:
    for tool in ("umoci", "skopeo"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} missing (apt-get install {tool})")


def invoke(cache: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env={"XDG_CACHE_HOME": str(cache), **(env or {})})


def umoci_image(where: Path, layers: list[dict[str, Path | None]]) -> Path:
    """An OCI layout made by umoci, one repack per layer: {in-image path: host file, or None to delete}."""
    layout = where / "oci"
    run(["umoci", "init", "--layout", str(layout)])
    run(["umoci", "new", "--image", f"{layout}:img"])
    bundle = where / "bundle"
    run(["umoci", "unpack", "--image", f"{layout}:img", str(bundle)])
    for layer in layers:
        for inside, host in layer.items():
            dest = bundle / "rootfs" / inside.lstrip("/")
            if host is None:
                dest.unlink()
            else:
                link_or_copy(host, dest)
        run(["umoci", "repack", "--refresh-bundle", "--image", f"{layout}:img", str(bundle)])
    shutil.rmtree(bundle)
    return layout


def unpacked(layout: Path, where: Path) -> Path:
    """umoci's own unpack: the reference for what the layers make."""
    run(["umoci", "unpack", "--image", f"{layout}:img", str(where)])
    return where / "rootfs"


def mkl_files(tree: Path) -> set[str]:
    return {str(p.relative_to(tree)) for p in tree.rglob("*") if re.match(r"lib(mkl_|iomp5)", p.name)}


@pytest.fixture(scope="module")
def runtime_image(mkl, tmp_path_factory) -> dict:
    """A runtime image: /app/probe (DT_RUNPATH /opt/mkl/lib) with only libmkl_rt and libmkl_core;
    a second layer adds libmkl_def.so.3 and a third deletes it again (a whiteout)."""
    tools()
    d = tmp_path_factory.mktemp("runtime-image")
    (d / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", "probe", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3", "-Wl,--enable-new-dtags,-rpath,/opt/mkl/lib"], cwd=d)
    lib = mkl.pip_lib
    layout = umoci_image(d, [
        {"/app/probe": d / "probe", "/opt/mkl/lib/libmkl_rt.so.3": lib / "libmkl_rt.so.3",
         "/opt/mkl/lib/libmkl_core.so.3": lib / "libmkl_core.so.3"},
        {"/opt/mkl/lib/libmkl_vml_def.so.3": lib / "libmkl_vml_def.so.3"},
        {"/opt/mkl/lib/libmkl_vml_def.so.3": None},
    ])
    docker = d / "docker.tar"
    run(["skopeo", "copy", f"oci:{layout}:img", f"docker-archive:{docker}:mkl/runtime:1"])
    oci_tar = d / "oci.tar"
    run(["tar", "-C", str(layout), "-cf", str(oci_tar), "."])
    return {"dir": d, "oci": layout, "docker": docker, "oci_tar": oci_tar}


def test_three_formats_give_the_tree_umoci_unpacks(runtime_image, tmp_path):
    reference = mkl_files(unpacked(runtime_image["oci"], tmp_path / "ref"))
    assert reference == {"opt/mkl/lib/libmkl_rt.so.3", "opt/mkl/lib/libmkl_core.so.3"}  # the whiteout held
    from mkldoctor.discover.image import open_image

    with pytest.MonkeyPatch.context() as patch:  # restores the caller's XDG_CACHE_HOME, set or not
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        for key in ("oci", "docker", "oci_tar"):
            opened = open_image(str(runtime_image[key]), wanted=["/app/probe"])
            tree = Path(opened.root)
            assert tree.is_relative_to(tmp_path / "cache")
            assert mkl_files(tree) == reference, key
            assert (tree / "app/probe").read_bytes() == (runtime_image["dir"] / "probe").read_bytes()
    inspected = json.loads(run(["skopeo", "inspect", f"docker-archive:{runtime_image['docker']}"]).stdout)
    assert len(inspected["Layers"]) == 3 == len(opened.layers)


def test_check_names_the_missing_layer_libiomp5_and_this_cpus_kernel(mkl, runtime_image, tmp_path):
    # the reference: the kernels the loader maps when the probe runs with the whole MKL
    done = subprocess.run([LOADER, "--library-path", str(mkl.pip_lib), str(runtime_image["dir"] / "probe")],
                          capture_output=True, text=True, env={"LD_DEBUG": "files"})
    kernels = {os.path.basename(p) for p in re.findall(r"file=(\S+) \[\d+\];\s+generating link map", done.stderr)
               if re.match(r"libmkl_(vml_)?(def|mc3|avx2|avx512|avx10)\.so", os.path.basename(p))}
    assert kernels
    result = invoke(tmp_path / "cache", "check", "--image", str(runtime_image["docker"]), "/app/probe",
                    "--host-search", str(mkl.pip_lib), "--format", "json")
    assert result.exit_code == 1, result.output
    assert str(tmp_path / "cache") not in result.stdout  # paths are named IMAGE:/path, not by the cache folder
    missing = {f["title"].split(" ")[0] for f in json.loads(result.stdout)["findings"] if f["id"] == "runtime-missing"}
    assert missing == {"libmkl_intel_lp64.so.3", "libmkl_intel_thread.so.3", "libiomp5.so"} | kernels
    listed = invoke(tmp_path / "cache", "list", "--image", str(runtime_image["docker"]), "--search", "/opt/mkl/lib")
    assert listed.exit_code == 0, listed.output
    assert "docker.tar:/opt/mkl/lib/libmkl_rt.so.3" in listed.stdout and str(tmp_path / "cache") not in listed.stdout
    # the fix names the folder the image's MKL is in, and this machine's copy
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["title"].startswith("libiomp5.so"))
    assert finding["fix"] == [f"COPY --from=build {mkl.pip_lib / 'libiomp5.so'} /opt/mkl/lib/libiomp5.so"]
    # an image's check says nothing of this machine's MKL: no build pick, no "no MKL found", no install recipe
    document = json.loads(result.stdout)
    assert not {f["id"] for f in document["findings"]} & {"picked", "no-mkl"} and document["recipes"] == {}
    # the loader's search is told once, in the first file's finding; the others it failed alike point at it
    told = [f for f in document["findings"] if any(e.startswith("the search in the image: 1. ") for e in f["evidence"])]
    assert [f["title"].split(" ")[0] for f in told] == ["libmkl_intel_lp64.so.3"]
    for f in document["findings"]:
        if f["title"].startswith(("libmkl_intel_thread.so.3", "libiomp5.so")):
            assert "the search in the image: the same as for libmkl_intel_lp64.so.3, and it failed alike" in f["evidence"]
    # without BINARY: where it looked is the image, never this machine
    image = str(runtime_image["docker"])
    bare = invoke(tmp_path / "cache", "check", "--image", image, "--format", "json")
    (none,) = [f for f in json.loads(bare.stdout)["findings"] if f["id"] == "no-mkl"]
    assert none["title"] == f"no MKL found in the image {image}"


def test_copy_lines_from_the_build_image_make_the_runtime_run(mkl, runtime_image, tmp_path):
    build = tmp_path / "build"  # a build stage: the runtime image's probe and all of MKL's lib folder
    link_or_copy(runtime_image["dir"] / "probe", build / "app/probe")
    # what the program needs and more: other layers, other kernels (not all 1.7 GB: umoci gzips every byte)
    for name in ("rt", "core", "intel_lp64", "intel_thread", "sequential", "def", "vml_def", "vml_avx2"):
        link_or_copy(mkl.pip_lib / f"libmkl_{name}.so.3", build / "opt/mkl/lib" / f"libmkl_{name}.so.3")
    (tmp_path / "ref").mkdir()
    # the kernels this CPU loads (avx2 on one, avx512 on another; libmkl_def, already there, on an AMD processor)
    for name in kernels_mapped_here(mkl.pip_lib, tmp_path / "ref"):
        if not (build / "opt/mkl/lib" / name).exists():
            link_or_copy(mkl.pip_lib / name, build / "opt/mkl/lib" / name)
    link_or_copy(mkl.pip_lib / "libiomp5.so", build / "opt/mkl/lib/libiomp5.so")
    layout = umoci_image(tmp_path / "b", [{f"/{p.relative_to(build)}": p for p in build.rglob("*") if p.is_file()}])
    result = invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(layout), "--format", "copy",
                    "--search", str(mkl.pip_lib))
    assert result.exit_code == 0, result.output
    rootfs = unpacked(runtime_image["oci"], tmp_path / "runtime")  # the runtime image, unpacked by umoci
    copied = []
    for line in result.stdout.splitlines():
        if line.startswith("COPY "):
            _, _, src, dest = shlex.split(line)
            link_or_copy(build / src.lstrip("/"), rootfs / dest.lstrip("/"))
            copied.append(os.path.basename(dest))
    assert "libmkl_sequential.so.3" not in copied and "libiomp5.so" in copied  # the layer it uses, not the other
    ran = subprocess.run([LOADER, "--library-path", str(rootfs / "opt/mkl/lib"), str(rootfs / "app/probe")],
                         capture_output=True, text=True, env={})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "sum" in ran.stdout


def test_debian_runtime_only_image(mkl, tmp_path):
    tools()
    deb = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", "probe", f"-L{deb}", "-lmkl_rt"], cwd=tmp_path)
    dpkg = {f"/{p.relative_to(mkl.debian_shared)}": p for p in (mkl.debian_shared / "var/lib/dpkg").rglob("*") if p.is_file()}
    layout = umoci_image(tmp_path / "img", [{
        "/app/probe": tmp_path / "probe",
        "/usr/lib/x86_64-linux-gnu/libmkl_rt.so": deb / "libmkl_rt.so",
        "/usr/lib/x86_64-linux-gnu/libmkl_core.so": deb / "libmkl_core.so", **dpkg}])
    result = invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(layout), "--format", "json",
                    "--env", "MKL_THREADING_LAYER=sequential", "--search", str(deb))
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    # the reference: the Debian MKL's own run, sequential, on this CPU
    done = subprocess.run([LOADER, "--library-path", str(deb), str(tmp_path / "probe")], capture_output=True, text=True,
                          env={"LD_DEBUG": "files", "MKL_THREADING_LAYER": "sequential"})
    assert done.returncode == 0, done.stderr[-1000:]
    loaded = {os.path.basename(p) for p in re.findall(r"file=(\S+) \[\d+\];\s+generating link map", done.stderr)
              if os.path.basename(p).startswith("libmkl_")}
    assert {n["file"] for n in doc["needs"]} == loaded
    assert set(doc["missing"]) == loaded - {"libmkl_rt.so", "libmkl_core.so"}
    assert "libiomp5.so" not in loaded
    # a runtime-only image asked for a static link: the seed's runtime-vs-devel finding, as on the sysroot itself
    result = invoke(tmp_path / "cache", "check", "--image", str(layout), "--link", "static", "--format", "json")
    ids = {f["id"] for f in json.loads(result.stdout)["findings"]}
    on_sysroot = invoke(tmp_path / "cache", "check", "--root", str(mkl.debian_shared), "--link", "static", "--format", "json")
    assert "runtime-without-devel" in ids & {f["id"] for f in json.loads(on_sysroot.stdout)["findings"]}


def write_docker_tar(path: Path, layer_entries: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    """A docker save tarball, written to spec: manifest.json, config, one layer.tar."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as tar:
        for info, data in layer_entries:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    layer_bytes = layer.getvalue()
    import hashlib

    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    manifest = json.dumps([{"Config": "config.json", "RepoTags": ["t:1"], "Layers": ["l1/layer.tar"]}]).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in (("manifest.json", manifest), ("config.json", config), ("l1/layer.tar", layer_bytes)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return layer_bytes


def entry(name: str, kind=tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = 0o755
    return info


def test_escaping_entries_are_refused_and_nothing_lands_outside_the_cache(tmp_path):
    tools()
    work = tmp_path / "work"
    work.mkdir()
    image = work / "evil.tar"
    write_docker_tar(image, [
        (entry("usr/lib/libmkl_rt.so.3"), b"\x7fELF not really"),
        (entry("../../../../libmkl_escape.so"), b"x"),
        (entry("usr/lib/libmkl_out.so", tarfile.SYMTYPE, "../../../../../etc"), b""),
        (entry("usr/lib/libmkl_abs.so", tarfile.SYMTYPE, "/usr/lib/libmkl_rt.so.3"), b""),
        (entry("usr/lib/libmkl_hard.so", tarfile.LNKTYPE, "../../x"), b""),
    ])
    inspected = json.loads(run(["skopeo", "inspect", f"docker-archive:{image}"]).stdout)
    assert len(inspected["Layers"]) == 1
    before = {p for p in tmp_path.rglob("*")}
    result = invoke(tmp_path / "cache", "list", "--image", str(image))
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if "refused" in ln]
    assert len(warnings) == 3 and any("libmkl_escape" in w for w in warnings)
    after = {p for p in tmp_path.rglob("*")} - before
    assert after and all(p.is_relative_to(tmp_path / "cache") for p in after)
    assert not list(tmp_path.parent.glob("libmkl_escape*")) and not list(Path("/").glob("libmkl_escape*"))
    tree = next((tmp_path / "cache/mkldoctor/images/roots").iterdir()) / "tree"
    abs_link = tree / "usr/lib/libmkl_abs.so"
    assert os.readlink(abs_link) == "libmkl_rt.so.3" and abs_link.resolve().is_relative_to(tree)


def test_truncated_tarballs_are_one_line_errors(runtime_image, tmp_path):
    whole = runtime_image["docker"].read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole[: len(whole) // 2])
    oci = tmp_path / "oci"
    shutil.copytree(runtime_image["oci"], oci)
    blob = max((oci / "blobs/sha256").iterdir(), key=lambda p: p.stat().st_size)  # the biggest layer
    blob.write_bytes(blob.read_bytes()[: blob.stat().st_size // 2])
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"not a tarball at all" * 50)
    for path in (cut, oci, garbage):
        for command in (["list", "--image", str(path)], ["deps", "/app/probe", "--image", str(path)]):
            result = invoke(tmp_path / "cache", *command)
            assert result.exit_code == 2, (path, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("mkldoctor: ") and "Traceback" not in result.output
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".")] if (tmp_path / "cache").exists() else []
    assert not leftovers  # no half-built layer or root left behind


def write_oci_layout(folder: Path, layers: list[list[tuple[tarfile.TarInfo, bytes]]]) -> None:
    """An OCI image layout written to spec (uncompressed layers), tagged ``img``."""
    import hashlib

    blobs = folder / "blobs/sha256"
    blobs.mkdir(parents=True)

    def put(data: bytes) -> dict:
        digest = hashlib.sha256(data).hexdigest()
        (blobs / digest).write_bytes(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}

    descriptors, diff_ids = [], []
    for entries in layers:
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for info, data in entries:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data) if data else None)
        d = put(layer.getvalue())
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", **d})
        diff_ids.append(d["digest"])
    config = put(json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode())
    manifest = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
                               "layers": descriptors}).encode())
    (folder / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    (folder / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest,
         "annotations": {"org.opencontainers.image.ref.name": "img"}}]}))


def folder_entry(name: str) -> tarfile.TarInfo:
    info = entry(name, tarfile.DIRTYPE)
    return info


def test_opaque_folders_and_whiteouts_as_umoci_applies_them(tmp_path):
    tools()
    layout = tmp_path / "oci"
    write_oci_layout(layout, [
        [(folder_entry("opt"), b""), (folder_entry("opt/mkl"), b""), (folder_entry("opt/mkl/lib"), b""),
         (entry("opt/mkl/lib/libmkl_rt.so.2"), b"old rt"), (entry("opt/mkl/lib/libmkl_core.so.2"), b"old core"),
         (folder_entry("usr"), b""), (folder_entry("usr/lib"), b""), (entry("usr/lib/libiomp5.so"), b"omp"),
         (entry("usr/lib/libmkl_gone.so"), b"x")],
        [(folder_entry("opt/mkl/lib"), b""), (entry("opt/mkl/lib/.wh..wh..opq"), b""),
         (entry("opt/mkl/lib/libmkl_rt.so.3"), b"new rt"), (entry("usr/lib/.wh.libmkl_gone.so"), b""),
         (entry("usr/lib/libmkl_link.so", tarfile.SYMTYPE, "/opt/mkl/lib/libmkl_rt.so.3"), b"")],
    ])
    run(["skopeo", "inspect", f"oci:{layout}:img"])  # the layout is one that skopeo accepts
    reference = unpacked(layout, tmp_path / "ref")
    from mkldoctor.discover.image import open_image

    with pytest.MonkeyPatch.context() as patch:  # restores the caller's XDG_CACHE_HOME, set or not
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        tree = Path(open_image(str(layout)).root)
    assert mkl_files(tree) == mkl_files(reference) == {"opt/mkl/lib/libmkl_rt.so.3", "usr/lib/libiomp5.so", "usr/lib/libmkl_link.so"}
    for name in ("opt/mkl/lib/libmkl_rt.so.3", "usr/lib/libiomp5.so"):
        assert (tree / name).read_bytes() == (reference / name).read_bytes()
    # the absolute link is re-rooted: it reaches the image's file, never the host's /opt
    assert (tree / "usr/lib/libmkl_link.so").read_bytes() == b"new rt"


def test_the_images_env_is_the_programs(mkl, tmp_path):
    """ENV LD_LIBRARY_PATH in the image config (set here by umoci config) is where the loader looks."""
    tools()
    (tmp_path / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", "probe", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3"], cwd=tmp_path)  # no rpath
    layout = umoci_image(tmp_path / "img", [{"/app/probe": tmp_path / "probe",
                                             "/opt/mkl/lib/libmkl_rt.so.3": mkl.pip_lib / "libmkl_rt.so.3"}])
    plain = json.loads(invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(layout), "--format", "json").stdout)
    assert "libmkl_rt.so.3" in plain["missing"]
    run(["umoci", "config", "--image", f"{layout}:img", "--config.env", "LD_LIBRARY_PATH=/opt/mkl/lib",
         "--config.env", "MKL_THREADING_LAYER=sequential"])
    with_env = json.loads(invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(layout), "--format", "json").stdout)
    rt = next(n for n in with_env["needs"] if n["file"] == "libmkl_rt.so.3")
    assert rt["path"] == "/opt/mkl/lib/libmkl_rt.so.3"
    assert "libmkl_sequential.so.3" in with_env["missing"] and "libiomp5.so" not in with_env["missing"]
    # --env wins over the image's ENV
    over = json.loads(invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(layout), "--format", "json",
                             "--env", "MKL_THREADING_LAYER=intel").stdout)
    assert "libmkl_intel_thread.so.3" in over["missing"]


def test_an_unobservable_kernel_is_missing_never_silent(mkl, runtime_image, tmp_path):
    """No copy of the image's MKL on this machine and no kernel in the image: a missing kernel, exit 1."""
    result = invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(runtime_image["docker"]), "--format", "json",
                    env={"MKLROOT": None, "ONEAPI_ROOT": None, "LD_LIBRARY_PATH": None})
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert "not observed" in doc["kernels_how"], doc["kernels_how"]
    # the release's real kernel files, from the export table, held against the 2026.2 wheel's own files
    kernels = {n["file"] for n in doc["needs"] if n["role"] in ("CPU kernel", "VML kernel")}
    shipped = {p.name for p in mkl.pip_lib.iterdir() if re.match(r"libmkl_(vml_)?(def|mc\d?|avx\w*|cmpt)\.so\.3$", p.name)}
    assert kernels == shipped and kernels <= set(doc["missing"]), (kernels, shipped)
    copy = invoke(tmp_path / "cache", "deps", "/app/probe", "--image", str(runtime_image["docker"]), "--format", "copy",
                  env={"MKLROOT": None, "ONEAPI_ROOT": None, "LD_LIBRARY_PATH": None}).stdout
    assert "libmkl_avx2.so.3" in copy and "<kernel>" not in copy


def test_a_layer_with_other_bytes_than_its_digest_is_corrupt(runtime_image, tmp_path):
    """Same length, one byte changed inside a file's data: tar reads it, the digest does not match."""
    oci = tmp_path / "oci"
    shutil.copytree(runtime_image["oci"], oci)
    blob = max((oci / "blobs/sha256").iterdir(), key=lambda p: p.stat().st_size)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    # and an uncompressed layer, where tar alone would read the changed byte as data
    plain = tmp_path / "plain"
    write_oci_layout(plain, [[(entry("usr/lib/libmkl_rt.so.3"), b"A" * 4096)]])
    layer = next(p for p in (plain / "blobs/sha256").iterdir() if p.stat().st_size > 4096)
    raw = layer.read_bytes()
    layer.write_bytes(raw.replace(b"A" * 64, b"B" + b"A" * 63, 1))
    for image in (oci, plain):
        result = invoke(tmp_path / "cache", "list", "--image", str(image))
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1 and "corrupt" in result.stderr
    roots = tmp_path / "cache/mkldoctor/images/roots"
    assert not roots.exists() or not any(roots.iterdir())
