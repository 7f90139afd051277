"""numpy.distutils reading a site.cfg whose folders are not there: ``system_info.py:773: UserWarning: Specified path
/Program Files (x86)/IntelSWTools/compilers_and_libraries/windows/mkl/lib/intel64;... is invalid.`` A source tree that
carries its maker's site.cfg (numexpr 2.6.9's sdist: its [mkl] section written for Windows, numexpr#340) points the build
at folders of another machine, and the build stops after it (its traceback). Folders of another layout (Windows' on a
Unix machine) say so; folders of this machine's layout that are gone are the warning alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_WINDOWS_PATH = re.compile(r"(?i)(?:^|;)\s*(?:[A-Z]:)?[\\/]?(?:Program Files|IntelSWTools)\b|\\|[\\/]windows[\\/]mkl[\\/]")


@dataclass(frozen=True, slots=True)
class SiteCfgPath:
    paths: str
    unix: bool  # the warning's own file is on a Unix path (/Users/..., /home/...)
    line: str


SIGNATURES = (
    Signature("numpy-distutils-invalid-path", "sitecfg", "system_info.py",
              re.compile(r"(?P<where>\S*)system_info\.py:\d+: UserWarning: Specified path (?P<paths>.{1,600}?) is invalid\."),
              lambda m, _: SiteCfgPath(m["paths"], m["where"].startswith("/"), m.string.strip()[:400])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    foreign = [e for e in events.of(SiteCfgPath) if e.unix and _WINDOWS_PATH.search(e.paths)]
    if not foreign:
        return []
    first = foreign[0]
    return [Finding(
        "site-cfg-of-another-machine", "error",
        "numpy.distutils read a site.cfg written for Windows: its MKL folders do not exist where the build runs, and the "
        "build stops",
        (*dict.fromkeys(e.line for e in foreign[:2]),
         f"the folders ({first.paths[:160]}) are Windows' (Intel's Parallel Studio layout) while the build runs on a Unix "
         "path: a site.cfg from the machine the source was packed on; numpy.distutils takes the site.cfg beside setup.py "
         "before the user's (numexpr 2.6.9's source package shipped its Windows one: numexpr#340)"),
        ("remove or rewrite the site.cfg in the unpacked source before the build: its [mkl] section with this machine's "
         "library_dirs and include_dirs (or none, to build without MKL)",
         "or build from the project's own source tree (its tagged release archive), which carries no site.cfg "
         "(spack/spack#12360 moved py-numexpr there)"),
        "numpy.distutils reads site.cfg beside setup.py, then ~/.numpy-site.cfg; the first names the folders the build "
        "searches for MKL.",
        ("ls site.cfg && grep -n -A4 '\\[mkl\\]' site.cfg   # in the unpacked source",),
    )]
