"""check predicts the MKL copy that real cmake takes: `Found ...` lines and the built program's own
mkl_get_version_string, on a machine with several copies (oneMKL 2026.2, Debian 2020.4, mkl-devel 2023.2's
MKLConfig.cmake)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from test_check import by_id, check

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed")

CMAKELISTS = """cmake_minimum_required(VERSION 3.20)
project(app C)
set(MKL_INTERFACE lp64)
set(MKL_THREADING sequential)
find_package(MKL CONFIG REQUIRED)
add_executable(app main.c)
target_link_libraries(app PRIVATE MKL::MKL)
"""
MAIN = """#include <stdio.h>
#include <mkl.h>
extern void hgemm_(void);
int main(void) { char v[256]; mkl_get_version_string(v, sizeof v); printf("%s\\n", v); return 0; }
"""


def venv_2023(mkl, tmp_path: Path) -> Path:
    """A prefix as pip leaves mkl-devel 2023.2 in a venv: its real MKLConfig.cmake and .pc files, mkl-include
    2023.2's real headers, and versioned-only libmkl_*.so.2 (as pip's mkl wheel has them; links to 2026.2's
    files stand in for them: no test here loads them)."""
    venv = tmp_path / "venv23"
    (venv / "lib").mkdir(parents=True)
    shutil.copytree(mkl.devel_2023 / "lib/cmake", venv / "lib/cmake")
    shutil.copytree(mkl.devel_2023 / "lib/pkgconfig", venv / "lib/pkgconfig")
    wheel = mkl.root / "mkl-include/mkl_include-2023.2.0-py2.py3-none-manylinux1_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if "/data/include/" in member and not member.endswith("/"):
                target = venv / "include" / member.split("/data/include/", 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    for name in ("intel_lp64", "sequential", "core", "def", "avx2", "avx512"):
        (venv / f"lib/libmkl_{name}.so.2").symlink_to(mkl.pip_lib / f"libmkl_{name}.so.3")
    return venv


def project(tmp_path: Path) -> Path:
    top = tmp_path / "project"
    top.mkdir()
    (top / "CMakeLists.txt").write_text(CMAKELISTS)
    (top / "main.c").write_text(MAIN)
    return top


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MKLROOT", "CMAKE_PREFIX_PATH", "MKL_DIR", "MKL_ROOT",
                                                             "PKG_CONFIG_PATH", "LD_LIBRARY_PATH", "VIRTUAL_ENV")}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env.update(extra)
    return env


def cmake(top: Path, env: dict[str, str], tmp_path: Path) -> tuple[bool, str, str | None]:
    """(configured, its output, what the built program says its MKL is)."""
    build = tmp_path / "build"
    shutil.rmtree(build, ignore_errors=True)
    configure = subprocess.run(["cmake", "-S", str(top), "-B", str(build)], env=env, capture_output=True, text=True, timeout=300)
    out = configure.stdout + configure.stderr
    if configure.returncode != 0:
        return False, out, None
    subprocess.run(["cmake", "--build", str(build)], env=env, check=True, capture_output=True, timeout=300)
    libs = [os.path.dirname(p) for p in re.findall(r"-- Found (?:MKL: )?(/\S+\.so[.0-9]*)", out)]
    ran = subprocess.run([str(build / "app")], env={**env, "LD_LIBRARY_PATH": ":".join(dict.fromkeys(libs))},
                         capture_output=True, text=True, timeout=60)
    return True, out, ran.stdout


def predicted(document) -> tuple[str | None, list]:
    picked = by_id(document, "picked")
    failed = by_id(document, "configure-fails")
    return (picked[0]["title"] if picked else None), failed


def found_interface(out: str) -> str:
    (path,) = re.findall(r"-- Found (?:MKL: )?(/\S+/libmkl_intel_lp64\.so[.0-9]*)", out)
    return os.path.dirname(path)


def test_nothing_set_cmake_finds_no_config_and_check_says_so(mkl, tmp_path):
    top = project(tmp_path)
    env = clean_env(HOME=str(tmp_path))
    ok, out, _ = cmake(top, env, tmp_path)
    code, document = check(top, "--search", mkl.pip, "--search", mkl.debian_shared / "usr", env=env)
    title, failed = predicted(document)
    assert not ok and 'Could not find a package configuration file provided by "MKL"' in out
    assert code == 1 and failed and title is None
    assert f"-DMKL_DIR={mkl.pip}/lib/cmake/mkl" in failed[0]["fix"][0]


@pytest.mark.parametrize("how", ["CMAKE_PREFIX_PATH", "activated venv", "MKL_DIR"])
def test_the_copy_cmake_takes_is_the_copy_check_predicts(mkl, tmp_path, how):
    top = project(tmp_path)
    venv = tmp_path / "venv"  # a venv as pip leaves it: bin/ on PATH when activated, the copy in lib/
    (venv / "bin").mkdir(parents=True)
    (venv / "lib").symlink_to(mkl.pip_lib)
    (venv / "include").symlink_to(mkl.pip / "include")
    extra = {"CMAKE_PREFIX_PATH": {"CMAKE_PREFIX_PATH": str(mkl.pip)},
             "activated venv": {"PATH": f"{venv}/bin:" + clean_env()["PATH"], "VIRTUAL_ENV": str(venv)},
             "MKL_DIR": {"MKL_DIR": str(mkl.pip_lib / "cmake/mkl")}}[how]
    env = clean_env(HOME=str(tmp_path), **extra)
    ok, out, version = cmake(top, env, tmp_path)
    code, document = check(top, "--search", mkl.debian_shared / "usr", env=env)
    title, failed = predicted(document)
    assert ok and not failed, out
    lib_dir = found_interface(out)
    assert os.path.realpath(lib_dir) in title and "2026.2" in title
    assert "2026.2" in version  # the program built by cmake runs on the predicted copy


def test_mklroot_at_another_copy_stops_a_2024_config_and_check_says_so(mkl, tmp_path):
    top = project(tmp_path)
    old = tmp_path / "mklroot-2020.4"  # an MKLROOT-style prefix of Debian's copy: include/ and lib/
    old.mkdir()
    (old / "include").symlink_to(mkl.debian_shared / "usr/include/mkl")
    (old / "lib").symlink_to(mkl.debian_lib(mkl.debian_shared))
    env = clean_env(HOME=str(tmp_path), CMAKE_PREFIX_PATH=str(mkl.pip), MKLROOT=str(old))
    ok, out, _ = cmake(top, env, tmp_path)
    code, document = check(top, env=env)
    title, failed = predicted(document)
    assert not ok and re.search(r"oneMKL 2020\.4\.\s+specified by the environment variable MKLROOT\s+mismatches", out), out
    assert code == 1 and failed and "MKLROOT" in failed[0]["title"] and "MKL 2020.4" in failed[0]["title"]
    assert "unset MKLROOT" in failed[0]["fix"]


def test_an_older_config_lets_the_system_copy_win_and_check_predicts_it(mkl, tmp_path):
    """mkl-devel 2023.2 in a venv (versioned-only libraries), Debian's 2020.4 further down CMAKE_PREFIX_PATH."""
    top = project(tmp_path)
    venv = venv_2023(mkl, tmp_path)
    debian = mkl.debian_shared / "usr"
    env = clean_env(HOME=str(tmp_path), CMAKE_PREFIX_PATH=f"{venv}:{debian}")
    ok, out, version = cmake(top, env, tmp_path)
    code, document = check(top, env=env)
    assert ok, out
    lib_dir = found_interface(out)
    assert os.path.realpath(lib_dir) == os.path.realpath(mkl.debian_lib(mkl.debian_shared))
    assert "2020.0.4" in version  # cmake built against Debian's 2020.4, not the 2023.2 copy it configured
    (mixed,) = by_id(document, "cmake-mixed-copies")
    assert os.path.realpath(lib_dir) in mixed["title"] and "2020.4" in mixed["title"] and str(venv) in mixed["title"]


