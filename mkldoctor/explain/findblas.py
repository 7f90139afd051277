"""CMake's FindBLAS or FindLAPACK that found no library.

``A required library with BLAS API not found.  Please specify library location.`` (find_package(BLAS REQUIRED): a
CMake Error), the same words without "required" as a status line when the project can go on without a BLAS (FindLAPACK's
``LAPACK requires BLAS`` after it says nothing more). FindBLAS finds MKL only where it looks: the folders of MKLROOT (setvars.sh
sets it), CMAKE_PREFIX_PATH and the library path, with BLA_VENDOR naming Intel's (Intel10_64lp, Intel10_64lp_seq,
Intel10_64_dyn...) or All. A project that looks for MKL first (OpenCV's MKL_ROOT_DIR: opencv#9954, set to the suite's
top folder, not the one with include/mkl.h) falls back to FindBLAS when its own search fails, so this is often where
an MKL the project did not find shows.

``Could NOT find MathOpenMP`` (psi4#1118) or ``Could NOT find OpenMP_C`` after the search found MKL: MKL's threaded layer
needs Intel's OpenMP runtime (libiomp5), the compiler's, which a GCC build's OpenMP search does not find by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.finders import CONFIGURE_COMMAND, cmake_head
from mkldoctor.explain.origin import log_platform
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class BlasApiNotFound:
    api: str  # BLAS or LAPACK
    required: bool
    line: str


_NOT_FOUND = re.compile(r"\bA (?P<req>required )?library with (?P<api>BLAS|LAPACK) API not found")

@dataclass(frozen=True, slots=True)
class BlasCheckFailed:
    """CMake's check that a BLAS line links (``Looking for Fortran sgemm - not found``) right after an MKL line."""

    routine: str
    line: str
    given: str  # the line before it that names MKL


_CHECK = re.compile(r"Looking for (?:Fortran )?(?P<r>(?:cblas_)?[sdcz](?:gemm|gemv|axpy|dot[cu]?|gesv|geev|heev|syev)_?) - not found")


def _check(m: re.Match, before):
    given = last_match(r"(?i)(?:\b|-l)mkl_|libmkl", before)
    if given is None:  # no MKL line before it: a check among others, not MKL's
        return NOT_MINE
    return BlasCheckFailed(m.group("r"), m.string.strip()[:300], given.string.strip()[:300])


# CMakeError.log's header of a check that failed, named for what it checks (deal.II#7852: its ScaLAPACK check linked
# MKL's ScaLAPACK without MKL's LAPACK and core)
_SOURCE_TEST = re.compile(r"Performing (?:C|CXX|Fortran) SOURCE FILE Test (?P<r>\w*(?:SCALAPACK|BLAS|LAPACK|MKL)\w*) failed")

@dataclass(frozen=True, slots=True)
class LapackBesideMkl:
    """A project's finder that asks for a LAPACK (or BLAS) library of its own right after it reported MKL (mlpack#507:
    FindArmadillo.cmake's "Cannot find LAPACK library, but ARMA_USE_LAPACK is set" under "Using MKL for LAPACK/BLAS")."""

    api: str
    line: str
    mkl: str  # the line before it that names MKL
    finder: str  # the CMake file that printed it, where the message head says


_LAPACK_MISSING = re.compile(r"(?i)\bcannot find (?P<api>LAPACK|BLAS)(?: librar(?:y|ies))?\b")


def _beside_mkl(m: re.Match, before):
    mkl = last_match(r"(?i)\bMKL\b|libmkl_", before)
    if mkl is None:
        return NOT_MINE
    head = cmake_head(before)
    return LapackBesideMkl(m.group("api").upper(), m.string.strip()[:300], mkl.string.strip()[:300],
                           head.group("where").rsplit(":", 1)[0] if head else "")


@dataclass(frozen=True, slots=True)
class OpenmpNotFound:
    package: str
    line: str


@dataclass(frozen=True, slots=True)
class DistutilsBlasNotFound:
    """numpy.distutils' ``NotFoundError: No lapack/blas resources found.`` (numpy before 1.26, SciPy before 1.9 and
    scikit-learn 0.20 to 1.3 built from source: their setup.py raises it when get_info('lapack_opt') found nothing, and
    numpy's system_info itself with "Note: Accelerate is no longer supported." on macOS; read in public copies)."""

    line: str


