"""``Intel MKL ERROR: Parameter N was incorrect on entry to X``: MKL's argument check rejected an argument.

Which argument it is (:mod:`mkldoctor.knowledge.arguments`) tells the likely causes apart. An integer
(a size, a leading dimension) is read with the wrong size when the program's integers and MKL's interface
differ: ILP64 and LP64 mixed (a 32-bit program with ``MKL_INTERFACE_LAYER=ILP64`` or ``mkl_intel_ilp64``,
which is how the test run produces it), or an older MKL of the same file name found first on
``LD_LIBRARY_PATH`` (a module system's, a cluster's), whose interface differs from the one the program
was built with; a matrix holds NaN or Inf, which MKL's LAPACK drivers check; a workspace is smaller
than this MKL asks for. The evidence that decides is named with the command that gets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import LinkCommand, Parsed
from mkldoctor.explain.runtime import LAPACKE_CHECK, ParameterError
from mkldoctor.findings import Finding
from mkldoctor.knowledge import arguments, broken, build_scripts, layout, recipes

# a host's words for LAPACK's INFO < 0: R's XERBLA ("BLAS/LAPACK routine 'DLASCL' gave error code -4", whatever BLAS R
# runs: its own, MKL, FlexiBLAS' backend), PyTorch's check of the INFO its LAPACK call returned ("svd_cpu: Argument 4 has
# illegal value. Most certainly there is a bug in the implementation calling the backend library.")
_R_XERBLA = re.compile(r"BLAS/LAPACK routine '(?P<routine>\w+?)\s*' gave error code -(?P<n>\d{1,4})")
_TORCH = re.compile(r"\b(?P<api>[\w.]{2,40}?(?:_cpu)?): Argument (?P<n>\d{1,4}) has illegal value")
# PyTorch's TH before 1.0 (SDPS-Net#3: "RuntimeError: Lapack Error in gels : Illegal Argument 7 at .../THTensorLapack.cpp")
_TH = re.compile(r"\bLapack Error in (?P<api>\w{2,12}) : Illegal Argument (?P<n>\d{1,4})\b")
# SciPy's check of a LAPACK wrapper's INFO (scipy#9073: "ValueError: illegal value in argument 11 of internal sbevd"), the
# driver's name without its precision letter; older SciPy: "illegal value in 4-th argument of internal gesdd"
_SCIPY = re.compile(r"\billegal value in (?:argument (?P<n>\d{1,4})|(?P<m>\d{1,4})-?th argument) of internal (?P<api>\w{2,12})\b")
# PyTorch's operation -> the LAPACK driver its CPU path calls (the precision the log does not say: D)
_TORCH_ROUTINE = {"svd": "DGESDD", "linalg.svd": "DGESDD", "linalg_svd": "DGESDD", "eigh": "DSYEVD", "linalg.eigh": "DSYEVD",
                  "linalg_eigh": "DSYEVD", "symeig": "DSYEVD", "lu": "DGETRF", "linalg.lu_factor": "DGETRF", "cholesky":
                  "DPOTRF", "linalg.cholesky": "DPOTRF", "lstsq": "DGELSD", "linalg.lstsq": "DGELSD", "eig": "DGEEV",
                  "linalg.eig": "DGEEV", "qr": "DGEQRF", "linalg.qr": "DGEQRF", "inverse": "DGETRI", "linalg.inv": "DGETRI"}


@dataclass(frozen=True, slots=True)
class TorchInfo(FollowOn):
    """PyTorch's words for LAPACK's INFO < 0: after MKL's own line (a long traceback may come between) only its echo, else
    the failure said (:func:`diagnose` makes it a :class:`ParameterError`)."""

    parameter: int = 0
    api: str = ""


@dataclass(frozen=True, slots=True)
class ScipyInfo(FollowOn):
    """SciPy's words for LAPACK's INFO < 0: after MKL's own line its echo, else the failure said."""

    parameter: int = 0
    api: str = ""  # "sbevd": the driver without its precision letter


@dataclass(frozen=True, slots=True)
class SizeWrapped:
    """f2py's refusal of a negative array size (scipy#5489: ``ValueError: failed to create intent(cache|hide)|optional
    array-- must have defined dimensions but got ( -2135071796,)``): a workspace a wrapper sized past 2**31-1."""

    line: str
    size: int


@dataclass(frozen=True, slots=True)
class Ilp64Warned:
    """A package's own warning about ILP64 in the same run (cytnx#595: ``UserWarning: numpy and/or scipy are imported
    before cytnx. Please make sure it support ILP64.``): a package that sets libmkl_rt's interface for the process."""

    line: str


