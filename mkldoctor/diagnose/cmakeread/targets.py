"""Targets and their properties: ``add_library``, ``add_executable``, ``target_link_libraries`` and the commands
that set or read a target's, the cache's or the directory's properties. What a target links is kept as CMake keeps
it (``LINK_LIBRARIES``, ``INTERFACE_LINK_LIBRARIES``, ``IMPORTED_LOCATION``); :mod:`linkline` turns it into
link lines."""

from __future__ import annotations

from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.condition import Word
from mkldoctor.diagnose.cmakeread.expand import join, split_list
from mkldoctor.diagnose.cmakeread.interp import Interpreter
from mkldoctor.diagnose.cmakeread.registry import command
from mkldoctor.diagnose.cmakeread.state import Stop, Target, truthy
from mkldoctor.diagnose.cmakeread.syntax import Command

_KINDS = {"STATIC": "STATIC_LIBRARY", "SHARED": "SHARED_LIBRARY", "MODULE": "MODULE_LIBRARY",
          "INTERFACE": "INTERFACE_LIBRARY", "OBJECT": "OBJECT_LIBRARY", "UNKNOWN": "UNKNOWN_LIBRARY"}
_VISIBILITY = ("PUBLIC", "PRIVATE", "INTERFACE", "LINK_PUBLIC", "LINK_PRIVATE", "LINK_INTERFACE_LIBRARIES")


def target(run: Interpreter, name: str, command: Command) -> Target:
    found = run.targets.get(name)
    if found is None:
        raise Stop(f'Cannot specify link libraries for target "{name}" which is not built by this project.',
                   command.path, command.line)
    while found.alias_of:
        found = run.targets[found.alias_of]
    return found


def _add(run: Interpreter, command: Command, name: str, kind: str, imported: bool, alias: str | None) -> None:
    if name in run.targets and not (imported and run.targets[name].imported):
        raise Stop(f'add_library cannot create target "{name}" because another target with the same name already '
                   "exists.", command.path, command.line)
    props = {"TYPE": kind}
    if not imported and alias is None:  # a directory's link_directories()/link_libraries() so far
        props.update({k: v for k, v in run.dir_props.get(run.directory.source, {}).items()
                      if k in ("LINK_DIRECTORIES", "LINK_LIBRARIES", "LINK_OPTIONS", "INCLUDE_DIRECTORIES")})
    run.targets[name] = Target(name, kind, imported, alias, props, command.path, command.line)


def _named(run: Interpreter, command: Command, words: list[Word]) -> tuple[str, list[str]] | None:
    """``add_library``'s and ``add_executable``'s name and the rest of their words; None once an ALIAS is added."""
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    name, rest = args[0], args[1:]
    if "ALIAS" in rest:
        _add(run, command, name, "ALIAS", False, rest[rest.index("ALIAS") + 1])
        return None
    return name, rest


@command("add_library")
def add_library(run: Interpreter, command: Command, words: list[Word]) -> None:
    named = _named(run, command, words)
    if named is None:
        return
    name, rest = named
    kind = next((_KINDS[w] for w in rest if w in _KINDS), None)
    if kind is None:
        kind = "SHARED_LIBRARY" if truthy(run.get("BUILD_SHARED_LIBS")) else "STATIC_LIBRARY"
    _add(run, command, name, kind, "IMPORTED" in rest, None)


@command("add_executable")
def add_executable(run: Interpreter, command: Command, words: list[Word]) -> None:
    named = _named(run, command, words)
    if named is not None:
        _add(run, command, named[0], "EXECUTABLE", "IMPORTED" in named[1], None)


def _append(t: Target, prop: str, items: list[str]) -> None:
    t.props[prop] = join(split_list(t.props.get(prop, "")) + items) if items else t.props.get(prop, "")


@command("target_link_libraries")
def target_link_libraries(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "called with incorrect number of arguments")
    t = target(run, args[0], command)
    mode = None
    for item in args[1:]:
        if item in _VISIBILITY:
            mode = item
            continue
        if item in ("debug", "optimized", "general"):
            continue
        if mode in ("PRIVATE", "LINK_PRIVATE"):
            _append(t, "LINK_LIBRARIES", [item])
            if t.kind == "STATIC_LIBRARY":  # a static library's private dependencies reach whoever links it
                _append(t, "INTERFACE_LINK_LIBRARIES", [f"$<LINK_ONLY:{item}>"])
        elif mode in ("INTERFACE", "LINK_INTERFACE_LIBRARIES"):
            _append(t, "INTERFACE_LINK_LIBRARIES", [item])
        else:  # PUBLIC, or the plain signature (everything public)
            if t.kind != "INTERFACE_LIBRARY" and not t.imported:
                _append(t, "LINK_LIBRARIES", [item])
            _append(t, "INTERFACE_LINK_LIBRARIES", [item])


