"""``link --verify`` for the format that was printed, not only the flags line.

``cmake``: a generated project (the printed snippet, for target ``app``) is configured, built
and run with the cmake on PATH, in this environment (``MKLROOT``, ``CMAKE_PREFIX_PATH``, other
copies and all). ``pkg-config``: the program is compiled with what ``pkg-config --cflags --libs``
answers for the printed ``.pc`` name and ``PKG_CONFIG_PATH``. Every route ends by running the
program, and the MKL that ``mkl_get_version_string`` reports must be the copy asked for.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile

from mkldoctor.link.formats import cmake_snippet
from mkldoctor.link.linkline import LinkLine
from mkldoctor.link.verify import HGEMM_CALL, HGEMM_DECL, PROGRAM, VerifyResult, program_env, verify
from mkldoctor.programs import find_program

ROUTES = {"cmake": "the CMake project (configure, build, run)",
          "pkg-config": "the pkg-config route (pkg-config --cflags --libs, build, run)"}


def route(fmt: str, line: LinkLine) -> str:
    if fmt == "pkg-config" and not line.pkg_config:
        return "the flags line (this copy ships no .pc file for it)"
    return ROUTES.get(fmt, "the flags line")


def same_version(output: str, version: str | None) -> bool:
    """Whether ``mkl_get_version_string`` (``Version 2026.2-Product``, ``Version 2020.0.4 Product``) is ``version``."""
    match = re.match(r"(\d{4})\.(\d+)", version or "")
    if not match:
        return True
    return re.search(rf"Version {match.group(1)}(?:\.0)?\.{match.group(2)}\b", output) is not None


def _source(hgemm: bool) -> str:
    return PROGRAM % {"hgemm_decl": HGEMM_DECL if hgemm else "", "hgemm_call": HGEMM_CALL if hgemm else ""}


def _run(command: list[str], log: list[str], timeout: float, env: dict[str, str] | None = None, cwd: str | None = None):
    log.append(shlex.join(command))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd, errors="replace")
    except (OSError, subprocess.SubprocessError) as exc:
        log.append(str(exc))
        return None
    log.append(done.stdout + done.stderr)
    return done


def _run_program(exe: str, line: LinkLine, log: list[str], command: list[str], timeout: float) -> VerifyResult:
    ran = _run([exe], log, timeout, env=program_env(line))
    if ran is None:
        return VerifyResult(False, "run", "\n".join(log), command)
    output = ran.stdout + ran.stderr
    ok = ran.returncode == 0 and "mkldoctor-verify ok" in ran.stdout
    return VerifyResult(ok, "ok" if ok else "run", "\n".join(log), command, output)


def verify_cmake(line: LinkLine, *, hgemm: bool = False, cc: str = "gcc", timeout: float = 300.0) -> VerifyResult:
    tool = find_program("cmake")
    if tool is None:
        return VerifyResult(False, "configure", "cmake is not on PATH: the cmake format cannot be verified\n", ["cmake"])
    work = tempfile.mkdtemp(prefix="mkldoctor-verify-cmake-")
    try:
        with open(os.path.join(work, "verify.c"), "w", encoding="utf-8") as handle:
            handle.write(_source(hgemm))
        lists = ["cmake_minimum_required(VERSION 3.16)", "project(mkldoctor_verify C)", "add_executable(app verify.c)",
                 *cmake_snippet(line)]
        with open(os.path.join(work, "CMakeLists.txt"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(lists) + "\n")
        log = ["# CMakeLists.txt:", *("#   " + l for l in lists)]
        build = os.path.join(work, "build")
        command = [tool, "-S", work, "-B", build, f"-DCMAKE_C_COMPILER={cc}"]
        done = _run(command, log, timeout)
        if done is None or done.returncode != 0:
            return VerifyResult(False, "configure", "\n".join(log), command)
        done = _run([tool, "--build", build], log, timeout)
        if done is None or done.returncode != 0:
            return VerifyResult(False, "compile", "\n".join(log), command)
        return _run_program(os.path.join(build, "app"), line, log, command, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify_pkg_config(line: LinkLine, *, hgemm: bool = False, cc: str = "gcc", timeout: float = 180.0) -> VerifyResult:
    tool = find_program("pkg-config") or find_program("pkgconf")
    if tool is None:
        return VerifyResult(False, "configure", "pkg-config is not on PATH: the pkg-config format cannot be verified\n", ["pkg-config"])
    env = dict(os.environ)
    old = env.get("PKG_CONFIG_PATH")
    env["PKG_CONFIG_PATH"] = line.pkg_config_dir + (":" + old if old else "")
    log = [f"export PKG_CONFIG_PATH={shlex.quote(env['PKG_CONFIG_PATH'])}"]
    command = [tool, "--cflags", "--libs", line.pkg_config]
    done = _run(command, log, timeout, env=env)
    if done is None or done.returncode != 0:
        return VerifyResult(False, "configure", "\n".join(log), command)
    flags = shlex.split(done.stdout)
    work = tempfile.mkdtemp(prefix="mkldoctor-verify-pc-")
    try:
        src, exe = os.path.join(work, "verify.c"), os.path.join(work, "verify")
        with open(src, "w", encoding="utf-8") as handle:
            handle.write(_source(hgemm))
        command = [cc, src, "-o", exe, *flags]
        done = _run(command, log, timeout)
        if done is None or done.returncode != 0:
            return VerifyResult(False, "compile", "\n".join(log), command)
        return _run_program(exe, line, log, command, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def verify_format(line: LinkLine, fmt: str, *, hgemm: bool = False, cc: str = "gcc") -> VerifyResult:
    """Verify the route ``fmt`` prints; a program that runs on another MKL than the one asked for fails."""
    if fmt == "cmake":
        result = verify_cmake(line, hgemm=hgemm, cc=cc)
    elif fmt == "pkg-config" and line.pkg_config:
        result = verify_pkg_config(line, hgemm=hgemm, cc=cc)
    else:
        result = verify(line, hgemm=hgemm, cc=cc)
    if result.ok and not same_version(result.output, line.install.version):
        message = f"the program ran on another MKL than the {line.install.version} asked for: {result.output.strip()}"
        return VerifyResult(False, "version", result.log + "\n" + message, result.command, result.output)
    return result
