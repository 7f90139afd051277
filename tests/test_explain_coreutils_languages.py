"""coreutils' words for a file it cannot stat in the languages of its catalogue (mkldoctor.knowledge.coreutilswords): the
table against the coreutils.mo files installed with coreutils, and a copy of an MKL library that is not there produced
with the real cp in each language whose installed words are the table's (each was silent before)."""

from __future__ import annotations

from mkldoctor.knowledge import coreutilswords
from tests.languages import assert_table, installed, languages, same_release
from tests.test_explain_families import clean_env, flat, only_error, run


def test_the_table_is_coreutils_own():
    assert_table(coreutilswords.CANNOT_STAT, installed("coreutils", "cannot stat %s"),
                 same_release("cp", coreutilswords.RELEASE))


def test_a_copy_of_an_mkl_library_that_is_not_there(tmp_path):
    gone = tmp_path / "oneapi/mkl/2025.0/lib/libmkl_rt.so.2"
    for lang in languages(coreutilswords.CANNOT_STAT, installed("coreutils", "cannot stat %s"), 25):
        _, log = run(["cp", str(gone), str(tmp_path / "out")], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"))
        assert "libmkl_rt.so.2" in log and "cannot stat" not in log, (lang, log)
        finding = only_error(log)
        assert finding.id == "mkl-file-missing" and "libmkl_rt.so.2" in finding.title, (lang, flat(finding))


def test_other_lines_are_left_as_they_are():
    for line in ("cp: cannot stat 'x': No such file or directory", "gcc: x: No such file or directory", "cp: -r not specified"):
        assert coreutilswords.in_english(line) == line
