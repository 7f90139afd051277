"""R's own report of the BLAS and LAPACK it runs, in a log about MKL: MKL installed, R not using it.

``sessionInfo()`` prints the libraries R loaded (``BLAS:   /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3``,
``LAPACK: ...``; R 3.5 and 3.6 one ``BLAS/LAPACK:`` line), and ``R CMD config BLAS_LIBS`` how R was linked. An R linked
with ``-lblas`` follows the system's ``libblas.so.3`` alternative; Debian's libmkl-rt registers ``libmkl_rt.so`` there at
priority 1, below every other BLAS (its postinst), so installed it is chosen only when asked. An R linked with
``-lopenblas`` (rocker/r-ver 3.6) never follows that alternative at all (eddelbuettel/mkl4deb#8). R's configure that
rejects MKL for double complex (``checking whether double complex BLAS can be used... no``): the Fortran convention.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import ClassVar

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# Debian's and Ubuntu's alternatives for the system BLAS and LAPACK (libmkl-rt's postinst registers libmkl_rt.so for both)
ALTERNATIVES = ("libblas.so.3-x86_64-linux-gnu", "liblapack.so.3-x86_64-linux-gnu")


@dataclass(frozen=True, slots=True)
class RBlasReported:
    """One of sessionInfo()'s lines: ``BLAS/LAPACK: /usr/lib/libopenblasp-r0.2.19.so``."""

    CONTEXT_ONLY: ClassVar[bool] = True  # what R runs, never the detail of an error line before it

    kind: str  # "BLAS", "LAPACK", "BLAS/LAPACK"
    path: str


@dataclass(frozen=True, slots=True)
class RBlasLibs:
    """``R CMD config``'s ``BLAS_LIBS = -lopenblas``: how R itself was linked."""

    value: str


@dataclass(frozen=True, slots=True)
class RevoMathMissing:
    """Microsoft R Open's MKL package asked of an R that lacks it: ``package 'RevoUtilsMath' is not available (for R
    version 3.4.0)`` (microsoft-r-open#28: MRO for macOS ships no MKL), ``could not find function "setMKLthreads"``."""

    line: str


@dataclass(frozen=True, slots=True)
class ComplexBlasRejected:
    """R's configure: ``checking whether double complex BLAS can be used... no`` (config.log: the check, then ``result:
    no`` a few lines on): its Fortran test of zdotu failed with the BLAS given, and R took its own BLAS."""

    line: str
    no: bool
    wants: int = field(default=0, compare=False)  # config.log: the lines after the check, up to its result

    def followed(self, lines: tuple[str, ...]) -> "ComplexBlasRejected":
        result = next((line for line in lines if re.match(r"^configure:\d+: result: ", line)), "")
        return replace(self, no=result.rstrip().endswith(": no"), wants=0)


def _complex_check(m: re.Match, _) -> ComplexBlasRejected:
    said = m.group("said")
    return ComplexBlasRejected(m.string.strip()[:200], no=bool(said and said.strip() == "no"), wants=0 if said else 8)


@dataclass(frozen=True, slots=True)
class BlasShlib:
    """R's configure given ``--enable-BLAS-shlib``: its LAPACK checks then link against R's own libRblas (-lRblas)."""

    line: str


