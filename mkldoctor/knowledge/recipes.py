"""Fix recipes: the exact commands for each package manager, as data.

Which package gives what:
- Intel's apt/dnf repository: ``intel-oneapi-mkl`` has shared objects only;
  ``intel-oneapi-mkl-devel`` adds headers, static archives, pkg-config and CMake files.
  ``libiomp5`` comes with ``intel-oneapi-openmp`` (the compiler runtime).
- Debian/Ubuntu non-free: ``libmkl-rt`` and the per-layer ``libmkl-*`` packages are the
  shared objects; ``libmkl-dev`` adds headers and pkg-config files; the static archives
  are ``libmkl-interface-dev``, ``libmkl-threading-dev`` and ``libmkl-computational-dev``,
  which ``libmkl-full-dev`` pulls in. No ``libmkl-*`` package ships ``libiomp5``:
  LLVM's ``libomp-dev`` provides a compatible ``libiomp5.so``.
- pip: ``mkl`` (shared objects), ``mkl-static`` (archives), ``mkl-include`` (headers),
  ``mkl-devel`` (pkg-config and CMake files), ``intel-openmp`` (libiomp5).
- conda: ``mkl`` (shared), ``mkl-static``, ``mkl-include``, ``mkl-devel``, ``intel-openmp``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil

from mkldoctor.findings import Recipe
from mkldoctor.knowledge import folders
from mkldoctor.knowledge.history import version_key
from mkldoctor.knowledge.target import target

LATEST = "2026.2.0"  # the newest oneMKL on PyPI that this release of mkldoctor was tested with
VENV = "~/.venvs/mkl"  # where MKL's wheels go where python3 is externally managed (PEP 668)


# Intel's own repositories are named by what they are, never by their host (the project names no package registry
# host): the user adds them as Intel's installation guide shows; a machine whose sources have one is told so.
INTEL_APT_SOURCE = "oneapi all main"  # the suite and component of Intel's oneAPI apt source line


def intel_apt_repo(root: str = "/") -> tuple[str, ...]:
    """The lines that add Intel's apt repository (its key and source, as Intel's guide shows; apt-get update)."""
    return (
        "# first add Intel's oneAPI apt repository as Intel's oneAPI installation guide for APT shows: its signing key in "
        f"/usr/share/keyrings/oneapi-archive-keyring.gpg and the source line '... {INTEL_APT_SOURCE}' in "
        "/etc/apt/sources.list.d/oneAPI.list",
        target(root).privileged("apt-get update"),
    )


def intel_yum_repo(root: str = "/") -> tuple[str, ...]:
    return ("# first add Intel's oneAPI repository as Intel's oneAPI installation guide for YUM/DNF shows: "
            "/etc/yum.repos.d/oneAPI.repo, with its baseurl and gpgkey",)


def q(path: str) -> str:
    return shlex.quote(path)


# -- the install commands, each spelled once: every fix that names one takes it from here ----------
# Each fits the system it is printed for (``root``: "/" for this machine, else a sysroot or an image's tree):
# sudo only for a user who is not root where sudo is there, and pip into a venv of its own where python3 is
# externally managed (knowledge/target.py reads both).


def pip_install(*specs: str, root: str = "/") -> str:
    """``python3 -m pip install mkl==2024.2.0``: the interpreter's own pip (a bare pip may be another Python's);
    where that Python is externally managed (PEP 668), a venv made for MKL and its pip."""
    if target(root).managed:
        return f"python3 -m venv {VENV} && {VENV}/bin/python3 -m pip install {' '.join(specs)}"
    return "python3 -m pip install " + " ".join(specs)


def pip_note(root: str = "/") -> str | None:
    """What a recipe says under its pip line where that line makes a venv: why, and where MKL then is."""
    if not target(root).managed:
        return None
    return f"# python3 there is externally managed (PEP 668): MKL goes into a venv of its own; MKLROOT={VENV}"


def conda_install(*specs: str) -> str:
    return "conda install " + " ".join(specs)


def apt_install(*packages: str, root: str = "/") -> str:
    return target(root).privileged("apt-get install " + " ".join(packages))


def dnf_install(*packages: str, root: str = "/") -> str:
    return target(root).privileged("dnf install " + " ".join(packages))


def ld_so_conf(folder: str, root: str = "/") -> str:
    """The folder added to the loader's system-wide path: a file in /etc/ld.so.conf.d, then ldconfig."""
    t = target(root)
    return t.privileged(f"echo {q(folder)} | {t.sudo}tee /etc/ld.so.conf.d/mkl.conf && {t.sudo}ldconfig", prefixed=True)


def debian_package(library: str) -> str:
    """Debian's non-free package of one MKL library (2020.4): ``libmkl_intel_thread``, ``mkl_intel_thread`` or
    ``libmkl_intel_thread.so`` -> ``libmkl-intel-thread``."""
    return "lib" + library.split(".so", 1)[0].removeprefix("lib").replace("_", "-")


# mkldoctor's own optional parts (requests for bench --hf-repo), as its README tells to install them
BENCH_EXTRA = "pip install 'mkldoctor[bench]'"


