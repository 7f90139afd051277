"""Windows: Microsoft's C/C++ runtime DLL not found, in each shape public logs print it (Windows cannot be run here:
the logs are short excerpts of public reports, each with its thread)."""

from __future__ import annotations

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.knowledge import msvc_runtime

LOGS = {
    # https://github.com/Pizzabelly/EasyRP/issues/53 (fixed by installing the redistributable)
    "dialog": ("The code execution cannot proceed because MSVCP140.dll , VCRUNTIME140.dll was not found. Reinstalling the "
               "program may fix this problem.\n", ("MSVCP140.dll", "VCRUNTIME140.dll"), "2015-2022"),
    # https://github.com/xsacha/Sachesi/issues/70 (vcredist of Visual Studio 2013)
    "cannot-start": ("I get an error: The program can't start because MSVCP120.dll is missing from your computer. Try reinstalling "
                     "the program to fix this problem.\n", ("MSVCP120.dll",), "2013"),
    # https://github.com/microsoft/CNTK/issues/3185 (TensorFlow's own check, quoted there)
    "tensorflow": ("ImportError: Could not find 'msvcp140.dll'. TensorFlow requires that this DLL be installed in a directory "
                   "that is named in your %PATH% environment variable.\n", ("msvcp140.dll",), "2015-2022"),
    # https://github.com/qllokirin/ATRI-plugin/issues/3 (PyTorch's check, then the import that failed for it)
    "pytorch": ("Microsoft Visual C++ Redistributable is not installed, this may lead to the DLL load failure.\n"
                "                 It can be downloaded at https://aka.ms/vs/16/release/vc_redist.x64.exe\n"
                "Traceback (most recent call last):\n"
                '  File "C:\\Users\\Administrator\\AppData\\Local\\Programs\\Python\\Python37\\lib\\site-packages\\torch\\'
                '__init__.py", line 202, in <module>\n'
                "    from torch._C import *  # noqa: F403\n"
                "ImportError: DLL load failed: The specified module could not be found.\n", ("VCRUNTIME140.dll",), "2015-2022"),
}


@pytest.mark.parametrize("name", sorted(LOGS))
def test_a_missing_microsoft_runtime_is_the_redistributable(name):
    log, dlls, year = LOGS[name]
    findings = explain(logparse.parse_bytes(log.encode()), [])
    # one finding: the import that failed for it is its consequence, not a second "DLL not loaded"
    assert [f.id for f in findings] == ["windows-msvc-runtime-missing"], [(f.id, f.title) for f in findings]
    (finding,) = findings
    assert finding.severity == "error"
    for dll in dlls:
        assert dll in finding.title
    assert f"Visual C++ {year} Redistributable" in "\n".join(finding.fix)


def test_the_runtime_table_tells_the_redistributable_of_each_dll():
    assert "2015-2022" in msvc_runtime.runtime_of("vcruntime140_1.dll").package
    assert "2015-2022" in msvc_runtime.runtime_of(r"C:\x\MSVCP140_ATOMIC_WAIT.dll").package
    assert "Universal C Runtime" in msvc_runtime.runtime_of("api-ms-win-crt-runtime-l1-1-0.dll").package
    assert "Debug" in msvc_runtime.runtime_of("vcruntime140d.dll").package  # a Debug build's: not redistributable
    for other in ("mkl_rt.2.dll", "libiomp5md.dll", "KERNEL32.DLL"):
        assert msvc_runtime.runtime_of(other) is None


def test_an_mkl_dll_missing_beside_the_runtime_keeps_its_own_finding():
    """A tree where both an MKL DLL and the runtime are missing: two causes, two findings."""
    tree = ("\u25fc C:\\app\\bin\\app.exe\n"
            "  \u2717 mkl_rt.2.dll (NOT FOUND)\n"
            "  \u25fc C:\\app\\bin\\libiomp5md.dll\n"
            "    \u2717 VCRUNTIME140.dll (NOT FOUND)\n")
    findings = explain(logparse.parse_bytes(tree.encode()), [])
    ids = [f.id for f in findings]
    assert "windows-msvc-runtime-missing" in ids and "windows-library-not-loaded" in ids, ids
    runtime = next(f for f in findings if f.id == "windows-msvc-runtime-missing")
    assert "libiomp5md.dll needs it" in runtime.title
    assert "mkl_rt.2.dll" in next(f for f in findings if f.id == "windows-library-not-loaded").title
