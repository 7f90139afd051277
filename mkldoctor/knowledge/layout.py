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
    threaded: bool = False  # a threading layer that starts threads (all but mkl_sequential)
    loaded_as: str | None = None  # a runtime's file name as MKL's layers ask the loader for it: "libiomp5.so"
    aliases: tuple[str, ...] = ()  # other words users write for it, no tool's own ("omp" for the intel layer)
    windows: str | None = None  # its file stem on Windows where that is not the name: libiomp5md(.dll/.lib) for iomp5
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

    @property
    def short(self) -> str:
        """``intel_thread``, ``intel_lp64``, ``avx2``: the name after ``mkl_``, as MKL's file names and CMake's words
        build on it (``libmkl_{short}.so``)."""
        return self.name.removeprefix("mkl_")


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
                      intel_mkl_src="iomp"), runtime="iomp5", threaded=True,
               aliases=("omp",),  # LLVM's libomp answers to libiomp5
               description="threads on Intel's OpenMP runtime (libiomp5)"),
    MklLibrary("mkl_gnu_thread", "threading",
               _spell(mkldoctor="gnu", MKL_THREADING_LAYER="GNU", cmake="gnu_thread", pkg_config="gomp"),
               runtime="gomp", threaded=True, description="threads on GCC's OpenMP runtime (libgomp)"),
    MklLibrary("mkl_tbb_thread", "threading",
               _spell(mkldoctor="tbb", MKL_THREADING_LAYER="TBB", cmake="tbb_thread", pkg_config="tbb"),
               runtime="tbb", threaded=True, description="threads on oneTBB (libtbb)"),
    MklLibrary("mkl_pgi_thread", "threading", _spell(MKL_THREADING_LAYER="PGI", cmake="pgi_thread"), threaded=True,
               description="threads on the PGI/NVIDIA HPC compilers' OpenMP runtime"),
    MklLibrary("mkl_core", "core", description="the computational core"),
    *(_kernel(isa, cpu=_KERNEL_ISAS[isa]) for isa in _CORE_KERNELS),
    *(_kernel(isa, vml=True, cpu=_KERNEL_ISAS[isa]) for isa in _VML_KERNELS),
    *(MklLibrary(f"mkl_blacs_{mpi}_{integers}", "cluster", integers=integers, description=f"BLACS for {mpi}")
      for mpi in ("intelmpi", "openmpi", "sgimpt", "msmpi") for integers in ("lp64", "ilp64")),
    # Windows' mkl_blacs_lp64.lib / mkl_blacs_ilp64.lib: the BLACS that loads its MPI's library at run time (MKL_BLACS_MPI)
    *(MklLibrary(f"mkl_blacs_{integers}", "cluster", integers=integers, description="BLACS, its MPI chosen at run time")
      for integers in ("lp64", "ilp64")),
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
    # The threading layers do not name their OpenMP runtime in DT_NEEDED: libmkl_rt (or the program's link) loads
    # it by loaded_as (libgomp.so first, then libgomp.so.1, the name a system without GCC's development files has).
    MklLibrary("iomp5", "openmp", imports=("__kmpc_",), loaded_as="libiomp5.so", windows="libiomp5md",
               description="Intel's OpenMP runtime (intel-openmp; LLVM's libomp answers to it)"),
    MklLibrary("gomp", "openmp", imports=("GOMP_",), loaded_as="libgomp.so.1", description="GCC's OpenMP runtime"),
    MklLibrary("omp", "openmp", imports=("__kmpc_",), description="LLVM's OpenMP runtime"),
    MklLibrary("tbb", "tbb", imports=("_ZN3tbb",), windows="tbb12", description="oneTBB"),  # tbb12.lib, tbb12.dll (oneTBB)
    MklLibrary("tbbmalloc", "tbb", description="oneTBB's allocator"),
)

_BY_NAME = MappingProxyType({library.name: library for library in LIBRARIES})

# What a tool takes when it is not told: libmkl_rt with neither variable set, and oneMKL's MKLConfig.cmake
# (DEFAULT_MKL_INTERFACE ${IFACE_TYPE}_ilp64 with Intel's calling convention, DEFAULT_MKL_THREADING intel_thread)
DEFAULTS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "MKL_THREADING_LAYER": MappingProxyType({"threading": "mkl_intel_thread"}),
    "MKL_INTERFACE_LAYER": MappingProxyType({"interface": "mkl_intel_lp64"}),
    "cmake": MappingProxyType({"interface": "mkl_intel_ilp64", "threading": "mkl_intel_thread"}),
})


_SUFFIX = re.compile(r"(?:\.a|\.so(?:\.\d+)*|(?:_dll)?\.lib|(?:\.\d+)?\.(?:dll|dylib))$", re.I)
_WINDOWS = MappingProxyType({library.windows.lower(): library for library in LIBRARIES if library.windows})


