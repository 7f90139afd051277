"""``find_package``: module mode (the project's ``Find<Name>.cmake`` on ``CMAKE_MODULE_PATH``, read as it is;
CMake's own FindBLAS/FindLAPACK, read from the installed CMake; Threads, OpenMP and PkgConfig modelled), then
config mode (CMake's search for ``<Name>Config.cmake`` / ``<name>-config.cmake``, its version file, then the
config file itself, read as it is: MKLConfig.cmake decides MKL's libraries by its own logic). REQUIRED, QUIET and
what CMake says when a package is not found are CMake's own."""

from __future__ import annotations

import os
import re

from mkldoctor.diagnose.cmakeread import machine as machine_facts
from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.condition import Word, compare_versions
from mkldoctor.diagnose.cmakeread.expand import join, split_list
from mkldoctor.diagnose.cmakeread.interp import MAX_DEPTH, Interpreter
from mkldoctor.diagnose.cmakeread.registry import command, module_command
from mkldoctor.diagnose.cmakeread.search import FindArgs, SYSTEM_PREFIXES
from mkldoctor.diagnose.cmakeread.state import Message, PackageLookup, Return, Scope, Stop, Unmodelled, truthy
from mkldoctor.diagnose.cmakeread.syntax import Command

_KEYWORDS = {"EXACT", "QUIET", "MODULE", "CONFIG", "NO_MODULE", "REQUIRED", "COMPONENTS", "OPTIONAL_COMPONENTS",
             "NAMES", "CONFIGS", "HINTS", "PATHS", "PATH_SUFFIXES", "NO_DEFAULT_PATH", "NO_PACKAGE_ROOT_PATH",
             "NO_CMAKE_PATH", "NO_CMAKE_ENVIRONMENT_PATH", "NO_SYSTEM_ENVIRONMENT_PATH", "NO_CMAKE_PACKAGE_REGISTRY",
             "NO_CMAKE_BUILDS_PATH", "NO_CMAKE_SYSTEM_PATH", "NO_CMAKE_SYSTEM_PACKAGE_REGISTRY", "NO_CMAKE_INSTALL_PREFIX",
             "CMAKE_FIND_ROOT_PATH_BOTH", "ONLY_CMAKE_FIND_ROOT_PATH", "NO_CMAKE_FIND_ROOT_PATH", "GLOBAL",
             "NO_POLICY_SCOPE", "BYPASS_PROVIDER", "REGISTRY_VIEW"}
_FIND_VARS = ("FIND_REQUIRED", "FIND_QUIETLY", "FIND_VERSION", "FIND_VERSION_MAJOR", "FIND_VERSION_MINOR",
              "FIND_VERSION_PATCH", "FIND_VERSION_TWEAK", "FIND_VERSION_COUNT", "FIND_VERSION_EXACT",
              "FIND_COMPONENTS")
NATIVE = ("Threads", "OpenMP", "PkgConfig")


class Request:
    """One find_package call's words."""

    def __init__(self, words: list[str], env: dict[str, str]) -> None:
        self.name = words[0]
        self.version = words[1] if len(words) > 1 and re.match(r"^\d+(\.\d+)*(\.\.\.)?", words[1]) else ""
        rest = words[2:] if self.version else words[1:]
        self.flags = {w for w in rest if w in _KEYWORDS}
        self.components: list[str] = []
        self.names: list[str] = []
        self.configs: list[str] = []
        self.find = FindArgs(self.name)
        doing = "components"
        i = 0
        while i < len(rest):
            word = rest[i]
            if word in ("COMPONENTS", "OPTIONAL_COMPONENTS", "NAMES", "CONFIGS", "HINTS", "PATHS", "PATH_SUFFIXES"):
                doing = word
            elif word in _KEYWORDS:
                doing = None if word not in ("REQUIRED",) else "components"
            elif doing in ("components", "COMPONENTS", "OPTIONAL_COMPONENTS"):
                self.components.append(word)
            elif doing == "NAMES":
                self.names.append(word)
            elif doing == "CONFIGS":
                self.configs.append(word)
            elif doing in ("HINTS", "PATHS"):
                target = self.find.hints if doing == "HINTS" else self.find.paths
                if word == "ENV" and i + 1 < len(rest):
                    target.extend(p for p in env.get(rest[i + 1], "").split(":") if p)
                    i += 1
                else:
                    target.append(word)
            elif doing == "PATH_SUFFIXES":
                self.find.suffixes.append(word)
            i += 1
        self.find.flags = {f for f in self.flags if f.startswith("NO_")}
        self.required = "REQUIRED" in self.flags
        self.quiet = "QUIET" in self.flags


