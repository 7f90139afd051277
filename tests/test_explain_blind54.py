"""The classes of the fifty-fourth blind set (tests/data/explain_corpus/blind54.json): MKL's 32-bit interface layer asked
for by name (produced here with the real linker against the pinned MKL; link.exe's LNK1104 from OpenFAST#2688), Windows'
status codes as a process's decimal exit code (PyInstaller's bootloader, a CI runner), Spack's library list of a static-only
MKL, and a frozen program whose package's compiled core did not import (a non-frozen import error produced with Python)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, failed, flat, run

ENTRIES = blindset.entries(54)


def test_the_32_bit_interface_layer_on_a_linux_link(tmp_path, mkl):
    """ld's own words for -lmkl_intel beside the pinned MKL's 64-bit layers: no folder has it, so no -L is offered."""
    (tmp_path / "x.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")
    log = failed(["gcc", "x.c", f"-L{mkl.pip_lib}", "-lmkl_intel", "-lmkl_sequential", "-lmkl_core"], tmp_path, clean_env())
    assert "cannot find -lmkl_intel" in log, log
    [finding] = errors_of(log)
    assert finding.id == "library-not-found" and "32-bit x86" in finding.title, flat(finding)
    assert "-lmkl_intel_lp64" in finding.fix[0] and "2024.2" in flat(finding), flat(finding)
    assert not any(line.startswith(("put ", "give its folder")) for line in finding.fix), finding.fix
    # the 64-bit name it stands for links
    rc, out = run(["gcc", "x.c", f"-L{mkl.pip_lib}", "-lmkl_intel_lp64", "-lmkl_sequential", "-lmkl_core",
                   f"-Wl,-rpath,{mkl.pip_lib}"], tmp_path, clean_env())
    assert rc == 0, out


def test_the_32_bit_interface_layer_on_link_exe():
    """OpenFAST#2688: a Win32 build with oneAPI 2025, which has no 32-bit libraries: the fix is not a folder."""
    [finding] = errors_of(ENTRIES["windows-openfast-lnk1104-mkl_intel_c-32bit-oneapi2025-2688"]["log"])
    assert finding.id == "msvc-library-not-found" and "32-bit x86" in finding.title, flat(finding)
    assert "2025.0" in flat(finding) and "mkl_intel_lp64.lib" in finding.fix[0]
    assert not any("/LIBPATH" in line for line in finding.fix), finding.fix
    [other] = errors_of("LINK : fatal error LNK1181: cannot open input file 'mkl_intel_lp64.lib'\n")
    assert "32-bit" not in other.title and any("/LIBPATH" in line for line in other.fix)


@pytest.mark.parametrize("line, finding_id, code", [
    ("Back to parent (RC: -1066598274)", "windows-delayload-failed", "0xC06D007E"),  # pyinstaller#5413
    ("Process finished with exit code -1066598273", "windows-delayload-failed", "0xC06D007F"),
    ("The process 'C:\\hostedtoolcache\\python.exe' failed with exit code 3228369022", "windows-delayload-failed", "0xC06D007E"),
    ("[4521] Back to parent (RC: -1073741515)", "windows-library-not-loaded", "0xC0000135"),
    ("Error: Process completed with exit code 3221225781.", "windows-library-not-loaded", "0xC0000135"),
])
def test_windows_status_codes_in_decimal(line, finding_id, code):
    [finding] = errors_of(line + "\n")
    assert finding.id == finding_id and code in finding.title, flat(finding)


def test_pyinstallers_bootloader_code_says_the_bundle():
    [finding] = errors_of(ENTRIES["pyrt-pyinstaller-conda-missing-libiomp5md-silent-crash-rc-pyinstaller-5413"]["log"])
    assert finding.id == "windows-delayload-failed" and "--add-binary" in finding.fix[0], flat(finding)
    # a number that only looks like one is no code
    assert not errors_of("processed 1066598274 rows\nexit code 106659827\n")


