"""--root never reads the host: a hostile sysroot whose links point at a real MKL on this host.

Every hostile link here leads, through the operating system, to the real oneMKL 2026.2 of the
fixtures (checked with os.path.realpath / open / nm as the independent reference); through
mkldoctor the copy is reported broken or partial, never with that MKL's symbols or version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.binary.symbols import find_definitions
from mkldoctor.cli import app
from mkldoctor.errors import InputError
from mkldoctor.rootfs import MAX_LINKS, Broken, OutsideRoot, RootFS
from test_list import link_tree

runner = CliRunner()


def nm_defines(path: Path, symbol: str) -> bool:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    return any(line.split()[-1].split("@")[0] == symbol for line in out.splitlines() if line.strip())


def escape_to(link: Path, target: Path) -> str:
    """A relative target from ``link``'s folder that climbs to / and down to ``target`` (on the host)."""
    return "../" * (len(link.parent.parts) + 2) + str(target).lstrip("/")


@pytest.fixture()
def host_mkl(mkl) -> Path:
    """A real MKL on the host, outside every sysroot below: it defines hgemm_ (nm says so)."""
    lib = mkl.pip_lib / "libmkl_rt.so.3"
    assert nm_defines(lib, "hgemm_")
    return lib


# -- the resolver ---------------------------------------------------------------------


def test_absolute_link_inside_the_root_is_re_rooted(tmp_path):
    (tmp_path / "opt/intel/lib").mkdir(parents=True)
    (tmp_path / "opt/intel/lib/libmkl_rt.so.2").write_bytes(b"\x7fELF the image's own copy")
    (tmp_path / "usr/lib").mkdir(parents=True)
    (tmp_path / "usr/lib/libmkl_rt.so").symlink_to("/opt/intel/lib/libmkl_rt.so.2")
    fs = RootFS(str(tmp_path))
    assert fs.resolve("/usr/lib/libmkl_rt.so") == str(tmp_path / "opt/intel/lib/libmkl_rt.so.2")
    with fs.open_in_root("/usr/lib/libmkl_rt.so") as handle:
        assert handle.read() == (tmp_path / "opt/intel/lib/libmkl_rt.so.2").read_bytes()
    # `..` in a path stops at the root, as in a chroot
    assert fs.resolve("/../../../../usr/lib/../lib/libmkl_rt.so") == str(tmp_path / "opt/intel/lib/libmkl_rt.so.2")
    assert fs.glob("/usr/*/libmkl_rt*") == ["/usr/lib/libmkl_rt.so"]


def test_absolute_link_to_a_host_file_that_exists_dangles_in_the_root(tmp_path, host_mkl):
    link = tmp_path / "usr/lib/x86_64-linux-gnu/libmkl_rt.so"
    link.parent.mkdir(parents=True)
    link.symlink_to(host_mkl)
    assert os.path.realpath(link) == str(host_mkl.resolve())  # what the operating system would read
    fs = RootFS(str(tmp_path))
    found = fs.resolve("/usr/lib/x86_64-linux-gnu/libmkl_rt.so")
    assert isinstance(found, Broken) and found.kind == "dangling"
    assert str(host_mkl) in str(found) and str(found).startswith(str(link))
    assert not os.path.exists(found.host) and found.host.startswith(str(tmp_path) + "/")
    with pytest.raises(OutsideRoot):
        fs.open_in_root("/usr/lib/x86_64-linux-gnu/libmkl_rt.so")
    # through binary/, with the root's opener: not read; with the OS's open: the host's hgemm_
    problems: list = []
    with pytest.raises(InputError, match="dangles inside the root"):
        find_definitions(str(link), ["hgemm_"], problems, opener=fs.open_host)
    assert [d.symbol for d in find_definitions(str(link), ["hgemm_"], problems)] == ["hgemm_"]


def test_a_link_to_a_host_folder_on_the_way(tmp_path, host_mkl):
    (tmp_path / "opt/intel").mkdir(parents=True)
    (tmp_path / "opt/intel/mkl").symlink_to(host_mkl.parent.parent)  # the pip prefix, a folder on the host
    assert os.path.exists(tmp_path / "opt/intel/mkl/lib" / host_mkl.name)
    fs = RootFS(str(tmp_path))
    assert not fs.exists("/opt/intel/mkl/lib/" + host_mkl.name)
    assert fs.glob("/opt/intel/mkl/lib/libmkl_*") == []
    with pytest.raises(OutsideRoot):
        fs.listdir("/opt/intel/mkl/lib")


