"""A compiler that cannot find MKL's header, in MSVC's words and in other languages: ``main.cpp(1): fatal error C1083:
Cannot open include file: 'mkl.h': No such file or directory`` (in any language: ``无法打开包括文件: “mkl.h”``), gcc's
``致命错误：mkl.h：没有那个文件或目录`` and ``schwerwiegender Fehler: mkl.h: Datei oder Verzeichnis nicht gefunden``.
Their event is :mod:`mkldoctor.explain.headermissing`'s, whose finding says Windows' folders for MSVC's.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mkldoctor.explain import fftwheaders, headermissing
from mkldoctor.explain.catalogue import Signature
from mkldoctor.knowledge.folders import ONEAPI_SETVARS_BAT


def _msvc(m: re.Match, before):
    event = headermissing.header_event(m, before)
    return replace(event, msvc=True) if isinstance(event, headermissing.HeaderMissing) else event


SIGNATURES = (
    Signature("msvc-header-missing", "headerwords", "error C1083",
              re.compile(r"^(?:\d+>)?(?:(?P<src>[A-Za-z]:[\\/].{1,300}?|[^(\s]{1,300})\(\d+(?:,\d+)?\)\s*:\s*)?fatal error C1083: .{0,200}?"
                         r"['\"“‘「](?P<h>[\w/\\.+-]{1,300}\.h(?:pp)?)['\"”’」]"), _msvc),
    # the same copied from Visual Studio's Error List, a column each (code, words, project, file, line), in any language:
    # "C1083<TAB>无法打开包括文件: “mkl.h”: No such file or directory (编译源文件 ...)<TAB>libcaffe<TAB>D:\...\x.hpp<TAB>7"
    # (the source the compiler was compiling, in the words' parentheses, is the project's: the file column may be its own header)
    Signature("msvc-header-missing-error-list", "headerwords", "C1083",
              re.compile(r"(?:^|\t)C1083\t[^\t]{0,200}?['\"“‘「](?P<h>[\w/\\.+-]{1,300}\.h(?:pp)?)['\"”’」][^\t(]*"
                         r"(?:\([^()\t]{0,40}?\s(?P<src>[^()\s]{1,300}\.(?:c|cc|cpp|cxx|cu))\))?"), _msvc),
    *(Signature(f"header-missing-translated-{i}", "headerwords", needle,
                re.compile(r"(?:^|\s)(?P<src>[^:\s]{1,300}):\d+:\d+: [^:：]{1,40}[:：] ?(?P<h>[\w/.-]{1,300}\.h(?:pp)?) ?[:：]"),
                headermissing.header_event) for i, needle in enumerate(("错误", "Fehler", "rreur", "шибка", "rrore", "エラー"))),
    # a Fortran INCLUDE of MKL's interface files (mkl_vsl.fi, mkl.fi), in fftwheaders' words of each compiler; its place is
    # on the lines above, or before it in an IDE's "file|line|Error: ..." (Code::Blocks')
    *(Signature(f"fortran-mkl-include-missing-{i}", "headerwords", needle,
                re.compile(r"(?:^|\s)(?:(?P<src>[^\s|]{1,300})\|\d+\|)?.{0,40}?" + fftwheaders.fortran_include(r"(?P<h>mkl\w*\.f(?:i|90))")),
                headermissing.header_event) for i, needle in enumerate(fftwheaders.FORTRAN_INCLUDE_NEEDLES)),
)

# MSVC finds a header in the /I folders of the compile line and the INCLUDE variable, which setvars.bat sets
WINDOWS_FIX = (
    f'set up the MKL the build means in the shell that builds: call "{ONEAPI_SETVARS_BAT}" '
    "(it sets INCLUDE, which cl.exe searches), or MSBuild's C/C++ > General > Additional Include Directories",
    'or add /I"<MKL prefix>\\include" to the compile line (CMake: link the target to MKL::MKL, which carries it); pip\'s '
    "and conda's mkl-include put the headers in <python prefix>\\Library\\include",
    "no MKL installed: see the recipe below",
)


def fortran_fix(header: str, windows: bool) -> tuple[list[str], str]:
    """The fix and the check for a Fortran INCLUDE of MKL's (``mkl_vsl.fi``): gfortran looks for it in the source's folder
    and the compile line's -I folders, not in CPATH or INCLUDE."""
    if windows:
        return ([f'add -I"%MKLROOT%\\include" to the Fortran compile line (Code::Blocks: Project > Build options > Search '
                 f'directories > Compiler): gfortran looks for {header} in the source\'s folder and the -I folders only; '
                 f'call "{ONEAPI_SETVARS_BAT}" first to set MKLROOT, or give the folder itself'],
                f'dir "%MKLROOT%\\include\\{header}"   # the folder to give with -I')
    return ([f'add -I"$MKLROOT/include" to the Fortran compile line: gfortran looks for {header} in the source\'s '
             "folder and the -I folders only (not CPATH); source /opt/intel/oneapi/setvars.sh first to set MKLROOT, or give "
             "the folder itself (pip's and conda's mkl-include: <prefix>/include)"],
            f"ls <MKL prefix>/include/{header}   # the folder to give with -I")