# -- link --format cmake / pkg-config --verify: the printed route, with other copies in the way ---------


def link(*args, env=None):
    from typer.testing import CliRunner

    from mkldoctor.cli import app

    return CliRunner().invoke(app, ["link", *map(str, args)], env=env)


@pytest.fixture()
def crowded(mkl, tmp_path):
    """Debian's 2020.4 first on CMAKE_PREFIX_PATH and PKG_CONFIG_PATH, MKLROOT at an MKLROOT-style prefix of it."""
    old = tmp_path / "mklroot-2020.4"
    old.mkdir()
    (old / "include").symlink_to(mkl.debian_shared / "usr/include/mkl")
    (old / "lib").symlink_to(mkl.debian_lib(mkl.debian_shared))
    debian = mkl.debian_shared / "usr"
    return {"MKLROOT": str(old), "CMAKE_PREFIX_PATH": str(debian),
            "PKG_CONFIG_PATH": str(mkl.debian_lib(mkl.debian_shared) / "pkgconfig")}


@pytest.mark.parametrize("fmt,link_mode,threading", [("cmake", "dynamic", "sequential"), ("cmake", "static", "intel"),
                                                     ("pkg-config", "dynamic", "sequential")])
def test_verify_builds_the_printed_route_on_the_copy_asked_for(mkl, crowded, fmt, link_mode, threading):
    result = link("--format", fmt, "--link", link_mode, "--threading", threading, "--install", mkl.pip, "--verify", env=crowded)
    assert result.exit_code == 0, result.output
    route = {"cmake": "the CMake project", "pkg-config": "the pkg-config route"}[fmt]
    assert f"verified {route}" in result.stderr and "Version 2026.2" in result.stderr
    if fmt == "cmake":
        assert f'set(MKL_ROOT "{mkl.pip}")' in result.stdout and "NO_DEFAULT_PATH" in result.stdout


