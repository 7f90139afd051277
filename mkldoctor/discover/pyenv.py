"""Which Python environment an interpreter stands for, read from files: nothing in it is run.

``mkldoctor python`` must not import a package to learn what it loads, and running the
interpreter to ask it for ``sys.path`` runs its ``site`` and every ``.pth`` file's ``import``
line: code from the environment. So the paths are read as ``site`` computes them:

- a venv: ``pyvenv.cfg`` beside the interpreter or one folder up (PEP 405) makes its folder the
  prefix; ``include-system-site-packages`` adds the base interpreter's (``home``) folders;
- a conda environment: ``conda-meta/`` in the prefix; its ``lib/`` holds the shared libraries of
  conda packages (mkl, intel-openmp, llvm-openmp, libopenblas);
- any other interpreter: its real path's prefix, Debian's ``dist-packages`` folders, the user's
  site-packages (unless ``PYTHONNOUSERSITE``);
- then ``PYTHONPATH`` first, and the folders that ``.pth`` files name (their ``import`` lines are
  code, and are not run).

The version (``3.11``) comes from the interpreter's real file name, ``pyvenv.cfg``, or the one
``lib/python3.*`` folder. ``python3`` on PATH may be pyenv's shim (a shell script): its version is
read from ``PYENV_VERSION``, ``.python-version`` files and ``$PYENV_ROOT/version``, as pyenv reads them.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from typing import Mapping

from mkldoctor.errors import InputError

_VERSION = re.compile(r"python(\d+\.\d+)$")


@dataclass(frozen=True)
class PythonEnv:
    interpreter: str | None  # the interpreter named or found; None when a prefix folder was named
    prefix: str  # what sys.prefix would be
    kind: str  # "venv", "conda", "prefix"
    version: str | None  # "3.11"
    site_dirs: tuple[str, ...]  # folders packages are imported from, in sys.path's order
    lib_dirs: tuple[str, ...]  # a conda prefix's lib/: the shared libraries its packages ship
    how: tuple[str, ...]  # how each part was found, in words


def find_env(python: str | None, environ: Mapping[str, str], cwd: str | None = None) -> PythonEnv:
    """The environment of ``python`` (an interpreter or a prefix folder); by default the active venv
    (``VIRTUAL_ENV``), the active conda environment (``CONDA_PREFIX``), else ``python3`` on PATH."""
    how: list[str] = []
    if python is None:
        for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
            if environ.get(variable):
                python = environ[variable]
                how.append(f"the active environment: {variable}={python}")
                break
        else:
            python = _on_path("python3", environ, cwd, how)
    if os.path.isdir(python):
        return _from_prefix(os.path.abspath(python), None, environ, how)
    if not os.path.exists(python):
        raise InputError(python, "no such interpreter or environment folder")
    python = os.path.abspath(python)
    if _is_script(python):
        python = _shim_target(python, environ, cwd, how)
    return _from_interpreter(python, environ, how)


def _on_path(name: str, environ: Mapping[str, str], cwd: str | None, how: list[str]) -> str:
    found = shutil.which(name, path=environ.get("PATH", os.defpath))
    if found is None:
        raise InputError(name, "not on PATH, and no VIRTUAL_ENV or CONDA_PREFIX: name the interpreter or the environment")
    how.append(f"{name} on PATH: {found}")
    return found


def _is_script(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return False


def _shim_target(path: str, environ: Mapping[str, str], cwd: str | None, how: list[str]) -> str:
    """pyenv's shim stands for ``$PYENV_ROOT/versions/<version>/bin/<name>``; any other script is refused."""
    with open(path, "rb") as handle:
        text = handle.read(4096).decode("utf-8", "replace")
    if "pyenv" not in text:
        raise InputError(path, "is a script, not an interpreter: name the interpreter or the environment folder")
    root = environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
    version, source = environ.get("PYENV_VERSION", ""), "PYENV_VERSION"
    folder = os.path.abspath(cwd or os.getcwd())
    while not version:
        candidate = os.path.join(folder, ".python-version")
        if os.path.isfile(candidate):
            version, source = _first_word(candidate), candidate
        elif folder == os.path.dirname(folder):
            candidate = os.path.join(root, "version")
            version, source = (_first_word(candidate) if os.path.isfile(candidate) else "system"), candidate
        folder = os.path.dirname(folder)
    version = version.split(":")[0]
    if version == "system":
        raise InputError(path, f"is pyenv's shim for the system Python ({source}): name that interpreter")
    target = os.path.join(root, "versions", version, "bin", os.path.basename(path))
    if not os.path.exists(target):
        raise InputError(path, f"is pyenv's shim for {version} ({source}), and {target} does not exist")
    how.append(f"{path} is pyenv's shim: version {version} from {source}")
    return target


