"""``cargo metadata`` on a project check does not trust: run so that nothing the project says is a program.

Cargo reads ``.cargo/config.toml`` (or ``.cargo/config``) in its working folder and every folder
above it, never the ones of ``--manifest-path``, and such a config can name programs cargo runs even
for ``cargo metadata``: ``[build] rustc``, ``rustc-wrapper``, ``rustc-workspace-wrapper`` (cargo asks
rustc for the target's facts), ``[target.*] linker``/``runner``, ``[env]`` for them, ``include``,
credential providers. rustup reads ``rust-toolchain.toml`` in the working folder, whose ``path`` names
another toolchain to run. So :func:`isolated_cargo`:

- runs cargo in a private folder of mkldoctor's cache with ``--manifest-path``: neither cargo nor
  rustup reads the project's config or toolchain file;
- copies into that folder's ``.cargo/config.toml`` what ``cargo metadata`` needs of the project's
  configs, key by key: source replacement (what ``cargo vendor`` writes), ``[registries.*] index``
  and ``[patch]``, each path made absolute; no program, no ``[env]``, no ``include``, no credentials;
- sets ``RUSTC`` to the rustc on PATH and ``RUSTC_WRAPPER``/``RUSTC_WORKSPACE_WRAPPER`` to nothing,
  and drops ``CARGO_*`` variables but ``CARGO_HOME``, so even the user's own settings add no program.

Where that cannot be arranged (no cargo or rustc on PATH's absolute folders, the cache inside the
project), cargo is not run: the reason comes back and the manifests are read instead.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass

from mkldoctor.cache import cache_folder
from mkldoctor.cacheentry import remove_stale, temp_prefix
from mkldoctor.diagnose.tomlfile import toml_or_none
from mkldoctor.programs import find_program

# what cargo metadata may need, per table: every other key and table is left out
_SOURCE_KEYS = {"replace-with", "registry", "git", "branch", "tag", "rev"}
_SOURCE_PATHS = {"directory", "local-registry"}
_PATCH_KEYS = {"git", "branch", "tag", "rev", "version", "package", "registry"}
ISOLATION_NOTE = ("cargo ran outside the project: its .cargo/config and rust-toolchain.toml were not read "
                  "(their source replacement, registries and [patch] were copied), RUSTC was pinned, no wrapper")


@dataclass(frozen=True)
class Isolated:
    cargo: str
    cwd: str  # the private folder cargo runs in
    env: dict[str, str]


def _configs(top: str) -> list[str]:
    """The config files cargo would read running in ``top``, outermost first (cargo gives deeper ones precedence)."""
    found = []
    folder = os.path.abspath(top)
    while True:
        for name in ("config", "config.toml"):  # cargo takes the one without extension when both exist
            path = os.path.join(folder, ".cargo", name)
            if os.path.isfile(path):
                found.append(path)
                break
        parent = os.path.dirname(folder)
        if parent == folder:
            return list(reversed(found))
        folder = parent


def _strings(table: object, keys: set[str]) -> dict[str, str]:
    return {k: v for k, v in table.items() if k in keys and isinstance(v, str)} if isinstance(table, dict) else {}


def _absolute(value: str, config: str) -> str:
    # a relative path in a config file is relative to the folder that holds its .cargo folder
    return value if os.path.isabs(value) else os.path.normpath(os.path.join(os.path.dirname(os.path.dirname(config)), value))


def safe_settings(top: str) -> dict[str, dict]:
    """The keys :mod:`this module <mkldoctor.diagnose.cargo_config>` copies from the project's configs, merged as cargo merges them."""
    merged: dict[str, dict] = {"source": {}, "registries": {}, "patch": {}}
    for config in _configs(top):
        data = toml_or_none(config) or {}
        for name, table in (data.get("source") or {}).items() if isinstance(data.get("source"), dict) else ():
            entry = _strings(table, _SOURCE_KEYS)
            entry.update({k: _absolute(v, config) for k, v in _strings(table, _SOURCE_PATHS).items()})
            merged["source"].setdefault(str(name), {}).update(entry)
        for name, table in (data.get("registries") or {}).items() if isinstance(data.get("registries"), dict) else ():
            merged["registries"].setdefault(str(name), {}).update(_strings(table, {"index"}))
        for registry, crates in (data.get("patch") or {}).items() if isinstance(data.get("patch"), dict) else ():
            for crate, spec in crates.items() if isinstance(crates, dict) else ():
                entry = _strings(spec, _PATCH_KEYS)
                if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                    entry["path"] = _absolute(spec["path"], config)
                merged["patch"].setdefault(str(registry), {})[str(crate)] = entry
    return merged


def _quoted(text: str) -> str:
    # a JSON string is a TOML basic string, but for DEL, which TOML wants escaped too
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def to_toml(settings: dict[str, dict]) -> str:
    """``settings`` (tables of tables of strings, two or three deep) as TOML, every key quoted."""
    lines = []
    for table, entries in settings.items():
        for name, body in entries.items():
            nested = {k: v for k, v in body.items() if isinstance(v, dict)}
            plain = {k: v for k, v in body.items() if isinstance(v, str)}
            if plain or not nested:
                lines.append(f"[{table}.{_quoted(name)}]")
                lines += [f"{_quoted(k)} = {_quoted(v)}" for k, v in plain.items()]
            for key, spec in nested.items():
                lines.append(f"[{table}.{_quoted(name)}.{_quoted(key)}]")
                lines += [f"{_quoted(k)} = {_quoted(v)}" for k, v in spec.items()]
    return "\n".join(lines) + "\n"


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def isolated_cargo(top: str, env: dict[str, str]) -> Isolated | str:
    """How to run cargo for ``top`` with nothing of the project able to name a program, or why it cannot be."""
    path = env.get("PATH", os.defpath)
    cargo, rustc = find_program("cargo", path), find_program("rustc", path)
    if cargo is None:
        return "cargo is not on PATH"
    if rustc is None:
        return "cargo was not run: no rustc on PATH to pin it to"
    if _inside(cargo, top) or _inside(rustc, top):
        return "cargo was not run: the cargo or rustc on PATH is inside the project"
    base = cache_folder("cargo")
    if any(_inside(folder, top) for folder in (base, os.path.dirname(base))):
        return "cargo was not run: mkldoctor's cache folder is inside the project, so cargo would read its config there"
    os.makedirs(base, exist_ok=True)
    remove_stale(base)  # the folders of runs that were killed
    cwd = tempfile.mkdtemp(prefix=temp_prefix("run"), dir=base)
    os.mkdir(os.path.join(cwd, ".cargo"))
    with open(os.path.join(cwd, ".cargo", "config.toml"), "w", encoding="utf-8") as handle:
        handle.write(to_toml(safe_settings(top)))
    clean = {k: v for k, v in env.items() if not k.startswith("CARGO_") or k == "CARGO_HOME"}
    clean.update(RUSTC=rustc, RUSTC_WRAPPER="", RUSTC_WORKSPACE_WRAPPER="")
    return Isolated(cargo, cwd, clean)
