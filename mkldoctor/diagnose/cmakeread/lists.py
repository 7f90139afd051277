"""``list()``, ``math()`` and ``cmake_parse_arguments()``: CMake's list and argument commands."""

from __future__ import annotations

import re

from mkldoctor.diagnose.cmakeread.commands import _error, _values
from mkldoctor.diagnose.cmakeread.condition import Word
from mkldoctor.diagnose.cmakeread.expand import elements, join, split_list
from mkldoctor.diagnose.cmakeread.interp import Interpreter
from mkldoctor.diagnose.cmakeread.registry import command
from mkldoctor.diagnose.cmakeread.syntax import Command


@command("list")
def list_(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 2:
        raise _error(command, "called with incorrect number of arguments")
    op, name, rest = args[0].upper(), args[1], args[2:]
    current = elements(run.get(name))
    if op in ("APPEND", "PREPEND"):
        if rest:
            run.set_var(name, join(current + rest if op == "APPEND" else rest + current))
        elif name not in run.scope.vars and run.definition(name) is None:
            run.set_var(name, "")
    elif op == "INSERT":
        index = _index(int(rest[0]), len(current) + 1, command)
        run.set_var(name, join(current[:index] + rest[1:] + current[index:]))
    elif op == "REMOVE_ITEM":
        run.set_var(name, join([x for x in current if x not in rest]))
    elif op == "REMOVE_AT":
        drop = {_index(int(i), len(current), command) for i in rest}
        run.set_var(name, join([x for i, x in enumerate(current) if i not in drop]))
    elif op == "REMOVE_DUPLICATES":
        if current:
            run.set_var(name, join(list(dict.fromkeys(current))))
    elif op == "LENGTH":
        run.set_var(rest[0], str(len(current)))
    elif op == "GET":
        run.set_var(rest[-1], join([current[_index(int(i), len(current), command)] for i in rest[:-1]]))
    elif op == "FIND":
        run.set_var(rest[1], str(current.index(rest[0]) if rest[0] in current else -1))
    elif op == "JOIN":
        run.set_var(rest[1], rest[0].join(current))
    elif op == "SUBLIST":
        begin, length = int(rest[0]), int(rest[1])
        run.set_var(rest[2], join(current[begin:] if length < 0 else current[begin:begin + length]))
    elif op == "REVERSE":
        run.set_var(name, join(current[::-1]))
    elif op == "SORT":
        run.set_var(name, join(sorted(current)))
    elif op in ("POP_BACK", "POP_FRONT"):
        taken = current[-1:] if op == "POP_BACK" else current[:1]
        run.set_var(name, join(current[:-1] if op == "POP_BACK" else current[1:]))
        if rest:
            run.set_var(rest[0], join(taken))
    elif op == "FILTER":
        keep = rest[0] == "INCLUDE"
        pattern = run.regex(rest[2])
        run.set_var(name, join([x for x in current if bool(pattern.search(x)) == keep]))
    elif op == "TRANSFORM":
        _transform(run, command, name, current, rest)
    else:
        raise _error(command, f"does not recognize sub-command {args[0]}")


def _index(index: int, size: int, command: Command) -> int:
    real = index + size if index < 0 else index
    if not 0 <= real < max(size, 1) + (1 if size == 0 else 0):
        raise _error(command, f"index: {index} out of range (-{size}, {size - 1})")
    return real


def _transform(run: Interpreter, command: Command, name: str, current: list[str], rest: list[str]) -> None:
    action, rest = rest[0], rest[1:]
    output = name
    if "OUTPUT_VARIABLE" in rest:
        output = rest[rest.index("OUTPUT_VARIABLE") + 1]
        rest = rest[:rest.index("OUTPUT_VARIABLE")]
    chosen = set(range(len(current)))
    if rest and rest[-2:-1] == ["REGEX"]:
        pattern = run.regex(rest[-1])
        chosen = {i for i, x in enumerate(current) if pattern.search(x)}
        rest = rest[:-2]
    ops = {"APPEND": lambda x: x + rest[0], "PREPEND": lambda x: rest[0] + x, "TOUPPER": str.upper,
           "TOLOWER": str.lower, "STRIP": str.strip, "GENEX_STRIP": lambda x: re.sub(r"\$<[^>]*>", "", x),
           "REPLACE": lambda x: run.regex(rest[0]).sub(_python_replacement(rest[1]), x)}
    if action not in ops:
        raise _error(command, f"TRANSFORM does not recognize action {action}")
    run.set_var(output, join([ops[action](x) if i in chosen else x for i, x in enumerate(current)]))


def _python_replacement(text: str) -> str:
    return re.sub(r"\\(\d)", r"\\g<\1>", text.replace("\\\\", "\\"))


@command("math")
def math(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if len(args) < 3 or args[0] != "EXPR":
        raise _error(command, "called with incorrect arguments")
    value = _arithmetic(args[2], command)
    hexa = "OUTPUT_FORMAT" in args and args[args.index("OUTPUT_FORMAT") + 1] == "HEXADECIMAL"
    run.set_var(args[1], hex(value) if hexa else str(value))


def _arithmetic(expr: str, command: Command) -> int:
    """An integer expression, evaluated by a small parser of its own (never Python's eval)."""
    tokens = re.findall(r"0[xX][0-9a-fA-F]+|\d+|<<|>>|[-+*/%&|^~()]", expr)
    if "".join(tokens) != re.sub(r"\s+", "", expr):
        raise _error(command, f'EXPR cannot parse the expression: "{expr}"')
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def unary():
        token = take()
        if token == "-":
            return -unary()
        if token == "+":
            return unary()
        if token == "~":
            return ~unary()
        if token == "(":
            value = binary(0)
            take()
            return value
        return int(token, 0)

    levels = [("|",), ("^",), ("&",), ("<<", ">>"), ("+", "-"), ("*", "/", "%")]
    ops = {"|": lambda a, b: a | b, "^": lambda a, b: a ^ b, "&": lambda a, b: a & b, "<<": lambda a, b: a << b,
           ">>": lambda a, b: a >> b, "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: int(a / b) if b else 0, "%": lambda a, b: a % b if b else 0}

    def binary(level):
        if level == len(levels):
            return unary()
        value = binary(level + 1)
        while peek() in levels[level]:
            op = take()
            value = ops[op](value, binary(level + 1))
        return value

    try:
        return binary(0)
    except (IndexError, ValueError) as exc:
        raise _error(command, f'EXPR cannot parse the expression: "{expr}"') from exc


@command("cmake_parse_arguments")
def parse_arguments(run: Interpreter, command: Command, words: list[Word]) -> None:
    args = _values(words)
    if args[:1] == ["PARSE_ARGV"]:
        start, args = int(args[1]), args[2:]
        count = int(run.get("ARGC") or 0)
        given = [run.get(f"ARGV{i}") for i in range(start, count)]
    else:
        given = args[4:]
    if len(args) < 4:
        raise _error(command, "must be called with at least 4 arguments.")
    prefix, options, singles, multis = args[0], split_list(args[1]), split_list(args[2]), split_list(args[3])
    found: dict[str, list[str] | bool] = {o: False for o in options}
    current, unparsed, missing = None, [], []
    for item in given:
        if item in options:
            found[item], current = True, None
        elif item in singles or item in multis:
            current = item
            found[item] = []
        elif current is not None:
            found[current].append(item)
            if current in singles:
                current = None
        else:
            unparsed.append(item)
    for key in options:
        run.set_var(f"{prefix}_{key}", "TRUE" if found[key] else "FALSE")
    for key in singles + multis:
        value = found.get(key)
        if isinstance(value, list) and value:
            run.set_var(f"{prefix}_{key}", join(value))
        else:
            run.unset_var(f"{prefix}_{key}")
            if isinstance(value, list):
                missing.append(key)
    for suffix, items in (("UNPARSED_ARGUMENTS", unparsed), ("KEYWORDS_MISSING_VALUES", missing)):
        if items:
            run.set_var(f"{prefix}_{suffix}", join(items))
        else:
            run.unset_var(f"{prefix}_{suffix}")
