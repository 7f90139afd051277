"""mkldoctor check: the issue's acceptance cases on real files, and each rule on real fixtures."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from test_list import link_tree

runner = CliRunner()
DATA = Path(__file__).resolve().parent / "data"


def check(*args, env=None, cwd=None):
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, ["check", "--format", "json", *map(str, args)], env=env)
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def by_id(document, finding_id):
    return [f for f in document["findings"] if f["id"] == finding_id]


def fix_lines(document, finding) -> list[str]:
    """The finding's fix lines, then the lines of each recipe it refers to (printed once per document)."""
    return list(finding["fix"]) + [line for name in finding["recipes"] for line in document["recipes"][name]]


@pytest.fixture()
def seed_machine(mkl, tmp_path):
    """The seed's machine: intel-mkl-src's MKL download (here Debian's real 2020.4 archives, which lack
    hgemm_ like the 2020.1 it downloads, with the libiomp5.a the download ships), a crate calling hgemm_."""
    data = tmp_path / "data"
    download = data / "ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-iomp/__2020.1-3038006115"
    lib = mkl.debian_lib(mkl.debian_static)
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_intel_thread.a")], download)
    link_tree([mkl.pip_lib / "libiomp5.a"], download)
    project = tmp_path / "project"
    shutil.copytree(DATA / "cargo-intel-mkl", project)
    env = {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path), "MKLROOT": None, "PKG_CONFIG_PATH": None,
           "CARGO_TARGET_DIR": str(tmp_path / "target"), "RUSTFLAGS": "-C link-arg=-fuse-ld=bfd"}
    return project, env


