"""Where each MKL distribution keeps its files, per platform and release, and what sets the environment for it.

A log from another machine names folders (``-LIBPATH:C:\\...\\oneAPI\\mkl\\2023.1.0\\lib``,
``/opt/intel/compilers_and_libraries_2020/linux/mkl/include``, ``.../anaconda3/lib``): read against
these layouts, a folder says which distribution and release it belongs to, and whether the files a
tool looked for can be in it at all (oneAPI 2021-2023 keep the libraries in ``lib/intel64``, oneAPI
2024 and newer directly in ``lib``). Folder names are spelled with ``/``; Windows paths are compared
with their ``\\`` turned to ``/``.

Sources: Intel's oneAPI and Parallel Studio installation layouts (2016-2026), conda's and pip's
``Library\\bin``/``Library\\lib`` on Windows, vcpkg's intel-mkl port; the public threads in
tests/data/explain_corpus (pytorch/pytorch#105215, faiss#4769, r-hub/containers#106).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.knowledge.history import version_key
from mkldoctor.knowledge.places import CONDA_INSTALL

ONEAPI_FLAT = "2024.0"  # the first oneAPI release whose MKL keeps its libraries in lib/ rather than lib/intel64/
# the MKL of Debian's and Ubuntu's own packages (libmkl-*, non-free / multiverse), in the system's library folder
DISTRIBUTION_MKL = "Debian's and Ubuntu's libmkl-*, MKL 2019.5 or 2020.4"
# the folder those packages install into (in a sysroot too): the distribution's multiarch library folder
_DISTRIBUTION_FOLDER = re.compile(r"(?:^|/)(?:usr/)?lib(?:64)?/x86_64-linux-gnu$|^/(?:usr/)?lib(?:64)?$")


def is_distribution_folder(folder: str) -> bool:
    """``/usr/lib/x86_64-linux-gnu`` (or ``/lib/...``, ``/usr/lib``): where a distribution's packages put MKL."""
    return _DISTRIBUTION_FOLDER.search(posix(folder).rstrip("/")) is not None


SOURCE_SETVARS = "source /opt/intel/oneapi/setvars.sh"  # oneAPI's environment script on Linux and macOS, sourced
ONEAPI_SETVARS_BAT = r"C:\Program Files (x86)\Intel\oneAPI\setvars.bat"  # oneAPI's environment script on Windows (its default place)
# a cluster's environment modules (Lmod, Environment Modules): an Intel compiler's or MKL's module puts its lib folders on
# LD_LIBRARY_PATH (a course's notes for atomsk: module load intel/19.0.5; a job script for GROMACS under qrsh)
MODULE_LOAD = ("a cluster with environment modules: module load <the Intel compiler's or MKL's module the program was built "
               "with> (module avail intel mkl; module show <it> names its lib folder) in the shell or job script that runs it; "
               "a batch job's or qrsh's non-interactive shell has no module command until the module system's own init is "
               "sourced (/etc/profile.d/lmod.sh or modules.sh, or bash -l), and every module load before it does nothing")


@dataclass(frozen=True)
class Folders:
    """One distribution's layout on one platform: where the link libraries, the run-time libraries and Intel's
    OpenMP runtime are (``<ver>``: the release folder, ``<env>``: an environment's prefix), and what sets the
    environment (PATH/LIB on Windows, LD_LIBRARY_PATH and CPATH on Linux) for it."""

    name: str  # "oneapi-2024", "oneapi-2021", "parallel-studio", "conda", "pip", "vcpkg", "debian"
    platform: str  # "windows", "linux" or "macos"
    releases: str  # what the layout covers, in words
    pattern: re.Pattern[str]  # a path of this layout (``/`` separators; group ``version`` when the path names it)
    libs: str  # the link libraries (.lib on Windows, .so/.a on Linux)
    runtime: str  # the run-time libraries (DLLs on Windows)
    openmp: str  # Intel's OpenMP runtime (libiomp5md.dll / libiomp5.so)
    environment: str  # the command that sets the environment for it


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


