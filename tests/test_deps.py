"""``mkldoctor deps`` against real programs linked with the real oneMKL 2026.2.

The reference is the loader itself: what ``deps --format copy`` names is copied into an empty
root, the program runs there, and ``LD_DEBUG=files`` of that run maps exactly those files.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from tests.conftest import run

pytestmark = pytest.mark.mkl

PROBE_C = r"""
#include <stdio.h>
void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
void vdExp(int, const double *, double *);
int main(void) {
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0};
    double x[2] = {0, 1}, y[2];
    cblas_sgemm(101, 111, 111, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    vdExp(2, x, y);
    printf("sum %g\n", c[0] + c[3] + y[0]);
    return c[3] == 4.0f ? 0 : 1;
}
"""
LOADER = "/lib64/ld-linux-x86-64.so.2"
MKL_NAME = re.compile(r"^lib(mkl_|iomp5|omp|gomp|tbb)")


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def link_or_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


@pytest.fixture(scope="module")
def build_root(mkl, tmp_path_factory) -> Path:
    """A build root: the whole oneMKL 2026.2 lib folder at /opt/mkl/lib, a program at /app/probe
    with DT_RUNPATH /opt/mkl/lib (an in-root path: the host has no /opt/mkl)."""
    root = tmp_path_factory.mktemp("build-root")
    lib = root / "opt/mkl/lib"
    for item in mkl.pip_lib.iterdir():
        if item.is_file() and item.name.startswith(("libmkl_", "libiomp5", "libtbb")):
            link_or_copy(item, lib / item.name)
    (root / "app").mkdir()
    (root / "probe.c").write_text(PROBE_C)
    run(["gcc", "probe.c", "-o", "app/probe", f"-L{lib}", "-l:libmkl_rt.so.3", "-Wl,--enable-new-dtags,-rpath,/opt/mkl/lib"], cwd=root)
    # linked with the layers themselves, not libmkl_rt (DT_RPATH this time)
    run(["gcc", "probe.c", "-o", "app/probe-direct", f"-L{lib}", "-Wl,--no-as-needed", "-l:libmkl_intel_lp64.so.3",
         "-l:libmkl_intel_thread.so.3", "-l:libmkl_core.so.3", "-l:libiomp5.so", "-lpthread", "-lm", "-ldl",
         "-Wl,--disable-new-dtags,-rpath,/opt/mkl/lib"], cwd=root)
    return root


def copy_lines(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        if line.startswith("COPY "):
            words = shlex.split(line)
            assert words[1] == "--from=build"
            pairs.append((words[2], words[3]))
    return pairs


def mapped(binary: Path, lib_dir: Path, env: dict) -> set[str]:
    """MKL/OpenMP files the real loader maps running ``binary`` with ``--library-path lib_dir``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MKL_", "LD_"))}
    done = subprocess.run([LOADER, "--library-path", str(lib_dir), str(binary)], capture_output=True, text=True,
                          env=dict(clean, LD_DEBUG="files", **env))
    assert done.returncode == 0, done.stderr[-2000:]
    names = re.findall(r"file=(\S+) \[\d+\];\s+generating link map", done.stderr)
    return {os.path.basename(n) for n in names if MKL_NAME.match(os.path.basename(n))}


