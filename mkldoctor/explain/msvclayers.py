"""link.exe's failures around MKL's layers rather than its names: a threading layer whose runtime (Intel OpenMP's
libiomp5md.lib, oneTBB's tbb12.lib) is not on the link, and objects built for two C runtimes (LNK2038: MKL's static
libraries in a /MD build). The events are :mod:`msvc`'s; these findings were split from there at the module size limit.
"""

from __future__ import annotations

import re

from typing import TYPE_CHECKING

from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts, folders, kinds, layout, recipes

if TYPE_CHECKING:
    from mkldoctor.explain.msvc import MsvcLayerUnresolved, MsvcLinkCommand, MsvcRuntimeMismatch


def mkl_family(name: str) -> bool:
    """An MKL library or a runtime its layers need, in any spelling (``mkl_core_dll.lib``, ``libiomp5md.lib``, ``tbb12.lib``)."""
    base = folders.file_name(name)
    return (layout.get(base) is not None or layout.runtime_of(base) is not None or base.lower().startswith("mkl_")
            or facts.is_mklml(base.lower()))


def layer_runtime(said: list[MsvcLayerUnresolved], commands: list[MsvcLinkCommand]) -> Finding:
    """Names MKL's threading layer needs, unresolved: its threading runtime is not on the link (the names cut off)."""
    tbb = said[0].layer == "tbb_thread"
    runtime = "tbb12.lib (tbb.lib before oneTBB 2021)" if tbb else "libiomp5md.lib"
    libs = [folders.file_name(lib).lower() for c in commands for lib in c.libs]
    has = any(name.startswith("tbb" if tbb else "libiomp5") for name in libs)
    evidence = [f"{e.where}: error LNK2001/LNK2019 (the name cut off in the log)" for e in said[:3]]
    evidence.append(f"{folders.file_name(said[0].where.split('(')[0])} is MKL's {said[0].layer} layer: it calls "
                    f"{'oneTBB' if tbb else 'Intel OpenMP'}'s runtime, which it does not bring")
    if commands:
        evidence.append(f"the link line names {'it' if has else f'no {runtime}'}"
                        + ("" if has else ": the threading layer's runtime was never given to link.exe"))
    return Finding(
        "msvc-unresolved-mkl", "error",
        f"link.exe: names of MKL's {said[0].layer} layer unresolved: {'oneTBB' if tbb else 'Intel OpenMP'}'s runtime "
        f"({runtime.split(' ')[0]}) is not on the link",
        tuple(evidence),
        (f"add {runtime} after the MKL libraries, with its folder: /LIBPATH or LIB ("
         + ("oneAPI: <oneAPI>\\tbb\\<ver>\\lib; conda: <env>\\Library\\lib" if tbb else
            "oneAPI: <oneAPI>\\compiler\\<ver>\\lib; Parallel Studio: compilers_and_libraries_<ver>\\windows\\compiler\\lib\\"
            "intel64_win; conda: <env>\\Library\\lib") + "); a CMake finder that looks for it (PyTorch's FindMKL: "
         "'MKL OpenMP library' empty) finds it once that folder is on LIB",
         "or link mkl_sequential.lib instead of the threading layer"),
        "MKL's threading layers call their threading runtime (Intel's OpenMP for intel_thread, oneTBB for tbb_thread) "
        "without bringing it; link.exe resolves those calls only from a .lib on the link.",
        ("link.exe ... /VERBOSE:LIB   # lists each library it searches",),
    )


_DEBUG_LAYER = re.compile(r"\b(?P<layer>mkl_tbb_thread|mkl_sycl\w*?)d(?P<dll>_dll)?\.lib\b", re.I)


def debug_layer(event: MsvcRuntimeMismatch) -> str | None:
    """MKL's debug build of a layer (mkl_tbb_threadd.lib, built for /MDd) in a release link: the layer's file name."""
    found = _DEBUG_LAYER.search(event.where)
    debug = [v for v in (event.value, event.other) if v.endswith("Debug")]
    return found.group(0) if found and len(debug) == 1 else None