@dataclass(frozen=True, slots=True)
class MklAsked:
    """A configure command that asked for MKL as the BLAS: MXNet's ``cmake -DUSE_BLAS=mkl``, ``-DBLA_VENDOR=Intel10_64lp``,
    ``-DUSE_MKL=ON``."""

    switch: str


_MKL_ASKED = re.compile(CONFIGURE_COMMAND + r"(?P<s>-D(?:USE_)?BLAS(?:_VENDOR)?=(?:\w*mkl\w*)|"
                        r"-DBLA_VENDOR=Intel\w*|-D(?:USE|WITH|ENABLE)_MKL=(?:ON|1|YES|TRUE))(?:\s|$)", re.I)


@dataclass(frozen=True, slots=True)
class OtherBlasSought:
    """CMake stopped on another BLAS it searched for: ``Could not find OpenBLAS`` (MXNet's cmake/Modules/FindOpenBLAS.cmake,
    called by mshadow.cmake), FindPackageHandleStandardArgs' ``Could NOT find OpenBLAS (missing: ...)``."""

    blas: str
    line: str


_OTHER_BLAS = re.compile(r"(?i)^\s*(?:-- )?could not find (?P<b>OpenBLAS|ATLAS|BLIS|Accelerate)\b")

@dataclass(frozen=True, slots=True)
class OpencvLapackRefused:
    """OpenCV's OpenCVFindLAPACK.cmake: "LAPACK(MKL): Can't build LAPACK check code. This LAPACK version is not supported."
    (its try_compile of lapack_check.cpp against the LAPACK it found failed: OpenCV goes on without LAPACK; opencv#15458)."""

    impl: str
    line: str


SIGNATURES = (
    Signature("opencv-lapack-check-failed", "findblas", "build LAPACK check",
              re.compile(r"LAPACK\((?P<impl>[^)]{1,60})\): Can(?:'|no)t build LAPACK check code"),
              lambda m, _: OpencvLapackRefused(m["impl"], m.string.strip()[:300])),
    *(Signature(f"cmake-mkl-asked-{i}", "findblas", needle, _MKL_ASKED, lambda m, _: MklAsked(m["s"]))
      for i, needle in enumerate(("USE_BLAS=", "BLA_VENDOR=Intel", "MKL=ON"))),
    *(Signature(f"cmake-other-blas-not-found-{i}", "findblas", needle, _OTHER_BLAS,
                lambda m, _: OtherBlasSought(m["b"], m.string.strip()[:300])) for i, needle in enumerate(("ould not", "Could NOT"))),
    Signature("numpy-distutils-no-blas", "findblas", "rror",
              re.compile(r"(?i)NotFoundError: no lapack/blas resources found"), lambda m, _: DistutilsBlasNotFound(m.string.strip()[:300])),
    Signature("cmake-openmp-not-found", "findblas", "Could NOT find",
              re.compile(r"^\s*(?:-- )?Could NOT find (?P<pkg>\w*OpenMP\w*)\b"),
              lambda m, _: OpenmpNotFound(m.group("pkg"), m.string.strip()[:300])),
    Signature("cmake-blas-check-not-found", "findblas", "- not found", _CHECK, _check),
    Signature("cmake-blas-source-test-failed", "findblas", "ailed with the following output", _SOURCE_TEST,
              lambda m, _: BlasCheckFailed(m.group("r"), m.string.strip()[:300], "")),
    Signature("project-lapack-beside-mkl", "findblas", "annot find", _LAPACK_MISSING, _beside_mkl),
    Signature("findblas-not-found", "findblas", "API not found", _NOT_FOUND,
              lambda m, _: BlasApiNotFound(m.group("api"), bool(m.group("req")), m.string.strip()[:300])),
)


