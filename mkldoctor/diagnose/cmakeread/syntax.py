"""CMake's language as its files are written: command invocations and their arguments, grouped into blocks.

The grammar is CMake's own (cmake-language(7)): a command name, ``(``, arguments, ``)``; an argument is a
bracket argument (``[[...]]``, taken as is), a quoted argument (one argument, variables expanded) or an unquoted
one (expanded, then split into a list on ``;``); parentheses inside the arguments are arguments of their own
(``if((A OR B) AND C)``). Arguments keep their raw text: macros substitute into it, and escapes and variables are
evaluated only when the command runs (:mod:`expand`). Blocks (``if``/``foreach``/``while``/``function``/``macro``)
are matched here, so a missing ``endif`` is a syntax error with its line, as CMake reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLOCKS = {"if": "endif", "foreach": "endforeach", "while": "endwhile", "function": "endfunction",
          "macro": "endmacro", "block": "endblock"}
_ENDS = set(BLOCKS.values())
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACKET_OPEN = re.compile(r"\[(=*)\[")
MAX_FILE = 4 << 20  # a CMake file larger than this is not read (no real project's is)


class CMakeSyntaxError(Exception):
    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Arg:
    text: str  # raw: escapes and variable references not yet evaluated
    kind: str = "unquoted"  # "unquoted", "quoted" or "bracket"


@dataclass(frozen=True)
class Command:
    name: str  # lower case: CMake's command names are case-insensitive
    args: tuple[Arg, ...]
    path: str
    line: int
    spelled: str = ""  # as written


@dataclass
class Block:
    """``if``/``foreach``/``while``/``function``/``macro``: the opening command and what it holds.

    For ``if``: ``branches`` holds (the ``if``/``elseif`` command, its body) and then (``else``, its body)."""

    head: Command
    body: list = field(default_factory=list)  # Command | Block
    branches: list[tuple[Command, list]] = field(default_factory=list)
    end: Command | None = None


def parse(text: str, path: str) -> list:
    """The file's commands, blocks matched (a list of :class:`Command` and :class:`Block`)."""
    return _nest(list(_commands(text, path)), path)


def _commands(text: str, path: str):
    pos, line, n = 0, 1, len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            line += 1
            pos += 1
        elif ch in " \t\r":
            pos += 1
        elif ch == "#":
            pos, line = _comment(text, pos, line, path)
        else:
            match = _IDENT.match(text, pos)
            if not match:
                raise CMakeSyntaxError(path, line, f"expected a command name, found {text[pos:pos + 20]!r}")
            name, start_line = match.group(0), line
            pos = match.end()
            while pos < n and text[pos] in " \t":
                pos += 1
            if pos >= n or text[pos] != "(":
                raise CMakeSyntaxError(path, line, f"expected '(' after command name {name}")
            args, pos, line = _arguments(text, pos + 1, line, path)
            yield Command(name.lower(), tuple(args), path, start_line, name)


def _comment(text: str, pos: int, line: int, path: str) -> tuple[int, int]:
    bracket = _BRACKET_OPEN.match(text, pos + 1)
    if bracket:
        close = "]" + bracket.group(1) + "]"
        end = text.find(close, bracket.end())
        if end < 0:
            raise CMakeSyntaxError(path, line, "unterminated bracket comment")
        line += text.count("\n", pos, end)
        return end + len(close), line
    end = text.find("\n", pos)
    return (len(text) if end < 0 else end), line