def test_unpinned_find_package_takes_the_other_copy_the_snippet_does_not(mkl, crowded, tmp_path):
    """The same find_package call without the snippet's pins, in the same environment, fails on MKLROOT (the
    2026.2 config refuses MKLROOT's 2020.4): the pins are what make the verified build take 2026.2."""
    top = tmp_path / "plain"
    top.mkdir()
    (top / "CMakeLists.txt").write_text(f'cmake_minimum_required(VERSION 3.16)\nproject(p C)\n'
                                        f'find_package(MKL CONFIG REQUIRED PATHS "{mkl.pip_lib}/cmake/mkl" NO_DEFAULT_PATH)\n')
    ok, out, _ = cmake(top, clean_env(**crowded), tmp_path)
    assert not ok and "specified by the environment variable MKLROOT" in " ".join(out.split())


def test_verify_cmake_without_a_config_builds_the_flags_by_hand(mkl, tmp_path):
    result = link("--format", "cmake", "--install", mkl.debian_shared, "--verify",
                  env={"CMAKE_PREFIX_PATH": str(mkl.pip), "MKLROOT": None})
    assert result.exit_code == 0, result.output
    assert "ships no MKLConfig.cmake" in result.stdout and "Version 2020.0.4" in result.stderr


def test_same_version_reads_both_version_string_styles():
    from mkldoctor.link.verify_format import same_version

    new = "Intel(R) oneAPI Math Kernel Library Version 2026.2-Product Build 20260915"
    old = "Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917"
    assert same_version(new, "2026.2") and same_version(old, "2020.4")
    assert not same_version(new, "2020.4") and not same_version(old, "2026.2") and not same_version(new, "2026.20")


def test_a_c_project_calling_hgemm_is_checked_for_it_and_cmake_fails_as_predicted(mkl, tmp_path):
    """The sources call hgemm_; cmake takes Debian's 2020.4 libraries (the 2023.2 config lets them win): check
    says hgemm_ is missing from the copy the build uses, and the real build stops on exactly that."""
    top = project(tmp_path)
    (top / "main.c").write_text(MAIN.replace("return 0; }", "hgemm_(); return 0; }")
                                + "/* cblas_dgemm( in a comment is no call */\n")
    venv = venv_2023(mkl, tmp_path)
    env = clean_env(HOME=str(tmp_path), CMAKE_PREFIX_PATH=f"{venv}:{mkl.debian_shared / 'usr'}")
    code, document = check(top, env=env)
    (missing,) = by_id(document, "missing-symbol")
    assert missing["title"].startswith("hgemm_ is not in the MKL the build uses (2020.4)")
    assert any("main.c:4 calls it" in e for e in missing["evidence"])
    assert not any("cblas_dgemm" in f["title"] for f in document["findings"])
    build = tmp_path / "build"
    subprocess.run(["cmake", "-S", str(top), "-B", str(build)], env=env, check=True, capture_output=True, timeout=300)
    made = subprocess.run(["cmake", "--build", str(build)], env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode != 0 and "undefined reference to `hgemm_'" in made.stdout + made.stderr


def test_a_makefile_project_states_what_its_sources_call(tmp_path):
    from mkldoctor.diagnose.csources import read_c_sources
    from mkldoctor.diagnose.project import Needs

    (tmp_path / "Makefile").write_text("app: app.cpp\n\tg++ app.cpp -lmkl_rt\n")
    (tmp_path / "app.cpp").write_text('#include "mkl.h"\nint main() {\n  const char *s = "sgemm_(";\n'
                                      "  cblas_sgemm(CblasRowMajor, a, b);\n  vsAdd(n, a, b, c);\n  helper_(1);\n}\n")
    needs = Needs()
    read_c_sources(str(tmp_path), needs)
    assert needs.symbols == ["cblas_sgemm", "vsAdd"]  # not the string, not helper_ (no MKL shape)
    assert needs.symbol_origin["cblas_sgemm"] == "app.cpp:4 calls it"


def test_the_cmake_form_for_a_2023_copy_names_its_files_not_its_config(mkl, tmp_path):
    """Its MKLConfig.cmake would look for libmkl_*.so only and let another copy win (the test above): the snippet
    names the copy's own files by path instead."""
    venv = venv_2023(mkl, tmp_path)
    result = link("--format", "cmake", "--install", venv)
    assert result.exit_code == 0, result.output
    assert "find_package" not in result.stdout and "cannot find its versioned-only libraries" in result.stdout
    assert f"{venv}/lib/libmkl_intel_lp64.so.2" in result.stdout
