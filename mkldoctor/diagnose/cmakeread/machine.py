"""The facts of the machine a configure step depends on, read from its files (never by running a program): which
compilers are on ``PATH`` (a Fortran compiler decides kokkos-kernels' first step), gcc's own library folders (which
FindBLAS searches, and ld after ``-L``), and the installed CMake's version and modules (FindBLAS.cmake is read from
there, so the prediction follows the CMake the user has)."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass

from mkldoctor.rootfs import RootFS

ARCH = "x86_64-linux-gnu"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# what CMake looks for when the project names no compiler (CMakeDetermine<LANG>Compiler.cmake on Linux)
COMPILER_NAMES = {"C": ("cc", "gcc", "cl", "bcc", "xlc", "icx", "clang"),
                  "CXX": ("c++", "g++", "cl", "bcc", "icpx", "icx", "clang++"),
                  "Fortran": ("ftn", "gfortran", "ifx", "ifort", "ifc", "af95", "af90", "efc", "f95", "pathf2003",
                              "pathf95", "pgf95", "pgfortran", "lf95", "xlf95", "fort", "flang", "lfortran", "frtf90",
                              "pgf90", "pathf90", "pgf77", "f90", "xlf90", "epcf90", "fort77", "frt", "g77", "xlf", "f77")}
COMPILER_ENV = {"C": "CC", "CXX": "CXX", "Fortran": "FC"}
# CMake's own modules read as they are (their logic decides which MKL libraries are found)
READ_MODULES = frozenset({"FindBLAS", "FindLAPACK"})
# CMake's own modules whose include changes nothing the reader looks at
EMPTY_MODULES = frozenset({"CMakeParseArguments", "FeatureSummary", "CMakePackageConfigHelpers", "CheckCCompilerFlag",
                           "CheckCXXCompilerFlag", "CheckLanguage", "ProcessorCount", "TestBigEndian",
                           "CheckIPOSupported", "WriteBasicConfigVersionFile", "ExternalProject", "FetchContent",
                           "CPack", "InstallRequiredSystemLibraries", "GenerateExportHeader", "CheckStructHasMember",
                           "CheckPrototypeDefinition", "CheckCXXSourceRuns", "CheckCSourceRuns", "Dart",
                           "SelectLibraryConfigurations"})


@dataclass(frozen=True)
class Machine:
    path: tuple[str, ...]  # the PATH the configure step runs with
    cmake_modules: str | None  # CMake's own Modules folder (host path), None: no cmake installed
    cmake_version: str | None
    gcc_dirs: tuple[str, ...]  # gcc's library folders, as `gcc -print-search-dirs` lists them (ld searches them)
    implicit_dirs: tuple[str, ...]  # CMAKE_<LANG>_IMPLICIT_LINK_DIRECTORIES


def read_machine(fs: RootFS, env: dict[str, str]) -> Machine:
    path = tuple(p for p in (env.get("PATH", SYSTEM_PATH) if fs.is_host else SYSTEM_PATH).split(":") if p)
    modules, version = _cmake(fs, path)
    gcc = _gcc_folder(fs)
    implicit = tuple(d for d in ((gcc,) if gcc else ()) + (f"/usr/lib/{ARCH}", "/usr/lib", f"/lib/{ARCH}", "/lib")
                     if fs.isdir(d))
    gcc_dirs = tuple(d for d in ((gcc,) if gcc else ()) + (f"/lib/{ARCH}", "/lib", f"/usr/lib/{ARCH}", "/usr/lib")
                     if fs.isdir(d))
    return Machine(path, modules, version, gcc_dirs, implicit)


def which(fs: RootFS, path: tuple[str, ...], name: str) -> str | None:
    if name.startswith("/"):
        return name if fs.isfile(name) else None
    for folder in path:
        candidate = os.path.join(folder, name)
        if fs.isfile(candidate):
            return candidate
    return None


def _cmake(fs: RootFS, path: tuple[str, ...]) -> tuple[str | None, str | None]:
    found = which(fs, path, "cmake")
    if found is None:
        return None, None
    real = fs.resolve(found)
    real = real if isinstance(real, str) else fs.host(found)
    for modules in sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(real)), "share", "cmake-*", "Modules"))):
        match = re.search(r"cmake-(\d+\.\d+)", modules)
        return modules, match.group(1) if match else None
    return None, None


def _gcc_folder(fs: RootFS) -> str | None:
    versions = sorted((p for p in fs.glob(f"/usr/lib/gcc/{ARCH}/*") if os.path.basename(p).split(".")[0].isdigit()),
                      key=lambda p: int(os.path.basename(p).split(".")[0]))
    return versions[-1] if versions else None


def cmake_module(machine: Machine, name: str) -> str | None:
    """A module of CMake's own, by name (its host path), or None."""
    if machine.cmake_modules is None:
        return None
    path = os.path.join(machine.cmake_modules, name + ".cmake")
    return path if os.path.isfile(path) else None


