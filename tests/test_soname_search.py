"""The loader's search for a soname is one replay (``discover/soname.py``) told the same on this
machine (explain) and inside a root (deps): checked against the real loader running the program.

Two copies of ``libtwin.so`` (in ``a/`` and ``b/``) each say which they are; a program finds
them through DT_RPATH or DT_RUNPATH and ``LD_LIBRARY_PATH``. What the program prints is the
loader's own answer; both replays must name that copy, and the other as never looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkldoctor.discover.soname import RootLoader
from mkldoctor.discover.sysroot import Root
from mkldoctor.explain.linksearch import search_soname
from tests.conftest import run

TWIN_C = 'const char *twin(void) { return "%s"; }\n'
MAIN_C = '#include <stdio.h>\nconst char *twin(void);\nint main(void) { puts(twin()); return 0; }\n'


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("twins")
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / f"{name}.c").write_text(TWIN_C % name)
        run(["gcc", "-shared", "-fPIC", f"{name}.c", "-o", f"{name}/libtwin.so", "-Wl,-soname,libtwin.so"], cwd=root)
    (root / "app").mkdir()
    (root / "main.c").write_text(MAIN_C)
    # both folders in the run path, a/ first; DT_RPATH in one program, DT_RUNPATH in the other
    for program, dtags in (("rpath", "--disable-new-dtags"), ("runpath", "--enable-new-dtags")):
        run(["gcc", "main.c", "-o", f"app/{program}", "-La", "-ltwin", f"-Wl,{dtags},-rpath,$ORIGIN/../a:$ORIGIN/../b"],
            cwd=root)
    return root


@pytest.mark.parametrize("program, ld_path", [("rpath", ""), ("rpath", "b"), ("runpath", ""), ("runpath", "b")])
def test_one_replay_names_the_copy_the_loader_loads(tree, program, ld_path):
    env = {"LD_LIBRARY_PATH": str(tree / ld_path)} if ld_path else {}
    loaded = run([str(tree / "app" / program)], env=env).stdout.strip()
    other = "b" if loaded == "a" else "a"
    # the reference itself: DT_RPATH comes before LD_LIBRARY_PATH, DT_RUNPATH after it
    assert loaded == ("b" if program == "runpath" and ld_path else "a")

    here = search_soname("libtwin.so", str(tree / "app" / program), env=env)
    assert here.found is not None and os.path.realpath(here.found) == str(tree / loaded / "libtwin.so")

    root = Root(str(tree))
    loader = RootLoader(root, {"LD_LIBRARY_PATH": "/" + ld_path} if ld_path else {})
    inside = loader.search("libtwin.so", loader.dynamic(f"/app/{program}"))
    assert inside.found is not None and root.real_host(inside.found) == str(tree / loaded / "libtwin.so")

    # the same steps in both: the winner found, the other copy told as never looked at
    for result in (here, inside):
        told = [(s.outcome, os.path.basename(os.path.dirname(os.path.normpath(s.path)))) for s in result.steps if s.path]
        assert told[0] == ("found", loaded)
        assert ("not-reached", other) in told
    assert [s.outcome for s in here.steps] == [s.outcome for s in inside.steps]
    assert [s.origin for s in here.steps] == [s.origin for s in inside.steps]
    # what explain says first is its own: deps' records carry no preface
    assert inside.preface == []
    assert here.preface == ([] if ld_path else ["LD_LIBRARY_PATH is not set"])


def test_a_missing_soname_walks_every_place_in_both(tree):
    """Nothing holds libnone.so: both replays end at the default folders, in the same order, found nowhere."""
    here = search_soname("libnone.so.9", str(tree / "app" / "rpath"), env={})
    root = Root(str(tree))
    loader = RootLoader(root, {})
    inside = loader.search("libnone.so.9", loader.dynamic("/app/rpath"))
    assert here.found is None and inside.found is None
    assert [s.origin for s in here.steps] == [s.origin for s in inside.steps]
    assert [s.folder for s in here.steps if s.origin == "default"] == [s.folder for s in inside.steps if s.origin == "default"]
    assert inside.steps[[s.origin for s in inside.steps].index("ld.so.cache")].detail == "no ld.so.cache in this root"
