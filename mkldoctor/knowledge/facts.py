"""What mkldoctor knows about MKL without looking at files: plain data, small on purpose.

Provenance: FIRST_VERSION is read from ``mkldoctor/knowledge/data/symbols.json``, which
``tools/gen_knowledge.py`` generates from the headers of every mkl-include release
(``hgemm``/``cblas_hgemm``: 2021.4; ``cblas_gemm_f16f16f32``: 2024.0); the tests check
it against the exported symbols of the fixtures.

Install commands live in :mod:`mkldoctor.knowledge.recipes`, release dates in
:mod:`mkldoctor.knowledge.history`: import them from there.
"""

from __future__ import annotations

import re
import shlex

from mkldoctor.knowledge.history import version_key

def _first_versions() -> dict[str, str]:
    """symbol -> first MKL version that declares it, from the generated table (mkldoctor.knowledge.history),
    with the spellings a Fortran name also goes by (hgemm_, hgemm, HGEMM)."""
    from mkldoctor.knowledge import history

    table: dict[str, str] = {}
    for symbol, entry in history.table()["symbols"].items():
        if not entry["first"]:
            continue
        table[symbol] = entry["first"]
        if symbol.endswith("_") and not symbol.startswith(("cblas_", "mkl_")):
            table.setdefault(symbol[:-1], entry["first"])
            table.setdefault(symbol[:-1].upper(), entry["first"])
    return table


FIRST_VERSION: dict[str, str] = _first_versions()

OPENMP_PREFIXES = ("omp_", "__kmpc_", "kmp_", "__kmp_", "ompt_", "kmpc_")
# names MKL and Intel's OpenMP runtime look up with dlsym and go on without (oneTBB's allocator, the OMPT tool interface,
# the offload hooks): LD_DEBUG records each failed lookup as "error: symbol lookup error: ... (fatal)" in a working run
# (tests/test_explain_blind45.py runs one and holds every name it records to these)
OPTIONAL_LOOKUPS = ("scalable_", "ompt_start_tool", "llvm_omp_target_", "__tgt_")
GNU_OPENMP_PREFIXES = ("GOMP_", "omp_")
# the Intel compilers' runtime libraries: the C and math part (intel-cmplr-lib-rt), then Fortran's and Cilk's
C_SONAMES = {"m": "libm.so.6", "pthread": "libpthread.so.0", "dl": "libdl.so.2"}  # glibc's parts, on x86-64 Linux
INTEL_C_RUNTIME = ("libirc", "libimf", "libsvml", "libintlc", "libirng")
INTEL_RUNTIME = (*INTEL_C_RUNTIME, "libifcore", "libifport", "libcilkrts")
MKL_SYMBOL = re.compile(
    r"^(?:mkl_|MKL_|cblas_|LAPACKE_|vs|vd|vc|vz|Dfti|dfti|fftw|pardiso|dss_|[sdczh](?:gemm|gemv|axpy|dot|scal|syrk|trsm|getrf|getrs|gesv|gesvd|syev|potrf)\w*_?$|[sdczh]\w{3,6}_$)"
)


def has_symbol(version: str | None, symbol: str) -> bool | None:
    """Whether MKL ``version`` has ``symbol`` by the table; None when the table does not know."""
    first = FIRST_VERSION.get(symbol)
    if first is None or not version:
        return None
    return version_key(version) >= version_key(first)


# MKL's own CBLAS extensions, which no other BLAS's cblas.h declares or exports: batched and packed GEMM (cblas_sgemm_alloc,
# its buffer, gone in 2021.1), the integer and low-precision GEMMs, the matrix copies (lc0#1782: cblas_sgemm_batch under
# OpenBLAS's header; detectron's libmkldnn needing cblas_sgemm_alloc)
MKL_CBLAS_EXTENSION = re.compile(r"cblas_\w*(?:_batch(?:_strided)?|_compute|_pack\w*|_alloc|_free|[io]matcopy|omatadd|_s8u8s32|"
                                 r"_s16s16s32|_bf16bf16f32|_f16f16f32)$|cblas_hgemm")


# BLAS's routines (levels 1 to 3) by their Fortran names, with or without the underscore: the part of MKL's Fortran-style
# API that mkl_blas.h declares (as dgemm and DGEMM, never dgemm_: every mkl-include wheel from 2018.0 to 2026.2) and CBLAS
# mirrors (cblas_dgemm); LAPACK's are mkl_lapack.h's and LAPACKE's
BLAS_ROUTINE = re.compile(r"^(?:[sdcz](?:gemm|gemv|symm|hemm|syrk|herk|syr2k|her2k|trsm|trmm|axpy|dot[cu]?|scal|copy|swap|nrm2|"
                          r"asum|ger[cu]?|symv|hemv|trmv|trsv|rot[gm]?)|i[sdcz]amax|[sd]z?dot|dz?nrm2|dz?asum)_?$")


def is_openmp_symbol(name: str) -> bool:
    return name.startswith(OPENMP_PREFIXES)


def looks_like_mkl(name: str) -> bool:
    return name in FIRST_VERSION or bool(MKL_SYMBOL.match(name))


