"""``cmake --preset NAME``: a configure preset of the project's ``CMakePresets.json`` or ``CMakeUserPresets.json``
(which includes the former), with what it inherits, as CMake resolves it: its ``cacheVariables`` (the earlier
preset of ``inherits`` wins, the preset's own over all) and ``environment``, macros expanded (``${sourceDir}``,
``${presetName}``, ``$env{NAME}``, ``$penv{NAME}``)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from mkldoctor.errors import InputError, UsageError

FILES = ("CMakeUserPresets.json", "CMakePresets.json")
MAX_FILE = 1 << 20


@dataclass(frozen=True)
class Preset:
    name: str
    file: str
    cache: tuple[tuple[str, str, str], ...]  # (name, type, value)
    environment: tuple[tuple[str, str | None], ...]  # None: unset


def _load(path: str, seen: set[str]) -> list[tuple[dict, str]]:
    """The configure presets of ``path`` and of the files it includes, each with its file."""
    if path in seen or len(seen) > 32:
        return []
    seen.add(path)
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(MAX_FILE).decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot be read as a CMake presets file: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(path, "cannot be read as a CMake presets file: not a JSON object")
    out = [(p, path) for p in data.get("configurePresets", []) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    includes = list(data.get("include", []) or [])
    if os.path.basename(path) == "CMakeUserPresets.json":
        includes.append("CMakePresets.json")
    for included in includes:
        if isinstance(included, str):
            target = os.path.normpath(os.path.join(os.path.dirname(path), included))
            if os.path.isfile(target):
                out += _load(target, seen)
    return out


def available(top: str) -> list[tuple[dict, str]]:
    for name in FILES:
        path = os.path.join(top, name)
        if os.path.isfile(path):
            return _load(path, set())
    return []


def read_preset(top: str, name: str, env: dict[str, str]) -> Preset:
    presets = available(top)
    by_name = {p["name"]: (p, f) for p, f in presets}
    if name not in by_name:
        shown = ", ".join(p["name"] for p, _ in presets if not p.get("hidden")) or "none"
        where = " or ".join(FILES)
        raise UsageError(f"--preset {name}: no such configure preset in {top}'s {where} (presets: {shown})")
    preset, file = by_name[name]
    if preset.get("hidden"):
        raise UsageError(f"--preset {name}: that preset is hidden (only a base for others) in {file}")
    cache: dict[str, tuple[str, str]] = {}
    environment: dict[str, str | None] = {}
    _merge(preset, by_name, cache, environment, set())
    macros = {"sourceDir": top, "sourceParentDir": os.path.dirname(top), "sourceDirName": os.path.basename(top),
              "presetName": name, "generator": str(preset.get("generator", "")), "hostSystemName": "Linux",
              "fileDir": os.path.dirname(file), "dollar": "$", "pathListSep": ":"}
    resolved_env = {k: (_expand(v, macros, env, {}) if v is not None else None) for k, v in environment.items()}
    full_env = {**env, **{k: v for k, v in resolved_env.items() if v is not None}}
    return Preset(name, file,
                  tuple((k, t, _expand(v, macros, full_env, env)) for k, (t, v) in cache.items()),
                  tuple(resolved_env.items()))


def _merge(preset: dict, by_name: dict, cache: dict, environment: dict, seen: set[str]) -> None:
    """The preset's own values first; then each parent in ``inherits`` order fills what is still unset."""
    if preset["name"] in seen:
        return
    seen.add(preset["name"])
    for key, value in (preset.get("cacheVariables") or {}).items():
        if key in cache:
            continue
        if isinstance(value, dict):
            cache[key] = (str(value.get("type", "UNINITIALIZED")), _word(value.get("value", "")))
        elif value is not None:
            cache[key] = ("BOOL" if isinstance(value, bool) else "UNINITIALIZED", _word(value))
    for key, value in (preset.get("environment") or {}).items():
        environment.setdefault(key, None if value is None else str(value))
    parents = preset.get("inherits") or []
    for parent in [parents] if isinstance(parents, str) else parents:
        if parent in by_name:
            _merge(by_name[parent][0], by_name, cache, environment, seen)


def _word(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _expand(text: str, macros: dict[str, str], env: dict[str, str], parent_env: dict[str, str]) -> str:
    text = re.sub(r"\$env\{([^}]*)\}", lambda m: env.get(m.group(1), ""), text)
    text = re.sub(r"\$penv\{([^}]*)\}", lambda m: parent_env.get(m.group(1), ""), text)
    return re.sub(r"\$\{([A-Za-z]+)\}", lambda m: macros.get(m.group(1), m.group(0)), text)
