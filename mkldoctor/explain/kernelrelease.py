"""MKL's kernels of another release than the core that opens them: ``INTEL MKL ERROR: /x/libmkl_avx2.so: undefined
symbol: mkl_..._i8.`` with ``Cannot load libmkl_avx2.so or libmkl_def.so`` (a kernel that needs a name the loaded core does
not define), a kernel that names another release's core soname, and MKL's ``Error on loading function
mkl_blas_avx2_xdsyrk`` (the kernel of that CPU missing, or of another release).
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.kernels import LAYER_SONAME, layer_soname_missing
from mkldoctor.explain.runtime import MklCannotLoad, MklKernelUndefined
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge import layout


def _release_mixed(events: Parsed) -> list[MklKernelUndefined]:
    """The undefined names in MKL's kernels that neither another family (:mod:`scope`: no layer visible, an older MKL)
    nor the OpenMP runtime explains: a kernel and a core of two releases."""
    from mkldoctor.explain.scope import classify

    from mkldoctor.explain.tbbabi import is_tbb_name

    return [e for e in events.of(MklKernelUndefined)  # a tbb:: name is TBB's to give (tbbabi.layer_cannot_load)
            if not knowledge.is_openmp_symbol(e.symbol) and not is_tbb_name(e.symbol)
            and not (e.path and classify(e.path, e.symbol, "MKL"))]


def other_release(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.tbbabi import layer_cannot_load, runtime_not_found

    out = layer_cannot_load(events) + runtime_not_found(events)
    if layer_soname_missing(events):
        out.append(_kernel_wants_other_core(events, ctx))
    undefined = _release_mixed(events)
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
            install = ctx.install_of(event.path)
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
               "from the same MKL as libmkl_core and libmkl_rt; a frozen program made from a conda environment: make it "
               "from one whose numpy and scipy are not MKL's (conda install nomkl numpy scipy; pyinstaller#2175)")
    if static_program:
        fix.append("a program that links MKL statically cannot use shared kernels of another release: link it dynamically, "
                   "or statically with the archives of one release (mkldoctor link --link static)")
    title = f"MKL loaded a kernel library of another release: {undefined[0].symbol} is missing from the core it runs with"
    kernel = _kernel_of_function(undefined)
    if kernel:  # MKL's "Error on loading function mkl_blas_avx2_xdsyrk": no file named, the kernel's CPU in the name
        title = (f"MKL could not load {undefined[0].symbol} from its {kernel} kernel: that kernel library is missing beside "
                 "MKL's core, or of another release")
        evidence.append(f"{undefined[0].symbol} is a function of MKL's {kernel} kernel: MKL's dispatcher opens that library "
                        "for this CPU and asks it for the function; a bundle that copied some of MKL's kernels and not this "
                        "one (Microsoft R Open's macOS build lacked libmkl_avx2.dylib, RRO#58) fails only on CPUs that pick it")
        fix.insert(0, f"see that {kernel}, of the same release as libmkl_core, is where MKL looks: beside the core (ls <MKL's lib "
                      f"folder>/{kernel}*), or in the lib folder of the MKL the program was built with, first on LD_LIBRARY_PATH; a "
                      "bundle, package or image that ships MKL must carry every kernel (libmkl_def, libmkl_mc*, libmkl_avx*, "
                      "libmkl_vml_*), since MKL picks one by the CPU it runs on: copy the missing one from the MKL it was made "
                      f"from; or, for one run, MKL_ENABLE_INSTRUCTIONS=<a lower level> keeps MKL off {kernel} (MKL 2019 and newer)")
    return out + [Finding(
        "mkl-kernel-other-release", "error", title,
        tuple(evidence), tuple(fix),
        "libmkl_core (or libmkl_rt) opens the CPU-specific kernel library at run time, first beside itself and then on the "
        "loader's path. The kernel calls the core's internal functions, which change between releases: a kernel from one "
        "release with the core of another fails with an undefined symbol, and MKL then says it cannot load the kernels.",
        ("MKL_VERBOSE=1 ./your-program   # prints the MKL version that runs", "LD_DEBUG=files ./your-program 2>&1 | grep libmkl_"),
    )]


# a kernel function's name: its domain, then the ISA of the kernel library that holds it (layout's CPU kernels)
_KERNEL_CPU = re.compile(r"^mkl_[a-z]+_(?P<cpu>" + "|".join(sorted(layout.kernel_isas(), key=len, reverse=True)) + r")_\w+$")


def _kernel_of_function(undefined) -> str:
    """The kernel library a function named in MKL's 'Error on loading function' lives in (mkl_blas_avx2_xdsyrk: libmkl_avx2),
    where no event names the file; '' otherwise."""
    if any(e.path for e in undefined):
        return ""
    cpu = _KERNEL_CPU.match(undefined[0].symbol)
    return f"libmkl_{cpu['cpu']}" if cpu else ""


def _kernel_wants_other_core(events: Parsed, ctx: Context) -> Finding:
    from mkldoctor.binary.dynamic import read_dynamic
    wanted = [e.path for e in layer_soname_missing(events)]
    kernels = list(dict.fromkeys(lib for e in events.of(MklCannotLoad) for lib in e.libraries if not LAYER_SONAME.match(lib)))
    evidence = [f"MKL could not load {' or '.join(kernels)}: the kernel needs {', '.join(wanted)}, which could not be opened"]
    for install in ctx.installs:
        for folder in install.lib_dirs:
            for kernel in kernels:
                path = os.path.join(folder, kernel)
                if not os.path.exists(path):
                    continue
                info = read_dynamic(path)
                needs = [n for n in (info.needed if info else []) if LAYER_SONAME.match(n)]
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