def is_cmake_module(machine: Machine, path: str) -> bool:
    return machine.cmake_modules is not None and os.path.dirname(path) == machine.cmake_modules


def compiler_id(fs: RootFS, path: str) -> str:
    real = fs.resolve(path)
    name = os.path.basename(real if isinstance(real, str) else path)
    for pattern, ident in (("icpx|icx", "IntelLLVM"), ("clang", "Clang"), ("gfortran|gcc|g\\+\\+|^cc$|^c\\+\\+$", "GNU"),
                           ("ifort|ifc", "Intel"), ("flang", "LLVMFlang")):
        if re.search(pattern, name):
            return ident
    return "GNU" if name in ("cc", "c++", "f95") else "Unknown"


def enable_language(run, language: str, command) -> None:
    """``project()``/``enable_language()``: the compiler CMake would take, or the error it stops with."""
    from mkldoctor.diagnose.cmakeread.state import Stop

    if run.definition(f"CMAKE_{language}_COMPILER_LOADED") or language not in COMPILER_NAMES:
        return
    variable, env_name = f"CMAKE_{language}_COMPILER", COMPILER_ENV[language]
    given = run.definition(variable) or ""
    fs = run.fs
    if given:
        found = which(fs, run.machine.path, given)
        if found is None:
            raise Stop(f"The {variable}:\n\n  {given}\n\nis not a full path and was not found in the PATH."
                       if not given.startswith("/") else f"The {variable}:\n\n  {given}\n\nis not a full path to an "
                       "existing compiler tool.", command.path, command.line)
    elif run.env.get(env_name):
        found = which(fs, run.machine.path, run.env[env_name].split()[0])
        if found is None:
            raise Stop(f"Could not find compiler set in environment variable {env_name}:\n\n{run.env[env_name]}.",
                       command.path, command.line)
    else:
        found = next((f for n in COMPILER_NAMES[language] if (f := which(fs, run.machine.path, n))), None)
        if found is None:
            raise Stop(f"No {variable} could be found.\n\nTell CMake where to find the compiler by setting either the "
                       f"environment variable \"{env_name}\" or the CMake cache entry {variable} to the full path to "
                       "the compiler, or to the compiler name if it is in the PATH.", command.path, command.line)
    ident = compiler_id(fs, found)
    run.set_cache(variable, found, "FILEPATH")
    for key, value in ((f"CMAKE_{language}_COMPILER_ID", ident), (f"CMAKE_{language}_COMPILER_LOADED", "1"),
                       (f"CMAKE_{language}_IMPLICIT_LINK_DIRECTORIES", ";".join(run.machine.implicit_dirs)),
                       (f"CMAKE_{language}_SIZEOF_DATA_PTR", "8"), ("CMAKE_SIZEOF_VOID_P", "8"),
                       ("CMAKE_LIBRARY_ARCHITECTURE", ARCH), ("CMAKE_SYSTEM_NAME", "Linux"), ("LINUX", "1"),
                       ("CMAKE_SYSTEM_PROCESSOR", "x86_64"), ("CMAKE_HOST_SYSTEM_PROCESSOR", "x86_64")):
        run.set_var(key, value)
    if ident == "GNU":
        run.set_var({"C": "CMAKE_COMPILER_IS_GNUCC", "CXX": "CMAKE_COMPILER_IS_GNUCXX",
                     "Fortran": "CMAKE_COMPILER_IS_GNUG77"}[language], "1")
