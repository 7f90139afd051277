"""What a path says of the MKL in it, without reading the machine it is on: the release its folder
names, the layout of that release, the Python environment a file belongs to.

``explain`` reads these from a log that comes from another machine (the folders a link line, a
loader message or a traceback names), where nothing can be looked at but the names themselves.
"""

from __future__ import annotations

import os
import re

from mkldoctor.knowledge.history import version_key

# The folder names each MKL distribution puts its release in, most specific first (paths in posix form).
_RELEASE_IN_PATH = (
    # oneAPI: /opt/intel/oneapi/mkl/2023.1.0, and its betas' folders (2021.1-beta09: a release before 2021.1.1)
    re.compile(r"/oneapi/mkl/(?P<v>20\d\d(?:\.\d+){0,2})(?:-beta\d+)?(?:/|$)", re.I),
    re.compile(r"intel-oneapi-mkl-(?P<v>20\d\d\.\d+(?:\.\d+)*)"),  # spack
    re.compile(r"(?:compilers_and_libraries|parallel_studio_xe|composer_xe)_(?P<v>20\d\d(?:\.\d+){0,2})", re.I),
    re.compile(r"/pkgs/mkl-(?P<v>(?:20\d\d|11)\.\d+(?:\.\d+)*)-"),  # conda's package cache: pkgs/mkl-2019.4-243
    re.compile(r"/nix/store/\w+-mkl-(?P<v>20\d\d\.\d+(?:\.\d+)*)"),  # nix
    re.compile(r"/imkl/(?P<v>(?:20\d\d|11)\.\d+(?:\.\d+)*)"),  # EasyBuild: imkl/11.1.2.144-GCC-4.8.3
    re.compile(r"/mkl/(?P<v>20\d\d(?:\.\d+){0,2})(?:/|$)", re.I),  # a versioned MKL folder: .../mkl/2023.0.0/lib
    re.compile(r"/mkl[-_](?P<v>(?:20\d\d|1[01])(?:\.\d+){1,2})(?:[-./]|$)", re.I),  # /opt/mkl_2019.4, mkl-11.3.3-0
    re.compile(r"/mkl-(?P<v>20\d\d(?:\.\d+){0,2})(?:/|$)", re.I),  # mkl-2021.3.0 (a cmake config folder)
)
# MKL 11.x (2013-2016) was renumbered by year from MKL 2017 on: "11.3" is the 2016 release.
_ELEVEN = {"11.0": "2013", "11.1": "2014", "11.2": "2015", "11.3": "2016"}


_PYTHON_PREFIX = re.compile(r"^(?P<prefix>/.+?)/lib/python\d(?:\.\d+)?/(?:site|dist)-packages/")


def release_in(path: str) -> str | None:
    """The MKL release a path's folder names (``2023.1.0``, ``2015``, ``11.3.3``), or None; Windows paths too."""
    text = path.replace("\\", "/")
    for pattern in _RELEASE_IN_PATH:
        match = pattern.search(text)
        if match:
            return match.group("v")
    return None


def year_of(release: str) -> str:
    """``11.3.3`` -> ``2016`` (MKL 11.x was renamed by year from 2017 on); anything else unchanged."""
    return _ELEVEN.get(".".join(release.split(".")[:2]), release)


def older_than(release: str, floor: str) -> bool:
    """Whether ``release`` (as a path names it) is older than ``floor`` (``2019.0``)."""
    return version_key(year_of(release)) < version_key(floor)


def python_prefix(path: str) -> str | None:
    """The environment (venv, conda env) a ``.../lib/pythonX.Y/site-packages/...`` path belongs to."""
    match = _PYTHON_PREFIX.match(path)
    return match.group("prefix") if match else None


def package_of(path: str) -> str | None:
    """The Python package a file installed in an environment is part of (``.../site-packages/torch/lib/libtorch_cpu.so``:
    ``torch``; a wheel's vendored ``numpy.libs`` folder: ``numpy``), or None."""
    names = re.findall(r"[/\\](?:site|dist)-packages[/\\]([A-Za-z0-9_.-]+?)(?:\.libs)?[/\\]", path)
    return names[-1] if names else None  # the innermost: an environment a package made inside its own folder