R_XERBLA = "the BLAS or LAPACK under R (R's XERBLA said it)"  # ParameterError.checker of R's words, PyTorch's, SciPy's
TORCH_CHECK = "PyTorch's LAPACK backend (MKL or OpenBLAS)"
SCIPY_CHECK = "SciPy's LAPACK (MKL or OpenBLAS)"
SIGNATURES = (
    Signature("r-xerbla", "parameters", "rror code", _R_XERBLA,
              lambda m, _: ParameterError(int(m["n"]), m["routine"], R_XERBLA)),
    Signature("torch-lapack-illegal-value", "parameters", "illegal value", _TORCH,
              lambda m, _: TorchInfo(m.string.strip()[:300], int(m["n"]), m["api"])),
    Signature("torch-th-lapack-error", "parameters", "Lapack Error in", _TH,
              lambda m, _: TorchInfo(m.string.strip()[:300], int(m["n"]), m["api"])),
    Signature("scipy-lapack-illegal-value", "parameters", "illegal value in", _SCIPY,
              lambda m, _: ScipyInfo(m.string.strip()[:300], int(m["n"] or m["m"]), m["api"])),
    # SciPy's workspace query LAPACK refused, after MKL's own line its echo (msmbuilder#1078: "Parameter 5 ... DGEEV")
    Signature("scipy-work-size-failed", "parameters", "ailed", re.compile(r"\bInternal work array size computation failed: "
                                                                          r"(?P<n>-\d{1,4})\b"),
              lambda m, _: ScipyInfo(m.string.strip()[:300], -int(m["n"]), "")),
    Signature("f2py-negative-dimension", "parameters", "rror: failed to create intent",
              re.compile(r"rror: failed to create intent\([\w|]+\)\|?\w* array-- must have defined dimensions but got "
                         r"\(\s*(?P<n>-\d{1,20}),?\s*\)"), lambda m, _: SizeWrapped(m.string.strip()[:300], int(m["n"]))),
    Signature("package-ilp64-warning", "parameters", "ILP64", re.compile(r"^\s*(?:\S+:\d+: )?\w*Warning: .*\bILP64\b"),
              lambda m, _: Ilp64Warned(m.string.strip()[:200])),
)

_WHAT = {
    "int": "an integer (a size, a leading dimension or an increment)",
    "array": "a matrix or vector of numbers",
    "work": "a workspace length",
    "workspace": "a workspace",
    "char": "an option letter",
    "layout": "the matrix layout, row-major or column-major",
    "scalar": "a number",
    "ints": "an integer array",
    "scale": "a scaling factor computed from the input matrix",
    "distribution": "a parameter of the distribution",
    "descriptor": "an entry of a ScaLAPACK array descriptor",
}


