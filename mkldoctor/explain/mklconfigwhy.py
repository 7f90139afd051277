"""The reasons Intel's MKLConfig.cmake gives for MKL_FOUND = FALSE that are not a value the user set (those are
:mod:`build`'s ``mklconfig-rejected-value``), each produced with real CMake and the pinned wheels' MKLConfig.cmake:

- ``TBB not found for the specified MKL_THREADING: tbb_thread`` (after ``Could NOT find TBB (missing: TBB_DIR)``):
  the TBB layer asked for, and oneTBB's own CMake package (TBBConfig.cmake) not on the search path;
- ``oneMKL 2023.2. specified by the environment variable MKLROOT mismatches the found version 2026.2.0 indicated by
  .../MKLConfigVersion.cmake``: MKLROOT left from another install's setvars.sh;
- ``The required variable MKL_VERSION_H has an invalid value "MKL_VERSION_H-NOTFOUND"`` (or ``MKL_INCLUDE``, mkl.h; 2023.2's
  says ``Could NOT find MKL (missing: MKL_INCLUDE)`` from find_package_handle_standard_args, its call stack naming
  MKLConfig.cmake): the MKL root it uses (MKLROOT, or the package's own prefix) has no headers;
- ``The required variable OMP_LIBRARY has an invalid value "OMP_LIBRARY-NOTFOUND"``: no libiomp5 for the intel_thread
  layer in MKL's folder, CMPLR_ROOT or oneAPI's compiler folders (an MKL installed without intel-openmp);
- ``The required variable mkl_intel_ilp64_file has an invalid value "mkl_intel_ilp64_file-NOTFOUND"``: a library of the
  MKL_LINK asked for is not in MKL's folder (static archives without mkl-static, shared libraries without mkl).

And one it does not give: its ``-- Found .../libmkl_core.a`` among shared libraries (MKL_LINK=dynamic in a prefix without
libmkl_core.so.3) configures, and the link that follows fails (:mod:`linkkind`'s ``mkl-kinds-mixed``).

Each produced with the pinned 2026.2 wheels' files, one removed (tests/test_explain_mklconfigwhy.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes
from mkldoctor.knowledge.recipes import q

# MKLConfig.cmake's own variables, each a file it searched for: a rejected value is a file it did not find, not a choice
INTERNAL = ("MKL_VERSION_H", "MKL_INCLUDE", "OMP_LIBRARY", "OMP_LINK")
_SEARCHED = r"(?P<var>MKL_VERSION_H|MKL_INCLUDE|OMP_LIBRARY|OMP_LINK|(?P<lib>mkl_\w+)_file)"
_KIND = {"MKL_VERSION_H": "headers", "MKL_INCLUDE": "headers", "OMP_LIBRARY": "openmp", "OMP_LINK": "openmp"}
_RESET = recipes.cmake_reset("the cache keeps what the first run found")


@dataclass(frozen=True, slots=True)
class MklConfigReason:
    kind: str  # "tbb", "mklroot", "headers", "openmp", "library"
    line: str
    detail: str = ""  # the threading layer, MKLROOT's release, the header's variable, or the library


@dataclass(frozen=True, slots=True)
class MklFoundFalse:
    """CMake's "but it set MKL_FOUND to FALSE so package "MKL" is considered to be NOT FOUND.  Reason given by package:"
    with the reason that follows (where no reader of its own took it)."""

    line: str
    reason: str = ""
    wants: int = field(default=5, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "MklFoundFalse":
        text = " ".join(line.strip() for line in lines)
        reason = text.split("Reason given by package:", 1)[1].strip() if "Reason given by package:" in text else ""
        return replace(self, reason=re.split(r"\s*(?:Call Stack|CMake (?:Error|Warning)|-- )", reason)[0][:300], wants=0)


@dataclass(frozen=True, slots=True)
class MklConfigStatus:
    """MKLConfig.cmake's status of a choice: ``-- MKL_LINK: static``, ``-- MKL_LINK: None, set to ` dynamic` by default``,
    ``-- MKL_ROOT: /opt/intel/oneapi/mkl/2025.0`` (2023's without the colon)."""

    variable: str
    value: str
    default: bool = False  # "None, set to ` ...` by default": no value given, MKLConfig.cmake's own


@dataclass(frozen=True, slots=True)
class MklConfigFound:
    """MKLConfig.cmake's ``-- Found /opt/intel/oneapi/mkl/latest/lib/libmkl_core.so``, one per library it takes."""

    path: str


def _searched(m: re.Match, _) -> MklConfigReason:
    return MklConfigReason(_KIND.get(m["var"], "library"), m.string.strip(), m["lib"] or m["var"])


def claims(said) -> bool:
    """Whether a finder's words (:class:`finders.FinderSaid`) are 2023's MKLConfig.cmake's missing headers, which this
    module explains: ``Could NOT find MKL (missing: MKL_INCLUDE)`` with MKLConfig.cmake in its call stack."""
    return said.module == "MKLConfig" and bool(re.search(r"\(missing: [^)]*\bMKL_INCLUDE\b", said.text))


SIGNATURES = (
    Signature("cmake-mkl-found-false", "mklconfigwhy", "set MKL_FOUND to FALSE",
              re.compile(r"\bit set MKL_FOUND to FALSE\b"), lambda m, _: MklFoundFalse(m.string.strip()[:300])),
    # its first check, before any search: "The minimum supported CMake version is 3.13. You are running version 3.10.2."
    Signature("mklconfig-cmake-too-old", "mklconfigwhy", "minimum supported CMake version",
              re.compile(r"The minimum supported CMake version is (?P<want>[\d.]+?)\.? You are running version "
                         r"(?P<have>[\d.]+?)\.?\s*$"),
              lambda m, _: MklConfigReason("cmake", m.string.strip(), f"{m['want']} {m['have']}")),
    Signature("mklconfig-tbb-not-found", "mklconfigwhy", "ot found",
              re.compile(r"^\s*TBB not found (?:for the specified MKL_THREADING: (?P<t>\w+)|on the filesystem)"),
              lambda m, _: MklConfigReason("tbb", m.string.strip(), m["t"] or "tbb_thread")),
    Signature("mklconfig-mklroot-mismatch", "mklconfigwhy", "environment variable MKLROOT",
              re.compile(r"oneMKL (?P<v>[\d.]+?)\.?\s+specified by the environment variable MKLROOT"),
              lambda m, _: MklConfigReason("mklroot", m.string.strip(), m["v"])),
    Signature("mklconfig-file-not-searched-out", "mklconfigwhy", "has an invalid value",
              re.compile(rf"required variable {_SEARCHED} has an invalid value"), _searched),
    # the value CMake wrapped onto the next line ("MKL_VERSION_H-NOTFOUND".): the same reason, not a finder's own words
    Signature("mklconfig-file-value", "mklconfigwhy", "NOTFOUND",
              re.compile(rf'^\s*"{_SEARCHED}-NOTFOUND"\.?\s*$'), lambda m, _: FollowOn(m.string.strip())),
    Signature("mklconfig-status", "mklconfigwhy", "-- MKL_",
              re.compile(r"^-- (?P<var>MKL_LINK|MKL_ROOT|MKL_VERSION|MKL_INTERFACE_FULL):? (?P<default>None, set to ` ?)?(?P<value>[^`\s]+)"),
              lambda m, _: MklConfigStatus(m["var"], m["value"], bool(m["default"]))),
    Signature("mklconfig-found-file", "mklconfigwhy", "-- Found ",
              re.compile(r"^-- Found (?P<path>\S.{0,1000}/libmkl_\w+\.(?:so(?:\.\d+)*|a|dylib))\s*$"),
              lambda m, _: MklConfigFound(m["path"])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.finders import FinderSaid

    said = events.of(MklConfigReason) + [MklConfigReason("headers", e.text, "MKL_INCLUDE") for e in events.of(FinderSaid) if claims(e)]
    status = {e.variable: e.value for e in events.of(MklConfigStatus)}
    if not said:
        return _kinds_mixed(events, status)
    first = said[0]
    if first.kind == "openmp":
        return [_openmp(first, status)]
    if first.kind == "library":
        return [_library(first, status)]
    if first.kind == "cmake":
        want, have = first.detail.split()
        return [Finding(
            "mklconfig-cmake-too-old", "error",
            f"MKLConfig.cmake needs CMake {want} or newer, and the CMake that ran is {have}: it set MKL_FOUND to FALSE before "
            "any search",
            (first.line, "Intel's MKLConfig.cmake checks CMake's version first and reports MKL not found on an older one, "
                         "whatever MKL is installed"),
            (f"a newer CMake: python3 -m pip install 'cmake>={want}' (its cmake on PATH first), conda install cmake, or the "
             "distribution's backports / Kitware's apt repository; then configure again in a new build folder",
             "or, where CMake cannot change: the project's own MKL search if it has one (FindBLAS with -DBLA_VENDOR=Intel10_64lp "
             "works on older CMake), not MKLConfig.cmake"),
            "find_package(MKL CONFIG) runs Intel's MKLConfig.cmake, which states the oldest CMake it supports.",
            ("cmake --version; which -a cmake   # the CMake that runs, and any other on PATH",),
        )]
    if first.kind == "tbb":
        return [Finding(
            "mklconfig-tbb-not-found", "error",
            f"MKLConfig.cmake found no oneTBB for MKL_THREADING={first.detail}: TBB's own CMake package is not on its "
            "search path",
            (first.line, "MKLConfig.cmake runs find_package(TBB CONFIG) for the TBB threading layer: it needs oneTBB's "
                         "TBBConfig.cmake (lib/cmake/TBB), which the tbb runtime packages do not ship"),
            ("give CMake oneTBB's package: -DTBB_DIR=<oneTBB>/lib/cmake/TBB, or its prefix in CMAKE_PREFIX_PATH (oneAPI: "
             "source setvars.sh, which sets it; " + recipes.pip_install("tbb-devel") + " or conda install tbb-devel, then "
             "-DTBB_DIR=<environment>/lib/cmake/TBB)",
             "or another threading layer: -DMKL_THREADING=intel_thread (Intel OpenMP), gnu_thread or sequential", _RESET),
            "MKL's TBB threading layer links oneTBB; Intel's MKLConfig.cmake finds it through oneTBB's own CMake package "
            "and stops when there is none.",
            ("find / -name TBBConfig.cmake 2>/dev/null   # where a oneTBB CMake package is, if any",),
        )]
    if first.kind == "mklroot":
        return [Finding(
            "mklconfig-mklroot-mismatch", "error",
            f"MKLROOT names oneMKL {first.detail}, and the MKLConfig.cmake CMake found is another release's",
            (first.line, "MKLConfig.cmake takes MKL's headers and libraries from MKLROOT when it is set, and stops when "
                         "MKLROOT's mkl_version.h is not of its own release: MKLROOT is left from another install's "
                         "setvars.sh (or a module), while MKL_DIR or CMAKE_PREFIX_PATH found this one"),
            ("make the two one install: unset MKLROOT for this configure (env -u MKLROOT cmake ...), or source the "
             "setvars.sh (or env/vars.sh) of the install whose MKLConfig.cmake is used, in a new shell",
             "or point CMake at MKLROOT's own package: -DMKL_DIR=$MKLROOT/lib/cmake/mkl", _RESET),
            "Intel's MKLConfig.cmake reads MKLROOT before its own location; two releases' files in one build would mix "
            "headers and libraries, so it refuses.",
            ("echo $MKLROOT; grep -h '__INTEL_MKL__\\|UPDATE' $MKLROOT/include/mkl_version.h   # the release it names",),
        )]
    header = "include/mkl.h" if first.detail == "MKL_INCLUDE" else "include/mkl_version.h"
    root = status.get("MKL_ROOT", "")
    return [Finding(
        "mklconfig-headers-missing", "error",
        f"MKLConfig.cmake found no {header} in the MKL root it uses{f' ({root})' if root else ''}: MKL's headers are not "
        "installed there",
        (first.line, f"MKLConfig.cmake reads the release from <MKL root>/include/mkl_version.h and takes mkl.h's folder for "
                     "MKL::MKL (MKLROOT when set, else the package's own prefix); the headers are mkl-include's (pip's and "
                     "conda's mkl-devel pull it in; an install with --no-deps, or mkl alone, lacks them), and an MKLROOT left "
                     "from another install may name a folder without them"),
        ("install MKL's headers into the same prefix: " + recipes.pip_install("mkl-include") + " (conda: conda install "
         "mkl-include), the release of the mkl-devel in use",
         "or unset MKLROOT when it names another folder than the MKL this MKLConfig.cmake belongs to (env -u MKLROOT cmake ...)",
         _RESET),
        "Intel's MKLConfig.cmake needs MKL's headers to tell the release and to give MKL::MKL its include folder.",
        (f"ls {_shell(root + '/' + header) if root else '${MKLROOT:-<the prefix of MKL_DIR>}/' + header}",),
    )]


def _openmp(first: MklConfigReason, status: dict[str, str]) -> Finding:
    root = status.get("MKL_ROOT", "<MKL prefix>")
    return Finding(
        "mklconfig-openmp-missing", "error",
        "MKLConfig.cmake found no Intel OpenMP runtime (libiomp5) for MKL's intel_thread layer, its default threading",
        (first.line, "with MKL_THREADING=intel_thread MKLConfig.cmake links Intel's OpenMP runtime, which it looks for in "
                     "MKL's own folder (lib), in CMPLR_ROOT's and in oneAPI's compiler folders beside MKL "
                     "(../../compiler/latest/lib): the runtime is a package of its own (intel-openmp for pip and conda, "
                     "intel-oneapi-openmp in oneAPI), which an MKL installed alone lacks"),
        ("install Intel's OpenMP runtime into MKL's prefix: " + recipes.pip_install("intel-openmp") + " (conda install "
         "intel-openmp; oneAPI: " + recipes.apt_install("intel-oneapi-openmp") + ", then source setvars.sh, which sets "
         "CMPLR_ROOT)",
         "or a threading layer without it: -DMKL_THREADING=gnu_thread (GCC's libgomp) or -DMKL_THREADING=sequential", _RESET),
        "Intel's MKLConfig.cmake adds the OpenMP runtime its threading layer needs to MKL::MKL, and stops when it finds none.",
        (f"find {_shell(root)} ${{CMPLR_ROOT:-}} -name 'libiomp5*' 2>/dev/null   # where an Intel OpenMP runtime is, if any",),
    )


def _library(first: MklConfigReason, status: dict[str, str]) -> Finding:
    lib, link = first.detail, status.get("MKL_LINK", "")
    root = status.get("MKL_ROOT", "<MKL prefix>")
    static = link == "static"
    windows = bool(re.match(r"[A-Za-z]:[/\\]", root))  # Windows' names: mkl_core.lib, mkl_core_dll.lib (its import library)
    what = (f"{lib}.lib, a static library" if windows and static else f"{lib}_dll.lib, a DLL's import library"
            if windows and link in ("dynamic", "sdl") else f"lib{lib}.a, a static archive" if static
            else f"lib{lib}.so, a shared library" if link in ("dynamic", "sdl") else f"{lib}'s file")
    if lib.startswith("mkl_sycl"):  # the SYCL (GPU) libraries, wanted when the C++ compiler is a SYCL one (icpx)
        return Finding(
            "mklconfig-library-missing", "error",
            f"MKLConfig.cmake found no {lib}, one of MKL's SYCL libraries, which it wants because the C++ compiler is a "
            "SYCL compiler (icpx)",
            (first.line, f"MKLConfig.cmake takes a SYCL C++ compiler (icpx, dpcpp) for a SYCL build unless told "
                         f"(ENABLE_SYCL_COMPILER=AUTO) and then wants MKL's SYCL libraries from {root}/lib; they are "
                         "packages of their own (oneAPI's intel-oneapi-mkl-sycl-*, of MKL's release), which an image or "
                         "install with MKL's CPU libraries alone lacks" + (" (the distributed DFT one with MPI: MKL_MPI set)"
                                                                            if "distributed" in lib else "")),
            ("a project that calls no SYCL API of MKL: cmake -DENABLE_SYCL_COMPILER=OFF (MKL::MKL without SYCL)",
             "or install MKL's SYCL libraries of the same release beside it (oneAPI: the intel-oneapi-mkl-sycl packages, or "
             "the full intel-oneapi-mkl-devel), or the project's release that configures MKL for its SYCL use", _RESET),
            "Intel's MKLConfig.cmake builds MKL::MKL (and MKL::MKL_SYCL) from the files of the copy it belongs to, and stops "
            "at the first one missing.",
            (f"ls {_shell(root + '/lib')}/lib{lib}*   # what that folder has of it",),
        )
    package = "mkl-static" if static else "mkl"
    optional = re.match(r"mkl_(?:scalapack|blacs|cdft)", lib)
    return Finding(
        "mklconfig-library-missing", "error",
        f"MKLConfig.cmake found no {what}" + (f", for MKL_LINK={link}" if link else "") + ", in MKL's folder",
        (first.line, f"MKLConfig.cmake looks for each library of the layers chosen (MKL_LINK, MKL_INTERFACE, MKL_THREADING) "
                     f"in {root}/lib only; MKL's static archives are the mkl-static package's (pip and conda), its shared "
                     "libraries the mkl package's (pip's and conda's mkl-devel pull that in), oneAPI's intel-oneapi-mkl-devel "
                     "has both"),
        (f"install the package with that file into the same prefix, the release of the mkl-devel in use: "
         + recipes.pip_install(package) + f" (conda install {package})",
         "or " + ("link MKL's shared libraries: -DMKL_LINK=dynamic" if static else "link MKL statically: -DMKL_LINK=static "
                  "(with mkl-static installed)"),
         *(("or leave out the part that asks for it (ENABLE_SCALAPACK, ENABLE_CDFT, ENABLE_BLACS, MKL_MPI)",) if optional else ()),
         _RESET),
        "Intel's MKLConfig.cmake builds MKL::MKL from the files of the copy it belongs to, and stops at the first one missing.",
        (f"dir {_shell(root + chr(92) + 'lib')}\\{lib}*" if windows else f"ls {_shell(root + '/lib')}/lib{lib}*   # what that folder has of it",),
    )


def _kinds_mixed(events: Parsed, status: dict[str, str]) -> list[Finding]:
    """MKLConfig.cmake's files of both kinds, the configure alone (a link that failed for it is :mod:`linkkind`'s)."""
    from mkldoctor.explain.linkkind import kinds_mixed

    found = list(dict.fromkeys(e.path for e in events.of(MklConfigFound)))
    static = [p for p in found if p.endswith(".a")]
    shared = [p for p in found if not p.endswith(".a")]
    if not (static and shared) or kinds_mixed(events) is not None:
        return []
    link = status.get("MKL_LINK", "")
    odd, kind = (static, "static archive") if link != "static" and (link or len(static) <= len(shared)) else (shared, "shared library")
    names = ", ".join(p.rsplit("/", 1)[-1] for p in odd[:3])
    folder = odd[0].rsplit("/", 1)[0]
    version = status.get("MKL_VERSION", "")
    version = version if re.fullmatch(r"\d{4}(?:\.\d+){0,3}", version) else ""  # a release, or nothing in a command line
    package = "mkl" if odd is static else "mkl-static"
    return [Finding(
        "mklconfig-kinds-mixed", "warning",
        f"MKLConfig.cmake took {names}, {'a ' + kind if len(odd) == 1 else kind.replace('library', 'librarie') + 's'}, "
        f"among MKL's {'shared libraries' if odd is static else 'static archives'}"
        + (f" (MKL_LINK={link})" if link else "") + ": the link that follows fails",
        tuple(f"-- Found {p}" for p in odd[:3]) + (
            f"MKLConfig.cmake looks for each library by its plain name, and takes the other kind's file where {folder} lacks "
            "the one MKL_LINK asks for; MKL's shared layers call names only its shared core exports, and its archives "
            "need the other archives: one link takes all of one kind",),
        (f"install the package with the missing files into the same prefix, the release of the others: "
         + recipes.pip_install(f"{package}=={version}" if version else package)
         + f" (conda install {package}{'=' + version if version else ''})",
         "or " + ("link MKL statically: -DMKL_LINK=static (with mkl-static installed)" if odd is static
                  else "link MKL's shared libraries: -DMKL_LINK=dynamic"),
         _RESET),
        "Intel's MKLConfig.cmake builds MKL::MKL from the files it finds; it does not check that they are of one kind.",
        (f"ls {q(folder)}/libmkl_core*   # which kinds of MKL's core that folder has",),
    )]


def _shell(path: str) -> str:
    """A path the log names, quoted for a shell; the placeholder of none (<MKL prefix>, <MKL prefix>/lib) as it is."""
    return path if path.startswith("<MKL prefix>") else q(path)


def found_false(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: MKLConfig.cmake found, and its reason for MKL_FOUND FALSE one no finding explains (the readers of its
    own reasons, and build's of a rejected value, come first): said with its words."""
    said = [e for e in events.of(MklFoundFalse) if e.reason]
    if not said or any(f.severity == "error" for f in found):
        return []
    first = said[0]
    return [Finding(
        "mklconfig-refused", "error", f"MKLConfig.cmake was found and set MKL_FOUND to FALSE: {first.reason[:160]}",
        (first.line, f"its reason: {first.reason}", "CMake found Intel's MKLConfig.cmake, and the file itself refused: the "
         "reason is its own check's (a value of MKL_LINK, MKL_INTERFACE, MKL_THREADING or MKL_MPI, a file of the chosen "
         "layers, a compiler or CMake it does not support)"),
        ("do what the reason asks; the file's checks and the values it takes are at the top of MKLConfig.cmake (grep -n "
         "'mkl_not_found_and_return' <MKL>/lib/cmake/mkl/MKLConfig.cmake)", _RESET),
        "find_package(MKL CONFIG) runs Intel's MKLConfig.cmake, which checks the request and the files and stops with its "
        "own words; CMake then says the package was not found.",
        ("cmake --debug-find-pkg=MKL <source dir>   # the MKLConfig.cmake CMake took, and why (CMake 3.23+)",),
    )]
