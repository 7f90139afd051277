"""dev/once.py: a check runs again exactly when something it read changed (dev/test's knowledge checks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import os, sys
from pathlib import Path
here = Path(__file__).parent
with open(here / "ran.log", "a") as log:  # written, not read: no input
    log.write("ran\\n")
data = (here / "data.txt").read_text()
names = sorted(p.name for p in (here / "folder").glob("*.h"))
flavour = os.environ.get("ONCE_TEST_FLAVOUR", "plain")
print(f"noise before the last line")
print(f"{data.strip()} {names} {flavour}")
sys.exit(int(data.startswith("fail")))
"""


def setup(tmp_path: Path) -> Path:
    (tmp_path / "check.py").write_text(SCRIPT)
    (tmp_path / "data.txt").write_text("abc\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder/one.h").write_text("int one(void);\n")
    return tmp_path


def once(tmp_path: Path, **env: str) -> tuple[str, int]:
    """(the output, how many times the check has run so far)."""
    full = {k: v for k, v in os.environ.items() if k != "ONCE_TEST_FLAVOUR"}
    full.update(XDG_CACHE_HOME=str(tmp_path / "cache"), **env)
    done = subprocess.run([sys.executable, str(ROOT / "dev/once.py"), "check.py", "--check"], cwd=tmp_path, env=full,
                          capture_output=True, text=True)
    ran = (tmp_path / "ran.log").read_text().count("ran") if (tmp_path / "ran.log").exists() else 0
    return f"{done.returncode}:{done.stdout}{done.stderr}", ran


def test_runs_again_only_when_what_it_read_changed(tmp_path):
    d = setup(tmp_path)
    assert once(d) == ("0:noise before the last line\nabc ['one.h'] plain\n", 1)
    assert once(d) == ("0:abc ['one.h'] plain (unchanged)\n", 1)
    (d / "data.txt").write_text("xyz\n")  # a file it read
    assert once(d) == ("0:noise before the last line\nxyz ['one.h'] plain\n", 2)
    (d / "folder/two.h").write_text("")  # a folder it listed
    assert once(d)[1] == 3
    assert once(d, ONCE_TEST_FLAVOUR="spicy") == ("0:noise before the last line\nxyz ['one.h', 'two.h'] spicy\n", 4)
    assert once(d, ONCE_TEST_FLAVOUR="spicy")[1] == 4
    assert once(d)[1] == 5  # the variable unset again
    (d / "unrelated.txt").write_text("not read by the check")
    (d / "folder/ignored.c").write_text("")  # listed: a new name counts even if the glob skips it
    assert once(d)[1] == 6
    assert once(d)[1] == 6


def test_same_size_and_mtime_is_still_verified(tmp_path):
    """The stat shortcut trusts size, mtime, ctime and inode together: a rewrite that keeps size and
    mtime changes the ctime, so the file is hashed again."""
    d = setup(tmp_path)
    once(d)
    before = os.stat(d / "data.txt")
    (d / "data.txt").write_text("abd\n")
    os.utime(d / "data.txt", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert once(d) == ("0:noise before the last line\nabd ['one.h'] plain\n", 2)
    os.utime(d / "data.txt", ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))  # touched, same bytes
    assert once(d) == ("0:abd ['one.h'] plain (unchanged)\n", 2)


def test_a_failed_check_leaves_no_stamp_and_a_broken_stamp_is_ignored(tmp_path):
    d = setup(tmp_path)
    (d / "data.txt").write_text("fail\n")
    assert once(d) == ("1:noise before the last line\nfail ['one.h'] plain\n", 1)
    assert once(d)[1] == 2  # failed: it runs again
    (d / "data.txt").write_text("abc\n")
    assert once(d)[1] == 3
    (stamp,) = (d / "cache/mkldoctor/stamps").iterdir()
    document = json.loads(stamp.read_text())
    assert str(d / "data.txt") in document["inputs"]["files"] and str(d / "folder") in document["inputs"]["folders"]
    assert str(d / "ran.log") not in document["inputs"]["files"]
    stamp.write_text("{not json")
    assert once(d)[1] == 4
    assert once(d)[1] == 4
    (d / "data.txt").unlink()
    assert once(d)[0].startswith("1:")  # the check's own error, not "(unchanged)"
