"""make's words for a target it has no rule for, in the languages of its catalogue (mkldoctor.knowledge.makewords): the
tables against the make.mo files installed with make, and a missing MKL archive produced with the real make in each
language whose installed words are the table's (each was silent before). German's message breaks its own line: its two
lines are read as one, also where a paste lost the blanks at their ends."""

from __future__ import annotations

import subprocess

from mkldoctor.knowledge import makewords
from tests.languages import assert_table, installed, languages, same_release
from tests.test_explain_families import clean_env, errors_of, flat, only_error

_NEEDED_BY = "%sNo rule to make target '%s', needed by '%s'%s"


def test_the_tables_are_makes_own():
    same = same_release("make", makewords.RELEASE)
    assert_table(makewords.NO_RULE, installed("make", "%sNo rule to make target '%s'%s"), same)
    assert_table(makewords.NO_RULE_NEEDED_BY, installed("make", _NEEDED_BY), same)


def test_a_missing_mkl_archive_in_each_language(tmp_path):
    (tmp_path / "Makefile").write_text("app: main.o /opt/intel/mkl/lib/intel64/libmkl_core.a\n\tcc -o app main.o\n"
                                       "main.o:\n\ttouch main.o\n")
    for lang in languages(makewords.NO_RULE_NEEDED_BY, installed("make", _NEEDED_BY), 15):
        done = subprocess.run(["make"], cwd=tmp_path, env=clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8"), capture_output=True,
                              text=True)
        assert done.returncode != 0 and "libmkl_core.a" in done.stderr, (lang, done.stderr)
        finding = only_error(done.stderr)
        assert finding.id == "mkl-file-missing" and "libmkl_core.a" in finding.title, (lang, flat(finding))


def test_germans_two_lines_as_a_paste_keeps_them(tmp_path):
    (tmp_path / "Makefile").write_text("app: /opt/intel/mkl/lib/intel64/libmkl_core.a\n\tcc -o app main.o\n")
    done = subprocess.run(["make"], cwd=tmp_path, env=clean_env(LANGUAGE="de", LC_ALL="C.UTF-8"), capture_output=True,
                          text=True)
    assert done.stderr.count("\n") == 2, done.stderr  # German's words are installed, and break the line
    for log in (done.stderr, "\n".join(line.strip() for line in done.stderr.splitlines()) + "\nmake: Leaving directory\n"):
        finding = only_error(log)
        assert finding.id == "mkl-file-missing" and "libmkl_core.a" in finding.title, flat(finding)
    cut = done.stderr.splitlines()[0] + "\nmake: Verzeichnis wird verlassen\n"  # the rest lost: not read as make's
    assert [f.id for f in errors_of(cut)] == ["unrecognised-failure"], cut


def test_other_lines_of_make_are_left_as_they_are():
    for line in ("make: *** [Makefile:2: app] Error 1", "make[1]: *** No rule to make target 'x'.  Stop.", "echo '*** hi'"):
        assert makewords.in_english(line) == line
