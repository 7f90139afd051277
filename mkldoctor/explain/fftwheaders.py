"""FFTW's headers not found by a build that takes its FFT from MKL's FFTW interface.

``fftw.F:23: Error: Can't open included file 'fftw3.f'`` (spack/spack-packages PR #3333: VASP built with MKL as its
FFTW): MKL implements FFTW's API (its FFTW3 and FFTW2 wrappers) and ships FFTW's headers for it in a folder of their
own, ``<MKL>/include/fftw`` (fftw3.h, fftw3.f, fftw3.f03, fftw3_mkl.h), which ``-I<MKL>/include`` alone does not reach.
A build against FFTW itself needs FFTW's development files instead.

A program can also say at run time that its FFTW backend was left out of the build: CP2K's ``FFT library FFTW3 is not
available`` (cp2k/cp2k#3115: its CMake build with MKL's FFTW3 interface defined ``__FFTW3_MKL`` and not ``__FFTW3``, so
the backend was never compiled and CP2K fell back to its slower FFTSG).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.apichange import after_missing_header
from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_HEADER = r"(?P<h>(?:r?fftw3?(?:-mpi)?(?:_mkl)?(?:_f77)?)\.(?:h|f|f03))"
HEADER = re.compile(_HEADER)  # FFTW's header names, for other readers of a missing header (build's)


@dataclass(frozen=True, slots=True)
class FftwHeaderMissing:
    header: str
    line: str


def _said(m: re.Match, _) -> FftwHeaderMissing:
    return FftwHeaderMissing(m.group("h"), m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class FftwNotAvailable:
    line: str


# a Fortran compiler's words for an INCLUDE it cannot open: older gfortran's "Error: Can't open included file 'x'",
# gfortran 12's "Fatal Error: Cannot open included file ‘x’", Intel Fortran's "error #5102: Cannot open include file 'x'"
FORTRAN_INCLUDE_NEEDLES = ("an't open", "annot open include")


def fortran_include(header: str) -> str:
    """The pattern of those words for a header's pattern (its name in a group of the caller's)."""
    return r"(?:Can't|Cannot) open include(?:d)? file ['‘]" + header + r"['’]"


SIGNATURES = (
    Signature("cp2k-fftw3-not-available", "fftwheaders", "FFTW3 is not available",
              re.compile(r"FFT library FFTW3 is not available"), lambda m, _: FftwNotAvailable(m.string.strip(" *\t")[:300])),
    # gfortran's include line, gcc's and clang's #include
    # a Fortran INCLUDE (spack-packages PR #3261: VASP on intel-oneapi-mkl's FFTW, fixed by PR #3333)
    *(Signature(f"fftw-include-fortran-{i}", "fftwheaders", needle, re.compile(fortran_include(_HEADER)), _said)
      for i, needle in enumerate(FORTRAN_INCLUDE_NEEDLES)),
    Signature("fftw-include-gcc", "fftwheaders", "No such", re.compile(r"fatal error: " + _HEADER + r": No such file"), _said),
    Signature("fftw-include-clang", "fftwheaders", "found", re.compile(r"fatal error: ['‘]" + _HEADER + r"['’] file not found"), _said),
    # Intel's classic compilers (icc, icpc; relion#441: RELION's MKLFFT=ON without include/fftw)
    Signature("fftw-include-icc", "fftwheaders", "rror: cannot open source file",
              re.compile(r"(?:catastrophic )?error: cannot open source file \"" + _HEADER + '"'), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(FftwHeaderMissing)
    if not said:
        return [_not_compiled(e) for e in events.of(FftwNotAvailable)[:1]]
    first = said[0]
    fix = ["with MKL as the FFTW: add MKL's FFTW header folder to the include path: -I${MKLROOT}/include/fftw (a package "
           "manager's MKL that does not export it: add it in the build's own flags, e.g. CPPFLAGS/FFLAGS or CMake's "
           "include_directories)",
           "with FFTW itself: install its development files (Debian/Ubuntu: libfftw3-dev; conda: fftw) and give the build "
           "its include folder"]
    return [Finding(
        "fftw-header-not-found", "error", f"the compiler found no {first.header}: FFTW's header, which MKL ships in its "
        "own include/fftw folder", (first.line,
                                    f"{first.header} is FFTW's interface header; MKL's FFTW wrappers implement that interface "
                                    "and MKL ships the header in <MKL>/include/fftw, a folder -I<MKL>/include does not reach",
                                    *after_missing_header(events)),
        tuple(fix),
        "MKL implements FFTW's API, so a program written for FFTW can take its FFT from MKL; its headers then come from "
        "MKL's include/fftw folder, which must be on the include path by itself.",
        ("ls ${MKLROOT}/include/fftw   # fftw3.h, fftw3.f, fftw3.f03, fftw3_mkl.h",),
    )]


def _not_compiled(event: FftwNotAvailable) -> Finding:
    return Finding(
        "program-built-without-fftw", "warning",
        "CP2K says its FFTW3 backend is not in its build: it runs its own, slower FFT (FFTSG)",
        (event.line, "CP2K compiles its FFTW3 backend only where __FFTW3 is defined; a build that takes FFTW3 from MKL's "
                     "FFTW interface defines __FFTW3_MKL as well, and CP2K's CMake build before cp2k#3115 (2023) defined "
                     "that one alone"),
        ("define both for a build on MKL's FFTW3 interface: -D__FFTW3 -D__FFTW3_MKL (DFLAGS of an arch file), or a CP2K "
         "whose CMake build does it (after cp2k#3115), then rebuild",
         "a build on FFTW itself: -D__FFTW3 with FFTW's library (CMake: -DCP2K_USE_FFTW3=ON)"),
        "CP2K picks its FFT library at run time among those compiled in; a backend left out of the build is reported and "
        "replaced by FFTSG.",
        ("cp2k --version   # lists the build's flags: fftw3 must be among them",),
    )
