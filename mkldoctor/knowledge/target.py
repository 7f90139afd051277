"""The system a printed command will run on, as far as a recipe must know it: who runs it, and which Python.

A recipe that fails where it is printed is worse than none: ``sudo apt-get install`` where the user is root
in a container that has no sudo stops with ``sudo: command not found``, and ``python3 -m pip install`` on
Debian 12 or Ubuntu 23.04+ stops with ``error: externally-managed-environment`` (PEP 668). So:

- ``sudo`` only for a user who is not root, and only where sudo is there; a user who is neither root nor
  has sudo is told the command runs as root. Under ``--root`` or ``--image`` the user is not known (an
  image's ``RUN`` runs as root unless the image says otherwise): sudo where that system has it;
- the pip line names the ``python3`` on ``PATH`` (the root's ``/usr/local/bin``, ``/usr/bin``, ``/bin``):
  where that interpreter's standard library folder holds PEP 668's ``EXTERNALLY-MANAGED`` marker, and it is
  not a venv's (a venv's pip ignores the marker), pip runs in a venv of its own. Nothing is run to learn
  this: the files are looked at, inside the root when there is one.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from dataclasses import dataclass

from mkldoctor.rootfs import RootFS

MARKER = "EXTERNALLY-MANAGED"
_ROOT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")  # Debian's root PATH


@dataclass(frozen=True)
class Target:
    sudo: str  # "sudo " where the user must become root through it, else ""
    as_root: bool  # neither root nor sudo: the command is said to run as root
    python: str | None  # the python3 a pip line runs (its path there); None: none there
    managed: bool  # that python3 is externally managed (PEP 668)

    def privileged(self, command: str, prefixed: bool = False) -> str:
        """``command`` the way this system's user runs it as root: ``sudo`` in front (unless ``prefixed``: the
        command holds its own ``sudo`` words, from :attr:`sudo`), or said to run as root."""
        line = command if prefixed else self.sudo + command
        return line + ("   # as root: there is no sudo here" if self.as_root else "")


def target(root: str = "/") -> Target:
    """The :class:`Target` for this machine (``root`` "/") or for the system in the tree at ``root``, read
    afresh each time (a few stats: a report makes a handful of recipes)."""
    if root == "/":
        return _host(os.geteuid(), shutil.which("sudo"), shutil.which("python3"))
    return _in_root(root)


def _host(euid: int, sudo: str | None, python: str | None) -> Target:
    fs = RootFS("/")
    return Target("" if euid == 0 or sudo is None else "sudo ", euid != 0 and sudo is None, python,
                  bool(python) and externally_managed(fs, python))


def _in_root(root: str) -> Target:
    fs = RootFS(root)
    sudo = any(fs.isfile(posixpath.join(folder, "sudo")) for folder in _ROOT_PATH)
    python = next((p for p in (posixpath.join(folder, "python3") for folder in _ROOT_PATH) if fs.isfile(p)), None)
    return Target("sudo " if sudo else "", False, python, bool(python) and externally_managed(fs, python))


def externally_managed(fs: RootFS, python: str) -> bool:
    """Whether pip refuses to install into the environment of ``python`` (a path as ``fs`` reads it): the
    ``EXTERNALLY-MANAGED`` file in its standard library folder, unless ``python`` is a venv's."""
    bin_dir = posixpath.dirname(python)
    if fs.isfile(posixpath.join(posixpath.dirname(bin_dir), "pyvenv.cfg")) or fs.isfile(posixpath.join(bin_dir, "pyvenv.cfg")):
        return False  # a venv: its sys.prefix is not the base one, and pip reads no marker
    real = fs.resolve(python)
    if not isinstance(real, str):
        return False
    inside = fs.inside(real) if not fs.is_host else real
    name = posixpath.basename(inside)  # python3.11: /usr/bin/python3 is a link to it
    prefix = posixpath.dirname(posixpath.dirname(inside))
    versions = [name] if re.fullmatch(r"python3\.\d+", name) else _versions(fs, posixpath.join(prefix, "lib"))
    return any(fs.isfile(posixpath.join(prefix, "lib", version, MARKER)) for version in versions)


def _versions(fs: RootFS, lib: str) -> list[str]:
    try:
        return [name for name in fs.listdir(lib) if re.fullmatch(r"python3\.\d+", name)]
    except OSError:
        return []
