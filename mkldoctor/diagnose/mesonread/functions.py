"""meson's functions and methods as the reader answers them."""

from __future__ import annotations

import os

from mkldoctor.diagnose.cmakeread.condition import compare_versions
from mkldoctor.diagnose.mesonread import deps
from mkldoctor.diagnose.mesonread.interp import Executable, Interpreter, MesonError, NotModelled, Obj
from mkldoctor.diagnose.mesonread.syntax import Node

_NO_EFFECT = {"summary", "configure_file", "install_data", "install_headers", "install_subdir", "add_project_arguments",
              "add_global_arguments", "add_project_link_arguments", "custom_target", "run_target", "test", "benchmark",
              "alias_target", "install_man", "assert", "environment", "generator", "add_languages"}


def _flat(values) -> list:
    out = []
    for value in values:
        out += _flat(value) if isinstance(value, list) else [value]
    return out


def call(run: Interpreter, node: Node, args: list, kwargs: dict):
    name = node.value
    if name == "project":
        run.project_defaults = [str(x) for x in _flat([kwargs.get("default_options", [])])]
        from mkldoctor.diagnose.mesonread.options import apply_defaults

        apply_defaults(run, run.project_defaults, node)
        return None
    if name == "get_option":
        option = run.options.get(args[0])
        if option is None:
            builtin = {"buildtype": "debugoptimized", "default_library": "shared", "prefix": "/usr/local",
                       "b_lto": False, "b_ndebug": "false", "c_std": "none", "cpp_std": "none"}
            if args[0] in builtin:
                return builtin[args[0]]
            raise run.error(node, f'Tried to access unknown option "{args[0]}".')
        return option.value
    if name == "dependency":
        return _dependency(run, node, _flat(args), kwargs)
    if name in ("error",):
        raise run.error(node, "Problem encountered: " + " ".join(str(a) for a in args))
    if name in ("message", "warning"):
        run.messages.append((name, " ".join(str(a) for a in args), node.line))
        return None
    if name == "declare_dependency":
        return deps.Dependency("", True, "internal", link_args=[str(x) for x in _flat([kwargs.get("link_args", [])])],
                               compile_args=[str(x) for x in _flat([kwargs.get("compile_args", [])])],
                               children=[d for d in _flat([kwargs.get("dependencies", [])]) if d is not None])
    if name in ("executable", "shared_library", "shared_module", "library", "static_library", "both_libraries",
                "build_target", "python_extension_module"):
        dependencies = [d for d in _flat([kwargs.get("dependencies", [])]) if d is not None]
        target = Executable(str(args[0]) if args else name, dependencies,
                            [str(x) for x in _flat([kwargs.get("link_args", [])])])
        if name not in ("static_library",):
            run.executables.append(target)
        return target
    if name in ("files", "include_directories"):
        return _flat(args)
    if name == "join_paths":
        return os.path.join(*[str(a) for a in args])
    if name == "is_variable":
        return args[0] in run.vars
    if name == "get_variable":
        if args[0] in run.vars:
            return run.vars[args[0]]
        if len(args) > 1:
            return args[1]
        raise run.error(node, f"Tried to get unknown variable \"{args[0]}\".")
    if name == "set_variable":
        run.vars[args[0]] = args[1]
        return None
    if name == "subdir":
        path = os.path.join(os.path.dirname(run.path), str(args[0]), "meson.build")
        run.run_file(path)
        return None
    if name in _NO_EFFECT:
        return None
    if name in ("run_command", "find_program", "import", "subproject", "vcs_tag", "dependency_fallback"):
        run.notes.append((f"{name}() is not modelled (nothing is run)", run.path, node.line))
        raise NotModelled(f"{name}() is not modelled: meson runs it, the reader does not", run.path, node.line)
    raise run.error(node, f"Unknown function \"{name}\".")


def _dependency(run: Interpreter, node: Node, names: list, kwargs: dict):
    required = kwargs.get("required", True)
    if isinstance(required, deps.Dependency):  # a feature option: not modelled beyond true/false
        required = True
    method = kwargs.get("method", "auto")
    versions = [str(v) for v in _flat([kwargs.get("version", [])])]
    static = bool(kwargs.get("static", False))
    tried: list[str] = []
    last = None
    for name in names:
        name = str(name)
        found = None
        if method in ("auto", "pkg-config"):
            found = deps.pkgconfig(name, run.env, lambda p: run.read(p, 1 << 20), run.isfile, static, versions)
            tried.append("pkg-config")
        if (found is None or not found.found) and method in ("auto", "cmake") and run.machine.cmake_modules:
            if deps.cmake_candidates(name, run.env, run.machine, run.listdir):
                # meson runs CMake on a project of its own here; that run is not modelled. Where it fails meson
                # counts the method as not tried (meson 1.12: "(tried pkg-config)"), as seen with MKLConfig.cmake
                run.notes.append((f"dependency('{name}') would run CMake on a project of meson's: a config or module "
                                  "of that name (any case) exists; that run is not modelled, it is taken as not found",
                                  run.path, node.line))
            else:
                tried.append("cmake")  # meson's preliminary check finds nothing: the method is tried and fails
        if found is not None and found.found:
            found.tried = tried
            run.dependencies.append(found)
            return found
        last = found or deps.Dependency(name, False, "not-found")
    tried_text = " and ".join(dict.fromkeys(tried)) or method
    shown = names[-1] if names else ""
    if last is not None and last.why.startswith("found "):
        message = f'Dependency "{shown}" not found, {last.why}'
    else:
        message = f'Dependency "{shown}" not found (tried {tried_text})'
    if required is True:
        raise run.error(node, message)
    result = deps.Dependency(str(shown), False, "not-found", why=message, tried=tried)
    run.dependencies.append(result)
    return result


