"""Which MKL folders the kernel probe may run: the input's own files never run unless the user asks.

The probe (``observe/probe.py``) links a small program with an MKL copy and runs it: every
constructor in those libraries runs with the user's rights. A project handed to ``check`` in CI
(a pull request's branch), a ``--root`` sysroot and an image are someone else's files, so the
probe runs only against copies the user installed outside them:

- folders named on the command line (``--search``, ``--host-search``, ``--install``);
- on this machine, a copy that the inventory of this machine finds (system folders, package
  managers, pip and conda environments, ``MKLROOT``, the loader's path), that is not inside the
  project (the active environment excepted) and not a cargo build's ``OUT_DIR``;

or, with ``--run``, against the project's or the root's own copy (the output says what ran).
An image's files never run, ``--run`` or not: a copy on this machine with the same bytes stands in.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass

from mkldoctor.discover import discover


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _active_environments() -> list[str]:
    prefixes = [os.environ.get("VIRTUAL_ENV", ""), os.environ.get("CONDA_PREFIX", ""), sys.prefix]
    return [os.path.realpath(p) for p in prefixes if p]


def installed_here(search: tuple[str, ...]) -> frozenset[str]:
    """The library folders (real paths) of every MKL copy installed on this machine, ``search`` included;
    found without a project, so no cargo ``OUT_DIR`` is among them. Looked for once per environment."""
    return _installed(search, tuple(sorted(os.environ.items())))


@functools.lru_cache(maxsize=8)
def _installed(search: tuple[str, ...], environment: tuple[tuple[str, str], ...]) -> frozenset[str]:
    inventory = discover("/", list(search), env=dict(environment), symbols=())
    return frozenset(os.path.realpath(d) for install in inventory.installs for d in install.lib_dirs)


@dataclass(frozen=True)
class RunPolicy:
    """What the user allowed to run: ``--run``, the folders they named, and the project that is input."""

    run: bool = False  # --run: the project's or the root's own MKL may run
    given: tuple[str, ...] = ()  # host folders named on the command line
    project: str | None = None  # check's project folder (host path): its files are input

    def refusal(self, folder: str, *, root_is_host: bool, image: bool) -> str | None:
        """Why the probe may not run against the host folder ``folder``; None when it may."""
        if image:
            return "nothing from an image is run"
        real = os.path.realpath(folder)
        if any(_under(real, os.path.realpath(g)) for g in self.given):
            return None
        if self.run:
            return None
        if not root_is_host:
            return f"{folder} is inside --root, whose files are not run without --run"
        if self.project and _under(real, os.path.realpath(self.project)) \
                and not any(_under(real, env) for env in _active_environments()):
            return f"{folder} is inside the project, whose files are not run without --run"
        if real not in installed_here(tuple(self.given)):
            return f"{folder} is not an MKL installed on this machine (a build's output or a program's own copy), " \
                   "whose files are not run without --run"
        return None

    def ran(self, folder: str, *, root_is_host: bool) -> str:
        """What the output says of a probe that ran against ``folder``: named when --run is why it could."""
        if self.run and self.refusal_without_run(folder, root_is_host=root_is_host):
            return f"--run: ran a program linked with the MKL in {folder}"
        return ""

    def refusal_without_run(self, folder: str, *, root_is_host: bool) -> str | None:
        plain = RunPolicy(False, self.given, self.project)
        return plain.refusal(folder, root_is_host=root_is_host, image=False)
