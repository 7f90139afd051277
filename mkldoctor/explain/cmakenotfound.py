"""CMake's list, at the end of a configure, of the variables a project uses that a search left NOTFOUND:

    CMake Error: The following variables are used in this project, but they are set to NOTFOUND.
    Please set them or make sure they are set and tested correctly in the CMake files:
    MKL_INCLUDE_DIR (ADVANCED)
        used as include directory in directory /home/anoop/molecularGSM/GSM

A find_path or find_library of the project found nothing, and the project used the variable anyway (molecularGSM#4:
MKL's headers, with no MKL installed where its CMake looked). The names tell what was searched for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class VariablesNotFound:
    line: str
    variables: tuple[str, ...] = ()
    wants: int = field(default=40, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "VariablesNotFound":
        names = []
        for line in lines:
            if _END.match(line):
                break
            named = _VARIABLE.match(line)
            if named:
                names.append(named["var"])
        return replace(self, variables=tuple(dict.fromkeys(names)), wants=0)


# its uses are indented under it; an include directory's variable may be written as a path below the source folder
# ("/src/p/MKL_INCLUDE_DIR": target_include_directories made the NOTFOUND value a relative path)
_VARIABLE = re.compile(r"^\s{0,2}(?:/[^\s]*/)?(?P<var>[A-Za-z_][\w-]{1,80})(?: \(ADVANCED\))?\s*$")
_END = re.compile(r"^\s*-- (?:Configuring incomplete|Generating)|^CMake (?:Error|Warning)")

@dataclass(frozen=True, slots=True)
class PkgConfigEscape:
    """CMake's FindPkgConfig reading a .pc file's Windows paths as CMake code (llama.cpp#7937, #5743: oneAPI's mkl-sdl.pc,
    ``C:\\Program;Files;(x86)\\Intel\\oneAPI\\mkl\\latest/lib/mkl_rt.lib``, then ``Invalid character escape '\\P'``)."""

    line: str
    parsed: str  # the string CMake could not parse, where the log shows it


@dataclass(frozen=True, slots=True)
class ToolMissing:
    """A project's CMake stopping for a program it runs on the libraries it bundles: Paddle's ``patchelf not found, please
    install it.`` (the $ORIGIN run path of its MKL-DNN and MKLML copies, Paddle#12407)."""

    line: str  # first: the finding's own line, by which an echo after it finds it
    tool: str


SIGNATURES = (
    Signature("cmake-tool-not-found", "cmakenotfound", "found",
              re.compile(r"^\s*(?P<tool>patchelf|chrpath) not found, please install it"),
              lambda m, before: ToolMissing(m.string.strip(), m["tool"]) if any("CMake Error" in b for b in before[-3:])
              else NOT_MINE),
    Signature("cmake-pkgconfig-escape", "cmakenotfound", "Invalid character escape",
              re.compile(r"^\s*Invalid character escape '\\.'"),
              lambda m, before: PkgConfigEscape(m.string.strip(), next((b.strip() for b in reversed(before) if "\\" in b
                                                                        and re.search(r"(?i)mkl", b)), ""))
              if any("FindPkgConfig" in b for b in before) else NOT_MINE),
    Signature("cmake-variables-set-to-notfound", "cmakenotfound", "NOTFOUND",
              re.compile(r"CMake Error: The following variables are used in this project, but they are set to NOTFOUND"),
              lambda m, _: VariablesNotFound(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(VariablesNotFound)
    tools = [_tool(e) for e in events.of(ToolMissing)[:1]]
    if not said:
        return tools + [_pkgconfig_escape(e) for e in events.of(PkgConfigEscape)[:1] if e.parsed]
    names = said[0].variables
    mkl = [n for n in names if re.search(r"(?i)mkl", n)]
    listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "") if names else "(the log cuts the list)"
    evidence = [said[0].line, f"the variables: {listed}",
                "CMake writes <VAR>-NOTFOUND into a variable whose find_path or find_library found nothing; the project "
                "used it anyway, and CMake stops at the end of the configure"]
    fix = []
    # FindBLAS's own cache variable of the last library it tried (BLAS_mkl_em64t_LIBRARY: MKL 10's name, the last of its
    # Intel candidates): FindBLAS found no BLAS at all, and a project used its variable anyway (oneflow#10287)
    findblas = [n for n in mkl if re.fullmatch(r"BLAS_\w+_LIBRARY", n)]
    if findblas:
        evidence.append(f"{findblas[0]} is CMake's FindBLAS's own variable for one library it tried ({findblas[0][5:-8]}, "
                        "the last of its candidates): FindBLAS found no BLAS at all, MKL or another")
        fix.append("install a BLAS (MKL, or OpenBLAS) and tell FindBLAS which: cmake -DBLA_VENDOR=Intel10_64lp (MKL, with "
                   "MKLROOT set by setvars.sh) or -DBLA_VENDOR=OpenBLAS, from a clean build folder")
    elif mkl:
        headers = [n for n in mkl if "INCLUDE" in n.upper()]
        evidence.append(f"{', '.join(mkl[:4])}: the project's own search for MKL"
                        + (" (its headers: mkl.h)" if headers else " (its libraries)") + " found nothing where it looked")
        fix += ["install MKL's development files if they are not there (the headers: mkl-include, intel-oneapi-mkl-devel, "
                "Debian's libmkl-dev), then point the project's search at them: source <oneAPI>/setvars.sh (MKLROOT), or "
                f"cmake -D{mkl[0]}=<MKL prefix>/{'include' if headers else 'lib'}",
                "read the project's FindMKL.cmake (or the CMakeLists' find_path/find_library for it) for the folders and "
                "variables it searches: an older finder does not know oneAPI's layout (<oneAPI>/mkl/latest/include)"]
    else:
        fix.append(f"set each variable to what it names (cmake -D{names[0] if names else 'VAR'}=<path>), or install what the "
                   "project searched for")
    fix.append(recipes.cmake_reset())
    return [Finding(
        "cmake-variables-notfound", "error",
        f"CMake: the project used {listed} though {'its search' if len(names) == 1 else 'their searches'} found nothing"
        + (": FindBLAS found no BLAS at all" if findblas else ": MKL was not found where the project looked" if mkl else ""),
        tuple(evidence), tuple(fix),
        "A project's find_path and find_library leave <VAR>-NOTFOUND when they find nothing; CMake lists every such "
        "variable the project went on to use and fails the configure.",
        ("grep -n -i 'NOTFOUND' <build dir>/CMakeCache.txt   # each search that failed",),
    )]


def _pkgconfig_escape(event: PkgConfigEscape) -> Finding:
    return Finding(
        "mkl-pkgconfig-windows-paths", "error",
        "CMake's pkg_check_modules could not take MKL's pkg-config file on Windows: its paths' backslashes and blanks are "
        "read as CMake code", (
            f"CMake could not parse {event.parsed}: {event.line}",
            "oneAPI's mkl-sdl.pc (and its other .pc files) on Windows give paths with backslashes and blanks (C:\\Program Files "
            "(x86)\\Intel\\oneAPI\\...); pkg-config's output splits them at the blanks, and FindPkgConfig sets a CMake "
            "variable from it, where a backslash starts an escape ('\\P' is none)"),
        ("on Windows, give the project MKL without pkg-config: CMake's find_package(MKL CONFIG) (MKLConfig.cmake; cmake "
         "-DMKL_DIR=\"%MKLROOT%\\lib\\cmake\\mkl\"), or FindBLAS with -DBLA_VENDOR=Intel10_64lp, and the include folder "
         "%MKLROOT%\\include where the project asks for it",
         "or keep pkg-config from answering for MKL: take oneAPI's lib\\pkgconfig out of PKG_CONFIG_PATH (setvars.bat puts "
         "it there) for the configure, or turn on the project's option that skips pkg_check_modules",
         "or a project release that finds MKL otherwise on Windows"),
        "FindPkgConfig builds CMake lists from pkg-config's words; a Windows path with blanks and backslashes does not "
        "survive that as one path.",
        ("pkg-config --libs mkl-sdl   # the words CMake is given",),
    )


def _tool(said: ToolMissing) -> Finding:
    return Finding(
        "build-tool-missing", "error",
        f"the project's CMake stops: it needs the program {said.tool}, which is not installed where it configures",
        (said.line, f"the build runs {said.tool} on the libraries it ships (Paddle's: an $ORIGIN run path on its copies of "
                    "MKL-DNN and MKLML in paddle/libs, so that each finds the others beside it: Paddle PR #12066)"),
        (f"install it where the build runs (a container: inside the image), then configure again: "
         f"{recipes.apt_install(said.tool)} (Fedora: {recipes.dnf_install(said.tool)}; or {recipes.pip_install(said.tool)})",),
        "A project's CMakeLists may require a program it runs during the build; CMake stops when find_program finds none.",
        (f"command -v {said.tool}",),
    )
