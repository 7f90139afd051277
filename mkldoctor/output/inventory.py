"""Rendering of ``mkldoctor list``: a rich tree, plain text, or JSON (schema v1)."""

from __future__ import annotations

import os

import sys
from typing import TextIO

from mkldoctor.discover import Inventory
from mkldoctor.inventory.install import MklInstall
from mkldoctor.inert import inert_stream
from mkldoctor.output import Format, console, markup, write_json

SCHEMA = "mkldoctor.inventory"
SCHEMA_VERSION = 1


def install_json(install: MklInstall) -> dict:
    return {
        "source": install.source,
        "sources": install.sources,
        "root": install.root,
        "lib_dirs": install.lib_dirs,
        "include_dirs": install.include_dirs,
        "version": install.version,
        "version_from": install.version_from,
        "package": install.package,
        "evidence": install.evidence,
        "static": install.static,
        "shared": install.shared,
        "shared_suffixes": sorted({lib.soname_suffix for lib in install.libraries if lib.kind == "shared" and lib.name.startswith("mkl_")}),
        "interfaces": {"static": install.interfaces("static"), "shared": install.interfaces("shared")},
        "threading": {"static": install.threading("static"), "shared": install.threading("shared")},
        "iomp5": [lib.path for lib in install.iomp5],
        "mkl_rt": (lib.path if (lib := install.find("mkl_rt", "shared")) else None),
        "kernels": install.kernels(),
        "headers": install.headers,
        "pkgconfig": install.pkgconfig,
        "defines": install.defines,
        "libraries": [{"name": lib.name, "kind": lib.kind, "path": lib.path} for lib in install.libraries],
        "broken": install.broken,
    }


def inventory_json(inventory: Inventory) -> dict:
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "root": inventory.root,
        "symbols": list(inventory.symbols),
        "installs": [install_json(i) for i in inventory.installs],
        "pkgconfig": [
            {"path": pc.path, "name": pc.name, "version": pc.version, "prefix": pc.prefix, "libdir": pc.libdir,
             "libs": pc.libs, "missing": pc.missing, "requires": pc.requires, "missing_requires": pc.missing_requires, "problems": pc.problems,
             "on_search_path": pc.on_search_path}
            for pc in inventory.pkgconfig
        ],
        "openmp_on_loader_path": inventory.openmp,
        "warnings": inventory.warnings,
        "cpu_budget": inventory.cpu_budget.as_dict() if inventory.cpu_budget else None,
    }


def _title(install: MklInstall) -> str:
    version = f"MKL {install.version}" if install.version else "MKL (version unknown)"
    return f"{version}  [{', '.join(install.sources)}]  {install.lib_dirs[0] if install.lib_dirs else install.root}"


def _short_package(text: str | None) -> str:
    if not text:
        return ""
    names = text.split(", ")
    return text if len(names) <= 4 else ", ".join(names[:4]) + f" and {len(names) - 4} more"


def install_lines(install: MklInstall, inventory: Inventory, verbose: bool = False) -> list[tuple[str, str]]:
    """(label, value) rows shared by the text and the tree renderings (``verbose``: every evidence line)."""
    rows: list[tuple[str, str]] = []
    rows += [("partial copy", f"NOT READ: {line}") for line in install.broken]
    rows.append(("version", f"{install.version or 'unknown'} (from {install.version_from or 'nothing that says'})"))
    if install.package:
        rows.append(("packages", _short_package(install.package)))
    static = install.interfaces("static")
    rows.append(("static archives", "yes: " + ", ".join(static + install.threading("static")) if install.static
                 else "NO (libmkl_core.a missing: a static link cannot use this copy)"))
    suffixes = sorted({lib.soname_suffix for lib in install.libraries if lib.kind == "shared" and lib.name.startswith("mkl_")})
    rows.append(("shared objects", f"yes ({', '.join(suffixes)}): " + ", ".join(install.interfaces("shared") + install.threading("shared"))
                 if install.shared else "no"))
    rt = install.find("mkl_rt", "shared")
    rows.append(("single dynamic library", rt.path if rt else "no libmkl_rt"))
    kernels = install.kernels()
    rows.append(("CPU kernels", ", ".join(kernels) if kernels else ("none" if install.shared else "n/a (static only)")))
    iomp = [lib.path for lib in install.iomp5]
    elsewhere = [p for p in inventory.openmp if p not in iomp]
    if iomp:
        rows.append(("OpenMP runtime (libiomp5)", ", ".join(_omp(p) for p in iomp)))
    elif elsewhere:
        rows.append(("OpenMP runtime (libiomp5)", f"not beside it; on the loader path: {_omp(elsewhere[0])}"))
    else:
        rows.append(("OpenMP runtime (libiomp5)", "MISSING: intel_thread cannot link or load"))
    rows.append(("headers", ", ".join(install.include_dirs) if install.headers else "none"))
    for name, paths in install.defines.items():
        rows.append((f"defines {name}", "yes" if paths else "NO"))
    if install.pkgconfig:
        rows.append(("pkg-config", f"{len(install.pkgconfig)} mkl-*.pc file(s)"))
    rows += [("evidence", line) for line in (install.evidence if verbose else summarise_evidence(install.evidence))]
    return rows


