"""Other platforms: macOS (``.dylib``, ``@rpath``, ``Library not loaded``); the signatures of Windows' ``.dll``
messages, whose diagnosis is :mod:`windows`'s.

mkldoctor reads Linux ELF files and cannot inspect these binaries, but a log from them still
says what failed; the finding names it, gives the platform's own remedy (the run path or
``DYLD_LIBRARY_PATH`` on macOS) and says that the inventory part of mkldoctor applies to Linux.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass, replace

from mkldoctor.explain import drivers
from mkldoctor.explain.catalogue import FollowOn, Signature, last_match
from mkldoctor.explain.drivers import GNU_ONLY as _GNU_ONLY, DriverPathMissing, LinkerOptionToDriver, path_missing
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, platforms, recipes
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed


@dataclass(frozen=True, slots=True)
class DyldTried:
    """dyld's ``Reason: tried: '/x/lib/libiomp5.dylib' (no such file), ...``: the folders it tried for one library (the
    ``Library not loaded`` line above it may be cut from a paste)."""

    library: str
    line: str


@dataclass(frozen=True, slots=True)
class ForeignLoadFailed:
    platform: str  # "macOS" or "Windows"
    library: str
    detail: str


_BREW = re.compile(r"^(?:/usr/local|/opt/homebrew)/opt/(?P<formula>[\w@.+-]+)/lib/")


def _package_folder(rpath: list[str], places) -> list[tuple[str, str]]:
    """(@rpath/X, the library that needs it) where the log names a library of a package's own lib folder
    (libtorch/lib/libtorch.1.dylib, .../site-packages/torch/lib/..., delocate's <package>/.dylibs): dyld's "Referenced from"."""
    out = []
    for lib in rpath:
        name = lib[len("@rpath/"):]
        users = [p for p in places if p.endswith(".dylib") and os.path.basename(os.path.dirname(p)) in ("lib", ".dylibs")
                 and os.path.basename(p) != name and not os.path.basename(p).startswith("libmkl_")]
        out += [(lib, users[0])] if users else []
    return out


@dataclass(frozen=True, slots=True)
class AppleLdGnuOption:
    """Apple's ld64 given an option only GNU ld has: ``ld: unknown option: --start-group``."""

    option: str


def mkl_dnn(library: str) -> bool:
    """MKL-DNN's (oneDNN's) libraries, libmkldnn and its small MKL libmklml: built with Intel's OpenMP runtime."""
    return re.search(r"(?i)mkldnn|mklml|dnnl", library) is not None


_CI_HOME = re.compile(r"'/Users/(?:runner|vsts|distiller|travis)/")


def _mac(m: re.Match, _) -> ForeignLoadFailed:
    # .NET's words around dyld's: "Unable to load shared library 'X' or one of its dependencies ... dlopen(...)"
    said = m.string.strip()[:300] if _OR_DEPENDENCY in m.string else m.group(0).strip()
    return ForeignLoadFailed("macOS", m.group("lib"), said)


_OR_DEPENDENCY = "or one of its dependencies"


def dll_load_failed(m: re.Match, before) -> ForeignLoadFailed:
    """Python's ``ImportError: DLL load failed``; before Python 3.8 it does not say which module: the traceback's
    last ``from . import X`` line does."""
    module = m.group("lib")
    if module is None:  # the import on the error's own line first: "from torch._C import * (ImportError: DLL load failed"
        for line in (m.string[:m.start()].strip(" (:"), *reversed(list(before))):
            # (names over several lines, "from numpy.core._multiarray_umath import (": the module itself, numpy#16099)
            imported = re.search(r"^\s*from\s+\.*(?P<mod>[\w.]*)\s+import\s+(?P<names>[\w*]+|\()"
                                 r"|^\s*import\s+(?P<plain>[\w.]+)", line)
            if imported:
                module = (imported.group("plain") or (imported.group("mod") if imported.group("names") in ("*", "(")
                                                       and imported.group("mod") else imported.group("names"))).rsplit(".", 1)[-1]
                break
    # the traceback's last file: Python's 'File "X", line N', pytest's 'X:N: in <module>'
    where = (f.group(1) or f.group(2)) if (f := last_match(r'File "([^"]+)"|^(\S+\.py):\d+: in ', before)) else None
    detail = m.group(0).strip() + (f" (importing from {where})" if where else "")
    if module is None and "multiarray numpy extension" in m.string:  # numpy's advice on the same line: numpy's extension
        module, detail = "multiarray", detail + " (numpy: Importing the multiarray numpy extension module failed)"
    return ForeignLoadFailed("Windows", module or "a DLL", detail)


def _win(m: re.Match, _) -> ForeignLoadFailed:
    return ForeignLoadFailed("Windows", m.group("lib"), m.group(0).strip())


SIGNATURES = (
    *drivers.SIGNATURES,
    Signature("apple-ld-unknown-option", "platforms", "unknown option",
              re.compile(r"^ld: unknown options?: (?P<opt>" + "|".join(map(re.escape, _GNU_ONLY)) + r")\b"),
              lambda m, _: AppleLdGnuOption(m.group("opt"))),
    Signature("macos-library-not-loaded", "platforms", "Library not loaded",
              re.compile(r"Library not loaded:\s*'?(?P<lib>[^\s'\\]+)"), _mac),  # a repr's "\n" after the name is not of it
    # a program's own words for a library dlopen refused ("Can't load libmkldnn.0.dylib : No error", Chromium's)
    Signature("program-cannot-load-dylib", "platforms", "an't ",
              re.compile(r"(?i)\bcan'?t load (?P<lib>[\w.+-]+\.dylib)\b"), _mac),
    Signature("program-cannot-load-dll", "platforms", "an't ",
              re.compile(r"(?i)\bcan'?t load (?P<lib>[\w.+-]+\.dll)\b"), _win),
    # macOS refusing a library's signature: "libiomp5.dylib: code signature in (...) not valid for use in process using
    # Library Validation: library load disallowed by system policy" (a downloaded bundle's quarantined copy)
    Signature("macos-library-validation", "platforms", "Library Validation",
              re.compile(r"(?<![^\s:()])(?P<lib>[^\s:()]+\.dylib): code signature in .*not valid for use in process using Library Validation"),
              lambda m, _: ForeignLoadFailed("macOS", os.path.basename(m.group("lib")), m.string.strip()[:300])),
    # .NET 8 on macOS: "Unable to load shared library 'MklImports' or one of its dependencies. ... dlopen(/x/MklImports.dylib,
    # 0x0001): tried: '/x/MklImports.dylib' (no such file)" (dotnet/machinelearning#7229: no osx-x64 MklImports shipped)
    Signature("dotnet-macos-dlopen-tried", "platforms", "Unable to load shared library",
              re.compile(r"Unable to load shared library '[^']+' or one of its dependencies\b.*?dlopen\((?P<lib>[^,]+?), "
                         r"\w+\): tried: "), _mac),
    Signature("macos-dlopen-image-not-found", "platforms", "image not found",
              re.compile(r"dlopen\((?P<lib>[^,]+?), \d+\): image not found"), _mac),
    Signature("macos-reason", "platforms", "Reason: ", re.compile(r"^\s*(?:#\s*)?Reason: (?:image not found|no suitable image found|tried:"
                                                                  r"(?:\s*'(?P<first>[^']+)' \((?:no such file|not a file)\))?)"),
              lambda m, _: DyldTried(os.path.basename(m.group("first")), m.string.strip()[:300]) if m.group("first") else None),
    Signature("windows-could-not-find-module", "platforms", "Could not find module",
              re.compile(r"Could not find module '(?P<lib>[^']+)'"), _win),
    Signature("windows-dll-load-failed", "platforms", "DLL load failed",
              re.compile(r"DLL load failed(?: while importing (?P<lib>\w+))?"), dll_load_failed),
    Signature("windows-mkl-module-not-found", "platforms", "The specified module could not be found",
              # and torch's own words after it: 'Error loading "C:\...\torch\lib\shm.dll" or one of its dependencies.'
              re.compile(r"(?:MKL ERROR: )?The specified module could not be found\.?\s*(?:(?P<lib>[\w.-]+\.dll)|"
                         r"Error loading \"(?P<path>[^\"]{1,400}\.dll)\" or one of its dependencies)?"),
              lambda m, _: ForeignLoadFailed("Windows", m.group("lib") or (folders.file_name(m.group("path")) if m.group("path")
                                                                          else "a DLL"), m.group(0).strip())),
    # torch's own words alone, its OSError's [WinError 126] cut away: 'Error loading "...\torch\lib\c10.dll" or one of its
    # dependencies.'
    # (after an OSError of another code, WinError 998's memory access in Intel's OpenMP runtime, it is that error's echo)
    Signature("windows-torch-error-loading", "platforms", "Error loading",
              re.compile(r"^\W{0,4}Error loading \"(?P<path>[^\"]{1,400}\.dll)\" or one of its dependencies"),
              lambda m, before: FollowOn(m.string.strip()) if last_match(r"\[WinError (?!12[67]\b)\d+\]", before, within=2)
              else ForeignLoadFailed("Windows", folders.file_name(m.group("path")), m.group(0).strip())),
)


def file_platform(name: str) -> str:
    """The platform a library's file name is of: ``.dylib`` macOS's, ``.dll`` (or a Windows path) Windows', else Linux's."""
    return "macOS" if ".dylib" in name else "Windows" if name.lower().endswith(".dll") or "\\" in name else "Linux"


def is_foreign(name: str) -> bool:
    """Whether a library's file name is of another platform than Linux (see :func:`file_platform`)."""
    return file_platform(name) != "Linux"


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """macOS's loader failures (Windows' are :mod:`windows`'s); MKL's kernels and its threading layer are :mod:`kernels`'s
    unless the loader said which library failed."""
    from mkldoctor.explain.hosts import HostCannotLoad
    from mkldoctor.explain.kernels import claims_foreign
    from mkldoctor.explain.runtime import MklCannotLoad

    from mkldoctor.explain.binformat import speaks_for
    from mkldoctor.explain.vendored import claims

    failed = [e for e in events.of(ForeignLoadFailed) if e.platform == "macOS" and not claims(e.library, events)]
    for event in events.of(MklCannotLoad):
        for lib in event.libraries:
            if ".dylib" in lib and not claims_foreign(lib, events):
                failed.append(ForeignLoadFailed("macOS", lib, f"Intel MKL FATAL ERROR: Cannot load {lib}"))
    for event in events.of(HostCannotLoad):  # Julia's "could not load library" of a .dylib
        if ".dylib" in event.library and not speaks_for(event.library, events, event):
            name = event.library.rsplit("/", 1)[-1]
            failed.insert(0, ForeignLoadFailed("macOS", name, f"{event.host} could not load {event.library}"))
    failed = [e for e in failed if not speaks_for(e.library, events)]  # found, but of another architecture or format
    if not failed:  # only dyld's list of the folders it tried: the "Library not loaded" line was cut
        failed = [ForeignLoadFailed("macOS", e.library, e.line) for e in events.of(DyldTried)[:1]]
    gnu = [_gnu_option(events.of(AppleLdGnuOption))] if events.of(AppleLdGnuOption) else []
    gnu += [drivers.no_wl(events.of(LinkerOptionToDriver))] if events.of(LinkerOptionToDriver) else []
    gnu += [path_missing(events.of(DriverPathMissing)[0])] if events.of(DriverPathMissing) else []
    if not failed:
        return gnu
    libs = list(OrderedDict.fromkeys(e.library for e in failed))
    evidence = [e.detail for e in failed[:6]]
    evidence.append("mkldoctor reads Linux (ELF) libraries: the MKL copies on that machine cannot be inspected from here")
    intel64 = list(OrderedDict.fromkeys(line for p in (*ctx.places, *(e.library for e in failed)) if (line := folders.intel64_on_macos(p))))
    evidence[-1:-1] = intel64
    signed = any("Library Validation" in e.detail for e in failed)
    # the file dyld found and refused, as its "code signature in (<path>)" names it (dreampower#114)
    refused = next((m["path"] for e in failed for m in [re.search(r"code signature in \((?P<path>[^)]+)\)", e.detail)] if m), "")
    evidence[-1:-1] = ["macOS refused the file's code signature (Library Validation): the file is there; a library downloaded "
                       "outside a package manager carries the quarantine attribute, and a process with the hardened runtime "
                       "loads only libraries signed by the same team or Apple"] if signed else []
    deps = [e.library for e in failed if _OR_DEPENDENCY in e.detail]
    evidence[-1:-1] = [f"the program says {deps[0]} 'or one of its dependencies': the file may be there and a library it "
                       "needs missing or of another release (an MKL wrapper needs the OpenMP runtime it was built with: "
                       "Homebrew's libomp of a newer release broke ML.NET's libMklImports, dotnet/machinelearning#3694)"] if deps else []
    dnn = [lib for lib in libs if mkl_dnn(lib)]
    evidence[-1:-1] = [f"{lib} is MKL-DNN's (oneDNN's) library, built with Intel's OpenMP runtime: it loads only where "
                       "libiomp5.dylib is found too, and a missing libiomp5 is reported as the library itself not loading"
                       for lib in dnn[:1]]
    # a name dyld itself says it could not load (MKL's own "Cannot load X.dylib" names a file, not an install name)
    bare = list(dict.fromkeys(e.library for e in failed if "Library not loaded" in e.detail and "/" not in e.library
                              and e.library.endswith(".dylib") and not e.library.startswith("@")))
    evidence[-1:-1] = [f"{lib} is a bare install name (no folder, no @rpath/): dyld looks for it only in the folders of "
                       "DYLD_LIBRARY_PATH and DYLD_FALLBACK_LIBRARY_PATH (and the current folder), never beside the program: "
                       "the library was built with that name (old conda MKL packages were), and every module linked against it "
                       "records it" for lib in bare[:1]]
    # a module built here from source (setup.py's .egg) whose link took MKL's separate layers from numpy's build information
    # (numpy.distutils' blas_opt of Anaconda's MKL numpy names them: scs#63, fixed by SCS 1.2.4's setup.py)
    layers = [lib for lib in bare if re.match(r"libmkl_(?:(?:intel|gf)_i?lp64|core|intel_thread|gnu_thread|sequential)\.", lib)]
    egg = next((m.group(0) for text in (*ctx.places, *(e.detail for e in failed)) for m in [re.search(r"[^/\s]+\.egg/", text)]
                if m), None) if layers else None
    evidence[-1:-1] = [f"the module that needs it was built from source on that machine ({egg.rstrip('/')}): its setup.py "
                       "links what numpy's build information names (numpy.distutils' blas_opt), which for Anaconda's MKL numpy "
                       "is MKL's separate layers by bare name"] if egg else []
    from mkldoctor.explain import theano
    op = theano.compiled_op((*ctx.places, *(e.detail for e in failed)))
    evidence[-1:-1] = [op[0]] if op else []
    rpath = [lib for lib in libs if lib.startswith("@rpath/")]
    evidence[-1:-1] = [f"{lib} is an @rpath-relative install name: the library was built with it (its LC_ID_DYLIB), so every "
                       "program linked against it records that name and finds it only through a run path (LC_RPATH) of its own"
                       for lib in rpath[:1]]
    numbered = next(((lib, m[1], m[2]) for lib in libs if (m := re.search(r"lib(mkl_\w+)\.(\d)\.dylib$", lib))  # one dyld
                     and any(e.library == lib and "Library not loaded" in e.detail for e in failed)), None)  # could not find
    span = _numbered_span(numbered[1], numbered[2]) if numbered else None
    evidence[-1:-1] = [f"{os.path.basename(numbered[0])}: the .{numbered[2]} is the interface number of the MKL releases the "
                       f"program was built against (Linux's .so.{numbered[2]}" + (f": MKL {span[0]} to {span[1]} for macOS" if span else "")
                       + f"); an MKL whose file has another number, or none (lib{numbered[1]}.dylib), does not stand in for it"] if numbered else []
    beside = _package_folder(rpath, ctx.places)
    evidence[-1:-1] = [f"{lib} is needed by {user}: a package that links it by @rpath from its own folder ships it in "
                       f"{os.path.dirname(user)}, and it is not there" for lib, user in beside[:1]]
    runner = any("/hostedtoolcache/" in e.detail or "/Users/runner/" in e.detail for e in failed)
    built_in = next((e.line for e in events.of(DyldTried)  # a CI's home: GitHub's and Azure's, CircleCI's, Travis'
                     if _CI_HOME.search(e.line) and "hostedtoolcache" not in e.line), None)
    if built_in and rpath:  # treelite#678: the wheel's one LC_RPATH was the CI runner's conda environment
        evidence[-1:-1] = [built_in, "the folder dyld tried for @rpath is in a CI runner's home (/Users/runner/...): the "
                           "module's run path (LC_RPATH) is the folder it was built in, on the build service, so no folder "
                           "of the Mac that runs it is searched; the package's wheel is not relocatable for that library"]
        runner = False
    iomp = any("iomp5" in lib for lib in libs)
    bundle = next((m.group(0) for text in (*ctx.places, *(e.detail for e in failed))
                   if (m := re.search(r"[^/\s]+\.app/Contents/", text))), None)
    evidence[-1:-1] = ["the folders dyld tried are a CI runner's (/Users/runner/hostedtoolcache): the package was linked on the "
                       "build service against a library that was there, and its wheel does not carry it; the library must "
                       "come from the environment that runs it"] if runner else []
    brew = next(((lib, m.group("formula")) for lib in libs if (m := _BREW.match(lib))), None)
    evidence[-1:-1] = [f"{brew[0]} is Homebrew's path of the formula {brew[1]} ({os.path.dirname(os.path.dirname(brew[0]))} "
                       "links to its installed version): the module was built on a Mac with that formula, and this one does "
                       "not have it installed" for _ in (brew,) if brew]
    numbered_fix = ((f"install the MKL release it was built against into its environment: "
                     + (recipes.conda_install(recipes.q(f'mkl>={span[0]},<={span[1]}')) if span else "the release of that number")
                     + f" (MKL for macOS ends with {platforms.last_release('macos')}); or, as k2's FAQ does, link the numbered "
                     f"name to the unnumbered file: ln -s lib{numbered[1]}.dylib lib{numbered[0].rsplit('/', 1)[-1][3:]} in that lib "
                     "folder (the same for each MKL library it names)",) if numbered else ())
    fix = (*numbered_fix, *((op[1],) if op else ()),
           *((f"a release of the package whose wheel carries {os.path.basename(rpath[0])} or records a run path that finds "
              "it (treelite 4.7.1, treelite#678); until then give dyld the folder that has it: export "
              f"DYLD_FALLBACK_LIBRARY_PATH=<that folder> (Homebrew's libomp: $(brew --prefix libomp)/lib)",) if built_in and rpath else ()),
           *((f"see what {deps[0]} needs and which of those dyld cannot load: otool -L <its file> (DYLD_PRINT_LIBRARIES=1 "
              "shows each load); an OpenMP runtime of another release than the one it was built with (brew's libomp "
              "upgraded): install that release (ML.NET pinned Homebrew's libomp 7.0.0) or a build of the package made "
              "against the one installed",) if deps else ()),
           *((f"install the runtime into the environment that runs the package: {recipes.pip_install('intel-openmp')} "
              f"(or {recipes.conda_install('intel-openmp')}; a conda environment that has it is what the package was tested "
              "with), then put its lib folder where dyld looks: export DYLD_LIBRARY_PATH=<env>/lib",)
             if runner and any("iomp5" in lib for lib in libs) else ()),
           *((f"Homebrew no longer has the libiomp formula; LLVM's OpenMP runtime serves the same calls (it is built to answer "
              f"to libiomp5 too): brew install libomp; mkdir -p {os.path.dirname(brew[0])} && ln -s \"$(brew --prefix libomp)"
              f"/lib/libomp.dylib\" {brew[0]}; or install a build of the module made against libomp"
              if brew[1] == "libiomp" else f"brew install {brew[1]}   # the formula the module was built against",)
             if brew else ()),
           *((f"take the quarantine off the downloaded files: xattr -d com.apple.quarantine "
              f"{refused or '<the folder>/' + libs[0]} (xattr -dr "
              "com.apple.quarantine <the app's folder> for all of them); or sign them ad hoc: codesign -f -s - <the file>",)
             if signed else ()),
           *(f"put {lib[len('@rpath/'):]} where the package expects it, in {os.path.dirname(user)}: the package's download "
             "is incomplete or that release left it out; copy the file of the release the package was built with (the "
             "package's notes name it) into that folder, or use another release of the package" for lib, user in beside[:1]),
           *(("point the build's library folder (-L, the run path, MKLLIB) at MKL's lib folder, not lib/intel64",) if intel64 else ()),
           *(("rebuild the module against libmkl_rt or a plain BLAS instead of MKL's layers (a release of the package whose "
              "setup.py no longer takes numpy's blas_opt: SCS 1.2.4, scs#63), or install its binary build from numpy's own "
              "channel",) if egg else ()),
           *((f"export DYLD_FALLBACK_LIBRARY_PATH=<the folder that holds {bare[0]}> (a conda environment: <env>/lib) before "
              "the program starts; or give the library a full install name: install_name_tool -id <its full path> <it>, and "
              "relink (or install_name_tool -change) what recorded the bare one",) if bare else ()),
           *(("put the folder that holds libiomp5.dylib (and the MKL-DNN library) where dyld looks before the program "
              "starts: export DYLD_LIBRARY_PATH=<that folder>; otool -L <the library> lists what it needs",) if dnn else ()),
           *(("a .NET app: a NuGet package's native library (ML.NET's libMklImports.dylib, of Microsoft.ML.Mkl.Redist's "
              "runtimes/osx-x64/native) is copied into the output folder of each project that references the package: "
              "reference it in the project that runs, a test project too (dotnet/machinelearning#5520), then ls "
              "bin/<configuration>/<framework>/",) if any("DllNotFoundException" in e.detail for e in failed) else ()),
           f"find the library: find / -name '{os.path.basename(libs[0]) if libs else 'libmkl_*.dylib'}' 2>/dev/null (a conda "
           "env's lib/, /opt/intel/oneapi/mkl/latest/lib, oneAPI's compiler/latest/lib for libiomp5); "
           "none there: the package or bundle that names it did not ship it (copy it from the MKL release it was built with)",
           *(() if bare and len(bare) == len(libs) else  # a run path serves @rpath/ names only, never a bare one
             ("add its folder to the program's run path: install_name_tool -add_rpath <that folder> <the program or the .so "
              "named above>",)),
           *((f"or give the library an absolute install name before programs link it (what a package's post-install fixup "
              f"does): install_name_tool -id <its full path> <the {rpath[0][len('@rpath/'):]} file>",) if rpath else ()),
           "or for one run: export DYLD_LIBRARY_PATH=<that folder> (System Integrity Protection drops it for /usr/bin programs)",
           *(("an Intel install: in the shell that runs the program, its environment script sets that folder: "
              + "; ".join(f"{f.releases}: {f.environment}" for f in folders.LAYOUTS if f.platform == "macos" and f.name != "conda"),)
             if any(os.path.basename(lib).startswith("libmkl_") for lib in libs) else ()),
           "a program started by another (a Python package's subprocess, a shell script: /bin/sh is protected) loses DYLD_* "
           "to System Integrity Protection on the way: link the library into a folder dyld falls back to by itself, "
           "ln -s <that folder>/<the library> /usr/local/lib/ (PyQchem's troubleshooting page), or give the program a run path",
           *(() if iomp else (f"with conda: {recipes.conda_install('mkl')} into the same environment as the program, whose @rpath "
                              "points there",)),
           "a build set up with Linux's folder (MKLROOT/lib/intel64, as mklvars' or a Makefile's, such as Julia's Make.inc "
           "MKLLIB) finds nothing on macOS: MKL for macOS keeps its libraries in lib/, with no intel64: "
           + "; ".join(folders.macos_libs()))
    if iomp:  # MKL's threading layer without Intel's runtime: conda's packages (Conda.jl's too) or a bundle that left it out
        conda = (f"with conda: {recipes.conda_install('intel-openmp')} into the environment whose MKL needs it, or "
                 f"{recipes.conda_install('nomkl')} for builds without MKL, which need no Intel runtime (Julia's Conda.jl: "
                 "using Conda; Conda.rm(\"mkl\"); Conda.add(\"nomkl\"); PyCall: the Python it was built with, "
                 "ENV[\"PYTHON\"] and Pkg.build(\"PyCall\"), is the one whose environment must have it)")
        plain = not (signed or brew or runner or deps or beside or bare or dnn)  # no more telling fix above it
        fix = (*((f"a bundle ({bundle}): it took MKL's threading layer and not libiomp5.dylib, which the layer does not list as "
                  "a dependency: add it (pyinstaller --add-binary '<env>/lib/libiomp5.dylib:.') and build again, from an "
                  "environment of the bundle's own architecture (an arm64 conda environment gives an x86_64 build libraries "
                  "that do not fit)",) if bundle else ()),
               *((conda,) if plain else ()), *fix, *(() if plain else (conda,)))
    from mkldoctor.explain.juliasession import JuliaUsing
    if events.of(JuliaUsing) and any("libmkl_rt" in lib for lib in libs):  # Yggdrasil#846: OSQP.jl's Pardiso by bare name
        fix = ("in Julia: load MKL_jll first (using MKL_jll), whose libmkl_rt a package that opens the bare name then finds, "
               "or run the call in withenv(MKL_jll.LIBPATH_env => MKL_jll.LIBPATH) do ... end", *fix)
    why = ("macOS's loader (dyld) resolves @rpath/ names through the run paths recorded in the binary, then "
           "DYLD_LIBRARY_PATH; the library named is in none of them (a moved environment, a wheel built elsewhere, "
           "or a different MKL release whose file name differs, e.g. libmkl_intel_lp64.1.dylib vs .2.dylib).")
    return gnu + [Finding("macos-library-not-loaded", "error", f"macOS: {', '.join(libs[:3])} could not be loaded", tuple(evidence), fix, why,
                    ("DYLD_PRINT_LIBRARIES=1 ./your-program",))]


def _gnu_option(said: list[AppleLdGnuOption]) -> Finding:
    options = list(OrderedDict.fromkeys(e.option for e in said))
    return Finding(
        "apple-ld-gnu-option", "error", f"Apple's ld has no {options[0]}: the link line is GNU ld's (Linux's MKL link line)",
        tuple(f"ld: unknown option: {o}" for o in options[:4]),
        ("on macOS drop -Wl,--start-group and -Wl,--end-group (Apple's ld searches static archives again by itself), "
         "--as-needed and --no-as-needed, -rpath-link and -Bstatic/-Bdynamic; CMake: link MKL's imported target "
         "(find_package(MKL CONFIG), MKL::MKL), whose line fits the platform",
         "MKL's macOS link line (MKL for macOS ends with the 2023 releases; no intel64 folder): -L${MKLROOT}/lib "
         "-Wl,-rpath,${MKLROOT}/lib -lmkl_intel_lp64 -lmkl_intel_thread -lmkl_core -liomp5 -lpthread -lm -ldl "
         "(static: the libmkl_*.a files by their paths, no group)"),
        "The build copied a link line written for GNU ld; Apple's ld64 takes none of GNU's grouping or dependency "
        "options and stops at the first it does not know.",
        ("clang -v ... 2>&1 | grep ld   # the linker command as clang runs it",),
    )


_MKL_LINK_IDS = ("mkl-not-linked", "mkl-symbol-unresolved", "missing-symbol", "mkl-layer-missing", "mkl-not-placed")


def for_arm64(out: list[Finding], events: Parsed) -> list[Finding]:
    """Apple's ld linking for arm64 (Apple silicon): no MKL release has a build for it, so no MKL can give these names."""
    from mkldoctor.explain.catalogue import FollowOn

    if not any(re.search(r"for architecture arm64\b", e.line) for e in events.of(FollowOn)):
        return out
    said = ("the link is for arm64 (Apple silicon): Intel builds MKL for x86-64 only, and "
            f"{platforms.platform('macos-arm64').words} has no MKL release at all: no MKL can give these names to this link")
    instead = ("on Apple silicon build without MKL: the project's Accelerate or OpenBLAS option (candle: -F accelerate, not "
               "-F mkl; a CMake project: -DBLA_VENDOR=Apple), or build for x86_64 and run under Rosetta 2 (arch -x86_64, "
               f"with MKL {platforms.last_release('macos')} or older, the last built for macOS)")
    return [replace(f, evidence=(*f.evidence[:1], said, *f.evidence[1:]), fix=(instead, *f.fix)) if f.id in _MKL_LINK_IDS
            else f for f in out]


def _numbered_span(name: str, number: str) -> tuple[str, str] | None:
    """The releases for macOS whose MKL library ``name`` has interface number ``number`` (read from the table of Linux's
    sonames, which carry the same number), up to MKL's last release for macOS."""
    from mkldoctor.knowledge import exports
    from mkldoctor.knowledge.history import version_key

    last = platforms.last_release("macos") or ""
    releases = [r for r in exports.releases_with_soname(f"lib{name}.so.{number}")
                if not last or version_key(r) <= version_key(last + ".999")]
    return (releases[0], releases[-1]) if releases else None
