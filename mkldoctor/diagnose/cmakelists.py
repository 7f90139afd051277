"""What a project's CMake files say about MKL, read once: for check's needs (project.py) and for
CMake's own search (cmake.py). Comments are dropped before anything is matched."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from mkldoctor.diagnose.tree import project_files
from mkldoctor.findings import Location, input_path

_FIND = re.compile(r"find_package\s*\(\s*MKL\b([^)]*)\)", re.I)
_MIN = re.compile(r"cmake_minimum_required\s*\(\s*VERSION\s+(\d+)\.(\d+)", re.I)
_SET = re.compile(r"set\s*\(\s*(MKL_DIR|MKL_ROOT|CMAKE_PREFIX_PATH)\s+\"?([^\s\")$]+)", re.I)
_CHOICES = ("MKL_INTERFACE", "MKL_LINK", "MKL_THREADING")


@dataclass(frozen=True)
class CMakeProject:
    """What the project's CMake files say about finding MKL."""

    uses_mkl: bool = False  # some file calls find_package(MKL ...)
    find_module: str | None = None  # a FindMKL.cmake of its own (absolute path)
    config_mode: bool = False  # some find_package(MKL ... CONFIG | NO_MODULE)
    version: str | None = None  # find_package(MKL 2024.0 ...)
    min_cmake: tuple[int, ...] = (3, 0)
    variables: dict[str, str] = field(default_factory=dict)  # literal set(MKL_DIR ...), set(CMAKE_PREFIX_PATH ...)
    # set(MKL_INTERFACE|MKL_LINK|MKL_THREADING value) in a file that calls find_package(MKL): (key, value, where)
    choices: tuple[tuple[str, str, Location], ...] = ()
    finds: tuple[Location, ...] = ()  # each find_package(MKL ...) call

    @property
    def root_variables(self) -> bool:  # CMP0074: <Package>_ROOT is searched from 3.12 on
        return self.min_cmake >= (3, 12)

    @property
    def module_mode(self) -> bool:
        """find_package(MKL) runs the project's own FindMKL.cmake, not MKLConfig.cmake."""
        return self.uses_mkl and self.find_module is not None and not self.config_mode


def read_cmake_project(top: str) -> CMakeProject:
    uses = config_mode = False
    find_module = version = None
    min_cmake: tuple[int, ...] = (3, 0)
    variables: dict[str, str] = {}
    choices: list[tuple[str, str, Location]] = []
    calls: list[Location] = []  # find_package(MKL ...) calls, every file
    for path in project_files(top, ("CMakeLists.txt", ".cmake"), depth=3):
        if os.path.basename(path) == "FindMKL.cmake":
            find_module = find_module or path
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read(4 << 20)
        except OSError:
            continue
        text = re.sub(r"#[^\n]*", "", text)  # newlines stay: line numbers hold
        rel = input_path(path, top)
        if (match := _MIN.search(text)) and min_cmake == (3, 0):
            min_cmake = (int(match.group(1)), int(match.group(2)))
        finds = list(_FIND.finditer(text))
        for match in finds:
            words = match.group(1).split()
            if words and re.match(r"^\d+(\.\d+)*$", words[0]):
                version = version or words[0]
            config_mode = config_mode or any(w.upper() in ("CONFIG", "NO_MODULE") for w in words)
            shown = "".join(" " + w for w in words[:3]) + (" ..." if len(words) > 3 else "")
            calls.append(Location(rel, _line(text, match.start()), f"find_package(MKL{shown})"))
        for name, value in _SET.findall(text):
            if "${" not in value:
                variables.setdefault(name.upper(), os.path.normpath(os.path.join(top, value)))
        if finds:
            uses = True
            for key in _CHOICES:
                if match := re.search(rf"set\s*\(\s*{key}\s+\"?([A-Za-z0-9_]+)", text):
                    choices.append((key, match.group(1), Location(rel, _line(text, match.start()), f"set({key} {match.group(1)})")))
    return CMakeProject(uses, find_module, config_mode, version, min_cmake, variables, tuple(choices), tuple(calls))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
