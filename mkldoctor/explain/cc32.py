"""A GCC that makes 32-bit code only, asked for 64-bit code: ``cc1.exe: sorry, unimplemented: 64-bit mode not compiled
in`` (gonum/blas#200: ``CGO_LDFLAGS="-lmkl_rt" go install github.com/gonum/blas/cgo`` in a MINGW64 shell whose first gcc
was the 32-bit MinGW's; a 64-bit Go asks cgo's compiler for 64-bit code, golang/go#3441).

The compiler was built for 32-bit x86 only (MinGW's original mingw32, an i686 cross compiler): it refuses -m64 before
anything of MKL is read. MKL has 64-bit libraries only since oneMKL 2025.0 (:mod:`mkldoctor.knowledge.platforms`), so
a 64-bit compiler is what a build against MKL needs anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class CgoEnv:
    """``CGO_LDFLAGS="-lmkl_rt" go install ...``: a Go build through cgo, which compiles with $CC or the first gcc."""


@dataclass(frozen=True, slots=True)
class NoSixtyFourBit:
    compiler: str  # cc1.exe, cc1plus, f951
    line: str


SIGNATURES = (
    Signature("gcc-64-bit-not-compiled-in", "cc32", "sorry, unimplemented",
              re.compile(r"(?P<cc>\b(?:cc1(?:plus)?|f951|gcc|g\+\+)(?:\.exe)?): sorry, unimplemented: 64-bit mode not compiled in"),
              lambda m, _: NoSixtyFourBit(m["cc"], m.string.strip()[:300])),
    Signature("go-cgo-environment", "cc32", "CGO_", re.compile(r"\bCGO_(?:LDFLAGS|CFLAGS|CPPFLAGS|CXXFLAGS|ENABLED)="),
              lambda m, _: CgoEnv()),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(NoSixtyFourBit)
    if not said:
        return []
    windows = ".exe" in said[0].compiler or ctx.platform == "Windows"
    cgo = bool(events.of(CgoEnv))
    evidence = [said[0].line,
                f"{said[0].compiler} belongs to a GCC built for 32-bit x86 only: it cannot make 64-bit code, and the build "
                "asked it to (-m64, or a 64-bit target)"]
    if cgo:
        evidence.append("cgo compiles with the first gcc on PATH (or $CC), and a 64-bit Go asks it for 64-bit code: the "
                        "gcc found is a 32-bit one (golang/go#3441)")
    evidence.append("MKL ships 64-bit libraries (oneMKL 2025.0 and newer: 64-bit only): a build against MKL needs a 64-bit "
                    "compiler whatever else it uses")
    fix = (["install a 64-bit GCC and put it first on PATH: MSYS2's pacman -S mingw-w64-x86_64-gcc (its MINGW64 shell puts "
            "/mingw64/bin first), or another mingw-w64 build for x86_64; not MinGW.org's mingw32"] if windows else
           ["use the machine's 64-bit GCC (x86_64-linux-gnu-gcc, the distribution's gcc): CC=gcc, not an i686 cross "
            "compiler"])
    if cgo:
        fix.append("point cgo at it: go env -w CC=x86_64-w64-mingw32-gcc (or CC=<that gcc> for one build), then build "
                   "again" if windows else "point cgo at it: CC=gcc go build ...")
    return [Finding(
        "compiler-32-bit-only", "error",
        f"{said[0].compiler} is a 32-bit-only GCC, asked for 64-bit code" + (" by cgo" if cgo else ""),
        tuple(evidence), tuple(fix),
        "A GCC is built for the targets its configure named; one built for 32-bit x86 alone answers -m64 with 'sorry, "
        "unimplemented: 64-bit mode not compiled in'. The compiler, not MKL, stopped the build.",
        ("gcc -dumpmachine   # x86_64-w64-mingw32 or x86_64-linux-gnu is 64-bit; mingw32 or i686-* is 32-bit only",
         "where gcc   # Windows: every gcc on PATH, the first is used" if windows else "command -v gcc"),
    )]
