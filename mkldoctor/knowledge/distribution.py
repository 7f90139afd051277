"""Which MKL packages the package managers serve, for which platforms and which releases: the one home of these facts.

Intel's builds decide most of it (:mod:`mkldoctor.knowledge.platforms`: x86 only, macOS up to 2023.2, 32-bit up to
2024.2); each index adds its own:

- PyPI (``mkl``, ``mkl-devel``, ``mkl-include``, ``mkl-static``; read with ``pip index versions mkl --platform TAG
  --only-binary=:all:``, December 2026): x86-64 Linux and Windows from 2018.0.0 to now (the Linux wheels are
  ``manylinux1_x86_64`` up to 2024.2.2 and ``manylinux_2_28_x86_64`` from 2025.0.0, which a pip older than 20.3 or a
  glibc older than 2.28 does not take); macOS on Intel from 2018.0.0 to 2023.2.2; 32-bit x86 Linux and Windows from
  2021.1.1 to 2024.2.2; nothing for ARM (``macosx_11_0_arm64``, ``manylinux_2_28_aarch64``, ``win_arm64``) nor for musl
  (``musllinux``: Alpine). ``mkl-static`` starts at 2021.1.1. The wheels are ``py2.py3-none``: any Python version.
- conda (Anaconda's defaults, conda-forge): ``mkl`` for ``linux-64``, ``win-64`` and ``osx-64`` (osx-64 only up to the
  2023 releases), none for ``osx-arm64``, ``linux-aarch64``, ``linux-ppc64le``. conda-forge picks its BLAS with
  ``libblas=*=*mkl`` (or ``*openblas``, ``*accelerate`` on macOS), which exists where ``mkl`` does. The ``nomkl``
  metapackage of Anaconda's defaults was made for Linux and macOS: Windows had none (ContinuumIO/anaconda-issues#656,
  conda/conda-recipes#586: Anaconda's Windows numpy and scipy are MKL builds), and the ``nomkl`` 2.0 published for
  Windows in 2018 requires an OpenBLAS the Windows channel does not have (ContinuumIO/anaconda-issues#9990).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.knowledge import platforms
from mkldoctor.knowledge.history import version_key

# the MKL packages of the indexes (each follows Intel's release of the same number)
INTEL_PACKAGES = ("mkl", "mkl-devel", "mkl-include", "mkl-static", "mkl-service", "mkl_fft", "mkl-fft", "mkl_random",
                  "mkl-random", "mkl-dpcpp", "intel-openmp", "onemkl-sycl-blas", "mkl-rt")
_MKL_PACKAGE = re.compile(r"^(?:mkl(?:[-_.][\w.-]+)?|intel-openmp|onemkl[\w-]*|nomkl)$", re.I)
FRAMEWORK_BUILD = re.compile(r"^(?:mxnet|tensorflow|intel-tensorflow)-(?:cu\d+)?mkl$")  # a framework's MKL build: mxnet-mkl
SELECTORS = ("libblas", "libcblas", "liblapack", "liblapacke", "blas")  # conda's BLAS selectors: libblas=*=*mkl, blas=*=mkl

# conda's platform folders (subdirs), and the platform each is
CONDA_SUBDIRS = {"linux-64": "linux-x86_64", "win-64": "windows-x86_64", "osx-64": "macos-x86_64", "osx-arm64": "macos-arm64",
                 "linux-aarch64": "linux-aarch64", "win-arm64": "windows-arm64", "linux-32": "linux-x86", "win-32": "windows-x86",
                 "linux-ppc64le": "linux-ppc64le", "linux-s390x": "linux-s390x", "linux-armv7l": "linux-armv7l"}
_CONDA_OF = {v: k for k, v in CONDA_SUBDIRS.items()}


def conda_blas(build: str) -> str:
    """conda-forge's selector of one BLAS for a whole environment: ``libblas=*=*mkl`` (``openblas``, ``netlib``,
    ``accelerate``): the one spelling every fix that switches an environment's BLAS writes."""
    return f"libblas=*=*{build}"


def is_mkl_package(name: str, spec: str = "") -> bool:
    """``mkl``, ``mkl-static``, ``intel-openmp``, ``nomkl``; a BLAS selector only with MKL's build: conda-forge's
    ``libblas=*=*mkl``, Anaconda's ``blas=*=mkl``."""
    name = name.strip().lower()
    return bool(_MKL_PACKAGE.match(name) or FRAMEWORK_BUILD.match(name)) or (name in SELECTORS and "mkl" in spec.lower())


def conda_subdir(key: str) -> str:
    return _CONDA_OF.get(key, key)


def platform_of_subdir(subdir: str) -> str | None:
    return CONDA_SUBDIRS.get(subdir)


def platform_of_tag(tag: str) -> str | None:
    """A wheel's platform tag (``macosx_14_0_arm64``, ``manylinux_2_17_aarch64``, ``win_amd64``) as a platform key."""
    tag = tag.lower()
    system = "macos" if tag.startswith("macosx") else "windows" if tag.startswith("win") else "linux" if "linux" in tag else None
    if system is None:
        return None
    if tag.endswith(("arm64", "aarch64")):
        return f"{system}-{'arm64' if system != 'linux' else 'aarch64'}"
    if tag.endswith(("x86_64", "amd64", "universal2", "intel")):
        return f"{system}-x86_64"
    if tag.endswith(("i686", "win32", "i386")):
        return f"{system}-x86"
    return f"{system}-{tag.rsplit('_', 1)[-1]}"


@dataclass(frozen=True)
class Wheels:
    """The releases of PyPI's ``mkl`` one kind of machine can install (the ``--platform`` tags it accepts)."""

    platform: str  # a platform key (knowledge.platforms)
    first: str
    last: str | None  # None: every release up to now
    who: str  # the machines: "Linux on x86-64 with glibc 2.28 or newer"
    tags: str  # the wheels' platform tags


