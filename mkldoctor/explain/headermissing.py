"""A compiler that cannot find MKL's header (gcc's, clang's, icc's words; :mod:`mkldoctor.explain.headerwords` has MSVC's
and other languages'): which header, what the compile line before it said of MKL, where this machine has it, the fix.
Its signatures are :mod:`mkldoctor.explain.build`'s, which gives the finding among the build's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain import fftwheaders, otherheaders, syclheaders
from mkldoctor.explain.catalogue import NOT_MINE, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import folders


@dataclass(frozen=True, slots=True)
class HeaderMissing:
    header: str  # "mkl.h"
    source: str
    includes: tuple[str, ...] | None = None  # the -I folders of the compile line just before it; None: no such line
    defines: tuple[str, ...] = ()  # its -D names
    msvc: bool = False  # said by MSVC's cl.exe (headerwords): Windows' folders and variables


_MKL_HEADER = re.compile(r"^(?:mkl|mkl_\w+|i_malloc|lapacke\w*|cblas)\.h(?:pp)?$|^mkl\w*\.f(?:i|90)$")  # a Fortran INCLUDE's too
# oneMKL's SYCL headers renamed, with the release that no longer ships the old name (spack-packages PR #4651: heffte 2.4.1's
# oneapi/mkl/dfti.hpp under oneMKL 2026.0; heffte PR #68 moved to dft.hpp)
RENAMED_HEADERS = {"oneapi/mkl/dfti.hpp": ("oneapi/mkl/dft.hpp", "2026.0")}
_COMPILE = re.compile(r"(?:^|\s)-c(?:\s|$)")


def _compile_flags(before) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The -I folders and -D names of the compile line among the lines just before an error (None: there is none)."""
    for line in reversed(list(before)):
        if _COMPILE.search(line) and (" -I" in line or " -D" in line or " -o " in line):
            return (tuple(re.findall(r"(?:^|\s)-I\s*(\S+)", line)), tuple(re.findall(r"(?:^|\s)-D\s*(\w+)", line)))
    return None, ()


def header_event(m: re.Match, before) -> HeaderMissing | Unrecognised:
    name = m.group("h")
    if name in syclheaders.SYCL_HEADERS:  # the SYCL compiler's, included by oneMKL's SYCL headers (or not MKL's at all)
        return syclheaders.event(m, before)
    if not (_MKL_HEADER.match(os.path.basename(name)) or name.startswith("oneapi/mkl")):
        # FFTW's headers are fftwheaders' (MKL ships them apart), another package's that MKL's users meet otherheaders';
        # any other stays an error of its own
        if fftwheaders.HEADER.fullmatch(os.path.basename(name)):
            return NOT_MINE
        return otherheaders.event(name, m.string) or Unrecognised(m.string.strip())
    includes, defines = _compile_flags(before)
    return HeaderMissing(name, m.group("src") or "", includes, defines)


_OPTIONS = "cmake -LH <build folder> | grep -i -B1 mkl lists a CMake project's options"
# a project that turned its MKL path on by itself (mxnet#19048: USE_MKL_IF_AVAILABLE, on by default, with no MKL installed)
_NO_MKL = f"or build the project without MKL, where it was not meant: turn its MKL option off ({_OPTIONS}; MXNet's -DUSE_MKL_IF_AVAILABLE=OFF)"


