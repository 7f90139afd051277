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

from mkldoctor.explain.catalogue import FollowOn, NOT_MINE, Signature, last_match
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


@dataclass(frozen=True, slots=True)
class BundleRpathUnresolved:
    """PyInstaller's macOS scan: ``ERROR: Can not find path ./lib/libmkl_core.dylib (needed by .../_dotblas.so)``, an
    ``@rpath/lib/...`` dependency whose run path (``@loader_path/...`` in LC_RPATH) it did not resolve (pyinstaller#1514:
    Canopy's MKL numpy; PR #1965, PyInstaller 3.2, substitutes it)."""

    library: str
    of: str
    line: str


def _rpath(m: re.Match, _) -> BundleRpathUnresolved | object:
    name = m["path"].rsplit("/", 1)[-1]
    if not re.match(r"lib(?:mkl_|iomp5)", name):
        return NOT_MINE
    return BundleRpathUnresolved(m["path"], m["of"].strip(), m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class NullBytesSource:
    """Python's ``source code string cannot contain null bytes``: a .py file that holds binary data. In a frozen program
    (cx_Freeze's, PyInstaller's) inside numpy's import, the bundler's hook for an MKL build of numpy (cx_Freeze#1110)."""

    line: str
    package: str  # the package whose import failed, from the traceback's frames above it


@dataclass(frozen=True, slots=True)
class FrozenStartup:
    """A frame of a bundler's startup code: ``cx_Freeze\\initscripts\\__startup__.py``, PyInstaller's ``pyimod02_importers``."""

    bundler: str


@dataclass(frozen=True, slots=True)
class FrozenExtensionMissing:
    """``ModuleNotFoundError: No module named 'torch._C'`` under a bundler's frames: a package's compiled core missing
    from the frozen program, or present without the DLLs it loads (pyinstaller#9222: Anaconda's torch, whose MKL, TBB and
    Intel OpenMP DLLs come from other conda packages)."""

    module: str
    line: str


_FROZEN_FRAME = re.compile(r"\bpyimod0\d_\w+|cx_Freeze[\\/]initscripts|\[PYI-\d+:")


def _frozen_missing(m: re.Match, before) -> FrozenExtensionMissing | object:
    if not m.group("mod").rsplit(".", 1)[-1].startswith("_") or not any(_FROZEN_FRAME.search(b) for b in before):
        return NOT_MINE  # not a compiled extension's name (torch._C, numpy.core._multiarray_umath), or not a frozen program
    return FrozenExtensionMissing(m.group("mod"), m.string.strip()[:300])


def _null_bytes(m: re.Match, before) -> NullBytesSource:
    package = p.group(1) if (p := last_match(r"[\\/](numpy|scipy|mkl\w*)[\\/.]", before)) else ""
    return NullBytesSource(m.string.strip()[:300], package)


@dataclass(frozen=True, slots=True)
class AppImageDependencyMissing:
    """linuxdeploy's ``ERROR: Could not find dependency: libiomp5.so`` (the AppImage step of Tauri's bundler,
    screenpipe#600: MKL installed with pip into ~/.local/lib, which the bundler's search does not reach)."""

    library: str
    line: str


_MKL_SO = re.compile(r"lib(?:mkl_\w+|iomp5|tbb\w*|mklml\w*)\.so[\d.]*")


def _appimage(m: re.Match, _) -> AppImageDependencyMissing | object:
    return AppImageDependencyMissing(m["lib"], m.string.strip()[:300]) if _MKL_SO.fullmatch(m["lib"]) else NOT_MINE


@dataclass(frozen=True, slots=True)
class NuitkaPluginFailed:
    """Nuitka's ``FATAL: dll-files: Plugin issue while working on 'module 'numpy''`` (Nuitka#2113): its rule for numpy's
    DLLs under Anaconda's Python, which collects MKL's mkl_*.dll from <prefix>\\Library\\bin, failed on a numpy that is not
    conda's (a venv made from Anaconda's Python, numpy from PyPI)."""

    module: str
    line: str


@dataclass(frozen=True, slots=True)
class BundleAddedTwice:
    """PyInstaller's ``WARNING: One binary added with two internal names.`` (``dll`` empty) and the tuple it prints after it,
    ``WARNING: ('binDLL\\mkl_intel_thread.dll', ...``, with MKL's or Intel's DLL named (pytorch#56362: a .spec that added
    conda's whole Library\\bin beside the DLLs PyInstaller had collected itself)."""

    dll: str
    line: str


@dataclass(frozen=True, slots=True)
class BundleArchiveFailed:
    """``struct.error: argument out of range`` in PyInstaller's archive writer (``PyInstaller\\archive\\writers.py``)."""

    line: str


def _twice(m: re.Match, _) -> BundleAddedTwice | object:
    dll = m["dll"] or ""
    return BundleAddedTwice(dll, m.string.strip()[:300]) if not dll or _INTEL_DLL.fullmatch(dll) else NOT_MINE


def _archive(m: re.Match, before) -> BundleArchiveFailed | object:
    return BundleArchiveFailed(m.string.strip()[:300]) if any("PyInstaller" in b for b in (*before, m.string)) else NOT_MINE


SIGNATURES = (
    *(Signature(f"pyinstaller-binary-added-twice{i}", "bundlers", needle,
                re.compile(r"WARNING: (?:One binary added with two internal names|"
                           r"\('(?:[^'\s]*[\\/])?(?P<dll>[\w.-]+\.dll)',)"), _twice)
      for i, needle in (("", "One binary added"), ("-named", "WARNING: ('"))),
    Signature("pyinstaller-archive-struct-error", "bundlers", "struct.error",
              re.compile(r"\bstruct\.error: argument out of range"), _archive),
    Signature("nuitka-dll-files-plugin", "bundlers", "FATAL",
              re.compile(r"FATAL: dll-files: Plugin issue while working on '?module '(?P<mod>[\w.]+)'"),
              lambda m, _: NuitkaPluginFailed(m["mod"], m.string.strip()[:300])),
    Signature("python-source-null-bytes", "bundlers", "annot ",
              re.compile(r"\bsource code (?:string )?cannot contain null bytes\b"), _null_bytes),
    Signature("cx-freeze-startup", "bundlers", "initscripts", re.compile(r"cx_Freeze[\\/]initscripts[\\/]"),
              lambda m, _: FrozenStartup("cx_Freeze")),
    Signature("pyinstaller-startup", "bundlers", "pyimod0", re.compile(r"\bpyimod0\d_\w+"), lambda m, _: FrozenStartup("PyInstaller")),
    Signature("frozen-extension-missing", "bundlers", "No module named",
              re.compile(r"^\s*(?:ModuleNotFoundError|ImportError): No module named '(?P<mod>[\w.]+\.[\w]+)'"), _frozen_missing),
    # the bootloader's words after the traceback: "[PYI-63640:ERROR] Failed to execute script 'x' due to unhandled exception!"
    Signature("pyinstaller-script-failed", "bundlers", "ailed to execute script",
              re.compile(r"^\s*(?:\[PYI-\d+:ERROR\] |\[\d+\] )?Failed to execute script\b"), lambda m, _: FollowOn(m.string.strip())),
    Signature("appimage-dependency-missing", "bundlers", "ould not",
              re.compile(r"\bCould not find dependency: (?P<lib>\S+)"), _appimage),
    Signature("pyinstaller-rpath-unresolved", "bundlers", "ERROR: Can",
              re.compile(r"(?:\b\d+ )?ERROR: Can ?not find path (?P<path>\S+\.dylib) \(needed by (?P<of>[^)]+)\)"), _rpath),
    Signature("pyinstaller-lib-not-found", "bundlers", "lib not found",
              re.compile(r"(?:\b\d+ )?(?:ERROR|WARNING): lib not found: (?P<dll>\S+) dependency of (?P<of>.+)$"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return (_missing(events) + _rpath_finding(events) + _frozen(events) + _extension(events) + [_appimage_finding(e) for e in events.of(AppImageDependencyMissing)[:1]]
            + [_nuitka(e) for e in events.of(NuitkaPluginFailed)[:1]] + _twice_finding(events))


def _twice_finding(events: Parsed) -> list[Finding]:
    twice, failed = events.of(BundleAddedTwice), events.of(BundleArchiveFailed)
    dlls = list(dict.fromkeys(e.dll for e in twice if e.dll))
    if not dlls:
        return []
    return [Finding(
        "bundle-dlls-added-twice", "error" if failed else "warning",
        f"PyInstaller collected {', '.join(dlls[:3])}{' and more' if len(dlls) > 3 else ''} twice: once for the packages "
        "that load them and once from a folder the .spec adds whole" + (", and its archive writer then failed" if failed else ""),
        (*(e.line for e in failed[:1]), *(e.line for e in twice[:2]),
         "PyInstaller finds the DLLs each extension loads (MKL's and Intel's runtime among them, from conda's Library\\bin) "
         "and bundles them; a .spec or --add-binary that adds that folder again puts each DLL in under a second name "
         "(pytorch#56362: conda's torch, whose build then stopped in the archive writer)"),
        ("take the whole Library\\bin (or site-packages) folder out of the .spec's binaries and datas, and build again "
         "with pyinstaller --clean <the .spec>",
         "if the frozen program then misses a DLL at run time, add only that one (--add-binary "
         "\"<env>\\Library\\bin\\<dll>;.\"), or copy the DLLs of <env>\\Library\\bin beside the .exe (pytorch#56362's fix)"),
        "A bundler copies each file once under the name it gives it; the same DLL given twice, by its analysis and by "
        "hand, is two entries of one file, which PyInstaller warns of and its archive writer may not take.",
        ("findstr /i /c:\"Library\\bin\" <the .spec>   # the line that adds the folder whole",),
    )]


def _nuitka(said: NuitkaPluginFailed) -> Finding:
    numpy = said.module.split(".")[0] == "numpy"
    return Finding(
        "bundler-plugin-failed", "error", f"Nuitka's dll-files plugin failed on {said.module}: its rule for the module's DLLs "
        "did not fit this environment",
        (said.line, *(("Nuitka's configuration for numpy under Anaconda's Python collects MKL's DLLs (mkl_*.dll) from "
                       "<prefix>\\Library\\bin, where conda's numpy finds them; a virtual environment made from Anaconda's "
                       "Python with numpy from PyPI has no such folder, and the rule failed on it (Nuitka#2113)",) if numpy else ())),
        ("update Nuitka (python -m pip install -U nuitka), whose rule checks its assumptions since Nuitka#2113 (the fix came "
         "to its develop, 'factory', branch first)",
         "or build from an environment whose numpy matches the interpreter: conda's numpy in a conda environment, or a "
         "python.org Python with numpy from PyPI, not a venv of Anaconda's Python with PyPI's numpy"),
        "Nuitka's standalone mode copies each module's DLLs by rules of its own (its dll-files plugin and the package "
        "configuration yml); a rule written for one distribution's layout can fail on another's.",
        ("python -m nuitka --version   # the release, to compare with the fix",
         'python -c "import numpy, sys; print(sys.prefix, numpy.__file__)"   # whose numpy, under which prefix'),
    )


def _appimage_finding(said: AppImageDependencyMissing) -> Finding:
    return Finding(
        "bundle-dependency-not-found", "error",
        f"the AppImage bundler (linuxdeploy) could not find {said.library}, which the program needs, to copy it into the bundle",
        (said.line, "linuxdeploy (Tauri's AppImage bundle runs it) finds each library the binary needs as the loader does: "
                    "the binary's RUNPATH, LD_LIBRARY_PATH and the system's folders (ld.so.cache); an MKL installed with "
                    "pip (~/.local/lib, a virtual environment's lib) or conda is in none of them, though the build linked it"),
        (f"give the bundling step MKL's folder: export LD_LIBRARY_PATH=<the folder of {said.library}>${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}} "
         "before the bundle command (pip's MKL: python3 -c 'import sysconfig; print(sysconfig.get_config_var(\"LIBDIR\"))', "
         "or ~/.local/lib for pip install --user)",
         "or put MKL's runtime where the system looks, on the machine that bundles: copy its libraries into a folder of "
         "ld.so.conf and run ldconfig (screenpipe's CI: cp ~/.local/lib/* /usr/lib/x86_64-linux-gnu/)"),
        "A bundler copies the libraries a program loads into its package, and finds them by the loader's own rules; a "
        "library found at link time through -L may still be invisible to it.",
        (f"ldconfig -p | grep {said.library.split('.so')[0]}; find / -name '{said.library}*' 2>/dev/null   # where it is, if anywhere",),
    )


def _extension(events: Parsed) -> list[Finding]:
    said = events.of(FrozenExtensionMissing)
    if not said:
        return []
    first = said[0]
    package = first.module.split(".")[0]
    bundler = next((e.bundler for e in events.of(FrozenStartup)), "the bundler")
    return [Finding(
        "frozen-extension-missing", "error",
        f"the frozen program cannot import {first.module}, {package}'s compiled core: {bundler} left it, or the DLLs it "
        "loads (MKL's, Intel's OpenMP runtime), out of the bundle", (
            first.line,
            f"the traceback runs in {bundler}'s frozen program: {first.module} is a compiled extension, which imports only "
            "with every DLL it needs beside it; a package whose MKL comes from other packages (conda's torch and numpy: "
            "mkl, tbb and intel-openmp's DLLs in <env>\\Library\\bin) brings DLLs the bundler's hook did not know of "
            "(pyinstaller#9222, fixed in pyinstaller-hooks-contrib's torch hook)",
        ), (
            "update the bundler's hooks and freeze again from a clean build folder: python -m pip install -U pyinstaller "
            "pyinstaller-hooks-contrib, then pyinstaller --clean <the .spec>",
            f"or add the DLLs by hand: --add-binary \"<env>\\Library\\bin\\mkl_*.dll;.\" (and tbb*.dll, libiomp5md.dll), or "
            f"--collect-binaries {package}",
            f"see what is missing: dir /s <dist folder>\\{package}\\*.pyd, and the .dll files beside it; build with --debug "
            "imports to print each import of the frozen program",
        ),
        "A bundler copies an extension module with the DLLs it can see it import; MKL's DLLs that a package's own DLLs load "
        "from another conda package are found only by a hook that knows of them.",
        (f"python -c \"import {package}, os; print(os.path.dirname({package}.__file__))\"   # the package frozen, and its folder",),
    )]


def _frozen(events: Parsed) -> list[Finding]:
    said = events.of(NullBytesSource)
    if not said:
        return []
    first = said[0]
    package = first.package or "a package"
    bundlers = list(dict.fromkeys(e.bundler for e in events.of(FrozenStartup)))
    if not bundlers:  # an installed package's file: damaged on disk
        return [Finding(
            "python-source-damaged", "error", f"a Python source file of {package} holds binary data: the file is damaged",
            (first.line, "Python read a .py file with NUL bytes in it: an interrupted install, copy or disk"),
            (f"reinstall {package if first.package else 'the package its traceback names'} (pip install --force-reinstall "
             "--no-deps <it>, or conda install --force-reinstall <it>)",),
            "Python compiles a module from its .py file when no matching .pyc is there; binary data in it stops the import.",
        )]
    return [Finding(
        "frozen-package-broken", "error",
        f"the frozen program's {package} is broken at import: {bundlers[0]} froze a file of it as something that is not "
        "Python source (its hook for an MKL build of numpy)", (
            first.line,
            f"the traceback runs in {bundlers[0]}'s frozen program, inside {package}'s import: a source file of the bundle "
            "holds binary data, which the bundler's hook for that package wrote or copied wrong; the numpy+mkl wheels "
            "(numpy 1.x built with MKL, with a __config__ and DLLs of their own) met this in cx_Freeze (cx_Freeze#1110)",
        ), (
            "update the bundler and its hooks: a cx_Freeze release with the numpy hooks for MKL builds (after cx_Freeze#1110, "
            "2021), or pyinstaller with pyinstaller-hooks-contrib; then freeze again from a clean build folder",
            "or freeze with a numpy without MKL (PyPI's numpy wheel bundles OpenBLAS), if the program does not need MKL",
            "then run the built program once on a machine without the Python environment",
        ),
        "A bundler copies each package with hooks written for how that package is laid out; builds of numpy linked with MKL "
        "carry files the hook did not expect.",
        ("python -c \"import numpy; print(numpy.__file__); numpy.show_config()\"   # the numpy the bundle was made from, and its BLAS",),
    )]


def _missing(events: Parsed) -> list[Finding]:
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


def _rpath_finding(events: Parsed) -> list[Finding]:
    said = events.of(BundleRpathUnresolved)
    if not said:
        return []
    names = list(dict.fromkeys(e.library.rsplit("/", 1)[-1] for e in said))
    of = said[0].of.rsplit("/", 1)[-1]
    return [Finding(
        "bundle-mkl-rpath-unresolved", "error",
        f"PyInstaller could not resolve the run path of {of}: MKL's {', '.join(names[:3])}"
        f"{' and more' if len(names) > 3 else ''} are left out of the bundle",
        (*(e.line for e in said[:2]),
         f"{said[0].library} is {of}'s @rpath dependency with the run path read as '.': the extension's LC_RPATH starts with "
         "@loader_path, which PyInstaller before 3.2 did not substitute (pyinstaller#1514; PR #1965 resolves @loader_path and "
         "@executable_path in it)"),
        ("upgrade PyInstaller: python -m pip install -U pyinstaller (3.2 or newer), then pyinstaller --clean <the .spec>",
         "or add the libraries by hand: --add-binary '<the environment's lib folder>/libmkl_*.dylib:.' (with libiomp5.dylib), "
         "or the .spec file's binaries list"),
        "A bundler copies the libraries each extension names; on macOS a name under @rpath is found through the extension's "
        "run paths, which the bundler has to resolve as the loader would.",
        (f"otool -l {said[0].of.strip()} | grep -A2 LC_RPATH   # the run paths the extension gives",),
    )]
