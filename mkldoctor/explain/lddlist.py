"""ldd's listing of a program or module that resolves GCC's OpenMP runtime and Intel's in one process:
``libgomp.so.1 => /lib64/libgomp.so.1`` beside ``libiomp5.so => .../libiomp5.so`` (microsoft/onnxruntime#1131: a build
with both --use_mklml, whose MKL-ML runs on libiomp5, and --use_openmp, which GCC's -fopenmp makes libgomp).

The two runtimes export the same omp_* names and keep a thread pool each: the program's own OpenMP loops and MKL's run in
two pools (twice the threads, and omp_set_num_threads reaches one of them), and mixing them is known to crash or hang.
A listing with MKL's runtime only, or GCC's only, is no finding; nor is LLVM's libomp beside libiomp5 (LLVM's runtime
installs libiomp5 as a name of itself, and conda-forge's MKL runs on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class LddResolved:
    """One line of ldd's listing that names an OpenMP runtime and the file the loader resolved it to."""

    name: str  # libgomp.so.1, libiomp5.so
    path: str
    line: str


_LINE = re.compile(r"^[\s*>|]*(?P<name>lib(?:gomp|iomp5)\.so(?:\.\d+)*) => (?P<path>/[^\s*(]+)")
_RUNTIME = {"libgomp": "GCC's OpenMP runtime (libgomp)", "libiomp5": "Intel's OpenMP runtime (libiomp5, which MKL's "
            "intel_thread layer and MKL-ML run on)"}

SIGNATURES = tuple(
    Signature(f"ldd-openmp-runtime-{i}", "lddlist", needle, _LINE,
              lambda m, _: LddResolved(m["name"], m["path"][:300], m.string.strip()[:200]))
    for i, needle in enumerate(("gomp.so.1 =>", "iomp5.so =>")))


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    seen: dict[str, LddResolved] = {}
    for event in events.of(LddResolved):
        seen.setdefault(event.name.split(".so", 1)[0], event)
    if len(seen) < 2:
        return []
    gnu, intel = seen["libgomp"], seen["libiomp5"]
    return [Finding(
        "openmp-runtimes-mixed", "warning",
        "two OpenMP runtimes in one program: GCC's libgomp and Intel's libiomp5 (MKL's) are both resolved",
        (gnu.line, intel.line,
         f"{_RUNTIME['libgomp']} comes with code compiled with -fopenmp; {_RUNTIME['libiomp5']} with MKL's threading: "
         "both export omp_* and each keeps its own thread pool in the process"),
        ("keep one runtime: either MKL's GNU threading layer with libgomp (-lmkl_gnu_thread -lgomp in place of "
         "-lmkl_intel_thread -liomp5; libmkl_rt: MKL_THREADING_LAYER=GNU), or compile the program's OpenMP for Intel's "
         "runtime and link -liomp5 in place of libgomp (libiomp5 serves GCC's GOMP_ calls too: -fopenmp to compile, "
         "then link with -liomp5 and not -fopenmp)",
         "a library that bundles MKL-ML (libmklml_intel.so, which runs on libiomp5 only): build the project without its own "
         "OpenMP where it offers both (onnxruntime#1131: --use_mklml and --use_openmp together were refused after), or with "
         "its full MKL instead of MKL-ML"),
        "A program links each OpenMP runtime it is given: GCC's -fopenmp brings libgomp, MKL's intel_thread layer brings "
        "libiomp5; the loader resolves both, and they share no state.",
        ("ldd <the program> | grep -E 'lib(g|i)omp'   # one of them, after the fix",
         "readelf -d <each library above> | grep NEEDED   # which library asked for which runtime"),
    )]
