"""``find_library``, ``find_path``, ``find_file`` and ``find_program`` as CMake 3.25 searches on Linux, checked
against real cmake's ``--debug-find`` (the order below is what it prints): the package roots of the
``find_package`` calls in progress, ``CMAKE_PREFIX_PATH`` and ``CMAKE_<KIND>_PATH`` (variable, then environment),
``HINTS``, the system environment (``LIB``/``INCLUDE``, then ``PATH``'s own folders), CMake's system prefixes
(``/usr/local``, ``/usr``, ``/``, ``/usr/X11R6``, ``/usr/pkg``, ``/opt``), then ``PATHS``. A prefix gives
``lib/<arch>``, ``lib`` and itself (``include``..., ``bin``/``sbin``...); each folder is tried with every
``PATH_SUFFIXES`` first, then alone. Names are tried one after another, each in every folder, unless
``NAMES_PER_DIR``; in one folder ``libNAME.so`` wins over ``libNAME.a`` unless ``CMAKE_FIND_LIBRARY_SUFFIXES``
says otherwise (FindBLAS's ``BLA_STATIC``)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.condition import Word
from mkldoctor.diagnose.cmakeread.expand import split_list
from mkldoctor.diagnose.cmakeread.interp import Interpreter
from mkldoctor.diagnose.cmakeread.machine import ARCH
from mkldoctor.diagnose.cmakeread.registry import command
from mkldoctor.diagnose.cmakeread.state import Search, Stop, is_false_constant
from mkldoctor.diagnose.cmakeread.syntax import Command

SYSTEM_PREFIXES = ("/usr/local", "/usr", "/", "/usr/X11R6", "/usr/pkg", "/opt")
_FLAGS = ("NO_DEFAULT_PATH", "NO_PACKAGE_ROOT_PATH", "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH",
          "NO_SYSTEM_ENVIRONMENT_PATH", "NO_CMAKE_SYSTEM_PATH", "NO_CMAKE_INSTALL_PREFIX", "CMAKE_FIND_ROOT_PATH_BOTH",
          "ONLY_CMAKE_FIND_ROOT_PATH", "NO_CMAKE_FIND_ROOT_PATH", "NAMES_PER_DIR", "REQUIRED", "NO_CACHE")
_SUBDIRS = {"library": ("lib/" + ARCH, "lib", ""), "path": ("include/" + ARCH, "include", ""),
            "file": ("include/" + ARCH, "include", ""), "program": ("bin", "sbin", "")}
_KIND_PATH = {"library": "LIBRARY", "path": "INCLUDE", "file": "INCLUDE", "program": "PROGRAM"}
_ENV_DIRS = {"library": ("LIB",), "path": ("INCLUDE",), "file": ("INCLUDE",), "program": ()}


@dataclass
class FindArgs:
    variable: str
    names: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    suffixes: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    doc: str = ""


def parse_find(words: list[str], env: dict[str, str]) -> FindArgs:
    """CMake's two forms: ``find_x(VAR name [path...])`` and the keyword form, where what follows VAR before any
    keyword is names."""
    found = FindArgs(words[0])
    doing, keyword = "names", False
    rest = words[1:]
    i = 0
    while i < len(rest):
        word = rest[i]
        if word in ("NAMES", "PATHS", "HINTS", "PATH_SUFFIXES"):
            doing, keyword = {"NAMES": "names", "PATHS": "paths", "HINTS": "hints", "PATH_SUFFIXES": "suffixes"}[word], True
        elif word == "DOC":
            found.doc = rest[i + 1] if i + 1 < len(rest) else ""
            doing, keyword = None, True
            i += 1
        elif word in ("VALIDATOR", "REGISTRY_VIEW"):
            doing, keyword = None, True
            i += 1
        elif word in _FLAGS or word == "NO_SYSTEM_PATH":
            found.flags.add(word)
            doing, keyword = None, True
        elif doing == "names":
            found.names.append(word)
        elif doing in ("paths", "hints"):
            if word == "ENV" and i + 1 < len(rest):
                getattr(found, doing).extend(p for p in env.get(rest[i + 1], "").split(":") if p)
                i += 1
            else:
                getattr(found, doing).append(word)
        elif doing == "suffixes":
            found.suffixes.append(word)
        i += 1
    if not keyword and len(found.names) > 1:  # the short form: the first is the name, the rest are paths
        found.names, found.paths = found.names[:1], found.names[1:]
    return found


def _use(run: Interpreter, args: FindArgs, flag: str, variable: str) -> bool:
    if "NO_DEFAULT_PATH" in args.flags or flag in args.flags:
        return False
    value = run.definition(variable)
    return value is None or not is_false_constant(value)


def search_dirs(run: Interpreter, kind: str, args: FindArgs) -> list[str]:
    """Every folder ``find_<kind>`` looks in, in order, suffixes applied, duplicates dropped."""
    subdirs = _SUBDIRS[kind]
    groups: list[str] = []

    def prefixes(values) -> None:
        for prefix in values:
            if prefix:
                prefix = run.absolute(prefix)
                groups.extend(os.path.join(prefix, sub) if sub else prefix for sub in subdirs if sub or prefix != "/")

    if _use(run, args, "NO_PACKAGE_ROOT_PATH", "CMAKE_FIND_USE_PACKAGE_ROOT_PATH") and run.policy("CMP0074") == "NEW":
        for package in reversed(run.packages):
            prefixes(split_list(run.get(f"{package}_ROOT")))
            prefixes(p for p in run.env.get(f"{package}_ROOT", "").split(":") if p)
    if _use(run, args, "NO_CMAKE_PATH", "CMAKE_FIND_USE_CMAKE_PATH"):
        prefixes(split_list(run.get("CMAKE_PREFIX_PATH")))
        groups.extend(run.absolute(p) for p in split_list(run.get(f"CMAKE_{_KIND_PATH[kind]}_PATH")))
    if _use(run, args, "NO_CMAKE_ENVIRONMENT_PATH", "CMAKE_FIND_USE_CMAKE_ENVIRONMENT_PATH"):
        prefixes(p for p in run.env.get("CMAKE_PREFIX_PATH", "").split(":") if p)
        groups.extend(p for p in run.env.get(f"CMAKE_{_KIND_PATH[kind]}_PATH", "").split(":") if p)
    groups.extend(run.absolute(h) for h in args.hints)
    if _use(run, args, "NO_SYSTEM_ENVIRONMENT_PATH", "CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH") \
            and "NO_SYSTEM_PATH" not in args.flags:
        for name in _ENV_DIRS[kind]:
            groups.extend(p for p in run.env.get(name, "").split(":") if p)
        groups.extend(p for p in run.env.get("PATH", "").split(":") if p)
    if _use(run, args, "NO_CMAKE_SYSTEM_PATH", "CMAKE_FIND_USE_CMAKE_SYSTEM_PATH") and "NO_SYSTEM_PATH" not in args.flags:
        system = split_list(run.get("CMAKE_SYSTEM_PREFIX_PATH")) or list(SYSTEM_PREFIXES)
        prefixes(system)
        groups.extend(split_list(run.get(f"CMAKE_SYSTEM_{_KIND_PATH[kind]}_PATH")))
    groups.extend(run.absolute(p) for p in args.paths)
    out: list[str] = []
    for folder in groups:
        folder = os.path.normpath(folder)
        out += [os.path.join(folder, s) for s in args.suffixes] + [folder]
    return list(dict.fromkeys(os.path.normpath(d) for d in out))


def library_regex(run: Interpreter, name: str) -> tuple[re.Pattern[str] | None, list[str]]:
    """(the pattern a directory's files must match, the suffixes in order of preference) for one name."""
    prefixes = split_list(run.get("CMAKE_FIND_LIBRARY_PREFIXES")) or ["lib"]
    suffixes = split_list(run.get("CMAKE_FIND_LIBRARY_SUFFIXES")) or [".so", ".a"]
    pattern = "^(" + "|".join(map(re.escape, prefixes)) + ")" + re.escape(name) + "(" + "|".join(
        map(re.escape, suffixes)) + ")$"
    return re.compile(pattern), suffixes


def find_in(run: Interpreter, kind: str, names: list[str], dirs: list[str], per_dir: bool) -> str | None:
    pairs = [(d, n) for d in dirs for n in names] if per_dir else [(d, n) for n in names for d in dirs]
    listings: dict[str, list[str]] = {}
    for folder, name in pairs:
        if kind == "library":
            found = _library(run, folder, name, listings)
        elif kind == "program":
            path = os.path.join(folder, name)
            found = path if run.isfile(path) else None
        else:
            path = os.path.normpath(os.path.join(folder, name))
            found = (folder if kind == "path" else path) if run.exists(path) else None
        if found:
            return found
    return None


def _library(run: Interpreter, folder: str, name: str, listings: dict[str, list[str]]) -> str | None:
    suffixes = split_list(run.get("CMAKE_FIND_LIBRARY_SUFFIXES")) or [".so", ".a"]
    if _has_suffix(name, suffixes):
        raw = os.path.join(folder, name)  # the name is a file name already (libmkl_core.a)
        if run.isfile(raw):
            return raw
    if "/" in name:
        return None
    if folder not in listings:
        listings[folder] = run.listdir(folder) if run.is_dir(folder) else []
    pattern, order = library_regex(run, name)
    best, rank = None, None
    for entry in listings[folder]:
        match = pattern.match(entry)
        if match:
            here = order.index(match.group(2)) if match.group(2) in order else len(order)
            path = os.path.join(folder, entry)
            if (rank is None or here < rank) and run.isfile(path):
                best, rank = path, here
    return best


def _has_suffix(name: str, suffixes: list[str]) -> bool:
    """A name that is a file name already (``libmkl_core.a``, ``libmkl_core.so.3``) is tried as it is."""
    return any(s and (name.endswith(s) or re.search(re.escape(s) + r"(\.\d+)+$", name)) for s in suffixes)


@command("find_library", "find_path", "find_file", "find_program")
def find(run: Interpreter, command: Command, words: list[Word]) -> None:
    values = _values(words)
    if len(values) < 2:
        raise _error(command, "called with incorrect number of arguments")
    kind = command.name.split("_", 1)[1]
    args = parse_find(values, run.env)
    var = args.variable
    current = run.definition(var) if (var in run.cache or run.policy("CMP0125") == "NEW") else None
    if current and not is_false_constant(current):
        run.record.searches.append(Search(command.name, var, tuple(args.names), current, command.path, command.line, True))
        return
    dirs = search_dirs(run, kind, args)
    found = find_in(run, kind, args.names, dirs, "NAMES_PER_DIR" in args.flags)
    run.record.searches.append(Search(command.name, var, tuple(args.names), found, command.path, command.line))
    value = found or f"{var}-NOTFOUND"
    if "NO_CACHE" in args.flags:
        run.set_var(var, value)
    else:
        type_ = "PATH" if kind == "path" else "FILEPATH"
        had_normal = var in run.scope.vars
        run.set_cache(var, value, type_, args.doc, force=True)
        if had_normal and run.policy("CMP0125") == "NEW":
            run.set_var(var, value)
        else:
            run.scope.vars.pop(var, None)
    if found is None and "REQUIRED" in args.flags:
        what = {"library": "library", "path": "path", "file": "file", "program": "program"}[kind]
        raise Stop(f"Could not find {var} using the following {'names' if kind != 'path' else 'files'}: "
                   f"{', '.join(args.names)}", command.path, command.line, kind=f"find_{what}")