PYPI_MKL: tuple[Wheels, ...] = (
    Wheels("linux-x86_64", "2018.0.0", None, "Linux on x86-64 (glibc 2.28 or newer, pip 20.3 or newer)",
           "manylinux1_x86_64 up to 2024.2.2, manylinux_2_28_x86_64 from 2025.0.0"),
    Wheels("linux-x86_64", "2018.0.0", "2024.2.2", "Linux on x86-64 with a glibc older than 2.28 (CentOS 7) or a pip older "
           "than 20.3, which take no manylinux_2_28 wheel", "manylinux1_x86_64"),
    Wheels("windows-x86_64", "2018.0.0", None, "Windows on x64", "win_amd64"),
    Wheels("macos-x86_64", "2018.0.0", "2023.2.2", "macOS on Intel (x86-64)", "macosx_10_15_x86_64"),
    Wheels("linux-x86", "2021.1.1", "2024.2.2", "a 32-bit Python on x86 Linux", "manylinux1_i686"),
    Wheels("windows-x86", "2021.1.1", "2024.2.2", "a 32-bit Python on Windows", "win32"),
)
STATIC_FIRST = "2021.1.1"  # mkl-static's first release on PyPI (mkl, mkl-devel, mkl-include: 2018.0.0)
PYPI_NONE = "ARM (macOS on Apple silicon, Linux on aarch64, Windows on ARM) and musl Linux (Alpine)"
# pip 20.0.0 and 20.0.1 matched no wheel's platform tags on some Pythons: "(from versions: none)" where PyPI has the wheels
# (pypa/pip#7626, fixed in 20.0.2 within days; qiskit-metapackage#792: cvxopt's mkl on Windows)
PIP_TAGS_REGRESSION = ("a pip of 20.0.0 or 20.0.1 (pip --version) takes no wheel at all, also on platforms PyPI serves (a "
                       "regression in its platform tags, pypa/pip#7626, fixed in 20.0.2): python -m pip install --upgrade pip")


def pypi_wheels(key: str) -> list[Wheels]:
    return [w for w in PYPI_MKL if w.platform == key]


def pypi_has(key: str, release: str | None = None) -> bool:
    """Whether PyPI has an ``mkl`` wheel of ``release`` (None: of any release) for platform ``key``."""
    return any(release is None or (version_key(w.first) <= version_key(release)
                                   and (w.last is None or version_key(release) <= version_key(w.last))) for w in pypi_wheels(key))


def pypi_shown(versions: list[str]) -> list[Wheels]:
    """The machines whose pip would list exactly these versions of ``mkl`` (pip's ``from versions: ...``): the newest
    one shown is the last release of that kind of machine (an open span: newer than every closed one); none shown:
    no machine with a wheel."""
    if not versions:
        return []
    newest = max(versions, key=version_key)
    oldest = min(versions, key=version_key)
    closed = max(version_key(w.last) for w in PYPI_MKL if w.last)
    out = []
    for wheels in PYPI_MKL:
        if version_key(oldest) < version_key(wheels.first):
            continue
        if (wheels.last and version_key(newest) == version_key(wheels.last)) or (not wheels.last and version_key(newest) > closed):
            out.append(wheels)
    exact = [w for w in out if version_key(w.first) == version_key(oldest)]  # PyPI itself shows every release, from the first
    return exact or out


def conda_has(package: str, key: str, release: str | None = None) -> bool | None:
    """Whether conda's channels have ``package`` (``mkl``, ``nomkl``) for platform ``key``; None: not known here."""
    package = package.lower()
    if package == "nomkl":  # a metapackage with no MKL in it: Anaconda's has no Windows build; elsewhere not known here
        return False if key.startswith("windows") else None
    if is_mkl_package(package) or package in SELECTORS:
        return platforms.supported(key, release)
    return None


@dataclass(frozen=True)
class Alternative:
    """What to use where no MKL package exists: per kind of platform, the BLAS that is built for it."""

    platform: str
    blas: str  # the BLAS libraries built for it
    conda: str  # conda-forge's way to choose one
    pip: str
    elsewhere: str  # where MKL itself can still run


def alternative(key: str) -> Alternative:
    p = platforms.platform(key)
    if key == "macos-arm64":
        return Alternative(key, "Apple's Accelerate or OpenBLAS", f"conda install '{conda_blas('accelerate')}' (or '*openblas')",
                           "numpy's and scipy's own wheels (OpenBLAS; numpy 2 on macOS 14 or newer: Accelerate)",
                           "an Intel machine: a macOS x86-64 runner (GitHub Actions: macos-13; macos-latest and macos-14 "
                           "and newer are Apple silicon), or an x86-64 environment under Rosetta 2 (CONDA_SUBDIR=osx-64), "
                           "where MKL runs without AVX")
    if p.never:
        return Alternative(key, "OpenBLAS or BLIS (on ARM also Arm Performance Libraries)", f"conda install '{conda_blas('openblas')}'",
                           "numpy's and scipy's own wheels (OpenBLAS)", "an x86-64 machine (a Linux or Windows runner on x86-64)")
    return Alternative(key, "OpenBLAS", f"conda install '{conda_blas('openblas')}'", "numpy's and scipy's own wheels (OpenBLAS)",
                       "a release built for it")


def last_release_for(key: str) -> str | None:
    """The last MKL release line built for ``key`` (``macos-x86_64`` -> ``2023.2``); None: still built, or never."""
    return platforms.platform(key).last


def next_major(release: str) -> str:
    """``2023.2`` -> ``2024``: the first release year past a platform's last line, for a pin ``mkl<2024``."""
    return str(version_key(release)[0] + 1)