@command("find_package")
def find_package(run: Interpreter, command: Command, words: list[Word]) -> None:
    values = _values(words)
    if not values:
        raise _error(command, "called with no arguments.")
    request = Request(values, run.env)
    if len(run.packages) > MAX_DEPTH // 2:
        raise Unmodelled("find_package calls nest too deep", command.path, command.line)
    name = request.name
    saved = {key: run.scope.vars.get(f"{name}_{key}") for key in _FIND_VARS}
    saved_name = run.scope.vars.get("CMAKE_FIND_PACKAGE_NAME")
    _set_find_vars(run, request)
    run.packages.append(name)
    try:
        _find(run, command, request)
    finally:
        run.packages.pop()
        for key, value in saved.items():
            if value is None:
                run.scope.vars.pop(f"{name}_{key}", None)
            else:
                run.scope.vars[f"{name}_{key}"] = value
        if saved_name is None:
            run.scope.vars.pop("CMAKE_FIND_PACKAGE_NAME", None)
        else:
            run.scope.vars["CMAKE_FIND_PACKAGE_NAME"] = saved_name


def _set_find_vars(run: Interpreter, request: Request) -> None:
    name = request.name
    run.set_var("CMAKE_FIND_PACKAGE_NAME", name)
    run.set_var(f"{name}_FIND_REQUIRED", "1" if request.required else "0")
    run.set_var(f"{name}_FIND_QUIETLY", "1" if request.quiet else "0")
    if request.version:
        version = request.version.split("...")[0]
        parts = version.split(".")
        run.set_var(f"{name}_FIND_VERSION", version)
        run.set_var(f"{name}_FIND_VERSION_COUNT", str(len(parts)))
        for key, part in zip(("MAJOR", "MINOR", "PATCH", "TWEAK"), parts + ["0"] * 4):
            run.set_var(f"{name}_FIND_VERSION_{key}", part)
        run.set_var(f"{name}_FIND_VERSION_EXACT", "1" if "EXACT" in request.flags else "0")
    if request.components:
        run.set_var(f"{name}_FIND_COMPONENTS", join(request.components))


def _find(run: Interpreter, command: Command, request: Request) -> None:
    name = request.name
    # the full signature's options (HINTS, PATHS, NAMES, NO_* ...) mean config mode, as CONFIG does
    config_only = bool(request.flags & {"CONFIG", "NO_MODULE"}) or bool(request.names or request.configs) \
        or bool(request.find.hints or request.find.paths or request.find.suffixes or request.find.flags) \
        or truthy(run.get("CMAKE_FIND_PACKAGE_PREFER_CONFIG"))
    module = None if config_only else _module(run, name)
    if module is not None:
        _run_module(run, command, request, module)
        return
    if "MODULE" in request.flags:
        raise Stop(f'No "Find{name}.cmake" found in CMAKE_MODULE_PATH.', command.path, command.line)
    _config(run, command, request, module_missing=not config_only)


def _module(run: Interpreter, name: str) -> str | None:
    for folder in split_list(run.get("CMAKE_MODULE_PATH")):
        path = os.path.join(run.absolute(folder), f"Find{name}.cmake")
        if run.isfile(path):
            return path
    if name in NATIVE:
        return "<native>"
    return machine_facts.cmake_module(run.machine, f"Find{name}")


