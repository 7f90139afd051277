"""The C library's words for a missing file in the languages of its catalogue (mkldoctor.knowledge.libcwords): the table
against the libc.mo files installed with the C library, and a compiler's missing MKL header produced with the real gcc in
each language whose installed words are the table's (each was an unrecognised error before)."""

from __future__ import annotations

import subprocess

from mkldoctor.knowledge import libcwords
from tests.languages import assert_table, installed, languages, same_release
from tests.test_explain_families import clean_env, flat, only_error


def test_the_table_is_the_c_librarys_own():
    assert_table(libcwords.NO_SUCH_FILE, installed("libc", libcwords.ENGLISH), same_release("ldd", libcwords.RELEASE))


def test_a_missing_mkl_header_in_each_language(tmp_path):
    (tmp_path / "inc.c").write_text("#include <mkl.h>\nint main(void) { return 0; }\n")
    for lang in languages(libcwords.NO_SUCH_FILE, installed("libc", libcwords.ENGLISH), 25):
        done = subprocess.run(["gcc", "-c", "inc.c"], cwd=tmp_path, env=clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"),
                              capture_output=True, text=True)
        assert done.returncode != 0 and libcwords.NO_SUCH_FILE[lang] in done.stderr, (lang, done.stderr)
        finding = only_error(done.stderr)
        assert finding.id == "mkl-header-not-found" and "mkl.h" in finding.title, (lang, flat(finding))


def test_the_words_mid_line_are_left_as_they_are():
    assert libcwords.in_english("x: Datei oder Verzeichnis nicht gefunden") == "x: No such file or directory"
    mid = "Datei oder Verzeichnis nicht gefunden, sagt x"
    assert libcwords.in_english(mid) == mid
