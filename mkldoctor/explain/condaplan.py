"""conda's or mamba's plan that installs the OpenBLAS build of the environment's BLAS: nothing fails, and numpy, scipy and
every package built on conda's BLAS metapackage run without MKL (anaconda-issues#9519: a fresh Miniconda's
``conda install numpy`` took ``blas 1.0 openblas`` when the channel began to offer both builds).

The plan names the build in each of conda's and mamba's forms:

- conda 4.5's list, ``blas:        1.0-openblas``, and its download table, ``blas-1.0 | openblas  48 KB``;
- conda 4.6 and newer, ``blas    pkgs/main/osx-64::blas-1.0-openblas`` and conda-forge's
  ``libblas    conda-forge/linux-64::libblas-3.9.0-20_linux64_openblas``;
- mamba's table, ``+ libblas   3.9.0  20_linux64_openblas  conda-forge  13kB``.

The defaults channel picks the build with ``blas=*=mkl``, conda-forge with ``libblas=*=*mkl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class PlanBlasBuild:
    CONTEXT_ONLY = True  # a plan is no failure: it explains no error line before it
    package: str  # blas (the defaults channel's metapackage) or libblas (conda-forge's)
    build: str  # "1.0-openblas", "3.9.0-20_linux64_openblas"
    line: str


_OPENBLAS = r"(?:\w+_)?openblas\b"
_PLAN = re.compile(r"^\s*(?:"
                   rf"(?P<p1>(?:lib)?blas):\s+(?P<b1>[\w.]+-{_OPENBLAS})"  # conda 4.5's list
                   rf"|(?P<p2>(?:lib)?blas)\s+[\w./-]+::(?:lib)?blas-(?P<b2>[\w.]+-{_OPENBLAS})"  # conda 4.6 and newer
                   rf"|(?P<p3>(?:lib)?blas)-(?P<b3>[\d.]+\s*\|\s*{_OPENBLAS})"  # the download table
                   rf"|\+\s*(?P<p4>(?:lib)?blas)\s+(?P<b4>[\d.]+\s+{_OPENBLAS}))")  # mamba's table


def _plan(m: re.Match, _) -> PlanBlasBuild:
    form = next(i for i in "1234" if m.group(f"p{i}"))
    build = re.sub(r"[\s|]+", "-", m.group(f"b{form}"))
    return PlanBlasBuild(m.group(f"p{form}"), build, m.string.strip()[:200])


SIGNATURES = (
    Signature("conda-plan-openblas-build", "condaplan", "openblas", _PLAN, _plan),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    plans = events.of(PlanBlasBuild)
    if not plans:
        return []
    first = plans[0]
    forge = first.package != "blas" or "conda-forge" in first.line
    spec = "libblas=*=*mkl" if forge else "blas=*=mkl"
    return [Finding(
        "conda-plan-openblas", "warning",
        f"conda's plan installs the OpenBLAS build of {first.package} ({first.build}): numpy and scipy of this environment "
        "will not run on MKL",
        (first.line,
         f"{first.package} is conda's BLAS metapackage: its build decides the BLAS that numpy, scipy and every package built "
         "on it load; an openblas build brings libopenblas and no MKL (the solver takes it where nothing asks for MKL, "
         "or where the channel's newest numpy was built on it)"),
        (f"for MKL, ask for its build: conda install numpy '{spec}' (conda-forge: libblas=*=*mkl; the defaults channel: "
         f"blas=*=mkl), or pin it for every later install: echo '{spec}' >> $CONDA_PREFIX/conda-meta/pinned",
         "if OpenBLAS is what the environment should have, nothing is wrong: this is a note of the BLAS it will load"),
        "conda's channels build numpy and scipy once per BLAS and let a metapackage (blas on the defaults channel, "
        "libblas on conda-forge) choose between them: the plan's build of it is the environment's BLAS.",
        ("conda list | grep -E '^(lib)?blas |mkl|openblas'   # the BLAS build the environment has, once installed",),
    )]
