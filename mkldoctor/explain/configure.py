"""Setting up a build: a CMake variable given without ``-D``, an ``MKL::MKL`` target nobody defined, an Intel
environment script that was never configured.

``cmake MKL_ROOT=/opt/intel/oneapi/mkl/latest ..`` is read as a path: CMake 3.x warns ``Ignoring extra path
from command line: ".../MKL_ROOT=/opt/intel/..."`` (or, alone, ``The source directory ".../MKL_ROOT=..." does
not exist``) and ``-MKL_INTERFACE=lp64`` is ``Unknown argument``: the variable is never set, and what follows
(MKL not found, the default interface) is its consequence. ``Target "x" links to target "MKL::MKL" but the
target was not found`` means the project links Intel's imported target without a ``find_package(MKL)``
that defines it. ``ERROR: libtbb.so.2 library does not exist in SUBSTITUTE_INSTALL_DIR_HERE/...`` is an
environment script (tbbvars.sh, called by compilervars.sh) that still holds its installer's placeholder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain import cmakesplit
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, preceded, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, recipes


@dataclass(frozen=True, slots=True)
class CMakeWithoutD:
    """A ``NAME=VALUE`` (or ``-NAME=VALUE``) on cmake's command line that cmake did not take as a variable."""

    variable: str
    value: str
    said: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "CMakeWithoutD | cmakesplit.ListSplit":
        """CMake's warning names the ignored path on a later line: ``"/build/MKL_ROOT=/opt/intel"``."""
        for line in lines:
            match = _ASSIGNED.search(line)
            if match:
                return replace(self, variable=match.group("var"), value=match.group("val"), said=f"{self.said}: {line.strip()}",
                               wants=0)
        return cmakesplit.extra_path(lines, self.said) or replace(self, wants=0)  # a library's path: a list split into words


@dataclass(frozen=True, slots=True)
class CMakeTargetMissing:
    target: str  # "MKL::MKL"
    owner: str  # the target that links it


@dataclass(frozen=True, slots=True)
class InstallFileMissing:
    """CMake's install step: ``file INSTALL cannot find "/src/cmake/FindMKL.cmake": No such file or directory.``"""

    path: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "InstallFileMissing":  # CMake wrapped a long path onto the next line
        said = next((m.group(1) for line in lines[:1] for m in [re.search(r'"([^"]+)"', line)] if m), "")
        return replace(self, path=said or "a file", wants=0)


@dataclass(frozen=True, slots=True)
class ScriptPlaceholder:
    """An Intel environment script run with its installer's placeholder still in it."""

    line: str


_ASSIGNED = re.compile(r"(?:^|[\s\"/])-*(?P<var>[A-Za-z_][A-Za-z0-9_]*)=(?P<val>[^\s\"]*)")


def _source_dir(m: re.Match, _) -> CMakeWithoutD | None:
    assigned = _ASSIGNED.search(m.group("path"))
    return CMakeWithoutD(assigned.group("var"), assigned.group("val"), m.string.strip()) if assigned else None


@dataclass(frozen=True, slots=True)
class LibraryListRejected:
    """A configure script's link test of the BLAS/LAPACK libraries it was given failed: PETSc's ``You set a value for
    --with-blas-lapack-lib=<lib>, but [...libmkl_intel_thread.so...] cannot be used`` (spack/spack#4636)."""

    libraries: tuple[str, ...]
    line: str


# a library in a configure script's list: a file ("libmkl_core.a", "'/x/libmkl_rt.so'" in Python's list form) or a -l
_LIBRARY = re.compile(r"[^\s'\",\[\]]+\.(?:so|a|lib)\b|-l[\w.:-]+")  # .lib: Windows' (Ipopt#239, under MSYS)


def _list_rejected(m: re.Match, _) -> LibraryListRejected | object:
    names = tuple(_LIBRARY.findall(m.group("list")))
    return LibraryListRejected(names, m.string.strip()[:300]) if any("mkl" in n for n in names) else NOT_MINE


