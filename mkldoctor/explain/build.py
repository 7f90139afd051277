"""Build systems and compilers: CMake's ``find_package(MKL)``, a compiler without MKL's headers (the finding is
:mod:`mkldoctor.explain.headermissing`'s), and the lines that only repeat that something failed before them (make, ninja,
cargo, collect2).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from mkldoctor.explain import headermissing
from mkldoctor.explain.catalogue import FollowOn, Signature, Unrecognised, last_match
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.recipes import cmake_reset
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.inventory.install import label


@dataclass(frozen=True, slots=True)
class CMakeNoConfig:
    package: str  # "MKL"


@dataclass(frozen=True, slots=True)
class OtherPackageMissing:
    """CMake's config-mode search for a package that is none of MKL's family (PyMesh#325: nlohmann_json): the stop."""

    package: str
    line: str


_MKL_FAMILY = re.compile(r"(?i)mkl|blas|lapack|tbb|openmp|sycl|dpcpp|oneapi|dnnl|ipp|iomp")


@dataclass(frozen=True, slots=True)
class CMakeConfigRejected:
    variable: str  # "MKL_THREADING"
    value: str
    options: str = ""  # what MKLConfig.cmake accepts, when it said so


def _no_config_said(m: re.Match, before):
    """CMake's config-mode search that found no <Name>Config.cmake: MKL's, another package of MKL's family (said as an
    error no rule knows), or another package's (the configure's stop); a warning's is no failure."""
    if not m.group("pkg"):  # the name is on the next line
        return None
    if m.group("pkg").upper() == "MKL":
        return CMakeNoConfig(m.group("pkg"))
    if any(b.startswith("CMake Warning") or "asked CMake to find a package configuration" in b for b in before):
        return None
    return Unrecognised(m.string.strip()) if _MKL_FAMILY.search(m.group("pkg")) else \
        OtherPackageMissing(m.group("pkg"), m.string.strip()[:300])


def _follow(m: re.Match, _) -> FollowOn:
    return FollowOn(m.string.strip())


_COMPILERS = "|".join(sorted({library.compiler for library in layout.of_role("interface")}))  # MKL_INTERFACE_FULL's prefixes

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


@dataclass(frozen=True, slots=True)
class TargetDependencyMissing:
    """CMake: an imported target of a package whose MKL part links another imported target the consumer never defined:
    ``target "Open3D::3rdparty_mkl" contains OpenCL::OpenCL but the target was not found`` (Open3D 3c05278: oneMKL's SYCL
    libraries need OpenCL, and Open3DConfig.cmake did not look for it)."""

    owner: str
    target: str


def _missing(target: str, before) -> object:
    """The event for ``target`` not found, with the target whose link interface holds it (CMake's 'target "X" contains')."""
    if target.startswith("MKL::"):
        return MklTargetMissing(target)
    owner = o["owner"] if (o := last_match(r'target "(?P<owner>[^"]+)" contains', before, within=8)) else ""
    if re.search(r"(?i)mkl", owner):
        return TargetDependencyMissing(owner, target)
    return Unrecognised(f"CMake: {owner or 'a target'} links {target}, which is not defined")


def _target_listed(m: re.Match, before) -> object:
    lines = list(before)
    for back, line in enumerate(reversed(lines[-4:])):
        named = re.match(rf"^{_GUTTER}\s+(?P<target>\S+::\S+)\s*$", line)
        if named:
            return _missing(named.group("target"), lines[:len(lines) - back - 1])
    return Unrecognised(m.string.strip())


SIGNATURES = (
    Signature("cmake-mkl-target-missing", "build", "links to target",
              re.compile(r'links to target "(?P<target>MKL::[\w:]+)" but the target'), lambda m, _: MklTargetMissing(m.group("target"))),
    # the same message wrapped before the target's name: '  "MKL::MKL_DPCPP" but the target was not found.' (sundials#173)
    Signature("cmake-mkl-target-missing-wrapped", "build", "target was not found",
              re.compile(r'^\s*"(?P<target>MKL::[\w:]+)" but the target was not found'), lambda m, _: MklTargetMissing(m["target"])),
    # CMake 3.25 and newer: 'Target "app" links to:', the target alone on a line, then '  but the target was not found.'
    Signature("cmake-target-missing-list", "build", "found", re.compile(rf"^{_GUTTER}\s*but the target was not found\b"), _target_listed),
    # a link interface's target with its words on one line, the owner on the line before ('target "X" contains')
    Signature("cmake-target-dependency-missing", "build", "target was not found",
              re.compile(rf"^{_GUTTER}\s*(?P<target>[\w.+-]+::[\w.:+-]+) but the target was not found\b"),
              lambda m, before: _missing(m["target"], before)),
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
              re.compile(r"package configuration file provided by(?: \"(?P<pkg>\w+)\"|\s*$)"), _no_config_said),
    # a long name CMake moved to the next line ("provided by" / "\"nlohmann_json_absent\" with any of the following names:")
    Signature("cmake-no-config-name", "build", "with any of the following",
              re.compile(r"^\s*\"(?P<pkg>\w+)\" with any of the following"),
              lambda m, b: _no_config_said(m, b) if b and b[-1].rstrip().endswith("provided by") else None),
    Signature("mklconfig-invalid-value", "build", "has an invalid value",
              re.compile(r"required variable (?P<var>MKL_\w+) has an invalid value(?:\s+\"(?P<val>[^\"]*)\")?"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val") or "")),  # CMake may wrap the value
    Signature("mklconfig-invalid-option", "build", "options are:",
              re.compile(r"Invalid (?P<var>MKL_\w+) `(?P<val>[^`]*)`, options are: (?P<opts>.+)$"),
              lambda m, _: CMakeConfigRejected(m.group("var"), m.group("val"), m.group("opts").strip())),
    # the same typed by a person with spaces for underscores ("Invalid MKL INTERFACE FULL intel lp64, options are: intel
    # ilp64", abacus-develop#4845)
    Signature("mklconfig-invalid-option-typed", "build", "options are:",
              re.compile(r"Invalid (?P<var>MKL(?: [A-Z]+){1,3}) (?P<val>[a-z]+ [a-z]*\d\d), options are: "
                         r"(?P<opts>[a-z]+ [a-z]*\d\d)\s*$"),
              lambda m, _: CMakeConfigRejected(*(m[k].replace(" ", "_") for k in ("var", "val", "opts")))),
    # "No such file or directory", or its first word where a paste broke the line (caffe#6033's "cblas.h: No //")
    Signature("header-missing", "build", "fatal error: ",
              re.compile(r"(?:(?:^|\s)(?P<src>[^:\s]+):\d+:\d+: )?fatal error: (?P<h>[\w/.-]+\.h(?:pp)?): No\b"),
              headermissing.header_event),
    # Intel's classic compilers (icc, icpc): "../fft3d.h(42): catastrophic error: cannot open source file "mkl_dfti.h""
    Signature("header-missing-icc", "build", "annot open source file",
              re.compile(r"^\s*(?:(?P<src>[^\s(]+)\(\d+\): )?catastrophic error: cannot open source file "
                         r"\"(?P<h>[\w/.+-]+\.h(?:pp)?)\""),
              headermissing.header_event),
    # OpenFOAM's wmkdep, listing a source's headers before wmake compiles it (DLBFoam#4)
    Signature("header-missing-wmkdep", "build", "No such",
              re.compile(r"could not open file (?P<h>[\w/.+-]+\.h(?:pp)?) for source file (?P<src>\S+) due to No such file"),
              headermissing.header_event),
    Signature("header-not-found-clang", "build", "file not found",  # clang's words; a parallel build may cut the file's name
              re.compile(r"^(?:(?P<src>[^:\s]+):\d+:\d+: )?.*?fatal error: ['‘](?P<h>[\w/.+-]+\.h(?:pp)?)['’] file not found"),
              headermissing.header_event),
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
    out += [_dependency_missing(e) for e in events.of(TargetDependencyMissing)[:1]]
    out += [_target_twice(e) for e in events.of(MklTargetTwice)[:1]]
    out += [_other_package(e) for e in events.of(OtherPackageMissing)[:1]]
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
                      "interfaces with icpx and limits only the MKL::MKL_DPCPP target to ilp64; in a release that "
                      "cannot change, the same in its MKLConfig.cmake: set(MKL_INTERFACE_LIST intel_ilp64 "
                      "${IFACE_TYPE}_lp64) where the DPC++ case sets intel_ilp64 alone (abacus-develop#4845)",
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
    headers = events.of(headermissing.HeaderMissing)
    if headers:
        from mkldoctor.explain.apichange import after_missing_header

        said = headermissing.finding(ctx, headers)
        out.append(replace(said, evidence=(*said.evidence, *after_missing_header(events))))
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
               "check the configure output above: MKLConfig.cmake says 'MKL::MKL_SYCL target will not be available.' and why",
               "no GPU offload wanted: turn the project's oneMKL (SYCL) option off and give MKL as its LAPACK instead (SUNDIALS' "
               "ENABLE_ONEMKL is its SYCL interface: ENABLE_LAPACK=ON with -DBLA_VENDOR=Intel10_64lp, sundials#173)")
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


def _dependency_missing(event: TargetDependencyMissing) -> Finding:
    package = event.owner.split("::", 1)[0]
    dependency = event.target.split("::", 1)[0]
    return Finding(
        "cmake-mkl-target-dependency-missing", "error",
        f"CMake: {package}'s MKL target {event.owner} links {event.target}, which nothing in this project defined",
        (f"{event.owner} is an imported target of {package}'s exported config: its link interface names {event.target}, and "
         f"{package}'s config did not look for {dependency} (find_dependency), so a project that uses {package} has no such "
         "target",
         *((f"oneMKL's SYCL libraries need the OpenCL loader: a build of {package} with them (a static SYCL build on Windows) "
            f"passes {event.target} on to its users (Open3D 3c05278)",) if dependency == "OpenCL" else ())),
        (f"find_package({dependency} REQUIRED) in the project before find_package({package}), so that {event.target} exists "
         "when the package's targets are read",
         f"or take a release of {package} whose config calls find_dependency({dependency})"
         + (" (Open3D: its commit 3c05278, for static SYCL builds)" if dependency == "OpenCL" else "")),
        "A package's exported targets keep the imported targets they link by name; the consumer's configure must define "
        "those too, which the package's config does with find_dependency for each.",
        (f"grep -rn '{event.target}\\|find_dependency' <{package}'s lib/cmake folder>   # its config's lines for it",),
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


def _other_package(event: OtherPackageMissing) -> Finding:
    pkg = event.package
    return Finding(
        "cmake-other-package-not-found", "error",
        f"CMake stopped at find_package({pkg}): {pkg}'s CMake config is not installed, a dependency of the project's "
        "other than MKL",
        (event.line, f"the configure stops at the first required package it cannot find, {pkg} here; what it said of MKL "
                     "or BLAS before (status lines) is not this failure"),
        (f"install {pkg}'s development package where the build runs (the distribution's, or conda install -c conda-forge "
         f"{pkg.lower()}), or give CMake its prefix: -D{pkg}_DIR=<prefix>/lib/cmake/{pkg} (or -DCMAKE_PREFIX_PATH=<prefix>)",
         f"then configure from a clean cache: {cmake_reset()}"),
        "CMake's find_package in config mode looks for <Name>Config.cmake in the prefixes it knows; a required package "
        "without one stops the configure.",
        (f"cmake --debug-find-pkg={pkg} <source dir>   # the folders searched for {pkg}'s config (CMake 3.23+)",),
    )
