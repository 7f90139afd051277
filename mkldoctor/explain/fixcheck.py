"""Fixes checked against the failure they answer: a fix that cannot fix it is not printed.

- A ``-L<dir>`` that the failing command line already has (in that order) changes nothing. When
  that folder holds only versioned names (``libmkl_rt.so.3``, no ``libmkl_rt.so`` link), ld's
  ``-lmkl_rt`` skips it by design: the fix is ``-l:libmkl_rt.so.3``, the full path, or a package
  with the development links.
- A package cannot provide a soname it does not ship: Debian's ``libmkl-*`` (MKL 2020.4) have
  unversioned sonames (``libmkl_core.so``), so they never answer a missing ``libmkl_core.so.2``
  or ``.so.3``; pip's and Intel's oneMKL 2021+ have only versioned ones.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex

from mkldoctor.findings import Finding, Recipe
from mkldoctor.explain.hosts import LoaderMissing
from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, MissingLibrary, NeededNotFound, Parsed
from mkldoctor.knowledge.recipes import devel_links

_L = re.compile(r"-L(\S+)")
_ADDS = re.compile(r"(?<![\w-])-l(:?[\w.+-]+)")  # the libraries a fix line names (-l:FILE as ":FILE")
_VERSIONED = re.compile(r"\blib[\w+-]+\.so\.\d+(?:\.\d+)*")
_UNVERSIONED_SONAME_CHANNELS = ("Debian:",)  # recipe lines whose packages ship libmkl_*.so sonames only


def _unversioned_mkl(line: str) -> bool:
    """A line that installs Debian's MKL packages (libmkl-*), which cannot give a .so.N: not its other packages (its
    libomp-dev, with the libiomp5.so link MKL's Intel threading layer loads by that name)."""
    return line.startswith(_UNVERSIONED_SONAME_CHANNELS) and "libmkl" in line


def _real(path: str) -> str:
    try:
        return os.path.realpath(shlex.split(path)[0] if path else path)
    except ValueError:
        return os.path.realpath(path)


def _on_line(commands: list[LinkCommand]) -> list[list[str]]:
    return [[_real(d) for d in command.lib_dirs] for command in commands]


def _already(line: str, orders: list[list[str]], linked: set[str] = frozenset()) -> str | None:
    """The -L folder of ``line`` when the failing command already searches it as the fix asks, else None; never where
    the fix also adds a library the command does not link (``linked``: its -l names): "-L<its folder> -liomp5"."""
    dirs = [_real(m) for m in _L.findall(line)]
    if not dirs or not orders:
        return None
    if any(name not in linked for name in _ADDS.findall(line)):
        return None
    first = dirs[0]
    for order in orders:
        if first not in order:
            continue
        if " before " in line and len(dirs) > 1:  # "put A first: -LA before -LB": already so?
            if dirs[1] in order and order.index(first) > order.index(dirs[1]):
                continue
        return first
    return None


def versioned_only(folder: str, names: list[str]) -> list[tuple[str, str]]:
    """(-l name, the versioned file) for each name that ``folder`` holds only as ``libNAME.so.N``."""
    try:
        files = sorted(os.listdir(folder))
    except OSError:
        return []
    out = []
    for name in names:
        if f"lib{name}.so" in files or f"lib{name}.a" in files:
            continue
        versioned = versioned_files(files, name)
        if versioned:
            out.append((name, versioned[0]))
    return out


def versioned_files(files: list[str], name: str) -> list[str]:
    """``libNAME.so.N`` among ``files`` (a sorted listing), the shortest first: libmkl_rt.so.3 before libmkl_rt.so.3.1."""
    return sorted((f for f in files if re.fullmatch(rf"lib{re.escape(name)}\.so\.\d+(?:\.\d+)*", f)), key=len)


