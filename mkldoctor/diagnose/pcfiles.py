"""pkg-config's answer for one package, worked out from the ``.pc`` files as pkg-config (pkgconf) reads them:
the first ``NAME.pc`` on ``PKG_CONFIG_PATH`` then its own folders, variables expanded (``${pcfiledir}``),
``Requires`` followed (with their version constraints), ``--cflags`` and ``--libs`` in its order. What CMake's
``pkg_check_modules`` and meson's ``dependency()`` get; nothing is run."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from typing import Callable

from mkldoctor.discover.pkgconfig import DEFAULT_DIRS, parse
from mkldoctor.knowledge.history import version_key

MAX_DEPTH = 16


@dataclass(frozen=True)
class PcAnswer:
    name: str
    path: str | None  # the .pc file taken
    version: str = ""
    cflags: tuple[str, ...] = ()
    libs: tuple[str, ...] = ()
    variables: tuple[tuple[str, str], ...] = ()
    error: str | None = None  # why pkg-config says no (None: it answers)

    @property
    def found(self) -> bool:
        return self.error is None

    def variable(self, name: str) -> str | None:
        return dict(self.variables).get(name)


def search_path(env: dict[str, str], extra: list[str] | tuple[str, ...] = (), host: bool = True) -> list[str]:
    """PKG_CONFIG_PATH, then ``extra`` (CMake adds its prefixes' lib/pkgconfig), then PKG_CONFIG_LIBDIR or the
    built-in folders."""
    dirs = [d for d in env.get("PKG_CONFIG_PATH", "").split(":") if d] if host else []
    dirs += list(extra)
    libdir = env.get("PKG_CONFIG_LIBDIR") if host else None
    dirs += [d for d in libdir.split(":") if d] if libdir is not None else list(DEFAULT_DIRS)
    return list(dict.fromkeys(dirs))


def query(name: str, dirs: list[str], read: Callable[[str], str | None], *, static: bool = False,
          constraint: str = "", _depth: int = 0, _required_by: str = "virtual:world") -> PcAnswer:
    path = next((p for d in dirs if (p := os.path.join(d, name + ".pc")) and read(p) is not None), None)
    if path is None:
        return PcAnswer(name, None, error=f"Package '{name}', required by '{_required_by}', not found")
    variables, fields = parse(read(path) or "", os.path.dirname(path))
    version = fields.get("Version", "")
    if constraint and not satisfies(version, constraint):
        return PcAnswer(name, path, version, error=f"Package dependency requirement '{name} {constraint}' could not "
                                                   f"be satisfied.\nPackage '{name}' has version '{version}', required "
                                                   f"version is '{constraint}'")
    cflags, libs = _split(fields.get("Cflags", "")), _split(fields.get("Libs", ""))
    if static:
        libs += _split(fields.get("Libs.private", ""))
    requires = requirements(fields.get("Requires", "")) + (requirements(fields.get("Requires.private", "")) if static else [])
    for required, wanted in requires:
        if _depth >= MAX_DEPTH:
            break
        below = query(required, dirs, read, static=static, constraint=wanted, _depth=_depth + 1, _required_by=name)
        if not below.found:
            return PcAnswer(name, path, version, error=below.error)
        cflags += [f for f in below.cflags if f not in cflags]
        libs += list(below.libs)
    return PcAnswer(name, path, version, tuple(cflags), tuple(_dedup_libs(libs)), tuple(variables.items()))


def requirements(text: str) -> list[tuple[str, str]]:
    """``openmp >= 2021.0.0, foo`` -> [("openmp", ">= 2021.0.0"), ("foo", "")]."""
    out = []
    for match in re.finditer(r"([A-Za-z0-9_.+-]+)\s*(?:(>=|<=|=|!=|<|>)\s*([^\s,]+))?", text):
        out.append((match.group(1), f"{match.group(2)} {match.group(3)}" if match.group(2) else ""))
    return out


def satisfies(version: str, constraint: str) -> bool:
    op, wanted = constraint.split(" ", 1)
    a, b = version_key(version), version_key(wanted)
    return {">=": a >= b, "<=": a <= b, "=": a == b, "!=": a != b, "<": a < b, ">": a > b}[op]


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _dedup_libs(libs: list[str]) -> list[str]:
    """pkgconf keeps the first of repeated -L folders and the last of repeated libraries."""
    out: list[str] = []
    for i, flag in enumerate(libs):
        if flag.startswith("-L"):
            if flag not in out:
                out.append(flag)
        elif flag not in libs[i + 1:]:
            out.append(flag)
    return out


def include_dirs(answer: PcAnswer) -> list[str]:
    """The -I folders of --cflags, the system's own dropped (pkg-config leaves /usr/include out)."""
    return [f[2:] for f in answer.cflags if f.startswith("-I") and f[2:] not in ("/usr/include",)]