def cargo(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    home = os.path.expanduser("~")
    full = {"RUSTUP_HOME": os.environ.get("RUSTUP_HOME", f"{home}/.rustup"),
            "CARGO_HOME": os.environ.get("CARGO_HOME", f"{home}/.cargo")}
    full.update({k: v for k, v in os.environ.items() if k not in env or env[k] is not None})
    full.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(["cargo", *args], cwd=project, env=full, capture_output=True, text=True, timeout=600)


def cargo_build(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return cargo(project, env, "build", "--offline", *args)


def test_acceptance_1_seed_hgemm_from_the_download(seed_machine, mkl, tmp_path):
    project, env = seed_machine
    build = cargo_build(project, env)
    assert build.returncode != 0
    assert "undefined reference to `hgemm_'" in build.stderr  # the user's own error, from GNU ld

    code, document = check("--search", mkl.pip, env=env, cwd=project)
    assert code == 1
    (finding,) = by_id(document, "missing-symbol")
    text = "\n".join(finding["evidence"])
    assert "hgemm_" in finding["title"] and "2020.1" in finding["title"]
    assert "__2020.1-3038006115" in text  # the copy the build uses
    assert str(mkl.pip_lib) in text and "libmkl_intel_lp64.a" in text  # the copy that has it
    assert "first appears in MKL 2021.4" in text
    assert finding["fix"][:2] == [f"export MKLROOT={shlex.quote(str(mkl.pip))}", "cargo clean -p intel-mkl-src"]
    assert document["picked"]["version"] == "2020.1"

    # follow the printed fix: the same build links and runs
    fixed = dict(env, MKLROOT=finding["fix"][0].split("=", 1)[1].strip("'"))
    cargo(project, fixed, "clean", "-p", "intel-mkl-src")
    build = cargo_build(project, fixed)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(tmp_path / "target/debug/app")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "sgemm [7.0, 10.0, 15.0, 22.0] hgemm [16384, 16384, 16384, 16384]" in run.stdout
    code, document = check("--search", mkl.pip, env=fixed, cwd=project)
    assert code == 0 and by_id(document, "missing-symbol") == []


def test_acceptance_2_shared_only_sysroot_and_a_static_link(mkl, tmp_path):
    code, document = check(tmp_path, "--root", mkl.debian_shared, "--link", "static", "--interface", "lp64",
                           "--threading", "sequential")
    assert code == 1
    (finding,) = by_id(document, "runtime-without-devel")
    fix = "\n".join(fix_lines(document, finding))
    assert "libmkl-full-dev" in fix and "intel-oneapi-mkl-devel" in fix
    assert "first add Intel's oneAPI apt repository" in fix  # the sysroot has no Intel repository configured
    assert any("libmkl-rt" in line for line in finding["evidence"])
    # its mkl-static-*.pc files name archives that are not there: one warning lists them all, each file's own
    pc = mkl.debian_lib(mkl.debian_shared) / "pkgconfig"
    names = sorted(p.name for p in pc.glob("mkl-static-*.pc"))
    (missing,) = by_id(document, "pkgconfig-missing-files")
    assert missing["severity"] == "warning" and len(names) > 1
    assert missing["title"].startswith(f"{len(names)} pkg-config files ({', '.join(names)}) name ")
    lines = {line.split(": missing ")[0]: line.split(": missing ")[1] for line in missing["evidence"]}
    assert lines == {f"/usr/lib/x86_64-linux-gnu/pkgconfig/{name}": lines[f"/usr/lib/x86_64-linux-gnu/pkgconfig/{name}"]
                     for name in names}
    assert lines["/usr/lib/x86_64-linux-gnu/pkgconfig/mkl-static-lp64-seq.pc"] == \
        "libmkl_intel_lp64.a, libmkl_sequential.a, libmkl_core.a (in /usr/lib/x86_64-linux-gnu)"


def test_acceptance_3_clean_machine_with_2026(mkl, tmp_path):
    env = {"MKLROOT": str(mkl.pip), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "d")}
    code, document = check(tmp_path, "--search", mkl.pip, "--link", "static", "--interface", "lp64",
                           "--threading", "sequential", "--require-symbol", "hgemm_", "--min-version", "2024.0", env=env)
    assert code == 0, [f["title"] for f in document["findings"]]
    assert {f["severity"] for f in document["findings"]} <= {"info"}
    assert document["picked"]["version"] == "2026.2"


def test_candle_project_needs_every_candle_symbol(mkl, tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname="svc"\nversion="0.1.0"\n[dependencies]\n'
                                         'candle-core = { version = "0.9", features = ["mkl"] }\n')
    code, document = check(tmp_path, "--root", mkl.debian_static)
    assert code == 1
    missing = {f["title"].split()[0] for f in by_id(document, "missing-symbol")}
    assert missing == {"hgemm_"}  # 2020.4 has sgemm_, dgemm_ and the VML calls, not hgemm_
    (finding,) = by_id(document, "missing-symbol")
    fix = "\n".join(fix_lines(document, finding))  # no copy here has it: install one, never Debian's 2020.4 again
    assert "python3 -m pip install 'mkl-static>=2021.4'" in fix
    assert "# not debian's libmkl-full-dev: it is MKL 2020.4, older than 2021.4" in fix
    # the sysroot has no sudo: the commands run as root there, as an image's RUN does
    assert any(line.split(":", 1)[-1].strip() == "apt-get install intel-oneapi-mkl-devel" for line in fix.splitlines())
    assert "sudo" not in fix, fix
    assert "cargo clean -p intel-mkl-src" in fix
    (summary,) = by_id(document, "picked")
    assert "vsErf" in "\n".join(summary["evidence"])


def test_iomp_missing_for_intel_threading(mkl, tmp_path):
    code, document = check(tmp_path, "--root", mkl.debian_static, "--link", "static", "--threading", "intel")
    assert code == 1
    (finding,) = by_id(document, "iomp-missing")
    assert any("libomp-dev" in line for line in fix_lines(document, finding))


def test_one_cpu_quota_with_threaded_layer(mkl, tmp_path):
    root = tmp_path / "image"
    shutil.copytree(mkl.debian_shared / "var", root / "var", symlinks=True)
    link_tree(sorted((mkl.debian_lib(mkl.debian_shared)).glob("libmkl_*.so")), root / "usr/lib/x86_64-linux-gnu")
    (root / "sys/fs/cgroup").mkdir(parents=True)
    (root / "sys/fs/cgroup/cpu.max").write_text("100000 100000\n")
    code, document = check(tmp_path, "--root", root, "--link", "dynamic", "--threading", "gnu")
    (finding,) = by_id(document, "one-cpu-threaded-layer")
    assert finding["severity"] == "warning" and "cpu.max 100000 100000" in finding["title"]
    assert any("SEQUENTIAL" in line for line in finding["fix"])
    assert finding["confirm"][0].startswith("mkldoctor bench --cpus 1 --threading sequential,gnu")


def test_threaded_layer_inside_a_nested_v2_quota(tmp_path):
    """A --root tree laid out like a Kubernetes pod: the limit sits two levels above the process."""
    root = tmp_path / "image"
    cg = root / "sys/fs/cgroup/kubepods/pod1/ctr"
    cg.mkdir(parents=True)
    (cg.parent.parent / "cpu.max").write_text("max 100000\n")
    (cg.parent / "cpu.max").write_text("150000 100000\n")
    (cg / "cpu.max").write_text("max 100000\n")
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/cpuinfo").write_text("".join(f"processor\t: {i}\nphysical id\t: 0\ncore id\t\t: {i}\n\n" for i in range(8)))
    (root / "proc/self/cgroup").write_text("0::/kubepods/pod1/ctr\n")
    _, document = check(tmp_path, "--root", root, "--threading", "intel")
    (finding,) = by_id(document, "one-cpu-threaded-layer")
    assert "intel" in finding["title"] and "8 threads" in finding["title"] and "1.5-CPU quota" in finding["title"]
    assert any(str(cg.parent / "cpu.max") in line and "cpu.max 150000 100000" in line for line in finding["evidence"])
    assert any(line.startswith("MKL's own thread count: 8 physical cores") for line in finding["evidence"])
    assert any("MKL_NUM_THREADS=1" in line for line in finding["fix"])
    # no project here: each build tool's way to the sequential layer
    assert [tool for tool in ("Cargo: ", "CMake: ", "a plain link line: ")
            if any(line.startswith(tool) for line in finding["fix"])] == ["Cargo: ", "CMake: ", "a plain link line: "]
    assert finding["confirm"][0].startswith("mkldoctor bench --cpus 1.5 --threading sequential,intel")
    # the same tree, the process in another cgroup: no quota, nothing said; sequential: nothing said
    (root / "proc/self/cgroup").write_text("0::/system.slice\n")
    assert not by_id(check(tmp_path, "--root", root, "--threading", "intel")[1], "one-cpu-threaded-layer")
    (root / "proc/self/cgroup").write_text("0::/kubepods/pod1/ctr\n")
    assert not by_id(check(tmp_path, "--root", root, "--threading", "sequential")[1], "one-cpu-threaded-layer")


def test_threaded_layer_inside_a_real_v1_quota(tmp_path):
    """mkldoctor check run inside a one-CPU cgroup made here; the same command outside says nothing."""
    from cgroup_quota import cpu_quota, physical_cores

    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\n'
                                         'intel-mkl-src = { version = "0.8", features = ["mkl-static-lp64-iomp"] }\n')
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent), HOME=str(tmp_path))
    command = [sys.executable, "-m", "mkldoctor", "check", "--format", "json", str(tmp_path)]

    def findings(**kw):
        done = subprocess.run(command, env=env, capture_output=True, text=True, **kw)
        assert done.returncode in (0, 1), done.stderr
        return by_id(json.loads(done.stdout), "one-cpu-threaded-layer")

    with cpu_quota(1) as quota:
        (finding,) = findings(preexec_fn=quota.enter)
    threads = physical_cores()
    assert f"will start {threads} threads under a 1-CPU quota" in finding["title"]
    assert any(str(quota.limit_file) in line and "cpu.cfs_quota_us 100000 / cpu.cfs_period_us 100000" in line
               for line in finding["evidence"])
    assert any("mkl-static-lp64-seq instead of mkl-static-lp64-iomp" in line for line in finding["fix"])
    assert not findings()


