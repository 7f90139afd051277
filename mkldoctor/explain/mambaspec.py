"""mamba refusing conda's spec for a BLAS variant (``libblas=*=*mkl``, the way conda-forge picks MKL's BLAS).

mamba 0.4's MatchSpec dropped the version and the build of a spec that has only a build glob (``RuntimeError: Invalid spec,
no package name found: libblas=``, mamba#318), and its ``env create`` asserted a version (``AssertionError`` in conda's
``conda_build_form``, mamba#319); both fixed by mamba PR #322. Its pinned file took only the positional form (``could not add
pinned spec libblas[build=*mkl]``, mamba#1130). The spec is conda's and right: the mamba is too old for it, or the form is
not one mamba reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution


def _selector(spec: str) -> bool:
    """Whether a spec asks for one of conda's BLAS selectors (libblas, libcblas, liblapack, liblapacke, blas)."""
    name = re.match(r"\w*", spec)[0]  # the name before its version, build or brackets
    return name in distribution.SELECTORS


@dataclass(frozen=True, slots=True)
class SpecRefused:
    kind: str  # "parsed" (mamba's MatchSpec), "pinned" (its pinned file)
    spec: str
    line: str


def _parsed(m: re.Match, before) -> SpecRefused | object:
    if not _selector(m["spec"]):
        return NOT_MINE  # another package's spec: no rule's
    return SpecRefused("parsed", m["spec"], m.string.strip()[:300])


def _asserted(m: re.Match, before) -> SpecRefused | object:
    if not any("conda_build_form" in b for b in before[-3:]):
        return NOT_MINE  # another program's assertion
    return SpecRefused("parsed", "", m.string.strip()[:300])


def _pinned(m: re.Match, before) -> SpecRefused | object:
    return SpecRefused("pinned", m["spec"], m.string.strip()[:300]) if _selector(m["spec"]) else NOT_MINE


SIGNATURES = (
    Signature("mamba-invalid-spec", "mambaspec", "no package name found",
              re.compile(r"\bInvalid spec, no package name found: (?P<spec>\S*)"), _parsed),
    Signature("mamba-build-form-assert", "mambaspec", "AssertionError",
              re.compile(r"^\s*AssertionError\s*$"), _asserted),
    Signature("mamba-pinned-spec", "mambaspec", "ould not add pinned spec",
              re.compile(r"\bcould not add pinned spec (?P<spec>\S+?)\.?(?:\s|$)"), _pinned),
    # conda's banner over the traceback of an error it did not expect: the error follows it
    Signature("conda-error-report", "mambaspec", "ERROR REPORT",
              re.compile(r"^#?\s*>{5,} ERROR REPORT <{5,}\s*$"), lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(SpecRefused)
    if not said:
        return []
    first = said[0]
    if first.kind == "pinned":
        return [Finding(
            "mamba-spec-refused", "error",
            f"mamba refused the pin {first.spec}: its pinned file takes the form name=version=build, not conda's bracket form",
            (first.line, "conda reads a MatchSpec's bracket form ([build=*mkl]) in conda-meta/pinned; that mamba reads only "
             "the positional form its message shows"),
            ("write the pin as mamba's message shows: the line libblas=*=*mkl in <the environment>/conda-meta/pinned",
             "or a newer mamba (its MatchSpec parser was rewritten in libmamba): conda install -n base -c conda-forge mamba"),
            "A pin in conda-meta/pinned keeps the solver to one variant, such as MKL's BLAS; each solver parses the file with "
            "its own reader of conda's spec syntax.", ())]
    what = (f"a BLAS variant's spec (read as '{first.spec}')" if first.spec else
            "a spec with a build and no version (such as libblas=*=*mkl, a BLAS variant's)")
    return [Finding(
        "mamba-spec-refused", "error",
        f"mamba could not read {what}: a bug of mamba 0.4 and older in specs with a build glob and no version, fixed in "
        "mamba PR #322",
        (first.line, "a spec such as libblas=*=*mkl (any version, MKL's build) selects conda-forge's MKL variant of BLAS; that "
         "mamba lost its build part (mamba#318: 'no package name found: libblas=') or asserted a version (mamba#319: "
         "AssertionError in conda_build_form)"),
        ("upgrade mamba: conda install -n base -c conda-forge mamba (any release after 0.4 reads the spec)",
         "or install that spec with conda itself: conda install 'libblas=*=*mkl' (conda env create for an environment file)"),
        "conda's spec syntax lets a spec name a build without a version; mamba's own reader of it got that case wrong "
        "in its first releases.", ())]
