"""The one command every CMake fix gives to forget a failed search (recipes.CMAKE_RESET), run on a real build folder."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from mkldoctor.knowledge import recipes

PACKAGE = Path(__file__).resolve().parent.parent / "mkldoctor"
PROJECT = """cmake_minimum_required(VERSION 3.13)
project(reset NONE)
find_library(MKL_RT_LIBRARY NAMES mkl_rt PATHS ${LIBS} NO_DEFAULT_PATH)
message(STATUS "MKL_RT_LIBRARY=${MKL_RT_LIBRARY}")
"""


def _configure(source: Path, build: Path, libs: Path) -> str:
    run = subprocess.run(["cmake", "-S", str(source), "-B", str(build), f"-DLIBS={libs}"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return re.search(r"MKL_RT_LIBRARY=(\S*)", run.stdout).group(1)


def test_the_reset_makes_cmake_search_again(tmp_path):
    source, build, old, new = tmp_path / "src", tmp_path / "build", tmp_path / "old", tmp_path / "new"
    for folder in (source, old, new):
        folder.mkdir()
    (source / "CMakeLists.txt").write_text(PROJECT)
    # what the default comment says: a search that found nothing runs again ...
    assert _configure(source, build, f"{new}") == "MKL_RT_LIBRARY-NOTFOUND"
    (old / "libmkl_rt.so").write_bytes(b"")
    assert _configure(source, build, f"{old}") == str(old / "libmkl_rt.so")
    # ... and a path found is kept, though the next configure is pointed at another copy first
    (new / "libmkl_rt.so").write_bytes(b"")
    assert _configure(source, build, f"{new};{old}") == str(old / "libmkl_rt.so")
    assert recipes.cmake_reset().endswith(recipes.CMAKE_KEEPS)
    command = recipes.cmake_reset().replace("<build dir>", str(build))
    subprocess.run(["bash", "-c", command], check=True, timeout=30)
    assert _configure(source, build, f"{new};{old}") == str(new / "libmkl_rt.so")


def test_the_reset_is_spelled_once():
    # a fix module that writes the command itself drifts from the others (one had rm -rf, another rm without -f)
    spelled = [f"{path.relative_to(PACKAGE)}:{n}" for path in sorted(PACKAGE.rglob("*.py")) if path.name != "recipes.py"
               for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"\brm\b[^\"]*CMakeCache", line)]
    assert not spelled, spelled
