"""BLAS libraries other than MKL that Python packages bring, declared once (as threadpoolctl declares
one controller per library kind): the file names they ship under, a name each one exports (asked of
the file's hash table, never guessed from the file name alone), and where its version is written.

MKL itself is ``knowledge/layout.py`` (its libraries) and ``knowledge/linked.py`` (MKL linked into
another library); the OpenMP and TBB runtimes are layout entries too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class BlasLibrary:
    kind: str  # "openblas"
    label: str  # "OpenBLAS"
    prefixes: tuple[str, ...]  # file names start so: "libopenblas", "libscipy_openblas" (numpy/scipy wheels)
    markers: tuple[str, ...]  # any one of these exported: it is this library
    config: bytes | None = None  # a read-only string the library carries, version first ("OpenBLAS 0.3.30 ...")
    ilp64_words: tuple[bytes, ...] = ()  # in that string: a 64-bit-integer build
    ilp64_suffix: str | None = None  # exports suffixed so: a 64-bit-integer build (scipy_openblas_get_config64_)


LIBRARIES: tuple[BlasLibrary, ...] = (
    # numpy and scipy wheels vendor scipy-openblas: symbols prefixed scipy_, the ILP64 build's suffixed 64_
    BlasLibrary("openblas", "OpenBLAS", ("libopenblas", "libscipy_openblas"),
                ("openblas_get_config", "openblas_get_config64_", "scipy_openblas_get_config", "scipy_openblas_get_config64_"),
                config=b"OpenBLAS ", ilp64_words=(b"USE64BITINT",), ilp64_suffix="64_"),
    BlasLibrary("blis", "BLIS", ("libblis",), ("bli_info_get_version_str",)),
    BlasLibrary("flexiblas", "FlexiBLAS", ("libflexiblas",), ("flexiblas_get_version",)),
    # the reference implementation (Debian's libblas3, conda-forge's blas=*=netlib): nothing but the API
    BlasLibrary("reference", "reference BLAS/LAPACK", ("libblas", "libcblas", "liblapack"), ("dgemm_", "cblas_dgemm", "dgesv_")),
)



def by_file(name: str) -> BlasLibrary | None:
    """The library a file name says it may be (``libscipy_openblas64_-32a4b2a6.so``), to be confirmed by a marker."""
    for library in LIBRARIES:
        if name.startswith(library.prefixes) and not name.startswith("liblapacke"):
            return library
    return None


def config_pattern(library: BlasLibrary) -> re.Pattern[bytes] | None:
    """``OpenBLAS 0.3.31.188.0  USE64BITINT DYNAMIC_ARCH NO_AFFINITY``: the version, then the build's words."""
    if library.config is None:
        return None
    return re.compile(re.escape(library.config) + rb"(\d+\.\d+(?:\.\d+)*)([ A-Za-z0-9_]*)")


def parse_config(library: BlasLibrary, found: re.Match[bytes]) -> tuple[str, bool]:
    """(version, 64-bit integers) from a match of :func:`config_pattern`."""
    return found.group(1).decode(), any(word in found.group(2) for word in library.ilp64_words)
