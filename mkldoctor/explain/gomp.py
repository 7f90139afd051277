"""MKL's GNU threading layer loaded without GNU's OpenMP runtime: ``libmkl_gnu_thread.so: undefined symbol:
omp_get_num_procs``.

``libmkl_gnu_thread`` calls libgomp (GCC's OpenMP runtime) and, like MKL's other layers, does not name it as a
dependency: a program compiled with ``-fopenmp`` has libgomp already, a host that opens MKL itself (Julia's ccall,
Python's ctypes, a plugin) does not, and the first OpenMP call then fails. Intel's libiomp5 is the wrong cure here:
the layer was chosen for GCC's runtime.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import ERRORISH, NOT_MINE, Signature
from mkldoctor.explain.wording import MAX_LISTED
from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import conda_blas


@dataclass(frozen=True, slots=True)
class CondaOpenmpMutex:
    """``conda list``'s row of ``_openmp_mutex``, the package that picks an environment's OpenMP runtime: a ``*_gnu``
    build is GCC's libgomp, ``*_llvm`` LLVM's libomp (which conda-forge's mkl runs on as libiomp5)."""

    build: str


@dataclass(frozen=True, slots=True)
class CondaOpenmpPackage:
    """``conda list``'s row of an OpenMP runtime's package: ``intel-openmp`` (Intel's libiomp5, which MKL's threading
    layer runs on) or ``llvm-openmp`` (LLVM's libomp, which scikit-learn's and conda-forge's builds run on)."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class CondaGnuMutexAsked:
    """A conda request that pins ``_openmp_mutex`` to GCC's build (``'_openmp_mutex=*=*gnu*'``, libmamba's echo
    ``'_openmp_mutex=[build=*gnu*]'``): conda-forge's MKL builds run on LLVM's OpenMP, so MKL's BLAS cannot join it."""

    line: str


@dataclass(frozen=True, slots=True)
class OmpUndeclared:
    """A compiler's ``use of undeclared identifier 'omp_set_max_active_levels'``: an OpenMP API the omp.h it found does not
    declare (psi4's conda recipe on Windows: clang-cl took an omp.h without it, not intel-openmp's)."""

    name: str
    line: str


@dataclass(frozen=True, slots=True)
class AppleClangNoOpenmp:
    """Apple's clang refusing ``-fopenmp`` (it ships no OpenMP runtime): ``clang: error: unsupported option '-fopenmp'``."""

    line: str


SIGNATURES = (
    Signature("apple-clang-fopenmp", "gomp", "rror: unsupported option",
              re.compile(r"\bclang(?:\+\+)?: error: unsupported option ['‘]-fopenmp['’]"),
              lambda m, _: AppleClangNoOpenmp(m.string.strip()[:300])),
    Signature("openmp-api-undeclared", "gomp", "undeclared identifier",
              re.compile(r"\berror\b.*\bundeclared identifier ['\"‘`](?P<name>omp_\w+)['\"’`]"),
              lambda m, _: OmpUndeclared(m["name"], m.string.strip()[:300])),
    Signature("conda-openmp-mutex-gnu-asked", "gomp", "_openmp_mutex",
              re.compile(r"_openmp_mutex(?:\s*=\s*(?:\*\s*)?=|\[build=|\s+\*?)['\"]?\*?_?gnu"),
              lambda m, _: NOT_MINE if ERRORISH.search(m.string) else CondaGnuMutexAsked(m.string.strip()[:200])),
    Signature("conda-list-openmp-package", "gomp", "-openmp ",
              re.compile(r"^\s*(?P<name>intel-openmp|llvm-openmp)\s+(?P<version>\d[\w.]*)(?:\s+\S+){0,2}\s*$"),
              lambda m, _: CondaOpenmpPackage(m.group("name"), m.group("version")[:20])),
    Signature("conda-list-openmp-mutex", "gomp", "_openmp_mutex",
              re.compile(r"^\s*_openmp_mutex\s+[\w.]+\s+(?P<build>\w+)(?:\s+[\w.-]+)?\s*$"),
              lambda m, _: CondaOpenmpMutex(m.group("build")[:40])),
)


def gnu_mutex(events) -> str:
    """The ``_openmp_mutex`` build the log's ``conda list`` shows, where it is GCC's (``1_gnu``); else ""."""
    return next((e.build for e in events.of(CondaOpenmpMutex) if e.build.endswith("_gnu")), "")