def _omp(path: str) -> str:
    """Debian's libomp-dev installs libiomp5.so as a link to LLVM's libomp.so.5: say whose runtime it is."""
    real = os.path.realpath(path)
    if os.path.basename(real).startswith("libomp."):
        return f"{path} (LLVM's OpenMP runtime {os.path.basename(real)} under Intel's name, not Intel's libiomp5)"
    return path


def summarise_evidence(evidence: list[str], per_source: int = 3) -> list[str]:
    """At most ``per_source`` lines per source ("dpkg: ...", "pip: ..."), then a count."""
    by_source: dict[str, list[str]] = {}
    for line in evidence:
        by_source.setdefault(line.split(":", 1)[0], []).append(line)
    out = []
    for lines in by_source.values():
        out += lines[:per_source]
        if len(lines) > per_source:
            out.append(f"{lines[0].split(':', 1)[0]}: and {len(lines) - per_source} more")
    return out


def budget_line(inventory: Inventory) -> str | None:
    """The CPU budget of a process here: the quota and its file, the affinity mask, MKL's own thread count."""
    budget = inventory.cpu_budget
    if budget is None:
        return None
    threads = (f"MKL starts {budget.mkl_threads} thread{'s' if budget.mkl_threads != 1 else ''} by itself"
               if budget.mkl_threads is not None else "MKL's own thread count not known")
    over = " (more threads than the quota gives CPUs)" if budget.oversubscribed else ""
    return f"{budget.describe()}; {threads}{over}: {budget.mkl_threads_why}"


def _pc_problems(inventory: Inventory) -> list[str]:
    lines = []
    for pc in inventory.pkgconfig:
        if pc.missing:
            lines.append(f"{pc.path}: names {len(pc.missing)} missing file(s): {', '.join(pc.missing[:3])}")
        if pc.missing_requires:
            lines.append(f"{pc.path}: Requires {', '.join(pc.missing_requires)}, whose .pc is not on the search path")
        lines += [f"{pc.path}: {problem}" for problem in pc.problems]
    return lines


def render(inventory: Inventory, fmt: Format, stream: TextIO | None = None, *, verbose: bool = False) -> None:
    stream = stream or sys.stdout
    if fmt is Format.json:
        write_json(inventory_json(inventory), stream)
    elif fmt is Format.text:
        render_text(inventory, stream, verbose)
    else:
        render_tree(inventory, stream, verbose)


def render_text(inventory: Inventory, stream: TextIO, verbose: bool = False) -> None:
    """The list form: a copy's title, then one indented line per fact, each path whole on its line."""
    stream = inert_stream(stream)
    if not inventory.installs:
        stream.write(f"no MKL found under {inventory.root}\n")
    for install in inventory.installs:
        stream.write(_title(install) + "\n")
        for label, value in install_lines(install, inventory, verbose):
            stream.write(f"  {label}: {value}\n")
    if (line := budget_line(inventory)) is not None:
        stream.write(f"cpu budget: {line}\n")
    for line in _pc_problems(inventory):
        stream.write(f"pkg-config: {line}\n")
    for warning in inventory.warnings:
        stream.write(f"warning: {warning}\n")


def render_tree(inventory: Inventory, stream: TextIO, verbose: bool = False) -> None:
    """A rich tree where every line of it fits the terminal; else :func:`render_text`'s list form (a tree's
    line wrapped by rich would split a path)."""
    from rich.tree import Tree

    from mkldoctor.output import fits

    escape = markup
    con = console(stream)
    pc_lines = _pc_problems(inventory)
    tree = Tree(f"[bold]{len(inventory.installs)} MKL cop{'y' if len(inventory.installs) == 1 else 'ies'} under {escape(inventory.root)}[/bold]")
    for install in inventory.installs:
        branch = tree.add(f"[bold cyan]{escape(_title(install))}[/bold cyan]")
        for label, value in install_lines(install, inventory, verbose):
            style = "red" if ("NO" in value.split(" ")[0:1] or value.startswith(("MISSING", "NO ", "NOT READ"))) else None
            text = escape(f"{label}: {value}")
            branch.add(f"[{style}]{text}[/{style}]" if style else text)
    if (line := budget_line(inventory)) is not None:
        tree.add(f"[{'red' if inventory.cpu_budget.oversubscribed else 'bold'}]cpu budget:[/] {escape(line)}")
    if pc_lines:
        pcs = tree.add("[bold yellow]pkg-config problems[/bold yellow]")
        for line in pc_lines:
            pcs.add(escape(line))
    for warning in inventory.warnings:
        tree.add(f"[yellow]warning: {escape(warning)}[/yellow]")
    if not fits(con, tree):
        render_text(inventory, stream, verbose)
        return
    con.print(tree, markup=True)
