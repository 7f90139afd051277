"""Build systems and compilers: CMake's ``find_package(MKL)``, a compiler without MKL's headers,
and the lines that only repeat that something failed before them (make, ninja, cargo, collect2).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature, Unrecognised
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout
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


def _follow(m: re.Match, _) -> FollowOn:
    return FollowOn(m.string.strip())


_COMPILERS = "|".join(sorted({library.compiler for library in layout.of_role("interface")}))  # MKL_INTERFACE_FULL's prefixes
_MKL_HEADER = re.compile(r"^(?:mkl|mkl_\w+|i_malloc|lapacke\w*|cblas)\.h$")

SIGNATURES = (
    Signature("cmake-error-header", "build", "CMake Error", re.compile(r"CMake Error(?: at (?P<where>\S+) \((?P<cmd>\w+)\))?:"),
              lambda m, _: Unrecognised(m.string.strip())),
    Signature("cmake-no-config", "build", "package configuration file provided by",
              re.compile(r"package configuration file provided by \"(?P<pkg>\w+)\""),
              lambda m, _: CMakeNoConfig(m.group("pkg")) if m.group("pkg").upper() == "MKL" else Unrecognised(m.string.strip())),
    Signature("mklconfig-invalid-value", "build", "has an invalid value",
              re.compile(r"required variable (?P<var>MKL_\w+) has an invalid value(?:\s+\"(?P<val>[^\"]*)\")?"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val") or "")),  # CMake may wrap the value
    Signature("mklconfig-invalid-option", "build", "options are:",
              re.compile(r"Invalid (?P<var>MKL_\w+) `(?P<val>[^`]*)`, options are: (?P<opts>.+)$"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val"), m.group("opts").strip())),
    Signature("header-missing", "build", "No such file or directory",
              re.compile(r"^(?P<src>[^:\s]+):\d+:\d+: fatal error: (?P<h>[\w/.-]+\.h): No such file or directory"),
              lambda m, _: HeaderMissing(m.group("h"), m.group("src")) if _MKL_HEADER.match(os.path.basename(m.group("h")))
              else Unrecognised(m.string.strip())),
    Signature("cmake-configuring-incomplete", "build", "Configuring incomplete", re.compile(r"Configuring incomplete, errors occurred"), _follow),
    Signature("make-error", "build", "***", re.compile(r"^(?:g?make|mingw32-make)(?:\[\d+\])?: \*\*\* .*Error \d+"), _follow),
    Signature("ninja-stopped", "build", "ninja: build stopped", re.compile(r"^ninja: build stopped"), _follow),
    Signature("ninja-failed", "build", "FAILED: ", re.compile(r"^FAILED: "), _follow),
    Signature("compilation-terminated", "build", "compilation terminated", re.compile(r"^compilation terminated\."), _follow),
    Signature("cargo-could-not-compile", "build", "could not compile", re.compile(r"^error: could not compile `"), _follow),
    Signature("rustc-aborting", "build", "aborting due to", re.compile(r"^error: aborting due to"), _follow),
    Signature("setuptools-command-failed", "build", "failed with exit code", re.compile(r"error: command '[^']+' failed with exit code \d+"), _follow),
    Signature("julia-error-building", "build", "Error building", re.compile(r"Error: Error building `[^`]+`"), _follow),
    Signature("julia-failed-to-precompile", "build", "Failed to precompile", re.compile(r"ERROR: Failed to precompile \S+"), _follow),
    Signature("ci-exit-code", "build", "Process completed with exit code", re.compile(r"Process completed with exit code \d+"), _follow),
    Signature("pip-wheel-failed", "build", "ailed building wheel", re.compile(r"^(?:ERROR: )?Failed building wheel for \S+"), _follow),
    Signature("pip-subprocess-error", "build", "subprocess-exited-with-error", re.compile(r"^error: subprocess-exited-with-error"), _follow),
    Signature("python-called-process-error", "build", "returned non-zero exit status",
              re.compile(r"CalledProcessError: Command .+ returned non-zero exit status \d+"), _follow),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    if events.of(CMakeNoConfig):
        out.append(_no_config(ctx))
    for event in events.of(CMakeConfigRejected):
        said = [e for e in events.of(CMakeConfigRejected) if e.variable == event.variable and e is not event]
        if (not event.options and any(e.options for e in said)) or (not event.value and any(e.value for e in said)):
            continue  # the same rejection, said twice: keep the line that tells the most
        variable, value = event.variable, event.value
        if variable.endswith("_FULL"):  # MKL_INTERFACE=lp64 becomes MKL_INTERFACE_FULL=intel_lp64 inside MKLConfig.cmake
            variable, value = variable[:-5], re.sub(rf"^(?:{_COMPILERS})_", "", value)
        out.append(Finding(
            "mklconfig-rejected-value", "error",
            f"MKLConfig.cmake rejects {variable}={value}",
            (f"MKLConfig.cmake: {event.variable} has the invalid value \"{event.value}\"",)
            + ((f"it accepts: {event.options}",) if event.options else ()),
            (f"cmake -D{variable}=<one of the values it accepts> <build dir>   # or drop -D{variable} for its default",
             "rm -f <build dir>/CMakeCache.txt   # a wrong value stays in the cache until removed"),
            "Intel's MKLConfig.cmake checks MKL_LINK, MKL_INTERFACE, MKL_THREADING (and MKL_ARCH, MKL_MPI) against the values "
            "this release supports, and sets MKL_FOUND to FALSE on any other.",
        ))
    headers = events.of(HeaderMissing)
    if headers:
        out.append(_header(ctx, headers))
    return out


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
        fix.append("rm -f <build dir>/CMakeCache.txt   # forget the failed search")
    else:
        fix.append("install an MKL that ships MKLConfig.cmake (pip's mkl-devel, oneAPI's intel-oneapi-mkl-devel): see the recipe below")
        fix.append("then: cmake -DMKL_DIR=<its prefix>/lib/cmake/mkl <source dir>")
        recipes = (ctx.recipe("shared"),)
    return Finding(
        "cmake-mkl-config-not-found", "error", "CMake's find_package(MKL) found no MKLConfig.cmake",
        tuple(evidence), tuple(fix),
        "find_package(MKL CONFIG) (or a plain find_package(MKL) without a FindMKL.cmake module) loads Intel's MKLConfig.cmake, "
        "which only some MKL packages ship, from <prefix>/lib/cmake/mkl of the prefixes CMake searches.",
        ("cmake --debug-find-pkg=MKL <source dir>   # CMake lists every folder it tried",),
        recipes,
    )


def _header(ctx: Context, events: list[HeaderMissing]) -> Finding:
    names = list(dict.fromkeys(e.header for e in events))
    having = [i for i in ctx.installs if any(os.path.isfile(os.path.join(d, names[0])) for d in i.include_dirs)]
    evidence = [f"{e.source} includes {e.header}, which the compiler did not find on its include path" for e in events[:4]]
    evidence += [f"{names[0]} is in {d} ({label(i)})" for i in having for d in i.include_dirs
                 if os.path.isfile(os.path.join(d, names[0]))]
    recipes = ()
    if having:
        folder = next(d for d in having[0].include_dirs if os.path.isfile(os.path.join(d, names[0])))
        fix = (f"add -I{folder} to the compile line (CMake: target_link_libraries(... MKL::MKL) adds it; "
               "pkg-config: $(pkg-config --cflags mkl-dynamic-lp64-seq))",)
    else:
        fix = ("install MKL's headers: see the recipe below", "then add -I<its prefix>/include to the compile line")
        recipes = (ctx.recipe("headers"),)
    return Finding(
        "mkl-header-not-found", "error", f"the compiler cannot find {', '.join(names[:3])}",
        tuple(evidence), fix,
        "MKL's headers live in its own include folder (<prefix>/include, /usr/include/mkl on Debian), "
        "which the compiler searches only when told with -I.",
        (f"echo '#include <{names[0]}>' | cc -E -x c - -I<folder> > /dev/null && echo found",),
        recipes,
    )
