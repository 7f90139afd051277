"""Numerical hosts that bring their own MKL: MATLAB (``bin/glnxa64/mkl.so``) and Microsoft R Open (RevoUtilsMath).

A crash whose stack runs through MATLAB's own ``bin/glnxa64/mkl.so`` (``mkl_lapack_dgetrf``...) while a
MEX file or Simulink S-function runs means that code's BLAS and LAPACK calls were bound to MATLAB's MKL,
which takes 64-bit integers (MATLAB's BLAS is ILP64), not to the library the code was built for.
Microsoft R Open's RevoUtilsMath says ``To use RevoUtilsMath you must first install the MKL Math Library``
when the MKL it installs is not in this R's own library tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MatlabMklFrame:
    library: str  # ".../MATLAB/R2020a/bin/glnxa64/mkl.so"
    function: str


@dataclass(frozen=True, slots=True)
class MatlabOwnFrame:
    """A frame of MATLAB's own code (``bin/glnxa64/libmwmagma.so+1628429 magma_sgetrf_gpu``), not its BLAS's."""

    library: str
    function: str


@dataclass(frozen=True, slots=True)
class MatlabCrash:
    """MATLAB's own crash report: ``Segmentation violation detected at <date>``."""

    line: str


@dataclass(frozen=True, slots=True)
class JuliaEnvMutated:
    """Julia's test harness: ``The `LinearAlgebra/bidiag` test set mutated ENV and did not restore the original values``."""

    testset: str


@dataclass(frozen=True, slots=True)
class RPackageWantsMkl:
    package: str


@dataclass(frozen=True, slots=True)
class RInstallerWrongR:
    """The MKL installer for Microsoft R Open refusing the R it found: ``Microsoft R Open was detected; however, it is not
    the correct version.`` (RevolutionAnalytics/RRO#306: an older RRO left installed)."""

    line: str


@dataclass(frozen=True, slots=True)
class MroBannerInCommand:
    """Microsoft R Open's start-up banner inside a compiler's command (GDINA#6, microsoft-r-open#120): a package's
    Makevars took a value from ``$(shell Rscript -e ...)``, and MRO's Rprofile printed its banner into it."""

    line: str


_BANNER_WORDS = ("Microsoft", "R", "Open", "The", "enhanced", "distribution", "from", "packages", "Copyright", "(C)",
                 "Corporation", "Using", "Intel", "MKL", "Default", "CRAN", "mirror", "See:")


@dataclass(frozen=True, slots=True)
class MroWithoutMkl:
    """Microsoft R Open's start: ``No performance acceleration libraries were detected. To take advantage of the available
    processing power, also install MKL for MRO 3.2.3.`` (mro-docker#4: an image of MRO without its MKL package)."""

    line: str


@dataclass(frozen=True, slots=True)
class JuliaSysimgSplice:
    """MKL.jl 0.3 and older's build step: it writes a loader for MKL into Julia's own system image source."""

    path: str  # ".../share/julia/base/sysimg.jl"
    denied: bool


