"""``mkldoctor link``: flags checked against the real installs, compared with the mkl-*.pc files
that ship with them, and ``--verify`` compiling and running a real program."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.errors import UsageError
from mkldoctor.inventory.locate import install_from_path
from mkldoctor.link import linkline, verify


def cli(*args: str):
    return CliRunner().invoke(app, ["link", *args], env={"LD_LIBRARY_PATH": ""})


@pytest.fixture(scope="module")
def pip_install(mkl):
    return install_from_path(str(mkl.pip))


@pytest.fixture(scope="module")
def debian_static(mkl):
    return install_from_path(str(mkl.debian_static))


@pytest.fixture(scope="module")
def debian_shared(mkl):
    return install_from_path(str(mkl.debian_shared))


def libraries(flags: list[str]) -> tuple[list[str], set[str]]:
    """(MKL's libraries in order, the other libraries) named by a list of link flags."""
    mkl, other = [], set()
    for flag in flags:
        if flag.startswith("-l"):
            name = flag[2:]
        elif flag.startswith("-") or flag.endswith(".pc"):
            continue
        else:
            name = os.path.basename(flag)
            name = name[3:] if name.startswith("lib") else name
            name = name.split(".", 1)[0]
        if name.startswith("mkl_"):
            mkl.append(name)
        else:
            other.add(name)
    return mkl, other


def pkg_config_libs(pc_dir, name: str) -> list[str]:
    env = dict(os.environ, PKG_CONFIG_PATH=str(pc_dir), PKG_CONFIG_LIBDIR=str(pc_dir))
    run = subprocess.run(["pkg-config", "--libs", name], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return shlex.split(run.stdout)


PIP_CONFIGS = [
    (link, interface, threading)
    for link in ("static", "dynamic")
    for interface in ("lp64", "ilp64")
    for threading in ("sequential", "intel", "gnu")
]


@pytest.mark.skipif(not shutil.which("pkg-config"), reason="pkg-config missing (apt-get install pkgconf)")
@pytest.mark.parametrize("link,interface,threading", PIP_CONFIGS + [("sdl", "lp64", "sequential")])
def test_same_libraries_as_the_pc_file_of_onemkl(pip_install, link, interface, threading):
    line = linkline.advise(pip_install, linkline.LinkConfig(link, interface, threading))
    assert line.pkg_config, f"no .pc for {link} {interface} {threading}"
    theirs = pkg_config_libs(line.pkg_config_dir, line.pkg_config)
    assert libraries(line.link_flags) == libraries(theirs)
    assert ("-DMKL_ILP64" in line.compile_flags) == (interface == "ilp64")
    for path in line.files:
        assert os.path.exists(path)


@pytest.mark.skipif(not shutil.which("pkg-config"), reason="pkg-config missing (apt-get install pkgconf)")
@pytest.mark.parametrize("install_name,link,interface", [
    ("debian_static", "static", "lp64"), ("debian_static", "static", "ilp64"),
    ("debian_shared", "dynamic", "lp64"), ("debian_shared", "dynamic", "ilp64"), ("debian_shared", "sdl", "lp64"),
])
def test_same_libraries_as_the_pc_file_of_debian(request, install_name, link, interface):
    install = request.getfixturevalue(install_name)
    line = linkline.advise(install, linkline.LinkConfig(link, interface, "sequential"))
    assert line.pkg_config
    theirs = [f.replace("/usr/lib/x86_64-linux-gnu", install.lib_dirs[0]) for f in pkg_config_libs(line.pkg_config_dir, line.pkg_config)]
    assert libraries(line.link_flags) == libraries(theirs)
    if link == "dynamic":  # Debian has development links: -lmkl_core, as its .pc says
        assert "-lmkl_core" in line.link_flags


@pytest.mark.parametrize("link,interface,threading", PIP_CONFIGS)
def test_verify_succeeds_on_onemkl_2026_2(pip_install, link, interface, threading):
    line = linkline.advise(pip_install, linkline.LinkConfig(link, interface, threading))
    result = verify.verify(line, hgemm=(threading == "sequential"))
    assert result.ok, result.log
    assert "2026.2" in result.output and f"MKL_INT {8 if interface == 'ilp64' else 4} bytes" in result.output


@pytest.mark.parametrize("which,link,interface,threading", [
    ("pip", "sdl", "ilp64", "sequential"), ("pip", "sdl", "lp64", "intel"), ("pip", "sdl", "lp64", "tbb"),
    ("pip", "static", "lp64", "tbb"), ("pip", "dynamic", "ilp64", "tbb"), ("debian", "sdl", "lp64", "sequential"),
    ("debian", "dynamic", "ilp64", "gnu"),
])
def test_verify_sdl_tbb_and_debian(pip_install, debian_shared, which, link, interface, threading):
    install = pip_install if which == "pip" else debian_shared
    line = linkline.advise(install, linkline.LinkConfig(link, interface, threading))
    if link == "sdl":
        assert line.runtime_env["MKL_INTERFACE_LAYER"] == interface.upper()
        assert line.runtime_env["MKL_THREADING_LAYER"] == threading.upper()  # libmkl_rt's words; verify() below runs it
    result = verify.verify(line)
    assert result.ok, result.log


def test_verify_hgemm_fails_on_2020_4_explained(mkl):
    result = cli("--link", "static", "--install", str(mkl.debian_static), "--verify", "--hgemm")
    assert result.exit_code == 1
    err = result.stderr
    assert "verification failed at the compile step" in err
    assert "undefined reference to `hgemm_'" in err
    assert "error[missing-symbol]: hgemm_ is not in the MKL the build uses" in err
    assert "first appears in MKL 2021.4" in err
    assert f"the build uses MKL 2020.4 in {mkl.debian_lib(mkl.debian_static)}" in err
    assert "mkl-static>=2021.4" in err


def test_verify_cli_success(mkl):
    result = cli("--link", "dynamic", "--threading", "intel", "--install", str(mkl.pip), "--verify", "--hgemm")
    assert result.exit_code == 0, result.output
    assert "verified the flags line: mkldoctor-verify ok" in result.stderr
    assert result.stdout.startswith(f"# MKL 2026.2 in {mkl.pip_lib}: dynamic lp64 intel")


def test_refuses_static_without_archives(mkl):
    result = cli("--link", "static", "--install", str(mkl.debian_shared))
    assert result.exit_code == 1
    assert "missing libmkl_intel_lp64.a, libmkl_sequential.a, libmkl_core.a" in result.stderr
    assert "libmkl-full-dev" in result.stderr and "--link dynamic" in result.stderr
    assert result.stdout == ""


def test_refuses_intel_threading_without_libiomp5(mkl, debian_static):
    from mkldoctor.discover.loader import host_cache

    if "libiomp5.so" in host_cache():
        pytest.skip("this machine has a libiomp5.so of its own")
    result = cli("--threading", "intel", "--install", str(mkl.debian_static))
    assert result.exit_code == 1
    assert "libiomp5.so (Intel OpenMP)" in result.stderr and "intel-openmp" in result.stderr
    with pytest.raises(linkline.LinkLineError) as caught:
        linkline.advise(debian_static, linkline.LinkConfig("static", "lp64", "intel"))
    assert caught.value.missing == ["libiomp5.so (Intel OpenMP)"]


def test_static_intel_line_takes_libiomp5_from_beside_mkl(pip_install, mkl):
    line = linkline.advise(pip_install, linkline.LinkConfig("static", "lp64", "intel"))
    assert line.link_flags[0] == "-Wl,--start-group" and line.link_flags[4] == "-Wl,--end-group"
    assert line.link_flags[5:] == [f"-L{mkl.pip_lib}", "-liomp5", "-lpthread", "-lm", "-ldl"]
    assert line.runtime_env["LD_LIBRARY_PATH"].startswith(str(mkl.pip_lib))


def test_formats(mkl):
    out = cli("--format", "cargo", "--link", "static", "--threading", "intel", "--install", str(mkl.pip)).stdout
    assert 'features = ["mkl-static-lp64-iomp"]' in out and f"export MKLROOT={mkl.pip}" in out
    assert "openmp.pc" in out and "cargo clean -p intel-mkl-src" in out
    out = cli("--format", "cargo", "--link", "dynamic", "--interface", "ilp64", "--install", str(mkl.pip)).stdout
    assert 'features = ["mkl-dynamic-ilp64-seq"]' in out and "look for libmkl_core.so" in out
    out = cli("--format", "cargo", "--threading", "gnu", "--install", str(mkl.pip)).stdout
    assert "intel-mkl-src has no feature" in out
    out = cli("--format", "cmake", "--link", "static", "--install", str(mkl.pip)).stdout
    assert "set(MKL_LINK static)" in out and "find_package(MKL CONFIG REQUIRED" in out and "MKL::MKL" in out
    out = cli("--format", "cmake", "--interface", "ilp64", "--install", str(mkl.debian_shared)).stdout
    assert "target_compile_definitions(app PRIVATE MKL_ILP64)" in out and "-lmkl_core" in out
    out = cli("--format", "pkg-config", "--install", str(mkl.pip)).stdout
    assert "pkg-config --cflags --libs mkl-dynamic-lp64-seq" in out
    out = cli("--format", "env", "--install", str(mkl.pip)).stdout
    assert f"export MKLROOT={mkl.pip}" in out and "export LD_LIBRARY_PATH=" in out
    document = json.loads(cli("--format", "json", "--link", "sdl", "--interface", "ilp64", "--install", str(mkl.pip)).stdout)
    assert document["runtime_env"]["MKL_INTERFACE_LAYER"] == "ILP64" and document["pkg_config"] == "mkl-sdl"


def test_flags_format_is_usable_as_is(mkl, tmp_path):
    """The printed line, pasted into a shell, links and runs."""
    out = cli("--link", "static", "--interface", "ilp64", "--threading", "gnu", "--install", str(mkl.pip)).stdout
    compile_line = next(l for l in out.splitlines() if l.startswith("compile:"))[8:]
    link_line = next(l for l in out.splitlines() if l.startswith("link:"))[5:]
    (tmp_path / "t.c").write_text(verify.PROGRAM % {"hgemm_decl": "", "hgemm_call": ""})
    subprocess.run(f"gcc t.c -o t {compile_line} {link_line}", shell=True, cwd=tmp_path, check=True)
    run = subprocess.run(["./t"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and "MKL_INT 8 bytes" in run.stdout


def one_line_error(result, fragment: str) -> None:
    """Exit 2 through mkldoctor.cli's one catch: one line on stderr naming the problem, nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], lines


def test_usage_errors(mkl, tmp_path):
    result = cli("--link", "shared", "--install", str(mkl.pip))  # typer's own check, said on one line
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "mkldoctor: Invalid value for '--link': 'shared' is not one of 'static', 'dynamic', 'sdl' (see mkldoctor link -h)"]
    one_line_error(cli("--install", str(tmp_path / "nowhere")), f"mkldoctor: --install {tmp_path / 'nowhere'}: no such file or folder")
    one_line_error(cli("--install", str(tmp_path)), f"mkldoctor: --install {tmp_path}: no MKL library")
    with pytest.raises(UsageError, match="--interface must be one of lp64, ilp64, not 'lp32'"):
        linkline.LinkConfig("static", "lp32", "sequential")
