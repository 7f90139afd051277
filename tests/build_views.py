"""Prefixes laid out the way users have MKL, made from the real fixtures for the build-project scenarios.

Each view is a folder of real directories and symbolic links to fixture files (nothing is copied out of a
wheel but mkl-include 2023.2's headers), so CMake's and Meson's searches see the layout a user has:

- ``pip-no-tbb``: oneMKL 2026.2 as pip leaves it, without the ``tbb`` wheel's ``libtbb*`` (MKLConfig's
  ``tbb_thread`` needs TBB);
- ``venv-2023``: mkl-devel 2023.2 in a venv: its MKLConfig.cmake and .pc files, mkl-include 2023.2's headers,
  versioned-only ``libmkl_*.so.2`` (links to 2026.2's ``.so.3`` stand in for them, as in test_cmake_agrees);
- ``debian-mklroot``: an MKLROOT-style prefix (``include/``, ``lib/``) of Debian's 2020.4 shared packages.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

VIEWS = ("pip-no-tbb", "venv-2023", "debian-mklroot")
DEBIAN_LIB = "usr/lib/x86_64-linux-gnu"


def make_view(name: str, fixtures: Path, target: Path) -> None:
    """Lay out view ``name`` at ``target`` once (atomically: built beside it, then renamed into place)."""
    if target.is_dir():
        return
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    {"pip-no-tbb": _pip_no_tbb, "venv-2023": _venv_2023, "debian-mklroot": _debian_mklroot}[name](fixtures, partial)
    try:
        os.rename(partial, target)
    except OSError:  # another run laid it out first
        if not target.is_dir():
            raise
        shutil.rmtree(partial, ignore_errors=True)


def _mirror(source: Path, target: Path, skip=lambda name: False) -> None:
    """Real folders, linked files: a config file's own folder is then inside the view, as in a real prefix."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        if skip(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            _mirror(entry, target / entry.name, skip)
        else:
            (target / entry.name).symlink_to(entry)


def _pip_no_tbb(fixtures: Path, view: Path) -> None:
    pip = fixtures / "pip-2026.2"
    (view / "include").symlink_to(pip / "include")
    _mirror(pip / "lib", view / "lib", skip=lambda name: name.startswith("libtbb") or name.startswith("python"))


def _venv_2023(fixtures: Path, view: Path) -> None:
    devel = fixtures / "mkl-devel-2023.2"
    (view / "lib").mkdir()
    _mirror(devel / "lib/cmake", view / "lib/cmake")
    _mirror(devel / "lib/pkgconfig", view / "lib/pkgconfig")
    wheel = fixtures / "mkl-include/mkl_include-2023.2.0-py2.py3-none-manylinux1_x86_64.whl"
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if "/data/include/" in member and not member.endswith("/"):
                out = view / "include" / member.split("/data/include/", 1)[1]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(member))
    pip_lib = fixtures / "pip-2026.2/lib"
    for name in ("intel_lp64", "intel_ilp64", "sequential", "intel_thread", "gnu_thread", "tbb_thread", "core",
                 "rt", "def", "avx2", "avx512"):
        (view / f"lib/libmkl_{name}.so.2").symlink_to(pip_lib / f"libmkl_{name}.so.3")


def _debian_mklroot(fixtures: Path, view: Path) -> None:
    shared = fixtures / "debian-2020.4-shared"
    (view / "include").symlink_to(shared / "usr/include/mkl")
    (view / "lib").symlink_to(shared / DEBIAN_LIB)