# the folder names conda's installers give their base install (Anaconda, Miniconda, Miniforge, Mambaforge): one spelling for
# the discovery here, the layouts of knowledge.folders and explain's readers of a log's paths
CONDA_INSTALL = r"(?:ana|mini)conda\d?|miniforge\d?|mambaforge"


def is_conda(prefix: str) -> bool:
    """A conda environment (or base install) by its path: ``.../envs/NAME``, ``anaconda3``, ``miniforge3``..."""
    return bool(re.search(rf"/envs/[^/]+$|{CONDA_INSTALL}|/conda(?:/|$)", prefix))


def conda_env_of(library: str) -> str | None:
    """The conda environment a library lies in (``<env>/lib/libmkl_intel_thread.so``, also reached through
    ``<env>/lib/python3.7/site-packages/mkl/../../../``), or None."""
    folder = os.path.dirname(os.path.normpath(library.replace("\\", "/")))
    if os.path.basename(folder) != "lib":
        return None
    prefix = os.path.dirname(folder)
    return prefix if is_conda(prefix) else None


def is_package_cache(path: str) -> bool:
    """A conda package cache (``.../pkgs/mkl-2019.4-243/lib``): files there are not on any loader path."""
    return "/pkgs/" in path


# The folders wheel-repair tools copy a package's shared-library dependencies into, beside the package in
# site-packages: auditwheel (Linux) and delvewheel (Windows) ``<package>.libs``, older auditwheel ``<package>/.libs``,
# delocate (macOS) ``<package>/.dylibs``. Only the libraries the package's extensions name (DT_NEEDED, the import table,
# LC_LOAD_DYLIB) are copied: a library loaded with dlopen or LoadLibrary at run time, as MKL loads its kernels, is not.
# A report may shorten the path before the folder to "..." (open_spiel PR #1603: ".../scs.libs/libmkl_avx512.so.3").
_VENDORED = (
    ("auditwheel or delvewheel", re.compile(r"(?:^|/)(?:(?:site|dist)-packages/(?:[\w.-]+/\.\./)?|\.\.\./)(?P<pkg>[\w.-]+?)\.libs/", re.I)),
    ("auditwheel", re.compile(r"(?:^|/)(?:site|dist)-packages/(?P<pkg>[\w.-]+?)/\.libs/", re.I)),
    ("delocate", re.compile(r"(?:^|/)(?:site|dist)-packages/(?P<pkg>[\w.-]+?)/\.dylibs/", re.I)),
)


def vendored(path: str) -> tuple[str, str, str] | None:
    """(the package, the folder, the tool that made it) for a library a wheel-repair tool copied into a package's own
    folder (``site-packages/scs/../scs.libs/libmkl_core.so.2`` -> ``scs``); None for any other path."""
    text = path.replace("\\", "/")
    for tool, pattern in _VENDORED:
        match = pattern.search(text)
        if match:
            folder = re.sub(r"/[\w.-]+/\.\./", "/", text[:match.end()]).rstrip("/")
            return match.group("pkg"), folder, tool
    return None


def venv_lib_fix(venv: str) -> str:
    """Where pip's wheels of MKL and Intel's runtimes put their libraries in a Python environment that is not conda's, and
    how a program finds them there (IntelPython/dpctl#1892: libintlc.so.5 of intel-cmplr-lib-rt in a venv)."""
    return (f"a pip wheel (MKL's, Intel's runtimes) installs its libraries in {venv}/lib, which neither the loader nor an "
            f"extension's own run path ($ORIGIN) names: export LD_LIBRARY_PATH={venv}/lib, or patchelf --set-rpath "
            "'$ORIGIN:<that lib folder>' <the extension's .so> (dpctl#1892)")


def from_intel_wheels(stem: str) -> bool:
    """A library pip's wheels of MKL or Intel's runtimes carry (``libmkl_rt``, ``libiomp5``, ``libintlc``, ``libsycl``),
    not MKL-DNN's bundled MKL-ML (libmklml_intel)."""
    from mkldoctor.knowledge.facts import INTEL_C_RUNTIME

    return bool(re.match(rf"lib(?:mkl_|iomp5|sycl|tbb|{'|'.join(r.removeprefix('lib') for r in INTEL_C_RUNTIME)})", stem))