# a MEX file (Linux's, Windows', Intel and Apple silicon macOS') or a MATLAB release's folder the log names
_MATLAB_PLACE = re.compile(r"(?i)\.mex(?:a64|w64|maci64|maca64)$|[/\\]MATLAB[/\\]R20\d\d[ab][/\\]")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """One finding per routine: the arguments MKL rejected in one call (dgemv's 6 and 13) are one failure."""
    from mkldoctor.explain.crash import Crash

    by_routine: dict[str, list[ParameterError]] = {}
    wrapped = [_wrapped(e) for e in events.of(SizeWrapped)[:1]]
    said = events.of(ParameterError)
    if not any(e.checker == "MKL" for e in said):  # PyTorch's or SciPy's words with no MKL line before them: the failure
        said = said + [ParameterError(t.parameter, _TORCH_ROUTINE.get(t.api.removesuffix("_cpu").lower(), "")
                                      or _driver(t.api), TORCH_CHECK, t.api, t.line)
                       for t in events.of(TorchInfo)[:1]]
        said = said + [ParameterError(t.parameter, _driver(t.api), SCIPY_CHECK, t.api, t.line)
                       for t in events.of(ScipyInfo)[:1] if not said]
    for event in said:
        by_routine.setdefault(event.routine.upper(), []).append(event)
    # integers rejected in several routines of one run: one cause (the interface's width), one finding (cytnx#595); a
    # driver's matrix and the scaling step it runs on it (DGELSD's A, then DLASCL's CFROM): NaN in the input, one finding
    def kind(evs: list[ParameterError]) -> str:
        found = (arguments.argument(evs[0].routine, evs[0].parameter) or (0, ""))[1]
        return "int" if found == "int" else "nan" if found in ("array", "scale") else ""

    groups = {k: [r for r, evs in by_routine.items() if kind(evs) == k] for k in ("int", "nan")}
    if groups["int"]:  # a routine no table names (MKL's own DGBBRDM, cytnx#419) refused in the same run: the same integers
        groups["int"] += [r for r, evs in by_routine.items() if arguments.argument(evs[0].routine, evs[0].parameter) is None]
    heads = {rs[0]: [by_routine.pop(r)[0] for r in rs[1:]] for rs in groups.values() if len(rs) > 1}
    by_routine = {r: by_routine[r] for r in sorted(by_routine, key=lambda r: r not in heads)}  # a group's head first
    warned = events.of(Ilp64Warned)
    # MATLAB's words for a Python exception ("Python Error: ValueError: ..."), as SciPy's or PyTorch's signature read it
    matlab = any(t.line.lstrip().startswith("Python Error: ") for t in (*events.of(ScipyInfo), *events.of(TorchInfo)))
    mex = next((p for p in ctx.places if _MATLAB_PLACE.search(p)), None)
    out = []
    crashed = events.of(Crash)
    # glibc's stack protector after MKL's refusal: MKL stored INFO (-N) 8 bytes wide into the program's 4-byte int
    smashed = next((c for c in crashed if "stack smashing" in c.line), None)
    from mkldoctor.explain.intwidth import packed_words
    from mkldoctor.explain.mklverbose import MklBanner, MklVerboseCall

    interfaces = {b.interface for b in events.of(MklBanner) if b.interface}
    configured = _configured_ilp64(events)  # the log's configure chose ILP64: the width of every integer refused
    for said in by_routine.values():
        # MKL_VERBOSE's record of the call: integers that are two 32-bit ones side by side (Eigen#2475: 25769803780 = 6<<32|4)
        packed = next((c.packed for c in events.of(MklVerboseCall) if c.routine == said[0].routine.upper().rstrip("_") and c.packed), ())
        grouped = kind(said) == "int" and bool(heads.get(said[0].routine.upper()))  # integers refused in several routines
        finding = _finding(said[0], events, configured, width_first=smashed is not None or bool(packed) or grouped
                           or (kind(said) == "int" and bool(configured)) or said[0].api.startswith("GAL_"))
        if packed:
            n = packed[0]
            finding = replace(finding, evidence=(finding.evidence[0], (
                f"MKL_VERBOSE shows the call as MKL read it: {packed_words(n)}, the caller's two 32-bit "
                f"integers {n & 0xFFFFFFFF} and {n >> 32} read as one 64-bit integer by MKL's "
                + ("ILP64 interface (the banner says ilp64)" if "ilp64" in interfaces else "ILP64 interface")
                + ": a program built for 32-bit integers calls MKL's 64-bit interface"), *finding.evidence[1:]))
        more = sorted({e.parameter for e in said} - {said[0].parameter})
        extra = [f"MKL rejected argument{'s' if len(more) > 1 else ''} {', '.join(map(str, more))} of {said[0].routine} too"] if more else []
        also = heads.get(said[0].routine.upper(), [])
        if also:
            listed = ", ".join(f"{e.parameter} of {e.routine}" for e in also)
            integer = kind(said) == "int"
            finding = replace(finding, title=f"{finding.title}; and argument {listed}")
            extra.append(f"MKL rejected argument {listed} in the same run: integers read wrongly in every call "
                         "points at the interface's width (or an older MKL found first), not at one call's values" if integer else
                         f"MKL rejected argument {listed} in the same run: the driver's scaling step reads the same input "
                         "matrix, so both refusals are that input's NaN or Inf")
        if warned and not out:
            extra.append(f"a package in the process warns about ILP64: {warned[0].line}: a package that sets libmkl_rt's "
                         "interface to ILP64 for itself (mkl_set_interface_layer) sets it for every caller of that libmkl_rt, "
                         "and numpy's and SciPy's LAPACK calls pass 32-bit integers (cytnx#595: its LP64 build fixed it)")
            finding = replace(finding, fix=("one interface per libmkl_rt: that package's LP64 build (or one that links "
                                            "mkl_intel_ilp64 itself rather than switching libmkl_rt), or run it in a process "
                                            "where nothing else calls MKL", *finding.fix))
        if mex and kind(said) == "int" and not out:  # pardiso-matlab-recipes: Pardiso's BLAS calls met MATLAB's MKL
            extra.append(f"the log names a MEX file or MATLAB's folder ({mex}): a MEX file runs in MATLAB's process, where "
                         "MATLAB's own MKL, whose BLAS and LAPACK take 64-bit integers (ILP64), already holds those names, "
                         "so a MEX file, or a library it links, that passes 32-bit integers has them read wrongly")
            finding = replace(finding, fix=(
                "in a MEX file: declare BLAS and LAPACK integers as mwSignedIndex (ptrdiff_t) and link MATLAB's own "
                "(mex -R2018a ... -lmwblas -lmwlapack); for a library built for another BLAS (Pardiso's): start MATLAB "
                "with that BLAS preloaded, LD_PRELOAD=<its libopenblas.so> matlab", *finding.fix))
        if matlab and not out:  # Algebraic-differentiators' troubleshooting page
            extra.append("'Python Error:' is MATLAB's word for a Python exception: Python runs inside MATLAB's process, where "
                         "MATLAB has already loaded its own MKL with global scope, so the LAPACK names SciPy and numpy call can "
                         "bind to MATLAB's MKL, of another release and integer width than theirs")
            finding = replace(finding, fix=(
                "make Python's extensions bind their own libraries: in MATLAB, before any py.* call (a startup.m after "
                "pyenv): py.sys.setdlopenflags(int32(bitor(int64(py.os.RTLD_NOW), int64(py.os.RTLD_DEEPBIND)))); or run "
                "Python in its own process: pyenv(ExecutionMode=\"OutOfProcess\")", *finding.fix))
        extra += [f"then: {(smashed or crashed[0]).line[:160]}: " + (
            "the stack protector's word for MKL storing its answer (INFO = -N) 8 bytes wide, past the program's 4-byte "
            "integer: most likely the ILP64 interface (64-bit integers) serving a program built for 32-bit ones, which also "
            "made it read this argument wrongly" if smashed else
            "a program that goes on after a call MKL refused (it computed nothing) uses what it did not compute")] if crashed and not out else []
        # Julia's crash line with macOS's signal words ("signal (11): Segmentation fault: 11") after MKL's refusals
        if any(re.match(r"\s*\d*signal \(\d+\): [\w ]+: \d+\s*$", c.line) for c in crashed) and not out:  # a paste's line number
            extra.append("possible cause, by Julia's crash line in macOS's words: two OpenMP runtimes in one process, GNU's libgomp (CompilerSupportLibraries_jll, "
                         "OpenSpecFun_jll) loaded before Intel's libiomp5 (MKL_jll), run MKL's threads wrongly (BinaryBuilder.jl#700, "
                         "MLJ.jl#491: load MKL first, using MKL before the other packages, or give MKL one thread)")
        out.append(replace(finding, evidence=(*finding.evidence[:1], *extra, *finding.evidence[1:])) if extra else finding)
    return wrapped + out


