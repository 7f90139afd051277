"""Compiler options for MKL that a compiler refuses or retires.

- ``ifort: command line remark #10412: option '-mkl=cluster' is deprecated ... Please use the replacement option
  '-qmkl=cluster'``: Intel's oneAPI compilers renamed ``-mkl`` to ``-qmkl``; icx and ifx do not take ``-mkl`` at all
  (abacus-develop#784).
- ``gfortran: error: unrecognized command-line option '-fsycl-unnamed-lambda'``: a SYCL option that oneMKL's CMake
  target ``MKL::MKL_DPCPP`` (``MKL::MKL_SYCL``) carried to every language of the target that links it, so C and Fortran
  compilers got it (oneMath#116; oneMKL 2021.4 limits it to SYCL's C++); icx refusing ``-std=gnu99`` with ``-fsycl``
  (a C source given it: SUNDIALS#251); g++ refusing ``-fsycl`` itself where the project chose oneMKL's SYCL path with
  GNU's C++ compiler (BLAS++#53, the compiler named by CMake's "The CXX compiler identification is GNU").
- ``icx: error: -Wl,-rpath=$ORIGIN/../lib64: 'linker' input unused [-Werror,-Wunused-command-line-argument]``: clang's
  compilers (icx, icpx) given linker options on a compile-only call, under -Werror, as when MKL's FFTW interfaces are
  built with the compile flags and a wrapper that adds run paths (easybuilders/easybuild-easyblocks#2975).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class MklOptionRetired:
    compiler: str  # "ifort"
    option: str  # "-mkl=cluster"
    line: str
    dropped: bool = False  # refused or ignored (icx's "unknown argument: '-mkl'", warning #10006), not only deprecated


# Intel's oneAPI compilers, which take -qmkl and not -mkl (a refusal of -mkl by one of them is the rename's, not a
# compiler without MKL's option)
_INTEL_ONEAPI_CC = re.compile(r"(?:^|[/\\])(?:icx|icpx|ifx|dpcpp|icx-cl|icx-cc)(?:\.exe)?$")


def _refused(m: re.Match, _):
    if m.group("opt").startswith("-mkl") and _INTEL_ONEAPI_CC.search(m.group("cc")):
        return MklOptionRetired(m.group("cc"), m.group("opt"), m.string.strip()[:300], dropped=True)
    return MklOptionRefused(m.group("cc"), m.group("opt"), m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class MklOptionRefused:
    """GCC's or clang's refusal of Intel's compiler option for MKL: ``gcc: error: unrecognized command-line option
    '-qmkl=parallel'`` (produced with gcc), clang's ``unknown argument: '-qmkl'``."""

    compiler: str
    option: str
    line: str


@dataclass(frozen=True, slots=True)
class SyclOptionRefused:
    compiler: str  # "gfortran", "gcc", "icx"; "" where the line names none
    option: str  # "-fsycl-unnamed-lambda"
    standard: str = ""  # "-std=gnu99": a C standard the compiler refuses beside SYCL's option (a C source given it)


@dataclass(frozen=True, slots=True)
class CxxCompilerIdentified:
    """CMake's ``-- The CXX compiler identification is GNU 11.3.0``: the C++ compiler a build was configured with."""

    vendor: str  # "GNU", "IntelLLVM", "Clang", "MSVC"


@dataclass(frozen=True, slots=True)
class ModuleFlagRefused:
    """gfortran refusing Intel's module-folder option (-M<dir>, -module <dir>) while it compiles MKL's Fortran 95 interface
    sources (lapack.f90, blas.f90 from MKL's include folder: BenMql/coral#6)."""

    compiler: str
    option: str
    line: str


