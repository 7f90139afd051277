"""numpy's ``RuntimeWarning: invalid value encountered in sqrt`` where numpy's ufuncs run on MKL's Vector Math library.

Anaconda's numpy (and Intel's) route ufuncs such as sqrt, exp and log through MKL's VML (mkl_umath); MKL 2018's VML set
the floating-point invalid flag for some large contiguous inputs with no negative or NaN value in them, so numpy warned
where nothing was invalid (numpy/numpy#11448, ContinuumIO/anaconda-issues#9129; fixed in MKL 2019). The same warning is
numpy's honest report for a negative or NaN input under any BLAS: the values say which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_UFUNCS = r"sqrt|log|log2|log10|log1p|exp|power|arcsin|arccos|arccosh|arctanh|divide|true_divide"


@dataclass(frozen=True, slots=True)
class UfuncInvalid:
    ufunc: str
    line: str


SIGNATURES = (
    Signature("numpy-invalid-value", "vmlwarn", "invalid value",
              re.compile(rf"RuntimeWarning: invalid value encountered in (?P<f>{_UFUNCS})\b"),
              lambda m, _: UfuncInvalid(m.group("f"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [Finding(
        "numpy-vml-invalid-warning", "warning",
        f"numpy warned of an invalid value in {event.ufunc}: a NaN or out-of-domain input, or MKL 2018's VML under a numpy "
        "built on it",
        (event.line,
         f"numpy reports the floating-point invalid flag that {event.ufunc} raised; numpy builds that run ufuncs on MKL's "
         "Vector Math library (Anaconda's and Intel's, mkl_umath) take the flag from MKL, and MKL 2018's VML raised it "
         "for some large contiguous inputs with nothing invalid in them (numpy#11448; fixed in MKL 2019)"),
        ("first check the values: numpy.isnan(x).any(), (x < 0).any() for sqrt and log: a real invalid input is the program's",
         "none: the build's VML: conda list 'numpy|mkl' (mkl 2018.*: update mkl and numpy to 2019 or newer), or a numpy "
         "not built on VML (conda-forge's, or PyPI's wheels with OpenBLAS)",
         "the results are right in that case: numpy.errstate(invalid='ignore') around the call silences it"),
        "The warning comes from the floating-point status after the ufunc ran; with a VML-backed numpy, MKL's vector "
        "routines set that status, and one release set it where no element was invalid.",
        ("python -c 'import numpy; numpy.show_config()'; conda list mkl   # whether numpy runs on MKL, and which release",),
    ) for event in events.of(UfuncInvalid)[:1]]