KERNEL = r"libmkl_(vml_)?(def|mc|mc2|mc3|avx|avx2|avx512|avx512_mic|avx10)\.so\.3$"


def kernels_mapped_here(lib: Path, tmp_path: Path) -> list[str]:
    """The reference: a program of the test's own, linked to the fixture's libmkl_rt, run under the
    loader's LD_DEBUG=files trace; the kernel and VML files it maps on this CPU."""
    source = tmp_path / "ref.c"
    source.write_text("void cblas_sgemm(int,int,int,int,int,int,float,const float*,int,const float*,int,float,float*,int);\n"
                      "void vdExp(int,const double*,double*);\n"
                      "int main(void){float a[4]={1,2,3,4},c[4];double x[2]={0,1},y[2];\n"
                      "cblas_sgemm(101,111,111,2,2,2,1,a,2,a,2,0,c,2);vdExp(2,x,y);return 0;}\n")
    subprocess.run(["gcc", str(source), "-o", str(tmp_path / "ref"), f"-L{lib}", "-l:libmkl_rt.so.3"], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MKL_", "LD_"))}
    done = subprocess.run([str(tmp_path / "ref")], capture_output=True, text=True, check=True,
                          env=dict(env, LD_DEBUG="files", LD_LIBRARY_PATH=str(lib), MKL_THREADING_LAYER="sequential"))
    names = [os.path.basename(n) for n in re.findall(r"file=(\S+) \[\d+\];\s+generating link map", done.stderr)]
    return [n for n in dict.fromkeys(names) if re.match(KERNEL, n)]


def symlink_farm(lib: Path, dest: Path, leave_out: set[str]) -> Path:
    dest.mkdir(parents=True)
    for item in lib.iterdir():
        if item.name.startswith(("libmkl_", "libiomp5")) and item.name not in leave_out:
            (dest / item.name).symlink_to(item)
    return dest


@pytest.mark.mkl
def test_kernel_library_missing_is_named_as_observed(mkl, tmp_path):
    """A copy of the real 2026.2 fixture without the kernel library this CPU loads: the finding names that
    file, the one the test's own traced program mapped, whatever the CPU flags suggest."""
    seen = kernels_mapped_here(mkl.pip_lib, tmp_path)
    main = [n for n in seen if not n.startswith("libmkl_vml_")]
    assert len(main) == 1, seen
    project = tmp_path / "project"
    project.mkdir()
    code, document = check(project, "--search", mkl.pip, "--link", "dynamic")
    assert not by_id(document, "kernels-missing")  # the whole copy: nothing missing
    farm = symlink_farm(mkl.pip_lib, tmp_path / "farm/lib", {main[0]})
    code, document = check(project, "--search", farm, "--link", "dynamic")
    findings = [f for f in by_id(document, "kernels-missing") if str(farm) in f["title"]]
    assert len(findings) == 1 and code == 1
    (finding,) = findings
    assert finding["severity"] == "error"
    assert f"lacks {main[0]}, the CPU kernel library MKL loads on this CPU" in finding["title"]
    assert finding["evidence"][0].startswith("observed on this CPU (a probe under LD_DEBUG=files)")
    # the others named beside it are what the farm holds: every kernel library but the one left out
    held = sorted(p.name.split(".so")[0] for p in farm.iterdir() if re.match(KERNEL, p.name) and "_vml_" not in p.name)
    assert sorted(finding["evidence"][1].split(": ", 1)[1].split(", ")) == held
    assert main[0] in finding["explanation"]


@pytest.mark.mkl
def test_kernel_libraries_missing(mkl, tmp_path):
    """No kernel library at all, and the layers a probe needs are there: the one MKL asks for is named."""
    seen = kernels_mapped_here(mkl.pip_lib, tmp_path)
    lib = tmp_path / "opt/intel/oneapi/mkl/2026.2/lib"
    link_tree([mkl.pip_lib / n for n in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3",
                                         "libmkl_sequential.so.3")], lib)
    code, document = check(tmp_path, "--root", tmp_path, "--link", "dynamic", "--run")  # the root's own MKL may run
    (finding,) = by_id(document, "kernels-missing")
    assert finding["severity"] == "error" and code == 1
    first = next(n for n in seen if not n.startswith("libmkl_vml_"))
    assert f"lacks {first}," in finding["title"]
    assert f"--run: ran a program linked with the MKL in {lib}" in finding["evidence"][0]