def _distutils(events: Parsed) -> list[Finding]:
    said = events.of(DistutilsBlasNotFound)
    if not said:
        return []
    return [Finding(
        "numpy-distutils-blas-not-found", "error",
        "numpy.distutils found no BLAS or LAPACK: numpy, SciPy or scikit-learn is being built from source, and no library it "
        "knows was where it looked",
        (said[0].line, "numpy.distutils (numpy before 1.26, SciPy before 1.9, scikit-learn before 1.4) builds from source only where pip found no wheel "
                       "for this Python and platform; its system_info looks for MKL (mkl_rt), OpenBLAS, BLIS and ATLAS in "
                       "site.cfg's folders and the system's, and for MKL where MKLROOT or an LD_LIBRARY_PATH folder with mkl in its name points (or site.cfg's [mkl] section)"),
        ("take a binary wheel, which needs no BLAS at build: python -m pip install --only-binary :all: numpy scipy (a newer "
         "pip, or a Python version the release has wheels for, when pip says there is none)",
         "to build against MKL: a site.cfg beside setup.py (or ~/.numpy-site.cfg) with [mkl] library_dirs = <MKL's lib>, "
         "include_dirs = <MKL's include>, mkl_libs = mkl_rt (oneAPI: source setvars.sh first; pip's mkl-devel and "
         "mkl-include put them in <environment>/lib and include)",
         "or a system BLAS for it: apt-get install libopenblas-dev liblapack-dev (dnf: openblas-devel lapack-devel)"),
        "numpy.distutils links numpy's linear algebra against a BLAS and LAPACK it finds at build time; with none it stops "
        "(NPY_BLAS_ORDER and NPY_LAPACK_ORDER set its search order: mkl first with MKLROOT set).",
        ("python -c \"import numpy.distutils.system_info as s; s.get_info('mkl', 0)\"   # what it finds of MKL, where it runs",),
    )]


def _choice_ignored(events: Parsed) -> list[Finding]:
    asked, sought = events.of(MklAsked), events.of(OtherBlasSought)
    if not (asked and sought):
        return []  # another BLAS not found with no MKL asked for: not MKL's (the line stays an error said)
    return [Finding(
        "project-blas-choice-ignored", "error",
        f"the build asked for MKL ({asked[0].switch}) and the project searched for {sought[0].blas}: its BLAS choice did not "
        "read that option",
        (sought[0].line, f"the configure command asked for MKL: {asked[0].switch}",
         f"the {sought[0].blas} search stopped the configure: the part of the project that picks the BLAS (often a "
         "submodule's own CMake file, with a variable of its own and a default of its own) took another value than the option"),
        ("find the variable that part reads: grep -rn -i 'blas' --include='*.cmake' --include=CMakeLists.txt <source dir> | "
         "grep -i 'set\\|option\\|if'; give it too (MXNet's mshadow.cmake read BLAS, default Open: -DBLAS=MKL beside "
         "-DUSE_BLAS=mkl, or a release with dmlc/mshadow 84082c4, where USE_BLAS comes first)",
         recipes.cmake_reset("a BLAS choice cached by the failed run stays until the cache goes"),
         f"or install {sought[0].blas} and build with it, where MKL was not the point"),
        "A project with several BLAS choices decides in its CMake files which to search for; an option of the top project "
        "reaches only the files that read it, and a submodule that reads its own variable searches for its own default.",
        ("cmake -LA <build dir> | grep -i blas   # the BLAS variables the cache holds, and their values",),
    )]


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.mklrootpath import relative

    checked = _check_failed(events)
    # MKLROOT without its '/': mklrootpath's finding; MKL's archives listed ungrouped: the check's finding says both
    missed = [] if relative(events) or (checked and _ungrouped(events.of(BlasCheckFailed)[0])) else _not_found(events)
    return (missed + checked + _openmp(events, ctx) + _beside(events) + _distutils(events) + _choice_ignored(events)
            + [_opencv_lapack(e) for e in events.of(OpencvLapackRefused)[:1]])


