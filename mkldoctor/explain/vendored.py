"""MKL copied into a wheel by a repair tool, without the libraries MKL opens itself.

``INTEL oneMKL ERROR: .../site-packages/scs/../scs.libs/libmkl_avx512.so.3: cannot open shared object file`` then
``Cannot load libmkl_avx512.so.3 or libmkl_def.so.3`` (google-deepmind/open_spiel#1600, cvxgrp/scs#423): a package's
wheel carries MKL in the folder auditwheel made for it (``<package>.libs``; delvewheel's on Windows is named alike,
delocate's on macOS is ``<package>/.dylibs``). Those tools copy what the package's extensions name as dependencies,
MKL's interface, threading and core layers, and never see what MKL itself opens at run time with dlopen: its CPU
kernels (and, behind ``mkl_rt``, its layers). The environment has no MKL of its own to point at; the fix is another
build of the package (another release, conda's) or a wheel that ships them (:func:`mkldoctor.knowledge.places.vendored`).
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, layout, places


def _mkl_file(path: str) -> bool:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return layout.get(base) is not None and base.lower().startswith(("libmkl_", "mkl_"))


# What MKL opens itself, by name, at run time: a repair tool cannot see these. Its core, interface layer and mkl_rt are
# what a package's extension names; one of those missing from the folder is not this (the folder is not the wheel's:
# mkl-service's site-packages/mkl/../mkl_service.libs/libmkl_core.so.2 looked for a folder that release did not have, dpnp#2505)
OPENED_BY_MKL = ("kernel", "vml-kernel", "threading")


def vendoring(events: Parsed, opened: list[str], wanted: list[str]) -> tuple[str, str, str] | None:
    """(package, folder, tool) when MKL could not open libraries it opens itself (``wanted``: its kernels, its threading
    layers) and was opened from, or the log shows MKL's libraries in, a wheel's vendoring folder."""
    if not wanted or not all(getattr(layout.get(n), "role", None) in OPENED_BY_MKL for n in wanted):
        return None
    for path in [*opened, *events.paths()]:
        found = places.vendored(path) if _mkl_file(path) else None
        if found is not None:
            return found
    return None


def claims(path: str, events: Parsed) -> bool:
    """A loader's failure to open ``path`` that this family explains: a library MKL opens itself, in a wheel's folder,
    with MKL's own ``Cannot load`` in the log (the platforms' families then leave it)."""
    from mkldoctor.explain.runtime import MklCannotLoad

    return (places.vendored(path) is not None and getattr(layout.get(path), "role", None) in OPENED_BY_MKL
            and bool(events.of(MklCannotLoad)))


_ROLE_WORDS = {"kernel": "CPU kernel", "vml-kernel": "VML CPU kernel", "threading": "threading layer"}


def _role(name: str) -> str:
    """``libmkl_avx512.so.3: a CPU kernel (CPU kernels for AVX-512)``: what the table says a library of MKL is."""
    found = layout.get(name)
    return f"{name}: MKL's {_ROLE_WORDS.get(found.role, found.role)} ({found.description})" if found is not None else ""


def _environments_own(windows: bool, package: str, env: str, number: str) -> str:
    """What the environment's own MKL can do for the wheel's: on Linux, serve the whole process where it is the wheel's
    release (block2's debugging hints, ActiveSpaceFinder#6); on Windows, nothing PATH could give it."""
    if windows:
        return ("not the cure: PATH to the environment's own folder; the wheel carries its own MKL, and libraries found there "
                "would be of another release than its core")
    return (f"or, for one run, let the environment's own MKL serve the whole process where it is the wheel's release (pip's "
            f"mkl of that release installed beside {package}: python -m pip show mkl): LD_PRELOAD={env}/lib/libmkl_core.so"
            f"{number}:{env}/lib/libmkl_sequential.so{number} <the program>; an MKL of another release there does not mix "
            "with the wheel's core")


def finding(found: tuple[str, str, str], wanted: list[str], evidence: list[str]) -> Finding:
    package, folder, tool = found
    windows = any(n.lower().endswith(".dll") for n in wanted) or ":/" in folder
    shown_folder = folder.replace("/", "\\") if windows else folder
    tool = "delvewheel" if windows and tool.startswith("auditwheel or") else "auditwheel" if tool.startswith("auditwheel or") else tool
    kernels_only = all(layout.is_kernel(n) for n in wanted)
    what = "its CPU kernels" if kernels_only else "libraries MKL opens itself"
    evidence = evidence + [
        f"{shown_folder} is the folder {tool} made for {package}'s wheel: it holds the MKL libraries {package}'s extensions "
        "name as dependencies, copied in when the wheel was built",
        "MKL opens some of its own libraries itself at run time, beside itself first: its core the CPU kernels (libmkl_def, "
        f"libmkl_mc3, libmkl_avx2, libmkl_avx512, libmkl_vml_*), libmkl_rt the threading layer; {tool} follows only the "
        "declared dependencies, so the wheel lacks them",
        "what MKL wanted: " + "; ".join(r for r in map(_role, wanted) if r),
    ]
    soname = next((n for n in wanted if re.search(r"\.so\.\d+$", n)), None)
    releases = exports.releases_with_soname(soname) if soname else ()
    if releases:
        evidence.append(f"{soname} is the file name MKL {releases[0]} to {releases[-1]} give it (the export table): the wheel's "
                        "own MKL is one of these releases")
    own = _environments_own(windows, package, places.python_prefix(folder + "/") or "<env>",
                            soname.rsplit(".so", 1)[1] if soname else "")
    fix = [f"install a build of {package} that works: see which release you have (python -m pip show {package}), then "
           f"python -m pip install \"{package}!=<that version>\" (the release before it, or a later one: a broken wheel is "
           "often yanked and followed by a fixed release)",
           *(() if windows else (own,)),  # the maintainers' own hint (block2's debugging hints): a one-line workaround
           f"or install {package} from conda-forge (conda install -c conda-forge {package}): conda's build uses the "
           "environment's MKL package, which has all of MKL's libraries",
           f"report it to {package}'s maintainers ({more(wanted, 2)} missing from the wheel's {os.path.basename(folder)}): link "
           "MKL statically into the extension (the static libraries hold every kernel and layer), or ship the libraries MKL "
           f"opens itself in the wheel ({tool} cannot see libraries opened at run time: they must be added by hand), or "
           "depend on the mkl wheel instead of copying it",
           f"until then: copy {more(wanted, 2)} (and the other kernels: libmkl_def*, libmkl_mc3*, libmkl_avx*, libmkl_vml_*) of "
           f"exactly the release the wheel carries (python -m pip download mkl==<that release>) into {shown_folder}: MKL looks "
           "beside itself first, and libraries of another release do not work with its core",
           *((own,) if windows else ())]
    return Finding(
        "mkl-vendored-incomplete", "error",
        f"{package}'s wheel carries MKL in {os.path.basename(folder)} without {what}: {more(wanted, 3)} "
        f"{'is' if len(wanted) == 1 else 'are'} not there",
        tuple(evidence), tuple(fix),
        "A wheel-repair tool (auditwheel on Linux, delvewheel on Windows, delocate on macOS) copies into the wheel the "
        "libraries its extensions name as dependencies. MKL names its CPU kernels (and, behind libmkl_rt, its threading "
        "layer) nowhere: it chooses them at run time and opens them itself, beside itself first. A wheel that carries MKL "
        "without them fails at the first MKL call, on every machine.",
        (f"{'dir' if windows else 'ls'} {shown_folder}   # the MKL libraries the wheel carries",),
    )
