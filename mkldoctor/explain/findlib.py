"""CMake's ``find_library`` that found none of the names a project gave it, where MKL names the library otherwise.

``CMake Error at CMakeLists.txt:489 (find_library): Could not find SCALAPACK_LIBRARY using the following names:
scalapack`` (awslabs/palace PR #647): MKL's ScaLAPACK is ``libmkl_scalapack_lp64`` (with a BLACS layer for the MPI,
``libmkl_blacs_<mpi>_lp64``), its BLAS and LAPACK are in ``libmkl_rt`` or its layers: a search by the reference names
finds none of them. The project's variable can be given the library directly, or the names extended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs

# the reference names MKL provides under its own (the variable, then what to give it)
_MKL_NAMES = {
    "scalapack": ("libmkl_scalapack_lp64.so (libmkl_scalapack_ilp64 for 64-bit integers), with the BLACS layer of the "
                  f"MPI in use: {blacs.PER_MPI}"),
    "blas": "libmkl_rt.so (or the layers libmkl_intel_lp64, libmkl_sequential or libmkl_intel_thread, libmkl_core)",
    "lapack": "libmkl_rt.so (MKL's LAPACK is in the same libraries as its BLAS)",
    "cblas": "libmkl_rt.so (MKL's CBLAS is in the same libraries as its BLAS; its header is mkl_cblas.h, or mkl.h)",
    "lapacke": "libmkl_rt.so (MKL's LAPACKE is in its LAPACK; its header is mkl_lapacke.h)",
    "blacs": f"the layer of the MPI in use: {blacs.PER_MPI}",
}


@dataclass(frozen=True, slots=True)
class FindLibraryFailed:
    variable: str
    names: tuple[str, ...]
    line: str


SIGNATURES = (
    Signature("cmake-find-library-names", "findlib", "ould not",
              re.compile(r"Could not find (?P<var>\w+) using the following names:\s*(?P<names>[\w.+, -]+)$"),
              lambda m, _: FindLibraryFailed(m.group("var"), tuple(dict.fromkeys(n.strip() for n in m.group("names").split(",")
                                                                                 if n.strip()))[:8],
                                             m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(FindLibraryFailed)[:1]:
        known = [n for n in event.names if n.lower().removeprefix("lib") in _MKL_NAMES]
        evidence = [event.line, f"find_library looked for lib{'/lib'.join(event.names)}.so or .a in the prefixes and "
                                "folders CMake searches, and found none"]
        if known:
            name = known[0].lower().removeprefix("lib")
            evidence.append(f"MKL provides {name} under its own names, which this search does not try: {_MKL_NAMES[name]}")
            fix = [f"give the variable MKL's library: -D{event.variable}=<MKL's lib folder>/{_MKL_NAMES[name].split(' ')[0]}"
                   + (" (and the BLACS library in the project's BLACS or ScaLAPACK list)" if name == "scalapack" else ""),
                   f"or extend the search in the project: find_library({event.variable} NAMES {' '.join(event.names)} "
                   + ("mkl_scalapack_lp64 mkl_scalapack_ilp64" if name == "scalapack" else "mkl_rt")
                   + " HINTS $ENV{MKLROOT}/lib ...), or link MKLConfig.cmake's target (MKL::MKL, with -DENABLE_SCALAPACK=ON "
                   "for ScaLAPACK)",
                   "with the reference library instead of MKL's: install it (Debian/Ubuntu: libscalapack-openmpi-dev, "
                   "libblas-dev, liblapack-dev) and give its prefix in CMAKE_PREFIX_PATH"]
        else:
            fix = [f"give the variable the library's full path: -D{event.variable}=<path to the library>, or its prefix in "
                   "CMAKE_PREFIX_PATH"]
        out.append(Finding(
            "cmake-library-not-found", "error",
            f"CMake's find_library found no {'/'.join(event.names)} for {event.variable}"
            + (": MKL names it otherwise" if known else ""),
            tuple(evidence), tuple(fix),
            "find_library tries each name given with the platform's prefix and suffixes in each folder it searches; a "
            "library installed under another name (MKL's mkl_scalapack_lp64 for scalapack) is never found by it.",
            ("cmake --debug-find-var=" + event.variable + " ...   # each folder and name find_library tried (CMake 3.23+)",),
        ))
    return out
