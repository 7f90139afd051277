"""``mkldoctor python`` reading a real environment without importing anything (issue 23).

The environment is the cached venv of fixtures/pyenv.txt (torch 2.13 CPU, numpy 2.4.6, scipy 1.17.1,
scikit-learn 1.9.1, mkl 2026.2 + intel-openmp + tbb, threadpoolctl 3.8). References: threadpoolctl
in a real process of it (which files, which OpenBLAS version), readelf and sha256sum on the same files.
Where pip's configuration names no source of torch's CPU build the environment has no torch: the claims
are checked on its other packages, and what needs torch is said at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app

REFERENCE = ("import json, threadpoolctl, {mods}\n"
             "print(json.dumps(threadpoolctl.threadpool_info()))")


def mkldoctor_python(*args: str, env: dict | None = None) -> tuple[int, dict | str]:
    result = CliRunner().invoke(app, ["python", *args], env=env)
    if "--format" in args and "json" in args:
        return result.exit_code, json.loads(result.stdout)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def threadpool_reference(pyenv) -> list[dict]:
    """What threadpoolctl finds in a process of the environment after importing all four (three without torch)."""
    out = subprocess.run([str(pyenv.python), "-c", REFERENCE.format(mods=", ".join(imports(pyenv)))],
                         capture_output=True, text=True, check=True, timeout=600).stdout
    return json.loads(out.splitlines()[-1])


@pytest.fixture(scope="module")
def mapped(pyenv) -> dict:
    code, doc = mkldoctor_python(str(pyenv.python), "--format", "json")
    assert code == 0, doc  # warnings only
    return doc


def imports(pyenv) -> list[str]:
    return [*(["torch"] if pyenv.has_torch else []), "numpy", "scipy", "sklearn"]


def package(doc: dict, name: str) -> dict:
    return next(p for p in doc["packages"] if p["name"] == name)


def loads(doc: dict, name: str) -> dict[str, dict]:
    return {path: doc["libraries"][path] for path in package(doc, name)["loads"]}


def test_each_package_s_blas_and_threads(pyenv, mapped, threadpool_reference, say):
    numpy, scipy = loads(mapped, "numpy"), loads(mapped, "scipy")
    torch, sklearn = loads(mapped, "torch") if pyenv.has_torch else {}, loads(mapped, "scikit-learn")
    # OpenBLAS: the version and integer size threadpoolctl reads by calling openblas_get_config in the process
    reference = {os.path.realpath(x["filepath"]): x for x in threadpool_reference}
    for libs, integers in ((numpy, "ilp64"), (scipy, "lp64")):
        [(path, lib)] = [(p, x) for p, x in libs.items() if x["kind"] == "openblas"]
        assert lib["version"] == reference[path]["version"] and lib["integers"] == integers, (path, lib)
    # torch: MKL 2024.2 linked into libtorch_cpu.so (threadpoolctl does not see it), GNU layer, LP64, and its libgomp
    if pyenv.has_torch:
        [linked] = [x for x in torch.values() if x["kind"] == "mkl-linked"]
        assert (linked["version"], linked["threading"], linked["integers"]) == ("2024.2", "mkl_gnu_thread", "lp64")
    else:
        assert not [p for p, x in mapped["libraries"].items() if x["kind"] == "mkl-linked"]
        say("no torch in the environment: its MKL 2024.2 linked into libtorch_cpu.so and its libgomp.so.1 not read; "
            "scikit-learn's vendored libgomp alone held against threadpoolctl")
    gomps = {p: x for libs in (torch, sklearn) for p, x in libs.items() if x["runtime"] == "gomp"}
    assert set(gomps) == {p for p, x in reference.items() if x["internal_api"] == "openmp"}
    for path, lib in gomps.items():  # each copy told by its bytes: sha256sum agrees
        assert lib["sha256"] == subprocess.run(["sha256sum", path], capture_output=True, text=True).stdout.split()[0]
    expected = [True, False] if pyenv.has_torch else [True]
    assert [x["vendored"] for p, x in sorted(gomps.items())] == expected  # scikit_learn.libs/ vs torch/lib/
    # the mkl wheel: its 26 libraries, loaded by nothing; the threadpoolctl reference sees no MKL either
    mkl = package(mapped, "mkl")
    assert len(mkl["ships"]) == len([n for n in os.listdir(pyenv.root / "lib") if n.startswith("libmkl_")])
    assert all(not mapped["libraries"][p]["users"] for p in mkl["ships"])
    assert not any(x["internal_api"] == "mkl" for x in threadpool_reference)


def test_what_the_modules_need_is_what_readelf_says(pyenv, mapped):
    """numpy's extension modules reach its vendored OpenBLAS through DT_NEEDED (readelf, the reference)."""
    module = next(pyenv.site.glob("numpy/_core/_multiarray_umath.cpython-311-*.so"))
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", subprocess.run(["readelf", "-d", str(module)], capture_output=True,
                                                               text=True).stdout)
    [openblas] = [n for n in needed if "openblas" in n]
    assert any(os.path.basename(p) == openblas for p in package(mapped, "numpy")["loads"])