def _opencv_lapack(event: OpencvLapackRefused) -> Finding:
    return Finding(
        "opencv-lapack-check-failed", "warning",
        f"OpenCV could not build its LAPACK check against {event.impl}: it is configured without LAPACK",
        (event.line, "OpenCV's CMake (OpenCVFindLAPACK.cmake) compiles and links a small program, lapack_check.cpp, against "
         "the LAPACK it found; when that fails it drops LAPACK and goes on, and writes the compiler's output to "
         "CMakeFiles/CMakeError.log under 'LAPACK(...) check FAILED' (opencv#15458)"),
        ("read why the check failed: grep -A30 'check FAILED' <the build folder>/CMakeFiles/CMakeError.log (its include "
         "folder, its libraries and the compiler's output), and fix what it names: MKL's headers or libraries of two "
         "releases, or a library list without MKL's threading layer",
         "or configure without it where LAPACK is not needed: -DWITH_LAPACK=OFF"),
        "OpenCV uses LAPACK only where its own check program builds; a failed check is a status line, not an error.",
        ("grep -E 'LAPACK|MKL' <the build folder>/CMakeCache.txt   # what OpenCV found and gave the check",),
    )


def _fphsa(events: Parsed) -> list:
    """CMake's own FindBLAS's or FindLAPACK's words that it found none (its find_package_handle_standard_args)."""
    from mkldoctor.explain.finders import FinderSaid

    return [e for e in events.of(FinderSaid) if e.blas_module]


def _ungrouped(event: BlasCheckFailed) -> bool:
    """FindBLAS's list of MKL's static archives with no group around them (``-- Found BLAS: .../libmkl_intel_lp64.a;
    .../libmkl_intel_thread.a;.../libmkl_core.a;...``): without BLA_STATIC it takes the .a files where a prefix has no
    libmkl_*.so (PyPI's wheels: versioned files only), and lists them as if shared (produced with CMake 3.25)."""
    return bool(re.search(r"libmkl_\w+\.a\b", event.given)) and "start-group" not in event.given


def _beside(events: Parsed) -> list[Finding]:
    said = events.of(LapackBesideMkl)
    if not said:
        return []
    first = said[0]
    finder = first.finder.rsplit("/", 1)[-1] or "the project's finder"
    return [Finding(
        "cmake-blas-not-found", "error",
        f"{finder} asks for a {first.api} library of its own after it took MKL, which holds {first.api}: the finder's "
        "logic, not a missing library", (
            first.mkl, first.line,
            f"MKL's libraries hold BLAS and LAPACK both: a finder that reports MKL and then wants a separate {first.api} "
            "library has a branch that does not count MKL as one (mlpack's FindArmadillo.cmake with Armadillo built "
            "against MKL and ARMA_USE_WRAPPER undefined, fixed in mlpack a7a05d8)",
        ), (
            "update the project: its finder release that takes MKL as the LAPACK (mlpack: a revision with a7a05d8)",
            f"or give the variable the message names MKL's libraries, so the check is satisfied: -D{first.api}_LIBRARY="
            "<MKL's libmkl_rt.so> (or the line mkldoctor link --format cmake prints), from a clean cache "
            f"({recipes.CMAKE_RESET})",
        ),
        "A project's own finder decides from its variables which libraries it needs; a branch written for a separate "
        "LAPACK asks for one even when the BLAS it took (MKL) already provides LAPACK.",
        ("grep -n 'LAPACK' <the finder's file>   # the branch that printed the message, and the variables it reads",),
    )]


