"""From targets to the link lines CMake generates, and from link lines to the files ld takes.

A target links its ``LINK_LIBRARIES``; a target among them brings its ``IMPORTED_LOCATION`` and its
``INTERFACE_LINK_LIBRARIES``, transitively; generator expressions are evaluated for a plain Linux build
(``$<LINK_ONLY:>``, ``$<LINK_GROUP:RESCAN,...>``, ``$<BOOL:>``, ``$<IF:>``, ``$<CONFIG:>``, ...). ``-lNAME`` is
resolved as ld resolves it: the ``-L`` folders, then ``LIBRARY_PATH``, then gcc's own folders, ``.so`` before
``.a`` unless ``-Bstatic`` is in force."""

from __future__ import annotations

import os
import re

from mkldoctor.diagnose.cmakeread.expand import split_list

MAX_ITEMS = 4096


def genex(text: str, values: dict[str, str] | None = None) -> str:
    """A value's generator expressions evaluated (what a link line receives)."""
    out, pos = [], 0
    while True:
        start = text.find("$<", pos)
        if start < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        end = _close(text, start + 2)
        out.append(_one(genex(text[start + 2:end], values), values or {}))
        pos = end + 1


def _close(text: str, pos: int) -> int:
    depth = 1
    while pos < len(text):
        if text.startswith("$<", pos):
            depth += 1
            pos += 2
            continue
        if text[pos] == ">":
            depth -= 1
            if depth == 0:
                return pos
        pos += 1
    return len(text) - 1


def _one(inner: str, values: dict[str, str]) -> str:
    if inner in ("0", "1"):
        return ""
    if ":" not in inner:
        return {"CONFIG": "", "PLATFORM_ID": "Linux", "CXX_COMPILER_ID": "GNU", "C_COMPILER_ID": "GNU",
                "ANGLE-R": ">", "COMMA": ",", "SEMICOLON": ";"}.get(inner, "")
    head, arg = inner.split(":", 1)
    if head == "0":
        return ""
    if head == "1":
        return arg
    if head in ("LINK_ONLY", "BUILD_INTERFACE", "GENEX_EVAL", "TARGET_GENEX_EVAL", "LINK_LIBRARY"):
        return arg.split(",", 1)[1] if head == "LINK_LIBRARY" and "," in arg else arg
    if head == "INSTALL_INTERFACE":
        return ""
    if head == "LINK_GROUP":
        feature, _, items = arg.partition(",")
        names = [i for i in re.split(r"[,;]", items) if i]
        return ";".join(["-Wl,--start-group", *names, "-Wl,--end-group"]) if feature == "RESCAN" else ";".join(names)
    if head == "BOOL":
        from mkldoctor.diagnose.cmakeread.state import truthy
        return "1" if truthy(arg) else "0"
    if head == "NOT":
        return "0" if arg == "1" else "1"
    if head in ("AND", "OR"):
        parts = arg.split(",")
        return "1" if (all if head == "AND" else any)(p == "1" for p in parts) else "0"
    if head == "IF":
        cond, yes, no = (arg.split(",", 2) + ["", ""])[:3]
        return yes if cond == "1" else no
    if head in ("STREQUAL", "EQUAL"):
        a, _, b = arg.partition(",")
        return "1" if a == b else "0"
    if head == "IN_LIST":
        a, _, b = arg.partition(",")
        return "1" if a in b.split(";") else "0"
    if head in ("CONFIG", "COMPILE_LANGUAGE", "LINK_LANGUAGE", "COMPILE_LANG_AND_ID", "CXX_COMPILER_VERSION"):
        return "1" if head == "LINK_LANGUAGE" else "0"
    if head in ("PLATFORM_ID", "C_COMPILER_ID", "CXX_COMPILER_ID"):
        return "1" if arg in ("Linux", "GNU") else "0"
    if head == "TARGET_PROPERTY":
        return values.get(arg, "")
    if head in ("TARGET_FILE", "TARGET_LINKER_FILE"):
        return values.get(f"{arg}:FILE", "")
    return ""


def target_items(run, name: str) -> list[str]:
    """The link items of target ``name``'s link line, as CMake writes them (-L folders first)."""
    own = _real(run, name)
    return _collect(run, own.props.get("LINK_LIBRARIES", ""), split_list(own.props.get("LINK_DIRECTORIES", "")))


def dependency_items(run, names: list[str]) -> list[str]:
    """What linking ``names`` (libraries or targets, as CMAKE_REQUIRED_LIBRARIES lists them) puts on a line."""
    return _collect(run, ";".join(names), [])


def _real(run, name: str):
    t = run.targets.get(name)
    while t is not None and t.alias_of:
        t = run.targets.get(t.alias_of)
    return t


def _collect(run, value: str, dirs: list[str]) -> list[str]:
    items: list[str] = []
    dirs = list(dirs)
    seen: set[str] = set()

    def add(value: str, depth: int) -> None:
        if depth > 40 or len(items) > MAX_ITEMS:
            return
        for item in split_list(genex(value)):
            t = _real(run, item)
            if t is None:
                if item.startswith("-L"):
                    dirs.append(item[2:])
                else:
                    items.append(item)
                continue
            if t.name in seen:
                continue
            seen.add(t.name)
            if t.imported and t.kind != "INTERFACE_LIBRARY" and t.props.get("IMPORTED_LOCATION"):
                items.append(t.props["IMPORTED_LOCATION"])
            dirs.extend(split_list(t.props.get("INTERFACE_LINK_DIRECTORIES", "")))
            add(t.props.get("INTERFACE_LINK_LIBRARIES", ""), depth + 1)
            add(";".join(split_list(t.props.get("INTERFACE_LINK_OPTIONS", ""))), depth + 1)
            seen.discard(t.name)

    add(value, 0)
    return [f"-L{d}" for d in dict.fromkeys(dirs)] + items


def _as_flag(item: str) -> str:
    """A plain library name (``mkl_core``) is ``-lmkl_core`` on the link line; paths and flags stay."""
    if item.startswith("-") or "/" in item or item.startswith("$"):
        return item
    return "-l" + item


def link_line(run, name: str) -> list[str]:
    return [_as_flag(i) for i in target_items(run, name)]


def linked_targets(run) -> list[str]:
    """The project's targets that get a link line: executables, shared and module libraries."""
    return [t.name for t in run.targets.values()
            if not t.imported and t.alias_of is None and t.kind in ("EXECUTABLE", "SHARED_LIBRARY", "MODULE_LIBRARY")]


def resolve(items: list[str], library_path: list[str], gcc_dirs: list[str], isfile) -> list[str]:
    """Each library of a link line as the file ld takes (a path as written; ``-lNAME`` through ``-L``, then
    ``LIBRARY_PATH``, then gcc's folders); ``-lNAME`` stays as written when no folder has it."""
    dirs = [i[2:] for i in items if i.startswith("-L")] + library_path + gcc_dirs
    files, static = [], False
    for item in items:
        for flag in item.split(",") if item.startswith("-Wl,") else [item]:
            if flag in ("-Bstatic", "-static"):
                static = True
            elif flag == "-Bdynamic":
                static = False
        if item.startswith("-l"):
            name = item[2:]
            names = [name[1:]] if name.startswith(":") else ([f"lib{name}.a"] if static else [f"lib{name}.so", f"lib{name}.a"])
            found = next((os.path.normpath(p) for d in dirs for n in names if isfile(p := os.path.join(d, n))), None)
            files.append(found or item)
        elif item.startswith("/") and re.search(r"\.(a|so[.0-9]*)$", item):
            files.append(os.path.normpath(item))
    return list(dict.fromkeys(files))
