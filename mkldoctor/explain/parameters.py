"""``Intel MKL ERROR: Parameter N was incorrect on entry to X``: MKL's argument check rejected an argument."""

from __future__ import annotations

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.runtime import ParameterError
from mkldoctor.findings import Finding


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(ParameterError):
        out.append(Finding(
            "mkl-parameter-error", "error", f"MKL rejected parameter {event.parameter} of {event.routine}",
            (f"Intel MKL ERROR: Parameter {event.parameter} was incorrect on entry to {event.routine}",),
            ("if every argument is right, the integer size is mixed: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 "
             "(or with libmkl_rt: MKL_INTERFACE_LAYER=ILP64)",
             "mkldoctor link --interface lp64   # or ilp64: prints matching compile and link flags"),
            "A leading dimension or size is wrong, or the program passes 32-bit integers to the 64-bit (ILP64) interface or the reverse.",
        ))
    return out
