"""What MKL opens by itself at run time, after the loader has done its part.

``libmkl_rt`` (the single dynamic library) opens ``libmkl_core``, one interface layer and one
threading layer, chosen by ``MKL_INTERFACE_LAYER`` and ``MKL_THREADING_LAYER`` (defaults: LP64
and INTEL); the intel threading layer needs ``libiomp5`` (it does not name it in DT_NEEDED:
a missing one shows as ``undefined symbol: omp_get_num_procs``); ``libmkl_core`` then opens
one CPU kernel library and one VML library for the CPU it runs on. MKL opens them by full
path in its own folder, which is what ``LD_DEBUG=files`` shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.errors import UsageError

KERNEL_FILE = re.compile(r"^libmkl_(vml_)?(def|mc|mc2|mc3|avx|avx2|avx512|avx512_mic|avx10|cmpt)\.so(\.\d+)*$")
KERNEL_ISAS = ("def", "mc", "mc3", "avx", "avx2", "avx512", "avx512_mic", "avx10")
LIBRARY_FILE = re.compile(r"^lib(mkl_[a-z0-9_]+|iomp5|tbb)\.(a|so(\.\d+)*)$")  # what "the MKL a root holds" counts
RUNTIME_FILE = re.compile(r"^lib(mkl_[a-z0-9_]+|iomp5|omp|gomp|tbb|tbbmalloc)\.so(\.\d+)*$")

THREADING = {"INTEL": "intel_thread", "SEQUENTIAL": "sequential", "GNU": "gnu_thread", "TBB": "tbb_thread", "PGI": "pgi_thread"}
OPENMP = {"intel_thread": "libiomp5.so", "gnu_thread": "libgomp.so.1"}


@dataclass(frozen=True)
class Layers:
    interface: str  # "intel_lp64"
    threading: str  # "intel_thread"
    interface_why: str
    threading_why: str


def chosen_layers(env: dict[str, str]) -> Layers:
    """The layers libmkl_rt opens with this environment (its defaults: LP64, INTEL)."""
    raw_interface = env.get("MKL_INTERFACE_LAYER", "").strip()
    raw_threading = env.get("MKL_THREADING_LAYER", "").strip()
    words = {w.strip() for w in raw_interface.upper().split(",") if w.strip()}
    if words - {"LP64", "ILP64", "GNU"}:
        raise UsageError(f"MKL_INTERFACE_LAYER={raw_interface}: MKL knows LP64, ILP64, GNU,LP64 and GNU,ILP64")
    interface = ("gf_" if "GNU" in words else "intel_") + ("ilp64" if "ILP64" in words else "lp64")
    threading_key = raw_threading.upper() or "INTEL"
    if threading_key not in THREADING:
        raise UsageError(f"MKL_THREADING_LAYER={raw_threading}: MKL knows INTEL, SEQUENTIAL, GNU, TBB and PGI")
    return Layers(
        interface,
        THREADING[threading_key],
        f"MKL_INTERFACE_LAYER={raw_interface}" if raw_interface else "libmkl_rt's default interface (MKL_INTERFACE_LAYER unset)",
        f"MKL_THREADING_LAYER={raw_threading}" if raw_threading else "libmkl_rt's default threading (MKL_THREADING_LAYER unset)",
    )


def layer_from_needed(needed: list[str], names: tuple[str, ...]) -> str | None:
    """The layer a binary linked without libmkl_rt names in DT_NEEDED (``libmkl_gnu_thread.so.2``)."""
    for soname in needed:
        for name in names:
            if soname.startswith(f"libmkl_{name}.so"):
                return name
    return None


def suffix_of(soname: str) -> str:
    """``libmkl_rt.so.3`` -> ``.so.3``; Debian's ``libmkl_rt.so`` -> ``.so``."""
    match = re.search(r"\.so(\.\d+)*$", soname)
    return match.group(0) if match else ".so"


def kernel_files(isa: str, suffix: str) -> list[str]:
    if isa not in KERNEL_ISAS:
        raise UsageError(f"--cpu {isa}: use native, all, or one of {', '.join(KERNEL_ISAS)}")
    return [f"libmkl_{isa}{suffix}", f"libmkl_vml_{isa}{suffix}"]


def is_runtime_file(name: str) -> bool:
    """MKL, OpenMP or TBB shared libraries: what ``deps`` counts."""
    return bool(RUNTIME_FILE.match(name))
