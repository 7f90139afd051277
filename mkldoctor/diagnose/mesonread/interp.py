"""Running a project's meson.build: its options (``meson.options``/``meson_options.txt``, ``project()``'s
``default_options``, then ``-D``), variables, control flow, and the functions and methods that decide which BLAS
and MKL it links (``get_option``, ``dependency``, ``cc.find_library``, ``declare_dependency``, ``error``, the
string and array methods). Nothing is run: a call the reader does not model is recorded and returns a value that
says so; using that value stops the run with a note."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from mkldoctor.diagnose.mesonread import deps
from mkldoctor.diagnose.mesonread.syntax import MAX_FILE, MesonSyntaxError, Node, Statement, parse

MAX_STEPS = 200_000


class MesonError(Exception):
    """``meson setup`` stops: its message as meson prints it (``meson.build:12:8: ERROR: ...``)."""

    def __init__(self, message: str, path: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.message, self.path, self.line, self.col = message, path, line, col


class NotModelled(Exception):
    def __init__(self, what: str, path: str = "", line: int = 0) -> None:
        super().__init__(what)
        self.what, self.path, self.line = what, path, line


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


@dataclass
class Option:
    name: str
    type: str
    value: object
    choices: list | None = None
    line: int = 0


@dataclass
class Executable:
    name: str
    dependencies: list
    link_args: list[str] = field(default_factory=list)


class Obj:
    """meson, host_machine, a compiler: objects whose methods the reader answers."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


class Interpreter:
    def __init__(self, top: str, env: dict[str, str], machine, options: dict[str, str], isfile, listdir, read) -> None:
        self.top, self.env, self.machine = top, env, machine
        self.given = dict(options)
        self.isfile, self.listdir, self.read = isfile, listdir, read
        self.vars: dict[str, object] = {"meson": Obj("meson"), "host_machine": Obj("machine"),
                                        "build_machine": Obj("machine"), "target_machine": Obj("machine")}
        self.options: dict[str, Option] = {}
        self.executables: list[Executable] = []
        self.dependencies: list[deps.Dependency] = []
        self.messages: list[tuple[str, str, int]] = []
        self.notes: list[tuple[str, str, int]] = []
        self.path = os.path.join(top, "meson.build")
        self.steps = 0

    # -- files -------------------------------------------------------------------------------------------

    def run_file(self, path: str) -> None:
        text = self.read(path, MAX_FILE)
        if text is None:
            raise MesonError(f"cannot read {path}", path)
        try:
            body = parse(text, path)
        except MesonSyntaxError as exc:
            raise MesonError(exc.message, exc.path, exc.line, exc.col) from exc
        saved, self.path = self.path, path
        try:
            self.block(body)
        finally:
            self.path = saved

    def block(self, body: list) -> None:
        for statement in body:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise NotModelled(f"the project's meson.build runs more than {MAX_STEPS} statements", self.path,
                                  statement.line)
            self.statement(statement)

    def statement(self, s: Statement) -> None:
        if s.kind == "expr":
            self.eval(s.expr)
        elif s.kind == "assign":
            self.vars[s.target] = self.eval(s.expr)
        elif s.kind == "plusassign":
            current = self.vars.get(s.target)
            value = self.eval(s.expr)
            self.vars[s.target] = current + (value if isinstance(current, list) and isinstance(value, list)
                                             else [value] if isinstance(current, list) else value)
        elif s.kind == "if":
            for cond, body in s.branches:
                if cond is None or self._bool(self.eval(cond), cond):
                    self.block(body)
                    return
        elif s.kind == "foreach":
            items = self.eval(s.expr)
            pairs = list(items.items()) if isinstance(items, dict) else [(i,) for i in items]
            for pair in pairs:
                for name, value in zip(s.target, pair if len(s.target) > 1 else pair[:1]):
                    self.vars[name] = value
                try:
                    self.block(s.body)
                except _Break:
                    break
                except _Continue:
                    continue
        elif s.kind == "break":
            raise _Break()
        elif s.kind == "continue":
            raise _Continue()

    def error(self, node: Node, message: str) -> MesonError:
        return MesonError(f"{os.path.basename(self.path) if self.path.startswith(self.top) else self.path}:"
                          f"{node.line}:{node.col - 1}: ERROR: {message}", self.path, node.line, node.col)

    def _bool(self, value, node: Node) -> bool:
        if isinstance(value, bool):
            return value
        raise self.error(node, f"Object {value!r} cannot be used as a condition")

    # -- expressions -------------------------------------------------------------------------------------

    def eval(self, node: Node):
        kind = node.kind
        if kind in ("str", "num", "bool"):
            return node.value
        if kind == "fstr":
            return re.sub(r"@([A-Za-z_][A-Za-z0-9_]*)@", lambda m: str(self._var(m.group(1), node)), node.value)
        if kind == "id":
            return self._var(node.value, node)
        if kind == "array":
            return [self.eval(c) for c in node.children]
        if kind == "dict":
            return {self.eval(k): self.eval(v) for k, v in node.children}
        if kind == "unary":
            value = self.eval(node.children[0])
            return (not self._bool(value, node)) if node.value == "not" else -value
        if kind == "ternary":
            return self.eval(node.children[1] if self._bool(self.eval(node.children[0]), node) else node.children[2])
        if kind == "binary":
            return self._binary(node)
        if kind == "index":
            base, index = self.eval(node.children[0]), self.eval(node.children[1])
            try:
                return base[index]
            except (IndexError, KeyError, TypeError) as exc:
                raise self.error(node, f"Index {index} out of bounds") from exc
        if kind == "call":
            from mkldoctor.diagnose.mesonread.functions import call

            return call(self, node, [self.eval(a) for a in node.children],
                        {k: self.eval(v) for k, v in node.kwargs.items()})
        if kind == "method":
            from mkldoctor.diagnose.mesonread.functions import method

            return method(self, node, self.eval(node.children[0]), node.value,
                          [self.eval(a) for a in node.children[1:]], {k: self.eval(v) for k, v in node.kwargs.items()})
        raise self.error(node, f"unknown expression {kind}")

    def _var(self, name: str, node: Node):
        if name not in self.vars:
            raise self.error(node, f"Unknown variable \"{name}\".")
        return self.vars[name]

    def _binary(self, node: Node):
        op = node.value
        if op == "and":
            return self._bool(self.eval(node.children[0]), node) and self._bool(self.eval(node.children[1]), node)
        if op == "or":
            return self._bool(self.eval(node.children[0]), node) or self._bool(self.eval(node.children[1]), node)
        a, b = self.eval(node.children[0]), self.eval(node.children[1])
        if op == "in":
            return a in b
        if op == "not in":
            return a not in b
        if op == "+":
            if isinstance(a, list):
                return a + (b if isinstance(b, list) else [b])
            return a + b
        ops = {"==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, ">": lambda: a > b,
               "<=": lambda: a <= b, ">=": lambda: a >= b, "-": lambda: a - b, "*": lambda: a * b,
               "%": lambda: a % b, "/": lambda: os.path.join(a, b) if isinstance(a, str) else a // b}
        try:
            return ops[op]()
        except TypeError as exc:
            raise self.error(node, f"Invalid use of {op} on {type(a).__name__} and {type(b).__name__}") from exc