def method(run: Interpreter, node: Node, obj, name: str, args: list, kwargs: dict):
    if isinstance(obj, str):
        return _string(run, node, obj, name, args)
    if isinstance(obj, list):
        if name == "contains":
            return args[0] in _flat(obj)
        if name == "length":
            return len(obj)
        if name == "get":
            return obj[args[0]] if -len(obj) <= args[0] < len(obj) else (args[1] if len(args) > 1 else None)
    if isinstance(obj, dict):
        if name == "get":
            return obj.get(args[0], args[1] if len(args) > 1 else None)
        if name == "has_key":
            return args[0] in obj
        if name == "keys":
            return sorted(obj)
    if isinstance(obj, bool) and name == "to_string":
        return ("true" if obj else "false") if not args else (args[0] if obj else args[1])
    if isinstance(obj, int) and name == "to_string":
        return str(obj)
    if isinstance(obj, deps.Dependency):
        return _dependency_method(run, node, obj, name, args, kwargs)
    if isinstance(obj, Obj):
        return _object(run, node, obj, name, args, kwargs)
    raise run.error(node, f"Unknown method \"{name}\" in object of type {type(obj).__name__}.")


def _string(run: Interpreter, node: Node, text: str, name: str, args: list):
    simple = {"to_lower": text.lower, "to_upper": text.upper, "underscorify": lambda: "".join(
        c if c.isalnum() else "_" for c in text)}
    if name in simple:
        return simple[name]()
    if name == "strip":
        return text.strip(args[0]) if args else text.strip()
    if name == "startswith":
        return text.startswith(args[0])
    if name == "endswith":
        return text.endswith(args[0])
    if name == "contains":
        return args[0] in text
    if name == "split":
        return text.split(args[0]) if args else text.split()
    if name == "join":
        return text.join(_flat(args))
    if name == "replace":
        return text.replace(args[0], args[1])
    if name == "format":
        out = text
        for i, value in enumerate(args):
            out = out.replace(f"@{i}@", str(value))
        return out
    if name == "version_compare":
        return _version_compare(text, args[0])
    if name == "to_int":
        return int(text)
    if name == "substring":
        return text[args[0] if args else 0:args[1] if len(args) > 1 else None]
    raise run.error(node, f"Unknown method \"{name}\" in object of type str.")


def _version_compare(version: str, constraint: str) -> bool:
    for op in (">=", "<=", "==", "!=", ">", "<", "="):
        if constraint.startswith(op):
            c = compare_versions(version, constraint[len(op):].strip())
            return {">=": c >= 0, "<=": c <= 0, "==": c == 0, "=": c == 0, "!=": c != 0, ">": c > 0, "<": c < 0}[op]
    return compare_versions(version, constraint) == 0


def _dependency_method(run: Interpreter, node: Node, dep: deps.Dependency, name: str, args: list, kwargs: dict):
    if name == "found":
        return dep.found
    if name == "name":
        return dep.name
    if name == "version":
        return dep.version or "unknown"
    if name == "type_name":
        return dep.kind
    if name in ("get_variable", "get_pkgconfig_variable"):
        key = kwargs.get("pkgconfig") or (args[0] if args else None)
        if key in dep.variables:
            return dep.variables[key]
        if "default_value" in kwargs:
            return kwargs["default_value"]
        raise run.error(node, f"Could not get variable {key!r} for dependency {dep.name}")
    if name == "partial_dependency":
        return dep
    raise run.error(node, f"Unknown method \"{name}\" in object of type dependency.")


def _object(run: Interpreter, node: Node, obj: Obj, name: str, args: list, kwargs: dict):
    if obj.kind == "meson":
        if name == "get_compiler":
            return Obj("compiler")
        if name == "version":
            return run.meson_version
        if name in ("current_source_dir", "source_root", "project_source_root", "global_source_root"):
            return os.path.dirname(run.path) if name == "current_source_dir" else run.top
        if name in ("is_cross_build", "is_subproject"):
            return False
    if obj.kind == "machine":
        answers = {"system": "linux", "cpu_family": "x86_64", "cpu": "x86_64", "endian": "little",
                   "kernel": "linux", "subsystem": "linux"}
        if name in answers:
            return answers[name]
    if obj.kind == "compiler":
        if name == "get_id":
            return "gcc"
        if name == "find_library":
            return _find_library(run, node, args, kwargs)
        if name in ("has_function", "has_header", "compiles", "links", "has_argument", "has_link_argument",
                    "get_supported_arguments", "first_supported_argument", "has_header_symbol", "sizeof", "alignment",
                    "get_define", "run", "check_header"):
            raise NotModelled(f"cc.{name}() compiles a program: not modelled", run.path, node.line)
        if name == "version":
            return "12"
    raise NotModelled(f"{obj.kind}.{name}() is not modelled", run.path, node.line)


def _find_library(run: Interpreter, node: Node, args: list, kwargs: dict):
    required = kwargs.get("required", True)
    found = deps.find_library(str(args[0]), run.machine, run.env, run.isfile, bool(kwargs.get("static", False)),
                              [str(d) for d in _flat([kwargs.get("dirs", [])])])
    if not found.found and required is True:
        raise run.error(node, f"C shared or static library '{args[0]}' not found")
    run.dependencies.append(found)
    return found


__all__ = ["call", "method", "MesonError"]
