"""Simulating two searches: GNU ld's for ``-lNAME`` and the dynamic loader's for a soname.

Each search is told step by step, the way libtree explains a missing library: every
folder in the order the tool looks, what it held there or why it was skipped, and
the folders after the winner that were never looked at (which is how a user sees
*why the old copy won*).

ld: every ``-L`` in command-line order, then the compiler driver's own folders
(``gcc -print-search-dirs``), then ld's built-in ``SEARCH_DIR``s (``ld --verbose``).
Under ``-Bstatic`` only ``libNAME.a`` counts; under ``-Bdynamic`` ``libNAME.so``
wins over ``libNAME.a`` in the same folder. ``-l:FILE`` looks for FILE exactly.
Versioned ``libNAME.so.3`` files are never found by ``-lNAME``.

Loader: ``DT_RPATH`` (only when there is no ``DT_RUNPATH``), ``LD_LIBRARY_PATH``,
``DT_RUNPATH``, ``/etc/ld.so.cache``, then the default folders: the one replay of
``discover/soname.py``, run in the root ``/``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import replace

from mkldoctor.binary.dynamic import read_dynamic
from mkldoctor.discover.soname import RootLoader, SearchResult, Step
from mkldoctor.discover.sysroot import Root
from mkldoctor.programs import find_program

RUSTC_PLACEHOLDER = "<sysroot>"


# -- defaults ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def ld_default_dirs(ld: str = "ld") -> tuple[str, ...]:
    """``SEARCH_DIR``s from ``ld --verbose`` (the ``=`` sysroot prefix dropped)."""
    tool = find_program(ld)
    if not tool:
        return ()
    try:
        out = subprocess.run([tool, "--verbose"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(d.lstrip("=") for d in re.findall(r'SEARCH_DIR\("([^"]+)"\)', out))


@functools.lru_cache(maxsize=4)
def compiler_default_dirs(cc: str = "gcc") -> tuple[str, ...]:
    """The ``libraries:`` folders of ``gcc -print-search-dirs`` that exist, normalised."""
    tool = find_program(cc) or find_program("cc")
    if not tool:
        return ()
    try:
        out = subprocess.run([tool, "-print-search-dirs"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    for line in out.splitlines():
        if line.startswith("libraries:"):
            dirs = []
            for part in line.split(":", 1)[1].strip().lstrip("=").split(":"):
                part = os.path.normpath(part) if part else ""
                if part and os.path.isdir(part) and part not in dirs:
                    dirs.append(part)
            return tuple(dirs)
    return ()


def default_dirs(driver: bool = True) -> list[tuple[str, str]]:
    """(folder, origin) after the command line's ``-L``s, without repeats of one real folder."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    pairs = [(d, "compiler default") for d in compiler_default_dirs()] if driver else []
    pairs += [(d, "ld default") for d in ld_default_dirs()]
    for folder, origin in pairs:
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        out.append((folder, origin))
    return out


# -- ld's -l search ---------------------------------------------------------------------


def _versioned(folder: str, name: str) -> list[str]:
    prefix = f"lib{name}.so."
    try:
        return sorted(n for n in os.listdir(folder) if n.startswith(prefix))
    except OSError:
        return []


def _probe(folder: str, name: str, static: bool, verbatim: bool) -> tuple[str, str, str | None]:
    """(outcome, detail, path) of one folder for one ``-l``."""
    if folder.startswith(RUSTC_PLACEHOLDER):
        return "unknown", "rustc's placeholder for its own sysroot (Rust's standard library), not MKL", None
    if not os.path.isdir(folder):
        return "no-folder", "no such folder", None
    if verbatim:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return "found", f"{name} found", path
        return "absent", f"no {name}", None
    archive = os.path.join(folder, f"lib{name}.a")
    shared = os.path.join(folder, f"lib{name}.so")
    has_a, has_so = os.path.exists(archive), os.path.exists(shared)
    other = _other_architecture(shared) if has_so and not static else None
    if other and not has_a:
        return "skipped", f"lib{name}.so here is {other}: ld skips a library of another architecture", None
    if not static and has_so:
        return "found", f"lib{name}.so found", shared
    if has_a:
        also = f" (lib{name}.so here is skipped: -Bstatic takes only archives)" if static and has_so else ""
        return "found", f"lib{name}.a found{also}", archive
    if static and has_so:
        return "skipped", f"lib{name}.so here, skipped: -Bstatic takes only lib{name}.a, which is not here", None
    dangling = [p for p in (archive, shared) if os.path.islink(p)]
    if dangling:
        return "absent", f"{os.path.basename(dangling[0])} is a broken symlink", None
    versioned = _versioned(folder, name)
    if versioned:
        return (
            "absent",
            f"only {', '.join(versioned[:3])}: -l{name} looks for lib{name}.so or lib{name}.a, "
            "never a versioned name (no development link)",
            None,
        )
    return "absent", f"no lib{name}.a" + ("" if static else f" or lib{name}.so"), None