def _first_word(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        words = handle.read(4096).split()
    return words[0] if words else ""


def _from_interpreter(python: str, environ: Mapping[str, str], how: list[str]) -> PythonEnv:
    folder = os.path.dirname(python)
    for candidate in (folder, os.path.dirname(folder)):
        if os.path.isfile(os.path.join(candidate, "pyvenv.cfg")):
            return _from_prefix(candidate, python, environ, how)
    parent = os.path.dirname(folder)
    if os.path.isdir(os.path.join(parent, "conda-meta")):
        return _from_prefix(parent, python, environ, how)
    real = os.path.realpath(python)
    how.append(f"{python} is {real}" if real != python else f"interpreter {python}")
    return _from_prefix(os.path.dirname(os.path.dirname(real)), python, environ, how)


def _from_prefix(prefix: str, python: str | None, environ: Mapping[str, str], how: list[str]) -> PythonEnv:
    config = _pyvenv_cfg(os.path.join(prefix, "pyvenv.cfg"))
    version = _version(python, config, prefix)
    sites: list[str] = []
    lib_dirs: list[str] = []
    if config is not None:
        kind = "venv"
        how.append(f"a venv: {os.path.join(prefix, 'pyvenv.cfg')}")
        sites += _prefix_sites(prefix, version)
        if config.get("include-system-site-packages", "false").lower() == "true" and config.get("home"):
            base = os.path.dirname(config["home"].rstrip("/"))
            how.append(f"include-system-site-packages: the base interpreter's folders in {base}")
            sites += _system_sites(base, version, environ)
    elif os.path.isdir(os.path.join(prefix, "conda-meta")):
        kind = "conda"
        how.append(f"a conda environment: {os.path.join(prefix, 'conda-meta')}")
        sites += _prefix_sites(prefix, version)
        lib_dirs.append(os.path.join(prefix, "lib"))
    else:
        kind = "prefix"
        sites += _system_sites(prefix, version, environ)
    if python is None and version is None and not sites:
        raise InputError(prefix, "not a Python environment: no pyvenv.cfg, conda-meta/ or lib/python3.*")
    paths = [p for p in environ.get("PYTHONPATH", "").split(":") if p]
    unique = {os.path.realpath(s): s for s in reversed(sites) if os.path.isdir(s)}  # lib64 -> lib: one folder, named first
    sites = _with_pth_folders([*paths, *reversed(unique.values())])
    return PythonEnv(python, prefix, kind, version, tuple(sites), tuple(lib_dirs), tuple(how))


def _pyvenv_cfg(path: str) -> dict[str, str] | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 16)
    except OSError:
        return None
    config = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            config[key.strip().lower()] = value.strip()
    return config


def _version(python: str | None, config: dict[str, str] | None, prefix: str) -> str | None:
    if python is not None:
        found = _VERSION.search(os.path.basename(os.path.realpath(python)))
        if found:
            return found.group(1)
    if config and re.match(r"\d+\.\d+", config.get("version", config.get("version_info", ""))):
        return ".".join(config.get("version", config.get("version_info", "")).split(".")[:2])
    try:
        found_dirs = sorted(n for n in os.listdir(os.path.join(prefix, "lib")) if re.fullmatch(r"python\d+\.\d+", n))
    except OSError:
        return None
    return found_dirs[-1].removeprefix("python") if len(found_dirs) == 1 else None


def _prefix_sites(prefix: str, version: str | None) -> list[str]:
    if version is None:
        return []
    return [os.path.join(prefix, lib, f"python{version}", "site-packages") for lib in ("lib", "lib64")]


def _system_sites(prefix: str, version: str | None, environ: Mapping[str, str]) -> list[str]:
    if version is None:
        return []
    major = version.split(".")[0]
    sites = _prefix_sites(prefix, version)
    sites += [os.path.join(prefix, "lib", f"python{major}", "dist-packages"),  # Debian's own interpreter
              os.path.join(prefix, "local", "lib", f"python{version}", "dist-packages"),
              os.path.join(prefix, "lib", f"python{version}", "dist-packages")]
    if not environ.get("PYTHONNOUSERSITE"):
        home = environ.get("HOME") or os.path.expanduser("~")
        sites.insert(0, os.path.join(environ.get("PYTHONUSERBASE") or os.path.join(home, ".local"),
                                     "lib", f"python{version}", "site-packages"))
    return sites


def _with_pth_folders(sites: list[str]) -> list[str]:
    """``sites`` and, after each, the existing folders its ``.pth`` files name (``import`` lines are not run)."""
    out: list[str] = []
    for site in sites:
        out.append(site)
        try:
            names = sorted(n for n in os.listdir(site) if n.endswith(".pth"))
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(site, name), encoding="utf-8", errors="replace") as handle:
                    lines = handle.read(1 << 16).splitlines()
            except OSError:
                continue
            for line in lines:
                line = line.strip()
                if line and not line.startswith(("#", "import ", "import\t")):
                    folder = os.path.normpath(os.path.join(site, line))
                    if os.path.isdir(folder) and folder not in out:
                        out.append(folder)
    return list(dict.fromkeys(out))


def project_env(project: str, environ: Mapping[str, str]) -> PythonEnv | None:
    """The Python environment a project runs in, for ``check``: the active venv or conda environment, else a
    ``.venv`` in the project folder; None when there is none (``check`` then says nothing of Python)."""
    for variable in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        if environ.get(variable) and os.path.isdir(environ[variable]):
            return find_env(environ[variable], environ)
    local = os.path.join(project, ".venv")
    if os.path.isfile(os.path.join(local, "pyvenv.cfg")):
        return find_env(os.path.abspath(local), environ)
    return None
