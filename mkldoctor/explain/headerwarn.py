"""A warning in MKL's own header made an error by the project's ``-Werror``: ``/opt/intel/oneapi/mkl/2023.1.0/include/oneapi/
mkl/rng/device/detail/mrg32k3a_impl.hpp:163:33: error: suggest braces around initialization of subobject [-Werror,
-Wmissing-braces]`` (AMReX PR #3239: oneAPI 2023.1's oneMKL RNG header under AMReX's CI flags).

The code is MKL's, the flag the project's: the compiler warns of what the header's release wrote, and -Werror stops the
build. Headers included as system headers are not warned about, which is what a project's own -Werror wants.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# a file of MKL's include folder (oneAPI's mkl/<ver>/include, an old install's mkl/include, conda's and pip's include/mkl*.h)
_MKL_HEADER = re.compile(r"(?i)(?:[\\/]mkl[\\/](?:[\w.]+[\\/])?include[\\/]|[\\/]oneapi[\\/]mkl[\\/]|[\\/]mkl_?\w*\.h(?:pp)?$"
                         r"|[\\/]compiler[\\/][\w.]+[\\/].*?include[\\/]sycl[\\/])")  # oneAPI's DPC++ SYCL headers too


@dataclass(frozen=True, slots=True)
class MklHeaderWarnedAsError:
    header: str
    flag: str
    line: str


def _said(m: re.Match, _) -> MklHeaderWarnedAsError | object:
    if not _MKL_HEADER.search(m["file"]):
        return NOT_MINE
    return MklHeaderWarnedAsError(m["file"][:300], m["flag"] or f"-W{m['gcc']}", m.string.strip()[:300])


SIGNATURES = (
    Signature("mkl-header-warning-as-error", "headerwarn", "-Werror",
              re.compile(r"^\s*(?P<file>\S+?\.h(?:pp|xx)?):\d+(?::\d+)?: error: "
                         r".*\[-Werror(?:,(?P<flag>-W[\w-]+)|=(?P<gcc>[\w-]+))\]"),
              _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MklHeaderWarnedAsError)
    if not said:
        return []
    first = said[0]
    flags = list(dict.fromkeys(e.flag for e in said))
    name = os.path.basename(first.header)
    sycl = re.search(r"[\\/]include[\\/]sycl[\\/]", first.header) is not None
    owner, own = ("oneAPI's SYCL", "oneAPI's own SYCL") if sycl else ("MKL's", "MKL's own")
    return [Finding(
        "mkl-header-warning-as-error", "error",
        f"a warning ({', '.join(flags[:3])}) in {own} header {name} stopped the build: the project's -Werror makes it an error",
        (first.line, *(f"and {len(said) - 1} more such line(s) of its headers" for _ in (1,) if len(said) > 1),
         f"{first.header} is {owner} file, not the project's: the compiler warns of code that release wrote (oneAPI 2023.1's "
         "oneMKL RNG header under icpx: AMReX PR #3239; oneAPI 2025.0's sycl/detail/builtins/builtins.hpp, torch-xpu-ops PR "
         "#1070), and -Werror turns each warning into an error"),
        (f"include {owner} headers as system headers, which compilers do not warn about: -isystem <its include folder> in "
         "place of -I (CMake: target_include_directories(<target> SYSTEM PRIVATE <folder>), or an imported target, whose "
         "include folders CMake passes as system folders)",
         f"or keep that warning from being an error for the build: -Wno-error={flags[0][2:]} (or -W{'no-' + flags[0][2:]}, as "
         "AMReX's CI and torch-xpu-ops did)",
         "or a release whose header the compiler accepts without that warning"),
        "-Werror applies to every header a file includes except the system ones; MKL's and oneAPI's headers, included with "
        "-I, count as the project's own.",
        (f"<the compile command> -H 2>&1 | grep {name}   # the include path that brought it, -I or -isystem",),
    )]
