"""Hypothesis over link command lines (seeded, with a deadline): mkldoctor's replay of ld's -l search equals what
the real ld opens (its --verbose 'attempt to open ... succeeded'), versioned-only folders and -l:NAME included;
and explain's fixes for those lines never repeat a -L the line already has, and never stay silent on one that failed."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from conftest import run
from test_list import link_tree

REQUESTS = [("mkl_rt", False), ("mkl_core", False), ("mkl_sequential", False), (":libmkl_rt.so.3", True),
            (":libmkl_core.so", True), (":libmkl_core.a", True)]
FUZZ = settings(max_examples=40, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.function_scoped_fixture],
                derandomize=False)


@pytest.fixture(scope="module")
def folders(mkl, tmp_path_factory):
    top = tmp_path_factory.mktemp("fuzz")
    link_tree([mkl.pip_lib / n for n in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_sequential.so.3")], top / "versioned")
    (top / "c.c").write_text("int mkldoctor_probe(void) { return 0; }\n")
    run(["gcc", "-c", "c.c", "-o", "c.o"], cwd=top)
    (top / "archives").mkdir()
    for name in ("libmkl_core.a", "libmkl_rt.a"):
        run(["ar", "rcs", str(top / "archives" / name), "c.o"], cwd=top)
    (top / "empty").mkdir()
    (top / "e.c").write_text("int main(void) { return 0; }\n")
    return top, {"versioned": str(top / "versioned"), "debian": str(mkl.debian_lib(mkl.debian_shared)),
                 "archives": str(top / "archives"), "empty": str(top / "empty"), "gone": str(top / "gone")}


def line_strategy(names):
    return st.tuples(st.lists(st.sampled_from(names), unique=True, max_size=4), st.sampled_from(REQUESTS), st.booleans())


def command(top, dirs, request, static):
    name, verbatim = request
    libs = (["-Wl,-Bstatic"] if static else []) + [f"-l{name}"] + (["-Wl,-Bdynamic"] if static else [])
    return ["gcc", str(top / "e.c"), "-o", str(top / "out"), *[f"-L{d}" for d in dirs], *libs]


def real_ld(argv) -> tuple[str | None, str]:
    done = subprocess.run(argv + ["-Wl,--verbose", "-Wl,--unresolved-symbols=ignore-all"], capture_output=True, text=True)
    opened = [m for m in re.findall(r"attempt to open (\S+) succeeded", done.stdout) if "libmkl" in os.path.basename(m)]
    return (os.path.normpath(opened[0]) if opened else None), done.stderr


@seed(20261125)
@FUZZ
@given(data=st.data())
def test_the_l_search_replay_equals_what_ld_opens(folders, data):
    from mkldoctor.explain.linksearch import search_library

    top, named = folders
    keys, request, static = data.draw(line_strategy(sorted(named)))
    dirs = [named[k] for k in keys]
    theirs, stderr = real_ld(command(top, dirs, request, static))
    ours = search_library(request[0], dirs, static, verbatim=request[1])
    assert (os.path.normpath(ours.found) if ours.found else None) == theirs, (dirs, request, static, ours.lines(), stderr)


@seed(20261126)
@FUZZ
@given(data=st.data())
def test_explain_never_repeats_a_L_the_failing_line_has(folders, data):
    from mkldoctor.explain import logparse
    from mkldoctor.explain.diagnosis import explain

    top, named = folders
    keys, request, static = data.draw(line_strategy(sorted(named)))
    dirs = [named[k] for k in keys]
    argv = command(top, dirs, request, static)
    done = subprocess.run(argv, capture_output=True, text=True)
    log = shlex.join(argv) + "\n" + done.stdout + done.stderr
    findings = explain(logparse.parse_bytes(log.encode()), [])  # -l:NAME lines included: no crash
    if done.returncode != 0:
        assert findings, (argv, done.stderr)  # never silent on a failed link
    on_line = {os.path.realpath(d) for d in dirs}
    for finding in findings:
        for fix in finding.fix:
            for folder in re.findall(r"-L(\S+)", fix):
                assert os.path.realpath(folder) not in on_line or "already" in fix, (argv, finding.title, fix)
    if "cannot find -l" in done.stderr and not static and named["versioned"] in dirs and request[0] in ("mkl_rt", "mkl_core", "mkl_sequential"):
        assert any(f"-l:lib{request[0]}.so.3" in fix for finding in findings for fix in finding.fix), [f.fix for f in findings]