def devel_links(root: str = "/") -> tuple[str, str]:
    """The packages whose libmkl_*.so development links (-lmkl_rt finds them) oneMKL's wheels lack."""
    return (f"{conda_install('mkl-devel')}   # conda's mkl-devel has the libmkl_*.so development links",
            f"or: {apt_install('intel-oneapi-mkl-devel', root=root)}   # Intel's apt repository, the same links")


def managers(root: str) -> list[str]:
    """The package managers present under ``root``, most system-like first."""
    found = []
    # the tool, or the package database it keeps (an image may have dpkg's database without apt);
    # an rpm database counts only where dpkg's does not (Debian can carry the rpm tool)
    exists = lambda *paths: any(os.path.exists(os.path.join(root, p)) for p in paths)  # noqa: E731
    dpkg = exists("usr/bin/apt-get", "var/lib/dpkg/status")
    if dpkg:
        found.append("apt")
    if exists("usr/bin/dnf", "usr/bin/yum") or (not dpkg and exists("var/lib/rpm", "usr/lib/sysimage/rpm")):
        found.append("dnf")
    if root == "/" and (os.environ.get("CONDA_PREFIX") or shutil.which("conda")):
        found.append("conda")
    found.append("pip")  # mkldoctor itself runs on Python: pip is there
    return found


def intel_apt_configured(root: str) -> bool:
    folder = os.path.join(root, "etc/apt/sources.list.d")
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read(1 << 16)
            # a one-line source (".../oneapi all main") or a deb822 one (URIs: .../oneapi, Suites: all)
            if INTEL_APT_SOURCE in text or re.search(r"^URIs:.*/oneapi/?\s*$", text, re.M):
                return True
        except OSError:
            continue
    return False


# intel-mkl-src (0.7/0.8), cargo's way to MKL: what it downloads when it finds no copy it can use
# (the OCI image <registry>/rust-math/rust-mkl), and the command that makes its build script look again
# an Anaconda environment whose numpy or scipy was updated without the MKL its build needs (or the reverse): MKL's own
# "Cannot load" of its layers and kernels follows (anaconda-issues#698 on Linux, CSDN 90260192 on Windows)
CONDA_UPDATED_IN_PARTS = ("in a conda environment (Anaconda's MKL): update MKL with the packages built on it, conda update mkl "
                          "numpy scipy (one build's set), or conda install nomkl for OpenBLAS builds: an environment updated in "
                          "parts is the most reported cause of this line (anaconda-issues#698)")
# conda's MKL packages from two channels or releases, or nomkl's builds beside MKL's, in one environment: said after the
# line above (CONDA_MIX), or as a line of its own
_CONDA_MIX_SHOWN = ("conda list | grep -E 'mkl|nomkl|blas' shows a mix (two MKL releases; the defaults channel's MKL builds "
                    "beside conda-forge's; nomkl's builds replacing some of the packages built for MKL): reinstall the packages "
                    "that use MKL from one channel (conda install -c conda-forge <package>), or conda remove nomkl")
CONDA_MIX = f"; {_CONDA_MIX_SHOWN}"
CONDA_ONE_CHANNEL = (f"conda: one MKL and one channel per environment: {_CONDA_MIX_SHOWN}, or conda install mkl=<the release "
                     "numpy was built with>")
INTEL_MKL_SRC_DOWNLOAD = "2020.1"
CARGO_CLEAN = "cargo clean -p intel-mkl-src"
CARGO_CLEAN_EXPLAINED = f"{CARGO_CLEAN}   # its build script caches what it found: make it look again"

# CMake keeps each search's result in the build folder's cache, and a later configure reuses it until the file is gone
CMAKE_CACHE = "<build dir>/CMakeCache.txt"
CMAKE_RESET = f"rm -f {CMAKE_CACHE}"


CMAKE_KEEPS = "the cache keeps the paths found and the checks made; only a search that found nothing runs again"


def cmake_reset(why: str = CMAKE_KEEPS) -> str:
    """The command that makes CMake search and check again, with why it must (tests/test_cmake_reset.py runs it)."""
    return f"{CMAKE_RESET}   # {why}"

# the MKL version each channel gives; None: the newest oneMKL
CHANNEL_VERSION: dict[str, str | None] = {
    "pip": None,
    "conda": None,
    "intel-apt": None,
    "intel-dnf": None,
    "debian": "2020.4",  # Debian bookworm / Ubuntu 22.04-24.04 non-free libmkl-*: 2020.4.304
    "intel-mkl-src": INTEL_MKL_SRC_DOWNLOAD,
}


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
    "intel-dnf": {
        "static": "intel-oneapi-mkl-devel",
        "shared": "intel-oneapi-mkl-devel",
        "headers": "intel-oneapi-mkl-devel",
        "openmp": "intel-oneapi-openmp",
    },
    "debian": {"static": "libmkl-full-dev", "shared": "libmkl-dev", "headers": "libmkl-dev", "openmp": "libomp-dev"},
}


