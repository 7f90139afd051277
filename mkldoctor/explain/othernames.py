"""``-l`` names the linker could not find that no MKL install answers as they are written: a CMake variable's failed
value (``-lFALSE``), a name no MKL release has (``-lmkl``, ``-llibmkl_core``), MKL-ML, MKL's Fortran 95 interfaces (shipped
as archives only), its FFTW wrappers (shipped as sources), and other BLASes' and Intel's runtimes' names. :mod:`libraries`
asks :func:`named` before it reads the name as an MKL library that was not found.
"""

from __future__ import annotations

from dataclasses import replace

from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import intel_runtime, layout, recipes
from mkldoctor.knowledge import facts as knowledge

# the values CMake gives a false or failed result, which a project may pass on as a library name
_CMAKE_VALUES = {"FALSE", "OFF", "NO", "N", "NOTFOUND", "IGNORE"}

# the names other BLAS and LAPACK libraries go by: with MKL, its own layers hold these routines
_BLAS_NAMES = {"blas", "lapack", "cblas", "lapacke", "f77blas", "openblas", "refblas", "reflapack"}
# Debian's development packages of those names (apt-cache show: libcblas has none; it is ATLAS's or OpenBLAS's)
_DEBIAN_DEV = {"blas": "libblas-dev or libopenblas-dev", "lapack": "liblapack-dev or libopenblas-dev",
               "lapacke": "liblapacke-dev", "openblas": "libopenblas-dev"}


def _not_mkls(finding: Finding, names: list[str]) -> Finding:
    """-llapack (SuiteSparse PR #8: a makefile's default beside MKLROOT) or -lOpenCL (oneMath#254): a library that is not
    MKL's, which no MKL package installs."""
    blas = [n for n in names if n.lower() in _BLAS_NAMES]
    if names[0] in ("ne", "none"):  # nfft#32: "-lne required" from a configure macro that cut autoconf's result
        evidence = (f"-l{names[0]} is what a configure macro made of autoconf's 'none required': AC_SEARCH_LIBS found the "
                    "function with no library (MKL given by the compiler, icc -mkl or -qmkl, brings FFTW3's and BLAS's "
                    f"names), and the macro cut two characters off that answer and put -l before it (-l{names[0]} required)",)
        fix = ("give configure the library variable itself, empty when the compiler brings MKL (the macro's variable, e.g. "
               "fftw3_LIBS=' ' ./configure CC='icc -mkl'), or MKL's FFTW3 line (-lmkl_rt)",
               "and update the project: its m4 macro must take 'none required' as no library")
        return replace(finding, title=f"cannot find -l{names[0]}: autoconf's 'none required' cut into a library's name by a "
                       "configure macro", evidence=finding.evidence[:1] + evidence + finding.evidence[1:], fix=fix, recipes=())
    if blas:
        evidence = (f"lib{blas[0]} is not an MKL library: MKL has no lib{blas[0]}, its BLAS and LAPACK routines are in its "
                    "own layers (-lmkl_rt, or the interface, threading and core layers), which the line may name beside it",)
        fix = (f"building with MKL: drop -l{blas[0]} from the line (the build's BLAS or LAPACK variable: set it to MKL's line "
               "or empty where MKL's libraries are already there), or give MKL in its place: -lmkl_rt",
               f"building without MKL: install a BLAS and LAPACK whose development files give lib{blas[0]}.so (Debian: "
               f"{_DEBIAN_DEV.get(blas[0].lower(), 'libopenblas-dev')}), or point -L at it")
    elif intel_runtime.family(names[0]):
        what, wheel = intel_runtime.family(names[0])
        evidence = (f"lib{names[0]} is {what}: a build with Intel's compilers (ifort, ifx, icc, icx) links it, and so does "
                    "a library they built (MKL's Fortran interfaces); the compiler's environment puts its folder on the link",)
        fix = ("build in the compiler's environment: source <oneAPI>/setvars.sh (Parallel Studio: compilervars.sh intel64), "
               "which puts its lib folder on LIBRARY_PATH and LD_LIBRARY_PATH; or give that folder with -L (oneAPI 2024+: "
               "<oneAPI>/compiler/<ver>/lib; 2021-2023: <oneAPI>/compiler/<ver>/linux/compiler/lib/intel64_lin)",
               f"where no Intel compiler is installed: python3 -m pip install {wheel} (its shared libraries in <prefix>/lib, "
               f"under versioned names: ls <prefix>/lib/lib{names[0]}*), then -L<prefix>/lib -l:<that file>",
               "or build with GNU's compilers instead (FC=gfortran), and MKL's gf interface layer (-lmkl_gf_lp64) in place "
               "of mkl_intel_lp64")
    else:
        evidence = (f"{', '.join('lib' + n for n in names)} {'is' if len(names) == 1 else 'are'} not MKL's: no MKL package "
                    "installs it" + (" (oneMKL's SYCL and GPU libraries need an OpenCL loader, libOpenCL, from the system: "
                                     "ocl-icd)" if any(n.lower() == "opencl" for n in names) else ""),)
        fix = (f"install the development package that provides lib{names[0]}.so (Debian: apt-file search lib{names[0]}.so; "
               f"Fedora: dnf provides '*/lib{names[0]}.so'), or give its folder with -L",
               *((f"if the project builds lib{names[0]} itself (an -L folder of the line is in the project's own tree), the "
                  "step that makes it did not run or failed: build that part first (NWChem's lib64to32: make in "
                  "src/64to32blas)",) if names[0].lower() != "opencl" else ()),
               f"if the project can do without it, its option that leaves out the part that links lib{names[0]}")
    keep = tuple(line for line in finding.fix if not line.startswith(("if it is not: install MKL", "no MKL installed")))
    return replace(finding, evidence=finding.evidence[:1] + evidence + finding.evidence[1:], fix=fix + keep[:2], recipes=())


