"""The sixty-fifth blind set (tests/data/explain_corpus/blind65.json): texts the rules made after it answer, and the
same shapes produced here with the real tools where they run on Linux."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_families import errors_of, flat, only_error

ENTRIES = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind65.json").read_text())["entries"]}


def _log(fragment: str) -> str:
    [entry] = [e for key, e in ENTRIES.items() if fragment in key]
    return entry["log"]


def test_a_persons_list_of_dlls_a_release_binary_did_not_find():
    """DynAdjust#68: 'Dll not found:' and a bullet per DLL. Microsoft's runtime is its own finding; MKL's layer and oneTBB
    are one, whose first fix is the release the program's import table was built with, not a renamed DLL."""
    findings = {f.id: f for f in errors_of(_log("dynadjust-68"))}
    assert set(findings) == {"windows-msvc-runtime-missing", "windows-library-not-loaded"}, list(findings)
    mkl = findings["windows-library-not-loaded"]
    assert "mkl_tbb_thread.dll, tbb.dll" in mkl.title, flat(mkl)
    assert mkl.fix[0].startswith("the program's own import table asks for mkl_tbb_thread.dll"), flat(mkl)
    # the bullets alone, with no header that says they were not found, are not a failure
    assert errors_of("Files in the zip:\n* mkl_tbb_thread.dll\n* tbb.dll\n") == []


def test_windows_dialog_typeset_and_retyped():
    """NINA's report: the dialog quoted with a typographic apostrophe and the DLL's name one letter off (libiuomp5md.dll)."""
    finding = only_error(_log("nina-nightly-19"))
    assert finding.id == "windows-library-not-loaded" and "libiomp5md.dll could not be loaded" in finding.title, flat(finding)
    assert any("the log spells it libiuomp5md.dll" in line for line in finding.evidence), flat(finding)
    assert finding.fix[0].startswith("libiomp5md.dll is Intel's OpenMP runtime"), flat(finding)
    other = only_error("The program can’t start because zlibwapi.dll is missing from your computer.")
    assert not any("spells it" in line for line in other.evidence), flat(other)  # a name near none of MKL's is left as said


def test_msvc_runtime_names_in_a_gnu_link(tmp_path):
    """WFES2-GUI#60: MinGW linking MKL's MSVC-built libraries leaves /GS's helpers undefined. Produced here: an object
    that calls them as MSVC's generated code does, linked by GNU ld, which finds them nowhere."""
    (tmp_path / "gs.c").write_text("void __security_check_cookie(unsigned long long);\nvoid __GSHandlerCheck(void);\n"
                                   "int main(void) { __security_check_cookie(0); __GSHandlerCheck(); return 0; }\n")
    done = subprocess.run(["gcc", "gs.c", "-o", "gs"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and "undefined reference to `__security_check_cookie'" in done.stderr, done.stderr
    for log in (done.stderr, _log("wfes2-gui-60")):
        finding = only_error(log)
        assert finding.id == "msvc-runtime-names-in-gnu-link" and "__GSHandlerCheck" in finding.title, flat(finding)
        assert finding.fix[0].startswith("build the program with MSVC's toolchain"), flat(finding)
    # "error: undefined reference to" pasted alone: 'error' is not the object that needs the name
    assert "needed by error" not in flat(only_error(_log("wfes2-gui-60")))


def test_two_wheels_that_each_bundle_the_runtime_and_the_link_that_fixes_it(tmp_path, mkl):
    """faster-whisper#541: torch's and ctranslate2's wheels each carry libiomp5, and the report lists the copies with find.
    Produced here with two copies of the MKL wheel's libiomp5.so in two packages' folders; the fix's link, run, ends it."""
    site = tmp_path / "site-packages"
    for package in ("torch/.dylibs", "ctranslate2/.libs"):
        (site / package).mkdir(parents=True)
        shutil.copy(mkl.pip_lib / "libiomp5.so", site / package / "libiomp5.so")
    call = ("import ctypes, sys\nfor f in sys.argv[1:]:\n    ctypes.CDLL(f).omp_get_max_threads()\n")
    copies = [str(site / "torch/.dylibs/libiomp5.so"), str(site / "ctranslate2/.libs/libiomp5.so")]
    done = subprocess.run([sys.executable, "-c", call, *copies], capture_output=True, text=True)
    assert "OMP: Error #15" in done.stderr, done.stderr
    listing = subprocess.run(["find", str(site), "-name", "libiomp5.so"], capture_output=True, text=True, check=True).stdout
    finding = only_error(done.stderr + listing)
    assert finding.id == "openmp-duplicate" and finding.fix[0].startswith("the pip wheels of "), flat(finding)
    assert "torch" in finding.fix[0] and "ctranslate2" in finding.fix[0], flat(finding)
    link = finding.fix[0].split(": ", 2)[2].split(" (again", 1)[0]
    subprocess.run(["bash", "-c", link], check=True)
    again = subprocess.run([sys.executable, "-c", call, *copies], capture_output=True, text=True)
    assert again.returncode == 0 and "OMP: Error" not in again.stderr, again.stderr
    # the report's own macOS listing gives the same line
    assert only_error(_log("faster-whisper-541")).fix[0].startswith("the pip wheels of torch, ctranslate2"), ""


def test_threadpoolctls_warning_offers_conda_s_openblas_switch():
    """mne-installers#199: the installer's environment resolved its BLAS to MKL; PR #201 pinned OpenBLAS."""
    [said] = explain(logparse.parse_bytes(_log("mne-installers-199").encode()), [])
    assert said.id == "openmp-runtimes-mixed", flat(said)
    assert any("libblas=*=*openblas" in line and "pinned" in line for line in said.fix), flat(said)


def test_lapack_refusal_inside_matlabs_python():
    """Algebraic-differentiators' troubleshooting page: 'Python Error:' is MATLAB's; its MKL answered SciPy's DSBEVD."""
    finding = only_error(_log("algebraic-differentiators"))
    assert finding.id == "mkl-parameter-error" and "RTLD_DEEPBIND" in finding.fix[0], flat(finding)
    plain = only_error(_log("algebraic-differentiators").replace("Python Error: ", ""))
    assert "RTLD_DEEPBIND" not in flat(plain), flat(plain)


def test_visual_studios_llvm_runtime_beside_a_bundles_intel_runtime():
    """JamePeng/llama-cpp-python#163: the maintainer's fix removed the other package's extra libiomp5md.dll."""
    finding = only_error(_log("jamepeng-163"))
    assert any(line.startswith("or the other side: find the copies of libiomp5md.dll") for line in finding.fix), flat(finding)
