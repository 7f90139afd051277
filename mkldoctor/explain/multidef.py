"""ld's ``multiple definition of`` OpenMP's names: two OpenMP runtimes on one link.

``.../mklml_lnx_2019.0.3.20190220/lib/libiomp5.so:(*IND*+0x0): multiple definition of `omp_get_place_num'``
(pytorch/pytorch#22294): a build that links Intel's OpenMP runtime (libiomp5, which MKL's intel_thread layer needs, here
MKL-ML's copy) beside another one that defines the same omp_ names (GCC's libgomp, LLVM's libomp, or a static copy):
a program has room for one runtime. Other names defined twice are left to the unrecognised lines (no rule reads them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts


@dataclass(frozen=True, slots=True)
class OpenmpDefinedTwice:
    files: tuple[str, ...]  # the files ld names for it: .../libiomp5.a, /usr/lib/gcc/.../libgomp.a
    name: str
    line: str


_MULTIPLE = re.compile(r"multiple definition of [`'‘](?P<name>[\w.$@]+)['’]")
# the objects and libraries ld names: on the line ("libiomp5.so:(*IND*+0x0): ...", "; libgomp.a(allocator.o):... first
# defined here") and on the line before it ("/usr/bin/ld: .../libiomp5.a(kmp_csupport.o): in function `omp_alloc':")
_FILE = re.compile(r"(?<![^\s:;'`(])([^\s:;'`(]+\.(?:a|o|so[\d.]*|dylib|lib))(?:\([^)]*\))?:")


def _said(m: re.Match, before) -> OpenmpDefinedTwice | object:
    name = m.group("name")
    if not (facts.is_openmp_symbol(name) or name.startswith(facts.GNU_OPENMP_PREFIXES)):
        return NOT_MINE  # another name defined twice: no rule's, an unrecognised line
    line = re.sub(r"^>\s*", "", m.string.strip())
    caller = next((b for b in reversed(list(before)) if re.search(r": in function [`'‘]", b)), "") if before else ""
    files = tuple(dict.fromkeys(_FILE.findall(caller) + _FILE.findall(line)))
    return OpenmpDefinedTwice(files, name, line[:300])


SIGNATURES = (
    Signature("ld-multiple-definition-openmp", "multidef", "multiple definition", _MULTIPLE, _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OpenmpDefinedTwice)
    if not said:
        return []
    first = said[0]
    names = list(dict.fromkeys(e.name for e in said))
    files = list(dict.fromkeys(f for e in said for f in e.files))
    intel = any("iomp5" in f for f in files)
    return [Finding(
        "openmp-linked-twice", "error",
        f"ld found OpenMP's names defined twice ({', '.join(names[:3])}{' and more' if len(names) > 3 else ''}): two "
        "OpenMP runtimes on one link", (
            first.line,
            f"{len(names)} OpenMP name(s) defined twice" + (f", by {' and '.join(files[:3])}" if files else ""),
            "Intel's OpenMP runtime (libiomp5, which MKL's intel_thread layer needs), GCC's libgomp and LLVM's libomp define "
            "the same omp_ names; a program has room for one: here a second one came with " + (
                "libiomp5 (a copy bundled with MKL or MKL-ML) beside the compiler's own (-fopenmp)" if intel else
                "the link line beside the first"),
        ),
        ("link one OpenMP runtime: with MKL's intel_thread layer, Intel's libiomp5 alone (compile with -fopenmp, link "
         "-liomp5 and no -lgomp/-fopenmp at the link step; Intel's compilers: -qopenmp does both)",
         "or keep the compiler's runtime and give MKL the layer made for it: mkl_gnu_thread with libgomp (mkldoctor link "
         "--threading gnu), and drop -liomp5 from the line (a project's build option that adds a bundled libiomp5, as "
         "PyTorch's did with MKL-ML's copy before pytorch#22910)",
         "or no OpenMP in MKL: mkl_sequential"),
        "OpenMP runtimes share one set of names and keep one thread pool each; two on one link is a multiple definition, "
        "and two in one process (OMP: Error #15 at run time) are two pools that do not know of each other.",
        (f"add -Wl,-y,{first.name} to the link line: ld names each file that defines it",),
    )]
