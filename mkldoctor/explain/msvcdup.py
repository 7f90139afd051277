"""link.exe's LNK2005 ``X already defined in Y``: a name defined twice on one link (LNK1169 then ends it).

``mkl_core.lib(mkl_verbose.obj) : error LNK2005: mkl_serv_verbose_mode already defined in
mkl_intel_thread_dll.lib(mkl_intel_thread.3.dll)`` (an OpenSees fork's build notes): MKL's static libraries beside the
import libraries of its DLLs, which a build takes from two sources (Intel's MKLConfig.cmake for one target, CMake's
FindLAPACK for another); each kind carries MKL's own names. A BLAS or LAPACK name twice is MKL beside another BLAS
(OpenBLAS's, reference LAPACK's .lib), OpenMP's names twice Intel's runtime beside Microsoft's (vcomp, from /openmp).
Names of no library of MKL's are left to the unrecognised lines (the C runtime's /MT against /MD is no MKL fault).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain import blasnames
from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import facts, folders, kinds


@dataclass(frozen=True, slots=True)
class MsvcDefinedTwice:
    name: str
    file: str  # the library (or object) that defines it again: mkl_core.lib
    other: str  # the one that defined it first: mkl_intel_thread_dll.lib ("" where the line was cut)
    line: str


_LNK2005 = re.compile(r"^(?:\d+>)?\s*(?P<file>[^\s:()]+?\.(?:lib|obj|o))(?:\([^)]*\))?\s*:\s*error LNK2005:\s*"
                      r"(?P<name>[^\s\"]+) already(?: defined in (?P<other>[^\s()]+?\.(?:lib|obj|o))\b)?", re.I)
_BLAS_LIB = re.compile(r"^(?:lib)?(?:openblas|blas|lapack|cblas|lapacke|flexiblas)\w*\.lib$", re.I)


def _blas(name: str) -> bool:
    return blasnames.is_blas_name(name) or blasnames.is_blas_name(name.lower() + "_")  # Windows' DGEMM, dgemm


def _said(m: re.Match, _) -> MsvcDefinedTwice | object:
    name, file, other = m.group("name"), m.group("file"), m.group("other") or ""
    files = [folders.file_name(f) for f in (file, other) if f]
    mkl = any(kinds.windows_lib_kind(f) or f.lower().startswith("libiomp5") for f in files)
    if not (mkl or facts.looks_like_mkl(name) and not name.startswith("mkl_") or facts.is_openmp_symbol(name)):
        return NOT_MINE  # no library or name of MKL's: a line no rule reads
    return MsvcDefinedTwice(name, file, other, m.string.strip()[:300])


SIGNATURES = (
    Signature("msvc-defined-twice", "msvcdup", "rror LNK2005", _LNK2005, _said),
    Signature("msvc-multiply-defined-count", "msvcdup", "rror LNK1169", re.compile(r"fatal error LNK1169\b.*"),
              lambda m, _: FollowOn(m.group(0)[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MsvcDefinedTwice)
    if not said:
        return []
    names = list(dict.fromkeys(e.name for e in said))
    libraries = list(dict.fromkeys(folders.file_name(f) for e in said for f in (e.file, e.other) if f))
    kinds_seen = {k for k in map(kinds.windows_lib_kind, libraries) if k}
    evidence = [said[0].line, *(e.line for e in said[1:2]), "the libraries that define them: " + more(libraries, 6)]
    confirm = ("add /VERBOSE:LIB to the link (MSBuild: Linker > General > Show Progress): link.exe lists each library it "
               "searches, in order; dumpbin /SYMBOLS <a .lib> | findstr <name> shows which define a name",)
    locations = ctx.located(said, "already defined")
    if kinds_seen == {"static", "dll"}:
        static = [lib for lib in libraries if kinds.windows_lib_kind(lib) == "static"]
        dynamic = [lib for lib in libraries if kinds.windows_lib_kind(lib) == "dll"]
        return [Finding(
            "mkl-link-kinds-mixed", "error",
            f"MKL's static libraries ({more(static, 2)}) and the import libraries of its DLLs ({more(dynamic, 2)}) on one "
            f"link: each defines MKL's own names ({more(names, 2)})",
            (*evidence, "a name ending in _dll.lib (and mkl_rt.lib) is the import library of MKL's DLLs; one without it the "
             "static library: a program links one kind, not both"),
            ("take every MKL library of the link from one kind: static (mkl_intel_lp64.lib mkl_sequential.lib (or "
             "mkl_intel_thread.lib) mkl_core.lib) or dynamic (mkl_rt.lib alone, or mkl_intel_lp64_dll.lib "
             "mkl_intel_thread_dll.lib mkl_core_dll.lib with libiomp5md.lib)",
             "a CMake build that takes MKL from two sources (Intel's MKLConfig.cmake, MKL::MKL, for one target; "
             "find_package(BLAS/LAPACK)'s ${LAPACK_LIBRARIES} for another): link one of them (drop ${LAPACK_LIBRARIES} "
             "where MKL::MKL is linked), or make them agree: -DMKL_LINK=static with -DBLA_STATIC=ON, or MKL_LINK=dynamic "
             "without it"),
            "MKL's static libraries and its DLLs' import libraries each carry MKL's internal names (mkl_serv_*); a link "
            "that takes both has two definitions of each, and link.exe stops at the first.",
            confirm, locations=locations)]
    if any(_blas(n) for n in names):
        others = [lib for lib in libraries if _BLAS_LIB.match(lib)]
        return [Finding(
            "mkl-api-defined-twice", "error",
            f"BLAS/LAPACK's {more(names, 3)} defined twice on one link: by MKL and by "
            + (more(others, 2) if others else "another library"),
            (*evidence, "MKL's interface layer (mkl_intel_lp64.lib, mkl_rt.lib) defines the BLAS and LAPACK API: a link "
             "that also takes another BLAS or LAPACK has two of each routine"),
            ("keep one BLAS: remove the other library (" + (more(others, 2) if others else "openblas.lib, libblas.lib, "
             "liblapack.lib") + ") from the link (MSBuild: Linker > Input > Additional Dependencies; CMake: the target's "
             "link libraries) when MKL is meant, or MKL's when the other is",),
            "A static link takes each object that defines a name it needs; two libraries that both define the API clash "
            "on the first name both give.", confirm, locations=locations)]
    if any(facts.is_openmp_symbol(n) for n in names):
        return [Finding(
            "openmp-linked-twice", "error",
            f"link.exe found OpenMP's names defined twice ({more(names, 3)}): two OpenMP runtimes on one link",
            (*evidence, "Intel's OpenMP runtime (libiomp5md.lib, which MKL's intel_thread layer needs) and Microsoft's "
             "(vcomp.lib, which /openmp brings) define the same omp_ names"),
            ("keep Intel's: compile with /openmp and link with /NODEFAULTLIB:vcomp.lib (vcompd.lib for Debug) and "
             "libiomp5md.lib (Intel's guidance for MKL's intel_thread layer with Microsoft's compiler)",
             "or no OpenMP in MKL: mkl_sequential.lib (or _dll.lib), and drop libiomp5md.lib"),
            "OpenMP runtimes share one set of names and keep one thread pool each; a program has room for one.",
            confirm, locations=locations)]
    return [Finding(
        "mkl-installs-mixed-in-link", "error",
        f"MKL's names ({more(names, 2)}) defined twice on one link: two copies of MKL's libraries ({more(libraries, 3)})",
        (*evidence, "each of MKL's libraries of one kind defines these once: two definitions are two copies, of two "
         "releases or two installs, or one library given twice in two folders"),
        ("link MKL's libraries from one folder of one install: one /LIBPATH (or LIB) for MKL, each library named once",),
        "A link that takes MKL's libraries from two installs (or two kinds) gets two definitions of MKL's internal names.",
        confirm, locations=locations)]
