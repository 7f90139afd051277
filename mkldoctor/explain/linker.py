"""Linker family: shapes of a failed link beyond "MKL lacks the symbol".

The core readers of GNU ld, gold, lld and mold lines live in :mod:`logparse` (they are the hot path); this module
declares the rarer linker signatures and diagnoses two causes that look like a missing MKL and are not:

* a static MKL archive that needs the C library's ``libm``/``libdl``/``libpthread`` (``undefined reference to `cos'``
  from ``libmkl_core.a``, ``DSO missing from command line``): the fix is ``-lpthread -lm -ldl`` after the archives;
* one MKL archive needing an internal symbol of another (``mkl_serv_*``, ``mkl_blas_*``, ``mkl_lapack_*``): every MKL
  defines those in ``libmkl_core``; the cause is archive order (no ``--start-group``) or archives of two releases mixed.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.events import UNNAMED, MissingLibrary, NeededNotFound, Parsed, UndefinedSymbol
from mkldoctor.findings import Finding
from mkldoctor.explain.context import Context
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import exports, facts, layout


@dataclass(frozen=True, slots=True)
class DsoMissing:
    """``ld: /lib/x86_64-linux-gnu/libm.so.6: error adding symbols: DSO missing from command line``, and the name ld said
    it held on the line before (``undefined reference to symbol '_ZN4sycl3_V15queue6memcpy...'``)."""

    library: str
    symbol: str = field(default="", compare=False)


# ld's line before its DSO-missing one: the name it found in that library ("undefined reference to symbol 'dgesdd_'")
_DSO_SYMBOL = re.compile(r"undefined reference to symbol [`'‘\"](?P<sym>[^`'’\"@]+)")


def _dso_missing(m: re.Match, before) -> DsoMissing:
    said = last_match(_DSO_SYMBOL, before, within=2)
    return DsoMissing(m.group("lib"), said.group("sym") if said else "")


@dataclass(frozen=True, slots=True)
class AsNeededFlags:
    """Linker flags the log shows that hold --as-needed (``echo $LDFLAGS``, an exported LDFLAGS): no failure by itself,
    the evidence for MKL's layers dropped from a module that a kernel later cannot see (:mod:`scope`)."""

    line: str


@dataclass(frozen=True, slots=True)
class HiddenForDso:
    symbol: str
    archive: str




def _prose(m: re.Match, before):
    """A reporter's sentence that names the undefined symbol: MKL's or OpenMP's names, or another one MKL's export table
    knows (iJIT_NotifyEvent); at import ("importing pytorch raises an `undefined symbol: X` error") a run-time lookup."""
    from mkldoctor.explain.catalogue import NOT_MINE
    from mkldoctor.explain.hosts import SymbolLookupError
    from mkldoctor.knowledge import exports

    symbol = m.group("sym")
    if m.group("other") and exports.history(symbol) is None:
        return NOT_MINE
    if re.search(r"(?i)\bimport(?:ing|Error)?\b|\bat run ?time\b|\bwhen (?:running|loading)\b", m.string):
        return SymbolLookupError("python (import)" if "import" in m.string.lower() else "a program (the log does not name it)",
                                 UNNAMED, symbol)
    # "undefined symbol: X" is the loader's wording and lld's cut of its name: alone, with no link around it, one of MKL's
    # internal names or OpenMP's is a lookup at run time (pyatb's page: Anaconda's MKL beside the oneAPI one its extension
    # was built with), a name a program calls a link's (nuvai-mkl's changelog: cblas_sgemm on a crate's link)
    if "symbol:" in m.group(0) and _run_time_name(symbol) and not any(_LINK_WORDS.search(line) for line in (m.string, *before[-3:])):
        return SymbolLookupError("a program (the log does not name it)", UNNAMED, symbol)
    return UndefinedSymbol(symbol, None, None, None, "ld", None)