def _fftw_wrapper(finding: Finding, names: list[str]) -> Finding:
    """-lfftw3xf_intel (ucl-rcps#97: QE's make.inc on Intel 2017): a wrapper of MKL's FFTW interfaces, which MKL ships as
    sources only; MKL's own libraries answer FFTW3's names."""
    m = knowledge.fftw_wrapper(names[0])
    folder = m.group("folder")  # fftw3xf, fftw2xc, fftw3x_cdft: MKL's interfaces folder of the wrapper
    fftw3 = m.group("v") == "3" and m.group("lang") is not None
    return replace(
        finding, title=f"cannot find {more(['-l' + n for n in names], 3)}: a wrapper of MKL's FFTW interface, which MKL "
                       "ships as sources to build, not as a library",
        evidence=finding.evidence + (  # the linker's search as it was, then what the library is
            f"lib{names[0]} is MKL's FFTW{m.group('v')} wrapper library: MKL ships its sources (interfaces/{folder}), and an "
            "install has the library only where someone built it into MKL's lib folder (an older site install did; "
            "oneAPI, conda's and pip's packages never have it)",),
        fix=((f"drop -l{names[0]}: MKL's own libraries (-lmkl_rt, or the interface, threading and core layers on the line) "
              f"answer FFTW3's {'C' if m.group('lang') == 'c' else 'Fortran'} names since MKL 10.2; keep "
              "-I<MKLROOT>/include/fftw for the fftw3.h and fftw3.f headers",) if fftw3 else ())
            + (f"or build the wrapper from MKL's sources: cd $MKLROOT/share/mkl/interfaces/{folder} (before oneAPI 2024: "
               f"$MKLROOT/interfaces/{folder}) && make libintel64 compiler={'gnu' if names[0].endswith('gnu') else 'intel'} "
               f"INSTALL_DIR=<a folder>, then -L<that folder>",),
        recipes=(),
        explanation="MKL's FFTW interfaces are wrappers over its DFTI functions; the FFTW3 ones are compiled into MKL's "
                    "libraries, the others (FFTW2, the cluster FFTW of MPI) and FFTW3's for another compiler's conventions "
                    "are built from the sources MKL ships.")


def _fortran95(finding: Finding, names: list[str]) -> Finding:
    """mkl_lapack95_lp64 and its kin: Fortran 95 interfaces MKL ships only as archives, in its static packages (conda#2308:
    a link line taken from numpy's build information named it, and conda's mkl runtime package has none)."""
    static = recipes.PACKAGES["pip"]["static"]
    return replace(
        finding, title=f"cannot find {more(['-l' + n for n in names], 3)}: MKL's Fortran 95 interface, shipped only as a "
                       "static archive in MKL's static packages",
        evidence=finding.evidence[:1] + (
            f"lib{names[0]}.a is MKL's Fortran 95 interface (the LAPACK95/BLAS95 modules' generic names): no release ships a "
            f"shared library of it, and the runtime packages (mkl, mkl-devel) have no archive of it; {static} (pip, conda), "
            "oneAPI's MKL and Debian's libmkl-full-dev do",
            "a link line copied from another build (numpy.distutils' lapack_opt of an MKL numpy names it) carries it into a "
            "build whose code may not use it"),
        fix=(f"drop -l{names[0]} from the link line unless the code uses the Fortran 95 interface (USE lapack95 / "
             "f95_precision); the interface, threading and core layers are what BLAS and LAPACK calls need",
             f"or install the static package and give its folder: {recipes.pip_install(static)} or "
             f"{recipes.conda_install(static)}, then -L<its prefix>/lib"), recipes=(),
        explanation="MKL's Fortran 95 interfaces are compiled against the compiler's module format, so MKL ships them as "
                    "archives (and their sources) only; a shared-library install never has them.")