def _other_architecture(path: str) -> str | None:
    """What a shared library is when it is not x86-64 ELF (``a 32-bit ELF``), from its header; None for x86-64 or not ELF."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    machine = int.from_bytes(head[18:20], "little" if head[5] == 1 else "big")
    if head[4] == 2 and machine == 62:  # ELFCLASS64, EM_X86_64
        return None
    return f"a {32 if head[4] == 1 else 64}-bit ELF for machine {machine}" + (" (i386)" if machine == 3 else "")


def search_library(
    name: str,
    lib_dirs: list[str] | tuple[str, ...],
    static: bool = False,
    *,
    verbatim: bool = False,
    driver: bool = True,
    defaults: list[tuple[str, str]] | None = None,
) -> SearchResult:
    """Where ``ld`` finds ``-lNAME`` (``-l:NAME`` when ``verbatim``), every folder told."""
    if verbatim and name.startswith(":"):
        name = name[1:]
    mode = "-Bstatic" if static else "-Bdynamic"
    result = SearchResult(f"-l{':' if verbatim else ''}{name} ({mode})")
    order = [(d, "-L") for d in lib_dirs]
    order += default_dirs(driver) if defaults is None else defaults
    for folder, origin in order:
        outcome, detail, path = _probe(folder, name, static, verbatim)
        if result.found is not None:
            if outcome == "found":
                result.steps.append(Step(folder, origin, "not-reached", f"{detail.split(' (')[0]} too, never looked at: the search had stopped", path))
            continue
        result.steps.append(Step(folder, origin, outcome, detail, path))
        if outcome == "found":
            result.found = path
    if result.found is None:
        result.notes.append(f"-l{name}: not found in any of the {len(order)} folders: ld says 'cannot find -l{name}'")
    return result


# -- the dynamic loader -----------------------------------------------------------------


def search_soname(
    soname: str,
    binary: str | None = None,
    *,
    env: dict[str, str] | None = None,
    env_label: str = "LD_LIBRARY_PATH",
) -> SearchResult:
    """Where the loader on this machine finds ``soname`` for ``binary``, every place told.

    The replay is the one ``deps`` runs in a root (``discover/soname.py``), here in ``/``; this
    adds what explain says first about the binary's run paths and the environment.
    """
    env = os.environ if env is None else env
    dynamic = read_dynamic(binary) if binary and "/" not in soname and os.path.isfile(binary) else None
    preface: list[str] = []
    if "/" not in soname:
        if binary and dynamic is None:
            preface.append(f"{binary} is not readable here: its DT_RPATH/DT_RUNPATH are unknown")
        if dynamic is not None:
            if dynamic.runpath and dynamic.rpath:
                preface.append("DT_RPATH is ignored because the binary also has DT_RUNPATH")
            if not dynamic.rpath and not dynamic.runpath:
                preface.append(f"{binary} has no DT_RPATH and no DT_RUNPATH")
        if not env.get("LD_LIBRARY_PATH", ""):
            preface.append(f"{env_label} is not set")
    loader = RootLoader(Root("/"), {"LD_LIBRARY_PATH": env.get("LD_LIBRARY_PATH", "")}, env_label)
    result = loader.search(soname, dynamic)
    result.preface[:0] = preface
    # and how to read the cache oneself, on this machine
    result.steps = [replace(s, detail=f"{s.detail} (ldconfig -p)") if s.origin == "ld.so.cache" and s.detail == f"no {soname}" else s
                    for s in result.steps]
    return result