@dataclass(frozen=True, slots=True)
class OneThreadTimed:
    """R's ``system.time()`` of a matrix product, ``user system elapsed`` then the seconds: the user time no more than the
    elapsed one, so one thread did the work (easybuild-easyblocks#202: R linked with MKL's sequential layer)."""

    CONTEXT_ONLY: ClassVar[bool] = True
    call: str
    user: float = 0.0
    elapsed: float = 0.0
    wants: int = field(default=1, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "OneThreadTimed | None":
        times = re.match(r"^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", lines[0]) if lines else None
        if times is None:
            return None
        user, system, elapsed = (float(t) for t in times.groups())
        return replace(self, user=user, elapsed=elapsed, wants=0) if elapsed >= 0.3 and user + system <= 1.25 * elapsed else None


_PRODUCT = re.compile(r"%\*%|\b(?:t?crossprod|solve|chol|svd|qr|eigen)\(")


SIGNATURES = (
    Signature("r-system-time-one-thread", "rblas", "system elapsed",
              re.compile(r"^\s*user\s+system\s+elapsed\s*$"),
              lambda m, before: OneThreadTimed(call.strip()[:200]) if (call := next(
                  (b for b in reversed(list(before)) if _PRODUCT.search(b) and "system.time" in b), None)) else None),
    Signature("r-configure-blas-shlib", "rblas", "enable-BLAS-shlib",
              re.compile(r"(?:^|\s)--enable-BLAS-shlib(?:=yes)?(?:\s|$)"), lambda m, _: BlasShlib(m.string.strip()[:200])),
    # configure's own line ("... can be used... no"), or config.log's check whose "result: no" follows a few lines on
    Signature("r-configure-complex-blas", "rblas", "double complex BLAS",
              re.compile(r"checking whether double complex BLAS can be used(?:(?:\.\.\.|…)\s*(?P<said>yes|no)\b)?"), _complex_check),
    Signature("r-revoutilsmath-missing", "rblas", "RevoUtilsMath",
              re.compile(r"package [‘'\"]RevoUtilsMath[’'\"] is not available"), lambda m, _: RevoMathMissing(m.string.strip()[:200])),
    Signature("r-mklthreads-missing", "rblas", "MKLthreads",
              re.compile(r"could not find function [\"“](?:get|set)MKLthreads[\"”]"), lambda m, _: RevoMathMissing(m.string.strip()[:200])),
    Signature("r-sessioninfo-lapack", "rblas", "LAPACK:",
              # R 4.3 and newer add the LAPACK release: "BLAS/LAPACK: /x/libopenblasp-r0.3.28.so;  LAPACK version 3.12.0"
              re.compile(r"^\s*(?P<kind>BLAS/LAPACK|LAPACK):\s+(?P<path>/[^\s;]{1,400});?(?:\s+LAPACK version [\d.]+)?\s*$"),
              lambda m, _: RBlasReported(m.group("kind"), m.group("path"))),
    Signature("r-sessioninfo-blas", "rblas", "BLAS:", re.compile(r"^\s*(?P<kind>BLAS):\s+(?P<path>/\S{1,400})\s*$"),
              lambda m, _: RBlasReported(m.group("kind"), m.group("path"))),
    Signature("r-config-blas-libs", "rblas", "BLAS_LIBS", re.compile(r"^\s*BLAS_LIBS\s*=\s*(?P<value>-\S.{0,300}?)\s*$"),
              lambda m, _: RBlasLibs(m.group("value"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return ([_revo(e) for e in events.of(RevoMathMissing)[:1]] + _not_mkl(events) + _rt_threading(events)
            + [_complex_rejected(e) for e in events.of(ComplexBlasRejected) if e.no and events.mkl_at][:1]
            + [_one_thread(e) for e in events.of(OneThreadTimed)[:1]])


def _one_thread(event: OneThreadTimed) -> Finding:
    return Finding(
        "r-blas-one-thread", "warning",
        f"R's BLAS ran the product on one thread: user time {event.user:g} s for {event.elapsed:g} s elapsed",
        (event.call, f"system.time() says {event.user:g} s of user time in {event.elapsed:g} s: a threaded BLAS (MKL's "
                     "threading layers, OpenBLAS's) on a product this size spends several times the elapsed time across "
                     "its threads; one thread's worth means a sequential BLAS (R's reference BLAS, MKL's sequential layer: "
                     "EasyBuild's $LIBBLAS on Intel toolchains, easybuild-easyblocks#202) or a thread count of 1"),
        ("sessionInfo()   # R 3.4 and newer name the BLAS and LAPACK files R loaded; R CMD config BLAS_LIBS how R was linked",
         "libmkl_sequential there: link R with a threaded layer (-lmkl_intel_lp64 -lmkl_gnu_thread -lmkl_core -lgomp for a "
         "GCC-built R; EasyBuild: preconfigopts 'export BLAS_LIBS=\"$LIBBLAS_MT\"'), or libmkl_rt with MKL_THREADING_LAYER=GNU",
         "a threaded BLAS already: the thread count is 1 where R runs (echo $OMP_NUM_THREADS $MKL_NUM_THREADS; a batch "
         "job's default of one core)"),
        "A BLAS runs a large matrix product on all its threads: user time over elapsed time is about the threads used.",
        ("Rscript -e 'm <- matrix(rnorm(4e6), 2000); print(system.time(m %*% m))'   # user well above elapsed: threaded",),
    )


def _rt_threading(events: Parsed) -> list[Finding]:
    """sessionInfo() names libmkl_rt as R's BLAS/LAPACK (mkl4deb's recipe, Debian's libmkl-rt as the system alternative):
    its default threading layer is Intel's OpenMP, and GCC-built R loads GCC's (eddelbuettel/mkl4deb#2, #13, #16)."""
    rt = [e for e in events.of(RBlasReported) if re.match(r"libmkl_rt\.so(?:\.\d+)?$", os.path.basename(e.path))]
    if not rt:
        return []
    return [Finding(
        "r-mkl-rt-threading", "warning",
        "R runs MKL through libmkl_rt, whose default threading layer is Intel's OpenMP: beside GCC's OpenMP runtime in R "
        "and its packages, two OpenMP runtimes share the process (wrong results on larger problems, hangs, crashes)",
        (f"R's sessionInfo() says {rt[0].kind}: {rt[0].path}",
         "libmkl_rt picks its layers when first called: with MKL_THREADING_LAYER unset, Intel's OpenMP (libmkl_intel_thread "
         "and libiomp5); R built with GCC, and packages built with its -fopenmp (data.table, RcppArmadillo), load libgomp: "
         "two OpenMP runtimes in one process give numerical errors or crashes (Intel's emfomenk, eddelbuettel/mkl4deb#2; "
         "wrong results with large data, mkl4deb#13, gone with MKL_THREADING_LAYER=GNU, #16)"),
        ("unless the R session already has it (Sys.getenv('MKL_THREADING_LAYER')): MKL_THREADING_LAYER=GNU (or SEQUENTIAL) "
         "in the environment R starts with: /etc/environment or the shell's profile for the console (log in again), "
         "~/.Renviron for RStudio, which does not read /etc/environment; then restart R",
         "results that differ only in their last digits from run to run are MKL's threads summing in another order, with "
         "either layer: MKL_CBWR=AUTO,STRICT (Intel's Conditional Numerical Reproducibility) with a fixed MKL_NUM_THREADS "
         "gives the same digits each run (R-help, 2023-08)"),
        "MKL's single dynamic library chooses its threading layer at run time from MKL_THREADING_LAYER; Intel's OpenMP is its "
        "default, whatever OpenMP runtime the process already has.",
        ("Rscript -e 'Sys.getenv(\"MKL_THREADING_LAYER\")'   # GNU or SEQUENTIAL once set",),
    )]


def _complex_rejected(event: ComplexBlasRejected) -> Finding:
    """r-devel 2008-11: MKL 10's -lmkl through configure's gfortran test; the test program crashed, config.log says no."""
    line = event.line if event.line.endswith("no") else f"{event.line}: result: no"
    return Finding(
        "r-complex-blas-rejected", "warning",
        "R's configure found MKL's BLAS but rejected it for double complex, and builds with its own BLAS: MKL's Intel "
        "interface returns complex results another way than gfortran's code expects",
        (line, "R's configure calls zdotu from Fortran compiled by gfortran, which takes a COMPLEX function's result in "
               "registers; MKL's Intel interface (libmkl_rt's default, mkl_intel_lp64, MKL 10's -lmkl) hands it back through "
               "a hidden first argument, so the test crashes or reads garbage, and configure falls back to R's libRblas "
               "and libRlapack (BLAS_LIBS='-lRblas')"),
        ("give configure MKL's GNU Fortran interface, the whole line in place of -lmkl_rt: --with-blas='-lmkl_gf_lp64 "
         "-lmkl_sequential -lmkl_core' (or -lmkl_gnu_thread -lmkl_core -lgomp) --with-lapack",
         "then check: the configure's summary says BLAS: MKL's, and R's sessionInfo() lists MKL's library"),
        "MKL has two interfaces for Fortran callers because the compilers return complex function results differently; "
        "R's configure tests the one it is given with gfortran's convention.",
        ("grep -n -A3 'double complex BLAS' config.log   # the test and its result",),
    )


def _revo(event: RevoMathMissing) -> Finding:
    return Finding(
        "r-revoutilsmath-missing", "error",
        "RevoUtilsMath (getMKLthreads, setMKLthreads) is Microsoft R Open's own MKL package: this R does not have it, and "
        "CRAN does not serve it",
        (event.line, "Microsoft R Open installed RevoUtilsMath with its MKL on Windows and Linux; its macOS build ships "
                     "neither (its BLAS there is Apple's Accelerate: microsoft-r-open#28), and CRAN's R never had them"),
        ("macOS: nothing to install; the BLAS threads are Accelerate's (VECLIB_MAXIMUM_THREADS in the environment)",
         "Windows, Linux: install MRO's MKL (its RevoMath package, the installer's MKL option) with the same MRO release",
         "any R on MKL: RhpcBLASctl's blas_set_num_threads() and blas_get_num_procs() control MKL's threads (CRAN), or "
         "MKL_NUM_THREADS in the environment before R starts"),
        "The functions that set MKL's threads in R are MRO's; an R without MRO's MKL install has no such package.",
        ("Rscript -e 'sessionInfo()' | grep -E 'BLAS|LAPACK|Matrix products'   # the BLAS this R runs",),
    )


def _not_mkl(events: Parsed) -> list[Finding]:
    reported = events.of(RBlasReported)
    if not reported or not events.mkl_at or any("mkl" in os.path.basename(e.path).lower() for e in reported):
        return []
    libs = [e.value for e in events.of(RBlasLibs)]
    own = [v for v in libs if re.search(r"(?<!\S)-l(?!blas\b)\w*blas\w*", v)]  # -lopenblas, -lRblas: not the system's -lblas
    names = list(dict.fromkeys(os.path.basename(e.path) for e in reported))
    evidence = [f"R's sessionInfo() says {e.kind}: {e.path}" for e in reported[:3]]
    evidence.append("the log installs or names MKL, and R runs another library: MKL's install did not reach R")
    if own:
        evidence.append(f"R CMD config says BLAS_LIBS = {own[0]}: R was linked to that library by its own name, so the "
                        "system's libblas.so.3 alternative (where MKL is registered) does not reach it")
    fix = [f"make MKL the system's BLAS and LAPACK (Debian, Ubuntu): sudo update-alternatives --config {ALTERNATIVES[0]}, "
           f"then the same for {ALTERNATIVES[1]}: choose libmkl_rt.so (Debian's libmkl-rt registers it at priority 1, "
           "below every other BLAS, so it is chosen only when asked)"]
    if own:
        fix.insert(0, f"R linked with {own[0]}: register MKL under that library's name too (Debian, Ubuntu: sudo "
                      "update-alternatives --install /usr/lib/x86_64-linux-gnu/libopenblas.so.0 libopenblas.so.0-x86_64-linux-gnu "
                      "<MKL's lib folder>/libmkl_rt.so 150), or use an R linked with -lblas (the distribution's r-base)")
    fix.append("or, for one session: LD_PRELOAD=<MKL's lib folder>/libmkl_rt.so R   # MKL's names then come first")
    return [Finding(
        "r-blas-not-mkl", "warning", f"R runs {' and '.join(names[:2])} as its BLAS/LAPACK, not MKL",
        tuple(evidence), tuple(fix),
        "R calls BLAS and LAPACK through the libraries it was linked with: the system's libblas.so.3 and liblapack.so.3 "
        "(switched by the alternatives system) or a library it names itself. Installing MKL changes neither.",
        ("Rscript -e 'sessionInfo()' | grep -E 'BLAS|LAPACK'   # libmkl_rt.so once MKL is used",
         "R CMD config BLAS_LIBS   # -lblas: R follows the system's alternative; another -l: it does not"),
    )]


def with_blas_shlib(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """R's configure with --enable-BLAS-shlib, whose LAPACK checks could not link -lRblas (r-devel 2008-07): one finding in
    place of "cannot find -lRblas", which is R's own library, built after configure."""
    from mkldoctor.explain.events import MissingLibrary

    if not parsed.of(BlasShlib) or not any(e.name == "Rblas" for e in parsed.of(MissingLibrary)):
        return findings
    finding = Finding(
        "r-blas-shlib-lapack-dropped", "warning",
        "R's configure with --enable-BLAS-shlib could not link its LAPACK checks (-lRblas, R's own BLAS, is built after "
        "configure): the LAPACK given (MKL's) was dropped, and R builds its own",
        ("ld: cannot find -lRblas, in configure's test programs", "with --enable-BLAS-shlib R's configure links each LAPACK "
         "test against R's shared BLAS, libRblas, which the build makes later: every LAPACK check fails, and configure goes "
         "on with R's own LAPACK without saying why (Brian Ripley, r-devel 2008-07: intended)"),
        ("configure without --enable-BLAS-shlib when giving an external LAPACK (--with-lapack): R then links MKL's BLAS and "
         "LAPACK directly",
         "or give MKL as the BLAS and let R take MKL's LAPACK from it: --with-blas='-lmkl_rt -lpthread -lm -ldl' "
         "--with-lapack (no value: the BLAS's own LAPACK)"),
        "R's configure tests an external LAPACK by linking against the BLAS R will use; a shared BLAS of R's own does not "
        "exist yet while configure runs.",
        ("grep -n -B2 -A6 'checking for zgeev_' config.log   # the LAPACK checks and their link errors",),
    )
    return [f for f in findings if not (f.id == "library-not-found" and "-lRblas" in f.title)] + [finding]
