"""``deps``: the MKL and OpenMP files a binary needs at run time, inside a root.

First the loader's part, replayed in the root (``discover/soname.py``): DT_NEEDED, followed
through every library found. Then MKL's own part (``runtime/layers.py``): what libmkl_rt
opens (core, the interface and threading layers), the layer's OpenMP runtime, and the CPU
kernel and VML libraries, observed on this machine by a probe (``observe/probe.py``) or,
with ``--cpu all``, every kernel for a portable image. A binary with MKL linked statically
needs none of that: it is said, with the release (``runtime/static.py``), and what remains
is listed (``libiomp5.so`` or nothing).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field

from mkldoctor.binary.dynamic import DynamicInfo
from mkldoctor.discover import discover
from mkldoctor.discover.soname import RootLoader, SearchResult
from mkldoctor.discover.sysroot import Root
from mkldoctor.errors import InputError, UsageError
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import layout
from mkldoctor.observe.kernels import observe
from mkldoctor.observe.trust import RunPolicy
from mkldoctor.runtime.layers import (KERNEL_FILE, LIBRARY_FILE, Layers, chosen_layers, is_runtime_file, kernel_files,
                                      layer_from_needed, openmp_file, suffix_of)
from mkldoctor.runtime.static import StaticMkl, static_mkl

MAX_OBJECTS = 500  # a closure larger than this is not a program's


@dataclass(frozen=True)
class Need:
    """One file the program needs at run time, and where the root has it."""

    file: str  # the name asked for: "libmkl_rt.so.3", "libiomp5.so"
    role: str  # "DT_NEEDED", "core", "interface layer", "threading layer", "OpenMP runtime", "CPU kernel", "VML kernel"
    why: str
    path: str | None  # in-root path the loader (or MKL) takes it from
    real: str | None  # that path with its symlinks resolved, in-root: what a COPY copies
    size: int | None
    search: tuple[str, ...] = ()  # the search, told, when it is missing
    note: str = ""

    @property
    def missing(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class Deps:
    binary: str  # in-root path
    root: str  # host path of the root ("/" for this machine)
    image: str | None
    linkage: str  # "dynamic", "static" or "none"
    static: StaticMkl | None
    layers: Layers | None
    cpu: str  # "native", "all", or an ISA
    kernels_how: str
    needs: tuple[Need, ...]
    mkl_bytes: int  # bytes of MKL/OpenMP libraries the root holds
    unneeded: tuple[tuple[str, int], ...]  # (in-root path, bytes) of those nothing needs
    notes: tuple[str, ...] = ()

    @property
    def missing(self) -> list[Need]:
        return [n for n in self.needs if n.missing]

    @property
    def total(self) -> int:
        return sum(n.size or 0 for n in self.needs)

    @property
    def unneeded_bytes(self) -> int:
        return sum(size for _, size in self.unneeded)

    def searches(self) -> list[tuple[tuple[Need, ...], tuple[str, ...]]]:
        """The missing files grouped by the search that failed for them, each search once: the loader looks in
        the same folders for each file, so seven files missing is one search told, not seven. A search told for
        several files says "not there" where it said "no <file>"."""
        groups: dict[tuple[str, ...], list[Need]] = {}
        for need in self.missing:
            groups.setdefault(tuple(line.replace(need.file, "\0") for line in need.search), []).append(need)
        return [(tuple(needs), needs[0].search if len(needs) == 1 else
                 tuple(line.replace("no \0", "not there").replace("\0", "the file") for line in key))
                for key, needs in groups.items()]


@dataclass
class _Walk:
    loader: RootLoader
    executable: DynamicInfo | None
    needs: list[Need] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # sonames asked for
    unfollowed: list[str] = field(default_factory=list)  # other libraries the root lacks
    objects: dict[str, DynamicInfo | None] = field(default_factory=dict)  # in-root real path -> dynamic section


def compute_deps(
    binary: str,
    root: str = "/",
    env: dict[str, str] | None = None,
    cpu: str = "native",
    search: list[str] | None = None,
    image: str | None = None,
    run: bool = False,
    progress=None,
) -> Deps:
    """What ``binary`` (a path inside ``root``) needs of MKL and OpenMP at run time.

    ``env`` is the program's environment as given with ``--env`` (never this shell's);
    ``search`` adds folders on this machine with MKL copies to probe with and to compare a
    static binary with. The probe runs only against an MKL installed on this machine or in ``search``
    (with ``image`` set, nothing from the root is ever run: a copy here with identical files stands in);
    ``run`` (``--run``) lets it run the program's own MKL, in ``root`` or beside the program;
    ``progress`` is told each step.
    """
    say = progress or (lambda step: None)
    env = dict(env or {})
    if cpu not in ("native", "all"):
        kernel_files(cpu, "")  # an unknown ISA is a usage error before anything is read
    fs = Root(root)
    where = "this machine" if fs.is_host else (image or root)
    inside, host_binary = _binary(binary, fs, where)
    loader = RootLoader(fs, {k: v for k, v in env.items() if k == "LD_LIBRARY_PATH"})
    dynamic = loader.dynamic(inside)
    if dynamic is None:
        raise InputError(binary, "not an ELF file (or unreadable): deps reads executables and shared libraries")
    walk = _Walk(loader, dynamic)
    walk.objects[loader.real(inside)] = dynamic
    say(f"the libraries {binary} needs")
    _closure(walk, inside, dynamic, "DT_NEEDED")
    anchor = _first(walk.needs, "libmkl_rt.") or _first(walk.needs, "libmkl_core.")
    if anchor is not None:
        say("MKL's layers and CPU kernels")
    layers, kernels_how = _mkl_part(walk, fs, anchor, env, cpu, search, image, run) if anchor is not None else (None, "")
    linkage = "dynamic" if anchor is not None or any(n.file.startswith("libmkl_") for n in walk.needs) else "none"
    static = None
    if linkage == "none":
        say("MKL linked in: the copies to compare with")
        installs = _installs(fs, search)
        static = static_mkl(host_binary, installs)
        if static is not None:
            linkage = "static"
            kernels_how = "linked in: every CPU kernel of a static MKL is inside the binary"
    mkl_bytes, unneeded = _unneeded(fs, walk.needs)
    notes = walk.notes + loader.warnings
    if walk.unfollowed and not fs.is_host:
        notes.append(f"not found in {where}, so not followed"
                     + (" (only MKL, OpenMP and TBB files are read from an image): " if image else ": ")
                      + ", ".join(walk.unfollowed[:6]) + (" ..." if len(walk.unfollowed) > 6 else ""))
    return Deps(inside, fs.root, image, linkage, static, layers, cpu, kernels_how, tuple(walk.needs), mkl_bytes,
                tuple(unneeded), tuple(dict.fromkeys(notes)))


def _binary(binary: str, fs: Root, where: str) -> tuple[str, str]:
    """The program's path inside the root and on this machine; one line and exit 2 for one that is not there."""
    inside = os.path.abspath(binary) if fs.is_host else "/" + binary.lstrip("/")
    if not fs.exists(inside):
        raise InputError(binary, f"no such file in {where}")
    host_binary = fs.real_host(inside)
    if host_binary is None:
        raise InputError(binary, f"leads out of {where}: not read")
    if not os.path.isfile(host_binary):
        raise InputError(binary, "not a file")
    return inside, host_binary