def _remedy(folder: str, commands: list[LinkCommand], ctx: Context | None) -> list[str]:
    names = list(dict.fromkeys(lib.name for command in commands for lib in command.libs if not lib.verbatim))
    pairs = versioned_only(folder, names) if ctx is None or ctx.local else []  # another machine's folder is not this one's
    if not pairs:
        return [f"-L{shlex.quote(folder)} is already on the failing line: adding it again changes nothing"]
    shown = ", ".join(f"-l{n}" for n, _ in pairs)
    by_name = Edit(libs=tuple((n, (f"-l:{f}",)) for n, f in pairs))
    by_path = Edit(libs=tuple((n, (os.path.join(folder, f),)) for n, f in pairs))
    lines = [f"-L{shlex.quote(folder)} is already on the line, but ld's {shown} looks for lib<name>.so and lib<name>.a only, "
             f"and {folder} has only versioned files ({', '.join(f for _, f in pairs)}): name them instead:",
             "  " + " ".join(f"-l:{f}" for _, f in pairs) + "   # in place of " + " ".join(f"-l{n}" for n, _ in pairs),
             "  or by full path: " + " ".join(shlex.quote(os.path.join(folder, f)) for _, f in pairs)]
    if ctx is not None:
        ctx.edited(lines[1], by_name)
        ctx.edited(lines[2], by_path)
    conda, apt = devel_links()
    return lines + ["or install the development links: " + conda, apt]


def _missing_versioned(finding: Finding, parsed: Parsed) -> bool:
    """The failure is about a versioned soname (``libmkl_intel_lp64.so.3``)."""
    names = [e.soname for e in parsed.of(LoaderMissing)] + [e.soname for e in parsed.of(NeededNotFound)]
    names += [e.name.lstrip(":") for e in parsed.of(MissingLibrary)]
    return any(_VERSIONED.fullmatch(n) and n in finding.title for n in names) or bool(_VERSIONED.search(finding.title))


def check_fixes(findings: list[Finding], parsed: Parsed, ctx: Context | None = None) -> list[Finding]:
    """``findings`` with each fix line that cannot fix its failure replaced or dropped (``ctx``: the report's, which
    records the link-line edit of each replacement, and says whether the log's folders are this machine's)."""
    commands = parsed.of(LinkCommand)
    orders = _on_line(commands)
    linked = {lib.name for command in commands for lib in command.libs}
    out = []
    for finding in findings:
        fix: list[str] = []
        notes: list[str] = []
        skip_block = False
        versioned = _missing_versioned(finding, parsed)
        for line in finding.fix:
            if skip_block and line.startswith(" "):
                continue
            skip_block = False
            edit = ctx.edits.get(line) if ctx is not None else None
            folder = None if edit is not None and (edit.move or edit.insert or edit.drop_dirs) else _already(line, orders, linked)  # -L kept, or dropped
            if folder is not None:
                fix += [f for f in _remedy(folder, commands, ctx) if f not in fix]
                notes.append(f"not offered: {line.strip()} (the failing line already has it)")
                continue
            if versioned and _unversioned_mkl(line):
                notes.append(f"not offered: {line.split(':', 1)[1].strip()} (Debian's libmkl-* have unversioned sonames "
                             "such as libmkl_core.so: they cannot provide a .so.N)")
                skip_block = True
                continue
            fix.append(line)
        recipes = finding.recipes
        if versioned and any(_unversioned_mkl(line) for r in recipes for line in r.lines):
            recipes, fix, notes = _without_debian(recipes, fix, notes)
        if notes:
            finding = dataclasses.replace(finding, fix=tuple(fix), evidence=finding.evidence + tuple(notes), recipes=recipes)
        out.append(finding)
    return out


def _without_debian(recipes: tuple[Recipe, ...], fix: list[str], notes: list[str]):
    """The recipes (printed once, referred to by name) with Debian's block dropped, under a name of their own."""
    kept: list[Recipe] = []
    for recipe in recipes:
        lines, skip = [], False
        for line in recipe.lines:
            if skip and line.startswith(" "):
                continue
            skip = _unversioned_mkl(line)
            if skip:
                notes.append(f"not offered: {line.split(':', 1)[1].strip()} (Debian's libmkl-* have unversioned sonames "
                             "such as libmkl_core.so: they cannot provide a .so.N)")
                continue
            lines.append(line)
        if len(lines) == len(recipe.lines):
            kept.append(recipe)
            continue
        renamed = Recipe(f"{recipe.name}-versioned", tuple(lines))
        fix = [line.replace(f"recipe `{recipe.name}`", f"recipe `{renamed.name}`") for line in fix]
        kept.append(renamed)
    return tuple(kept), fix, notes