def _run_time_name(symbol: str) -> bool:
    """A name only MKL's own layers call (exported by no interface layer, nor libmkl_rt), or OpenMP's."""
    from mkldoctor.explain.scope import internal

    return symbol.startswith(("omp_", "__kmpc_", "kmp_")) or internal(symbol)


def _driver_missing(m: re.Match, _) -> MissingLibrary | object:
    path = m.group("q") or m.group("p")
    if not re.search(r"\.(?:a|so(?:\.\d+)*|dylib|lib)$", path):
        return NOT_MINE  # a source file or a folder: not a library the link wanted
    return MissingLibrary(os.path.basename(path), "cc", path)


_LINK_WORDS = re.compile(r"(?i)\blink(?:er|ing|ed)?\b|\bld(?:\.\w+)?\b|collect2|\bcompil|>>> referenced|\bbuild")


SIGNATURES = (
    Signature("linker-flags-as-needed", "linker", "-as-needed",
              re.compile(r"^\s*(?:(?:export\s+)?\w*LDFLAGS=['\"]?)?-.*?-Wl,(?:[^\s,]*,)*--as-needed\b"), lambda m, _: AsNeededFlags(m.string.strip())),
    Signature("dso-missing", "linker", "DSO missing from command line",
              re.compile(r"(?<![\w./+-])(?P<lib>/?[\w./+-]+\.so[\w.]*): error adding symbols: DSO missing from command line"),
              _dso_missing),
    # the compiler driver's own check of a file on its line (clang's, gcc 9's and older): ld's "cannot find <path>"
    Signature("driver-no-such-file", "linker", "rror: ", re.compile(
        r"^(?:\S*/)?(?:clang(?:\+\+)?|gcc|g\+\+|c\+\+|cc|gfortran|icx|icpx|ifx)(?:-[\d.]+)?(?:\.exe)?: error: "
        r"(?:no such file or directory: [‘']?(?P<q>[^'’\s]+)[’']?|(?P<p>\S+): No such file or directory)"), _driver_missing),
    Signature("collect2-exit", "linker", "returned", re.compile(r"\b(?:collect2|ld)(?:\.exe)?: error: ld returned \d+ exit status"),
              lambda m, _: FollowOn(m.group(0))),
    Signature("clang-linker-exit", "linker", "linker command failed", re.compile(r"error: linker command failed with exit code \d+"),
              lambda m, _: FollowOn(m.group(0))),
    # "hidden symbol `__intel_cpu_features_init_x' in .../libirc.a(cpu_feature_disp.o) is referenced by DSO": a library
    # built with Intel's compiler needs its runtime's shared libraries, and the link found only the static archive
    Signature("hidden-symbol-referenced-by-dso", "linker", "referenced by DSO",
              re.compile(r"hidden symbol [`'‘](?P<sym>[^'’]+)['’] in (?P<archive>\S+?\.a)\((?P<member>[^)]*)\) is referenced by DSO"),
              lambda m, _: HiddenForDso(m.group("sym"), m.group("archive"))),
    # a person's words for a link failure ("Undefined reference to ‘vsPowx’", "the undefined symbol: __kmpc_global_thread_num appears", "produces the
    # `undefined reference to cblas_dgemm` error"): the name, when it is MKL's or OpenMP's, with no caller
    Signature("undefined-said-in-prose", "linker", "ndefined",
              re.compile(r"\b[Uu]ndefined (?:reference to|symbol:?)\s+[`'\"‘]?(?P<sym>(?:(?:cblas_|mkl_|MKL_|LAPACKE_|__kmpc_|kmp_|omp_)"
                         r"\w+|vm?[sdcz][A-Z][a-z]\w*|(?P<other>[A-Za-z_]\w{3,})))\b(?![.(])"),  # VML's names too: vsPowx
              _prose),
)