def _mkl_part(walk: _Walk, fs: Root, anchor: Need, env: dict[str, str], cpu: str, search: list[str] | None,
              image: str | None, run: bool) -> tuple[Layers, str]:
    """What MKL opens by itself from the folder of libmkl_rt (or libmkl_core): the layers libmkl_rt picks (or the
    program linked), their OpenMP runtime, the CPU kernels; (the layers, how the kernels were learnt)."""
    loader = walk.loader
    suffix = suffix_of(anchor.file)
    mkl_dir = posixpath.dirname(anchor.path) if anchor.path else None
    first = ((mkl_dir, "MKL's own folder"),) if mkl_dir else ()
    opener = walk.objects.get(loader.real(anchor.path)) if anchor.path else None
    needed_names = [n.file for n in walk.needs]
    if anchor.file.startswith("libmkl_rt."):
        layers = chosen_layers(env)
        _mkl_opens(walk, f"libmkl_core{suffix}", "core", "libmkl_rt opens it", first, opener)
        _mkl_opens(walk, f"libmkl_{layers.interface}{suffix}", "interface layer", layers.interface_why, first, opener)
        _mkl_opens(walk, f"libmkl_{layers.threading}{suffix}", "threading layer", layers.threading_why, first, opener)
    else:
        interface = layer_from_needed(needed_names, tuple(lib.short for lib in layout.of_role("interface"))) or "?"
        threading = (layer_from_needed(needed_names, tuple(lib.short for lib in layout.of_role("threading")))
                     or layout.layer("sequential", "threading").short)
        layers = Layers(interface, threading, "linked (DT_NEEDED)", "linked (DT_NEEDED)")
    _openmp(walk, layers, first, opener)
    policy = RunPolicy(run, tuple(search or ()))
    return layers, _kernels(walk, fs, cpu, anchor.file, mkl_dir, layers, env, search, image, opener, policy)


