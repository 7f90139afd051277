"""Build systems and compilers: CMake's ``find_package(MKL)``, a compiler without MKL's headers,
and the lines that only repeat that something failed before them (make, ninja, cargo, collect2).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain import fftwheaders, syclheaders
from mkldoctor.explain.catalogue import FollowOn, NOT_MINE, Signature, Unrecognised
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, layout
from mkldoctor.knowledge.recipes import cmake_reset
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.inventory.install import label


@dataclass(frozen=True, slots=True)
class CMakeNoConfig:
    package: str  # "MKL"


@dataclass(frozen=True, slots=True)
class CMakeConfigRejected:
    variable: str  # "MKL_THREADING"
    value: str
    options: str = ""  # what MKLConfig.cmake accepts, when it said so


@dataclass(frozen=True, slots=True)
class HeaderMissing:
    header: str  # "mkl.h"
    source: str
    includes: tuple[str, ...] | None = None  # the -I folders of the compile line just before it; None: no such line
    defines: tuple[str, ...] = ()  # its -D names
    msvc: bool = False  # said by MSVC's cl.exe (headerwords): Windows' folders and variables


def _follow(m: re.Match, _) -> FollowOn:
    return FollowOn(m.string.strip())


_COMPILERS = "|".join(sorted({library.compiler for library in layout.of_role("interface")}))  # MKL_INTERFACE_FULL's prefixes
_MKL_HEADER = re.compile(r"^(?:mkl|mkl_\w+|i_malloc|lapacke\w*|cblas)\.h(?:pp)?$|^mkl\w*\.fi$")  # a Fortran INCLUDE's too
# oneMKL's SYCL headers renamed, with the release that no longer ships the old name (spack-packages PR #4651: heffte 2.4.1's
# oneapi/mkl/dfti.hpp under oneMKL 2026.0; heffte PR #68 moved to dft.hpp)
RENAMED_HEADERS = {"oneapi/mkl/dfti.hpp": ("oneapi/mkl/dft.hpp", "2026.0")}
_COMPILE = re.compile(r"(?:^|\s)-c(?:\s|$)")


def _compile_flags(before) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The -I folders and -D names of the compile line among the lines just before an error (None: there is none)."""
    for line in reversed(list(before)):
        if _COMPILE.search(line) and (" -I" in line or " -D" in line or " -o " in line):
            return (tuple(re.findall(r"(?:^|\s)-I\s*(\S+)", line)), tuple(re.findall(r"(?:^|\s)-D\s*(\w+)", line)))
    return None, ()


def header_event(m: re.Match, before) -> HeaderMissing | Unrecognised:
    name = m.group("h")
    if name in syclheaders.SYCL_HEADERS:  # the SYCL compiler's, included by oneMKL's SYCL headers (or not MKL's at all)
        return syclheaders.event(m, before)
    if not (_MKL_HEADER.match(os.path.basename(name)) or name.startswith("oneapi/mkl")):
        # FFTW's headers are fftwheaders' (MKL ships them apart); any other stays an error of its own
        return NOT_MINE if fftwheaders.HEADER.fullmatch(os.path.basename(name)) else Unrecognised(m.string.strip())
    includes, defines = _compile_flags(before)
    return HeaderMissing(name, m.group("src") or "", includes, defines)



@dataclass(frozen=True, slots=True)
class LinkToolRejected:
    """Intel's mkl_link_tool refusing a value: ``Unknown threading library: omp. Supported values for threading
    library: iomp5|tbb`` (the values it takes depend on the compiler and OS it was told)."""

    what: str
    value: str
    supported: str


@dataclass(frozen=True, slots=True)
class MklTargetMissing:
    """CMake: ``Target "app" links to target "MKL::MKL_DPCPP" but the target was not found``."""

    target: str


@dataclass(frozen=True, slots=True)
class MklTargetTwice:
    """CMake: ``add_library cannot create imported target "MKL::Core" because another target with the same name already
    exists`` (a FindMKL.cmake run a second time, votca#246)."""

    target: str
    file: str = ""  # the file CMake's error head names (.../MKLConfig.cmake:744), when the lines before hold it


