"""PyInstaller's ``lib not found: libiomp5md.dll dependency of ...\\numpy\\linalg\\lapack_lite.pyd``.

pyinstaller/pyinstaller#620: numpy and scipy built on MKL with Intel's compilers (the builds of Christoph Gohlke's
site, Intel's own, conda's) keep MKL's DLLs and Intel's runtime DLLs (libiomp5md, libmmd, libifcoremd, svml_dispmd)
in the package's own folder (numpy\\core, conda's Library\\bin), where Windows finds them when the package loads them but
PyInstaller's search for an extension's dependencies (PATH and the system folders) does not: the bundle is built
without them and the frozen program fails to import. Other DLLs it did not find are not MKL's, and stay for others.
"""

from __future__ import annotations

import ntpath
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_INTEL_DLL = re.compile(r"(?i)(?:mkl_\w+|lib(?:iomp5md|mmd|ifcoremd|ifportmd|imalloc|irngmd|intlc|svml\w*)|svml_dispmd|tbb\w*)\.dll")


@dataclass(frozen=True, slots=True)
class BundleDllMissing:
    dll: str
    of: str
    line: str


def _said(m: re.Match, _):
    if not _INTEL_DLL.fullmatch(m.group("dll")):
        return NOT_MINE
    return BundleDllMissing(m.group("dll"), m.group("of").strip(), m.string.strip()[:300])


SIGNATURES = (
    Signature("pyinstaller-lib-not-found", "bundlers", "lib not found",
              re.compile(r"(?:\b\d+ )?(?:ERROR|WARNING): lib not found: (?P<dll>\S+) dependency of (?P<of>.+)$"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(BundleDllMissing)
    if not said:
        return []
    dlls = list(dict.fromkeys(e.dll for e in said))
    first = said[0]
    folders = list(dict.fromkeys(ntpath.dirname(e.of) for e in said))
    package = " and ".join(dict.fromkeys(m.group(1) for e in said for m in [re.search(r"(?i)site-packages[\\/](\w+)", e.of)] if m))
    return [Finding(
        "bundle-mkl-dll-not-found", "error",
        f"PyInstaller could not find {', '.join(dlls[:3])}{' and more' if len(dlls) > 3 else ''}, which "
        f"{package or 'an extension module'} {'need' if ' and ' in package else 'needs'}: MKL's and Intel's runtime DLLs are left out of the bundle", (
            first.line,
            f"{', '.join(dlls)}: MKL's or Intel's compiler runtime DLLs, which an MKL build of {package or 'the package'} "
            "keeps in its own folder (numpy\\core for the builds made with Intel's compilers, conda's Library\\bin); "
            "Windows finds them there when the package loads them, but PyInstaller looks for an extension's dependencies "
            "on PATH and in the system folders",
        ), (
            "give PyInstaller the folder that holds them: put it on PATH for the build (set PATH=<site-packages>\\numpy\\core;%PATH% "
            "or <env>\\Library\\bin), or pyinstaller --paths <that folder>",
            "or add them to the bundle by hand: --add-binary \"<that folder>\\libiomp5md.dll;.\" (one per DLL), or the "
            ".spec file's binaries list",
            "then check the frozen program imports: run the built .exe once on a machine without the environment",
        ),
        "A bundler copies the DLLs it can find for each extension module; MKL builds of numpy and scipy find theirs from "
        "their own folder at run time, which the bundler does not search.",
        tuple(f"dir \"{folder}\"   # the extension's folder: the DLLs may be one folder up (numpy\\core)" for folder in folders[:1]),
    )]
