"""An Intel command a shell, make or CMake does not know (Linux and macOS; cmd's and PowerShell's words are envscripts'):
``bash: icpx: command not found``, dash's ``/bin/sh: 1: ifx: not found``, zsh's ``zsh: command not found: icx``, make's
``make: icpx: No such file or directory``, CMake's ``The CMAKE_CXX_COMPILER: icpx is not a full path and was not found in
the PATH`` and ``Could not find compiler set in environment variable CXX: icpx.`` (each produced with real tools).

oneAPI's compilers, Intel MPI's wrappers and MKL's link tool are on PATH only in a shell that sourced oneAPI's setvars.sh
(or a component's env/vars.sh); and icc, icpc and ifort are gone from oneAPI 2024.0 and 2025.0 whatever the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.shellsplit import SHELL_PREFIX
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, intel_tools


@dataclass(frozen=True, slots=True)
class IntelCommandUnknown:
    command: str
    line: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "IntelCommandUnknown | object":
        """CMake names the compiler on a line of its own under its words: the first word there."""
        named = next((line.strip().rstrip(".") for line in lines if line.strip()), "")
        return replace(self, command=named, wants=0)


def _shell(m: re.Match, _):
    return IntelCommandUnknown(m["cmd"], m.string.strip()[:300]) if intel_tools.command(m["cmd"]) else NOT_MINE


SIGNATURES = (
    Signature("shell-intel-command-not-found", "intelcmd", "not found",
              re.compile(SHELL_PREFIX + r"(?P<cmd>[\w.+-]{2,40}): (?:command )?not found\s*$"), _shell),
    Signature("zsh-intel-command-not-found", "intelcmd", "not found",
              re.compile(r"^\s*zsh: command not found: (?P<cmd>[\w.+-]{2,40})\s*$"), _shell),
    *(Signature(f"make-intel-command-not-found-{i}", "intelcmd", needle,  # make 4's words, and make 3.8x's
                re.compile(r"^\s*make(?:\[\d+\])?: (?P<cmd>[\w.+-]{2,40}): (?:Command not found|No such file or directory)\s*$"), _shell)
      for i, needle in enumerate(("No such", "Command not found"))),
    Signature("cmake-compiler-not-in-path", "intelcmd", "_COMPILER:",
              re.compile(r"^\s*The CMAKE_(?:C|CXX|Fortran)_COMPILER:\s*$"),
              lambda m, _: IntelCommandUnknown("", m.string.strip(), wants=3)),
    # CMake's words after it found no compiler for a language: the consequence of the lines above
    Signature("cmake-compiler-not-set", "intelcmd", "CMake Error: CMAKE_",
              re.compile(r"CMake Error: CMAKE_(?:C|CXX|Fortran)_COMPILER not set, after EnableLanguage"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("cmake-compiler-from-environment", "intelcmd", "ould not",
              re.compile(r"Could not find compiler set in environment variable (?:CC|CXX|FC):\s*$"),
              lambda m, _: IntelCommandUnknown("", m.string.strip(), wants=3)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(IntelCommandUnknown) if intel_tools.command(e.command)]
    if not said:
        return []
    first = said[0]
    kind = intel_tools.command(first.command)
    gone = intel_tools.removed(first.command)
    evidence = [first.line if first.command in first.line else f"{first.line} {first.command}",
                f"{first.command} is Intel's ({'oneAPI' if kind != 'MPI wrapper' else 'Intel MPI'}'s {kind}): it is on PATH only "
                "in a shell that has sourced oneAPI's setvars.sh (or the component's env/vars.sh)"]
    fix = [f"{folders.SOURCE_SETVARS} in the shell that builds, before it (a CI step: in the same step's shell; "
           "CMake: then configure in a new build folder, as the cache keeps the compiler it found)",
           f"or give the full path: /opt/intel/oneapi/compiler/latest/bin/{first.command} (CMake: -DCMAKE_CXX_COMPILER=<it>; "
           "an install elsewhere: find / -name '" + first.command + "' -type f 2>/dev/null)"]
    if gone:
        successor, release = gone
        evidence.append(f"{first.command} is a classic compiler Intel removed in oneAPI {release}: with oneAPI {release} or newer "
                        f"no environment has it")
        fix.insert(0, f"use {successor} in its place (oneAPI {release} and newer), or an older oneAPI that still ships "
                      f"{first.command}")
    if first.command.startswith("mpii"):
        fix.append("Intel MPI's wrappers come with Intel MPI (intel-oneapi-mpi-devel), not with the compilers: install it, "
                   "or use the MPI's own wrapper (mpicc -cc=icx)")
    return [Finding(
        "intel-command-not-found", "error",
        f"the build does not know {first.command}: oneAPI's environment is not set up in its shell"
        + (f" (and {first.command} is gone since oneAPI {gone[1]})" if gone else ""),
        tuple(evidence), tuple(fix),
        "oneAPI installs its compilers and tools outside PATH; setvars.sh puts them there (and sets MKLROOT, "
        "LD_LIBRARY_PATH, CPATH) for the shell that sources it, and only for it.",
        ("command -v icx icpx ifx; echo \"$ONEAPI_ROOT\"   # empty: the environment is not set up",),
    )]