def runtime_mismatch(event: MsvcRuntimeMismatch, commands: list[MsvcLinkCommand], also: tuple[str, ...] = ()) -> Finding:
    """Static (/MT) and DLL (/MD) C runtimes in one link: with MKL, its static libraries in a /MD build
    (pytorch/pytorch#97352, fixed by linking MKL's DLLs in PR #102604); MKL's debug TBB layer in a release build
    (oneMath#332: oneMKL 2023.0's MKLConfig.cmake took mkl_tbb_threadd.lib for RelWithDebInfo)."""
    layer = debug_layer(event)
    if layer:
        parts = _DEBUG_LAYER.fullmatch(layer)
        release = f"{parts['layer']}{parts['dll'] or ''}.lib"
        tbb = "tbb" in layer.lower()
        return Finding(
            "msvc-runtime-mismatch", "error",
            f"MSVC: MKL's debug {'TBB layer' if tbb else 'SYCL library'} ({layer}, built for the debug C runtime) in a "
            "release build: the build took the debug build for a configuration that is not Debug",
            (event.line, f"{layer} is the debug build of {release} ({event.value} against {event.other}): it is for "
                         "Debug builds only" + (", and it names oneTBB's debug import library (tbb12_debug.lib), which a "
                                                 "release install of TBB does not have" if tbb else ""),
             "Intel's MKLConfig.cmake takes the debug layer on Windows where CMAKE_BUILD_TYPE MATCHES \"Debug|DebInfo\" "
             "(2023.2's test, so RelWithDebInfo too: oneMath#332); 2026.2's matches \"Debug\" only",
             *also),
            (f"link the release layer: {release} in place of {layer} (CMake: -DCMAKE_BUILD_TYPE=Release, or an MKL whose "
             "MKLConfig.cmake takes the debug layer for Debug only, as 2026.2's does)",
             "or a threading layer without a debug build: -DMKL_THREADING=intel_thread or sequential",
             recipes.cmake_reset("the cache keeps what the first configure chose")),
            "Each object records the C runtime it was compiled for (/MT, /MTd, /MD, /MDd); link.exe refuses to mix them "
            "(LNK2038). MKL's TBB layer comes in a release and a debug build, for /MD and /MDd programs.",
            ("dumpbin /directives <the .lib> | findstr DEFAULTLIB   # msvcrtd and tbb12_debug: the debug build",),
        )
    mkl = mkl_family(folders.file_name(event.where.split("(")[0])) or any(mkl_family(lib) for c in commands for lib in c.libs)
    static_mkl = [lib for c in commands for lib in c.libs if kinds.windows_lib_kind(lib) == "static"]
    evidence = [event.line, f"{event.value} is the C runtime one object was compiled for (MT: /MT, the static runtime; MD: "
                f"/MD, the DLL runtime) and {event.other} another's: MSVC links one C runtime per program"]
    if mkl:
        evidence.append("with MKL this is its static libraries (mkl_core.lib, mkl_intel_lp64.lib...) in a build of /MD "
                        "code: link MKL's DLL import libraries instead" + (f" (the link names {more(static_mkl, 3)})" if static_mkl else ""))
    where = folders.file_name(event.where.split("(")[0])
    other = ([f"link {where} dynamically, through its DLL's import library (a vendor's static library is built for one "
              "runtime and configuration: oneDAL's onedal_core.lib, a release /MT build, cannot go into a /MTd Debug build; "
              "its notes: use the dynamic library for Debug)"] if where.lower().endswith(".lib") and not mkl else [])
    fix = [*other, ("or " if other else "") + "link MKL dynamically: mkl_rt.lib (the single DLL, mkl_rt.N.dll at run time), "
           "or the _dll import libraries (mkl_intel_lp64_dll.lib mkl_sequential_dll.lib mkl_core_dll.lib); CMake's MKLConfig: "
           "-DMKL_LINK=dynamic",
           "or build every object for one runtime: CMAKE_MSVC_RUNTIME_LIBRARY (MultiThreaded$<$<CONFIG:Debug>:Debug>DLL for "
           "/MD), and no library built for the other"]
    return Finding(
        "msvc-runtime-mismatch", "error",
        f"MSVC: objects built for two C runtimes in one link ({event.value} and {event.other})"
        + (": MKL's static libraries in a /MD build, most often" if mkl else ""),
        tuple(evidence), tuple(fix),
        "Each object records the C runtime it was compiled for (/MT, /MTd, /MD, /MDd); link.exe refuses to mix them "
        "(LNK2038). A static library built with /MT cannot join a /MD program.",
        ("dumpbin /directives <the .lib or .obj> | findstr DEFAULTLIB   # LIBCMT: /MT, MSVCRT: /MD",),
    )
