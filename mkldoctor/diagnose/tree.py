"""The files of a project that check reads: a bounded walk that skips build output and tool folders."""

from __future__ import annotations

import os

_SKIP_DIRS = {"target", ".git", "node_modules", ".venv", "build", "__pycache__"}


BUILD_FILES = ("Cargo.toml", "CMakeLists.txt", "meson.build", "Makefile", "GNUmakefile", "makefile", "pyproject.toml",
               "mkldoctor.toml")


def build_file(top: str) -> str | None:
    """The project's own build file (the first of BUILD_FILES there): where a finding about the machine,
    rather than a line of the project, is anchored for code scanning."""
    return next((name for name in BUILD_FILES if os.path.isfile(os.path.join(top, name))), None)


def project_files(top: str, names: tuple[str, ...], depth: int = 4) -> list[str]:
    found = []
    base = top.rstrip("/").count("/")
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        if folder.count("/") - base >= depth:
            dirs[:] = []
        found += [os.path.join(folder, f) for f in sorted(files) if f in names or f.endswith(names)]
    return found
