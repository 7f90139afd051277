"""The suite's own rules (tests/conftest.py), on a real pytest run: what a test checked another way is
said at the end of the run without failing it, MKLDOCTOR_NO_SKIP=1 fails a run that skipped, and --alone
chooses the tests that need the machine to themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

TEST = """
import pytest

def test_says(say):
    say("compared another way")

def test_plain():
    pass

@pytest.mark.alone
def test_measures():
    pass

def test_skips():
    if __import__("os").environ.get("SKIP_ONE"):
        pytest.skip("no fixture")
"""


def pytest_run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_x.py").write_text(TEST)
    full = {k: v for k, v in os.environ.items() if k not in ("MKLDOCTOR_NO_SKIP", "SKIP_ONE")}
    full.update(env, PYTHONPATH=str(TESTS))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), *args, "test_x.py"],
                          cwd=tmp_path, env=full, capture_output=True, text=True)


def test_what_a_test_said_is_shown_and_is_no_failure(tmp_path):
    done = pytest_run(tmp_path, MKLDOCTOR_NO_SKIP="1")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if "said by the tests" in line)
    assert lines[header + 1] == "test_x.py::test_says: compared another way"
    assert "4 passed" in done.stdout


def test_a_skip_fails_the_run_under_no_skip(tmp_path):
    assert pytest_run(tmp_path, SKIP_ONE="1").returncode == 0
    done = pytest_run(tmp_path, SKIP_ONE="1", MKLDOCTOR_NO_SKIP="1")
    assert done.returncode == 1
    assert "MKLDOCTOR_NO_SKIP is set and 1 test(s) were skipped: failing the run" in done.stdout


def test_both_hold_under_pytest_xdist(tmp_path):
    """dev/test runs the tests in pytest-xdist's workers: what a worker's test said, and a worker's skip, reach the
    summary and the exit status of the process that prints them."""
    done = pytest_run(tmp_path, "-n", "2", MKLDOCTOR_NO_SKIP="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "test_x.py::test_says: compared another way" in done.stdout.splitlines()
    done = pytest_run(tmp_path, "-n", "2", SKIP_ONE="1", MKLDOCTOR_NO_SKIP="1")
    assert done.returncode == 1
    assert "MKLDOCTOR_NO_SKIP is set and 1 test(s) were skipped: failing the run" in done.stdout


def test_alone_chooses_the_marked_tests_or_the_others(tmp_path):
    """dev/test runs the others in parallel with --alone exclude, then the marked ones with --alone only; without
    the option all run. A run that chose none exits 5, which dev/test reads as nothing to do."""
    done = pytest_run(tmp_path, "-n", "2", "--alone", "exclude", "-W", "error::pytest.PytestUnknownMarkWarning")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("3 passed in")  # xdist's workers deselect: no count here
    done = pytest_run(tmp_path, "--alone", "only", "-W", "error::pytest.PytestUnknownMarkWarning")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 3 deselected" in done.stdout
    assert "4 passed" in pytest_run(tmp_path).stdout
    assert pytest_run(tmp_path, "--alone", "only", "-k", "plain").returncode == 5