def test_a_ci_runners_echo_of_the_status_names_the_program_once():
    """intel-mkl-src's CI (blind set 20): cargo's STATUS_DLL_NOT_FOUND for the test program, then the runner's own line
    with the same status in decimal; one program in the title."""
    entries = json.loads((Path(__file__).parent / "data/explain_corpus/blind20.json").read_text())["entries"]
    [log] = [e["log"] for e in entries if e["id"] == "windows-intel-mkl-sys-iomp-status-dll-not-found-48"]
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded" and finding.title.count("intel_mkl_sys-") == 1, finding.title


def test_spacks_library_list_of_a_static_only_mkl():
    [finding] = errors_of(ENTRIES["cmake-spack-static-oneapi-mkl-liblist-no-joined-armadillo-spack-41803"]["log"])
    assert finding.id == "tool-mkl-code-crashed" and finding.fix[0].startswith("build MKL with its shared libraries"), flat(finding)
    assert "intel-oneapi-mkl+shared" in finding.fix[0]


def test_a_frozen_programs_compiled_core_that_did_not_import():
    """pyinstaller#9222: Anaconda's torch frozen without the MKL DLLs of its conda packages; PyInstaller's own line after
    the traceback is that failure's echo, not a second unrecognised error."""
    findings = errors_of(ENTRIES["win-pyinstaller-anaconda-torch-mkl-dlls-not-collected-silent-exit-pyinstaller-9222"]["log"])
    assert [f.id for f in findings] == ["frozen-extension-missing"], [(f.id, f.title) for f in findings]
    assert "torch._C" in findings[0].title and "pyinstaller-hooks-contrib" in findings[0].fix[0]
    assert any("Failed to execute script" in line and "consequence" in line for line in findings[0].evidence)


def test_the_same_import_error_outside_a_frozen_program_is_not_the_bundlers(tmp_path):
    """Python's own words for a package whose compiled core is missing, run by the real interpreter: no bundler's frame,
    so the bundler's rule does not claim it (and the log is never called clean)."""
    package = tmp_path / "fakepkg"
    package.mkdir()
    (package / "__init__.py").write_text("import fakepkg._C\n")
    log = failed([sys.executable, "-c", "import fakepkg"], tmp_path, clean_env(PYTHONPATH=str(tmp_path)))
    assert "ModuleNotFoundError: No module named 'fakepkg._C'" in log, log
    findings = errors_of(log)
    assert findings and "frozen-extension-missing" not in {f.id for f in findings}, [(f.id, f.title) for f in findings]


def test_the_64_bit_layer_in_place_of_the_32_bit_one_is_proven(tmp_path, mkl):
    """A build log's own link line with -lmkl_intel against Debian's 2020.4 libraries (the pinned fixture): read here, the
    line with -lmkl_intel_lp64 in its place is run and links."""
    import shlex

    from tests.test_fixcheck import explain, gcc

    (tmp_path / "x.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")
    assert gcc(["-c", "x.c", "-o", "x.o"], tmp_path).returncode == 0
    lib = mkl.debian_lib(mkl.debian_shared)
    args = [str(tmp_path / "x.o"), "-o", "x", f"-L{lib}", "-lmkl_intel", "-lmkl_sequential", "-lmkl_core", "-lpthread", "-lm", "-ldl"]
    failed = gcc(args, tmp_path)
    assert failed.returncode != 0 and "cannot find -lmkl_intel" in failed.stderr, failed.stderr
    log = tmp_path / "build.log"
    log.write_text(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    [said] = [f for f in explain(log, "--no-scan")["findings"] if f["id"] == "library-not-found"]
    assert "32-bit x86" in said["title"]
    assert any(e.startswith("proven here:") and "-lmkl_intel_lp64 in place of -lmkl_intel" in e and e.endswith(" links")
               for e in said["evidence"]), said["evidence"]