# projects whose installed headers pick MKL's header or cblas.h by a macro their own build defines (caffe#6033)
_SWITCHES = {"caffe/util/mkl_alternate.hpp": ("Caffe", "USE_MKL")}
_HEADER_ONLY = frozenset(("armadillo", "armadillo_bits", "boost", "blaze", "xtensor", "xtensor-blas", "viennacl", "nanobind"))
_INSTALLED = re.compile(r"/include/(?P<rest>(?P<project>[\w.+-]+)/\S+)$")
# a package builder's work tree: the project's own source being built there, not a header installed (ideep#34, FreeBSD's ports)
_WORK_TREE = re.compile(r"^/usr/ports/[\w.+-]+/[\w.+-]+/work/|/wrkdirs/|^/var/tmp/portage/|/rpmbuild/BUILD/|/spack-stage/|"
                        r"/pip-(?:req-build|install)-\w+/")


def _installed(source: str) -> re.Match | None:
    """Another project's header installed under an include folder (not MKL's own, not a builder's work tree)."""
    source = (source or "").replace("\\", "/")
    installed = _INSTALLED.search(source)
    if not installed or installed["project"].lower().startswith(("mkl", "oneapi")) or _WORK_TREE.search(source):
        return None
    return installed


def installed_switch(source: str, header: str) -> list[str]:
    """The fix when the file that asked for ``cblas.h`` is another project's installed header, not the program's code."""
    installed = _installed(source)
    if not installed:
        return []
    known = _SWITCHES.get(installed["rest"])
    if known:
        return [f"{source} is {known[0]}'s installed header: it includes MKL's mkl.h only when {known[1]} is defined, and "
                f"{header} otherwise; {known[0]}'s own build defines it for an MKL build, a program built against it must "
                f"too: compile with -D{known[1]}"]
    return [f"{source} is an installed header of {installed['project']}, not the program's code: which BLAS header it "
            f"includes follows a macro that {installed['project']}'s build defined; compile with the same definitions (its "
            "CMake target or pkg-config --cflags carries them)"]


def built_with_mkl(source: str, header: str) -> list[str]:
    """The fix when another project's installed header asks for an MKL header (ofxDlib's troubleshooting page: dlib's
    matrix_fft.h includes mkl_dfti.h because dlib was built where MKL was installed)."""
    installed = _installed(source)
    if not installed:
        return []
    project = installed["project"]
    if project.lower().startswith("eigen"):  # header-only: the program's own EIGEN_USE_MKL* define asks for MKL
        return [f"{source} is Eigen's header, which includes {header} because the program defines EIGEN_USE_MKL_ALL (or "
                "EIGEN_USE_MKL_VML, EIGEN_USE_LAPACKE): give the build MKL's include folder, or drop the define"]
    if project.lower() in _HEADER_ONLY:  # a macro of the program's own chose MKL there too
        return []
    return [f"{source} is {project}'s installed header, not the program's code: {project} was built with MKL, so its headers "
            f"ask for {header}; give this build MKL's include folder and libraries as {project}'s own build had them (its "
            f"CMake target or pkg-config carries them), or rebuild {project} without MKL"]


# projects whose build gets MKL's headers from MKLML, the small MKL their own script downloads into their tree
_MKLML = ((re.compile(r"(?:^|/)(?:src|include)/caffe/"), "Intel's Caffe (intel/caffe)", "external/scripts/prepare_mkl.sh",
           "BVLC's Caffe with BLAS := mkl takes an installed MKL instead: its include folder in Makefile.config's BLAS_INCLUDE"),
          (re.compile(r"(?i)(?:^|/)(?:ideep[^/]*|mkl-dnn|mkldnn)/"), "ideep (on MKL-DNN 0.x)",
           "scripts/prepare_mkl.sh of its MKL-DNN source", "or install MKL and give the build its include folder"))


def mklml_download(source: str | None, header: str) -> list[str]:
    """The fix when a project that downloads MKLML for itself misses an MKL header (intel/caffe#170: "you missed the mklml
    libraries", its external/scripts/prepare_mkl.sh; ideep#34: MKL-DNN's scripts/prepare_mkl.sh)."""
    path = (source or "").replace("\\", "/")
    for pattern, project, script, other in _MKLML:
        if header.startswith("mkl") and pattern.search(path):
            return [f"{project} builds on MKLML, the part of MKL that its own script downloads into its source tree: run "
                    f"{script} (it needs the network: behind a proxy, set https_proxy) and build again; {other}"]
    return []
