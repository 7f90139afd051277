"""MKL's error handlers' other messages, as oneMKL's Developer Reference lists them (xerbla, LAPACKE_xerbla):

* ``Intel MKL ERROR: Incompatible optional parameters on entry to DGEMM.`` (xerbla's INFO 1001): optional arguments that
  cannot go together (the Fortran 95 interfaces' optional arguments, a transposition with a shape);
* ``Intel MKL INTERNAL ERROR: Insufficient workspace available in function CGELSD.`` (INFO 1000 or 1089): the routine
  could not get the workspace it needs (a buffer MKL allocates itself);
* ``Intel MKL INTERNAL ERROR: Condition 1 detected in function DLASD8.`` (INFO < 0): an internal check failed; right after
  ``Parameter 13 was incorrect on entry to SGEMM`` for the same routine (fastGPT#18) it only repeats that failure;
* LAPACKE_xerbla's ``Not enough memory to allocate work array in LAPACKE_dgees`` and ``... to transpose matrix in
  LAPACKE_dgetrf_work``: the C interface's own allocation failed. (Its ``Wrong parameter N in LAPACKE_x`` is a parameter
  error: runtime's.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class XerblaSaid:
    what: str  # "optional", "workspace", "condition", "lapacke-memory"
    routine: str
    detail: str  # the condition's number; LAPACKE's "work array" or "transpose matrix"
    line: str


_MKL = r"(?:Intel|INTEL)(?:\(R\))? (?:one)?MKL (?:INTERNAL )?ERROR: "
_PARAMETER_BEFORE = r"was incorrect on entry to\s+{}\b"


def _condition(m: re.Match, before) -> object:
    routine = m["routine"]
    if any(re.search(_PARAMETER_BEFORE.format(re.escape(routine)), line, re.I) for line in before):
        return FollowOn(m.string.strip())  # MKL's second word on the parameter it rejected (fastGPT#18)
    return XerblaSaid("condition", routine, m["n"], m.string.strip()[:300])


SIGNATURES = (
    Signature("mkl-xerbla-optional", "xerbla", "ERROR: Incompatible optional",
              re.compile(_MKL + r"Incompatible optional parameters on entry to\s+(?P<routine>[\w.]+?)\s*\.?\s*$"),
              lambda m, _: XerblaSaid("optional", m["routine"], "", m.string.strip()[:300])),
    Signature("mkl-xerbla-workspace", "xerbla", "ERROR: Insufficient workspace",
              re.compile(_MKL + r"Insufficient workspace available in function\s+(?P<routine>[\w.]+?)\s*\.?\s*$"),
              lambda m, _: XerblaSaid("workspace", m["routine"], "", m.string.strip()[:300])),
    Signature("mkl-xerbla-condition", "xerbla", "ERROR: Condition",
              re.compile(_MKL + r"Condition\s+(?P<n>-?\d{1,6})\s+detected in function\s+(?P<routine>[\w.]+?)\s*\.?\s*$"),
              _condition),
    # a program's words for MKL's allocator returning NULL (CTranslate2's "RuntimeError: mkl_malloc: failed to allocate
    # memory": faster-whisper's standalone build, whisper-standalone-win#511)
    Signature("mkl-malloc-failed", "xerbla", "failed to allocate",
              re.compile(r"\bmkl_(?:malloc|calloc|realloc): failed to allocate"),
              lambda m, _: XerblaSaid("malloc", "mkl_malloc", "", m.string.strip()[:300])),
    Signature("lapacke-memory", "xerbla", "Not enough memory to",
              re.compile(r"\bNot enough memory to (?P<what>allocate work array|transpose matrix) in "
                         r"(?P<routine>LAPACKE_\w{2,40})"),
              lambda m, _: XerblaSaid("lapacke-memory", m["routine"], m["what"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out, seen = [], set()
    for e in events.of(XerblaSaid):
        if (e.what, e.routine) not in seen:
            seen.add((e.what, e.routine))
            out.append(_finding(e, ctx))
    return out


_CONFIRM = ("MKL_VERBOSE=1 <the program>   # each call MKL runs, with its arguments as MKL read them, and MKL's release",)
_WIDTH = ("the program's integers and MKL's interface of another size (LP64 code on the ILP64 interface, or the reverse) "
          "make every size MKL reads garbage: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 (libmkl_rt: "
          "MKL_INTERFACE_LAYER)")


def _finding(e: XerblaSaid, ctx: Context) -> Finding:
    where = ctx.located([e], "MKL's error handler")
    if e.what == "optional":
        return Finding(
            "mkl-optional-arguments", "error", f"MKL refused the combination of optional arguments given to {e.routine}",
            (e.line, "xerbla's INFO 1001: optional arguments that cannot be given together (oneMKL's Developer Reference, "
                     "xerbla); the Fortran 95 interfaces (BLAS95, LAPACK95: gemm(a, b, c, transa, transb, alpha, beta)) take "
                     "optional arguments, and their shapes must agree with the transpositions asked for"),
            (f"check the optional arguments of the {e.routine} call: the matrices' shapes against the transpositions, and "
             "no argument given that the others exclude",), "MKL checks the optional arguments of its Fortran 95 "
            "interfaces together, and names the routine when they cannot go together.", _CONFIRM, locations=where)
    if e.what == "workspace":
        return Finding(
            "mkl-workspace-insufficient", "error", f"MKL could not get the workspace {e.routine} needs",
            (e.line, "xerbla's INFO 1000 or 1089: the routine's workspace is short: the one the caller gave (WORK, LWORK), "
                     "or the buffer MKL allocates itself when memory runs out"),
            (f"query the workspace: call {e.routine} once with LWORK = -1 and allocate what it returns in WORK(1)",
             "where the caller's workspace is right: memory ran out (ulimit -v, a container's or a job's memory limit); "
             "free memory, or solve a smaller problem", _WIDTH),
            "MKL's LAPACK routines need a workspace of a size that depends on the problem and on MKL's release; a size "
            "written for another release, or memory that runs out, leaves the routine without it.", _CONFIRM,
            locations=where)
    if e.what == "malloc":
        return Finding(
            "mkl-out-of-memory", "error", "MKL's allocator (mkl_malloc) could not allocate: the process ran out of memory",
            (e.line, "mkl_malloc returned no memory for the buffer asked: the machine's memory (or the process's limit) was "
                     "used up; the program's own words for it, not MKL's"),
            ("a smaller problem or model (a smaller model, a compute type of fewer bytes: int8 or float16 where the program "
             "offers it, a smaller batch)", "more memory, or fewer programs beside it; a container's or a job's limit raised",
             _WIDTH + ": a size read wrongly asks for an enormous buffer"),
            "MKL allocates its buffers itself (mkl_malloc); a program that checks the result reports the failure in its "
            "own words.", _CONFIRM, locations=where)
    if e.what == "lapacke-memory":
        step = "the work array it allocates" if e.detail == "allocate work array" else "a row-major matrix's transposed copy"
        return Finding(
            "lapacke-out-of-memory", "error", f"{e.routine} could not allocate {step}: out of memory",
            (e.line, "LAPACKE (the C interface) allocates the workspace of a function without _work itself, and for a "
                     "row-major matrix a column-major copy; the allocation failed (LAPACK_WORK_MEMORY_ERROR, "
                     "LAPACK_TRANSPOSE_MEMORY_ERROR)"),
            ("a matrix larger than the memory left (ulimit -v, a container's or a job's limit): a smaller problem, or more "
             "memory", "column-major matrices (LAPACK_COL_MAJOR) need no transposed copy; the _work function with a "
             "workspace of the caller's needs no allocation", _WIDTH + ": a size read wrongly asks for an enormous array"),
            "LAPACKE_xerbla says when the C interface's own allocation fails, before LAPACK runs.", _CONFIRM,
            locations=where)
    return Finding(
        "mkl-internal-condition", "error", f"MKL's internal check failed in {e.routine} (condition {e.detail})",
        (e.line, "xerbla with a negative INFO: a condition the routine checks while it runs, not an argument on entry "
                 "(oneMKL's Developer Reference, xerbla); in LAPACK's eigenvalue and SVD kernels (DLASD*, DLAED*, DSTEDC) "
                 "it most often follows NaN or Inf in the input"),
        ("check the input for NaN or Inf before the call (numpy: np.isfinite(a).all())",
         "a wrong argument earlier in the same call: look above for MKL's 'Parameter N was incorrect on entry to' line",
         "with finite input: MKL_NUM_THREADS=1 and MKL_CBWR=COMPATIBLE tell a threading or code-path fault; another driver "
         "(SVD: gesvd in place of gesdd) or another MKL release", _WIDTH),
        "MKL's routines check conditions of their own while they run and report a failed one through xerbla with a "
        "negative INFO; the routine named is MKL's internal one, often a kernel of a driver the program called.",
        _CONFIRM, locations=where)