@pytest.mark.parametrize("program, layer", [("probe", ""), ("probe", "sequential"), ("probe-direct", "")])
def test_copy_lines_make_a_root_where_the_program_runs(mkl, build_root, tmp_path, program, layer):
    env_args = ["--env", f"MKL_THREADING_LAYER={layer}"] if layer else []
    # the root's own MKL is not run: the kernel is observed with the identical copy installed here (--search)
    result = invoke("deps", f"/app/{program}", "--root", str(build_root), "--format", "copy", *env_args,
                    "--search", str(mkl.pip_lib))
    assert result.exit_code == 0, result.output
    pairs = copy_lines(result.stdout)
    runtime = tmp_path / "runtime"
    link_or_copy(build_root / "app" / program, runtime / "app/probe")
    for src, dest in pairs:
        link_or_copy(build_root / src.lstrip("/"), runtime / dest.lstrip("/"))
    names = {os.path.basename(dest) for _, dest in pairs}
    # the real loader, run in the runtime root, maps exactly the files deps named
    assert mapped(runtime / "app/probe", runtime / "opt/mkl/lib", {"MKL_THREADING_LAYER": layer} if layer else {}) == names
    assert ("libiomp5.so" in names) == (layer == "")
    assert {"libmkl_core.so.3", "libmkl_intel_lp64.so.3"} <= names and (("libmkl_rt.so.3" in names) == (program == "probe"))
    # the kernel is observed, never guessed: each listed kernel is one the run cannot do without
    kernels = sorted(n for n in names if re.match(r"libmkl_(vml_)?[a-z0-9]+\.so\.3$", n)
                     and not re.match(r"libmkl_(rt|core|intel_lp64|intel_thread|sequential)\.", n))
    assert kernels
    victim = next(n for n in kernels if not n.startswith("libmkl_vml_"))
    (runtime / "opt/mkl/lib" / victim).unlink()
    broken = subprocess.run([LOADER, "--library-path", str(runtime / "opt/mkl/lib"), str(runtime / "app/probe")],
                            capture_output=True, text=True, env={"MKL_THREADING_LAYER": layer} if layer else {})
    assert broken.returncode != 0 and victim in broken.stdout + broken.stderr


def test_copy_lines_name_the_stage(build_root):
    result = invoke("deps", "/app/probe", "--root", str(build_root), "--format", "copy", "--stage", "mkl-build")
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("COPY ")]
    assert lines and all(ln.startswith("COPY --from=mkl-build ") for ln in lines)