def test_findings_of_the_issue_environment(pyenv, mapped, say, tmp_path):
    ids = {f["id"]: f for f in mapped["findings"]}
    if pyenv.has_torch:
        assert set(ids) == {"python-openmp-several", "python-mkl-unused"}, sorted(ids)
        several = ids["python-openmp-several"]
        assert sum("libgomp" in line for line in several["evidence"][:2]) == 2
    else:  # one OpenMP runtime (scikit-learn's libgomp): three pools, no clash; mkl-service brings libiomp5 beside it
        assert set(ids) == {"python-thread-pools", "python-mkl-unused"}, sorted(ids)
        env = pyenv.clone(tmp_path / "env", "mkl-service==2.8.0")
        several = {f["id"]: f for f in mkldoctor_python(str(env.python), "--format", "json")[1]["findings"]}[
            "python-openmp-several"]
        assert sorted(re.sub(r"\W.*", "", os.path.basename(line.split(":")[0])) for line in several["evidence"][:2]) == [
            "libgomp", "libiomp5"]
        say("no torch in the environment: its libgomp beside scikit-learn's not read; the several-runtimes finding "
            "checked with mkl-service's libiomp5 instead")
    assert "--import" in several["confirm"][0]
    unused = ids["python-mkl-unused"]
    assert unused["fix"][0].endswith("-m pip uninstall mkl intel-openmp tbb   # nothing loads them")
    code, _ = mkldoctor_python(str(pyenv.python), "--strict", "--format", "json")
    assert code == 1


def test_text_output_names_each_package(pyenv, say):
    code, text = mkldoctor_python(str(pyenv.python))
    assert code == 0
    assert re.search(r"^numpy 2\.4\.6\n  BLAS    OpenBLAS 0\.3\.31\.188\.0 with 64-bit integers", text, re.MULTILINE)
    if pyenv.has_torch:
        assert re.search(r"^torch 2\.13\.0\+cpu\n  BLAS    MKL 2024\.2 linked in, threading layer mkl_gnu_thread, "
                         r"interface lp64", text, re.MULTILINE)
    else:
        assert re.search(r"^scikit-learn 1\.9\.1\n  OpenMP  libgomp, a vendored copy, sha256 [0-9a-f]{12}: "
                         r"scikit_learn\.libs/libgomp-", text, re.MULTILINE)
        say("no torch in the environment: its 'MKL 2024.2 linked in' line not read")
    assert "nothing was imported" in text and "warning[python-mkl-unused]" in text


def test_the_active_environment_is_the_default(pyenv):
    code, doc = mkldoctor_python("--format", "json", env={"VIRTUAL_ENV": str(pyenv.root)})
    assert doc["environment"]["prefix"] == str(pyenv.root) and doc["environment"]["kind"] == "venv"
    assert "VIRTUAL_ENV" in doc["environment"]["how"][0]


def test_reading_runs_nothing_of_the_environment(pyenv, tmp_path):
    """A .pth import line, a sitecustomize and a package's __init__ would each write a marker if run."""
    env = pyenv.clone(tmp_path / "env")
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'a').write('x')"
    (env.site / "zz_evil.pth").write_text(f"import os; {payload}\n")
    (env.site / "sitecustomize.py").write_text(payload + "\n")
    (env.site / "evilpkg").mkdir()
    (env.site / "evilpkg" / "__init__.py").write_text(payload + "\n")
    code, doc = mkldoctor_python(str(env.python), "--format", "json")
    assert code == 0 and not marker.exists()
    assert {p["name"] for p in doc["packages"]} >= {"numpy", *(["torch"] if pyenv.has_torch else [])}
    # and the same process run the ordinary way does run them: the markers were live
    subprocess.run([str(env.python), "-c", "pass"], check=True)
    assert marker.exists()