def _wrapped(event: SizeWrapped) -> Finding:
    unsigned = event.size + 2**32
    return Finding(
        "lapack-workspace-overflow", "error",
        f"a LAPACK wrapper sized an array negative ({event.size}): a workspace of more than 2^31-1 elements, which its "
        "32-bit integers wrapped",
        (event.line, f"f2py (SciPy's LAPACK wrappers) computes a workspace's size from the problem's dimensions in 32-bit "
                     f"integers: {event.size} is {unsigned} wrapped past 2^31-1, the largest size LP64 LAPACK can say; the "
                     "divide-and-conquer drivers (gesdd, syevd, sbevd) need about 2N^2 or 4 min(M,N)^2 elements"
                     if 0 < unsigned < 2**32 else f"f2py computed a negative size ({event.size}) for an array it allocates"),
        ("a smaller problem, or a driver with a smaller workspace: scipy.linalg.svd(..., lapack_driver='gesvd') in place of "
         "gesdd, eigh(driver='evr') in place of 'evd' (scipy#5489: FastICA's SVD of a 28430 x 26831 matrix)",
         "or a LAPACK with 64-bit integers for sizes this large (an ILP64 build: MKL's mkl_intel_ilp64 with -DMKL_ILP64)"),
        "LAPACK's LP64 interface takes sizes as 32-bit integers; a workspace past 2^31-1 elements cannot be said to it, "
        "and a wrapper that computes the size in the same integers gets a negative number.",
    )


def _driver(api: str) -> str:
    """A host's LAPACK name without its precision letter ("gels", "sbevd") as the double-precision routine ("DGELS")."""
    return f"D{api.upper()}" if arguments.argument(f"D{api.upper()}", 1) else ""


def _configured_ilp64(events: Parsed) -> list[str]:
    """Intel's MKLConfig.cmake choosing the ILP64 interface in the log's configure (its default, 2023 to 2026)."""
    from mkldoctor.explain.mklconfigwhy import MklConfigStatus

    return [f"MKLConfig.cmake: MKL_INTERFACE_FULL {s.value}" + (
        " by its default (no MKL_INTERFACE given): MKL::MKL links the 64-bit integer interface and defines MKL_ILP64 for "
        "what links it, while code that declares int sizes (or MKL's routines itself) passes 32-bit integers"
        if s.default else "") for s in events.of(MklConfigStatus) if s.variable == "MKL_INTERFACE_FULL" and "ilp64" in s.value][:1]