# The C library parts a static MKL link must name itself: symbol -> the -l that provides it
_LIBM = {
    "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow", "sin", "cos", "tan", "asin", "acos", "atan",
    "atan2", "sinh", "cosh", "tanh", "floor", "ceil", "fabs", "fmod", "hypot", "erf", "erfc", "lgamma", "tgamma", "round",
    "trunc", "nearbyint", "rint", "lrint", "llrint", "ldexp", "frexp", "modf", "sincos", "copysign", "fmin", "fmax",
    "cabs", "carg", "cexp", "clog", "csqrt", "cpow", "csin", "ccos", "ctan", "conj", "cproj",  # complex.h's (the wheel's cabsf)
}


def system_library(symbol: str) -> str | None:
    """The C library part that defines ``symbol`` (``-lm``, ``-ldl``, ``-lpthread``), or None."""
    base = symbol.split("@", 1)[0]
    if base.startswith("dl") and base in ("dlopen", "dlsym", "dlclose", "dlerror", "dladdr", "dlinfo", "dlvsym", "dlmopen"):
        return "dl"
    if base.startswith(("pthread_", "sem_")):
        return "pthread"
    if base in _LIBM or (base.endswith(("f", "l")) and base[:-1] in _LIBM):
        return "m"
    return None


_INTERNAL = re.compile(r"^mkl_(?:serv|blas|lapack|vml|vsl|dft|spblas|pds|trans|xblas|cpds|sparse_\w+_internal|cbwr)_")


def internal_symbol(symbol: str) -> bool:
    """An MKL-internal name that every release defines in libmkl_core (not a public API)."""
    return bool(_INTERNAL.match(symbol))


def from_mkl_archive(event: UndefinedSymbol) -> bool:
    where = os.path.basename(event.referenced_from or "")
    return where.startswith("libmkl_") and where.endswith(".a")


def claims(event: UndefinedSymbol) -> bool:
    """Whether this family explains the undefined symbol (the generic diagnosis then leaves it)."""
    from mkldoctor.explain import prebuilt

    if system_library(event.symbol):
        return True
    if prebuilt.claims(event):  # a library outside MKL built with MKL's internals unresolved
        return True
    if _from_mkl_shared(event) and (event.symbol.startswith("mkl_") or exports.history(event.symbol) is not None):
        return True  # one shared layer's call into another: an internal name, or MKL's API (oneMKL's SYCL libraries call it)
    return internal_symbol(event.symbol) and (from_mkl_archive(event) or event.referenced_from is None)


def _from_mkl_shared(event: UndefinedSymbol) -> bool:
    where = os.path.basename(event.referenced_from or "")
    return where.startswith("libmkl_") and ".so" in where


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    from mkldoctor.explain import mixedlink, mpilink, prebuilt
    from mkldoctor.explain.tbbabi import cxx_runtime

    claimed = [e for e in events.of(UndefinedSymbol) if claims(e)]
    out += prebuilt.diagnose(claimed, ctx)
    claimed = [e for e in claimed if not prebuilt.claims(e)]
    system = OrderedDict()
    internal = OrderedDict()
    for event in claimed:
        lib = system_library(event.symbol)
        (system.setdefault(lib, []) if lib else internal.setdefault(event.symbol.split("@", 1)[0], [])).append(event)
    mpi = any(mpilink.MPI_NAME.match(e.symbol) for e in events.of(UndefinedSymbol))  # MPI's library: mpilink's finding says it
    dso = [e for e in events.of(DsoMissing) if not mkl_dso(e)  # an MKL archive's C++ member: tbbabi names libstdc++
           and not (os.path.basename(e.library).startswith("libstdc++") and cxx_runtime(events))
           and not (mpi and re.match(r"libmpi(?:ch\w*|fort|cxx|_\w+)?\.so", os.path.basename(e.library)))]
    if system or dso:
        from mkldoctor.explain.syslibs import system_libraries  # the C library's parts, and DSOs the line does not name

        out.append(system_libraries(ctx, system, dso))
    out += [_mkl_dso_not_named(e) for e in events.of(DsoMissing) if mkl_dso(e)][:1]
    hidden = [e for e in events.of(HiddenForDso) if os.path.basename(e.archive).startswith(facts.INTEL_RUNTIME)]
    out += [_intel_runtime(hidden, events)] if hidden else []
    shared = OrderedDict((s, evs) for s, evs in internal.items() if all(_from_mkl_shared(e) for e in evs))
    internal = OrderedDict((s, evs) for s, evs in internal.items() if s not in shared)
    # a CMake variable's NOTFOUND in the core's place (MegEngine#60, ld.gold goes on to list the names): the core was never
    # on the line, and library-not-found's finding says why; the names left undefined are its consequence
    unset = any(e.name.endswith("-NOTFOUND") and re.search(r"(?i)core", e.name) for e in events.of(MissingLibrary))
    if internal and not unset:
        out.append(_archive_order(ctx, internal))
    before = _before_objects(events, shared)
    if not shared and _placed_by_undefined(events):
        before = []  # the undefined family's mkl-link-order or mkl-dropped-as-needed says it, with the names left undefined
    out += before
    if shared and not before and not mixedlink.installs(events):  # two installs' layers: mixedlink says it
        out.append(_layer_not_linked(shared))
    return out


