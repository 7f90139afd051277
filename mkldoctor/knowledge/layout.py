"""MKL's library layout, declared once: one entry per library, as threadpoolctl declares one
controller per library kind.

Every other spelling in mkldoctor (a tuple of threading layers, a regex of kernel files, the word
CMake or intel-mkl-src uses for a layer) is derived from this table. An entry says what the
library is for (its role), the words each tool spells it with, the OpenMP runtime it needs, and
for a CPU kernel the instruction set it is built for. File names and sonames per release are not
typed in here: they come from the export table (:mod:`mkldoctor.knowledge.exports`), which
``tools/gen_exports.py`` reads from every release's real libraries.

The spellings, and who reads them:

- ``mkldoctor``: the words of ``--threading`` and ``--interface`` (``sequential``, ``intel``, ``lp64``);
- ``MKL_THREADING_LAYER`` / ``MKL_INTERFACE_LAYER``: what ``libmkl_rt`` reads from the environment
  (``INTEL``, ``GNU,ILP64``);
- ``cmake``: ``MKL_THREADING`` / ``MKL_INTERFACE_FULL`` in oneMKL's ``MKLConfig.cmake``
  (``intel_thread``, ``intel_lp64``);
- ``pkg-config``: the last words of oneMKL's ``mkl-<link>-<interface>-<threading>.pc`` (``iomp``);
- ``intel-mkl-src``: the last words of the crate's ``mkl-<link>-<interface>-<threading>`` features
  (only ``seq`` and ``iomp``: it has no GNU or TBB feature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

ROLES = ("rt", "interface", "threading", "core", "kernel", "vml-kernel", "fortran95", "cluster", "sycl", "openmp", "tbb")
TOOLS = ("mkldoctor", "MKL_THREADING_LAYER", "MKL_INTERFACE_LAYER", "cmake", "pkg-config", "intel-mkl-src")
LINK_MODES = ("static", "dynamic", "sdl")  # --link; CMake's MKL_LINK; sdl is libmkl_rt alone


@dataclass(frozen=True)
class MklLibrary:
    """One library of MKL's layout (or a runtime MKL's layers load)."""

    name: str  # the file's stem without ``lib``: "mkl_intel_thread", "iomp5"
    role: str  # one of ROLES
    spellings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)  # tool -> its word
    runtime: str | None = None  # what a threading layer's threads run on: "iomp5", "gomp", "tbb" (another entry's name)
    imports: tuple[str, ...] = ()  # a runtime's: the prefixes of the names code calling it imports ("GOMP_")
    isa: str | None = None  # a kernel's instruction set: "avx2"
    integers: str | None = None  # an interface's integer size: "lp64" or "ilp64"
    compiler: str | None = None  # an interface's Fortran calling convention: "intel" or "gf" (gfortran)
    description: str = ""

    @property
    def openmp(self) -> str | None:
        """A threading layer's OpenMP runtime ("iomp5", "gomp"); None for sequential and TBB."""
        found = _BY_NAME.get(self.runtime) if self.runtime else None
        return self.runtime if found is not None and found.role == "openmp" else None

    def spelled(self, tool: str) -> str | None:
        return self.spellings.get(tool)

    @property
    def file_stem(self) -> str:
        """``libmkl_core``: how the export table and the files name it."""
        return f"lib{self.name}"


def _spell(**words: str) -> Mapping[str, str]:
    return MappingProxyType({key.replace("_", "-") if key in ("pkg_config", "intel_mkl_src") else key: value
                             for key, value in words.items()})


def _interface(compiler: str, integers: str) -> MklLibrary:
    gnu = compiler == "gf"
    return MklLibrary(
        f"mkl_{compiler}_{integers}", "interface",
        # --interface, pkg-config and intel-mkl-src name only the Intel convention's two integer sizes
        _spell(MKL_INTERFACE_LAYER=("GNU," if gnu else "") + integers.upper(), cmake=f"{compiler}_{integers}",
               **({} if gnu else {"mkldoctor": integers, "pkg_config": integers, "intel_mkl_src": integers})),
        integers=integers, compiler=compiler,
        description=f"{integers.upper()} interface ({'32' if integers == 'lp64' else '64'}-bit integers), "
                    f"{'gfortran' if gnu else 'Intel'} calling convention")


def _kernel(isa: str, vml: bool = False, cpu: str = "") -> MklLibrary:
    return MklLibrary(f"mkl_vml_{isa}" if vml else f"mkl_{isa}", "vml-kernel" if vml else "kernel", isa=isa,
                      description=f"{'VML ' if vml else ''}CPU kernels for {cpu or isa}")


