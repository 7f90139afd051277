"""One configure step of a CMake project, predicted: the cache as the command line (``-D``) and a preset give it,
the environment, then the project's files read from its top ``CMakeLists.txt``; then the generate step's check of
what stayed NOTFOUND, and each target's link line resolved to files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

# the command modules register their handlers on import
from mkldoctor.diagnose.cmakeread import checks, commands, lists, packages, search, strings, targets  # noqa: F401
from mkldoctor.diagnose.cmakeread.expand import split_list
from mkldoctor.diagnose.cmakeread.interp import Directory, Interpreter
from mkldoctor.diagnose.cmakeread.linkline import link_line, linked_targets, resolve
from mkldoctor.diagnose.cmakeread.machine import Machine, read_machine
from mkldoctor.diagnose.cmakeread.presets import Preset
from mkldoctor.diagnose.cmakeread.state import CacheEntry, Record, Stop, Unmodelled
from mkldoctor.rootfs import RootFS

BUILD_DIR = ".mkldoctor-predicted-build"  # stands for the build folder: nothing is ever written there


@dataclass
class CMakeRun:
    """What the configure step would do."""

    configured: bool
    error: Stop | None  # the first error cmake reports (configure or generate step)
    unmodelled: Unmodelled | None  # the reader stopped: it cannot tell what cmake does from here
    record: Record
    link_lines: dict[str, list[str]] = field(default_factory=dict)  # target -> its link items
    files: list[str] = field(default_factory=list)  # every link line's libraries as ld takes them
    cache: dict[str, CacheEntry] = field(default_factory=dict)
    machine: Machine | None = None
    env: dict[str, str] = field(default_factory=dict)


def parse_definition(text: str) -> tuple[str, str, str]:
    """``NAME=VALUE`` or ``NAME:TYPE=VALUE``, as ``cmake -D`` takes it."""
    match = re.match(r"^([^:=]+)(?::([A-Za-z]+))?=(.*)$", text, re.S)
    if not match:
        raise ValueError(f"-D {text}: expected NAME=VALUE or NAME:TYPE=VALUE")
    return match.group(1), (match.group(2) or "UNINITIALIZED").upper(), match.group(3)


def predict_configure(top: str, env: dict[str, str], definitions: list[str] = (), preset: Preset | None = None,
                      root: str = "/") -> CMakeRun:
    top = os.path.abspath(top)
    env = dict(env)
    cache: dict[str, CacheEntry] = {}
    if preset is not None:
        for key, value in preset.environment:
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        for name, type_, value in preset.cache:
            cache[name] = CacheEntry(value, type_, given=True)
    for text in definitions:  # the command line's -D after the preset's, as cmake applies them
        name, type_, value = parse_definition(text)
        cache[name] = CacheEntry(value, type_, given=True)
    fs = RootFS(root)
    machine = read_machine(fs, env)
    binary = os.path.join(top, BUILD_DIR)
    run = Interpreter(fs, env, machine, top, binary, cache)
    _initial(run, top, binary)
    outcome = CMakeRun(False, None, None, run.record, machine=machine, env=env)
    try:
        run.run_file(os.path.join(top, "CMakeLists.txt"), "directory")
        if run.record.errors:
            raise run.record.errors[0]
        _generate_step(run)
    except Stop as stop:
        outcome.error = run.record.errors[0] if run.record.errors else stop
    except Unmodelled as unmodelled:
        outcome.unmodelled = unmodelled
    except RecursionError:
        outcome.unmodelled = Unmodelled("the project's CMake nests too deep for the reader")
    outcome.cache = run.cache
    if outcome.error is None and outcome.unmodelled is None:
        outcome.configured = True
        library_path = [d for d in env.get("LIBRARY_PATH", "").split(":") if d]
        files: list[str] = []
        for name in linked_targets(run):
            items = link_line(run, name)
            outcome.link_lines[name] = items
            files += resolve(items, library_path, list(machine.gcc_dirs), run.isfile)
        outcome.files = list(dict.fromkeys(files))
    return outcome


def _initial(run: Interpreter, top: str, binary: str) -> None:
    version = run.machine.cmake_version or "3.25"
    major, minor = (version.split(".") + ["0"])[:2]
    values = {
        "CMAKE_VERSION": f"{version}.0", "CMAKE_MAJOR_VERSION": major, "CMAKE_MINOR_VERSION": minor,
        "CMAKE_PATCH_VERSION": "0", "CMAKE_ROOT": os.path.dirname(run.machine.cmake_modules or "/usr/share/cmake"),
        "CMAKE_COMMAND": "/usr/bin/cmake", "UNIX": "1", "CMAKE_HOST_UNIX": "1", "CMAKE_HOST_SYSTEM_NAME": "Linux",
        "CMAKE_SOURCE_DIR": top, "CMAKE_BINARY_DIR": binary, "CMAKE_CURRENT_SOURCE_DIR": top,
        "CMAKE_CURRENT_BINARY_DIR": binary, "PROJECT_SOURCE_DIR": top, "CMAKE_FIND_LIBRARY_PREFIXES": "lib",
        "CMAKE_FIND_LIBRARY_SUFFIXES": ".so;.a", "CMAKE_SHARED_LIBRARY_SUFFIX": ".so",
        "CMAKE_STATIC_LIBRARY_SUFFIX": ".a", "CMAKE_SHARED_LIBRARY_PREFIX": "lib", "CMAKE_STATIC_LIBRARY_PREFIX": "lib",
        "CMAKE_SYSTEM_PREFIX_PATH": "/usr/local;/usr;/;/usr;/usr/local;/usr/X11R6;/usr/pkg;/opt",
        "CMAKE_SYSTEM_LIBRARY_PATH": "/usr/lib/X11", "CMAKE_SYSTEM_INCLUDE_PATH": "/usr/include/X11",
        "CMAKE_SYSTEM_PROGRAM_PATH": "", "CMAKE_DL_LIBS": "dl", "CMAKE_EXECUTABLE_SUFFIX": "",
        "CMAKE_PLATFORM_IMPLICIT_LINK_DIRECTORIES": "/lib;/lib32;/lib64;/usr/lib;/usr/lib32;/usr/lib64",
        "CMAKE_GENERATOR": "Unix Makefiles",
    }
    run.scope.vars.update(values)
    if "CMAKE_INSTALL_PREFIX" not in run.cache:
        run.set_cache("CMAKE_INSTALL_PREFIX", "/usr/local", "PATH")
    run.directories.append(Directory(top, binary, os.path.join(top, "CMakeLists.txt")))


def _generate_step(run: Interpreter) -> None:
    """cmake's generate step stops on a NOTFOUND value in what a built target links or includes (its own, and the
    interface of each target it links, transitively)."""
    from mkldoctor.diagnose.cmakeread.linkline import genex

    missing: list[str] = []

    def check(target, props, seen) -> None:
        for prop in props:
            for item in split_list(genex(target.props.get(prop, ""))):
                if item.endswith("-NOTFOUND"):
                    name = item[:-len("-NOTFOUND")]
                    line = f"{name}\n    used as include directory in directory {run.top}" if "INCLUDE" in prop \
                        else f"{name}\n    linked by target \"{target.name}\" in directory {run.top}"
                    if line not in missing:
                        missing.append(line)
                elif item in run.targets and item not in seen:
                    seen.add(item)
                    used = run.targets[item]
                    while used.alias_of and used.alias_of in run.targets:
                        used = run.targets[used.alias_of]
                    check(used, ("INTERFACE_INCLUDE_DIRECTORIES", "INTERFACE_LINK_LIBRARIES"), seen)

    for target in list(run.targets.values()):
        if not target.imported and target.alias_of is None:
            check(target, ("LINK_LIBRARIES", "INCLUDE_DIRECTORIES", "INTERFACE_LINK_LIBRARIES"), {target.name})
    if missing:
        raise Stop("The following variables are used in this project, but they are set to NOTFOUND.\nPlease set them "
                   "or make sure they are set and tested correctly in the CMake files:\n" + "\n".join(missing))
