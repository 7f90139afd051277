"""Blind set 193's misses (tests/data/explain_corpus/blind193.json, scored with the other sets in test_explain_blind173):
Julia's artifacts (7z that an app of PackageCompiler's could not run, a lazy artifact without LazyArtifacts, a folder left
empty) and CpuId asked on ARM, a site.cfg of Windows in a source package, a conda environment without LLVM's OpenMP, a
static OpenMP runtime in a MEX file, a wheel whose run path is its CI runner's, a release only conda has, Intel's GPU
repository's key, oneAPI's packages that apt does not have (produced with apt-get), and a bash script given to sh
(produced with dash)."""

from __future__ import annotations

import shutil

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

ENTRIES = blindset.entries(193)


def test_julias_artifacts_and_cpu_checks():
    """MKL.jl#137 (partly: registry and proxy fixes, the 7z line unrecognised), BinaryBuilder.jl#982 and LinearSolve.jl#519
    (unrecognised), MKL.jl#116 (partly: oneAPI's folders for a DLL in a Julia artifact's folder)."""
    app = only_error(blindset.log_of(ENTRIES, "packagecompiler-7z"))
    assert app.id == "julia-artifact-not-installed" and "7z" in app.title, flat(app)
    assert "include_lazy_artifacts=true" in app.fix[0] and not any("Registry.update" in f for f in app.fix), app.fix
    lazy = only_error(blindset.log_of(ENTRIES, "needs-lazyartifacts"))
    assert lazy.id == "julia-lazy-artifact-unloadable" and "MKL_jll" in lazy.title, flat(lazy)
    assert 'Pkg.update("MKL_jll")' in lazy.fix[0], lazy.fix
    cpuid = only_error(blindset.log_of(ENTRIES, "linearsolve-cpuid"))
    assert cpuid.id == "julia-cpuid-on-other-cpu" and cpuid.title.startswith("LinearSolve asked"), flat(cpuid)
    empty = only_error(blindset.log_of(ENTRIES, "empty-artifact"))
    assert empty.id == "windows-library-not-loaded" and "remove that folder" in empty.fix[0], empty.fix
    assert "8df07b3fe49ae4f0ba1c82b15a9e95e837110165" in empty.fix[0], empty.fix
    # a DLL of oneAPI's own folders: no word of artifacts
    other = only_error("OSError: [WinError 126] Could not find module 'C:\\oneapi\\mkl\\latest\\bin\\mkl_core.2.dll'\n")
    assert not any("artifact" in line for line in other.fix), other.fix


def test_a_site_cfg_written_for_windows_in_a_source_package():
    """numexpr#340 (unrecognised: the traceback's header alone): numexpr 2.6.9's sdist carried a site.cfg of Windows MKL
    folders, read by numpy.distutils on macOS. The same warning with folders of the machine's own kind is no such finding."""
    finding = only_error(blindset.log_of(ENTRIES, "numexpr-sdist-sitecfg"))
    assert finding.id == "site-cfg-of-another-machine", flat(finding)
    assert "site.cfg" in finding.fix[0] and "#12360" in finding.fix[1], finding.fix
    own = ("/usr/lib/python3/dist-packages/numpy/distutils/system_info.py:773: UserWarning: Specified path /opt/intel/mkl/lib "
           "is invalid.\n  return self.get_paths(self.section, key)\n")
    assert "site-cfg-of-another-machine" not in [f.id for f in errors_of(own)]


def test_openmp_runtimes_of_packages():
    """pangeo-pyinterp#4 (partly: apt's libomp5 for a conda environment), mmc#89 (partly: libomp.a not read, MATLAB's exit
    unrecognised), treelite#678 (partly: the runner's folder in dyld's list not read), xgboost#5586 (partly: XGBoost's own
    line unrecognised)."""
    conda = only_error(blindset.log_of(ENTRIES, "pyinterp"))
    assert conda.id == "loader-cannot-find" and any("conda install -c conda-forge llvm-openmp" in f for f in conda.fix), conda.fix
    static = only_error(blindset.log_of(ENTRIES, "mmclab"))
    assert static.id == "openmp-duplicate" and any("static archive" in e for e in static.evidence), flat(static)
    assert static.fix[0].startswith("link the module that carries libomp.a"), static.fix
    assert any("MATLAB is exiting" in e and "consequence" in e for e in static.evidence), static.evidence
    runner = only_error(blindset.log_of(ENTRIES, "treelite"))
    assert any("CI runner's" in e and "LC_RPATH" in e for e in runner.evidence), runner.evidence
    assert "DYLD_FALLBACK_LIBRARY_PATH" in runner.fix[0], runner.fix
    # CircleCI's home in place of GitHub's: the same reading; a user's own home: not a runner's
    said = blindset.log_of(ENTRIES, "treelite")
    circle = only_error(said.replace("/Users/runner/", "/Users/distiller/"))
    assert "DYLD_FALLBACK_LIBRARY_PATH" in circle.fix[0], circle.fix
    own = only_error(said.replace("/Users/runner/", "/Users/ana/"))
    assert not any("CI runner's" in e for e in own.evidence), own.evidence
    xgb = only_error(blindset.log_of(ENTRIES, "xgboost-mac-wheel"))
    assert xgb.fix[0].startswith("brew install libomp"), xgb.fix


