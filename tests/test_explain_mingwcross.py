"""A Windows program cross-linked on Linux with MinGW (mkldoctor/explain/mingwcross.py), produced with Debian's
i686-w64-mingw32 toolchain: "cannot find -lmkl_rt" is about Windows MKL's import libraries, not this host's MKL or its
folders (the host's gcc search was replayed before, and "install MKL" offered a Linux MKL). The fix, Windows MKL's
mkl_rt.lib of the pinned 32-bit mkl-devel wheel on the line, links a program that imports mkl_rt.2.dll."""

from __future__ import annotations

import subprocess

import pytest

from mkldoctor.explain.run import explain_bytes
from tests.test_explain_families import clean_env, errors_of, failed, flat

CC = "i686-w64-mingw32-gcc"
PROGRAM = "void dgemm_(void);\nint main(void) { dgemm_(); return 0; }\n"


def _link(tmp_path, *libs: str) -> list[str]:
    (tmp_path / "m.c").write_text(PROGRAM)
    return [CC, "m.c", "-o", "m.exe", *libs]


def test_a_mingw_cross_link_wants_windows_mkl_and_its_import_library_links(tmp_path, mkl):
    line = _link(tmp_path, f"-L{tmp_path / 'nothing'}", "-lmkl_rt")
    log = failed(line, tmp_path)
    assert "i686-w64-mingw32-ld: cannot find -lmkl_rt" in log, log
    for said in (errors_of(log), [f for f in explain_bytes(log.encode(), []) if f.severity == "error"]):  # pasted, and run here
        [finding] = said
        assert finding.id == "library-not-found", flat(finding)
        assert "a Windows program cross-linked on a Unix host" in finding.title, flat(finding)
        assert "compiler default" not in flat(finding) and "x86_64-linux-gnu" not in flat(finding), flat(finding)
        assert any("2024.2 is the last release built for it" in e for e in finding.evidence), finding.evidence
        assert "--platform win32" in flat(finding) and "'mkl-devel==2024.2.*'" in flat(finding), finding.fix
    # the fix: Windows MKL's import library (the wheel's Library/lib) on the line
    done = subprocess.run(_link(tmp_path, f"-L{mkl.win32_lib}", "-lmkl_rt"), cwd=tmp_path, env=clean_env(),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    imports = subprocess.run(["i686-w64-mingw32-objdump", "-p", "m.exe"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "DLL Name: mkl_rt.2.dll" in imports, imports


@pytest.mark.parametrize("linker, cross", [
    ("/usr/lib/gcc/x86_64-w64-mingw32/12-win32/../../../../x86_64-w64-mingw32/bin/ld", True),  # collect2's own path
    ("/usr/bin/x86_64-w64-mingw32-ld", True),
    ("C:/msys64/mingw64/bin/../lib/gcc/x86_64-w64-mingw32/13.2.0/../../../../x86_64-w64-mingw32/bin/ld.exe", False),  # MSYS2
])
def test_which_linker_is_a_cross_one(linker, cross):
    log = f"{linker}: cannot find -lmkl_intel_lp64: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
    [finding] = errors_of(log)
    assert finding.id == "library-not-found"
    assert ("cross-linked on a Unix host" in finding.title) is cross, flat(finding)
    if cross:  # 64-bit: the win_amd64 wheel, and the layered library's import library by its own name
        assert "--platform win_amd64" in flat(finding) and "-lmkl_intel_lp64_dll" in flat(finding), finding.fix
        assert "last release built for it" not in flat(finding)
