"""Windows' entry point not found in the DLL it loaded (``The procedure entry point X could not be located in the dynamic
link library Y``, the ordinal's and error 127's and 182's words): an MKL or OpenMP DLL of another release found first,
often one in System32. The events are :mod:`windows`'; this is its finding, split from there at the module size limit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, folders

if TYPE_CHECKING:
    from mkldoctor.explain.windows import WindowsEntryPoint


def entry_point_finding(entry: list[WindowsEntryPoint]) -> Finding:
    first = entry[0]
    evidence = [f"{e.dll} (or a DLL it depends on) could not be loaded: {e.said}" if e.error
                else f"{e.dll} (or an MKL DLL it depends on) has no entry point {e.symbol}" for e in entry[:4]]
    public = exports.history(first.symbol) if first.symbol.startswith("mkl_") else None
    everywhere = public is not None and public.overall.first == exports.releases()[0].name and public.overall.gone_since is None
    if first.error == 182:
        evidence.append("error 182 (ERROR_INVALID_ORDINAL) is Windows' word for a DLL that imports a numbered export its "
                        "dependency of another release lacks: two builds of Intel's OpenMP runtime (libiomp5md.dll from "
                        "conda's llvm-openmp/openmp and from intel-openmp, which overwrite each other), or a stale copy first")
    if (first.symbol.startswith("ordinal") or first.error == 182) and re.search(r"(?i)mkl|iomp", " ".join(e.dll for e in entry)):
        evidence.append("an ordinal is an export by number, which differs between releases of a DLL: MKL's threading layer "
                        "imports Intel's OpenMP runtime (libiomp5md.dll) so, and an older libiomp5md.dll found first (System32, "
                        "an earlier folder on PATH, another program's own copy) lacks it")
    if first.error == 127:
        evidence.append("error 127 (ERROR_PROC_NOT_FOUND) is Windows' word for a DLL that imports a function by name its "
                        "dependency lacks: an MKL or OpenMP DLL of another (often older) release was found first")
    if everywhere:
        evidence.append(f"{first.symbol} is one of MKL's own functions, exported by every release from {public.overall.first} to "
                        f"{public.overall.last} (mkldoctor's table of exports): the DLL loaded in its place is no MKL of those "
                        "releases (an older one, or another program's DLL of the same name), or the MKL the program expects "
                        "is not installed (a product that installs MKL as a component of its own)")
    elif first.symbol.startswith("mkl_"):
        evidence.append(f"{first.symbol} is one of MKL's internal names, which change between releases: the DLL that was "
                        "loaded is of another (often older) MKL release than the one that asks for it")
    compiled = first.error == 127 and not re.search(r"(?i)mkl|iomp", " ".join(e.dll for e in entry))
    if compiled:  # a module of the program's own (libtriton.pyd): Intel's compiler runtime DLLs are its dependencies too
        evidence.append("a module built with Intel's compilers (icx, oneAPI's DPC++) imports the compiler's runtime DLLs "
                        "too (libmmd.dll, svml_dispmd.dll, libiomp5md.dll): an older copy of one of them found first fails "
                        "so, and Python 3.8 and newer search no PATH folder for an extension's DLLs")
    dll = folders.file_name(first.dll)
    symbol = "the ordinal it imports" if re.fullmatch(r"ordinal \D\w*", first.symbol) else first.symbol  # a readme's "XXXX"
    # the program's own import of Intel's OpenMP runtime, older than it was built with (DuCOM-COM3's readme)
    runtime = not first.error and re.fullmatch(r"(?i)libiomp5md\.dll", dll) is not None
    title = (f"Windows loaded an MKL or OpenMP DLL of another release for {dll}: {first.said}"
             if first.error else f"Windows found no {symbol} in the MKL DLL it loaded" if dll == "a DLL"
             else f"Windows loaded an Intel OpenMP runtime older than what imports it: {symbol} is not in {dll}" if runtime
             else f"Windows loaded an MKL DLL of another release: {symbol} is not in {dll}")
    component = ("a program that takes MKL from a component installed apart (Microsoft R Open's and Revolution R Open's "
                 "'MKL Math Library'): install that component again, of the program's own version",) if everywhere else ()
    return Finding(
        "windows-entry-point-missing", "error",
        title,
        tuple(evidence),
        (*component,
         *(("install Intel's OpenMP runtime of the release the program was built with, or newer (oneAPI's runtime "
            "redistributable; conda or pip: intel-openmp), or put that release's libiomp5md.dll beside the program's .exe, "
            "the first folder Windows searches",) if runtime else ()),
         "find every copy of MKL's DLLs and Intel's OpenMP runtime in the search order: where mkl_core.dll mkl_intel_thread.dll "
         "mkl_rt.dll libiomp5md.dll" + (" libmmd.dll svml_dispmd.dll" if compiled else ""),
         r"remove (or move beside the software that installed them) MKL DLLs in C:\Windows\System32 and C:\Windows\SysWOW64: "
         "Windows searches System32 before PATH, so an old copy put there by other software (audio drivers, instrument "
         "software) shadows the environment's own",
         "conda: one OpenMP runtime package per environment (intel-openmp, or llvm-openmp/openmp, not both: both install "
         "libiomp5md.dll): conda list openmp, then remove the one MKL does not need; an intel-openmp of another channel "
         "than the environment's mkl (conda list's channel column): conda install -c <mkl's channel> intel-openmp "
         "--force-reinstall (qlib's FAQ: conda-forge's beside the defaults channel's torch)",
         "or load the right copy first: keep the environment's DLL folder (conda: <env>\\Library\\bin, the environment "
         "activated; CONDA_DLL_SEARCH_MODIFICATION_ENABLE=1 puts it before System32) first, and in Python "
         "os.add_dll_directory(<that folder>) before importing numpy",
         *((r"a module built with Intel's compilers: before its import, os.add_dll_directory(r'<oneAPI>\compiler\latest\bin') "
            r"(or the wheels' <prefix>\Library\bin) for the compiler runtime it was built with (intel-xpu-backend-for-triton "
            "PR #7374: libtriton imported after torch)",) if compiled else ())),
        "A DLL asked its dependency for a function by name and the copy Windows loaded does not export it: the two come "
        "from different MKL releases. The copy that was found first wins, and the system folders come before PATH.",
        ("where libiomp5md.dll   # every copy on the search path, the first one is loaded" if runtime else
         "where mkl_core.dll   # every mkl_core.dll on the search path, the first one is loaded",),
    )
