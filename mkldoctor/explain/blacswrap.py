"""MKL's BLACS wrapper source (``interfaces/mklmpi``, ``mklmpi-impl.c``) that does not compile against an MPI.

MKL ships prebuilt BLACS for Intel MPI, MPICH and Open MPI on Linux; for any other MPI (macOS's Homebrew Open MPI,
a custom build) the user compiles ``libmkl_blacs_custom_*`` from this source. It uses MPI-1 names (``MPI_UB``,
``MPI_Address``) that Open MPI 4 removed unless built with ``--enable-mpi1-compatibility``:
``mklmpi-impl.c:87:25: error: expected expression`` under ``THIS_SYMBOL_WAS_REMOVED_IN_MPI30`` (firemodels/fds#7949).

Spack's Intel package asking for a BLACS layer the MKL it was given does not have: ``InstallError: Cannot locate
ScaLapack/BLACS libraries: ['libmkl_scalapack_lp64', 'libmkl_blacs_intelmpi_lp64']`` (spack/spack#19937: MKL for macOS
ships BLACS for MPICH only, and the package fell through to Linux's Intel MPI layer); and ``InstallError: Cannot find a
BLACS library for the given MPI.`` from its ``scalapack_libs`` (spack/spack#11289, #11314: Spack of early 2019 gave MKL's
ScaLAPACK to every package that depends on MKL, py-numpy and intel-mkl-dnn too, whose specs have no MPI to choose a
BLACS layer for; spack/spack#11384 gives it only to a spec with +mpi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class BlacsWrapperError:
    line: str
    removed: bool = False  # the notes under it name MPI 3.0's removal of MPI-1 symbols
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "BlacsWrapperError":
        return replace(self, removed=any("REMOVED_IN_MPI30" in line or "removed in MPI" in line for line in lines), wants=0)


@dataclass(frozen=True, slots=True)
class SpackBlacsNoMpi:
    """``Cannot find a BLACS library for the given MPI.``: one event however many lines say it."""


@dataclass(frozen=True, slots=True)
class SpackClusterMissing:
    names: tuple[str, ...]
    line: str


@dataclass(frozen=True, slots=True)
class SpackNoLibraries:
    """Spack's ``NoLibrariesError: Unable to recursively locate hpcx-mpi libraries in /opt/hpcx-.../ompi``, and whether
    the traceback under it is intel-oneapi-mkl's _find_mkl_libs, which adds the MPI's libraries to MKL's with +cluster."""

    package: str
    prefix: str
    line: str
    mkl: bool = False
    wants: int = field(default=12, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "SpackNoLibraries":
        return replace(self, mkl=any("intel-oneapi-mkl" in line or "_find_mkl_libs" in line or "intel-mkl" in line
                                     for line in lines), wants=0)


SIGNATURES = (
    Signature("spack-no-libraries", "blacswrap", "Unable to recursively locate",
              re.compile(r"NoLibrariesError: Unable to recursively locate (?P<pkg>[\w.-]+) libraries in (?P<prefix>\S+)"),
              lambda m, _: SpackNoLibraries(m["pkg"], m["prefix"], m.string.strip()[:300])),
    # the error line, and the line of Spack's source its traceback shows ("raise_lib_error('Cannot find a BLACS ...')")
    Signature("spack-mkl-blacs-no-mpi", "blacswrap", "annot find a BLACS",
              re.compile(r"\bCannot find a BLACS library for the given MPI\b"), lambda m, _: SpackBlacsNoMpi()),
    Signature("spack-mkl-scalapack-not-located", "blacswrap", "annot locate ScaLapack",
              re.compile(r"Cannot locate ScaLapack/BLACS libraries:?\s*(?P<names>\[[^\]]*\])?"),
              lambda m, _: SpackClusterMissing(tuple(re.findall(r"'([\w.]+)'", m.group("names") or "")), m.string.strip()[:300])),
    Signature("mkl-blacs-wrapper-compile-error", "blacswrap", "rror",
              re.compile(r"\bmklmpi-impl\.c:\d+:\d+: (?:fatal )?error:"), lambda m, _: BlacsWrapperError(m.string.strip()[:300])),
)


def spack_cluster(events: Parsed, ctx: Context) -> list[Finding]:
    no_mpi = [_blacs_for_no_mpi()] if events.of(SpackBlacsNoMpi) else []
    no_mpi += [_no_libraries(e) for e in events.of(SpackNoLibraries)[:1]]
    said = events.of(SpackClusterMissing)
    if not said:
        return no_mpi
    names = said[0].names
    blacs = next((n for n in names if "blacs" in n), "")
    evidence = [said[0].line]
    evidence.append((f"Spack looked for {', '.join(names)}: MKL's ScaLAPACK and {blacs}, its BLACS layer for one MPI" if names
                     else "Spack looked for MKL's ScaLAPACK and its BLACS layer for the spec's MPI")
                    + "; the MKL the spec was given has no such file: an external MKL "
                    "installed without its cluster libraries, or one for another platform (MKL for macOS has BLACS for MPICH "
                    "only: libmkl_blacs_mpich_*, and no Intel MPI)")
    return no_mpi + [Finding(
        "spack-mkl-cluster-missing", "error",
        "Spack found no ScaLAPACK and BLACS in the MKL it was given" + (f" ({blacs})" if blacs else ""),
        tuple(evidence),
        ("ask for no ScaLAPACK from this MKL: the spec's variant that leaves out the cluster libraries (or a ScaLAPACK of "
         "its own, ^netlib-scalapack), which the package asked for because the spec needs MPI",
         "or give Spack an MKL with the cluster libraries for the spec's MPI: oneAPI's MKL with its cluster component "
         "(ls <MKL's lib folder>/libmkl_blacs_* shows which MPIs it serves), or let Spack install intel-oneapi-mkl +cluster",
         "on macOS: MKL's BLACS layer is MPICH's (libmkl_blacs_mpich_*): the spec's MPI must be MPICH, and a Spack whose "
         "Intel package names Intel MPI's layer there needs its fix (update Spack)"),
        "Spack's Intel packages build the ScaLAPACK libraries' names from the spec's MPI and look for them in MKL's lib "
        "folder; an external MKL that lacks them stops the install.",
        ("ls <MKL's lib folder>/libmkl_scalapack_* <MKL's lib folder>/libmkl_blacs_*   # the cluster libraries it has",),
    )]


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(BlacsWrapperError)
    if not said:
        return []
    removed = any(e.removed for e in said)
    evidence = [said[0].line, "mklmpi-impl.c is MKL's BLACS wrapper source (interfaces/mklmpi): users compile it into "
                              "libmkl_blacs_custom_* for an MPI that MKL has no prebuilt BLACS for"]
    if removed:
        evidence.append("the compiler's notes show the MPI's header removing MPI-1 names (THIS_SYMBOL_WAS_REMOVED_IN_MPI30: "
                        "MPI_UB, MPI_LB, MPI_Address...), which the wrapper still uses: Open MPI 4 removes them unless it was "
                        "built with --enable-mpi1-compatibility")
    return [Finding(
        "mkl-blacs-wrapper-build-failed", "error",
        "MKL's BLACS wrapper source does not compile against this MPI" + (": its MPI-1 names were removed" if removed else ""),
        tuple(evidence),
        ("build Open MPI with --enable-mpi1-compatibility (or install one built so) and compile the wrapper against it",
         "or use an MPI that MKL ships a prebuilt BLACS for on the platform (Intel MPI or MPICH: libmkl_blacs_intelmpi_*; "
         "Open MPI on Linux: libmkl_blacs_openmpi_*) and skip the custom wrapper"),
        "MKL's custom BLACS layer is source code compiled against the MPI in use; MPI 3.0 removed the MPI-1 names it calls, "
        "and MPIs that follow the removal strictly no longer define them.",
        ("mpicc -showme (Open MPI) or mpicc -show   # the MPI the wrapper is compiled against",),
    )]


def _blacs_for_no_mpi() -> Finding:
    return Finding(
        "spack-mkl-blacs-no-mpi", "error",
        "Spack's Intel package looked for MKL's BLACS layer for a spec with no MPI it knows: the package asked for MKL's "
        "ScaLAPACK, which a package without MPI (or on an MPI MKL has no BLACS for) does not use",
        ("InstallError: Cannot find a BLACS library for the given MPI. (Spack's build_systems/intel.py, scalapack_libs)",
         "MKL's BLACS comes in one library per MPI (libmkl_blacs_intelmpi_*, _openmpi_*, _sgimpt_*): Spack picks it from "
         "the spec's MPI, and a spec without one (py-numpy, intel-mkl-dnn) has none to pick; Spack of early 2019 added "
         "MKL's ScaLAPACK to the libraries of every package that depends on MKL (spack/spack#11289, #11314); a spec whose "
         "MPI is a provider outside that list (charmpp, which provides mpi for NAMD: spack/spack#14109) has none either"),
        ("update Spack: since spack/spack#11384 its Intel package gives MKL's ScaLAPACK and BLACS only to a spec with +mpi "
         "(git -C $SPACK_ROOT pull, or a release after May 2019)",
         "or, for a package that does use ScaLAPACK, give the spec an MPI that MKL has a BLACS layer for: "
         "^intel-mpi (or ^intel-oneapi-mpi), ^openmpi, ^mpich, ^mpt",
         "or a package that takes MKL for its FFT or BLAS only, with charmpp as its MPI (namd fftw=mkl): another FFT for "
         "it (namd fftw=3) until Spack's Intel package gives such a spec MKL's libraries without ScaLAPACK"),
        "MKL's ScaLAPACK needs the BLACS layer of one MPI; a package without MPI needs MKL's BLAS and LAPACK only.",
        ("spack spec <the package>   # whether the spec has an MPI, and which",),
    )


def _no_libraries(event: SpackNoLibraries) -> Finding:
    """spack/spack#39629: intel-oneapi-mkl +cluster with an external hpcx-mpi that gives Spack no libraries (spack#39750)."""
    evidence = [event.line, f"Spack looked for {event.package}'s libraries under {event.prefix} and found none where it "
                            "looks (its lib/ and lib64/, or the names its package class gives)"]
    fix = [f"declare the external {event.package} with a prefix whose lib/ holds its libraries (packages.yaml: externals: "
           "prefix:), or give its package class the names to look for"]
    if event.mkl:
        evidence.append("the traceback is intel-oneapi-mkl's _find_mkl_libs: with +cluster it adds the MPI's libraries to "
                        "MKL's own (MKL's BLACS layer calls MPI), so an MPI that gives Spack none stops MKL's libraries too")
        fix[:0] = ["update Spack: its intel-oneapi-mkl package takes an MPI that gives no libraries since spack/spack#39750 "
                   "(hpcx-mpi's support)",
                   "or build MKL without its cluster libraries where ScaLAPACK is not used: ^intel-oneapi-mkl~cluster"]
    return Finding(
        "spack-mpi-libraries-not-found", "error",
        f"Spack found no libraries of the external {event.package}"
        + (", which intel-oneapi-mkl +cluster adds to MKL's link" if event.mkl else ""),
        tuple(evidence), tuple(fix),
        "Spack gives a dependent the libraries of each dependency by searching its prefix; an external package whose "
        "prefix does not hold them where Spack looks gives none, and a package that needs them stops.",
        (f"spack find -p {event.package}; ls <that prefix>/lib   # where the external's libraries are",),
    )

