"""Rendering of ``mkldoctor python``: each package with the BLAS and threads it brings, what a process
loaded (``--import``), then the findings in any of the findings formats (JSON: the findings document with
``command: python``, the environment, the packages and the libraries)."""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from mkldoctor.diagnose.pyloaded import Observed
from mkldoctor.discover.pylibs import Library
from mkldoctor.discover.pymap import DistMap, EnvMap
from mkldoctor.output import console
from mkldoctor.output.findings import FindingsFormat, render, render_text
from mkldoctor.runtime.pyreport import PythonReport

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def inert(text: str) -> str:
    """A file name from someone's environment, its control characters shown, never sent to the terminal."""
    return _CONTROL.sub(lambda c: f"\\x{ord(c.group()):02x}", text)


def short(m: EnvMap, path: str) -> str:
    for site in m.env.site_dirs:
        real = os.path.realpath(site)
        if path.startswith(real + os.sep):
            return path[len(real) + 1 :]
    return os.path.relpath(path, m.env.prefix) if path.startswith(m.env.prefix + os.sep) else path


def describe(library: Library) -> str:
    """``MKL 2024.2 linked in: GNU threading layer, LP64 interface``; ``libgomp, vendored copy (sha256 ...)``."""
    parts = [library.label]
    if library.kind == "mkl-linked":
        parts.append(f"threading layer {library.threading or 'not read'}, interface {library.integers or 'not read'}")
    if library.vendored and library.kind in ("openmp", "tbb"):
        parts.append("a vendored copy")
    if library.sha256:
        parts.append(f"sha256 {library.sha256[:12]}")
    return ", ".join(parts)


def _group(library: Library) -> str:
    return {"openmp": "OpenMP", "tbb": "TBB"}.get(library.kind, "BLAS")


def package_lines(m: EnvMap, d: DistMap) -> list[str]:
    lines = []
    for path in d.loads:
        lines.append(f"  {_group(m.libraries[path]):7} {describe(m.libraries[path])}: {short(m, path)}")
    for path in d.opens:
        lines.append(f"  {_group(m.libraries[path]):7} {describe(m.libraries[path])}: {short(m, path)} (opened by MKL's "
                     "default INTEL layer)")
    shipped = [p for p in d.ships if p not in d.loads]
    if shipped:
        by_kind: dict[str, list[str]] = {}
        for path in shipped:
            library = m.libraries[path]
            label = library.label if library.kind != "mkl" else f"MKL {library.version or ''}".strip()
            by_kind.setdefault(label, []).append(path)
        for label, paths in by_kind.items():
            users = sorted({u for p in paths for u in m.users(p)} - {d.dist.name})
            folder = short(m, os.path.dirname(paths[0]))
            said = f"used by {', '.join(users)}" if users else "loaded by no package's modules"
            lines.append(f"  ships   {label}: {len(paths)} file{'s' if len(paths) != 1 else ''}, {sum(m.libraries[p].size for p in paths) / 1e6:.0f} MB "
                         f"in {folder}; {said}")
    return [inert(line) for line in lines]


def render_map(report: PythonReport, stream: TextIO) -> None:
    m = report.map
    con = console(stream)
    con.soft_wrap = True
    env = m.env
    con.print(inert(f"Python {env.version or '?'} {env.kind} {env.prefix}" + (f" ({env.interpreter})" if env.interpreter else "")),
              markup=False)
    for line in env.how:
        con.print(inert(f"  found as {line}"), markup=False)
    con.print(inert(f"  read {m.elf_files} extension modules and libraries of {len(m.dists)} packages from their records "
                    f"and ELF headers; nothing was imported"), markup=False)
    quiet = []
    for d in m.dists:
        lines = package_lines(m, d)
        if not lines:
            quiet.append(d.dist.name)
            continue
        con.print(inert(f"{d.dist.name} {d.dist.version or ''}".strip()), markup=False)
        for line in lines:
            con.print(line, markup=False)
    if quiet:
        con.print(inert(f"no BLAS, MKL, OpenMP or TBB: {', '.join(quiet)}"), markup=False)
    for path in m.unowned:
        if path in m.libraries:
            con.print(inert(f"not in any package's record: {describe(m.libraries[path])}: {path}"), markup=False)
    if report.observed is not None:
        render_observed(m, report.observed, con)
    con.print()


def render_observed(m: EnvMap, seen: Observed, con) -> None:
    con.print(inert(f"a process importing {', '.join(seen.modules)} (in that order) loaded:"), markup=False)
    for path in seen.runtime_libraries():
        owner = m.owners.get(path, "the system" if not path.startswith(m.env.prefix) else "no package")
        when = " (at MKL's first call)" if path in seen.first_call else ""
        con.print(inert(f"  {describe(seen.libraries[path])}: {path} [{owner}]{when}"), markup=False)
    for mkl in seen.mkl:
        con.print(inert(f"  MKL in {os.path.basename(mkl.path)} says: {mkl.version}; mkl_get_max_threads() = "
                        f"{mkl.max_threads}"), markup=False)
    if seen.died:
        con.print(inert(f"  the process {seen.died}"), markup=False)


def render_report(report: PythonReport, fmt: str, stream: TextIO | None = None, ignored: list = ()) -> None:
    """``ignored``: the findings --ignore left out (counted in text and JSON)."""
    stream = stream or sys.stdout
    chosen = FindingsFormat(fmt)
    findings = list(report.findings)
    if chosen is FindingsFormat.text:
        render_map(report, stream)
        render_text(findings, stream, ignored)
        return
    extra = {"command": "python", **as_json(report)} if chosen is FindingsFormat.json else None
    render(findings, chosen, stream, suite="mkldoctor.python", extra=extra, ignored=ignored)


def _library_json(library: Library) -> dict:
    return {"kind": library.kind, "label": library.label, "runtime": library.runtime, "role": library.role,
            "version": library.version, "integers": library.integers, "threading": library.threading,
            "sha256": library.sha256, "soname": library.soname, "size": library.size, "vendored": library.vendored,
            "evidence": list(library.evidence)}


def as_json(report: PythonReport) -> dict:
    m = report.map
    env = m.env
    document = {
        "environment": {"interpreter": env.interpreter, "prefix": env.prefix, "kind": env.kind, "version": env.version,
                        "site_dirs": list(env.site_dirs), "lib_dirs": list(env.lib_dirs), "how": list(env.how)},
        "packages": [{"name": d.dist.name, "version": d.dist.version, "record": d.dist.record, "elf_files": d.elf_files,
                      "extension_modules": d.extensions, "loads": list(d.loads), "opens": list(d.opens),
                      "ships": list(d.ships), "unresolved": list(d.unresolved)} for d in m.dists],
        "libraries": {path: {**_library_json(lib), "owner": m.owners.get(path), "users": m.users(path)}
                      for path, lib in m.libraries.items()},
        "imported": None,
        "warnings": list(m.warnings),
    }
    seen = report.observed
    if seen is not None:
        document["imported"] = {
            "modules": list(seen.modules), "errors": [list(e) for e in seen.errors], "died": seen.died,
            "stderr": list(seen.stderr), "mapped": list(seen.loaded), "first_call": list(seen.first_call),
            "libraries": {p: {**_library_json(seen.libraries[p]), "owner": m.owners.get(p)} for p in seen.runtime_libraries()},
            "mkl": [{"path": x.path, "version": x.version, "max_threads": x.max_threads} for x in seen.mkl],
            "bindings": [{"library": b.library, "name": b.name, "bound": b.bound} for b in seen.bindings],
        }
    return document