def gnu_layer_without_libgomp(omp: list, confirm: str) -> Finding:
    event = omp[0]
    name = os.path.basename(event.library)
    evidence = [f"{event.binary}: {e.library} needs {e.symbol}" for e in omp[:MAX_LISTED]]
    evidence.append(f"{name} is MKL's GNU threading layer: it calls GCC's OpenMP runtime (libgomp), which nothing had loaded")
    return Finding(
        "openmp-runtime-missing", "error", f"{name} was loaded without GNU's OpenMP runtime (libgomp)",
        tuple(evidence),
        ("load libgomp before MKL: a program: link it with -fopenmp (or -lgomp) before the MKL libraries; a host that opens "
         "MKL itself: open libgomp with RTLD_GLOBAL first (Julia: Libdl.dlopen(\"libgomp\", Libdl.RTLD_GLOBAL); Python: "
         "ctypes.CDLL(\"libgomp.so.1\", mode=ctypes.RTLD_GLOBAL)) — a package that did so and stopped has a release that "
         "does it again",
         "for one run: LD_PRELOAD=libgomp.so.1 <the program>",
         "or another layer: mkl_sequential (no OpenMP), or mkl_intel_thread with Intel's libiomp5"),
        "MKL's threading layers call their OpenMP runtime without naming it as a dependency; the GNU layer's runtime is "
        "GCC's libgomp, which must be in the process (with global scope) before the layer's first call.",
        (confirm,),
    )


def layer_without_runtime(omp: list) -> Finding:
    """An OpenMP name both runtimes define (omp_get_num_procs), undefined in a library the log does not name: MKL's Intel
    layer without libiomp5, or its GNU layer without libgomp (block2's wheel, a preloaded gnu_thread: lili2014's and
    z4c-CMM's scripts); which layer is loaded tells the runtime."""
    names = ", ".join(dict.fromkeys(e.symbol for e in omp[:MAX_LISTED]))
    return Finding(
        "openmp-runtime-missing", "error",
        f"an MKL threading layer was loaded without its OpenMP runtime ({names} unresolved): libiomp5 for mkl_intel_thread "
        "(and libmkl_rt's default), libgomp for mkl_gnu_thread",
        (*(f"{e.binary}: a library the log does not name needs {e.symbol}" for e in omp[:2]),
         f"{names} is OpenMP's API, which Intel's runtime (libiomp5) and GCC's (libgomp) both define: the layer that calls "
         "it says which one is missing (its name is cut from the line)"),
        ("see which layer the process loads: LD_DEBUG=files <the program> 2>&1 | grep -E 'mkl_(intel|gnu)_thread'; or "
         "ldd <the library or module that links MKL> | grep -E 'thread|omp'",
         "mkl_intel_thread (libmkl_rt's default): Intel's libiomp5 must be there: install it (pip or conda: intel-openmp), "
         "put its folder on LD_LIBRARY_PATH or preload it (LD_PRELOAD=<its folder>/libiomp5.so); a program you link: "
         "-Wl,--no-as-needed -liomp5 after MKL's libraries (--as-needed, and mold, drop a runtime nothing of the program calls)",
         "mkl_gnu_thread: load GCC's libgomp before it (LD_PRELOAD=libgomp.so.1 <the program>, or link with -fopenmp); a "
         "preload list of MKL's layers names libgomp first",
         "or no OpenMP at all: mkl_sequential (with libmkl_rt: MKL_THREADING_LAYER=SEQUENTIAL)"),
        "MKL's threading layers call their OpenMP runtime without naming it as a dependency: the runtime must be in the "
        "process (with global scope) before the layer's first call.",
        ("LD_DEBUG=symbols,bindings <the program> 2>&1 | grep omp_get   # the library that looks the name up",),
    )


def openmp_packages(events) -> list[str]:
    """The OpenMP runtimes' packages the log's ``conda list`` shows, as ``name version``, once each."""
    return list(dict.fromkeys(f"{e.name} {e.version}" for e in events.of(CondaOpenmpPackage)))


def two_runtimes_crashed(line: str, packages: list[str]) -> Finding:
    return Finding(
        "openmp-runtimes-mixed", "error",
        f"the program crashed in an environment that holds two OpenMP runtimes ({', '.join(packages)}): MKL's threads run "
        "on Intel's libiomp5, a library built with LLVM's libomp brings that one too",
        (line[:200], *(f"conda list: {p}" for p in packages),
         "intel-openmp's libiomp5 and llvm-openmp's libomp export the same omp_ and __kmpc_ names: in one process each "
         "keeps its own thread pool, and code started on one crashes or deadlocks in the other (scikit-learn's KMeans beside "
         "numpy on MKL, scikit-learn#13221 on macOS)"),
        ("keep one OpenMP runtime in the process: take numpy and scipy's BLAS without MKL where the environment's other "
         f"packages run on libomp (conda install '{conda_blas('openblas')}', or on macOS '*accelerate'), or make the environment "
         "anew from one channel (conda-forge's mkl runs on llvm-openmp, which then serves both)",
         "see which runtimes the process loads: python -m threadpoolctl -i numpy sklearn (or DYLD_PRINT_LIBRARIES=1 / "
         "LD_DEBUG=libs <the program> 2>&1 | grep -E 'lib(i?omp|gomp)')",
         "for one run: MKL_THREADING_LAYER=SEQUENTIAL (MKL then starts no OpenMP threads), or OMP_NUM_THREADS=1"),
        "Two OpenMP runtimes in one process share no state: each believes it owns the process's threads, and a loop "
        "started by one meets the other's pool.",
        ("python -m threadpoolctl -i numpy sklearn   # each runtime the process loaded, with its file",),
    )


