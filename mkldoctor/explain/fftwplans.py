"""``FFTW could not create plan`` where FFTW's API is MKL's: a plan MKL's FFTW wrappers do not support.

MKL implements FFTW3's interface (its FFTW wrappers; FFTW.jl's "mkl" provider calls them) for the common plans only:
a guru plan whose loop over the other dimensions has rank above one (a transform over a subset of a multi-dimensional
array's dimensions, FFTW.jl's ``plan_fft!(x, [3, 4])`` of a 4-D array) gets no plan, and FFTW.jl reports it so
(JuliaMath/FFTW.jl#242: a documented MKL limit, said by the maintainer).

The same names serve the other way round: FFTW's own library and MKL export fftw_plan_dft_1d, fftw_execute and the rest,
and in a process where MKL was loaded first into the global scope (numpy or PyTorch built on MKL), a program that opens
libfftw3 with RTLD_GLOBAL (ctypes) gets MKL's functions for some names and FFTW's for others, and crashes
(gwastro/pycbc#4052, fixed by opening FFTW with RTLD_DEEPBIND in pycbc#4054).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import conda_blas


@dataclass(frozen=True, slots=True)
class NoPlan:
    line: str


@dataclass(frozen=True, slots=True)
class FftwCrash:
    """A crash said together with FFTW: a segfault in FFTW's calls, or a crash line that names FFTW."""

    line: str


_FFTW_CRASH = re.compile(r"(?i)\bseg(?:mentation )?faults?\b.*\bfftw|\bfftw\w*\b.*\bseg(?:mentation )?faults?\b")

SIGNATURES = (
    Signature("fftw-crash-said", "fftwplans", "egfault", _FFTW_CRASH, lambda m, _: FftwCrash(m.string.strip()[:300])),
    Signature("fftw-no-plan", "fftwplans", "ould not",
              re.compile(r"FFTW could not create plan"), lambda m, _: NoPlan(m.string.strip()[:300])),
    # pyFFTW's words for the same NULL plan (odl#699: conda's MKL numpy in the environment; nomkl fixed it)
    Signature("pyfftw-no-plan", "fftwplans", "rror",
              re.compile(r"error that led to the planner returning NULL"), lambda m, _: NoPlan(m.string.strip()[:300])),
)


def interposed(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(FftwCrash)
    if not said:
        return []
    return [Finding(
        "mkl-fftw-names-interposed", "error",
        "a crash in FFTW's calls: with MKL in the process, MKL's FFTW wrappers and FFTW's own library answer the same "
        "names", (
            said[0].line,
            "MKL exports FFTW3's interface (fftw_plan_dft_1d, fftw_execute, fftw_destroy_plan...: its FFTW wrappers, in "
            "libmkl_rt and the interface layers); once a package built on MKL (numpy's or PyTorch's MKL) loads it into the "
            "global scope, a library opened after it with RTLD_GLOBAL resolves some fftw_ names to MKL's functions and "
            "others to FFTW's, and a plan made by one is executed by the other",
        ), (
            "open FFTW so that its own names come first: ctypes.CDLL(path, mode=os.RTLD_DEEPBIND | os.RTLD_GLOBAL) in place "
            "of RTLD_GLOBAL alone (pycbc#4054), or RTLD_LOCAL where no other library needs FFTW's names",
            "or keep MKL out of that process: an environment whose numpy and PyTorch do not use MKL (conda: nomkl, "
            f"'{conda_blas('openblas')}'), or import the FFTW user before the package that brings MKL",
            "or use MKL's FFTW interface on purpose for every call (no libfftw3 at all)",
        ),
        "Two libraries that export the same C names share them in one process: the dynamic loader binds each name to the "
        "first library in the global scope that has it.",
        ("LD_DEBUG=bindings <the program> 2>&1 | grep -E 'fftw_(plan|execute)'   # which library each fftw_ name is bound to",),
    ) for _ in said[:1]]


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    if any("planner returning NULL" in e.line for e in events.of(NoPlan)):
        return _pyfftw(events.of(NoPlan)[0])
    julia = any(re.search(r"(?i)\.julia[\\/]", str(p)) for p in ctx.places) or any(
        e.line.startswith("ERROR: ") for e in events.of(NoPlan))  # Julia's own form of an error
    return [Finding(
        "mkl-fftw-plan-refused", "error",
        "FFTW could not create the plan: with MKL as the FFTW (FFTW.jl's mkl provider, MKL's FFTW wrappers), a plan its "
        "wrappers do not support",
        (event.line,
         "MKL's FFTW3 wrappers implement the common plans only: a transform over some of a multi-dimensional array's "
         "dimensions (a guru plan whose loop has rank above one, such as dimensions 3 and 4 of a 4-D array) gets no plan, "
         "where FFTW itself would make one"),
        (("Julia: FFTW.set_provider!(\"fftw\") and restart Julia (FFTW.jl's own FFTW library plans it)" if julia else
          "link FFTW itself for such plans (FFTW.jl: FFTW.set_provider!(\"fftw\"); a C or Fortran program: -lfftw3 before "
          "MKL's libraries)"),
         "or reshape the problem so that MKL can plan it: permute the array so that the transformed dimensions lead, or "
         "loop over the other dimensions with plans of lower rank"),
        "FFTW's interface is wider than MKL's DFTI; MKL's wrappers return no plan for the parts they do not map, and FFTW's "
        "callers report a NULL plan as this error.",
        ("julia -e 'using FFTW; @show FFTW.get_provider()'   # \"mkl\": MKL's wrappers plan the transforms",),
    ) for event in events.of(NoPlan)[:1]]


def _pyfftw(event: NoPlan) -> list[Finding]:
    return [Finding(
        "mkl-fftw-plan-refused", "error",
        "pyFFTW's planner returned no plan: with MKL in the environment, MKL's FFTW wrappers can answer FFTW's names",
        (event.line,
         "MKL exports FFTW3's interface (fftw_plan_*, fftw_execute...) for the common plans only; in an environment whose "
         "numpy or SciPy is built on MKL (conda's defaults), MKL's wrappers can stand in for FFTW's own library and return "
         "no plan where FFTW would make one (odl#699)"),
        (f"an environment without MKL for pyFFTW's users: conda create with nomkl (or '{conda_blas('openblas')}') before "
         "numpy and SciPy, then reinstall pyfftw (odl#699's fix)",
         "or see which library answers pyFFTW's calls, and keep FFTW's own first: LD_DEBUG=bindings python -c 'import "
         "pyfftw, numpy' 2>&1 | grep fftw_plan"),
        "Two libraries that export the same C names share them in one process; a plan FFTW's callers asked of MKL's "
        "wrappers comes back NULL when the wrappers do not map it.",
        ("python -c \"import numpy; numpy.show_config()\"   # mkl in the BLAS section: MKL is in the process",),
    )]
