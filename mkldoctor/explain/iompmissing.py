"""Intel's OpenMP runtime's names undefined at a link (``omp_get_max_threads``, ``__kmpc_global_thread_num``): MKL's
intel_thread layer linked without ``-liomp5``, which it needs and does not name; or the program's own OpenMP code, compiled
by Intel's compiler with its OpenMP flag and linked without it (``__kmpc_begin``, which only Intel's compilers emit, in a
program's main: gemini3d's CMake notes, ifx's -fiopenmp at compile time and -qopenmp missing at link).
"""

from __future__ import annotations

import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import UndefinedSymbol
from mkldoctor.explain.origin import there
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge.recipes import q

# the runtime's entry points that Intel's compilers put into a program built with OpenMP (its main's begin and end), and
# that no MKL library calls
_COMPILER_ONLY = ("__kmpc_begin", "__kmpc_end")


def finding(ctx: Context, symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    """The finding of Intel's OpenMP runtime's names undefined at a link (``symbols``, with their callers in ``by_symbol``)."""
    own = [s for s in symbols if s in _COMPILER_ONLY]
    if own:
        return _own_code(ctx, symbols, own, by_symbol)
    if all(s in _NEWER_COMPILER for s in symbols):
        return _older_runtime(symbols, by_symbol)
    if any(re.search(r"dnnl|mkldnn", f"{e.referenced_from} {e.member} {e.function}") for s in symbols for e in by_symbol[s]):
        return _onednn_openmp(symbols, by_symbol)
    if any(".omp_outlined." in f"{e.referenced_from} {e.function}" for s in symbols for e in by_symbol[s]):
        return _own_regions(symbols, by_symbol)  # the compiler's outlined parallel regions: the project's own OpenMP code
    if all(s.startswith("omp_") and s.endswith("_") for s in symbols):
        return _fortran_api(symbols, by_symbol)  # OpenMP's Fortran names, which no MKL library calls (mopac#82)
    evidence = [_undefined(symbols)]
    evidence += needed_by(symbols, by_symbol)[:3]
    places = ctx.iomp5_places()
    if ctx.local:
        evidence += [f"libiomp5 is in {p}" for p in places] or ["no libiomp5 in any MKL copy searched"]
    else:
        evidence.append("the link line names no libiomp5 (-liomp5): mkl_intel_thread needs it, and it is not among MKL's "
                        "own libraries")
    fix: list[str] = []
    if not ctx.local:
        fix.append("add Intel's OpenMP runtime after the MKL libraries: -L<the folder of libiomp5.so> -liomp5 -lpthread -lm -ldl "
                   "(oneAPI: <oneapi>/compiler/<version>/lib; conda and pip: the environment's lib folder, package intel-openmp)")
        fix.append(there("find / -name 'libiomp5.so' 2>/dev/null", "the folder to give with -L, if the runtime is installed"))
        fix.append(f"if it is not installed: {ctx.recipe_ref('openmp')}")
    elif places:
        folder = places[0]
        fix.append(ctx.edited(f"link Intel's OpenMP runtime after the MKL libraries: -L{q(folder)} -liomp5 -lpthread -lm -ldl",
                              Edit(append=(f"-L{folder}", "-liomp5", "-lpthread", "-lm", "-ldl"))))
        fix.append(f"at run time: export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    else:
        fix.append(f"install Intel's OpenMP runtime (libiomp5): {ctx.recipe_ref('openmp')}")
    fix.append("or do without it: link mkl_sequential instead of mkl_intel_thread (mkldoctor link --threading sequential),")
    fix.append("or GCC's runtime: mkl_gnu_thread with -lgomp (mkldoctor link --threading gnu)")
    return Finding(
        "openmp-runtime-missing", "error",
        "libmkl_intel_thread needs Intel's OpenMP runtime (libiomp5), which is not on the link line",
        tuple(evidence), tuple(fix),
        "mkl_intel_thread runs MKL's threads on Intel's OpenMP runtime but does not name it as a dependency: "
        "libiomp5 must be linked explicitly, and found again by the loader at run time.",
        tuple(knowledge.confirm_symbol(symbols[0], ctx.cargo)),
    )


def _undefined(symbols: list[str]) -> str:
    """The evidence line every one of these findings opens with."""
    return f"{len(symbols)} OpenMP runtime symbol(s) undefined: {more(symbols, 6)}"


def _own_regions(symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    return Finding(
        "openmp-runtime-missing", "error",
        "the program's own OpenMP code needs an OpenMP runtime, and the link names none: compiled with OpenMP, linked "
        "without it",
        (_undefined(symbols), *needed_by(symbols, by_symbol)[:3],
         ".omp_outlined. is a parallel region the compiler split out of the project's code (compiled with -fopenmp, or "
         "Apple clang's -Xpreprocessor -fopenmp): its __kmpc_ calls need the OpenMP runtime at the link, which MKL's "
         "libraries do not bring"),
        ("give the link the OpenMP runtime the code was compiled for: -fopenmp at the link too; Apple clang: -lomp "
         "(Homebrew's libomp) or -liomp5 (MKL's Intel runtime, one runtime in the process), with its -L folder",
         "or build that part without OpenMP, or without MKL where the platform's build does not carry its runtime (Paddle PR "
         "#15190 turned WITH_MKL off on macOS)"),
        "A compiler turns OpenMP regions into calls of its runtime; the link must name that runtime, which the compiler "
        "driver adds only when the link is given the OpenMP flag.",
        tuple(knowledge.confirm_symbol(symbols[0], False)),
    )


def _fortran_api(symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    """OpenMP's Fortran API (``omp_get_max_threads_``) undefined: the project's Fortran code calls it, built or linked without
    the compiler's OpenMP flag (mopac#82: THREADS support back in the sources, OpenMP off in its CMake; fixed in PR #85)."""
    return Finding(
        "openmp-runtime-missing", "error",
        "the program's own Fortran code calls the OpenMP API, and the link names no OpenMP runtime: built or linked without "
        "the compiler's OpenMP flag",
        (_undefined(symbols), *needed_by(symbols, by_symbol)[:3],
         f"{symbols[0]} is the Fortran name of an OpenMP API routine (with the compilers' trailing underscore), which "
         "Fortran sources call through omp_lib and MKL's libraries never do: the runtime that defines it comes with the "
         "compiler's OpenMP flag, which the build of that code did not pass"),
        ("compile and link the code that calls it with the compiler's OpenMP flag: gfortran -fopenmp, ifx and ifort -qopenmp; "
         "CMake: find_package(OpenMP) and target_link_libraries(<that target> PRIVATE OpenMP::OpenMP_Fortran) (mopac#85)",
         "or, where the project's OpenMP is meant to be optional: turn its OpenMP option on, or keep such calls behind "
         "OpenMP's conditional compilation (!$ lines), which a build without -fopenmp leaves out"),
        "The OpenMP runtime's routines are defined by the runtime that the compiler's OpenMP flag adds to a link; code that "
        "calls them, built without that flag, leaves their names undefined.",
        tuple(knowledge.confirm_symbol(symbols[0], False)),
    )


def _onednn_openmp(symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    """oneDNN (MKL-DNN) built with its OpenMP CPU runtime, linked where no OpenMP runtime is (MXNet#17338: USE_OPENMP=OFF
    with the bundled oneDNN's default runtime; MXNet PR #17356 built it sequential then)."""
    return Finding(
        "openmp-runtime-missing", "error",
        "oneDNN (libdnnl, MKL-DNN) was built with its OpenMP CPU runtime, and the link has no OpenMP runtime",
        (_undefined(symbols), *needed_by(symbols, by_symbol)[:2],
         "oneDNN's CPU code runs its threads on the runtime chosen when it was built (DNNL_CPU_RUNTIME: OMP by default, TBB, "
         "SEQ); a oneDNN built with OMP needs an OpenMP runtime in every link of it, which a build with OpenMP turned off "
         "does not bring"),
        ("link with the compiler's OpenMP flag (-fopenmp), which brings its runtime",
         "or build oneDNN with the threading the project uses: -DDNNL_CPU_RUNTIME=SEQ where OpenMP is off (MXNet PR #17356 "
         "for USE_OPENMP=OFF), or TBB"),
        "A library built with OpenMP calls its runtime; that runtime must be on every link of the library.",
        tuple(knowledge.confirm_symbol(symbols[0], False)),
    )


# entries a newer compiler's OpenMP code calls that older runtimes lack: clang emits __kmpc_dispatch_deinit after each loop
# with a dynamic or guided schedule (psi4's conda recipe pins clang 17.0.6 beside intel-openmp's libiomp5md to avoid it)
_NEWER_COMPILER = ("__kmpc_dispatch_deinit",)


def _older_runtime(symbols: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    return Finding(
        "openmp-runtime-older-than-compiler", "error",
        f"the compiler's OpenMP code calls {symbols[0]}, which the OpenMP runtime linked is too old to have: the compiler "
        "is newer than the runtime",
        (*needed_by(symbols, by_symbol)[:3],
         f"{symbols[0]} is an entry that recent clang releases emit after each loop with a dynamic or guided schedule; an "
         "OpenMP runtime made before it lacks it: Intel's libiomp5 and libiomp5md of older releases, Microsoft's "
         "libomp140, an older LLVM libomp (a distribution's or an SDK's)"),
        ("link the OpenMP runtime of the compiler's own release (LLVM's libomp of that clang), or compile with a clang as "
         "old as the runtime: psi4's conda recipe pins clangdev 17.0.6 beside intel-openmp's libiomp5md",
         "or a newer Intel OpenMP runtime (intel-openmp, oneAPI's compiler runtime) that defines it: nm -D <the runtime> | "
         f"grep {symbols[0]} (Windows: dumpbin /exports libiomp5md.lib | findstr {symbols[0]})"),
        "A compiler's OpenMP code calls the runtime's entry points of the compiler's own release; a runtime older than the "
        "compiler lacks the newer ones, and the link (or the load) fails on them.",
        (f"nm -D <the OpenMP runtime linked> | grep {symbols[0]}   # defined: a new enough runtime",),
    )


def _own_code(ctx: Context, symbols: list[str], own: list[str], by_symbol: dict[str, list[UndefinedSymbol]]) -> Finding:
    return Finding(
        "openmp-runtime-missing", "error",
        "the program's own OpenMP code needs Intel's OpenMP runtime (libiomp5), and the link does not name it: compiled with "
        "Intel's OpenMP flag, linked without it",
        (_undefined(symbols), *needed_by(symbols, by_symbol)[:3],
         f"{own[0]} is called only by code that Intel's compilers (ifx, icx, ifort) build with OpenMP, at the start of its "
         "main, never by MKL's libraries: the objects were compiled with -qopenmp or -fiopenmp and the link step was not "
         "given the flag, so the driver did not add the runtime"),
        ("give the link step the compiler's OpenMP flag too: -qopenmp (icc and ifort before 2016: -openmp; with ifx and icx, "
         "-fiopenmp at compile time alone leaves the runtime off the link); CMake: target_link_options(<target> PRIVATE "
         "-qopenmp), or link OpenMP::OpenMP_Fortran (OpenMP::OpenMP_C, _CXX) to the target that links",
         "or add the runtime by name after the objects: -L<the compiler's lib folder> -liomp5 (oneAPI: "
         "<oneapi>/compiler/<version>/lib)",
         f"if it is not installed: {ctx.recipe_ref('openmp')}"),
        "Intel's compilers turn OpenMP code into calls of their runtime, and add the runtime to a link only when the link "
        "is given the OpenMP flag as well.",
        tuple(knowledge.confirm_symbol(symbols[0], ctx.cargo)),
    )
