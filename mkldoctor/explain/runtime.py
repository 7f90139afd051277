"""MKL and OpenMP at run time: the signatures of MKL's and OpenMP's own messages, and the diagnoses of
two OpenMP runtimes in one process and a threading layer that cannot share it.

What MKL says about its kernels and layers (``Cannot load``, ``undefined symbol`` in a kernel) is
diagnosed in :mod:`kernels`; ``Parameter N was incorrect`` in :mod:`parameters`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mkldoctor.explain import ompdup
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, preceded
from mkldoctor.findings import Finding
from mkldoctor.knowledge import broken, facts, layout
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.translated import ENGLISH_LOADER_REASON


@dataclass(frozen=True, slots=True)
class MklCannotLoad:
    libraries: tuple[str, ...]  # ("libmkl_avx2.so.2", "libmkl_def.so.2")


@dataclass(frozen=True, slots=True)
class MklOpenFailed:
    path: str  # what MKL tried to dlopen
    reason: str


@dataclass(frozen=True, slots=True)
class OmpDuplicate:
    library: str
    already: str


@dataclass(frozen=True, slots=True)
class OmpNestedDeprecated:
    """``OMP: Info #273: omp_set_nested routine deprecated, please use omp_set_max_active_levels instead.``"""

    line: str


@dataclass(frozen=True, slots=True)
class OmpAssertion:
    """``OMP: Error #13: Assertion failure at z_Linux_util.cpp(2361).``: Intel's OpenMP runtime stopped on its own check."""

    source: str  # "z_Linux_util.cpp(2361)"
    line: str


@dataclass(frozen=True, slots=True)
class OmpRegistration:
    """``OMP: Error #18: Setting environment variable "__KMP_REGISTERED_LIB_12973" failed:`` (libiomp5's own words): the
    runtime could not register itself in the process's environment (DIRAC's page: a statically linked threaded MKL)."""

    line: str


@dataclass(frozen=True, slots=True)
class ThreadingConflict:
    layer: str  # "INTEL"
    library: str  # "libgomp.so.1"


@dataclass(frozen=True, slots=True)
class ParameterError:
    parameter: int
    routine: str
    checker: str = "MKL"  # whose check said it: MKL's XERBLA, or a host's words for LAPACK's INFO < 0 (R's, PyTorch's)
    api: str = ""  # the host's own name of the call ("svd_cpu"), where it names no LAPACK routine
    said: str = ""  # the host's line, where it is the failure's only line
    grid: str = ""  # ScaLAPACK's PXERBLA: the process's row and column in the grid ("-1,-1": none)


LAPACKE_CHECK = "LAPACKE"  # ParameterError.checker of LAPACKE's own check (LAPACKE_xerbla), before the LAPACK call


_GRID = r"\{\s*(?P<row>-?\d+),\s*(?P<col>-?\d+)\}:\s*"  # ScaLAPACK's PXERBLA: the process's place in the grid
_GRID_HEAD = re.compile(rf"{_GRID}(?:On entry to\s*)?$")


def _grid(m: re.Match, before) -> str:
    """PXERBLA's "{row, col}:" before its words, on their line or alone on the line before (MKL's ScaLAPACK breaks the
    line after "On entry to")."""
    if m["row"] is None and before:
        m = _GRID_HEAD.search(list(before)[-1]) or m
    return f"{m['row']},{m['col']}" if m["row"] is not None else ""


@dataclass(frozen=True, slots=True)
class MklKernelUndefined:
    path: str  # the kernel or layer library MKL opened
    symbol: str


@dataclass(frozen=True, slots=True)
class KernelUndefinedSaid:
    """A person's words for it: "undefined symbol mkl_sparse_optimize_bsr_trsm_i8 in libmkl_def.so" (py-mkl-pardiso
    574abc4's commit), the library on the same line or at the head of the next."""

    symbol: str
    path: str  # "" until the next line names it
    wants: int = field(default=1, compare=False)

    def followed(self, lines: tuple[str, ...]) -> MklKernelUndefined | None:
        at = re.match(r"^\s*in (\S{0,300}libmkl_\w{1,60}\.so[\w.]{0,20})", lines[0]) if lines else None
        return MklKernelUndefined(at.group(1), self.symbol) if at else None  # no library named: the line's error word says it


