"""A packaging or install step that copies MKL's files by exact name, and one is not there.

``cp: cannot stat 'C:/Program Files (x86)/Intel/oneAPI/mkl/latest/bin/mkl_sycl_blas.4.dll': No such file or directory``
(llama.cpp#10327: a CI script written for oneAPI 2024's DLL names, run with 2025's, whose files carry another number);
PowerShell's ``Copy-Item : Cannot find path '...mkl_rt.2.dll' because it does not exist``. MKL's file names carry the
interface number of their release (mkl_rt.2.dll, libmkl_sycl_blas.so.4): a script that lists them by name breaks when
the installed release changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.unrecognised import unrecognised
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, platforms
from mkldoctor.knowledge.recipes import q

_MKL_FILE = re.compile(r"(?i)(?:lib)?(?:mkl|iomp|tbb|daal_vmlipp)\w*(?:\.\d+)?\.(?:dll|so(?:\.\d+)*|dylib|lib|a)$")


@dataclass(frozen=True, slots=True)
class MklFileNotThere:
    path: str
    name: str  # the file's own name, the path's last part
    line: str


def _said(m: re.Match, _) -> MklFileNotThere | object:
    path = m.group("path")
    name = folders.file_name(path)
    # a pattern over a folder of MKL's (".../external/mkl_linux/lib/*", tensorflow/serving#1797) matched nothing
    glob = "*" in name and re.search(r"(?i)mkl", path[: len(path) - len(name)]) is not None
    return MklFileNotThere(path, name, m.string.strip()[:300]) if _MKL_FILE.search(name) or glob else NOT_MINE


@dataclass(frozen=True, slots=True)
class MklFilesListed:
    """``ls`` of a folder pasted in the log, its columns MKL's file names (TurboTransformers#84: the kernels MKL says it
    cannot load are there): what the folder holds, as the log shows it."""

    names: tuple[str, ...]


_LIBRARY = r"lib[\w+-]+\.(?:so|a|dylib)(?:\.\d+)*"
_LISTING = re.compile(rf"^\s*(?:{_LIBRARY}\s+)+{_LIBRARY}\s*$")


def _listed(m: re.Match, _):
    names = tuple(n for n in m.string.split() if n.startswith("libmkl_"))
    return MklFilesListed(names[:40]) if names else NOT_MINE


def listed(events: Parsed) -> set[str]:
    """Every MKL file name the log's folder listings show."""
    return {n for e in events.of(MklFilesListed) for n in e.names}


@dataclass(frozen=True, slots=True)
class NoFileToCopy:
    """coreutils' ``install: missing file operand`` after lines that name MKL's files (nixpkgs#227267: the .pc files
    copied from a folder that MKL 2023 does not have, the pattern expanded to nothing): the folder those lines show."""

    line: str
    folder: str  # where the lines before it show MKL's files ("" when they show none)


_MKL_PATH = re.compile(r"(?<![^\s'\"‘`])(?P<folder>[^\s'\"’]+)/[\w.+-]*mkl[\w.+-]*\.(?:pc|so(?:\.\d+)*|a|h|cmake)\b")


def _no_file(m: re.Match, before) -> NoFileToCopy:
    folder = f.group("folder") if (f := last_match(_MKL_PATH, before)) else ""
    return NoFileToCopy(m.string.strip()[:300], folder)


