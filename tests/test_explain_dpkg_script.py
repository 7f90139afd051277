"""dpkg's failing maintainer script of an MKL package, produced with the real dpkg in a private database (--admindir,
--instdir: nothing of the system's is read or changed): a package whose old pre-removal script fails on files that are
gone (microsoft/microsoft-r-open#10's shape), and one whose pre-installation script fails."""

from __future__ import annotations

import os
import subprocess

from tests.test_explain_families import flat, only_error


def _package(root, version: str, script: str) -> str:
    (root / "pkg" / "DEBIAN").mkdir(parents=True, exist_ok=True)
    (root / "pkg" / "DEBIAN" / "control").write_text(
        f"Package: libmkl-probe\nVersion: {version}\nArchitecture: all\nMaintainer: probe <probe@localhost>\nDescription: probe\n")
    for name in ("preinst", "prerm"):
        (root / "pkg" / "DEBIAN" / name).unlink(missing_ok=True)
    path = root / "pkg" / "DEBIAN" / script
    path.write_text("#!/bin/sh\nmv /nonexistent/backup/lib/*.so /nonexistent/ || exit 1\n")
    path.chmod(0o755)
    deb = root / f"libmkl-probe_{version}_all.deb"
    subprocess.run(["dpkg-deb", "-b", str(root / "pkg"), str(deb)], check=True, capture_output=True)
    return str(deb)


def _dpkg(root, deb: str) -> subprocess.CompletedProcess:
    admin = root / "admin"
    (admin / "updates").mkdir(parents=True, exist_ok=True)
    (admin / "info").mkdir(exist_ok=True)
    (admin / "status").touch()
    (root / "inst").mkdir(exist_ok=True)
    return subprocess.run(["dpkg", f"--admindir={admin}", f"--instdir={root / 'inst'}", "--force-not-root",
                           "--force-script-chrootless", "-i", deb], capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C"})


def test_an_mkl_packages_old_removal_script_failing(tmp_path):
    assert _dpkg(tmp_path, _package(tmp_path, "1.0", "prerm")).returncode == 0
    done = _dpkg(tmp_path, _package(tmp_path, "1.1", "prerm"))
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "old libmkl-probe package pre-removal script subprocess returned error" in log, log
    finding = only_error(log)
    assert finding.id == "package-script-failed" and "the old pre-removal script" in finding.title, flat(finding)
    assert "--force-remove-reinstreq libmkl-probe" in finding.fix[0]
    assert finding.evidence[0].startswith("mv: cannot stat")


def test_an_mkl_packages_installation_script_failing(tmp_path):
    done = _dpkg(tmp_path, _package(tmp_path, "1.0", "preinst"))
    log = done.stdout + done.stderr
    assert done.returncode != 0 and "new libmkl-probe package pre-installation script subprocess returned error" in log, log
    finding = only_error(log)
    assert finding.id == "package-script-failed" and finding.title == ("dpkg could not install libmkl-probe: its new "
                                                                        "pre-installation script failed"), flat(finding)