# "latest" is the newest release's link: its lib/intel64 (redist\intel64 on Windows) exists only while that is 2021-2023's
LAYOUTS: tuple[Folders, ...] = (
    Folders("oneapi-2024", "windows", "oneAPI 2024.0 and newer",
            _p(r"/oneAPI/mkl/(?P<version>20(?:2[4-9]|[3-9]\d)[\d.]*|latest(?!/(?:lib|redist)/intel64))(?:/|$)"),
            r"C:\Program Files (x86)\Intel\oneAPI\mkl\<ver>\lib", r"C:\Program Files (x86)\Intel\oneAPI\mkl\<ver>\bin",
            r"C:\Program Files (x86)\Intel\oneAPI\compiler\<ver>\bin",
            f'call "{ONEAPI_SETVARS_BAT}"'),
    Folders("oneapi-2021", "windows", "oneAPI 2021.1 to 2023.2",
            _p(r"/oneAPI/mkl/(?P<version>202[1-3][\d.]*|latest(?=/(?:lib|redist)/intel64))(?:/|$)"),
            r"C:\Program Files (x86)\Intel\oneAPI\mkl\<ver>\lib\intel64", r"C:\Program Files (x86)\Intel\oneAPI\mkl\<ver>\redist\intel64",
            r"C:\Program Files (x86)\Intel\oneAPI\compiler\<ver>\windows\redist\intel64_win\compiler",
            f'call "{ONEAPI_SETVARS_BAT}"'),
    Folders("parallel-studio", "windows", "Parallel Studio XE and MKL 2020 and older",
            _p(r"/compilers_and_libraries_(?P<version>20\d\d(?:\.\d+)*)/windows/"),
            r"C:\Program Files (x86)\IntelSWTools\compilers_and_libraries_<ver>\windows\mkl\lib\intel64_win",
            r"C:\Program Files (x86)\IntelSWTools\compilers_and_libraries_<ver>\windows\redist\intel64_win\mkl",
            r"C:\Program Files (x86)\IntelSWTools\compilers_and_libraries_<ver>\windows\redist\intel64_win\compiler",
            r"call <install>\windows\mkl\bin\mklvars.bat intel64   (or compilervars.bat intel64)"),
    Folders("vcpkg", "windows", "vcpkg's intel-mkl port",
            _p(r"/vcpkg/(?:.*/)?installed/[\w-]+/"),
            r"<vcpkg>\installed\<triplet>\lib\intel64 (the port's .lib files; msbuild integration links only <triplet>\lib)",
            r"<vcpkg>\installed\<triplet>\bin", r"<vcpkg>\installed\<triplet>\bin",
            "vcpkg integrate install; the kernel DLLs are not import dependencies: copy them beside the program"),
    Folders("conda", "windows", "conda's mkl, mkl-devel and intel-openmp packages",
            _p(rf"/(?:{CONDA_INSTALL})/|/conda/envs/|/envs/[\w.-]+/Library/|/Library/(?:bin|lib)(?:/|$)"),
            r"<env>\Library\lib", r"<env>\Library\bin", r"<env>\Library\bin", "conda activate <env>   # puts <env>\\Library\\bin on PATH"),
    Folders("pip", "windows", "PyPI's mkl, mkl-devel and intel-openmp wheels",
            _p(r"/(?:Python\d+|venv|\.venv)/(?:.*/)?Library/(?:bin|lib)(?:/|$)"),
            r"<python prefix>\Library\lib", r"<python prefix>\Library\bin", r"<python prefix>\Library\bin",
            r"os.add_dll_directory(r'<python prefix>\Library\bin')   # Python 3.8+ ignores PATH for an extension's DLLs"),
    Folders("oneapi-2024", "linux", "oneAPI 2024.0 and newer",
            _p(r"/oneapi/mkl/(?P<version>20(?:2[4-9]|[3-9]\d)[\d.]*|latest(?!/(?:lib|redist)/intel64))(?:/|$)"),
            "/opt/intel/oneapi/mkl/<ver>/lib", "/opt/intel/oneapi/mkl/<ver>/lib", "/opt/intel/oneapi/compiler/<ver>/lib",
            SOURCE_SETVARS + "   # or <install>/mkl/<ver>/env/vars.sh"),
    Folders("oneapi-2021", "linux", "oneAPI 2021.1 to 2023.2",
            _p(r"/oneapi/mkl/(?P<version>202[1-3][\d.]*|latest(?=/(?:lib|redist)/intel64))(?:/|$)"),
            "/opt/intel/oneapi/mkl/<ver>/lib/intel64", "/opt/intel/oneapi/mkl/<ver>/lib/intel64",
            "/opt/intel/oneapi/compiler/<ver>/linux/compiler/lib/intel64_lin",
            SOURCE_SETVARS + "   # or <install>/mkl/<ver>/env/vars.sh"),
    Folders("parallel-studio", "linux", "Parallel Studio XE, Composer XE and MKL 2020 and older",
            _p(r"/(?:compilers_and_libraries_|parallel_studio_xe_|composer_xe_)(?P<version>20\d\d(?:\.\d+)*)|/intel/mkl/lib/(?:intel64|ia32)"),
            "/opt/intel/compilers_and_libraries_<ver>/linux/mkl/lib/intel64_lin (and /opt/intel/mkl/lib/intel64)",
            "/opt/intel/compilers_and_libraries_<ver>/linux/mkl/lib/intel64_lin",
            "/opt/intel/compilers_and_libraries_<ver>/linux/compiler/lib/intel64_lin (linked as /opt/intel/lib/intel64_lin)",
            "source <install>/bin/compilervars.sh intel64   # or mkl/bin/mklvars.sh intel64, or bin/psxevars.sh"),
    Folders("conda", "linux", "conda's mkl packages",
            _p(rf"/(?:{CONDA_INSTALL})/|/conda/envs/"),
            "<env>/lib", "<env>/lib", "<env>/lib", "conda activate <env>"),
    Folders("pip", "linux", "PyPI's mkl wheels",
            _p(r"/site-packages/|/dist-packages/"),
            "<python prefix>/lib", "<python prefix>/lib", "<python prefix>/lib",
            "export LD_LIBRARY_PATH=<python prefix>/lib   # the mkl wheel puts libmkl_*.so there, not in site-packages"),
    # macOS (up to 2023.2, knowledge.platforms): one architecture, so no intel64 folder in any release (JuliaLang/julia#18167,
    # JuliaSparse/Pardiso.jl#22: /opt/intel/compilers_and_libraries_2017.4.181/mac/mkl/lib)
    Folders("oneapi-2021", "macos", "oneAPI 2021.1 to 2023.2",
            _p(r"/oneapi/mkl/(?P<version>202[1-3][\d.]*|latest)(?:/|$)"),
            "/opt/intel/oneapi/mkl/<ver>/lib", "/opt/intel/oneapi/mkl/<ver>/lib", "/opt/intel/oneapi/compiler/<ver>/mac/compiler/lib",
            SOURCE_SETVARS),
    Folders("parallel-studio", "macos", "Parallel Studio XE, Composer XE and MKL 2020 and older",
            _p(r"/(?:compilers_and_libraries_|parallel_studio_xe_|composer_xe_)(?P<version>20\d\d(?:\.\d+)*)|/intel/mkl/lib(?:/|$)"),
            "/opt/intel/compilers_and_libraries_<ver>/mac/mkl/lib (and /opt/intel/mkl/lib)",
            "/opt/intel/compilers_and_libraries_<ver>/mac/mkl/lib", "/opt/intel/compilers_and_libraries_<ver>/mac/compiler/lib",
            "source /opt/intel/mkl/bin/mklvars.sh intel64   # or compilervars.sh intel64"),
    Folders("conda", "macos", "conda's mkl packages",
            _p(rf"/(?:{CONDA_INSTALL})/|/conda/envs/"),
            "<env>/lib", "<env>/lib", "<env>/lib", "conda activate <env>"),
)