def _placed_by_undefined(events: Parsed) -> bool:
    """MKL names undefined in objects or libraries that the failing line puts after MKL's libraries."""
    from mkldoctor.explain import linkorder
    from mkldoctor.explain.events import LinkCommand
    from mkldoctor.knowledge import exports

    by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in events.of(UndefinedSymbol):
        if exports.history(event.symbol) is not None:
            by_symbol.setdefault(event.symbol, []).append(event)
    return bool(by_symbol) and any(linkorder.place(linkorder.read(c), by_symbol) for c in events.of(LinkCommand))


def _layer_not_linked(shared: dict) -> Finding:
    """A shared MKL layer's calls into another layer unresolved at link time: that layer is not on the link."""
    from mkldoctor.explain.scope import exported

    symbols = list(shared)
    users = sorted({os.path.basename(e.referenced_from) for events in shared.values() for e in events})
    found = exported(symbols[0])
    evidence = needed_by(symbols, shared)[:4] + ([found.sentence()] if found else [])
    # the layers the log's own libraries are: its interface and threading, not mkldoctor's defaults
    given = [library for library in map(layout.get, users) if library is not None]
    interface = next((lib for lib in given if lib.role == "interface"), layout.layer("lp64", "interface"))
    threading = next((lib for lib in given if lib.role == "threading"), layout.layer("sequential", "threading"))
    runtime = f" -l{threading.runtime}" if threading.runtime else ""
    layers = [interface.name, threading.name, "mkl_core"]
    flags = " ".join("-l" + n for n in layers)
    mixed = _same_soname_older(symbols[0], users)
    evidence += mixed[:1]
    sycl = [u for u in users if u.startswith("libmkl_sycl")]
    first = ((f"with --as-needed, put MKL's SYCL libraries ({', '.join(sycl[:2])}) before the classic layers they call "
              f"({flags}): ld keeps a shared library only if something before it needs it, and "
              "a list sorted by name puts libmkl_core before libmkl_sycl_* (uxlfoundation/oneDAL#3801: a Bazel glob)",) if sycl else ())
    return Finding(
        "mkl-layer-missing", "error",
        f"{', '.join(users[:2])} {'needs' if len(users) == 1 else 'need'} {_few(symbols)}, which another MKL layer defines: that layer is not in the link "
        "(not named, or dropped by --as-needed)",
        tuple(evidence),
        (*first, *mixed[1:], f"name the three layers after the objects that call MKL: {flags}{runtime} -lpthread -lm -ldl "
         "(mkldoctor link --format flags prints the line)", "or keep them: -Wl,--no-as-needed before the MKL libraries",
         "a link meant to be static (a static .pc file, a 'static' build): -lmkl_X takes the shared library where both are "
         "in the folder, and a shared layer needs the others beside it; name the archives in a group: -Wl,--start-group "
         + " ".join(f"-l:lib{n}.a" for n in layers) + f" -Wl,--end-group{runtime} -lpthread -lm -ldl"),
        "MKL's interface layer calls the threading layer and the core without naming them as dependencies; ld resolves "
        "those calls only from layers on the line, and with --as-needed drops a layer that nothing before it needed.",
    )