def finding(ctx: Context, events: list[HeaderMissing]) -> Finding:
    names = list(dict.fromkeys(e.header for e in events))
    having = [i for i in ctx.installs if any(os.path.isfile(os.path.join(d, names[0])) for d in i.include_dirs)]
    evidence = [f"{e.source or 'a source file'} includes {e.header}, which the compiler did not find on its include path"
                for e in list({(e.source, e.header): e for e in events}.values())[:4]]
    evidence += _compile_line(events) if names[0] not in RENAMED_HEADERS else []
    evidence += [f"{names[0]} is in {d} ({label(i)})" for i in having for d in i.include_dirs
                 if os.path.isfile(os.path.join(d, names[0]))]
    recipes, check = (), f"echo '#include <{names[0]}>' | cc -E -x c - -I<folder> > /dev/null && echo found"
    classic = _classic_release(ctx, events) if names[0].startswith("oneapi/mkl") else None
    if classic:  # a SYCL header of oneMKL in a build with Parallel Studio's MKL, which never had one
        evidence.append(f"oneapi/mkl/ headers are oneMKL's SYCL interface (oneAPI 2021 and newer, for a SYCL compiler such as "
                        f"icpx -fsycl); the log's paths name {classic}, a release before oneAPI, whose MKL has none")
        fix = ["the project includes a SYCL header in a build without SYCL: take its fix, which includes it only in its "
               "SYCL build (kokkos-kernels ce9182c: KOKKOS_ENABLE_SYCL beside its MKL option), or turn its SYCL or oneMKL "
               "option off",
               "or build with oneAPI's compilers and oneMKL (2021 or newer) with the project's SYCL option on, where the "
               "SYCL path is wanted"]
    elif os.path.basename(names[0]).startswith("mkl_boost_ublas"):  # MKL's uBLAS bridge, shipped beside its examples
        evidence.append(f"{names[0]} is the bridge from Boost uBLAS's prod() to MKL's gemm that older MKL releases "
                        "documented; the MKL packages of today have none (Debian's 2020.4, pip's 2021 to 2026: checked)")
        fix = [f"give the compiler the folder of the copy the project uses: a project that needs it carries it (votca's "
               f"tools, MKL_and_boost_example/headers, added to the include path by its CMake once MKL is found: votca PR "
               f"#32) or takes it from an older MKL: -I<that folder>",
               "or build the project without its MKL path for uBLAS (its MKL option off), which uses uBLAS's own prod()"]
    elif vendored := _VENDORED.match(names[0]):  # a path in the project's own tree: its copy of an MKL part, not an install's
        evidence.append(f"{names[0]} is a path inside the project's own tree ({vendored[0].rstrip('/')}): "
                        "no MKL install has it, and no -I or setvars.sh adds it; the checkout lacks that folder")
        fix = ["a source tree that no longer has the folder its code includes (TensorFlow removed third_party/intel_mkl_ml "
               "while XLA's runtime_matmul_mkl.h kept including it: tensorflow#57146, fixed by PR #57186): update the "
               "checkout past the fix, or correct the #include to the folder the tree has",
               "a folder the project's own download or setup step makes (an MKL-ML or MKL copy it fetches): run that step "
               "again, and build from a clean build folder"]
        recipes = ()
    elif names[0] in RENAMED_HEADERS:
        new, gone = RENAMED_HEADERS[names[0]]
        evidence.append(f"oneMKL renamed {names[0]} to {new}; the old name was deprecated, and {gone} no longer ships it")
        fix = [f"include <{new}> instead (a project's release that does, or a patch of the #include)",
               f"or build with an MKL older than {gone}, whose headers still have {names[0]}"]
    elif names[0] == "cblas.h":  # the reference CBLAS's header name: MKL has none (checked against the wheels and Debian's)
        evidence.append("MKL ships no cblas.h: its CBLAS prototypes are in mkl_cblas.h, which mkl.h includes; a cblas.h found "
                        "before came from another BLAS (ATLAS, OpenBLAS, Netlib's) on the include path")
        from mkldoctor.explain.headerwords import installed_switch  # it imports this module
        fix = [*installed_switch(events[0].source, names[0]), "with MKL, include MKL's header: #include <mkl.h> (or "
               "<mkl_cblas.h>), e.g. #ifdef USE_MKL ... #else #include <cblas.h> #endif, with -I<MKL prefix>/include",
               f"a project whose own header includes cblas.h unless it was configured for MKL: turn its MKL option on and "
               f"configure again ({_OPTIONS}; arrayfire#2270: -DUSE_CPU_MKL=ON)"]
    elif having:
        folder = next(d for d in having[0].include_dirs if os.path.isfile(os.path.join(d, names[0])))
        fix = [f"add -I{folder} to the compile line (CMake: target_link_libraries(... MKL::MKL) adds it; "
               "pkg-config: $(pkg-config --cflags mkl-dynamic-lp64-seq))"]
    elif _debian_layout(ctx, events):  # Debian's and Ubuntu's packages: libraries in the multiarch folder, headers apart
        fix = [f"Debian's and Ubuntu's MKL packages (libmkl-dev, intel-mkl) put {names[0]} in {DEBIAN_INCLUDE}, which no "
               f"compiler searches by itself, and a build that derives the include folder from the library folder "
               f"(/usr/lib/x86_64-linux-gnu/../../include) misses it: add -I{DEBIAN_INCLUDE}, or take the flags from the "
               "packages' pkg-config files: $(pkg-config --cflags mkl-dynamic-lp64-seq)"]
    elif names[0].endswith((".fi", ".f90")):  # a Fortran INCLUDE (mkl_dfti.f90: the DFTI module's source, included)
        from mkldoctor.explain.headerwords import fortran_fix

        fix, check = fortran_fix(names[0], ctx.platform == "Windows")
        recipes = (ctx.recipe("headers"),)
    elif any(e.msvc for e in events):
        from mkldoctor.explain.headerwords import WINDOWS_FIX

        fix, recipes = [*WINDOWS_FIX, _NO_MKL], (ctx.recipe("headers"),)
    else:
        fix = [f"set up the MKL the build means before building: oneAPI: {folders.SOURCE_SETVARS} (it sets CPATH, "
               "which the compilers search); Parallel Studio and MKL 2020 or older: source <install>/bin/compilervars.sh intel64 "
               "(or psxevars.sh, mkl/bin/mklvars.sh intel64)",
               f"or add -I<MKL prefix>/include to the compile line (Debian's and Ubuntu's packages: -I{DEBIAN_INCLUDE} itself, "
               "no include/ below it: DLBFoam#21; CMake: link the target to MKL::MKL, which carries it)",
               "no MKL installed: see the recipe below", _NO_MKL]
        recipes = (ctx.recipe("headers"),)
    from mkldoctor.explain.headerwords import built_with_mkl, mklml_download  # another's header (dlib's)
    from mkldoctor.explain.onedalfpk import onedal_micro_mkl
    fix[:0] = ((built_with_mkl(events[0].source, names[0]) if names[0] != "cblas.h" else []) + onedal_micro_mkl(names[0])
               + (mklml_download(events[0].source, names[0]) if not events[0].msvc else []))  # MKLML's scripts are Linux's
    libinc = [d for e in events for d in (e.includes or ()) if d.rstrip("/").endswith("/lib/include")]
    if libinc and names[0].startswith("mkl"):  # pawpyseed#17: the -I made from the library folder's path
        fix.insert(0, f"-I{libinc[0]} is a library folder's include: pip's and conda's mkl-include put {names[0]} in "
                      f"<prefix>/include (pip install --user: ~/.local/include; a venv or conda environment: <it>/include), so give "
                      f"-I{libinc[0].rstrip('/')[:-len('/lib/include')]}/include")
    if any(d == "/include" or d.startswith("/include/") for e in events for d in (e.includes or ())):
        fix.insert(0, "the build's MKL folder variable was empty (-I/include): export MKLROOT=<MKL prefix> (or "
                      f"{folders.SOURCE_SETVARS}) and build again; no MKL wanted: turn the build's MKL option off")
    return Finding(
        "mkl-header-not-found", "error", f"the compiler cannot find {', '.join(names[:3])}"
        + (f": oneMKL {RENAMED_HEADERS[names[0]][1]} and newer no longer ship it" if names[0] in RENAMED_HEADERS else ""),
        tuple(evidence), tuple(fix),
        "MKL's headers live in its own include folder (<prefix>/include, /usr/include/mkl on Debian), "
        "which the compiler searches only when told: -I on the compile line, or CPATH, which oneAPI's setvars.sh sets.",
        (check,),
        recipes,
    )


