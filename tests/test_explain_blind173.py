"""Blind sets 173 and after (tests/data/explain_corpus/blind173.json ...): public logs gathered by helpers who never read
the tool, scored once, then each miss made a test here: the thread's own text where the failure cannot run here (.NET's
Math.NET Numerics, macOS's crash report, a forum page's translated ld, pip check under conda, MAGMA's tester)."""

from __future__ import annotations

import pytest

from tests import blindset
from tests.test_explain_families import errors_of, flat, only_error

SETS = blindset.load(173, 174)


@pytest.mark.parametrize("n, entry", blindset.scored_entries(SETS))
def test_never_silent_and_right_stays_right(n, entry):
    blindset.assert_never_silent_and_right_stays_right(SETS, n, entry)


def test_math_nets_refusals_of_its_mkl_provider():
    """mathnet-numerics#671: the Linux native provider at r9, the FFT needing r11; #946: Numerics v5 without the
    provider's managed assembly. Both were .NET exception lines no error word matched: 'no problem found'."""
    old = only_error(blindset.log_of(blindset.entries(173), "671"))
    assert old.id == "mathnet-mkl-provider-too-old" and "r9" in old.title and "r11" in old.title, flat(old)
    assert any("mkl_build.sh" in line for line in old.fix), old.fix
    missing = only_error(blindset.log_of(blindset.entries(173), "946"))
    assert missing.id == "mathnet-provider-assembly-missing", flat(missing)
    assert missing.fix[0].startswith("dotnet add package MathNet.Numerics.Providers.MKL"), missing.fix
    # a revision without the supported one said (a shorter message): the same finding, the wanted revision not invented
    short = only_error("System.NotSupportedException: MKL Native Provider revision r7 is too old.\n")
    assert short.id == "mathnet-mkl-provider-too-old" and "needs a newer one" in short.title, flat(short)
    # another .NET exception: an error said, never 'no problem found'
    other = errors_of("Unhandled exception. System.InvalidOperationException: Sequence contains no elements\n")
    assert [f.id for f in other] == ["unrecognised-failure"], [(f.id, f.title) for f in other]
    # a Java exception under an error said before it stays that error's detail (Bazel's fetch)
    bazel = blindset.findings("ERROR: An error occurred during the fetch of repository 'mkl_dnn':\n"
                              "   java.io.IOException: Error downloading [https://example.invalid/v0.21.3.tar.gz]\n")
    assert "java.io.IOException" not in " ".join(f.title for f in bazel), [(f.id, f.title) for f in bazel]


def test_a_process_killed_in_dylds_check_of_a_signature():
    """seurat#3273: CRAN R killed (Killed: 9) while dlopen() mapped conda's MKL; the crash report's frame is dyld's
    ImageLoaderMachO::validateFirstPages. It read as an out-of-memory kill."""
    finding = only_error(blindset.log_of(blindset.entries(173), "seurat-3273"))
    assert finding.id == "macos-signature-invalid" and "code signature" in finding.title, flat(finding)
    assert any("seurat#3273" in line and "miniconda3" in line for line in finding.fix), finding.fix
    assert any("Killed: 9" in line and "consequence" in line for line in finding.evidence), finding.evidence
    for words in ("Exception Type:        EXC_BAD_ACCESS (Code Signature Invalid)",
                  "Termination Reason:    Namespace CODESIGNING, Code 0x2"):
        assert only_error(f"Killed: 9\n{words}\n").id == "macos-signature-invalid", words
    # codesign's own words keep their finding, which names the file
    named = only_error("/x/lib/libmkl_intel_thread.dylib: invalid signature (code or signature have been modified)\n")
    assert "libmkl_intel_thread.dylib" in named.title, flat(named)


def test_a_page_translators_english_of_lds_undefined_reference():
    """ABINIT's old forum: "m_hide_lapack.F90:2921：Undefined reference to‘" then "zgetrf_’" on the next line (the page's
    translation of a Chinese ld). Nothing was read but make's own 'error 1' lines."""
    said = errors_of(blindset.log_of(blindset.entries(173), "abinit"))
    assert said[0].id == "mkl-symbol-unresolved" and "zgetrf_" in said[0].title, [(f.id, f.title) for f in said]
    assert not any("：" in line for line in said[0].evidence), said[0].evidence  # the place without the full-width colon
    # the same words on one line, and ld's own English, read alike
    one = only_error("m.F90:12：Undefined reference to‘dgetrf_’\n")
    assert one.id == "mkl-symbol-unresolved" and "dgetrf_" in one.title, flat(one)


def test_pip_check_under_conda_on_a_package_that_names_pardiso():
    """conda-forge's pypardiso-feedstock a2e8509: pip check's 'pypardiso 0.4.0 requires mkl, which is not installed.' in
    a conda recipe's test, where conda's mkl has no pip metadata. The line names PARDISO: its context reader took it."""
    finding = only_error(blindset.log_of(blindset.entries(174), "pypardiso-feedstock"))
    assert finding.id == "pip-mkl-conflict" and "pypardiso 0.4.0" in finding.title, flat(finding)
    assert any("pip check out of a conda recipe" in line for line in finding.fix), finding.fix
    # a line that names PARDISO and is no pip report stays PARDISO's context (a crash read beside it)
    assert not errors_of("  File \"/x/pypardiso/pardiso_wrapper.py\", line 1, in <module>\n")


def test_a_single_precision_workspace_read_back_through_a_float():
    """MAGMA 1.7's sgesdd tester at N = 7000: MKL rejects LWORK (parameter 12), the size the query returned in a REAL
    rounded down past 2^24 (MAGMA 070aa57). A double-precision routine has no such cause."""
    finding = only_error(blindset.log_of(blindset.entries(174), "magma"))
    assert finding.id == "mkl-parameter-error", flat(finding)
    assert any("rounded down" in line and "2^24" in line for line in finding.evidence), finding.evidence
    assert any("rounded up" in line for line in finding.fix), finding.fix
    double = only_error("Intel MKL ERROR: Parameter 12 was incorrect on entry to DGESDD.\n")
    assert not any("2^24" in line for line in double.evidence + double.fix), flat(double)
