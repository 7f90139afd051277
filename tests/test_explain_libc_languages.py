"""The C library's words for a missing file in the languages of its catalogue (mkldoctor.knowledge.libcwords): the table
against the libc.mo files installed with the C library, and a compiler's missing MKL header produced with the real gcc in
each language whose catalogue is here (each was an unrecognised error before)."""

from __future__ import annotations

import gettext
import glob
import shutil
import subprocess

import pytest

from mkldoctor.knowledge import libcwords
from tests.languages import same_release
from tests.test_explain_families import clean_env, flat, only_error

pytestmark = pytest.mark.skipif(not same_release("ldd", libcwords.RELEASE),
                                reason=f"ldd of another release than the table's ({libcwords.RELEASE})")
_CATALOGUES = sorted(glob.glob("/usr/share/locale/*/LC_MESSAGES/libc.mo"))


@pytest.mark.skipif(not _CATALOGUES, reason="needs the C library's catalogues")
def test_the_table_is_the_c_librarys_own():
    seen = {}
    for path in _CATALOGUES:
        with open(path, "rb") as handle:
            said = gettext.GNUTranslations(handle).gettext(libcwords.ENGLISH)
        if said != libcwords.ENGLISH:
            seen[path.split("/")[-3]] = said
    assert seen == libcwords.NO_SUCH_FILE


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
@pytest.mark.parametrize("lang", sorted(libcwords.NO_SUCH_FILE))
def test_a_missing_mkl_header_in_each_language(tmp_path, lang):
    if not glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/libc.mo"):
        pytest.skip(f"no C library catalogue for {lang} here")
    (tmp_path / "inc.c").write_text("#include <mkl.h>\nint main(void) { return 0; }\n")
    done = subprocess.run(["gcc", "-c", "inc.c"], cwd=tmp_path, env=clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"),
                          capture_output=True, text=True)
    assert done.returncode != 0 and libcwords.NO_SUCH_FILE[lang] in done.stderr, done.stderr
    finding = only_error(done.stderr)
    assert finding.id == "mkl-header-not-found" and "mkl.h" in finding.title, flat(finding)


def test_the_words_mid_line_are_left_as_they_are():
    assert libcwords.in_english("x: Datei oder Verzeichnis nicht gefunden") == "x: No such file or directory"
    mid = "Datei oder Verzeichnis nicht gefunden, sagt x"
    assert libcwords.in_english(mid) == mid