def test_relative_escape_is_not_followed(tmp_path, host_mkl):
    link = tmp_path / "usr/lib/x86_64-linux-gnu/libmkl_rt.so"
    link.parent.mkdir(parents=True)
    link.symlink_to(escape_to(link, host_mkl))
    assert os.path.realpath(link) == str(host_mkl.resolve())
    found = RootFS(str(tmp_path)).resolve("/usr/lib/x86_64-linux-gnu/libmkl_rt.so")
    assert isinstance(found, Broken) and found.kind == "leaves-root"
    assert "climbs above the root" in found.reason


def test_proc_self_link_stays_inside(tmp_path, host_mkl):
    link = tmp_path / "usr/lib/libmkl_rt.so"
    link.parent.mkdir(parents=True)
    link.symlink_to(f"/proc/self/root{host_mkl}")
    with open(link, "rb") as handle:  # the operating system reads the host's MKL through it
        assert handle.read(4) == b"\x7fELF"
    fs = RootFS(str(tmp_path))
    found = fs.resolve("/usr/lib/libmkl_rt.so")
    assert isinstance(found, Broken) and found.kind == "dangling"
    (tmp_path / "proc/self").mkdir(parents=True)  # an image may hold a proc folder: still its own
    assert isinstance(fs.resolve("/usr/lib/libmkl_rt.so"), Broken)


