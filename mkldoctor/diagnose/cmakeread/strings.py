"""``string()``, ``file()`` (its reading and path forms; nothing is written) and ``get_filename_component()``."""

from __future__ import annotations

import os
import re

from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.lists import _python_replacement
from mkldoctor.diagnose.cmakeread.condition import Word
from mkldoctor.diagnose.cmakeread.expand import join, split_list
from mkldoctor.diagnose.cmakeread.interp import Interpreter
from mkldoctor.diagnose.cmakeread.registry import command
from mkldoctor.diagnose.cmakeread.state import Unmodelled
from mkldoctor.diagnose.cmakeread.syntax import Command

MAX_GLOB = 10_000


@command("string")
def string(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "must be called with at least two arguments.")
    op, rest = args[0], args[1:]
    simple = {"TOUPPER": str.upper, "TOLOWER": str.lower, "STRIP": str.strip,
              "MAKE_C_IDENTIFIER": lambda s: re.sub(r"[^A-Za-z0-9_]", "_", s if not s[:1].isdigit() else "_" + s),
              "GENEX_STRIP": lambda s: re.sub(r"\$<[^>]*>", "", s)}
    if op in simple:
        run.set_var(rest[1], simple[op](rest[0]))
    elif op == "REPLACE":
        run.set_var(rest[2], "".join(rest[3:]).replace(rest[0], rest[1]) if rest[0] else "".join(rest[3:]))
    elif op == "REGEX":
        _regex(run, command, rest)
    elif op == "LENGTH":
        run.set_var(rest[1], str(len(rest[0])))
    elif op == "SUBSTRING":
        text, begin, length = rest[0], int(rest[1]), int(rest[2])
        if begin > len(text):
            raise _error(command, f"begin index: {begin} is out of range 0 - {len(text)}")
        run.set_var(rest[3], text[begin:] if length < 0 else text[begin:begin + length])
    elif op == "FIND":
        found = rest[0].rfind(rest[1]) if "REVERSE" in rest[3:] else rest[0].find(rest[1])
        run.set_var(rest[2], str(found))
    elif op in ("APPEND", "PREPEND"):
        current = run.get(rest[0])
        run.set_var(rest[0], current + "".join(rest[1:]) if op == "APPEND" else "".join(rest[1:]) + current)
    elif op == "CONCAT":
        run.set_var(rest[0], "".join(rest[1:]))
    elif op == "JOIN":
        run.set_var(rest[1], rest[0].join(rest[2:]))
    elif op == "REPEAT":
        run.set_var(rest[2], rest[0] * int(rest[1]))
    elif op == "COMPARE":
        ops = {"EQUAL": lambda a, b: a == b, "NOTEQUAL": lambda a, b: a != b, "LESS": lambda a, b: a < b,
               "GREATER": lambda a, b: a > b, "LESS_EQUAL": lambda a, b: a <= b, "GREATER_EQUAL": lambda a, b: a >= b}
        run.set_var(rest[3], "1" if ops[rest[0]](rest[1], rest[2]) else "0")
    elif op == "ASCII":
        run.set_var(rest[-1], "".join(chr(int(c)) for c in rest[:-1]))
    elif op == "CONFIGURE":
        text = re.sub(r"@([A-Za-z0-9_]+)@", lambda m: run.get(m.group(1)), rest[0])
        if "@ONLY" not in rest[2:]:
            text = re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: run.get(m.group(1)), text)
        run.set_var(rest[1], text)
    else:
        run.note(f"string({op}) is not modelled: its output variable is left unset", command)


def _regex(run: Interpreter, command: Command, rest: list[str]) -> None:
    mode, pattern = rest[0], run.regex(rest[1])
    if mode == "MATCH":
        text = "".join(rest[3:])
        match = pattern.search(text)
        run.set_var(rest[2], match.group(0) if match else "")
        if match:
            run.set_matches([match.group(0)] + [g or "" for g in match.groups()])
    elif mode == "MATCHALL":
        text = "".join(rest[3:])
        run.set_var(rest[2], join([m.group(0) for m in pattern.finditer(text)]))
    elif mode == "REPLACE":
        text = "".join(rest[4:])
        run.set_var(rest[3], pattern.sub(_python_replacement(rest[2]), text))
    else:
        raise _error(command, f"sub-command REGEX does not recognize mode {mode}")