def get(name: str) -> MklLibrary | None:
    """The entry for ``mkl_core``, ``libmkl_core``, ``libmkl_core.so.2``, ``libmkl_core.a``, ``libmkl_core.2.dylib``, and
    the Windows names: ``mkl_core.2.dll``, ``mkl_core.lib``, ``mkl_core_dll.lib`` (an import library), ``libiomp5md.dll``."""
    stem = _SUFFIX.sub("", name.replace("\\", "/").rsplit("/", 1)[-1])
    return _WINDOWS.get(stem.lower()) or _BY_NAME.get(stem.removeprefix("lib"))


def role(name: str) -> str | None:
    """The role (``ROLES``) of one of MKL's files in any spelling :func:`get` reads, a path to one too; None for any
    other file."""
    found = get(name)
    return found.role if found is not None else None


KERNEL_ROLES = ("kernel", "vml-kernel")  # the CPU-specific libraries MKL's core opens itself, by name, at run time


def is_kernel(name: str) -> bool:
    """Whether a file (``libmkl_avx2.so.2``, ``mkl_vml_def.2.dll``, a path to one) is one of MKL's CPU kernels."""
    return role(name) in KERNEL_ROLES


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
    suffix = r"(so(?:\.\d+)*)" if shared_only else r"(a|so(?:\.\d+)*)"
    return re.compile(rf"^lib({stems(roles)})\.{suffix}$")


def stems(roles: tuple[str, ...]) -> str:
    """The names of the libraries of ``roles`` as one regex alternation, longest first (``mkl_avx512_mic|...|mkl_def``),
    for patterns that find them inside a longer text."""
    names = sorted((library.name for library in LIBRARIES if library.role in roles), key=len, reverse=True)
    return "|".join(map(re.escape, names))


_ANY_MKL = re.compile(r"^lib(mkl_[a-z0-9_]+)\.(a|so(?:\.\d+)*)$")


def any_mkl_file(name: str) -> re.Match[str] | None:
    """``libmkl_*.a`` / ``libmkl_*.so*``, known to the table or not (a later release may add libraries)."""
    return _ANY_MKL.match(name)


def runtime_of(name: str) -> MklLibrary | None:
    """The runtime one of MKL's threading layers needs, by any of its file names (``libiomp5md.lib``, ``tbb12.lib``,
    ``tbb12_debug.lib``, ``tbb.lib``, ``libtbb.so.12``, ``iomp5``); None for a name that is none of them."""
    found = get(re.sub(r"(?i)_debug(?=\.lib$|\.dll$|$)", "", name))
    return found if found is not None and found.role in ("openmp", "tbb") and layer_for_runtime(found.name) else None


def is_tbb_runtime(name: str) -> bool:
    """Whether a file is oneTBB's runtime, which MKL's TBB layer runs on (``tbb12.lib``, ``libtbb.so.12``)."""
    return getattr(runtime_of(name), "role", None) == "tbb"


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


def default(tool: str, role: str) -> MklLibrary:
    """The library ``tool`` takes for ``role`` when not told: ``default("MKL_THREADING_LAYER", "threading")``."""
    return _BY_NAME[DEFAULTS[tool][role]]


def layer(word: str, role: str, tool: str = "mkldoctor") -> MklLibrary:
    """The entry for a word known to be valid (``layer("intel", "threading")``); KeyError for any other."""
    found = spelled(tool, word, role)
    if found is None:
        raise KeyError(f"{tool} has no {role} word {word!r}")
    return found


def program_layers() -> tuple[MklLibrary, ...]:
    """The threading layers mkldoctor offers that a program with OpenMP loops of its own can link and run
    with only the C library and OpenMP beside it: sequential and the OpenMP ones (no oneTBB)."""
    return tuple(library for library in of_role("threading")
                 if library.spelled("mkldoctor") and (library.openmp or not library.threaded))


def openmp_of(library: MklLibrary) -> MklLibrary | None:
    """A threading layer's OpenMP runtime entry (``iomp5`` for ``mkl_intel_thread``)."""
    return _BY_NAME[library.openmp] if library.openmp else None


def accepted(role: str, tool: str = "mkldoctor") -> dict[str, str]:
    """Every other tool's word (lower case) and alias for a role -> ``tool``'s word for the same library, for
    readers that take what users write (``intel_thread``, ``iomp``, ``omp`` -> ``intel``)."""
    out: dict[str, str] = {}
    for library in of_role(role):
        target = library.spellings.get(tool)
        if target is None:
            continue
        for word in (*library.spellings.values(), *library.aliases):
            out.setdefault(word.lower(), target)
    return out


def config_name(link: str, interface: str, threading: str, tool: str) -> str | None:
    """``mkl-<link>-<interface>-<threading>`` in ``tool``'s words (pkg-config's .pc files, intel-mkl-src's
    features) for mkldoctor's words; None where that tool has no word for one of them."""
    iface = translate(interface, "mkldoctor", tool, "interface")
    thread = translate(threading, "mkldoctor", tool, "threading")
    return f"mkl-{link}-{iface}-{thread}" if iface and thread and link in LINK_MODES else None


