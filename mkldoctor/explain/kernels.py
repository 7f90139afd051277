"""MKL's own libraries at run time: the kernels and layers MKL opens itself, and why it cannot.

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

from mkldoctor.explain import vendored
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.platforms import file_platform
from mkldoctor.explain.runtime import MklCannotLoad, MklKernelUndefined, MklOpenFailed
from mkldoctor.explain.wording import MAX_LISTED, more, q
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge import exports, folders, layout, recipes


LAYER_SONAME = layout.file_pattern(("rt", "interface", "threading", "core"), shared_only=True)  # all but the kernels


def layer_soname_missing(events: Parsed) -> list:
    """``INTEL MKL ERROR: libmkl_core.so.3: cannot open ...`` then ``Cannot load libmkl_def.so``: a kernel wants another core."""
    kernels = [lib for e in events.of(MklCannotLoad) for lib in e.libraries if not LAYER_SONAME.match(lib)]
    opened = [e for e in events.of(MklOpenFailed) if "/" not in e.path and LAYER_SONAME.match(e.path)]
    return opened if kernels and opened else []


# -- MKL's libraries not found or not loadable: the files, the threading layer's OpenMP runtime -------------------


def _openmp_layer(name: str) -> bool:
    found = layout.get(os.path.basename(folders.posix(name)))
    return found is not None and found.role == "threading" and found.openmp == "iomp5"


def _explained_elsewhere(events: Parsed) -> bool:
    """Another line of the log says why MKL could not load it: an undefined name (not OpenMP's), a core soname not found,
    the file itself no library the loader takes (``libmkl_core.so: invalid ELF header``: binformat's)."""
    from mkldoctor.explain.binformat import WrongFormat
    from mkldoctor.explain.resources import MapFailed
    from mkldoctor.explain.tbbabi import tbb_runtime

    refused = {os.path.basename(e.library) for e in events.of(WrongFormat) if e.system == "Linux" and not e.linker}
    return (any(not knowledge.is_openmp_symbol(e.symbol) for e in events.of(MklKernelUndefined)) or bool(layer_soname_missing(events))
            or any(lib in refused for e in events.of(MklCannotLoad) for lib in e.libraries)
            or any(tbb_runtime(e.path) for e in events.of(MklOpenFailed))  # the TBB layer's runtime: tbbabi's
            or bool(events.of(MapFailed)))  # found and not mapped (memory, ulimit -v): resources'


def claims_foreign(name: str, events: Parsed) -> bool:
    """Whether this family explains MKL's ``Cannot load`` of a macOS or Windows library (the platforms then leave it):
    its CPU kernels always, its OpenMP threading layer (macOS) when no loader line names what that layer lacked."""
    from mkldoctor.explain.platforms import ForeignLoadFailed
    from mkldoctor.explain.windows import WindowsEntryPoint

    if layout.is_kernel(name):
        return True
    if file_platform(name) == "Windows":
        return False  # "could not be found" on Windows is the DLL or a dependency: the windows family says both
    said = [e.library for e in events.of(ForeignLoadFailed) if e.library != name]
    said += [e.dll for e in events.of(WindowsEntryPoint)]  # the layer was found: another release's, not its OpenMP runtime
    return _openmp_layer(name) and not said


def mkl_cannot_load(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.scope import bare_unversioned_kernels

    out = []
    omp = [e for e in events.of(MklKernelUndefined) if knowledge.is_openmp_symbol(e.symbol)]
    if omp:
        out.append(_openmp_layer_finding([os.path.basename(e.path) or "libmkl_intel_thread" for e in omp], ctx, omp[0].symbol))
    if _explained_elsewhere(events):
        return out  # an undefined name or another core: scope or other_release explains the "Cannot load" that follows
    names = [lib for e in events.of(MklCannotLoad) for lib in e.libraries]
    layers = [n for n in names if _openmp_layer(n) and (file_platform(n) == "Linux" or claims_foreign(n, events))]
    if layers and not omp:
        out.append(_openmp_layer_finding(layers, ctx))
    opened = events.of(MklOpenFailed)
    said = [lib for e in events.of(MklCannotLoad) for lib in e.libraries] + [os.path.basename(e.path) for e in opened]
    wheel = vendored.vendoring(events, [e.path for e in opened], said)  # MKL in a wheel's folder, without what MKL opens
    shipped = [n for n in names if layout.is_kernel(n) and file_platform(n) != "Linux"]
    if shipped:
        out.append(vendored.finding(wheel, shipped, [f"MKL could not load {' or '.join(shipped)}"]) if wheel else
                   _kernels_not_shipped(shipped, events))
    if bare_unversioned_kernels(events):
        return out  # the scope family says it: a kernel found and not loadable
    fatal = [e for e in events.of(MklCannotLoad) if not any(_is_foreign(lib) or lib in layers for lib in e.libraries)]
    if not fatal and not opened:
        return out
    if wheel:
        wanted = list(dict.fromkeys([lib for e in fatal for lib in e.libraries] + [os.path.basename(e.path) for e in opened]))
        said = [f"MKL tried to open {e.path}: {e.reason}" for e in opened[:MAX_LISTED]]
        return out + [vendored.finding(wheel, wanted, said + [f"MKL could not load {' or '.join(e.libraries)}" for e in fatal])]
    inside = [lib for e in fatal for lib in e.libraries if not _mkl_or_runtime(lib)]
    if inside and not opened and len(inside) == sum(len(e.libraries) for e in fatal):
        return out + [_mkl_inside(inside[0])]
    return out + [_cannot_load(fatal, opened, ctx)]


def _mkl_or_runtime(name: str) -> bool:
    base = os.path.basename(folders.posix(name))
    return base.lower().startswith(("libmkl", "mkl_", "libiomp", "libtbb", "tbb")) or layout.get(base) is not None


# MKL reopens the file it is linked into by a path resolved from the current folder (lmdeploy#2258: libtorch_cpu.so)
_CWD_GONE = ("start the program from a folder that exists: MKL opens the library it is in again, and in a shell whose current "
             "folder was deleted (the shell says 'getcwd() failed') that fails: cd to an existing folder (and activate the "
             "environment again), then run it")


def _mkl_inside(library: str) -> Finding:
    """MKL's ``Cannot load`` of a library that is not MKL's (whisper-ctranslate2#108: CTranslate2's own wheel library): MKL
    is linked into that library, and its setup there failed; no MKL package is missing."""
    name = os.path.basename(folders.posix(library))
    ct2 = "ctranslate2" in library.lower()
    return Finding(
        "mkl-cannot-load-kernels", "error",
        f"MKL cannot load {name}: a library that is not MKL's, with MKL linked into it, failed MKL's own setup",
        (f"MKL could not load {library}",
         f"{name} is not one of MKL's libraries: a project's library that carries MKL inside it (linked statically, as "
         "CTranslate2's and other wheels do); MKL's message names the file its code is in",
         "no MKL package is missing: installing or pointing LD_LIBRARY_PATH at another MKL does not change the copy inside"),
        (("CTranslate2: run with CT2_USE_MKL=0 (its other CPU backend, oneDNN or Ruy), or install the ctranslate2 release "
          "before the one that started failing", _CWD_GONE) if ct2 else
         (_CWD_GONE, "the project's own switch to run without MKL (its backend or BLAS option), or its previous release"))
        + ("see what MKL found on this CPU: MKL_VERBOSE=1 <the program> (the code path it chose), and grep -o -w "
           "'avx[0-9a-z_]*\\|sse4_2' /proc/cpuinfo | sort -u (a CPU or a virtual machine without the instructions the "
           "build expects)",
           "report it to the project with its release and the CPU: the MKL it carries is theirs to update"),
        "MKL built into another library reports a failure of its own loading step with that library's file name; the "
        "MKL copies installed on the machine play no part.",
        ("MKL_VERBOSE=1 <the program>   # MKL's release and the CPU code path, if MKL gets that far",),
    )


def _cannot_load(fatal: list[MklCannotLoad], opened: list[MklOpenFailed], ctx: Context) -> Finding:
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
        paths = [e.path for e in opened] + [lib for e in fatal for lib in e.libraries if "/" in lib]
        fix += _wheel_prefix(paths, evidence)
        fix.append("put the folder that holds them on LD_LIBRARY_PATH before the program starts; the install's own script does "
                   f"it: oneAPI: {folders.SOURCE_SETVARS}; Parallel Studio and MKL 2020 or older: source "
                   "<install>/bin/compilervars.sh intel64 (or mkl/bin/mklvars.sh intel64); conda: conda activate <env>")
        number, providing = _numbered(wanted, _SO_NUMBER)
        fix.append("or install or copy MKL's other shared libraries beside libmkl_rt (the versions must match: "
                   + (f".so.{number} with .so.{number}" if number else ".so.2 with .so.2") + "): "
                   + (f"{recipes.pip_install(q(f'mkl=={providing[-1]}'))}, the release of those names (MKL {providing[0]} to "
                      f"{providing[-1]} have them: the kernels come in the mkl package, which a package installed with "
                      "--no-deps leaves out); " if providing else "") + ctx.recipe_ref("shared"))
    if not opened and wanted and all(layout.is_kernel(n) for n in wanted):
        number = _numbered(wanted, _SO_NUMBER)[0]
        suffix = f".so.{number}" if number else ".so"
        evidence.append("MKL's line names no file it could not open: the kernels may be missing, or be there and unable to "
                        "see MKL's core (a module or plugin that loaded MKL's layers privately, RTLD_LOCAL)")
        fix.append(f"if they are there (ls <MKL's lib folder>/{wanted[0]}): preload the core and a threading layer, so that "
                   f"the kernels see them: LD_PRELOAD=<MKL's lib folder>/libmkl_core{suffix}:<MKL's lib folder>/"
                   f"libmkl_sequential{suffix} <the program> (AlTar's notes, in a conda environment); lasting: link the "
                   "module against libmkl_rt")
        fix.append("a module built while another environment's MKL was visible (a cluster's PyTorch or CUDA module, another "
                   "conda environment) may link that MKL, an incomplete one without its kernels: ldd <the module> | grep mkl "
                   "names the MKL it loads; build it again in a shell with its own environment only (module purge; conda "
                   "activate <env>; an empty build folder, such as scikit-build's _skbuild) (pyELSI's README)")
    core = [n for n in wanted if layout.role(n) == "core" and ".so" in n]  # Linux's: a run path
    if not opened and core and not holders:  # MKL's own core by name, no file said: a run path that points elsewhere
        number = _numbered(core, _SO_NUMBER)[0]
        suffix = f".so.{number}" if number else ".so"
        fix.append(f"if setvars.sh has run and it still fails: a program or package whose run path names MKL relative to "
                   f"its own install (PyTorch's in a venv) looks beside itself; preload MKL's layers from the install: "
                   f"LD_PRELOAD=$MKLROOT/lib/libmkl_core{suffix}:$MKLROOT/lib/libmkl_intel_thread{suffix}:"
                   f"$MKLROOT/lib/libmkl_intel_lp64{suffix} <the program> (intel/llm-scaler 4f6d9be)")
    return Finding(
        "mkl-cannot-load-kernels", "error", f"MKL cannot load its own libraries at run time: {more(wanted, 4)}",
        tuple(evidence), tuple(fix),
        "libmkl_rt (and the dynamic libmkl_core) choose the threading layer and the CPU kernels at run time and open them with "
        "dlopen, beside libmkl_rt first and then on the loader path. Copying libmkl_rt alone (into an image, a wheel, a bundle) "
        "or mixing versions (.so.1/.so.2/.so.3) leaves them unfound.",
        ("MKL_VERBOSE=1 ./your-program   # prints the MKL version and the kernel it loaded",
         "LD_DEBUG=libs ./your-program 2>&1 | grep -E 'libmkl_|cannot open'   # each folder the loader tried"),
    )


def _wheel_prefix(paths: list[str], evidence: list[str]) -> list[str]:
    """A Python package that looks for MKL relative to itself (``site-packages/mkl/../mkl_service.libs/``,
    ``site-packages/mkl/../../../libmkl_rt.so``) while pip's and conda's mkl put the libraries in the environment's
    ``lib``: that folder, read from the path."""
    for path in paths:
        if path.startswith("mkl/../../../libmkl_rt"):  # mkl-service's own path, relative (CSDN 136401399)
            evidence.append(f"{path} is mkl-service's (site-packages/mkl/) path to the environment's lib/{path.rsplit('/', 1)[-1]}: "
                            "that file is not there, most often as the mkl package installed is another release than the one "
                            "mkl-service and the numpy beside it were built with")
            return ["install the mkl release they were built with, in one step with them (conda install mkl mkl-service numpy; "
                    "pip: pip install mkl==<that release>, then numpy): an old numpy installed alone over a newer mkl, or the "
                    "reverse, leaves mkl-service asking for a libmkl_rt the environment lacks"]
        match = re.match(r"^(?P<prefix>/.*?)/lib/python[\d.]+/site-packages/(?P<package>[\w-]+)/", path)
        if not match:
            continue
        lib = match.group("prefix") + "/lib"
        evidence.append(f"{path} is a path relative to the Python package {match.group('package')}; pip's and conda's mkl "
                        f"packages put libmkl_*.so in the environment's lib folder, {lib}")
        if os.path.normpath(path).startswith(lib + "/"):
            evidence.append(f"it resolves to {os.path.normpath(path)}, where the file normally is: if it is there, the load failed "
                            "for another reason (reported for mkl-service: a process started in a folder that no longer "
                            "exists; cd to an existing folder and start it again)")
        return [f"export LD_LIBRARY_PATH={q(lib)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}   # the environment's lib folder, "
                "where the mkl packages' libraries are"]
    return []


def _openmp_layer_finding(layers: list[str], ctx: Context, symbol: str | None = None) -> Finding:
    name = layers[0]
    platform = file_platform(name)
    runtime = {"Linux": "libiomp5.so", "macOS": "libiomp5.dylib", "Windows": "libiomp5md.dll"}[platform]
    said = (f"MKL could not load its threading layer {name}: it needs {symbol}, which Intel's OpenMP runtime defines"
            if symbol else f"MKL could not load its threading layer {name}")
    evidence = [said,
                f"{name} runs MKL's threads on Intel's OpenMP runtime, {runtime}: when that runtime is not where the loader "
                "looks, the layer cannot be loaded (the most common cause of this line)",
                "other causes: the layer file itself missing (MKL 2020 and newer first say 'cannot open'), or of another release"
                + ("; on macOS also an MKL built for a newer macOS than the one running (Anaconda's MKL of 2017 needed OS X "
                   "10.12: mss#304 on 10.10), which dyld refuses" if platform == "macOS" else "")]
    fix = {
        "Linux": [f"put the folder that holds libiomp5.so on LD_LIBRARY_PATH (oneAPI: compiler/<ver>/lib; pip and conda: "
                  f"<env>/lib, from the intel-openmp package), or install it: {ctx.recipe_ref('openmp')}"],
        "macOS": ["put the folder that holds libiomp5.dylib where dyld looks: DYLD_FALLBACK_LIBRARY_PATH=<that folder> "
                  "(conda: <env>/lib, package intel-openmp; Julia: IntelOpenMP_jll of the same release as MKL_jll, "
                  "e.g. ]add IntelOpenMP_jll@2023 beside MKL_jll@2023)",
                  "a macOS older than the one MKL's build needs (otool's check below): a newer macOS, or packages without MKL "
                  "(conda install nomkl: numpy and scipy on OpenBLAS)",
                  "a conda environment (Julia's Conda.jl too): reinstall MKL with its runtime, conda install --force-reinstall "
                  "mkl intel-openmp (Conda.jl: Conda.rm(\"mkl\"); Conda.add(\"mkl\"), as ChemistryFeaturization.jl's CI "
                  "came to), so that the layer and libiomp5.dylib are of one release and both in <env>/lib"],
        "Windows": ["put libiomp5md.dll beside the program or on PATH (oneAPI: compiler\\<ver>\\bin; conda and pip: "
                    "<env>\\Library\\bin, package intel-openmp)"],
    }[platform]
    fix.append("or do without Intel's OpenMP: MKL_THREADING_LAYER=SEQUENTIAL (or GNU, with GCC's libgomp)")
    return Finding(
        "openmp-runtime-missing", "error", f"MKL cannot load its threading layer {name}: Intel's OpenMP runtime ({runtime}) "
        "is not where the loader finds it",
        tuple(evidence), tuple(fix),
        "libmkl_rt opens the threading layer it was asked for (MKL_THREADING_LAYER, INTEL by default) at its first call; "
        "mkl_intel_thread needs Intel's OpenMP runtime, which is a package of its own (intel-openmp, the oneAPI compiler "
        "runtime) and often not installed or not on the path beside MKL.",
        ("MKL_THREADING_LAYER=SEQUENTIAL <the program>   # runs: the OpenMP runtime was the cause",
         *((f"otool -l <MKL's lib folder>/{name} | grep -A4 -E 'LC_VERSION_MIN_MACOSX|LC_BUILD_VERSION'; sw_vers "
            "-productVersion   # the oldest macOS the layer loads on, and the one running",) if platform == "macOS" else ())),
    )


_SO_NUMBER = re.compile(r"\.so\.(\d+)$")  # libmkl_avx2.so.3
_DLL_NUMBER = re.compile(r"\.(\d+)\.(?:dll|dylib)$")  # mkl_avx2.1.dll, libmkl_def.2.dylib


def _numbered(names: list[str], number: re.Pattern[str]) -> tuple[str | None, tuple[str, ...]]:
    """The interface number the first of ``names`` that has one carries, and the releases whose libraries carry it (the
    table of Linux's sonames: libmkl_core.so.N; Windows' and macOS' numbered names take the same number)."""
    found = next((m.group(1) for name in names for m in [number.search(name)] if m), None)
    return found, exports.releases_providing(f"libmkl_core.so.{found}") if found else ()


def kernel_files(platform: str) -> str:
    """MKL's CPU kernels as a Windows or macOS folder holds them, from the table's kernels (mkl_def, mkl_mc3, mkl_avx2...)."""
    kernels = [library.name for library in layout.of_role("kernel")]
    if platform == "Windows":
        return ", ".join(f"{name}.N.dll" for name in kernels) + " and mkl_vml_*.N.dll (N as in mkl_rt.N.dll)"
    return ", ".join(f"lib{name}*.dylib" for name in kernels) + " and libmkl_vml_*.dylib"


def _kernels_not_shipped(kernels: list[str], events: Parsed) -> Finding:
    platform = file_platform(kernels[0])
    names = list(dict.fromkeys(kernels))
    said = [e.detail for e in _foreign_details(events)]
    place = ("beside the .exe (or in a folder on PATH)" if platform == "Windows" else
             "beside MKL's other .dylib files (the bundle's Frameworks or lib folder)")
    files = kernel_files(platform)
    # the number in a Windows or macOS kernel's name is its release's, as Linux's soname (mkl_avx2.1.dll: MKL 2021's)
    number, releases = _numbered(names, _DLL_NUMBER)
    release = ([f"{names[0]}: the .{number} is the interface number of MKL {releases[0]} to {releases[-1]} (the same as Linux's "
                f".so.{number}): the program was built against that release, and a newer MKL's kernels (another number) "
                "do not stand in for them"] if releases else [])
    return Finding(
        "mkl-cannot-load-kernels", "error", f"{platform}: MKL cannot load its CPU kernels {' or '.join(names[:2])}: they were not "
        "deployed beside MKL's other libraries",
        tuple([*said[:3], f"MKL could not load {' or '.join(names)}", *release]),
        (f"copy MKL's kernels {place}: {files}, from the same MKL as the other MKL libraries",
         *((f"where no MKL of that release is at hand: {recipes.pip_install(q(f'mkl=={releases[-1]}'))} puts its kernels in "
            "<python prefix>" + ("\\Library\\bin" if platform == "Windows" else "/lib") + "; copy them from there",)
           if releases else ()),
         "a bundler (PyInstaller, vcpkg's applocal copy, windeployqt, a wheel repair tool) copies only the import dependencies "
         "of a program: add the kernels by hand (PyInstaller: --add-binary or a hook that collects them)"),
        "MKL picks its CPU kernel at run time and opens it itself, like a plugin: no program or library names it as a "
        "dependency, so a tool that deploys a program's dependencies leaves it behind.",
        ("MKL_VERBOSE=1 <the program>   # once the kernels are there: the MKL version and the kernel it loaded",),
    )


def _foreign_details(events: Parsed) -> list:
    from mkldoctor.explain.platforms import ForeignLoadFailed

    return [e for e in events.of(ForeignLoadFailed) if layout.is_kernel(e.library)]


def _is_foreign(name: str) -> bool:
    from mkldoctor.explain.platforms import is_foreign

    return is_foreign(name)