@command("file")
def file_(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if not args:
        raise _error(command, "must be called with at least two arguments.")
    op, rest = args[0], args[1:]
    if op in ("TO_CMAKE_PATH", "TO_NATIVE_PATH"):
        value = rest[0].replace("\\", "/") if op == "TO_CMAKE_PATH" else rest[0]
        run.set_var(rest[1], join(value.split(":")) if op == "TO_CMAKE_PATH" else value)
    elif op in ("READ", "STRINGS") and not run.may_read(run.absolute(rest[0])):
        raise Unmodelled(f"file({op}) of {rest[0]}, outside the project: not read (its content could reach the output)",
                         command.path, command.line)
    elif op in ("GLOB", "GLOB_RECURSE"):
        _glob(run, command, op, rest)
    elif op == "STRINGS":
        _strings(run, command, rest)
    elif op == "READ":
        text = run.read_text(run.absolute(rest[0]))
        if text is None:
            raise _error(command, f'failed to open for reading ({rest[0]}):\n  No such file or directory')
        run.set_var(rest[1], text)
    elif op == "REAL_PATH":
        path = run.absolute(rest[0])
        real = run.fs.resolve(path)
        run.set_var(rest[1], run.fs.inside(real) if isinstance(real, str) else path)
    elif op == "RELATIVE_PATH":
        run.set_var(rest[0], os.path.relpath(rest[2], rest[1]))
    elif op in ("WRITE", "APPEND", "MAKE_DIRECTORY", "REMOVE", "REMOVE_RECURSE", "TOUCH", "TOUCH_NOCREATE",
                "GENERATE", "CONFIGURE", "COPY", "INSTALL", "RENAME", "COPY_FILE", "CHMOD", "CHMOD_RECURSE",
                "CREATE_LINK", "LOCK"):
        return  # writes into the build folder: not done, and nothing the reader reads comes from there
    elif op == "SIZE":
        run.set_var(rest[1], "0")
    else:
        run.note(f"file({op}) is not modelled: its result is left unset", command)


def _glob(run: Interpreter, command: Command, op: str, rest: list[str]) -> None:
    out_var, patterns, relative = rest[0], [], None
    skip = False
    for i, word in enumerate(rest[1:], 1):
        if skip:
            skip = False
        elif word == "RELATIVE":
            relative, skip = rest[i + 1], True
        elif word in ("LIST_DIRECTORIES", ):
            skip = True
        elif word in ("CONFIGURE_DEPENDS", "FOLLOW_SYMLINKS"):
            continue
        else:
            patterns.append(run.absolute(word))
    found: list[str] = []
    for pattern in patterns:
        if op == "GLOB_RECURSE":
            base, name = os.path.split(pattern)
            found += [p for p in _walk(run, base) if _fnmatch(os.path.basename(p), name)]
        else:
            found += run.glob(pattern)
        if len(found) > MAX_GLOB:
            run.note(f"file({op}) matches more than {MAX_GLOB} files: the list is cut", command)
            found = found[:MAX_GLOB]
            break
    if relative:
        found = [os.path.relpath(p, relative) for p in found]
    run.set_var(out_var, join(sorted(found)))


def _walk(run: Interpreter, base: str, depth: int = 0) -> list[str]:
    if depth > 8:
        return []
    out = []
    for name in run.listdir(base):
        path = os.path.join(base, name)
        if run.is_dir(path) and not run.is_symlink(path):
            out += _walk(run, path, depth + 1)
        else:
            out.append(path)
        if len(out) > MAX_GLOB:
            break
    return out


def _fnmatch(name: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)


def _strings(run: Interpreter, command: Command, rest: list[str]) -> None:
    path, out_var = run.absolute(rest[0]), rest[1]
    text = run.read_text(path)
    if text is None:
        raise _error(command, f"file STRINGS file \"{rest[0]}\" cannot be read.")
    lines = [line for line in text.split("\n")]
    options = rest[2:]
    if "REGEX" in options:
        pattern = run.regex(options[options.index("REGEX") + 1])
        lines = [line for line in lines if pattern.search(line)]
    if "LIMIT_COUNT" in options:
        lines = lines[:int(options[options.index("LIMIT_COUNT") + 1])]
    run.set_var(out_var, join([line.replace(";", "\\;") for line in lines if line != ""]))


@command("get_filename_component")
def get_filename_component(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 3:
        raise _error(command, "called with incorrect number of arguments")
    var, path, mode = args[0], args[1], args[2]
    base = args[args.index("BASE_DIR") + 1] if "BASE_DIR" in args[3:] else None
    name = os.path.basename(path.rstrip("/")) if path not in ("/",) else ""
    if mode in ("DIRECTORY", "PATH"):
        value = os.path.dirname(path.rstrip("/")) if "/" in path else ""
    elif mode == "NAME":
        value = name
    elif mode == "EXT":
        value = name[name.find("."):] if "." in name else ""
    elif mode == "NAME_WE":
        value = name.split(".")[0]
    elif mode == "LAST_EXT":
        value = os.path.splitext(name)[1]
    elif mode == "NAME_WLE":
        value = os.path.splitext(name)[0]
    elif mode in ("ABSOLUTE", "REALPATH"):
        value = run.absolute(path, base) if path else ""
        if mode == "REALPATH" and value:
            real = run.fs.resolve(value) if not run._host(value) else os.path.realpath(value)
            value = (run.fs.inside(real) if not run._host(value) else real) if isinstance(real, str) else value
    elif mode == "PROGRAM":
        value = path
    else:
        raise _error(command, f"called with unknown component request \"{mode}\".")
    if "CACHE" in args[3:]:
        run.set_cache(var, value, "STRING")
    else:
        run.set_var(var, value)


def split(value: str) -> list[str]:
    return split_list(value)
