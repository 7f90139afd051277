"""MKL and OpenMP at run time: a kernel library of another release, a static MKL with shared kernels.

``INTEL MKL ERROR: /x/libmkl_avx2.so: undefined symbol: mkl_..._i8.`` followed by ``Intel
MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.`` means MKL found a kernel
library, and that library needs a name the loaded core does not define: the kernel and the
core come from two releases (two copies on the machine, or a bundle that mixed them), or
the program linked MKL statically and loads shared kernels that need a shared core.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.findings import Finding
from mkldoctor.explain.wording import MAX_LISTED, more, q
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed


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
class ThreadingConflict:
    layer: str  # "INTEL"
    library: str  # "libgomp.so.1"


@dataclass(frozen=True, slots=True)
class ParameterError:
    parameter: int
    routine: str


@dataclass(frozen=True, slots=True)
class MklKernelUndefined:
    path: str  # the kernel or layer library MKL opened
    symbol: str


_MKL_ERROR = r"(?:Intel|INTEL)(?:\(R\))? (?:one)?MKL (?:FATAL )?ERROR: "

def _cannot_load(m: re.Match, _) -> MklCannotLoad:
    return MklCannotLoad(tuple(p.strip().rstrip(".") for p in re.split(r"\s+or\s+|,\s*", m.group("libs")) if p.strip()))


SIGNATURES = (
    Signature("mkl-fatal-cannot-load", "runtime", "Cannot load",
              re.compile(r"(?:Intel|INTEL)(?:\(R\))? (?:one)?MKL FATAL ERROR: Cannot load (?P<libs>.+?)\.?\s*$", re.I), _cannot_load),
    Signature("mkl-cannot-open", "runtime", "cannot open shared object file",
              re.compile(r"(?:Intel|INTEL)(?:\(R\))? (?:one)?MKL ERROR: (?P<path>\S+?): (?P<reason>cannot open shared object file[^.]*)", re.I),
              lambda m, _: MklOpenFailed(m.group("path"), m.group("reason").strip())),
    Signature("mkl-parameter", "runtime", "MKL ERROR: Parameter",
              re.compile(r"MKL ERROR: Parameter (?P<n>\d+) was incorrect on entry to (?P<routine>[\w.]+?)\s*\.?\s*$", re.I),
              lambda m, _: ParameterError(int(m.group("n")), m.group("routine"))),
    Signature("mkl-threading-layer", "runtime", "is incompatible with",
              re.compile(r"MKL_THREADING_LAYER=(?P<layer>\w+) is incompatible with (?P<lib>[\w.+-]+?)(?:\s|\.?$)"),
              lambda m, _: ThreadingConflict(m.group("layer"), m.group("lib"))),
    Signature("omp-duplicate", "runtime", "OMP: Error #15",
              re.compile(r"OMP: Error #15: Initializing (?P<lib>\S+?),? but found (?P<other>\S+?) already initialized"),
              lambda m, _: OmpDuplicate(m.group("lib"), m.group("other"))),
    Signature("mkl-kernel-undefined", "runtime", "undefined symbol",
              re.compile(_MKL_ERROR + r"(?P<path>\S+?): undefined symbol: (?P<sym>[\w.$]+?)\.?\s*$", re.I),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    Signature("ld-debug-kernel-undefined", "runtime", "symbol lookup error: undefined symbol",  # LD_DEBUG's own line
              re.compile(rf"(?P<path>\S*lib(?:{layout.stems(('kernel', 'vml-kernel'))})\.so[\w.]*): error: symbol lookup error: "
                         r"undefined symbol: (?P<sym>[\w.$]+)"),
              lambda m, _: MklKernelUndefined(m.group("path"), m.group("sym"))),
    Signature("mkl-error-loading-function", "runtime", "Error on loading function",
              re.compile(_MKL_ERROR + r"Error on loading function '?(?P<sym>\w+)'?", re.I),
              lambda m, _: MklKernelUndefined("", m.group("sym"))),
)


_LAYER_SONAME = layout.file_pattern(("rt", "interface", "threading", "core"), shared_only=True)  # all but the kernels


def _release_of(ctx: Context, path: str):
    install = ctx.install_of(path) if path else None
    return install


def layer_soname_missing(events: Parsed) -> list:
    """``INTEL MKL ERROR: libmkl_core.so.3: cannot open ...`` then ``Cannot load libmkl_def.so``: a kernel wants another core."""
    kernels = [lib for e in events.of(MklCannotLoad) for lib in e.libraries if not _LAYER_SONAME.match(lib)]
    opened = [e for e in events.of(MklOpenFailed) if "/" not in e.path and _LAYER_SONAME.match(e.path)]
    return opened if kernels and opened else []


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    if layer_soname_missing(events):
        out.append(_kernel_wants_other_core(events, ctx))
    undefined = events.of(MklKernelUndefined)
    if not undefined:
        return out
    evidence: list[str] = []
    static_program = False
    for event in undefined[:6]:
        if event.path:
            evidence.append(f"MKL opened {event.path}, which needs {event.symbol}: the MKL core that is loaded does not define it")
            folder = os.path.dirname(event.path)
            try:
                names = os.listdir(folder) if folder and ctx.local else []  # another machine's folder is not this one's
            except OSError:
                names = []
            if names and not any(n.startswith("libmkl_core.so") for n in names):
                static_program = True
                evidence.append(f"{folder} holds no libmkl_core.so: the core in the process is not that folder's")
            install = _release_of(ctx, event.path)
            if install is not None:
                evidence.append(f"{os.path.basename(event.path)} belongs to {label(install)}")
        else:
            evidence.append(f"MKL could not load the function {event.symbol} from its CPU kernel library")
    hits = ctx.hits([e.symbol for e in undefined])
    cores = []
    for event in undefined:
        for hit in hits[event.symbol]:
            where = f"{event.symbol} is defined by {label(hit.install)}: {hit.where}"
            if where not in evidence:
                evidence.append(where)
            cores.append(hit.install)
    versions = sorted({i.version for i in ctx.installs if i.version})
    if len(versions) > 1:
        evidence.append("MKL releases on this machine: " + ", ".join(versions))
    fix = ["load every libmkl_* from one copy: keep one MKL folder on LD_LIBRARY_PATH (and none in LD_PRELOAD), "
           "then check with: ldd ./your-program | grep mkl"]
    if cores:
        folder = cores[0].lib_dirs[0]
        fix.append(f"the copy that has these names: export LD_LIBRARY_PATH={folder}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    fix.append("a bundle (PyInstaller, a container image, a wheel): copy the kernels (libmkl_avx*, libmkl_def, libmkl_mc*, libmkl_vml_*) "
               "from the same MKL as libmkl_core and libmkl_rt")
    if static_program:
        fix.append("a program that links MKL statically cannot use shared kernels of another release: link it dynamically, "
                   "or statically with the archives of one release (mkldoctor link --link static)")
    return out + [Finding(
        "mkl-kernel-other-release", "error",
        f"MKL loaded a kernel library of another release: {undefined[0].symbol} is missing from the core it runs with",
        tuple(evidence), tuple(fix),
        "libmkl_core (or libmkl_rt) opens the CPU-specific kernel library at run time, first beside itself and then on the "
        "loader's path. The kernel calls the core's internal functions, which change between releases: a kernel from one "
        "release with the core of another fails with an undefined symbol, and MKL then says it cannot load the kernels.",
        ("MKL_VERBOSE=1 ./your-program   # prints the MKL version that runs", "LD_DEBUG=files ./your-program 2>&1 | grep libmkl_"),
    )]


def _kernel_wants_other_core(events: Parsed, ctx: Context) -> Finding:
    from mkldoctor.binary.dynamic import read_dynamic
    wanted = [e.path for e in layer_soname_missing(events)]
    kernels = list(dict.fromkeys(lib for e in events.of(MklCannotLoad) for lib in e.libraries if not _LAYER_SONAME.match(lib)))
    evidence = [f"MKL could not load {' or '.join(kernels)}: the kernel needs {', '.join(wanted)}, which could not be opened"]
    for install in ctx.installs:
        for folder in install.lib_dirs:
            for kernel in kernels:
                path = os.path.join(folder, kernel)
                if not os.path.exists(path):
                    continue
                info = read_dynamic(path)
                needs = [n for n in (info.needed if info else []) if _LAYER_SONAME.match(n)]
                if needs:
                    real = os.path.realpath(path)
                    evidence.append(f"{path} needs {', '.join(needs)}" + (f" (it is {real})" if real != path else ""))
                cores = sorted(n for n in os.listdir(folder) if n.startswith("libmkl_core.so"))
                if cores:
                    evidence.append(f"the core beside it is {', '.join(cores)} ({label(install)})")
    for name in wanted:
        for install, path in ctx.holders_of_stem(name.split(".so", 1)[0] + ".so"):
            if os.path.basename(path) == name:
                evidence.append(f"{name} is the core of {label(install)}: the kernel is of that release")
    return Finding(
        "mkl-kernel-other-release", "error",
        f"MKL's kernel {kernels[0]} is of another release than its core: it needs {wanted[0]}",
        tuple(dict.fromkeys(evidence)),
        ("put the kernels of the same release beside libmkl_core: copy libmkl_def*, libmkl_mc*, libmkl_avx*, libmkl_vml_* "
         "from the folder that holds this libmkl_core (or reinstall that MKL whole)",
         "or load the whole other release: point LD_LIBRARY_PATH (or the run path) at the folder that has " + wanted[0]),
        "MKL opens its CPU kernel library at run time. This kernel was built for another release: it names that release's "
        "core soname, which is not here, so MKL gives up and says it cannot load the kernel.",
        ("MKL_VERBOSE=1 ./your-program   # prints the MKL version that runs",),
    )


# -- MKL and OpenMP at run time: kernels not found, duplicate runtimes, threading layers, bad parameters ----------


def mkl_cannot_load(events: Parsed, ctx: Context) -> list[Finding]:
    if events.of(MklKernelUndefined) or layer_soname_missing(events):
        return []  # a kernel of another release: the runtime family explains the "Cannot load" that follows
    fatal = [e for e in events.of(MklCannotLoad) if not any(_is_foreign(lib) for lib in e.libraries)]
    opened = events.of(MklOpenFailed)
    if not fatal and not opened:
        return []
    wanted: list[str] = []
    for event in fatal:
        wanted += [lib for lib in event.libraries if lib not in wanted]
    for event in opened:
        base = os.path.basename(event.path)
        if base not in wanted:
            wanted.append(base)
    evidence = [f"MKL tried to open {e.path}: {e.reason}" for e in opened[:MAX_LISTED]]
    evidence += [f"MKL could not load {' or '.join(e.libraries)}" for e in fatal]
    tried_dirs = sorted({os.path.dirname(e.path) for e in opened if "/" in e.path})
    for folder in tried_dirs if ctx.local else ():  # another machine's folder: not this one's to list
        try:
            present = sorted(n for n in os.listdir(folder) if n.startswith("libmkl_"))
        except OSError:
            present = []
        evidence.append(f"{folder} holds: {more(present, 6) or 'no MKL library'}")
    holders: OrderedDict[str, MklInstall] = OrderedDict()
    for name in wanted:
        for install, folder in ctx.holders(name):
            if os.path.realpath(folder) in {os.path.realpath(d) for d in tried_dirs}:
                continue
            holders.setdefault(folder, install)
            evidence.append(f"{name} is in {folder} ({label(install)})")
    fix: list[str] = []
    if holders:
        folder = next(iter(holders))
        fix.append(f"export LD_LIBRARY_PATH={q(folder)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
        fix.append("or ship every libmkl_*.so beside libmkl_rt (kernel libraries: " + ", ".join(f"lib{k}" for k in layout.names("kernel")[:4]) + ", ... and the threading layer)")
    else:
        fix.append("install or copy MKL's other shared libraries beside libmkl_rt (the versions must match: .so.2 with .so.2): "
                   + ctx.recipe_ref("shared"))
    return [Finding(
        "mkl-cannot-load-kernels", "error", f"MKL cannot load its own libraries at run time: {more(wanted, 4)}",
        tuple(evidence), tuple(fix),
        "libmkl_rt (and the dynamic libmkl_core) choose the threading layer and the CPU kernels at run time and open them with "
        "dlopen, beside libmkl_rt first and then on the loader path. Copying libmkl_rt alone (into an image, a wheel, a bundle) "
        "or mixing versions (.so.1/.so.2/.so.3) leaves them unfound.",
        ("MKL_VERBOSE=1 ./your-program   # prints the MKL version and the kernel it loaded",),
    )]


def runtime_misc(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(OmpDuplicate):
        out.append(Finding(
            "openmp-duplicate", "error", f"two OpenMP runtimes in one process: {event.library} and {event.already}",
            (f"OMP: Error #15: {event.library} initialised while {event.already} already was",),
            ("link exactly one OpenMP runtime: with MKL's intel_thread only libiomp5 (drop -lgomp/-fopenmp), with gnu_thread only libgomp",
             "with libmkl_rt: export MKL_THREADING_LAYER=GNU when the program already uses libgomp",
             "last resort, may crash or give wrong results: export KMP_DUPLICATE_LIB_OK=TRUE"),
            "Two copies of an OpenMP runtime (two libiomp5, or libiomp5 with LLVM's libomp) were loaded, typically one from MKL "
            "and one from another package (PyTorch, conda, a wheel).",
            ("ldd ./your-program | grep -E 'iomp|gomp|libomp'",),
        ))
    for event in events.of(ThreadingConflict):
        out.append(Finding(
            "threading-layer-conflict", "error", f"MKL_THREADING_LAYER={event.layer} is incompatible with {event.library}",
            (f"MKL was asked for the {event.layer} threading layer while {event.library} is already loaded",),
            ("export MKL_THREADING_LAYER=GNU   # use the OpenMP runtime that is already loaded",
             "or load MKL (import numpy) before the library that brings libgomp"),
            "MKL's INTEL threading layer needs libiomp5, and cannot share a process with GNU's libgomp.",
        ))
    for event in events.of(ParameterError):
        out.append(Finding(
            "mkl-parameter-error", "error", f"MKL rejected parameter {event.parameter} of {event.routine}",
            (f"Intel MKL ERROR: Parameter {event.parameter} was incorrect on entry to {event.routine}",),
            ("if every argument is right, the integer size is mixed: compile with -DMKL_ILP64 exactly when linking mkl_intel_ilp64 "
             "(or with libmkl_rt: MKL_INTERFACE_LAYER=ILP64)",
             "mkldoctor link --interface lp64   # or ilp64: prints matching compile and link flags"),
            "A leading dimension or size is wrong, or the program passes 32-bit integers to the 64-bit (ILP64) interface or the reverse.",
        ))
    return out


def _is_foreign(name: str) -> bool:
    from mkldoctor.explain.platforms import is_foreign

    return is_foreign(name)
