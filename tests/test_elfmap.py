"""The mapped ELF reader (binary/elfmap.py) against binutils on the same files: the tiny ones built here,
oneMKL 2026.2's libmkl_rt, and torch's 434 MB libtorch_cpu.so (the test venv has torch 2.13 CPU; where pip's
configuration names no source of its CPU build it has none, and oneMKL's 77 MB libmkl_core.so.3 is read instead)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest

from mkldoctor.binary.elfmap import SHT_SYMTAB, ElfFormatError, ElfMap


def torch_lib() -> Path | None:
    """torch/lib of the test venv's torch 2.13 CPU; None where dev/test found no source of its CPU build."""
    spec = importlib.util.find_spec("torch")  # finds the package without importing it
    return Path(spec.origin).parent / "lib" if spec and spec.origin else None


def big_library(mkl, say) -> Path:
    """A large real library with a large .dynsym: libtorch_cpu.so (434 MB, 74k exports), else libmkl_core.so.3."""
    lib = torch_lib()
    if lib:
        return lib / "libtorch_cpu.so"
    say("torch is not in the test venv: oneMKL 2026.2's libmkl_core.so.3 (77 MB, 19.7k exports) read in place of "
        "libtorch_cpu.so (434 MB, 74k exports, C++)")
    return mkl.pip_lib / "libmkl_core.so.3"


def nm_names(path: Path, *args: str) -> set[str]:
    out = subprocess.run(["nm", "-D", *args, str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def readelf_dynamic(path: Path) -> dict[str, list[str]]:
    out = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True, check=True).stdout
    found: dict[str, list[str]] = {}
    for tag, value in re.findall(r"\((NEEDED|SONAME|RPATH|RUNPATH)\)\s+\S.*?\[(.*)\]", out):
        found.setdefault(tag, []).append(value)
    return found


def files(tiny, mkl, say) -> list[Path]:
    return [tiny.shared, tiny.exe, mkl.pip_lib / "libmkl_rt.so.3", mkl.pip_lib / "libiomp5.so", big_library(mkl, say)]


@pytest.mark.mkl
def test_names_and_dynamic_section_equal_binutils(tiny, mkl, say):
    for path in files(tiny, mkl, say):
        with ElfMap.open(str(path)) as elf:
            defined, undefined = elf.names()
            tags = elf.dynamic()
        assert set(defined) == nm_names(path, "--defined-only"), path
        assert set(undefined) == nm_names(path, "--undefined-only"), path
        reference = readelf_dynamic(path)
        assert list(tags.needed) == reference.get("NEEDED", []), path
        assert tags.soname == (reference.get("SONAME") or [None])[0], path
        assert list(tags.rpath) == reference.get("RPATH", []) and list(tags.runpath) == reference.get("RUNPATH", []), path


@pytest.mark.mkl
def test_gnu_hash_answers_as_the_table(tiny, mkl, say):
    for path in files(tiny, mkl, say):
        with ElfMap.open(str(path)) as elf:
            defined, undefined = elf.values()  # global and weak: a local in .dynsym is no export (nor in the hash)
            sample = list(defined)[:: max(1, len(defined) // 300)]
            assert all(elf.exports(name) for name in sample), path
            assert not any(elf.exports(name) for name in undefined[:50]), path  # imports are not exports
            assert not elf.exports("mkldoctor_no_such_symbol_"), path


def test_program_kind_and_symtab(tiny):
    with ElfMap.open(str(tiny.exe)) as elf:
        assert elf.kind == "executable"  # PIE: ET_DYN with PT_INTERP, as nm and the loader see it
        defined, _ = elf.values(SHT_SYMTAB, local=True)
    out = subprocess.run(["nm", "--defined-only", str(tiny.exe)], capture_output=True, text=True, check=True).stdout
    assert set(defined) == {line.split()[-1] for line in out.splitlines()}
    with ElfMap.open(str(tiny.shared)) as elf:
        assert elf.kind == "shared"


def test_rodata_search_stays_in_its_section(tmp_path):
    source = tmp_path / "s.c"
    source.write_text('const char banner[] = "OpenBLAS 9.9.9 USE64BITINT";\nconst char *get(void) { return banner; }\n')
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", str(source), "-o", str(tmp_path / "libs.so")], check=True)
    with ElfMap.open(str(tmp_path / "libs.so")) as elf:
        assert elf.find(b"OpenBLAS 9.9.9") >= 0
        assert elf.find(b"OpenBLAS 9.9.9", ".text") == -1
        assert elf.find(b"no such words") == -1


def test_what_it_cannot_place_is_said(tmp_path, tiny):
    data = tiny.shared.read_bytes()
    for name, blob in (("short", data[:40]), ("text", b"not an elf file at all, but long enough to be read" * 2),
                       ("cut", data[: len(data) // 3])):
        path = tmp_path / name
        path.write_bytes(blob)
        with pytest.raises(ElfFormatError):
            with ElfMap.open(str(path)) as elf:
                elf.names()
