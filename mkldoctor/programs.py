"""The programs mkldoctor runs itself (cargo, rustc, cc, rpm, c++filt, ld), found on PATH's absolute folders only.

An empty or relative entry in ``PATH`` (``PATH=.:/usr/bin``, a trailing ``:``) means the current
folder, which for ``check`` is the project: a file named ``cargo`` or ``cc`` at its top would be
run in place of the real tool. Such entries are skipped here, so a tool always comes from a
folder the user's ``PATH`` names outright.
"""

from __future__ import annotations

import os
import shutil


def find_program(name: str, path: str | None = None) -> str | None:
    """The absolute path of ``name`` on ``path`` (default ``$PATH``), relative entries skipped; a name
    with a slash in it is taken as given when it is an absolute path to an executable."""
    if not name:
        return None
    if "/" in name:
        return name if os.path.isabs(name) and os.access(name, os.X_OK) and os.path.isfile(name) else None
    search = os.environ.get("PATH", os.defpath) if path is None else path
    absolute = os.pathsep.join(p for p in search.split(os.pathsep) if os.path.isabs(p))
    return shutil.which(name, path=absolute) if absolute else None
