"""pkg-config: every ``mkl-*.pc`` on the search path, what it points to, and whether that exists.

Debian's ``libmkl-dev`` ships ``mkl-static-lp64-seq.pc`` while the ``.a`` files it names
are in another package; oneAPI's ``-iomp`` files ``Requires: openmp``, which only the
compiler runtime provides. Both are found here by reading the files, not by running
pkg-config.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

from mkldoctor.discover.base import Candidate, Context

# pkg-config's own search path after PKG_CONFIG_PATH, in its order (Debian's pkgconf: `pkg-config --variable
# pc_path pkg-config`), then the lib64 folders other distributions use
DEFAULT_DIRS = (
    "/usr/local/lib/x86_64-linux-gnu/pkgconfig", "/usr/local/lib/pkgconfig", "/usr/local/share/pkgconfig",
    "/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib/pkgconfig", "/usr/share/pkgconfig", "/usr/lib64/pkgconfig",
)
_VAR = re.compile(r"\$\{([A-Za-z0-9_.]+)\}")


@dataclass
class PkgConfigFile:
    path: str  # in-root
    name: str  # mkl-static-lp64-iomp
    version: str | None = None
    prefix: str | None = None
    libdir: str | None = None
    libs: list[str] = field(default_factory=list)  # library files it names, in-root paths
    missing: list[str] = field(default_factory=list)  # of those, the ones that do not exist
    requires: list[str] = field(default_factory=list)
    missing_requires: list[str] = field(default_factory=list)
    on_search_path: bool = True
    includedir: str | None = None
    problems: list[str] = field(default_factory=list)  # libdir/includedir that point nowhere or at another copy


def parse(text: str, pcfiledir: str) -> tuple[dict[str, str], dict[str, str]]:
    variables = {"pcfiledir": pcfiledir}
    fields: dict[str, str] = {}

    def expand(value: str, depth: int = 0) -> str:
        if depth > 20:
            return value
        expanded = _VAR.sub(lambda m: variables.get(m.group(1), ""), value)
        return expand(expanded, depth + 1) if "${" in expanded else expanded

    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        field_match = re.match(r"^([A-Za-z][A-Za-z0-9_.]*)\s*:\s*(.*)$", line)
        var_match = re.match(r"^([A-Za-z0-9_.]+)\s*=\s*(.*)$", line)
        if var_match and (not field_match or line.index("=") < line.index(":")):
            variables[var_match.group(1)] = expand(var_match.group(2))
        elif field_match:
            fields[field_match.group(1)] = expand(field_match.group(2))
    return variables, fields


LINKER_DEFAULT_DIRS = ("/usr/local/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                       "/usr/local/lib", "/lib", "/usr/lib", "/lib64", "/usr/lib64")


def _library_files(ctx: Context, libs: str) -> list[str]:
    try:
        tokens = shlex.split(libs)
    except ValueError:
        tokens = libs.split()
    # -l without -L relies on the linker's own folders (Debian's mkl-dynamic-*.pc do)
    dirs = [t[2:] for t in tokens if t.startswith("-L")]
    if ctx.root.is_host:  # gcc hands LIBRARY_PATH to ld after the command line's -L folders
        dirs += [d for d in ctx.env.get("LIBRARY_PATH", "").split(":") if d]
    dirs += list(LINKER_DEFAULT_DIRS)
    files: list[str] = []
    for token in tokens:
        if token.startswith("-l") and "mkl" in token:
            name = token[2:]
            for folder in dirs:
                for suffix in (".so", ".a"):
                    candidate = posixpath.join(folder, f"lib{name}{suffix}")
                    if ctx.root.exists(candidate):
                        files.append(posixpath.normpath(candidate))
                        break
                else:
                    continue
                break
            else:
                files.append(f"-l{name}")  # not found in its -L folders
        elif token.startswith("/") and re.search(r"\.(a|so[.0-9]*)$", token):
            files.append(posixpath.normpath(token))
    return files


def _isdir(ctx: Context, path: str) -> bool:
    return ctx.root.isdir(path)  # inside --root only: a libdir linked out of it is no folder of the image


def _problems(ctx: Context, pc: PkgConfigFile) -> list[str]:
    """What makes pkg-config's answer for this file take files from nowhere, or from two copies."""
    out = []
    elsewhere = sorted({posixpath.dirname(f) for f in pc.libs if f.startswith("/") and pc.libdir
                        and posixpath.dirname(f) != pc.libdir and "mkl" in posixpath.basename(f)})
    if pc.libdir and not _isdir(ctx, pc.libdir):
        out.append(f"libdir={pc.libdir} does not exist: its -l names fall through to the linker's default folders"
                   + (f", which take MKL from {', '.join(elsewhere)}" if elsewhere else ", which hold no MKL"))
    elif elsewhere:
        out.append(f"its libraries resolve outside libdir={pc.libdir}: in {', '.join(elsewhere)}")
    if pc.includedir and not ctx.root.exists(posixpath.join(pc.includedir, "mkl.h")):
        out.append(f"includedir={pc.includedir} has no mkl.h")
    elif pc.includedir and elsewhere:
        out.append(f"headers from {pc.includedir} with libraries from {', '.join(elsewhere)}: two MKL copies in one build")
    return out


