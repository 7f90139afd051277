"""The Intel compilers' runtime libraries: what a program or library built with Intel's Fortran or C compiler links,
MKL's Fortran-built parts among them (its Fortran 95 interfaces, and by a project's report its ScaLAPACK and BLACS
import libraries on Windows, which ask link.exe for ifconsol.lib by name). Named by stem: Linux's libifcore.so.5,
Windows' libifcoremd.lib and ifconsol.lib. PyPI's intel-fortran-rt and intel-cmplr-lib-rt wheels carry the shared
libraries and DLLs for running; the .lib files a Windows link needs are the compiler's own (its lib folder)."""

from __future__ import annotations

import re

from mkldoctor.knowledge import facts, folders

# (the stems, what they are, the runtime wheel that carries their shared libraries)
_FAMILIES = (
    (("libifcore", "libifport", "ifconsol", "ifmodintr"), "the Intel Fortran compiler's runtime", "intel-fortran-rt"),
    ((*facts.INTEL_C_RUNTIME, "libmmd", "libmmt", "svml_disp", "libdecimal"), "the Intel compilers' C and math runtime",
     "intel-cmplr-lib-rt"),
)
_STEM = re.compile(r"(?i)^(?:lib)?(?P<stem>.+?)(?:m[dt]d?)?(?:\.(?:lib|so(?:\.\d+)*|a|dll))?$")
# where a Windows install keeps the compiler's .lib files, by layout
WINDOWS_LIB_FOLDERS = (r"oneAPI 2024.0 and newer: <oneAPI>\compiler\<ver>\lib",
                       r"oneAPI 2021.1 to 2023.2: <oneAPI>\compiler\<ver>\windows\compiler\lib\intel64_win",
                       r"Parallel Studio XE: <IntelSWTools>\compilers_and_libraries_<ver>\windows\compiler\lib\intel64_win")


def family(name: str) -> tuple[str, str] | None:
    """(what it is, its runtime wheel) for a runtime library's name in any spelling (``-lifcore``'s ``ifcore``,
    ``libifcoremd.lib``, ``ifconsol.lib``, ``libimf.so``); None for any other name."""
    base = folders.file_name(name).lower()
    plain = _STEM.match(base)
    stems = {stem for word in (base.split(".", 1)[0], plain.group("stem") if plain else "") for stem in (word, "lib" + word)}
    return next(((what, wheel) for names, what, wheel in _FAMILIES if stems & set(names)), None)


# a library of Intel's other runtimes that a program loads beside MKL, by its name's start: the package that brings it,
# and what it is
_PACKAGES = ((re.compile(rf"(?:{'|'.join(facts.INTEL_C_RUNTIME)})\b"), "intel-cmplr-lib-rt",
              "Intel's compiler runtime (built with icx/icc, as MKL-based packages like daal4py are)"),
             (re.compile(r"libtbb"), "tbb", "oneTBB's, which MKL's tbb layer and Intel's UMF (the OpenMP runtime of 2025's: "
              "vllm#18743, fixed by intel-openmp==2024.2.1) open"))


def package_of(base: str) -> tuple[str, str] | None:
    """(the package that brings it, what it is) for a library file of Intel's compiler runtime or oneTBB; None otherwise."""
    return next(((package, what) for pattern, package, what in _PACKAGES if pattern.match(base)), None)
