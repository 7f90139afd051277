"""Which lines of the project each check finding is about: the one table from rule to the needs it judges.

A rule judges a need (the link mode, the threading layer, find_package(MKL), the Cargo dependency
towards intel-mkl-src); the project lines that stated that need (``Needs.at``) are where the finding
lands in a pull request or code scanning. ``missing-symbol`` names its own line (the call or the
declaration of that symbol).
"""

from __future__ import annotations

import dataclasses

from mkldoctor.diagnose.project import Needs
from mkldoctor.findings import Finding

# finding id -> the keys of Needs.at it is about, most telling first
SUBJECTS: dict[str, tuple[str, ...]] = {
    "runtime-without-devel": ("link",),
    "not-on-loader-path": ("link",),
    "iomp-missing": ("threading",),
    "one-cpu-threaded-layer": ("threading",),
    "interface-missing": ("interface",),
    "cmake-default-ilp64": ("find_package",),
    "configure-fails": ("find_package",),
    "cmake-mixed-copies": ("find_package",),
    "intel-mkl-src-config": ("cargo",),
    "ilp64-with-int32": ("cargo", "int32"),
    "no-usable-mkl": ("cargo", "find_package"),
    "last-build-differs": ("cargo",),
    "last-build": ("cargo",),
}


def locate(finding: Finding, needs: Needs) -> Finding:
    """``finding`` with the project lines behind the needs its rule judges (none when it already has some)."""
    if finding.locations:
        return finding
    found = tuple(dict.fromkeys(where for key in SUBJECTS.get(finding.id, ()) for where in needs.at.get(key, ())))
    return dataclasses.replace(finding, locations=found) if found else finding