# a folder of a project's own tree where it keeps (or fetches) other projects' code ("third_party/intel_mkl_ml/include/")
_VENDORED = re.compile(r"^(?:[\w.+-]+/)*?(?:third_party|third-party|3rdparty|external|extern|vendor)/[\w.+-]+/")


# an Intel release before oneAPI (2021) as a path names it: Parallel Studio's folders, a build folder named for its compiler
_CLASSIC = re.compile(r"compilers_and_libraries_20(?:1\d|20)[.\d]*|parallel_studio_xe_20(?:1\d|20)\w*|"
                      r"(?<=/)intel/1[4-9]\.\d[.\d]*|"
                      r"(?<=/)mkl/20(?:1\d|20)(?:\.\d+)*(?=/)")


def _classic_release(ctx: Context, events: list[HeaderMissing]) -> str | None:
    said = [*ctx.places, *(e.source for e in events), *(d for e in events for d in (e.includes or ()))]
    return next((m.group(0) for p in said for m in [_CLASSIC.search(p)] if m), None)


DEBIAN_INCLUDE = "/usr/include/mkl"  # Debian's libmkl-dev (and Ubuntu's intel-mkl): mkl.h and the rest


def _debian_layout(ctx: Context, events: list[HeaderMissing]) -> bool:
    """The log shows MKL in Debian's multiarch library folder (a -L, an -I derived from it, a path it names)."""
    said = [*ctx.places, *(d for e in events for d in (e.includes or ()))]
    return any("/usr/lib/x86_64-linux-gnu" in p or p.startswith(DEBIAN_INCLUDE) for p in said)


def _compile_line(events: list[HeaderMissing]) -> list[str]:
    """What the compile line before the error says about MKL: its -I folders for MKL, or that it has none."""
    lines = [e for e in events if e.includes is not None]
    if not lines:
        return []
    event = lines[0]
    mkl_dirs = [d for d in event.includes if "mkl" in d.lower() or "oneapi" in d.lower()]
    mkl_defines = [d for d in event.defines if "MKL" in d.upper()]
    rootless = [d for d in event.includes if d == "/include" or d.startswith("/include/")]
    if rootless:  # -I$(MKLROOT)/include with MKLROOT empty
        return [f"the compile line has -I{rootless[0]}: a variable in front of it was empty (-I$(MKLROOT)/include with "
                f"MKLROOT unset), so the build's MKL option is on but no MKL was set up where it was built: set MKLROOT to "
                f"the MKL prefix ({folders.SOURCE_SETVARS}), or turn the build's MKL option off (the makefile's "
                "MKL lines, -D" + (mkl_defines[0] if mkl_defines else "MKL") + ") to build without MKL"]
    if mkl_dirs:
        return [f"the compile line has -I{mkl_dirs[0]}, a folder for MKL's headers, and the compiler did not find "
                f"{event.header} there: on the machine that compiled, that folder does not hold MKL's headers "
                "(an install moved or not set up)"]
    return [f"the compile line names no MKL include folder (-I: {', '.join(event.includes) or 'none'})"
            + ("" if mkl_defines else " and no MKL define (-D...MKL...)")
            + ": the build did not take its MKL settings (check the build's MKL option in the file it really reads: "
              "the makefile, CMakeCache.txt)"]