def _arguments(text: str, pos: int, line: int, path: str) -> tuple[list[Arg], int, int]:
    """The arguments after ``(`` up to the matching ``)``; nested parentheses are arguments of their own."""
    args: list[Arg] = []
    depth, n, start_line = 0, len(text), line
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            line += 1
            pos += 1
        elif ch in " \t\r":
            pos += 1
        elif ch == "#":
            pos, line = _comment(text, pos, line, path)
        elif ch == "(":
            depth += 1
            args.append(Arg("("))
            pos += 1
        elif ch == ")":
            if depth == 0:
                return args, pos + 1, line
            depth -= 1
            args.append(Arg(")"))
            pos += 1
        elif ch == '"':
            value, pos, line = _quoted(text, pos + 1, line, path)
            args.append(Arg(value, "quoted"))
        elif ch == "[" and (bracket := _BRACKET_OPEN.match(text, pos)):
            close = "]" + bracket.group(1) + "]"
            end = text.find(close, bracket.end())
            if end < 0:
                raise CMakeSyntaxError(path, line, "unterminated bracket argument")
            body = text[bracket.end():end]
            body = body[1:] if body.startswith("\n") else body  # a newline right after the opening is dropped
            line += text.count("\n", pos, end)
            args.append(Arg(body, "bracket"))
            pos = end + len(close)
        else:
            value, pos = _unquoted(text, pos)
            args.append(Arg(value))
    raise CMakeSyntaxError(path, start_line, "unterminated command: no closing ')'")


def _quoted(text: str, pos: int, line: int, path: str) -> tuple[str, int, int]:
    out, n, start = [], len(text), line
    while pos < n:
        ch = text[pos]
        if ch == "\\" and pos + 1 < n:
            if text[pos + 1] == "\n":  # a line continuation: both go
                line += 1
                pos += 2
                continue
            out.append(text[pos:pos + 2])
            pos += 2
            continue
        if ch == '"':
            return "".join(out), pos + 1, line
        if ch == "\n":
            line += 1
        out.append(ch)
        pos += 1
    raise CMakeSyntaxError(path, start, "unterminated quoted argument")


def _unquoted(text: str, pos: int) -> tuple[str, int]:
    """An unquoted argument, with CMake's legacy forms: ``-Da="b c"`` (quotes inside keep spaces) and
    ``$(VAR)``/``${...}`` with their own parentheses or braces."""
    out, n = [], len(text)
    while pos < n:
        ch = text[pos]
        if ch == "\\" and pos + 1 < n:
            out.append(text[pos:pos + 2])
            pos += 2
        elif ch == "$" and text.startswith("{", pos + 1) or text.startswith("$ENV{", pos) \
                or text.startswith("$CACHE{", pos):
            end = _closing_brace(text, text.index("{", pos))
            out.append(text[pos:end])
            pos = end
        elif ch == '"' and out:  # legacy: a quoted part inside an unquoted argument
            end = text.find('"', pos + 1)
            end = n - 1 if end < 0 else end
            out.append(text[pos:end + 1])
            pos = end + 1
        elif ch in ' \t\r\n()#"':
            break
        else:
            out.append(ch)
            pos += 1
    return "".join(out), pos


def _closing_brace(text: str, brace: int) -> int:
    depth, pos = 0, brace
    while pos < len(text):
        if text[pos] == "{":
            depth += 1
        elif text[pos] == "}":
            depth -= 1
            if depth == 0:
                return pos + 1
        elif text[pos] in "\n":
            break
        pos += 1
    return pos


def _nest(commands: list[Command], path: str) -> list:
    """Match blocks: ``if``...``elseif``...``else``...``endif`` and the loops and definitions."""
    out: list = []
    stack: list[tuple[Block, list]] = []  # the open block and the list it adds to
    current = out
    for command in commands:
        name = command.name
        if name in BLOCKS:
            block = Block(command)
            if name == "if":
                block.branches.append((command, block.body))
            current.append(block)
            stack.append((block, current))
            current = block.body
        elif name in ("elseif", "else"):
            if not stack or stack[-1][0].head.name != "if":
                raise CMakeSyntaxError(path, command.line, f"{command.spelled} without a matching if()")
            block = stack[-1][0]
            body: list = []
            block.branches.append((command, body))
            current = body
        elif name in _ENDS:
            if not stack or BLOCKS[stack[-1][0].head.name] != name:
                raise CMakeSyntaxError(path, command.line, f"{command.spelled} without a matching opening command")
            block, current = stack.pop()
            block.end = command
        else:
            current.append(command)
    if stack:
        head = stack[-1][0].head
        raise CMakeSyntaxError(path, head.line, f"{head.spelled}() is not closed: no matching {BLOCKS[head.name]}()")
    return out
