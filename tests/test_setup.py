"""The README's main-job line, as written there, works on a Python that carries PEP 668's marker.

Debian 12 and Ubuntu 23.04+ mark their system Python ``EXTERNALLY-MANAGED``: a plain
``pip install`` into it stops. The line must make its own environment and run ``check``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DEBIAN_PYTHON = "/usr/bin/python3"


def main_job_line() -> str:
    """The first indented command after 'Run the main job' in the README."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("Run the main job"):]
    match = re.search(r"^    (\S.*)$", section, re.M)
    assert match, "README: no command under 'Run the main job'"
    return match.group(1)


def marker_of(python: str) -> Path:
    stdlib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    return Path(stdlib) / "EXTERNALLY-MANAGED"


def checkout_copy(dest: Path) -> Path:
    """The files a fresh clone would have (tracked, plus new ones not ignored), nothing built."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in names)):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def debian_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = "/usr/bin:/bin"  # Debian's python3 first, as on a stock machine
    return env


@pytest.mark.skipif(not Path(DEBIAN_PYTHON).exists(), reason="no /usr/bin/python3 (dev/test installs Debian's)")
def test_readme_main_job_runs_on_an_externally_managed_python(tmp_path):
    marker = marker_of(DEBIAN_PYTHON)
    assert marker.is_file(), f"{DEBIAN_PYTHON} carries no {marker}: this test would prove nothing"
    clone = checkout_copy(tmp_path / "clone")
    env = debian_env()

    # The old line fails there, as the issue reported: the marker is in force.
    old = subprocess.run(["bash", "-c", "python3 -m pip install --dry-run ."], cwd=clone, env=env,
                         capture_output=True, text=True, timeout=300)
    assert old.returncode != 0 and "externally-managed-environment" in old.stderr

    line = main_job_line()
    done = subprocess.run(["bash", "-c", line], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert re.search(r"^\d+ error\(s\), \d+ warning\(s\), \d+ note\(s\)$", done.stdout, re.M), done.stdout
    # pip says what it does while it works (the line has no -q: 49 s of silence before), before check's report
    assert re.search(r"^Successfully installed .*mkldoctor-", done.stdout, re.M), done.stdout[:3000]
    assert done.stdout.index("Successfully installed") < done.stdout.index(" error(s), ")
    # It ran Debian's interpreter in its own environment, and wrote nothing into the system Python.
    venv_cfg = (clone / ".venv" / "pyvenv.cfg").read_text()
    assert re.search(r"^home = /usr/bin$", venv_cfg, re.M), venv_cfg
    system_sites = [Path("/usr/lib/python3/dist-packages"), *Path("/usr/local/lib").glob("python3*/dist-packages")]
    assert not [p for site in system_sites for p in site.glob("mkldoctor*")], "installed into Debian's Python"