def config_names(tool: str, links: tuple[str, ...] = ("static", "dynamic")) -> tuple[str, ...]:
    """Every ``mkl-<link>-<interface>-<threading>`` name ``tool`` has."""
    return tuple(f"mkl-{link}-{i}-{t}" for link in links for i in words(tool, "interface") for t in words(tool, "threading"))


def sdl_config_names(interface: str | None = None) -> tuple[str, ...]:
    """The pkg-config names of libmkl_rt alone: oneMKL's ``mkl-sdl``, and the per-interface ``mkl-sdl-lp64`` /
    ``mkl-sdl-ilp64`` of Debian's 2020.4 packages (``interface``: only that one, mkldoctor's word)."""
    ifaces = words("pkg-config", "interface") if interface is None else (translate(interface, "mkldoctor", "pkg-config", "interface"),)
    return ("mkl-sdl", *(f"mkl-sdl-{i}" for i in ifaces if i))


def pc_names() -> tuple[str, ...]:
    """Every name an MKL .pc file has: ``mkl-<link>-<interface>-<threading>`` and the libmkl_rt ones; there is no
    ``mkl_rt.pc`` or ``mkl.pc``."""
    return config_names("pkg-config") + sdl_config_names()


def parse_config_name(name: str, tool: str) -> tuple[str, str, str] | None:
    """``mkl-static-lp64-iomp`` -> ("static", "lp64", "intel") in mkldoctor's words; None for another name."""
    parts = name.split("-")
    if len(parts) != 4 or parts[0] != "mkl" or parts[1] not in LINK_MODES:
        return None
    iface = translate(parts[2], tool, "mkldoctor", "interface")
    thread = translate(parts[3], tool, "mkldoctor", "threading")
    return (parts[1], iface, thread) if iface and thread else None


def variant(name: str, tool: str, *, link: str | None = None, interface: str | None = None,
            threading: str | None = None) -> str | None:
    """The same configuration name with another link, interface or threading layer (mkldoctor's words):
    ``variant("mkl-static-ilp64-iomp", "intel-mkl-src", threading="sequential")`` -> ``mkl-static-ilp64-seq``."""
    parsed = parse_config_name(name, tool)
    if parsed is None:
        return None
    return config_name(link or parsed[0], interface or parsed[1], threading or parsed[2], tool)


def library_file(runtimes: tuple[str, ...] = (), shared_only: bool = False) -> re.Pattern[str]:
    """``libmkl_*`` (known to the table or not) and the runtimes named (entries of the table: ``iomp5``, ``tbb``):
    group 1 the name, group 2 the suffix."""
    unknown = [name for name in runtimes if name not in _BY_NAME]
    if unknown:
        raise ValueError(f"not in the layout table: {unknown}")
    suffix = r"(so(?:\.\d+)*)" if shared_only else r"(a|so(?:\.\d+)*)"
    return re.compile(rf"^lib(mkl_[a-z0-9_]+{''.join('|' + re.escape(n) for n in runtimes)})\.{suffix}$")


def choices_text(role: str, notes: bool = False) -> str:
    """``sequential, intel, gnu or tbb``: mkldoctor's words for a role, for help texts; ``notes`` adds each
    layer's OpenMP runtime (``intel (libiomp5)``) or integer size (``lp64 (32-bit integers)``)."""
    said = []
    for library in of_role(role):
        word = library.spelled("mkldoctor")
        if word is None:
            continue
        note = (f"lib{library.openmp}" if library.openmp else
                f"{'64' if library.integers == 'ilp64' else '32'}-bit integers" if library.integers else None)
        said.append(f"{word} ({note})" if notes and note else word)
    return ", ".join(said[:-1]) + f" or {said[-1]}" if len(said) > 1 else "".join(said)


def rt_words(variable: str) -> tuple[str, ...]:
    """The values libmkl_rt takes for ``MKL_THREADING_LAYER`` or ``MKL_INTERFACE_LAYER``, its default first."""
    role = _RT_ROLE[variable]
    first = default(variable, role).spelled(variable)
    return (first, *(w for w in words(variable, role) if w != first))


_RT_ROLE = {"MKL_THREADING_LAYER": "threading", "MKL_INTERFACE_LAYER": "interface"}


def rt_reads(variable: str, value: str) -> MklLibrary | None:
    """The layer libmkl_rt opens for ``variable=value`` (any case; empty: its default); None for a value it refuses.

    ``MKL_INTERFACE_LAYER`` is a comma list of flags: ``GNU`` picks gfortran's calling convention, ``ILP64``
    64-bit integers; what is not said is the default's (``LP64`` alone is Intel's convention, 32-bit integers).
    """
    role = _RT_ROLE[variable]
    fallback = default(variable, role)
    if not value.strip():
        return fallback
    if role == "threading":
        return spelled(variable, value.strip(), role)
    flags = {w.strip().upper() for w in value.split(",") if w.strip()}
    if flags - {w for word in words(variable, role) for w in word.split(",")}:
        return None
    compiler = "gf" if "GNU" in flags else fallback.compiler
    integers = "ilp64" if "ILP64" in flags else fallback.integers
    return next(lib for lib in of_role(role) if lib.compiler == compiler and lib.integers == integers)
