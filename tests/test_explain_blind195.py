"""Blind set 195's misses (tests/data/explain_corpus/blind195.json, scored with the other sets in test_explain_blind173):
NMath's kernel assembly under .NET 4 (silent: NUnit's spelling of an exception), pyMKL's unassigned handle of libmkl_rt
(produced with Python's ctypes), pip with no mkl-service for the Python it runs and pip that cannot remove a
distutils-installed TBB (both produced with the real pip, offline, from wheels made in the test), and a conda environment
file exported with another platform's builds."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, failed, flat, only_error

ENTRIES = blindset.entries(195)


def test_nmaths_kernel_under_dotnet_4():
    """CenterSpace's post on NMath in .NET 4.0 applications (silent): NUnit's 'X : message' and '----> Inner : ...' lines."""
    finding = only_error(blindset.log_of(ENTRIES, "nmath-dotnet4"))
    assert finding.id == "dotnet-kernel-not-loaded" and "NMath's kernel assembly" in finding.title, flat(finding)
    assert "useLegacyV2RuntimeActivationPolicy=\"true\"" in finding.fix[0] and "NMathKernelx86" in finding.fix[1], finding.fix
    mixed = ("Unhandled Exception: System.IO.FileLoadException: Mixed mode assembly is built against version 'v2.0.50727' of "
             "the runtime and cannot be loaded in the 4.0 runtime without additional configuration information.\n")
    finding = only_error(mixed)
    assert finding.id == "dotnet-kernel-not-loaded" and "built for .NET 2.0's runtime" in finding.title, flat(finding)
    assert len(finding.fix) == 1, finding.fix  # the runtime said so: not the kernel's bitness
    # another library's exception in NUnit's spelling: said, not explained, never silent
    other = "System.TypeInitializationException : The type initializer for 'Acme.Grid' threw an exception.\n"
    assert [f.id for f in errors_of(other)] == ["unrecognised-failure"]


def test_a_wrappers_handle_of_libmkl_rt_never_assigned(tmp_path):
    """fdfdpy#18 (wrong: 'a bug of the tool, not a missing MKL'): pyMKL's loadMKL caught ctypes' OSError and returned the
    handle it never assigned. Produced with this Python (3.11's words: 'cannot access local variable')."""
    (tmp_path / "loadmkl.py").write_text(
        "import ctypes\n\ndef _loadMKL():\n    try:\n        MKLlib = ctypes.CDLL('libmkl_rt.so.999')\n"
        "    except OSError:\n        pass\n    return MKLlib\n\n_loadMKL()\n")
    produced = failed([sys.executable, "loadmkl.py"], tmp_path)
    assert "UnboundLocalError" in produced and "MKLlib" in produced, produced
    for log in (produced, blindset.log_of(ENTRIES, "pymkl-mkllib")):
        finding = only_error(log)
        assert finding.id == "mkl-library-not-loaded-by-code" and "MKLlib" in finding.title, flat(finding)
        assert "conda install mkl" in finding.fix[0] and "ctypes.CDLL('libmkl_rt.so')" in finding.confirm[0], flat(finding)
    # a handle of another name: the tool's own bug, as before
    other = produced.replace("MKLlib", "result")
    assert "mkl-library-not-loaded-by-code" not in [f.id for f in errors_of(other)]


def _wheel(folder: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A pure-Python wheel of the name and version (its METADATA, WHEEL and RECORD), for pip to resolve offline."""
    info = f"{name}-{version}.dist-info"
    files = {f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                 + "".join(f"Requires-Dist: {r}\n" for r in requires),
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: mkldoctor-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(text)}")
        wheel.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")


def _pip_env() -> dict:
    env = {k: v for k, v in clean_env().items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_pip_without_mkl_service_for_its_python(tmp_path):
    """PyPardiso#24 (unrecognised): pip's resolver names only the releases that depend on mkl-service, which had no wheel
    for Python 3.9. Produced offline: two releases of a package that needs mkl-service, and no mkl-service."""
    for version in ("0.1", "0.2"):
        _wheel(tmp_path, "needsmkl", version, ("mkl-service",))
    produced = failed([sys.executable, "-m", "pip", "download", "--no-index", "--find-links", str(tmp_path), "-d",
                       str(tmp_path / "out"), "needsmkl"], tmp_path, _pip_env())
    assert "needsmkl 0.2 depends on mkl-service" in produced, produced
    finding = only_error(produced)
    assert finding.id == "mkl-package-unavailable" and "for this Python" in finding.title, flat(finding)
    assert any("release of needsmkl that no longer depends on mkl-service" in f for f in finding.fix), finding.fix
    said = only_error(blindset.log_of(ENTRIES, "no-py39-wheel"))
    assert "mkl-service it can install for Python 3.9" in said.title, flat(said)
    assert "pip downloaded a wheel tagged manylinux1_x86_64, the platform of Linux on x86-64" in said.evidence
    # the same list naming another package: not MKL's, said as before
    assert "mkl-package-unavailable" not in [f.id for f in errors_of(produced.replace("mkl-service", "pyqt5"))]


def test_pip_cannot_remove_a_distutils_tbb(tmp_path):
    """neural-amp-modeler#403 (unrecognised): Anaconda's base had TBB 0.2 installed by distutils where mkl's wheel wanted
    tbb 2021. Produced with the real pip in an environment of the test's own, offline."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "env")], check=True)
    python = tmp_path / "env" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "TBB-0.2-py3.11.egg-info").write_text("Metadata-Version: 1.0\nName: TBB\nVersion: 0.2\n")  # distutils'
    _wheel(tmp_path, "tbb", "2021.13.1")
    produced = failed([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index", "--find-links",
                       str(tmp_path), "tbb==2021.*"], tmp_path, _pip_env())
    assert "distutils installed project" in produced, produced
    for log in (produced, blindset.log_of(ENTRIES, "tbb-distutils")):
        finding = only_error(log)
        assert finding.id == "pip-cannot-replace-package" and "TBB" in finding.title, flat(finding)
        assert "Found existing installation: TBB 0.2" in finding.evidence, finding.evidence
        assert "environment of its own" in finding.fix[0] and "--ignore-installed tbb" in finding.fix[1], finding.fix
    other = [f.id for f in errors_of(produced.replace("TBB", "PyYAML"))]  # another package's: said, not read as MKL's
    assert "unrecognised-failure" in other and "pip-cannot-replace-package" not in other, other


def test_an_environment_file_with_another_platforms_builds():
    """Football_Player_Recognition#1 (partly: the builds said, not taken off): the first fix drops the build strings."""
    finding = only_error(blindset.log_of(ENTRIES, "conda-env-build-strings"))
    assert "the specs pin builds" in finding.title and finding.fix[0].startswith("take the build strings off"), flat(finding)


def test_julias_blas_asked_before_using_mkl_is_no_finding():
    """MKL.jl#63 (right, with a warning as noise): BLAS.vendor() answered :openblas64 before `using MKL`, which then failed
    on MKL_jll's is_available; the answer says nothing of MKL.jl's switch. Asked after `using MKL`, it does."""
    log = blindset.log_of(ENTRIES, "is-available-undefvar")
    assert [f.id for f in blindset.findings(log) if f.severity != "note"] == ["julia-jll-too-old"]
    after = "julia> using MKL\n\njulia> using LinearAlgebra\n\njulia> BLAS.vendor()\n:openblas64\n"
    assert "julia-blas-not-mkl" in [f.id for f in blindset.findings(after)]