def test_json_sizes_and_unneeded_bytes(build_root):
    result = invoke("deps", "/app/probe", "--root", str(build_root), "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["schema"] == "mkldoctor.deps" and doc["version"] == 1 and doc["linkage"] == "dynamic"
    lib = build_root / "opt/mkl/lib"
    for need in doc["needs"]:
        assert need["size"] == (lib / need["file"]).stat().st_size
    assert doc["total_bytes"] == sum(n["size"] for n in doc["needs"])
    # MKL's own libraries, static and shared, and its OpenMP and TBB runtimes (not tbbmalloc, tbbbind)
    files = {(p.stat().st_ino, p.stat().st_size) for p in lib.iterdir() if re.match(r"^lib(mkl_\w+|iomp5|tbb)\.(a|so(\.\d+)*)$", p.name)}
    on_disk = sum(size for _, size in files)  # a file under three names (libtbb.so.12.20) counts once
    assert doc["mkl_bytes"] == on_disk
    assert doc["unneeded_bytes"] == on_disk - doc["total_bytes"]


def test_cpu_all_lists_every_kernel_and_an_isa_its_two(build_root):
    lib = build_root / "opt/mkl/lib"
    every = {p.name for p in lib.iterdir() if re.match(r"libmkl_(vml_)?(def|mc3|avx2|avx512|avx10|cmpt)\.so\.3$", p.name)}
    doc = json.loads(invoke("deps", "/app/probe", "--root", str(build_root), "--cpu", "all", "--format", "json").stdout)
    assert {n["file"] for n in doc["needs"] if "kernel" in n["role"]} == every
    doc = json.loads(invoke("deps", "/app/probe", "--root", str(build_root), "--cpu", "avx2", "--format", "json").stdout)
    assert {n["file"] for n in doc["needs"] if "kernel" in n["role"]} == {"libmkl_avx2.so.3", "libmkl_vml_avx2.so.3"}


def test_missing_files_exit_1_with_the_search_told(build_root, tmp_path):
    root = tmp_path / "thin"
    link_or_copy(build_root / "app/probe", root / "app/probe")
    for name in ("libmkl_rt.so.3", "libmkl_core.so.3"):
        link_or_copy(build_root / "opt/mkl/lib" / name, root / "opt/mkl/lib" / name)
    result = invoke("deps", "/app/probe", "--root", str(root), "--format", "json", "--cpu", "def")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert set(doc["missing"]) == {"libmkl_intel_lp64.so.3", "libmkl_intel_thread.so.3", "libiomp5.so",
                                   "libmkl_def.so.3", "libmkl_vml_def.so.3"}
    thread = next(n for n in doc["needs"] if n["file"] == "libmkl_intel_thread.so.3")
    assert any("MKL's own folder /opt/mkl/lib" in line for line in thread["search"])


@pytest.fixture(scope="module")
def static_probe(mkl, tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("static")
    (d / "probe.c").write_text(PROBE_C)
    lib = mkl.pip_lib
    out = {}
    for layer in ("intel_thread", "sequential"):
        omp = ["-L", str(lib), "-liomp5"] if layer == "intel_thread" else []
        run(["gcc", "probe.c", "-o", f"probe-{layer}", "-Wl,--start-group", str(lib / "libmkl_intel_lp64.a"),
             str(lib / f"libmkl_{layer}.a"), str(lib / "libmkl_core.a"), "-Wl,--end-group", *omp,
             "-lpthread", "-lm", "-ldl", f"-Wl,-rpath,{lib}"], cwd=d)
        out[layer] = d / f"probe-{layer}"
    deb = mkl.debian_lib(mkl.debian_static)  # Debian's 2020.4 archives, sequential
    run(["gcc", "probe.c", "-o", "probe-debian", "-Wl,--start-group", str(deb / "libmkl_intel_lp64.a"),
         str(deb / "libmkl_sequential.a"), str(deb / "libmkl_core.a"), "-Wl,--end-group", "-lpthread", "-lm", "-ldl"], cwd=d)
    out["debian"] = d / "probe-debian"
    return out


@pytest.mark.parametrize("layer, release", [("intel_thread", "2026.2"), ("sequential", "2026.2"), ("debian", "2020.4")])
@pytest.mark.parametrize("search", [True, False])
def test_static_binary_says_static_with_its_release(mkl, static_probe, layer, release, search):
    """The release, from the static archives here (--search) or from the export table alone."""
    binary = static_probe[layer]
    where = ["--search", str(mkl.pip_lib), "--search", str(mkl.debian_static)] if search else []
    doc = json.loads(invoke("deps", str(binary), "--format", "json", *where).stdout)
    assert doc["linkage"] == "static"
    if search or release == "2026.2":
        assert doc["static"]["release"] == release
    else:  # 2020.4's functions are all still exported up to 2021.4: the table alone says so, and no more
        assert doc["static"]["release"] is None and f"MKL {release}, 2021.1" in doc["static"]["how"]
    assert ("static archives" in doc["static"]["how"]) == search
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", run(["readelf", "-d", str(binary)]).stdout)
    assert [n["file"] for n in doc["needs"]] == [n for n in needed if MKL_NAME.match(n)]
    assert [n["file"] for n in doc["needs"]] == (["libiomp5.so"] if layer == "intel_thread" else [])


def test_bad_input_is_one_line(build_root, tmp_path):
    (tmp_path / "text").write_text("not elf\n")
    for args in (["deps", str(tmp_path / "text")], ["deps", "/nope", "--root", str(build_root)],
                 ["deps", "/app/probe", "--root", str(build_root), "--cpu", "avx9000"],
                 ["deps", "/app/probe", "--root", str(build_root), "--env", "NOEQUALS"]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("value, layer", [("ILP64", "intel_ilp64"), ("GNU,LP64", "gf_lp64")])
def test_interface_layer_follows_the_environment(mkl, build_root, value, layer):
    doc = json.loads(invoke("deps", "/app/probe", "--root", str(build_root), "--format", "json",
                            "--env", f"MKL_INTERFACE_LAYER={value}", "--search", str(mkl.pip_lib)).stdout)
    interface = [n for n in doc["needs"] if n["role"] == "interface layer"]
    assert [n["file"] for n in interface] == [f"libmkl_{layer}.so.3"]
    on_disk = build_root / "opt/mkl/lib" / f"libmkl_{layer}.so.3"
    if on_disk.exists():
        assert interface[0]["size"] == on_disk.stat().st_size
    else:  # oneMKL 2026.2's wheels ship the gf layers as archives only: missing, and said so
        assert interface[0]["missing"] and f"libmkl_{layer}.so.3" in doc["missing"]
    # the kernel is still observed: the probe itself always runs LP64
    assert doc["kernels_how"].startswith("observed on this CPU") and any(n["role"] == "CPU kernel" for n in doc["needs"])


def test_links_in_a_root_never_reach_the_hosts_files(mkl, build_root, tmp_path):
    """An absolute link to this machine's real libmkl_rt.so.3 means the root's own path, which is empty."""
    root = tmp_path / "hostile"
    link_or_copy(build_root / "app/probe", root / "app/probe")
    (root / "opt/mkl/lib").mkdir(parents=True)
    os.symlink(mkl.pip_lib / "libmkl_rt.so.3", root / "opt/mkl/lib/libmkl_rt.so.3")  # exists on the host
    os.symlink("../../../../../../../../" + str(mkl.pip_lib / "libmkl_core.so.3").lstrip("/"), root / "opt/mkl/lib/libmkl_core.so.3")
    doc = json.loads(invoke("deps", "/app/probe", "--root", str(root), "--format", "json").stdout)
    assert "libmkl_rt.so.3" in doc["missing"]
    assert all(n["path"] is None or not n["path"].startswith(str(mkl.pip_lib)) for n in doc["needs"])


def test_a_linked_libiomp5_is_copied_under_the_name_the_loader_asks_for(build_root, tmp_path):
    """libiomp5.so as a link (Debian's libomp-dev way: libiomp5.so -> libomp.so.5): COPY takes the
    file it points at and puts it where MKL looks, under libiomp5.so; a note says it is accepted."""
    root = tmp_path / "linked"
    link_or_copy(build_root / "app/probe", root / "app/probe")
    for item in (build_root / "opt/mkl/lib").iterdir():
        if item.name != "libiomp5.so":
            link_or_copy(item, root / "opt/mkl/lib" / item.name)
    link_or_copy(build_root / "opt/mkl/lib/libiomp5.so", root / "usr/lib/llvm/libomp.so.5")
    os.symlink("/usr/lib/llvm/libomp.so.5", root / "opt/mkl/lib/libiomp5.so")
    doc = json.loads(invoke("deps", "/app/probe", "--root", str(root), "--format", "json").stdout)
    omp = next(n for n in doc["needs"] if n["file"] == "libiomp5.so")
    assert (omp["path"], omp["real"]) == ("/opt/mkl/lib/libiomp5.so", "/usr/lib/llvm/libomp.so.5")
    assert "LLVM" in omp["note"]
    copy = invoke("deps", "/app/probe", "--root", str(root), "--format", "copy").stdout
    runtime = tmp_path / "runtime"
    link_or_copy(root / "app/probe", runtime / "app/probe")
    for src, dest in copy_lines(copy):  # as docker's COPY does: the file's content, under the destination's name
        target = runtime / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / src.lstrip("/"), target)
    assert not (runtime / "opt/mkl/lib/libiomp5.so").is_symlink()
    assert mapped(runtime / "app/probe", runtime / "opt/mkl/lib", {}) >= {"libiomp5.so"}


def whole_paths(text: str, paths: list[str]) -> None:
    """Each path is written whole, on one line of the output: never split by a table's or a tree's wrapping."""
    lines = text.splitlines()
    for path in paths:
        assert any(path in line for line in lines), (path, text)


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_the_table_never_splits_a_path(build_root, tmp_path, columns):
    """deps' table at rich's width pinned: whole where it fits (at 120 columns), else the list form, one line per
    file with its path whole; piped (no --format) it is the list form at any width."""
    root = tmp_path / "thin"
    link_or_copy(build_root / "app/probe", root / "app/probe")
    for name in ("libmkl_rt.so.3", "libmkl_core.so.3"):
        link_or_copy(build_root / "opt/mkl/lib" / name, root / "opt/mkl/lib" / name)
    args = ["deps", "/app/probe", "--root", str(root), "--cpu", "def"]
    doc = json.loads(invoke(*args, "--format", "json").stdout)
    paths = [n["path"] for n in doc["needs"] if n["path"]]
    assert paths == ["/opt/mkl/lib/libmkl_rt.so.3", "/opt/mkl/lib/libmkl_core.so.3"]
    table = invoke(*args, "--format", "table", env={"COLUMNS": columns})
    assert table.exit_code == 1
    whole_paths(table.stdout, paths)
    listed = "libmkl_core.so.3 (core, " in table.stdout
    assert listed == (columns == "60"), table.stdout  # 80 columns hold this table whole, 60 do not
    if not listed:  # the table's rows, each within the width
        files = {n["file"] for n in doc["needs"]}
        rows = [line for line in table.stdout.splitlines() if line.split(" ")[0] in files and "  " in line]
        assert len(rows) == len(doc["needs"]) and max(map(len, rows)) <= int(columns)
    piped = invoke(*args, env={"COLUMNS": columns})
    assert piped.exit_code == 1 and piped.stdout == invoke(*args, "--format", "text").stdout
    assert piped.stdout.splitlines()[1:3] == [f"libmkl_rt.so.3 (DT_NEEDED, {doc['needs'][0]['size'] / 1e6:.1f} MB): /opt/mkl/lib/libmkl_rt.so.3",
                                             f"libmkl_core.so.3 (core, {doc['needs'][1]['size'] / 1e6:.1f} MB): /opt/mkl/lib/libmkl_core.so.3"]


def test_the_search_is_told_once_for_the_files_it_failed_alike(build_root, tmp_path):
    root = tmp_path / "thin"
    link_or_copy(build_root / "app/probe", root / "app/probe")
    for name in ("libmkl_rt.so.3", "libmkl_core.so.3"):
        link_or_copy(build_root / "opt/mkl/lib" / name, root / "opt/mkl/lib" / name)
    args = ["deps", "/app/probe", "--root", str(root), "--cpu", "def", "--format", "text"]
    doc = json.loads(invoke(*args[:-2], "--format", "json").stdout)
    steps = len(doc["needs"][2]["search"])
    missing = ["libmkl_intel_lp64.so.3", "libmkl_intel_thread.so.3", "libiomp5.so", "libmkl_def.so.3", "libmkl_vml_def.so.3"]
    lines = invoke(*args).stdout.splitlines()
    header = f"{', '.join(missing)} are missing; where the search looked (the same for each):"
    assert lines.count(header) == 1 and sum(line.startswith("  1. ") for line in lines) == 1
    told = lines[lines.index(header) + 1:lines.index(header) + 1 + steps]
    assert told[0] == "  1. MKL's own folder /opt/mkl/lib: not there" and len(told) == steps > 2
    verbose = invoke(*args, "-v").stdout.splitlines()  # -v: each file's own search
    assert [line for line in verbose if line.endswith("is missing; where the search looked:")] == \
        [f"{name} is missing; where the search looked:" for name in missing]
    assert [line for line in verbose if line.startswith("  1. ")] == [f"  1. MKL's own folder /opt/mkl/lib: no {name}" for name in missing]