# some Windows releases of MKL spell it "FATAL ERRROR" (nuitka#3431)
_MKL_ERROR = r"(?:(?:I|\b)ntel|(?:I|\b)NTEL)(?:\(R\))? (?:one)?MKL (?:FATAL )?ERR+OR: "  # a paste may cut its first letter

# the routine ends the line, or its full stop does (a reporter's own words may follow it: "DGELSD.这个错误")
_PARAMETER = re.compile(r"MKL ERROR: Parameter (?P<n>\d{1,4}) was incorrect on entry to (?P<routine>[\w.]+?)\s*(?:\.|$)", re.I)
_PARAMETER_BARE = re.compile(r"(?<!MKL ERROR: )\bParameter (?P<n>\d{1,4}) was incorrect on entry to (?P<routine>[\w.]+?)\s*(?:\.|$)", re.I)


def _lookup_record(path: str, symbol: str):
    """LD_DEBUG's record of a failed lookup: none for a name looked up as optional, else the lookup by the library named."""
    from mkldoctor.explain.hosts import SymbolLookupError

    if symbol.startswith(facts.OPTIONAL_LOOKUPS):
        return None
    if ".so" not in path:  # the program's own scope ("python: error: ..."): the loader's line with no library, as said bare
        return NOT_MINE
    return SymbolLookupError("a program (the log does not name it)", path, symbol)


def _cannot_load(m: re.Match, _) -> MklCannotLoad:
    # a pasted log may quote the message: `Intel MKL FATAL ERROR: Cannot load mkl_intel_thread.dll.`, or set it in
    # Markdown's bold: **Intel MKL FATAL ERROR: Cannot load libmkl_core.so.**
    # MKL 10's words: "Cannot load neither libmkl_mc3.so nor libmkl_def.so"
    said = re.sub(r"\s+n?or$", "", re.sub(r"^neither\s+", "", m.group("libs").strip()))  # a wrapped line's dangling "or"
    # each name up to its end (a question's words may follow it: "... libmkl_def.so.`. What do I have to do?")
    libs = (re.match(r"[`'\"*]*([^\s`'\"*]*)", p.strip()).group(1).rstrip(".") for p in re.split(r"\s+n?or\s+|,\s*", said))
    return MklCannotLoad(tuple(lib for lib in libs if lib))


@dataclass(frozen=True, slots=True)
class MklFunctionLoad:
    """``Intel MKL function load error: cpu specific dynamic library is not loaded.`` (PaddlePaddle/Paddle#27842)."""

    line: str


@dataclass(frozen=True, slots=True)
class MklFunctionMissing:
    """``Intel oneMKL function load error: __vslNewStreamEx.``: MKL's dispatcher opened a library without that name."""

    name: str


