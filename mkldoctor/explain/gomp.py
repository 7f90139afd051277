"""MKL's GNU threading layer loaded without GNU's OpenMP runtime: ``libmkl_gnu_thread.so: undefined symbol:
omp_get_num_procs``.

``libmkl_gnu_thread`` calls libgomp (GCC's OpenMP runtime) and, like MKL's other layers, does not name it as a
dependency: a program compiled with ``-fopenmp`` has libgomp already, a host that opens MKL itself (Julia's ccall,
Python's ctypes, a plugin) does not, and the first OpenMP call then fails. Intel's libiomp5 is the wrong cure here:
the layer was chosen for GCC's runtime.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.wording import MAX_LISTED
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class CondaOpenmpMutex:
    """``conda list``'s row of ``_openmp_mutex``, the package that picks an environment's OpenMP runtime: a ``*_gnu``
    build is GCC's libgomp, ``*_llvm`` LLVM's libomp (which conda-forge's mkl runs on as libiomp5)."""

    build: str


SIGNATURES = (
    Signature("conda-list-openmp-mutex", "gomp", "_openmp_mutex",
              re.compile(r"^\s*_openmp_mutex\s+[\w.]+\s+(?P<build>\w+)(?:\s+[\w.-]+)?\s*$"),
              lambda m, _: CondaOpenmpMutex(m.group("build")[:40])),
)


def gnu_mutex(events) -> str:
    """The ``_openmp_mutex`` build the log's ``conda list`` shows, where it is GCC's (``1_gnu``); else ""."""
    return next((e.build for e in events.of(CondaOpenmpMutex) if e.build.endswith("_gnu")), "")


def gnu_layer_without_libgomp(omp: list, confirm: str) -> Finding:
    event = omp[0]
    name = os.path.basename(event.library)
    evidence = [f"{event.binary}: {e.library} needs {e.symbol}" for e in omp[:MAX_LISTED]]
    evidence.append(f"{name} is MKL's GNU threading layer: it calls GCC's OpenMP runtime (libgomp), which nothing had loaded")
    return Finding(
        "openmp-runtime-missing", "error", f"{name} was loaded without GNU's OpenMP runtime (libgomp)",
        tuple(evidence),
        ("load libgomp before MKL: a program: link it with -fopenmp (or -lgomp) before the MKL libraries; a host that opens "
         "MKL itself: open libgomp with RTLD_GLOBAL first (Julia: Libdl.dlopen(\"libgomp\", Libdl.RTLD_GLOBAL); Python: "
         "ctypes.CDLL(\"libgomp.so.1\", mode=ctypes.RTLD_GLOBAL)) — a package that did so and stopped has a release that "
         "does it again",
         "for one run: LD_PRELOAD=libgomp.so.1 <the program>",
         "or another layer: mkl_sequential (no OpenMP), or mkl_intel_thread with Intel's libiomp5"),
        "MKL's threading layers call their OpenMP runtime without naming it as a dependency; the GNU layer's runtime is "
        "GCC's libgomp, which must be in the process (with global scope) before the layer's first call.",
        (confirm,),
    )
