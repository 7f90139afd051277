"""Two packages that install the same file of MKL's family: a package manager refuses one, or warns that one overwrote it.

vcpkg's ``error: The following files are already installed in D:/installed/x64-windows and are in conflict with
llvm:x64-windows`` then ``Installed by intel-mkl:x64-windows`` and ``bin/libiomp5md.dll`` (microsoft/vcpkg#30457: the
llvm port's OpenMP runtime took Intel's file name); conda's ``ClobberError``/``ClobberWarning: This transaction has
incompatible packages due to a shared path`` with ``packages: ...intel-openmp..., ...llvm-openmp...`` and ``path:
'Library/bin/libiomp5md.dll'``. Two OpenMP runtimes under one name do not stand in for each other: MKL's threading layer
needs Intel's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_FAMILY_FILE = re.compile(r"(?i)[\w/\\.-]*(?:libiomp5\w*|mkl_\w+|libmkl_\w+|tbb\w*)\.(?:dll|so[\d.]*|dylib|lib)\b")


@dataclass(frozen=True, slots=True)
class SharedFile:
    manager: str  # "vcpkg", "conda"
    line: str
    files: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    wants: int = field(default=8, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "SharedFile":
        files = tuple(dict.fromkeys(m.group(0).strip("'\" ") for line in lines for m in _FAMILY_FILE.finditer(line)))
        packages = tuple(dict.fromkeys(p for line in lines for p in re.findall(
            r"(?:Installed by |packages?: |, )\s*([\w./:-]*?(?:intel-openmp|llvm-openmp|openmp|intel-mkl|mkl|llvm|tbb)[\w.:-]*)",
            line)))
        return replace(self, files=files, packages=tuple(dict.fromkeys(self.packages + packages)), wants=0)


SIGNATURES = (
    Signature("vcpkg-files-in-conflict", "fileclash", "in conflict with",
              re.compile(r"The following files are already installed in \S+ and are in conflict with (?P<port>\S+)"),
              lambda m, _: SharedFile("vcpkg", m.string.strip(), packages=(m.group("port"),))),
    Signature("conda-shared-path", "fileclash", "shared path",
              re.compile(r"Clobber(?:Error|Warning): .*incompatible packages due to a shared path"),
              lambda m, _: SharedFile("conda", m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(SharedFile) if e.files]  # a clash of other files is not MKL's
    if not said:
        return []
    first = said[0]
    files = list(dict.fromkeys(f for e in said for f in e.files))
    packages = list(dict.fromkeys(p for e in said for p in e.packages))
    openmp = any("iomp5" in f.lower() for f in files)
    refused = first.manager == "vcpkg" or "ClobberError" in first.line
    return [Finding(
        "package-file-conflict", "error" if refused else "warning",
        f"{first.manager}: two packages install {files[0].rsplit('/', 1)[-1]}" + (" (refused)" if refused else
                                                                                     ": the later one overwrote it"),
        (first.line[:300], f"the files: {', '.join(files[:4])}",
         *((f"the packages: {', '.join(packages[:4])}",) if packages else ()),
         *(("libiomp5md.dll (libiomp5) is Intel's OpenMP runtime, which MKL's intel_thread layer needs; LLVM's OpenMP "
            "runtime can be built under the same name, and the two are not the same file: the one that stays decides "
            "whether MKL's threads run",) if openmp else ())),
        ((("vcpkg: install the port without the feature that ships the second copy (llvm without its openmp feature), or a "
           "vcpkg release whose port no longer ships it under that name (microsoft/vcpkg#30457); one OpenMP runtime per "
           "installed tree") if first.manager == "vcpkg" else
          ("conda: one OpenMP runtime package per environment: keep intel-openmp where mkl is used (conda remove "
           "llvm-openmp, or take the environment's packages from one channel); conda list openmp shows both")),
         "MKL without Intel's OpenMP: its sequential layer (MKL_THREADING_LAYER=SEQUENTIAL), or its GNU layer with libgomp"),
        "Package managers refuse (vcpkg, conda's ClobberError) or warn (ClobberWarning) when two packages own one path; "
        "the copy that ends up there serves every program of the tree or environment.",
        (("vcpkg owns <the file>   # which port installed it",) if first.manager == "vcpkg" else
         ("conda list openmp   # the OpenMP packages of the environment",)),
    )]