def _run_module(run: Interpreter, command: Command, request: Request, path: str) -> None:
    name = request.name
    if path == "<native>":
        from mkldoctor.diagnose.cmakeread.checks import native_package

        found = native_package(run, command, request)
        run.record.packages.append(PackageLookup(name, "native", None, request.required, request.quiet, found,
                                                 command.path, command.line))
        return
    own = machine_facts.is_cmake_module(run.machine, path)
    if own and f"Find{name}" not in machine_facts.READ_MODULES:
        run.note(f"CMake's own Find{name}.cmake is not modelled: {name} is taken as not found", command)
        run.set_var(f"{name}_FOUND", "FALSE")
        if request.required:
            raise Unmodelled(f"find_package({name} REQUIRED) runs CMake's own Find{name}.cmake, which is not "
                             "modelled", command.path, command.line)
        return
    run.policies.append({})
    try:
        run.run_file(path, "find module")
    finally:
        run.policies.pop()
    found = truthy(run.get(f"{name}_FOUND")) or truthy(run.get(f"{name.upper()}_FOUND"))
    run.record.packages.append(PackageLookup(name, "module", path, request.required, request.quiet, found,
                                             command.path, command.line))


def config_dirs(run: Interpreter, prefix: str, names: list[str]) -> list[str]:
    """The folders under one prefix where CMake looks for a package's config file (find_package's table)."""
    lower = [n.lower() for n in names]

    def named(base: str) -> list[str]:
        return [os.path.join(base, entry) for entry in run.listdir(base)
                if any(entry.lower().startswith(n) for n in lower) and run.is_dir(os.path.join(base, entry))]

    out = [prefix, os.path.join(prefix, "cmake"), os.path.join(prefix, "CMake")]
    for folder in named(prefix):
        out += [folder, os.path.join(folder, "cmake"), os.path.join(folder, "CMake")]
    libs = [os.path.join(prefix, "lib", machine_facts.ARCH)] + [
        os.path.join(prefix, e) for e in run.listdir(prefix) if e.startswith("lib") and run.is_dir(os.path.join(prefix, e))] \
        + [os.path.join(prefix, "share")]
    for base in libs:
        out += named(os.path.join(base, "cmake"))
        for folder in named(base):
            out += [folder, os.path.join(folder, "cmake"), os.path.join(folder, "CMake")]
    return list(dict.fromkeys(os.path.normpath(d) for d in out))


def config_prefixes(run: Interpreter, request: Request) -> list[tuple[str, str]]:
    """(prefix or folder, why) in find_package's config-mode order; folders (a <Name>_DIR) are marked ``dir:``."""
    name, flags = request.name, request.find.flags
    default = "NO_DEFAULT_PATH" not in flags
    out: list[tuple[str, str]] = []

    def use(flag: str, variable: str) -> bool:
        value = run.definition(variable)
        return default and flag not in flags and (value is None or truthy(value))

    if use("NO_PACKAGE_ROOT_PATH", "CMAKE_FIND_USE_PACKAGE_ROOT_PATH") and run.policy("CMP0074") == "NEW":
        out += [(p, f"{name}_ROOT") for p in split_list(run.get(f"{name}_ROOT"))]
        out += [(p, f"environment {name}_ROOT") for p in run.env.get(f"{name}_ROOT", "").split(":") if p]
    if use("NO_CMAKE_PATH", "CMAKE_FIND_USE_CMAKE_PATH"):
        out += [(p, "CMAKE_PREFIX_PATH") for p in split_list(run.get("CMAKE_PREFIX_PATH"))]
    if use("NO_CMAKE_ENVIRONMENT_PATH", "CMAKE_FIND_USE_CMAKE_ENVIRONMENT_PATH"):
        if run.env.get(f"{name}_DIR"):
            out.append(("dir:" + run.env[f"{name}_DIR"], f"environment {name}_DIR"))
        out += [(p, "environment CMAKE_PREFIX_PATH") for p in run.env.get("CMAKE_PREFIX_PATH", "").split(":") if p]
    out += [(h, "HINTS") for h in request.find.hints]
    if use("NO_SYSTEM_ENVIRONMENT_PATH", "CMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH"):
        for entry in (p for p in run.env.get("PATH", "").split(":") if p):
            entry = entry.rstrip("/") or "/"
            prefix = os.path.dirname(entry) if os.path.basename(entry) in ("bin", "sbin") else entry
            out.append((prefix or "/", f"PATH entry {entry}"))
    if use("NO_CMAKE_PACKAGE_REGISTRY", "CMAKE_FIND_USE_PACKAGE_REGISTRY"):
        out += [("dir:" + d, "user package registry") for d in _registry(run, name)]
    if use("NO_CMAKE_SYSTEM_PATH", "CMAKE_FIND_USE_CMAKE_SYSTEM_PATH"):
        out += [(p, "CMake's system prefixes") for p in (split_list(run.get("CMAKE_SYSTEM_PREFIX_PATH")) or SYSTEM_PREFIXES)]
    out += [(p, "PATHS") for p in request.find.paths]
    return out