@pytest.mark.mkl
def test_kernel_not_observed_says_so(mkl, tmp_path):
    """libmkl_core alone: no probe can be linked, so no kernel is named; the finding says it was not observed."""
    lib = tmp_path / "opt/intel/oneapi/mkl/2026.2/lib"
    link_tree([mkl.pip_lib / "libmkl_core.so.3"], lib)
    code, document = check(tmp_path, "--root", tmp_path, "--link", "dynamic")
    (finding,) = by_id(document, "kernels-missing")
    assert finding["severity"] == "error" and "has libmkl_core but no CPU kernel libraries" in finding["title"]
    assert any(line.startswith("the kernel library this CPU needs: not observed: ") for line in finding["evidence"])
    named = re.findall(r"libmkl_(?:vml_)?(?:def|mc3|avx2|avx512|avx10)\.so", finding["title"] + finding["explanation"])
    assert not named  # no guess


def test_mklroot_pointing_at_nothing(mkl, tmp_path):
    """MKLROOT at a folder with a library but no MKL (built here): the real program exits 1 and names that MKLROOT;
    at a missing folder the same; at a real copy, no such finding."""
    holds_other = tmp_path / "other"
    (holds_other / "lib").mkdir(parents=True)
    (tmp_path / "foo.c").write_text("int foo(void) { return 1; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", str(tmp_path / "foo.c"), "-o", str(holds_other / "lib/libfoo.so")], check=True)
    assert not any(p.name.startswith("libmkl_") for p in holds_other.rglob("*"))
    project = tmp_path / "project"
    project.mkdir()
    for mklroot in (holds_other, tmp_path / "nothing"):
        env = dict(os.environ, MKLROOT=str(mklroot), HOME=str(tmp_path))
        done = subprocess.run([sys.executable, "-m", "mkldoctor", "check", "--format", "json", str(project)], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, done.stderr
        (finding,) = by_id(json.loads(done.stdout), "mklroot-empty")
        assert finding["severity"] == "error" and finding["title"] == f"MKLROOT={mklroot} holds no MKL libraries"
        assert finding["fix"][0] == "unset MKLROOT"
    code, document = check(project, env={"MKLROOT": str(mkl.pip), "HOME": str(tmp_path)})
    assert not by_id(document, "mklroot-empty")


def test_cmake_default_ilp64_trap(mkl, tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(x C)\nfind_package(MKL CONFIG REQUIRED)\n")
    code, document = check(tmp_path, "--search", mkl.pip)
    (finding,) = by_id(document, "cmake-default-ilp64")
    assert finding["severity"] == "warning"
    assert check(tmp_path, "--search", mkl.pip, "--strict")[0] == 1


def test_project_config_in_pyproject(mkl, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.mkldoctor]\nrequire-symbol = ["cblas_gemm_f16f16f32"]\nlink = "static"\n')
    code, document = check(tmp_path, "--root", mkl.debian_static)
    assert code == 1
    (finding,) = by_id(document, "missing-symbol")
    assert "cblas_gemm_f16f16f32" in finding["title"] and "2024.0" in finding["title"]


def test_formats_junit_github_and_text(mkl, tmp_path):
    args = ["check", str(tmp_path), "--root", str(mkl.debian_shared), "--link", "static"]
    junit = runner.invoke(app, [*args, "--format", "junit"])
    assert junit.exit_code == 1
    tree = ET.fromstring(junit.stdout)
    assert int(tree.find("testsuite").get("failures")) >= 1 and tree.find(".//failure") is not None
    github = runner.invoke(app, [*args, "--format", "github"])
    assert any(line.startswith("::error title=") for line in github.stdout.splitlines())
    text = runner.invoke(app, [*args, "--format", "text"], env={"NO_COLOR": "1"})
    assert "\x1b[" not in text.stdout and "fix:" in text.stdout


def test_usage_errors(tmp_path):
    def one_line(args: list[str], expected: str) -> None:  # exit 2 through mkldoctor.cli's one catch
        result = runner.invoke(app, ["check", str(tmp_path), *args])
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert result.stderr.splitlines() == [expected]

    one_line(["--link", "sideways"], "mkldoctor: Invalid value for '--link': 'sideways' is not one of 'static', "
                                     "'dynamic', 'sdl' (see mkldoctor check -h)")
    one_line(["--format", "yaml"], "mkldoctor: Invalid value for '--format': 'yaml' is not one of 'text', 'json', "
                                   "'junit', 'github', 'sarif' (see mkldoctor check -h)")
    bad = tmp_path / "mkldoctor.toml"
    bad.write_text("link = [unclosed\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "cannot be read as TOML" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and str(bad) in result.stderr


def test_only_the_project_and_its_workspace_members_are_read(tmp_path):
    # a crate under tests/ or vendor/ is not the project: no static-link need comes from it
    shutil.copytree(DATA / "cargo-intel-mkl", tmp_path / "tests/data/cargo-intel-mkl")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, document = check(tmp_path, env={"HOME": str(tmp_path), "MKLROOT": None})
    (summary,) = [f for f in document["findings"] if f["id"] in ("picked", "no-mkl")]
    assert code == 0 and not by_id(document, "missing-symbol")
    from mkldoctor.diagnose.project import read_project

    needs, _ = read_project(str(DATA / "cargo-intel-mkl"))
    assert needs.cargo_config == "mkl-static-lp64-iomp" and needs.symbols == ["sgemm_", "hgemm_"]


def test_cmake_project_missing_symbol_fix_points_find_package_at_the_copy(mkl, tmp_path):
    (tmp_path / "CMakeLists.txt").write_text('set(MKL_INTERFACE "lp64")\nfind_package(MKL CONFIG REQUIRED)\n')
    (tmp_path / "mkldoctor.toml").write_text('require-symbol = ["cblas_hgemm"]\nlink = "static"\nthreading = "sequential"\n')
    env = {"MKLROOT": str(mkl.debian_static / "usr"), "HOME": str(tmp_path)}
    code, document = check(tmp_path, "--search", mkl.pip, "--search", mkl.debian_static / "usr", env=env)
    assert code == 1
    # neither Debian's copy (MKLROOT) nor anything on CMake's search path ships MKLConfig.cmake: cmake stops
    # before linking (tests/test_cmake_agrees.py runs cmake on this), so the fix points it at 2026.2's config; that
    # config reads MKLROOT first and stops on Debian's layout (real cmake does: MKL_VERSION_H-NOTFOUND), so the fix
    # the prediction checked unsets it too
    (finding,) = by_id(document, "configure-fails")
    assert finding["fix"][0] == "unset MKLROOT" and f"-DMKL_DIR={mkl.pip}/lib/cmake/mkl" in finding["fix"][1]
    assert any("with -DMKL_DIR=" in e and "MKL_VERSION_H" in e for e in finding["evidence"])
    assert not by_id(document, "cmake-default-ilp64")  # MKL_INTERFACE is set
    (older,) = by_id(document, "mklroot-older")  # MKLROOT names 2020.4 while 2026.2 is here
    assert "2020.4" in older["title"] and "2026.2" in older["title"]


def test_old_mkl_on_amd(mkl, tmp_path):
    lib = mkl.debian_lib(mkl.debian_static)
    download = tmp_path / "root/.local/share/ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-seq/__2019.5-1"
    link_tree([lib / n for n in ("libmkl_core.a", "libmkl_intel_lp64.a", "libmkl_sequential.a")], download)
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc/cpuinfo").write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "Cargo.toml").write_text('[package]\nname="x"\nversion="0.1.0"\n[dependencies]\n'
                                        'intel-mkl-src = { version = "0.8", features = ["mkl-static-lp64-seq"] }\n')
    code, document = check(project, "--root", tmp_path)
    (finding,) = by_id(document, "amd-old-mkl")
    assert "MKL 2019.5" in finding["title"]


def test_intel_mkl_src_dynamic_cannot_see_the_wheels_versioned_libraries(mkl, tmp_path):
    (tmp_path / "Cargo.toml").write_text('[package]\nname="x"\nversion="0.1.0"\n[dependencies]\n'
                                         'intel-mkl-src = { version = "0.8", features = ["mkl-dynamic-lp64-seq"] }\n')
    code, document = check(tmp_path, "--search", mkl.pip, env={"MKLROOT": str(mkl.pip), "HOME": str(tmp_path)})
    steps = "\n".join(document["picked"]["steps"])
    assert "libmkl_core.so (only versioned .so.N files there)" in steps
    assert document["picked"]["version"] is None and "does not download dynamic" in document["picked"]["how"]
    assert code == 1
    (finding,) = by_id(document, "no-usable-mkl")
    assert "mkl-static-lp64-seq" in finding["fix"][0]


def test_fix_on_a_dnf_image_names_dnf_and_intels_yum_repository(mkl, tmp_path):
    lib = tmp_path / "opt/intel/oneapi/mkl/2026.2/lib"
    link_tree([mkl.pip_lib / n for n in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3",
                                         "libmkl_sequential.so.3", "libmkl_def.so.3")], lib)
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "usr/bin/dnf").write_text("#!/bin/sh\n")
    (tmp_path / "usr/bin/sudo").write_text("#!/bin/sh\n")  # this image has sudo: its commands use it
    code, document = check(tmp_path, "--root", tmp_path, "--link", "static")
    assert code == 1
    (finding,) = by_id(document, "runtime-without-devel")
    fix = "\n".join(fix_lines(document, finding))
    assert "sudo dnf install intel-oneapi-mkl-devel" in fix and "/etc/yum.repos.d/oneAPI.repo" in fix
    assert "apt-get" not in fix  # no dpkg in this image


