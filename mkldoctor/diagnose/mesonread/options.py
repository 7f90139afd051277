"""A meson project's options as ``meson setup`` sets them: declared in ``meson.options`` (or the older
``meson_options.txt``) with their type, default and choices; ``project(default_options: ...)`` overrides the
defaults; ``-D name=value`` overrides both, checked against the type and choices as meson checks them."""

from __future__ import annotations

import os

from mkldoctor.diagnose.mesonread.interp import Interpreter, MesonError, Option
from mkldoctor.diagnose.mesonread.syntax import MesonSyntaxError, Node, parse

OPTION_FILES = ("meson.options", "meson_options.txt")
# meson's own options a project or a user may set (they decide nothing the reader looks at)
BUILTIN = {"buildtype", "optimization", "debug", "default_library", "prefix", "libdir", "b_lto", "b_ndebug", "b_pie",
           "c_std", "cpp_std", "warning_level", "werror", "strip", "unity", "b_sanitize", "b_vscrt", "pkg_config_path",
           "cmake_prefix_path", "python.install_env", "python.platlibdir", "python.purelibdir", "backend", "layout",
           "c_args", "cpp_args", "c_link_args", "cpp_link_args", "fortran_std", "b_staticpic", "install_umask"}


def options_file(top: str) -> str | None:
    return next((p for name in OPTION_FILES if os.path.isfile(p := os.path.join(top, name))), None)


def declare(run: Interpreter, top: str) -> None:
    path = options_file(top)
    if path is None:
        return
    text = run.read(path, 1 << 20) or ""
    try:
        body = parse(text, path)
    except MesonSyntaxError as exc:
        raise MesonError(exc.message, exc.path, exc.line, exc.col) from exc
    for statement in body:
        node = statement.expr
        if statement.kind != "expr" or node is None or node.kind != "call" or node.value != "option":
            continue
        name = run.eval(node.children[0])
        kwargs = {k: run.eval(v) for k, v in node.kwargs.items()}
        kind = kwargs.get("type", "string")
        default = kwargs.get("value", {"boolean": True, "array": kwargs.get("choices", []), "integer": 0,
                                       "feature": "auto", "combo": (kwargs.get("choices") or [""])[0]}.get(kind, ""))
        run.options[name] = Option(name, kind, default, kwargs.get("choices"), node.line)


def apply_defaults(run: Interpreter, defaults: list[str], node: Node) -> None:
    """``project(default_options:)``, then the command line's ``-D``: what each option holds."""
    for text in defaults:
        key, _, value = text.partition("=")
        if key in run.options and key not in run.given:
            run.options[key].value = convert(run.options[key], value, run, node)
    unknown = [k for k in run.given if k not in run.options and k not in BUILTIN and "." not in k]
    if unknown:
        raise MesonError("ERROR: Unknown options: " + ", ".join(f'"{k}"' for k in unknown))
    for key, value in run.given.items():
        if key in run.options:
            run.options[key].value = convert(run.options[key], value, run, node)


def convert(option: Option, value: str, run: Interpreter, node: Node):
    if not isinstance(value, str):
        return value
    kind = option.type
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise MesonError(f'ERROR: Value "{value}" (of type "string") for option "{option.name}" is not boolean')
        return value.lower() == "true"
    if kind == "combo":
        if option.choices is not None and value not in option.choices:
            shown = ", ".join(f'"{c}"' for c in option.choices)
            raise MesonError(f'ERROR: Value "{value}" (of type "string") for option "{option.name}" is not one of the '
                             f"choices. Possible choices are (as string): {shown}.")
        return value
    if kind == "array":
        text = value.strip()
        if text.startswith("["):
            import ast

            try:
                parsed = ast.literal_eval(text)
                return [str(x) for x in parsed] if isinstance(parsed, list) else [text]
            except (ValueError, SyntaxError):
                return [text]
        return [v.strip() for v in text.split(",") if v.strip()] if text else []
    if kind == "integer":
        try:
            return int(value)
        except ValueError as exc:
            raise MesonError(f'ERROR: Value "{value}" for option "{option.name}" is not an integer') from exc
    return value
