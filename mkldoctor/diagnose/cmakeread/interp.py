"""Running CMake files: variables and their scopes, control flow, functions and macros, and the dispatch of each
command to its handler. Nothing is executed: the handlers only read files and set the run's state."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.diagnose.cmakeread import syntax
from mkldoctor.diagnose.cmakeread.condition import Word, evaluate
from mkldoctor.diagnose.cmakeread.expand import ExpandError, expand, split_list
from mkldoctor.diagnose.cmakeread.registry import BUILTINS, KNOWN_UNMODELLED, MODULES, NO_EFFECT
from mkldoctor.diagnose.cmakeread.state import (Break, CacheEntry, Continue, Note, Record, Return, Scope, Stop,
                                                Target, Unmodelled)
from mkldoctor.rootfs import RootFS

MAX_STEPS = 400_000  # commands one run may execute (FindBLAS over every vendor takes about 30,000)
MAX_DEPTH = 60  # nested includes, calls and find_package
MAX_LOOP = 10_000  # iterations of one while()
POLICY_SINCE = {"CMP0054": (3, 1), "CMP0057": (3, 3), "CMP0060": (3, 3), "CMP0074": (3, 12), "CMP0077": (3, 13),
                "CMP0125": (3, 21), "CMP0126": (3, 21)}


@dataclass
class Definition:
    kind: str  # "function" or "macro"
    params: list[str]
    body: list
    path: str
    line: int


@dataclass
class Directory:
    source: str
    binary: str
    list_file: str


@dataclass
class Frame:
    """One level of the call stack: a file, a function or a macro, for messages' call stacks and include_guard."""

    what: str
    path: str
    line: int


