"""check on real projects' build files (tests/data/build-projects): what it says of the build the project's own tool
would make, the options passed as the tool takes them (-D, --preset), and --configure, which runs the real tool
on a copy of the project and compares it with the prediction."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import build_projects as bp
from test_check import by_id, check

pytestmark = [pytest.mark.mkl, pytest.mark.skipif(shutil.which("cmake") is None, reason="cmake is not installed")]

OBSERVED = json.loads((bp.DATA / "observed.json").read_text())
# one scenario of each project, for --configure (the real tool runs on a copy of the slice)
CONFIGURE = [(name, next(s for s in bp.load(name).scenarios if s.fast)) for name in bp.projects()]


def scenario_env(mkl, tmp_path, name: str, scenario_name: str) -> tuple[Path, list[str], dict]:
    """check's arguments and environment for one scenario: the tool's -D and --preset, its variables, nothing else
    of the shell's that steers a build."""
    scenario = next(s for s in bp.load(name).scenarios if s.name == scenario_name)
    source = bp.DATA / name
    places = bp._places(mkl.root, tmp_path / "scratch", source, tmp_path / "unused")
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = bp._environment(scenario, places, home)
    env.update({k: None for k in bp.STEERING if k not in env})
    args = [bp._expand(a, places) for a in scenario.args]
    return source, args, env


def digest(folder: Path) -> list:
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_an_optional_mkl_that_is_off_is_a_note_saying_what_turns_it_on(mkl, tmp_path):
    """kokkos-kernels with nothing set: its MKL TPL is off, cmake configures; no error, no no-mkl error."""
    source, args, env = scenario_env(mkl, tmp_path, "kokkos-kernels", "nothing-set")
    code, document = check(source, *args, env=env)
    assert code == 0
    assert not [f for f in document["findings"] if f["severity"] == "error"]
    (note,) = by_id(document, "mkl-not-linked")
    assert note["severity"] == "info" and "opt-in" in note["title"]
    assert any(e.startswith("option KokkosKernels_ENABLE_TPL_MKL = OFF (cmake/") for e in note["evidence"])
    # turning it on was tried: without F77_BLAS_MANGLE cmake first enables Fortran, and there is no Fortran compiler
    assert any("-DKokkosKernels_ENABLE_TPL_MKL=ON" in e and "CMAKE_Fortran_COMPILER" in e for e in note["evidence"])


def test_a_non_required_find_that_fails_is_no_error(tmp_path):
    """The issue's seven-line reproduction: find_package(MKL) without REQUIRED, no MKL anywhere."""
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                             "option(USE_MKL \"use MKL\" OFF)\nif(USE_MKL)\n  find_package(MKL)\nendif()\n"
                                             "add_executable(p main.c)\n")
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    env = {k: None for k in bp.STEERING} | {"HOME": str(tmp_path)}
    code, document = check(tmp_path, env=env)
    assert code == 0 and not by_id(document, "configure-fails")
    assert all(f["severity"] != "error" for f in document["findings"] if f["id"] == "no-mkl")
    code, document = check(tmp_path, "-DUSE_MKL=ON", env=env)
    assert code == 0, "a find without REQUIRED that fails still configures"
    (note,) = by_id(document, "mkl-not-linked")
    assert note["severity"] == "warning" and "finds none" in note["title"]  # asked for with -D USE_MKL=ON


def test_onemath_says_why_mklconfig_stops_and_a_fix_checked_by_the_prediction(mkl, tmp_path):
    source, args, env = scenario_env(mkl, tmp_path, "onemath", "gxx-cpu-mklroot-pip")
    code, document = check(source, *args, env=env)
    assert code == 1
    (failed,) = by_id(document, "configure-fails")
    assert failed["title"].endswith("MKLConfig.cmake says: TBB not found for the specified MKL_THREADING: tbb_thread")
    assert failed["locations"][0]["path"] == "CMakeLists.txt" and failed["locations"][0]["line"] == 119
    assert any("has libtbb.so: the tbb wheel ships the library but no CMake config" in e for e in failed["evidence"])
    assert "-DENABLE_MKLCPU_THREAD_TBB=OFF" in failed["fix"][0]
    # the fix, applied, is what the recorded real cmake did: ilp64 sequential, shared
    fixed_args = [*args, "-DENABLE_MKLCPU_THREAD_TBB=OFF"]
    code, document = check(source, *fixed_args, env=env)
    (picked,) = by_id(document, "picked")
    assert code == 0 and "a shared ILP64 link, sequential threading layer" in picked["title"]
    assert OBSERVED["projects"]["onemath"]["gxx-cpu-sequential"]["link"] == "shared"


