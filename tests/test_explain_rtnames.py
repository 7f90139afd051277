"""MKL by a name or on a platform it does not have: a search by the plain name, produced here for real on Linux with the
pip wheel (which ships only the numbered libmkl_rt.so.N), read back by explain; Windows and macOS from public reports."""

from __future__ import annotations

import os
import subprocess
import sys

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from mkldoctor.knowledge import platforms

# What sparse_dot_mkl and pypardiso did before their fixes (flatironinstitute/sparse_dot#15, haasad/PyPardiso#55): a search
# by the plain name, and the package's own message when it finds nothing.
_PACKAGE = """
import ctypes.util
found = ctypes.util.find_library("mkl_rt")
if found is None:
    raise ImportError("mkl_rt not found.")
print(found)
"""


def _run(folder) -> subprocess.CompletedProcess:
    env = {**os.environ, "LD_LIBRARY_PATH": str(folder)}
    return subprocess.run([sys.executable, "-c", _PACKAGE], env=env, capture_output=True, text=True, timeout=120)


def test_a_search_by_the_plain_name_misses_the_wheels_numbered_file(mkl):
    numbered = sorted(p.name for p in mkl.pip_lib.glob("libmkl_rt.so*"))
    assert numbered and "libmkl_rt.so" not in numbered  # the wheel ships the numbered file alone
    failed = _run(mkl.pip_lib)  # its folder on the loader's path, and still not found: the name is the cause
    assert failed.returncode != 0 and "mkl_rt not found." in failed.stderr
    # Debian's 2020.4 has the plain name: the same search finds it
    debian = mkl.debian_lib(mkl.debian_shared)
    assert "libmkl_rt.so" in _run(debian).stdout
    findings = explain(logparse.parse_bytes(failed.stderr.encode()), [])
    assert [f.id for f in findings] == ["mkl-rt-name-not-found"], [(f.id, f.title) for f in findings]
    (finding,) = findings
    assert finding.severity == "error"
    text = "\n".join(finding.evidence)
    for name in numbered:  # the names it lists are the wheel's real file names, derived from the export table
        assert name in text
    assert "mkl-devel" in "\n".join(finding.fix)


def test_the_names_per_system_follow_the_export_tables_sonames():
    windows = [f.file for f in platforms.file_names("mkl_rt", "windows")]
    linux = [f.file for f in platforms.file_names("libmkl_rt.so", "linux")]
    assert windows[:3] == ["mkl_rt.dll", "mkl_rt.1.dll", "mkl_rt.2.dll"]
    assert [n.replace("libmkl_rt.so", "mkl_rt").rstrip(".") for n in linux] == [w.removesuffix(".dll") for w in windows]
    macos = platforms.file_names("mkl_rt", "macos")
    assert macos[-1].file == "libmkl_rt.2.dylib" and all(platforms.supported("macos-x86_64", r) for f in macos for r in f.releases)
    assert [f.file for f in platforms.file_names("mkl_core.2.dll", "windows")][1] == "mkl_core.1.dll"
    assert platforms.file_names("libfoo.so", "linux") == ()


def test_a_windows_program_that_asks_for_the_name_of_2020():
    """haasad/PyPardiso#12: ctypes asked for mkl_rt.dll; MKL 2021.2 on Windows ships mkl_rt.1.dll."""
    log = ("FileNotFoundError: Could not find module 'mkl_rt.dll' (or one of its dependencies). Try using the full path "
           "with constructor syntax.\n")
    (finding,) = explain(logparse.parse_bytes(log.encode()), [])
    assert finding.id == "windows-library-not-loaded"
    assert "mkl_rt.1.dll" in "\n".join(finding.evidence) and "mkl_rt.dll is the name of MKL up to" in "\n".join(finding.evidence)
    assert not any("LD_LIBRARY_PATH" in line for line in finding.fix)


def test_macos_has_no_lib_intel64_and_no_mkl_after_2023():
    """A macOS log that names MKL's Linux folder, and Julia's MKL_jll without a library for the platform (JuliaLang/julia
    #18167, JuliaSparse/Pardiso.jl#93: reports, macOS cannot be run here)."""
    log = ("ERROR: could not load library \"/opt/intel/mkl/lib/intel64/libmkl_rt.dylib\"\n"
           "dlopen(/opt/intel/mkl/lib/intel64/libmkl_rt.dylib, 1): image not found\n")
    findings = explain(logparse.parse_bytes(log.encode()), [])
    assert [f.id for f in findings] == ["macos-library-not-loaded"], [(f.id, f.title) for f in findings]
    assert "its libraries are in /opt/intel/mkl/lib" in "\n".join(findings[0].evidence)
    assert findings[0].fix[0].startswith("point the build's library folder")
    pardiso = ("julia> using Pardiso\nERROR: InitError: UndefVarError: `libmkl_rt_path` not defined\nStacktrace:\n [1] __init__()\n"
               "   @ Pardiso ~/.julia/packages/Pardiso/rrIt7/src/Pardiso.jl:113\n")
    (finding,) = explain(logparse.parse_bytes(pardiso.encode()), [])
    assert finding.id == "mkl-not-for-this-platform" and finding.severity == "error"
    assert f"macOS up to {platforms.last_release('macos')}" in finding.title
    assert any("MKL_jll@" + platforms.last_release("macos").split(".")[0] in line for line in finding.fix)
