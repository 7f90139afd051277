"""A compiler told to search an MKL folder that does not exist: gfortran's ``f951: Warning: Nonexistent include directory
'/opt/intel/compilers_and_libraries_2019.4.243/linux/mkl/include' [-Wmissing-include-dirs]``, gcc's ``cc1: warning:
/x/mkl/include: No such file or directory [-Wmissing-include-dirs]``, clang's ``no such include directory: '/x'``.

The flags were written for an MKL release that is gone: an update replaced its versioned folder. classInt#15: R's own
flags (Makeconf, from Arch's r-mkl built against MKL 2019.4.243) after pacman installed 2019.5.281; every package R built
took the dead folder (arch4edu#43: r-mkl rebuilt against the installed MKL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_MKL_DIR = re.compile(r"(?i)mkl|/oneapi/|compilers_and_libraries")


@dataclass(frozen=True, slots=True)
class MklFolderGone:
    folder: str
    line: str


def _said(m: re.Match, _) -> MklFolderGone | None:
    folder = m["dir"].rstrip("/")
    return MklFolderGone(folder[:300], m.string.strip()[:300]) if _MKL_DIR.search(folder) else None  # another's: not MKL's


SIGNATURES = (
    Signature("gfortran-nonexistent-include", "staledirs", "Nonexistent include directory",
              re.compile(r"Nonexistent include directory [‘'\"`](?P<dir>[^’'\"]{1,300})[’'\"]"), _said),
    Signature("gcc-missing-include-dir", "staledirs", "missing-include-dirs",
              re.compile(r"warning: (?P<dir>/\S{1,300}): No such file or directory \[-Wmissing-include-dirs\]"), _said),
    Signature("clang-no-such-include-dir", "staledirs", "missing-include-dirs",
              re.compile(r"warning: no such include directory: '(?P<dir>[^']{1,300})' \[-Wmissing-include-dirs\]"), _said),
)


def _r_build(ctx: Context) -> bool:
    """The compile ran under R's package installer, with R's own flags (R CMD INSTALL's temporary folder, R's headers)."""
    return any("R.INSTALL" in p or p.rstrip("/").endswith("/include/R") for p in ctx.places)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MklFolderGone)
    if not said:
        return []
    folder = said[0].folder
    release = re.search(r"(?<![\d.])(20\d\d(?:\.\d+){1,3})(?![\d.])", folder)
    evidence = [said[0].line, *dict.fromkeys(e.line for e in said[1:3] if e.folder != folder)]
    evidence.append(f"{folder} is MKL's folder by its name, and the compiler found no such folder where it ran: the flags "
                    "were written for an MKL that is not (or no longer) there"
                    + (f"; {release[1]} names one release, which an update replaces with another folder" if release else ""))
    fix = []
    if _r_build(ctx):
        fix.append("the flags are R's own (R CMD INSTALL compiled with them): R CMD config CPPFLAGS (and FFLAGS, FCFLAGS, "
                   "BLAS_LIBS, LAPACK_LIBS) shows them; they are in $(R RHOME)/etc/Makeconf, written when R was built, so an R "
                   "package built against that MKL release needs rebuilding against the installed one (Arch's r-mkl: "
                   "arch4edu#43); meanwhile correct the paths in Makeconf, or override them in ~/.R/Makevars")
    fix.append(f"point the flag at the MKL installed now, by a path that survives updates: $MKLROOT (oneAPI's setvars.sh sets "
               "it), /opt/intel/oneapi/mkl/latest or Parallel Studio's /opt/intel/mkl link, not a release's own folder; find "
               f"where it is written: grep -rn '{folder}' Makefile* CMakeCache.txt *.pc ~/.R/Makevars")
    fix.append("an MKL removed on purpose: take its flags out of the build (or turn the build's MKL option off)")
    return [Finding(
        "mkl-folder-gone", "warning", f"the build's flags name an MKL folder that does not exist: {folder}",
        tuple(evidence), tuple(fix),
        "A build's MKL flags are paths written once (a makefile, CMake's cache, a package's .pc file, R's Makeconf); MKL's "
        "installers put each release in a folder of its own, so an update leaves the old paths pointing at nothing, and the "
        "compile or link then misses MKL's headers or libraries.",
        (f"ls -d {folder}   # on the machine that built: gone; ls -d /opt/intel/*/ /opt/intel/oneapi/mkl/*/ for what is there",),
    )]
