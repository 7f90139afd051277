"""oneDAL's own build of MKL's parts (its "micro-MKL", mklfpk and mklgpufpk), which oneDAL's build downloads into its
source tree's __deps folder and links into its libraries: no oneMKL install has its headers (mkl_dal*.h) or its kernels
(fpk_<domain>_<cpu>_<routine>), so a build that misses them is oneDAL's to fix, not oneMKL's (oneDAL#2053, oneDAL#198).
"""

from __future__ import annotations

import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding


def onedal_micro_mkl(header: str) -> list[str]:
    """oneDAL's own build of MKL's parts (its "micro-MKL": mkl_dal*.h, mkl_dal_sycl.hpp), which its build downloads into
    __deps (mklfpk, mklgpufpk): no oneMKL install has them (oneDAL#2053)."""
    if not header.startswith("mkl_dal"):
        return []
    return [f"{header} is not oneMKL's: it is oneDAL's own build of MKL's parts (micro-MKL), which oneDAL's build downloads "
            "into its source tree's __deps folder (mklfpk; mklgpufpk for the GPU part): run its dependency step "
            "(dev/download_micromkl.sh, or the make or Bazel rule that fetches it) and put that folder's include on the path: "
            "export CPATH=<oneDAL source>/__deps/mklgpufpk/lnx/include:$CPATH (oneDAL#2053's workaround; later oneDAL fixed "
            "its own include path)"]


# oneDAL's micro-MKL (mklfpk): its kernels per CPU, fpk_<domain>_<cpu>_<routine> ("fpk_lapack_avx512_mic_spotrf")
FPK_NAME = re.compile(r"^fpk_(?:lapack|blas|vml|vsl|serv|dft|spblas)_\w+$")


def kernels_undefined(symbols: list[str], by_symbol, ctx: Context) -> Finding:
    return Finding(
        "onedal-micro-mkl-kernels", "error",
        f"undefined: {more(symbols, 3)}: kernels of oneDAL's own build of MKL's parts (micro-MKL), for CPUs the library was "
        "not built for",
        (*needed_by(symbols, by_symbol)[:4],
         "fpk_<domain>_<cpu>_<routine> names are oneDAL's micro-MKL (mklfpk, which oneDAL's build downloads and links into "
         "its own libraries), one kernel per CPU type; no oneMKL release exports them: the oneDAL library that calls them "
         "was built for fewer CPUs (REQCPU=avx2, a one-CPU build) than its code dispatches to"),
        ("build oneDAL for every CPU (make without REQCPU, the default), or take a oneDAL with PR #199's dispatcher "
         "(oneDAL#198: a one-CPU build whose LAPACK wrapper still named every CPU's kernel), which names only the CPUs built",
         "installing or linking oneMKL does not help: these names are oneDAL's, not oneMKL's"),
        "oneDAL links a subset of MKL of its own, built per CPU; its code picks a kernel by the CPU it runs on, and a build "
        "for fewer CPUs must leave the others out of that choice too.",
        locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
    )
