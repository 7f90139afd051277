"""A program that crashed (a segmentation fault) with MKL in the frames it printed.

Julia's ``signal (11): Segmentation fault`` then ``mkl_blas_avx2_zdotc at .../libmkl_avx2.so`` (JuliaLang/julia#11921),
Intel Fortran's ``forrtl: severe (174): SIGSEGV`` then a traceback whose frames are ``libmkl_blacs_inte`` and
``libmpi.so.40`` (spack/spack#17174). What the frames show tells the causes apart: MKL's BLACS layer of one MPI calling
into another MPI's library; a complex-valued function (``zdotc``, ``cdotu``) called by code built with gfortran through
MKL's Intel interface, whose conventions for returning a complex number differ; otherwise a crash inside MKL, most often
arguments of the wrong width or an MKL of another release. A crash whose frames name no MKL library is said as such:
mkldoctor does not guess.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain import catalogue, crashhosts, gomp, intwidth, juliasession, pardiso, sigill
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.juliasession import PYTHON_IN_JULIA, JuliaUsing
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.mathhosts import MatlabMklFrame
from mkldoctor.explain.runtime import ParameterError
from mkldoctor.explain.translated import CORE_DUMPED
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs, layout


@dataclass(frozen=True, slots=True)
class Crash:
    line: str
    frames: tuple[str, ...] = ()  # the lines after it: a backtrace, when the program printed one
    before: tuple[str, ...] = ()  # the few lines before it: the call that crashed, in a session's paste
    wants: int = field(default=20, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "Crash":
        return replace(self, frames=_frames_of(lines), wants=0)


# a shell's or Python's prompt ("$ Rscript ...", "user@host:~$ ", ">>> ", "PS C:\\x> "), a loader's failure, Markdown's fence
_FRAMES_END = re.compile(r"^\s*(?:```|~~~|\$ |>>> |PS [A-Za-z]:\\.*?> |[\w.-]+@[\w.-]+:\S*[$#] |At line:\d+ char:\d+)|"
                         r"cannot open shared object file|error while loading shared libraries")


def _frames_of(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines after a crash up to where the session goes on: a shell's prompt, or a failure of its own."""
    end = next((i for i, line in enumerate(lines) if _FRAMES_END.search(line) or _PROSE.match(line)), len(lines))
    return tuple(line for line in lines[:end] if line.strip() not in ("[...]", "..."))  # a paste's cuts are no frames


# a person's words after the paste ("Any idea? Thanks"): a question's or a request's first word, and no number, path or
# call after it, which any frame has
_PROSE = re.compile(r"^(?:(?:Any|Anyone|Thanks|Thank|Please|Can|Could|How|What|Why|I|I'm|Is|Does|Do|Has|Hi|Hello|Help)\b"
                    r"|[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])[^\d/\\()\[\]<>:_#@=|`]*$")  # and in CJK's scripts


