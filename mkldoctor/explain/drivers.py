"""The compiler driver refusing what a link line gave it: a linker's option without ``-Wl,`` (``gcc: error: unrecognized
command-line option '--no-as-needed'``), an MKL path that is no file (``g++: error: /mkl/include: No such file or
directory``, ifort's ``error #10236: File not found``). Their signatures are read with :mod:`platforms`' and their
findings made in its diagnosis, as Apple's ld refusing GNU's options is.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders

# GNU ld's options that MKL's Linux link lines carry and a compiler driver or Apple's ld64 does not know
GNU_ONLY = ("--start-group", "--end-group", "--as-needed", "--no-as-needed", "-rpath-link", "--whole-archive",
            "--no-whole-archive", "-Bstatic", "-Bdynamic", "--no-undefined")


@dataclass(frozen=True, slots=True)
class LinkerOptionToDriver:
    """The compiler driver given a linker's option without ``-Wl,``: ``gcc: error: unrecognized command line option
    '--no-as-needed'`` (gcc), ``clang: error: unknown argument: '--start-group'`` (clang)."""

    driver: str
    option: str
    line: str


_DRIVERS = re.compile(r"(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|icc|icpc|icx|icpx|ifort|ifx|gfortran|mpicc|mpicxx|mpif90|mpifort|nvcc)"
                      r"(?:-[\d.]+)?")
# the fixed words first, the driver's name (any token before them) checked after: no scan of a long line from every start
_DRIVER_REFUSED = re.compile(
    r"(?<!\S)(?P<driver>\S+): error: (?:unrecognized (?:command[- ]line )?option|unknown argument:?) ['‘`\"]?"
    r"(?P<opt>" + "|".join(map(re.escape, GNU_ONLY)) + r")\b")


@dataclass(frozen=True, slots=True)
class DriverPathMissing:
    """The compiler driver given an MKL path that does not exist as an input: ``g++: error: /mkl/include: No such file or
    directory`` (a ``-I`` whose path was split off, or a variable left empty in front of ``/mkl/...``)."""

    driver: str
    path: str
    line: str


_DRIVER_NO_FILE = re.compile(
    r"(?<!\S)(?P<driver>\S+): error: (?P<path>\S*(?i:mkl)\S*): (?:linker input file not found: )?No such file or directory")  # gcc 12's too


def _driver(m: re.Match) -> str | None:
    name = m.group("driver").rsplit("/", 1)[-1]
    return name if _DRIVERS.fullmatch(name.rsplit("-", 1)[0] if re.search(r"-\D", name) else name) else None


def _refused(m: re.Match, _):
    driver = _driver(m)
    return LinkerOptionToDriver(driver, m.group("opt"), m.string.strip()) if driver else NOT_MINE


def _no_file(m: re.Match, _):
    driver = _driver(m)
    return DriverPathMissing(driver, m.group("path"), m.string.strip()) if driver else NOT_MINE


SIGNATURES = (
    *(Signature(f"linker-option-to-driver-{i}", "platforms", needle, _DRIVER_REFUSED, _refused)
      for i, needle in enumerate(("nrecognized", "nknown argument"))),
    Signature("driver-mkl-path-missing", "platforms", "No such", _DRIVER_NO_FILE, _no_file),
    # Intel's classic drivers: "ifort: error #10236: File not found:  'mkl_blas95_lp64.a'"
    Signature("intel-driver-mkl-file-not-found", "platforms", "error #10236",
              re.compile(r"(?<!\S)(?P<driver>\S+): error #10236: File not found:\s*['‘`](?P<path>[^'’`\s]*(?i:mkl)[^'’`\s]*)['’`]"), _no_file),
)


def no_wl(said: list[LinkerOptionToDriver]) -> Finding:
    first = said[0]
    options = list(OrderedDict.fromkeys(e.option for e in said))
    return Finding(
        "linker-option-to-driver", "error",
        f"{first.driver} was given the linker's option {first.option} without -Wl,: the compiler driver does not know it",
        (first.line[:300], f"{first.option} is GNU ld's option: a compiler driver passes it on only as -Wl,{first.option}"),
        (f"write it for the driver: -Wl,{options[0]}" + "".join(f", -Wl,{o}" for o in options[1:4])
         + " (MKL's link line: -Wl,--no-as-needed -lmkl_intel_lp64 -lmkl_sequential -lmkl_core -lpthread -lm -ldl; static: "
           "-Wl,--start-group ... -Wl,--end-group)",
         "in a Makefile or build script, keep -Wl, with the option where the line is put together: a variable that adds "
         "-Wl, only when it is set (an MKLROOT or a -L part left empty) leaves the bare option behind"),
        "The compiler driver (gcc, clang, ifort) runs the linker and passes it only what it knows or what -Wl, marks "
        "for it; a bare linker option is the driver's error before anything is linked.",
        ("make -n (or the build's verbose mode) | grep -- '" + first.option + "'   # the line that carries it bare",),
    )


def path_missing(event: DriverPathMissing) -> Finding:
    empty = re.match(r"^/(?:mkl|include|lib|intel64)\b", event.path) is not None
    library = re.search(r"\.(?:a|so(?:\.\d+)*|lib)$", event.path) is not None
    evidence = [event.line[:300], f"{event.path} reached {event.driver} as an input file, and it does not exist: "
                + ("a library of a component the MKL there does not have, a folder of another release's layout, or a path "
                   "built from a variable" if library else "a folder for MKL given without its option (-I, -L), or a path "
                   "built from a variable")]
    bare = re.fullmatch(r"(?:lib)?(?P<name>mkl_\w+)\.(?:a|so)", event.path)
    if bare:  # a bare name: the driver looks in the current folder only, and MKL's file names start with lib
        evidence.append(f"{event.path} has no folder, so {event.driver} looked for it in the current folder only; MKL's file "
                        f"is lib{bare['name']}.a (or .so) in MKL's library folder (<MKLROOT>/lib, lib/intel64 before oneAPI "
                        f"2024): give it as -L<that folder> -l{bare['name']}, or by its full path")
    folder = event.path.replace("\\", "/").rsplit("/", 1)[0] if "/" in event.path.replace("\\", "/") else ""
    moved = folders.lib_dir_mismatch(folder) if folder else None
    evidence += [moved] if moved else []  # ifx's '/opt/intel/oneapi/mkl/2023.2.0/lib/libmkl_*.a': that release's lib/intel64
    if event.path.startswith("KLROOT"):  # make read $MKLROOT as $M (its variable M, empty) and the text KLROOT
        evidence.append(f"{event.path} is a Makefile's $MKLROOT/...: make reads $M as its own variable M (empty) and keeps "
                        "'KLROOT': a make variable of more than one letter is written $(MKLROOT)")
    if empty:
        evidence.append(f"{event.path} starts at the root: the variable in front of it (MKLROOT, a build file's MKL path) was "
                        "empty or pointed elsewhere when the line was made")
    return Finding(
        "mkl-path-missing", "error", f"{event.driver} was given {event.path}, which does not exist: the build's MKL path is wrong",
        tuple(evidence),
        (("in the Makefile, write $(MKLROOT) where it says $MKLROOT (make takes $M for its one-letter variable M)",)
         if event.path.startswith("KLROOT") else ()) +
        ((f"name it as MKL's library: -L$MKLROOT/lib -l{bare['name']} (lib/intel64 before oneAPI 2024), or "
          f"$MKLROOT/lib/lib{bare['name']}.a",) if bare else ()) +
        ("set the build's MKL variable to the folder that holds MKL's include and lib (find / -name mkl.h: its parent's "
         "parent; oneAPI: /opt/intel/oneapi/mkl/latest, or source setvars.sh for MKLROOT), with no trailing space",
         "and look at the compile line (make V=1, make VERBOSE=1): each MKL folder must follow its -I or -L, with no space "
         "inside the path"),
        "A build writes MKL's folders into its compile and link lines from a variable; a wrong or empty one leaves a path "
        "the compiler takes for an input file, and stops.",
        ("find / -name mkl.h 2>/dev/null   # where MKL's headers are",),
    )