def _openmp(events: Parsed, ctx: Context) -> list[Finding]:
    """CMake's OpenMP search failed in a build that found MKL: Intel's runtime for MKL's threads is not where it looks."""
    said = events.of(OpenmpNotFound)
    mkl = [p for p in ctx.places if "libmkl_" in p]
    if not said or not mkl:
        return []  # another project's OpenMP: no MKL in the log
    first = said[0]
    return [Finding(
        "cmake-openmp-for-mkl-not-found", "warning",
        f"CMake found MKL but not {first.package}: Intel's OpenMP runtime for MKL's threads is not where the search looks", (
            first.line,
            f"the build found MKL ({mkl[0]}); MKL's threaded layer (and libmkl_rt's default) runs on Intel's OpenMP runtime, "
            "libiomp5, which is the compiler's, not MKL's: oneAPI keeps it in compiler/<ver>/lib, Parallel Studio in "
            "compilers_and_libraries/linux/lib/intel64, conda and pip in the environment's lib (intel-openmp); a GCC build's "
            "OpenMP search looks for GCC's -fopenmp and does not find it",
        ), (
            "give the search libiomp5's folder: the project's variable for it (psi4: -DOpenMP_LIBRARY_DIRS=<folder>; CMake's "
            "FindOpenMP: -DOpenMP_C_LIB_NAMES=iomp5 -DOpenMP_iomp5_LIBRARY=<folder>/libiomp5.so), or source setvars.sh "
            "(oneAPI; compilervars.sh before it) so that the compiler's lib folder is on LIBRARY_PATH",
            "or let MKL run on GCC's runtime or none: MKL's gnu_thread layer (MKL_THREADING_LAYER=GNU with libmkl_rt) or "
            "the sequential one, where the project offers it",
        ),
        "A project that links MKL's threaded layer needs an OpenMP runtime that layer was built for; CMake's OpenMP "
        "search answers for the compiler in use, and GCC's is libgomp.",
        ("find / -name 'libiomp5.so*' 2>/dev/null   # where Intel's OpenMP runtime is",),
    )]


def _check_failed(events: Parsed) -> list[Finding]:
    said = events.of(BlasCheckFailed)
    if not said:
        return []
    first = said[0]
    if _ungrouped(first):
        return [Finding(
            "cmake-blas-check-failed", "error",
            f"CMake's FindBLAS took MKL's static archives without a group around them, so its check ({first.routine}) "
            "cannot link: ld reads each archive once, and MKL's call one another",
            (first.given, first.line,
             "without BLA_STATIC, FindBLAS looks for libmkl_*.so and takes libmkl_*.a where a prefix has no such link (PyPI's "
             "mkl and mkl-static wheels: versioned files only); it lists the archives as it would shared libraries, with no "
             "-Wl,--start-group, so the names libmkl_core.a needs from the layers before it stay undefined",
             *(f"then: {e.text[:160]}" for e in _fphsa(events)[:1])),
            ("cmake -DBLA_STATIC=ON: FindBLAS then groups MKL's archives (-Wl,--start-group ... -Wl,--end-group) and the "
             "check links", "or give it MKL's shared libraries: links named as it looks for them (ln -s libmkl_intel_lp64.so.N "
             "libmkl_intel_lp64.so, the same for the threading layer and libmkl_core), or find MKL through mkl-devel's "
             "MKLConfig.cmake (find_package(MKL CONFIG), MKL::MKL)", f"then configure from a clean cache: {recipes.CMAKE_RESET}"),
            "ld searches a static archive once, where it stands on the line; MKL's layers and core call each other, so their "
            "archives link only as a group.",
            ("grep -n -A20 'cheev_\\|sgemm' CMakeFiles/CMakeError.log   # the check's line, ungrouped, and ld's undefined names",),
        )]
    return [Finding(
        "cmake-blas-check-failed", "error",
        f"CMake's check that the MKL line links ({first.routine}) failed: the build takes another BLAS, or none" if first.given
        else f"CMake's check {first.routine} failed: the BLAS, LAPACK or ScaLAPACK line it tried does not link", (
            *((first.given,) if first.given else ()), first.line,
            ("the project tests the BLAS line it was given by linking a small program that calls "
             f"{first.routine}; when that fails it goes on to search for another BLAS (superlu_dist#42: the system's "
             "libblas.so), so the MKL line the user gave is not the one used") if first.given else
            ("the project checks the libraries it found by compiling and linking a small program against them; the test "
             "program did not link, so the project goes on without that library or stops"),
        ), (
            "see why the check failed: CMakeFiles/CMakeError.log (CMakeConfigureLog.yaml since CMake 3.26) holds the "
            "check's link command and its errors",
            *(("MKL's ScaLAPACK links with its BLACS layer and MKL's LAPACK, threading and core libraries on the same "
               "line: a check that links the ScaLAPACK library alone fails (deal.II#7853 added the LAPACK libraries to it)",)
              if "SCALAPACK" in first.routine.upper() else ()),
            "a project that reads the variable only when it is declared (option() or a cache entry): give it the way the "
            "project reads it, or update the project (superlu_dist's TPL_BLAS_LIBRARIES before PR #42 was not)",
            "a Fortran check with the Intel interface from gfortran: MKL's GNU interface (-lmkl_gf_lp64) in the line; the "
            "full line with its threading layer and system libraries: mkldoctor link --format flags",
            f"then configure from a clean cache: {recipes.CMAKE_RESET}",
        ),
        "CMake's projects check a BLAS line by linking a test program against it; a failed check is said in one status "
        "line, and the configure goes on with whatever else it finds.",
        ("grep -n -A20 'sgemm\\|dgemm' CMakeFiles/CMakeError.log   # the check's link line and the linker's errors",),
    )]