# -- the loader's part -----------------------------------------------------------------


def _closure(walk: _Walk, path: str, dynamic: DynamicInfo, role: str) -> None:
    """DT_NEEDED of ``path``, breadth first through every library found."""
    queue = [(path, dynamic)]
    while queue and len(walk.objects) < MAX_OBJECTS:
        requester, info = queue.pop(0)
        for soname in info.needed:
            if soname in walk.seen:
                continue
            walk.seen.add(soname)
            result = walk.loader.search(soname, info, walk.executable)
            counted = is_runtime_file(soname) or (result.found is not None and is_runtime_file(posixpath.basename(walk.loader.real(result.found))))
            if counted:
                walk.needs.append(_need(walk, soname, _role(soname, role), f"DT_NEEDED of {requester}", result))
            if result.found is None:
                if not counted:
                    walk.unfollowed.append(soname)
                continue
            real = walk.loader.real(result.found)
            if real not in walk.objects:
                sub = walk.loader.dynamic(result.found)
                walk.objects[real] = sub
                if sub is not None:
                    queue.append((result.found, sub))


def _role(soname: str, default: str) -> str:
    if soname.startswith(("libiomp5", "libomp", "libgomp")):
        return "OpenMP runtime"
    if soname.startswith("libtbb"):
        return "TBB runtime"
    return default


def _need(walk: _Walk, name: str, role: str, why: str, result: SearchResult, note: str = "") -> Need:
    if result.found is None:
        return Need(name, role, why, None, None, None, tuple(result.lines()), note)
    real = walk.loader.real(result.found)
    try:
        size = os.path.getsize(walk.loader.root.real_host(result.found) or "")
    except OSError:
        size = None
    base = posixpath.basename(real)
    if name.startswith("libiomp5") and base.startswith("libomp"):
        note = note or f"{name} is LLVM's libomp ({base}), as Debian's libomp-dev links it: accepted, it implements the libiomp5 interface"
    return Need(name, role, why, result.found, real, size, (), note)


def _first(needs: list[Need], prefix: str) -> Need | None:
    return next((n for n in needs if n.file.startswith(prefix)), None)


# -- MKL's part ------------------------------------------------------------------------


def _mkl_opens(walk: _Walk, name: str, role: str, why: str, first: tuple, opener: DynamicInfo | None) -> Need:
    existing = _first(walk.needs, name)
    if existing is not None:
        return existing
    walk.seen.add(name)
    result = walk.loader.search(name, opener, walk.executable, first)
    need = _need(walk, name, role, why, result)
    walk.needs.append(need)
    if need.path:
        real = walk.loader.real(need.path)
        if real not in walk.objects:
            sub = walk.loader.dynamic(need.path)
            walk.objects[real] = sub
            if sub is not None:
                _closure(walk, need.path, sub, "DT_NEEDED")
    return need


def _openmp(walk: _Walk, layers: Layers, first: tuple, opener: DynamicInfo | None) -> None:
    runtime = openmp_file(layers.threading)
    if runtime is None:
        return
    stem = runtime.split(".so")[0]
    if _first(walk.needs, stem + ".") is not None:
        return
    need = _mkl_opens(walk, runtime, "OpenMP runtime", f"the {layers.threading} layer calls it (not in its DT_NEEDED)", first, opener)
    if need.missing and runtime.startswith("libiomp5"):
        walk.notes.append("libiomp5.so: Intel's (the intel-openmp wheel, intel-oneapi-openmp) or LLVM's libomp under that name "
                          "(Debian's libomp-dev link) both work")


