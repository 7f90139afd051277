"""The dynamic loader's search for one soname, replayed inside a root, every place told.

The one replay: ``explain`` asks it on this machine (the root ``/``, read directly), ``deps``
and ``check --image`` inside a sysroot or an unpacked image (read through ``rootfs``, never
leaving it). The order is glibc's: DT_RPATH of the object and of the executable (only when
the object has no DT_RUNPATH), ``LD_LIBRARY_PATH`` (only what the program runs with),
DT_RUNPATH of the object, the root's ``/etc/ld.so.cache``, then the default folders.

Each place becomes a :class:`Step`; folders after the winner that hold the file too are told
as ``not-reached`` (which is how a user sees *why the old copy won*). :class:`Step` and
:class:`SearchResult` are also the records of ld's ``-l`` search (``explain/linksearch.py``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from mkldoctor.binary.dynamic import DynamicInfo, read_dynamic
from mkldoctor.discover.base import Context
from mkldoctor.discover.loader import LOADER_DEFAULTS, cache_table, ld_so_conf_dirs
from mkldoctor.discover.sysroot import Root


@dataclass(frozen=True)
class Step:
    folder: str
    origin: str  # "-L", "compiler default", "ld default", "DT_RPATH", "LD_LIBRARY_PATH", "DT_RUNPATH", "ld.so.cache", "default"
    outcome: str  # "found", "skipped", "absent", "no-folder", "not-reached", "unknown"
    detail: str
    path: str | None = None

    def line(self, number: int) -> str:
        return f"{number}. {self.origin} {self.folder}: {self.detail}"


@dataclass
class SearchResult:
    request: str  # "-lmkl_core (-Bstatic)" or "libmkl_rt.so.3"
    steps: list[Step] = field(default_factory=list)
    found: str | None = None
    notes: list[str] = field(default_factory=list)  # said after the steps
    preface: list[str] = field(default_factory=list)  # said before them

    def lines(self) -> list[str]:
        out = [step.line(number) for number, step in enumerate(self.steps, 1)]
        return self.preface + out + self.notes


class RootLoader:
    """The loader of one root, with the environment the program runs with.

    ``env_label`` names ``LD_LIBRARY_PATH`` in the steps (explain says whose it is).
    """

    def __init__(self, root: Root, env: dict[str, str], env_label: str = "LD_LIBRARY_PATH") -> None:
        self.root = root
        self.env = env
        self.env_label = env_label
        ctx = Context(root, env)
        self.cache = cache_table(ctx)
        self.conf_dirs = ld_so_conf_dirs(ctx)
        self.warnings = ctx.warnings

    # -- files -------------------------------------------------------------------------

    def real(self, path: str) -> str:
        """The in-root path of ``path`` with its symlinks resolved inside the root."""
        return self.root.inside(self.root.resolve(path))

    def exists(self, path: str) -> bool:
        return self.root.exists(path)

    def is_dir(self, path: str) -> bool:
        return self.root.isdir(path)

    def dynamic(self, path: str) -> DynamicInfo | None:
        """DT_NEEDED, DT_RPATH and DT_RUNPATH of the file at in-root ``path``; ``$ORIGIN`` in-root.

        Read through the root's own opener (``rootfs``: folder by folder, no link followed out).
        """
        return read_dynamic(path, origin=posixpath.dirname(self.real(path)), opener=self.root.open)

    # -- the search --------------------------------------------------------------------

    def _places(self, requester: DynamicInfo | None, executable: DynamicInfo | None,
                first: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        """The folders the loader tries before its cache, in its order, each with why: DT_RPATH (the requester's,
        then the executable's, where neither has DT_RUNPATH), LD_LIBRARY_PATH, DT_RUNPATH."""
        places: list[tuple[str, str]] = list(first)
        if requester is not None and not requester.runpath:
            places += [(d, "DT_RPATH") for d in requester.rpath]
            if executable is not None and executable is not requester and not executable.runpath:
                places += [(d, "DT_RPATH of the executable") for d in executable.rpath]
        ld_path = self.env.get("LD_LIBRARY_PATH", "")
        if ld_path:
            places += [(d or ".", self.env_label) for d in ld_path.split(":")]
        if requester is not None:
            places += [(d, "DT_RUNPATH") for d in requester.runpath]
        return places

    def search(self, soname: str, requester: DynamicInfo | None, executable: DynamicInfo | None = None,
               first: tuple[tuple[str, str], ...] = ()) -> SearchResult:
        """Where the loader finds ``soname`` for ``requester`` (loaded by ``executable``).

        ``first`` are folders tried before the loader's own order: MKL opens its layers,
        kernels and libiomp5 by full path in the folder libmkl_rt (or libmkl_core) came from.
        """
        result = SearchResult(soname)
        if "/" in soname:
            found = self.exists(soname)
            result.steps.append(Step(soname, "path", "found" if found else "absent",
                                     "a path: no search" + ("" if found else ", and no such file"), soname if found else None))
            result.found = soname if found else None
            return result
        for folder, origin in self._places(requester, executable, first):
            path = posixpath.join(folder, soname)
            if result.found is not None:
                if self.exists(path):
                    result.steps.append(Step(folder, origin, "not-reached", f"{soname} here too, never looked at", path))
            elif not self.is_dir(folder):
                result.steps.append(Step(folder, origin, "no-folder", "no such folder"))
            elif self.exists(path):
                result.steps.append(Step(folder, origin, "found", f"{soname} found", path))
                result.found = path
            else:
                result.steps.append(Step(folder, origin, "absent", f"no {soname}"))
        if result.found is None:
            cached = [p for p in self.cache.get(soname, ()) if self.exists(p)]
            if cached:
                result.steps.append(Step("/etc/ld.so.cache", "ld.so.cache", "found", f"{soname} => {cached[0]}", cached[0]))
                result.found = cached[0]
            else:
                result.steps.append(Step("/etc/ld.so.cache", "ld.so.cache", "absent",
                                         f"no {soname}" if self.cache or self.exists("/etc/ld.so.cache") else "no ld.so.cache in this root"))
        for folder in LOADER_DEFAULTS:
            if result.found is not None:
                break
            path = posixpath.join(folder, soname)
            if self.exists(path):
                result.steps.append(Step(folder, "default", "found", f"{soname} found", path))
                result.found = path
            else:
                result.steps.append(Step(folder, "default", "absent" if self.is_dir(folder) else "no-folder",
                                         f"no {soname}" if self.is_dir(folder) else "no such folder"))
        if result.found is None:
            for folder in self.conf_dirs:
                if self.exists(posixpath.join(folder, soname)):
                    result.notes.append(f"{soname} is in {folder}, which ld.so.conf names, but the ld.so.cache does not list it: "
                                        "run ldconfig after copying it in")
                    break
        return result
