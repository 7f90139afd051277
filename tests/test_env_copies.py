"""One copy however it was found: folders found only through PKG_CONFIG_PATH or LD_LIBRARY_PATH are the copy
they belong to (headers, version), and a .pc file that points nowhere is a finding that agrees with what real
pkg-config and ld (-Wl,-t) do with it."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from test_check import by_id, check
from test_cmake_agrees import clean_env, venv_2023

runner = CliRunner()


def listing(env):
    result = runner.invoke(app, ["list", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("var", ["PKG_CONFIG_PATH", "LD_LIBRARY_PATH"])
def test_a_copy_found_through_the_environment_has_its_headers_and_version(mkl, tmp_path, var):
    folder = mkl.pip_lib / "pkgconfig" if var == "PKG_CONFIG_PATH" else mkl.pip_lib
    env = clean_env(HOME=str(tmp_path), **{var: str(folder)})
    document = listing(env)
    (copy,) = [i for i in document["installs"] if os.path.realpath(str(mkl.pip_lib)) in i["lib_dirs"]]
    modversion = subprocess.run(["pkg-config", "--modversion", "mkl-dynamic-lp64-seq"], capture_output=True, text=True,
                                env={**env, "PKG_CONFIG_PATH": str(mkl.pip_lib / "pkgconfig")}).stdout.strip()
    assert copy["version"] == modversion == "2026.2"
    assert copy["include_dirs"] == [os.path.realpath(mkl.pip / "include")]
    # and a minimum version above it is an error, not a pass
    (top := tmp_path / "p").mkdir()
    code, report = check(top, "--min-version", "2030.1", env=env)
    assert code == 1 and by_id(report, "too-old")


def test_min_version_with_no_version_known_is_not_a_pass(mkl, tmp_path):
    bare = tmp_path / "bare/lib"  # libraries, no headers, no .pc, no package: nothing says the version
    bare.mkdir(parents=True)
    for name in ("libmkl_core.so.3", "libmkl_intel_lp64.so.3", "libmkl_sequential.so.3", "libmkl_rt.so.3"):
        (bare / name).symlink_to(mkl.pip_lib / name)
    (top := tmp_path / "p").mkdir()
    code, report = check(top, "--min-version", "2030.1", env=clean_env(HOME=str(tmp_path), LD_LIBRARY_PATH=str(bare)))
    assert code == 1
    (finding,) = by_id(report, "version-unknown")
    assert "2030.1" in finding["title"]


def test_a_pc_whose_libdir_does_not_exist_is_a_finding_that_agrees_with_pkg_config_and_ld(mkl, tmp_path):
    """mkl-devel 2023.2's .pc say libdir=<prefix>/lib/intel64, a folder the wheel does not have: pkg-config hands
    out 2023.2's -I with a -L to nowhere, and ld takes libmkl_* from the next folder that has them (Debian's
    2020.4, here through LIBRARY_PATH as gcc passes it)."""
    venv = venv_2023(mkl, tmp_path)
    debian = mkl.debian_lib(mkl.debian_shared)
    env = clean_env(HOME=str(tmp_path), PKG_CONFIG_PATH=str(venv / "lib/pkgconfig"), LIBRARY_PATH=str(debian))
    (top := tmp_path / "p").mkdir()
    code, report = check(top, env=env)
    found = [f for f in by_id(report, "pkgconfig-points-nowhere") if f["title"].startswith("mkl-dynamic-lp64-seq.pc")]
    assert found and "lib/intel64 does not exist" in found[0]["title"]
    predicted = re.search(r"take MKL from (\S+)", found[0]["title"]).group(1)
    assert any("libdir=${exec_prefix}/lib" in fix for fix in found[0]["fix"])
    # the real tools
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "mkl-dynamic-lp64-seq"], env=env, capture_output=True,
                           text=True, check=True).stdout.replace('"', "").split()
    dirs = {f[:2]: os.path.normpath(f[2:]) for f in flags if f.startswith(("-L", "-I"))}
    assert dirs == {"-L": f"{venv}/lib/intel64", "-I": f"{venv}/include"}
    (tmp_path / "t.c").write_text('#include <mkl.h>\nint main(void){char v[99]; mkl_get_version_string(v, 99); return 0;}\n')
    linked = subprocess.run(["gcc", "t.c", "-o", "t", *flags, "-Wl,-t"], cwd=tmp_path,
                            env=env, capture_output=True, text=True)
    assert linked.returncode == 0, linked.stderr
    used = [l for l in (linked.stdout + linked.stderr).splitlines() if "libmkl_intel_lp64" in l]
    assert used and os.path.dirname(os.path.realpath(used[0].strip())) == os.path.realpath(predicted) == os.path.realpath(debian)


def test_a_make_project_is_predicted_from_the_pc_file_it_would_ask_for(mkl, tmp_path):
    (top := tmp_path / "p").mkdir()
    (top / "mkldoctor.toml").write_text('interface = "lp64"\nlink = "dynamic"\nthreading = "sequential"\n')
    env = clean_env(HOME=str(tmp_path), PKG_CONFIG_PATH=str(mkl.pip_lib / "pkgconfig"))
    code, report = check(top, env=env)
    (picked,) = by_id(report, "picked")
    assert any("pkg-config mkl-dynamic-lp64-seq.pc" in e for e in picked["evidence"]), picked["evidence"]
