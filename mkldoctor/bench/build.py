"""Compile and link the reference program against one MKL, once.

Each build lives in ``$XDG_CACHE_HOME/mkldoctor/bench/<key>/`` (default ``~/.cache``),
``key`` a hash of everything that goes into it: the C source, the compiler and its
version, every flag, every library file's path, size and mtime, and this CPU (the code
is built ``-march=native``). A build is made in a temporary folder beside it and
renamed into place only once it compiled, linked and started; a failed build leaves
nothing behind, and its raw compiler/linker log comes back in a :class:`BuildError`.
Its record (``build.json``) holds the program's sha256: a cached program runs only while it
still matches, else it is built again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shlex
import shutil
import stat
import subprocess
import tempfile
import time
from importlib import resources

from mkldoctor.cache import cache_folder
from mkldoctor.cacheentry import discard
from mkldoctor.digest import sha256_file
from mkldoctor.discover.cpuinfo import cpu_info
from mkldoctor.bench.errors import BuildError, CompilerError
from mkldoctor.bench.linkline import link_line
from mkldoctor.bench.results import Build, BuildFailure, MklRuntime
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.programs import find_program

SOURCE = "reference_bert.c"
BINARY = "bert_bench"
CFLAGS = ("-O3", "-march=native", "-std=c11", "-Wno-unknown-pragmas")
KEY_VERSION = 1
TIMEOUT = 600


def source_text() -> bytes:
    return resources.files("mkldoctor.bench").joinpath(SOURCE).read_bytes()


def find_compiler(cc: str | None = None) -> list[str]:
    """The compiler command: ``cc`` (``--cc``), else ``$CC``, else ``cc`` or ``gcc``."""
    text = cc or os.environ.get("CC") or ""
    words = shlex.split(text) if text else []
    if words:
        found = find_program(words[0])
        if not found:
            raise CompilerError(f"C compiler {words[0]!r} not found" + (" (from $CC)" if not cc else ""))
        return [found, *words[1:]]
    for name in ("cc", "gcc", "clang"):
        found = find_program(name)
        if found:
            return [found]
    raise CompilerError("no C compiler: none of cc, gcc, clang is on PATH (install gcc, or pass --cc)")


@functools.lru_cache(maxsize=8)
def _compiler_identity(path: str, mtime_ns: int) -> str:
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, env=_c_env())
    except (OSError, subprocess.SubprocessError):
        return ""
    return (done.stdout.strip().splitlines() or [""])[0]


def compiler_identity(cc: list[str]) -> str:
    path = os.path.realpath(cc[0])
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise CompilerError(f"{cc[0]}: {exc.strerror}") from None
    return f"{path} {stat.st_size} {stat.st_mtime_ns} {_compiler_identity(path, stat.st_mtime_ns)}"


def _c_env() -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"  # the linker's words as users paste them: undefined reference to `hgemm_'
    env.pop("LANGUAGE", None)
    return env


def _stat(path: str) -> list:
    try:
        st = os.stat(path)
        return [path, st.st_size, st.st_mtime_ns]
    except OSError:
        return [path, None, None]


def build_key(cc: list[str], compile_args: list[str], link_args: list[str], libraries: list[str],
              headers: list[str]) -> str:
    cpu = cpu_info()
    material = {
        "version": KEY_VERSION,
        "source": hashlib.sha256(source_text()).hexdigest(),
        "cc": [*cc[1:], compiler_identity(cc)],
        "compile": compile_args,
        "link": link_args,
        "files": [_stat(p) for p in [*libraries, *headers]],
        "cpu": [cpu.model, sorted(cpu.flags)],
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:20]


def _remove_stale(root: str) -> None:
    """Temporary build folders of processes that are gone (killed mid-build)."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if not name.startswith(".tmp-"):
            continue
        try:
            pid = int(name.split("-")[2])
        except (IndexError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue  # still building
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def _run(cmd: list[str], cwd: str) -> tuple[int, str]:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", env=_c_env(),
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return 124, f"{shlex.join(cmd)}: timed out after {TIMEOUT} s"
    except OSError as exc:
        raise CompilerError(f"cannot run {cmd[0]}: {exc.strerror}") from None
    return done.returncode, done.stdout + done.stderr


def read_runtime(binary: str, threads: int = 1) -> tuple[MklRuntime | None, int, str]:
    """``bert_bench --info``: which MKL the program really loads."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    try:
        done = subprocess.run([binary, "--info"], capture_output=True, text=True, errors="replace", env=env,
                              timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, 1, str(exc)
    if done.returncode != 0:
        return None, done.returncode, done.stdout + done.stderr
    for line in done.stdout.splitlines():
        try:
            info = json.loads(line)
        except json.JSONDecodeError:
            continue
        if info.get("event") == "info":
            return (
                MklRuntime(str(info.get("mkl_version")), str(info.get("mkl_build")), str(info.get("processor")),
                           int(info.get("max_threads", 0))),
                0,
                "",
            )
    return None, 1, done.stdout + done.stderr


def build(install: MklInstall, link: str, threading: str, f16: bool = False, *, cc: str | None = None,
          root: str | None = None, rebuild: bool = False) -> Build:
    """The reference program for ``install`` linked ``link``/``threading`` (with the f16 engine
    when ``f16``), from the cache when it is there; :class:`BuildError` when it fails."""
    line = link_line(install, link, threading)  # MissingLibraryError before any work
    compiler = find_compiler(cc)
    root = root or cache_folder("bench")
    compile_args = [*CFLAGS, *line.compile_flags, *(f"-I{d}" for d in line.include_dirs)]
    if f16:
        compile_args.append("-DBENCH_F16")
    headers = [os.path.join(d, "mkl.h") for d in line.include_dirs]
    key = build_key(compiler, compile_args, list(line.link_args), list(line.libraries), headers)
    final = os.path.join(root, key)
    binary = os.path.join(final, BINARY)

    def commands(folder: str) -> tuple[list[str], list[str]]:
        src, obj, exe = (os.path.join(folder, n) for n in (SOURCE, "reference_bert.o", BINARY))
        return [*compiler, *compile_args, "-c", src, "-o", obj], [*compiler, obj, "-o", exe, *line.link_args]

    if rebuild and os.path.isdir(final):
        shutil.rmtree(final, ignore_errors=True)
    if os.path.lexists(final):
        record = _read_record(final)
        if _verified(final, record, key):  # the program the record names, byte for byte, before it runs
            compile_cmd, link_cmd = commands(final)
            mkl, _, _ = read_runtime(binary)
            return Build(binary, final, key, True, f16, tuple(compile_cmd), tuple(link_cmd), record.get("log", ""), 0.0, mkl)
        discard(final)  # changed since it was built (or half there): built again, never run
    return _build_fresh(install, link, threading, f16, root, key, commands)


def _build_fresh(install: MklInstall, link: str, threading: str, f16: bool, root: str, key: str, commands) -> Build:
    """Compile, link and load the program in a folder of its own, then move it into the cache whole (a build that
    fails leaves nothing a later run would take); its record holds the program's sha256."""
    final = os.path.join(root, key)
    os.makedirs(root, exist_ok=True)
    _remove_stale(root)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix=f".tmp-{key}-{os.getpid()}-", dir=root)
    try:
        with open(os.path.join(tmp, SOURCE), "wb") as handle:
            handle.write(source_text())
        compile_cmd, link_cmd = commands(tmp)
        log_parts: list[str] = []
        for stage, cmd in (("compile", compile_cmd), ("link", link_cmd)):
            rc, out = _run(cmd, tmp)
            if rc != 0:
                raise BuildError(BuildFailure(stage, tuple(cmd), rc, out, label(install), link, threading, f16))
            if out.strip():
                log_parts.append(f"$ {shlex.join(cmd)}\n{out}")
        mkl, rc, out = read_runtime(os.path.join(tmp, BINARY))
        if mkl is None:
            cmd = (os.path.join(tmp, BINARY), "--info")
            raise BuildError(BuildFailure("load", cmd, rc, out, label(install), link, threading, f16))
        seconds = time.monotonic() - started
        log = "".join(log_parts)
        record = {
            "key": key,
            "binary_sha256": sha256_file(os.path.join(tmp, BINARY)),
            "install": install.root,
            "link": link,
            "threading": threading,
            "f16_engine": f16,
            "compile_command": commands(final)[0],
            "link_command": commands(final)[1],
            "log": log,
            "seconds": round(seconds, 3),
            "mkl_runtime": mkl.as_dict(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        with open(os.path.join(tmp, "build.json"), "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
        os.remove(os.path.join(tmp, "reference_bert.o"))
        try:
            os.rename(tmp, final)
        except OSError:
            if not os.path.isfile(os.path.join(final, "build.json")):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished the same build first
        compile_cmd, link_cmd = commands(final)
        return Build(os.path.join(final, BINARY), final, key, False, f16, tuple(compile_cmd), tuple(link_cmd), log,
                     seconds, mkl)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _verified(folder: str, record: dict, key: str) -> bool:
    """The cached build is what its record says: its key, and a program (a regular file, not a link) whose
    sha256 is the one recorded when it was built. A program changed in the cache is never run."""
    binary = os.path.join(folder, BINARY)
    try:
        mode = os.lstat(binary).st_mode
    except OSError:
        return False
    if not stat.S_ISREG(mode) or record.get("key") != key or not isinstance(record.get("binary_sha256"), str):
        return False
    return sha256_file(binary) == record["binary_sha256"]


def _read_record(folder: str) -> dict:
    try:
        with open(os.path.join(folder, "build.json"), encoding="utf-8") as handle:
            record = json.load(handle)
        return record if isinstance(record, dict) else {}
    except (OSError, json.JSONDecodeError):
        return {}
