"""``if()`` and ``while()`` conditions, evaluated in CMake's own order (cmConditionEvaluator, CMake 3.25):
parentheses, then the unary tests (EXISTS, DEFINED, TARGET, ...), then the binary ones (STREQUAL, MATCHES,
VERSION_LESS, IN_LIST, ...), then NOT, then AND and OR from left to right without short-circuit. An unquoted
argument that names a variable is read through it (policy CMP0054: a quoted one is not)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from mkldoctor.diagnose.cmakeread.expand import split_list
from mkldoctor.diagnose.cmakeread.state import Stop

_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_UNARY = {"EXISTS", "IS_DIRECTORY", "IS_SYMLINK", "IS_ABSOLUTE", "COMMAND", "POLICY", "TARGET", "TEST", "DEFINED"}
_NUMERIC = {"LESS": lambda a, b: a < b, "GREATER": lambda a, b: a > b, "EQUAL": lambda a, b: a == b,
            "LESS_EQUAL": lambda a, b: a <= b, "GREATER_EQUAL": lambda a, b: a >= b}
_STRING = {"STRLESS": lambda a, b: a < b, "STRGREATER": lambda a, b: a > b, "STREQUAL": lambda a, b: a == b,
           "STRLESS_EQUAL": lambda a, b: a <= b, "STRGREATER_EQUAL": lambda a, b: a >= b}
_VERSION = {"VERSION_LESS": lambda c: c < 0, "VERSION_GREATER": lambda c: c > 0, "VERSION_EQUAL": lambda c: c == 0,
            "VERSION_LESS_EQUAL": lambda c: c <= 0, "VERSION_GREATER_EQUAL": lambda c: c >= 0}
_BINARY = {"MATCHES", "IN_LIST", "PATH_EQUAL", *_NUMERIC, *_STRING, *_VERSION}


class Host(Protocol):
    """What a condition reads from the run."""

    def definition(self, name: str) -> str | None: ...  # a normal variable, else the cache; None if neither
    def env_defined(self, name: str) -> bool: ...
    def cache_defined(self, name: str) -> bool: ...
    def exists(self, path: str) -> bool: ...
    def is_dir(self, path: str) -> bool: ...
    def is_symlink(self, path: str) -> bool: ...
    def is_command(self, name: str) -> bool: ...
    def is_target(self, name: str) -> bool: ...
    def set_matches(self, groups: list[str]) -> None: ...
    def regex(self, pattern: str) -> re.Pattern[str]: ...


@dataclass(frozen=True)
class Word:
    value: str
    quoted: bool = False
    constant: bool = False  # a result already reduced: never read as a variable name


def evaluate(words: list[Word], host: Host, where: tuple[str, int] = ("", 0)) -> bool:
    if not words:
        return False
    args = _parens(list(words), host, where)
    for level in (_unary, _binary, _not, _and_or):
        args = level(args, host)
    if len(args) != 1:
        shown = " ".join(f'"{w.value}"' if w.quoted else w.value for w in words)
        raise Stop(f"if given arguments:\n\n  {shown}\n\nUnknown arguments specified", *where)
    return boolean(args[0], host)


def _keyword(word: Word, key: str) -> bool:
    return not word.quoted and not word.constant and word.value == key


def _parens(args: list[Word], host: Host, where) -> list[Word]:
    while True:
        opening = next((i for i, w in enumerate(args) if _keyword(w, "(")), None)
        if opening is None:
            return args
        depth = 0
        for close in range(opening, len(args)):
            if _keyword(args[close], "("):
                depth += 1
            elif _keyword(args[close], ")"):
                depth -= 1
                if depth == 0:
                    break
        else:
            raise Stop("mismatched parenthesis in condition", *where)
        inner = evaluate(args[opening + 1:close], host, where)
        args = args[:opening] + [_result(inner)] + args[close + 1:]


def _result(value: bool) -> Word:
    return Word("1" if value else "0", constant=True)


def _unary(args: list[Word], host: Host) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(args):
        word = args[i]
        if i + 1 < len(args) and not word.quoted and not word.constant and word.value in _UNARY:
            out.append(_result(_test(word.value, args[i + 1].value, host)))
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def _test(key: str, value: str, host: Host) -> bool:
    if key == "DEFINED":
        for prefix, check in (("ENV{", host.env_defined), ("CACHE{", host.cache_defined)):
            if value.startswith(prefix) and value.endswith("}"):
                return check(value[len(prefix):-1])
        return host.definition(value) is not None
    if key == "EXISTS":
        return bool(value) and host.exists(value)
    if key == "IS_DIRECTORY":
        return bool(value) and host.is_dir(value)
    if key == "IS_SYMLINK":
        return bool(value) and host.is_symlink(value)
    if key == "IS_ABSOLUTE":
        return value.startswith("/") or value.startswith("~")
    if key == "COMMAND":
        return host.is_command(value)
    if key == "POLICY":
        return bool(re.match(r"^CMP0\d{3}$", value)) and int(value[3:]) <= 143
    if key == "TARGET":
        return host.is_target(value)
    return False  # TEST: no tests are modelled


def _binary(args: list[Word], host: Host) -> list[Word]:
    changed = True
    while changed:
        changed = False
        for i in range(len(args) - 2):
            op = args[i + 1]
            if op.quoted or op.constant or op.value not in _BINARY:
                continue
            args = args[:i] + [_result(_compare(args[i], op.value, args[i + 2], host))] + args[i + 3:]
            changed = True
            break
    return args


def value_of(word: Word, host: Host) -> str:
    """An operand: the variable it names when unquoted and defined, else its own text."""
    if not word.quoted and not word.constant:
        found = host.definition(word.value)
        if found is not None:
            return found
    return word.value


def _compare(left: Word, op: str, right: Word, host: Host) -> bool:
    if op == "MATCHES":
        match = host.regex(right.value).search(value_of(left, host))
        if match:
            host.set_matches([match.group(0)] + [g or "" for g in match.groups()])
        return match is not None
    a, b = value_of(left, host), value_of(right, host)
    if op in _NUMERIC:
        x, y = _number(a), _number(b)
        return x is not None and y is not None and _NUMERIC[op](x, y)
    if op in _STRING:
        return _STRING[op](a, b)
    if op in _VERSION:
        return _VERSION[op](compare_versions(a, b))
    if op == "IN_LIST":
        listed = host.definition(right.value) if not right.quoted else None
        return listed is not None and a in split_list(listed)
    return a.rstrip("/") == b.rstrip("/")  # PATH_EQUAL


def _number(text: str) -> float | None:
    return float(text) if _NUMBER.match(text) else None


def compare_versions(a: str, b: str) -> int:
    """CMake's version comparison: up to four dot-separated integers, missing ones 0; non-numbers end the number."""
    def parts(text: str) -> list[int]:
        out = []
        for piece in text.split(".")[:4]:
            digits = re.match(r"\d*", piece).group(0)
            out.append(int(digits) if digits else 0)
        return out + [0] * (4 - len(out))
    x, y = parts(a), parts(b)
    return (x > y) - (x < y)