def test_loops_and_depth_are_bounded(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("/a")
    (tmp_path / "self").symlink_to(".")
    fs = RootFS(str(tmp_path))
    found = fs.resolve("/a")
    assert isinstance(found, Broken) and found.kind == "loop"
    assert fs.resolve("/self" * (MAX_LINKS + 1)).kind == "loop"  # 41 links, none of them a loop on its own
    assert fs.resolve("/self" * (MAX_LINKS - 1)) == str(tmp_path)
    deep = tmp_path.joinpath(*["d"] * 300)
    deep.mkdir(parents=True)
    assert isinstance(fs.resolve("/" + "d/" * 300), Broken)
    assert not os.path.exists(tmp_path / "a")  # the kernel's own verdict: ELOOP
    with pytest.raises(OSError):
        os.stat(tmp_path / "a")


def test_a_fifo_is_not_opened_for_reading(tmp_path):
    os.mkfifo(tmp_path / "libmkl_rt.so")
    with pytest.raises(OutsideRoot, match="not a regular file"):
        RootFS(str(tmp_path)).open_in_root("/libmkl_rt.so")  # would block forever if opened


class SwapAfterLookup(RootFS):
    """Runs ``swap`` between the lookup and the open: a sysroot changing under the scan."""

    def __init__(self, root: str, swap) -> None:
        super().__init__(root)
        self.swap = swap

    def _between(self, parts: list[str]) -> None:
        self.swap()


def test_file_swapped_for_a_link_between_lookup_and_open(tmp_path, host_mkl):
    lib = tmp_path / "usr/lib/libmkl_rt.so"
    lib.parent.mkdir(parents=True)
    lib.write_bytes(b"\x7fELF the image's own file")

    def swap():
        lib.unlink()
        lib.symlink_to(host_mkl)

    fs = SwapAfterLookup(str(tmp_path), swap)
    with pytest.raises(OutsideRoot, match="changed while being read"):
        fs.open_in_root("/usr/lib/libmkl_rt.so")
    with open(lib, "rb") as handle:  # the link swapped in does lead to the host's MKL
        assert handle.read(4) == b"\x7fELF" and os.path.realpath(lib) == str(host_mkl.resolve())


def test_folder_swapped_for_a_link_between_lookup_and_open(tmp_path, host_mkl):
    lib = tmp_path / "opt/mkl/lib"
    lib.mkdir(parents=True)
    (lib / host_mkl.name).write_bytes(b"\x7fELF the image's own file")

    def swap():
        shutil.rmtree(lib)
        lib.symlink_to(host_mkl.parent)

    fs = SwapAfterLookup(str(tmp_path), swap)
    with pytest.raises(OutsideRoot, match="changed while being read"):
        fs.open_in_root(f"/opt/mkl/lib/{host_mkl.name}")
    assert os.path.realpath(lib / host_mkl.name) == str(host_mkl.resolve())


def test_file_replaced_by_another_file_between_lookup_and_open(tmp_path):
    lib = tmp_path / "libmkl_rt.so"
    lib.write_bytes(b"first")
    other = tmp_path / "other"
    other.write_bytes(b"second")
    fs = SwapAfterLookup(str(tmp_path), lambda: os.replace(other, lib))
    with pytest.raises(OutsideRoot, match="changed while being read"):
        fs.open_in_root("/libmkl_rt.so")


# -- list and check through the CLI ---------------------------------------------------


@pytest.fixture()
def hostile(mkl, tmp_path, host_mkl) -> Path:
    """Debian's 2020.4 sysroot (real files) with its libmkl_rt.so, static lp64 archive and
    mkl_version.h replaced by links that reach the host's oneMKL 2026.2: absolute, a relative
    escape, and through /proc/self."""
    root = tmp_path / "image"
    shutil.copytree(mkl.debian_shared / "var", root / "var", symlinks=True)
    lib = root / "usr/lib/x86_64-linux-gnu"
    link_tree(sorted(p for p in mkl.debian_lib(mkl.debian_shared).glob("libmkl_*.so") if p.name != "libmkl_rt.so"), lib)
    (lib / "libmkl_rt.so").symlink_to(host_mkl)
    (lib / "libmkl_intel_lp64.a").symlink_to(escape_to(lib / "libmkl_intel_lp64.a", mkl.pip_lib / "libmkl_intel_lp64.a"))
    (lib / "libmkl_core.a").symlink_to(f"/proc/self/root{mkl.pip_lib / 'libmkl_core.a'}")
    include = root / "usr/include/mkl"
    link_tree([mkl.debian_shared / "usr/include/mkl/mkl.h"], include)
    (include / "mkl_version.h").symlink_to(mkl.pip / "include/mkl_version.h")
    return root


def test_list_root_reports_the_copy_partial_never_the_hosts(mkl, hostile, host_mkl):
    result = runner.invoke(app, ["list", "--format", "json", "--root", str(hostile)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (install,) = document["installs"]
    assert install["version"] == "2020.4"  # dpkg's; the host header says 2026.2
    assert install["defines"]["hgemm_"] == [] and install["defines"]["cblas_gemm_f16f16f32"] == []
    assert install["defines"]["sgemm_"]  # from the image's own libmkl_intel_lp64.so
    assert not install["static"] and install["mkl_rt"] is None
    broken = "\n".join(install["broken"])
    for name in ("libmkl_rt.so", "libmkl_intel_lp64.a", "libmkl_core.a", "mkl_version.h"):
        assert f"/{name}: link " in broken
    assert set(install["broken"]) <= set(document["warnings"])
    # no path outside the image anywhere but in the lines that say it was not followed
    kept = dict(document, warnings=[], installs=[dict(i, broken=[]) for i in document["installs"]])
    assert str(mkl.pip) not in json.dumps(kept)
    assert all(p.startswith(str(hostile)) for p in install["lib_dirs"] + install["include_dirs"])
    text = runner.invoke(app, ["list", "--format", "text", "--root", str(hostile)], env={"NO_COLOR": "1"}).stdout
    assert "partial copy: NOT READ:" in text and "defines hgemm_: NO" in text


def test_check_root_warns_and_does_not_take_the_hosts_hgemm(hostile, tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path), "--format", "json", "--root", str(hostile),
                                 "--require-symbol", "hgemm_", "--link", "dynamic"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    broken = [f for f in findings if f["id"] == "root-broken-file"]
    assert len(broken) == 4 and all(f["severity"] == "warning" for f in broken)
    assert any(f["id"] == "missing-symbol" and f["severity"] == "error" for f in findings)


@pytest.mark.parametrize("kind", ["ld.so.conf include", "dpkg status"])
def test_metadata_linked_to_a_host_file_is_not_read(mkl, tmp_path, kind):
    """The only thing naming the image's MKL folder is a file on the host that an image link points at."""
    root = tmp_path / "image"
    folder = "/opt/named-by-host/lib"
    link_tree([mkl.debian_lib(mkl.debian_shared) / "libmkl_rt.so"], root / folder.lstrip("/"))
    host_file = tmp_path / "host-file"
    if kind == "ld.so.conf include":
        (root / "etc/ld.so.conf.d").mkdir(parents=True)
        (root / "etc/ld.so.conf").write_text("include /etc/ld.so.conf.d/*.conf\n")
        host_file.write_text(folder + "\n")
        in_image = root / "etc/ld.so.conf.d/mkl.conf"
    else:
        (root / "var/lib/dpkg/info").mkdir(parents=True)
        (root / "var/lib/dpkg/info/libmkl-rt:amd64.list").write_text(f"{folder}/libmkl_rt.so\n")
        host_file.write_text("Package: libmkl-rt\nStatus: install ok installed\nVersion: 2020.4.304-4\nArchitecture: amd64\n")
        in_image = root / "var/lib/dpkg/status"
    in_image.symlink_to(host_file)

    def lib_dirs():
        result = runner.invoke(app, ["list", "--format", "json", "--root", str(root)])
        assert result.exit_code == 0, result.output
        return [i["lib_dirs"][0] for i in json.loads(result.stdout)["installs"]]

    assert lib_dirs() == []
    in_image.unlink()
    shutil.copy(host_file, in_image)  # the same text as the image's own file: now it counts
    assert lib_dirs() == [str(root / folder.lstrip("/"))]


def test_well_formed_debian_sysroots_have_nothing_broken(mkl):
    for sysroot in (mkl.debian_shared, mkl.debian_static):
        document = json.loads(runner.invoke(app, ["list", "--format", "json", "--root", str(sysroot)]).stdout)
        assert [i["broken"] for i in document["installs"]] == [[]]
        assert document["warnings"] == []


def test_pc_file_linked_to_the_hosts_is_not_read_and_said(mkl, tmp_path):
    root = tmp_path / "image"
    pc_dir = root / "usr/lib/x86_64-linux-gnu/pkgconfig"
    pc_dir.mkdir(parents=True)
    host_pc = mkl.pip_lib / "pkgconfig/mkl-static-lp64-seq.pc"
    (pc_dir / "mkl-static-lp64-seq.pc").symlink_to(host_pc)
    assert "Libs:" in (pc_dir / "mkl-static-lp64-seq.pc").read_text()  # the OS reads the host's file
    result = runner.invoke(app, ["list", "--format", "json", "--root", str(root)])
    document = json.loads(result.stdout)
    assert document["pkgconfig"] == [] and document["installs"] == []
    assert any("mkl-static-lp64-seq.pc: link" in w and "dangles inside the root" in w for w in document["warnings"])


def test_oneapi_latest_linked_to_a_host_folder_is_said_once(mkl, tmp_path):
    root = tmp_path / "image"
    (root / "opt/intel/oneapi/mkl").mkdir(parents=True)
    (root / "opt/intel/oneapi/mkl/latest").symlink_to(mkl.pip)  # a real MKL prefix on the host
    assert os.path.exists(root / "opt/intel/oneapi/mkl/latest/lib/libmkl_rt.so.3")
    document = json.loads(runner.invoke(app, ["list", "--format", "json", "--root", str(root)]).stdout)
    assert document["installs"] == []
    said = [w for w in document["warnings"] if "/opt/intel/oneapi/mkl/latest ->" in w]
    assert len(said) == 1 and "dangles inside the root" in said[0]


def test_intel_mkl_src_prediction_does_not_count_links_to_the_hosts_files(mkl, tmp_path):
    """intel-mkl-src's dynamic features need libmkl_core.so by that name: a link to the host's is not one."""
    root = tmp_path / "image"
    lib = root / "opt/intel/oneapi/mkl/2026.2/lib"
    names = ("libmkl_core", "libmkl_intel_lp64", "libmkl_sequential")
    link_tree([mkl.pip_lib / f"{n}.so.3" for n in names], lib)
    for n in names:
        (lib / f"{n}.so").symlink_to(mkl.pip_lib / f"{n}.so.3")  # absolute: exists on the host, not in the image
        assert os.path.exists(lib / f"{n}.so")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Cargo.toml").write_text('[package]\nname="x"\nversion="0.1.0"\n[dependencies]\n'
                                        'intel-mkl-src = { version = "0.8", features = ["mkl-dynamic-lp64-seq"] }\n')
    result = runner.invoke(app, ["check", str(project), "--format", "json", "--root", str(root)])
    document = json.loads(result.stdout)
    steps = "\n".join(document["picked"]["steps"])
    assert "libmkl_core.so (only versioned .so.N files there)" in steps and "TAKEN" not in steps.split("\n")[-2]
    assert len([f for f in document["findings"] if f["id"] == "root-broken-file"]) == 3


def test_rpm_reads_the_images_database_through_an_absolute_link(mkl, tmp_path):
    """/var/lib/rpm -> an absolute path that exists in the image and on the host: the image's database counts."""
    from test_list import RPM_SPEC, build_rpm

    if not (shutil.which("rpmbuild") and shutil.which("rpm")):
        pytest.skip("rpm and rpmbuild missing (apt-get install rpm)")
    spec = tmp_path / "mkl.spec"
    spec.write_text(RPM_SPEC.replace("LIBS", str(mkl.pip_lib / "libmkl_rt.so.3")).replace("HEADERS", str(mkl.pip / "include/mkl.h")))
    package = build_rpm(spec, tmp_path)
    image, host_db = tmp_path / "image", tmp_path / "host-rpmdb"
    image.mkdir()
    for step in (["--initdb"], ["-i", "--nodeps", "--noscripts", "--ignorearch", str(package)]):
        subprocess.run(["rpm", "--root", str(image), "--dbpath", str(host_db), *step], check=True, capture_output=True)
    subprocess.run(["rpm", "--dbpath", str(host_db), "--initdb"], check=True, capture_output=True)  # the host's: empty
    (image / "var/lib").mkdir(parents=True)
    (image / "var/lib/rpm").symlink_to(host_db)
    listed = subprocess.run(["rpm", "--root", str(image), "--dbpath", "/var/lib/rpm", "-qa"], capture_output=True, text=True)
    assert "intel-oneapi-mkl" not in listed.stdout  # the tool alone follows the link to the host's empty database
    document = json.loads(runner.invoke(app, ["list", "--format", "json", "--root", str(image)]).stdout)
    (install,) = document["installs"]
    assert "rpm" in install["sources"] and "intel-oneapi-mkl-devel-2026.2" in install["package"]


@pytest.mark.parametrize("member", ["relative", "absolute"])
def test_thin_archive_member_outside_the_root_is_not_read(tmp_path, member):
    (tmp_path / "host").mkdir()
    (tmp_path / "host/one.c").write_text("int f(int x) { return x; }\n")
    subprocess.run(["gcc", "-c", "host/one.c", "-o", "host/one.o"], cwd=tmp_path, check=True)
    lib = tmp_path / "root/usr/lib"
    lib.mkdir(parents=True)
    obj = "host/one.o" if member == "relative" else str(tmp_path / "host/one.o")
    subprocess.run(["ar", "rcT", "root/usr/lib/libthin.a", obj], cwd=tmp_path, check=True)
    archive = str(lib / "libthin.a")
    problems: list = []
    assert [d.symbol for d in find_definitions(archive, ["f"], problems)] == ["f"]  # ar's member is the host's
    fs = RootFS(str(tmp_path / "root"))
    problems = []
    try:
        found = find_definitions(archive, ["f"], problems, opener=fs.open_host)
    except InputError as exc:  # the member the index names cannot be read
        found, problems = [], [exc]
    assert found == [] and any("thin archive member" in str(p) for p in problems)


def test_lib_folder_linked_to_the_same_absolute_path_is_a_loop_not_the_hosts_folder(mkl, tmp_path):
    """An image folder linked to its own absolute path: inside the image a loop, to the OS the host's MKL."""
    inside = tmp_path / str(mkl.pip_lib).lstrip("/")
    inside.parent.mkdir(parents=True)
    inside.symlink_to(mkl.pip_lib)
    assert "libmkl_rt.so.3" in os.listdir(inside)  # what the operating system lists there: the host's MKL
    result = runner.invoke(app, ["list", "--format", "json", "--root", str(tmp_path), "--search", str(mkl.pip_lib)])
    document = json.loads(result.stdout)
    assert document["installs"] == []
    assert any(str(mkl.pip_lib) in w and "symlink loop" in w for w in document["warnings"])


def test_cmake_prediction_under_root_reads_no_config_through_a_link_to_the_hosts(mkl, tmp_path):
    """The image's /usr/lib/cmake/mkl is an absolute link to the host's oneMKL 2026.2 config folder."""
    root = tmp_path / "image"
    shutil.copytree(mkl.debian_shared / "var", root / "var", symlinks=True)
    link_tree(sorted(mkl.debian_lib(mkl.debian_shared).glob("libmkl_*.so")), root / "usr/lib/x86_64-linux-gnu")
    (root / "usr/lib/cmake").mkdir(parents=True)
    (root / "usr/lib/cmake/mkl").symlink_to(mkl.pip_lib / "cmake/mkl")
    assert os.path.isfile(root / "usr/lib/cmake/mkl/MKLConfig.cmake")  # the OS reads the host's config there
    project = tmp_path / "project"
    project.mkdir()
    (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(app C)\n"
                                            "find_package(MKL CONFIG REQUIRED)\n")
    result = runner.invoke(app, ["check", str(project), "--format", "json", "--root", str(root)])
    picked = json.loads(result.stdout)["picked"]
    steps = "\n".join(picked["steps"])
    assert str(mkl.pip) not in steps and "MKLConfig.cmake" in steps and "TAKEN" not in steps
    assert "2026.2" not in json.dumps(picked)