def mkl_with_gnu_mutex(manager: str, words: str, asked: str, line: str, evidence: list[str]) -> Finding:
    """A conda solve that failed on MKL's BLAS beside a pin of _openmp_mutex's gnu build (xtb#557)."""
    return Finding(
        "mkl-package-unavailable", "error",
        f"{words} found no {asked} for the request: it pins _openmp_mutex to GCC's OpenMP, which conda-forge's "
        "MKL builds are not made for",
        (*evidence, f"the request: {line}",
         f"conda-forge builds its MKL BLAS ({conda_blas('mkl')}) on LLVM's OpenMP runtime (llvm-openmp, _openmp_mutex's llvm "
         "build), which stands in for Intel's libiomp5; a request that pins _openmp_mutex's gnu build leaves the solver only "
         "old libblas builds, whose mkl release the channel no longer has: the pair is not supported (xtb#557)"),
        (f"drop the _openmp_mutex pin (or ask for its llvm build, '_openmp_mutex=*=*llvm'), and keep {conda_blas('mkl')}",
         f"or keep GCC's OpenMP and take OpenBLAS for the BLAS: {conda_blas('openblas')}"),
        "A conda environment has one OpenMP runtime, chosen by _openmp_mutex; conda-forge's MKL packages depend on LLVM's.",
        (f"{'conda' if manager == 'pixi' else manager} create -n probe --dry-run '{conda_blas('mkl')}' '_openmp_mutex=*=*llvm'   "
         "# solves: the gnu pin was the conflict",),
    )


def gnu_entry_missing(event) -> Finding:
    """A library of the program (not MKL's) that needs a ``GOMP_`` name at run time: its code was compiled by GCC with
    -fopenmp and linked against an OpenMP runtime that lacks that entry (a host's own old libiomp5: VLFeat's MEX library
    on MATLAB's, vlfeat#94), or against none."""
    name = os.path.basename(event.library) or "the library"
    return Finding(
        "openmp-runtime-missing", "error",
        f"{name} needs {event.symbol}, an entry of GCC's OpenMP runtime, which the OpenMP runtime loaded does not have",
        (f"{event.binary}: {event.library} needs {event.symbol}" if event.library else f"{event.binary} needs {event.symbol}",
         f"{event.symbol} is GCC's OpenMP ABI, which code compiled by gcc with -fopenmp calls (GOMP_parallel: GCC 4.9 and "
         "newer): GCC's libgomp defines it; Intel's libiomp5 defines the GOMP_ entries of the GCC releases it was made for, "
         "so an older copy (one a host program ships: MATLAB's sys/os folder, an old Intel compiler's) lacks the newer ones"),
        ("link the library with GCC's runtime: -fopenmp (or -lgomp) at its link, in place of -liomp5 (VLFeat's MEX library: "
         "vlfeat#94 linked -lgomp where its makefile took MATLAB's -liomp5)",
         "or load an Intel OpenMP runtime as new as that GCC first: LD_PRELOAD=<oneAPI's or intel-openmp's folder>/libiomp5.so",
         "or, for one run of a host that loads it (MATLAB, Python, R): LD_PRELOAD=libgomp.so.1 <the program>"),
        "An OpenMP runtime is found by the names the code calls: a library built by GCC calls GOMP_ entries, which only a "
        "runtime that defines them can serve.",
        (f"ldd {event.library or '<the library>'} | grep -E 'gomp|iomp|libomp'   # the OpenMP runtime it names, if any",),
    )


def apple_clang(events, ctx) -> list[Finding]:
    said = events.of(AppleClangNoOpenmp)
    if not said:
        return []
    return [Finding(
        "apple-clang-no-openmp", "error", "Apple's clang has no OpenMP: it refuses -fopenmp",
        (said[0].line, "Xcode's clang ships without an OpenMP runtime or omp.h, and refuses the option; a build that asks for "
                       "OpenMP (a project's own, or MKL's threaded layer's flags) stops at its first compile"),
        ("Homebrew's LLVM OpenMP with Apple's clang: brew install libomp, then -Xpreprocessor -fopenmp "
         "-I$(brew --prefix libomp)/include and -L$(brew --prefix libomp)/lib -lomp (CMake 3.12+: "
         "-DOpenMP_ROOT=$(brew --prefix libomp) for find_package(OpenMP))",
         "or a compiler that has it: Homebrew's llvm (CC=$(brew --prefix llvm)/bin/clang) or gcc (CC=gcc-14)",
         "or build without OpenMP: the project's option for it; with MKL, link its sequential layer (mkl_sequential), "
         "which needs no OpenMP runtime"),
        "OpenMP is a compiler feature with a runtime library; Apple's clang leaves both out, and MKL's Intel threading "
        "layer on macOS brings its own libiomp5 only for linking, not the compiler's -fopenmp.",
        ("clang --version; brew --prefix libomp   # Apple clang, and whether Homebrew's libomp is installed",),
        locations=ctx.located(said, "-fopenmp refused"),
    )]


