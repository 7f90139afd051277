"""What a Windows log says of the install it comes from (conda, pip, .NET, Julia, cargo, IPEX), and the remedies for a DLL
that could not be loaded that each of those installs has: windows.py's finding takes them in this order.
"""
from __future__ import annotations

import re

from mkldoctor.explain import mlnet
from mkldoctor.knowledge import folders, layout, places, recipes


def hints(text: str) -> set[str]:
    hints = set()
    # a python.org interpreter (a CI's hosted toolcache, a per-user install): its mkl is pip's, whatever module failed
    pip = re.search(r"(?i)hostedtoolcache[\\/]windows[\\/]python|Programs[\\/]Python[\\/]Python\d", text) is not None
    if re.search(rf"(?i){places.CONDA_INSTALL}|conda[\\/]envs|Library[\\/]bin", text) or (
            not pip and re.search(r"_mklinit|_distributor_init", text)):
        hints.add("conda")
    if pip:
        hints.add("pip")
    if "DLL load failed" in text or "Could not find module" in text or "ImportError" in text:
        hints.add("python")
    if "Unable to load DLL" in text or "DllNotFoundException" in text:
        hints.add("dotnet")
    if re.search(r"MKL (?:FATAL )?ERR+OR", text):
        hints.add("mkl")
    if "julia" in text.lower() or "could not load library" in text:
        hints.add("julia")
    if "intel_extension_for_pytorch" in text:
        hints.add("ipex")
    if "didn't exit successfully" in text or re.search(r"target[\\/](?:debug|release)[\\/]", text):
        hints.add("cargo")
    return hints


ACTIVATE = "start the program from the activated environment"  # windows.py's finding for Python says it its own way


def remedies(hints: set[str], libs: list[str], start: bool) -> list[str]:
    runtime = [f"{f.releases}: {f.runtime}" for f in folders.LAYOUTS if f.platform == "windows" and f.name != "vcpkg"]
    fix = []
    if "conda" in hints:
        fix.append(ACTIVATE + ": conda activate <env> (activation puts <env>\\Library\\bin, "
                   "where conda's MKL DLLs are, on PATH); a shortcut or .bat that starts python.exe directly skips it")
    if "conda" in hints and "python" in hints:
        fix.append("conda: an extension built against another mkl release than the environment's (a pin that paired old "
                   "numpy or scipy builds with a new mkl): conda list mkl; install the mkl release those packages were built "
                   "with (conda install mkl=<version>)")
    if "pip" in hints and "conda" not in hints:  # haasad/PyPardiso#26: mkl-service's _mklinit under pip's mkl
        fix.append("a python.org Python with pip's mkl: the wheels put MKL's DLLs in <python prefix>\\Library\\bin, which "
                   "an extension's import never searches (Python 3.8+): os.add_dll_directory(<python prefix>\\Library\\bin) "
                   "before the import; a package that imports mkl-service (import mkl, its _mklinit) for that: its release "
                   "that finds mkl_rt itself (pypardiso 0.4.0 dropped mkl-service), or mkl-service from conda")
    if "python" in hints:
        fix.append("in Python before the import: os.add_dll_directory(r'<the folder that holds the MKL DLLs>')   "
                   "(Python 3.8+ does not search PATH for an extension's DLLs)")
    if "dotnet" in hints and any(n.lower() == "mkl.net.native.dll" for n in libs):  # MKL.NET's own shim, not MKL's
        fix.append("MKL.NET.Native.dll is MKL.NET's own C shim (its runtimes\\win-x64\\native), not an MKL DLL: MKL.NET 1.4.0's "
                   "package left it out for win-x64 (MKL.NET#18, fixed in 1.4.1): update MKL.NET, or copy the shim into the "
                   "output folder")
    if "dotnet" in hints:
        fix.append(mlnet.WINDOWS_NATIVE if any(n.lower().startswith("mklimports") for n in libs) else mlnet.SHIP_NATIVE)
    if "ipex" in hints:  # intel-extension-for-pytorch#473
        fix.insert(0, "intel_extension_for_pytorch's XPU builds load the oneAPI runtime DLLs (DPC++'s, oneMKL's) of the "
                      "oneAPI release they were built for: an installed oneAPI of another release, or none activated, gives "
                      "WinError 126; install the IPEX and torch pair made for the oneAPI installed (IPEX's installation "
                      "table; ipex#473: 2.0.110 needed oneAPI 2023.2, 2.1.10 works with 2024.0), and call its setvars.bat first")
    if "cargo" in hints:
        fix.append("a Rust program built with intel-mkl-src's *-iomp features links Intel's OpenMP runtime dynamically: it needs "
                   "libiomp5md.dll at run time (oneAPI: compiler\\<ver>\\bin, 2021-2023 compiler\\<ver>\\windows\\redist\\"
                   "intel64_win\\compiler): put that folder on PATH for cargo run and cargo test, or copy the DLL beside the .exe; "
                   "or use a *-seq feature")
    if start and any(n.lower().startswith("libiomp5") for n in libs):  # llama.cpp#9378: a release zip without it
        fix.append("libiomp5md.dll is Intel's OpenMP runtime, which MKL's intel_thread layer and Intel-compiled (SYCL, "
                   "OpenMP) programs load: a program's package must carry it beside its own DLLs (a release zip or installer "
                   "that left it out: copy it there from oneAPI's compiler\\<ver>\\bin, or from the intel-openmp package's "
                   "Library\\bin)")
    if "mkl" in hints or start:
        fix.append("a bundle (PyInstaller, cx_Freeze, Nuitka --standalone) or an installed program: copy MKL's DLLs (mkl_*.dll, "
                   "the threading layer and the kernels mkl_def*, mkl_avx*, and libiomp5md.dll) beside the .exe; MKL loads them "
                   "itself, so bundlers miss them (PyInstaller: a hook or --add-binary that collects them; a bundler's newer "
                   "release may collect them for the package that brings MKL, such as conda's numpy)")
    opened = [n for n in libs if layout.role(n) in ("threading", "core", *layout.KERNEL_ROLES)]
    if "mkl" in hints and opened:  # MKL's own message: its dispatcher opened the layer, and looked beside itself first
        fix += [f"MKL's dispatcher (mkl_rt, mkl_core) opens {opened[0]} itself, from its own folder first: a copy of "
                   "mkl_rt*.dll alone in another folder (a bundle's numpy\\core, a package's own) finds none of the layers "
                   "beside it: find every copy (where /r <the program's folder> mkl_rt*.dll) and keep the one beside the other "
                   "MKL DLLs; a host that loads MKL's layers itself (JavaCPP, a plugin) loads mkl_rt from that folder first "
                   "(Java: System.loadLibrary(\"mkl_rt\") before the library that uses MKL)", recipes.CONDA_UPDATED_IN_PARTS]
    fix.append("or put the folder on PATH before the program starts: "
               f'call "{folders.ONEAPI_SETVARS_BAT}" (oneAPI), or set PATH=<folder>;%PATH%')
    fix += ["the DLL folders, by layout:"] + ["  " + line for line in runtime]
    fix.append("keep one MKL per process: DLLs of two releases (mkl_rt.1.dll, mkl_rt.2.dll) do not mix")
    return fix
