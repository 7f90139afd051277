"""apt's words for a package it does not know, in the languages of its catalogue (mkldoctor.knowledge.aptwords): the
table against the apt.mo files installed with apt, and the failure produced with the real apt-get in each language whose
installed words are the table's. Before, a log in Chinese, Japanese, Korean, Russian, Turkish or Ukrainian was silent,
and the others unrecognised."""

from __future__ import annotations

from mkldoctor.knowledge import aptwords
from tests.languages import assert_table, installed, languages, same_release
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

_SAME = same_release("apt-get", aptwords.RELEASE)


def test_the_table_is_apts_own():
    assert_table(aptwords.UNABLE_TO_LOCATE, installed("apt", "Unable to locate package %s"), _SAME)
    assert_table(aptwords.NO_CANDIDATE, installed("apt", "Package '%s' has no installation candidate"), _SAME)


def _apt(tmp_path, lang: str, *packages: str) -> str:
    for folder in ("lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "sources.list").write_text("")
    _, log = run(["apt-get", "-s", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                  "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}",
                  "-o", "Debug::NoLocking=1", "install", *packages], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"))
    return log


def test_apt_in_each_language(tmp_path):
    """The real apt-get in each language: oneAPI's package read as the repository missing; Debian's libmkl-dev as the
    non-free component; another package's line an error said, never silent."""
    for lang in languages(aptwords.UNABLE_TO_LOCATE, installed("apt", "Unable to locate package %s"), 30):
        log = _apt(tmp_path, lang, "intel-oneapi-mkl-devel")
        finding = only_error(log)
        assert finding.id == "mkl-package-not-in-sources" and "intel-oneapi-mkl-devel" in finding.title, (lang, flat(finding))
        debian = only_error(_apt(tmp_path, lang, "libmkl-dev"))
        assert "non-free component" in debian.title, (lang, flat(debian))
        assert errors_of(_apt(tmp_path, lang, "foo-bar")), lang
