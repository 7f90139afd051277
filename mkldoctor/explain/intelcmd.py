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
from mkldoctor.knowledge.recipes import q


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


@dataclass(frozen=True, slots=True)
class CompilerChecked:
    """configure's ``checking whether ifort accepts -g... yes``: the compiler it tests with."""

    command: str


@dataclass(frozen=True, slots=True)
class CompilerTestFailed:
    """configure's (or libtool's) own test program that the compiler could not build: ``configure: error: Fortran could
    not compile .f90 files``, ``libtool.m4: error: problem compiling FC test program``, ``... cannot create executables``."""

    line: str


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
    # the compiler configure took ("checking for gcc... icc": CC=icc, sextractor#65), before its test program failed
    Signature("configure-compiler-found", "intelcmd", "checking for gcc... ",
              re.compile(r"^checking for gcc\.\.\. (?P<cmd>\S+)\s*$"), lambda m, _: CompilerChecked(m["cmd"])),
    Signature("configure-compiler-checked", "intelcmd", "accepts -g",
              re.compile(r"^checking whether (?P<cmd>\S+) accepts -g\.\.\."), lambda m, _: CompilerChecked(m["cmd"])),
    *(Signature(f"configure-compiler-test-failed-{i}", "intelcmd", needle, re.compile(pattern),
                lambda m, _: CompilerTestFailed(m.string.strip()[:300]))
      for i, (needle, pattern) in enumerate((
          ("could not compile", r"^configure: error: Fortran could not compile \.f\w* files"),
          ("problem compiling", r"^libtool\.m4: error: problem compiling (?:FC|F77|CXX|CC) test program"),
          ("cannot create executables", r"^configure: error: (?:C|C\+\+|Fortran(?: 77)?) compiler cannot create executables")))),
    Signature("cmake-compiler-from-environment", "intelcmd", "ould not",
              re.compile(r"Could not find compiler set in environment variable (?:CC|CXX|FC):\s*$"),
              lambda m, _: IntelCommandUnknown("", m.string.strip(), wants=3)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(IntelCommandUnknown) if intel_tools.command(e.command)]
    if not said:
        checked = next((e.command for e in events.of(CompilerChecked) if intel_tools.command(e.command)), None)
        failed = events.of(CompilerTestFailed)
        return [_test_failed(checked, failed, ctx)] if checked and failed else []
    first = said[0]
    kind = intel_tools.command(first.command)
    gone = intel_tools.removed(first.command)
    classic = _parallel_studio(ctx.places)
    suite = "Parallel Studio" if classic else "oneAPI"
    script = ("compilervars.sh (psxevars.sh, or mklvars.sh for MKL alone)" if classic
              else "oneAPI's setvars.sh (or the component's env/vars.sh)")
    evidence = [first.line if first.command in first.line else f"{first.line} {first.command}",
                f"{first.command} is Intel's ({suite if kind != 'MPI wrapper' else 'Intel MPI'}'s {kind}): it is on PATH only "
                f"in a shell that has sourced {script}"]
    if classic:
        evidence.append(f"the log's paths are Parallel Studio's ({classic}), whose environment script is compilervars.sh, "
                        "not oneAPI's setvars.sh")
    source, full = (_classic_paths(classic, first.command) if classic
                    else (folders.SOURCE_SETVARS, f"/opt/intel/oneapi/compiler/latest/bin/{first.command}"))
    fix = [f"{source} in the shell that builds, before it (a CI step: in the same step's shell; "
           "CMake: then configure in a new build folder, as the cache keeps the compiler it found)",
           f"or give the full path: {full} (CMake: -DCMAKE_CXX_COMPILER=<it>; "
           "an install elsewhere: find / -name '" + first.command + "' -type f 2>/dev/null)"]
    if gone:
        successor, release = gone
        evidence.append(f"{first.command} is a classic compiler Intel removed in oneAPI {release}: with oneAPI {release} or newer "
                        f"no environment has it")
        moved = (f"use {successor} in its place (oneAPI {release} and newer), or an older oneAPI that still ships "
                 f"{first.command}")
        fix.insert(len(fix) if classic else 0, moved)  # Parallel Studio's own install still has it
    if first.command.startswith("mpii"):
        fix.append("Intel MPI's wrappers come with Intel MPI (intel-oneapi-mpi-devel), not with the compilers: install it, "
                   "or use the MPI's own wrapper (mpicc -cc=icx)")
    return [Finding(
        "intel-command-not-found", "error",
        f"the build does not know {first.command}: {suite}'s environment is not set up in its shell"
        + (f" (and {first.command} is gone since oneAPI {gone[1]})" if gone else ""),
        tuple(evidence), tuple(fix),
        f"{suite} installs its compilers and tools outside PATH; {'compilervars.sh' if classic else 'setvars.sh'} puts them "
        "there (and sets MKLROOT, LD_LIBRARY_PATH, CPATH) for the shell that sources it, and only for it.",
        (f"command -v {first.command}; echo \"$MKLROOT\"   # empty: the environment is not set up" if classic
         else "command -v icx icpx ifx; echo \"$ONEAPI_ROOT\"   # empty: the environment is not set up",),
    )]


