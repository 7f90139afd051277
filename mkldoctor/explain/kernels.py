"""MKL's own libraries at run time: the kernels and layers MKL opens itself, and why it cannot.

``INTEL MKL ERROR: /x/libmkl_avx2.so: undefined symbol: mkl_..._i8.`` followed by ``Intel
MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so.`` means MKL found a kernel
library, and that library needs a name the loaded core does not define: the kernel and the
core come from two releases (two copies on the machine, or a bundle that mixed them), or
the program linked MKL statically and loads shared kernels that need a shared core.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.runtime import MklCannotLoad, MklKernelUndefined, MklOpenFailed
from mkldoctor.explain.wording import MAX_LISTED, more, q
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import layout


_LAYER_SONAME = layout.file_pattern(("rt", "interface", "threading", "core"), shared_only=True)  # all but the kernels


def _release_of(ctx: Context, path: str):
    install = ctx.install_of(path) if path else None
    return install


def layer_soname_missing(events: Parsed) -> list:
    """``INTEL MKL ERROR: libmkl_core.so.3: cannot open ...`` then ``Cannot load libmkl_def.so``: a kernel wants another core."""
    kernels = [lib for e in events.of(MklCannotLoad) for lib in e.libraries if not _LAYER_SONAME.match(lib)]
    opened = [e for e in events.of(MklOpenFailed) if "/" not in e.path and _LAYER_SONAME.match(e.path)]
    return opened if kernels and opened else []


def other_release(events: Parsed, ctx: Context) -> list[Finding]:
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
                names = os.listdir(folder) if folder else []
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
    for folder in tried_dirs:
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


def _is_foreign(name: str) -> bool:
    from mkldoctor.explain.platforms import is_foreign

    return is_foreign(name)
