"""ld.so's words for a preload it could not do: ``ERROR: ld.so: object '/x/libmkl_core.so' from LD_PRELOAD cannot be
preloaded (cannot open shared object file): ignored.`` (produced with the real loader).

A preload of MKL's core, threading layer or Intel's OpenMP runtime is the usual workaround for kernels that cannot see
MKL's core (a Python, Julia or R module that loaded MKL's layers privately); ld.so skips a path that names no file, so
the workaround never took effect and the failure it was meant for comes back. Most often the name: PyPI's mkl wheel
ships versioned files only (``libmkl_core.so.2``, no ``libmkl_core.so``), and a ``~`` inside quotes is not expanded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class PreloadIgnored:
    path: str
    reason: str
    line: str


def _said(m: re.Match, _) -> PreloadIgnored | Unrecognised:
    path, line = m["path"], m.string.strip()[:300]
    name = os.path.basename(path)
    mine = layout.any_mkl_file(name) is not None or name.startswith(("libmkl_", "libiomp5", "libtbb"))
    return PreloadIgnored(path, m["why"], line) if mine else Unrecognised(line)


@dataclass(frozen=True, slots=True)
class PreloadWanted:
    """vLLM's CPU backend's own check at start: ``RuntimeError: libtcmalloc is not found in LD_PRELOAD. Please follow the
    section `set LD_PRELOAD` ...`` (tcmalloc, and on x86 Intel's OpenMP runtime: vllm PR #37561 made it a warning)."""

    library: str
    line: str


SIGNATURES = (
    Signature("host-wants-preload", "preload", "found",
              re.compile(r"(?:RuntimeError: )?(?P<lib>lib[\w.+-]{2,60}) is not found in LD_PRELOAD\b"),
              lambda m, _: PreloadWanted(m["lib"], m.string.strip()[:300])),
    Signature("ld-so-preload-ignored", "preload", "annot ",
              re.compile(r"ld\.so: object '(?P<path>[^']+)' from (?:LD_PRELOAD|/etc/ld\.so\.preload) cannot be preloaded "
                         r"\((?P<why>[^)]*)\): ignored"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PreloadIgnored)
    wanted = [_wanted(e) for e in events.of(PreloadWanted)[:1]]
    if not said:
        return wanted
    first = said[0]
    paths = list(dict.fromkeys(e.path for e in said))
    evidence = [first.line, "ld.so skipped it and ran the program without it: whatever the preload was for (MKL's kernels "
                "that cannot see its core, a threading layer with its OpenMP runtime) is not fixed"]
    fix = []
    if first.reason.startswith("cannot open"):
        folder, name = os.path.split(first.path)
        if first.path.startswith("~"):
            evidence.append(f"{first.path} starts with ~, which the shell does not expand inside quotes ("
                            "LD_PRELOAD=\"~/...\"): ld.so looked for a folder named ~")
            if re.fullmatch(r"~/[\w./+-]*", first.path):  # a path of plain characters only: it goes inside double quotes
                fix.append(f"write the home folder out: LD_PRELOAD=\"$HOME{first.path[1:]}\"")
        versioned = _versioned(folder, name) if ctx.local and folder else []
        if versioned:
            evidence.append(f"{folder} holds {', '.join(versioned[:3])}: the versioned file, not {name}")
            fix.append(f"preload the file that is there: LD_PRELOAD={q(os.path.join(folder, versioned[0]))}")
        fix.append(f"name files that exist: ls {q(folder or '.')}/{q(name.split('.so')[0])}.so*   # PyPI's mkl wheel has versioned "
                   "names only (libmkl_core.so.2, libmkl_intel_thread.so.2, libiomp5.so from intel-openmp), in "
                   "<environment>/lib, not in site-packages; conda's and oneAPI's have both")
        fix.append("give every file with its full path, separated by ':' (LD_PRELOAD=<dir>/libmkl_core.so.2:<dir>/"
                   "libmkl_sequential.so.2), in the environment of the process itself (a job script, not the login shell)")
    else:
        evidence.append(f"the loader's reason: {first.reason}")
        fix.append("preload a library of the program's own kind: a 64-bit program needs MKL's intel64 (lib, lib/intel64) "
                   "files, not lib/ia32's" if "ELF" in first.reason else f"check the file: file {q(first.path)}")
    return wanted + [Finding(
        "mkl-preload-ignored", "error",
        f"ld.so ignored the preload of {', '.join(os.path.basename(p) for p in paths[:3])}: {first.reason}",
        tuple(evidence), tuple(fix),
        "LD_PRELOAD loads libraries before the program's own, into the process's global scope; a name that ld.so cannot "
        "open is skipped with this message, and the program runs as if it had not been set.",
        ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'preload|libmkl_core|libiomp5'   # what was preloaded, from where",),
        locations=ctx.located(said, os.path.basename(first.path)),
    )]


def _versioned(folder: str, name: str) -> list[str]:
    """The files beside a preloaded name that are that library with a version (libmkl_core.so -> libmkl_core.so.2)."""
    from mkldoctor.explain.fixcheck import versioned_files

    if not (name.startswith("lib") and name.endswith(".so")):
        return []
    try:
        return versioned_files(sorted(os.listdir(folder)), name[3:-3])
    except OSError:
        return []


def _wanted(said: PreloadWanted) -> Finding:
    return Finding(
        "host-preload-required", "error",
        f"the program's own start-up check stops because {said.library} is not in LD_PRELOAD (vLLM's CPU backend)",
        (said.line, "vLLM's CPU backend checks LD_PRELOAD before it starts: it wants tcmalloc and, on x86, Intel's OpenMP "
                    "runtime (libiomp5, which its oneDNN and MKL paths use) loaded first, for speed; nothing is broken in the "
                    "install, the variable is not set (vllm PR #37561 made the check a warning)"),
        ("preload them as vLLM's CPU installation guide shows: export LD_PRELOAD=<libtcmalloc_minimal.so.4>:<libiomp5.so> "
         "(Debian and Ubuntu: apt-get install libtcmalloc-minimal4, its file in /usr/lib/x86_64-linux-gnu; libiomp5.so: "
         "python3 -m pip install intel-openmp, in <environment>/lib), in the environment of the server's process",
         "or a vLLM release whose check only warns (after PR #37561)"),
        "LD_PRELOAD loads the named libraries before a program's own; a program that checks for them refuses to start "
        "without them.",
        ("echo $LD_PRELOAD; ls /usr/lib/x86_64-linux-gnu/libtcmalloc* \"$(python3 -c 'import sys; print(sys.prefix)')\"/lib/libiomp5.so",),
    )
