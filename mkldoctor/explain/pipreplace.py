"""pip that cannot replace an installed package MKL's wheels need: one installed by distutils, which keeps no record of
its files (neural-amp-modeler#403: ``ERROR: Cannot uninstall 'TBB'. It is a distutils installed project ...`` in
Anaconda's base environment, whose old TBB 0.2 stood where the mkl wheel's ``tbb==2021.*`` was to go; pip 23.1 and later
say ``Cannot uninstall TBB 0.2`` and ``It is a distutils installed project`` on lines of their own).

Only MKL's own packages and the runtimes its wheels require (tbb, intel-openmp, and the like) are read here: the same
words about another package are a failure mkldoctor does not know, unrecognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution

# the runtimes that MKL's wheels require beside mkl itself (mkl's metadata: tbb, intel-openmp; newer: the compiler's runtime)
_RUNTIMES = ("tbb", "tbb4py", "intel-cmplr-lib-rt", "intel-cmplr-lib-ur", "dpcpp-cpp-rt", "umf", "tcmlib")


@dataclass(frozen=True, slots=True)
class CannotReplace:
    package: str
    line: str
    found: str  # pip's "Found existing installation: TBB 0.2", where the log has it


def _event(m: re.Match, before) -> CannotReplace | Unrecognised:
    name, line = m["pkg"], m.string.strip()
    if not (distribution.is_mkl_package(name) or name.lower() in _RUNTIMES):
        return Unrecognised(line)
    found = last_match(r"Found existing installation: ", before)
    return CannotReplace(name, line[:300], found.string.strip() if found else "")


SIGNATURES = (
    Signature("pip-cannot-uninstall", "pipreplace", "annot uninstall",
              re.compile(r"Cannot uninstall '?(?P<pkg>[A-Za-z0-9][\w.-]*)'?(?:\.| [\w.+!]+\s*$| *$)"), _event),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(CannotReplace)
    if not said:
        return []
    e = said[0]
    return [Finding(
        "pip-cannot-replace-package", "error",
        f"pip cannot replace the installed {e.package}: it was installed by distutils, which keeps no list of its files, "
        f"and the {e.package} that MKL's wheels need cannot go in its place",
        (e.line, *((e.found,) if e.found else ()),
         "pip removes the installed release of a package before it installs another one; a package installed by distutils "
         "(setup.py install, as Anaconda's base environment carries some) records no files, so pip refuses to remove it"),
        ("install into an environment of its own, not Anaconda's base: conda create -n work python=<X.Y>, conda activate "
         "work (or python -m venv work), then the same pip install there",
         f"or install over it without removing it: python -m pip install --ignore-installed {e.package.lower()} (the old "
         "release's files stay where they are), then the same install again",
         f"or remove the old one with the tool that installed it (conda list | grep -i {e.package.lower()} names conda's "
         "package of it)"),
        "mkl's wheels require tbb and intel-openmp of the same generation; pip must replace an older copy of each that the "
        "environment already has, and a distutils-installed copy is one it cannot remove.",
        (f"python -m pip show {e.package.lower()}   # its version and location; no files listed: the distutils install",),
    )]
