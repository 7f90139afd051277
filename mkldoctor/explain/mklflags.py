"""Compiler options for MKL that a compiler refuses or retires.

- ``ifort: command line remark #10412: option '-mkl=cluster' is deprecated ... Please use the replacement option
  '-qmkl=cluster'``: Intel's oneAPI compilers renamed ``-mkl`` to ``-qmkl``; icx and ifx do not take ``-mkl`` at all
  (abacus-develop#784).
- ``gfortran: error: unrecognized command-line option '-fsycl-unnamed-lambda'``: a SYCL option that oneMKL's CMake
  target ``MKL::MKL_DPCPP`` (``MKL::MKL_SYCL``) carried to every language of the target that links it, so C and Fortran
  compilers got it (oneMath#116; oneMKL 2021.4 limits it to SYCL's C++).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MklOptionRetired:
    compiler: str  # "ifort"
    option: str  # "-mkl=cluster"
    line: str


@dataclass(frozen=True, slots=True)
class SyclOptionRefused:
    compiler: str  # "gfortran", "gcc"
    option: str  # "-fsycl-unnamed-lambda"


SIGNATURES = (
    Signature("intel-mkl-option-deprecated", "mklflags", "command line ",
              re.compile(r"(?<!\w)(?P<cc>\w+): command line (?:remark|warning) #\d+: option '(?P<opt>-mkl\b[^']*)' is deprecated"),
              lambda m, _: MklOptionRetired(m.group("cc"), m.group("opt"), m.string.strip())),
    Signature("sycl-option-refused", "mklflags", "nrecognized",
              re.compile(r"(?<![\w.+-])(?P<cc>[\w.+-]+): error: unrecognized command[- ]line option [‘'`](?P<opt>-f?sycl[\w=-]*)"),
              lambda m, _: SyclOptionRefused(m.group("cc"), m.group("opt"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(MklOptionRetired)[:1]:
        new = event.option.replace("-mkl", "-qmkl", 1)
        out.append(Finding(
            "mkl-compiler-option-retired", "warning",
            f"{event.compiler} takes {new}, not {event.option}: Intel's compilers renamed the option",
            (event.line, "oneAPI's Intel compilers renamed -mkl to -qmkl (same values: sequential, parallel, cluster); the "
                         "classic ifort and icc warn, and icx and ifx do not take -mkl at all"),
            (f"replace {event.option} with {new} in the build's flags",),
            "The compiler option that adds MKL's include folder and libraries to a build is -qmkl in Intel's oneAPI "
            "compilers; the old spelling goes away with the classic compilers.",
        ))
    refused = events.of(SyclOptionRefused)
    if refused:
        compilers = list(dict.fromkeys(e.compiler for e in refused))
        out.append(Finding(
            "mkl-sycl-option-leaked", "error",
            f"{', '.join(compilers[:3])} got {refused[0].option}, a SYCL option: oneMKL's SYCL target carries it to every "
            "language of the target that links it",
            (f"{', '.join(compilers)}: unrecognized command-line option {refused[0].option}",
             "oneMKL's CMake target MKL::MKL_DPCPP (MKL::MKL_SYCL since 2024) puts SYCL's options in its usage "
             "requirements; oneMKL before 2021.4 did so for every language, so the C and Fortran sources of a target "
             "that links it were compiled with them"),
            ("update oneMKL to 2021.4 or newer, whose target gives the SYCL options to C++ only",
             "or link MKL::MKL_DPCPP (MKL::MKL_SYCL) only from a target of SYCL C++ sources, and MKL::MKL (no SYCL) from the "
             "targets with C and Fortran"),
            "A CMake target's compile options reach every source of every target that links it, whatever the language, "
            "unless they are guarded by $<COMPILE_LANGUAGE:CXX>.",
            ("cmake --build <build dir> -- VERBOSE=1   # the compile lines, with the option on C and Fortran sources",),
        ))
    return out