def named(finding: Finding, names: list[str]) -> Finding | None:
    """The finding of ``cannot find -lX`` for names of one of these kinds (all of ``names`` of it), or None."""
    values = [n for n in names if n.upper() in _CMAKE_VALUES or n.endswith("-NOTFOUND")]
    if values and len(values) == len(names):  # dftd4#124: CMake 3.17's FindLAPACK, no LAPACK::LAPACK target, FALSE linked
        return replace(finding, title=f"cannot find -l{values[0]}: a CMake variable's value on the link line, not a library",
                       evidence=finding.evidence[:1] + (
                           f"{values[0]} is how CMake spells a false or failed result: a variable that should hold "
                           "libraries (BLAS_LIBRARIES, LAPACK_LIBRARIES, a project's MKL list) held it, and the project "
                           "linked it as a name",), recipes=(),
                       fix=("find the variable: grep -E '=(FALSE|OFF|NOTFOUND)$|-NOTFOUND$' <build dir>/CMakeCache.txt, "
                            "and give it MKL's libraries (-DBLAS_LIBRARIES=..., -DLAPACK_LIBRARIES=..., or -DBLA_VENDOR="
                            "Intel10_64lp with MKL's prefix in CMAKE_PREFIX_PATH)",
                            "a project written for CMake 3.18 or newer (it links BLAS::BLAS and LAPACK::LAPACK, targets older "
                            f"FindBLAS and FindLAPACK do not define): a newer CMake ({recipes.pip_install('-U', 'cmake')}, or the "
                            "distribution's)"),
                       explanation="CMake writes a failed search as FALSE or <name>-NOTFOUND; passed on as a library, ld "
                                   "looks for a file of that name.")
    unknown = {n: why for n in names if (why := knowledge.not_an_mkl_library(n))}
    if unknown:
        return replace(finding, title=f"cannot find {more(['-l' + n for n in unknown], 3)}: no MKL release has such a library",
                       evidence=finding.evidence[:1] + tuple(unknown.values()),
                       fix=(*(f"-l{n[3:]}, not -l{n}" for n in unknown if n.startswith("libmkl_")), f"link MKL by its real "
                            "names: -lmkl_rt (the single dynamic library), or the layers "
                            f"-lmkl_intel_lp64 -lmkl_sequential -lmkl_core (mkldoctor link --format flags prints a whole "
                            "line); in a build script, the option or variable that produced "
                            f"{' '.join('-l' + n for n in unknown)}",), recipes=(),
                       explanation="ld finds -lNAME only as libNAME.so or libNAME.a; MKL's libraries are libmkl_rt and the "
                                   "layers libmkl_<interface>, libmkl_<threading> and libmkl_core (with the cluster and "
                                   "kernel libraries), so a name outside them is in no MKL folder, whichever is given.")
    if all(knowledge.is_mklml(n) for n in names):  # MKL-ML: no package of MKL's has it (intel/BigDL-core#165)
        return replace(finding, title=f"cannot find {more(['-l' + n for n in names], 3)}: MKL-ML, which no MKL package installs",
                       evidence=finding.evidence[:1] + (f"{names[0]} is {knowledge.MKLML}",), recipes=(),
                       fix=("run the project's own step that downloads and unpacks MKL-ML (its prepare or download script, "
                            "the third-party fetch of its build), or give the link the folder it was unpacked to "
                            "(-L<that folder>/lib, or the path the build expects, such as /opt/mklml)",
                            "or build a release of the project that uses MKL itself or oneDNN (MKL-DNN 1.0 and later need "
                            "no MKL-ML)"),
                       explanation="MKL-ML was a separate download of MKL-DNN's builds; a link that names it finds it only "
                                   "where that download was unpacked.")
    f95 = [n for n in names if layout.role(n.lstrip(":")) == "fortran95"]
    if f95 and len(f95) == len(names):
        return _fortran95(finding, f95)
    wrappers = [n for n in names if knowledge.fftw_wrapper(n)]
    if wrappers and len(wrappers) == len(names):
        return _fftw_wrapper(finding, wrappers)
    foreign = [n for n in names if layout.get(n.lstrip(":")) is None and not n.lstrip(":").startswith("mkl")]
    if foreign and len(foreign) == len(names):
        return _not_mkls(finding, foreign)
    return None
