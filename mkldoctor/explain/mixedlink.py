"""Two MKL installs in one link: the linker names MKL's libraries from two folders of two installs.

An MKL layer calls only the layers of its own release (its interface, threading and core, which it does not name as
dependencies); a link that takes the SYCL or interface layer of one install and the threading layer or core of another
leaves the newer one's names undefined, and looks like a missing layer. It happens where a distribution's MKL packages
(Debian's and Ubuntu's libmkl-*, MKL 2019-2020, in the system's library folder, which the linker searches by default)
stay installed beside oneAPI (stable-diffusion.cpp#493: oneAPI 2025.0's libmkl_sycl_blas.so beside Ubuntu's
libmkl_tbb_thread.so; removing the distribution's packages let it link).
"""

from __future__ import annotations

import os

from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, Parsed, UndefinedSymbol
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, folders
from mkldoctor.knowledge.history import version_key

# the folder a distribution's own MKL packages keep their libraries in (Debian's and Ubuntu's multiarch folder)


def _install(folder: str) -> str | None:
    """What install a folder of MKL's libraries is, in words; None when it is not known as one."""
    if folders.is_distribution_folder(folder):
        return f"the distribution's MKL packages ({folders.DISTRIBUTION_MKL})"
    known = folders.recognise(folder + "/")
    if known is None:
        return None
    layout, version = known
    if version:
        return f"oneAPI {version}" if layout.name.startswith("oneapi") else f"{layout.releases}: {version}"
    return layout.releases


def _folder(path: str) -> str:
    """A folder as the linker's messages and -L give it, with Windows' separators turned and no trailing slash."""
    return folders.posix(path).rstrip("/")


def installs(events: Parsed) -> dict[str, list[str]]:
    """The folders of MKL's libraries in a failed link, when they are two or more installs, each with the libraries the
    log names in it: the folders of the MKL libraries the linker's undefined references come from, and the -L folders
    of the link line that are an MKL install's (a system folder only where the linker named an MKL library in it)."""
    found: dict[str, list[str]] = {}
    for event in events.of(UndefinedSymbol):
        where = folders.posix(event.referenced_from or "")
        name = os.path.basename(where)
        if name.startswith("libmkl_") and "/" in where:
            names = found.setdefault(_folder(os.path.dirname(where)), [])
            if name not in names:
                names.append(name)
    if not found:
        return {}
    for command in events.of(LinkCommand):
        for folder in command.lib_dirs:
            folder = _folder(folder)
            if folder not in found and not folders.is_distribution_folder(folder) and folders.recognise(folder + "/"):
                found[folder] = []
    named = {folder: _install(folder) for folder in found}
    if len(found) < 2 or None in named.values() or len(set(named.values())) < 2:
        return {}
    return found


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    found = installs(events)
    if not found:
        return []
    parts = [f"{folder} ({more(names, 2)})" if names else folder for folder, names in found.items()]
    undefined = [e for e in events.of(UndefinedSymbol) if os.path.basename(e.referenced_from or "").startswith("libmkl_")]
    symbols = list(dict.fromkeys(e.symbol for e in undefined))
    evidence = [f"{folder}: {more(names, 3) + ': ' if names else 'on the link line (-L): '}{_install(folder)}"
                for folder, names in found.items()]
    firsts = [(h.overall.first, e) for e in undefined[:400] if (h := exports.history(e.symbol)) is not None and h.overall.releases]
    newer = next((f for f in found if not folders.is_distribution_folder(f)), next(iter(found)))
    if firsts:
        first, event = max(firsts, key=lambda pair: version_key(pair[0]))
        newer = _folder(os.path.dirname(folders.posix(event.referenced_from or ""))) or newer
        evidence.append(f"{event.symbol} (of the {len(symbols)} names left undefined) is in MKL since {first}: a layer of a "
                        f"release before it cannot define it, so {os.path.basename(event.referenced_from or '')} met another "
                        "install's older layers")
    older = [f for f in found if f != newer]
    on_line = [f for f in older if any(_folder(d) == f for c in events.of(LinkCommand) for d in c.lib_dirs)]
    if on_line:
        fix = [ctx.edited(f"put the newer install's folder first: -L{newer} before -L{on_line[0]} (ld takes each -l from "
                          "the first folder that has it)", Edit(first_dirs=(newer,))),
               ctx.edited(f"or take the other install off the line: drop {' '.join('-L' + f for f in on_line)}",
                          Edit(drop_dirs=tuple(on_line)))]
    else:
        fix = [f"link every MKL library from one install: -L{newer} first on the line (before the system's folders, which "
               "ld also searches), with every layer the line names in that folder (mkldoctor link --format flags prints it)"]
    if any(folders.is_distribution_folder(f) for f in older):
        fix.append("or remove the distribution's MKL packages if nothing else needs them: "
                   "sudo apt remove --purge 'libmkl-*'   # list them first: dpkg -l 'libmkl*'")
    fix.append("see which file of each library ld takes: add -Wl,--trace to the link line")
    return [Finding(
        "mkl-installs-mixed-in-link", "error",
        f"the link takes MKL's libraries from two installs: {' and '.join(parts[:2])}",
        tuple(evidence), tuple(fix),
        "Each MKL layer calls only the other layers of its own release and names none of them as a dependency, so ld "
        "resolves those calls with whichever MKL it finds first on its search; a layer of one install beside the "
        "threading layer or core of another leaves the newer one's names undefined. Adding a layer does not help while "
        "the other install's come first.",
        locations=ctx.located(undefined, "an MKL library of one install"),
    )]
