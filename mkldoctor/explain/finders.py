"""A project's own search for MKL said it found none: CMake find modules, configure scripts, build scripts.

``Could NOT find MKL (missing: MKL_LIBRARIES)``, ``MKL could not be found. Defaulting to Eigen``,
``Intel(R) MKL was not found``, ``-- Library mkl_intel_lp64: not found``, ``Linking with MKL was requested
but not found. Set MKLROOT.``: none of these is Intel's MKLConfig.cmake (whose messages :mod:`build` reads),
and MKL may well be installed. Each finder looks where its authors wrote: often ``MKLROOT`` or a variable
of its own, then the pre-oneAPI folders (``/opt/intel/mkl``, ``lib/intel64``, ``lib/intel64_lin``), which a
oneAPI 2024+ MKL (``mkl/<ver>/lib``) does not have. The finding names the finder the log names, quotes it,
and says how such finders are pointed at an MKL. A cargo build script's message is :mod:`cargo`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain import builtwithout, finderwords, mklconfigfile
from mkldoctor.explain.catalogue import ERRORISH, NOT_MINE, FollowOn, Signature, Unrecognised, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import distribution, folders, recipes


@dataclass(frozen=True, slots=True)
class FinderSaid:
    """A line of a finder that found no MKL (or its OpenMP runtime), with the finder the lines before name."""

    text: str
    finder: str  # "cmake/Modules/FindMKL.cmake:43", "" when the log does not say
    kind: str  # "error" (CMake Error, a build script), "warning" (CMake Warning: the build went on), "" (unknown)
    more: tuple[str, ...] = ()  # the message's next lines
    module: str = ""  # CMake's own find module its call stack names first ("FindBLAS"), "" for a project's
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)
    status: bool = field(default=False, compare=False)  # a build tool's status line ("-- MKL not found"), not a program's stop

    @property
    def blas_module(self) -> bool:
        """Whether the words come from CMake's own FindBLAS or FindLAPACK (its call stack names the module): findblas's."""
        return self.module in ("FindBLAS", "FindLAPACK")

    def followed(self, lines: tuple[str, ...]) -> "FinderSaid":
        module = (next((m["name"] for line in lines[1:6] for m in [_CMAKE_MODULE.search(line)] if m), "")
                  if "FindPackageHandleStandardArgs" in self.finder else "")
        if not module and "FindPackageHandleStandardArgs" in self.finder and any(_MKLCONFIG.search(line) for line in lines[1:6]):
            module = "MKLConfig"  # Intel's own package file called find_package_handle_standard_args (2023's MKLConfig.cmake)
        if not module and "FindPackageHandleStandardArgs" in self.finder and not any("Call Stack" in line for line in lines[:6]):
            named = re.match(r"\s*Could NOT find (BLAS|LAPACK)\b", self.text)  # no call stack pasted: which module called
            module = f"Find{named.group(1)}" if named else ""  # it is unknown, a BLAS search's words all the same
        kept = []
        for line in lines:  # a CMake message's own lines are indented; "Call Stack", "--" and the like end it
            if not line.startswith("  ") and self.finder or not line.strip() or line.lstrip().startswith(("Call Stack", "-- ")):
                break  # a configure script's message (no finder named) goes on unindented to its empty line
            if not self.finder and line.lstrip().startswith(("The command ", "Step ", "#")):
                break  # a container build's own lines after the script's message
            kept.append(line.strip())
            if not self.finder and line.rstrip().endswith("***"):
                break  # Kaldi's message ends with its stars
        return replace(self, more=tuple(kept), module=module, wants=0)


# a frame of CMake's call stack in one of CMake's own find modules ("/usr/share/cmake-3.25/Modules/FindBLAS.cmake:1346
# (...)"), past find_package_handle_standard_args' own (FindPackageHandleStandardArgs, FindPackageMessage)
_CMAKE_MODULE = re.compile(r"[/\\]share[/\\]cmake[^/\\]*[/\\]Modules[/\\](?P<name>Find(?!Package)\w+)\.cmake:\d+")
_MKLCONFIG = re.compile(r"(?:^|[/\\\s])MKLConfig\.cmake:\d+")


# the head of CMake's message from a file's command: "CMake Error at cmake/FindMKL.cmake:195 (IF):" (a path may hold spaces)
# CMake's head of a message ("CMake Error at x.cmake:146 (message):"), as a reporter may type it ("CMake error at ... (message) :")
CMAKE_AT = re.compile(r"CMake (?P<kind>[Ee]rror|[Ww]arning)(?: \(dev\))? at (?P<where>.+?) ?\((?P<cmd>\w+)\) ?:")


def cmake_head(before, kind: str | None = None) -> re.Match | None:
    """The last CMake message head (``CMake Error at <file>:<n> (<command>):``) among the lines before one, of ``kind``
    (Error or Warning) when given."""
    return next((h for line in reversed(list(before)) for h in [CMAKE_AT.search(line)]
                 if h and (kind is None or h.group("kind").lower() == kind.lower())), None)


def _said(m: re.Match, before) -> FinderSaid | None:
    text = m.string.strip()
    header = last_match(CMAKE_AT, before, within=3)
    finder, kind = (header.group("where"), header.group("kind").lower()) if header else ("", "")
    # CMake stops at a NOTFOUND library it is asked to use; meson's error() stops the (sub)project; a configure script
    # that says it failed (Kaldi's "***configure failed: MKL libraries could not be found", docker-kaldi-gstreamer#65)
    # (a Python exception raised by a setup.py's own search ends the build: pangeo-pytide#4's "RuntimeError: Unable to ...")
    if not kind and re.search(r"-NOTFOUND\b|^Problem encountered:|ERROR: Problem encountered:|configure failed\b|^(?:FATAL|ERROR)\b|"
                              r"meson\.build:\d+:\d+: ERROR: |^(?:\w+\.)*\w*(?:Error|Exception): ", text):  # meson's ERROR at a line
        kind = "error"
    script = not finder and "configure failed" in text  # Kaldi's: its switches follow ("Please use the switch --mkl-root")
    return FinderSaid(text.removeprefix("-- "), finder, kind, wants=6 if finder else 2 if script else 0,
                      status=bool(re.match(r"--|checking\b|Run-time dependency|Dependency|Found|Could NOT|\[? ?[Ii]nfo|INFO|"
                                           r"(?i:warning)", text)))


_PATTERN = finderwords.PATTERN  # its words: a finder's, a project's own, CMake's NOTFOUND value, meson's error()
# a finder's status that it "found" nothing: CLBlast's FindCBLAS read MKL_ROOT where setvars sets MKLROOT
# (CNugteren/CLBlast#435: "-- Found CBLAS: None"); a pattern of its own, anchored, for its needles
_FOUND_NOTHING = re.compile(r"^\s*(?:-- )?Found (?:MKL|CBLAS|BLAS|LAPACKE?)\w*: (?:None|\w*-NOTFOUND)\s*$")

@dataclass(frozen=True, slots=True)
class NonMklAsked:
    """A build command that asked for another BLAS than MKL (Kaldi's ``./configure --mathlib=ATLAS``, CMake's
    ``-DBLA_VENDOR=OpenBLAS``, ``-DUSE_MKL=OFF``): an MKL search after it means the switch did not take (kaldi#3217)."""

    switch: str


# a configure step's command line: a prompt, a folder, the tool, then the switch (group s) among its arguments; findblas
# reads the same line for the switch that asks for MKL
CONFIGURE_COMMAND = r"^\s*(?:\S*[#$>]\s+)?(?:\S*[/\\])?(?:configure|cmake)(?:\.exe)?\s.{0,2000}?\s"
_NON_MKL = re.compile(CONFIGURE_COMMAND + r"(?P<s>--mathlib=(?!MKL\b)\w+|-DBLA_VENDOR=(?!Intel)\w+|"
                      r"-D(?:USE|WITH|ENABLE)_MKL=(?:OFF|0|NO|FALSE)\b|--without-mkl\b)", re.I)

@dataclass(frozen=True, slots=True)
class MklConfigRan:
    """``CMake Debug Log at .../lib/cmake/mkl/MKLConfig.cmake:364 (find_path):``: MKL's own config ran (a listing of the
    folders find_package tried names MKLConfig.cmake files too, which did not run)."""

    path: str


# the debug log's head only: an error's or warning's head is the message's own (FinderSaid.finder reads it), never taken here
_CONFIG_RAN = re.compile(r"CMake Debug Log at (?P<path>\S*MKLConfig\.cmake):\d+")

SIGNATURES = (Signature("mklconfig-ran", "finders", "CMake", _CONFIG_RAN, lambda m, _: MklConfigRan(m.group("path"))),) + tuple(
    Signature(f"non-mkl-asked-{i}", "finders", needle, _NON_MKL, lambda m, _: NonMklAsked(m["s"]))
    for i, needle in enumerate(("--mathlib=", "BLA_VENDOR=", "MKL=OFF", "--without-mkl"))
) + tuple(
    Signature(f"finder-{needle.replace(' ', '-').lower()}", "finders", needle, _PATTERN, _said)
    for needle in finderwords.NEEDLES
) + tuple(
    Signature(f"finder-{needle.replace(' ', '-').lower()}", "finders", needle, _FOUND_NOTHING, _said)
    for needle in ("Found BLAS", "Found LAPACK", "Found CBLAS", "Found MKL")
) + (
    # CNTK's configure (CNTK#3813): "Cannot find a CPU math library.", then "Please specify --with-mkl, --with-openblas"
    Signature("cntk-no-math-library", "finders", "annot find a CPU math library", re.compile(r"Cannot find a CPU math library"),
              lambda m, _: FinderSaid(m.string.strip(), "", "error")),
) + builtwithout.SIGNATURES
# what a finder's words, or its file, say of why it failed
_MESON_COMPILER = ("meson names compilers by id: ifort is 'intel', ifx (and icx) 'intel-llvm' since meson 0.58: a meson.build "
                   "that handles MKL only for 'intel' and 'gcc' refuses ifx; update the project (and the subprojects that say it), or "
                   "build with ifort or gfortran")
_MESON_FIND_LIBRARY = ("meson's cc.find_library looks in the compiler's own library folders and the dirs: the meson.build "
                       "gives it: give it MKL's lib folder the way the project reads it (its option for MKL, or LIBRARY_PATH "
                       "with gcc and clang, LIB with MSVC, in the shell that runs meson setup), then meson setup --reconfigure")
_MKL_SYCL = ("mkl_sycl is oneMKL's single SYCL library; later releases split it by domain (mkl_sycl_blas, mkl_sycl_lapack, "
             "mkl_sycl_dft, ...), and on Windows its libraries are import libraries named *_dll.lib: a release whose folder "
             "has only mkl_sycl_blas_dll.lib and mkl_sycl_dll.lib (lc0#2465: oneAPI 2026.1) has no mkl_sycl to find: ask for "
             "the domain the code uses (mkl_sycl_blas), or the _dll name on Windows")
_VCPKG_PORT = ("vcpkg's intel-mkl port (before its 2023 releases) does not download MKL: it wraps an MKL that Intel's installer "
               "put in its default folder, and a port of 2020 looks only in Parallel Studio's (IntelSWTools\\compilers_and_"
               "libraries...), not oneAPI's (Intel\\oneAPI\\mkl, 2021 and newer): with oneMKL installed, update vcpkg (git pull; "
               "a port release that knows oneAPI's folder, or one that fetches MKL itself); without it, install oneMKL from "
               "Intel first; then run vcpkg install again")
# a Python package's setup.py that looks for a BLAS in the environment (fdasrsf_python#41: a plain pip environment has none)
_SETUP_PY_BLAS = (f"{recipes.pip_install('mkl-devel')} or {recipes.conda_install('mkl-devel')} (MKL has no package for "
                  f"{distribution.PYPI_NONE}: there, an OpenBLAS, {recipes.conda_install('openblas')})")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.cargo import BuildScriptFailed
    from mkldoctor.explain import mklconfigwhy
    from mkldoctor.explain import mklrootpath

    if events.of(BuildScriptFailed):
        return []  # a build script's own words: the cargo family quotes them
    # OMP_DLL_DIR is a variable of Intel's MKLConfig.cmake (libiomp5md.dll's folder, Windows), whatever file the log names
    omp = [e for e in events.of(FinderSaid) if "OMP_DLL_DIR" in e.text]
    ours = [e for e in events.of(FinderSaid) if not mklconfigwhy.claims(e)]  # 2023's MKLConfig.cmake without headers
    said = [e for e in ours if "MKLConfig.cmake" not in e.finder and e.module != "MKLConfig" and e not in omp
            and not e.blas_module]  # CMake's own FindBLAS: findblas says it
    said.sort(key=lambda e: bool(_PROSE.search(e.text)))  # a tool's words before a reporter's sentence about them (fdasrsf#51)
    config = [e for e in ours if ("MKLConfig.cmake" in e.finder or e.module == "MKLConfig") and e not in omp]
    out = [mklconfigfile.omp_dll_dir(omp[0], "error" if _failed(events, omp) else "warning")] if omp else []
    out += [builtwithout.finding(e) for e in events.of(builtwithout.BuiltWithoutMkl)[:1]]
    from mkldoctor.explain.blaslist import AutoconfTried  # configure's stop after its own check said no: blaslist's

    if events.of(AutoconfTried):
        said = [e for e in said if not re.match(r"configure(?::\d+)?: error: ", e.text)]
    if said and not mklrootpath.relative(events):  # MKLROOT set without its leading '/': mklrootpath's, with these words
        out.append(_finder_failed(said, events))
    if config:
        out.append(mklconfigfile.file_not_found(config))
    return out


_PROSE = re.compile(r"(?i)^\W*(?:the \w+ error )?\b(?:I|I'm|I've|we|my|our)\b.*|\bI (?:get|got|encounter|see)\b")


def _failed(events: Parsed, said: list[FinderSaid]) -> bool:
    # a program's own words that end the log (an install script's "Intel MKL not installed on this machine.", saf#63):
    # nothing ran after them
    from mkldoctor.explain.build import OtherPackageMissing

    last = said[-1]
    ends = not last.status and events.first_line.get(last, 0) >= events.lines - 2
    if events.of(OtherPackageMissing):  # the configure stopped at another package (PyMesh#325): MKL's search went on
        return any(e.kind == "error" for e in said) or ends
    return any(e.kind == "error" for e in said) or bool(events.of(FollowOn)) or bool(events.of(Unrecognised)) or ends


def _platform_layouts(platform: str) -> tuple[str, ...]:
    """The log comes from macOS or Windows (``platform``: :func:`_log_platform`'s), whose MKL folders differ from
    Linux's: where each layout keeps them (a finder written for Linux appends lib/intel64, which no macOS release has)."""
    if not platform:
        return ()
    where = "; ".join(f"{f.releases}: {f.libs}" for f in folders.LAYOUTS if f.platform == platform)
    head = ("macOS: MKL keeps its libraries in lib, with no intel64 folder in any release (one architecture), so a finder "
            "that appends lib/intel64 finds nothing there" if platform == "macos" else
            "Windows: the finder must find the .lib import libraries (mkl_rt.lib, or mkl_intel_lp64.lib, mkl_core.lib and a "
            "threading layer), whose folder differs by layout")
    return (f"{head}: give it that folder (CMAKE_LIBRARY_PATH=<it>, or the finder's own variable), or update the finder; "
            f"where each layout keeps them: {where}",)


# what sets MKLROOT, by the platform the log comes from: a finder run outside that environment sees none
_SETS_MKLROOT = {"windows": "Windows: run cmake from Intel's command prompt, or call setvars.bat (oneAPI; Parallel Studio: "
                            "compilervars.bat intel64) in the shell first",
                 "macos": f"{folders.SOURCE_SETVARS} sets it", "": f"{folders.SOURCE_SETVARS} sets it"}


def _log_platform(events: Parsed) -> str:
    from mkldoctor.explain.origin import log_platform

    return {"macOS": "macos", "Windows": "windows"}.get(log_platform(events) or "", "")


# the library a finder's variable names by its words (MKL_IFACE_LIB, MKL_SEQ_LIB, MKL_CORE_LIB, MKL_OMP_LIB...)
_VARIABLE_LIBRARY = (("OMP", "iomp5"), ("IFACE", "mkl_intel_lp64"), ("INTERFACE", "mkl_intel_lp64"), ("SEQ", "mkl_sequential"),
                     ("THREAD", "mkl_intel_thread"), ("CORE", "mkl_core"))


def _example_file(variable: str, platform: str) -> str:
    """An example of the file a finder's variable wants, named as the log's platform names it."""
    name = next((lib for word, lib in _VARIABLE_LIBRARY if word in variable), "mkl_rt")
    if platform == "windows":
        return ("<oneapi>\\compiler\\<ver>\\lib\\libiomp5md.lib" if name == "iomp5" else
                f"<MKL prefix>\\lib\\{name}.lib")
    folder = "<oneapi>/compiler/<ver>/lib" if name == "iomp5" else "<MKL prefix>/lib"
    return f"{folder}/lib{name}.{'dylib' if platform == 'macos' else 'so'}"


def _pointed(named: tuple[str, ...], platform: str, first: bool, meson: bool = False) -> tuple[str, ...]:
    """The finder's own lines, and how such finders are pointed at MKL: first on Windows, where MKLROOT is set only in
    Intel's command prompt (or by setvars.bat), so a cmake run from a plain one sees none; not before what the finder's
    own words say of a cause (``first`` false: vcpkg's port, TriBITS, Intel's OpenMP, headers). A meson build is pointed
    its own way (the lines in ``named``): CMake's -D is not its."""
    if meson:
        return named
    point = ("point the finder at MKL the way it reads: most read MKLROOT (" + _SETS_MKLROOT[platform] + ") or a variable "
             "of their own (MKL_ROOT, MKL_DIR, INTEL_MKL_DIR): cmake -D<that variable>=<MKL prefix>; the finder's file lists the "
             "names it reads and the folders it tries (grep -n 'ENV\\|HINTS\\|PATHS\\|SUFFIXES' <the finder>)")
    return (point, *named) if platform == "windows" and first else (*named, point)


def _finder_failed(said: list[FinderSaid], events: Parsed) -> Finding:
    # MKL's own search first, then the others it fed (LAPACK's); Intel's OpenMP first where MKL's own libraries were found
    # (wav2letter#548: "Library mkl_gf_lp64: /opt/intel/mkl/lib/intel64/..." then "Library iomp5: not found")
    runtime_only = any("/libmkl_" in p for p in events.paths()) and any(re.search(r"\biomp5\b", e.text) for e in said)
    said = sorted(said, key=lambda e: (not (runtime_only and re.search(r"\biomp5\b", e.text)), "mkl" not in e.text.lower()))
    finders = list(dict.fromkeys(e.finder for e in said if e.finder))
    lines = list(dict.fromkeys(line for e in said for line in (e.text, *e.more)))
    looked = [e.text.split("--", 1)[-1].strip() for e in said if "Library mkl" in e.text]
    where = f" ({finders[0]})" if finders else ""
    evidence = [f"the project's own finder{where} says: " + " ".join(lines[:3])]
    evidence += [f"  {line}" for line in lines[3:8]]
    if looked and not runtime_only:
        evidence.append(f"it looked for {len(looked)} libraries and found none: {', '.join(looked[:4])}")
    config = next((e.path for e in events.of(MklConfigRan)), "") or next((f for f in finders if "MKLConfig.cmake" in f), "")
    if config:  # MKL's own config said it (its find_path in the log, or the head of its message)
        evidence.append(f"this is Intel's MKLConfig.cmake ({config}): it looks in the MKL prefix it belongs to (MKL_ROOT) for "
                        "mkl.h and the libraries, and what it names missing is not in that prefix: a prefix without MKL's "
                        "headers (mkl-devel's or a runtime package's config without mkl-include), or another release's files")
    else:
        evidence.append("this is not Intel's MKLConfig.cmake but the project's (or CMake's FindBLAS): it searches where its authors "
                        "wrote, which an MKL in another layout is not; MKL may well be installed")
    asked = list(dict.fromkeys(re.findall(r"\b(MKLROOT|MKL_ROOT|MKL_DIR|INTEL_MKL_DIR|CMAKE_PREFIX_PATH|"
                                          r"[A-Z][A-Z0-9_]*_(?:ROOT|DIR|PATH|LIB|LIBRARY))\b", " ".join(lines))))
    asked = [v for v in asked if v not in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH", "LIBRARY_PATH",
                                           "PKG_CONFIG_PATH", "CMAKE_LIBRARY_PATH", "CMAKE_INCLUDE_PATH")]  # not a prefix
    severity = "error" if _failed(events, said) else "warning"
    whose = "MKL's own CMake config (MKLConfig.cmake)" if config else "the project's own search for MKL"
    title = (f"{whose} failed" if severity == "error" else
             f"{whose} found none, and the build went on without it") + f"{where}: {' '.join(said[0].text.split())[:120]}"
    if runtime_only:
        title = (f"{whose}{where} found MKL's libraries but not Intel's OpenMP runtime (libiomp5), which its threaded "
                 "combinations need" + (": it failed" if severity == "error" else ""))
    platform = _log_platform(events)
    layouts = base_layouts = _platform_layouts(platform)
    said_text = " ".join(lines + finders)
    if "Problem encountered" in said_text and "compiler" in said_text:
        layouts = (_MESON_COMPILER, *layouts)
    if re.search(r"Fortran (?:shared or static )?library '(?:mkl_\w+|iomp5)' not found", said_text):
        layouts = ("meson's Fortran probe (fc.find_library) links a test program with that library alone; with Intel's 2021 "
                   "and newer Fortran compilers the program's own runtime (libifcoremt) calls Intel's OpenMP, which the probe "
                   "does not give, so an MKL that is there is reported not found (meson-log.txt shows the probe's undefined "
                   "__kmpc_ names): projects that fixed it look MKL up with the C compiler (cc.find_library, as dftd4's and xtb's "
                   "later releases do); update the project, or build with gfortran", *layouts)
    if re.search(r"(?:C|C\+\+) (?:shared or static )?library '[^']+' not found", said_text):  # meson's cc.find_library
        layouts = (_MESON_FIND_LIBRARY, *((_MKL_SYCL,) if "'mkl_sycl'" in said_text else ()), *layouts)
    if re.search(r"(?i)\bin the (?:conda|anaconda) (?:distribution|environment|env)\b", said_text):  # pangeo-pytide#4
        layouts = ("this finder looks in the conda environment of the Python that runs the build: run it with a conda "
                   f"environment's Python where MKL is installed ({recipes.conda_install('mkl-devel')}), not a system Python; or "
                   "give the project's own option for an MKL elsewhere (python setup.py build --help lists them; "
                   "pangeo-pytide's --mkl-root)", *layouts)
    headers = re.search(r"(?i)\bheader|\bMKL_INCLUDE", said_text)
    libraries = re.search(r"(?i:\blibrar(?:y|ies)\b(?!\s+(?:mkl|')))|\b(?!(?:OMP|TBB)_)[A-Za-z]\w*_LIB(?:RARY|RARIES)?\b", said_text)
    neither = ()  # the check before any layout: MKL there at all
    if headers and libraries:  # vcpkg#24269's "missing: MKL_INCLUDE_DIR MKL_Core_LINK_LIBRARY ...", vsag's "libraries/headers"
        neither = ("the finder found neither MKL's headers nor its libraries: first see whether MKL is installed where the "
                   "build runs at all (find / -name mkl.h; a package manager's MKL port or a CI image may install none); if "
                   f"not, install it ({recipes.conda_install('mkl-devel')}, or pip's mkl-devel; a vcpkg port that installs "
                   "MKL itself, vcpkg#29437), then point the finder at it",)
    elif headers:
        layouts = ("the finder found MKL's libraries but not its headers: a runtime package alone has none; install them: "
                   f"{recipes.pip_install('mkl-include')} or {recipes.conda_install('mkl-include')} (mkl-devel brings both), "
                   "oneAPI's MKL has them; then give the finder their folder (CMAKE_INCLUDE_PATH=<prefix>/include)", *layouts)
    if re.search(r"(?i)iomp5|\bOMP (?:library|lib)\b|OpenMP (?:librar|runtime)", said_text):
        layouts = ("Intel's OpenMP runtime (libiomp5, libiomp5md on Windows) is the compiler's, not MKL's: oneAPI keeps it in "
                   "<oneapi>/compiler/<ver>/lib (Windows: compiler\\<ver>\\lib for the .lib, bin for the DLL), not under MKLROOT, Parallel "
                   "Studio and MKL 2020 and older in compilers_and_libraries_<ver>/linux/lib/intel64 (/opt/intel/lib/intel64), "
                   "and conda and pip in the environment's lib (Library\\lib): give the finder that folder (CMAKE_LIBRARY_PATH, "
                   "or its own hint variable), or source setvars.sh/setvars.bat, which sets CMPLR_ROOT", *layouts)
        from mkldoctor.explain.mklrootpath import iomp_under_root
        layouts = (*filter(None, [iomp_under_root(events)]), *layouts)
    if re.search(r"\(static\)|(?<!shared or )\bstatic (?:MKL|librar|archive)|MKL_STATIC_LINK\b", said_text):  # vsag#1795
        layouts = ("the finder asks for MKL's static archives (libmkl_*.a): they are a package of their own (pip's and "
                   "conda's mkl-static, oneAPI's intel-oneapi-mkl-devel); an MKL runtime install has only the shared "
                   "libraries: install them, or switch the project to MKL's shared libraries (its static option off, vsag's "
                   "MKL_STATIC_LINK=OFF)", *layouts)
    if re.search(r"(?i)\blibrar(?:y|ies)\s+-q?mkl(?:=\w+)?(?![\w.-])", said_text):  # the Einstein Toolkit's PETSc thorn (et2#986)
        layouts = ("the name it could not find is Intel's compiler option -mkl (-qmkl since oneAPI), given where a library "
                   "list belongs: it links MKL when the compiler gets it, and is no library to search for; leave it out of "
                   "the library list (and name MKL's libraries there, if this part needs them: mkldoctor link --format "
                   "flags)", *layouts)
    old_names = sorted(set(re.findall(r"libguide\d*|mkl_intel_c(?:_dll)?(?![a-z0-9])", said_text)))
    if old_names:  # openmeeg#448: a finder of MKL 10's day, which a oneAPI MKL never satisfies
        layouts = (f"the finder looks for {', '.join(old_names)}: names no current MKL has (libguide40 was Intel's OpenMP runtime "
                   "up to MKL 10.0, mkl_intel_c its 32-bit interface, gone with oneMKL 2025): it was written for an old MKL; "
                   "update the project to a release whose finder knows oneAPI's names, or give it today's libraries by hand "
                   "(mkl_rt, or mkl_intel_lp64, a threading layer and mkl_core; libiomp5md)", *layouts)
    if "TPL_BLAS_NOT_FOUND" in said_text or "TPL_LAPACK_NOT_FOUND" in said_text:
        layouts = ("TriBITS (Trilinos) looks for a library literally named blas (and lapack) unless told: give it MKL's "
                   "line: -DTPL_BLAS_LIBRARIES=\"-L${MKLROOT}/lib -lmkl_rt -lpthread -lm -ldl\" -DTPL_LAPACK_LIBRARIES=<the "
                   "same> (or BLAS_LIBRARY_NAMES='mkl_rt' with BLAS_LIBRARY_DIRS)", *layouts)
    switch = re.search(r"(?i)(?:use|with) the (?:switch|option) (?P<s>--[\w-]+)", said_text)
    if switch:  # a configure script's own words (Kaldi's --mkl-libdir, docker-kaldi-gstreamer-server#65)
        layouts = (f"give the configure script MKL's folder with the switch it names: {switch.group('s')}=<the folder> (a "
                   "-root switch: the MKL prefix; a -libdir switch: its lib folder); where MKL is not installed, install it "
                   "(Kaldi: tools/extras/install_mkl.sh) or choose the script's other math library instead (Kaldi: "
                   "--mathlib=OPENBLAS or --mathlib=ATLAS), whose default may have become MKL", *layouts)
    if "ports/intel-mkl" in said_text or "vcpkg" in said_text and "install MKL" in said_text:
        layouts = (_VCPKG_PORT, *layouts)
    other_blas = events.of(NonMklAsked)
    if other_blas:  # kaldi#3217: configure's default MKLROOT made it switch to MKL whatever --mathlib said (fixed by PR #3216)
        evidence.append(f"the build was asked for another BLAS ({other_blas[0].switch}) and searched for MKL anyway: its switch "
                        "did not reach the choice (a configure bug, or a setting a cache kept)")
        layouts = (f"the build ignored {other_blas[0].switch}: update the project (Kaldi: a revision with PR #3216, which fixed its "
                   f"configure's switch to MKL), or clear what it kept ({recipes.CMAKE_RESET}, or a config.status) and configure "
                   "again; giving it MKL's folder is the fix only if MKL was meant", *layouts)
    meson = bool(re.search(r"meson\.build:\d|meson-log\.txt", said_text))  # CMake's variables and caches are not meson's
    if python := not meson and "setup.py" in said_text:  # a Python package's own build script (fdasrsf_python#41)
        evidence[-1] = ("this is the Python package's own setup.py: it looks for a BLAS by file name in the folders it chose "
                        "(most often the environment's own lib), where a plain pip environment has none")
        layouts = (f"install a BLAS into the environment the package is built in, then install it again: {_SETUP_PY_BLAS}; or "
                   "give setup.py the BLAS's folder the way its message says (its own variable, or an edit of its path)",)
    named = layouts if meson or python else layouts + tuple(
        (f"the finder's own message names {var}: give it the library's full path (cmake -D{var}=<the file, e.g. "
         f"{_example_file(var, platform)}>)")
        if var.endswith(("_LIB", "_LIBRARY")) else
        (f"the finder's own message names {var}: CMake's search for MKL's own config (find_package(MKL CONFIG)) found no "
         f"MKLConfig.cmake; give it its folder: cmake -D{var}=<MKL prefix>/lib/cmake/mkl (oneAPI 2021 and newer, conda's and "
         "pip's mkl-devel; or -DCMAKE_PREFIX_PATH=<MKL prefix>)") if var == "MKL_DIR" else
        (f"the finder's own message names {var}: set it to MKL's include folder (cmake -D{var}=<MKL prefix>/include, "
         "the folder of mkl.h)") if var.endswith(("_INCLUDE_DIR", "_INCLUDE_DIRS", "_INCLUDE")) else
        (f"the finder's own message names {var}: set it to the MKL prefix (export {var}=<MKL prefix>, or "
         f"cmake -D{var}=<MKL prefix>; oneAPI's setvars.sh sets MKLROOT)") for var in asked[:2])
    linux = () if layouts or python else (  # Linux's (and Windows') folders of each release; a macOS log has its own line above
        "a finder written before oneAPI looks in /opt/intel/mkl and lib/intel64 or lib/intel64_lin: oneAPI installs in "
        "/opt/intel/oneapi/mkl/<ver> (and /opt/intel/oneapi/mkl/latest), 2021-2023 with the "
        f"libraries in mkl/<ver>/lib/intel64, {folders.ONEAPI_FLAT} and newer in mkl/<ver>/lib: give it that folder "
        "(CMAKE_LIBRARY_PATH=<it>), or use Intel's MKLConfig.cmake: find_package(MKL CONFIG) with -DMKL_DIR=<prefix>/lib/cmake/mkl",)
    # a project's message that names its own instructions ("see https://.../Setup-CNTK-on-Windows#optional-mkl", CNTK#791)
    guide = next((f"the project's message points at its own instructions for MKL: {m.group(0).rstrip('.,;)')} (a package "
                  "of MKL of its own, or a variable it reads)" for e in said for m in [re.search(r"https?://\S+", e.text)] if m),
                 None)
    return Finding(
        "mkl-finder-failed", severity, title, tuple(evidence),
        ((guide,) if guide else ()) + neither + _pointed(named, platform, first=layouts == base_layouts, meson=meson or python)
        + linux + (("meson setup --wipe <build dir>   # a failed search stays in the build folder's state",) if meson else
                   () if python else ("with CMake's FindBLAS: cmake -DBLA_VENDOR=Intel10_64lp -DCMAKE_PREFIX_PATH=<MKL prefix>",
                                      recipes.cmake_reset())),
        ("Intel's MKLConfig.cmake, which MKL installs beside its libraries, finds only the MKL of its own prefix: a "
         "config found through MKL_DIR or CMAKE_PREFIX_PATH whose prefix lacks the headers or libraries it looks for (a "
         "package that brings the config without them) reports them missing." if config else
         "A project that ships its own FindMKL.cmake (or checks in its configure script or setup.py) decides by itself where MKL may be, "
         "from the variables and folders its authors knew. MKL's folders moved with oneAPI (2021) and again in 2024, so an "
         "older finder misses a newer MKL, and a newer finder may not read the variable a user set."),
        ("grep -n -i -B2 -A8 mkl <build dir>/meson-logs/meson-log.txt   # each probe meson ran, and how it failed",) if meson else
        ("python -c 'import sys; print(sys.prefix)'; ls <that prefix>/lib | grep -iE 'mkl|blas'   # what the script can find",
         "grep -n -i -B3 -A3 'blas' setup.py   # the folders and names it searches") if python else
        ("cmake --debug-find-pkg=MKL <source dir>   # each folder find_package tried (CMake 3.23+)",
         "cmake --trace-expand --trace-source=<the finder's file> <source dir>   # the finder's own steps"),
    )