def recipes(need: str, min_version: str | None = None, channels: list[str] | None = None,
            intel_repo: bool = True, root: str = "/") -> list[str]:
    """Install commands for ``need`` ("static", "shared", "headers", "openmp"), one block per channel.

    ``channels`` keeps only those (default: every channel); a channel whose MKL is older than
    ``min_version`` is left out (Debian's 2020.4 for ``hgemm_``) and said so in a comment line;
    ``intel_repo`` adds the lines that configure Intel's repository before its install command; ``root``: the
    system the commands are for.
    """
    out: list[str] = []
    spec = f">={min_version}" if min_version else ""
    if channels is None:  # every channel, and dnf's only where dnf is
        channels = [c for c in PACKAGES if c != "intel-dnf" or "dnf" in managers("/")]
    for channel, packages in PACKAGES.items():
        if channel not in channels:
            continue
        package = packages[need]
        known = CHANNEL_VERSION.get(channel)
        if min_version and known and version_key(known) < version_key(min_version) and need != "openmp":
            out.append(f"# not {channel}'s {package}: it is MKL {known}, older than {min_version}")
            continue
        if channel == "pip":
            extra = " " + shlex.quote(f"mkl-include{spec}") if need in ("static", "shared") else ""
            out.append(f"pip:       {pip_install(shlex.quote(package + spec) + extra, root=root)}")
            if note := pip_note(root):
                out.append(f"           {note}")
        elif channel == "conda":
            out.append(f"conda:     {conda_install(shlex.quote(package + spec))}")
        elif channel == "intel-apt":
            setup = list(intel_apt_repo(root)) if intel_repo else []
            lines = setup + [apt_install(package, root=root)]
            out.append(f"Intel apt: {lines[0]}")
            out.extend(f"           {line}" for line in lines[1:])
            if need != "openmp":
                out.append(f"           {folders.SOURCE_SETVARS}   # sets MKLROOT, LD_LIBRARY_PATH, PKG_CONFIG_PATH")
        elif channel == "intel-dnf":
            lines = list(intel_yum_repo(root)) + [dnf_install(package, root=root)]
            out.append(f"Intel dnf: {lines[0]}")
            out.extend(f"           {line}" for line in lines[1:])
        elif channel == "debian":
            out.append(f"Debian:    {apt_install(package, root=root)}" + (f"   # non-free component; MKL {known}" if known and need != "openmp" else "   # LLVM's OpenMP, with a libiomp5.so link"))
    return out


def channels_for(root: str, debian_present: bool) -> list[str]:
    """The channels a fix may use on the system at ``root``: its package managers, and pip."""
    present = managers(root)
    channels = []
    if "apt" in present:
        channels += (["debian"] if debian_present else []) + ["intel-apt"]
    if "dnf" in present:
        channels.append("intel-dnf")
    if "conda" in present:
        channels.append("conda")
    return channels + ["pip"]


def install_static(root: str, debian_present: bool, min_version: str | None = None) -> list[str]:
    """Commands that install an MKL with static archives, for the package managers present."""
    return recipes("static", min_version, channels=channels_for(root, debian_present),
                   intel_repo=not intel_apt_configured(root), root=root)


def install_openmp(root: str) -> list[str]:
    return recipes("openmp", channels=channels_for(root, True), intel_repo=not intel_apt_configured(root), root=root)


RECIPE_NAMES = {"static": "static-mkl", "shared": "mkl", "headers": "mkl-headers", "openmp": "openmp"}


def recipe_name(need: str, min_version: str | None = None) -> str:
    """The name a finding refers to: ``install-static-mkl``, ``install-mkl-2021.4+`` (explain and check alike)."""
    return f"install-{RECIPE_NAMES[need]}" + (f"-{min_version}+" if min_version else "")


def recipe_ref(recipe: Recipe) -> str:
    return f"see recipe `{recipe.name}` below"


def static_recipe(root: str, debian_present: bool, min_version: str | None = None) -> Recipe:
    """:func:`install_static` as a recipe: printed once per report, referred to by name."""
    return Recipe(recipe_name("static", min_version), tuple(install_static(root, debian_present, min_version)))


def openmp_recipe(root: str) -> Recipe:
    return Recipe(recipe_name("openmp"), tuple(install_openmp(root)))


def point_cargo_at(root: str, config: str | None) -> list[str]:
    """Make intel-mkl-src use the copy at ``root`` (it reads MKLROOT; re-runs only on change)."""
    steps = [f"export MKLROOT={q(root)}", CARGO_CLEAN]
    if config:
        steps.append(f"cargo build   # intel-mkl-src {config} now takes MKLROOT")
    return steps


def remove_packages(packages: list[str], kind: str, interpreter: str | None = None, prefix: str | None = None) -> str:
    """The command that removes ``packages`` from a Python environment: pip for a venv or prefix, conda for a
    conda environment (``kind`` as discover/pyenv.py says)."""
    if kind == "conda":
        return f"conda remove -p {q(prefix or '.')} " + " ".join(packages)
    return f"{q(interpreter or 'python3')} -m pip uninstall " + " ".join(packages)