# The CPU kernels libmkl_core (and the VML functions) load at run time, per instruction set; what
# each ISA needs of the CPU, in MKL's own words: def the baseline, mc/mc2/mc3 the SSE4 generations.
_KERNEL_ISAS = {"def": "any x86-64 CPU", "mc": "SSSE3 (Core 2)", "mc2": "SSE4.1 (Penryn)", "mc3": "SSE4.2 (Nehalem)",
                "avx": "AVX", "avx2": "AVX2", "avx512": "AVX-512", "avx512_mic": "AVX-512 (Xeon Phi)",
                "avx10": "AVX10", "cmpt": "CPUs no other kernel fits (compatibility)"}
_CORE_KERNELS = ("def", "mc", "mc3", "avx", "avx2", "avx512", "avx512_mic", "avx10")  # libmkl_<isa> (no mc2, no cmpt)
_VML_KERNELS = ("def", "mc", "mc2", "mc3", "avx", "avx2", "avx512", "avx512_mic", "avx10", "cmpt")  # libmkl_vml_<isa>

LIBRARIES: tuple[MklLibrary, ...] = (
    MklLibrary("mkl_rt", "rt", description="the single dynamic library: picks the layers at run time"),
    _interface("intel", "lp64"), _interface("intel", "ilp64"), _interface("gf", "lp64"), _interface("gf", "ilp64"),
    MklLibrary("mkl_sequential", "threading",
               _spell(mkldoctor="sequential", MKL_THREADING_LAYER="SEQUENTIAL", cmake="sequential", pkg_config="seq",
                      intel_mkl_src="seq"), description="one thread, no OpenMP"),
    MklLibrary("mkl_intel_thread", "threading",
               _spell(mkldoctor="intel", MKL_THREADING_LAYER="INTEL", cmake="intel_thread", pkg_config="iomp",
                      intel_mkl_src="iomp"), runtime="iomp5", description="threads on Intel's OpenMP runtime (libiomp5)"),
    MklLibrary("mkl_gnu_thread", "threading",
               _spell(mkldoctor="gnu", MKL_THREADING_LAYER="GNU", cmake="gnu_thread", pkg_config="gomp"),
               runtime="gomp", description="threads on GCC's OpenMP runtime (libgomp)"),
    MklLibrary("mkl_tbb_thread", "threading",
               _spell(mkldoctor="tbb", MKL_THREADING_LAYER="TBB", cmake="tbb_thread", pkg_config="tbb"),
               runtime="tbb", description="threads on oneTBB (libtbb)"),
    MklLibrary("mkl_pgi_thread", "threading", _spell(MKL_THREADING_LAYER="PGI", cmake="pgi_thread"),
               description="threads on the PGI/NVIDIA HPC compilers' OpenMP runtime"),
    MklLibrary("mkl_core", "core", description="the computational core"),
    *(_kernel(isa, cpu=_KERNEL_ISAS[isa]) for isa in _CORE_KERNELS),
    *(_kernel(isa, vml=True, cpu=_KERNEL_ISAS[isa]) for isa in _VML_KERNELS),
    *(MklLibrary(f"mkl_blacs_{mpi}_{integers}", "cluster", integers=integers, description=f"BLACS for {mpi}")
      for mpi in ("intelmpi", "openmpi", "sgimpt") for integers in ("lp64", "ilp64")),
    *(MklLibrary(f"mkl_scalapack_{integers}", "cluster", integers=integers, description="ScaLAPACK")
      for integers in ("lp64", "ilp64")),
    MklLibrary("mkl_cdft_core", "cluster", description="cluster FFT"),
    *(MklLibrary(f"mkl_{part}", "fortran95", integers=integers, description=f"Fortran 95 interface ({part}), static only")
      for part in ("blas95_lp64", "blas95_ilp64", "lapack95_lp64", "lapack95_ilp64")
      for integers in (part.rsplit("_", 1)[1],)),
    MklLibrary("mkl_sycl", "sycl", description="SYCL (GPU) interfaces, one library up to 2021.1"),
    # What each runtime's callers import, read from the threading layers' own undefined names (nm -u of
    # libmkl_intel_thread.a: 38 __kmpc_*, libmkl_gnu_thread.a: 24 GOMP_*, libmkl_tbb_thread.a: 25 _ZN3tbb*;
    # omp_* they all share); tests/test_layout.py holds it against the 2026.2 archives.
    MklLibrary("iomp5", "openmp", imports=("__kmpc_",),
               description="Intel's OpenMP runtime (intel-openmp; LLVM's libomp answers to it)"),
    MklLibrary("gomp", "openmp", imports=("GOMP_",), description="GCC's OpenMP runtime"),
    MklLibrary("omp", "openmp", imports=("__kmpc_",), description="LLVM's OpenMP runtime"),
    MklLibrary("tbb", "tbb", imports=("_ZN3tbb",), description="oneTBB"),
    MklLibrary("tbbmalloc", "tbb", description="oneTBB's allocator"),
)

_BY_NAME = MappingProxyType({library.name: library for library in LIBRARIES})


def get(name: str) -> MklLibrary | None:
    """The entry for ``mkl_core``, ``libmkl_core``, ``libmkl_core.so.2`` or ``libmkl_core.a``."""
    stem = re.sub(r"\.(a|so(\.\d+)*|lib|dll|dylib)$", "", name).removeprefix("lib")
    return _BY_NAME.get(stem)


