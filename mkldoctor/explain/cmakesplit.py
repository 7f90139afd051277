"""A CMake list of libraries given to cmake as separate words: ``cmake ... -DBLAS_LIBRARIES=<lib>/libmkl_intel_lp64.so
<lib>/libmkl_intel_thread.so <lib>/libmkl_core.so``. cmake takes the first library as the variable's value and each later
word as a path: "Ignoring extra path from command line", or, without a source folder after them, ``The source directory
"<lib>/libmkl_intel_thread.so" does not exist`` (both produced with cmake 3.25). The list reached the command line with
blanks in place of its ';': ExternalProject_Add's CMAKE_ARGS turns a list into words (pyscf PR #1077: libcint's
configure), as an unquoted list in a script does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout

_LIB = r"\S+?\.(?:so(?:\.\d+)*|a|lib|dylib)"


@dataclass(frozen=True, slots=True)
class ListSplit:
    path: str  # a library cmake took for a path
    variable: str  # the -D variable whose value it was part of, where the command shows it
    line: str
    wants: int = field(default=0, compare=False)  # a command whose line ends at a library: the next line may go on with one
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ListSplit | None":
        """The next line of a command cut after a -D value's library (pyscf PR #1077's log): another library goes on."""
        more = next((m for line in lines[:1] for m in [re.match(r"^\s*(?P<next>[/\\]" + _LIB + r")(?=\s|$)", line)] if m), None)
        if more is None or not (_is_mkl(more["next"]) or _is_mkl(self.path)):
            return None  # the command went on with no other library: no list was split
        return replace(self, path=more["next"], line=f"{self.line} {more['next']}", wants=0)


def _is_mkl(path: str) -> bool:
    return layout.any_mkl_file(path.replace("\\", "/").rsplit("/", 1)[-1])


def _command(m: re.Match, _) -> ListSplit | object:
    said = f"cmake ... -D{m['var']}={m['first']}"
    if m["next"]:
        return ListSplit(m["next"], m["var"], f"{said} {m['next']}") if _is_mkl(m["first"]) or _is_mkl(m["next"]) else NOT_MINE
    return ListSplit(m["first"], m["var"], said, wants=1)  # the line ends at the value: read the next


def extra_path(lines: tuple[str, ...], said: str) -> ListSplit | None:
    """cmake's "Ignoring extra path from command line" names the path on a later line: a library's is a list split."""
    path = next((m["path"] for line in lines for m in [re.match(r"^\s*\"(?P<path>" + _LIB + r")\"\s*$", line)] if m), None)
    return ListSplit(path, "", f"{said}: \"{path}\"") if path and any("extra path" in line for line in lines) else None


@dataclass(frozen=True, slots=True)
class WrapperOnly:
    """A BLAS or LAPACK variable given MKL's Fortran 95 wrapper library alone (dealii#9462: -DLAPACK_LIBRARIES=
    $MKLROOT/lib/intel64_lin/libmkl_lapack95_lp64.a, then deal.II's LAPACK_SYMBOL_CHECK failed)."""

    variable: str
    library: str
    line: str


_F95 = re.compile(r"(?:lib)?mkl_(?:lapack|blas)95_i?lp64\.(?:a|so|lib)$")


def _wrapper_only(m: re.Match, _) -> WrapperOnly | object:
    mkl = [p for p in re.split(r"[;\s]+", m["value"]) if p and _is_mkl(p)]
    names = [p.replace("\\", "/").rsplit("/", 1)[-1] for p in mkl]
    return WrapperOnly(m["var"], names[0], m.string.strip()[:300]) if names and all(map(_F95.match, names)) else NOT_MINE


@dataclass(frozen=True, slots=True)
class FolderLinked:
    """CMake's ``Target "x" requests linking to directory "/opt/intel/mkl/lib/intel64/".  Targets may link only to
    libraries.  CMake is dropping the item.`` (flashlight#850: -DMKL_LIBRARIES given MKL's lib folder)."""

    folder: str
    line: str
    wants: int = field(default=0, compare=False)  # CMake 3.25 wraps its message: the folder on the next line
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "FolderLinked":
        named = next((m["dir"] for line in lines[:1] for m in [re.match(r'^\s*"(?P<dir>[^"]+)"', line)] if m), "")
        return replace(self, folder=named, line=f"{self.line} {lines[0].strip()}" if named else self.line, wants=0)