def test_a_release_only_condas_channels_have():
    """Spoken-Keyword-Spotting#5 (wrong: ARM and Apple silicon first): mkl-fft==1.0.15 from a conda environment's export."""
    finding = only_error(blindset.log_of(ENTRIES, "mkl-fft-pin-conda-only"))
    assert "conda's channels have" in finding.title, flat(finding)
    assert finding.fix[0].startswith("python3 -m pip index versions mkl-fft"), finding.fix
    assert "conda install mkl-fft==1.0.15" in finding.fix[0], finding.fix


def test_intels_gpu_repository_key():
    """intel/oneapi-containers#71 (unrecognised): NO_PUBKEY of Intel's GPU driver repository in hpckit's image, its host
    replaced in the corpus; its suite says whose it is. Another repository's key stays no rule's."""
    finding = only_error(blindset.log_of(ENTRIES, "stale-gpu-repo-key"))
    assert finding.id == "intel-apt-key-rejected" and "GPU driver repository" in finding.title, flat(finding)
    assert any("intel-graphics.key" in f for f in finding.fix), finding.fix
    other = ("W: GPG error: http://ppa.example/ubuntu jammy InRelease: The following signatures couldn't be verified because "
             "the public key is not available: NO_PUBKEY 28DA432DAAC8BAEA\n")
    assert "intel-apt-key-rejected" not in [f.id for f in errors_of(other)]


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")
def test_oneapis_toolkits_that_apt_does_not_have(tmp_path):
    """intel/oneapi-containers#54 (unrecognised, four lines): intel-basekit and the GPU repository's packages, on an arm64
    machine. Produced with the real apt-get (empty package lists of its own); the finding names both readings."""
    for folder in ("lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "sources.list").write_text("")
    _, log = run(["apt-get", "-s", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                  "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}",
                  "-o", "Debug::NoLocking=1", "install", "intel-basekit", "level-zero"], tmp_path, clean_env(LANG="C"))
    assert "E: Unable to locate package intel-basekit" in log, log
    for said in (log, blindset.log_of(ENTRIES, "docker-build-on-arm64")):
        finding = only_error(said)
        assert finding.id == "mkl-package-not-in-sources" and "not amd64" in finding.title, flat(finding)
        assert any("dpkg --print-architecture" in f for f in finding.fix), finding.fix
    # the GPU repository's package alone is no MKL question: unrecognised, never silent
    assert [f.id for f in errors_of("E: Unable to locate package level-zero\n")] == ["unrecognised-failure"]


@pytest.mark.skipif(shutil.which("dash") is None, reason="needs dash")
def test_a_bash_script_given_to_sh(tmp_path):
    """kaldi#4784 (silent): 'sh install_mkl.sh' on a Red Hat machine, bash in POSIX mode refusing process substitution.
    Produced with dash (Debian's sh) on a script of the same line; and bash on the script with Windows' line ends."""
    script = tmp_path / "install_mkl.sh"
    script.write_text("#!/usr/bin/env bash\necho 'install_mkl.sh: Your system is using debian-style package management.'\n"
                      "IFS=' .' builtin read _ apt_maj apt_min _ < <(echo apt 2.6.1)\n")
    _, log = run(["dash", "-c", "echo '$ sh install_mkl.sh'; dash install_mkl.sh"], tmp_path, clean_env())
    assert "Syntax error" in log, log
    for said in (log, blindset.log_of(ENTRIES, "run-with-sh-not-bash")):
        finding = only_error(said)
        assert finding.id == "script-run-by-sh" and finding.fix[0].startswith("run it as the program it is: ./install_mkl.sh")
    crlf = tmp_path / "setenv.sh"
    crlf.write_bytes(b"#!/bin/bash\r\n\r\nexport MKLROOT=/opt/intel/oneapi/mkl/latest\r\n")
    _, log = run(["bash", str(crlf)], tmp_path, clean_env())
    assert "$'\\r': command not found" in log, log
    finding = only_error(log)
    assert finding.id == "script-windows-line-ends" and "dos2unix" in finding.fix[0], flat(finding)
    # a syntax error of bash's with no sign of either: unrecognised, never silent
    assert [f.id for f in errors_of("build.sh: line 3: syntax error near unexpected token `fi'\n")] == ["unrecognised-failure"]