def _module_flag(m: re.Match, before):
    if not any(re.search(r"(?i)(?:mkl\S*/include/\w+|/include/mkl_\w+)\.f90\b", line) for line in (*before, m.string)):
        return NOT_MINE  # another build's flag: not MKL's interface modules
    return ModuleFlagRefused(m.group("cc"), m.group("opt"), m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class LinkerInputUnused:
    compiler: str
    option: str
    line: str


def _sycl_refused(m: re.Match, _) -> SyclOptionRefused:
    return SyclOptionRefused(m.group("cc") or "", m.group("opt"), m.groupdict().get("std") or "")


SIGNATURES = (
    Signature("clang-linker-input-unused-werror", "mklflags", "rror",
              re.compile(r"(?<![\w.+-])(?P<cc>[\w.+-]*(?:icx|icpx|clang\+*|dpcpp)[\w.+-]*): error: (?P<opt>\S+): 'linker' input "
                         r"unused \[-Werror,-Wunused-command-line-argument\]"),
              lambda m, _: LinkerInputUnused(m.group("cc"), m.group("opt"), m.string.strip()[:300])),
    Signature("gfortran-intel-module-flag", "mklflags", "nrecognized",
              re.compile(r"(?<![\w.+-])(?P<cc>[\w.+-]*(?:gfortran|f95)[\w.+-]*): error: unrecognized command[- ]line option "
                         r"[‘'`](?P<opt>-M\S+?|-module)[’'`]"), _module_flag),
    Signature("intel-mkl-option-deprecated", "mklflags", "command line ",
              re.compile(r"(?<!\w)(?P<cc>\w+): command line (?:remark|warning) #\d+: option '(?P<opt>-mkl\b[^']*)' is deprecated"),
              lambda m, _: MklOptionRetired(m.group("cc"), m.group("opt"), m.string.strip())),
    # an Intel driver's words for an option it does not know, which it leaves out of the build
    Signature("intel-mkl-option-ignored", "mklflags", "command line ",
              re.compile(r"(?:(?<!\w)(?P<cc>[\w.-]+): )?command line warning #10006: ignoring unknown option "
                         r"'(?P<opt>[-/]mkl\b[^']*)'"
                         r"(?:\s+(?P<tool>ifort|ifx|icl|icx)\b)?"),  # Visual Studio's Error List: the tool in a column after it
              lambda m, _: MklOptionRetired(m["cc"] or m["tool"] or "ifort", m["opt"], m.string.strip()[:300], dropped=True)),
    Signature("intel-mkl-option-refused", "mklflags", "rror",
              re.compile(r"(?<![\w.+-])(?P<cc>[\w.+-]+): error: (?:unrecognized command[- ]line option|unknown argument:) "
                         r"[‘'`](?P<opt>-q?mkl(?:=\w+)?)[’'`]"), _refused),
    # the compiler's name and "error:" may be cut by the paste (an issue's title: "unrecognized command-line option '-fsycl'")
    Signature("sycl-option-refused", "mklflags", "nrecognized",
              re.compile(r"(?:(?<![\w.+-])(?P<cc>[\w.+-]+): error: |^\W*)unrecognized command[- ]line option "
                         r"[‘'`](?P<opt>-f?sycl[\w=-]*)"), _sycl_refused),
    Signature("cmake-cxx-compiler", "mklflags", "compiler identification",
              re.compile(r"^-- The CXX compiler identification is (?P<id>\w+)"), lambda m, _: CxxCompilerIdentified(m["id"])),
    Signature("sycl-option-with-c-standard", "mklflags", "rror",
              re.compile(r"(?<![\w.+-])(?P<cc>[\w.+-]+): error: invalid argument [‘'`](?P<std>-std=[\w+]+)[’'`] not allowed "
                         r"with [‘'`](?P<opt>-f?sycl[\w=-]*)"), _sycl_refused),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    for event in events.of(MklOptionRetired)[:1]:
        new = event.option.replace("-mkl", "-qmkl", 1).replace("/mkl", "/Qmkl", 1)  # Windows' spelling: /Qmkl
        out.append(Finding(
            "mkl-compiler-option-retired", "error" if event.dropped else "warning",
            f"{event.compiler} takes {new}, not {event.option}: Intel's compilers renamed the option"
            + (", and this one left it out, so the build has no MKL" if event.dropped else ""),
            (event.line, "oneAPI's Intel compilers renamed -mkl to -qmkl (same values: sequential, parallel, cluster); the "
                         "classic ifort and icc warn, and icx and ifx do not take -mkl at all"
                         + ("; without it, the compile finds no mkl.h and the link no MKL library" if event.dropped else "")),
            (f"replace {event.option} with {new} in the build's flags",),
            "The compiler option that adds MKL's include folder and libraries to a build is -qmkl in Intel's oneAPI "
            "compilers; the old spelling goes away with the classic compilers.",
        ))
    for event in events.of(ModuleFlagRefused)[:1]:
        folder = event.option[2:] if event.option.startswith("-M") else "<dir>"
        out.append(Finding(
            "fortran-module-flag-refused", "error",
            f"{event.compiler} refused {event.option[:60]}: Intel's Fortran option for the module folder, while it compiled "
            "MKL's Fortran interface", (
                event.line,
                "MKL's Fortran 95 interfaces (lapack.f90, blas.f90 in MKL's include folder) are compiled by the project with "
                "its own Fortran compiler; the build's module-folder option is Intel's spelling (-module <dir>, or -M<dir> "
                "of some makefiles), which gfortran does not take: its own is -J<dir>"),
            (f"give gfortran its own option: -J{folder} (the build's module-folder variable for the GNU compilers; a "
             "project's per-compiler settings file, when it has one)",
             "or build with the Intel Fortran compiler that the flags were written for (ifx, ifort)"),
            "Fortran compilers write .mod files to a folder each names its own way: gfortran -J, Intel's -module, NVIDIA's "
            "-module; a build's flags written for one are refused by another.",
            ("mpif90 --showme   # (Open MPI; MPICH: -show) the compiler the MPI wrapper runs",),
        ))
    for event in events.of(MklOptionRefused)[:1]:
        value = event.option.partition("=")[2] or "parallel"
        threading = {"sequential": "sequential", "parallel": "gnu", "cluster": "gnu"}.get(value, "gnu")
        out.append(Finding(
            "mkl-compiler-option-refused", "error",
            f"{event.compiler} does not take {event.option}: it is an option of Intel's compilers, which link MKL for it",
            (event.line, "-qmkl (-mkl before oneAPI) makes Intel's compilers (icx, icpx, ifx; icc, ifort) add MKL's include "
                         "folder and libraries; GCC and clang have no such option, so a build whose flags were written for "
                         "Intel's compilers stops when another compiler runs them"),
            (f"give this compiler MKL's flags instead: mkldoctor link --threading {threading} --format flags prints its "
             "compile and link flags (pkg-config --cflags --libs mkl-dynamic-lp64-"
             f"{'seq' if threading == 'sequential' else 'gomp'} with MKL's .pc files)",
             "or build with Intel's compiler the flags were written for (source setvars.sh; CC=icx, FC=ifx)"),
            "MKL's compiler option is Intel's; other compilers take MKL as ordinary include folders and libraries.",
            (f"{event.compiler} --version   # the compiler the build ran",),
        ))
    unused = events.of(LinkerInputUnused)
    if unused:
        first = unused[0]
        options = list(dict.fromkeys(e.option for e in unused))
        out.append(Finding(
            "linker-input-unused-werror", "error",
            f"{first.compiler} was given the linker's {', '.join(options[:2])} while only compiling, and -Werror made the "
            "warning an error", (
                first.line,
                "a compile-only call (-c) uses no linker options: clang's compilers (icx, icpx) warn "
                "(-Wunused-command-line-argument), and the build's -Werror turns that into an error; a compiler wrapper that "
                "adds run paths to every call (EasyBuild's with --rpath, Spack's) or LDFLAGS put into CFLAGS does this"),
            ("add -Wno-unused-command-line-argument to the compile flags of that build (EasyBuild's imkl easyblock does so "
             "for MKL's FFTW interfaces since easybuild-easyblocks#2975: update it), or drop -Werror there",
             "or keep the linker's options out of the compile flags: -Wl,... in LDFLAGS only"),
            "Compilers built on clang check that every option is used; a linker option on a call that does not link is "
            "unused, and -Werror makes every warning fatal.",
            ("make V=1   # the compile line, with the -Wl, option and -Werror",),
        ))
    refused = events.of(SyclOptionRefused)
    if refused:
        cxx = events.of(CxxCompilerIdentified)
        out.append(_sycl_finding(refused, cxx[-1].vendor if cxx else ""))
    return out


_TARGET_OPTIONS = ("A CMake target's compile options reach every source of every target that links it, whatever the language, "
                   "unless they are guarded by $<COMPILE_LANGUAGE:CXX>.")
_CXX = re.compile(r"(?:^|[-/])(?:g\+\+|c\+\+|clang\+\+)(?:-[\d.]+)?$")  # GNU's and clang's C++ drivers, a target's prefix or not


def _sycl_finding(refused: list[SyclOptionRefused], cxx: str) -> Finding:
    """oneMKL's SYCL option refused: by a C source's compiler (the option leaked to C or Fortran), or by a C++ compiler that
    is no SYCL compiler (``cxx``: the vendor CMake identified, "" where the log does not say)."""
    first = refused[0]
    named = [e.compiler for e in refused if e.compiler]  # gfortran's or gcc's refusal is the option leaked to its language
    compilers = list(dict.fromkeys(named)) or [f"the {cxx} C++ compiler" if cxx else "the compiler"]
    said = (f"{compilers[0]}: invalid argument {first.standard} not allowed with {first.option}" if first.standard
            else f"{', '.join(compilers)}: unrecognized command-line option {first.option}")
    if first.standard:  # icx (clang) compiling C with SYCL's option: SYCL is C++ (SUNDIALS#251)
        return Finding(
            "mkl-sycl-option-leaked", "error",
            f"{compilers[0]} compiled a C source with {first.option}: SYCL's option reached C, whose standard "
            f"({first.standard}) SYCL refuses",
            (said, "SYCL is C++: Intel's compiler refuses a C language standard with -fsycl; the option came to a C source "
                   "from the compile options of a target it links (oneMKL's SYCL target MKL::MKL_SYCL, MKL::MKL_DPCPP "
                   "before 2024) or from flags the project gives every language"),
            ("give SYCL's options to the C++ sources only: link MKL::MKL_SYCL (MKL::MKL_DPCPP) from a target of SYCL C++ "
             "sources and MKL::MKL (no SYCL) from the C ones, or guard an option of the project's own with "
             "$<$<COMPILE_LANGUAGE:CXX>:-fsycl>",
             "or, as SUNDIALS#251's reporter found, the failure goes when the C target has no C standard option "
             "(CMAKE_C_STANDARD unset) or when -fsycl no longer reaches it"),
            _TARGET_OPTIONS,
            ("cmake --build <build dir> -- VERBOSE=1   # the C compile line, with -fsycl on it",))
    if all(_CXX.search(c) for c in named) if named else cxx in ("GNU", "MSVC"):  # BLAS++#53: g++ given oneMKL's SYCL path
        return Finding(
            "sycl-without-sycl-compiler", "error",
            f"{compilers[0]} got {first.option}: the build chose oneMKL's SYCL (GPU) path, and its C++ compiler is not a "
            "SYCL compiler",
            (said, *((f"CMake identified the C++ compiler as {cxx}",) if cxx else ()),
             "oneMKL's SYCL interfaces (MKL::MKL_SYCL, MKL::MKL_DPCPP before 2024) compile and link with -fsycl, which only "
             "a SYCL compiler takes (Intel's icpx, or a clang built with SYCL); GNU's g++ and MSVC refuse it: the project "
             "turned its oneMKL backend on because MKL was found, without checking the compiler"),
            ("configure with Intel's SYCL compiler, in a shell with oneAPI's environment: source /opt/intel/oneapi/setvars.sh; "
             "CXX=icpx cmake <source> (or -DCMAKE_CXX_COMPILER=icpx) in a new build folder",
             "or keep GNU's compiler and MKL on the CPU: turn the project's oneMKL/SYCL option off (BLAS++: "
             "-Dgpu_backend=none; its CMake checks that the compiler takes -fsycl since BLAS++ PR #55) and link MKL::MKL"),
            "SYCL code is compiled by a SYCL compiler; a project that chooses oneMKL's SYCL interfaces by finding MKL alone "
            "hands -fsycl to whatever C++ compiler it was configured with.",
            ("grep CMAKE_CXX_COMPILER: <build dir>/CMakeCache.txt   # the compiler the build was configured with",))
    return Finding(
        "mkl-sycl-option-leaked", "error",
        f"{', '.join(compilers[:3])} got {first.option}, a SYCL option: oneMKL's SYCL target carries it to every "
        "language of the target that links it",
        (said,
         "oneMKL's CMake target MKL::MKL_DPCPP (MKL::MKL_SYCL since 2024) puts SYCL's options in its usage "
         "requirements; oneMKL before 2021.4 did so for every language, so the C and Fortran sources of a target "
         "that links it were compiled with them"),
        ("update oneMKL to 2021.4 or newer, whose target gives the SYCL options to C++ only",
         "or link MKL::MKL_DPCPP (MKL::MKL_SYCL) only from a target of SYCL C++ sources, and MKL::MKL (no SYCL) from the "
         "targets with C and Fortran",
         # the line alone names no compiler: the C++ compiler's own refusal is as likely (BLAS++#53's title)
         *(() if named else ("or, where the compiler that refused it is the project's C++ compiler (g++, MSVC), it is no "
                             "SYCL compiler: configure with icpx (CXX=icpx), or turn the project's oneMKL SYCL option off",))),
        _TARGET_OPTIONS,
        ("cmake --build <build dir> -- VERBOSE=1   # the compile lines, with the option on C and Fortran sources",))


_UNLINKED = ("msvc-unresolved-mkl", "mkl-not-linked", "mkl-symbol-unresolved")


def with_option_dropped(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """A compiler that left its MKL option out (CACTUS#54: oneAPI's ifort ignoring /mkl) explains the link's unresolved
    MKL names: those findings join it as its consequence."""
    ours = next((i for i, f in enumerate(findings) if f.id == "mkl-compiler-option-retired" and f.severity == "error"), None)
    unlinked = [f for f in findings if f.id in _UNLINKED]
    if ours is None or not unlinked:
        return findings
    said = "; ".join(f.title.removeprefix("link.exe: ").split(":")[0] for f in unlinked[:2])
    joined = replace(findings[ours], evidence=(*findings[ours].evidence, f"then the link says: {said}: the consequence, MKL's "
                                               "libraries were never added"))
    return [joined if i == ours else f for i, f in enumerate(findings) if f not in unlinked]


_MKL_OPTION = re.compile(r"^[-/]q?mkl(?:=\w+)?$", re.I)


def with_static_option(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """A fully static link (-static) whose MKL came from the Intel compiler's own option (-mkl=parallel, -qmkl): MKL's names
    stay unresolved, though the line names no MKL library only because the option stands for them (autocmake#94: ifort
    -static -mkl=parallel, dgemm_ undefined; the reporter's finding, -mkl works for dynamic links only; an explicit
    static group linked, autocmake#51)."""
    from mkldoctor.explain.events import LinkCommand

    line = next((c for c in parsed.of(LinkCommand) if "-static" in c.argv and any(map(_MKL_OPTION.match, c.argv))), None)
    at = next((i for i, f in enumerate(findings) if f.id in _UNLINKED[1:]), None)
    if line is None or at is None:
        return findings
    option = next(a for a in line.argv if _MKL_OPTION.match(a))
    said = findings[at]
    names = said.title.split(" undefined", 1)[0]
    return [Finding(
        "mkl-option-static-link", "error",
        f"{names} undefined in a static link whose MKL was {option}: the compiler's MKL option did not link MKL into the "
        "static executable",
        (f"the link line has -static and {option}, and no MKL library of its own: {option} stands for MKL's libraries, and "
         "the link took none of them", *said.evidence[:3],
         "the same option links in a dynamic link; in a fully static one it left MKL's names unresolved (autocmake#94: its "
         "reporter found -mkl works for dynamic links only, and the archives given as a group linked, autocmake#51)"),
        (f"drop {option} and give MKL's static archives as one group: -Wl,--start-group $MKLROOT/lib/intel64/"
         "libmkl_intel_lp64.a $MKLROOT/lib/intel64/libmkl_intel_thread.a $MKLROOT/lib/intel64/libmkl_core.a "
         "-Wl,--end-group -liomp5 -lpthread -lm -ldl (sequential: libmkl_sequential.a, no -liomp5); mkldoctor link "
         "--link static --threading intel --format flags prints the line for an installed MKL",
         f"or drop -static and keep {option} (a dynamic link; -static-intel keeps Intel's own runtime static)"),
        "Intel's compilers add MKL's libraries for their -mkl (-qmkl) option, and that works for dynamic links; a fully "
        "static link needs MKL's archives, named as a group (they call each other) with their OpenMP runtime.",
        ("nm -A $MKLROOT/lib/intel64/libmkl_intel_lp64.a 2>/dev/null | grep -m1 ' T dgemm_'   # the archive the group needs",),
        locations=said.locations,
    ) if i == at else f for i, f in enumerate(findings)]

