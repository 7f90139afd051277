"""Find every MKL on the machine, or in a sysroot, and say what each copy can link.

Each source (dpkg, rpm, pip, conda, oneAPI/MKLROOT, intel-mkl-src's download, the
loader's paths, pkg-config, folders given with ``--search``) is a small module that
returns :class:`Candidate` folders; here they are merged by real path (one copy
seen by three sources is one copy with three pieces of evidence) and described.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from dataclasses import dataclass, replace
from typing import Callable

from mkldoctor.discover import conda, dpkg, intel_mkl_src, loader, oneapi, pip, pkgconfig, rpm
from mkldoctor.discover.base import Candidate, Context
from mkldoctor.discover.cpubudget import CpuBudget, read_budget
from mkldoctor.discover.pkgconfig import PkgConfigFile
from mkldoctor.discover.sysroot import Root
from mkldoctor.errors import InputError
from mkldoctor.knowledge import layout
from mkldoctor.knowledge.history import version_key
from mkldoctor.inventory.install import MklInstall, describe, normalise_version
from mkldoctor.rootfs import Broken, RootFS

DEFAULT_SYMBOLS = ("hgemm_", "sgemm_", "cblas_sgemm", "cblas_gemm_f16f16f32")
SOURCES: tuple[tuple[str, Callable[[Context], list[Candidate]]], ...] = (
    ("dpkg", dpkg.find),
    ("rpm", rpm.find),
    ("pip", pip.find),
    ("conda", conda.find),
    ("oneAPI / MKLROOT", oneapi.find),
    ("intel-mkl-src", intel_mkl_src.find),
    ("loader paths", loader.find),
)


@dataclass(frozen=True)
class Inventory:
    root: str
    installs: tuple[MklInstall, ...] = ()  # newest first
    pkgconfig: tuple[PkgConfigFile, ...] = ()
    openmp: tuple[str, ...] = ()  # libiomp5 on the loader's path (host paths)
    warnings: tuple[str, ...] = ()
    symbols: tuple[str, ...] = DEFAULT_SYMBOLS
    cpu_budget: CpuBudget | None = None  # the CPUs a process here may use, and MKL's own thread count


@dataclass
class _Merged:
    """Every candidate that names one library folder, gathered before its install is built."""

    first: Candidate
    sources: list[str]
    evidence: list[str]
    include_dirs: list[str]  # host paths
    package: str | None


def _walk(ctx: Context, host_top: str, depth: int):
    """(in-root folder, its file names) under ``host_top``, ``depth`` levels deep, links to folders not followed.
    Under ``--root`` every listing goes through the confined reader: a folder that became a link since it was
    looked up is not listed (rootfs refuses it), never read on the host."""
    fs = ctx.root.fs
    stack = [(ctx.root.inside(host_top), 0)]
    while stack:
        folder, level = stack.pop()
        try:
            names = fs.listdir(folder)
        except OSError as exc:
            ctx.warn(f"{fs.host(folder)}: {exc.strerror or exc}")
            continue
        files, dirs = [], []
        for name in names:
            try:
                mode = os.lstat(fs.host(posixpath.join(folder, name))).st_mode
            except OSError:
                continue
            (dirs if stat.S_ISDIR(mode) else files).append(name)
        yield folder, files
        if level < depth:  # folders `depth` below the top are listed, not entered
            stack += [(posixpath.join(folder, d), level + 1) for d in reversed(dirs)]


def search_problem(root: str, folder: str) -> str | None:
    """``no such folder`` or ``not a folder`` for a ``folder`` that is not one (inside ``root`` unless that is /),
    else None. One check for every ``--search`` and a config's ``search``: a folder that is not there stops the
    command (exit 2) rather than narrowing the search unsaid. A link inside a root that loops or leads out of it
    is there by name: the scan reads nothing through it and says so in a warning, as for any file it meets."""
    where = Root(root)
    found = where.fs.resolve(folder)
    if isinstance(found, Broken):
        return "no such folder" if found.kind == "missing" else None
    return None if where.isdir(folder) else "not a folder"


def _search_folders(ctx: Context) -> list[Candidate]:
    """Folders under ``--search`` paths that hold libmkl_core or libmkl_rt (5 levels deep)."""
    out = []
    for top in ctx.search:
        found = ctx.root.fs.resolve(top)
        if isinstance(found, Broken) or not ctx.root.isdir(top):
            bad = isinstance(found, Broken) and found.kind != "missing"
            ctx.warn(f"--search {top}: {found.reason if bad else 'not a folder'}")
            continue
        for lib_dir, files in _walk(ctx, found, 5):
            if any(f.startswith(("libmkl_core.", "libmkl_rt.")) for f in files):
                prefix = posixpath.dirname(lib_dir)
                if posixpath.basename(prefix) == "lib":  # lib/intel64, lib/x86_64-linux-gnu
                    prefix = posixpath.dirname(prefix)
                includes = [d for d in (posixpath.join(prefix, "include"), posixpath.join(prefix, "include/mkl"))
                            if ctx.root.exists(posixpath.join(d, "mkl.h"))]
                out.append(Candidate("folder", lib_dir, includes[:1], root=prefix, evidence=[f"--search {top}: {lib_dir}"]))
    return out


def discover(
    root: str = "/",
    search: list[str] | None = None,
    env: dict[str, str] | None = None,
    project: str | None = None,
    symbols: tuple[str, ...] = DEFAULT_SYMBOLS,
    progress: Callable[[str], None] | None = None,
) -> Inventory:
    """Every MKL copy under ``root``; ``search`` adds folders (paths inside the root)."""
    ctx = Context(Root(root), dict(os.environ if env is None else env), list(search or []), project)
    candidates, pc_files = _candidates(ctx, progress)
    installs = [_install(ctx, key, seen, pc_files) for key, seen in _merged(ctx, candidates).items()]
    warnings: list[str] = []
    if progress:
        progress("symbols")
    installs = [check_symbols(install, symbols, warnings, ctx.root.fs) for install in installs]
    openmp = tuple(ctx.root.resolve(p) for p in loader.find_library(ctx, "libiomp5"))
    for line in ctx.root.problems:  # metadata (.pc, dpkg, pip, conda, ld.so.conf) not read: it leads out of the root
        ctx.warn(line)
    installs.sort(key=lambda i: (version_key(i.version), i.lib_dirs), reverse=True)
    return Inventory(
        root=ctx.root.root,
        installs=tuple(installs),
        pkgconfig=tuple(pc_files),
        openmp=openmp,
        warnings=tuple(ctx.warnings + warnings),
        symbols=symbols,
        cpu_budget=read_budget(root),
    )


def _candidates(ctx: Context, progress: Callable[[str], None] | None) -> tuple[list[Candidate], list[PkgConfigFile]]:
    """What every source points at (one candidate per folder it names), and the .pc files found on the way."""
    candidates: list[Candidate] = []
    for label, source in SOURCES:
        if progress:
            progress(label)
        try:
            candidates += source(ctx)
        except (OSError, InputError) as exc:
            ctx.warn(f"{label}: {exc}")
    if progress:
        progress("search folders")
    candidates += _search_folders(ctx)
    if progress:
        progress("pkg-config")
    pc_dirs = [posixpath.join(c.lib_dir, "pkgconfig") for c in candidates]
    pc_candidates, pc_files = pkgconfig.find(ctx, pc_dirs)
    return candidates + pc_candidates, pc_files


def _merged(ctx: Context, candidates: list[Candidate]) -> dict[str, _Merged]:
    """The candidates by library folder (its real path in the root): one copy, however many sources name it."""
    merged: dict[str, _Merged] = {}
    for candidate in candidates:
        try:
            key = ctx.root.resolve(candidate.lib_dir)
        except InputError as exc:
            ctx.warn(str(exc))
            continue
        includes = [ctx.root.resolve(i) for i in candidate.include_dirs]
        if key not in merged:
            merged[key] = _Merged(candidate, [candidate.source], list(candidate.evidence), includes, candidate.package)
            continue
        seen = merged[key]
        if candidate.source not in seen.sources:
            seen.sources.append(candidate.source)
        seen.evidence += [e for e in candidate.evidence if e not in seen.evidence]
        seen.include_dirs += [i for i in includes if i not in seen.include_dirs]
        seen.package = seen.package or candidate.package
    return merged


def _install(ctx: Context, key: str, seen: _Merged, pc_files: list[PkgConfigFile]) -> MklInstall:
    """One copy described from its folder, with the headers beside it and the .pc files that are its own."""
    first = seen.first
    if ctx.root.is_host:  # under --root, the root's reader reports them (install.broken)
        for line in _broken_links(key):
            ctx.warn(line)
    prefix = ctx.root.resolve(first.root or posixpath.dirname(first.lib_dir))
    if not seen.include_dirs and (beside := _includes_beside(prefix, key, ctx.root.fs)):
        seen.include_dirs.append(beside)
        seen.evidence.append(f"headers beside it: {beside}")
    install = describe(
        first.source,
        prefix,
        [key],
        seen.include_dirs,
        package=seen.package,
        package_version=first.package_version,
        version=first.version,
        version_from=first.version_from,
        evidence=seen.evidence,
        sources=seen.sources,
        fs=ctx.root.fs,
    )
    for line in install.broken:
        ctx.warn(line)
    owned = tuple(ctx.root.resolve(pc.path) for pc in pc_files if _pc_belongs(ctx, pc, (key,)))
    if owned:
        install = replace(install, pkgconfig=owned)
    if install.version is None:
        install = _pc_version(install, pc_files, ctx)
    return install


def _pc_belongs(ctx: Context, pc: PkgConfigFile, lib_dirs: tuple[str, ...]) -> bool:
    """Its libdir is the copy's folder, or (Debian's dynamic and sdl .pc name no libdir) its libraries are there."""
    if pc.libdir and ctx.root.resolve(pc.libdir) in lib_dirs:
        return True
    files = [f for f in pc.libs if f.startswith("/")]
    return bool(files) and all(ctx.root.resolve(posixpath.dirname(f)) in lib_dirs for f in files)


def _includes_beside(root: str, lib: str, fs: RootFS) -> str | None:
    """Headers beside a library folder found only through the environment (LD_LIBRARY_PATH, PKG_CONFIG_PATH):
    ``<prefix>/include`` of a pip, conda or oneAPI prefix, ``/usr/include/mkl`` beside Debian's multiarch folder."""
    prefix = os.path.dirname(lib.rstrip("/"))
    if os.path.basename(prefix) == "lib":  # lib/intel64, lib/x86_64-linux-gnu
        prefix = os.path.dirname(prefix)
    for folder in (os.path.join(root, "include"), os.path.join(prefix, "include"), os.path.join(prefix, "include", "mkl")):
        if fs.isfile(fs.inside(os.path.join(folder, "mkl.h"))):
            return folder
    return None