def _twice(m: re.Match, before) -> MklTargetTwice:
    from mkldoctor.explain.finders import cmake_head

    head = cmake_head(before)
    return MklTargetTwice(m.group("target"), head.group("where") if head else "")


# a log viewer's line numbers before each line of CMake's message ("    181        MKL::MKL")
_GUTTER = r"(?:\s*\d+(?=\s))?"


def _target_listed(m: re.Match, before) -> object:
    for line in reversed(list(before)[-4:]):
        named = re.match(rf"^{_GUTTER}\s+(?P<target>\S+::\S+)\s*$", line)
        if named:
            return MklTargetMissing(named.group("target")) if named.group("target").startswith("MKL::") else Unrecognised(
                f"CMake: a target links {named.group('target')}, which is not defined")
    return Unrecognised(m.string.strip())


SIGNATURES = (
    Signature("cmake-mkl-target-missing", "build", "links to target",
              re.compile(r'links to target "(?P<target>MKL::[\w:]+)" but the target'), lambda m, _: MklTargetMissing(m.group("target"))),
    # CMake 3.25 and newer: 'Target "app" links to:', the target alone on a line, then '  but the target was not found.'
    Signature("cmake-target-missing-list", "build", "found", re.compile(rf"^{_GUTTER}\s*but the target was not found\b"), _target_listed),
    Signature("cmake-mkl-target-twice", "build", "annot ",
              re.compile(r'cannot create imported target "(?P<target>MKL::[\w:]+)"'), _twice),
    # a package config loaded twice that sets up its MKL target each time (PyTorch's Caffe2 public/mkl.cmake, pytorch#118862)
    Signature("cmake-mkl-target-not-built-here", "build", "annot ",
              re.compile(r'Cannot specify (?:link libraries|include directories|compile \w+) for target "(?P<target>[\w:]*(?i:mkl)[\w:]*)" '
                         r'which is not built'), lambda m, _: MklTargetTwice(m.group("target"))),
    Signature("mkl-link-tool-rejected", "build", "Supported values",
              re.compile(r"Unknown (?P<what>[\w ]+?): (?P<value>\S+?)\.\s+Supported values for [\w ]+?: (?P<values>\S+)"),
              lambda m, _: LinkToolRejected(m.group("what"), m.group("value"), m.group("values"))),
    # FetchContent's own error ("Build step for X failed: 2") only repeats its sub-build's failure, said above it
    Signature("cmake-fetchcontent-step", "build", "CMake Error", re.compile(r"CMake Error at \S*/FetchContent\.cmake:\d+ \(message\):"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("cmake-error-header", "build", "CMake Error", re.compile(r"CMake Error(?: at (?P<where>.+?) ?\((?P<cmd>\w+)\))?:"),  # a path may hold spaces (C:/Program Files)
              lambda m, _: Unrecognised(m.string.strip())),
    Signature("cmake-no-config", "build", "package configuration file provided by",
              re.compile(r"package configuration file provided by \"(?P<pkg>\w+)\""),
              lambda m, before: CMakeNoConfig(m.group("pkg")) if m.group("pkg").upper() == "MKL" else
              None if any(b.startswith("CMake Warning") or "asked CMake to find a package configuration" in b for b in before)
              else Unrecognised(m.string.strip())),  # a warning's is no failure; the message's second part, no second one
    Signature("mklconfig-invalid-value", "build", "has an invalid value",
              re.compile(r"required variable (?P<var>MKL_\w+) has an invalid value(?:\s+\"(?P<val>[^\"]*)\")?"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val") or "")),  # CMake may wrap the value
    Signature("mklconfig-invalid-option", "build", "options are:",
              re.compile(r"Invalid (?P<var>MKL_\w+) `(?P<val>[^`]*)`, options are: (?P<opts>.+)$"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val"), m.group("opts").strip())),
    # "No such file or directory", or its first word where a paste broke the line (caffe#6033's "cblas.h: No //")
    Signature("header-missing", "build", "fatal error: ",
              re.compile(r"(?:(?:^|\s)(?P<src>[^:\s]+):\d+:\d+: )?fatal error: (?P<h>[\w/.-]+\.h(?:pp)?): No\b"),
              header_event),
    # Intel's classic compilers (icc, icpc): "../fft3d.h(42): catastrophic error: cannot open source file "mkl_dfti.h""
    Signature("header-missing-icc", "build", "annot open source file",
              re.compile(r"^(?P<src>[^\s(]+)\(\d+\): catastrophic error: cannot open source file \"(?P<h>[\w/.+-]+\.h(?:pp)?)\""), header_event),
    Signature("header-not-found-clang", "build", "file not found",  # clang's words; a parallel build may cut the file's name
              re.compile(r"^(?:(?P<src>[^:\s]+):\d+:\d+: )?.*?fatal error: '(?P<h>[\w/.+-]+\.h(?:pp)?)' file not found"), header_event),
    Signature("cmake-configuring-incomplete", "build", "Configuring incomplete", re.compile(r"Configuring incomplete, errors occurred"), _follow),
    # in make's own language too (its target in brackets, then its word for Error: "[all] 错误 2", "[all] Fehler 2")
    Signature("make-error", "build", "***", re.compile(r"^\s*(?:[\w.-]*make|nmake)(?:\[\d+\])?: \*\*\* (?:.*Error|\[[^\]]*\] \S+) \d+"), _follow),
    Signature("ninja-stopped", "build", "ninja: build stopped", re.compile(r"^ninja: build stopped"), _follow),
    Signature("ninja-failed", "build", "FAILED: ", re.compile(r"^FAILED: "), _follow),
    Signature("compilation-terminated", "build", "compilation terminated", re.compile(r"^compilation terminated\."), _follow),
    Signature("rustc-aborting", "build", "aborting due to", re.compile(r"^error: aborting due to"), _follow),
    Signature("setuptools-command-failed", "build", "failed with exit code", re.compile(r"error: command '[^']+' failed with exit code \d+"), _follow),
    Signature("julia-error-building", "build", "Error building", re.compile(r"Error: Error building `[^`]+`"), _follow),
    Signature("julia-package-errored", "build", "errored during testing", re.compile(r"ERROR: Package \S+ errored during testing"), _follow),
    Signature("julia-failed-to-precompile", "build", "Failed to precompile", re.compile(r"ERROR: Failed to precompile \S+"), _follow),
    # Bazel's word after a link action's own errors: "ERROR: .../BUILD:3766:1: Linking of rule '//x:y.so' failed (Exit 1000)"
    Signature("bazel-action-failed", "build", "ailed (Exit ", re.compile(r"\bof rule '[^']+' failed \(Exit \d+\)"), _follow),
    Signature("ci-exit-code", "build", "Process completed with exit code", re.compile(r"Process completed with exit code \d+"), _follow),
    Signature("pip-wheel-failed", "build", "ailed building wheel", re.compile(r"^(?:ERROR: )?Failed building wheel for \S+"), _follow),
    Signature("pip-subprocess-error", "build", "subprocess-exited-with-error", re.compile(r"^error: subprocess-exited-with-error"), _follow),
    Signature("python-called-process-error", "build", "returned non-zero exit status",
              re.compile(r"CalledProcessError: Command .+ returned non-zero exit status \d+"), _follow),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain import mklconfigwhy
    from mkldoctor.explain.configure import without_d

    out: list[Finding] = [_link_tool(e) for e in events.of(LinkToolRejected)[:1]]
    out += [_target_missing(e) for e in events.of(MklTargetMissing)[:1]]
    out += [_target_twice(e) for e in events.of(MklTargetTwice)[:1]]
    if events.of(CMakeNoConfig) and not without_d(events):  # MKL_DIR given without -D: that finding says why
        out.append(_no_config(ctx))
    for event in [e for e in events.of(CMakeConfigRejected) if e.variable not in mklconfigwhy.INTERNAL]:
        said = [e for e in events.of(CMakeConfigRejected) if e.variable == event.variable and e is not event]
        if (not event.options and any(e.options for e in said)) or (not event.value and any(e.value for e in said)):
            continue  # the same rejection, said twice: keep the line that tells the most
        variable, value = event.variable, event.value
        if variable.endswith("_FULL"):  # MKL_INTERFACE=lp64 becomes MKL_INTERFACE_FULL=intel_lp64 inside MKLConfig.cmake
            variable, value = variable[:-5], re.sub(rf"^(?:{_COMPILERS})_", "", value)
        # MKLConfig.cmake of 2023.1 and older, with a DPC++ compiler (icpx), took intel_ilp64 only and stopped; 2023.2's
        # makes that a status of the MKL::MKL_DPCPP target (the mkl-devel 2023.2 fixture's MKLConfig.cmake)
        dpcpp = event.variable == "MKL_INTERFACE_FULL" and event.options.split() == ["intel_ilp64"] and value == "lp64"
        change = (f"cmake -D{variable}=<one of the values it accepts> <build dir>   # or drop -D{variable} for its default",)
        if dpcpp:
            change = ("a newer oneMKL (2023.2 or newer): its MKLConfig.cmake accepts lp64 for the C/C++ and Fortran "
                      "interfaces with icpx and limits only the MKL::MKL_DPCPP target to ilp64",
                      "or configure with another C++ compiler than icpx (icpc, g++) when the project uses no SYCL; not "
                      "MKL_INTERFACE=ilp64, which changes the integers the project's code passes to MKL")
        out.append(Finding(
            "mklconfig-rejected-value", "error",
            f"MKLConfig.cmake rejects {variable}={value}" + (" (its DPC++ check, with icpx)" if dpcpp else ""),
            (f"MKLConfig.cmake: {event.variable} has the invalid value \"{event.value}\"",)
            + ((f"it accepts: {event.options}",) if event.options else ())
            + (("an MKLConfig.cmake older than 2023.2 offers only intel_ilp64 when the compiler is a DPC++ one (icpx, "
                "IntelLLVM), which is MKL's SYCL interface's limit, and stops the whole search",) if dpcpp else ()),
            (*change,
             cmake_reset("a wrong value stays in the cache until removed")),
            "Intel's MKLConfig.cmake checks MKL_LINK, MKL_INTERFACE, MKL_THREADING (and MKL_ARCH, MKL_MPI) against the values "
            "this release supports, and sets MKL_FOUND to FALSE on any other.",
        ))
    headers = events.of(HeaderMissing)
    if headers:
        out.append(_header(ctx, headers))
    return out


def _link_tool(event: LinkToolRejected) -> Finding:
    choices = event.supported.split("|")
    return Finding(
        "mkl-link-tool-rejected", "error",
        f"Intel's mkl_link_tool refused {event.what} {event.value}: it takes {' or '.join(choices)} here",
        (f"mkl_link_tool: unknown {event.what} {event.value}; supported: {', '.join(choices)}",
         "mkl_link_tool's choices depend on the compiler and OS it is told (--compiler, --os): with Intel's compilers "
         "on Linux the OpenMP runtime is Intel's own (iomp5), not GNU's (omp)"),
        (f"pass one of {', '.join(choices)} (e.g. --{'openmp' if 'thread' in event.what else '<option>'}={choices[0]}), or "
         "let the compiler choose: a project's FindMKL that builds the call from the compiler's name needs that case",
         "mkldoctor link --threading intel (or sequential, gnu) prints a checked line without the tool"),
        "mkl_link_tool (MKL's Link Line Advisor on the command line) prints the link line for the options it is given and "
        "refuses a combination it does not support; a build that calls it then has no MKL line at all.",
    )


def _no_config(ctx: Context) -> Finding:
    having = [(i, os.path.join(i.root, "lib", "cmake", "mkl")) for i in ctx.installs]
    having = [(i, d) for i, d in having if os.path.isfile(os.path.join(d, "MKLConfig.cmake"))]
    evidence = ["find_package(MKL) found no MKLConfig.cmake or mkl-config.cmake on its search path "
                "(MKL_DIR, CMAKE_PREFIX_PATH, the prefixes of PATH, the system prefixes)"]
    evidence += [f"MKLConfig.cmake is in {d} ({label(i)})" for i, d in having]
    lacking = [i for i in ctx.installs if all(i is not h for h, _ in having)]
    evidence += [f"{label(i)} ships no MKLConfig.cmake (Debian's libmkl-dev and the 2021 wheels do not)" for i in lacking[:4]]
    fix = []
    recipes = ()
    if having:
        install, folder = having[0]
        fix.append(f"cmake -DMKL_DIR={folder} <source dir>   # or: export CMAKE_PREFIX_PATH={install.root}")
        fix.append(cmake_reset())
    else:
        fix.append("install an MKL that ships MKLConfig.cmake (pip's mkl-devel, oneAPI's intel-oneapi-mkl-devel): see the recipe below")
        fix.append("then: cmake -DMKL_DIR=<its prefix>/lib/cmake/mkl <source dir>")
        fix.append("or keep an MKL that has none (MKL 2020 and older: Parallel Studio XE, a cluster's intel module, Debian's "
                   "2020.4) and link it without find_package(MKL CONFIG): the Intel compiler's -mkl (oneAPI: -qmkl) flag, or "
                   "the line mkldoctor link --install <its prefix> prints")
        recipes = (ctx.recipe("shared"),)
    return Finding(
        "cmake-mkl-config-not-found", "error", "CMake's find_package(MKL) found no MKLConfig.cmake",
        tuple(evidence), tuple(fix),
        "find_package(MKL CONFIG) (or a plain find_package(MKL) without a FindMKL.cmake module) loads Intel's MKLConfig.cmake, "
        "which only some MKL packages ship, from <prefix>/lib/cmake/mkl of the prefixes CMake searches.",
        ("cmake --debug-find-pkg=MKL <source dir>   # CMake lists every folder it tried",),
        recipes,
    )


_OPTIONS = "cmake -LH <build folder> | grep -i -B1 mkl lists a CMake project's options"
# a project that turned its MKL path on by itself (mxnet#19048: USE_MKL_IF_AVAILABLE, on by default, with no MKL installed)
_NO_MKL = f"or build the project without MKL, where it was not meant: turn its MKL option off ({_OPTIONS}; MXNet's -DUSE_MKL_IF_AVAILABLE=OFF)"


def _header(ctx: Context, events: list[HeaderMissing]) -> Finding:
    names = list(dict.fromkeys(e.header for e in events))
    having = [i for i in ctx.installs if any(os.path.isfile(os.path.join(d, names[0])) for d in i.include_dirs)]
    evidence = [f"{e.source or 'a source file'} includes {e.header}, which the compiler did not find on its include path"
                for e in list({(e.source, e.header): e for e in events}.values())[:4]]
    evidence += _compile_line(events) if names[0] not in RENAMED_HEADERS else []
    evidence += [f"{names[0]} is in {d} ({label(i)})" for i in having for d in i.include_dirs
                 if os.path.isfile(os.path.join(d, names[0]))]
    recipes, check = (), f"echo '#include <{names[0]}>' | cc -E -x c - -I<folder> > /dev/null && echo found"
    if names[0] in RENAMED_HEADERS:
        new, gone = RENAMED_HEADERS[names[0]]
        evidence.append(f"oneMKL renamed {names[0]} to {new}; the old name was deprecated, and {gone} no longer ships it")
        fix = [f"include <{new}> instead (a project's release that does, or a patch of the #include)",
               f"or build with an MKL older than {gone}, whose headers still have {names[0]}"]
    elif names[0] == "cblas.h":  # the reference CBLAS's header name: MKL has none (checked against the wheels and Debian's)
        evidence.append("MKL ships no cblas.h: its CBLAS prototypes are in mkl_cblas.h, which mkl.h includes; a cblas.h found "
                        "before came from another BLAS (ATLAS, OpenBLAS, Netlib's) on the include path")
        from mkldoctor.explain.headerwords import installed_switch  # it imports this module
        fix = [*installed_switch(events[0].source, names[0]), "with MKL, include MKL's header: #include <mkl.h> (or "
               "<mkl_cblas.h>), e.g. #ifdef USE_MKL ... #else #include <cblas.h> #endif, with -I<MKL prefix>/include",
               f"a project whose own header includes cblas.h unless it was configured for MKL: turn its MKL option on and "
               f"configure again ({_OPTIONS}; arrayfire#2270: -DUSE_CPU_MKL=ON)"]
    elif having:
        folder = next(d for d in having[0].include_dirs if os.path.isfile(os.path.join(d, names[0])))
        fix = [f"add -I{folder} to the compile line (CMake: target_link_libraries(... MKL::MKL) adds it; "
               "pkg-config: $(pkg-config --cflags mkl-dynamic-lp64-seq))"]
    elif _debian_layout(ctx, events):  # Debian's and Ubuntu's packages: libraries in the multiarch folder, headers apart
        fix = [f"Debian's and Ubuntu's MKL packages (libmkl-dev, intel-mkl) put {names[0]} in {DEBIAN_INCLUDE}, which no "
               f"compiler searches by itself, and a build that derives the include folder from the library folder "
               f"(/usr/lib/x86_64-linux-gnu/../../include) misses it: add -I{DEBIAN_INCLUDE}, or take the flags from the "
               "packages' pkg-config files: $(pkg-config --cflags mkl-dynamic-lp64-seq)"]
    elif names[0].endswith(".fi"):  # a Fortran INCLUDE
        from mkldoctor.explain.headerwords import fortran_fix

        fix, check = fortran_fix(names[0], ctx.platform == "Windows")
        recipes = (ctx.recipe("headers"),)
    elif any(e.msvc for e in events):
        from mkldoctor.explain.headerwords import WINDOWS_FIX

        fix, recipes = [*WINDOWS_FIX, _NO_MKL], (ctx.recipe("headers"),)
    else:
        fix = [f"set up the MKL the build means before building: oneAPI: {folders.SOURCE_SETVARS} (it sets CPATH, "
               "which the compilers search); Parallel Studio and MKL 2020 or older: source <install>/bin/compilervars.sh intel64 "
               "(or psxevars.sh, mkl/bin/mklvars.sh intel64)",
               f"or add -I<MKL prefix>/include to the compile line (Debian's and Ubuntu's packages: -I{DEBIAN_INCLUDE} itself, "
               "no include/ below it: DLBFoam#21; CMake: link the target to MKL::MKL, which carries it)",
               "no MKL installed: see the recipe below", _NO_MKL]
        recipes = (ctx.recipe("headers"),)
    from mkldoctor.explain.headerwords import built_with_mkl, mklml_download, onedal_micro_mkl  # another's header (dlib's)
    fix[:0] = ((built_with_mkl(events[0].source, names[0]) if names[0] != "cblas.h" else []) + onedal_micro_mkl(names[0])
               + mklml_download(events[0].source, names[0]))
    libinc = [d for e in events for d in (e.includes or ()) if d.rstrip("/").endswith("/lib/include")]
    if libinc and names[0].startswith("mkl"):  # pawpyseed#17: the -I made from the library folder's path
        fix.insert(0, f"-I{libinc[0]} is a library folder's include: pip's and conda's mkl-include put {names[0]} in "
                      f"<prefix>/include (pip install --user: ~/.local/include; a venv or conda environment: <it>/include), so give "
                      f"-I{libinc[0].rstrip('/')[:-len('/lib/include')]}/include")
    if any(d == "/include" or d.startswith("/include/") for e in events for d in (e.includes or ())):
        fix.insert(0, "the build's MKL folder variable was empty (-I/include): export MKLROOT=<MKL prefix> (or "
                      f"{folders.SOURCE_SETVARS}) and build again; no MKL wanted: turn the build's MKL option off")
    return Finding(
        "mkl-header-not-found", "error", f"the compiler cannot find {', '.join(names[:3])}"
        + (f": oneMKL {RENAMED_HEADERS[names[0]][1]} and newer no longer ship it" if names[0] in RENAMED_HEADERS else ""),
        tuple(evidence), tuple(fix),
        "MKL's headers live in its own include folder (<prefix>/include, /usr/include/mkl on Debian), "
        "which the compiler searches only when told: -I on the compile line, or CPATH, which oneAPI's setvars.sh sets.",
        (check,),
        recipes,
    )


DEBIAN_INCLUDE = "/usr/include/mkl"  # Debian's libmkl-dev (and Ubuntu's intel-mkl): mkl.h and the rest


def _debian_layout(ctx: Context, events: list[HeaderMissing]) -> bool:
    """The log shows MKL in Debian's multiarch library folder (a -L, an -I derived from it, a path it names)."""
    said = [*ctx.places, *(d for e in events for d in (e.includes or ()))]
    return any("/usr/lib/x86_64-linux-gnu" in p or p.startswith(DEBIAN_INCLUDE) for p in said)


def _compile_line(events: list[HeaderMissing]) -> list[str]:
    """What the compile line before the error says about MKL: its -I folders for MKL, or that it has none."""
    lines = [e for e in events if e.includes is not None]
    if not lines:
        return []
    event = lines[0]
    mkl_dirs = [d for d in event.includes if "mkl" in d.lower() or "oneapi" in d.lower()]
    mkl_defines = [d for d in event.defines if "MKL" in d.upper()]
    rootless = [d for d in event.includes if d == "/include" or d.startswith("/include/")]
    if rootless:  # -I$(MKLROOT)/include with MKLROOT empty
        return [f"the compile line has -I{rootless[0]}: a variable in front of it was empty (-I$(MKLROOT)/include with "
                f"MKLROOT unset), so the build's MKL option is on but no MKL was set up where it was built: set MKLROOT to "
                f"the MKL prefix ({folders.SOURCE_SETVARS}), or turn the build's MKL option off (the makefile's "
                "MKL lines, -D" + (mkl_defines[0] if mkl_defines else "MKL") + ") to build without MKL"]
    if mkl_dirs:
        return [f"the compile line has -I{mkl_dirs[0]}, a folder for MKL's headers, and the compiler did not find "
                f"{event.header} there: on the machine that compiled, that folder does not hold MKL's headers "
                "(an install moved or not set up)"]
    return [f"the compile line names no MKL include folder (-I: {', '.join(event.includes) or 'none'})"
            + ("" if mkl_defines else " and no MKL define (-D...MKL...)")
            + ": the build did not take its MKL settings (check the build's MKL option in the file it really reads: "
              "the makefile, CMakeCache.txt)"]



def _target_twice(event: MklTargetTwice) -> Finding:
    if event.file.split(":")[0].endswith("MKLConfig.cmake"):
        return _config_twice(event)
    return Finding(
        "cmake-mkl-target-twice", "error",
        f"CMake: {event.target} was set up twice: " + ("find_package(MKL) ran again, and its FindMKL.cmake does not check "
                                                       "first" if event.target.startswith("MKL::") else
                                                       "the package config that makes it was loaded again, and does not check first"),
        (f"add_library cannot create imported target \"{event.target}\": a target of that name already exists",
         "a project's own FindMKL.cmake creates its imported targets each time it runs; a second find_package(MKL) (a "
         "subproject, a superbuild, another package's config that looks MKL up too) makes the same names again"),
        (f"guard the targets in the finder: if(NOT TARGET {event.target}) add_library({event.target} ...) endif() (or create "
         "them only when MKL_FOUND is new), or update the project whose finder it is"
         + (" (PyTorch's Caffe2 config: a release whose public/mkl.cmake checks for caffe2::mkl first, or "
            "find_package(Torch) once, in the top-level CMakeLists.txt)" if event.target.startswith("caffe2::") else ""),
         "or find MKL once, in the top-level CMakeLists.txt, before the subprojects; Intel's MKLConfig.cmake "
         "(find_package(MKL CONFIG)) checks for its own targets"),
        "Imported targets are global to a directory and its children: creating one a second time is an error CMake stops at.",
        ("grep -n 'add_library(MKL::' <the project's FindMKL.cmake>   # the targets it creates unguarded",),
    )


def _target_missing(event: MklTargetMissing) -> Finding:
    target = event.target
    sycl = re.match(r"MKL::MKL_(?:SYCL|DPCPP)\b", target) is not None
    evidence = [f"the project links {target}, which MKLConfig.cmake did not define in this configuration"]
    if sycl:
        evidence.append("MKLConfig.cmake defines its SYCL targets (MKL::MKL_SYCL, MKL::MKL_SYCL::<domain>; MKL::MKL_DPCPP before "
                        "2024) only when it takes the C++ compiler for a SYCL compiler: icpx or dpcpp by name, or a compiler "
                        "that accepts -fsycl and has sycl/sycl.hpp; and only with an MKL that has the SYCL libraries "
                        "(libmkl_sycl*: oneAPI's, not PyPI's mkl-devel)")
        fix = ("configure with the SYCL compiler: cmake -DCMAKE_CXX_COMPILER=icpx (oneAPI's), or tell MKLConfig.cmake the "
               "compiler is one: -DENABLE_SYCL_COMPILER=ON (MKL 2024 and newer) before find_package(MKL)",
               "a target of another release's name: MKL::MKL_DPCPP is MKL::MKL_SYCL since 2024; use the one the installed "
               "MKLConfig.cmake defines (grep -n 'add_library(MKL::' <its MKLConfig.cmake>)",
               "check the configure output above: MKLConfig.cmake says 'MKL::MKL_SYCL target will not be available.' and why")
    else:
        fix = ("call find_package(MKL CONFIG REQUIRED) before the target that links it, in the same or a parent directory "
               "(imported targets are visible only there), with MKL_DIR=<prefix>/lib/cmake/mkl",
               "a FindMKL.cmake of the project (or of a dependency) on CMAKE_MODULE_PATH answers find_package(MKL) in module "
               "mode and sets MKL_FOUND, so Intel's MKLConfig.cmake is never read and defines nothing, also for a dependency "
               "whose exported targets link MKL::MKL: remove that module, or ask for the config: find_package(MKL CONFIG)",
               "if find_package(MKL) ran: the target's name must be one its MKLConfig.cmake defines (MKL::MKL, MKL::mkl_core "
               "...; grep -n 'add_library(MKL::' <its MKLConfig.cmake>)")
    return Finding(
        "cmake-mkl-target-missing", "error", f"CMake: {target} is not defined: " + (
            "MKLConfig.cmake did not take the compiler for a SYCL compiler" if sycl else "find_package(MKL) did not define it here"),
        tuple(evidence), fix,
        "An MKL:: target exists only after Intel's MKLConfig.cmake defined it, and each is defined only for the options and "
        "compiler it detected; linking a name it did not define stops the generate step.",
        ("cmake --debug-find-pkg=MKL <source dir> 2>&1 | grep -i mkl   # which MKLConfig.cmake was read",),
    )


def _config_twice(event: MklTargetTwice) -> Finding:
    """Intel's own MKLConfig.cmake run a second time (executorch#8407: find_package(Torch) twice, each running PyTorch's
    Caffe2 public/mkl.cmake's find_package(MKL)): a copy without the guard that 2026.2's has (if(NOT TARGET MKL::MKL))."""
    return Finding(
        "cmake-mkl-target-twice", "error",
        f"CMake: Intel's MKLConfig.cmake ran a second time and created {event.target} again",
        (f"CMake Error at {event.file}: add_library cannot create imported target \"{event.target}\": a target of that name "
         "already exists",
         "that MKLConfig.cmake does not check for its own targets (the 2026.2 copy does: include_guard() and "
         "if(NOT TARGET MKL::MKL)): a second find_package(MKL), directly or through a package config that looks MKL up "
         "(PyTorch's TorchConfig.cmake through Caffe2's public/mkl.cmake), runs it again"),
        ("find the package that runs it once: if(NOT TARGET torch) find_package(Torch) endif() (or if(NOT TARGET MKL::MKL) "
         "find_package(MKL CONFIG) endif()), in the top-level CMakeLists.txt before the subprojects",
         "or an MKL whose MKLConfig.cmake guards its targets (a newer oneMKL)"),
        "Imported targets are global to a directory and its children: creating one a second time is an error CMake stops at.",
        ("grep -rn 'find_package(Torch\\|find_package(MKL' --include=CMakeLists.txt --include='*.cmake' .   # every call",),
    )
