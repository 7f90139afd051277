"""A symbol version a library was linked against, missing from the copy the loader found.

glibc's loader: ``libmklml_intel.so: symbol __kmpc_omp_task_with_deps, version VERSION not defined in file libiomp5.so
with link time reference`` (PaddlePaddle/Paddle#12134). The library that asks was linked against one build of the other
(here Intel's OpenMP runtime, whose symbols carry the version node ``VERSION``), and the copy the loader took at run time
is another build: another release, or another vendor's runtime under the same name (LLVM's libomp installs a
``libiomp5.so`` link). The fix is the matching copy first on the loader's path, not a new install.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class VersionNotDefined:
    needer: str  # the library that asks ("" when the line does not say)
    symbol: str
    version: str
    file: str  # the copy the loader took


@dataclass(frozen=True, slots=True)
class MuslRelocation:
    """musl's loader (Alpine Linux): ``Error relocating /tmp/...libiomp5.so: __strncpy_chk: symbol not found``
    (ipex-llm#3053: BigDL's MKL and libiomp5 in a Spark image on Alpine)."""

    library: str
    symbol: str
    line: str


SIGNATURES = (
    Signature("musl-error-relocating", "symver", "rror relocating",
              re.compile(r"Error relocating (?P<lib>[^\s:]+):\s+(?P<sym>[\w.@]+):\s+symbol not found"),
              lambda m, _: MuslRelocation(m["lib"], m["sym"], m.string.strip()[:300])),
    # older glibc: "libmklml_intel.so: symbol __kmpc_omp_task_with_deps, version VERSION not defined in file libiomp5.so
    # with link time reference"
    Signature("loader-symbol-version-not-defined", "symver", "not defined in file",
              re.compile(r"(?:(?<![^\s:])(?P<needer>[^\s:]+): )?symbol (?P<sym>[\w.@]+),? version (?P<ver>[\w.]+) not defined in file "
                         r"(?P<file>[^\s]+) with link time reference"),
              lambda m, _: VersionNotDefined(m.group("needer") or "", m.group("sym"), m.group("ver"), m.group("file"))),
    # glibc 2.3x: the version node missing from the copy found ("libiomp5.so: version `VERSION' not found (required by
    # libuser.so)", libstdc++'s GLIBCXX_3.4.30 alike), or the symbol missing from that node ("symbol lookup error:
    # libuser.so: undefined symbol: __kmpc_task_like, version VERSION")
    Signature("loader-version-not-found", "symver", "not found (required by",
              re.compile(r"(?<![^\s:])(?P<file>[^\s:]+): version [`'‘](?P<ver>[^'’`]+)['’] not found \(required by (?P<needer>[^)]+)\)"),
              lambda m, _: VersionNotDefined(m.group("needer"), "", m.group("ver"), m.group("file"))),
    Signature("loader-undefined-versioned-symbol", "symver", ", version ",
              re.compile(r"symbol lookup error: (?P<needer>[^:]+): undefined symbol: (?P<sym>[\w.]+), version (?P<ver>[\w.]+)"),
              lambda m, _: VersionNotDefined(m.group("needer"), m.group("sym"), m.group("ver"), "")),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(VersionNotDefined)
    if not said:
        return [_musl(e) for e in events.of(MuslRelocation)[:1]]
    first = said[0]
    needer = os.path.basename(first.needer) or "a library"
    file = os.path.basename(first.file) or f"the library that defines {first.symbol}"
    wanted = f"{first.symbol}@{first.version}" if first.symbol else f"version {first.version}"
    openmp = "iomp" in first.file or first.symbol.startswith(("__kmpc_", "omp_", "kmp_"))
    return [Finding(
        "loader-symbol-version-missing", "error",
        f"{file} is not the build {needer} was linked against: it has no {wanted}",
        (f"the loader: {needer} needs {wanted}, and the {file} it found defines no such version" if first.file else
         f"the loader: {needer} needs {wanted}, and no library loaded defines it with that version",
         f"{needer} was linked against another build of {file if first.file else 'that library'} than the one found first "
         "at run time: another "
         "release, or another vendor's file of the same name"
         + (" (LLVM's libomp installs a libiomp5.so link; an older Intel OpenMP runtime lacks newer entry points)" if openmp else ""),
         *(f"also: {e.symbol}@{e.version} from {e.file}" for e in said[1:3])),
        (f"put the copy {needer} came with first on the loader's path: LD_LIBRARY_PATH=<the folder of {needer}'s own "
         f"{file}> (a package that bundles its libraries: its own lib folder), or remove the other copy from the folder "
         "that comes first",
         *((f"find every copy: ldconfig -p | grep {file.split('.so')[0]}; find / -name '{file}*' 2>/dev/null",)
           if first.file else (f"find which library of the process should define it: LD_DEBUG=bindings <the program>",))),
        "ELF libraries can version their symbols; a library linked against a versioned symbol records the version, and the "
        "loader refuses a copy of the dependency that does not define it, whatever its file name.",
        (f"LD_DEBUG=libs <the program> 2>&1 | grep -E 'trying|calling init'   # which copy of each library was loaded, "
         "from where",
         f"objdump -T <the {file} found> | grep {first.symbol or first.version}   # the versions it defines"),
        locations=ctx.located(said, "not defined in file"),
    )]


def _musl(event: MuslRelocation) -> Finding:
    name = os.path.basename(event.library)
    mkl = bool(re.search(r"(?:mkl|iomp|tbb)", name))
    return Finding(
        "glibc-library-on-musl", "error",
        f"musl's loader (Alpine Linux) could not relocate {name}: {event.symbol} is not in musl"
        + (": MKL and Intel's OpenMP runtime are built for glibc only" if mkl else ""),
        (event.line,
         f"'Error relocating ...: symbol not found' is musl's loader's wording; {event.symbol} is "
         + ("glibc's fortified copy of a string function (_FORTIFY_SOURCE)" if event.symbol.endswith("_chk") else
            "a name the library was linked against in another C library")
         + f": {name} was built against glibc, and musl, which Alpine images use, does not provide every glibc name"),
        ("run it on a glibc system: a Debian- or Ubuntu-based image (python:3.x-slim, eclipse-temurin's Ubuntu images, "
         "debian:stable-slim) in place of an Alpine one",
         "Alpine's glibc compatibility packages (gcompat) do not make MKL supported there; Intel builds MKL for glibc Linux only"),
        "Every library links against the C library of the system it was built on; glibc's and musl's export different names, "
        "so a glibc build loads on musl only as far as the names they share.",
        ("ldd --version 2>&1 | head -1   # musl or glibc; cat /etc/os-release",),
    )