@dataclass(frozen=True, slots=True)
class Aborted(FollowOn):
    """``Fatal Python error: Aborted``, ``Aborted (core dumped)``: the process called abort(). After a failure that a
    finding explains (OpenMP's "OMP: Error #15", MKL's own checks) it is that failure's consequence; alone, a crash."""

    before: tuple[str, ...] = ()
    frames: tuple[str, ...] = ()
    wants: int = field(default=20, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "Aborted":
        return replace(self, frames=_frames_of(lines), wants=0)


_ABORTED = re.compile(r"\bFatal Python error: Aborted\b|^\s*(?:\S+: line \d+: +\d+ )?Aborted +\(core dumped\)")
# a signal's name and bash's "(core dumped)" in any language: "已放弃 (核心已转储)", "Speicherzugriffsfehler (Speicherabzug
# geschrieben)", "Bus error (core dumped)" (English's "Aborted" and "Segmentation fault" are read above)
_CORE_DUMPED = re.compile(r"^\s*(?:\S+: \S+ \d+: +\d+ )?\w[^()（]{0,60}?[(（](?:%s)" % "|".join(map(re.escape, CORE_DUMPED)))


def aborted(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: the process aborted, and no finding explains a failure before it (scipy#11770's eigh test)."""
    said = events.of(Aborted)
    if not said or events.of(Crash) or any(f.severity == "error" for f in found):
        return []
    first = said[0]
    return _crash([Crash(first.line, first.frames, first.before, wants=0)], ctx.platform)


# Windows' words: Julia's "Exception: EXCEPTION_ACCESS_VIOLATION at 0x... -- mkl_blas_avx2_xsdot" (the frame on its line),
# Python's ctypes "OSError: exception: access violation reading 0x..."; glibc's words for a heap it found corrupted ("double
# free or corruption (out)", "free(): invalid pointer"); R's own report of a signal in compiled code (catalogue.R_CAUGHT)
_CRASH = re.compile(r"(?i)\bsegmentation (?:fault|violation)\b|^\*\*\* stack smashing detected \*\*\*|(?:^|\s)Windows fatal exception: access violation|"
                    r"\bexit code (?:-1073741819|3221225477) \(0xC0000005\)|"  # an IDE's words for STATUS_ACCESS_VIOLATION
                    rf"{catalogue.R_CAUGHT.pattern}|\bSIGSEGV\b|\bEXCEPTION_ACCESS_VIOLATION\b|\baccess violation (?:reading|writing)\b|"
                    r"\bEXC_BAD_ACCESS\b(?!\s*\(Code Signature)|"  # macOS's (lldb's stop reason, a crash report's type)
                    rf"^\s*(?:\*{{1,3}} Error in .*: )?{crashhosts.HEAP_WORDS}")
R_TRACEBACK = "Traceback:"  # R's header over its numbered frames (" 1: dyn.load(libPath)"); pytest's has file frames
# a crash's marks that name no signal: Open MPI's handler's last line ("2: [host:pid] *** End of error message ***", its
# frames after it: COSMA#75), gdb's frame 0 in MKL's own function (sparse_dot#24's "#0  0x00007f9b86a34ddb in mkl_...")
_CRASH_MARK = re.compile(rf"\*\*\* End of error message \*\*\*|^#0\s+0x[0-9a-f]+ in (?:lib)?mkl_\w+ \(|{crashhosts.HEAP_FRAME}")
_CTEST_CRASH = re.compile(r"^\s*\d+ - \S.* \(SEGFAULT\)\s*$|\*\*\*Exception: SegFault\b")
_UNWIND = re.compile(r"^\s*ip = [0-9a-f]{4,16}, sp = [0-9a-f]{4,16} \[[\w.$@]+\+\d+\]")
SIGNATURES = (
    *juliasession.SIGNATURES,
    *sigill.SIGNATURES,
    *(Signature(f"crash-segmentation-{word}", "crash", f"egmentation {word}", _CRASH,
                lambda m, before: Crash(m.string.strip(), before=tuple(before[-4:]))) for word in ("fault", "Violation")),
    # a crash handler's backtrace in libunwind's words, with no signal line (r-devel 2024-03: "ip = 7f4086e02a60, sp =
    # 7ffdab2db600 [mkl_blas_zdotu+1488]"): its first frame is the crash, the frames after it its backtrace
    Signature("crash-unwind-frames", "crash", "ip = ", _UNWIND,
              lambda m, before: NOT_MINE if before and _UNWIND.match(before[-1]) else Crash(m.string.strip(), before=tuple(before[-4:]))),
    # gdb's backtrace of a jump to address 0 (elastic/ml-cpp#2617: under MKL 2020.4's VML threader), with no signal line
    Signature("crash-gdb-null-frame", "crash", " in ?? (", re.compile(r"^#0\s+0x0+ in \?\? \(\)"), lambda m, _: Crash(m.string.strip())),
    # Python's faulthandler on SIGABRT (a library's abort(): glibc's heap check, an assertion), and a shell's word for it
    Signature("crash-python-aborted", "crash", "Fatal Python error", _ABORTED, lambda m, before: Aborted(m.string.strip(), tuple(before[-4:]))),
    Signature("crash-aborted-core", "crash", "Aborted (core", _ABORTED, lambda m, before: Aborted(m.string.strip(), tuple(before[-4:]))),
    *(Signature(f"crash-core-dumped-{i}", "crash", needle, _CORE_DUMPED, lambda m, before: Aborted(m.string.strip(), tuple(before[-4:])))
      for i, needle in enumerate(CORE_DUMPED)),
    # glibc's stack protector: a function's stack written past a local's end (abort(), so the shell says Aborted next)
    Signature("crash-stack-smashing", "crash", "*** stack smashing", _CRASH, lambda m, before: Crash(m.string.strip(), before=tuple(before[-4:]))),
    *(Signature(f"crash-r-caught-{i}", "crash", needle, _CRASH, lambda m, b: Crash(m.string.strip(), before=tuple(b[-4:])))
      for i, needle in enumerate(("*** caught ", "caught segfault"))),
    # its traceback's header alone where a paste starts there (microsoft-r-open#34): its frames are read in diagnose
    Signature("crash-r-traceback", "crash", "Traceback:", re.compile(r"^Traceback:$"),
              lambda m, before: NOT_MINE if any("caught " in line for line in before[-6:]) else Crash(m.string.strip())),
    Signature("crash-sigsegv", "crash", "SIGSEGV", _CRASH, lambda m, _: Crash(m.string.strip())),
    Signature("crash-backtrace-header", "crash", "==== backtrace", re.compile(r"^\s*==== backtrace\b"),  # UCX's
              lambda m, _: Crash(m.string.strip())),
    # CTest's words for a test that died of a signal: "  1 - MathsTest-vector (SEGFAULT)", "***Exception: SegFault"
    *(Signature(f"crash-ctest-{i}", "crash", needle, _CTEST_CRASH, lambda m, _: Crash(m.string.strip()))
      for i, needle in enumerate(("SEGFAULT", "SegFault"))),
    Signature("crash-access-violation", "crash", "ACCESS_VIOLATION", _CRASH, lambda m, _: Crash(m.string.strip())),
    Signature("crash-exc-bad-access", "crash", "EXC_BAD_ACCESS", _CRASH, lambda m, _: Crash(m.string.strip())),
    # MATLAB's crash report: its frames below ("[ 12] 0x00007f5d50db11b3 /opt/intel/.../libiomp5.so+00446899", rcnn#10);
    # Julia's signal line in the system's language (spral#218: "signal (11.1): Erreur de segmentation", its frames below)
    Signature("crash-julia-signal", "crash", "signal (", re.compile(r"^\s*(?:\[\d+\] )?signal \((?:11|7|4)(?:\.\d+)?\): "
              r"(?!Segmentation|Bus|Illegal)\S"), lambda m, _: Crash(m.string.strip())),
    Signature("crash-matlab-stack-trace", "crash", "Stack Trace (from fault)", re.compile(r"^\s*Stack Trace \(from fault\):\s*$"),
              lambda m, _: Crash(m.string.strip())),
    *(Signature(f"crash-mark-{i}", "crash", needle, _CRASH_MARK, lambda m, _: Crash(m.string.strip()))
      for i, needle in enumerate(("End of error message", "#0 "))),
    *(Signature(f"crash-access-violation-{i}", "crash", needle, _CRASH, lambda m, before: Crash(m.string.strip(), before=tuple(before[-4:])))
      for i, needle in enumerate(("Access violation", "0xC0000005"))),  # Visual Studio's "Access violation reading location"
    Signature("crash-access-violation-words", "crash", "access violation", _CRASH,
              lambda m, before: Crash(m.string.strip(), before=tuple(before[-4:]))),
    *(Signature(f"crash-heap-{i}", "crash", needle, _CRASH, lambda m, _: Crash(m.string.strip()))
      for i, needle in enumerate(("double free", "free(): invalid", "munmap_chunk", "corrupted size", "malloc(): "))),
)

_MKL_FRAME = re.compile(r"\b(?:lib)?mkl_\w+|\bMKLMPI_\w+|\bCblacs_\w+|\bblacs_\w+_\b")
_BLACS = re.compile(r"libmkl_blacs_(?P<mpi>intelmpi|openmpi|sgimpt|inte\b|open\b)\w*|\b(?:MKLMPI_\w+|mkl_blacs_init)\b")
# the MPI library a frame is in: Open MPI's libmpi.so.40 (.20 before 3.0), its ompi_ names; Intel MPI's and MPICH's .so.12
_OPEN_MPI = re.compile(r"libmpi\.so\.(?:40|20)\b|\bompi_\w+|libmpi_mpifh")
_MPICH = re.compile(r"libmpi\.so\.12\b|libmpifort|\bMPIDI_\w+|\bMPIR_\w+")
# a frame of an OpenMP runtime: Intel's libiomp5 (LLVM's libomp shares its code and names), its __kmp_ internals
_OMP_LIBRARY = re.compile(r"\blib(?:i?omp5?|gomp)\w*\.(?:so|dylib|dll)[\d.]*")
_OMP_FRAME = re.compile(rf"{_OMP_LIBRARY.pattern}|\b__kmp_\w+")
# a backtrace's frame in one of MKL's libraries: Julia's "f at /x/libmkl_avx2.so (unknown line)", gdb's "in f () from /x/libmkl_..."
_FRAME_IN_MKL = re.compile(r"^\s*(?:#\d+\s+)?(?:0x[0-9a-f]+ in )?\w+ (?:at|\(\) from) \S*libmkl_\w+\.(?:so|dylib|dll)")
_COMPLEX_FUNCTION = re.compile(r"\bmkl_blas_\w*?_?[cz]dot[cu]\b|\b[cz]dot[cu]_?\b")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = sigill.diagnose(events)
    crashes = [c for c in events.of(Crash) if (c.line != R_TRACEBACK or (c.frames and re.match(r"^\s*1: \w", c.frames[0])))
               and not (c.line.startswith("Stack Trace (from fault)") and events.of(MatlabMklFrame))]  # MATLAB's MKL: its own
    if not crashes:
        return out
    if events.of(pardiso.PardisoNamed):
        return out + [pardiso.crashed(events, crashes[0].line)]
    loaded = {m for e in events.of(JuliaUsing) for m in e.modules}
    if "MKL" in loaded and loaded & PYTHON_IN_JULIA:  # whatever the frames: the two BLAS of the session
        return out + [crashhosts.julia_python(crashes[0], sorted(loaded & PYTHON_IN_JULIA))]
    if loaded & PYTHON_IN_JULIA and any(_FRAME_IN_MKL.search(f) for c in crashes for f in (*c.frames, *c.before)):
        # no `using MKL`, and the frames are MKL's: Julia's own BLAS is MKL (a Julia built with USE_INTEL_MKL=1; PyPlot.jl#280)
        return out + [crashhosts.julia_python(crashes[0], sorted(loaded & PYTHON_IN_JULIA), built=True)]
    found = _crash(crashes, ctx.platform, _r_blas_mkl(events))
    if not (found and found[0].id == "program-crashed"):  # MKL's or a runtime's frames: their finding
        return out + found
    if events.of(ParameterError) or _onednn_refused(events):  # after a call MKL or oneDNN refused: its finding
        return out
    runtimes = gomp.openmp_packages(events)
    if len(runtimes) > 1:  # the conda list beside it: two OpenMP runtimes
        return out + [gomp.two_runtimes_crashed(crashes[0].line, runtimes)]
    if loaded & PYTHON_IN_JULIA:  # no frames: the session's two BLAS first
        return out + [crashhosts.julia_python_unseen(crashes[0], sorted(loaded & PYTHON_IN_JULIA))]
    if _under_rosetta(events):
        return out + [replace(found[0], title=f"the program crashed ({crashes[0].line[:80]}) after MKL said the processor has no "
                              "AVX: most often an x86-64 environment under Rosetta 2 on Apple silicon",
                              evidence=(*found[0].evidence, "MKL's notice before it says the processor it sees has SSE4.2 and no "
                                        "AVX: on a Mac, Rosetta 2's emulated processor (before macOS 15); packages built for "
                                        "x86-64 run there, slowly, and some crash (PyCAT's install notes)"),
                              fix=("check the interpreter: python -c \"import platform; print(platform.machine())\" says x86_64 "
                                   "on Apple silicon: install a native arm64 Python (Miniforge's arm64 installer, or conda's "
                                   "osx-arm64 packages: CONDA_SUBDIR=osx-arm64) and create the environment again, without MKL",
                                   *found[0].fix))]
    return out + found


def _r_blas_mkl(events: Parsed) -> tuple[str, str] | None:
    """The kind and path of the log's sessionInfo() line that names MKL as R's BLAS or LAPACK, if one does."""
    from mkldoctor.explain.rblas import RBlasReported

    return next(((e.kind, e.path) for e in events.of(RBlasReported) if "mkl" in os.path.basename(e.path).lower()), None)


def _onednn_refused(events: Parsed) -> bool:
    from mkldoctor.explain.onednn import OnednnPrimitive

    return bool(events.of(OnednnPrimitive))


def _under_rosetta(events: Parsed) -> bool:
    from mkldoctor.explain.pymkl import PyMklSaid

    return any(e.kind == "sse42" for e in events.of(PyMklSaid))


def _crash(crashes: list[Crash], platform: str | None, r_blas: tuple[str, str] | None = None) -> list[Finding]:
    # the crash's own line may name the frame (Julia on Windows), then the lines after it
    texts = [(c, "\n".join((c.line, *c.frames))) for c in crashes]
    crash, text = next(((c, t) for c, t in texts if _MKL_FRAME.search(t) or _COMPLEX_FUNCTION.search(t)), texts[0])
    # no frame, and the call just before the crash one of those functions (a Python session: cdotu([1],[1]), scipy#3193)
    called = c.string if (c := last_match(_COMPLEX_FUNCTION, crash.before)) else None
    if called and not _MKL_FRAME.search(text) and not crash.frames:
        text = f"{called.strip()}\n{text}"
    # a backtrace printed before the crash line (Julia's frames, then the shell's "Segmentation fault"): its MKL frames
    above = [line for line in crash.before if _FRAME_IN_MKL.search(line)]
    if above and not _MKL_FRAME.search(text):
        text = "\n".join((crash.line, *above, *crash.frames))
    if _COMPLEX_FUNCTION.search(text):  # a BLAS function that returns COMPLEX: the calling convention, whichever BLAS it is
        return [_complex_return(crash, text)]
    if not _MKL_FRAME.search(text):
        runtime = _OMP_LIBRARY.search(text) or _OMP_FRAME.search(text)  # the library's name, else its internals'
        return [_in_openmp(crash, text, runtime.group(0))] if runtime else [_no_mkl(crash, platform, r_blas)]
    layer = _BLACS.search(text)
    if layer:
        return [_blacs(crash, layer.group("mpi") or "", text)]
    service = crashhosts.FORTRAN_SERVICE.search(text)
    if service:
        return [crashhosts.service_by_value(crash, service.group(0), _frames(text))]
    return [crashhosts.heap_damaged(crash, _frames(text)) if crashhosts.HEAP.search(text) else _inside_mkl(crash, text, platform)]


# a Python package's own ctypes binding of MKL that crashed ("OSError: exception: access violation ..." under a frame of
# site-packages\qutip\_mkl\spsolve.py: qutip#975, QuTiP 4.3's PARDISO binding under conda's MKL 2019.0)
_CTYPES_BINDING = re.compile(r"site-packages[\\/](?P<pkg>\w+)[\\/]\S*mkl\S*\.py\b", re.I)


def _frames(text: str) -> list[str]:
    return [f"frame: {line.strip()[:160]}" for line in text.splitlines()
            if _MKL_FRAME.search(line) or _COMPLEX_FUNCTION.search(line)][:4]


def _blacs(crash: Crash, said: str, text: str) -> Finding:
    layer = "intelmpi" if said.startswith("inte") else "openmpi" if said.startswith("open") else said
    runs = "Open MPI" if _OPEN_MPI.search(text) else "Intel MPI or MPICH" if _MPICH.search(text) else ""
    right = blacs.layer_for(runs)
    mismatch = runs and layer and layer != right
    evidence = [crash.line, *_frames(text),
                f"the crash is in MKL's BLACS layer for {blacs.serves(layer) if layer else 'an MPI the frames do not name'}"
                + (f", which called into {runs}'s MPI library: the layer and the MPI do not match" if mismatch else "")]
    return Finding(
        "mkl-blacs-mpi-mismatch", "error",
        f"the program crashed in MKL's BLACS layer ({'for another MPI than the one it runs with' if mismatch else 'BLACS calls the MPI library'})",
        tuple(evidence),
        (f"link MKL's BLACS layer of the MPI the program uses: {f'-lmkl_blacs_{right}_lp64' if runs else blacs.per_mpi('-l')} "
         "(ilp64 for 64-bit integers); "
         "intelmpi serves Intel MPI and MPICH, openmpi Open MPI (Spack: ^intel-oneapi-mkl with the MPI of the spec; "
         "configure scripts: the ScaLAPACK choice that names Open MPI, e.g. Quantum ESPRESSO's --with-scalapack=yes with "
         "SCALAPACK_LIBS)",
         "then rebuild the program: the layer is chosen at link time",
         "a serial build: no ScaLAPACK and no BLACS at all"),
        f"MKL's ScaLAPACK talks to MPI through a BLACS layer built for one MPI's ABI ({blacs.PER_MPI}). Linked with the "
        "other MPI, its first MPI call crashes.",
        ("ldd <the program> | grep -E 'blacs|libmpi'   # the BLACS layer and the MPI library it will meet",),
    )


def _complex_return(crash: Crash, text: str) -> Finding:
    gf = layout.get("mkl_gf_lp64")
    return Finding(
        "mkl-crash", "error",
        "the program crashed in a complex dot product (zdotc and its kin): the caller's convention for a COMPLEX result is "
        "not the one of the BLAS interface it links (gfortran's code through MKL's Intel interface)",
        (crash.line, *_frames(text),
         "zdotc, zdotu, cdotc and cdotu return a complex number, which gfortran's code expects in registers and MKL's Intel "
         "interface (mkl_intel_lp64, libmkl_rt's default) hands back through a hidden first argument: the caller reads "
         "garbage or the callee writes through a wrong pointer"),
        (f"link MKL's GNU interface for code built with gfortran: -l{gf.name if gf else 'mkl_gf_lp64'} instead of "
         "-lmkl_intel_lp64 (with libmkl_rt: export MKL_INTERFACE_LAYER=GNU,LP64 before the program starts); a configure "
         "that tests the BLAS with gfortran's code (R's --with-blas, BLAS_LIBS) takes the whole GNU line in place of "
         "-lmkl_rt: '-lmkl_gf_lp64 -lmkl_sequential -lmkl_core' (r-devel, 2024-03)",
         "or build the Fortran code with the Intel compiler, whose convention MKL's Intel interface follows, or with "
         "gfortran's -ff2c (the f2c convention, for the whole program)"),
        "MKL has two interfaces for Fortran callers because the compilers return complex function results differently; "
        "the functions that return COMPLEX (zdotc and its kin) crash or give wrong results with the other one.",
        ("nm -D <the library that calls it> | grep -i zdotc; ldd <it> | grep mkl   # which interface it meets",),
    )


def _inside_mkl(crash: Crash, text: str, platform: str | None = None) -> Finding:
    ilp64 = re.search(r"libmkl_\w+_ilp64|\b\w+_64_\b", text) is not None  # a library's name, or a Fortran name's _64_
    null = re.match(r"#0\s+0x0+ in \?\?", crash.line) is not None
    binding = _CTYPES_BINDING.search(text) if "OSError: exception:" in text else None
    windows = _platform_of(crash, platform) == "Windows"
    return Finding(
        "mkl-crash", "error", "the program crashed inside MKL: most often arguments of the wrong width, or an MKL of "
        "another release than the code was built for",
        (crash.line, *_frames(text),
         *(("the frames show MKL's ILP64 interface (64-bit integers): a caller built for 32-bit ones that reaches it (numpy "
            "or another library in a process where a component loaded an ILP64 MKL into the global scope: a Julia built "
            "with USE_BLAS64, a system image made for ILP64) hands MKL sizes it reads wrongly",) if ilp64 else ()),
         *(("frame #0 is address 0: MKL called through a null function pointer, a function it expected another library to "
            "provide (its threading layer's OpenMP runtime, a kernel or layer of another release); a bundled MKL older than "
            "the code that calls it (elastic/ml-cpp#2617: MKL 2020.4 under PyTorch 2.1)",) if null else ()),
         *((f"the call is {binding['pkg']}'s own ctypes binding of MKL: Python passes the arguments as that code declares "
            "them, for the MKL releases it was written and tested with",) if binding else ())),
        (*((f"run {binding['pkg']} with an MKL release it works with: conda install mkl=<an earlier release> (qutip#975: "
            "QuTiP 4.3's PARDISO binding crashed under MKL 2019.0, mkl=2018.0.3 fixed it), or a release of "
            f"{binding['pkg']} made for your MKL, or its path without MKL (QuTiP 4: qutip.settings.has_mkl = False)",)
           if binding else ()),
         *(("update the bundled MKL to the release the calling code was built and tested with (PyTorch's own for a "
            "libtorch program), every MKL library and its OpenMP runtime from that one release",) if null else ()),
         "the integer width: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 (libmkl_rt: MKL_INTERFACE_LAYER), "
         "and a Fortran caller built with gfortran links mkl_gf_lp64, not mkl_intel_lp64",
         "one MKL in the process: " + ("where /r <the environment's folder> mkl_core*.dll lists each copy, and conda list "
                                        "mkl (pip show mkl) the release installed" if windows else
                                        "LD_DEBUG=libs <the program> 2>&1 | grep libmkl_ shows each file and its folder"),
         "MKL's threads need stack: OMP_STACKSIZE=64M (or KMP_STACKSIZE) for deep recursion in a threaded call"),
        "A crash in MKL's own code is most often the caller's arguments read wrongly (an interface of the other integer "
        "width or calling convention), or a library of another release answering a call.",
        ("MKL_VERBOSE=1 <the program>   # the last call MKL logs before the crash, with its arguments",),
    )


def _in_openmp(crash: Crash, text: str, runtime: str) -> Finding:
    frames = [f"frame: {line.strip()[:160]}" for line in text.splitlines() if _OMP_FRAME.search(line)][:4]
    return Finding(
        "openmp-runtime-crashed", "error",
        f"the program crashed inside an OpenMP runtime ({runtime}): most often two OpenMP runtimes in one process, where "
        "code built for one calls into the other",
        (crash.line, *frames,
         "Intel's libiomp5 (MKL's threading layer's), LLVM's libomp and GCC's libgomp export the same omp_ and __kmpc_ "
         "names: the one loaded first serves every later caller, and code initialised by the other crashes in it (a "
         "package that brings its own runtime: Julia's MKL_jll artifacts, PyTorch's, scikit-learn's wheels)"),
        ("find which runtimes the process loads: LD_DEBUG=libs <the program> 2>&1 | grep -E 'lib(i?omp|gomp)' (macOS: "
         "DYLD_PRINT_LIBRARIES=1), or in Python: threadpoolctl.threadpool_info()",
         "keep one runtime in the process: take the packages from one source (one conda channel, wheels that share a "
         "runtime), or MKL_THREADING_LAYER=GNU (MKL on libgomp) or SEQUENTIAL beside a GNU-built library",
         "or change the load order: import the library whose runtime must win first (Julia: import the Python extension "
         "before `using MKL`)"),
        "An OpenMP runtime keeps one thread pool and state per process; a second runtime, or code compiled against another "
        "runtime's internals, meets state it did not set up.",
        ("MKL_VERBOSE=1 <the program>   # the threading layer MKL took, if MKL ran before the crash",),
    )


# the debugger of the log's own system (origin.log_platform's name; the crash's words where its paths say none)
_BACKTRACE = {
    "Windows": "get a backtrace: Visual Studio's debugger or WinDbg (windbg -g <the program>), or procdump -e -ma for a dump: "
               "a frame in mkl_*.dll points at MKL",
    "macOS": "get a backtrace: lldb --batch -o run -o bt -- <the program> (or the crash report in Console.app): a frame in "
             "libmkl_*.dylib points at MKL",
    "Linux": "get a backtrace: gdb -batch -ex run -ex bt --args <the program> (or catchsegv): a frame in libmkl_* points at MKL",
}
_WINDOWS_CRASH = re.compile(r"Windows fatal exception|0xC0000005|-1073741819|3221225477|EXCEPTION_ACCESS_VIOLATION|"
                            r"\baccess violation (?:reading|writing)\b", re.I)


def _platform_of(crash: Crash, platform: str | None) -> str:
    """The log's own system (origin's name), else Windows where the crash's words are Windows' own, else Linux."""
    return platform or ("Windows" if _WINDOWS_CRASH.search(crash.line) else "Linux")


def _no_mkl(crash: Crash, platform: str | None, r_blas: tuple[str, str] | None = None) -> Finding:
    if catalogue.R_CAUGHT.match(crash.line) or crash.line == R_TRACEBACK:
        return crashhosts.r_native(crash, r_blas)
    # an MPI job that loads MKL (SPARC-X#182: `module load intel-mkl`, then mpirun): MKL's BLACS layer is one MPI's
    around = "\n".join((*crash.before, *crash.frames))
    mpi = re.search(r"\b(?:mpirun|mpiexec|srun)\b", around) and re.search(r"(?i)\bmkl\b|intel-mkl|libmkl|mkl_blacs", around)
    linalg = crashhosts.PYTHON_LINALG.search(around)
    if not mpi and linalg:
        return crashhosts.python_linalg(crash, linalg.group(0))
    smashed = ("glibc's stack protector found a function's stack written past the end of a local: where MKL is called, "
               "the usual writer is MKL's ILP64 interface (64-bit integers) storing an output integer (INFO, pivots) 8 bytes "
               "wide into the program's 4-byte int",) if "stack smashing" in crash.line else ()
    fortran = crash.line.startswith("Program received signal")  # gfortran's runtime: a Fortran program (champ#25)
    return Finding(
        "program-crashed", "error",
        f"the program crashed ({crash.line[:80]}), and the lines after it name no MKL library: mkldoctor cannot tell "
        "whether MKL is involved",
        (crash.line, *smashed, *(("the job runs under MPI with MKL loaded: a program that uses MKL's ScaLAPACK or BLACS links a BLACS "
                        f"layer built for one MPI ({blacs.PER_MPI}), and with the other MPI it crashes at its first MPI call",) if mpi else ())),
        (*(("check the BLACS layer against the MPI: ldd <the program> | grep -E 'blacs|libmpi' (or the link line's "
            f"-lmkl_blacs_*): {blacs.per_mpi('-l')}; relink with the matching one",) if mpi else ()),
         *(("with MKL: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 (mkldoctor link --interface lp64 prints "
            "the flags of the 32-bit interface)",) if smashed else ()),
         *((intwidth.NWCHEM_CRASH_FIX,) if intwidth.NWCHEM_CRASH.search(f"{crash.line}\n{around}") else ()),
         *(("gfortran's runtime said it: a Fortran program; on MKL, its INTEGER size and MKL's interface layer must agree: "
            "mkl_gf_lp64 (mkl_intel_lp64 with ifort) for default integers, mkl_gf_ilp64 only with -fdefault-integer-8 (ifort: "
            "-i8); a project's FindMKL that links ilp64 to a default build crashes at the first call (champ#25)",)
           if fortran and not smashed else ()),
         _BACKTRACE.get(_platform_of(crash, platform), _BACKTRACE["Linux"]),
         "then explain the backtrace: mkldoctor explain <that log>"),
        "A crash says only that the program touched memory it may not; the frames say where.",
        ("MKL_VERBOSE=1 <the program>   # MKL's calls before the crash, if any",),
    )