_INSTALL = re.compile(r"^(?P<root>/\S*?/(?:compilers_and_libraries|parallel_studio_xe|composer_xe)_20\d\d[\w.]*)/")


def _parallel_studio(places: tuple[str, ...]) -> str | None:
    """The Parallel Studio install the log's paths name (its folder; ``/opt/intel`` for its links there), when the
    first Intel layout they show is Parallel Studio's and not oneAPI's."""
    for place in places:
        found = folders.recognise(place, "linux")
        if found is None or found[0].name not in ("parallel-studio", "oneapi-2021", "oneapi-2024"):
            continue
        if found[0].name != "parallel-studio":
            return None
        m = _INSTALL.match(folders.posix(place))
        return m["root"] if m else "/opt/intel"
    return None


def _classic_paths(root: str, command: str) -> tuple[str, str]:
    """Parallel Studio's environment script and the command's full path under the install folder ``root``."""
    if "/compilers_and_libraries_" in root:
        return f"source {q(root + '/linux/bin/compilervars.sh')} intel64", q(f"{root}/linux/bin/intel64/{command}")
    if "/composer_xe_" in root:
        return f"source {q(root + '/bin/compilervars.sh')} intel64", q(f"{root}/bin/intel64/{command}")
    return "source /opt/intel/bin/compilervars.sh intel64", f"/opt/intel/bin/{command}"  # its links, and psxevars' suite


def _test_failed(command: str, failed: list[CompilerTestFailed], ctx: Context) -> Finding:
    """ABINIT's forum, t=3693: ifort found, its configure tests failed, until compilervars.sh and mklvars.sh were sourced."""
    classic = _parallel_studio(ctx.places)
    script = "compilervars.sh intel64, and mklvars.sh intel64 for MKL," if classic or intel_tools.removed(command) else \
        "oneAPI's setvars.sh (compilervars.sh intel64 before oneAPI)"
    return Finding(
        "intel-compiler-test-failed", "error",
        f"configure could not build its test program with {command}: Intel's compiler runs, and its environment is not "
        "set in the shell that configures",
        (failed[0].line, *(e.line for e in failed[1:2]),
         f"{command} is Intel's {intel_tools.command(command)}: configure found it and ran it, and its own test program did "
         "not compile or link: the compiler needs its environment (its libraries, headers and license, which "
         f"{script.rstrip(',')} sets) in the shell that runs configure, and in the one that runs make, whose bundled "
         "packages run configure again"),
        (f"source {script} in the shell that builds, then configure and make again (a bundled package's build, such as "
         "ABINIT's fallbacks, runs configure in make's shell)",
         "the compiler's own words for the test: grep -n -B2 -A20 'problem compiling\\|could not compile\\|cannot create' "
         "config.log (a bundled package's config.log is in its own build folder)"),
        "Intel's compilers find their own libraries, headers and license through the variables their environment script "
        "sets; without them a compiler on PATH still fails to build a program.",
        (f"{command} -V; echo \"$MKLROOT\"   # the compiler's release, and whether the environment is set",),
    )