def _did_not_work(m: re.Match, before) -> LibraryListRejected | object:
    """PETSc's "--with-fftw-lib=[...] and\n--with-fftw-include=[...] did not work": the list is on the line before."""
    listed = w.string if (w := last_match(rf"^\s*--with-{re.escape(m.group('pkg'))}-lib=", before)) else ""
    names = tuple(_LIBRARY.findall(listed))
    if not any("mkl" in n or "fftw3x" in n for n in names):
        return NOT_MINE
    return LibraryListRejected(names, f"{listed.strip()[:300]} ... {m.string.strip()[:200]}")


# config.log's record of autoconf asking the compiler for its version with each vendor's option (-V, -qversion,
# -version): gcc refuses the others by design; those lines are the probe's, not a failure
_VERSION_PROBE = re.compile(r"^configure:\d+: \S+ -(?:V|qversion|version) >&5$")


def _version_probe(m: re.Match, before):
    return None if any(_VERSION_PROBE.match(line) for line in list(before)[-2:]) else NOT_MINE


SIGNATURES = (
    Signature("config-log-version-probe", "configure", "rror",
              re.compile(r"^\S+: (?:fatal )?error: (?:unrecognized command[- ]line option '-(?:V|qversion|version)'|no input files)"),
              _version_probe),
    Signature("configure-list-did-not-work", "configure", "did not work",
              re.compile(r"^\s*--with-(?P<pkg>[\w-]+)-include=.*\bdid not work"), _did_not_work),
    Signature("configure-blas-list-rejected", "configure", "annot ",
              re.compile(r"--with-(?:blas-lapack|blaslapack|blas|lapack)[\w-]*=\S*,?\s+but (?P<list>.*?) cannot be used"),
              _list_rejected),
    # autoconf's BLAS macros (COIN-OR's Ipopt): 'configure: error: user supplied BLAS library "<list>" does not work'
    Signature("configure-user-blas-does-not-work", "configure", "does not work",
              re.compile(r"user supplied (?:BLAS|LAPACK|BLAS/LAPACK|Lapack|Blas) library \"(?P<list>[^\"]+)\" does not work"),
              _list_rejected),
    # Kaldi's configure: its test program against the MKL line it made from its switches failed (kaldi-asr/kaldi#4218)
    Signature("configure-mkl-switches", "configure", "annot ",
              re.compile(r"configure failed: Cannot validate the MKL switches"),
              # after the test's own error (a missing mkl.h, kaldi#4262): only its echo
              lambda m, before: FollowOn(m.string.strip()) if any(re.search(r"(?i)\berror\b|compilation terminated", b) for b in before)
              else LibraryListRejected((), m.string.strip()[:300])),
    Signature("cmake-install-file-missing", "configure", "annot find",
              re.compile(r"^\s*file INSTALL cannot find(?:\s+\"(?P<path>[^\"]+)\")?"),
              lambda m, _: InstallFileMissing(m.group("path")) if m.group("path") else InstallFileMissing("", wants=1)),
    Signature("cmake-source-dir-assignment", "configure", "CMake Error: The source directory",
              re.compile(r"CMake Error: The source directory \"(?P<path>[^\"]*=[^\"]*)\" does not exist"), _source_dir),
    Signature("cmake-unknown-argument", "configure", "CMake Error: Unknown argument",
              re.compile(r"CMake Error: Unknown argument -+(?P<var>[A-Za-z_]\w*)=(?P<val>\S*)"),
              lambda m, _: CMakeWithoutD(m.group("var"), m.group("val"), m.string.strip())),
    Signature("cmake-run-help", "configure", "CMake Error: Run 'cmake --help'", re.compile(r"CMake Error: Run 'cmake --help'"),
              lambda m, _: None),  # the line after "Unknown argument": said with it
    Signature("cmake-warning-extra-path", "configure", "CMake Warning:", re.compile(r"^CMake Warning:\s*$"),
              lambda m, _: CMakeWithoutD("", "", "CMake Warning: Ignoring extra path from command line", wants=3)),
    Signature("cmake-target-not-found", "configure", "but the target was not found",
              re.compile(r"(?:Target \"(?P<owner>[^\"]+)\" links to target|links to target) \"(?P<target>MKL::\w+|mkl::\w+)\" "
                         r"but the target was not found"),
              lambda m, _: CMakeTargetMissing(m.group("target"), m.group("owner") or "")),
    # the placeholder found first, then "ERROR: " before it looked up: linear, where ".*" after each "ERROR: " was quadratic
    Signature("intel-script-placeholder", "configure", "SUBSTITUTE_INSTALL_DIR_HERE", re.compile(r"SUBSTITUTE_INSTALL_DIR_HERE"),
              preceded(r"ERROR: ", lambda m, _: ScriptPlaceholder(m.string.strip()))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    without = [e for e in events.of(CMakeWithoutD) if e.variable]
    if without:
        out.append(_without_d(without))
    targets = events.of(CMakeTargetMissing)
    if targets:
        out.append(_target_missing(targets))
    if events.of(ScriptPlaceholder):
        out.append(_placeholder(events.of(ScriptPlaceholder)))
    out += [_list_finding(e) for e in events.of(LibraryListRejected)[:1]]
    out += [_install_missing(e) for e in events.of(InstallFileMissing)[:1]]
    return out


def _install_missing(event: InstallFileMissing) -> Finding:
    """oneMath's install rule for the FindMKL.cmake it had replaced by MKLConfig.cmake (AdaptiveCpp#1049, oneMKL PR #324)."""
    name = os.path.basename(event.path)
    mkl = re.search(r"(?i)mkl", name) is not None
    return Finding(
        "cmake-install-file-missing", "error", f"the project's install step lists {name}, which is not in its tree",
        (f"file INSTALL cannot find {event.path}: an install() rule of the project names a file that does not exist",
         *((f"{name} is the project's own file about MKL: a project that moved to Intel's MKLConfig.cmake and removed its "
            "FindMKL.cmake, but kept the rule that installs it, fails here whatever MKL is installed",) if mkl else ())),
        ("update the project to a revision whose install rules match its files (the fix removes or guards the rule), and "
         "configure again in a clean build directory",
         f"or remove the install() rule that names {name} (grep -rn '{name}' --include=CMakeLists.txt --include='*.cmake' .)"),
        "CMake runs the project's install() rules at the install step; a rule that names a file the tree no longer has "
        "stops it, after a build that succeeded.",
    )


def _list_finding(event: LibraryListRejected) -> Finding:
    from mkldoctor.knowledge import layout

    if not event.libraries:  # Kaldi's own words: the line it built is not in the log
        return Finding(
            "configure-blas-rejected", "error", "the configure script's test program failed against the MKL line it built "
            "from its switches", (event.line, "Kaldi's configure turns --mkl-root, --mkl-libdir and --static-math into a "
                                              "link line, links and runs a small program with it, and stops when that fails"),
            ("read the test's own error (configure prints the link line and the compiler's message above this one, or keep "
             "the test's files): a static MKL (--static-math=yes) named with -l needs the -L of MKL's lib folder, which "
             "Kaldi's configure left out between its PR #4185 and #4218 (update Kaldi, or --static-math=no)",
             "give the switches MKL's real folders: --mkl-root=<MKL prefix> (oneAPI: /opt/intel/oneapi/mkl/latest) and, for a "
             "layout the script does not know, --mkl-libdir=<its lib folder>"),
            "A configure script that tests its MKL line reports only that the test failed; the link error is in its own output.",
        )

    given = {lib.name: lib for lib in (layout.get(n.removeprefix("-l").lstrip(":")) for n in event.libraries) if lib is not None}
    roles = {lib.role for lib in given.values()}
    missing = [role for role in ("interface", "threading", "core") if role not in roles]
    runtimes = [lib.runtime for lib in given.values() if lib.role == "threading" and lib.runtime and lib.runtime not in given]
    evidence = [event.line, f"the list names {', '.join(given) or 'no MKL library'}"]
    fix = []
    if runtimes:
        evidence.append(f"{', '.join(n for n, lib in given.items() if lib.role == 'threading')} needs its runtime lib{runtimes[0]}, "
                        "which the list does not name: the configure's link test fails on its undefined names")
        windows = any(n.lower().endswith(".lib") for n in event.libraries)
        file, folder, env = ((f"lib{runtimes[0]}md.lib", r"<oneapi>\compiler\<ver>\lib", r"Library\lib") if windows else
                             (f"lib{runtimes[0]}.so", "<oneapi>/compiler/<ver>/lib", "lib"))
        fix.append(f"add the runtime to the list: {file} (Intel's OpenMP is the compiler's: {folder}, or the environment's "
                   f"{env}), or take mkl_sequential instead of the threaded layer")
    if missing:
        evidence.append(f"the list has no MKL {' and no '.join(missing)} layer: MKL needs one interface, one threading layer and "
                        "the core")
        fix.append("give all three layers (mkldoctor link --format flags prints the line for this MKL)")
    ilp64 = [n for n, lib in given.items() if lib.role == "interface" and lib.integers == "ilp64"]
    if ilp64:
        evidence.append(f"{ilp64[0]} is MKL's ILP64 interface (64-bit integers): a package whose code passes 32-bit "
                        "integers (most C and Fortran packages, unless built with -i8 or -DMKL_ILP64) needs the LP64 one")
        fix.append(f"unless the package is built for 64-bit integers, name the LP64 interface: {ilp64[0].replace('ilp64', 'lp64')}")
    wrappers = [n for n in event.libraries if re.search(r"libfftw3x?_(?:cdft|\w*intel)\w*\.a$", os.path.basename(n))]
    if wrappers:
        evidence.append(f"{os.path.basename(wrappers[0])} is not one of MKL's shipped libraries: MKL ships the sources of its "
                        "FFTW wrappers (interfaces/fftw3x_cdft, fftw2x_*), which a user or a module builds (EasyBuild's "
                        "imkl-FFTW); MKL's own lib folder has no such file")
        fix.insert(0, f"give the folder where {os.path.basename(wrappers[0])} was built (EasyBuild: the imkl-FFTW module's lib; "
                      "or build it: make -C $MKLROOT/interfaces/fftw3x_cdft libintel64 mpi=<your MPI>)")
    fix.append("the configure's own log (autoconf: config.log; PETSc: configure.log) shows the link test and the linker's error")
    return Finding(
        "mkl-library-list-incomplete" if runtimes or missing else "configure-blas-rejected", "error",
        "the configure script's link test rejected the MKL libraries it was given" + (
            f": lib{runtimes[0]} (the threading layer's runtime) is missing from the list" if runtimes else
            f": no {missing[0]} layer in the list" if missing else ""),
        tuple(evidence), tuple(fix),
        "A configure script links a test program with the BLAS/LAPACK libraries it is given; MKL's list must hold the three "
        "layers and, for a threaded layer, its runtime (libiomp5 for mkl_intel_thread, libgomp for mkl_gnu_thread).",
        ("grep -n -A20 'Checking for BLAS' configure.log   # PETSc: the link line and its error",
         "grep -n -B2 -A12 'dgemm' config.log   # autoconf: the test program's link and its error"),
    )


def without_d(events: Parsed) -> list[CMakeWithoutD]:
    """The variables cmake was given without -D: what follows in the log is their consequence."""
    return [e for e in events.of(CMakeWithoutD) if e.variable]


def _without_d(events: list[CMakeWithoutD]) -> Finding:
    first = events[0]
    names = list(dict.fromkeys(f"{e.variable}={e.value}" for e in events))
    evidence = [e.said for e in events[:4]]
    evidence.append(f"cmake sets a variable only from -D{first.variable}=...; {names[0]} without it is taken for a path "
                    "(the source or build folder), so the variable stays unset and the configuration goes on without it")
    fix = [f"cmake -D{e.variable}={e.value} <source dir>   # -D, then the name" for e in events[:3]]
    if re.fullmatch(r"MKL_?ROOT|MKL_DIR|MKLROOT", first.variable):
        fix.append("for Intel's MKLConfig.cmake: -DMKL_DIR=<MKL prefix>/lib/cmake/mkl (or -DCMAKE_PREFIX_PATH=<MKL prefix>); "
                   "MKLROOT is read from the environment: export MKLROOT=<MKL prefix>")
    fix.append(recipes.cmake_reset("what was configured without it stays in the cache"))
    return Finding(
        "cmake-variable-without-d", "error", f"cmake was given {names[0]} without -D: the variable was never set",
        tuple(evidence), tuple(fix),
        "cmake reads NAME=VALUE as a variable only after -D (or in a -C script or a preset); a bare NAME=VALUE is a path "
        "argument, and -NAME=VALUE an unknown option. Everything that depended on the variable (where MKL is, which "
        "interface or threading layer) then took its default, and what fails next is that default's consequence.",
        ("cmake -L -N <build dir> | grep MKL   # the MKL variables the cache holds, and their values",),
    )


def _target_missing(events: list[CMakeTargetMissing]) -> Finding:
    first = events[0]
    owner = f"Target \"{first.owner}\"" if first.owner else "a target"
    return Finding(
        "cmake-mkl-target-missing", "error", f"{owner} links to {first.target}, which no find_package(MKL) defined",
        (f"{owner} links to the imported target {first.target}, and CMake found no such target when it generated the build",
         f"{first.target} is defined by Intel's MKLConfig.cmake when find_package(MKL) finds it (oneMKL 2021.3 and newer "
         "ship it in <prefix>/lib/cmake/mkl): either the project never calls find_package(MKL), or calls it without "
         "REQUIRED and it found nothing"),
        ("add find_package(MKL CONFIG REQUIRED) before the target links MKL::MKL (the project's own CMakeLists, or its option "
         "that turns MKL on)",
         f"and point it at MKL: cmake -DMKL_DIR=<MKL prefix>/lib/cmake/mkl <source dir> (or {folders.SOURCE_SETVARS}, "
         "or -DCMAKE_PREFIX_PATH=<MKL prefix>)"),
        "An imported target exists only after the package that defines it was found in the same configure run; linking "
        "one by name without that call makes CMake treat it as missing when it generates the build files.",
        ("cmake --debug-find-pkg=MKL <source dir>   # whether find_package(MKL) runs, and where it looked",),
    )


def _placeholder(events: list[ScriptPlaceholder]) -> Finding:
    return Finding(
        "intel-env-script-unconfigured", "error",
        "an Intel environment script still holds its installer's placeholder SUBSTITUTE_INSTALL_DIR_HERE",
        (events[0].line,
         "the path it searched begins with the literal placeholder: the script (tbbvars.sh) was never given the install "
         "folder, so TBBROOT is unset; the library it looks for may well be installed"),
        ("call it so that it finds its own folder: in compilervars.sh, run tbbvars.sh with the extra argument auto_tbbroot "
         "(the workaround Intel's maintainers confirmed for the 2020 packages)",
         "or set the folder yourself before sourcing: export TBBROOT=<install>/tbb",
         "or use the oneAPI packages, whose setvars.sh has no placeholder"),
        "Intel's Parallel Studio packages write the install folder into their environment scripts when installed; some "
        "packages (the 2020.1 apt packages of MKL and TBB) left the placeholder, and the script then looks for its "
        "libraries under a folder that does not exist.",
    )