SIGNATURES = (
    Signature("cmake-links-folder", "cmakesplit", "requests linking to directory",
              re.compile(r"requests linking to directory(?:\s+\"(?P<dir>[^\"]+)\")?"),
              lambda m, _: FolderLinked(m["dir"] or "", m.string.strip()[:300], wants=0 if m["dir"] else 1)),
    Signature("cmake-f95-wrapper-as-library", "cmakesplit", "_LIBRARIES=",
              re.compile(r"\s-D(?P<var>\w*(?:LAPACK|BLAS)\w*_LIBRARIES)(?::\w+)?=[\"']?(?P<value>[^\"'\s]+)"), _wrapper_only),
    # the command, as make or ExternalProject's step echoes it: a -D value that is a library, then another library alone
    # (or the line's end, where a paste broke it); its "cmake" may be on an earlier piece of a long line a terminal cut
    Signature("cmake-list-split-command", "cmakesplit", "_LIBRARIES=",
              re.compile(r"\s-D(?P<var>\w+_LIBRARIES)(?::\w+)?=(?P<first>" + _LIB
                         + r")(?:\s+(?P<next>[/\\]?" + _LIB + r")(?=\s|$)|\s*$)"), _command),
    Signature("cmake-source-is-library", "cmakesplit", "CMake Error: The source directory",
              re.compile(r"CMake Error: The source directory \"(?P<path>" + _LIB + r")\" does not exist"),
              lambda m, _: ListSplit(m["path"], "", m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ListSplit)
    if not said:
        folders = [_folder(e) for e in events.of(FolderLinked) if re.search(r"(?i)mkl", e.folder)]
        return [_wrapper_finding(e, events) for e in events.of(WrapperOnly)[:1]] + folders[:1]
    named = next((e.variable for e in said if e.variable), "")
    variable = named or "<VARIABLE>"
    mkl = any(_is_mkl(e.path) for e in said)
    return [Finding(
        "cmake-list-split", "error",
        f"cmake was given a list of libraries as separate words: it read {said[0].path.replace(chr(92), '/').rsplit('/', 1)[-1]} "
        f"as a folder's path, and {named or 'the variable'} holds only the first library",
        (*dict.fromkeys(e.line for e in said[:3]),
         "cmake reads a -D option's value up to the first blank; a list's later parts become words of their own, which "
         "cmake takes for the source and build folders: it ignores the extra ones, or stops where one is no folder"
         + (": the build then links the first of MKL's libraries alone, and its other layers are missing" if mkl else "")),
        (f"pass the list as one argument, its parts joined with ';' and quoted for the shell: -D{variable}=\"<lib1>;<lib2>;"
         "<lib3>\" (cmake reads ';' as a list's separator)",
         f"a CMake project that hands the list on to another's configure (ExternalProject_Add's CMAKE_ARGS turns its ';' into "
         f"blanks): pass it in CMAKE_CACHE_ARGS as -D{variable}:STRING=${{{variable}}}, or give ExternalProject_Add a "
         "LIST_SEPARATOR and write the list with it (pyscf PR #1077)",
         *((f"or give MKL as one library: -D{variable}=<MKL's lib folder>/libmkl_rt.so (the single dynamic library, which "
            "loads MKL's layers itself)",) if mkl else ())),
        "A CMake list is one string with ';' between its parts; where it reaches a command line unquoted or through "
        "ExternalProject's CMAKE_ARGS, its parts are separate words, and a -D option takes only the first.",
        (f"cmake -LA -N <build folder> | grep {variable}   # the value the cache kept",),
    )]


def _wrapper_finding(event: WrapperOnly, events: Parsed) -> Finding:
    from mkldoctor.explain.catalogue import ClaimedError, FollowOn, Unrecognised

    failed = any(events.of(kind) for kind in (Unrecognised, FollowOn, ClaimedError))
    what = "LAPACK" if "lapack" in event.library else "BLAS"
    return Finding(
        "mkl-f95-wrapper-as-library", "error" if failed else "warning",
        f"-D{event.variable} names only {event.library}: MKL's Fortran 95 wrappers, which hold no {what} routine themselves",
        (event.line,
         f"{event.library} holds MKL's Fortran 95 interface ({what}95: generic names over {what}'s routines) and calls "
         f"{what}'s own names (dgesv_, dgemm_), which are in MKL's interface, threading and core libraries: a check that "
         f"links it alone finds none of them, and the build reports no usable {what}"),
        (f"give the variable MKL's whole link instead, as one CMake list: -D{event.variable}=\"{_layers(_FOLDER, 'gf')}\" "
         f"(libmkl_intel_lp64 with Intel's compilers), or {_FOLDER}/libmkl_rt.so alone",
         f"the Fortran 95 wrapper library only before those, and only where the code USEs its module ({what.lower()}95)",
         "then configure again in a fresh build folder (or remove the variable from CMakeCache.txt)"),
        "MKL's Fortran 95 wrappers are a thin layer over its BLAS and LAPACK, shipped as a library of their own; the routines "
        "they call are MKL's, linked beside them.",
        (f"nm -g {_FOLDER}/{event.library} | grep -c ' T '   # the wrappers' own names, no dgesv_",),
    )


_FOLDER = "<MKL's lib folder>"


def _layers(folder: str, interface: str) -> str:
    """MKL's three shared layers in one folder as a CMake list: the LP64 interface (gf: GNU's Fortran; intel: the rest),
    the sequential layer, the core."""
    return ";".join(f"{folder}/libmkl_{layer}.so" for layer in (f"{interface}_lp64", "sequential", "core"))


def _folder(event: FolderLinked) -> Finding:
    return Finding(
        "cmake-links-folder", "warning",
        f"CMake dropped {event.folder} from the link: a folder given where MKL's libraries were asked for, so the targets "
        "link no MKL", (event.line,
                        "a project's MKL_LIBRARIES (or BLAS_LIBRARIES) variable is the list of library files to link; a folder "
                        "in it is dropped with this warning, and the link that follows lacks MKL (undefined references, or "
                        "a build without MKL)"),
        (f"give the variable the files, as one CMake list: -DMKL_LIBRARIES=\"{_layers(event.folder.rstrip('/'), 'intel')}\" "
         "(or libmkl_rt.so alone)",
         "or leave the variable out and point the project's MKL search at MKL the way it reads (MKLROOT, its MKL_ROOT or "
         "MKL_DIR), then configure again in a fresh build folder"),
        "target_link_libraries takes library files, targets and link flags; CMake drops a folder with a warning, and the "
        "configure goes on.",
        ("cmake -LA -N <build folder> | grep -i mkl   # the values the cache kept",),
    )