def _pc_version(install: MklInstall, pc_files: list[PkgConfigFile], ctx: Context) -> MklInstall:
    """A copy of unknown version takes the Version of a sound .pc file of its own."""
    mine = set(install.pkgconfig)
    for pc in pc_files:
        if pc.version and ctx.root.resolve(pc.path) in mine and not pc.problems:
            return replace(install, version=normalise_version(pc.version), version_from=f"pkg-config {pc.name}.pc Version")
    return install


def _broken_links(folder: str) -> list[str]:
    """The ``libmkl_*`` links in a library folder (a host path) that lead nowhere: the copy is
    described without them (:func:`~mkldoctor.inventory.install.scan_libdir` skips them), and we say so."""
    out = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        path = os.path.join(folder, name)
        if not name.startswith(("libmkl_", "libiomp5")) or os.path.exists(path) or not os.path.islink(path):
            continue
        try:
            os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                out.append(f"{path}: a symlink loop: skipped")
            else:
                out.append(f"{path}: a symlink to {os.readlink(path)}, which does not exist: skipped")
    return out


def symbol_libraries(install: MklInstall) -> list[str]:
    """The libraries that answer "does this copy define X": the lp64 interface layer and mkl_rt."""
    interface = layout.default("MKL_INTERFACE_LAYER", "interface").name  # libmkl_rt's default: intel_lp64
    wanted = [(interface, "static"), ("mkl_rt", "shared"), (interface, "shared")]
    return [lib.path for name, kind in wanted if (lib := install.find(name, kind))]