class Interpreter:
    def __init__(self, fs: RootFS, env: dict[str, str], machine, top: str, binary: str,
                 cache: dict[str, CacheEntry] | None = None) -> None:
        self.fs, self.env, self.machine = fs, dict(env), machine
        self.top, self.binary_top = top, binary
        self.cache: dict[str, CacheEntry] = dict(cache or {})
        self.scope = Scope({})
        self.targets: dict[str, Target] = {}
        self.definitions: dict[str, Definition] = {}
        self.enabled_modules: set[str] = set()
        self.record = Record()
        self.policies: list[dict[str, str]] = [{}]
        self.policy_version: tuple[int, ...] = (2, 8)
        self.directories: list[Directory] = []
        self.frames: list[Frame] = []
        self.guarded: set[str] = set()
        self.packages: list[str] = []  # find_package calls in progress (their <Name>_ROOT are searched)
        self.global_props: dict[str, str] = {}
        self.dir_props: dict[str, dict[str, str]] = {}
        self.steps = 0
        self.parsed: dict[str, list] = {}
        self.host_dirs = (top, machine.cmake_modules)
        self.current = None

    # -- variables ------------------------------------------------------------------------------------

    def definition(self, name: str) -> str | None:
        if name in self.scope.vars:
            return self.scope.vars[name]
        entry = self.cache.get(name)
        return entry.value if entry is not None else None

    def get(self, name: str) -> str:
        found = self.definition(name)
        return "" if found is None else found

    def set_var(self, name: str, value: str) -> None:
        self.scope.vars[name] = value

    def unset_var(self, name: str) -> None:
        self.scope.vars.pop(name, None)

    def set_parent(self, name: str, value: str | None) -> None:
        parent = self.scope.parent
        if parent is None:
            return  # CMake warns: no parent scope
        if value is None:
            parent.vars.pop(name, None)
        else:
            parent.vars[name] = value

    def set_cache(self, name: str, value: str, type_: str = "STRING", doc: str = "", force: bool = False) -> None:
        """``set(... CACHE ...)``: a new entry, or FORCE; an entry given on the command line without a type takes
        this type (a PATH made absolute). Under policy CMP0126 OLD the normal variable of that name goes."""
        entry = self.cache.get(name)
        if entry is None or force:
            self.cache[name] = CacheEntry(value, type_, doc)
        elif entry.type == "UNINITIALIZED":
            entry.type = type_
            if type_ in ("PATH", "FILEPATH") and entry.value and not entry.value.startswith("/"):
                entry.value = os.path.normpath(os.path.join(self.binary_top, entry.value))
        if self.policy("CMP0126") != "NEW":
            self.scope.vars.pop(name, None)

    def cache_defined(self, name: str) -> bool:
        return name in self.cache

    def env_defined(self, name: str) -> bool:
        return name in self.env

    # -- files: the project's and CMake's own on this machine, the rest inside the root ------------------

    def _host(self, path: str) -> bool:
        """Whether ``path`` is read on this machine as is: the project (it is not inside --root) and CMake's modules."""
        return self.fs.is_host or any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.host_dirs if d)

    def isfile(self, path: str) -> bool:
        if not path.startswith("/"):
            return False
        return os.path.isfile(path) if self._host(path) else self.fs.isfile(path)

    def is_dir(self, path: str) -> bool:
        if not path.startswith("/"):
            return False
        return os.path.isdir(path) if self._host(path) else self.fs.isdir(path)

    def exists(self, path: str) -> bool:
        if not path.startswith("/"):
            return False
        return os.path.exists(path) if self._host(path) else self.fs.exists(path)

    def is_symlink(self, path: str) -> bool:
        return path.startswith("/") and os.path.islink(path if self._host(path) else self.fs.host(path))

    def listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(path)) if self._host(path) else self.fs.listdir(path)
        except OSError:
            return []

    def glob(self, pattern: str) -> list[str]:
        import glob as globmod

        return sorted(globmod.glob(pattern)) if self._host(pattern) else self.fs.glob(pattern)

    def may_read(self, path: str) -> bool:
        """What a run reads: the project's files, CMake's modules, and outside them only what a find step reads (a
        package's .cmake files, .pc files, MKL's version header). A project's file(READ /etc/...) is not done: its
        content could reach check's output."""
        name = os.path.basename(path)
        inside = any(path == d or path.startswith(d.rstrip("/") + "/") for d in self.host_dirs if d)
        return inside or name.endswith((".cmake", ".pc")) or name == "mkl_version.h"

    def open(self, path: str):
        if not self.may_read(path):
            raise PermissionError(13, "outside the project: not read by the reader", path)
        if self._host(path):
            from mkldoctor.rootfs import open_regular

            return open_regular(path)
        return self.fs.open_in_root(path)

    # -- the condition host ----------------------------------------------------------------------------

    def is_command(self, name: str) -> bool:
        low = name.lower()
        return low in self.definitions or low in BUILTINS or low in NO_EFFECT or low in KNOWN_UNMODELLED or any(
            low in MODULES.get(m, {}) for m in self.enabled_modules)

    def is_target(self, name: str) -> bool:
        return name in self.targets

    def set_matches(self, groups: list[str]) -> None:
        for i in range(10):
            if i < len(groups):
                self.scope.vars[f"CMAKE_MATCH_{i}"] = groups[i]
            else:
                self.scope.vars.pop(f"CMAKE_MATCH_{i}", None)
        self.scope.vars["CMAKE_MATCH_COUNT"] = str(len(groups) - 1)

    def regex(self, pattern: str) -> re.Pattern[str]:
        return compile_regex(pattern)

    # -- policies ---------------------------------------------------------------------------------------

    def policy(self, name: str) -> str:
        for level in reversed(self.policies):
            if name in level:
                return level[name]
        since = POLICY_SINCE.get(name)
        return "NEW" if since is not None and self.policy_version >= since else "OLD"

    # -- running ----------------------------------------------------------------------------------------

    def parse(self, path: str) -> list:
        if path not in self.parsed:
            if not self.may_read(path):
                raise Unmodelled(f"{path} is outside the project and no package file: the reader does not read it",
                                 getattr(self.current, "path", ""), getattr(self.current, "line", 0))
            try:
                with self.open(path) as handle:
                    data = handle.read(syntax.MAX_FILE + 1)
            except OSError as exc:
                raise Stop(f"cannot read {path}: {exc.strerror or exc}") from exc
            if len(data) > syntax.MAX_FILE:
                raise Unmodelled(f"{path} is larger than {syntax.MAX_FILE >> 20} MiB: not read", path)
            try:
                self.parsed[path] = syntax.parse(data.decode("utf-8", "replace"), path)
            except syntax.CMakeSyntaxError as exc:
                raise Stop(f"Parse error: {exc.message}", exc.path, exc.line) from exc
        return self.parsed[path]

    def run_file(self, path: str, what: str = "file") -> None:
        """Run one file in the current scope (an include, a find module, a config file)."""
        if len(self.frames) > MAX_DEPTH:
            raise Unmodelled(f"includes and calls nest deeper than {MAX_DEPTH}", path)
        nodes = self.parse(path)
        saved = (self.get("CMAKE_CURRENT_LIST_FILE"), self.get("CMAKE_CURRENT_LIST_DIR"))
        self.scope.vars["CMAKE_CURRENT_LIST_FILE"] = path
        self.scope.vars["CMAKE_CURRENT_LIST_DIR"] = os.path.dirname(path)
        self.frames.append(Frame(what, path, 0))
        try:
            self.execute(nodes, None)
        except Return:
            pass
        finally:
            self.frames.pop()
            self.scope.vars["CMAKE_CURRENT_LIST_FILE"], self.scope.vars["CMAKE_CURRENT_LIST_DIR"] = saved

    def execute(self, nodes: list, subst: dict[str, str] | None) -> None:
        for node in nodes:
            self.steps += 1
            if self.steps > MAX_STEPS:
                where = node.head if isinstance(node, syntax.Block) else node
                raise Unmodelled(f"the project's CMake runs more than {MAX_STEPS} commands: the reader stops",
                                 where.path, where.line)
            if isinstance(node, syntax.Block):
                self._block(node, subst)
            else:
                self.call(node, subst)

    def words(self, command: syntax.Command, subst: dict[str, str] | None) -> list[Word]:
        out: list[Word] = []
        for arg in command.args:
            if arg.kind == "bracket":
                out.append(Word(arg.text, quoted=True))
                continue
            raw = _substitute(arg.text, subst) if subst else arg.text
            try:
                value = expand(raw, self.get, lambda n: self.env.get(n, ""),
                               lambda n: self.cache[n].value if n in self.cache else "")
            except ExpandError as exc:
                raise Stop(f"Syntax error in cmake code: {exc}", command.path, command.line) from exc
            if arg.kind == "quoted":
                out.append(Word(value, quoted=True))
            else:
                out += [Word(item) for item in split_list(value)] if value else []
        return out

    def call(self, command: syntax.Command, subst: dict[str, str] | None) -> None:
        name = command.name
        words = self.words(command, subst)
        self.current = command
        if name in self.definitions:
            self._invoke(self.definitions[name], command, words)
            return
        handler = BUILTINS.get(name)
        if handler is None:
            handler = next((MODULES[m][name] for m in self.enabled_modules if name in MODULES.get(m, {})), None)
        if handler is not None:
            handler(self, command, words)
        elif name in NO_EFFECT:
            return
        elif name in KNOWN_UNMODELLED:
            self.note(f"{command.spelled}() is not modelled (nothing is run): its results are left unset", command)
        else:
            raise Stop(f'Unknown CMake command "{command.spelled}".', command.path, command.line)

    def note(self, what: str, command: syntax.Command) -> None:
        self.record.notes.append(Note(what, command.path, command.line))

    # -- blocks -----------------------------------------------------------------------------------------

    def _block(self, block: syntax.Block, subst: dict[str, str] | None) -> None:
        kind = block.head.name
        if kind == "if":
            for head, body in block.branches:
                if head.name == "else" or evaluate(self.words(head, subst), self, (head.path, head.line)):
                    self.execute(body, subst)
                    return
        elif kind == "foreach":
            self._foreach(block, subst)
        elif kind == "while":
            for _ in range(MAX_LOOP):
                if not evaluate(self.words(block.head, subst), self, (block.head.path, block.head.line)):
                    return
                try:
                    self.execute(block.body, subst)
                except Break:
                    return
                except Continue:
                    continue
            raise Unmodelled(f"a while() loop runs more than {MAX_LOOP} times", block.head.path, block.head.line)
        elif kind in ("function", "macro"):
            names = [w.value for w in self.words(block.head, subst)]
            if not names:
                raise Stop(f"{kind} called with incorrect number of arguments", block.head.path, block.head.line)
            low = names[0].lower()
            if low in BUILTINS and low not in self.definitions:
                BUILTINS["_" + low] = BUILTINS[low]
            self.definitions[low] = Definition(kind, names[1:], block.body, block.head.path, block.head.line)
        elif kind == "block":
            self.note("block() is read as plain commands (its scopes are not modelled)", block.head)
            self.execute(block.body, subst)

    def _foreach(self, block: syntax.Block, subst: dict[str, str] | None) -> None:
        words = [w.value for w in self.words(block.head, subst)]
        if not words:
            raise Stop("foreach called with incorrect number of arguments", block.head.path, block.head.line)
        var, rest = words[0], words[1:]
        if rest[:1] == ["RANGE"]:
            numbers = [int(float(x)) for x in rest[1:4]]
            start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (numbers + [1])[:3]
            items = [str(i) for i in range(start, stop + 1, step or 1)][:MAX_LOOP]
        elif rest[:1] == ["IN"]:
            items, mode = [], None
            for word in rest[1:]:
                if word in ("LISTS", "ITEMS", "ZIP_LISTS"):
                    mode = word
                elif mode == "LISTS":
                    items += split_list(self.get(word))
                elif mode == "ITEMS":
                    items.append(word)
                else:
                    raise Unmodelled("foreach(... IN ZIP_LISTS ...) is not modelled", block.head.path, block.head.line)
        else:
            items = rest
        before = self.definition(var) if var in self.scope.vars else None
        for item in items:
            self.scope.vars[var] = item
            try:
                self.execute(block.body, subst)
            except Break:
                break
            except Continue:
                continue
        if before is None:
            self.scope.vars.pop(var, None)
        else:
            self.scope.vars[var] = before

    def _invoke(self, definition: Definition, command: syntax.Command, words: list[Word]) -> None:
        if len(self.frames) > MAX_DEPTH:
            raise Unmodelled(f"calls nest deeper than {MAX_DEPTH}", command.path, command.line)
        values = [w.value for w in words]
        if len(values) < len(definition.params):
            raise Stop(f"{definition.kind} {command.spelled} invoked with incorrect arguments", command.path, command.line)
        bound = dict(zip(definition.params, values))
        extra = values[len(definition.params):]
        bound.update(ARGC=str(len(values)), ARGV=";".join(values), ARGN=";".join(extra))
        bound.update({f"ARGV{i}": v for i, v in enumerate(values)})
        self.frames.append(Frame(definition.kind, command.path, command.line))
        try:
            if definition.kind == "macro":
                try:
                    self.execute(definition.body, bound)
                except Return:
                    raise  # return() in a macro returns from the file or function that called it
                return
            caller = self.scope
            self.scope = Scope(dict(caller.vars), caller)
            self.scope.vars.update(bound)
            try:
                self.execute(definition.body, None)
            except Return:
                pass
            finally:
                self.scope = caller
        finally:
            self.frames.pop()

    # -- paths ------------------------------------------------------------------------------------------

    @property
    def directory(self) -> Directory:
        return self.directories[-1]

    def absolute(self, path: str, base: str | None = None) -> str:
        if not path:
            return path
        if path.startswith("/"):
            return os.path.normpath(path)
        return os.path.normpath(os.path.join(base or self.directory.source, path))

    def read_text(self, path: str, limit: int = 4 << 20) -> str | None:
        """A file's text as the run reads it (file(STRINGS), file(READ), a version header), inside the root only."""
        try:
            with self.open(path) as handle:
                return handle.read(limit).decode("utf-8", "replace")
        except OSError:
            return None


def _substitute(text: str, subst: dict[str, str]) -> str:
    """A macro's arguments replace ``${name}`` in its body's text before it is evaluated."""
    if "${" not in text:
        return text
    return re.sub(r"\$\{([A-Za-z0-9_]+)\}", lambda m: subst.get(m.group(1), m.group(0)), text)


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def compile_regex(pattern: str) -> re.Pattern[str]:
    """CMake's regular expressions in Python's: the same for what CMake supports (``^$.[]()*+?|``), with Python's
    own escapes (``\\d``) and lazy quantifiers, which CMake does not have, taken literally."""
    found = _REGEX_CACHE.get(pattern)
    if found is None:
        translated = re.sub(r"\\([dDwWsSbBAZ0-9])", r"\1", pattern).replace("{", r"\{").replace("}", r"\}")
        try:
            found = re.compile(translated)
        except re.error as exc:
            raise Stop(f"RegularExpression::compile(): {exc}") from exc
        _REGEX_CACHE[pattern] = found
    return found
