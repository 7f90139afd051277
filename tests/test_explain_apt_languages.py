"""apt's words for a package it does not know, in the languages of its catalogue (mkldoctor.knowledge.aptwords): the
table against the apt.mo files installed with apt, and the failure produced with the real apt-get in each language whose
catalogue is here. Before, a log in Chinese, Japanese, Korean, Russian, Turkish or Ukrainian was silent, and the others
unrecognised."""

from __future__ import annotations

import gettext
import glob
import shutil

import pytest

from mkldoctor.knowledge import aptwords
from tests.languages import same_release
from tests.test_explain_families import clean_env, errors_of, flat, only_error, run

pytestmark = pytest.mark.skipif(not same_release("apt-get", aptwords.RELEASE),
                                reason=f"apt-get of another release than the table's ({aptwords.RELEASE})")
_CATALOGUES = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/apt.mo"))
_TABLES = {"Unable to locate package %s": aptwords.UNABLE_TO_LOCATE,
           "Package '%s' has no installation candidate": aptwords.NO_CANDIDATE}


@pytest.mark.skipif(not _CATALOGUES, reason="needs apt's catalogues")
def test_the_table_is_apts_own():
    """Each language of each catalogue installed with apt has the words the table spells, and the table no language the
    catalogues lack."""
    seen = {msgid: {} for msgid in _TABLES}
    for path in _CATALOGUES:
        lang = path.split("/")[-3]
        with open(path, "rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        for msgid in _TABLES:
            said = catalogue.gettext(msgid)
            if said != msgid:
                seen[msgid][lang] = said
    for msgid, table in _TABLES.items():
        assert seen[msgid] == table, msgid


def _apt(tmp_path, lang: str, *packages: str) -> str:
    for folder in ("lists/partial", "cache/archives/partial"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    (tmp_path / "sources.list").write_text("")
    _, log = run(["apt-get", "-s", "-o", f"Dir::Etc::sourcelist={tmp_path / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
                  "-o", f"Dir::State::Lists={tmp_path / 'lists'}", "-o", f"Dir::Cache={tmp_path / 'cache'}",
                  "-o", "Debug::NoLocking=1", "install", *packages], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"))
    return log


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="needs apt-get")
@pytest.mark.parametrize("lang", sorted(aptwords.UNABLE_TO_LOCATE))
def test_apt_in_each_language(tmp_path, lang):
    """The real apt-get in the language: oneAPI's package read as the repository missing; Debian's libmkl-dev as the
    non-free component; another package's line an error said, never silent."""
    if not glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/apt.mo"):
        pytest.skip(f"no apt catalogue for {lang} here")
    log = _apt(tmp_path, lang, "intel-oneapi-mkl-devel")
    assert aptwords.UNABLE_TO_LOCATE[lang].split("%s")[0].strip() in log or lang == "ko", log
    finding = only_error(log)
    assert finding.id == "mkl-package-not-in-sources" and "intel-oneapi-mkl-devel" in finding.title, flat(finding)
    debian = only_error(_apt(tmp_path, lang, "libmkl-dev"))
    assert "non-free component" in debian.title, flat(debian)
    assert errors_of(_apt(tmp_path, lang, "foo-bar")), lang
