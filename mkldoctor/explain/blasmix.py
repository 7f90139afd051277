"""numpy's or scipy's show_config() with BLAS from MKL and LAPACK from another library (or the other way round).

scipy/scipy#5341: ``blas_opt_info: libraries = ['mkl_rt', 'pthread']`` and ``lapack_opt_info: libraries =
['openblas']`` (numpy.distutils' site.cfg took each from where it found it first). LAPACK calls BLAS underneath: one
process then has two BLAS implementations with their own threading and, for the complex functions, their own calling
conventions, and it crashes or gives wrong answers; the maintainer's answer was one library for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import conda_blas

_LIBRARIES = re.compile(r"^\s*libraries\s*=\s*\[(?P<libs>[^\]]*)\]")


@dataclass(frozen=True, slots=True)
class OptInfo:
    """A show_config() section: blas_opt_info or lapack_opt_info, with the libraries it names."""

    api: str
    line: str
    libraries: tuple[str, ...] = ()
    wants: int = field(default=4, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "OptInfo":
        for line in lines:
            m = _LIBRARIES.match(line)
            if m:
                return replace(self, libraries=tuple(re.findall(r"['\"]([^'\"]+)['\"]", m.group("libs"))), wants=0)
            if re.match(r"^\s*\w+_info:\s*$", line):  # the next section: this one named no libraries
                break
        return replace(self, wants=0)


SIGNATURES = (
    Signature("numpy-show-config-opt", "blasmix", "_opt_info:", re.compile(r"^\s*(?P<api>blas|lapack)_opt_info:\s*$"),
              lambda m, _: OptInfo(m.group("api"), m.string.strip())),
)


def _vendor(libraries: tuple[str, ...]) -> str | None:
    for lib in libraries:
        if lib.startswith("mkl"):
            return "MKL"
        if "openblas" in lib:
            return "OpenBLAS"
        if lib in ("satlas", "tatlas", "atlas", "f77blas", "ptf77blas"):
            return "ATLAS"
        if lib in ("blis", "flame"):
            return "BLIS"
    return None


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    info = {e.api: e for e in reversed(events.of(OptInfo)) if e.libraries}
    if "blas" not in info or "lapack" not in info:
        return []
    blas, lapack = _vendor(info["blas"].libraries), _vendor(info["lapack"].libraries)
    if blas is None or lapack is None or blas == lapack or "MKL" not in (blas, lapack):
        return []
    return [Finding(
        "blas-lapack-mixed", "error",
        f"the build takes BLAS from {blas} and LAPACK from {lapack}: two BLAS implementations in one process", (
            f"blas_opt_info: libraries = {list(info['blas'].libraries)}",
            f"lapack_opt_info: libraries = {list(info['lapack'].libraries)}",
            f"LAPACK calls BLAS underneath, so {lapack}'s LAPACK runs on its own BLAS while the rest runs on {blas}'s: two "
            "threading runtimes and, for the functions that return a complex number, two calling conventions in one "
            "process; crashes and wrong results in the BLAS and LAPACK tests follow (scipy#5341)",
        ), (
            "build with one library for both: in site.cfg, a section for MKL alone ([mkl] with library_dirs, include_dirs "
            "and libraries = mkl_rt) and no [openblas] section (or the other way round), then rebuild from a clean tree "
            "(rm -rf build)",
            "or install a build made that way: conda's numpy and scipy with the MKL variant (conda install numpy scipy "
            f"'{conda_blas('mkl')}'), or the wheels (OpenBLAS for both)",
        ),
        "numpy.distutils looked for BLAS and LAPACK separately and took each from the first library that had it; a "
        "machine with both MKL and OpenBLAS can end up with one of each.",
        ("python -c 'import numpy, scipy; numpy.show_config(); scipy.show_config()'   # after the rebuild: one library in both",),
    )]
