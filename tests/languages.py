"""The translated words mkldoctor's tables hold (mkldoctor.knowledge.*words), held against the catalogues installed with
each tool: on the release a table was read from, each language's words must be the table's; on another release, most
must (a release may reword a few). The tests that produce a failure in each language take the languages whose installed
words are the table's, and need enough of them (a machine whose images drop /usr/share/locale fails them: dev/test
installs the C library's catalogues, the others come with their tools)."""

from __future__ import annotations

import gettext
import glob
import re
import shutil
import subprocess


def same_release(tool: str, release: str) -> bool:
    if shutil.which(tool) is None:
        return False
    said = subprocess.run([tool, "--version"], capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    first = (said.stdout or said.stderr).splitlines()[:1]
    return bool(first) and re.search(rf"(?<![\d.]){re.escape(release)}(?![\d])", first[0]) is not None


def installed(domain: str, msgid: str) -> dict[str, str]:
    """Each installed catalogue's words for ``msgid`` (languages that translate it)."""
    said = {}
    for path in sorted(glob.glob(f"/usr/share/locale/*/LC_MESSAGES/{domain}.mo")):
        lang = path.split("/")[-3]
        if lang.startswith("en@"):
            continue
        with open(path, "rb") as handle:
            words = gettext.GNUTranslations(handle).gettext(msgid)
        if words != msgid:
            said[lang] = words
    return said


def assert_table(table: dict[str, str], here: dict[str, str], same: bool) -> None:
    if same:
        assert here == table
        return
    agree = [lang for lang in table if here.get(lang) == table[lang]]
    assert len(agree) * 10 >= len(table) * 7, (len(agree), len(table))


def languages(table: dict[str, str], here: dict[str, str], least: int) -> list[str]:
    """The languages whose installed words are the table's: at least ``least`` of them."""
    langs = [lang for lang in sorted(table) if here.get(lang) == table[lang]]
    assert len(langs) >= least, (langs, least)
    return langs
