"""The compiler and linker flags that put one MKL into the reference program.

This is the one place that knows how MKL is linked; ``mkldoctor link`` will replace it
(keep the signature: install, link kind, threading -> :class:`LinkLine`).

static:  -Wl,--start-group <lib>/libmkl_intel_lp64.a <lib>/libmkl_<threading>.a
         <lib>/libmkl_core.a -Wl,--end-group  (-L<iomp> -liomp5 -Wl,-rpath,<iomp> | -lgomp)
         -lpthread -lm -ldl
dynamic: <lib>/libmkl_intel_lp64.so* <lib>/libmkl_<threading>.so* <lib>/libmkl_core.so*
         (full paths: pip wheels ship only .so.N, no dev links) -Wl,-rpath,<lib> ...
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mkldoctor.bench.errors import MissingLibraryError
from mkldoctor.install import MklInstall

THREADING_LIBS = {"sequential": "mkl_sequential", "intel": "mkl_intel_thread", "gnu": "mkl_gnu_thread"}
LINKS = ("static", "dynamic")


@dataclass(frozen=True, slots=True)
class LinkLine:
    include_dirs: tuple[str, ...]
    compile_flags: tuple[str, ...]  # -fopenmp when the threading layer is OpenMP
    link_args: tuple[str, ...]
    libraries: tuple[str, ...]  # the files the link reads (for the build cache key)


def link_line(install: MklInstall, link: str, threading: str) -> LinkLine:
    """The flags for ``install`` linked ``link`` (static/dynamic) with ``threading``."""
    if link not in LINKS:
        raise ValueError(f"link must be static or dynamic, not {link!r}")
    if threading not in THREADING_LIBS:
        raise ValueError(f"threading must be sequential, intel or gnu, not {threading!r}")
    kind = "static" if link == "static" else "shared"
    names = ["mkl_intel_lp64", THREADING_LIBS[threading], "mkl_core"]
    missing = [n for n in names if not install.has(n, kind)]
    where = ", ".join(install.lib_dirs) or install.root
    if missing:
        suffix = ".a" if kind == "static" else ".so"
        raise MissingLibraryError(
            f"{where}: no {', '.join('lib' + n + suffix for n in missing)} for a {link} {threading} link"
        )
    if not install.include_dirs:
        raise MissingLibraryError(f"{install.root}: no mkl.h (include/ or include/mkl/) to compile against")
    paths = install.library_paths(names, kind)
    args: list[str] = []
    libraries = list(paths)
    if link == "static":
        args += ["-Wl,--start-group", *paths, "-Wl,--end-group"]
    else:
        args += paths
        for folder in dict.fromkeys(os.path.dirname(p) for p in paths):
            args.append(f"-Wl,-rpath,{folder}")
    compile_flags: tuple[str, ...] = ()
    if threading == "intel":
        iomp = _iomp5(install)
        if iomp is None:
            raise MissingLibraryError(
                f"{where}: no libiomp5 (Intel OpenMP) for intel threading; use --threading gnu or sequential, "
                "or install intel-openmp beside this MKL"
            )
        folder = os.path.dirname(iomp)
        args += [f"-L{folder}", "-liomp5", f"-Wl,-rpath,{folder}"]
        libraries.append(iomp)
        compile_flags = ("-fopenmp",)  # the program's own loops; GOMP_* calls resolve in libiomp5
    elif threading == "gnu":
        args.append("-lgomp")
        compile_flags = ("-fopenmp",)
    args += ["-lpthread", "-lm", "-ldl"]
    return LinkLine(tuple(install.include_dirs), compile_flags, tuple(args), tuple(libraries))


def _iomp5(install: MklInstall) -> str | None:
    libs = install.iomp5
    for lib in sorted(libs, key=lambda lib: lib.kind != "shared"):  # the shared one first
        return lib.path
    return None
