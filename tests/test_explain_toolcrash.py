"""A build tool's own MKL code raising a programming error (explain/toolcrash.py): produced with meson 1.8.2's ScaLAPACK
lookup on MKL's own .pc files with MKLROOT unset (the pinned wheel of fixtures/pyenv-extra.txt, unpacked), and read from
the public logs of the blind set (meson's TypeError of mesonbuild/meson#11172, Spack's KeyError of spack/spack#38238)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain
from tests.test_explain_heldback_linux import said

BLIND3 = {e["id"]: e for e in json.loads((Path(__file__).parent / "data/explain_corpus/blind3.json").read_text())["entries"]}


def _findings(text: str):
    return explain(logparse.parse_bytes(text.encode()), [])


@pytest.fixture(scope="module")
def old_meson(pyenv, tmp_path_factory) -> Path:
    wheel = next(pyenv.wheels.glob("meson-1.8.2-*.whl"), None)
    if wheel is None:
        pytest.skip("meson 1.8.2's wheel is not in the fixture cache; run: python3 fixtures/fetch_pyenv.py")
    site = tmp_path_factory.mktemp("meson-1.8.2")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


def _setup(site: Path, tmp_path: Path, mkl, mklroot: str | None) -> subprocess.CompletedProcess:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "meson.build").write_text("project('s', 'c')\ndependency('scalapack', required: false)\n")
    env = {k: v for k, v in os.environ.items() if k != "MKLROOT"}
    env.update(PYTHONPATH=str(site), PKG_CONFIG_PATH=str(mkl.pip_lib / "pkgconfig"))
    if mklroot:
        env["MKLROOT"] = mklroot
    build = tmp_path / ("build-set" if mklroot else "build")
    return subprocess.run([sys.executable, "-m", "mesonbuild.mesonmain", "setup", str(build), str(project)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)


def test_meson_crash_with_mklroot_unset_is_read_and_the_fix_holds(old_meson, tmp_path, mkl):
    crashed = _setup(old_meson, tmp_path, mkl, None)
    out = crashed.stdout + crashed.stderr
    assert crashed.returncode != 0 and "Unhandled python exception" in out, out[-2000:]
    findings = _findings(out)
    chosen = [f for f in findings if f.id == "tool-mkl-code-crashed"]
    assert chosen and chosen[0].severity == "error", [(f.id, f.title) for f in findings]
    assert "meson" in chosen[0].title and said(chosen[0], "scalapack.py") and said(chosen[0], "fix:MKLROOT")
    assert not [f for f in findings if f.id == "unrecognised-failure"], [f.title for f in findings]
    # the fix it names: MKLROOT set, and the same meson looks ScaLAPACK up without raising
    fixed = _setup(old_meson, tmp_path, mkl, str(mkl.pip))
    assert fixed.returncode == 0 and "Unhandled python exception" not in fixed.stdout + fixed.stderr, fixed.stdout[-2000:]


@pytest.mark.parametrize("entry_id, tool, word", [
    ("meson-scalapack-mkl-pkgconfig-mklroot-unset-11172", "meson", "fix:MKLROOT"),
    ("spack-intel-oneapi-mkl-cluster-external-no-mpi-38238", "Spack", "fix:~cluster"),
])
def test_public_logs(entry_id, tool, word):
    findings = _findings(BLIND3[entry_id]["log"])
    chosen = [f for f in findings if f.id == "tool-mkl-code-crashed"]
    assert chosen and tool in chosen[0].title and said(chosen[0], word), [(f.id, f.title) for f in findings]
    assert not [f for f in findings if f.id == "unrecognised-failure"]


def test_a_programming_error_that_names_no_mkl_stays_unrecognised():
    log = ('  File "/usr/lib/python3/dist-packages/mesonbuild/interpreter.py", line 10, in func\n'
           "    x = self.compiler / 'bin'\nTypeError: unsupported operand type(s) for /: 'NoneType' and 'str'\n")
    findings = _findings(log)
    assert "tool-mkl-code-crashed" not in {f.id for f in findings}
    assert any(f.id == "unrecognised-failure" for f in findings)
