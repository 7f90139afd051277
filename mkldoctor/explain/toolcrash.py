"""A build tool's own MKL support crashed: a Python exception raised in its code for MKL.

Meson's ScaLAPACK lookup with MKLROOT unset (mesonbuild/meson#11172)::

      File ".../mesonbuild/dependencies/scalapack.py", line 113, in _set_libs
        libdir = self.__mklroot / 'lib/intel64'
    TypeError: unsupported operand type(s) for /: 'NoneType' and 'str'
    meson.build:49:0: ERROR: Unhandled python exception

Spack resolving an external ``intel-oneapi-mkl+cluster`` (spack/spack#38238)::

    ==> Error: KeyError: 'No spec with name mpi in intel-oneapi-mkl@2023.1.0...'

A programming error (``TypeError``, ``KeyError``, ``AttributeError``, ...) is no link or load failure and no missing
MKL: the tool's MKL code met a setup it did not expect. Only such exceptions are read here, and only where the
exception's message or the frames printed just before it name MKL; ``ImportError`` and ``OSError`` are the loaders'
(runtime, hosts). The tool is named from the frame's path (``mesonbuild`` is meson, ``spack``'s ``==> Error:``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.finders import cmake_head
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class ToolCrashed:
    """A programming error raised in a tool's MKL code: the exception, its message, the frame and source line before it."""

    exception: str
    message: str
    tool: str
    frame: str
    source: str
    line: str


_PROGRAMMING = r"TypeError|KeyError|AttributeError|IndexError|NameError|UnboundLocalError|AssertionError|ZeroDivisionError"
_EXCEPTION = re.compile(rf"^\s*(?:==> Error: )?(?P<exc>{_PROGRAMMING}): ?(?P<msg>.*)$")
_FRAME = re.compile(r"""File "(?P<path>[^"]+)", line (?P<no>\d+), in (?P<func>[\w<>.]+)""")
# the tool whose code a frame is in: its package folder's name
_TOOLS = (("mesonbuild", "meson"), ("spack", "Spack"), ("numpy/distutils", "numpy.distutils"), ("setuptools", "setuptools"),
          ("conans", "Conan"), ("easybuild", "EasyBuild"), ("cmake", "CMake"))


def _tool(path: str, line: str) -> str:
    for part, name in _TOOLS:
        if f"/{part}/" in path.replace("\\", "/"):
            return name
    if line.lstrip().startswith("==> Error:"):
        return "Spack"
    package = re.search(r"[/\\]site-packages[/\\](\w+)", path)
    return package.group(1) if package else "the tool"


def _event(m: re.Match, before) -> ToolCrashed | object:
    frames = [_FRAME.search(b) for b in before]
    frame = next((f for f in reversed(frames) if f), None)
    # the source line under the frame (Python 3.11 marks the failing part with a line of carets below it)
    code = [b.strip() for b in before if b.strip() and not _FRAME.search(b) and not set(b.strip()) <= set("^~")]
    source = code[-1] if code and frame and before.index(frame.string) < len(before) - 1 else ""
    # Spack's oneAPI packages' library list (intel-oneapi-mkl ~shared: IntelOneApiStaticLibraryList) names no MKL
    if not re.search(r"(?i)mkl|IntelOneApi\w*LibraryList", " ".join((m.group("msg"), frame.group(0) if frame else "", source))):
        return NOT_MINE  # another program's bug: the line stays unclaimed (an unrecognised error)
    from mkldoctor.explain.pymkl import no_attribute  # the module 'mkl' without a function: pymkl's words, not a tool's bug

    if m.group("exc") == "AttributeError" and (said := no_attribute(m)) is not None:
        return said
    code = re.fullmatch(r"""['"]\[?(?P<code>-\d{1,2})\]?['"]""", m.group("msg").strip())
    if m.group("exc") == "KeyError" and code and re.search(r"(?i)pardiso", " ".join((frame.group(0) if frame else "", source))):
        from mkldoctor.explain.pardiso import PardisoError  # a wrapper's table of PARDISO's messages without the code
        return PardisoError(int(code["code"]), f"{m.string.strip()} (the wrapper's table of PARDISO's error messages has "
                                               f"no entry for PARDISO's error {code['code']})")  # qutip#791
    where = f"{frame.group('path')}:{frame.group('no')} in {frame.group('func')}" if frame else ""
    return ToolCrashed(m.group("exc"), m.group("msg").strip(), _tool(frame.group("path") if frame else "", m.string),
                       where, source, m.string.strip())