def search_dirs(ctx: Context) -> list[str]:
    dirs: list[str] = []
    if ctx.root.is_host:
        for var in ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR"):
            dirs += [d for d in ctx.env.get(var, "").split(":") if d]
    return list(dict.fromkeys(dirs + list(DEFAULT_DIRS)))


def read_pc(ctx: Context, path: str, on_search_path: bool, pc_dirs: list[str]) -> PkgConfigFile | None:
    text = ctx.root.read_text(path, limit=1 << 20)
    if text is None:
        return None
    variables, fields = parse(text, posixpath.dirname(path))
    pc = PkgConfigFile(path=path, name=posixpath.basename(path)[:-3], version=fields.get("Version"),
                       prefix=variables.get("prefix"), libdir=variables.get("libdir"), on_search_path=on_search_path)
    if pc.prefix:
        pc.prefix = posixpath.normpath(pc.prefix)
    if pc.libdir:
        pc.libdir = posixpath.normpath(pc.libdir)
    pc.libs = _library_files(ctx, fields.get("Libs", ""))
    pc.missing = [f for f in pc.libs if f.startswith("-l") or not ctx.root.exists(f)]
    if variables.get("includedir"):
        pc.includedir = posixpath.normpath(variables["includedir"].strip('"'))
    pc.problems = _problems(ctx, pc) if on_search_path else []
    for requirement in re.split(r"[,\s]+", fields.get("Requires", "")):
        if requirement and re.match(r"^[A-Za-z]", requirement):
            pc.requires.append(requirement)
            where = [posixpath.dirname(path)] + pc_dirs
            if not any(ctx.root.exists(posixpath.join(d, requirement + ".pc")) for d in where):
                pc.missing_requires.append(requirement)
    return pc


def find(ctx: Context, extra_dirs: list[str] = ()) -> tuple[list[Candidate], list[PkgConfigFile]]:
    """The .pc files on the search path and in ``extra_dirs`` (installs' own pkgconfig folders)."""
    pc_dirs = search_dirs(ctx)
    files: list[PkgConfigFile] = []
    seen: set[str] = set()
    for folder in pc_dirs + [d for d in extra_dirs if d not in pc_dirs]:
        for name in ctx.root.listdir(folder):
            if not (name.startswith("mkl-") and name.endswith(".pc")):
                continue
            path = posixpath.join(folder, name)
            key = ctx.root.resolve(path)
            if key in seen:
                continue
            seen.add(key)
            pc = read_pc(ctx, path, folder in pc_dirs, pc_dirs)
            if pc:
                files.append(pc)
    candidates: dict[str, Candidate] = {}
    for pc in files:
        if not pc.on_search_path:
            continue
        lib_dirs = {posixpath.dirname(f) for f in pc.libs if f.startswith("/")} or ({pc.libdir} if pc.libdir else set())
        for lib_dir in lib_dirs:
            if ctx.has_mkl_libs(lib_dir):
                candidate = candidates.setdefault(lib_dir, Candidate("pkg-config", lib_dir, root=pc.prefix))
                candidate.evidence.append(f"pkg-config: {pc.path}")
    return list(candidates.values()), files
