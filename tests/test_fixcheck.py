"""explain's fixes are checked against the failure they answer, and the kept fix is run through the real ld."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from mkldoctor.cli import app
from test_list import link_tree

runner = CliRunner()
MAIN = "extern void hgemm_(void);\nint main(void) { hgemm_(); return 0; }\n"


def explain(log: Path, *args: str):
    result = runner.invoke(app, ["explain", "--format", "json", *args, str(log)])
    return json.loads(result.stdout)


def gcc(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["gcc", *args], cwd=cwd, capture_output=True, text=True)


def test_a_versioned_only_folder_already_on_the_line_gets_l_colon_not_the_same_L(mkl, tmp_path):
    prefix = tmp_path / "pip-prefix"  # a pip prefix with libmkl_rt.so.3 and no libmkl_rt.so link
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], prefix)
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "m.c").write_text(MAIN)
    args = ["m.c", "-o", "m", f"-L{prefix}", f"-L{debian}", "-lmkl_rt"]
    failed = gcc(args + ["-Wl,-t"], tmp_path)
    assert failed.returncode != 0 and f"{debian}/libmkl_rt.so" in failed.stdout + failed.stderr  # ld took Debian's
    log = tmp_path / "build.log"
    log.write_text(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    document = explain(log, "--install", str(prefix))
    fixes = [line for f in document["findings"] for line in f["fix"]]
    assert not any(re.search(rf"-L{re.escape(str(prefix))}(\s|$)", line) and "already" not in line for line in fixes), fixes
    offered = next(line for line in fixes if "-l:" in line).split("#")[0].split()
    assert offered == ["-l:libmkl_rt.so.3"]
    # the offered fix, applied to the same line, makes the real ld take the pip copy and link
    fixed = gcc([a for a in args if a != "-lmkl_rt"] + offered + ["-Wl,-t"], tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert f"{prefix}/libmkl_rt.so.3" in fixed.stdout + fixed.stderr


def test_a_missing_versioned_soname_is_not_answered_with_debians_packages(mkl, tmp_path):
    debian_soname = subprocess.run(["readelf", "-d", str(mkl.debian_lib(mkl.debian_shared) / "libmkl_intel_lp64.so")],
                                   capture_output=True, text=True).stdout
    assert "Library soname: [libmkl_intel_lp64.so]" in debian_soname  # what Debian's libmkl-dev can provide
    (tmp_path / "m.c").write_text("#include <mkl.h>\nint main(void) { return mkl_get_max_threads() < 0; }\n")
    built = gcc(["m.c", "-o", "m", f"-I{mkl.pip}/include", f"{mkl.pip_lib}/libmkl_intel_lp64.so.3",
                 f"{mkl.pip_lib}/libmkl_sequential.so.3", f"{mkl.pip_lib}/libmkl_core.so.3", "-lpthread", "-lm", "-ldl"], tmp_path)
    assert built.returncode == 0, built.stderr
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    ran = subprocess.run([str(tmp_path / "m")], capture_output=True, text=True, env=env)
    assert ran.returncode != 0 and "libmkl_intel_lp64.so.3" in ran.stderr
    log = tmp_path / "run.log"
    log.write_text(ran.stderr)
    document = explain(log)
    (finding,) = [f for f in document["findings"] if f["id"] == "loader-cannot-find"]
    assert not any("libmkl-dev" in line or line.startswith("Debian:") for line in finding["fix"]), finding["fix"]
    assert any("unversioned sonames" in e for e in finding["evidence"])
    assert finding["fix"]  # other channels (pip, Intel's) remain


def test_a_fix_is_run_before_it_is_offered_and_the_one_that_fails_is_replaced(mkl, tmp_path):
    """Issue 21's case: `-L<old> -lmkl_rt` lacks hgemm_; the copy that has it holds only libmkl_rt.so.3, so
    `-L<new>` first still links the old libmkl_rt.so. explain runs both lines with the real gcc and ld."""
    prefix = tmp_path / "pip-prefix"
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], prefix)
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "m.c").write_text(MAIN)
    args = ["m.c", "-o", "m", f"-L{debian}", "-lmkl_rt"]
    failed = gcc(args, tmp_path)
    assert failed.returncode != 0 and "undefined reference to `hgemm_'" in failed.stderr
    log = tmp_path / "build.log"
    log.write_text(shlex.join(["gcc", *args]) + "\n" + failed.stderr)
    document = explain(log, "--no-scan", "--install", str(prefix))
    (finding,) = [f for f in document["findings"] if f["id"] == "missing-symbol"]
    assert not any(line.startswith("put the copy that has hgemm_ first") for line in finding["fix"]), finding["fix"]
    assert any(e.startswith(f"not offered: put the copy that has hgemm_ first: -L{prefix}") and "still fails the same way" in e
               for e in finding["evidence"])
    offered = next(line for line in finding["fix"] if "-l:libmkl_rt.so.3" in line)
    assert f"-L{prefix} -l:libmkl_rt.so.3 in place of -lmkl_rt" in offered
    assert any(e.startswith("proven here: ") and e.endswith(" links") for e in finding["evidence"])
    # the offered change, made by hand to the same line: the real link succeeds, and nothing was written beside it
    fixed = gcc(["m.c", "-o", "m2", f"-L{prefix}", f"-L{debian}", "-l:libmkl_rt.so.3"], tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.log", "m.c", "m2", "pip-prefix"]


def test_explain_command_never_offers_a_folder_already_on_it_and_proves_what_it_offers(mkl, tmp_path):
    (tmp_path / "m.c").write_text(MAIN)
    debian = mkl.debian_lib(mkl.debian_shared)
    prefix = tmp_path / "pip-prefix"
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], prefix)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["explain", "--no-scan", "--format", "json", "--install", str(prefix), "--",
                                     "gcc", "m.c", "-o", "m", f"-L{prefix}", f"-L{debian}", "-lmkl_rt"])
    finally:
        os.chdir(cwd)
    document = json.loads(result.stdout)
    assert document["origin"]["verdict"] == "here"
    fixes = [line for f in document["findings"] for line in f["fix"]]
    assert not any(re.search(rf"-L{re.escape(str(prefix))}(\s|$)", line) and "already" not in line for line in fixes), fixes
    assert any(line.strip().startswith("-l:libmkl_rt.so.3") for line in fixes)
    evidence = [e for f in document["findings"] for e in f["evidence"]]
    assert any(e.startswith("proven here: the failing line with -l:libmkl_rt.so.3 in place of -lmkl_rt links") for e in evidence)
    assert not (tmp_path / "m").exists()  # CMD failed; the proofs linked in a folder of their own


def test_a_fix_that_adds_a_library_in_a_folder_already_on_the_line_is_offered(mkl, tmp_path):
    """MKL's Intel threading layer without -liomp5, its folder already on the line: the fix "-L<that folder> -liomp5" adds
    a library, so it is no repeat of the line's own folder: offered, and proven (it was dropped as "already has it", and
    only the useless "-L is already on the failing line" was left)."""
    (tmp_path / "m.c").write_text(MAIN)
    lib = mkl.pip_lib
    layers = [f"-l:{next(lib.glob(f'lib{name}.so.*')).name}" for name in ("mkl_intel_lp64", "mkl_intel_thread", "mkl_core")]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["explain", "--no-scan", "--format", "json", "--", "gcc", "m.c", "-o", "m", f"-L{lib}",
                                     *layers, "-lpthread", "-lm", "-ldl"])
    finally:
        os.chdir(cwd)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert finding["id"] == "openmp-runtime-missing", finding
    assert finding["fix"][0].endswith(f"-L{lib} -liomp5 -lpthread -lm -ldl"), finding["fix"]
    assert not any("already" in line for line in finding["fix"] + finding["evidence"]), finding
    assert any(e.startswith("proven here:") and "-liomp5" in e and e.endswith("links") for e in finding["evidence"]), finding


def test_explain_make_proves_the_link_line_make_echoed(mkl, tmp_path):
    prefix = tmp_path / "pip-prefix"
    link_tree([mkl.pip_lib / "libmkl_rt.so.3"], prefix)
    debian = mkl.debian_lib(mkl.debian_shared)
    (tmp_path / "m.c").write_text(MAIN)
    (tmp_path / "Makefile").write_text(f"m: m.c\n\tgcc m.c -o m -L{debian} -lmkl_rt\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["explain", "--no-scan", "--quiet", "--format", "json", "--install", str(prefix), "--", "make"])
    finally:
        os.chdir(cwd)
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["id"] == "missing-symbol"]
    assert any(e.startswith("proven here: ") and "-l:libmkl_rt.so.3 in place of -lmkl_rt links" in e for e in finding["evidence"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Makefile", "m.c", "pip-prefix"]