SIGNATURES = (
    Signature("matlab-crash-report", "mathhosts", "Segmentation violation",
              re.compile(r"^\s*Segmentation violation(?: detected at\b|\s*$)"), lambda m, _: MatlabCrash(m.string.strip())),
    Signature("matlab-mkl-frame", "mathhosts", "glnxa64",
              re.compile(r"(?<!\S)(?P<lib>\S*/bin/glnxa64/(?:mkl|libmwblas|libmwlapack)\.so)\+\d+\s+(?P<fn>\w+)"),
              lambda m, _: MatlabMklFrame(m.group("lib"), m.group("fn"))),
    Signature("matlab-own-frame", "mathhosts", "glnxa64",
              re.compile(r"(?<!\S)\S*/bin/glnxa64/(?P<lib>libmw(?!blas\b|lapack\b)\w+)\.so\+\d+(?:\s+(?P<fn>\w+))?"),
              lambda m, _: MatlabOwnFrame(m.group("lib"), m.group("fn") or "")),
    Signature("r-revoutilsmath", "mathhosts", "rror",
              re.compile(r"To use (?P<pkg>\w+) you must first install the MKL"), lambda m, _: RPackageWantsMkl(m.group("pkg"))),
    Signature("mro-installer-wrong-r", "mathhosts", "rror",
              re.compile(r"R Open was detected; however, it is not the correct version"), lambda m, _: RInstallerWrongR(m.string.strip())),
    Signature("mro-banner-in-command", "mathhosts", "Using the Intel MKL",
              re.compile(r"(?:\s-[IL]\S|\s-o\s|\s-shared\b|\s-c\s).*Microsoft R Open [\d.]+ The enhanced R distribution"
                         r"|Microsoft R Open [\d.]+ The enhanced R distribution.*\s-[IL]\S"),
              lambda m, _: MroBannerInCommand(m.string.strip()[:400])),
    # the compiler's refusal of the banner's words as files ("g++: error: Microsoft: No such file or directory"): its echo
    Signature("mro-banner-words-as-files", "mathhosts", "No such file",
              re.compile(r"^\s*[\w.+-]*(?:g\+\+|gcc|c\+\+|clang\+*|gfortran): error: (?P<w>\S+): No such file or directory"),
              lambda m, before: FollowOn(m.string.strip()) if m["w"] in _BANNER_WORDS and any(
                  "Microsoft R Open" in b for b in before[-12:]) else NOT_MINE),
    Signature("mro-without-mkl", "mathhosts", "acceleration libraries",
              re.compile(r"No performance acceleration libraries were detected"), lambda m, _: MroWithoutMkl(m.string.strip())),
    Signature("julia-mkl-splice", "mathhosts", "load MKL in",
              re.compile(r"Splicing in code to load MKL in (?P<path>\S+sysimg\.jl)"),
              lambda m, _: JuliaSysimgSplice(m.group("path"), False)),
    Signature("julia-sysimg-denied", "mathhosts", "rror: opening file",
              re.compile(r"SystemError: opening file \"(?P<path>[^\"]*sysimg\.jl)\": Permission denied"),
              lambda m, _: JuliaSysimgSplice(m.group("path"), True)),
    # the old build's own assertion in a Julia whose base/sysimg.jl has no BLAS line to replace (MKL.jl#125)
    Signature("julia-mkl-install-assertion", "mathhosts", "rror",
              re.compile(r"AssertionError: libblas_idx !== nothing"), lambda m, _: FollowOn(m.string.strip())),
    Signature("julia-testset-mutated-env", "mathhosts", "mutated ENV",
              re.compile(r"The `(?P<set>[^`]+)` test set mutated ENV and did not restore"), lambda m, _: JuliaEnvMutated(m.group("set"))),
    Signature("julia-error-building", "mathhosts", "Error building",
              re.compile(r"^ERROR: Error building `\w+`"), lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    frames = events.of(MatlabMklFrame)
    own = events.of(MatlabOwnFrame)
    if frames and own and not any(re.search(r"\.mex(?:a64|maci64|maca64|w64)\b", p) for p in events.paths()):  # Kilosort#199
        out.append(_matlab_own(frames, own[0]))
    elif frames:
        out.append(_matlab(frames))
    elif events.of(MatlabCrash):
        out.append(_matlab_crash(events.of(MatlabCrash)[0]))
    for event in events.of(RPackageWantsMkl)[:1]:
        out.append(_revo(event, events.of(RInstallerWrongR)))
    if events.of(RInstallerWrongR) and not events.of(RPackageWantsMkl):
        out.append(_revo(RPackageWantsMkl("RevoUtilsMath"), events.of(RInstallerWrongR)))
    for event in events.of(MroBannerInCommand)[:1]:
        out.append(_mro_banner(event))
    for event in events.of(MroWithoutMkl)[:1]:
        out.append(Finding(
            "mro-without-mkl", "warning",
            "Microsoft R Open started without MKL: the MKL package of its release is not installed, so R runs its reference "
            "BLAS and LAPACK", (event.line[:300], "MRO ships MKL as a package of its own (RevoMath, microsoft-r-open-mkl), "
                                "installed beside R by the same release's installer; R starts without it and says so"),
            ("install the MKL package of the same MRO release: Linux: the release's install.sh, answering yes to the Intel MKL "
             "libraries (install.sh -a -u accepts both licences unattended, as an image's build needs), or its "
             "microsoft-r-open-mkl-<version> package beside microsoft-r-open-mro-<version>; Windows: the installer's MKL part",
             "MRO is retired (4.0.2 was its last): for R on MKL today, point CRAN R's BLAS and LAPACK at MKL (Debian, Ubuntu: "
             "apt-get install intel-mkl, which registers libmkl_rt as libblas.so.3 and liblapack.so.3)"),
            "Microsoft R Open loads MKL through its RevoUtilsMath package when the MKL package is in its library tree.",
            ("R -e 'sessionInfo()'   # Matrix products: the BLAS and LAPACK R loaded",),
        ))
    splices = events.of(JuliaSysimgSplice)
    if splices:
        out.append(_old_mkl_jl(splices))
    for event in events.of(JuliaEnvMutated)[:1]:  # MKL.jl#130
        out.append(Finding(
            "julia-env-mutated-by-openmp", "error",
            f"Julia's test set {event.testset} changed ENV: with MKL loaded, Intel's OpenMP runtime adds a variable of its own",
            (f"the test set {event.testset} mutated ENV and did not restore it",
             "Intel's OpenMP runtime (MKL's threading layer's) registers each process in an environment variable, "
             "__KMP_REGISTERED_LIB_<pid>, where it does not use shared memory (Windows): it appears in ENV at MKL's first "
             "threaded call and stays for the session; a harness that compares ENV before and after a test set sees it"),
            ("leave that variable out of the comparison in the test harness (MKL.jl's tests do since its PR #132), or run "
             "the tests with MKL_THREADING_LAYER=SEQUENTIAL",
             "check: julia> filter(k -> startswith(k, \"__KMP_REGISTERED_LIB\"), keys(ENV)) after the failing test set"),
            "The variable is the runtime's own and harmless; only a check that the environment is unchanged fails on it.",
        ))
    return out


def _old_mkl_jl(splices: list[JuliaSysimgSplice]) -> Finding:
    path = splices[0].path
    evidence = [f"MKL.jl's build step writes into {path}: the build of MKL.jl 0.3 and older, which splices MKL into "
                "Julia's system image"]
    if any(s.denied for s in splices):
        evidence.append(f"{path} is Julia's own install, which this user cannot write (Permission denied)")
    return Finding(
        "julia-mkl-jl-old", "error",
        "Julia's package manager resolved MKL.jl 0.3 or older, whose build rewrites Julia's system image",
        tuple(evidence),
        ("see which package's compat holds MKL.jl back: ] status --outdated -m (Julia 1.8+), or ] add MKL@0.6 to be told "
         "which bound conflicts",
         "lift that bound (update the package, or pin it to a release that allows a newer MKL.jl): MKL.jl 0.4 and newer "
         "switch Julia's BLAS at run time (libblastrampoline, Julia 1.7+), write nothing, and need no build step",
         "do not run the old build as root to get past the error: it edits Julia's install for every user"),
        "MKL.jl before 0.4 made MKL Julia's BLAS by splicing a loader into base/sysimg.jl and rebuilding the system image, "
        "which needs write access to Julia's own folder. Since 0.4 it uses libblastrampoline: `using MKL` swaps the BLAS in "
        "the running session. An old release is taken when another package's [compat] bound excludes the new ones.",
        ("julia -e 'using Pkg; Pkg.status(\"MKL\")'   # the MKL.jl release the environment resolved",),
    )


def _matlab(frames: list[MatlabMklFrame]) -> Finding:
    library = frames[0].library
    calls = list(dict.fromkeys(f.function for f in frames))
    return Finding(
        "matlab-mkl-interposed", "error",
        f"the crash is inside MATLAB's own MKL ({library.rsplit('/', 2)[-1]}): the MEX or S-function's BLAS/LAPACK calls were "
        "bound to MATLAB's MKL",
        (f"the stack runs through {library}: {', '.join(calls[:5])}",
         "MATLAB loads its own MKL into its process; a MEX file or S-function that calls dgetrf, dgemm... without its own BLAS "
         "linked in gets MATLAB's, whose integers are 64-bit (MATLAB's BLAS and LAPACK are ILP64), not the library and "
         "interface it was built for"),
        ("link the MEX or S-function's BLAS and LAPACK statically (or with -Wl,-Bsymbolic) so that its calls stay its own",
         "or build it against MATLAB's BLAS with 64-bit integers (mex ... -lmwblas -lmwlapack, with MKL_INT/ptrdiff_t sizes)",
         "or point MATLAB at the BLAS the code was built for (the BLAS_VERSION and LAPACK_VERSION environment variables), "
         "knowing that other MATLAB functions then use it too"),
        "In one process a symbol name resolves to the first library that defines it; inside MATLAB that is MATLAB's MKL.",
        ("ldd <the mex or S-function .mexa64> | grep -E 'blas|lapack|mkl'   # what it was linked against",),
    )


def _matlab_own(frames: list[MatlabMklFrame], caller: MatlabOwnFrame) -> Finding:
    """MATLAB's own code (its MAGMA, for a gpuArray's LU) crashed in the MKL MATLAB ships, no MEX file on the stack:
    the bug is that MKL's release (Kilosort#199: mkl_lapack_sgetf2 in R2019's MKL 2018; a newer MKL fixed it)."""
    library = frames[0].library
    calls = list(dict.fromkeys(f.function for f in frames))
    return Finding(
        "matlab-mkl-interposed", "error",
        f"the crash is inside MATLAB's own MKL ({library.rsplit('/', 2)[-1]}), called by MATLAB's own code "
        f"({caller.library}{' ' + caller.function if caller.function else ''}): a bug of the MKL release MATLAB ships",
        (f"the stack runs through {library}: {', '.join(calls[:5])}",
         f"the caller is MATLAB's own {caller.library}, and no MEX file is on the stack: MATLAB called its own MKL with "
         "its own arguments, so that MKL release is where the fault is"),
        ("point MATLAB at a newer MKL in the shell that starts it: BLAS_VERSION=<newer MKL>/lib/libmkl_rt.so and "
         "LAPACK_VERSION the same (or source oneAPI's setvars.sh before matlab); MATLAB's own 'version -blas' and "
         "'version -lapack' say which it then uses (Kilosort#199: the crash stopped with a current MKL)",
         "or a newer MATLAB release, which ships a newer MKL"),
        "MATLAB ships an MKL of the release it was built with, and uses it for its own linear algebra; a bug of that MKL "
        "shows in MATLAB's own functions, whatever the user's code.",
        ("matlab -batch \"version -blas, version -lapack\"   # the MKL MATLAB uses",),
    )


def _matlab_crash(event: MatlabCrash) -> Finding:
    """pytorch#6591: PyTorch called from MATLAB crashed in MATLAB's ILP64 MKL; the report's stack was not in the log."""
    return Finding(
        "matlab-mkl-interposed", "error",
        "MATLAB crashed: code loaded into MATLAB's process most often meets MATLAB's own MKL, whose integers are 64-bit",
        (event.line,
         "MATLAB loads its own MKL (ILP64: 64-bit integers) into its process; a MEX file, an S-function, a library opened "
         "with loadlibrary or Python run in process (numpy, PyTorch, with their LP64 MKL) whose BLAS calls bind to MATLAB's "
         "copy passes 32-bit integers it reads wrongly",
         "the crash report's stack (below this line in MATLAB's report) says where: a frame in bin/glnxa64/mkl.so or "
         "libmwblas confirms it"),
        ("Python in MATLAB: run it out of process, pyenv('ExecutionMode','OutOfProcess') (R2019b+), so that its MKL stays "
         "in its own process",
         "a MEX file or S-function: link its BLAS and LAPACK statically (or with -Wl,-Bsymbolic), or build it against "
         "MATLAB's BLAS with 64-bit integers (mex ... -lmwblas -lmwlapack)",
         "or keep the library out of MATLAB's process (a separate program it calls)"),
        "In one process a symbol name resolves to the first library that defines it; inside MATLAB that is MATLAB's MKL.",
        ("the crash report MATLAB wrote (matlab_crash_dump.*): its stack names the library of each frame",),
    )


def _revo(event: RPackageWantsMkl, refused: list[RInstallerWrongR]) -> Finding:
    installer = (() if not refused else (
        f"{refused[0].line[:200]}: the MKL installer refused the R it found, an R Open of another version (an older "
        "Revolution R Open left installed beside the new one), so MKL was never installed",))
    return Finding(
        "r-package-mkl-missing", "error",
        f"R's {event.package} did not find the MKL Math Library in this R's library tree",
        (f"{event.package}'s .onLoad looks for the MKL it belongs with in the library tree of the R that loads it; it says "
         "MKL is not installed there", *installer,
         "with two R installations side by side (a CRAN R and Microsoft R Open), the MKL installer may have put the package "
         "into the other R's library (the user's default .libPaths())"),
        (*(("remove the old R Open first (Debian: dpkg --purge rro, and its folder, such as /usr/lib64/RRO-<version>; "
            "Windows: Apps), then run the MKL installer of the R Open release you run again",) if refused else ()),
         "in R: .libPaths() shows the library trees this R reads; the package and its MKL must be in this R's own library",
         "remove the copy from the other R's library, set .libPaths() to this R's library for the session, then reinstall "
         "the MKL Math Libraries"),
        "A package that ships MKL for R finds it relative to the library tree it was installed into.",
    )


def _mro_banner(event: MroBannerInCommand) -> Finding:
    return Finding(
        "mro-banner-in-build", "error",
        "Microsoft R Open's start-up banner is inside the compiler's command: a package's Makevars read a value from Rscript, "
        "and MRO printed its banner into it", (
            event.line[:300],
            "MRO's Rprofile.site prints its banner (\"Using the Intel MKL for parallel mathematical computing\") whenever R "
            "starts without --quiet; a Makevars that takes flags from $(shell Rscript -e ...) (RcppParallel's, rstan's) gets "
            "the banner's words too, and the compiler reads each as a file (microsoft-r-open#120)"),
        ("make Rscript quiet where the package calls it: Rscript --quiet -e ... in its Makevars (or src/Makevars.in), then "
         "install again",
         "or keep MRO's banner to interactive sessions: in $R_HOME/etc/Rprofile.site wrap the banner's cat() calls in "
         "if (interactive()) { ... }",
         "or build the package with another R (CRAN's), whose start prints nothing"),
        "Make's $(shell ...) takes a command's whole output as the value; anything R prints as it starts becomes part of the "
        "flags.",
        ("Rscript -e 'cat(1)'   # prints more than 1: the banner that reaches the build",),
    )