def _registry(run: Interpreter, name: str) -> list[str]:
    """~/.cmake/packages/<Name>/*: each file holds a folder (CMake's user package registry)."""
    home = run.env.get("HOME")
    if not home or not run.fs.is_host:
        return []
    folder = os.path.join(home, ".cmake", "packages", name)
    out = []
    for entry in run.listdir(folder)[:64]:
        text = run.read_text(os.path.join(folder, entry), 4096)
        if text and text.strip().startswith("/"):
            out.append(text.strip())
    return out


def _config(run: Interpreter, command: Command, request: Request, module_missing: bool) -> None:
    name = request.name
    files = request.configs or [f"{n}Config.cmake" for n in (request.names or [name])] + [
        f"{n.lower()}-config.cmake" for n in (request.names or [name])]
    considered: list[str] = []
    found = _given_dir(run, name, files) or _search_config(run, request, files, considered)
    if found is None:
        run.set_cache(f"{name}_DIR", f"{name}_DIR-NOTFOUND", "PATH", f"The directory containing a CMake configuration file for {name}.")
        run.set_var(f"{name}_FOUND", "0")
        run.record.packages.append(PackageLookup(name, "config", None, request.required, request.quiet, False,
                                                 command.path, command.line, "no config file"))
        _not_found(run, command, request, files, considered, module_missing)
        return
    config, version = found
    run.set_cache(f"{name}_DIR", os.path.dirname(config), "PATH", f"The directory containing a CMake configuration file for {name}.")
    run.set_var(f"{name}_CONFIG", config)
    if version:
        run.set_var(f"{name}_VERSION", version)
        for key, part in zip(("MAJOR", "MINOR", "PATCH", "TWEAK"), version.split(".") + ["0"] * 4):
            run.set_var(f"{name}_VERSION_{key}", part)
    run.scope.vars.pop(f"{name}_FOUND", None)
    run.scope.vars.pop(f"{name}_NOT_FOUND_MESSAGE", None)
    run.set_var(f"{name}_FOUND", "1")
    run.policies.append({})
    try:
        run.run_file(config, "config")
    finally:
        run.policies.pop()
    ok = truthy(run.get(f"{name}_FOUND"))
    reason = run.get(f"{name}_NOT_FOUND_MESSAGE")
    run.record.packages.append(PackageLookup(name, "config", config, request.required, request.quiet, ok,
                                             command.path, command.line, reason))
    if ok:
        return
    run.set_var(f"{name}_FOUND", "0")
    text = (f"Found package configuration file:\n\n  {config}\n\nbut it set {name}_FOUND to FALSE so package "
            f"\"{name}\" is considered to be NOT FOUND." + (f"  Reason given by package:\n\n{reason}\n" if reason else ""))
    if request.required:
        raise Stop(text, command.path, command.line)
    if not request.quiet:
        run.record.messages.append(Message("WARNING", text, command.path, command.line))


def _given_dir(run: Interpreter, name: str, files: list[str]) -> tuple[str, str] | None:
    folder = run.definition(f"{name}_DIR")
    if not folder or folder.endswith("-NOTFOUND"):
        return None
    for file in files:
        path = os.path.join(run.absolute(folder), file)
        if run.isfile(path):
            return path, _version_of(run, path, None)[0]
    return None


