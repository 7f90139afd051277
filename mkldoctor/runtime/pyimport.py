"""``--import MODS``: the user's interpreter imports the modules, in order, in a child process, and the
probe (``runtime/pyprobe.py``) writes what it mapped; each mapped library is named as the map names it.

This runs the environment's code: only when asked. The child gets this shell's environment (the
variables are part of what decides MKL's layer) and its working folder, as ``python -c`` would.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from importlib import resources
from typing import Mapping

from mkldoctor.binary.elfmap import ElfFormatError, ElfMap
from mkldoctor.diagnose.pyloaded import Binding, MklSeen, Observed, died_line, telling_lines
from mkldoctor.discover.pylibs import Library, classify
from mkldoctor.discover.pymap import EnvMap
from mkldoctor.errors import InputError, UsageError

TIMEOUT = 600  # torch, scipy and sklearn import in seconds; a probe still running after this is stuck


def parse_modules(text: str) -> list[str]:
    modules = [m.strip() for m in text.split(",") if m.strip()]
    bad = [m for m in modules if not all(part.isidentifier() for part in m.split("."))]
    if not modules or bad:
        raise UsageError(f"--import {text}: name modules separated by commas (torch,numpy,sklearn)")
    return modules


def interpreter_of(m: EnvMap) -> str:
    python = m.env.interpreter or next((os.path.join(m.env.prefix, "bin", n) for n in ("python3", "python")
                                        if os.path.exists(os.path.join(m.env.prefix, "bin", n))), None)
    if python is None:
        raise InputError(m.env.prefix, "no bin/python3 in this environment to import with")
    return python


def observe(m: EnvMap, modules: list[str], environ: Mapping[str, str], timeout: float = TIMEOUT) -> Observed:
    """Import ``modules`` with the environment's interpreter and read what the process loaded."""
    script = resources.files("mkldoctor.runtime").joinpath("pyprobe.py").read_text()
    with tempfile.TemporaryDirectory(prefix="mkldoctor-import-") as tmp:
        out = os.path.join(tmp, "loaded.json")
        try:
            done = subprocess.run([interpreter_of(m), "-c", script, out, *modules], env=dict(environ),
                                  capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(interpreter_of(m), f"importing {','.join(modules)} did not end within {timeout:.0f} s") from None
        except OSError as exc:
            raise InputError(interpreter_of(m), f"cannot run it: {exc.strerror or exc}") from None
        try:
            with open(out, encoding="utf-8") as handle:
                report = json.load(handle)
        except (OSError, ValueError):
            report = {}
    died = None
    if done.returncode != 0 or not report.get("done"):
        died = died_line(done.returncode, report.get("importing"), report.get("stage"))
    mapped = report.get("mapped", [])
    after = [p for p in report.get("mapped_after", []) if p not in set(mapped)]
    libraries = _libraries(m, [*mapped, *after])
    return Observed(
        modules=tuple(modules),
        errors=tuple((x["name"], x["error"]) for x in report.get("modules", []) if x.get("error")),
        died=died,
        stderr=telling_lines(done.stdout + "\n" + done.stderr) if died else (),  # MKL writes its FATAL ERROR to stdout
        loaded=tuple(mapped),
        first_call=tuple(after),
        mkl=tuple(MklSeen(x["path"], x["version"], x.get("max_threads")) for x in report.get("mkl", [])),
        bindings=tuple(Binding(x["library"], x["name"], x.get("bound")) for x in report.get("bindings", [])),
        libraries=libraries,
    )


def _libraries(m: EnvMap, paths: list[str]) -> dict[str, Library]:
    """The map's record of each loaded file, and a fresh read of those it did not read (the system's libgomp)."""
    found: dict[str, Library] = {}
    for path in dict.fromkeys(paths):
        if path in m.libraries:
            found[path] = m.libraries[path]
            continue
        if ".so" not in os.path.basename(path):
            continue
        try:
            with ElfMap.open(path) as elf:
                library = classify(path, elf, elf.dynamic().soname)
        except (OSError, ElfFormatError):
            continue
        if library is not None:
            found[path] = library
    return found
