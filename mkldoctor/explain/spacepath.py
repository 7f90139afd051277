"""A Windows path that a build split at its space: ``ninja: error: 'C:/Program', needed by 'cmTC_x.exe', missing and no
known rule to make it`` (BallisticLA/RandLAPACK#156: BLAS++ joined oneMKL's library paths, under ``C:\\Program Files
(x86)\\Intel\\oneAPI``, into one string and split it again at each space).

oneAPI installs into ``C:\\Program Files (x86)\\Intel\\oneAPI`` by default, so MKL's libraries are the paths with spaces
that most Windows builds meet; a build step that passes a library list as one space-separated string tears each into
``C:/Program``, ``Files`` and ``(x86)/...``. The build tools then say they cannot find the first piece: ninja's and
make's words for a missing input, link.exe's ``LNK1181: cannot open input file 'C:\\Program.obj'``, a compiler driver's
``no such file or directory``.

The other way round, a whole link line taken for one file (``No rule to make target `.../libmkl_scalapack_lp64.a
-Wl,--start-group ...'``, STRUMPACK#20): a list given to CMake as one string with spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes


@dataclass(frozen=True, slots=True)
class PathSplit:
    line: str
    piece: str


@dataclass(frozen=True, slots=True)
class ListJoined:
    """The other way round: a whole link line taken for one file (STRUMPACK#20: ``No rule to make target
    `.../libmkl_scalapack_lp64.a -Wl,--start-group ... -ldl'``), a list given to CMake as one string with spaces."""

    line: str
    first: str  # the first item: "/opt/intel/.../libmkl_scalapack_lp64.a"


# the first piece of "C:\Program Files..." alone, as a file a tool looked for
_PIECE = r"[‘'`\"](?P<piece>[A-Za-z]:[/\\]+Program(?:\.obj|\.lib)?)[’'`\"]"

# a "file" that is a link line: a path, then a space and a flag of the line (-Wl,..., -lX, -L...) or another library's path
_JOINED = r"[‘'`\"](?P<first>[^’'`\"\s]+\.(?:a|so[.\d]*|lib|dylib))\s+(?:-Wl,|-l\w|-L/|/\S+\.(?:a|so))[^’'`\"]*[’'`\"]"

SIGNATURES = (
    Signature("make-link-line-as-file", "spacepath", "*** No rule to make target",
              re.compile(rf"No rule to make target {_JOINED}"), lambda m, _: ListJoined(m.string.strip()[:400], m.group("first"))),
    Signature("ninja-link-line-as-file", "spacepath", "ninja: error: ",
              re.compile(rf"ninja: error: {_JOINED}, needed by"), lambda m, _: ListJoined(m.string.strip()[:400], m.group("first"))),
    Signature("ninja-piece-missing", "spacepath", "ninja: error: ",
              re.compile(rf"ninja: error: {_PIECE}, needed by .*missing and no known rule"), lambda m, _: PathSplit(m.string.strip(), m.group("piece"))),
    Signature("make-piece-missing", "spacepath", "*** No rule to make target",
              re.compile(rf"No rule to make target {_PIECE}"), lambda m, _: PathSplit(m.string.strip(), m.group("piece"))),
    Signature("link-piece-missing", "spacepath", "rror LNK1181",
              re.compile(rf"rror LNK1181: cannot open input file {_PIECE}"), lambda m, _: PathSplit(m.string.strip(), m.group("piece"))),
    Signature("driver-piece-missing", "spacepath", "rror: ",
              re.compile(rf"error: (?:no such file or directory: {_PIECE}|(?P<bare>[A-Za-z]:[/\\]+Program): No such file)"),
              lambda m, _: PathSplit(m.string.strip(), m.group("piece") or m.group("bare"))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(PathSplit)
    joined = events.of(ListJoined)
    if joined and not said:
        return [_joined(joined[0])]
    if not said:
        return []
    first = said[0]
    return [Finding(
        "path-split-at-space", "error",
        f"the build split a path at its space: {first.piece} is the first piece of C:\\Program Files...",
        (first.line,
         f"{first.piece} is no file: it is what is left of a path under C:\\Program Files or C:\\Program Files (x86) (oneAPI's "
         "default folder, C:\\Program Files (x86)\\Intel\\oneAPI, where MKL's .lib files are) after a build step passed a "
         "list of paths as one string and split it at each space"),
        ("keep each path whole where the build passes it on: a CMake list, not a string joined with spaces (\"${LIBS}\" "
         "quoted, or list(JOIN) with a separator no path holds), and quoted paths on a command line (the project's fix: "
         "BLAS++ escaped its list separator, blaspp#137)",
         "or give the build paths without spaces: the folder's 8.3 short name (for %I in (\"C:\\Program Files (x86)\\Intel\\oneAPI\") "
         "do @echo %~sI prints C:\\PROGRA~2\\Intel\\oneAPI), or a junction without spaces (mklink /J C:\\oneAPI "
         "\"C:\\Program Files (x86)\\Intel\\oneAPI\"), or oneAPI installed into a folder without spaces",
         "or copy the import libraries the build needs (mkl_*.lib) into a folder without spaces and point it there"),
        "Windows' default program folders hold spaces; a build step that joins paths with spaces and splits them again "
        "cannot tell a separator from a space inside a path.",
        ("ninja -v (or cmake --build . --verbose)   # the command line, with each path as the tool was given it",),
        locations=ctx.located(said, first.piece),
    )]


def _joined(said: ListJoined) -> Finding:
    return Finding(
        "link-list-one-string", "error",
        "the build took a whole link line for one file: a list of libraries and flags was given as one string with spaces",
        (said.line[:300],
         f"the 'file' begins with {said.first} and goes on with the line's other libraries and flags: CMake (or the "
         "makefile) was given the link line as one string (-DSCALAPACK_LIBRARIES=\"a.a -Wl,--start-group ...\", or a "
         "variable quoted where it is expanded), so it made one item of it and asked make for a file of that name"),
        ("give it a CMake list: the items separated by semicolons, -DSCALAPACK_LIBRARIES=\"/x/libmkl_scalapack_lp64.a;"
         "-Wl,--start-group;...;-Wl,--end-group;-liomp5;-lpthread;-lm;-ldl\" (each flag its own item; a group's archives "
         "between its two flags), or separate_arguments(VAR UNIX_COMMAND \"${VAR}\") before it is used (STRUMPACK#20: "
         "ScaLAPACKLIBS as a list)",
         recipes.cmake_reset("the cache keeps the string the first configure was given")),
        "CMake passes each item of a list to the link as one argument; a string with spaces is one item, which make then "
        "takes for a file it has no rule for.",
        ("grep -n 'LIBRARIES\\|LIBS' <build dir>/CMakeCache.txt   # which variable holds the line as one string",),
    )
