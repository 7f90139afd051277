"""Meson's build language as its files are written: statements (assignments, ``if``/``elif``/``else``,
``foreach``, ``break``/``continue``, expressions) and expressions (calls, methods, indexing, arithmetic,
comparisons, ``and``/``or``/``not``, ``in``, the ternary ``?:``, arrays, dictionaries, strings with their
escapes and f-strings), parsed into a small tree; each node keeps its line and column for errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_FILE = 4 << 20

_TOKEN = re.compile(r"""
    (?P<newline>\n) | (?P<space>[ \t\r]+) | (?P<comment>\#[^\n]*) | (?P<cont>\\\n)
  | (?P<mstring>f?'''.*?''') | (?P<string>f?'(?:\\.|[^'\\\n])*')
  | (?P<number>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|\+=|[-+*/%<>=?:,.()\[\]{}])
""", re.X | re.S)
KEYWORDS = {"if", "elif", "else", "endif", "foreach", "endforeach", "and", "or", "not", "in", "true", "false",
            "break", "continue"}


class MesonSyntaxError(Exception):
    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: ERROR: {message}")
        self.path, self.line, self.col, self.message = path, line, col, message


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    line: int
    col: int


@dataclass
class Node:
    kind: str  # str, fstr, num, bool, id, array, dict, call, method, index, unary, binary, ternary
    line: int
    col: int
    value: object = None
    children: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)


@dataclass
class Statement:
    kind: str  # expr, assign, plusassign, if, foreach, break, continue
    line: int
    col: int
    target: str | list[str] | None = None
    expr: Node | None = None
    branches: list[tuple[Node | None, list]] = field(default_factory=list)  # if: (condition or None for else, body)
    body: list = field(default_factory=list)


def tokens(text: str, path: str) -> list[Token]:
    out, pos, line, start = [], 0, 1, 0
    depth = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise MesonSyntaxError(path, line, pos - start + 1, f"lexer error: unexpected {text[pos]!r}")
        kind = match.lastgroup
        value = match.group(0)
        col = pos - start + 1
        if kind == "newline":
            if depth == 0 and out and out[-1].kind != "eol":
                out.append(Token("eol", "", line, col))
            line, start = line + 1, match.end()
        elif kind == "cont":
            line, start = line + 1, match.end()
        elif kind in ("mstring", "string"):
            out.append(Token(kind, value, line, col))
            if "\n" in value:
                line += value.count("\n")
                start = pos + value.rfind("\n") + 1
        elif kind not in ("space", "comment"):
            if kind == "op" and value in "([{":
                depth += 1
            elif kind == "op" and value in ")]}":
                depth = max(0, depth - 1)
            out.append(Token("keyword" if kind == "name" and value in KEYWORDS else kind, value, line, col))
        pos = match.end()
    out.append(Token("eol", "", line, 1))
    out.append(Token("eof", "", line, 1))
    return out


class Parser:
    def __init__(self, text: str, path: str) -> None:
        self.toks = tokens(text, path)
        self.pos = 0
        self.path = path

    def peek(self, offset: int = 0) -> Token:
        return self.toks[min(self.pos + offset, len(self.toks) - 1)]

    def take(self) -> Token:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def accept(self, value: str) -> bool:
        tok = self.peek()
        if tok.value == value and tok.kind in ("op", "keyword"):
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> Token:
        tok = self.peek()
        if tok.value != value:
            raise MesonSyntaxError(self.path, tok.line, tok.col, f"expecting {value!r} got {tok.value or tok.kind!r}")
        return self.take()

    def fail(self, message: str) -> MesonSyntaxError:
        tok = self.peek()
        return MesonSyntaxError(self.path, tok.line, tok.col, message)

    # -- statements -------------------------------------------------------------------------------------

    def block(self, ends: tuple[str, ...]) -> list:
        out = []
        while True:
            while self.peek().kind == "eol":
                self.take()
            tok = self.peek()
            if tok.kind == "eof" or (tok.kind == "keyword" and tok.value in ends):
                return out
            out.append(self.statement())

    def statement(self) -> Statement:
        tok = self.peek()
        if tok.kind == "keyword" and tok.value == "if":
            return self._if()
        if tok.kind == "keyword" and tok.value == "foreach":
            return self._foreach()
        if tok.kind == "keyword" and tok.value in ("break", "continue"):
            self.take()
            return Statement(tok.value, tok.line, tok.col)
        if tok.kind == "name" and self.peek(1).value in ("=", "+="):
            name = self.take().value
            op = self.take().value
            return Statement("assign" if op == "=" else "plusassign", tok.line, tok.col, name, self.expression())
        return Statement("expr", tok.line, tok.col, expr=self.expression())

    def _if(self) -> Statement:
        head = self.take()
        node = Statement("if", head.line, head.col)
        node.branches.append((self.expression(), self.block(("elif", "else", "endif"))))
        while True:
            tok = self.take()
            if tok.value == "elif":
                node.branches.append((self.expression(), self.block(("elif", "else", "endif"))))
            elif tok.value == "else":
                node.branches.append((None, self.block(("endif",))))
            elif tok.value == "endif":
                return node
            else:
                raise MesonSyntaxError(self.path, head.line, head.col, "if without endif")

    def _foreach(self) -> Statement:
        head = self.take()
        names = [self._name()]
        if self.accept(","):
            names.append(self._name())
        self.expect(":")
        node = Statement("foreach", head.line, head.col, names, self.expression())
        node.body = self.block(("endforeach",))
        if self.take().value != "endforeach":
            raise MesonSyntaxError(self.path, head.line, head.col, "foreach without endforeach")
        return node

    def _name(self) -> str:
        tok = self.take()
        if tok.kind != "name":
            raise MesonSyntaxError(self.path, tok.line, tok.col, f"expecting a name, got {tok.value!r}")
        return tok.value

    # -- expressions ------------------------------------------------------------------------------------

    def expression(self) -> Node:
        cond = self._or()
        if self.peek().value == "?":
            tok = self.take()
            yes = self._or()
            self.expect(":")
            no = self._or()
            return Node("ternary", tok.line, tok.col, children=[cond, yes, no])
        return cond

    def _binary(self, ops: tuple[str, ...], below) -> Node:
        left = below()
        while self.peek().value in ops and self.peek().kind in ("op", "keyword"):
            tok = self.take()
            op = tok.value
            if op == "not":  # "not in"
                self.expect("in")
                op = "not in"
            left = Node("binary", tok.line, tok.col, op, [left, below()])
        return left

    def _or(self) -> Node:
        return self._binary(("or",), self._and)

    def _and(self) -> Node:
        return self._binary(("and",), self._not)

    def _not(self) -> Node:
        tok = self.peek()
        if tok.kind == "keyword" and tok.value == "not":
            self.take()
            return Node("unary", tok.line, tok.col, "not", [self._not()])
        return self._compare()

    def _compare(self) -> Node:
        left = self._add()
        while True:
            tok = self.peek()
            if tok.value in ("==", "!=", "<", ">", "<=", ">=") and tok.kind == "op" or tok.value == "in" and tok.kind == "keyword":
                self.take()
                left = Node("binary", tok.line, tok.col, tok.value, [left, self._add()])
            elif tok.value == "not" and tok.kind == "keyword" and self.peek(1).value == "in":
                self.take()
                self.take()
                left = Node("binary", tok.line, tok.col, "not in", [left, self._add()])
            else:
                return left

    def _add(self) -> Node:
        return self._binary(("+", "-"), self._mul)

    def _mul(self) -> Node:
        return self._binary(("*", "/", "%"), self._unary)

    def _unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value == "-":
            self.take()
            return Node("unary", tok.line, tok.col, "-", [self._unary()])
        return self._postfix(self._primary())

    def _postfix(self, node: Node) -> Node:
        while True:
            tok = self.peek()
            if tok.value == "(" and tok.kind == "op" and node.kind == "id":
                self.take()
                args, kwargs = self._arguments()
                node = Node("call", node.line, node.col, node.value, args, kwargs)
            elif tok.value == "." and tok.kind == "op":
                self.take()
                name = self._name()
                self.expect("(")
                args, kwargs = self._arguments()
                node = Node("method", tok.line, tok.col, name, [node] + args, kwargs)
            elif tok.value == "[" and tok.kind == "op":
                self.take()
                index = self.expression()
                self.expect("]")
                node = Node("index", tok.line, tok.col, None, [node, index])
            else:
                return node

    def _arguments(self) -> tuple[list[Node], dict[str, Node]]:
        args, kwargs = [], {}
        while not self.accept(")"):
            if self.peek().kind == "name" and self.peek(1).value == ":":
                key = self.take().value
                self.take()
                kwargs[key] = self.expression()
            else:
                args.append(self.expression())
            if not self.accept(","):
                self.expect(")")
                break
        return args, kwargs

    def _primary(self) -> Node:
        tok = self.take()
        if tok.kind in ("string", "mstring"):
            fmt = tok.value.startswith("f")
            raw = tok.value[1:] if fmt else tok.value
            body = raw[3:-3] if tok.kind == "mstring" else _unescape(raw[1:-1])
            return Node("fstr" if fmt else "str", tok.line, tok.col, body)
        if tok.kind == "number":
            return Node("num", tok.line, tok.col, int(tok.value, 0))
        if tok.kind == "keyword" and tok.value in ("true", "false"):
            return Node("bool", tok.line, tok.col, tok.value == "true")
        if tok.kind == "name":
            return Node("id", tok.line, tok.col, tok.value)
        if tok.value == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.value == "[":
            items = []
            while not self.accept("]"):
                items.append(self.expression())
                if not self.accept(","):
                    self.expect("]")
                    break
            return Node("array", tok.line, tok.col, None, items)
        if tok.value == "{":
            pairs = []
            while not self.accept("}"):
                key = self.expression()
                self.expect(":")
                pairs.append([key, self.expression()])
                if not self.accept(","):
                    self.expect("}")
                    break
            return Node("dict", tok.line, tok.col, None, pairs)
        raise MesonSyntaxError(self.path, tok.line, tok.col, f"unexpected {tok.value or tok.kind!r}")


def _unescape(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), "\\" + m.group(1)), text)


def parse(text: str, path: str) -> list:
    parser = Parser(text, path)
    body = parser.block(())
    if parser.peek().kind != "eof":
        raise parser.fail(f"unexpected {parser.peek().value!r}")
    return body