def env_fix(lib_dir: str, root: str | None = None) -> list[str]:
    lines = []
    if root:
        lines.append(f"export MKLROOT={shlex.quote(root)}")
    lines.append(f"export LD_LIBRARY_PATH={shlex.quote(lib_dir)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    return lines


def confirm_symbol(symbol: str, cargo: bool = False) -> list[str]:
    """Commands that make the linker say which file defines ``symbol``."""
    if cargo:
        return [
            f"RUSTFLAGS='-C link-arg=-Wl,-y,{symbol}' cargo build   # ld prints 'FILE(MEMBER): definition of {symbol}'",
        ]
    return [f"add -Wl,-y,{symbol} to the link line: ld prints 'FILE(MEMBER): definition of {symbol}' for the copy it takes"]



# -l names a build asks for that are no library of any MKL release: "-lmkl" (a build script that turned --blas=mkl into
# -l<that word>, NVIDIA/MinkowskiEngine#244), and the link lines of MKL 10.x and older
# MKL-ML (libmklml_intel, libmklml_gnu): the small MKL that MKL-DNN's builds downloaded (pytorch/pytorch#18836,
# PaddlePaddle#3213, intel/BigDL-core#165), no package of MKL's own
MKLML = ("MKL-ML, the small MKL that MKL-DNN's (ideep's) builds downloaded beside themselves (mklml_lnx_<version>.tgz, "
         "unpacked into an external/ or third_party/ folder or a fixed path such as /opt/mklml, with libiomp5.so) for "
         "PyTorch, MXNet, Caffe2, Paddle and BigDL builds of 2017-2019; no MKL package installs it, and MKL-DNN 1.0 "
         "(oneDNN) no longer uses it")


# MKL's FFTW wrapper libraries (libfftw3xc_intel, libfftw3xf_gnu, libfftw2xc_intel, libfftw3x_cdft_lp64, ...): MKL ships
# their sources (interfaces/fftw*), never the built library; the FFTW3 C and Fortran names are in MKL's own libraries
# (since MKL 10.2), the FFTW2 and cluster ones only in a wrapper built from those sources (q-e's build recipe, ucl-rcps#97)
_FFTW_WRAPPER = re.compile(r"^(?:lib)?(?P<folder>fftw(?P<v>[23])x(?:(?P<lang>[cf])(?=_\w)|_cdft))\w*$")


def fftw_wrapper(name: str) -> re.Match | None:
    """``fftw3xf_intel``: a wrapper library of MKL's FFTW interfaces, built from MKL's sources (:data:`_FFTW_WRAPPER`)."""
    return _FFTW_WRAPPER.match(name)


def is_mklml(name: str) -> bool:
    """``mklml_intel``, ``libmklml_gnu.so``: MKL-ML's libraries (:data:`MKLML`)."""
    return name.removeprefix("lib").startswith("mklml")


_NOT_LIBRARIES = {"mkl": "MKL has no library named libmkl: its single dynamic library is libmkl_rt (-lmkl_rt)"}
_OLD_NAMES = ("mkl_lapack", "mkl_em64t", "mkl_ia32", "mkl_solver", "mkl_solver_lp64", "mkl_solver_ilp64",
              "mkl_solver_lp64_sequential", "mkl_solver_ilp64_sequential", "guide")


def not_an_mkl_library(name: str) -> str | None:
    """Why ``-l<name>`` is no MKL library (a sentence), or None where it is one (or not MKL's at all)."""
    from mkldoctor.knowledge import exports, layout

    if name in _NOT_LIBRARIES:
        return _NOT_LIBRARIES[name]
    if name.startswith("libmkl_") and not_an_mkl_library(name[3:]) is None and layout.get(name[3:]) is not None:
        return (f"-l{name} asks ld for lib{name}.so or .a: -l puts 'lib' before the name itself, and MKL's file is "
                f"{name}.so (abinit's forum, t=722: -llibmkl_intel_lp64)")
    if name in _OLD_NAMES and f"lib{name}" not in exports.libraries() and layout.get(name) is None:
        first, last = exports.releases()[0].name, exports.releases()[-1].name
        return (f"lib{name} is a name of MKL 10.x's link lines and older; no release of mkldoctor's table ({first} to "
                f"{last}) has it")
    return None

# the C++ runtime's names as ld demangles them, which a C++ member of an MKL archive (libmkl_tbb_thread.a's tbb_driver.o,
# libmkl_sycl) needs from libstdc++: a link by a C compiler driver (gcc, not g++) leaves them undefined
CXX_RUNTIME = re.compile(r"^(?:operator (?:new|delete)(?:\[\])?\(.*\)|__cxa_\w+|__gxx_personality_v0|_Unwind_Resume|std::.+|"
                         r"typeinfo for std::.+|vtable for __cxxabiv1::.+|"
                         r"_Zn[wa][mj]\w*|_Zd[la]Pv\w*|_ZNSt\w+|_ZSt\w+|_ZTVN10__cxxabiv\w+|_ZTISt\w+)(?:@@?[\w.]+)?$")  # mangled