def posix(path: str) -> str:
    return path.replace("\\", "/")


def file_name(path: str) -> str:
    """The last part of a path, whichever separator a platform's log spells it with (``C:\\x\\mkl_rt.2.dll``)."""
    return posix(path).rsplit("/", 1)[-1]


def recognise(path: str, platform: str | None = None) -> tuple[Folders, str | None] | None:
    """The layout a path of a log belongs to, and the release it names (None when it names none)."""
    text = posix(path)
    for folders in LAYOUTS:
        if platform and folders.platform != platform:
            continue
        match = folders.pattern.search(text)
        if match:
            version = match.groupdict().get("version")
            return folders, version if version and version != "latest" else None
    return None


def oneapi_lib_dir(version: str, windows: bool) -> str:
    """Where a oneAPI release keeps its libraries, under its mkl/<ver> folder: ``lib/intel64`` before 2024, ``lib`` since."""
    flat = version_key(version) >= version_key(ONEAPI_FLAT)
    sub = "lib" if flat else "lib/intel64"
    return sub.replace("/", "\\") if windows else sub


# the bare lib folder of a pre-oneAPI MKL root (/opt/intel/mkl, .../compilers_and_libraries_<ver>/linux/mkl): on Linux
# that layout keeps its libraries in lib/intel64 (a link to lib/intel64_lin) and lib/ia32, never in lib itself
_PRE_ONEAPI_LIB = re.compile(r"^(?P<root>(?:.*/)?(?:intel|linux)/mkl)/lib$", re.I)
ONEAPI_LATEST_LIB = "/opt/intel/oneapi/mkl/latest/lib"