def _search_config(run: Interpreter, request: Request, files: list[str], considered: list[str]) -> tuple[str, str] | None:
    names = request.names or [request.name]
    for prefix, _why in config_prefixes(run, request):
        folders = [prefix[4:]] if prefix.startswith("dir:") else config_dirs(run, run.absolute(prefix), names)
        for folder in folders:
            for suffix in request.find.suffixes + [""]:
                base = os.path.join(folder, suffix) if suffix else folder
                for file in files:
                    path = os.path.normpath(os.path.join(base, file))
                    if not run.isfile(path):
                        continue
                    version, suitable = _version_of(run, path, request)
                    if suitable:
                        return path, version
                    considered.append(f"{path}, version: {version or 'unknown'}")
    return None


def _version_of(run: Interpreter, config: str, request: Request | None) -> tuple[str, bool]:
    """The version its version file states, and whether it suits the request (run as CMake runs it)."""
    base = config[:-len(".cmake")]
    candidates = [base + "Version.cmake", base.removesuffix("-config") + "-config-version.cmake"]
    path = next((c for c in candidates if run.isfile(c)), None)
    if path is None:
        return "", request is None or not request.version
    caller = run.scope
    run.scope = Scope(dict(caller.vars), caller)
    wanted = request.version.split("...")[0] if request and request.version else ""
    run.scope.vars.update(PACKAGE_FIND_NAME=request.name if request else "", PACKAGE_FIND_VERSION=wanted)
    for key, part in zip(("MAJOR", "MINOR", "PATCH", "TWEAK"), (wanted.split(".") if wanted else []) + ["0"] * 4):
        run.scope.vars[f"PACKAGE_FIND_VERSION_{key}"] = part
    run.scope.vars["PACKAGE_FIND_VERSION_COUNT"] = str(len(wanted.split("."))) if wanted else "0"
    try:
        run.run_file(path, "version file")
        version = run.get("PACKAGE_VERSION")
        unsuitable = truthy(run.get("PACKAGE_VERSION_UNSUITABLE"))
        compatible = truthy(run.get("PACKAGE_VERSION_COMPATIBLE"))
        exact = truthy(run.get("PACKAGE_VERSION_EXACT"))
    finally:
        run.scope = caller
    if unsuitable:
        return version, False
    if not wanted:
        return version, True
    return version, exact if request and "EXACT" in request.flags else compatible


def _not_found(run: Interpreter, command: Command, request: Request, files: list[str], considered: list[str],
               module_missing: bool) -> None:
    name = request.name
    if request.quiet and not request.required:
        return
    head = (f'By not providing "Find{name}.cmake" in CMAKE_MODULE_PATH this project has asked CMake to find a package '
            f'configuration file provided by "{name}", but CMake did not find one.\n\n' if module_missing else "")
    if considered:
        text = (f'Could not find a configuration file for package "{name}" that is compatible with requested version '
                f'"{request.version}".\n\nThe following configuration files were considered but not accepted:\n\n    '
                + "\n    ".join(considered))
    else:
        listed = "\n    ".join(files)
        text = (f'Could not find a package configuration file provided by "{name}" with any of the following names:\n\n'
                f'    {listed}\n\nAdd the installation prefix of "{name}" to CMAKE_PREFIX_PATH or set "{name}_DIR" to '
                f'a directory containing one of the above files.  If "{name}" provides a separate development package '
                "or SDK, be sure it has been installed.")
    if request.required:
        raise Stop(head + text, command.path, command.line)
    run.record.messages.append(Message("WARNING", head + text, command.path, command.line))


@module_command("CMakeFindDependencyMacro", "find_dependency")
def find_dependency(run: Interpreter, command: Command, words: list[Word]) -> None:
    values = _values(words)
    parent = run.get("CMAKE_FIND_PACKAGE_NAME")
    extra = []
    if truthy(run.get(f"{parent}_FIND_QUIETLY")):
        extra.append("QUIET")
    if truthy(run.get(f"{parent}_FIND_REQUIRED")):
        extra.append("REQUIRED")
    find_package(run, command, [Word(v) for v in values + extra])
    if not truthy(run.get(f"{values[0]}_FOUND")):
        run.set_var(f"{parent}_NOT_FOUND_MESSAGE", f"{parent} could not be found because dependency {values[0]} "
                                                   "could not be found.")
        run.set_var(f"{parent}_FOUND", "False")
        raise Return()


def version_at_least(version: str, wanted: str) -> bool:
    return compare_versions(version, wanted) >= 0
