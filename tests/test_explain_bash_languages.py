"""bash's words for a command it cannot find, and for the line it was on, in the languages of its catalogue
(mkldoctor.knowledge.bashwords): the tables against the bash.mo files installed with bash, and oneAPI's compiler not on
PATH produced with the real bash in each language whose catalogue is here (each was silent before)."""

from __future__ import annotations

import gettext
import glob
import shutil

import pytest

from mkldoctor.knowledge import bashwords
from tests.languages import same_release
from tests.test_explain_families import clean_env, flat, only_error, run

pytestmark = pytest.mark.skipif(not same_release("bash", bashwords.RELEASE),
                                reason=f"bash of another release than the table's ({bashwords.RELEASE})")
_CATALOGUES = [p for p in sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/bash.mo")) if "/en@" not in p]
_TABLES = {"%s: command not found": bashwords.COMMAND_NOT_FOUND, " line ": bashwords.LINE}


@pytest.mark.skipif(not _CATALOGUES, reason="needs bash's catalogues")
def test_the_tables_are_bashs_own():
    seen = {msgid: {} for msgid in _TABLES}
    for path in _CATALOGUES:
        with open(path, "rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        for msgid in _TABLES:
            said = catalogue.gettext(msgid)
            if said != msgid:
                seen[msgid][path.split("/")[-3]] = said
    for msgid, table in _TABLES.items():
        assert seen[msgid] == table, msgid


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("lang", sorted(bashwords.COMMAND_NOT_FOUND))
def test_oneapis_compiler_not_on_path_in_each_language(tmp_path, lang):
    if not glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/bash.mo"):
        pytest.skip(f"no bash catalogue for {lang} here")
    _, log = run(["bash", "-c", "icx -qmkl x.c"], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8", PATH="/usr/bin:/bin"))
    assert "icx" in log and "command not found" not in log, log
    finding = only_error(log)
    assert finding.id == "intel-command-not-found" and "icx" in finding.title, flat(finding)


def test_other_lines_of_bash_are_left_as_they_are():
    for line in ("bash: line 3: cd: /x: No such file or directory", "bash: icx: command not found", "ash: x"):
        assert bashwords.in_english(line) == line
