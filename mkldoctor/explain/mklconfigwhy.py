"""The reasons Intel's MKLConfig.cmake gives for MKL_FOUND = FALSE that are not a value the user set (those are
:mod:`build`'s ``mklconfig-rejected-value``), each produced with real CMake and the pinned wheels' MKLConfig.cmake:

- ``TBB not found for the specified MKL_THREADING: tbb_thread`` (after ``Could NOT find TBB (missing: TBB_DIR)``):
  the TBB layer asked for, and oneTBB's own CMake package (TBBConfig.cmake) not on the search path;
- ``oneMKL 2023.2. specified by the environment variable MKLROOT mismatches the found version 2026.2.0 indicated by
  .../MKLConfigVersion.cmake``: MKLROOT left from another install's setvars.sh;
- ``The required variable MKL_VERSION_H has an invalid value "MKL_VERSION_H-NOTFOUND"``: the MKL root it uses (MKLROOT,
  or the package's own prefix) has no include/mkl_version.h: the headers are not installed there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

INTERNAL = ("MKL_VERSION_H",)  # MKLConfig.cmake's own variables: a rejected value is a file it did not find, not a choice


@dataclass(frozen=True, slots=True)
class MklConfigReason:
    kind: str  # "tbb", "mklroot", "headers"
    line: str
    detail: str = ""  # the threading layer, or MKLROOT's release


SIGNATURES = (
    Signature("mklconfig-tbb-not-found", "mklconfigwhy", "ot found",
              re.compile(r"^\s*TBB not found (?:for the specified MKL_THREADING: (?P<t>\w+)|on the filesystem)"),
              lambda m, _: MklConfigReason("tbb", m.string.strip(), m["t"] or "tbb_thread")),
    Signature("mklconfig-mklroot-mismatch", "mklconfigwhy", "environment variable MKLROOT",
              re.compile(r"oneMKL (?P<v>[\d.]+?)\.?\s+specified by the environment variable MKLROOT"),
              lambda m, _: MklConfigReason("mklroot", m.string.strip(), m["v"])),
    Signature("mklconfig-version-h-missing", "mklconfigwhy", "has an invalid value",
              re.compile(r"required variable MKL_VERSION_H has an invalid value"),
              lambda m, _: MklConfigReason("headers", m.string.strip())),
    # the value CMake wrapped onto the next line ("MKL_VERSION_H-NOTFOUND".): the same reason, not a finder's own words
    Signature("mklconfig-version-h-value", "mklconfigwhy", "NOTFOUND",
              re.compile(r'^\s*"MKL_VERSION_H-NOTFOUND"\.?\s*$'), lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MklConfigReason)
    if not said:
        return []
    first = said[0]
    reset = "rm -f <build dir>/CMakeCache.txt   # the cache keeps what the first run found"
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
             "or another threading layer: -DMKL_THREADING=intel_thread (Intel OpenMP), gnu_thread or sequential", reset),
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
             "or point CMake at MKLROOT's own package: -DMKL_DIR=$MKLROOT/lib/cmake/mkl", reset),
            "Intel's MKLConfig.cmake reads MKLROOT before its own location; two releases' files in one build would mix "
            "headers and libraries, so it refuses.",
            ("echo $MKLROOT; grep -h '__INTEL_MKL__\\|UPDATE' $MKLROOT/include/mkl_version.h   # the release it names",),
        )]
    return [Finding(
        "mklconfig-headers-missing", "error",
        "MKLConfig.cmake found no include/mkl_version.h in the MKL root it uses: MKL's headers are not installed there",
        (first.line, "MKLConfig.cmake reads the release from <MKL root>/include/mkl_version.h (MKLROOT when set, else the "
                     "package's own prefix); the headers are mkl-include's (pip's and conda's mkl-devel pull it in; an "
                     "install with --no-deps, or mkl alone, lacks them), and an MKLROOT left from another install may name "
                     "a folder without them"),
        ("install MKL's headers into the same prefix: " + recipes.pip_install("mkl-include") + " (conda: conda install "
         "mkl-include), the release of the mkl-devel in use",
         "or unset MKLROOT when it names another folder than the MKL this MKLConfig.cmake belongs to (env -u MKLROOT cmake ...)",
         reset),
        "Intel's MKLConfig.cmake needs MKL's headers to tell the release and to give MKL::MKL its include folder.",
        ("ls ${MKLROOT:-<the prefix of MKL_DIR>}/include/mkl_version.h",),
    )]
