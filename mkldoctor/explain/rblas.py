"""R's own report of the BLAS and LAPACK it runs, in a log about MKL: MKL installed, R not using it.

``sessionInfo()`` prints the libraries R loaded (``BLAS:   /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3``,
``LAPACK: ...``; R 3.5 and 3.6 one ``BLAS/LAPACK:`` line), and ``R CMD config BLAS_LIBS`` how R was linked. An R linked
with ``-lblas`` follows the system's ``libblas.so.3`` alternative; Debian's libmkl-rt registers ``libmkl_rt.so`` there at
priority 1, below every other BLAS (its postinst), so installed it is chosen only when asked. An R linked with
``-lopenblas`` (rocker/r-ver 3.6) never follows that alternative at all (eddelbuettel/mkl4deb#8).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# Debian's and Ubuntu's alternatives for the system BLAS and LAPACK (libmkl-rt's postinst registers libmkl_rt.so for both)
ALTERNATIVES = ("libblas.so.3-x86_64-linux-gnu", "liblapack.so.3-x86_64-linux-gnu")


@dataclass(frozen=True, slots=True)
class RBlasReported:
    """One of sessionInfo()'s lines: ``BLAS/LAPACK: /usr/lib/libopenblasp-r0.2.19.so``."""

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


SIGNATURES = (
    Signature("r-revoutilsmath-missing", "rblas", "RevoUtilsMath",
              re.compile(r"package [‘'\"]RevoUtilsMath[’'\"] is not available"), lambda m, _: RevoMathMissing(m.string.strip()[:200])),
    Signature("r-mklthreads-missing", "rblas", "MKLthreads",
              re.compile(r"could not find function [\"“](?:get|set)MKLthreads[\"”]"), lambda m, _: RevoMathMissing(m.string.strip()[:200])),
    Signature("r-sessioninfo-lapack", "rblas", "LAPACK:",
              re.compile(r"^\s*(?P<kind>BLAS/LAPACK|LAPACK):\s+(?P<path>/\S{1,400})\s*$"),
              lambda m, _: RBlasReported(m.group("kind"), m.group("path"))),
    Signature("r-sessioninfo-blas", "rblas", "BLAS:", re.compile(r"^\s*(?P<kind>BLAS):\s+(?P<path>/\S{1,400})\s*$"),
              lambda m, _: RBlasReported(m.group("kind"), m.group("path"))),
    Signature("r-config-blas-libs", "rblas", "BLAS_LIBS", re.compile(r"^\s*BLAS_LIBS\s*=\s*(?P<value>-\S.{0,300}?)\s*$"),
              lambda m, _: RBlasLibs(m.group("value"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [_revo(e) for e in events.of(RevoMathMissing)[:1]] + _not_mkl(events)


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
