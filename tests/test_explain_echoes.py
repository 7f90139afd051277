"""One finding per failure (issue 21, item 6): the lines that only repeat that a step failed (collect2's ``ld
returned 1``, make's ``Error 1``, ninja's ``FAILED:``, CMake's ``Configuring incomplete``, R's ``Error: loading
failed``) join the finding they follow as its consequence; they are not failures of their own. Each log here
is produced in the test run by the real make, ninja, cmake, R and gcc.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkldoctor.cli import app

MAIN = "extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n"


def produced(cmd: list[str], cwd: Path, env: dict | None = None) -> Path:
    run = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    assert run.returncode != 0, run.stdout
    log = cwd / "build.log"
    log.write_text(run.stdout)
    return log


def explain(log: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["explain", "--no-scan", "--format", "json", *args, str(log)])
    return json.loads(result.stdout)


def errors(document: dict) -> list[dict]:
    return [f for f in document["findings"] if f["severity"] == "error"]


def consequences(finding: dict) -> list[str]:
    return [e for e in finding["evidence"] if e.startswith("then the log says: ")]


def test_make_and_collect2_join_the_link_failure(mkl, tmp_path):
    (tmp_path / "m.c").write_text(MAIN)
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "Makefile").write_text(f"m: m.c\n\tgcc m.c -o m -L{debian} -lmkl_rt\n")
    log = produced(["make"], tmp_path)
    text = log.read_text()
    assert "collect2: error: ld returned 1 exit status" in text and "Error 1" in text
    (finding,) = errors(explain(log, "--install", str(mkl.pip)))
    assert finding["id"] == "missing-symbol"
    said = consequences(finding)
    assert any("collect2: error: ld returned 1 exit status" in e for e in said)
    assert any("make: *** [Makefile:2: m] Error 1" in e for e in said)


def test_each_echo_joins_the_failure_it_follows(mkl, tmp_path):
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "n.c").write_text("int main(void) { return 0; }\n")
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "Makefile").write_text(f"all: m n\nm: m.c\n\tgcc m.c -o m -L{debian} -lmkl_rt\n"
                                       "n: n.c\n\tgcc n.c -o n -lmkl_no_such_layer\n")
    log = produced(["make", "-k"], tmp_path)
    found = errors(explain(log, "--install", str(mkl.pip)))
    assert sorted(f["id"] for f in found) == ["library-not-found", "missing-symbol"]
    by_id = {f["id"]: consequences(f) for f in found}
    assert any("[Makefile:3: m] Error 1" in e for e in by_id["missing-symbol"]), by_id
    assert any("[Makefile:5: n] Error 1" in e for e in by_id["library-not-found"]), by_id
    assert not any("Makefile:5" in e for e in by_id["missing-symbol"])


@pytest.mark.skipif(not shutil.which("ninja"), reason="ninja is not installed (dev/test installs it)")
def test_ninjas_failed_line_joins_the_link_failure(mkl, tmp_path):
    (tmp_path / "m.c").write_text(MAIN)
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "build.ninja").write_text(f"rule link\n  command = gcc $in -o $out -L{debian} -lmkl_rt\nbuild m: link m.c\n")
    log = produced(["ninja"], tmp_path)
    # ninja 1.12 and later say "FAILED: [code=1] m", older ones "FAILED: m"
    (failed,) = [line for line in log.read_text().splitlines() if line.startswith("FAILED: ")]
    assert failed.rstrip().endswith(" m")
    (finding,) = errors(explain(log, "--install", str(mkl.pip)))
    assert finding["id"] == "missing-symbol" and any(failed.strip() in e for e in consequences(finding))


@pytest.mark.skipif(not shutil.which("cmake"), reason="cmake is not installed")
def test_cmakes_configuring_incomplete_joins_the_find_package_failure(tmp_path):
    (tmp_path / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.16)\nproject(p C)\n"
                                             "find_package(MKL CONFIG REQUIRED)\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MKLROOT", "CMAKE_PREFIX_PATH", "MKL_DIR")}
    log = produced(["cmake", "-S", ".", "-B", "build"], tmp_path, env)
    assert "Configuring incomplete, errors occurred!" in log.read_text()
    (finding,) = errors(explain(log))
    assert finding["id"] == "cmake-mkl-config-not-found"
    assert any("Configuring incomplete, errors occurred!" in e for e in consequences(finding))


@pytest.mark.skipif(not shutil.which("R"), reason="R is not installed (dev/test installs r-base-core)")
def test_rs_loading_failed_joins_the_loader_failure(mkl, tmp_path):
    package = tmp_path / "mklpkg"
    (package / "src").mkdir(parents=True)
    (package / "DESCRIPTION").write_text("Package: mklpkg\nVersion: 0.1\nTitle: x\nDescription: x.\nLicense: MIT\n"
                                         "Author: x\nMaintainer: x <x@example.org>\n")
    (package / "NAMESPACE").write_text("useDynLib(mklpkg)\n")
    (package / "src" / "x.c").write_text("#include <mkl.h>\nint mklpkg_threads(void) { return mkl_get_max_threads(); }\n")
    (package / "src" / "Makevars").write_text(f"PKG_CPPFLAGS=-I{mkl.pip}/include\nPKG_LIBS={mkl.pip_lib}/libmkl_rt.so.3\n")
    (tmp_path / "lib").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    log = produced(["R", "CMD", "INSTALL", "-l", str(tmp_path / "lib"), "mklpkg"], tmp_path, env)
    assert "Error: loading failed" in log.read_text() and "ERROR: loading failed" in log.read_text()
    document = explain(log, "--install", str(mkl.pip))
    assert [f["id"] for f in document["findings"]] == ["loader-cannot-find"]  # before issue 21: two unrecognised beside it
    said = consequences(document["findings"][0])
    assert any("Error: loading failed" in e for e in said) and any("ERROR: loading failed" in e for e in said)


def test_a_log_with_only_echoes_is_still_reported(tmp_path):
    (tmp_path / "Makefile").write_text("m:\n\t@echo 'collect2: error: ld returned 1 exit status'; false\n")
    log = produced(["make"], tmp_path)
    (finding,) = errors(explain(log))
    assert finding["id"] == "unrecognised-failure" and "not why" in finding["title"]
    assert not consequences(finding)