def omp_undeclared(events, ctx) -> list[Finding]:
    said = events.of(OmpUndeclared)
    if not said:
        return []
    first = said[0]
    return [Finding(
        "openmp-header-mismatch", "error",
        f"{first.name} is not declared by the omp.h the compiler found: the OpenMP header of another runtime or release",
        (first.line, f"{first.name} is OpenMP's API (omp_set_max_active_levels since OpenMP 3.0): an omp.h found first on "
         "the include path that lacks it is an older OpenMP's or another runtime's: Microsoft's own omp.h (OpenMP 2.0), "
         "which clang-cl and MSVC find in Visual Studio's include folder, or an old runtime's"),
        ("put the runtime's own omp.h first on the include path, the one of the runtime the program links: Intel's "
         "(intel-openmp on Windows: set INCLUDE=%PREFIX%\\opt\\compiler\\include;%INCLUDE%, as psi4's conda recipe does), "
         "or LLVM's libomp's for clang",
         "or compile with the compiler's own OpenMP (clang-cl /openmp, clang -fopenmp), whose omp.h comes with it"),
        "A compiler takes the first omp.h on its include path; a header of an older OpenMP, or of another runtime than the "
        "one linked, declares another set of the API.",
        ("<the compile command> -H 2>&1 | grep omp.h   # the omp.h taken (MSVC: /showIncludes)",),
    )]


def gnu_openmp_undefined(ctx, symbols: list[str], by_symbol) -> Finding:
    """GCC's OpenMP runtime's names undefined at a link: libgomp not linked (libmkl_gnu_thread's, or another library's), or,
    where the names carry libgomp's symbol version (``GOMP_loop_maybe_nonmonotonic_runtime_next@GOMP_5.0``: dftd4#13), a
    libgomp older than the GCC that built the library that needs them."""
    from mkldoctor.explain.edits import Edit
    from mkldoctor.explain.wording import more, needed_by

    users = [u for u in dict.fromkeys(os.path.basename(e.referenced_from) for s in symbols for e in by_symbol[s]
                                      if e.referenced_from) if re.fullmatch(r"[\w.+-]+", u)]  # a file's name, not a joined line's
    mkl = not users or any(u.startswith("libmkl_gnu_thread") for u in users)
    versions = sorted({e.version for s in symbols for e in by_symbol[s] if (e.version or "").startswith("GOMP_")})
    if versions and not mkl:
        newest = versions[-1]
        return Finding(
            "gomp-too-old", "error",
            f"{more(users, 2)} needs libgomp's {newest} names, which the libgomp this link finds is too old to have",
            (*needed_by(symbols, by_symbol)[:4], f"{newest} is a symbol version of GCC's OpenMP runtime"
             + (" (GCC 9 and newer)" if newest == "GOMP_5.0" else "") + f": {more(users, 2)} was built by a newer GCC than "
             "the one whose libgomp the link uses"),
            ("link with the GCC that built it (the same compiler, or its lib folder first: -L<that GCC>/lib64 and at run time "
             "LD_LIBRARY_PATH), or rebuild the library with this link's GCC",
             "a module system: load the same GCC module for the library's build and for this link"),
            "Each libgomp exports its names under the versions of the GCC releases that added them; a library built by a newer "
            "GCC asks for a version an older libgomp does not have.")
    return Finding(
        "gnu-openmp-missing", "error",
        f"GNU OpenMP symbols are undefined: {'libmkl_gnu_thread' if mkl else more(users, 2)} needs libgomp",
        tuple(needed_by(symbols, by_symbol)),
        (ctx.edited("add -lgomp (or -fopenmp) after the MKL libraries on the link line" if mkl else
                    "add -fopenmp to the link line (or -lgomp after the libraries that need it)", Edit(append=("-lgomp",))),),
        "mkl_gnu_thread runs MKL's threads on GCC's OpenMP runtime, libgomp, which must be linked too." if mkl else
        "Code compiled with GCC's -fopenmp calls GCC's OpenMP runtime, libgomp, which the link must name (-fopenmp does).")