def lib_dir_instead(folder: str, platform: str | None = None) -> tuple[str, ...]:
    """The folders that hold the libraries a log's ``-L`` folder was meant to give, when :func:`lib_dir_mismatch` finds
    it cannot hold them (empty otherwise); ``platform``: the log's system ("macOS": MKL 2020 and older keep their
    libraries in ``/opt/intel/mkl/lib`` itself there)."""
    text = posix(folder).rstrip("/")
    pre = _PRE_ONEAPI_LIB.match(text)
    if pre and "\\" not in folder and platform != "macOS":
        return (f"{pre.group('root')}/lib/intel64", ONEAPI_LATEST_LIB)
    latest = re.search(r"^(?P<root>.*/oneapi/mkl/latest)/lib/intel64$", text, re.I)
    if latest:
        return (f"{latest.group('root')}/lib",)
    match = re.search(r"^(?P<root>.*/oneapi/mkl/(?P<v>20\d\d(?:\.\d+)*))/(?P<sub>lib(?:/intel64)?)$", text, re.I)
    if match and match.group("sub").lower() != oneapi_lib_dir(match.group("v"), False):
        return (f"{match.group('root')}/{oneapi_lib_dir(match.group('v'), False)}",)
    return ()


def lib_dir_mismatch(folder: str) -> str | None:
    """A sentence when a log's library folder cannot hold the libraries of the release it names: a oneAPI 2021-2023
    folder given as ``mkl/<ver>/lib`` (the libraries are in ``lib/intel64``), or a 2024+ one as ``lib/intel64``; a
    pre-oneAPI root's bare ``lib`` (``/opt/intel/mkl/lib``: Parallel Studio keeps them in ``lib/intel64``)."""
    text = posix(folder).rstrip("/")
    if _PRE_ONEAPI_LIB.match(text) and "\\" not in folder:
        return (f"{folder} is the lib folder of the pre-oneAPI layout (Parallel Studio XE, MKL 2020 and older), which keeps "
                f"its Linux libraries in lib/intel64 (lib/intel64_lin), not in lib; a oneAPI MKL is elsewhere: "
                f"/opt/intel/oneapi/mkl/<ver>/lib ({ONEAPI_FLAT} and newer) or lib/intel64 (2021-2023)")
    if re.search(r"/oneapi/mkl/latest/lib/intel64$", text, re.I):
        return (f"{folder} is oneAPI's latest release's lib/intel64, which exists only while latest is a 2021-2023 release: "
                f"{ONEAPI_FLAT} and newer keep the libraries in latest/lib (a script or Makefile written for 2021-2023 "
                "names a folder that is gone)")
    match = re.search(r"/oneapi/mkl/(?P<v>20\d\d(?:\.\d+)*)/(?P<sub>lib(?:/intel64)?)$", text, re.I)
    if not match:
        return None
    version, sub = match.group("v"), match.group("sub").lower()
    right = oneapi_lib_dir(version, False)
    if sub == right:
        return None
    windows = "\\" in folder
    return (f"{folder} is oneAPI MKL {version}'s {sub.replace('/', chr(92)) if windows else sub} folder; that release keeps its "
            f"libraries in {oneapi_lib_dir(version, windows)} (oneAPI 2021-2023: lib/intel64; {ONEAPI_FLAT} and newer: lib)")


_INTEL64 = re.compile(r"(?P<root>\S*?mkl\S*?)/lib/intel64(?:_\w+)?(?:/[^/]+\.dylib)?/?$", re.I)


def macos_libs() -> list[str]:
    """Where MKL keeps its libraries on macOS, per layout: ``<root>/lib``, never ``lib/intel64``."""
    return [f"{f.releases}: {f.libs}" for f in LAYOUTS if f.platform == "macos"]


def intel64_on_macos(path: str) -> str | None:
    """A sentence for an MKL ``.../lib/intel64`` folder named by a macOS log (a Linux recipe's folder): on macOS MKL keeps
    its libraries in ``<root>/lib``; None for any other path."""
    match = _INTEL64.search(posix(path))
    if not match:
        return None
    return (f"{path} is a lib/intel64 folder, which MKL for macOS does not have: there its libraries are in "
            f"{match.group('root')}/lib")


_SYSTEM = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}


def path_layout(path: str) -> str | None:
    """Whose folder a library's path is (a log's ``/opt/intel/mkl/lib/intel64/libmkl_core.a``), and where the other layouts
    keep the same file: a path written for one layout names no file in another. None for a path of no known layout."""
    found = recognise(os.path.dirname(posix(path)))
    if found is None:
        return None
    layout, _ = found
    others = [f"{f.releases} on {_SYSTEM[f.platform]}: {f.libs}" for f in LAYOUTS
              if f.platform in ("linux", "macos") and f is not layout and f.name in ("oneapi-2024", "oneapi-2021", "parallel-studio")]
    return (f"{os.path.dirname(path)} is the folder of {layout.releases} on {_SYSTEM[layout.platform]}; a path written for one layout "
            f"names no file in another: {'; '.join(others)}")
