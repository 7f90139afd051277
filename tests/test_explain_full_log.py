"""A build tool's last lines name the file that holds its whole output (CMake's "See also .../CMakeError.log", Spack's
"See build log for details:"): an unrecognised failure's fix names that file for explain. Produced with the real CMake."""

from __future__ import annotations

import os
import subprocess

from mkldoctor.explain import logparse
from mkldoctor.explain.diagnosis import explain


def test_cmakes_error_log_is_named_in_the_fix(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n")
    done = subprocess.run(["cmake", "-S", str(tmp_path), "-B", str(tmp_path / "b")], capture_output=True, text=True,
                          env={**os.environ, "CFLAGS": "-fno-such-flag-mkldoctor", "LC_ALL": "C"})
    assert done.returncode != 0
    log = done.stdout + done.stderr
    # CMake 3.25 names CMakeError.log; CMake 3.26 and newer name CMakeConfigureLog.yaml
    [named] = [name for name in ("CMakeError.log", "CMakeConfigureLog.yaml") if f"CMakeFiles/{name}" in log] or [None]
    assert named, log[-800:]
    errors = [f for f in explain(logparse.parse_bytes(log.encode()), []) if f.severity == "error"]
    assert errors and all(f.id == "unrecognised-failure" for f in errors)
    assert any(f"mkldoctor explain {tmp_path}/b/CMakeFiles/{named}" in line for f in errors for line in f.fix)


def test_spacks_build_log_after_its_exit_status():
    log = ("==> Error: ProcessError: Command exited with status 2:\n    'make' '-j16'\n\nSee build log for details:\n"
           "  /tmp/root/spack-stage/spack-stage-foo-1.0-abc/spack-build-out.txt\n")
    [finding] = [f for f in explain(logparse.parse_bytes(log.encode()), []) if f.severity == "error"]
    assert finding.fix[0].startswith("the tool named the file that holds its whole output: mkldoctor explain "
                                     "/tmp/root/spack-stage/spack-stage-foo-1.0-abc/spack-build-out.txt")
