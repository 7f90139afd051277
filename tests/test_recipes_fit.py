"""Install recipes that work where they are printed (issue 24): a venv line where ``python3`` is externally
managed (PEP 668), ``sudo`` only for a user who is not root and where sudo is there.

The proof is the real thing: Debian's ``/usr/bin/python3`` carries the marker and its pip refuses the plain line
(``externally-managed-environment``); the line check prints runs, resolving the real mkl wheels of the fixtures
(``--dry-run``, no index: nothing is downloaded or installed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.knowledge.target import MARKER, _host
from test_list import link_tree

runner = CliRunner()
DEBIAN_PYTHON = Path("/usr/bin/python3")
VENV_LINE = "python3 -m venv ~/.venvs/mkl && ~/.venvs/mkl/bin/python3 -m pip install"


def debian_python() -> Path:
    """Debian's interpreter and its marker (dev/test installs python3, python3-venv and python3-pip)."""
    real = DEBIAN_PYTHON.resolve()
    marker = Path("/usr/lib") / real.name / MARKER
    assert real.is_file() and marker.is_file(), f"{real} carries no {marker}: these tests would prove nothing"
    return real


def recipe_lines(document: dict, name_start: str) -> list[str]:
    (name,) = [name for name in document["recipes"] if name.startswith(name_start)]
    return document["recipes"][name]


@pytest.mark.mkl
def test_the_printed_pip_line_runs_where_the_plain_one_is_refused(mkl, tmp_path):
    real = debian_python()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(real)  # python3 on PATH is Debian's, as on a stock machine
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path / "home"), "MKLROOT": None, "VIRTUAL_ENV": None,
           "PYTHONPATH": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    (tmp_path / "home").mkdir()
    result = runner.invoke(app, ["check", str(tmp_path / "home"), "--search", str(mkl.debian_static / "usr"),
                                 "--min-version", "2026.2", "--format", "json"], env=env)
    assert result.exit_code == 1, result.output
    lines = recipe_lines(json.loads(result.stdout), "install-static-mkl-2026.2")
    (pip,) = [line for line in lines if line.startswith("pip:")]
    line = pip.removeprefix("pip:").strip()
    assert line == f"{VENV_LINE} 'mkl-static>=2026.2' 'mkl-include>=2026.2'"
    assert lines[lines.index(pip) + 1].strip() == ("# python3 there is externally managed (PEP 668): MKL goes into a venv "
                                                   "of its own; MKLROOT=~/.venvs/mkl")
    offline = f" --no-index --no-deps --find-links {mkl.root / 'wheels'} --dry-run"
    shell_env = {**{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
                 "PATH": env["PATH"], "HOME": env["HOME"]}
    plain = subprocess.run(["bash", "-c", "python3 -m pip install 'mkl-static>=2026.2' 'mkl-include>=2026.2'" + offline],
                           capture_output=True, text=True, env=shell_env, timeout=300)
    assert plain.returncode != 0 and "externally-managed-environment" in plain.stderr
    printed = subprocess.run(["bash", "-c", line + offline], capture_output=True, text=True, env=shell_env, timeout=600)
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert "Would install mkl-include-2026.2.0 mkl-static-2026.2.0" in printed.stdout


def test_a_venvs_python_is_not_externally_managed(tmp_path):
    """A venv made from that same Python: its pip ignores the marker, and the plain line is printed."""
    real = debian_python()
    subprocess.run([str(real), "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=300)
    env = {"PATH": f"{tmp_path / 'venv/bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "MKLROOT": None}
    result = runner.invoke(app, ["check", str(tmp_path), "--min-version", "2099.1", "--format", "json"], env=env)
    document = json.loads(result.stdout)
    lines = [line for lines in document["recipes"].values() for line in lines if line.startswith("pip:")]
    assert lines and all(line.split(":", 1)[1].strip().startswith("python3 -m pip install ") for line in lines), lines


@pytest.mark.mkl
def test_a_sysroot_with_an_externally_managed_python_and_no_sudo(mkl, tmp_path):
    """Under --root the system in the tree: its python3 (a link to python3.11, the marker beside its standard
    library) gets the venv line; with no sudo there, the apt lines have none (an image's RUN runs as root); with
    sudo there, they use it."""
    real = debian_python()
    root = tmp_path / "root"
    link_tree([mkl.pip_lib / n for n in ("libmkl_rt.so.3", "libmkl_core.so.3", "libmkl_intel_lp64.so.3",
                                         "libmkl_sequential.so.3")], root / "opt/intel/oneapi/mkl/2026.2/lib")
    (root / "usr/bin").mkdir(parents=True)
    shutil.copy2(real, root / "usr/bin" / real.name)
    (root / "usr/bin/python3").symlink_to(real.name)
    (root / "usr/lib" / real.name).mkdir(parents=True)
    shutil.copy2(Path("/usr/lib") / real.name / MARKER, root / "usr/lib" / real.name / MARKER)
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "var/lib/dpkg/status").write_text("")  # apt's database: the Intel apt block is offered
    args = ["check", str(tmp_path), "--root", str(root), "--link", "static", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = recipe_lines(json.loads(result.stdout), "install-static-mkl")
    assert lines[0] == f"pip:       {VENV_LINE} mkl-static mkl-include"
    assert lines[1].strip().startswith("# python3 there is externally managed (PEP 668)")
    assert "           apt-get install intel-oneapi-mkl-devel" in lines and not any("sudo" in line for line in lines)
    (root / "usr/bin/sudo").write_text("#!/bin/sh\n")
    lines = recipe_lines(json.loads(runner.invoke(app, args).stdout), "install-static-mkl")
    assert "           sudo apt-get install intel-oneapi-mkl-devel" in lines and "           sudo apt-get update" in lines
    (root / "usr/lib" / real.name / MARKER).unlink()  # the marker gone, pip installs into that Python again
    lines = recipe_lines(json.loads(runner.invoke(app, args).stdout), "install-static-mkl")
    assert lines[0] == "pip:       python3 -m pip install mkl-static mkl-include"


def test_who_runs_the_commands_on_this_machine():
    """root: no sudo; a user with sudo: sudo; a user without it: the command, said to run as root."""
    assert _host(0, "/usr/bin/sudo", None).privileged("apt-get install x") == "apt-get install x"
    assert _host(0, None, None).privileged("apt-get install x") == "apt-get install x"
    assert _host(1000, "/usr/bin/sudo", None).privileged("apt-get install x") == "sudo apt-get install x"
    assert _host(1000, None, None).privileged("apt-get install x") == "apt-get install x   # as root: there is no sudo here"
    # check's own lines on this machine follow who runs it
    result = runner.invoke(app, ["check", "/", "--min-version", "2099.1", "--format", "json", "--ignore", "several-versions"])
    lines = [line for lines in json.loads(result.stdout)["recipes"].values() for line in lines]
    assert ("sudo " in "\n".join(lines)) == (os.geteuid() != 0 and shutil.which("sudo") is not None)
