"""What mkldoctor knows about MKL without looking at files: plain data, small on purpose.

Provenance: FIRST_VERSION is read from ``mkldoctor/data/symbols.json``, which
``tools/gen_knowledge.py`` generates from the headers of every mkl-include release
(``hgemm``/``cblas_hgemm``: 2021.4; ``cblas_gemm_f16f16f32``: 2024.0); the tests check
it against the exported symbols of the fixtures.

RECIPES are the install commands per package manager, the same ones ``check`` uses.
"""

from __future__ import annotations

import re
import shlex

from mkldoctor.history import version_key  # noqa: F401 - re-exported for explain and link
from mkldoctor.recipes import INTEL_APT_REPO

def _first_versions() -> dict[str, str]:
    """symbol -> first MKL version that declares it, from the generated table (mkldoctor.history),
    with the spellings a Fortran name also goes by (hgemm_, hgemm, HGEMM)."""
    from mkldoctor import history

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

# the MKL version each channel gives; None: the newest oneMKL
CHANNEL_VERSION: dict[str, str | None] = {
    "pip": None,
    "conda": None,
    "intel-apt": None,
    "debian": "2020.4",  # Debian bookworm / Ubuntu 22.04-24.04 non-free libmkl-*: 2020.4.304
    "intel-mkl-src": "2020.1",  # the OCI image that the crate intel-mkl-src 0.8 downloads when it finds no MKL
}

INTEL_APT_SETUP = INTEL_APT_REPO  # one copy of the repository lines, in recipes

# What each channel installs for a need: "static" archives, "shared" libraries, "headers", "openmp" (libiomp5)
PACKAGES: dict[str, dict[str, str]] = {
    "pip": {"static": "mkl-static", "shared": "mkl-devel", "headers": "mkl-include", "openmp": "intel-openmp"},
    "conda": {"static": "mkl-static", "shared": "mkl-devel", "headers": "mkl-include", "openmp": "intel-openmp"},
    "intel-apt": {
        "static": "intel-oneapi-mkl-devel",
        "shared": "intel-oneapi-mkl-devel",
        "headers": "intel-oneapi-mkl-devel",
        "openmp": "intel-oneapi-openmp",
    },
    "debian": {"static": "libmkl-full-dev", "shared": "libmkl-dev", "headers": "libmkl-dev", "openmp": "libomp-dev"},
}

OPENMP_PREFIXES = ("omp_", "__kmpc_", "kmp_", "__kmp_", "ompt_", "kmpc_")
GNU_OPENMP_PREFIXES = ("GOMP_", "omp_")
MKL_SYMBOL = re.compile(
    r"^(?:mkl_|MKL_|cblas_|LAPACKE_|vs|vd|vc|vz|Dfti|dfti|fftw|pardiso|dss_|[sdczh](?:gemm|gemv|axpy|dot|scal|syrk|trsm|getrf|getrs|gesv|gesvd|syev|potrf)\w*_?$|[sdczh]\w{3,6}_$)"
)

KERNEL_LIBRARIES = ("mkl_def", "mkl_mc", "mkl_mc3", "mkl_avx", "mkl_avx2", "mkl_avx512", "mkl_avx512_mic", "mkl_avx10")


def has_symbol(version: str | None, symbol: str) -> bool | None:
    """Whether MKL ``version`` has ``symbol`` by the table; None when the table does not know."""
    first = FIRST_VERSION.get(symbol)
    if first is None or not version:
        return None
    return version_key(version) >= version_key(first)


def is_openmp_symbol(name: str) -> bool:
    return name.startswith(OPENMP_PREFIXES)


def looks_like_mkl(name: str) -> bool:
    return name in FIRST_VERSION or bool(MKL_SYMBOL.match(name))


def recipes(need: str, min_version: str | None = None) -> list[str]:
    """Install commands for ``need`` ("static", "shared", "headers", "openmp"), per channel.

    A channel whose MKL is older than ``min_version`` is left out (Debian's 2020.4 for
    ``hgemm_``) and said so in a comment line.
    """
    out: list[str] = []
    spec = f">={min_version}" if min_version else ""
    for channel, packages in PACKAGES.items():
        package = packages[need]
        known = CHANNEL_VERSION.get(channel)
        if min_version and known and version_key(known) < version_key(min_version) and need != "openmp":
            out.append(f"# not {channel}'s {package}: it is MKL {known}, older than {min_version}")
            continue
        if channel == "pip":
            extra = " " + shlex.quote(f"mkl-include{spec}") if need in ("static", "shared") else ""
            out.append(f"pip:       python3 -m pip install {shlex.quote(package + spec)}{extra}")
        elif channel == "conda":
            out.append(f"conda:     conda install {shlex.quote(package + spec)}")
        elif channel == "intel-apt":
            out.append(f"Intel apt: {INTEL_APT_SETUP[0]}")
            out.extend(f"           {line}" for line in INTEL_APT_SETUP[1:])
            out.append(f"           sudo apt-get install {package}")
            if need != "openmp":
                out.append("           source /opt/intel/oneapi/setvars.sh   # sets MKLROOT, LD_LIBRARY_PATH, PKG_CONFIG_PATH")
        elif channel == "debian":
            out.append(f"Debian:    sudo apt-get install {package}" + (f"   # non-free component; MKL {known}" if known and need != "openmp" else "   # LLVM's OpenMP, with a libiomp5.so link"))
    return out


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


CARGO_CLEAN = "cargo clean -p intel-mkl-src   # its build script caches what it found: make it look again"