def _same_soname_older(symbol: str, users: list[str]) -> list[str]:
    """(evidence, fix) where the layer's soname spans releases older than the name's first one: a libmkl_core of one of
    those (another MKL on the link's path, a package's bundled copy: ABACUS's guide on DeePMD-kit's lib) lacks it."""
    from mkldoctor.knowledge.history import version_key

    history = exports.history(symbol)
    soname = next((u for u in users if re.search(r"\.so\.\d+$", u)), None)
    span = exports.releases_with_soname(soname) if soname else ()
    first = history.overall.releases[0] if history is not None else None
    older = [r for r in span if first and version_key(r) < version_key(first)]
    if not older:
        return []
    return [f"{soname} is the file name of MKL {span[0]} to {span[-1]}, and {symbol} came only in {first}: a "
            f"libmkl_core of the same file name from {older[0]} to {older[-1]} lacks it, so a core found first in another "
            "MKL's folder (a package that bundles its own MKL) leaves it undefined though the line names the core",
            f"if the line names the core: find the other MKL on the link's path (-Wl,--trace on the link line names each file ld opens; or ls each -L folder for "
            "libmkl_core*) and take it off, or delete that package's bundled MKL files from a copy of its lib folder and "
            "point the build at the copy (ABACUS's guide, for DeePMD-kit's lib: rm *mkl*)"]


def _before_objects(events: Parsed, shared: dict | None = None) -> list[Finding]:
    """A link line that names MKL's libraries before the objects that call them: --as-needed (a default of Debian's and
    Ubuntu's toolchains) drops each shared library that nothing before it needed. With the names a kept layer then
    lacked (``shared``), it is the cause of the failure; alone, a warning."""
    from mkldoctor.explain.events import LinkCommand

    out = []
    for command in events.of(LinkCommand):
        argv = list(command.argv)
        mkl = next((i for i, a in enumerate(argv) if re.match(r"^-l:?(?:lib)?mkl_", a)), None)
        obj = next((i for i, a in enumerate(argv) if a.endswith((".o", ".obj")) and not a.startswith("-")), None)
        if mkl is None or obj is None or mkl > obj or any("no-as-needed" in a for a in argv[:mkl]):
            continue
        libs = [a for a in argv[:obj] if a.startswith("-lmkl_")]
        failed = [f"then {more(list(shared), 4)} undefined: needed by the layers that were kept" for _ in [0] if shared]
        out.append(Finding(
            "mkl-libraries-before-objects", "error" if shared else "warning",
            f"the link line names {' '.join(libs[:3])} before the objects that call MKL: with --as-needed they are dropped",
            (f"{command.tool}: {' '.join(libs)} come before {argv[obj]}",
             "ld with --as-needed (the default of Ubuntu's and Debian's gcc) keeps a shared library only when an object or "
             "library before it on the line needs it; libraries before all objects are needed by nothing yet", *failed),
            ("put the MKL libraries after the objects (CMake: target_link_libraries(<target> ...) rather than "
             "CMAKE_EXE_LINKER_FLAGS or LINK_FLAGS)", "or keep them all: -Wl,--no-as-needed before the MKL libraries"),
            "The link line's order decides what an --as-needed link keeps: libraries must follow what uses them.",
        ))
        break
    return out