def test_a_recipe_two_findings_share_is_printed_once(mkl, tmp_path):
    """A shared-only sysroot and a static link: runtime-without-devel and the .pc files naming missing archives
    both need the static-MKL install commands; text prints them once at the end, JSON once per document."""
    args = [tmp_path, "--root", mkl.debian_shared, "--link", "static", "--interface", "lp64", "--threading", "sequential"]
    code, document = check(*args)
    users = [f for f in document["findings"] if "install-static-mkl" in f["recipes"]]
    assert {f["id"] for f in users} >= {"runtime-without-devel", "pkgconfig-missing-files"}
    for finding in users:
        assert any("see recipe `install-static-mkl` below" in line for line in finding["fix"])
        assert not any("libmkl-full-dev" in line for line in finding["fix"])  # the commands are in the recipe only
    lines = document["recipes"]["install-static-mkl"]
    assert any(line.startswith("Debian:    apt-get install libmkl-full-dev") for line in lines)  # no sudo in the sysroot
    text = runner.invoke(app, ["check", *map(str, args)], env={"NO_COLOR": "1", "COLUMNS": "400"})
    assert text.exit_code == 1, text.output
    out = text.output
    assert out.count("recipe install-static-mkl:") == 1
    assert out.count(lines[0]) == 1  # each command once, however many findings need it
    assert out.index("recipe install-static-mkl:") > out.rindex("see recipe `install-static-mkl` below")
    assert out.count("see recipe `install-static-mkl` below") == len(users)