def check_symbols(install: MklInstall, symbols: tuple[str, ...], warnings: list[str], fs: RootFS | None = None) -> MklInstall:
    """``install`` with ``defines`` filled in: which of its libraries define each of ``symbols``; under a
    ``--root`` (``fs``) every read stays inside it, and a library that cannot be read marks the copy partial."""
    from mkldoctor.binary.symbols import Problem, find_definitions

    opener = {} if fs is None or fs.is_host else {"opener": fs.open_host}
    defines: dict[str, list[str]] = {name: [] for name in symbols}
    broken: list[str] = []
    libraries = symbol_libraries(install)
    for path in libraries + [None]:
        if path is None:  # service functions (mkl_get_version_string) live in libmkl_core: asked only when needed
            wanted = [s for s in symbols if not defines[s]]
            core = install.find("mkl_core", "shared") or install.find("mkl_core", "static")
            if not wanted or core is None or core.path in libraries:
                break
            path, symbols = core.path, tuple(wanted)
        problems: list[Problem] = []
        try:
            for definition in find_definitions(path, list(symbols), problems, **opener):
                defines[definition.symbol].append(path)
        except InputError as exc:
            warnings.append(str(exc))
            broken.append(str(exc))  # a library that cannot be read: the copy is partial
        warnings.extend(str(p) for p in problems)
    return replace(install, defines={name: tuple(paths) for name, paths in defines.items()}, broken=install.broken + tuple(broken))