def _usage_requirement(run: Interpreter, command: Command, words: list[Word], prop: str, flags: tuple[str, ...],
                       value=lambda item: item) -> None:
    """``target_*(t [flags] PUBLIC|PRIVATE|INTERFACE items...)``: PRIVATE and PUBLIC items are the target's own
    ``prop``, INTERFACE and PUBLIC ones its ``INTERFACE_<prop>`` (``flags`` such as BEFORE change no scope)."""
    args = _values(words)
    t = target(run, args[0], command)
    mode = "PUBLIC"
    for item in args[1:]:
        if item in ("PUBLIC", "PRIVATE", "INTERFACE"):
            mode = item
            continue
        if item in flags:
            continue
        if mode != "INTERFACE":
            _append(t, prop, [value(item)])
        if mode != "PRIVATE":
            _append(t, "INTERFACE_" + prop, [value(item)])


@command("target_link_directories")
def target_link_directories(run: Interpreter, command: Command, words: list[Word]) -> None:
    _usage_requirement(run, command, words, "LINK_DIRECTORIES", ("BEFORE",), run.absolute)


@command("target_include_directories")
def target_include_directories(run: Interpreter, command: Command, words: list[Word]) -> None:
    _usage_requirement(run, command, words, "INCLUDE_DIRECTORIES", ("BEFORE", "SYSTEM", "AFTER"))


@command("target_link_options")
def target_link_options(run: Interpreter, command: Command, words: list[Word]) -> None:
    _usage_requirement(run, command, words, "LINK_OPTIONS", ("BEFORE",))


def _directory_list(run: Interpreter, key: str, items: list[str]) -> None:
    props = run.dir_props.setdefault(run.directory.source, {})
    props[key] = join(split_list(props.get(key, "")) + items)


@command("link_directories")
def link_directories(run: Interpreter, command: Command, words: list[Word]) -> None:
    _directory_list(run, "LINK_DIRECTORIES", [run.absolute(w) for w in _values(words) if w not in ("AFTER", "BEFORE")])


@command("link_libraries")
def link_libraries(run: Interpreter, command: Command, words: list[Word]) -> None:
    _directory_list(run, "LINK_LIBRARIES", _values(words))


@command("include_directories")
def include_directories(run: Interpreter, command: Command, words: list[Word]) -> None:
    _directory_list(run, "INCLUDE_DIRECTORIES", [w for w in _values(words) if w not in ("AFTER", "BEFORE", "SYSTEM")])


@command("add_link_options")
def add_link_options(run: Interpreter, command: Command, words: list[Word]) -> None:
    _directory_list(run, "LINK_OPTIONS", _values(words))


@command("set_target_properties")
def set_target_properties(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if "PROPERTIES" not in args:
        raise _error(command, "called with incorrect number of arguments")
    at = args.index("PROPERTIES")
    pairs = args[at + 1:]
    for name in args[:at]:
        t = target(run, name, command)
        for key, value in zip(pairs[::2], pairs[1::2]):
            t.props[key] = value


@command("set_property")
def set_property(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args or "PROPERTY" not in args:
        raise _error(command, "called with incorrect number of arguments")
    scope, at = args[0], args.index("PROPERTY")
    names = [a for a in args[1:at] if a not in ("APPEND", "APPEND_STRING")]
    key, values = args[at + 1], args[at + 2:]
    append = "APPEND" in args[1:at] or "APPEND_STRING" in args[1:at]
    if scope == "TARGET":
        for name in names:
            t = target(run, name, command)
            t.props[key] = join(split_list(t.props.get(key, "")) + values) if append else join(values)
    elif scope == "GLOBAL":
        run.global_props[key] = join(split_list(run.global_props.get(key, "")) + values) if append else join(values)
    elif scope == "DIRECTORY":
        props = run.dir_props.setdefault(run.directory.source, {})
        props[key] = join(split_list(props.get(key, "")) + values) if append else join(values)


@command("get_target_property")
def get_target_property(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) != 3:
        raise _error(command, "called with incorrect number of arguments")
    found = run.targets.get(args[1])
    if found is None:
        raise Stop(f'get_target_property() called with non-existent target "{args[1]}".', command.path, command.line)
    while found.alias_of:
        found = run.targets[found.alias_of]
    value = found.props.get(args[2])
    run.set_var(args[0], value if value is not None else f"{args[0]}-NOTFOUND")


@command("get_property")
def get_property(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 4 or "PROPERTY" not in args:
        raise _error(command, "called with incorrect number of arguments")
    var, scope, key = args[0], args[1], args[args.index("PROPERTY") + 1]
    defined = "DEFINED" in args or "SET" in args
    value: str | None = None
    if scope == "TARGET":
        t = run.targets.get(args[2])
        value = t.props.get(key) if t else None
    elif scope == "GLOBAL":
        value = run.global_props.get(key)
        if key == "FIND_LIBRARY_USE_LIB64_PATHS":
            value = "FALSE"
    elif scope == "CACHE":
        entry = run.cache.get(args[2])
        value = (entry.type if key == "TYPE" else entry.value if key == "VALUE" else None) if entry else None
    elif scope == "DIRECTORY":
        value = run.dir_props.get(run.directory.source, {}).get(key)
    if defined:
        run.set_var(var, "1" if value is not None else "0")
    elif value is None:
        run.unset_var(var)
    else:
        run.set_var(var, value)
