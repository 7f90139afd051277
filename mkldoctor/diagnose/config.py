"""A project's own configuration, ``mkldoctor.toml`` or ``[tool.mkldoctor]`` in pyproject.toml, read against its schema.

The keys are :class:`~mkldoctor.diagnose.options.CheckOptions`' (the flags' names, or Python's with underscores).
A typo must not pass in silence: an unknown key, a value of the wrong type, a word that is not one of the
choices, a rule no finding has, or a search folder that is not there is a usage error (exit 2) that names the
file, the line and, where one is close, what was meant (``pyproject.toml:4: requires-symbol: unknown key;
did you mean require-symbol?``).

Paths (``search``): ``~`` and ``$VAR`` / ``${VAR}`` are expanded (a variable that is not set is an error, not an
empty string), and a relative path is taken from the config file's folder, wherever check runs from. A version
must be a string: TOML reads ``min-version = 2021.10`` as the number 2021.1.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.diagnose.options import CheckOptions, Key
from mkldoctor.diagnose.tomlfile import key_lines, read_toml
from mkldoctor.errors import UsageError, did_you_mean
from mkldoctor.knowledge.rule_catalogue import unknown_rule

# where a config is read, in order: the file, and the table in it
FILES: tuple[tuple[str, tuple[str, ...]], ...] = (("mkldoctor.toml", ()), ("pyproject.toml", ("tool", "mkldoctor")))
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Config:
    name: str  # as findings say where a need came from: "mkldoctor.toml", "pyproject.toml"
    path: str
    options: CheckOptions


def read_configs(top: str, env: dict[str, str] | None = None, root: str = "/") -> list[Config]:
    """Each config file of the project at ``top`` that has a table for mkldoctor, checked; ``root``: where the
    search folders must be (inside ``--root``, as ``-s`` folders are)."""
    env = dict(os.environ if env is None else env)
    found = []
    for name, table_path in FILES:
        path = os.path.normpath(os.path.join(top, name))
        if not os.path.isfile(path):
            continue
        table = read_toml(path)
        for part in table_path:
            table = table.get(part, {}) if isinstance(table, dict) else {}
        if not isinstance(table, dict):
            raise UsageError(f"{path}: {'.'.join(table_path)} must be a table")
        if table:
            found.append(Config(name, path, _options(path, table, table_path, env, root)))
    return found


def _options(path: str, table: dict, table_path: tuple[str, ...], env: dict[str, str], root: str) -> CheckOptions:
    with open(path, encoding="utf-8", errors="replace") as handle:  # read_toml has read it whole already
        lines = key_lines(handle.read(), table_path)
    keys = CheckOptions.keys()
    values = {}
    for written, value in table.items():
        where = f"{path}:{lines[written]}" if written in lines else path
        spelled = written.replace("_", "-")
        if spelled not in keys:
            raise UsageError(f"{where}: {written}: unknown key{did_you_mean(spelled, keys) or ' (keys: ' + ', '.join(keys) + ')'}")
        attribute, key = keys[spelled]
        values[attribute] = _value(key, value, where, written, os.path.dirname(os.path.abspath(path)), env, root)
    return CheckOptions(**values)


def _value(key: Key, value, where: str, written: str, folder: str, env: dict[str, str], root: str):
    problem = _problem(key, value)
    if problem:
        raise UsageError(f"{where}: {written}: {problem}")
    if key.kind == "folders":
        return tuple(_folder(item, where, written, folder, env, root) for item in value)
    return tuple(value) if isinstance(value, list) else value


def _problem(key: Key, value) -> str | None:
    """What is wrong with ``value`` for ``key``, or None."""
    if key.kind == "word":
        if isinstance(value, str) and value in key.words:
            return None
        shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
        return f"must be one of {', '.join(key.words)}, not {shown}" + (did_you_mean(value, key.words) if isinstance(value, str) else "")
    if key.kind == "version":
        if not isinstance(value, str):
            return (f"must be a string such as {key.example}, not the {type(value).__name__} {value!r} "
                    "(a TOML number drops digits: 2021.10 reads as 2021.1)")
        return None if _VERSION.match(value) else f"{value!r} is no MKL version (such as {key.example})"
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        return f"must be a list of strings, such as {key.example}"
    if key.kind == "rules":
        return next((f"{id}: {problem}" for id in value if (problem := unknown_rule(id))), None)
    return None


def expand(path: str, folder: str, env: dict[str, str]) -> str:
    """``path`` as a config means it: ``~`` and ``$VAR``/``${VAR}`` expanded, relative to ``folder``;
    :class:`KeyError` naming a variable that is not set."""
    def variable(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in env:
            raise KeyError(name)
        return env[name]

    path = _VARIABLE.sub(variable, path)
    if path.startswith("~"):
        home = env.get("HOME") if path == "~" or path.startswith("~/") else None
        path = os.path.join(home, path[2:]) if home else os.path.expanduser(path)
    return os.path.normpath(os.path.join(folder, path))


def _folder(item: str, where: str, written: str, folder: str, env: dict[str, str], root: str) -> str:
    from mkldoctor.discover import search_problem

    try:
        path = expand(item, folder, env)
    except KeyError as exc:
        raise UsageError(f"{where}: {written}: {item}: ${exc.args[0]} is not set") from None
    if problem := search_problem(root, path):
        raise UsageError(f"{where}: {written}: {item}: {problem}")
    return path
