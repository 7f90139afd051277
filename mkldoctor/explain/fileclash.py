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

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_FAMILY_FILE = re.compile(r"(?i)[\w/\\.-]*(?:libiomp5\w*|mkl_\w+|libmkl_\w+|tbb\w*)\.(?:dll|so[\d.]*|dylib|lib)\b")


_DNN_FILE = re.compile(r"(?i)(?:libmkldnn|libdnnl|libmklml)\w*\.so[\d.]*$")


def _pacman(m: re.Match, _) -> "SharedFile | object":
    """pacman's line for one file another package owns: a file of MKL's family (oneDNN's, MKL-DNN's too), else no rule's."""
    path = m["path"]
    if not (_FAMILY_FILE.fullmatch(path) or _DNN_FILE.search(path)):
        return NOT_MINE
    return SharedFile("pacman", m.string.strip(), files=(path,), packages=tuple(p for p in (m["pkg"], m["owner"]) if p), wants=0)


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
    # pacman's: "mxnet-cuda-mkl: /usr/lib/libmkldnn.so exists in filesystem (owned by intel-dnnl)" (archlinuxcn/repo#1502,
    # in Chinese: "mxnet-cuda-mkl: 文件系统中存在 /usr/lib/libmkldnn.so （由 intel-dnnl 所有）"), after its "failed to commit"
    Signature("pacman-exists-in-filesystem", "fileclash", "exists in filesystem",
              re.compile(r"^(?P<pkg>[\w.+@-]+): (?P<path>/\S+) exists in filesystem"
                         r"(?: \(owned by (?P<owner>[\w.+@-]+)\))?"), _pacman),
    Signature("pacman-exists-in-filesystem-zh", "fileclash", "文件系统中存在",
              re.compile(r"^(?P<pkg>[\w.+@-]+): 文件系统中存在 (?P<path>/\S+)\s*(?:[（(]由 (?P<owner>[\w.+@-]+) 所有[）)])?"), _pacman),
    Signature("pacman-commit-failed", "fileclash", "rror",
              re.compile(r"^(?:error: failed to commit transaction \(conflicting files\)|错误[:：]\s*无法提交处理 \(有冲突的文件\))"),
              lambda m, _: FollowOn(m.string.strip())),
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
    refused = first.manager in ("vcpkg", "pacman") or "ClobberError" in first.line
    if first.manager == "pacman":
        return [_pacman_finding(said, files, packages)]
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


def _pacman_finding(said: list[SharedFile], files: list[str], packages: list[str]) -> Finding:
    new, owner = (packages + ["the package", "another package"])[:2]
    return Finding(
        "package-file-conflict", "error",
        f"pacman: {new} ships {files[0]}, which {owner} already owns (refused: conflicting files)",
        (*dict.fromkeys(e.line for e in said[:3]),
         f"two packages of the machine's repositories install {', '.join(files[:3])}: a package that bundles a library of "
         f"its own (MKL-DNN, oneDNN) and leaves its files in, beside the package of that library: a packaging bug of {new} "
         "(archlinuxcn/repo#1502: mxnet's PKGBUILD removed the bundled files but not their links)"),
        (f"upgrade to a release of {new} whose package leaves the file out (its next pkgrel), or report it to its packager",
         f"meanwhile keep one: install {new}'s other variant (a -git package), or remove {owner} if nothing else needs it; not "
         "pacman --overwrite, which hands the file of one package to the other"),
        "pacman refuses a transaction in which a package would install a file another installed package owns.",
        (f"pacman -Qo {files[0]}; pacman -Qlp <{new}'s package file> | grep {files[0].rsplit('/', 1)[-1]}",),
    )
