"""Blind set 192's misses (tests/data/explain_corpus/blind192.json, scored with the other sets in test_explain_blind173):
exceptions raised in the code of the packages around MKL (mkl_fft, mkl_random, mklfft, a freezer's numpy hook), apt's
refusal of another source before Kaldi's install_mkl.sh (produced with the real apt-get), a program of the distribution
that lacks a library, Julia's REPL showing a plan, Eigen's PARDISO header, an old MKL's domain names (produced with g++
and the pinned headers), Spack's load without dependencies, and R's system.time() of a product run on one thread."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mkldoctor.explain import lines
from tests import blindset
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

ENTRIES = blindset.entries(192)


@pytest.mark.parametrize("fragment, package", [("rfftn-axes-broadcast-37", "mkl_fft"), ("rfftn-ortho-indexerror-18", "mkl_fft"),
                                               ("invalid-axis-15378", "mkl_fft"), ("nonnative-endian-typeerror-74", "mkl_fft"),
                                               ("rdrand-assert-14", "mkl_random"), ("mklfft2-numpy-import-cffti-261", "mklfft"),
                                               ("cx_freeze-numpy-hook", "cx_Freeze")])
def test_an_exception_in_the_code_of_a_package_around_mkl(fragment, package):
    """Six were 'unrecognised' and one (anaconda-issues#261, whose paste lost the traceback's indent) the traceback's header
    alone: the exception is the package's own, after its frame (IPython's listing of five source lines between them in
    mkl_fft#18), and the way to tell is the plain code path, the fix a release of the package."""
    finding = only_error(blindset.log_of(ENTRIES, fragment))
    assert finding.id == "package-code-raised" and package in finding.title, flat(finding)
    assert any(f"{package}'s" in line for line in finding.evidence), finding.evidence
    if package == "mkl_fft":
        assert any("numpy.fft.restore_all()" in line or "set_backend('scipy')" in line for line in finding.fix), finding.fix
    if package == "mkl_random":
        assert finding.fix[0].startswith("grep -c rdrand /proc/cpuinfo"), finding.fix
    if package == "mklfft":
        assert "another numpy" in finding.title, flat(finding)


def test_a_frame_of_another_package_after_mkl_fft_is_not_mkl_ffts():
    """The exception belongs to the last frame of code other than numpy's: the program's own frame after mkl_fft's keeps
    it the program's, and DFTI's own status stays the DFT family's."""
    head = ('Traceback (most recent call last):\n'
            '  File "/e/lib/python3.9/site-packages/mkl_fft/_numpy_fft.py", line 160, in fft\n'
            "    output = mkl_fft.fft(x, n, axis)\n")
    mine = head + '  File "/home/u/run.py", line 3, in post\n    return y[9]\nIndexError: index 9 is out of bounds\n'
    assert "package-code-raised" not in [f.id for f in errors_of(mine)], [(f.id, f.title) for f in errors_of(mine)]
    dfti = head + "ValueError: Internal error occurred: b'Intel MKL DFTI ERROR: Inconsistent configuration parameters'\n"
    assert only_error(dfti).id == "mkl-dfti-error"
    # numpy's own frame and <__array_function__ internals> under mkl_fft's: still mkl_fft's
    under = head + "  File \"/e/lib/python3.9/site-packages/numpy/core/_asarray.py\", line 2, in asarray\n" \
                   "TypeError: Cannot cast array data\n"
    assert only_error(under).id == "package-code-raised"
    # mkl_random's assertion after MKL's own word on the parameter it refused: that word's consequence (mkl_random#15)
    refused = blindset.findings(blindset.log_of(blindset.entries(51), "virnggeometric-param5"))
    assert [f.id for f in refused if f.severity == "error"] == ["mkl-parameter-error"], [(f.id, f.title) for f in refused]


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")
def test_apts_refusal_of_a_source_without_a_release_file(tmp_path):
    """kaldi#4036 and #4298: a dead PPA in the machine's sources, so apt-get update fails before install_mkl.sh installs
    anything. Produced with the real apt-get (a source list and package lists of its own; a local source without a Release
    file, which apt refuses with the same words as a PPA gone from its host)."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "sources.list").write_text(f"deb file:{tmp_path / 'repo'} stable main\n")
    for folder in ("lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True)
    _, log = run(["apt-get", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                  "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}",
                  "-o", "Debug::NoLocking=1", "update"], tmp_path, clean_env())
    assert "does not have a Release file" in log, log
    finding = only_error(log)
    assert finding.id == "apt-source-gone" and "no Release file" in finding.title, flat(finding)
    assert "sources.list" in finding.fix[0], finding.fix
    for fragment in ("stale-ppa-breaks-install-mkl-4298", "dead-ppa-no-release-file-4036"):
        said = only_error(blindset.log_of(ENTRIES, fragment))
        assert said.id == "apt-source-gone" and any("installation FAILED" in e for e in said.evidence), flat(said)


def test_a_program_of_the_distribution_without_its_library():
    """kaldi#3350: apt's https method could not start (librtmp.so.1 missing), so apt's fetch of Intel's repository failed
    after it. The fix said the library comes 'with the project that bundles it'; it is the distribution's package, and
    the failed fetch is the method's consequence, not an unrecognised error of its own."""
    finding = only_error(blindset.log_of(ENTRIES, "librtmp-3350"))
    assert finding.id == "loader-cannot-find" and "librtmp.so.1" in finding.title, flat(finding)
    assert any("program of the distribution itself" in line and "--reinstall" in line for line in finding.fix), finding.fix
    assert not any("bundles it" in line for line in finding.fix), finding.fix
    assert any("Failed to fetch" in line and "consequence" in line for line in finding.evidence), finding.evidence


def test_julias_repl_showing_a_plan_of_mkls_fftw():
    """Julia Discourse 4284: Julia 0.5 built with MKL as its FFTW; plan_fft worked and only the REPL's display of the plan
    called fftw_sprint_plan, which that MKL lacked (the table's MKL from 2019.0 exports it)."""
    finding = only_error(blindset.log_of(ENTRIES, "fftw-sprint-plan"))
    assert finding.id == "mkl-name-missing" and "older than the table's releases" in finding.title, flat(finding)
    assert finding.fix[0].startswith("end the line with ;"), finding.fix
    assert any("Error showing value" in line for line in finding.evidence), finding.evidence
    # a library not MKL's: not this finding's
    assert "mkl-name-missing" not in [f.id for f in errors_of("ERROR: ccall: could not find function foo in library libbar\n")]


def test_eigens_pardiso_header_that_does_not_compile():
    """libeigen/eigen#1629: g++'s 'incompatible types in assignment' at PardisoSupport.h:126, its place on a line of its
    own and 'error:' cut by the paste; nothing was said."""
    finding = only_error(blindset.log_of(ENTRIES, "pardisosupport-m-pt"))
    assert finding.id == "eigen-mkl-glue-error" and "PardisoSupport.h" in finding.title, flat(finding)
    assert any("#1629" in line for line in finding.evidence) and any("SparseLU" in line for line in finding.fix), flat(finding)
    # the words alone, no place: an error said, never silent
    assert [f.id for f in errors_of("incompatible types in assignment of 'int' to 'void*[]'\n")] == ["unrecognised-failure"]


def test_an_old_mkls_domain_name(tmp_path, mkl):
    """IT++'s bug 258: MKL_FFT, an old MKL's name of the FFT domain, against the headers of 2019 on. Produced with gcc and
    the pinned headers (neither 2020.4's nor 2026's defines it); MKL_DOMAIN_FFT compiles."""
    import json

    from typer.testing import CliRunner

    from mkldoctor.cli import app

    include = mkl.pip / "include"
    for header in (include / "mkl_types.h", mkl.debian_shared / "usr/include/mkl/mkl_types.h"):
        text = header.read_text()
        assert "#define MKL_DOMAIN_FFT" in text and "MKL_FFT " not in text, header
    source = "#include <mkl.h>\nint main(void) { return mkl_domain_set_num_threads(1, MKL_FFT); }\n"
    (tmp_path / "d.c").write_text(source)
    line = ["gcc", "-c", str(tmp_path / "d.c"), f"-I{include}", "-o", str(tmp_path / "d.o")]
    document = json.loads(CliRunner().invoke(app, ["explain", "--format", "json", "--no-scan", "--", *line]).stdout)
    [said] = [f for f in document["findings"] if f["severity"] == "error"]
    assert said["id"] == "mkl-api-changed" and said["title"].endswith("MKL_DOMAIN_FFT is its name"), said
    assert said["fix"] == ["replace MKL_FFT with MKL_DOMAIN_FFT in the code"], said["fix"]
    (tmp_path / "d.c").write_text(source.replace("MKL_FFT", "MKL_DOMAIN_FFT"))
    assert subprocess.run(line).returncode == 0
    # the IT++ report's icpc words read alike
    assert "MKL_DOMAIN_FFT" in only_error(blindset.log_of(ENTRIES, "itpp")).title


def test_spack_load_without_the_dependencies():
    """pFIRE#59: 'spack load pfire@0.5.0' then the loader without libmkl_intel_lp64.so: Spack before 0.15 loaded the
    package's own module alone; spack load --dependencies was the fix. A load that asked for them adds nothing."""
    finding = only_error(blindset.log_of(ENTRIES, "pfire"))
    assert finding.id == "loader-cannot-find", flat(finding)
    assert finding.fix[0].startswith("spack load --dependencies pfire@0.5.0"), finding.fix
    asked = blindset.log_of(ENTRIES, "pfire").replace("spack load pfire", "spack load --dependencies pfire")
    assert not only_error(asked).fix[0].startswith("spack load"), only_error(asked).fix


def test_rs_system_time_of_a_product_on_one_thread():
    """easybuild-easyblocks#202: R on MKL's sequential layer; system.time(m %*% m) said user 1.780 s in 1.822 s elapsed,
    and nothing was said (its first number was also taken for BuildKit's seconds and cut off)."""
    log = blindset.log_of(ENTRIES, "easybuild-r-mkl-sequential")
    assert "1.780  0.010  1.822" in list(lines.logical_lines(__import__("io").BytesIO(log.encode()), None))
    [finding] = blindset.findings(log)
    assert finding.id == "r-blas-one-thread" and finding.severity == "warning", flat(finding)
    assert any("LIBBLAS_MT" in line for line in finding.fix), finding.fix
    # a threaded BLAS: user time well above elapsed, nothing to say
    threaded = log.replace("1.780  0.010  1.822", "2.300  0.100  0.346")
    assert not blindset.findings(threaded)
