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
from mkldoctor.knowledge import layout

KERNEL_FILE = layout.file_pattern(("kernel", "vml-kernel"), shared_only=True)
KERNEL_ISAS = layout.kernel_isas()
LIBRARY_FILE = layout.library_file(("iomp5", "tbb"))  # what "the MKL a root holds" counts: MKL and the runtimes Intel ships
RUNTIME_FILE = layout.library_file(layout.names("openmp") + layout.names("tbb"), shared_only=True)


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
    interface = layout.rt_reads("MKL_INTERFACE_LAYER", raw_interface)
    if interface is None:
        raise UsageError(f"MKL_INTERFACE_LAYER={raw_interface}: MKL knows {_listed(layout.rt_words('MKL_INTERFACE_LAYER'))}")
    threading = layout.rt_reads("MKL_THREADING_LAYER", raw_threading)
    if threading is None:
        raise UsageError(f"MKL_THREADING_LAYER={raw_threading}: MKL knows {_listed(layout.rt_words('MKL_THREADING_LAYER'))}")
    return Layers(
        interface.short,
        threading.short,
        f"MKL_INTERFACE_LAYER={raw_interface}" if raw_interface else "libmkl_rt's default interface (MKL_INTERFACE_LAYER unset)",
        f"MKL_THREADING_LAYER={raw_threading}" if raw_threading else "libmkl_rt's default threading (MKL_THREADING_LAYER unset)",
    )


def _listed(words: tuple[str, ...]) -> str:
    return ", ".join(words[:-1]) + f" and {words[-1]}"


def openmp_file(threading: str) -> str | None:
    """The OpenMP runtime a threading layer (``intel_thread``) needs and does not name itself, as MKL loads it
    (``libiomp5.so``); None for a layer without one."""
    entry = layout.get(f"mkl_{threading}")
    runtime = layout.openmp_of(entry) if entry else None
    return runtime.loaded_as if runtime else None


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
    return list(layout.kernel_files(isa, suffix))


def is_runtime_file(name: str) -> bool:
    """MKL, OpenMP or TBB shared libraries: what ``deps`` counts."""
    return bool(RUNTIME_FILE.match(name))