SIGNATURES = (
    Signature("mkl-function-load-error", "runtime", "rror",
              re.compile(r"MKL function load error: cpu specific dynamic library is not loaded", re.I),
              lambda m, _: MklFunctionLoad(m.string.strip()[:300])),
    Signature("mkl-function-load-error-name", "runtime", "rror",
              re.compile(r"(?:one)?MKL function load error: (?P<name>[A-Za-z_$][\w$]{0,200})\.?\s*$"),
              lambda m, _: MklFunctionMissing(m.group("name"))),
    # Windows' MKL says it "MKL FATAL ERROR on load the function mkl_blas_xsdot" (demucs#27)
    Signature("mkl-function-load-error-windows", "runtime", "ERROR on load the function",
              re.compile(r"MKL FATAL ERROR on load the function (?P<name>[A-Za-z_$][\w$]{0,200})\.?\s*$"),
              lambda m, _: MklFunctionMissing(m.group("name"))),
    # a page's one line for the loader's words and MKL's after them (intel-extension-for-pytorch's known issues): "Undefined
    # symbol: `mkl_lapack_dspevd`. Intel MKL FATAL ERROR: cannot load `libmkl_vml_avx512.so.2` or `libmkl_vml_def.so.2."
    Signature("mkl-kernel-undefined-then-cannot-load", "runtime", "ndefined symbol",
              re.compile(r"[Uu]ndefined symbol: `?(?P<sym>mkl_\w{1,200})`?\.?\s+" + _MKL_ERROR + r"[Cc]annot load `?(?P<path>lib\w{1,60}\.so(?:\.\d{1,4}){0,3})`?[\s.]"),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    # macOS's dyld, in MKL's own line: "INTEL MKL ERROR: dlopen(/x/lib/libmkl_intel_thread.dylib, 9): Symbol not found:
    # _mkl_serv_inspector_loaded" (conda#9947; dyld's underscore before a C name taken off)
    Signature("mkl-dlopen-symbol-not-found", "runtime", "ERROR: dlopen(",
              re.compile(_MKL_ERROR + r"dlopen\((?P<path>[^,()]{1,400}\.dylib), \d+\): Symbol not found: _?(?P<sym>\w{1,200})"),
              lambda m, _: MklKernelUndefined(m["path"], m["sym"])),
    Signature("mkl-fatal-cannot-load", "runtime", "annot load",  # Cannot load; MKL 2019 and older: cannot load
              re.compile(r"(?:(?:Intel|INTEL)(?:\(R\))? )?(?:one)?MKL FATAL ERR+OR: ?Cannot load (?!symbol )(?P<libs>.+?)\.?\s*$", re.I), _cannot_load),
    Signature("mkl-cannot-load-bare", "runtime", "annot ",  # a page's quote without MKL's prefix (jasmine's script); a
              # script's note of the same, said as "cannot open libmkl_def.so.1" (lili2014's block2 wrapper)
              re.compile(r"^\s*[Cc]annot (?:load|open) (?P<libs>(?:lib)?mkl_\w+\.(?:so(?:\.\d+)?|dylib|dll|\d\.dll)(?: or (?:lib)?mkl_\w+\.\S+?)?)\.?"
                         r"(?::\s*undefined symbol\b.*)?\s*$"),  # mlibra's comment: "Cannot load libmkl_def.so: undefined symbol ..."
              _cannot_load),
    Signature("mkl-cannot-open", "runtime", "cannot open shared object",  # "file" may be wrapped onto the next line
              re.compile(r"(?:Intel|INTEL)(?:\(R\))? (?:one)?MKL ERROR: (?P<path>\S+?): (?P<reason>cannot open shared object(?: file[^.]*)?)", re.I),
              lambda m, _: MklOpenFailed(m.group("path"), m.group("reason").strip())),
    # MKL's own words, and a reporter's in any case ("intel mkl error: parameter 6 was incorrect ..."): one pattern
    *(Signature(name, "runtime", needle, _PARAMETER, lambda m, _: ParameterError(int(m.group("n")), m.group("routine")))
      for name, needle in (("mkl-parameter", "MKL ERROR: Parameter"), ("mkl-parameter-any-case", "rror: "))),
    # the same words quoted without MKL's prefix (a project's notes, a program that relays MKL's output): "was incorrect on
    # entry to" is MKL's XERBLA's alone (reference LAPACK's and OpenBLAS's say "had an illegal value")
    Signature("mkl-parameter-bare", "runtime", "ncorrect on entry to", _PARAMETER_BARE,
              lambda m, _: ParameterError(int(m.group("n")), m.group("routine"))),
    # LAPACKE's own check (LAPACKE_xerbla: MKL's, reference LAPACKE's, OpenBLAS's): the C interface's layout and leading
    # dimensions, "Wrong parameter 5 in LAPACKE_dgetrf_work" (produced with the pinned wheel: a row-major LDA below N)
    Signature("lapacke-wrong-parameter", "runtime", "Wrong parameter",
              re.compile(r"\bWrong parameter (?P<n>\d{1,4}) in (?P<routine>LAPACKE_\w{2,40})"),
              lambda m, _: ParameterError(int(m.group("n")), m.group("routine"), LAPACKE_CHECK)),
    Signature("xerbla-illegal-value", "runtime", "illegal value",  # ScaLAPACK's PXERBLA, reference LAPACK's XERBLA
              re.compile(rf"(?:{_GRID})?(?:On entry to\s+)?(?P<routine>P?[SDCZ][A-Z0-9]{{2,}})\s+"
                         r"parameter number\s+(?P<n>\d{1,4}) had an illegal value"),
              lambda m, before: ParameterError(int(m.group("n")), m.group("routine"), grid=_grid(m, before))),
    # Global Arrays' wrapper's own XERBLA words, squashed where a title lost its spaces (NWChem#790: "**ONENTRYTO
    # GAL_DSYEVPARAMETER NUMBER 8HADANILLEGALVALUE", a BLAS_SIZE of NWChem's build that MKL's interface did not match)
    *(Signature(f"ga-xerbla-illegal-value-{i}", "runtime", needle,
                re.compile(r"(?i)ON\s*ENTRY\s*TO\s*GAL_(?P<routine>P?[SDCZ][A-Z0-9]{2,}?)\s*PARAMETER\s*NUMBER\s*"
                           r"(?P<n>\d{1,4})\s*HAD\s*AN\s*ILLEGAL\s*VALUE"),
                lambda m, _: ParameterError(int(m["n"]), m["routine"].upper(), api="GAL_" + m["routine"].upper()))
      for i, needle in enumerate(("ILLEGALVALUE", "illegal value"))),
    # SciPy's words for LAPACK's info < 0: "ValueError: The 7th argument to ?geqrf was invalid" (scipy#6132)
    Signature("scipy-argument-invalid", "runtime", "rror",
              re.compile(r"\bThe (?P<n>\d{1,4})(?:st|nd|rd|th) argument to \??(?P<routine>[a-zA-Z]\w+) was invalid"),
              lambda m, _: ParameterError(int(m.group("n")), "D" + m.group("routine").upper() if m.string[m.start("routine") - 1] == "?"
                                          else m.group("routine").upper())),
    # PyTorch turns LAPACK's rejected argument into an assert that echoes it: "RuntimeError: false INTERNAL ASSERT FAILED
    # at ".../BatchLinearAlgebra.cpp" ... torch.linalg.lstsq: Argument 4 has illegal value" (pytorch#138451)
    Signature("torch-lapack-assert", "runtime", "INTERNAL ASSERT FAILED",
              re.compile(r"INTERNAL ASSERT FAILED at \S*LinearAlgebra\w*\.cpp"), lambda m, _: FollowOn(m.string.strip())),
    Signature("mkl-threading-layer", "runtime", "is incompatible with",
              re.compile(r"MKL_THREADING_LAYER=(?P<layer>\w+) is incompatible with (?P<lib>[\w.+-]+?)(?:\s|\.?$)"),
              lambda m, _: ThreadingConflict(m.group("layer"), m.group("lib"))),
    # mkl-service's second line of that message, behind a logger's prefix (vLLM's "ERROR 10-25 10:55:54 registry.py:267]")
    Signature("mkl-service-threading-hint", "runtime", "ERROR",
              re.compile(r"Try to import numpy first or set the threading layer accordingly"), lambda m, _: FollowOn(m.string.strip()[:200])),
    # a host's own check that names the layer it needs: Theano's "To use MKL 2018 with Theano you MUST set
    # "MKL_THREADING_LAYER=GNU" in your environement." (its compiled code runs on GNU's libgomp)
    # Theano's own check without its "Error" (its RuntimeError's text alone, over lines): '... either update the numpy conda
    # packages to their latest build or set "MKL_THREADING_LAYER=GNU" in your environment.'
    Signature("theano-wants-gnu-layer", "runtime", "MKL_THREADING_LAYER=GNU",
              re.compile(r"\b(?:MUST )?set \W?MKL_THREADING_LAYER=GNU\W? in your\b"),
              lambda m, _: ThreadingConflict("INTEL", "libgomp (the GNU OpenMP of the program's own compiled code, by its check)")),
    # the demand first, the error word looked up before it ("[Ee]rror.*... set MKL_THREADING_LAYER=GNU" was quadratic)
    Signature("host-wants-gnu-layer", "runtime", "rror",
              re.compile(r"\b(?:MUST|must|need to|have to|should) set \W?MKL_THREADING_LAYER=GNU\b"),
              preceded(r"[Ee]rror\b", lambda m, _: ThreadingConflict(
                  "INTEL", "libgomp (the GNU OpenMP of the program's own compiled code, by its check)"))),
    # a crash report's frames, innermost first: __kmp_fatal under __kmp_register_library_startup is OMP Error #15's
    # check, whose message the report does not show (AMICI#1270: macOS's crash report)
    Signature("omp-duplicate-frames", "runtime", "_kmp_register_library_startup",
              re.compile(r"^\s*(?:\d+\s+\S+\s+0x[0-9a-f]+\s+)?__kmp_register_library_startup\b"),
              lambda m, before: OmpDuplicate(ompdup.FRAMES_SAID, "") if any("__kmp_fatal" in b for b in before)
              else NOT_MINE),
    # the "OMP: " prefix is often cut from a pasted line ("MP: Error #15", "P: Error #15", or none)
    Signature("omp-duplicate", "runtime", "Error #15",
              # a log wrapped at 70 columns ends the line after the second name ("... but found libomp.dylib" / "already initialized.")
              # a paste cut after the first name ("Initializing libiomp5md.dll, bu [...]", anaconda-issues#13121): #15 says it
              re.compile(r"Error #15: Initializing (?P<lib>[^\s,]+),?(?: but found (?P<other>\S+?)(?: already\b|\s*$))?"),
              lambda m, _: OmpDuplicate(m.group("lib"), m.group("other") or m.group("lib"))),
    # its words with the number lost: Markdown made "#15" an issue link ("OMP: Error https://.../issues/15: Initializing
    # libiomp5md.dll, but found libiomp5md.dll already initialized.": robotology-superbuild's FAQ)
    Signature("omp-duplicate-words", "runtime", "already initiali",
              re.compile(r"\bInitializing (?P<lib>\S+?),? but found (?P<other>\S+?) already initiali[sz]ed"),
              lambda m, _: OmpDuplicate(m.group("lib"), m.group("other"))),
    Signature("omp-registration-failed", "runtime", "Error #18",
              re.compile(r"Error #18: Setting environment variable \"?__KMP_REGISTERED_LIB"), lambda m, _: OmpRegistration(m.string.strip()[:300])),
    # the number is the runtime release's (#273, #274, #276; 2026.2's libiomp5: #277, produced here); #269: the variable
    *(Signature(f"omp-info-nested-deprecated-{i}", "runtime", needle,
                re.compile(r"OMP: Info #\d{3}: (?:omp_[sg]et_nested routine|OMP_NESTED variable) deprecated"),
                lambda m, _: OmpNestedDeprecated(m.string.strip()[:200])) for i, needle in enumerate(("OMP: Info #27", "OMP: Info #269", "nested routine deprecated"))),
    Signature("omp-assertion", "runtime", "Error #13",
              re.compile(r"Error #13: Assertion failure at (?P<src>[\w.]+\.c(?:pp)?(?:\(\d+\))?)"),  # a page may drop the line
              lambda m, _: OmpAssertion(m.group("src"), m.string.strip())),
    # the word may come broken by a paste ("undefined sym bol:", arrayfire#2912)
    Signature("mkl-kernel-undefined", "runtime", "ndefined sym",
              re.compile(_MKL_ERROR + r"(?P<path>\S+?): undefined sym ?bol: (?P<sym>[\w.$]+?)\.?\s*$", re.I),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    Signature("mkl-kernel-undefined-said", "runtime", "ndefined symbol ",
              re.compile(r"\bundefined symbol (?P<sym>mkl_\w{1,200})(?:\s+in\s+(?P<path>\S{0,300}libmkl_\w{1,60}\.so[\w.]{0,20}))?"),
              lambda m, _: MklKernelUndefined(m["path"], m["sym"]) if m["path"] else KernelUndefinedSaid(m["sym"], "")),
    # MKL 10's own words (GalSim#261): "*** libmkl_mc3.so *** failed with error : /x/libmkl_mc3.so: undefined symbol: ..."
    Signature("mkl10-kernel-undefined", "runtime", "failed with error",
              re.compile(r"\*\*\* (?:lib)?mkl_\w+\.so \*\*\* failed with error : (?P<path>\S+?): undefined symbol: (?P<sym>[\w.$]+)"),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    Signature("ld-debug-kernel-undefined", "runtime", "symbol lookup error: undefined symbol",  # LD_DEBUG's own line
              re.compile(rf"(?<!\S)(?P<path>\S*lib(?:{layout.stems(('kernel', 'vml-kernel'))})\.so[\w.]*): error: symbol lookup error: "
                         r"undefined symbol: (?P<sym>[\w.$]+)"),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    # LD_DEBUG's record of every failed lookup, a dlsym's probe for an optional name too (libiomp5's ompt_start_tool, MKL's
    # scalable_malloc: a working program's dump has a dozen): those names are no failure; a lookup that stops the program
    # has the loader's own line ("./app: symbol lookup error: ..."), read by the hosts' family
    Signature("ld-debug-lookup-record", "runtime", "symbol lookup error: undefined symbol",
              re.compile(r"(?<!\S)(?P<path>\S+): error: symbol lookup error: undefined symbol: (?P<sym>[\w.$@]+) \(fatal\)\s*$"),
              lambda m, _: _lookup_record(m.group("path"), m.group("sym"))),
    # the same with the loader's words translated ("nicht definiertes Symbol: mkl_sparse_...", "未定义的符号: ..."): an MKL
    # library's path, some words, and a C name
    # MKL's loader message with nothing in it ("INTEL MKL ERROR: ." before its "Cannot load libmkl_mc3.2.dylib.": the
    # system's error text was empty, r-inla#87): the Cannot load after it is the failure
    Signature("mkl-error-empty", "runtime", "MKL ERROR", re.compile(_MKL_ERROR + r"\.?\s*$", re.I), lambda m, _: FollowOn(m.string.strip())),
    Signature("mkl-kernel-undefined-translated", "runtime", "MKL ERROR",
              re.compile(_MKL_ERROR + r"(?P<path>\S{0,400}libmkl_\w{1,60}\.so[\w.]{0,20}): (?P<what>[^:]{3,80}): "
                         r"(?P<sym>[A-Za-z_$][A-Za-z0-9_.$]{0,200}?)\.?\s*$", re.I),
              lambda m, _: NOT_MINE if ENGLISH_LOADER_REASON.search(m.group("what")) else MklKernelUndefined(m.group("path"), m.group("sym"))),
    # MKL 11's words (the Tianhe centre's manual): "MKL FATAL ERROR on loading the function<TAB>mkl_dft_mc3_dfti_create_dc1d"
    *(Signature(f"mkl-error-loading-function-{i}", "runtime", needle,
                re.compile(r"(?:" + _MKL_ERROR + r"Error on loading function|MKL FATAL ERROR on loading the function)\s*'?(?P<sym>\w+)'?", re.I),
              # OpenCL's and Level Zero's entry points are gpuloader's: a GPU runtime's loader, not a kernel
                lambda m, _: NOT_MINE if re.match(r"(?:cl|ze)[A-Z]", m.group("sym")) else MklKernelUndefined("", m.group("sym")))
      for i, needle in enumerate(("Error on loading function", "ERROR on loading the function"))),
)


def _assertion(event: OmpAssertion) -> Finding:
    fork = event.source.startswith("z_Linux_util")
    known = broken.known("openmp-assertion", "linux")
    evidence = [event.line]
    if fork:
        evidence.append("z_Linux_util.cpp is the runtime's code for the process itself (threads, signals, fork): its assertion "
                        "there is most often a child process forked after the parent started OpenMP's threads (multiprocessing, "
                        "a server's workers, a data loader's)")
    if event.source.startswith("kmp_runtime"):
        evidence.append("kmp_runtime.cpp is the runtime's own bookkeeping of its threads and teams: a known cause of its assertion "
                        "there is a second OpenMP runtime in the process, GNU's libgomp (a module compiled and linked with "
                        "gcc -fopenmp) beside Intel's libiomp5 (MKL's intel_thread layer), both starting threads")
        return Finding(
            "openmp-assertion", "error", f"Intel's OpenMP runtime stopped on its own assertion at {event.source}: a second "
            "OpenMP runtime (GNU's libgomp) in the same process is a known cause",
            tuple(evidence),
            ("one runtime per process: a module you build with gcc: compile with -fopenmp but link with -liomp5 and no -lgomp "
             "(gcc -fopenmp at the link adds -lgomp); check: ldd <the module> | grep -E 'gomp|iomp5'",
             "or use MKL's GNU threading layer with GNU's runtime: export MKL_THREADING_LAYER=GNU (libmkl_rt), or link "
             "-lmkl_gnu_thread -lgomp in place of -lmkl_intel_thread -liomp5",
             "or MKL_THREADING_LAYER=SEQUENTIAL, which takes Intel's runtime out of MKL's calls"),
            "OMP: Error #13 is the runtime's own check failing (libiomp5, which MKL's intel_thread layer uses), not the program's: "
            "two OpenMP runtimes each managing threads in one process break its assumptions.",
            ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'libgomp|libiomp5'   # both listed: two runtimes",),
        )
    fix = [*(r.advice for r in known if fork),
           "export KMP_INIT_AT_FORK=FALSE   # the runtime does not re-initialise itself in a forked child (Intel's workaround)",
           "or start child processes fresh rather than forked: multiprocessing.set_start_method('spawn') (or 'forkserver')",
           "or another build of Intel's OpenMP runtime (conda's intel-openmp, the oneAPI runtime) than the one that asserts"]
    return Finding(
        "openmp-assertion", "error", f"Intel's OpenMP runtime stopped on its own assertion at {event.source}"
        + (": most often a process forked after OpenMP started" if fork else ""),
        tuple(evidence), tuple(fix) if fork else tuple(fix[-1:]) + ("MKL_THREADING_LAYER=SEQUENTIAL (or GNU) takes Intel's "
                                                                    "runtime out of MKL's calls",),
        "OMP: Error #13 is the runtime's own check failing (libiomp5, which MKL's intel_thread layer uses), not the program's: a "
        "runtime release with a bug, or a use it does not support (a fork after its threads started), makes it stop.",
        ("python -c 'import numpy; numpy.show_config()'; conda list intel-openmp   # the runtime's release",),
    )


def runtime_misc(events: Parsed, ctx: Context) -> list[Finding]:
    out = [_assertion(e) for e in events.of(OmpAssertion)[:1]]
    out += [Finding(
        "openmp-nested-deprecated", "warning",
        "Intel's (or LLVM's) OpenMP runtime says the environment sets OMP_NESTED, which OpenMP 5.0 deprecated: a notice, "
        "not a failure" if "OMP_NESTED" in e.line else
        "Intel's (or LLVM's) OpenMP runtime says a caller used omp_set_nested, which OpenMP 5.0 deprecated: a notice, not a failure",
        (e.line, "OpenMP 5.0 replaced omp_set_nested (and OMP_NESTED) with omp_set_max_active_levels (OMP_MAX_ACTIVE_LEVELS); "
                 "libiomp5 (MKL's runtime) and libomp print this once when a program, a library or the environment still "
                 "uses the old one (Numba's OpenMP threading layer before 0.67)"),
        (("unset OMP_NESTED; where nested parallelism is wanted, export OMP_MAX_ACTIVE_LEVELS=2 (any number of levels above 1)",)
         if "OMP_NESTED" in e.line else ("upgrade the library that calls it (Numba 0.67 and newer: python -m pip install -U numba)",))
        + ("or quiet the runtime's notices: export KMP_WARNINGS=0",),
        "The runtime informs of a deprecated call and goes on; results are not affected.",
    ) for e in events.of(OmpNestedDeprecated)[:1]]
    for event in events.of(OmpDuplicate):
        same = event.library == event.already
        windows = event.library.lower().endswith(".dll")
        out.append(Finding(
            "openmp-duplicate", "error", ompdup.said(event)[0],
            ompdup.said(event)[1] + ((f"two copies of the same runtime ({event.library}): two packages each ship their own",)
                                     if same else ()),
            (*ompdup.in_matlab(event, ctx), *ompdup.vendored(ctx), *ompdup.fixes(event),
             "not a fix, it only hides the clash (it may crash or give wrong results): "
             + ("set KMP_DUPLICATE_LIB_OK=TRUE" if windows else "export KMP_DUPLICATE_LIB_OK=TRUE")),
            "Two copies of an OpenMP runtime (two libiomp5, or libiomp5 with LLVM's libomp) were loaded, typically one from MKL "
            "and one from another package (PyTorch, conda, a wheel). Each keeps its own thread pool, so the runtime stops the "
            "process; the fix is one runtime in the process.",
            (ompdup.WINDOWS_COPIES,) if windows else ("ldd ./your-program | grep -E 'iomp|gomp|libomp'",),
        ))
    for event in events.of(MklFunctionLoad)[:1]:
        out.append(Finding(
            "mkl-kernel-not-loaded", "error", "MKL's dispatcher had no CPU-specific kernel library loaded when a function was "
            "called: most often two MKL copies in one process",
            (event.line, "MKL opens its CPU-specific kernel (libmkl_avx2, libmkl_avx512, libmkl_def...) when a function is "
                         "first called; none was loaded, which happens when a package's own MKL (Paddle's, a wheel's) shares "
                         "the process with numpy's or scipy's MKL of another release, the first one loaded answering for both, "
                         "or when the kernels are not beside MKL's core"),
            ("make the packages agree on one MKL: the numpy and scipy releases the package was built with (its requirements "
             "pin them; Paddle#27842: numpy 1.19 with scipy 1.5 or 1.6 for paddlepaddle 2.2), then check: pip check, or "
             "conda list 'mkl|numpy|scipy'",
             "a bundle or image: copy MKL's kernel libraries (libmkl_def, libmkl_avx2, libmkl_avx512, libmkl_mc3) beside "
             "libmkl_core"),
            "MKL loads its processor-specific code from separate libraries at run time; the process must have one MKL whose "
            "dispatcher finds the kernels of its own release.",
            ("LD_DEBUG=libs <the program> 2>&1 | grep -E 'libmkl_(core|rt|def|avx)'   # which MKL copies load, and from where",),
        ))
    for event in events.of(OmpRegistration)[:1]:
        out.append(Finding(
            "openmp-registration-failed", "error", "Intel's OpenMP runtime could not register itself in the process's "
            "environment (OMP: Error #18): memory ran out, or a copy of it linked statically into the program",
            (event.line, "libiomp5 sets __KMP_REGISTERED_LIB_<pid> when it starts, to find a second copy of itself; setenv "
             "failed, which its hint blames on memory: a process out of memory (or address space: ulimit -v), or the runtime "
             "linked statically (a static threaded MKL: libmkl_intel_thread.a with libiomp5.a), which Intel's documentation advises against"),
            ("link MKL's threading dynamically (libmkl_intel_thread.so with libiomp5.so, or -lmkl_rt), or link the "
             "sequential layer statically instead (libmkl_sequential.a): no OpenMP runtime inside the program",
             "check the process's limits: ulimit -a (virtual memory, data size), and the memory the run needs"),
            "Intel's OpenMP runtime keeps one copy per process and registers it in the environment; a copy that cannot "
            "register stops the program.",
        ))
    for event in events.of(MklFunctionMissing)[:1]:
        out.append(_function_missing(event))
    for event in events.of(ThreadingConflict):
        out.append(Finding(
            "threading-layer-conflict", "error", f"MKL_THREADING_LAYER={event.layer} is incompatible with {event.library}",
            (f"MKL was asked for the {event.layer} threading layer while {event.library} is already loaded",),
            ("export MKL_THREADING_LAYER=GNU   # use the OpenMP runtime that is already loaded",
             "or load MKL (import numpy) before the library that brings libgomp",
             *(() if event.library.startswith("libgomp (") else  # a host's own check (Theano's) wants GNU's, not a forced one
               ("or MKL_SERVICE_FORCE_INTEL=1, mkl-service's own switch in its message: MKL keeps its Intel layer beside the "
                "loaded libgomp (two OpenMP runtimes then share the process)",)),
             *(("a wheel's own libgomp (its name carries a hash: torch's libgomp-<hash>.so.1) beside an older numpy built "
                "on MKL with mkl-service: update numpy (python -m pip install -U numpy: PyPI's numpy runs on OpenBLAS, with "
                "no mkl-service check; vLLM's maintainers' answer)",) if re.match(r"libgomp-[0-9a-f]{6,}", event.library) else ())),
            "MKL's INTEL threading layer needs libiomp5, and cannot share a process with GNU's libgomp.",
        ))
    return out


def _function_missing(event: MklFunctionMissing) -> Finding:
    """MKL's dispatcher looked a name up in a library it opened (a VML kernel, a layer) and found none there."""
    from mkldoctor.explain.scope import exported

    found = exported(event.name)
    evidence = [f"MKL's function load error for {event.name}: its dispatcher opened the library that should define it and "
                "found no such name there"]
    evidence += [found.sentence(), "the library the process opened is not one of them: a copy of another release or build "
                 "(an older MKL earlier on the loader's path, or a package's own)"] if found else []
    return Finding(
        "mkl-kernel-function-missing", "error",
        f"MKL opened a library without {event.name}: its CPU-specific libraries are of another MKL than the code calling them",
        tuple(evidence),
        ("see which MKL libraries the process opens, and from where: LD_DEBUG=libs <the program> 2>&1 | grep -E 'libmkl_'",
         "one MKL release in the process: update or remove the older copy the loader finds first (an environment's mkl: "
         "pip install -U mkl, or conda install mkl=<the release the package was built with>; a folder on LD_LIBRARY_PATH)",
         "a program with MKL linked in (PyTorch's wheels) still opens MKL's CPU-specific libraries by name: an MKL of "
         "another release on the loader's path answers for them"),
        "MKL's core picks the code for the running CPU at run time from separate libraries (libmkl_vml_avx2, "
        "libmkl_vml_avx512, libmkl_def...) and looks each function up by name; a library of another release or build "
        "under the same file name lacks some of them.",
        ("MKL_VERBOSE=1 <the program>   # the release of the MKL that answers",),
    )