@pytest.mark.parametrize("args, says", [
    (["/nonexistent/bin/python"], "no such interpreter"),
    (["--import", "torch;rm"], "--import"),
    (["--format", "yaml"], "--format"),
])
def test_bad_input_is_one_line(pyenv, args, says):
    result = CliRunner().invoke(app, ["python", *(args if args[0].startswith("/") else [str(pyenv.python), *args])])
    assert result.exit_code == 2 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_a_script_that_is_not_an_interpreter_is_refused(tmp_path):
    script = tmp_path / "python3"
    script.write_text("#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n")
    script.chmod(0o755)
    result = CliRunner().invoke(app, ["python", str(script)])
    assert result.exit_code == 2 and "is a script, not an interpreter" in result.stderr


def test_pyenv_shim_stands_for_its_version(tmp_path):
    """pyenv's shim (a shell script) is read as pyenv reads it: PYENV_VERSION, .python-version, $PYENV_ROOT/version."""
    root = tmp_path / "pyenv"
    prefix = root / "versions" / "3.11.9"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib/python3.11/site-packages").mkdir(parents=True)
    shutil.copy(os.path.realpath("/usr/bin/python3"), prefix / "bin" / "python3.11")  # as pyenv lays it out
    os.symlink("python3.11", prefix / "bin" / "python3")
    (root / "version").write_text("3.11.9\n")
    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text('#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT="/root/.pyenv"\nexec "pyenv" exec "$program" "$@"\n')
    shim.chmod(0o755)
    env = {"PYENV_ROOT": str(root), "PATH": f"{shim.parent}:/usr/bin", "VIRTUAL_ENV": "", "CONDA_PREFIX": ""}
    code, doc = mkldoctor_python("--format", "json", env=env)
    assert doc["environment"]["interpreter"] == str(prefix / "bin" / "python3"), doc["environment"]
    assert any("pyenv's shim: version 3.11.9" in line for line in doc["environment"]["how"])
    assert (doc["environment"]["prefix"], doc["environment"]["kind"], doc["environment"]["version"]) == (str(prefix), "prefix", "3.11")
    assert str(prefix / "lib/python3.11/site-packages") in doc["environment"]["site_dirs"]


def test_check_includes_the_project_s_python_environment(pyenv, tmp_path, say):
    """check reads the project's .venv (or the active environment) the same way, and nothing else of Python."""
    project = tmp_path / "project"
    project.mkdir()
    pyenv.clone(project / ".venv")
    clean = {"VIRTUAL_ENV": "", "CONDA_PREFIX": ""}
    result = CliRunner().invoke(app, ["check", str(project), "--format", "json"], env=clean)
    found = {f["id"] for f in json.loads(result.stdout)["findings"]}
    assert {"python-mkl-unused", *(["python-openmp-several"] if pyenv.has_torch else [])} <= found
    if not pyenv.has_torch:
        say("no torch in the environment: check's python-openmp-several (torch's libgomp beside scikit-learn's) not seen")
    bare = tmp_path / "bare"
    bare.mkdir()
    result = CliRunner().invoke(app, ["check", str(bare), "--format", "json"], env=clean)
    assert not any(f["id"].startswith("python-") for f in json.loads(result.stdout)["findings"])
    result = CliRunner().invoke(app, ["check", str(bare), "--format", "json"], env={**clean, "VIRTUAL_ENV": str(pyenv.root)})
    assert "python-mkl-unused" in {f["id"] for f in json.loads(result.stdout)["findings"]}


def test_a_fifo_named_like_a_library_does_not_block_the_read(pyenv, tmp_path):
    env = pyenv.clone(tmp_path / "env")
    os.mkfifo(env.site / "_evil.cpython-311-x86_64-linux-gnu.so")
    (env.site / "evil.libs").mkdir()
    os.mkfifo(env.site / "evil.libs" / "libgomp-deadbeef.so.1")
    done = subprocess.run([sys.executable, "-m", "mkldoctor", "python", str(env.python), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["environment"]["prefix"] == str(env.root)
