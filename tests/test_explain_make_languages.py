"""make's words for a target it has no rule for, in the languages of its catalogue (mkldoctor.knowledge.makewords): the
table against the make.mo files installed with make, and a missing MKL archive produced with the real make in each
language whose catalogue is here (each was silent before). German's message breaks its own line: unrecognised, never
silent."""

from __future__ import annotations

import gettext
import glob
import shutil
import subprocess

import pytest

from mkldoctor.knowledge import makewords
from tests.languages import same_release
from tests.test_explain_families import clean_env, errors_of, flat, only_error

pytestmark = pytest.mark.skipif(not same_release("make", makewords.RELEASE),
                                reason=f"make of another release than the table's ({makewords.RELEASE})")
_CATALOGUES = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/make.mo"))
_TABLES = {"%sNo rule to make target '%s'%s": makewords.NO_RULE,
           "%sNo rule to make target '%s', needed by '%s'%s": makewords.NO_RULE_NEEDED_BY}


@pytest.mark.skipif(not _CATALOGUES, reason="needs make's catalogues")
def test_the_table_is_makes_own():
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


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("lang", sorted(makewords.NO_RULE_NEEDED_BY))
def test_a_missing_mkl_archive_in_each_language(tmp_path, lang):
    if not glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/make.mo"):
        pytest.skip(f"no make catalogue for {lang} here")
    (tmp_path / "Makefile").write_text("app: main.o /opt/intel/mkl/lib/intel64/libmkl_core.a\n\tcc -o app main.o\n"
                                       "main.o:\n\ttouch main.o\n")
    done = subprocess.run(["make"], cwd=tmp_path, env=clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"), capture_output=True, text=True)
    assert done.returncode != 0 and "libmkl_core.a" in done.stderr, done.stderr
    if "\n" in makewords.NO_RULE_NEEDED_BY[lang]:  # German's: its second line is another line of the log
        assert [f.id for f in errors_of(done.stderr)] == ["unrecognised-failure"], done.stderr
        return
    finding = only_error(done.stderr)
    assert finding.id == "mkl-file-missing" and "libmkl_core.a" in finding.title, flat(finding)


def test_other_lines_of_make_are_left_as_they_are():
    for line in ("make: *** [Makefile:2: app] Error 1", "make[1]: *** No rule to make target 'x'.  Stop.", "echo '*** hi'"):
        assert makewords.in_english(line) == line
