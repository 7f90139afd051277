"""Rendering of ``mkldoctor deps``: a table with sizes, Dockerfile COPY lines, or JSON (schema v1)."""

from __future__ import annotations

import shlex
import sys
from typing import TextIO

from mkldoctor.inert import inert_stream
from mkldoctor.output import markup, write_json
from mkldoctor.runtime.deps import Deps

SCHEMA = "mkldoctor.deps"
SCHEMA_VERSION = 1


def mb(size: int | None) -> str:
    return "?" if size is None else f"{size / 1e6:.1f} MB"


def summary(deps: Deps) -> list[str]:
    """The sentences under the table: linkage, kernels, totals, the bytes nothing needs."""
    lines = []
    if deps.linkage == "static":
        release = deps.static.release if deps.static else None
        lines.append(f"MKL is linked statically into {deps.binary}" + (f" (MKL {release})" if release else "")
                     + (f": {deps.static.how}" if deps.static else ""))
        linked = deps.static.linked if deps.static else None
        if linked is not None:
            lines.append(f"threading layer linked in: {linked.threading or 'not read'}: {linked.threading_how}")
            lines.append(f"interface linked in: {linked.interface or 'not read'}: {linked.interface_how}")
        lines.append("what remains to copy: " + (", ".join(n.file for n in deps.needs) or "nothing (no MKL or OpenMP shared library)"))
    elif deps.linkage == "none":
        lines.append(f"{deps.binary} uses no MKL: no libmkl_* in its DT_NEEDED closure and no MKL linked into it")
    if deps.layers and deps.linkage == "dynamic":
        lines.append(f"layers: {deps.layers.interface}, as {deps.layers.interface_why}; {deps.layers.threading}, as {deps.layers.threading_why}")
    if deps.kernels_how:
        lines.append(f"CPU kernels: {deps.kernels_how}")
    present = [n for n in deps.needs if not n.missing]
    lines.append(f"runtime set: {len(deps.needs)} files, {mb(deps.total)}"
                 + (f"; {len(deps.missing)} missing from {deps.image or deps.root}" if deps.missing else ""))
    if deps.mkl_bytes:
        lines.append(f"MKL, OpenMP and TBB libraries there: {mb(deps.mkl_bytes)}; nothing needs {mb(deps.unneeded_bytes)} of it "
                     f"({len(deps.unneeded)} files)" + (f"; the runtime set is {sum(n.size or 0 for n in present) / deps.mkl_bytes:.0%}" if present else ""))
    for need in deps.needs:
        if need.note:
            lines.append(f"note: {need.note}")
    lines += [f"note: {note}" for note in deps.notes]
    return lines


def _title(deps: Deps) -> str:
    return f"{deps.binary}: MKL and OpenMP at run time" + (f" ({deps.image})" if deps.image else "")


def _where(need) -> str:
    where = need.path if not need.missing else "MISSING"
    return where + (f" -> {need.real}" if need.real and need.real != need.path else "")


def _searches(deps: Deps, verbose: bool) -> list[str]:
    """Where the search looked for the missing files: once for all the files it failed alike (``verbose``: once
    per file)."""
    groups = [((need,), need.search) for need in deps.missing] if verbose else deps.searches()
    lines = []
    for needs, search in groups:
        names = ", ".join(need.file for need in needs)
        lines.append(f"{names} {'is' if len(needs) == 1 else 'are'} missing; where the search looked"
                     + (" (the same for each):" if len(needs) > 1 else ":"))
        lines += [f"  {line}" for line in search]
    return lines


def render_text(deps: Deps, stream: TextIO | None = None, *, verbose: bool = False) -> None:
    """The list form: one line per file, its path last and whole (``--format text``, and the table's form on a
    terminal too narrow for it)."""
    stream = inert_stream(stream or sys.stdout)
    lines = [_title(deps)]
    lines += [f"{need.file} ({need.role}, {mb(need.size)}): {_where(need)}" for need in deps.needs]
    lines.append(f"total: {mb(deps.total)}")
    stream.write("\n".join(lines + _searches(deps, verbose) + summary(deps)) + "\n")


def render_table(deps: Deps, stream: TextIO | None = None, *, verbose: bool = False) -> None:
    """A rich table where it fits the terminal whole; else :func:`render_text`'s list form."""
    from rich import box
    from rich.table import Table

    from mkldoctor.output import console, fits

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 0), show_lines=False)
    for column in ("file", "role", "taken from", "size"):  # the why of each row is in --format json
        table.add_column(column, justify="right" if column == "size" else "left", no_wrap=True)
    for need in deps.needs:
        table.add_row(markup(need.file), markup(need.role), markup(_where(need)), mb(need.size))
    table.add_row("total", "", "", mb(deps.total))
    out = console(stream)
    if not fits(out, table):
        render_text(deps, stream, verbose=verbose)
        return
    out.print(markup(_title(deps)), soft_wrap=True)
    out.print(table)
    for line in _searches(deps, verbose) + summary(deps):
        out.print(markup(line), soft_wrap=True)  # a sentence with a path: the terminal wraps it, not mkldoctor


def render_copy(deps: Deps, stream: TextIO | None = None, stage: str = "build") -> None:
    """One ``COPY --from=STAGE real-path path`` per file: the file's content lands where the loader looks."""
    stream = inert_stream(stream or sys.stdout)
    stream.write(f"# runtime set of {deps.binary}: {len(deps.needs)} files, {mb(deps.total)}\n")
    for need in deps.needs:
        if need.missing:
            stream.write(f"# {need.file}: not in {deps.image or deps.root}, copy it from where your build has it\n")
            continue
        stream.write(f"COPY --from={stage} {shlex.quote(need.real or need.path)} {shlex.quote(need.path)}\n")
    if deps.linkage == "static" and not deps.needs:
        stream.write("# MKL is linked statically and nothing else is needed\n")


def render_json(deps: Deps, stream: TextIO | None = None) -> None:
    write_json({
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "binary": deps.binary,
        "root": deps.root,
        "image": deps.image,
        "linkage": deps.linkage,
        "static": None if deps.static is None else {"release": deps.static.release, "how": deps.static.how,
                                                    "mkl_functions": deps.static.symbols, **_linked_json(deps)},
        "layers": None if deps.layers is None else {"interface": deps.layers.interface, "threading": deps.layers.threading},
        "cpu": deps.cpu,
        "kernels_how": deps.kernels_how,
        "needs": [{"file": n.file, "role": n.role, "why": n.why, "path": n.path, "real": n.real, "size": n.size,
                   "missing": n.missing, "search": list(n.search), "note": n.note} for n in deps.needs],
        "total_bytes": deps.total,
        "missing": [n.file for n in deps.missing],
        "mkl_bytes": deps.mkl_bytes,
        "unneeded_bytes": deps.unneeded_bytes,
        "unneeded": [{"path": p, "size": s} for p, s in deps.unneeded],
        "notes": list(deps.notes),
    }, stream)


def _linked_json(deps: Deps) -> dict:
    linked = deps.static.linked if deps.static else None
    if linked is None:
        return {}
    return {"threading": linked.threading, "threading_how": linked.threading_how,
            "interface": linked.interface, "interface_how": linked.interface_how}
