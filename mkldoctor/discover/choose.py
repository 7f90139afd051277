"""``--install PATH|VERSION``: the one MKL copy a command works on.

A path goes to :func:`~mkldoctor.inventory.locate.install_at`; a version (``2024``,
``2024.2``) picks among the copies ``mkldoctor list`` finds; nothing picks the newest.
"""

from __future__ import annotations

import os

from mkldoctor.errors import NotFoundError
from mkldoctor.inventory.install import MklInstall
from mkldoctor.inventory.locate import install_at
from mkldoctor.knowledge.history import version_key


def is_path(spec: str) -> bool:
    return os.sep in spec or os.path.exists(spec)


def choose_install(spec: str | None, candidates: list[MklInstall] | None = None,
                   search: list[str] | None = None) -> tuple[MklInstall, list[MklInstall]]:
    """The copy ``spec`` names and the other candidates (those found, and in ``search``), newest first; raises
    when there is none."""
    if spec and is_path(spec):
        return install_at(spec), []
    if candidates is None:
        from mkldoctor.discover import discover

        candidates = list(discover("/", search).installs)
    if spec:
        matching = [i for i in candidates if i.version and (i.version == spec or i.version.startswith(spec + "."))]
        if not matching:
            seen = ", ".join(f"{i.version} ({i.root})" for i in candidates) or "none"
            raise NotFoundError(f"--install {spec}: no MKL of that version found (found: {seen}); give a path instead")
        candidates = matching
    if not candidates:
        raise NotFoundError("no MKL found on this machine (see mkldoctor list): give --install PATH or --search DIR")
    ordered = sorted(candidates, key=lambda i: version_key(i.version), reverse=True)
    return ordered[0], ordered[1:]
