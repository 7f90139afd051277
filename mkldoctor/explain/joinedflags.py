"""Link flags a build passed as one argument: ld's ``cannot find  -Wl,-rpath=... -L... -lmkl_gf_lp64 -lmkl_core: No such
file or directory`` (gcc 12 hands the string to ld as a file), older gcc's own ``g++:  -Wl,... -lmkl_core ...: No such file
or directory`` (GalSim#704: MKL's link flags given to scons with a leading blank), clang's ``no such file or directory: '
-L...'``.

A string of options that begins with a blank, or is quoted whole, reaches the compiler driver as one argument that does not
start with ``-``: a file name to it. The flags are right; the way the build passes them is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class FlagsJoined:
    argument: str
    line: str
    tool: str  # "ld" or the compiler driver that said it


# an argument that starts with an option; :func:`_said` asks for a second one after a blank (one lazy run, then a literal:
# linear in the line's length, where nested runs were quadratic on a long hostile line)
_ARG = r"(?P<arg>\s*-[^\s:][^\n]*?)"
_TWO = re.compile(r"\s-[^\s:]")


def _said(m: re.Match, tool: str) -> FlagsJoined | object:
    arg = m.group("arg").strip()
    return FlagsJoined(arg, m.string.strip()[:400], tool) if _TWO.search(arg) else NOT_MINE
_DRIVER = r"(?P<tool>(?:[\w.+/-]*/)?(?:[\w.+-]+-)?(?:gcc|g\+\+|c\+\+|cc|gfortran|clang\+\+|clang|icpc|icc|ifort|mpicc|mpicxx|mpic\+\+|mpif90|mpifort)(?:-[\d.]+)?)"

SIGNATURES = (
    Signature("ld-flags-as-one-file", "joinedflags", "annot find",
              re.compile(rf"(?P<tool>\bld(?:\.\w+)?): cannot find {_ARG} ?: No such file or directory\s*$"),
              lambda m, _: _said(m, "ld")),
    Signature("driver-flags-as-one-file", "joinedflags", "No such",
              re.compile(rf"^\s*{_DRIVER}: (?:error: )?{_ARG} ?: No such file or directory\s*$"),
              lambda m, _: _said(m, m.group("tool").rsplit("/", 1)[-1])),
    Signature("clang-flags-as-one-file", "joinedflags", "rror: no such file",
              re.compile(rf"^\s*{_DRIVER}: error: no such file or directory: ['‘]{_ARG}['’]"),
              lambda m, _: _said(m, m.group("tool").rsplit("/", 1)[-1])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(FlagsJoined)
    if not said:
        return []
    first = said[0]
    flags = first.argument.split()
    mkl = [f for f in flags if "mkl" in f.lower() and f.startswith("-l")]
    short = [f if len(f) <= 40 else f[:36] + "..." for f in flags]
    shown = " ".join(short[:3]) + (" ..." if len(flags) > 3 else "")
    return [Finding(
        "link-flags-one-argument", "error",
        f"the build passed {len(flags)} link flags as one argument ('{shown}'), which {first.tool} took for a file name"
        + (": MKL's link line is right, the way it is passed is not" if mkl else ""),
        (first.line,
         f"{first.tool} looked for a file named ' {first.argument[:160]}': the whole string is one argument, so its options "
         "(-Wl,..., -L..., -l...) were never read as options; a string quoted whole, or one that begins with a blank, reaches "
         "the compiler driver so" + (f" (MKL's: {' '.join(mkl[:4])})" if mkl else "")),
        (ctx.edited("pass the flags as separate arguments where the build takes them: no quotes around the whole list and no blank "
         "before the first flag (scons: env.Append(LINKFLAGS=Split('...')) or LIBS/LIBPATH lists, and a value given on "
         "the command line without a leading space; CMake: a list, target_link_libraries(<t> PRIVATE ${MKL_LINK}) "
         "unquoted, or separate_arguments(MKL_LINK UNIX_COMMAND \"${MKL_LINK}\"); make: $(MKL_LIBS) unquoted in the "
         "recipe; Meson: a list of strings)", Edit(split=True)),
         "then rebuild and look at the link command: each flag its own word"),
        "A compiler driver reads an argument that starts with '-' as an option and any other as an input file; a list "
        "of options passed as one string is one argument, and a leading blank makes it a file name.",
        ("make VERBOSE=1 / scons -Q --debug=presub / ninja -v   # the command line as the build ran it",),
        locations=ctx.located(said, first.argument[:40]),
    )]