def mkl_dso(event: DsoMissing) -> bool:
    """ld's DSO-missing names one of MKL's own shared libraries (libmkl_rt.so, a layer)."""
    return os.path.basename(event.library).startswith("libmkl_")


def _mkl_dso_not_named(event: DsoMissing) -> Finding:
    """``undefined reference to symbol 'dgesdd_'`` then ``libmkl_rt.so: error adding symbols: DSO missing from command
    line``: the library that defines it was reached only through another library, and ld takes no symbol from there."""
    name = os.path.basename(event.library)
    lib = name[3:].split(".so", 1)[0]
    folder = os.path.dirname(event.library)
    return Finding(
        "mkl-dso-not-named", "error",
        f"{name} defines what the link needs, but the link line does not name it (ld: DSO missing from command line)",
        (f"ld found the symbol in {event.library}, a dependency of another library on the line, and refuses to take it "
         "from there: the library must be named itself",),
        (f"name it on the link line after the objects and static libraries that call it: "
         f"{'-L' + folder + ' ' if folder else ''}-l{lib}",
         *((f"with Intel's MKLConfig.cmake: -DENABLE_{cluster.upper()}=ON (before find_package(MKL)) and link "
            f"MKL::{lib} too: MKL::MKL alone brings no cluster library",) if (cluster := _cluster_part(lib)) else ()),
         "CMake: link MKL to the executable too (target_link_libraries(<executable> PRIVATE MKL::MKL, or the library), not "
         "only to a static library it uses: a static library's dependencies reach the final link only when declared",
         "or make the library that uses MKL a shared one, which then names MKL itself"),
        "Since binutils 2.22 ld takes symbols only from libraries named on the line (--no-copy-dt-needed-entries): a "
        "library needed only by another shared library is searched, found to hold the symbol, and refused.",
        ("add -Wl,--verbose: ld lists each library it opens",),
    )


def _cluster_part(lib: str) -> str:
    """``mkl_scalapack_lp64`` -> ``scalapack`` (MKLConfig.cmake's ENABLE_ option); "" for a library of no cluster part."""
    found = re.match(r"mkl_(scalapack|blacs|cdft)_", lib + "_")
    return found.group(1) if found else ""