def _integer_flags(events: Parsed, configured: list[str]) -> list[str]:
    """What the log's own command lines say about the integer size: -DMKL_ILP64 and the interface library linked, after
    what its configure chose (``configured``, :func:`_configured_ilp64`)."""
    said = list(configured)
    for command in events.of(LinkCommand):
        text = " ".join(command.argv)
        ilp64_define = "-DMKL_ILP64" in text
        interfaces = sorted(set(re.findall(r"mkl_(?:intel|gf)_i?lp64", text)))
        if ilp64_define or interfaces:
            said.append(f"{command.tool}: {'-DMKL_ILP64' if ilp64_define else 'no -DMKL_ILP64'}, "
                        f"interface {', '.join(interfaces) or 'libmkl_rt (MKL_INTERFACE_LAYER decides)'}")
    return said


def _finding(event: ParameterError, events: Parsed, configured: list[str], width_first: bool = False) -> Finding:
    found = arguments.argument(event.routine, event.parameter)
    name, kind = found if found else (None, None)
    what = f" ({name}, {_WHAT.get(kind, 'an argument')})" if name else ""
    domain = arguments.rng_domain(event.routine, name) if kind == "distribution" else None  # said in a cause and a fix
    torch, r, scipy = event.checker == TORCH_CHECK, event.checker == R_XERBLA, event.checker == SCIPY_CHECK
    driver = f" ({event.routine[1:]})" if event.routine else ""  # PyTorch's LAPACK driver, where its operation names one
    evidence = [*((event.said,) if event.said else ()),
                f"MKL's argument check rejected argument {event.parameter} of {event.routine}{what}" if event.checker == "MKL"
                else f"LAPACKE's own check (LAPACKE_xerbla, before it calls LAPACK) rejected argument {event.parameter} of "
                     f"{event.routine}{what}" if event.checker == LAPACKE_CHECK
                else f"PyTorch's {event.api} checks the INFO its LAPACK call returned and takes a negative one for a bug of its "
                     f"own: INFO = -{event.parameter}, argument {event.parameter}{what} of the driver it calls{driver}" if torch
                else f"SciPy checks the INFO its LAPACK wrapper returned: INFO = -{event.parameter}, argument {event.parameter}"
                     f"{what} of {'?' + event.api.upper() if event.api else 'its workspace query'}, rejected by whichever LAPACK "
                     "SciPy runs (MKL, OpenBLAS)" if scipy
                else f"R's XERBLA reports {event.routine}'s INFO = -{event.parameter}: argument {event.parameter}{what} was "
                     "rejected, by whichever BLAS and LAPACK R runs (its own, MKL, a FlexiBLAS backend)"]
    evidence += _integer_flags(events, configured)
    integer = ("an integer read with the wrong size: the program passes 32-bit integers to MKL's 64-bit interface (ILP64: "
               "mkl_intel_ilp64, or libmkl_rt with MKL_INTERFACE_LAYER=ILP64) or the reverse; the decisive evidence: "
               "-DMKL_ILP64 on the compile line exactly when the link names mkl_intel_ilp64")
    older = ("an older MKL found first: a file of the same name from another release, earlier on LD_LIBRARY_PATH (a module "
             "system's or a cluster's MKL), serves the call with another interface than the one the program was built for; "
             "the decisive evidence: LD_DEBUG=libs shows where libmkl_* came from, and mkl_get_version_string which release runs")
    causes = {
        "int": [integer, older, "the value itself is wrong (a leading dimension smaller than the rows, a view's stride that is no "
                "leading dimension, an empty matrix's 0)"],
        "array": [f"{name} holds NaN or Inf: MKL's LAPACK drivers check their input matrices and reject them with this message "
                  "(mask or clean the input before the call)", integer],
        "scale": [f"the input holds NaN or Inf: {event.routine} is the scaling step of a LAPACK driver (least squares, SVD), "
                  f"and {name} is computed from the input's norm, which NaN makes NaN; the check rejects it", integer],
        "descriptor": [f"the descriptor disagrees with the matrix or the process grid ({name}): made by descinit for another "
                       "grid or context (a process outside the grid holds context -1), blocks (MB, NB) the routine does not "
                       "take, an LLD below the local rows numroc gives", "the descriptor read with the wrong integer size: "
                       "MKL's ILP64 ScaLAPACK and BLACS (mkl_scalapack_ilp64, mkl_blacs_*_ilp64) read each entry as 64 bits, "
                       "so a program of 32-bit descriptors (LP64) passes them garbage; link the _lp64 libraries", older],
        "distribution": [f"{name} is outside the distribution's domain ({domain}): "
                         "MKL's generator checks it and rejects the call (a caller that passes an edge value, p = 1 for "
                         "a geometric draw, must handle it itself)", integer],
        "work": [f"{name} is smaller than this MKL needs: ask MKL for the size first (a call with {name}=-1 returns it in WORK(1)); "
                 "a newer MKL may need more than the one the code's size was written for; the size a query returns may be "
                 "below the routine's own minimum (?geqrf's LWORK >= N: PyTorch takes max(N, the query's))",
                 f"{name} overflowed: a large problem's workspace (the divide-and-conquer eigensolvers need 1+6N+2N^2, past "
                 "2^31-1 from N of about 33,000) does not fit the LP64 interface's 32-bit integers and wraps negative: such "
                 "sizes need the ILP64 interface (64-bit integers)", integer],
    }.get(kind, [integer, older, "the argument itself is wrong for the routine"])
    # SciPy and PyTorch's linalg size the workspace themselves (a query first): it overflowed before it was too small
    # (scipy#9073; pytorch#92141: eigh of 53000 x 53000)
    # (SciPy's and PyTorch's own words are FollowOn events: ScipyInfo, TorchInfo, or PyTorch's line another echo claimed)
    sized_by_library = kind == "work" and any(isinstance(e, (ScipyInfo, TorchInfo)) or "has illegal value" in e.line
                                              for e in events.of(FollowOn))
    if sized_by_library:
        causes[:2] = causes[1::-1]
    single = kind == "work" and event.routine[:1].upper() in "SC" and not sized_by_library
    if single:  # MAGMA 070aa57: its testers' sgesdd at N = 7000 (lwork read back through a float)
        causes.insert(1, "the query's size rounded down: a single-precision routine returns it in WORK(1), a REAL, which "
                         "holds integers exactly only up to 2^24 (16,777,216); a larger size read back through a float may "
                         "fall below the routine's minimum (MAGMA's magma_*make_lwork; reference LAPACK now rounds it up, "
                         "SROUNDUP_LWORK)")
    if kind == "int" and name and name.startswith("INC"):
        causes.insert(0, f"{name} is 0: BLAS forbids a zero increment (a broadcast or stride-0 view passed as a vector), and a "
                         "negative one needs the vector's last element first")
    if width_first:
        causes = [integer, *(c for c in causes if c != integer)]
    if torch and event.routine[1:] == "GESDD" and event.parameter == 4:
        causes.insert(0, "the input holds NaN or Inf: MKL 2022 and newer (and OpenBLAS 0.3.15 and newer) return INFO = -4 "
                         "from ?gesdd for such a matrix, where older releases returned INFO > 0; PyTorch before its fix "
                         "(PR #68812) called it an internal bug")
    stedc = re.fullmatch(r"P[SDCZ]STEDC", event.routine.strip().upper()) is not None and event.parameter == 10
    if stedc:  # GlobalArrays/ga PR #122; UCL Research Computing's NWChem notes
        causes.insert(0, "Global Arrays' ga_pdsyevd (NWChem's parallel eigensolver) gives P?STEDC a workspace that MKL 2018 "
                         "and newer find too small (GA PR #122 enlarged it); MKL 2017 and older took that size")
    band = re.fullmatch(r"[SDCZ][SH]BRDB", event.routine.strip().upper()) is not None and event.parameter == 12
    if band:  # scipy#8205, #8713 (ZHBRDB from N = 2000); qutip#1495: QuTiP then required SciPy 1.5
        causes.insert(0, "SciPy before 1.5: its eigh and eigvalsh gave LAPACK's ?SYEVR and ?HEEVR the documented minimum "
                         "workspace, which MKL's band reduction (?SBRDB, ?HBRDB, which they call for large matrices) rejects; "
                         "eigvalsh then returns zeros but the last value (scipy#8205, #8713); SciPy 1.5's eigh asks LAPACK "
                         "for the size")
    outside = event.grid == "-1,-1"  # PXERBLA's {-1,-1}: the process has no place in the context's grid (rokko#316)
    if outside:
        causes.insert(0, "ScaLAPACK printed the process's grid place as {-1,-1}: the context it was given is no grid this "
                         "process is in: blacs_gridinit was not called (or on another context), the process is outside the "
                         "grid (more MPI ranks than nprow x npcol), or MKL's BLACS library is for another MPI than the one "
                         "that runs (mkl_blacs_intelmpi under Open MPI: link mkl_blacs_openmpi_lp64)")
    causes[:0] = ["the layout argument is neither row-major (101: CblasRowMajor, LAPACK_ROW_MAJOR) nor column-major (102): an "
                  "uninitialised value, or an enum of another library's header"] if kind == "layout" else []  # CBLAS's, LAPACKE's
    known = broken.rejecting(event.routine, event.parameter)
    causes = [f"a known fault of MKL {b.releases}: {b.what} (fixed in {b.fixed_in}; {b.source})" for b in known] + causes
    causes.append("calls made from several threads at once with MKL's own threads on (a batched factorization that runs "
                  "the routine for each matrix in parallel: pgml's batched LU in oneMKL): the same call passes in one thread")
    evidence += [f"possible cause: {cause}" for cause in causes]
    fix = []
    if kind == "distribution":
        fix.append(f"check {name} before the call: {domain} (mkl_random and numpy's "
                   "MKL builds pass the user's value on; a release that handles the edge values itself, mkl_random#15, "
                   "does not call MKL with them)")
    if band:
        fix.append("SciPy: python -m pip install \"scipy>=1.5\" (conda install \"scipy>=1.5\"), whose eigh sizes the workspace "
                   "by asking LAPACK; or np.linalg.eigh / eigvalsh, which never passed the minimum")
    if kind in ("array", "scale"):
        fix.append(f"check the input for NaN or Inf before the call (numpy: np.isfinite(a).all()); mask them in every input, "
                   "weights included")
    if sized_by_library:
        fix.append(f"the problem's workspace passes 2^31-1 elements, which the library's 32-bit LAPACK integers (SciPy's, "
                   "PyTorch's CPU build's) cannot say: a smaller problem, or a driver with a smaller workspace (SciPy: "
                   "eigh(driver='evr') or eig_banded(select=...) for the divide-and-conquer ones, svd(lapack_driver='gesvd') "
                   "for gesdd; PyTorch: the GPU's solver, cuSOLVER), or a LAPACK with 64-bit integers: NumPy 2's own "
                   "(np.linalg.eigh, np.linalg.svd: its wheels' OpenBLAS is built with them)")
    elif kind == "work":
        fix.append(f"query the workspace: call {event.routine} once with {name}=-1, then allocate what it returns, at least "
                   "the minimum the routine's documentation gives for it")
        if single:
            fix.append(f"read the queried size rounded up, not down: {name} = (int)(WORK(1) * (1 + FLT_EPSILON)) + 1 (C: "
                       "ceilf; Fortran: CEILING(WORK(1) * (1 + EPSILON(1.0)))), so that a size past 2^24 is not short")
        fix.append("a problem whose workspace passes 2^31-1 elements: build with 64-bit integers (mkl_intel_ilp64 with "
                   "-DMKL_ILP64; Fortran: -i8 or -fdefault-integer-8, and 64-bit integers in the code's own sizes)")
    if outside:
        fix.append("check the grid before the call: blacs_gridinfo(ctxt, nprow, npcol, myrow, mycol) gives myrow >= 0 on every "
                   "rank that calls; start nprow x npcol MPI ranks; link the BLACS of the MPI that runs "
                   "(mkl_blacs_intelmpi_lp64 for Intel MPI and MPICH, mkl_blacs_openmpi_lp64 for Open MPI)")
    if kind == "descriptor":
        fix.append(f"check the descriptor where it is made: descinit(desc, m, n, mb, nb, rsrc, csrc, ctxt, lld, info) with the "
                   "grid's own context (blacs_gridinit's), lld = max(1, numroc(m, mb, myrow, rsrc, nprow)), and its info 0; "
                   "processes outside the grid (context -1) must not call the routine")
        fix.append("the integer width: link MKL's ScaLAPACK and BLACS of the program's integers (mkl_scalapack_lp64 with "
                   "mkl_blacs_<mpi>_lp64 for 32-bit descriptors; the _ilp64 pair with -DMKL_ILP64 or -i8)")
    if kind == "int" and name and name.startswith("INC"):
        fix.append(f"check the value: {name} must not be 0; a stride-0 (broadcast) vector must be copied to contiguous memory "
                   "first (numpy: np.ascontiguousarray; ndarray: .to_owned()), or the call made without BLAS")
    if kind == "int" and name and name.startswith("LD"):  # a leading dimension: at least max(1, rows), even for an empty matrix
        rows = ("the rows of its matrix (column-major), its columns with the row-major layout (CblasRowMajor, "
                "LAPACK_ROW_MAJOR)" if re.match(r"(?i)cblas_|lapacke_", event.routine.strip()) else "the rows of its matrix")
        fix.append(f"check the value: {name} must be at least max(1, {rows}); an empty matrix (0 rows or "
                   f"columns) still needs {name} >= 1, so guard the call or pass 1")
    if kind == "int" and re.fullmatch(r"(?:cblas_)?[sdcz]gem[mv]", event.routine.strip().lower()) and not configured:
        fix.append(f"a Rust program on intel-mkl-src (candle, text-embeddings-inference, ndarray-linalg): with no mkl-* "
                   f"feature reaching the crate (a feature of the program that does not name dep:intel-mkl-src) it builds "
                   f"{build_scripts.INTEL_MKL_SRC_DEFAULT}, 64-bit integers, while these crates pass 32-bit ones: enable an "
                   "lp64 feature (mkl-static-lp64-iomp, mkl-dynamic-lp64-seq) with default-features = false, then "
                   f"{recipes.CARGO_CLEAN}")
    fix[:0] = [f"the MKL release: {b.releases} have this fault; use MKL {b.fixed_in} or newer "
               f"({recipes.conda_install(recipes.q(f'mkl>={b.fixed_in}'))}; mkl_get_version_string says which runs)"
               for b in known[:1]]
    fix[:0] = ["NWChem or another program on Global Arrays: a GA release with PR #122's larger work array for P?STEDC (NWChem "
               "built with its own newer GA), or until then an MKL before 2018 (UCL Research Computing's NWChem notes: the "
               "Intel 2017 compiler's module)"] if stedc else []
    width = ("the integer size: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 (with libmkl_rt: "
             "MKL_INTERFACE_LAYER=ILP64 only for a program built for it); CMake's find_package(MKL) (Intel's MKLConfig.cmake) "
             f"links {layout.DEFAULTS['cmake']['interface']} unless told: set(MKL_INTERFACE lp64) before it for code that "
             "passes int; mkldoctor link --interface lp64 (or ilp64) prints matching compile and link flags")
    fix = [width, *fix] if width_first else [*fix, width]
    if event.api.startswith("GAL_"):  # Global Arrays' wrapper passes GA's integers on (nwchem#790)
        fix.insert(0, f"Global Arrays' {event.api} passes GA's integers to the BLAS and LAPACK it was built with: NWChem's "
                      "BLAS_SIZE must match MKL's interface (BLAS_SIZE=8 with mkl_intel_ilp64; BLAS_SIZE=4 with mkl_intel_lp64, "
                      "USE_64TO32=y and make 64_to_32 first), and MKL linked as NWChem's own settings do (its CI's, "
                      "dynamically: nwchem#790)")
    if torch:
        fix.insert(0, "check the tensor for NaN or Inf (torch.isfinite(x).all()); a PyTorch with its fix for LAPACK's newer "
                      "INFO (PR #68812) reports non-finite input as such")
    if r:
        fix.append("R with FlexiBLAS: run the same call with another backend (FLEXIBLAS=OPENBLAS R, or flexiblas_switch() in "
                   "R): if it passes there, the backend library is at fault; an MKL backend for FlexiBLAS built with MKL's "
                   "own builder (make libintel64 ... name=flexiblas_mkl) mended it (r-flexiblas#2)")
    fix += ["an older MKL first: take its folder off LD_LIBRARY_PATH (module unload), so that the MKL the program was built "
            "with is loaded",
            "calls from several threads: if the run passes with MKL_NUM_THREADS=1 (torch.set_num_threads(1)), make the calls "
            "one at a time (one matrix per call, not a batch run in parallel), or keep MKL at one thread inside the caller's "
            "threads"]
    return Finding(
        "mkl-parameter-error", "error",
        f"MKL rejected parameter {event.parameter} of {event.routine}{what}" if event.checker == "MKL" else
        f"LAPACKE rejected parameter {event.parameter} of {event.routine}{what}" if event.checker == LAPACKE_CHECK else
        f"PyTorch's {event.api}: its LAPACK call{driver} rejected argument {event.parameter}{what}" if torch else
        f"SciPy's LAPACK call{f' (?{event.api.upper()})' if event.api else ''} rejected argument {event.parameter}"
        f"{what}" if scipy else
        f"the LAPACK under R rejected argument {event.parameter} of {event.routine}{what}",
        tuple(evidence), tuple(fix),
        "MKL checks each call's arguments and names the first one it rejects. The same message comes from a wrong value, "
        "from an integer of the other size (the LP64 and ILP64 interfaces read 4 or 8 bytes), from an older MKL answering "
        "a call built for a newer one, and, for LAPACK's drivers, from NaN in the input.",
        ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'libmkl_(rt|core|intel_i?lp64)'   # which MKL files, from which folder",
         "MKL_VERBOSE=1 <the program>   # the MKL release that runs, and each call's arguments as MKL read them",
         "MKL_NUM_THREADS=1 <the program>   # passes in one thread: a fault of calls made in parallel",
         "python3 -c \"import ctypes; b = ctypes.create_string_buffer(256); ctypes.CDLL('libmkl_rt.so').mkl_get_version_string(b, 256); "
         "print(b.value.decode())\"   # the release the loader finds"),
    )