def _not(args: list[Word], host: Host) -> list[Word]:
    changed = True
    while changed:
        changed = False
        for i in range(len(args) - 1):
            if _keyword(args[i], "NOT"):
                args = args[:i] + [_result(not boolean(args[i + 1], host))] + args[i + 2:]
                changed = True
                break
    return args


def _and_or(args: list[Word], host: Host) -> list[Word]:
    changed = True
    while changed:
        changed = False
        for i in range(len(args) - 2):
            op = args[i + 1]
            if _keyword(op, "AND") or _keyword(op, "OR"):
                left, right = boolean(args[i], host), boolean(args[i + 2], host)
                value = (left and right) if op.value == "AND" else (left or right)
                args = args[:i] + [_result(value)] + args[i + 3:]
                changed = True
                break
    return args


def boolean(word: Word, host: Host) -> bool:
    """One argument as a truth value: a constant, a number, else the variable it names (when unquoted)."""
    value = word.value
    if value == "0":
        return False
    if value == "1":
        return True
    upper = value.upper()
    if upper in ("ON", "YES", "TRUE", "Y"):
        return True
    if upper in ("OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", "") or upper.endswith("-NOTFOUND"):
        return False
    number = _number(value)
    if number is not None:
        return number != 0
    if word.quoted or word.constant:
        return False
    found = host.definition(value)
    if found is None:
        return False
    upper = found.upper()
    return not (upper in ("OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", "0", "") or upper.endswith("-NOTFOUND"))
