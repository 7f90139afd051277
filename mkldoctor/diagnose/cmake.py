"""Which MKL copy ``find_package(MKL)`` takes, predicted the way CMake and Intel's MKLConfig.cmake search.

Two searches decide it. CMake's own (config mode, as its ``find_package`` documents):
``MKL_DIR``, the ``MKL_ROOT`` variable and environment variable (policy CMP0074, CMake
3.12+), ``CMAKE_PREFIX_PATH`` (cache, then environment), the ``MKL_DIR`` environment
variable, prefixes derived from ``PATH`` (``<venv>/bin`` gives ``<venv>``: an activated
venv), then the system prefixes (``/usr/local``, ``/usr``, ``/``, ``/opt``); in each prefix
``lib/cmake/mkl*/``, ``lib*/mkl*/``, ``share/...``. The first folder holding
``MKLConfig.cmake`` (and a version that fits ``find_package(MKL <version>)``) wins; none
anywhere is a configure failure. Then MKLConfig.cmake's own: ``MKL_ROOT`` is
``$MKLROOT`` if set (2024+ configs stop when its ``mkl_version.h`` disagrees), else the
config's own prefix; the libraries are looked up with ``find_library``, which in 2024+
configs is pinned to ``MKL_ROOT`` (``NO_DEFAULT_PATH``) but in older ones searches
CMake's default folders first, so a system MKL with unversioned ``libmkl_*.so`` wins
over a pip copy that has only ``libmkl_*.so.2``.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, replace

from mkldoctor.discover import Inventory, check_symbols
from mkldoctor.inventory.install import MklInstall, describe, label, read_version_header
from mkldoctor.inventory.locate import install_from_path
from mkldoctor.rootfs import Broken, RootFS
from mkldoctor.knowledge import layout, recipes
from mkldoctor.knowledge.history import version_key
from mkldoctor.diagnose.predict import Choice
from mkldoctor.diagnose.project import Needs
from mkldoctor.diagnose.cmakelists import CMakeProject, read_cmake_project

CONFIG_NAMES = ("MKLConfig.cmake", "mkl-config.cmake")
SYSTEM_PREFIXES = ("/usr/local", "/usr", "/", "/usr/X11R6", "/usr/pkg", "/opt")
ARCH = "x86_64-linux-gnu"
NOT_FOUND = 'Could not find a package configuration file provided by "MKL"'




# -- CMake's config-file search ---------------------------------------------------------


def _host(root: str, path: str) -> str:
    return path if root == "/" else os.path.join(root, path.lstrip("/"))


# Under --root every look goes through the root's resolver (host paths in, host paths out):
# an image's /usr/lib/cmake/mkl linked to the host's folder is no config of the image.
def _isfile(fs: RootFS, path: str) -> bool:
    return fs.isfile(fs.inside(path))


def _real(fs: RootFS, path: str) -> str:
    found = fs.resolve(fs.inside(path))
    if isinstance(found, Broken):
        return found.host if found.kind in ("missing", "dangling") else path
    return found


def config_dirs(prefix: str, fs: RootFS | None = None) -> list[str]:
    """The folders CMake looks in under one prefix (Unix rows of find_package's table), in order."""
    fs = fs or RootFS("/")

    def matches(pattern: str) -> list[str]:
        return [fs.host(p) for p in fs.glob(fs.inside(pattern))] if not fs.is_host else sorted(glob.glob(pattern))

    out = [prefix]
    for base in [os.path.join(prefix, "lib", ARCH)] + matches(os.path.join(prefix, "lib*")) + [os.path.join(prefix, "share")]:
        out += matches(os.path.join(base, "cmake", "[mM][kK][lL]*"))
        for folder in matches(os.path.join(base, "[mM][kK][lL]*")):
            out += [folder, os.path.join(folder, "cmake"), os.path.join(folder, "CMake")]
    return list(dict.fromkeys(os.path.normpath(d) for d in out))


def search_prefixes(env: dict[str, str], root: str, project: CMakeProject) -> list[tuple[str, str]]:
    """(prefix, why) in CMake's order; ``MKL_DIR`` itself comes before all of them (see :func:`find_config`)."""
    out: list[tuple[str, str]] = []
    host = root == "/"
    if project.root_variables:
        if project.variables.get("MKL_ROOT"):
            out.append((project.variables["MKL_ROOT"], "set(MKL_ROOT) in CMakeLists"))
        if host and env.get("MKL_ROOT"):
            out.append((env["MKL_ROOT"], "environment MKL_ROOT (CMP0074)"))
    if project.variables.get("CMAKE_PREFIX_PATH"):
        out.append((project.variables["CMAKE_PREFIX_PATH"], "set(CMAKE_PREFIX_PATH) in CMakeLists"))
    if host:
        out += [(p, "environment CMAKE_PREFIX_PATH") for p in env.get("CMAKE_PREFIX_PATH", "").split(":") if p]
        for entry in (p for p in env.get("PATH", "").split(":") if p):
            entry = entry.rstrip("/") or "/"
            prefix = os.path.dirname(entry) if os.path.basename(entry) in ("bin", "sbin") else entry
            out.append((prefix or "/", f"PATH entry {entry}"))
        if env.get("CONDA_PREFIX"):
            out.append((env["CONDA_PREFIX"], "CONDA_PREFIX"))
    out += [(p, "system prefix") for p in SYSTEM_PREFIXES]
    return out


@dataclass(frozen=True)
class MklConfigFile:
    path: str  # host path of MKLConfig.cmake
    version: str | None  # MKLConfigVersion.cmake's PACKAGE_VERSION
    pinned: bool  # find_library(... NO_DEFAULT_PATH): only MKL_ROOT is searched
    versioned_names: bool  # looks for libmkl_*.so.N too, not only libmkl_*.so
    checks_mklroot: bool  # stops when $MKLROOT's mkl_version.h disagrees with its own version


def read_config(path: str, fs: RootFS | None = None) -> MklConfigFile:
    fs = fs or RootFS("/")
    try:
        with fs.open_host(path) as handle:
            text = handle.read(1 << 20).decode("utf-8", "replace")
    except OSError:
        text = ""
    version = None
    try:
        with fs.open_host(os.path.join(os.path.dirname(path), "MKLConfigVersion.cmake")) as handle:
            if match := re.search(r'set\s*\(\s*PACKAGE_VERSION\s+"?([0-9.]+)', handle.read(1 << 16).decode("utf-8", "replace")):
                version = match.group(1)
    except OSError:
        pass
    calls = re.findall(r"find_library\s*\(\s*\$\{lib\}_file(.*?)\)", text, re.S)
    pinned = bool(calls) and all("NO_DEFAULT_PATH" in call for call in calls)
    versioned = any("SO_VER" in call for call in calls)
    return MklConfigFile(path, version, pinned, versioned, "mismatches the found version" in text)


def _fits(config: MklConfigFile, wanted: str | None) -> bool:
    return wanted is None or config.version is None or version_key(config.version) >= version_key(wanted)


def find_config(env: dict[str, str], root: str, project: CMakeProject, steps: list[str]) -> MklConfigFile | None:
    """The MKLConfig.cmake that find_package(MKL CONFIG) loads, each place looked at noted in ``steps``."""
    fs = RootFS(root)
    places: list[tuple[list[str], str]] = []
    if project.variables.get("MKL_DIR"):
        places.append(([project.variables["MKL_DIR"]], f"MKL_DIR={project.variables['MKL_DIR']} (CMakeLists)"))
    for prefix, why in search_prefixes(env, root, project):
        if why == "environment CMAKE_PREFIX_PATH" and root == "/" and env.get("MKL_DIR") \
                and not any(w.startswith("environment MKL_DIR") for _, w in places):
            places.append(([env["MKL_DIR"]], f"environment MKL_DIR={env['MKL_DIR']}"))
        places.append((config_dirs(_host(root, prefix), fs), f"{why}: {prefix}"))
    if root == "/" and env.get("MKL_DIR") and not any(w.startswith("environment MKL_DIR") for _, w in places):
        index = next((i for i, (_, why) in enumerate(places) if why.startswith("PATH entry")), len(places))
        places.insert(index, ([env["MKL_DIR"]], f"environment MKL_DIR={env['MKL_DIR']}"))
    path_entries = 0
    for folders, why in places:
        for folder in folders:
            for name in CONFIG_NAMES:
                path = os.path.join(folder, name)
                if _isfile(fs, path):
                    config = read_config(path, fs)
                    if not _fits(config, project.version):
                        steps.append(f"{why}: {path} is MKL {config.version}, older than the {project.version} asked for: skipped")
                        continue
                    steps.append(f"{why}: {path} (MKL {config.version or 'version unknown'}): TAKEN")
                    return config
        if why.startswith("PATH entry"):
            path_entries += 1
            continue
        if path_entries:
            steps.append(f"the {path_entries} prefixes derived from PATH: no MKLConfig.cmake")
            path_entries = 0
        steps.append(f"{why}: no MKLConfig.cmake")
    if path_entries:
        steps.append(f"the {path_entries} prefixes derived from PATH: no MKLConfig.cmake")
    return None


# -- MKLConfig.cmake's own library search -------------------------------------------------


def _library_names(needs: Needs, config: MklConfigFile) -> tuple[str, list[str]]:
    # MKLConfig.cmake's default interface, when the project sets none: ilp64
    lib = layout.layer(needs.interface, "interface").name if needs.interface else layout.default("cmake", "interface").name
    if (needs.link or "dynamic") == "sdl":
        lib = "mkl_rt"
    if needs.link == "static":
        return lib, [f"lib{lib}.a"]
    names = [f"lib{lib}.so"]
    if config.versioned_names:
        names += [f"lib{lib}.so.{n}" for n in (3, 2, 1)]
    return lib, names + [f"lib{lib}.a"]  # the bare name: .so, then .a


def library_dirs(env: dict[str, str], root: str, project: CMakeProject, config: MklConfigFile, mkl_root: str) -> list[tuple[str, str]]:
    """Where find_library looks for MKL's libraries, in order."""
    own = [(os.path.join(mkl_root, sub), "MKL_ROOT") for sub in ("lib", "lib/intel64")]
    if config.pinned:
        return own
    out: list[tuple[str, str]] = []
    if project.root_variables:
        out += [(os.path.join(mkl_root, sub), "MKL_ROOT (CMP0074)") for sub in (f"lib/{ARCH}", "lib")]
    prefixes = [(_host(root, p), why) for p, why in search_prefixes(env, root, project) if not why.startswith("environment MKL_ROOT")]
    for prefix, why in prefixes:
        out += [(os.path.join(prefix, "lib", ARCH), why), (os.path.join(prefix, "lib"), why)]
    out += own
    seen: set[str] = set()
    unique = []
    for folder, why in out:
        if folder not in seen:
            seen.add(folder)
            unique.append((folder, why))
    return unique


def find_library(dirs: list[tuple[str, str]], names: list[str], fs: RootFS | None = None) -> tuple[str, str] | None:
    fs = fs or RootFS("/")
    for name in names:  # find_library tries each name in every folder before the next name
        for folder, why in dirs:
            path = os.path.join(folder, name)
            if _isfile(fs, path):
                return path, why
    return None


# -- the prediction -----------------------------------------------------------------------


def _owner(inventory: Inventory, path: str, fs: RootFS, steps: list[str]) -> MklInstall | None:
    """The copy that holds ``path``: one the inventory knows, else the folder described (and symbol-checked) now;
    what could not be read there goes to ``steps``."""
    folder = _real(fs, os.path.dirname(path))
    for install in inventory.installs:
        if folder in (_real(fs, d) for d in install.lib_dirs):
            return install
    if fs.is_host:
        install = install_from_path(folder, "cmake", evidence=(f"CMake's search: {path}",))
    else:
        install = describe("cmake", os.path.dirname(folder), [folder], evidence=(f"CMake's search: {path}",), fs=fs)
        install = install if install.libraries else None
    if install is None:
        return None
    problems: list[str] = []
    install = check_symbols(replace(install, sources=("cmake",)), inventory.symbols, problems, fs)
    steps += [f"reading {folder}: {problem}" for problem in problems]
    return install


def predict_cmake(inventory: Inventory, needs: Needs, env: dict[str, str], top: str) -> Choice | None:
    """The copy CMake will take, or None when the project finds MKL with a FindMKL.cmake of its own."""
    project = read_cmake_project(top)
    if project.module_mode:
        return None
    steps: list[str] = []
    fs = RootFS(inventory.root)
    config = find_config(env, inventory.root, project, steps)
    if config is None:
        fix = [f"cmake -DMKL_DIR={os.path.join(i.root, 'lib', 'cmake', 'mkl')} <build dir>" for i in inventory.installs
               if _isfile(fs, os.path.join(i.root, "lib", "cmake", "mkl", "MKLConfig.cmake"))][:1]
        if not fix:
            fix = [f"install a copy that ships MKLConfig.cmake: {recipes.pip_install('mkl-devel')} "
                   "(oneMKL 2022+), or intel-oneapi-mkl-devel; Debian's libmkl-dev and the 2021 wheels ship none",
                   "or find MKL without it: find_package(BLAS) with set(BLA_VENDOR Intel10_64lp), or pkg-config"]
        return Choice(None, "CMake finds no MKLConfig.cmake", tuple(steps),
                      failure=f"cmake stops at configure: {NOT_FOUND} (no MKLConfig.cmake where find_package looks)",
                      fix=tuple(fix))
    mkl_root, refused = _mkl_root(config, env, inventory.root, fs, steps)
    if refused is not None:
        return refused
    lib, names = _library_names(needs, config)
    dirs = library_dirs(env, inventory.root, project, config, mkl_root)
    found = find_library(dirs, names, fs)
    how = "pinned to MKL_ROOT (NO_DEFAULT_PATH)" if config.pinned else "CMake's default folders first, MKL_ROOT last"
    if found is None:
        looked = ", ".join(d for d, _ in dirs[:6])
        steps.append(f"find_library(lib{lib}): {how}; {' / '.join(names[:2])} in none of {looked}")
        return Choice(None, f"MKLConfig.cmake finds no lib{lib}", tuple(steps),
                      failure=f"cmake stops at configure: MKLConfig.cmake ({config.path}) finds no {names[0]}"
                              + ("" if config.versioned_names else " (it does not look for versioned .so.N names)"),
                      fix=(f"point it at a copy that has {names[0]}: cmake -DMKL_ROOT=<prefix> <build dir>",
                           f"or: {recipes.pip_install('mkl-devel')} (unversioned links) / use MKL_LINK static"))
    path, why = found
    install = _owner(inventory, path, fs, steps)
    steps.append(f"find_library(lib{lib}): {how}: {path} ({why}): TAKEN; cmake prints `Found MKL: {path}`"
                 if not config.pinned else f"find_library(lib{lib}): {how}: {path}: TAKEN")
    if install is None:
        return Choice(None, f"CMake takes {path}, which holds no MKL copy mkldoctor can read", tuple(steps))
    how = f"find_package(MKL CONFIG) loads {config.path}; its libraries come from {os.path.dirname(path)}"
    if _real(fs, os.path.dirname(path)).startswith(_real(fs, mkl_root).rstrip("/") + "/"):
        return Choice(install, how, tuple(steps))
    return _mixed(install, how, steps, config, mkl_root)


def _mkl_root(config: MklConfigFile, env: dict[str, str], root: str, fs: RootFS, steps: list[str]) -> tuple[str, Choice | None]:
    """The MKL_ROOT MKLConfig.cmake takes (MKLROOT, else its own prefix), or the Choice that it refuses MKLROOT."""
    config_root = os.path.normpath(os.path.join(_real(fs, os.path.dirname(config.path)), "..", "..", ".."))
    mklroot = env.get("MKLROOT") if root == "/" else None
    if not mklroot:
        steps.append(f"MKL_ROOT: {config_root} (the config's own prefix; MKLROOT not set)")
        return config_root, None
    steps.append(f"MKLConfig.cmake takes MKL_ROOT from MKLROOT={mklroot}, not from its own prefix {config_root}")
    if config.checks_mklroot:
        found = read_version_header(os.path.join(mklroot, "include"))
        if found is None or config.version is None or version_key(found) != version_key(config.version):
            said = f"MKL {found}" if found else "no include/mkl_version.h"
            return mklroot, Choice(None, f"MKLConfig.cmake {config.version} refuses MKLROOT={mklroot}", tuple(steps),
                                   failure=f"cmake stops at configure: MKLConfig.cmake {config.version} ({config.path}) requires "
                                           f"MKLROOT's mkl_version.h to say {config.version}; MKLROOT={mklroot} has {said}",
                                   fix=("unset MKLROOT", f"or: export MKLROOT={config_root}"))
    return mklroot, None


def _mixed(install: MklInstall, how: str, steps: list[str], config: MklConfigFile, mkl_root: str) -> Choice:
    """It builds, but with the config of one copy and the libraries of another."""
    warning = (f"find_package(MKL) loads MKLConfig.cmake {config.version or ''} from {mkl_root} but links the "
               f"libraries of {label(install)}: headers of one copy, libraries of another")
    fix = ["pin the libraries to the config's copy: set(CMAKE_FIND_USE_CMAKE_SYSTEM_PATH FALSE), "
           "set(CMAKE_FIND_USE_CMAKE_ENVIRONMENT_PATH FALSE) and set(CMAKE_FIND_USE_CMAKE_PATH FALSE) "
           "before find_package(MKL) (mkldoctor link --format cmake prints it)"]
    if not config.versioned_names:
        fix.append(f"this MKLConfig.cmake looks only for unversioned libmkl_*.so: {mkl_root}/lib has "
                   "none (pip's mkl wheel ships .so.N only); use MKL_LINK static with mkl-static, "
                   "or a oneMKL 2024+ copy whose config finds .so.N")
    return Choice(install, how, tuple(steps), warning=warning, fix=tuple(fix))
