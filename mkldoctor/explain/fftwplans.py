"""``FFTW could not create plan`` where FFTW's API is MKL's: a plan MKL's FFTW wrappers do not support.

MKL implements FFTW3's interface (its FFTW wrappers; FFTW.jl's "mkl" provider calls them) for the common plans only:
a guru plan whose loop over the other dimensions has rank above one (a transform over a subset of a multi-dimensional
array's dimensions, FFTW.jl's ``plan_fft!(x, [3, 4])`` of a 4-D array) gets no plan, and FFTW.jl reports it so
(JuliaMath/FFTW.jl#242: a documented MKL limit, said by the maintainer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class NoPlan:
    line: str


SIGNATURES = (
    Signature("fftw-no-plan", "fftwplans", "ould not",
              re.compile(r"FFTW could not create plan"), lambda m, _: NoPlan(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
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