def _not_found(events: Parsed) -> list[Finding]:
    # CMake 3.22 and newer say it through find_package_handle_standard_args: "Could NOT find BLAS (missing:
    # BLAS_LIBRARIES)", read by the finders' reading, whose call stack names CMake's own FindBLAS (a project's own
    # cmake/FindBLAS.cmake stays the finders')
    said = events.of(BlasApiNotFound) + [BlasApiNotFound(e.module[4:], e.kind == "error", e.text) for e in _fphsa(events)]
    if not said:
        return []
    first = next((e for e in said if e.required), said[0])
    stops = any(e.required for e in said)
    windows = log_platform(events) == "Windows"
    from mkldoctor.explain.build import OtherPackageMissing

    return [Finding(
        "cmake-blas-not-found", "error" if stops or not events.of(OtherPackageMissing) else "warning",
        f"CMake's Find{first.api} found no {first.api} library" + (": the configure stops" if stops else
                                                                   ": the project goes on without one (an optional BLAS)"),
        (first.line,
         "FindBLAS finds MKL only where it looks: the folders of the MKLROOT environment variable, CMAKE_PREFIX_PATH and "
         "the library path, for the vendors BLA_VENDOR names (All by default; MKL's are Intel10_64lp, Intel10_64lp_seq, "
         "Intel10_64ilp, Intel10_64_dyn)",
         "a project that searches for MKL itself first (OpenCV's MKL_ROOT_DIR, a FindMKL.cmake of its own) reaches FindBLAS "
         "when its own search failed: an MKL on the machine that the project did not accept"),
        ("give FindBLAS MKL's folder: source <oneAPI>/setvars.sh (sets MKLROOT) in the shell that runs cmake, or "
         "-DCMAKE_PREFIX_PATH=<MKL prefix>, with -DBLA_VENDOR=Intel10_64lp (or Intel10_64lp_seq for no OpenMP)",
         "a project's own MKL variable (OpenCV's MKL_ROOT_DIR, MKL_ROOT, MKL_DIR): the MKL folder itself, the one whose "
         "include/ holds mkl.h (Parallel Studio: <IntelSWTools>/compilers_and_libraries/<os>/mkl; oneAPI: "
         "<oneAPI>/mkl/latest), not the suite's top folder",
         f"then configure from a clean cache: {recipes.CMAKE_RESET} (it keeps the paths found and the checks made)",
         *(() if windows else (
             "MKL from PyPI (pip's mkl and mkl-devel wheels) has versioned files only (libmkl_rt.so.2, no libmkl_rt.so: a "
             "wheel holds no links), which FindBLAS's find_library does not take: link the names it looks for (ln -s "
             "libmkl_rt.so.2 <env>/lib/libmkl_rt.so, the same for the layers), or find MKL through mkl-devel's "
             "MKLConfig.cmake (find_package(MKL CONFIG), MKL::MKL) or pkg-config (mkl-sdl)",)),
         "no MKL wanted: install another BLAS (" + ("vcpkg install openblas, or conda install openblas" if windows else
                                                    "Debian/Ubuntu: libopenblas-dev") + ")"),
        "FindBLAS tries each vendor's library names in a fixed set of folders; an MKL elsewhere, or a project variable that "
        "points one folder too high, is not seen, and the project builds without a BLAS or stops.",
        ("cmake --debug-find <source dir> 2>&1 | grep -i mkl   # the folders find_library tried (CMake 3.17+)",
         "ls \"$MKLROOT/include/mkl.h\"   # the folder a project's MKL variable should name"),
    )]
