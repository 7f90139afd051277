"""A header of MKL's, or Eigen's glue to MKL, that stops the compile of a program that only includes it.

- A warning the build's ``-Werror`` turns into an error inside MKL's own headers: ``mkl_direct_blas.h:236: error: ignoring
  '#pragma vector ' [-Werror=unknown-pragmas]`` (MKL_DIRECT_CALL's inline kernels under GCC's -Wall; Eigen defines
  MKL_DIRECT_CALL for EIGEN_USE_MKL_ALL), or inside Eigen's MKL glue: ``Eigen/src/Core/Assign_MKL.h:59:41: error: converting
  the enum constant to a boolean [-Werror,-Wint-in-bool-context]`` (libeigen/eigen#2999, icpx and clang). Headers included
  with -isystem are exempt from warnings; with -I they are the program's own as far as -Werror goes.
- An error in Eigen's MKL glue itself: ``Assign_MKL.h:79:16: error: expected template-name before '<' token`` (eigen#923:
  the glue left behind by a rewrite of Eigen's evaluators), compiled only because the program defines EIGEN_USE_MKL_ALL.
- ``multiple definition of Eigen::ColPivHouseholderQR<...>::compute(...)``: Eigen is headers only, so a function of it
  defined twice is a specialization its MKL glue defined without ``inline`` (eigen#486, Eigen 3.1.0, fixed in 3.1.1).
- ``#error "This Intel <math.h> is for use with only the Intel compilers!"``: the Intel compiler's own headers, which a
  whole Intel install keeps in its top ``include`` folder beside MKL's, on GCC's include path (easybuild-framework#2469:
  imkl installed with every component, its ``<prefix>/include`` in a GCC toolchain's CPPFLAGS; fixed by installing the
  MKL component only, easybuild-easyconfigs#6234).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders

_EIGEN_GLUE = re.compile(r"Eigen[/\\]src[/\\](?:\w+[/\\])*\w*(?:_MKL|MKL_support|_LAPACKE|_BLAS|PardisoSupport)\.h\b")
_MKL_HEADER = re.compile(r"(?:^|[/\\])mkl(?:_\w+)?\.h$")
_ERROR = re.compile(r"(?:^|\s)(?P<file>[^\s:]+\.h(?:pp)?):(?P<ln>\d+)(?::\d+)?: (?:fatal )?error: (?P<msg>.+?)\s*$")
_WARNING = re.compile(r"\[-Werror(?:=(?P<w>[\w+=-]+)|,-W(?P<w2>[\w+=-]+))\]")


@dataclass(frozen=True, slots=True)
class HeaderFailed:
    file: str
    message: str
    warning: str  # the warning -Werror made an error; "" for an error of its own
    owner: str  # "MKL" or "Eigen"


@dataclass(frozen=True, slots=True)
class IntelCompilerHeader:
    header: str  # math.h
    line: str


@dataclass(frozen=True, slots=True)
class EigenDefinedTwice:
    name: str
    line: str


def _failed(m: re.Match, _) -> HeaderFailed | object:
    owner = "Eigen" if _EIGEN_GLUE.search(m["file"]) else "MKL" if _MKL_HEADER.search(m["file"]) else None
    if owner is None:
        return NOT_MINE  # another header's error: no rule of this module's
    warned = _WARNING.search(m["msg"])
    if warned is None and owner == "MKL":
        return NOT_MINE  # an error of its own in MKL's header (a clash, a missing include) is other rules' or unrecognised
    return HeaderFailed(m["file"], m["msg"][:200], (warned["w"] or warned["w2"]) if warned else "", owner)


SIGNATURES = (
    Signature("intel-compiler-header-elsewhere", "headerfail", "only the Intel compilers",
              re.compile(r"This Intel <(?P<h>[\w./]{1,60})> is for use with only the Intel compilers"),
              lambda m, _: IntelCompilerHeader(m["h"], m.string.strip()[:300])),
    Signature("header-error-in-mkl-or-eigen-glue", "headerfail", "rror: ", _ERROR, _failed),
    # g++'s message without its head, the place on a line of its own above it (libeigen/eigen#1629's report)
    Signature("eigen-glue-message-alone", "headerfail", "incompatible types",
              re.compile(r"^\s*(?:error: )?(?P<msg>incompatible types in (?:assignment|initialization) of .{1,200})$"),
              lambda m, before: HeaderFailed(p["file"], m["msg"][:200], "", "Eigen") if (p := last_match(
                  r"(?P<file>\S*Eigen[/\\]src[/\\]\S+\.h):\d+", before)) and _EIGEN_GLUE.search(p["file"]) else NOT_MINE),
    # the name's quotes may be lost in a paste (eigen#486's report): Eigen::... up to the line's end
    Signature("eigen-function-defined-twice", "headerfail", "multiple definition",
              re.compile(r"multiple definition of [`'‘]?(?P<name>Eigen::[^\n]{1,400}?)['’]?\s*$"),
              lambda m, _: EigenDefinedTwice(m["name"].split("(")[0], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    failed = events.of(HeaderFailed)
    warned = [e for e in failed if e.warning]
    if warned:
        out.append(_warned(warned))
    glue = [e for e in failed if not e.warning and e.owner == "Eigen"]
    if glue:
        out.append(_glue(glue))
    twice = events.of(EigenDefinedTwice)
    if twice:
        out.append(_twice(twice))
    intel = events.of(IntelCompilerHeader)
    if intel:
        out.append(_intel_header(intel[0], ctx.places))
    return out


# an Intel install's top include folder (not MKL's own <...>/mkl/include): a whole Parallel Studio, oneAPI compiler or
# EasyBuild imkl tree, whose include/ holds the compiler's math.h
_INTEL_TOP = re.compile(r"(?i)(?:imkl|intel|compilers_and_libraries|oneapi|parallel_studio)[^\s\"']*/include/?$")


def _intel_header(event: IntelCompilerHeader, paths: tuple[str, ...]) -> Finding:
    tops = list(dict.fromkeys(p for p in paths if _INTEL_TOP.search(p) and not re.search(r"(?i)/mkl/include/?$", p)))
    mkl = [p for p in paths if re.search(r"(?i)/mkl/include/?$", p)]
    return Finding(
        "intel-compiler-headers-on-path", "error",
        f"the Intel compiler's own <{event.header}> was found by another compiler: an Intel install's include folder is on "
        "its include path",
        (event.line,
         *(f"{p} is an Intel install's top include folder (the compiler's headers), on the include path"
           + (f"; MKL's headers are in {mkl[0]}" if mkl else "") for p in tops[:2]),
         f"the Intel compiler ships its own <{event.header}>, which refuses any other compiler; a whole Intel install "
         "(Parallel Studio, an EasyBuild imkl with every component) keeps it in <prefix>/include, beside MKL's own "
         "<prefix>/mkl/include"),
        ("give GCC (or clang) MKL's include folder only: -I<prefix>/mkl/include (MKLROOT/include), never the install's "
         "<prefix>/include",
         "EasyBuild: install imkl with MKL's component only (components = ['intel-mkl'] in its easyconfig, as every imkl "
         "easyconfig since easybuild-easyconfigs#6234 does), and rebuild what used the toolchain",
         "or compile with the Intel compiler whose headers those are (icc/icx: the toolchain's intel, not its GCC)"),
        "A compiler searches -I folders before its own: an Intel install's math.h, found first, stops GCC with its #error.",
        ("echo '#include <math.h>' | gcc -E -x c - $CPPFLAGS | grep -m3 'math.h'   # the math.h GCC finds first",),
    )


def _warned(said: list[HeaderFailed]) -> Finding:
    first = said[0]
    warnings = list(dict.fromkeys(e.warning for e in said))
    files = list(dict.fromkeys(e.file for e in said))
    direct = any(re.search(r"mkl_direct_\w+\.h$", f) for f in files)
    what = "Eigen's MKL glue" if first.owner == "Eigen" else "MKL's headers"
    return Finding(
        "header-warning-as-error", "error",
        f"-Werror turned a warning in {what} into an error: {folders.file_name(first.file)} "
        f"({', '.join(f'-W{w}' for w in warnings[:3])})",
        (f"{first.file}: {first.message}",
         f"{first.file} is {'part of Eigen' + chr(39) + 's MKL glue' if first.owner == 'Eigen' else 'one of MKL' + chr(39) + 's headers'}, "
         "not the program's: the build includes it with -I, so its warnings count as the "
         "program's, and -Werror stops the compile at the first one a newer compiler (or another compiler than the "
         "header's authors used) reports",
         *(("the file is one of MKL_DIRECT_CALL's inline kernels (mkl_direct_blas.h, mkl_direct_lapack.h): mkl.h includes "
            "them when MKL_DIRECT_CALL is defined, which Eigen's MKL_support.h does itself for EIGEN_USE_MKL_ALL unless "
            "EIGEN_MKL_NO_DIRECT_CALL is defined",) if direct else ()),
         *((f"the glue is compiled because the program defines EIGEN_USE_MKL_ALL (or EIGEN_USE_MKL_VML, EIGEN_USE_BLAS, "
            "EIGEN_USE_LAPACKE); libeigen/eigen#2999 (icpx and clang's -Wint-in-bool-context in Assign_MKL.h of Eigen "
            "5.0.0) was fixed by !2061",) if first.owner == "Eigen" else ())),
        ("include the library's headers as system headers, which compilers do not warn in: -isystem <the folder> in place "
         "of -I <the folder> (CMake: target_include_directories(<target> SYSTEM PRIVATE <the folder>); an imported target's "
         "folders, MKL::MKL's, are system ones already)",
         f"or keep the warning and not the error: {' '.join(f'-Wno-error={w}' for w in warnings[:3])} (after -Werror)",
         *(("or, where Eigen turned MKL_DIRECT_CALL on, leave it off: -DEIGEN_MKL_NO_DIRECT_CALL (MKL's calls then go "
            "through its libraries, without the inline kernels)",) if direct else ()),
         *(("or update Eigen to a revision whose MKL glue compiles cleanly with this compiler",) if first.owner == "Eigen" else ())),
        "-Werror makes every warning an error, in the headers a file includes as much as in the file; a header found "
        "through -isystem is the system's, and compilers do not warn about code in it.",
        ("<the same compile> -isystem <the header's folder>   # passes: the error was the header's warning",),
    )


def _glue(said: list[HeaderFailed]) -> Finding:
    first = said[0]
    pardiso = "PardisoSupport" in first.file
    return Finding(
        "eigen-mkl-glue-error", "error",
        f"Eigen's MKL glue does not compile: {folders.file_name(first.file)}: {first.message[:120]}",
        (f"{first.file}: {first.message}",
         *(f"and {folders.file_name(e.file)}: {e.message[:120]}" for e in said[1:3]),
         "the file is Eigen's wrapper of MKL's PARDISO, compiled because the program includes <Eigen/PardisoSupport>: the "
         "error is in that revision of Eigen, not in the program or in MKL (libeigen/eigen#1629: m_pt(0) in PardisoImpl's "
         "constructor, a development revision of 2018-11, fixed 2019-03)" if pardiso else
         "the file is Eigen's glue to MKL, compiled only because the program defines EIGEN_USE_MKL_ALL (or EIGEN_USE_MKL_VML, "
         "EIGEN_USE_BLAS, EIGEN_USE_LAPACKE): the error is in that revision of Eigen, not in the program or in MKL "
         "(libeigen/eigen#923: the glue not yet brought along a rewrite of Eigen's evaluators, fixed in 2015)"),
        ("update Eigen to a release whose MKL glue compiles (a release, not a development snapshot; the issue that matches "
         "the message names the fix)",
         "or, until then, solve with another of Eigen's sparse solvers (SparseLU, SimplicialLDLT) in place of PardisoLU/"
         "PardisoLDLT" if pardiso else
         "or build without the glue until then: remove EIGEN_USE_MKL_ALL (and EIGEN_USE_MKL_VML): Eigen then runs its own "
         "kernels, and MKL is still there for the program's own calls"),
        "Eigen is headers only; its calls into MKL are headers too, compiled into each file that defines EIGEN_USE_MKL_ALL, "
        "so an error in them stops the program's own compile.",
        ("grep -rn 'EIGEN_USE_MKL\\|EIGEN_USE_BLAS\\|EIGEN_USE_LAPACKE' <the sources and the build flags>",),
    )


def _twice(said: list[EigenDefinedTwice]) -> Finding:
    names = list(dict.fromkeys(e.name for e in said))
    return Finding(
        "eigen-mkl-glue-defined-twice", "error",
        f"{names[0][:120]} is defined twice: Eigen's header defines a specialization without inline (its MKL glue)",
        (said[0].line, "Eigen is headers only: a function of Eigen that two objects both define is one a header defines "
                       "outside a class without inline, so each file that includes it compiles its own copy; Eigen 3.1.0's "
                       "MKL/LAPACK glue (EIGEN_USE_MKL_ALL) specialized compute() so (libeigen/eigen#486, fixed in 3.1.1)"),
        ("update Eigen (3.1.1 or newer: the glue's specializations are inline)",
         "or define EIGEN_USE_MKL_ALL in one source file only, or not at all (EIGEN_USE_BLAS alone keeps MKL's BLAS)"),
        "A non-inline function defined in a header is defined once per object that includes it; the link then finds it twice.",
        ("grep -rn 'EIGEN_USE_MKL' <the sources and the build flags>",),
    )
