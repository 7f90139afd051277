"""The compiler and linker flags that put one MKL into the reference program.

They come from ``mkldoctor link`` (:func:`mkldoctor.link.linkline.advise`), so the line that
the benchmark proves is the line that ``link`` recommends; here it only gains the rpath
that lets the program start without LD_LIBRARY_PATH, and ``-fopenmp`` for the program's
own OpenMP loops.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkldoctor.bench.errors import MissingLibraryError
from mkldoctor.inventory.install import MklInstall
from mkldoctor.knowledge import layout

# the layers the reference program is built with: its own loops use OpenMP, so no TBB layer
THREADINGS = tuple(library.spelled("mkldoctor") for library in layout.program_layers())
LINKS = ("static", "dynamic")


@dataclass(frozen=True, slots=True)
class LinkLine:
    include_dirs: tuple[str, ...]
    compile_flags: tuple[str, ...]  # -fopenmp when the threading layer is OpenMP
    link_args: tuple[str, ...]
    libraries: tuple[str, ...]  # the files the link reads (for the build cache key)


def link_line(install: MklInstall, link: str, threading: str) -> LinkLine:
    """The flags for ``install`` linked ``link`` (static/dynamic) with ``threading``, lp64."""
    from mkldoctor.link import linkline

    if link not in LINKS:
        raise ValueError(f"link must be static or dynamic, not {link!r}")
    if threading not in THREADINGS:
        raise ValueError(f"threading must be {', '.join(THREADINGS[:-1])} or {THREADINGS[-1]}, not {threading!r}")
    try:
        line = linkline.advise(install, linkline.LinkConfig(link, "lp64", threading))
    except linkline.LinkLineError as exc:
        where = ", ".join(install.lib_dirs) or install.root
        raise MissingLibraryError(f"{where}: no {', '.join(exc.missing)} for a {link} {threading} link") from None
    rpaths = [f"-Wl,-rpath,{folder}" for folder in line.runtime_dirs]
    compile_flags = ("-fopenmp",) if layout.layer(threading, "threading").openmp else ()
    return LinkLine(tuple(install.include_dirs[:1]), compile_flags, tuple(line.link_flags + rpaths), tuple(line.files))