def _kernels(walk: _Walk, fs: Root, cpu: str, anchor: str, mkl_dir: str | None, layers: Layers, env: dict[str, str],
             search: list[str] | None, image: str | None, opener: DynamicInfo | None, policy: RunPolicy) -> str:
    suffix = suffix_of(anchor)
    first = ((mkl_dir, "MKL's own folder"),) if mkl_dir else ()
    if cpu == "all":
        names = sorted(n for n in fs.listdir(mkl_dir) if KERNEL_FILE.match(n) and n.endswith(suffix)) if mkl_dir else []
        how = f"every kernel library in {mkl_dir} (--cpu all: any x86-64 CPU)"
    elif cpu == "native":
        names, how = observe(fs, suffix, mkl_dir, layers.threading, env, search, image, policy)
        if names is None:
            names = sorted(n for n in fs.listdir(mkl_dir) if KERNEL_FILE.match(n) and n.endswith(suffix)) if mkl_dir else []
            how += "; listing every kernel library instead (as --cpu all)"
    else:
        names = kernel_files(cpu, suffix)
        how = f"--cpu {cpu}: the {cpu} kernel and VML libraries"
    for name in names:
        _mkl_opens(walk, name, "VML kernel" if name.startswith("libmkl_vml_") else "CPU kernel", how.split(";")[0], first, opener)
    if not names:  # never silent: MKL stops with "Cannot load libmkl_<kernel>" without one
        _release_kernels(walk, anchor, mkl_dir)
    return how


def _release_kernels(walk: _Walk, anchor: str, mkl_dir: str | None) -> None:
    """No kernel here and none observed: the kernel files of the release ``anchor`` names (the export table),
    each missing, so that the copy lines name real files; MKL opens one CPU and one VML kernel of them."""
    releases, files = layout.release_kernels(anchor)
    told = (f"no kernel library in {mkl_dir or 'the MKL folder'}, and none observed: MKL opens one CPU kernel and one VML "
            "kernel of these for the CPU it runs on; copy them all for any x86-64 CPU, or name one with --cpu ISA "
            "(def, avx2, avx512...), or --search a copy of the same MKL on this machine")
    if not files:
        walk.needs.append(Need(f"libmkl_<kernel>{suffix_of(anchor)}", "CPU kernel", "MKL opens one for the CPU it runs on",
                               None, None, None, (told.split(":")[0] + ": name one with --cpu ISA",)))
        return
    why = f"{anchor} is MKL {releases[0]}" + (f" to {releases[-1]}" if len(releases) > 1 else "") + \
        f", whose releases ship {len(files)} kernel libraries (the export table)"
    for name in files:
        walk.needs.append(Need(name, "VML kernel" if name.startswith("libmkl_vml_") else "CPU kernel", why, None, None, None,
                               (told,)))


# -- static binaries and the bytes nothing needs -----------------------------------------


def _installs(fs: Root, search: list[str] | None) -> list[MklInstall]:
    found = discover(fs.root, symbols=(), env={}).installs if not fs.is_host else []
    found += discover("/", search, env=dict(os.environ), symbols=()).installs
    return found


def _unneeded(fs: Root, needs: list[Need]) -> tuple[int, list[tuple[str, int]]]:
    """Bytes of MKL, OpenMP and TBB libraries (in the folders the program takes them from; in a sysroot or
    image, all of them), and those that nothing in ``needs`` uses."""
    def real(path: str) -> str:  # symlinks resolved inside the root, never out of it
        return fs.real_host(fs.inside(path)) or ""

    needed = {fs.real_host(n.path) for n in needs if n.path}
    folders = {posixpath.dirname(n.path) for n in needs if n.path}
    if not fs.is_host:  # an image or sysroot: every MKL in it
        inventory = discover(fs.root, env={}, symbols=())
        folders |= {fs.inside(d) for install in inventory.installs for d in install.lib_dirs}
        folders |= {posixpath.dirname(fs.inside(p)) for p in inventory.openmp}
    paths = [fs.host(posixpath.join(folder, name)) for folder in sorted(folders) for name in fs.listdir(folder)
             if LIBRARY_FILE.match(name)]
    seen: set[str] = set()
    total = 0
    unneeded: list[tuple[str, int]] = []
    for path in paths:
        host = real(path)
        if not host or host in seen or not os.path.isfile(host):
            continue
        seen.add(host)
        size = os.path.getsize(host)
        total += size
        if host not in needed:
            unneeded.append((fs.inside(host), size))
    return total, sorted(unneeded, key=lambda item: -item[1])


def parse_env(pairs: list[str] | None) -> dict[str, str]:
    """``--env VAR=VAL`` (repeatable) as a dict."""
    env: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--env {pair}: write VAR=VALUE")
        env[name] = value
    return env
