"""A result other than the one expected, where the log names MKL: a test's failed comparison, or the reporter's word.

numpy.testing's ``Not equal to tolerance rtol=1e-07, atol=0`` (pytest's ``FAILED t.py::test - AssertionError``), Julia's
``Test Failed at ...`` with its ``Evaluated: a ≈ b``, GoogleTest's ``Expected equality of these values:``, testthat's
``Failure (test-x.R:3:1)``, and a reporter's comment under a printed value (``# it should be "tensor(4.+0.j)"``,
pytorch-cpu-feedstock#398). MKL prints nothing: the log shows that a value is wrong, and the causes MKL can have (a
threading layer of another OpenMP, an interface of another integer width or calling convention, rounding of another
code path, a bug of one release on one CPU) are told apart by runs with one MKL setting changed, which only the
log's machine can make. Produced here: a caller of ``zdotu_`` built for GNU Fortran's convention (a complex result
returned by value) on MKL's Intel interface prints ``0 -nan`` for 5+3i. A failed comparison in a log that names no
MKL is a failure all the same: reported as not recognised, unless its values say what it is: two numbers that differ in
their last digits only (CTranslate2's ``Which is: 0.40546525`` against ``0.4054651``, MKL's vsLn against std::log, fixed
by a tolerance) are a rounding difference whoever computed them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.unrecognised import unrecognised
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ResultDiffers:
    """A comparison that failed (``tool``'s words), with the lines that show the values."""

    tool: str
    line: str
    shown: tuple[str, ...] = ()  # the lines before it (a printed value under a reporter's comment)
    detail: tuple[str, ...] = ()  # the lines after it that say how the values differ
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ResultDiffers":
        return replace(self, detail=tuple(s.strip()[:200] for s in lines if _DETAIL.search(s))[:4], wants=0)


_DETAIL = re.compile(r"Max (?:absolute|relative) difference|Mismatched elements|location mismatch|^\s*(?:E\s+)?(?:[xy]|ACTUAL|DESIRED): |Expression: |Evaluated: |"
                     r"Which is: |Mean relative difference|not equal to|exceeds| evaluates to ")


def _differs(tool: str, wants: int = 6):
    return lambda m, before: ResultDiffers(tool, m.string.strip()[:300], tuple(b.strip()[:200] for b in before[-2:]), wants=wants)


def _pytest(m: re.Match, before):
    why = m.group("why") or ""
    if why and not why.startswith(("AssertionError", "assert ", "Failed: ")):
        return FollowOn(m.string.strip())  # the test failed on another exception: that exception's line says why
    return ResultDiffers("pytest", m.string.strip()[:300])


# a reporter's comment on a value: "# it should be ...", "// expected: 4", "# wrong result", "# this introduces the bug"
# (not "--": CMake's status lines, "-- MKL_THREADING should be one of ...", are no comment on a value)
_COMMENT = re.compile(r"(?:^\s*(?:#|//|%|!|>\s*#)|\s(?:#|//))\s*(?P<said>.{0,200}?\b(?:should (?:be|give|return|print|equal)|expected(?: value| result| output)?\s*[:=(]"
                      r"|(?:gives?|returns?|prints?|is|are) (?:a |the )?(?:wrong|incorrect)|(?:wrong|incorrect) (?:results?|answers?|values?|outputs?)"
                      r"|(?<!not )introduces? the bug|(?:the|a) (?:bug|wrong result) (?:appears|is here|shows)"
                      # a comment that marks the output of the machines with the problem ("#for two Linux machines having
                      # problem", r-help 2021-12), not the one without it
                      r"|(?<!not )(?<!without )(?:having|has|have|with|shows?) (?:the |this |that )?(?:problem|issue|bug)s?)\b.{0,200})$", re.I)

_PROSE = re.compile(r"(?i)(?:\b(?:calculations?|computations?|results?|values?|answers?|outputs?|eigenvalues|coefficients|"
                   r"estimates)\b[^.]{0,60}?\b(?:are|is|were|was|get|gets|got)\s+(?:\w+\s+)?|\b(?:become|becomes|became|turns? out)\s+)"
                   r"(?:corrupted|wrong|incorrect|garbage|nonsense)\b")  # the verb alone where a wrap took the noun

SIGNATURES = (
    Signature("numpy-testing-not-equal", "wrongvalues", "Not equal to tolerance",
              re.compile(r"^\s*(?:E\s+)?Not equal to tolerance rtol=\S+,? atol=\S+"), _differs("numpy.testing")),
    Signature("numpy-testing-arrays-not-equal", "wrongvalues", "Arrays are not",
              re.compile(r"^\s*(?:E\s+)?Arrays are not (?:almost )?equal\b"), _differs("numpy.testing")),
    Signature("pytest-failed", "wrongvalues", "FAILED", re.compile(r"^FAILED \S+::\S+(?: - (?P<why>.*))?$"), _pytest),
    Signature("julia-test-failed", "wrongvalues", "Test Failed",
              re.compile(r"^\s*(?:\S+\s+)?Test Failed at \S+"), _differs("Julia's Test", 3)),
    Signature("gtest-expected", "wrongvalues", "Expected equality", re.compile(r"^\s*Expected equality of these values:\s*$"),
              _differs("GoogleTest")),
    Signature("gtest-near", "wrongvalues", "which exceeds",
              re.compile(r"^\s*The difference between .+ is \S+, which exceeds "), _differs("GoogleTest", 3)),
    Signature("testthat-failure", "wrongvalues", "Failure (",
              re.compile(r"^\W{0,4}Failure \(@?[\w.-]+\.[Rr][#:]\d+"), _differs("testthat", 3)),
    *(Signature(f"reporter-says-wrong-{i}", "wrongvalues", needle, _COMMENT, _differs("the reporter", 0))
      for i, needle in enumerate(("should ", "xpected", "wrong", "ncorrect", " bug", "problem", "issue"))),
    # a program's own check of its LAPACK's results: ABINIT's "normev : BUG ... It might be that your LAPACK library has not
    # been correctly installed." (the forum of abinit, t=1000: the MKL of Intel 11.1.046)
    Signature("program-checks-lapack", "wrongvalues", "not been correctly installed",
              re.compile(r"(?i)\byour (?:LAPACK|BLAS)(?: library)? has not been correctly installed"),
              _differs("the program's own check", 0)),
    # the same in the reporter's prose: "calculations involving linear algebra become corrupted" (r-devel, 2019-07)
    *(Signature(f"reporter-prose-wrong-{i}", "wrongvalues", needle, _PROSE, _differs("the reporter", 0))
      for i, needle in enumerate(("wrong", "ncorrect", "corrupted"))),
)

# what the values are: complex numbers (a calling convention), small differences (rounding), 64-bit integers (a width)
_COMPLEX = re.compile(r"(?i)\bcomplex(?:64|128|F32|F64)?\b|\d\.?j\b|[+-]\s?\d[\d.]*(?:e[+-]?\d+)?\s?(?:im|j)\b|\b[zc]dot[cu]\b")
_RELATIVE = re.compile(r"Max relative difference(?: among violations)?: (?P<r>\d+(?:\.\d*)?(?:e[+-]?\d+)?)")
_WHICH_IS = re.compile(r"Which is: (?P<v>[+-]?\d+\.\d*(?:e[+-]?\d+)?)f?\s*$", re.M)  # GoogleTest's two values, one a line
_ROUNDING = 1e-4  # a relative difference below it: the last digits of a float (a float32 holds about 7 of them)


# GoogleTest's EXPECT_NEAR: "The difference between a and b is 1.59e-12, which exceeds 1.0E-12, where" and each value on a
# line of its own ("a evaluates to -273.0000000000008,"): stan-dev/math#122
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_NEAR = re.compile(rf"The difference between .+ is (?P<d>{_NUMBER}), which exceeds")
_EVALUATES = re.compile(rf"^\s*\S.{{0,200}}? evaluates to (?P<v>{_NUMBER})", re.M)


def _relative(text: str) -> list[float]:
    """The relative differences the lines show: numpy.testing's own, GoogleTest's two values of one comparison, or its
    EXPECT_NEAR's difference against the values compared."""
    said = [float(m["r"]) for m in _RELATIVE.finditer(text)]
    values = [float(m["v"]) for m in _WHICH_IS.finditer(text)]
    if len(values) == 2 and values[0] != values[1] and max(map(abs, values)) > 0:
        said.append(abs(values[0] - values[1]) / max(map(abs, values)))
    near, compared = _NEAR.search(text), [float(m["v"]) for m in _EVALUATES.finditer(text)][:2]
    if near and len(compared) == 2 and max(map(abs, compared)) > 0:
        said.append(abs(float(near["d"])) / max(map(abs, compared)))
    return said


# numpy.testing's tolerance and how far the worst element missed it: "Not equal to tolerance rtol=1e-07, atol=0.01",
# "Mismatched elements: 1 / 400 (0.25%)", "Max absolute difference among violations: 0.01098377" (scipy PR #20953)
_TOLERANCE = re.compile(rf"Not equal to tolerance rtol=(?P<rtol>{_NUMBER}),? atol=(?P<atol>{_NUMBER})")
_MISMATCHED = re.compile(r"Mismatched elements: (?P<n>\d+) / (?P<of>\d+)")
_ABSOLUTE = re.compile(rf"Max absolute difference(?: among violations)?: (?P<d>{_NUMBER})")
_NEAR_MISS = 1.5  # the worst element within this many times the absolute tolerance
_FEW = 0.01  # of the elements compared, at most this share over it


def _near_miss(text: str) -> tuple[float, float, int, int] | None:
    """A comparison that a few elements failed by a small margin over an absolute tolerance: (the worst difference, the
    tolerance, the elements over it, the elements compared); None where the lines do not show one."""
    tol, mismatched, worst = _TOLERANCE.search(text), _MISMATCHED.search(text), _ABSOLUTE.search(text)
    if not (tol and mismatched and worst) or float(tol["atol"]) <= 0:
        return None
    atol, diff, n, of = float(tol["atol"]), abs(float(worst["d"])), int(mismatched["n"]), int(mismatched["of"])
    return (diff, atol, n, of) if diff <= _NEAR_MISS * atol and 0 < n <= max(1, _FEW * of) else None


_INT64 = re.compile(r"\bInt64\b|\bint64\b|\bILP64\b|\bMKL_INT\b")


def diagnose(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: a failed comparison is the log's failure only where no other finding explains one."""
    said = events.of(ResultDiffers)
    if not said or any(f.severity == "error" and f.id != "unrecognised-failure" for f in found):
        return []
    first = next((s for s in said if s.tool != "pytest"), said[0])  # pytest's summary line after the comparison's own
    if not events.mkl_at:
        text = "\n".join((first.line, *first.detail))
        relative = _relative(text)
        if relative and max(relative) < _ROUNDING:
            return [_rounding(first, max(relative), said, ctx)]
        if near := _near_miss(text):
            return [_over_tolerance(first, near, said, ctx)]
        return [unrecognised(Unrecognised(first.line, (*first.shown, first.line, *first.detail)), ctx)]
    return [_finding(first, said, events.mkl_at, ctx)]


_ORDER = ("Floating-point results depend on the order of operations; optimized libraries choose theirs per CPU, per thread "
          "count and per release")
_WITH_TOLERANCE = re.compile(r"\bwhich exceeds |Not equal to tolerance rtol=")  # EXPECT_NEAR's, assert_allclose's


def _rounding(first: ResultDiffers, relative: float, said: list[ResultDiffers], ctx: Context) -> Finding:
    """Values that differ in their last digits, in a log that names no MKL: rounding, said as such."""
    return Finding(
        "results-differ-by-rounding", "error",
        f"{first.tool} compared two floating-point values that differ only in their last digits (a relative {relative:.2g}): "
        "a rounding difference, not a wrong result",
        (f"{first.tool}: {first.line}", *first.detail[:4],
         f"the values differ by a relative {relative:.2g}, the last digits of a float (a float32 holds about 7): two "
         "computations of one value in another order or by another code path (a vector math or BLAS library such as MKL "
         "picks its code per CPU and per number of threads) round differently",
         "the log does not name MKL: which library computed each value is the program's to say"),
        ("the test has a tolerance, tighter than the rounding: loosen it to what the libraries it runs with reach (scipy PR "
         "#17248 and stan-dev/math#130 did so for MKL's)" if _WITH_TOLERANCE.search(first.line) else
         "compare with a tolerance, not for equality: GoogleTest's EXPECT_NEAR(a, b, abs_error) or EXPECT_FLOAT_EQ (4 units "
         "in the last place), numpy.testing.assert_allclose(actual, desired, rtol=...), Julia's ≈ with rtol",
         "where the values come from MKL (its VML, BLAS or FFT) and the reference from another library (std::log, a "
         "reference BLAS): MKL_CBWR=COMPATIBLE <the test>   # MKL's most portable code path; MKL_CBWR=AUTO,STRICT makes "
         "MKL's results the same from run to run on one machine, not equal to another library's"),
        f"{_ORDER}, so their last digits differ from a reference's. A test that compares such values exactly fails without "
        "any error in the computation.",
        locations=ctx.located(said, "values that differ in their last digits"),
    )


def _over_tolerance(first: ResultDiffers, near: tuple[float, float, int, int], said: list[ResultDiffers],
                    ctx: Context) -> Finding:
    """A few elements just over a test's absolute tolerance, in a log that names no MKL: a tolerance set at the values one
    library computed on one machine, which another's rounding crosses (scipy PR #20953 loosened it for MKL's)."""
    diff, atol, n, of = near
    return Finding(
        "results-differ-by-rounding", "error",
        f"{first.tool}'s tolerance was missed by a small margin ({diff:.4g} against atol={atol:g}, in {n} of {of} elements): "
        "most likely values another BLAS or processor rounds differently, not a wrong result",
        (f"{first.tool}: {first.line}", *first.detail[:4],
         f"the worst element is within {_NEAR_MISS:g} times the absolute tolerance, and {n} of {of} elements are over it: a "
         "tolerance set close to the values one library computed on one machine; another BLAS (MKL, OpenBLAS, a reference "
         "one), another processor or another number of threads rounds its sums in another order, which iterative or "
         "random-started methods carry further",
         "the log does not name MKL: which library computed the values is the program's to say"),
        ("loosen the test's tolerance to cover the libraries it is run with (scipy PR #20953 did so for MKL's)",
         "to see that it is rounding: run the test again with the other library, or with MKL_CBWR=COMPATIBLE (MKL's most "
         "portable code path) and MKL_NUM_THREADS=1: a result that moves with them is rounding, one that stays is a bug"),
        f"{_ORDER}. A tolerance that one library's result meets with little room is crossed by another's.",
        locations=ctx.located(said, "values just over the test's tolerance"),
    )


def _finding(first: ResultDiffers, said: list[ResultDiffers], mkl_at: int, ctx: Context) -> Finding:
    text = "\n".join(line for s in said for line in (s.line, *s.shown, *s.detail))
    relative = _relative(text)
    runs = {
        "threads": "MKL_NUM_THREADS=1 <the program>   # right with one thread: MKL's threading layer is not the program's "
                   "OpenMP (a gcc-built program on mkl_intel_thread: link mkl_gnu_thread, or MKL_THREADING_LAYER=GNU with "
                   "libmkl_rt), or two OpenMP runtimes are loaded (LD_DEBUG=libs <the program> 2>&1 | grep -E 'iomp5|gomp|libomp')",
        "interface": "MKL_VERBOSE=1 <the program>   # the MKL release, its interface and each call's arguments as MKL read "
                     "them: a caller built for 64-bit integers on MKL's LP64 interface (or the reverse) reads sizes and "
                     "indices wrongly; complex results zero or NaN: a caller of GNU Fortran's convention (gfortran, f2py, a "
                     "gcc-built library) on MKL's Intel interface: link mkl_gf_lp64, or MKL_INTERFACE_LAYER=GNU,LP64 with "
                     "libmkl_rt (which holds for every library of the process that reaches libmkl_rt)",
        "rounding": "MKL_CBWR=COMPATIBLE <the program>   # agrees with the expected values: rounding of another code path, "
                    "not an error: compare with a tolerance, or set MKL_CBWR (e.g. AUTO,STRICT) for reproducible results",
        "release": "MKL_ENABLE_INSTRUCTIONS=AVX2 <the program>   # right on another code path: a bug of this MKL release on "
                   "this CPU: update MKL (conda install mkl=<newer>, pip install -U mkl), and report the call MKL_VERBOSE shows",
    }
    order = ["threads", "interface", "rounding", "release"]
    if "R" in ctx.sessions:  # an R session: R is built with GNU compilers, and MKL's single library defaults to Intel's layers
        runs["r"] = ("in R on MKL's single dynamic library (libmkl_rt: Debian's and Ubuntu's alternatives, Intel's 'quick linking' "
                     "guide), set MKL's GNU layers before R starts: export MKL_INTERFACE_LAYER=GNU,LP64 MKL_THREADING_LAYER=GNU "
                     "(or in ~/.Renviron), as R core's Tomas Kalibera found on r-devel (2019-07); if the values stay wrong, "
                     "switch R's BLAS back (update-alternatives) and report it")
        order.insert(0, "r")
    reporter = first.tool == "the reporter"
    shown = [s for s in first.shown if s.strip("[]. ")][-1:] if reporter else []  # the value the comment is about
    evidence = [f"{first.tool}: {first.line}", *shown, *first.detail[:4], f"the log names MKL (line {mkl_at})"]
    if _COMPLEX.search(text):
        order.sort(key=lambda run: run != "interface")
        evidence.append("the values are complex: a function that returns a complex number (zdotc, cdotu) is called "
                        "two ways, by a hidden first argument (MKL's Intel interface) or by value (GNU Fortran's): a caller "
                        "of the other convention reads zero or garbage, without any error")
    elif relative and max(relative) < 1e-4:
        order.sort(key=lambda run: run != "rounding")
        evidence.append(f"the values differ by a relative {max(relative):g}: a rounding difference (another code path, "
                        "another number of threads), not a wrong computation")
    elif _INT64.search(text):
        order.sort(key=lambda run: run != "interface")
        evidence.append("the values involve 64-bit integers: an MKL interface of the other width (LP64 or ILP64) reads "
                        "sizes and indices wrongly")
    return Finding(
        "results-wrong-with-mkl", "error",
        ("the reporter says a value is wrong" if reporter else f"{first.tool} shows a result other than the one expected")
        + ", in a log that names MKL: MKL prints no error for it; "
        "the runs below, each with one MKL setting changed, tell its causes apart",
        tuple(e for e in evidence if e),
        tuple(f"{i}. {runs[k]}" for i, k in enumerate(order, 1)),
        "A wrong value with no error comes from how the program reaches MKL (a threading layer of another OpenMP, an "
        "interface of another integer width or calling convention, two MKLs in one process), from rounding, or from a bug "
        "of one MKL release on one CPU; only a run on the log's machine with one setting changed tells which.",
        locations=ctx.located(said, "a result other than the one expected"),
    )