@dataclass(frozen=True, slots=True)
class CMakeCodeFailed:
    """A CMake command that failed inside an MKL finder's or MKLConfig.cmake's own code (not its message of a search)."""

    file: str
    command: str
    detail: str
    arguments: tuple[str, ...] = ()  # if()'s "given arguments", as CMake quotes them


_QUOTED = re.compile(r'"([^"]*)"')
_IF_WORDS = {"MATCHES", "STREQUAL", "STRLESS", "STRGREATER", "EQUAL", "LESS", "GREATER", "VERSION_LESS", "VERSION_EQUAL",
             "VERSION_GREATER", "VERSION_GREATER_EQUAL", "VERSION_LESS_EQUAL", "AND", "OR", "NOT", "(", ")", "IN_LIST",
             "DEFINED", "EXISTS", "IS_DIRECTORY", "TARGET", "COMMAND", "POLICY", "IS_ABSOLUTE", "LESS_EQUAL", "GREATER_EQUAL"}


def list_expanded(arguments: tuple[str, ...]) -> list[str]:
    """The values of a list variable expanded unquoted into if(): two or more operands side by side, where if() takes one
    (``"/a/include" "/a/include/openblas" "MATCHES" "mkl"``); [] when the arguments show none."""
    run: list[str] = []
    for token in arguments:
        if token in _IF_WORDS:
            if len(run) > 1:
                return run
            run = []
        else:
            run.append(token)
    return run if len(run) > 1 else []


def _cmake_code(m: re.Match, before) -> CMakeCodeFailed | object:
    header = cmake_head(before, "Error")
    # an MKL finder's, MKLConfig's, or a project's BLAS/LAPACK module's (SuiteSparse__blas_threading.cmake: BLA_VENDOR)
    if header is None or header.group("cmd").lower() == "message" or not re.search(r"(?i)mkl|blas|lapack", header.group("where")):
        return NOT_MINE
    given = tuple(_QUOTED.findall(q.string)) if (q := last_match(r'^\s*"', before)) else ()
    return CMakeCodeFailed(header.group("where"), header.group("cmd"), m.string.strip(), given)


