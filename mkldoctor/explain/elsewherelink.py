"""``cannot find -lNAME`` in a log from another machine, explained from the log and knowledge alone (:mod:`elsewhere`
explains the loader's failures so): the folders the link line gave, what the log shows of MKL's folders, where each
layout keeps the libraries and the runtimes MKL's threading layers need.
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain import linksets
from mkldoctor.explain.archskip import skipped_advice
from mkldoctor.explain.context import Context
from mkldoctor.explain.origin import there
from mkldoctor.explain.wording import more, q
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, layout, places, recipes

_ONEAPI_PREFIX = re.compile(r"^(?:/[^/\s]+)*/oneapi/mkl/\d{4}\.\d+(?:\.\d+)?$")

def library(ctx: Context, names: list[str], command, static: bool, skipped=(), cargo=((), ()),
            platform: str | None = None) -> Finding:
    """``cannot find -lmkl_core`` in a log from elsewhere: the folders the line gave, what the log shows of MKL's
    folders (``skipped``: the files ld said it skipped as incompatible), what the layout of the release they name says;
    ``cargo``: (evidence, fix) of a cargo build's MKL download (libraries.cargo_download); ``platform``: the system the
    log says it comes from (origin.log_platform), whose layouts decide which folder is wrong."""
    lib_dirs = [d for d in (command.lib_dirs if command is not None else ()) if not d.startswith("<")]
    evidence = [f"the link line's -L folders: {more(lib_dirs, 6)}" if lib_dirs else
                ("the link line gives no -L folder: ld searched only its own default folders" if command is not None else
                 "the link command line is not in the log: which -L folders it had is unknown")]
    fix: list[str] = []
    for folder in lib_dirs:  # a folder that cannot hold the libraries by its layout (/opt/intel/mkl/lib, a moved oneAPI lib)
        instead = folders.lib_dir_instead(folder, platform)
        if not instead:
            continue
        evidence.append(folders.lib_dir_mismatch(folder) or "")
        where = (f"where that release keeps its libraries (oneAPI 2021-2023: lib/intel64; {folders.ONEAPI_FLAT} and newer: "
                 "lib, no lib/intel64)" if len(instead) == 1 else
                 "where MKL keeps its libraries in that layout, and in oneAPI's (use the one that is installed there)")
        fix.append(" or ".join(f"-L{q(d)}" for d in instead) + f" in place of -L{q(folder)}   # {where}")
    wanted = [n.lstrip(":") for n in names]
    openmp = runtime_folders(wanted)  # said first, beside the search on that machine
    evidence += openmp[0]
    said, changes = skipped_advice(skipped)  # ld saw the library and could not use it: another architecture's file
    evidence += said
    fix += [line for line in changes if line not in fix]
    seen = {os.path.normpath(x) for x in lib_dirs} | {os.path.normpath(os.path.dirname(e.path)) for e in skipped}
    named = [os.path.dirname(p) for p in ctx.places if any(os.path.basename(p).startswith(f"lib{n}.") for n in wanted)]
    named = [d for d in dict.fromkeys(named) if os.path.normpath(d) not in seen and not places.is_package_cache(d)]
    if not named:  # no library file named, but an MKL prefix (MKLConfig.cmake's "-- MKL_ROOT /opt/intel/oneapi/mkl/2021.4.0")
        for prefix in dict.fromkeys(m.group(0) for p in ctx.places for m in [_ONEAPI_PREFIX.search(p)] if m):
            folder = f"{prefix}/{folders.oneapi_lib_dir(prefix.rsplit('/', 1)[-1], False)}"
            if os.path.normpath(folder) not in seen:
                given = "not among the link line's -L folders" if command is not None else "a folder the link needs on its line"
                evidence.append(f"the log names MKL's prefix {prefix} (as MKLConfig.cmake's MKL_ROOT does), whose libraries "
                                f"are in {folder}, {given}; if another MKL is installed too, the build's parts may have found "
                                "different ones")
                fix.append(f"add -L{q(folder)} to the link line, or link the target to MKLConfig.cmake's MKL::MKL, which "
                           "carries it; with two MKLs installed, keep the one MKL_ROOT names (or remove the other)")
                break
    for folder in named[:2]:
        evidence.append(f"the log shows MKL's libraries in {folder}, which is not among the link line's -L folders")
        shown = {os.path.basename(p) for p in ctx.places if os.path.dirname(p) == folder}
        # the log names only a versioned file there (libmkl_rt.so.3): -lmkl_rt needs the development link libmkl_rt.so
        versioned = [(n, sorted(f for f in shown if f.startswith(f"lib{n}.so."))[0]) for n in wanted
                     if f"lib{n}.so" not in shown and f"lib{n}.a" not in shown and any(f.startswith(f"lib{n}.so.") for f in shown)]
        if versioned:
            given = " ".join(f"-l:{f}" for _, f in versioned)
            fix.append(f"-L{q(folder)} {given} in place of {' '.join('-l' + n for n, _ in versioned)}   # the log shows "
                       f"{', '.join(f for _, f in versioned)} there, which -lNAME does not take (it wants lib<name>.so)")
        else:
            fix.append(f"add -L{q(folder)} to the link line (CMake: target_link_directories, or the MKL target's "
                       "INTERFACE_LINK_DIRECTORIES)")
    fix += ["or, if the build was not meant to take that MKL (its configure step found it on its own: molakirlee's GROMACS), "
            "choose its BLAS: the project's option (GROMACS: -DGMX_EXTERNAL_BLAS=OFF -DGMX_EXTERNAL_LAPACK=OFF; FindBLAS: "
            f"-DBLA_VENDOR=<another>), then {recipes.CMAKE_RESET} and configure again"] if named else []
    if not fix and re.match(r"(?:mkldnn|dnnl)$", wanted[0]):  # intel/caffe#286: MKL-DNN's own install folder
        evidence.append(f"lib{wanted[0]} is MKL-DNN's (oneDNN's), a library of its own, not MKL's: a project that downloads "
                        "and builds it installs it where CMake's GNUInstallDirs puts libraries, lib64 on Red Hat's, SUSE's "
                        "and other distributions that use lib64, lib on Debian's and Ubuntu's: a makefile that names one "
                        "misses the other")
        fix += [there(f"find / -name 'lib{wanted[0]}.so*' 2>/dev/null", "where its build put it"),
                "point the project's link at that folder: its makefile's MKL-DNN folder (intel/caffe#286: Makefile.mkldnn "
                "named lib64, the library was in lib) or -L<that folder>; or build MKL-DNN with -DCMAKE_INSTALL_LIBDIR=lib"]
    if not fix:
        fix += _search_there(wanted[0], static, platform)
        tbb_wanted = any(layout.is_tbb_runtime(n) for n in wanted)
        fix.append(f"if it is not: install oneTBB's development files there: {TBB_INSTALL}" if tbb_wanted else
                   f"if it is not: install Intel's OpenMP runtime there: {ctx.recipe_ref('openmp')}" if openmp[0] else
                   f"if it is not: install MKL's development files there: {ctx.recipe_ref('static' if static else 'shared')}")
        if not tbb_wanted and not openmp[0]:  # spack#8555: plasma's makefile fell back to its MKL defaults without make.inc
            fix.append("or, if the build is not meant to use MKL, these names came from its defaults (a makefile's LIBS "
                       "when its make.inc or config file is missing, a BLAS option that defaults to MKL): give it the BLAS "
                       "it should use (LIBS='-lopenblas' on make's command line, the project's BLAS option)")
    for link_set in linksets.known(wanted):  # a build system's own set (PyTorch's caffe2::mkl, oneMKL's SYCL link)
        evidence.append(link_set.said)
        fix.insert(0, link_set.fix)
    fix = openmp[1] + fix
    evidence += cargo[0]
    fix += cargo[1]
    names_shown = more(["-l" + n for n in names], 4)
    return Finding(
        "library-not-found", "error", f"cannot find {names_shown}: not in any folder the linker searched on the log's machine",
        tuple(evidence), tuple(fix),
        f"ld looks for -lNAME ({'libNAME.dll.a, libNAME.a, NAME.lib, NAME.dll' if platform == 'Windows' else 'libNAME.so, libNAME.a'}) "
        "only in the -L folders of the line and its own default folders. "
        "The log is not known to be this machine's, and its folders mkldoctor cannot see: an MKL installed there in a folder "
        "the line does not name (a conda environment, a oneAPI prefix, a versioned folder) is not found.",
        ("add -Wl,--verbose to the link line: ld prints every file it tries (attempt to open ... failed/succeeded)",),
    )


def _search_there(name: str, static: bool, platform: str | None) -> list[str]:
    """Where the library is on the log's machine, and how the link is given its folder, by that machine's system."""
    if platform == "Windows":  # MinGW's ld (ld.exe, collect2.exe): -lNAME takes NAME.lib, MKL's import library, too
        return [there(f'where /r "%ONEAPI_ROOT%mkl" {name}.lib & where /r "%CONDA_PREFIX%\\Library\\lib" {name}.lib',
                      f"where the library is, if MKL is installed (MSYS2's shell: find /c -name '{name}.lib')"),
                "if it is installed, give its folder to the linker: -L<that folder>, with / for \\ (oneAPI: <oneAPI>/mkl/"
                f"latest/lib, lib/intel64 before {folders.ONEAPI_FLAT}; conda and pip: <env>/Library/lib); MinGW's ld takes "
                f"{name}.lib for -l{name}"]
    probe = f"lib{name}.{'a' if static else 'dylib' if platform == 'macOS' else 'so'}"
    return [there(f"find / -name '{probe}*' 2>/dev/null; ls ${{MKLROOT:-${{CONDA_PREFIX:-/nonexistent}}}}/lib/{probe}*",
                  "where the library is, if MKL is installed"),
            "if it is installed, give its folder to the linker: -L<that folder> (CMake: target_link_directories, or "
            "MKL_ROOT/MKLROOT for the project's FindMKL; a conda environment: -L$CONDA_PREFIX/lib)",
            *(("a oneAPI install: source <oneAPI>/setvars.sh in the shell that builds (compilervars.sh intel64 before oneAPI; "
               "a cluster: module load its MKL module): it sets LIBRARY_PATH, whose folders gcc gives ld, and MKLROOT for a "
               "project's finder; then build again (nekStab's and MOKIT's notes)",) if name.startswith("mkl") else ())]


TBB_INSTALL = ("python3 -m pip install tbb (its libtbb.so), conda install tbb-devel, apt-get install libtbb-dev, or oneAPI's "
                "intel-oneapi-tbb-devel")


def runtime_folders(wanted: list[str]) -> tuple[list[str], list[str]]:
    """(evidence, fix) for -liomp5 and -ltbb: the runtimes MKL's threading layers need are not MKL's, and are kept in
    folders of their own (Intel's OpenMP runtime the compiler's, oneTBB its own component's), by each layout."""
    from mkldoctor.knowledge import tbb

    runtimes = [n for n in wanted if layout.is_tbb_runtime(n)]
    if runtimes:
        runtime = layout.runtime_of(runtimes[0])
        layer = layout.layer_for_runtime(runtime.name)
        return ([f"lib{runtimes[0]}.so is {runtime.description}'s, which MKL's {layer.short} layer ({layer.name}) runs on: it is "
                 "installed with oneTBB (oneAPI's tbb component, conda's tbb-devel, pip's tbb), in TBB's own folder, not in MKL's: "
                 "a -L that gives MKL's folder does not find it"],
                [f"add TBB's lib folder to the link line: -L<that folder> -l{runtimes[0]} (at run time the loader needs it too: "
                 "LD_LIBRARY_PATH or a run path); where it is, by layout:",
                 *(f"  {f.releases}: {f.libs}" for f in tbb.folders("linux")),
                 "or link without TBB: MKL's OpenMP or sequential layer (-lmkl_intel_thread -liomp5, or -lmkl_sequential)"])
    iomp = [n for n in wanted if layout.role(n) == "openmp" and layout.get(n).name == "iomp5"]
    if not iomp:
        return [], []
    where = [f"  {f.releases}: {f.openmp}" for f in folders.LAYOUTS if f.platform == "linux"]
    return ([f"lib{iomp[0]}.so is Intel's OpenMP runtime: it is installed with Intel's compiler runtime (or the intel-openmp "
             "package), in the compiler's lib folder, not in MKL's: a -L that gives MKL's folder does not find it"],
            ["add the compiler's lib folder to the link line: -L<that folder> -liomp5 (LD_LIBRARY_PATH does not help here: "
             "the loader reads it at run time, ld does not; gcc reads LIBRARY_PATH at link time); where it is, by layout:",
             *where])
