"""coreutils' words for a file it cannot stat in the languages of its catalogue (mkldoctor.knowledge.coreutilswords): the
table against the coreutils.mo files installed with coreutils, and a copy of an MKL library that is not there produced
with the real cp in each language whose catalogue is here (each was silent before)."""

from __future__ import annotations

import gettext
import glob
import shutil

import pytest

from mkldoctor.knowledge import coreutilswords
from tests.languages import same_release
from tests.test_explain_families import clean_env, flat, only_error, run

pytestmark = pytest.mark.skipif(not same_release("cp", coreutilswords.RELEASE),
                                reason=f"cp of another release than the table's ({coreutilswords.RELEASE})")
_CATALOGUES = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/coreutils.mo"))


@pytest.mark.skipif(not _CATALOGUES, reason="needs coreutils' catalogues")
def test_the_table_is_coreutils_own():
    seen = {}
    for path in _CATALOGUES:
        with open(path, "rb") as handle:
            said = gettext.GNUTranslations(handle).gettext("cannot stat %s")
        if said != "cannot stat %s":
            seen[path.split("/")[-3]] = said
    assert seen == coreutilswords.CANNOT_STAT


@pytest.mark.skipif(shutil.which("cp") is None, reason="needs cp")
@pytest.mark.parametrize("lang", sorted(coreutilswords.CANNOT_STAT))
def test_a_copy_of_an_mkl_library_that_is_not_there(tmp_path, lang):
    if not glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/coreutils.mo"):
        pytest.skip(f"no coreutils catalogue for {lang} here")
    gone = tmp_path / "oneapi/mkl/2025.0/lib/libmkl_rt.so.2"
    _, log = run(["cp", str(gone), str(tmp_path / "out")], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"))
    assert "libmkl_rt.so.2" in log and "cannot stat" not in log, log
    finding = only_error(log)
    assert finding.id == "mkl-file-missing" and "libmkl_rt.so.2" in finding.title, flat(finding)


def test_other_lines_are_left_as_they_are():
    for line in ("cp: cannot stat 'x': No such file or directory", "gcc: x: No such file or directory", "cp: -r not specified"):
        assert coreutilswords.in_english(line) == line
