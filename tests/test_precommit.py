"""The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself: ``pre-commit try-repo`` builds
the hook's own environment from a git repository of this checkout's files (as a clone would have them,
new files included) and runs it in a small git project. The hook runs when a build file or a source changes and fails on an error finding."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from test_setup import REPO, checkout_copy

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=project, check=True,
                   capture_output=True)


def test_the_hook_definition():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "mkldoctor-check" and hook["entry"] == "mkldoctor check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ("Cargo.toml", "app/Cargo.lock", "CMakeLists.txt", "cmake/FindX.cmake", "src/main.rs",
                                         "main.c", "pyproject.toml", "Makefile"))
    assert not any(files.search(p) for p in ("README.md", "docs/Cargo.toml.md", "notes.txt"))


def test_pre_commit_runs_the_hook_from_this_checkout(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / "README.md").write_text("a project\n")
    (project / "Makefile").write_text("app: main.c\n\tcc main.c -lmkl_rt\n")
    (project / "main.c").write_text("int main(void) { return 0; }\n")
    # whatever MKL this machine has (or none), this cannot pass: a release that does not exist yet
    (project / "mkldoctor.toml").write_text('min-version = "2099.1"\nrequire-symbol = ["hgemm_"]\n')
    git(project, "add", "README.md")
    repo = checkout_copy(tmp_path / "hook-repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the checkout")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_COLOR="1", HOME=str(tmp_path))
    env.setdefault("PIP_CACHE_DIR", str(Path(os.path.expanduser("~")) / ".cache" / "pip"))  # HOME moved: keep pip's cache

    # only README.md staged: no build file or source changed, the hook is skipped
    skipped = subprocess.run([*PRE_COMMIT, "try-repo", str(repo), "mkldoctor-check"], cwd=project, env=env,
                             capture_output=True, text=True, timeout=900)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert re.search(r"^mkldoctor check\.+\(no files to check\)Skipped$", skipped.stdout, re.M), skipped.stdout

    git(project, "add", "-A")  # now a build file is staged: the hook runs
    ran = subprocess.run([*PRE_COMMIT, "try-repo", str(repo), "mkldoctor-check"], cwd=project, env=env,
                         capture_output=True, text=True, timeout=900)
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert re.search(r"^mkldoctor check\.+Failed$", ran.stdout, re.M) and "- exit code: 1" in ran.stdout
    assert re.search(r"^error\[(too-old|no-mkl|version-unknown)\]: ", ran.stdout, re.M), ran.stdout
    assert "[INFO] Installing environment for" in ran.stdout + skipped.stdout  # its own environment, built from the repo