def _archive_order(ctx: Context, internal: dict) -> Finding:
    symbols = list(internal)
    hits = ctx.hits(symbols)
    command = ctx.main_command()
    evidence = needed_by(symbols, internal)[:6]
    defined = OrderedDict()
    for symbol in symbols:
        for hit in hits[symbol]:
            defined.setdefault(label(hit.install), set()).add(os.path.basename(hit.definition.path))
    evidence += [f"defined by {where}: {', '.join(sorted(files))}" for where, files in defined.items()]
    users = {os.path.dirname(e.referenced_from) for events in internal.values() for e in events if e.referenced_from}
    if command is not None:  # the MKL archives named by path on the link line
        users |= {os.path.dirname(p) for p in command.inputs if os.path.basename(p).startswith("libmkl_")}
    mixed = len(users) > 1
    if mixed:
        evidence.append("the MKL archives on the link line come from several folders: " + ", ".join(sorted(users)))
    grouped = command is not None and command.groups
    given = [*(command.inputs if command is not None else ()), *(r.name for r in (command.libs if command is not None else ()))]
    threaded = [f for files in defined.values() for f in sorted(files) if layout.role(f) == "threading"]
    no_layer = bool(given) and threaded and not any(layout.role(os.path.basename(g)) in ("threading", "rt") for g in given)
    # the one folder of the line's MKL archives, for the fix's line (not where a paste broke the path with blanks)
    folder = sorted(users)[0] if len(users) == 1 and not re.search(r"\s", sorted(users)[0]) else ""
    if no_layer:  # the group holds the interface and the core: the threading layer, which defines them, is not on the line
        title = (f"{_few(symbols)} undefined: the link has no MKL threading layer (libmkl_sequential, libmkl_intel_thread or "
                 "libmkl_gnu_thread), which defines them")
        evidence.append(f"the link line's MKL libraries: {', '.join(os.path.basename(g) for g in given if 'mkl' in g)}: an "
                        "interface and the core, no threading layer; MKL's static link is three layers")
    elif grouped and not mixed:
        title = f"{_few(symbols)} undefined although libmkl_core is in the group: libmkl_core comes from another release"
    elif mixed:
        title = f"{_few(symbols)} undefined: MKL archives of two releases are mixed on the link line"
    else:
        title = f"{_few(symbols)} undefined: MKL's archives are in the wrong order (no --start-group)"
    at = f"{folder}/" if folder else ""
    fix = ("link the three layers of one MKL as a group, interface first" + (", the threading layer in the middle" if no_layer
                                                                            else "") + ": "
           f"-Wl,--start-group {at}libmkl_intel_lp64.a {at}libmkl_sequential.a {at}libmkl_core.a -Wl,--end-group "
           "-lpthread -lm -ldl"
           + (" (libmkl_gnu_thread.a with -fopenmp, or libmkl_intel_thread.a with -liomp5, for MKL's own threads)"
              if no_layer else ""),
           "take all three archives from one folder: mkldoctor link --link static --format flags")
    why = ("These names are MKL's own internals: the threading layer defines the BLAS drivers (mkl_blas_*) that the "
           "interface calls, and it calls the core's; a link of the interface and the core alone leaves them undefined, "
           "in any order." if no_layer else
           "These names are MKL's own internals: every MKL release defines them in libmkl_core, and the interface and threading "
           "archives call them. ld reads each archive once, left to right, so an archive that comes after the one needing "
           "a name is never searched for it, unless the archives are wrapped in --start-group/--end-group; archives of "
           "two releases do not match each other's internal names.")
    return Finding("mkl-archive-order", "error", title, tuple(evidence), fix, why,
                   (f"add -Wl,-y,{symbols[0]}: ld names the archive member that defines it, or none",))


def _few(symbols: list[str]) -> str:
    return ", ".join(symbols[:3]) + (f" and {len(symbols) - 3} more" if len(symbols) > 3 else "")


def _intel_runtime(hidden: list[HiddenForDso], events: Parsed) -> Finding:
    needs = list(dict.fromkeys(e.soname for e in events.of(NeededNotFound) if e.soname.startswith(facts.INTEL_RUNTIME)))
    archive = hidden[0].archive
    return Finding(
        "intel-runtime-mixed", "error",
        f"a library built with Intel's compiler needs its runtime's shared libraries, and the link took {os.path.basename(archive)}",
        (f"ld: hidden symbol {hidden[0].symbol} in {archive} is referenced by a shared library",
         *((f"and ld did not find {', '.join(needs[:4])}, which that library needs",) if needs else ()),
         "the static runtime's names are hidden and cannot serve a shared library: the shared runtime of the same compiler "
         "release must be on the link (its lib folder), as its environment script sets up; a build whose MKL or compiler "
         "folders were written by hand (or come from two releases) misses it"),
        ("build in one Intel installation's environment: source <its>/bin/compilervars.sh intel64 (oneAPI: setvars.sh) and "
         "its MKL's (mklvars.sh intel64), and drop hand-written include and library folders of another MKL or compiler",
         "or give the link the compiler runtime's folder: -L<compiler>/lib/intel64 -Wl,-rpath-link,<that folder> (where "
         f"{needs[0] if needs else 'libintlc.so.5'} is), and at run time LD_LIBRARY_PATH or a run path"),
        "Intel's compilers link their runtime (libirc, libimf, libsvml, libintlc) shared into a shared library and expect "
        "the same release's files when a program links that library.",
        ("ldd <the shared library> | grep -E 'intlc|imf|svml|irc'   # what it needs, and whether it is found",),
    )
