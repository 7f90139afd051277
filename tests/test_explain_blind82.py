"""The eighty-second blind set (tests/data/explain_corpus/blind82.json): texts the rules made after it answer (blogs, gists,
Q&A pages, other language ecosystems)."""

from __future__ import annotations

from tests import blindset
from tests.test_explain_families import flat, only_error

ENTRIES = blindset.entries(82)


def _log(fragment: str) -> str:
    return blindset.log_of(ENTRIES, fragment)


def test_the_edg_compilers_words_for_a_prototype_clash():
    """blaze#114: Intel's classic compiler (EDG) says 'more than one instance of overloaded function "dgesvdx_" has "C"
    linkage' where g++ says 'conflicting declaration of C function': the project's own prototype beside MKL's."""
    finding = only_error(_log("blaze-114"))
    assert finding.id == "blas-prototype-clash" and "declares dgesvdx_ itself" in finding.title, flat(finding)
    assert finding.fix[0].startswith("declare dgesvdx_ once: include MKL's header")
    placed = only_error('src/gesvdx.h(42): error: more than one instance of overloaded function "dgesvdx_" has "C" linkage\n')
    assert placed.id == "blas-prototype-clash" and "src/gesvdx.h" in " ".join(placed.evidence), flat(placed)
    # a name MKL does not export is another library's clash
    assert only_error('error: more than one instance of overloaded function "my_solver" has "C" linkage\n').id == "unrecognised-failure"


def test_mlnets_mklimports_on_windows_names_its_package_and_the_host():
    """dotnet/interactive#492: ML.NET's MklImports not found under a notebook kernel: the package that carries it and the
    host that must resolve its native folder."""
    finding = only_error(_log("492"))
    assert finding.id == "windows-library-not-loaded", flat(finding)
    assert finding.fix[0].startswith("ML.NET's MklImports.dll comes in the NuGet package Microsoft.ML.Mkl.Redist")
    assert "dotnet-interactive" in finding.fix[0]
