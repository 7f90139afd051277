"""bash's words for a command it cannot find, and for the line it was on, in the languages of its catalogue
(mkldoctor.knowledge.bashwords): the tables against the bash.mo files installed with bash, and oneAPI's compiler not on
PATH produced with the real bash in each language whose installed words are the table's (each was silent before)."""

from __future__ import annotations

from mkldoctor.knowledge import bashwords
from tests.languages import assert_table, installed, languages, same_release
from tests.test_explain_families import clean_env, flat, only_error, run


def test_the_tables_are_bashs_own():
    same = same_release("bash", bashwords.RELEASE)
    assert_table(bashwords.COMMAND_NOT_FOUND, installed("bash", "%s: command not found"), same)
    assert_table(bashwords.LINE, installed("bash", " line "), same)


def test_oneapis_compiler_not_on_path_in_each_language(tmp_path):
    for lang in languages(bashwords.COMMAND_NOT_FOUND, installed("bash", "%s: command not found"), 25):
        _, log = run(["bash", "-c", "icx -qmkl x.c"], tmp_path, clean_env(LANGUAGE=lang, LC_ALL="C.UTF-8", PATH="/usr/bin:/bin"))
        assert "icx" in log and "command not found" not in log, (lang, log)
        finding = only_error(log)
        assert finding.id == "intel-command-not-found" and "icx" in finding.title, (lang, flat(finding))


def test_other_lines_of_bash_are_left_as_they_are():
    for line in ("bash: line 3: cd: /x: No such file or directory", "bash: icx: command not found", "ash: x"):
        assert bashwords.in_english(line) == line
