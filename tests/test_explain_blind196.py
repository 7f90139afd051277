"""Blind set 196's misses (tests/data/explain_corpus/blind196.json, scored with the other sets in test_explain_blind173):
torch 2.4.0's fbgemm.dll without LLVM's OpenMP runtime (a Jupyter error record's escaped path; German Windows with the
path on a line of its own), Bazel's download of MKL-ML answered 400, Intel's compiler without its own runtime (produced
with the loader), and Intel OpenMP's duplicate on Windows from a conda environment not activated."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(196)


def test_torch_240s_fbgemm_without_llvms_openmp():
    """pytorch#131662 (wrong: an environment not activated, MKL's folders) and kohya-ss/sd-scripts#1597 (unrecognised)."""
    for fragment in ("fbgemm-libomp140-missing", "fbgemm-libomp140-german"):
        finding = only_error(blindset.log_of(ENTRIES, fragment))
        assert finding.id == "windows-library-not-loaded", flat(finding)
        assert 'pip install "torch!=2.4.0"' in finding.fix[0] and "libomp140.x86_64.dll" in finding.fix[1], finding.fix
        assert not any("oneAPI" in f or "activate" in f for f in finding.fix), finding.fix
    # the Jupyter record's path, its JSON escapes read: the DLL is named
    assert "fbgemm.dll could not be loaded" in only_error(blindset.log_of(ENTRIES, "libomp140-missing")).title
    # another DLL of torch: torch's own advice, not this release's
    other = ('OSError: [WinError 126] The specified module could not be found. Error loading "C:\\e\\Lib\\site-packages\\'
             'torch\\lib\\shm.dll" or one of its dependencies.\n')
    assert not any("torch!=2.4.0" in f for f in only_error(other).fix)


def test_bazels_download_of_mklml_answered_400():
    """uber/neuropod#140 (unrecognised): Bazel 0.29's requests for GitHub's release files, refused with 400."""
    finding = only_error(blindset.log_of(ENTRIES, "bazel029-mklml"))
    assert finding.id == "mkl-download-failed" and "mklml_mac_2019.0.5.20190502.tgz" in finding.title, flat(finding)
    assert finding.evidence[0].endswith("GET returned 400 Bad Request") and "Bazel 0.28.1" in finding.fix[0], flat(finding)
    gone = ("ERROR: An error occurred during the fetch of repository 'mkl_linux':\n   java.io.IOException: Error downloading "
            "[https://example.invalid/mklml_lnx_2019.0.5.20190502.tgz] to /tmp/x/external/mkl_linux/m.tgz: GET returned 404 "
            "Not Found\n")
    finding = only_error(gone)
    assert finding.id == "mkl-download-failed" and not any("Bazel 0.28.1" in f for f in finding.fix), flat(finding)


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_intels_compiler_without_its_own_runtime(tmp_path):
    """spack-stack#1362 (partly: generic loader fixes): ifort's plugin needs libimf.so, and Spack runs the compiler in a
    cleaned environment. The loader's words produced with a program that needs a libimf.so nowhere on its path."""
    (tmp_path / "imf.c").write_text("int imf_probe(void) { return 1; }\n")
    (tmp_path / "main.c").write_text("int imf_probe(void);\nint main(void) { return imf_probe() - 1; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(tmp_path / "libimf.so"), str(tmp_path / "imf.c")], check=True)
    subprocess.run(["gcc", "-o", str(tmp_path / "plugin"), str(tmp_path / "main.c"), f"-L{tmp_path}", "-limf"], check=True)
    done = subprocess.run([str(tmp_path / "plugin")], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode != 0 and "libimf.so: cannot open shared object file" in done.stderr, done.stderr
    said = "error loading plugin: " + done.stderr.split("error while loading shared libraries: ", 1)[1]
    for log in (said, blindset.log_of(ENTRIES, "ifort-libimf-plugin")):
        finding = only_error(log)
        assert finding.id == "loader-cannot-find" and "Intel's compiler" in finding.evidence[0], flat(finding)
        assert finding.fix[0].startswith("the compiler itself needs libimf.so") and "compilers.yaml" in finding.fix[0]
    program = only_error(done.stderr)  # a program of its own: not the compiler's advice
    assert not program.fix[0].startswith("the compiler itself"), program.fix


def test_intel_openmps_duplicate_from_an_environment_not_activated():
    """deforum-art/stable-diffusion#128 (partly): the asker had not activated the conda environment."""
    finding = only_error(blindset.log_of(ENTRIES, "omp15-env-not-activated"))
    assert finding.id == "openmp-duplicate" and any("without conda activate" in f for f in finding.fix), flat(finding)