def test_gromacs_names_the_static_archives_its_own_find_library_takes(mkl, tmp_path):
    source, args, env = scenario_env(mkl, tmp_path, "gromacs", "mkl-mklroot-pip")
    code, document = check(source, *args, env=env)
    (picked,) = by_id(document, "picked")
    assert "a static LP64 link, sequential threading layer" in picked["title"]
    assert any("libmkl_core.a, libmkl_sequential.a, libmkl_intel_lp64.a" in e for e in picked["evidence"])
    source, args, env = scenario_env(mkl, tmp_path, "gromacs", "nothing-set")
    code, document = check(source, *args, env=env)
    assert code == 0 and by_id(document, "mkl-not-linked")[0]["severity"] == "info"


def test_scipy_mkl_is_opt_in_and_a_pc_name_turns_it_on(mkl, tmp_path):
    source, args, env = scenario_env(mkl, tmp_path, "scipy", "nothing-set")
    code, document = check(source, *args, env=env)
    assert not any(f["id"] == "no-mkl" and f["severity"] == "error" for f in document["findings"])
    (failed,) = by_id(document, "configure-fails")  # no OpenBLAS on this machine: meson setup stops, as recorded
    assert 'Dependency "OpenBLAS" not found' in failed["title"] and failed["locations"][0]["line"] == 92
    source, args, env = scenario_env(mkl, tmp_path, "scipy", "blas-mkl-dynamic-lp64-seq-pip")
    code, document = check(source, *args, env=env)
    (picked,) = by_id(document, "picked")
    assert code in (0, 1) and "a shared LP64 link, sequential threading layer" in picked["title"]


def test_a_preset_and_d_options_reach_the_prediction(mkl, tmp_path):
    source, args, env = scenario_env(mkl, tmp_path, "llama.cpp", "preset-static-blas-intel")
    code, document = check(source, *args, env=env)
    (picked,) = by_id(document, "picked")
    assert "a static LP64 link, intel threading layer" in picked["title"]


def test_bad_build_options_are_one_line_usage_errors(tmp_path):
    from typer.testing import CliRunner

    from mkldoctor.cli import app

    (tmp_path / "CMakeLists.txt").write_text("project(p C)\n")
    (tmp_path / "other").mkdir()
    for where, args, expected in ((tmp_path, ["-D", "NOVALUE"], "expected NAME=VALUE"),
                                  (tmp_path, ["--preset", "nope"], "no such configure preset"),
                                  (tmp_path / "other", ["-DX=1"], "has no CMakeLists.txt or meson.build"),
                                  (tmp_path, ["-F", "mkl"], "has no Cargo.toml")):
        result = CliRunner().invoke(app, ["check", str(where), *args])
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert len(result.stderr.splitlines()) == 1 and expected in result.stderr


@pytest.mark.parametrize("name,scenario", CONFIGURE, ids=[f"{n}/{s.name}" for n, s in CONFIGURE])
def test_configure_runs_the_real_tool_on_a_copy_and_agrees(mkl, tmp_path, name, scenario):
    if bp.load(name).tool == "meson":
        pytest.importorskip("mesonbuild", reason="meson is not installed (pip install -e '.[test]')")
    source, args, env = scenario_env(mkl, tmp_path, name, scenario.name)
    if bp.load(name).tool == "meson":
        env["PATH"] = f"{Path(bp._meson()).parent}:{env['PATH']}"  # the test extra's meson and ninja
    before = digest(source)
    code, document = check(source, *args, "--configure", env=env)
    assert digest(source) == before  # the slice is not written: no CMakeUserPresets.json, no .cache, no build folder
    (observed,) = by_id(document, "configure-observed")
    recorded = OBSERVED["projects"][name][scenario.name]
    assert observed["title"].startswith(f"the real {bp.load(name).tool} {'configured' if recorded['configured'] else 'stopped'}")
    if recorded["link"]:
        assert re.search(rf"a {recorded['link']} ", observed["title"]), observed["title"]
    assert not by_id(document, "configure-differs"), by_id(document, "configure-differs")


def test_a_project_file_read_outside_it_is_not_done(tmp_path):
    """file(READ) of a file outside the project is where the reader stops: a project's files never make check read,
    and print, what is not theirs."""
    (tmp_path / "CMakeLists.txt").write_text('cmake_minimum_required(VERSION 3.16)\nproject(p C)\n'
                                             'file(READ /etc/passwd X)\nmessage(FATAL_ERROR "${X}")\nfind_package(MKL)\n')
    code, document = check(tmp_path, env={k: None for k in bp.STEERING} | {"HOME": str(tmp_path)})
    text = json.dumps(document)
    assert "root:x:" not in text and not by_id(document, "configure-fails")
    (stopped,) = [f for f in by_id(document, "build-not-modelled") if f["severity"] == "warning"]
    assert "file(READ) of /etc/passwd, outside the project: not read" in stopped["title"]
    assert stopped["locations"][0]["line"] == 3