SIGNATURES = (
    Signature("coreutils-missing-file-operand", "mklfiles", "file operand",
              re.compile(r"^(?:install|cp|mv|ln): missing (?:destination )?file operand"), _no_file),
    # ls's columns (two spaces or more after a library's name)
    *(Signature(f"ls-listing-mkl-files-{i}", "mklfiles", needle, _LISTING, _listed) for i, needle in enumerate((".so  ", ".a  "))),
    Signature("cp-cannot-stat-mkl-file", "mklfiles", "annot stat",
              re.compile(r"\bcannot stat [‘'`\"](?P<path>[^’'`\"]+)[’'`\"]: No such file or directory"), _said),
    # make's: "*** No rule to make target '/lnx/lib/intel64/libdaal_vmlipp_core.a', needed by ..." (oneDAL#169: MKL's small
    # libraries that scripts/mklfpk.sh never unpacked)
    Signature("make-no-rule-for-mkl-file", "mklfiles", "***",
              re.compile(r"\*\*\* No rule to make target [‘'`\"](?P<path>[^’'`\"]+)[’'`\"]"), _said),
    # ninja's: "ninja: error: '/x/debug/lib/intel64/libmkl_intel_lp64.a', needed by 'src/exe/colmap', missing and no known
    # rule to make it" (vcpkg PR #30204: the intel-mkl port's debug folder)
    Signature("ninja-missing-mkl-file", "mklfiles", "ninja:",
              re.compile(r"ninja: error: [‘'`\"](?P<path>[^’'`\"]+)[’'`\"], needed by .*missing and no known rule"), _said),
    Signature("powershell-cannot-find-mkl-file", "mklfiles", "annot find path",
              re.compile(r"Cannot find path [‘'`\"](?P<path>[^’'`\"]+)[’'`\"] because it does not exist"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MklFileNotThere)
    empty = [e for e in events.of(NoFileToCopy) if e.folder][:1]
    if not said:
        return [_no_file_finding(empty[0])] if empty else [unrecognised(Unrecognised(e.line), ctx) for e in events.of(NoFileToCopy)[:1]]
    first = said[0]
    name = first.name
    folder = first.path[: len(first.path) - len(name)].rstrip("\\/")
    if "*" in name:
        return [_nothing_matched(first, folder)]
    if "No rule to make target" in first.line or "no known rule to make it" in first.line:
        return [_make_target(first, folder)]
    number = re.search(r"\.(\d+)\.dll$|\.so\.(\d+)$|\.(\d+)\.dylib$", name)
    evidence = [first.line, f"{name} is not in {folder}"]
    fix = []
    installed = re.search(r"[\\/]install[\\/]lib$", folder) is not None  # a dependency's CMake install tree in the build
    if installed:  # mxnet#16629: MKL-DNN's install step put it in lib64
        evidence.append(f"{folder} is the install tree of a dependency the project builds itself: CMake's GNUInstallDirs "
                        "puts its libraries in lib64 on Fedora, CentOS, openSUSE and their containers, where the script "
                        "looks in lib")
        fix.append(f"ls {q(folder + '64')}; configure that dependency with -DCMAKE_INSTALL_LIBDIR=lib so that its libraries "
                   "land where the script copies from (mxnet PR #16690), or update the project to a release that does")
    elif number:
        n = next(g for g in number.groups() if g)
        pattern = re.sub(r"\.\d+(?=\.dll$|\.dylib$)|(?<=\.so)\.\d+$", ".*", name)
        year = platforms.sycl_release(name)
        evidence.append(f"the .{n} in {name} is the interface number of the MKL release the script was written for"
                        + (f" (oneMKL {year}'s SYCL libraries are .{n})" if year else "") + "; the "
                        f"release installed in {folder}" + (" ('latest', whichever was installed last)" if "latest" in folder
                                                            else "") + " may name it with another number")
        fix.append(f"copy by pattern, not by name: {pattern} (or list the folder and take what is there), so that the script "
                   "follows the installed release")
        fix.append("or install the release whose names the script lists (pin the installer's version in the CI job), "
                   "instead of 'latest'")
    else:
        fix.append(f"check that the release installed in {folder} has {name} (ls or dir the folder): a component not "
                   "installed, or a layout whose folders differ (lib vs lib\\\\intel64, bin vs redist)")
    return [Finding(
        "mkl-file-missing", "error", f"a copy step asked for {name}, which is not in the "
        + ("install tree it looked in" if installed else "MKL it looked in"), tuple(evidence),
        tuple(fix),
        "MKL's file names carry the interface number of their release (mkl_rt.2.dll, libmkl_sycl_blas.so.4); oneAPI's "
        "'latest' folder moves to each newly installed release. A script that names the files of one release fails on another.",
        (f"ls {q(folder)}   # the names the installed release has (Windows: dir)",),
    )]


def _nothing_matched(event: MklFileNotThere, folder: str) -> Finding:
    """A copy by pattern from a folder of MKL's that the build no longer makes: TensorFlow's Bazel repository mkl_linux
    (MKL-ML), gone from TensorFlow 2.4's --config=mkl builds (oneDNN with its own OpenMP; tensorflow/serving#1797)."""
    evidence = [event.line, f"the pattern {event.name} matched nothing: {folder} does not exist in this build, or is empty"]
    fix = [f"list what the build made (ls {q(folder.rsplit('/', 2)[0] if folder.count('/') > 2 else folder)}) and copy "
           "from where the libraries are now, or drop the step if the build no longer needs a separate MKL"]
    if "mkl_linux" in folder:
        evidence.append("external/mkl_linux is the Bazel repository of TensorFlow's MKL-ML download, which TensorFlow 2.4 "
                        "and later no longer fetch for --config=mkl: oneDNN is built in, with LLVM's OpenMP runtime")
        fix.insert(0, "a TensorFlow 2.4+ build: copy the OpenMP runtime the build made instead (bazel-out/k8-opt/bin/external/"
                      "llvm_openmp/libiomp5.so, with --define=build_with_openmp=true) or nothing; the Dockerfile's MKL-ML copy "
                      "is from a release before 2.4")
    return Finding(
        "mkl-file-missing", "error", f"a copy step's pattern {event.name} matched no file in {folder}", tuple(evidence),
        tuple(fix),
        "A build script that copies MKL's libraries from a folder another step creates breaks when that step no longer runs "
        "or puts them elsewhere; the shell passes the pattern unexpanded, and cp finds no such file.",
        (f"ls -d {q(folder)}   # whether the folder exists at all (unquote a * to let the shell expand it)",),
    )


def _make_target(event: MklFileNotThere, folder: str) -> Finding:
    """make (or ninja) was told a target depends on an MKL file that is not there and that no rule makes."""
    tool = "ninja" if "ninja:" in event.line else "make"
    evidence = [event.line, f"{event.name} is a file the build takes from MKL (or a package of MKL's libraries), not one it "
                f"builds: {tool} found it in no folder and has no rule for it"]
    fix = [f"put the MKL the build expects where it looks ({folder}), or point the build's MKL variable at the installed "
           "one (make MKLROOT=<prefix>, the variable the makefile names, or a CMake configure again in a fresh build folder)"]
    if "/debug/lib/" in folder:  # vcpkg PR #30204: the intel-mkl port's debug folder
        evidence.append(f"{folder} is a package manager's debug library folder (vcpkg's installed/<triplet>/debug/lib): MKL "
                        "has no debug build, and a port or finder that writes the release folder's names into it names files "
                        "that are not there")
        fix.insert(0, "take MKL's libraries from the release folder for the debug build too (vcpkg: the port's fix; CMake: "
                      "MAP_IMPORTED_CONFIG_DEBUG Release on MKL's imported targets)")
    if re.match(r"^/[a-z0-9]+/lib", folder) and folder.count("/") <= 4:
        evidence.append(f"{folder} starts at the root with the build's own folder names: the variable that should come "
                        "before it (the MKL package's folder) is empty")
    if "daal" in event.name:
        fix.insert(0, "oneDAL's MKL small libraries (mklfpk): run scripts/mklfpk.sh (it downloads and unpacks them into "
                      "externals/mklfpk) and check that its download worked (behind a proxy: http_proxy/https_proxy for curl), "
                      "then build again")
    return Finding(
        "mkl-file-missing", "error", f"{tool} has no rule for {event.name}, an MKL file the build expects in {folder}",
        tuple(evidence), tuple(fix),
        "A makefile lists MKL's libraries by path as prerequisites; when the step that installs or unpacks them did not run "
        "(or a variable before the path is empty) make finds neither the file nor a rule to make it.",
        (f"ls {q(folder)}   # whether the file is there",),
    )


def _no_file_finding(event: NoFileToCopy) -> Finding:
    return Finding(
        "mkl-file-missing", "error", "a copy step of MKL's files got no file to copy: its pattern or folder matched nothing "
        "in this MKL's layout",
        (event.line, f"the lines before it show MKL's files in {event.folder}: where this release keeps them"),
        (f"point the step at {event.folder} (a pattern over another release's folder expands to nothing: MKL's layout moved "
         "between releases, lib/intel64 to lib in oneAPI 2024 among them)",
         "fail on an empty pattern instead of passing nothing on (bash: shopt -s failglob; or test -e each file first)"),
        "install and cp need a file to copy; a shell pattern that matches nothing reaches them as nothing (nullglob) or as "
        "itself, and the step fails after the MKL it meant to copy was unpacked elsewhere.",
        (f"ls {q(event.folder)}   # what this release has there",),
    )

