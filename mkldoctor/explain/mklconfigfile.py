"""Intel's MKLConfig.cmake stopping at a file of MKL it did not find: ``MKLConfig.cmake:103 (message): mkl_intel_thread.*.dll
not found`` (a layer's DLL under MKL_LINK=dynamic: vcpkg's port, a conda environment's mkl-devel without its mkl), and
Intel's OpenMP DLL that OMP_DLL_DIR should have named (:mod:`finders` reads the lines).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

if TYPE_CHECKING:
    from mkldoctor.explain.finders import FinderSaid


def file_not_found(said: list[FinderSaid]) -> Finding:
    first = said[0]
    text = " ".join((first.text, *first.more))
    evidence = [f"{first.finder} says: {text}"]
    windows = ".dll" in text
    if windows:
        evidence.append("with MKL_LINK=dynamic on Windows, MKLConfig.cmake looks for each layer's DLL (mkl_<layer>.<N>.dll) "
                        "in MKL's bin folder (redist\\intel64 in oneAPI 2021-2023) with file(GLOB)")
    if "vcpkg" in first.finder:
        evidence.append("this MKLConfig.cmake is vcpkg's (its intel-mkl port installs it in share/mkl); a copy of that port "
                        "globbed ${MKL_ROOT}/bin${MKL_DLL_GLOB}, without the '/' between the folder and the pattern, so it "
                        "never matched the DLL that is there (microsoft/vcpkg#33450)")
    # a vcpkg triplet of static libraries (x64-windows-static, -static-md): the port installs MKL's .lib files, no DLLs, while
    # its MKLConfig.cmake still defaults to MKL_LINK=dynamic (microsoft/vcpkg#42834, fixed by PR #43780)
    static = re.search(r"(?i)[/\\]installed[/\\](?P<t>[\w-]+-static[\w-]*)[/\\]", first.finder) if windows else None
    if static:
        evidence.insert(1, f"the triplet {static['t']} is of static libraries: vcpkg's intel-mkl port installs MKL's .lib "
                           "files for it and no DLLs, while its MKLConfig.cmake still defaults to MKL_LINK=dynamic and looks for "
                           "the DLLs (microsoft/vcpkg#42834)")
    conda = re.match(r"(?i)^(?P<env>.*?(?:conda|mamba|miniforge)\w*(?:[/\\]envs[/\\][^/\\]+)?)[/\\](?:Library[/\\])?lib[/\\]cmake[/\\]mkl",
                     first.finder)
    if conda:
        evidence.append(f"this MKLConfig.cmake is a conda environment's ({conda.group('env')}): conda's mkl-devel (or "
                        "mkl-include) package installs it, and the libraries it looks for come with the mkl package of the "
                        "same release, which that environment lacks or holds in another release")
    fix = ((f"install MKL's runtime into that environment, the release of its mkl-devel: "
            f"{recipes.conda_install('-p', conda.group('env'), 'mkl=<its version>')} (conda list mkl shows both)",) if conda else ()) + (
        "check that the file is where MKLConfig.cmake looks (MKL_ROOT, from MKL_DIR's prefix): dir /s <MKL prefix>\\bin\\mkl_*.dll "
        "(Windows) or ls <MKL prefix>/lib",
        "a package manager's copy of MKLConfig.cmake (vcpkg's share/mkl): compare its file(GLOB ...) paths with the folders "
        "of the port, and fix the glob (add the '/' before ${MKL_DLL_GLOB}) or update the port",
        "or link statically (-DMKL_LINK=static), which needs no DLL")
    if static:  # what the triplet installed, first: the glob's bug is another port's
        fix = (f"configure with -DMKL_LINK=static, as the {static['t']} triplet's libraries are (or update vcpkg to a port "
               "with microsoft/vcpkg PR #43780, whose MKLConfig.cmake follows the triplet)", *fix[:-1])
    return Finding(
        "mklconfig-file-not-found", "error", f"Intel's MKLConfig.cmake did not find a file of MKL: {first.text[:120]}",
        tuple(evidence), fix,
        "Intel's MKLConfig.cmake builds the MKL::MKL target from the files of the copy it belongs to; when one is not where "
        "it looks, it stops with the name of the file it wanted.",
        ("cmake --trace-expand --trace-source=MKLConfig.cmake <source dir>   # the paths it globbed",),
    )


def omp_dll_dir(said: FinderSaid, severity: str) -> Finding:
    return Finding(
        "mklconfig-file-not-found", severity,
        "Intel's MKLConfig.cmake did not find Intel's OpenMP DLL (libiomp5md.dll) in the folders it searches: OMP_DLL_DIR is unset",
        (said.text, "OMP_DLL_DIR is MKLConfig.cmake's own variable: on Windows, with the intel_thread layer (MKL_THREADING's "
                    "default), it looks for libiomp5md.dll under MKLROOT, the compiler's folders and LIB, in folders of "
                    "oneAPI's layout; older MKLConfig.cmake files do not look in a conda environment's Library\\bin, where "
                    "conda's intel-openmp puts it"),
        ("tell it the folder: cmake -DOMP_DLL_DIR=<the folder that holds libiomp5md.dll> (conda: <env>\\Library\\bin)",
         "or a threading layer that needs no Intel OpenMP: cmake -DMKL_THREADING=sequential (or tbb_thread)",
         "or the MKLConfig.cmake of a newer MKL (its search includes the bin folder), with -DMKL_DIR=<its lib\\cmake\\mkl>",
         recipes.cmake_reset()),
        "Intel's MKLConfig.cmake finds every file the MKL::MKL target needs, Intel's OpenMP runtime among them for the "
        "intel_thread layer; it looks only in the folders of the layouts it knows.",
        ("where /r <MKL or conda prefix> libiomp5md.dll   # the folder to give it",),
    )
