"""The classes of the fifty-fifth blind set (tests/data/explain_corpus/blind55.json), and the fifty-sixth's (PyTensor's
fallback on conda for Windows): link flags passed as one argument
(produced here with gcc and ld against the pinned MKL; older gcc's own words and SCons' echo from GalSim#704), a project's
MKL finder reading a header the MKL it chose lacks (produced with real CMake; opencv#8037), a program's own dynamic
loader's words (Paddle-Lite#9225), the loader's undefined symbol pasted without its spaces, an R package built from
source against another environment's MKL (igraph#477)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tests import blindset
from tests.test_explain_families import clean_env, errors_of, failed, flat, run
from tests.test_explain_pkg_silent import findings_of

ENTRIES = blindset.entries(55)


def test_link_flags_passed_as_one_argument(tmp_path, mkl):
    """The flags are right and the way they are passed is not: the same flags as separate arguments link."""
    (tmp_path / "x.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")
    flags = f"-L{mkl.pip_lib} -l:libmkl_rt.so.3 -Wl,-rpath,{mkl.pip_lib}"  # the wheel has no unversioned link
    log = failed(["gcc", "x.c", " " + flags], tmp_path, clean_env())
    [finding] = errors_of(log)
    assert finding.id == "link-flags-one-argument" and "3 link flags as one argument" in finding.title, flat(finding)
    assert "MKL's link line is right" in finding.title and "Split(" in finding.fix[0]
    rc, out = run(["gcc", "x.c", *flags.split()], tmp_path, clean_env())
    assert rc == 0, out
    # one missing library is ld's ordinary words, not this
    [alone] = errors_of(failed(["gcc", "x.c", "-lmkl_nonesuch"], tmp_path, clean_env()))
    assert alone.id == "library-not-found", flat(alone)


def test_older_gccs_words_for_the_same_and_scons_echo():
    findings = errors_of(ENTRIES["linux-link-leading-space-mkl-link-flags-tmv-scons-galsim-704"]["log"])
    assert [f.id for f in findings] == ["link-flags-one-argument"], [(f.id, f.title) for f in findings]
    assert "g++ took for a file name" in findings[0].title
    assert any("scons: ***" in line and "consequence" in line for line in findings[0].evidence)


FINDER = textwrap.dedent("""\
    function(get_mkl_version VERSION_FILE)
      file(STRINGS ${VERSION_FILE} STR1 REGEX "__INTEL_MKL__")
    endfunction()
    set(MKL_ROOT_DIR "${MKL_ROOT}")
    get_mkl_version(${MKL_ROOT_DIR}/include/mkl_version.h)
""")


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_a_finder_reading_the_version_header_of_an_mkl_without_headers(tmp_path, mkl):
    """opencv#8037's OpenCVFindMKL.cmake, its get_mkl_version step, given the pinned MKL's runtime folder (libraries,
    no include/): CMake's own error in the finder's code."""
    (tmp_path / "cmake").mkdir()
    (tmp_path / "cmake" / "OpenCVFindMKL.cmake").write_text(FINDER)
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p NONE)\n"
                                             "include(cmake/OpenCVFindMKL.cmake)\n")
    runtime_only = tmp_path / "mkl"
    (runtime_only / "lib").mkdir(parents=True)
    (runtime_only / "lib" / "libmkl_rt.so.3").symlink_to(mkl.pip_lib / "libmkl_rt.so.3")
    log = failed(["cmake", "-S", ".", "-B", "b", f"-DMKL_ROOT={runtime_only}"], tmp_path, clean_env())
    assert "cannot be read" in log, log
    [finding] = errors_of(log)
    assert finding.id == "tool-mkl-code-crashed" and "mkl_version.h" in finding.title, flat(finding)
    assert str(runtime_only) in finding.title and "headers included" in finding.fix[0]


def test_a_programs_own_dynamic_loader_words():
    [finding] = errors_of(ENTRIES["linux-loader-dynload-libmklml-intel-not-found-paddle-lite-9225"]["log"])
    assert finding.id == "loader-cannot-find" and "libmklml_intel.so" in finding.title, flat(finding)
    assert any("Check failed" in line and "consequence" in line for line in finding.evidence)


def test_the_loaders_undefined_symbol_without_its_spaces():
    """BERE#2: 'libmkldnn.so.):undefined symbol:cblas_sgemm_alloc', MKL-DNN's of 2016-2019 on an MKL older than the table."""
    [finding] = errors_of(ENTRIES["python-runtime-libmkldnn-undefined-cblas-sgemm-alloc-torch100-bere-2"]["log"])
    assert finding.id == "runtime-symbol-missing" and "cblas_sgemm_alloc" in finding.title, flat(finding)
    assert "older than 2019.0" in finding.title and any("MKL-DNN's of 2016-2019" in line for line in finding.evidence)
    # a library of another name gets no such aside
    [other] = errors_of("./prog: symbol lookup error: /opt/x/libfoo.so: undefined symbol: cblas_sgemm_alloc\n")
    assert "older than 2019.0" not in other.title, other.title


def test_an_r_package_built_from_source_against_another_environments_mkl():
    [finding] = errors_of(ENTRIES["r-julia-conda-mkl-rt-so1-igraph-install-rigraph-477"]["log"])
    assert finding.id == "loader-cannot-find" and finding.fix[0].startswith("the R package was built from source"), flat(finding)
    assert "conda deactivate" in finding.fix[0]


def test_pytensors_fallback_names_condas_windows_folder():
    """pytensor#515 (blind set 56): the warning alone names no platform, so the flags say conda's Windows folder too."""
    entries = json.loads((Path(__file__).parent / "data/explain_corpus/blind56.json").read_text())["entries"]
    [finding] = findings_of(entries[0]["log"])
    assert finding.id == "theano-blas-flags" and finding.severity == "warning", flat(finding)
    assert any('Library\\bin' in line and "-L<env>/lib" in line for line in finding.fix), finding.fix
    assert any("pytensor#517" in line for line in finding.fix)
    [windows] = findings_of("C:\\envs\\x> python fit.py\n" + entries[0]["log"])
    assert not any("-L<env>/lib" in line for line in windows.fix), windows.fix


def test_the_split_flags_are_proven_where_the_line_runs(tmp_path, mkl):
    """The build log's own command (the flags quoted whole) and ld's words: read here, the line with the argument given as
    its words is run, and the fix is said proven."""
    import shlex

    from tests.test_fixcheck import explain, gcc

    (tmp_path / "x.c").write_text("extern void dgemm_(void); int main(void) { dgemm_(); return 0; }\n")
    assert gcc(["-c", "x.c", "-o", "x.o"], tmp_path).returncode == 0
    args = [str(tmp_path / "x.o"), "-o", "x", f" -L{mkl.pip_lib} -l:libmkl_rt.so.3 -Wl,-rpath,{mkl.pip_lib}"]
    failed = gcc(args, tmp_path)
    assert failed.returncode != 0 and "cannot find  -L" in failed.stderr, failed.stderr
    log = tmp_path / "build.log"
    log.write_text(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    [said] = [f for f in explain(log, "--no-scan")["findings"] if f["id"] == "link-flags-one-argument"]
    assert any(e.startswith("proven here:") and e.endswith(" links") for e in said["evidence"]), said["evidence"]
