"""mkldoctor list on the real MKL fixtures, and on intel-mkl-src, conda and oneAPI layouts
built from those real files the way each tool lays them out."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.discover import discover

runner = CliRunner()


def listing(*args, env=None):
    result = runner.invoke(app, ["list", "--format", "json", *map(str, args)], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "mkldoctor.inventory" and document["version"] == 1
    return document


def link_tree(files: list[Path], dest: Path) -> None:
    """Hard-link real MKL files into a layout (same file system; a copy where not)."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = dest / f.name
        try:
            os.link(f, target)
        except OSError:
            shutil.copy2(f, target)


def only(document):
    (install,) = document["installs"]
    return install


def test_pip_2026_has_static_archives_and_hgemm(mkl):
    install = only(listing("--search", mkl.pip))
    assert install["version"] == "2026.2" and install["version_from"] == "mkl_version.h"
    assert "pip" in install["sources"]
    assert install["static"] and install["shared"]
    assert install["defines"]["hgemm_"] and install["defines"]["cblas_gemm_f16f16f32"]
    assert install["threading"]["static"] == ["sequential", "intel_thread", "gnu_thread", "tbb_thread"]
    assert install["interfaces"]["static"][:2] == ["intel_lp64", "intel_ilp64"]
    assert any(p.endswith("libiomp5.so") for p in install["iomp5"])
    assert ".so.3" in install["shared_suffixes"]
    assert "mkl-static 2026.2.0" in install["package"]


def test_debian_shared_only_sysroot(mkl):
    document = listing("--root", mkl.debian_shared)
    install = only(document)
    assert install["version"] == "2020.4"
    assert install["sources"][0] == "dpkg" and "libmkl-rt" in install["package"]
    assert not install["static"] and install["shared"]
    assert install["defines"]["hgemm_"] == [] and install["defines"]["sgemm_"]
    assert install["iomp5"] == []  # Debian's libmkl-* ship no libiomp5
    static_pcs = {pc["name"]: pc for pc in document["pkgconfig"] if pc["name"].startswith("mkl-static")}
    assert set(static_pcs) == {"mkl-static-lp64-iomp", "mkl-static-lp64-seq", "mkl-static-ilp64-iomp", "mkl-static-ilp64-seq"}
    for pc in static_pcs.values():
        assert "/usr/lib/x86_64-linux-gnu/libmkl_core.a" in pc["missing"]
    dynamic = next(pc for pc in document["pkgconfig"] if pc["name"] == "mkl-dynamic-lp64-seq")
    assert dynamic["missing"] == []


def test_debian_static_sysroot_still_lacks_hgemm(mkl):
    install = only(listing("--root", mkl.debian_static))
    assert install["static"] and install["version"] == "2020.4"
    assert install["defines"]["hgemm_"] == [] and install["defines"]["sgemm_"]
    assert "libmkl-computational-dev" in install["package"]


def test_text_output_says_it_plainly(mkl):
    result = runner.invoke(app, ["list", "--format", "text", "--root", str(mkl.debian_shared)])
    assert "static archives: NO" in result.stdout
    assert "defines hgemm_: NO" in result.stdout
    assert "mkl-static-lp64-seq.pc: names 3 missing file(s)" in result.stdout


def test_intel_mkl_src_download_in_a_home(mkl, tmp_path):
    # what intel-mkl-src's build script leaves behind for mkl-static-lp64-iomp (MKL 2020.1 there;
    # the real 2020.4 archives here, which lack hgemm_ just the same)
    lib = mkl.debian_lib(mkl.debian_static)
    cache = tmp_path / "root/.local/share/ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-iomp/__2020.1-3038006115"
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_intel_thread.a")], cache)
    install = only(listing("--root", tmp_path))
    assert install["sources"] == ["intel-mkl-src"]
    assert install["version"] == "2020.1" and install["version_from"] == "OCI image tag"
    assert install["static"] and install["defines"]["hgemm_"] == []
    assert install["iomp5"] == []


