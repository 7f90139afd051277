"""CMake's commands for variables, lists, options, messages, includes and the project itself."""

from __future__ import annotations

import os
import re

from mkldoctor.diagnose.cmakeread import machine as machine_facts
from mkldoctor.diagnose.cmakeread.condition import Word, boolean, evaluate
from mkldoctor.diagnose.cmakeread.expand import join, split_list
from mkldoctor.diagnose.cmakeread.interp import Directory, Interpreter
from mkldoctor.diagnose.cmakeread.registry import MODULES, ON_INCLUDE, command, module_command
from mkldoctor.diagnose.cmakeread.state import Break, Continue, Message, Return, Scope, Stop, truthy
from mkldoctor.diagnose.cmakeread.syntax import Command


def _values(words: list[Word]) -> list[str]:
    return [w.value for w in words]


def _error(command: Command, text: str) -> Stop:
    return Stop(f"{command.spelled} {text}", command.path, command.line)


@command("set")
def set_(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    name, rest = args[0], args[1:]
    if name.startswith("ENV{") and name.endswith("}"):
        if rest:
            run.env[name[4:-1]] = rest[0]
        else:
            run.env.pop(name[4:-1], None)
        return
    if "CACHE" in rest:
        at = rest.index("CACHE")
        value, kind = join(rest[:at]), rest[at + 1] if len(rest) > at + 1 else "STRING"
        doc = rest[at + 2] if len(rest) > at + 2 else ""
        if kind in ("BOOL", "STRING", "PATH", "FILEPATH"):  # a user-facing choice, as option() is
            run.record.options.setdefault(name, (value, command.path, command.line))
        run.set_cache(name, value, "INTERNAL" if kind == "INTERNAL" else kind, doc,
                      force="FORCE" in rest[at + 2:] or kind == "INTERNAL")
        return
    if rest and rest[-1] == "PARENT_SCOPE":
        run.set_parent(name, join(rest[:-1]) if rest[:-1] else None)
        return
    if rest:
        run.set_var(name, join(rest))
    else:
        run.unset_var(name)


@command("unset")
def unset(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    name = args[0]
    if name.startswith("ENV{") and name.endswith("}"):
        run.env.pop(name[4:-1], None)
    elif "CACHE" in args[1:]:
        run.cache.pop(name, None)
    elif "PARENT_SCOPE" in args[1:]:
        run.set_parent(name, None)
    else:
        run.unset_var(name)


@command("option")
def option(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    name, default = args[0], args[2] if len(args) > 2 else "OFF"
    run.record.options.setdefault(name, (default, command.path, command.line))
    if run.policy("CMP0077") == "NEW" and name in run.scope.vars:
        return  # a normal variable of that name wins (policy CMP0077)
    entry = run.cache.get(name)
    if entry is not None and entry.type != "UNINITIALIZED":
        return
    run.set_cache(name, entry.value if entry is not None else ("ON" if truthy(default) else "OFF"), "BOOL", args[1])


@module_command("CMakeDependentOption", "cmake_dependent_option")
def dependent_option(run: Interpreter, command: Command, words: list[Word]) -> None:
    """``cmake_dependent_option(NAME doc default "cond;cond" force)``: NAME is an option when every condition
    holds, else a normal variable with the forced value."""
    args = _values(words)
    if len(args) < 5:
        raise _error(command, "called with incorrect number of arguments")
    name, doc, default, depends, force = args[:5]
    run.record.options.setdefault(name, (default, command.path, command.line))
    holds = all(evaluate([Word(w) for w in re.split(r" +", cond.strip()) if w] or [Word("")], run,
                         (command.path, command.line)) for cond in split_list(depends))
    if holds:
        entry = run.cache.get(name)
        if entry is None or entry.type == "UNINITIALIZED":
            run.set_cache(name, entry.value if entry else ("ON" if truthy(default) else "OFF"), "BOOL", doc)
        run.unset_var(name)
    else:
        run.set_var(name, force)


@command("message")
def message(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    modes = ("FATAL_ERROR", "SEND_ERROR", "WARNING", "AUTHOR_WARNING", "DEPRECATION", "NOTICE", "STATUS",
             "VERBOSE", "DEBUG", "TRACE", "CHECK_START", "CHECK_PASS", "CHECK_FAIL", "CONFIGURE_LOG")
    mode = args[0] if args and args[0] in modes else "NOTICE"
    text = "".join(args[1:] if args and args[0] in modes else args)
    run.record.messages.append(Message(mode, text, command.path, command.line))
    if mode == "FATAL_ERROR":
        raise Stop(text, command.path, command.line)
    if mode == "SEND_ERROR":
        run.record.errors.append(Stop(text, command.path, command.line))


@command("return")
def return_(run: Interpreter, command: Command, words: list[Word]) -> None:
    raise Return()


@command("break")
def break_(run: Interpreter, command: Command, words: list[Word]) -> None:
    raise Break()


@command("continue")
def continue_(run: Interpreter, command: Command, words: list[Word]) -> None:
    raise Continue()


@command("include_guard")
def include_guard(run: Interpreter, command: Command, words: list[Word]) -> None:
    path = run.get("CMAKE_CURRENT_LIST_FILE")
    if path in run.guarded:
        raise Return()
    run.guarded.add(path)


@command("include")
def include(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with wrong number of arguments")
    name, optional = args[0], "OPTIONAL" in args[1:]
    result = args[args.index("RESULT_VARIABLE") + 1] if "RESULT_VARIABLE" in args[1:] else None
    path = resolve_include(run, name)
    if path is None:
        if result:
            run.set_var(result, "NOTFOUND")
        if optional:
            return
        raise Stop(f"include could not find requested file:\n\n  {name}", command.path, command.line)
    if result:
        run.set_var(result, path)
    if path.startswith("<native>"):
        enable_module(run, path[len("<native>"):])
        return
    module = os.path.basename(path)[:-len(".cmake")]
    if machine_facts.is_cmake_module(run.machine, path) and module not in machine_facts.READ_MODULES:
        if module in MODULES or module in machine_facts.EMPTY_MODULES:
            enable_module(run, module)  # modelled natively (CheckFunctionExists included by its path)
        else:
            run.note(f"CMake's own module {module} is not modelled: include() passed over", command)
        return
    scoped = "NO_POLICY_SCOPE" not in args[1:]
    if scoped:
        run.policies.append({})
    try:
        run.run_file(path, "include")
    finally:
        if scoped:
            run.policies.pop()


def enable_module(run: Interpreter, module: str) -> None:
    if module not in run.enabled_modules:
        run.enabled_modules.add(module)
        if module in ON_INCLUDE:
            ON_INCLUDE[module](run)


def resolve_include(run: Interpreter, name: str) -> str | None:
    """A file (relative to the current source folder) or a module: CMAKE_MODULE_PATH, then CMake's own folder,
    where the modules modelled natively come back as ``<native>NAME``."""
    if not name.startswith("/"):  # a module first (<name>.cmake on CMAKE_MODULE_PATH, then CMake's), as cmake does
        for folder in split_list(run.get("CMAKE_MODULE_PATH")):
            path = os.path.normpath(os.path.join(run.absolute(folder), name + ".cmake"))
            if run.isfile(path):
                return path
        if name in MODULES or name in machine_facts.EMPTY_MODULES:
            return "<native>" + name
        found = machine_facts.cmake_module(run.machine, name)
        if found:
            return found
    path = run.absolute(name)
    return path if run.isfile(path) else None


@command("cmake_minimum_required")
def minimum_required(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if "VERSION" in args:
        version = args[args.index("VERSION") + 1].split("...")[0]
        run.policy_version = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
        run.set_var("CMAKE_MINIMUM_REQUIRED_VERSION", version)


@command("cmake_policy")
def cmake_policy(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if args[:1] == ["SET"] and len(args) >= 3:
        run.policies[-1][args[1]] = args[2]
    elif args[:1] == ["PUSH"]:
        run.policies.append({})
    elif args[:1] == ["POP"] and len(run.policies) > 1:
        run.policies.pop()
    elif args[:1] == ["VERSION"] and len(args) > 1:
        run.policy_version = tuple(int(x) for x in re.findall(r"\d+", args[1].split("...")[0])[:3])
    elif args[:1] == ["GET"] and len(args) >= 3:
        run.set_var(args[2], run.policy(args[1]))


@command("project")
def project(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "PROJECT called with incorrect number of arguments")
    name, rest = args[0], args[1:]
    languages, version = [], ""
    mode = "LANGUAGES"
    for word in rest:
        if word in ("VERSION", "DESCRIPTION", "HOMEPAGE_URL", "LANGUAGES"):
            mode = word
        elif mode == "VERSION":
            version = word
        elif mode == "LANGUAGES":
            languages.append(word)
    if not languages and "LANGUAGES" not in rest:
        languages = ["C", "CXX"]
    source, binary = run.directory.source, run.directory.binary
    for key, value in (("PROJECT_NAME", name), ("PROJECT_SOURCE_DIR", source), ("PROJECT_BINARY_DIR", binary),
                       (f"{name}_SOURCE_DIR", source), (f"{name}_BINARY_DIR", binary), ("PROJECT_VERSION", version),
                       (f"{name}_VERSION", version)):
        run.set_var(key, value)
    if not run.definition("CMAKE_PROJECT_NAME"):
        run.set_var("CMAKE_PROJECT_NAME", name)
    for language in languages:
        if language != "NONE":
            machine_facts.enable_language(run, language, command)


@command("enable_language")
def enable_language(run: Interpreter, command: Command, words: list[Word]) -> None:
    for language in _values(words):
        if language != "OPTIONAL":
            machine_facts.enable_language(run, language, command)


@command("add_subdirectory")
def add_subdirectory(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    source = run.absolute(args[0])
    binary = run.absolute(args[1], run.directory.binary) if len(args) > 1 and args[1] != "EXCLUDE_FROM_ALL" else \
        os.path.join(run.directory.binary, os.path.relpath(source, run.directory.source))
    list_file = os.path.join(source, "CMakeLists.txt")
    if not run.fs.isfile(list_file):
        raise Stop(f"add_subdirectory given source \"{args[0]}\" which is not an existing directory.",
                   command.path, command.line)
    caller = run.scope
    run.scope = Scope(dict(caller.vars), caller)
    run.scope.vars.update(CMAKE_CURRENT_SOURCE_DIR=source, CMAKE_CURRENT_BINARY_DIR=binary)
    run.directories.append(Directory(source, binary, list_file))
    run.dir_props[source] = dict(run.dir_props.get(run.directories[-2].source, {}))
    run.policies.append({})
    try:
        run.run_file(list_file, "directory")
    finally:
        run.policies.pop()
        run.directories.pop()
        run.scope = caller


@command("get_cmake_property")
def get_cmake_property(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    kind = args[1]
    if kind == "VARIABLES":
        names = sorted(set(run.scope.vars) | set(run.cache))
    elif kind == "CACHE_VARIABLES":
        names = sorted(run.cache)
    elif kind == "COMMANDS":
        names = sorted(run.definitions)
    else:
        names = split_list(run.global_props.get(kind, ""))
    run.set_var(args[0], join(names) if names else "NOTFOUND")


@command("get_directory_property")
def get_directory_property(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    if args[1] == "DEFINITION" and len(args) > 2:
        run.set_var(args[0], run.get(args[2]))
        return
    prop = args[-1]
    if prop == "PARENT_DIRECTORY":
        run.set_var(args[0], run.directories[-2].source if len(run.directories) > 1 else "")
        return
    run.set_var(args[0], run.dir_props.get(run.directory.source, {}).get(prop, ""))


@command("separate_arguments")
def separate_arguments(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) == 1:
        run.set_var(args[0], join(run.get(args[0]).split(" ")))
    elif len(args) >= 3:
        run.set_var(args[0], join(args[2].split()))


def bool_word(word: str, run: Interpreter) -> bool:
    return boolean(Word(word), run)
