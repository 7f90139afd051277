"""check's CMake reading on real find_package(MKL ...) shapes (tests/data/cmake-find-mkl, sources named there)."""

from __future__ import annotations

import re

import pytest

from mkldoctor.diagnose.project import read_project
from test_check import DATA, by_id, check

SHAPES = DATA / "cmake-find-mkl"


@pytest.mark.parametrize("name", sorted(p.name for p in SHAPES.iterdir() if p.is_dir()))
def test_a_project_is_read_as_cmake_exactly_when_it_calls_find_package_mkl(name):
    # the reference: the files themselves (old find modules alone do not call it)
    text = "\n".join(p.read_text() for p in (SHAPES / name).iterdir())
    calls = bool(re.search(r"^\s*find_package\s*\(\s*MKL\b", text, re.I | re.M))
    needs, notes = read_project(str(SHAPES / name))
    assert needs.cmake == calls and not notes


def test_onemath_sets_ilp64_itself(tmp_path):
    needs, _ = read_project(str(SHAPES / "onemath"))
    assert needs.interface == "ilp64" and needs.cmake_interface_set
    assert "set(MKL_INTERFACE ilp64)" in needs.origin["interface"]
    code, document = check(SHAPES / "onemath", "--root", tmp_path)
    assert not by_id(document, "cmake-default-ilp64")


def test_kokkos_kernels_bare_find_gets_mklconfigs_ilp64_default(tmp_path):
    needs, _ = read_project(str(SHAPES / "kokkos-kernels"))
    assert needs.interface is None and not needs.cmake_interface_set
    code, document = check(SHAPES / "kokkos-kernels", "--root", tmp_path)
    (finding,) = by_id(document, "cmake-default-ilp64")
    assert finding["severity"] == "warning"


def test_faiss_own_find_module_is_not_mklconfigs_ilp64_default(tmp_path):
    """faiss ships FindMKL.cmake and calls find_package(MKL) in module mode: CMake runs that file, not
    MKLConfig.cmake, so MKLConfig's ilp64 default does not apply; asked for CONFIG, it does again."""
    assert (SHAPES / "faiss" / "FindMKL.cmake").is_file()
    needs, _ = read_project(str(SHAPES / "faiss"))
    assert needs.cmake and needs.cmake_find_module == "FindMKL.cmake"
    code, document = check(SHAPES / "faiss", "--root", tmp_path)
    assert not by_id(document, "cmake-default-ilp64")

    project = tmp_path / "faiss-config"
    project.mkdir()
    (project / "FindMKL.cmake").write_text((SHAPES / "faiss" / "FindMKL.cmake").read_text())
    (project / "CMakeLists.txt").write_text((SHAPES / "faiss" / "CMakeLists.txt").read_text()
                                            .replace("find_package(MKL)", "find_package(MKL CONFIG)"))
    needs, _ = read_project(str(project))
    assert needs.cmake_find_module is None
    (tmp_path / "empty-root").mkdir()
    code, document = check(project, "--root", tmp_path / "empty-root")
    assert by_id(document, "cmake-default-ilp64")