_UNKNOWN_SUBCOMMAND = re.compile(r"does not recognize sub-command (?P<sub>\w+)")  # a command newer than this CMake
SIGNATURES = (
    Signature("tool-mkl-code-crashed", "toolcrash", "Error", _EXCEPTION, _event),
    # "CMake Error at .../MKLConfig.cmake:456 (list):" then "list does not recognize sub-command PREPEND" (a CMake older
    # than the file needs: list(PREPEND) is CMake 3.15's); "... FindMKL.cmake:195 (IF):" then "Unknown arguments specified"
    # (a variable the finder expects unset: IF(UNIX AND ${USE_STATIC_MKL}))
    Signature("cmake-mkl-code-subcommand", "toolcrash", "sub-command", _UNKNOWN_SUBCOMMAND,
              _cmake_code),
    Signature("cmake-mkl-code-arguments", "toolcrash", "Unknown arguments", re.compile(r"^\s*Unknown arguments specified"),
              _cmake_code),
    # "string sub-command REGEX, mode MATCH needs at least 5 arguments total to command.": a variable expanded empty
    Signature("cmake-mkl-code-too-few", "toolcrash", "sub-command",
              re.compile(r"sub-command \w+,(?: mode \w+)? needs at least \d+ arguments"), _cmake_code),
    # "CMake Error at cmake/OpenCVFindMKL.cmake:32 (file):" then 'file STRINGS file "/opt/intel/mkl/include/mkl_version.h"
    # cannot be read.' (opencv#8037: the finder reads the version header of an MKL it took for complete)
    Signature("cmake-mkl-code-unreadable-file", "toolcrash", "cannot be read",
              re.compile(r'^\s*(?:file (?:STRINGS|READ) file "[^"]+" )?cannot be read\.?\s*$'), _cmake_code),  # CMake wraps a long path
    # meson's own words after an exception of its code: "meson.build:49:0: ERROR: Unhandled python exception"
    Signature("meson-unhandled-exception", "toolcrash", "ERROR", re.compile(r"ERROR: Unhandled python exception"),
              lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    crashes = events.of(ToolCrashed)
    cmake = events.of(CMakeCodeFailed)
    return ([_finding(crashes[0])] if crashes else []) + ([_cmake_finding(cmake[0])] if cmake else [])


def _cmake_finding(e: CMakeCodeFailed) -> Finding:
    name = e.file.replace("\\", "/").rsplit("/", 1)[-1].split(":")[0]
    intel = name == "MKLConfig.cmake"
    old_cmake = _UNKNOWN_SUBCOMMAND.search(e.detail) is not None
    blas = not re.search(r"(?i)mkl", name)  # a project's own BLAS module: the variable FindBLAS reads and does not set
    listed = list_expanded(e.arguments) if e.command.lower() == "if" else []
    if listed:
        return _list_finding(e, name, listed)
    unread = re.search(r'file "(?P<path>[^"]+)" cannot be read', e.detail)
    if unread or (e.detail.startswith("cannot be read") and e.arguments):  # the path on the line above, as CMake wraps it
        return _unread_finding(e, name, unread["path"] if unread else e.arguments[0])
    fix = ([f"a newer CMake (list(PREPEND), list(TRANSFORM) and the like are CMake 3.15's and later): "
            f"{recipes.pip_install('-U', 'cmake')}, or the distribution's newer cmake package",
            "or the MKLConfig.cmake of the MKL release this CMake can read (an older MKL, pinned: "
            f"{recipes.conda_install(recipes.q('mkl<2021.3'), recipes.q('mkl-devel<2021.3'))})" if intel else
            f"or the project's release whose {name} this CMake can read"] if old_cmake else
           ([f"set the vendor that {name} reads: -DBLA_VENDOR=Intel10_64lp_seq (MKL, sequential; Intel10_64lp threaded, "
             "Intel10_64ilp for 64-bit integers): BLA_VENDOR is FindBLAS's input, which it never sets, so a module that "
             "reads it after a search that found MKL by itself gets it empty",
             f"and update the project: its {name} expands the variable unquoted"] if blas else
            [f"update the project: its {name} has a bug in this setup (a variable it reads unset: define it, -D<it>=ON or OFF, "
             "until then)"]))
    return Finding(
        "tool-mkl-code-crashed", "error",
        f"{'Intel' if intel else 'the project'}'s {name} failed on its own CMake code ({e.command}): "
        + ("a CMake too old for it" if old_cmake else "BLA_VENDOR unset, which it reads" if blas else
           "a bug of the finder in this setup, not a missing MKL"),
        (f"CMake Error at {e.file} ({e.command}): {e.detail[:200]}",
         f"the error is in {name}'s own commands, " + ("after the search found a BLAS: " if blas else "before any search: ")
         + ("this CMake does not know a command the file uses" if old_cmake else
            "its arguments were malformed, most often a variable it expands unquoted and unset")),
        tuple(fix),
        "An MKL finder or MKLConfig.cmake is CMake code; a command it runs can fail on a CMake older than its authors used, or "
        "on a variable they expected set. The search never ran: MKL may well be installed.",
        ("cmake --version   # the release to compare with the file's cmake_minimum_required",),
    )


def _unread_finding(e: CMakeCodeFailed, name: str, path: str) -> Finding:
    """A finder that read a file of the MKL it found (mkl_version.h) and met none: an MKL without its headers, or of a
    layout the finder does not know (opencv#8037: OpenCVFindMKL.cmake before PR #8042 read it without checking)."""
    header = path.replace("\\", "/").rsplit("/", 1)[-1]
    root = path.replace("\\", "/").rsplit("/include/", 1)[0] if "/include/" in path.replace("\\", "/") else path
    return Finding(
        "tool-mkl-code-crashed", "error",
        f"the project's {name} failed reading {header} of the MKL it found ({root}): that MKL has no such file",
        (f"CMake Error at {e.file} ({e.command}): {e.detail[:200]}",
         f"{name} took {root} for an MKL and read its {header} without checking that it is there: an MKL without its "
         "headers (a runtime-only package: pip's or conda's mkl without mkl-include or mkl-devel, Debian's libmkl-rt "
         "without libmkl-dev), a folder left from another install, or a layout the finder does not know"),
        (f"point the finder at a complete MKL, headers included: MKLROOT=<an MKL whose include/{header} exists> (oneAPI: "
         "source setvars.sh; pip: mkl-devel and mkl-include; conda: mkl-devel; Debian: libmkl-dev)",
         f"or configure without MKL (OpenCV: -DWITH_MKL=OFF), or remove the incomplete folder ({root})",
         f"or the project's release whose {name} checks the file first (OpenCV: PR #8042)"),
        "A finder that derives an MKL's version from its headers fails as CMake code, not as a search, when the folder it "
        "chose has no headers.",
        (f"ls {root}/include/{header} {root}/lib   # what the folder the finder chose holds",),
    )


def _list_finding(e: CMakeCodeFailed, name: str, listed: list[str]) -> Finding:
    """if() given a list variable unquoted: each of its values became an argument (ggml's ``if (${BLAS_INCLUDE_DIRS}
    MATCHES "mkl" ...)`` with two include folders, ggml-org/whisper.cpp#3426)."""
    return Finding(
        "tool-mkl-code-crashed", "error",
        f"the project's {name} failed on its own CMake code (if): a variable holding {len(listed)} values, expanded unquoted",
        (f"CMake Error at {e.file} ({e.command}): {e.detail[:200]}",
         f"if() was given {', '.join(repr(v) for v in listed[:3])} side by side where it takes one value: a list variable "
         "(several folders or libraries, as a finder's *_INCLUDE_DIRS or *_LIBRARIES holds when it found more than one) "
         "expanded without quotes splits into one argument per value",
         f"the error is in {name}'s own commands after the search found a BLAS: nothing is wrong with that BLAS or MKL"),
        (f"quote the variable in {name}: if (\"${{<the variable>}}\" MATCHES ...) matches the whole list as one string (the "
         "project's fix; update to a release that has it)",
         "until then, give the search one value for it: a BLAS found in one folder (a package that lists two include folders, "
         "as Conan's OpenBLAS does, makes two)"),
        "CMake expands ${VAR} of a list into one argument per item unless it is quoted; if() then sees more arguments than "
        "its condition has places for.",
        (f"cmake --trace-expand --trace-source={name} <source dir> 2>&1 | grep -n 'if ('   # the condition as CMake expanded it",),
    )


# a library's handle never assigned: "local variable 'MKLlib' referenced before assignment" (Python 3.11: "cannot access
# local variable 'MKLlib' where it is not associated with a value"), pyMKL's loadMKL after ctypes could not open libmkl_rt
_HANDLE = re.compile(r"(?i)variable '(?P<var>\w*mkl\w*(?:lib|dll|rt|handle)\w*|\w*(?:lib|dll)\w*mkl\w*)'")


def _finding(e: ToolCrashed) -> Finding:
    handle = _HANDLE.search(e.message) if e.exception in ("UnboundLocalError", "NameError") else None
    if handle:
        return _unloaded(e, handle["var"])
    evidence = [f"{e.tool} raised: {e.line[:300]}"]
    if e.frame:
        evidence.append(f"in its own code: {e.frame}" + (f": {e.source[:200]}" if e.source else ""))
    article = "an" if e.exception[0] in "AEIOU" else "a"
    evidence.append(f"{article} {e.exception} is a programming error of the code that raised it, not a linker's or loader's "
                    "failure: the MKL it looked for may well be there")
    fix = []
    unset = "NoneType" in e.message and re.search(r"(?i)mklroot", e.source + e.message)
    if unset:
        evidence.append("the value it used is None and its name says MKLROOT: MKLROOT is not set where the tool ran, while "
                        "something (a pkg-config file, a CMake package) told it that MKL is there")
        fix.append("set MKLROOT before running it: source <oneAPI>/setvars.sh (or export MKLROOT=<the MKL prefix>), or take "
                   "MKL's pkgconfig folder off PKG_CONFIG_PATH if this build should not use MKL")
    fix.append(f"update {e.tool}: a crash in its own MKL code is its bug, and newer releases may already fix it (search its "
               f"issues for: {e.exception}: {e.message[:80]})")
    if e.tool == "Spack" and "IntelOneApiStaticLibraryList" in e.message:  # spack#41803: a dependent's phase asked MKL's libs
        evidence.append("IntelOneApiStaticLibraryList is what Spack's oneAPI packages return for their libraries when built "
                        "static only (intel-oneapi-mkl ~shared): the recipe of the package being built uses it as a list of "
                        "shared libraries, which it is not")
        fix.insert(0, "build MKL with its shared libraries: spack install <package> ^intel-oneapi-mkl+shared (or +shared on the "
                      "intel-oneapi-mkl spec of the environment, then spack concretize -f)")
    if e.tool == "Spack" and "No spec with name" in e.message:
        fix.insert(0, "if MKL is an external package (packages.yaml): an external spec carries no dependencies, so it has no "
                      "node of that name; declare it without the variant that needs one (~cluster), or let Spack build MKL")
    return Finding(
        "tool-mkl-code-crashed", "error",
        f"{e.tool}'s own MKL support crashed ({e.exception}): a bug of {e.tool} in this setup, not a missing MKL",
        tuple(evidence), tuple(fix),
        "Build tools carry their own code to find MKL (meson's dependency factories, Spack's package recipes, "
        "numpy.distutils' system_info). When that code raises a TypeError or KeyError, the build stops on the tool's bug; "
        "the fix is the tool's release that handles the setup, or a setup the code expects.",
        (f"{'meson --version' if e.tool == 'meson' else 'spack --version' if e.tool == 'Spack' else 'the tool --version'}"
         "   # the release to compare with the fix",),
    )


def _unloaded(e: ToolCrashed, var: str) -> Finding:
    """The code's handle of MKL's library never assigned: its load failed, and the error it caught was not said again."""
    return Finding(
        "mkl-library-not-loaded-by-code", "error",
        f"{e.tool}'s code could not load MKL's library and went on without it: {var}, the handle it keeps, was never assigned",
        (f"{e.tool} raised: {e.line[:300]}", *((f"in its own code: {e.frame}",) if e.frame else ()),
         f"{var} names a handle of MKL's library: code that opens it with ctypes (pyMKL's loadMKL opens libmkl_rt by name, "
         "then on an Anaconda Python only, Anaconda's folder) and catches the OSError leaves it unassigned, and the next use "
         f"raises {e.exception}: the load failed before it"),
        ("make MKL's runtime library loadable by the name the code opens (libmkl_rt.so, libmkl_rt.dylib, mkl_rt.dll): in a "
         "conda environment conda install mkl; with pip's mkl wheel (only the versioned libmkl_rt.so.2 or .so.3 in it) its "
         "lib folder on LD_LIBRARY_PATH and a link of the unversioned name, or conda's mkl",
         f"or a release of {e.tool} that says why the load failed, or that takes the versioned name"),
        "A wrapper that loads MKL with ctypes and swallows the loader's error reports the missing library later, as an "
        "unassigned variable.",
        ("python -c \"import ctypes; ctypes.CDLL('libmkl_rt.so')\"   # the loader's own reason (macOS: .dylib; Windows: "
         "mkl_rt.dll, or mkl_rt.2.dll)",),
    )