def of_role(role: str) -> tuple[MklLibrary, ...]:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return tuple(library for library in LIBRARIES if library.role == role)


def names(role: str) -> tuple[str, ...]:
    """``names("threading")`` -> ``("mkl_sequential", "mkl_intel_thread", ...)``."""
    return tuple(library.name for library in of_role(role))


def spelled(tool: str, word: str, role: str | None = None) -> MklLibrary | None:
    """The library ``tool`` means by ``word`` (``spelled("cmake", "intel_thread")``); case-insensitive for the env words."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    fold = tool.startswith("MKL_")
    for library in LIBRARIES:
        said = library.spellings.get(tool)
        if said is not None and (said.upper() == word.upper() if fold else said == word) and role in (None, library.role):
            return library
    return None


def words(tool: str, role: str) -> tuple[str, ...]:
    """Every word ``tool`` has for a role, in the table's order: ``words("mkldoctor", "threading")``."""
    return tuple(word for library in of_role(role) if (word := library.spellings.get(tool)) is not None)


def translate(word: str, source: str, target: str, role: str) -> str | None:
    """One tool's word in another's: ``translate("intel_thread", "cmake", "mkldoctor", "threading")`` -> ``"intel"``."""
    library = spelled(source, word, role)
    return library.spellings.get(target) if library else None


@lru_cache(maxsize=None)
def file_pattern(roles: tuple[str, ...] = ROLES, shared_only: bool = False) -> re.Pattern[str]:
    """A regex matching the file names of the libraries of ``roles``: group 1 the name, group 2 the suffix
    (``a``, ``so``, ``so.2``). Kernels and cluster libraries are listed by name, the rest as well: a file
    the table does not know (``libmkl_foo.so``) is matched only by :func:`any_mkl_file`."""
    stems = sorted((library.name for library in LIBRARIES if library.role in roles), key=len, reverse=True)
    suffix = r"(so(?:\.\d+)*)" if shared_only else r"(a|so(?:\.\d+)*)"
    return re.compile(rf"^lib({'|'.join(map(re.escape, stems))})\.{suffix}$")


_ANY_MKL = re.compile(r"^lib(mkl_[a-z0-9_]+)\.(a|so(?:\.\d+)*)$")


def any_mkl_file(name: str) -> re.Match[str] | None:
    """``libmkl_*.a`` / ``libmkl_*.so*``, known to the table or not (a later release may add libraries)."""
    return _ANY_MKL.match(name)


def layer_for_runtime(runtime: str) -> MklLibrary | None:
    """The threading layer whose threads run on ``runtime`` (``gomp`` -> ``mkl_gnu_thread``)."""
    return next((library for library in of_role("threading") if library.runtime == runtime), None)


def runtimes_imported(undefined: Iterable[str]) -> dict[str, list[str]]:
    """runtime name -> the names among ``undefined`` (a binary's imports) that call it, for each runtime a
    threading layer runs on: ``{"gomp": ["GOMP_parallel", ...]}``. libiomp5 and LLVM's libomp share
    ``__kmpc_``: the name is the layer's (``iomp5``)."""
    prefixes = [(prefix, library.runtime) for library in of_role("threading") if library.runtime
                for prefix in _BY_NAME[library.runtime].imports]
    found: dict[str, list[str]] = {}
    for name in undefined:
        for prefix, runtime in prefixes:
            if name.startswith(prefix):
                found.setdefault(runtime, []).append(name)
    return found


def kernel_isas(vml: bool = False) -> tuple[str, ...]:
    return tuple(library.isa for library in of_role("vml-kernel" if vml else "kernel") if library.isa)


def kernel_files(isa: str, suffix: str) -> tuple[str, ...]:
    """The files MKL loads for one ISA: ``libmkl_avx2.so.3`` and ``libmkl_vml_avx2.so.3`` (those that exist for it)."""
    return tuple(f"lib{library.name}{suffix}" for role in ("kernel", "vml-kernel")
                 for library in of_role(role) if library.isa == isa)


def release_kernels(soname: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the releases whose library carries ``soname``, e.g. ``libmkl_rt.so.3``; the CPU and VML kernel files
    any of them ships), from the export table: what MKL may open when the kernel cannot be observed."""
    from mkldoctor.knowledge import exports

    releases = exports.releases_with_soname(soname)
    files: dict[str, None] = {}
    for role in ("kernel", "vml-kernel"):
        for library in of_role(role):
            for release in releases:
                found = exports.library_in(library.file_stem, release)
                if found is not None:
                    files[found.file] = None
    return releases, tuple(files)


def sonames(name: str):
    """The sonames of one library per release, from the export table (read on first use)."""
    from mkldoctor.knowledge import exports

    return exports.sonames(f"lib{name.removeprefix('lib')}")