def test_intel_mkl_src_download_found_on_the_host_through_xdg_data_home(mkl, tmp_path):
    lib = mkl.debian_lib(mkl.debian_static)
    cache = tmp_path / "data/ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-seq/__2020.1-3038006115"
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_sequential.a")], cache)
    inventory = discover("/", env={"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)})
    found = [i for i in inventory.installs if i.source == "intel-mkl-src"]
    assert len(found) == 1 and found[0].lib_dirs == (str(cache),)


def test_conda_environment(mkl, tmp_path):
    prefix = tmp_path / "opt/conda/envs/ml"
    libs = [p for p in mkl.pip_lib.iterdir() if p.name.startswith(("libmkl_rt", "libmkl_core", "libmkl_intel_lp64", "libiomp5.so"))]
    link_tree(libs, prefix / "lib")
    link_tree([mkl.pip / "include/mkl.h", mkl.pip / "include/mkl_version.h"], prefix / "include")
    meta = prefix / "conda-meta"
    meta.mkdir()
    (meta / "mkl-2026.2.0-h123_0.json").write_text(json.dumps({"name": "mkl", "version": "2026.2.0", "files": []}))
    (meta / "mkl-devel-2026.2.0-h123_0.json").write_text(json.dumps({"name": "mkl-devel", "version": "2026.2.0"}))
    (meta / "intel-openmp-2026.2.0-h1_0.json").write_text("{ this is not json")
    document = listing("--root", tmp_path)
    install = only(document)
    assert install["sources"] == ["conda"] and install["version"] == "2026.2"
    assert install["static"] and install["defines"]["hgemm_"]
    assert any("not valid JSON" in w for w in document["warnings"])


def test_oneapi_layout_with_absolute_latest_link_resolved_inside_the_root(mkl, tmp_path):
    prefix = tmp_path / "opt/intel/oneapi/mkl/2026.2"
    libs = [p for p in mkl.pip_lib.iterdir() if p.name.startswith(("libmkl_rt", "libmkl_core", "libmkl_intel_lp64"))]
    link_tree(libs, prefix / "lib")
    link_tree([mkl.pip / "include/mkl.h", mkl.pip / "include/mkl_version.h"], prefix / "include")
    # absolute links, as an image has them: they mean paths inside the image
    (tmp_path / "opt/intel/oneapi/mkl/latest").symlink_to("/opt/intel/oneapi/mkl/2026.2")
    (tmp_path / "usr/lib").mkdir(parents=True)
    (tmp_path / "usr/lib/libmkl_rt.so.3").symlink_to("/opt/intel/oneapi/mkl/2026.2/lib/libmkl_rt.so.3")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/ld.so.conf").write_text("include /etc/ld.so.conf.d/*.conf\n")
    (tmp_path / "etc/ld.so.conf.d").mkdir()
    (tmp_path / "etc/ld.so.conf.d/mkl.conf").write_text("/opt/intel/oneapi/mkl/latest/lib\n")
    document = listing("--root", tmp_path)
    by_dir = {i["lib_dirs"][0]: i for i in document["installs"]}
    oneapi = by_dir[str(prefix / "lib")]
    assert {"oneapi", "loader"} <= set(oneapi["sources"])  # `latest` and 2026.2 are one copy
    assert oneapi["version"] == "2026.2" and oneapi["defines"]["hgemm_"]
    for install in document["installs"]:  # nothing resolved to the host's /opt or /usr
        assert install["lib_dirs"][0].startswith(str(tmp_path))


def test_bad_input_warns_and_goes_on(mkl, tmp_path):
    root = tmp_path / "image"
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_bytes(b"\x00\xff garbage\n\nPackage: libmkl-rt\nStatus: install ok installed\n"
                                               b"Version: 2020.4.304-4\nArchitecture: amd64\n\n: no key\n")
    lib = root / "usr/lib/x86_64-linux-gnu"
    link_tree([mkl.debian_lib(mkl.debian_shared) / "libmkl_rt.so"], lib)
    (lib / "libmkl_loop.so").symlink_to("libmkl_loop2.so")
    (lib / "libmkl_loop2.so").symlink_to("libmkl_loop.so")
    (lib / "libmkl_gone.so").symlink_to("/nowhere/libmkl_gone.so")
    (root / "opt/intel/oneapi/mkl").mkdir(parents=True)
    (root / "opt/intel/oneapi/mkl/latest").symlink_to("latest")  # a loop
    (root / "var/lib/rpm").mkdir(parents=True)
    (root / "var/lib/rpm/rpmdb.sqlite").write_bytes(b"x")
    document = listing("--root", root)
    install = only(document)
    assert install["sources"][0] == "loader" or "dpkg" in install["sources"]
    assert install["libraries"][0]["name"] == "mkl_rt"
    warnings = document["warnings"]

    def reported(*fragments: str) -> bool:
        return any(all(f in w for f in fragments) for w in warnings)

    assert reported("libmkl-rt is installed but has no file list")
    assert reported(f"{root}/var/lib/dpkg/status", "without a Package field")
    assert reported(f"{lib}/libmkl_loop.so", "symlink loop") and reported(f"{lib}/libmkl_loop2.so", "symlink loop")
    assert reported(f"{lib}/libmkl_gone.so", "/nowhere/libmkl_gone.so")
    assert reported(f"{root}/opt/intel/oneapi/mkl/latest", "symlink loop")
    if shutil.which("rpm"):
        assert reported(f"{root}/var/lib/rpm", "could not be read")
    else:
        assert reported(f"{root}/var/lib/rpm", "rpm tool is missing")


def test_broken_links_in_a_host_folder_are_reported(mkl, tmp_path):
    lib = tmp_path / "mkl/lib"
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], lib)
    (lib / "libmkl_loop.so").symlink_to("libmkl_loop.so")
    (lib / "libmkl_gone.so").symlink_to("/nowhere/libmkl_gone.so")
    inventory = discover("/", search=[str(tmp_path)], env={"HOME": str(tmp_path)})
    (mine,) = [i for i in inventory.installs if i.lib_dirs[0] == str(lib)]
    assert [lib.name for lib in mine.libraries] == ["mkl_rt"]  # the copy, without the links that lead nowhere
    assert sum(f"{lib}/libmkl_loop.so" in w and "symlink loop" in w for w in inventory.warnings) == 1
    assert sum(f"{lib}/libmkl_gone.so" in w and "/nowhere/libmkl_gone.so" in w for w in inventory.warnings) == 1


def test_unreadable_folder_is_skipped(mkl, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to become an ordinary user for a moment")
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], tmp_path / "ok/lib")
    locked = tmp_path / "locked/lib"
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], locked)
    locked.parent.chmod(0o000)
    for p in (tmp_path, *tmp_path.parents):  # pytest's base folders (one more under pytest-xdist) are root's only
        if str(p) == tempfile.gettempdir():
            break
        p.chmod(0o755)
    discover("/", search=[str(tmp_path / "ok")], env={"HOME": str(tmp_path)})  # every module it imports, imported
    # while root can still read this Python's own files (a lazy import as nobody fails where /root is closed)
    os.seteuid(65534)
    try:
        inventory = discover("/", search=[str(tmp_path)], env={"HOME": str(tmp_path)})
    finally:
        os.seteuid(0)
        locked.parent.chmod(0o755)
    mine = [i for i in inventory.installs if str(tmp_path) in i.lib_dirs[0]]
    assert [i.lib_dirs[0] for i in mine] == [str(tmp_path / "ok/lib")]
    assert any("locked" in w and "Permission denied" in w for w in inventory.warnings)


def test_root_that_is_not_a_folder(tmp_path):
    result = runner.invoke(app, ["list", "--root", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "--root is not a folder" in result.output


def test_all_fixtures_at_once_through_search_folders(mkl):
    document = listing("--search", mkl.pip, "--search", mkl.debian_static / "usr", "--search", mkl.debian_shared / "usr")
    summary = [(i["version"], i["static"], bool(i["defines"]["hgemm_"])) for i in document["installs"]]
    assert summary == [("2026.2", True, True), ("2020.4", True, False), ("2020.4", False, False)]


RPM_SPEC = """
Name: intel-oneapi-mkl-devel-2026.2
Version: 2026.2.0
Release: 1
Summary: oneMKL 2026.2 development files, repackaged from the PyPI wheels for a test
License: Intel Simplified Software License
BuildArch: x86_64
AutoReqProv: no
%define _binary_payload w0.ufdio
%define __os_install_post %{nil}
%define debug_package %{nil}
%define _build_id_links none
%description
test
%install
mkdir -p %{buildroot}/opt/intel/oneapi/mkl/2026.2/lib %{buildroot}/opt/intel/oneapi/mkl/2026.2/include
cp LIBS %{buildroot}/opt/intel/oneapi/mkl/2026.2/lib/
cp HEADERS %{buildroot}/opt/intel/oneapi/mkl/2026.2/include/
%files
/opt/intel/oneapi/mkl/2026.2
"""


def build_rpm(spec: Path, tmp_path: Path) -> Path:
    """rpmbuild -bb, everything under tmp_path: Debian's rpm keeps its database in ~/.rpmdb otherwise."""
    import subprocess

    subprocess.run(["rpmbuild", "-bb", "--define", f"_topdir {tmp_path / 'top'}", "--define", f"_dbpath {tmp_path / 'rpmdb'}",
                    str(spec)], check=True, capture_output=True)
    (package,) = (tmp_path / "top/RPMS/x86_64").glob("*.rpm")
    return package


def test_rpm_database_in_a_fedora_like_image(mkl, tmp_path):
    import subprocess

    if not (shutil.which("rpmbuild") and shutil.which("rpm")):
        pytest.skip("rpm and rpmbuild missing (apt-get install rpm)")
    libs = " ".join(str(mkl.pip_lib / n) for n in ("libmkl_intel_lp64.a", "libmkl_sequential.a", "libmkl_rt.so.3"))
    headers = " ".join(str(mkl.pip / "include" / n) for n in ("mkl.h", "mkl_version.h"))
    spec = tmp_path / "mkl.spec"
    spec.write_text(RPM_SPEC.replace("LIBS", libs).replace("HEADERS", headers))
    package = build_rpm(spec, tmp_path)
    image = tmp_path / "image"
    image.mkdir()
    for step in (["--initdb"], ["-i", "--nodeps", "--noscripts", "--ignorearch", str(package)]):
        subprocess.run(["rpm", "--root", str(image), "--dbpath", "/var/lib/rpm", *step], check=True, capture_output=True)
    install = only(listing("--root", image))
    assert install["sources"][0] == "rpm" and "oneapi" in install["sources"]
    assert "intel-oneapi-mkl-devel-2026.2 2026.2.0-1" in install["package"]
    assert install["version"] == "2026.2" and install["defines"]["hgemm_"]


def test_ld_so_cache_read_like_ldconfig(mkl, tmp_path):
    import subprocess

    from mkldoctor.discover.base import Context
    from mkldoctor.discover.loader import cache_entries
    from mkldoctor.discover.sysroot import Root

    ldconfig = shutil.which("ldconfig") or next(p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p))
    # the host's cache, read by us and by ldconfig itself
    printed = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout.splitlines()[1:]
    theirs = {(line.split()[0], line.split(" => ")[1]) for line in printed if " => " in line}
    assert set(cache_entries(Context(Root("/"), {}))) == theirs

    # an image whose cache (made by ldconfig -r) is the only thing that names the MKL folder
    lib = tmp_path / "opt/intel/oneapi/mkl/2026.2/lib"
    link_tree([mkl.pip_lib / n for n in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3")], lib)
    (tmp_path / "etc/ld.so.conf.d").mkdir(parents=True)
    (tmp_path / "var/cache/ldconfig").mkdir(parents=True)
    (tmp_path / "etc/ld.so.conf").write_text("include /etc/ld.so.conf.d/*.conf\n")
    (tmp_path / "etc/ld.so.conf.d/mkl.conf").write_text("/opt/intel/oneapi/mkl/2026.2/lib\n")
    subprocess.run([ldconfig, "-r", str(tmp_path)], check=True, capture_output=True)
    (tmp_path / "etc/ld.so.conf.d/mkl.conf").unlink()
    install = only(listing("--root", tmp_path))
    assert "loader" in install["sources"]
    assert any("(/etc/ld.so.cache)" in e for e in install["evidence"])


@pytest.mark.mkl
@pytest.mark.parametrize("columns", ["60", "80", "300"])
def test_the_tree_never_splits_a_path(mkl, tmp_path, columns):
    """list's tree at rich's width pinned: drawn where every path in it fits whole (300 columns), else the list
    form with each path whole on its line; piped, the list form at any width."""
    args = ["list", "-s", str(mkl.pip)]
    env = {"HOME": str(tmp_path), "MKLROOT": None, "COLUMNS": columns}
    (install,) = [i for i in json.loads(runner.invoke(app, [*args, "--format", "json"], env=env).stdout)["installs"]
                  if i["lib_dirs"] == [str(mkl.pip_lib)]]
    paths = [*install["lib_dirs"], *install["include_dirs"], *install["iomp5"], install["mkl_rt"]]
    paths += [line.split("(")[-1].rstrip(")") for line in install["evidence"][:3] if line.endswith("dist-info)")]
    assert len(paths) >= 6 and all(len(p) > 40 for p in paths)
    tree = runner.invoke(app, [*args, "--format", "table"], env=env)
    assert tree.exit_code == 0
    lines = tree.stdout.splitlines()
    for path in paths:
        assert any(path in line for line in lines), (path, tree.stdout)
    assert ("├── " in tree.stdout) == (columns == "300"), tree.stdout  # the longest path + the tree's indent > 80
    piped = runner.invoke(app, args, env=env)
    assert piped.stdout == runner.invoke(app, [*args, "--format", "text"], env=env).stdout and "├" not in piped.stdout
