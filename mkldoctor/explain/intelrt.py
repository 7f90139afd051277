"""link.exe cannot open a runtime library of Intel's compilers: ``LINK : fatal error LNK1104: cannot open file
'ifconsol.lib'`` (an OpenSees fork's notes: MKL's ScaLAPACK and BLACS import libraries ask for Intel Fortran's runtime by
name, and the oneAPI that setvars.bat chose had no Fortran compiler). The library is the compiler's, not MKL's: its lib
folder must be on LIB or /LIBPATH (:mod:`mkldoctor.knowledge.intel_runtime`)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, intel_runtime, recipes


@dataclass(frozen=True, slots=True)
class IntelRuntimeLibMissing:
    file: str  # ifconsol.lib
    code: str  # LNK1104 (a library asked for by name, /DEFAULTLIB) or LNK1181 (an input of the command)


def _said(m: re.Match, _) -> IntelRuntimeLibMissing | object:
    name = m.group("file").strip()
    return IntelRuntimeLibMissing(name, m.group("code")) if intel_runtime.family(name) else NOT_MINE


@dataclass(frozen=True, slots=True)
class SvmlNameMissing:
    """numba's JIT (LLVM) could not resolve an SVML name in the SVML library it loaded: ``LLVM ERROR: Symbol not found:
    __svml_sqrtf8`` (umap#702, suite2p#816: another program's svml_dispmd.dll in System32)."""

    symbol: str
    line: str


@dataclass(frozen=True, slots=True)
class IfuncRelink:
    """glibc's loader: ``Relink `/opt/intel/oneapi/compiler/2024.0/lib/libirc.so' with `/lib/x86_64-linux-gnu/libc.so.6' for
    IFUNC symbol `memmove'``: a library whose IFUNC relocation resolves into libc, which it does not name as a dependency
    (oneAPI 2024.0's libirc.so: spack-stack's known issues; the program then crashed)."""

    library: str
    symbol: str
    line: str


SIGNATURES = (
    Signature("ld-so-ifunc-relink", "intelrt", "for IFUNC symbol",
              re.compile(r"Relink [`'‘](?P<lib>[^'’`]+)['’] with [`'‘][^'’`]+['’] "
                         r"for IFUNC symbol [`'‘](?P<sym>[^'’`]+)['’]"),
              lambda m, _: IfuncRelink(m["lib"][:300], m["sym"][:100], m.string.strip()[:300])),
    Signature("msvc-cannot-open-intel-runtime", "intelrt", "error LNK",
              re.compile(r"error (?P<code>LNK1181|LNK1104):.{0,80}?[\"'“‘](?P<file>[^\"'”’]{1,200}\.lib)[\"'”’]"), _said),
    # a commit's or a page's quote without link.exe's head, the name maybe unquoted ("LNK1104: cannot open file libircmt.lib")
    Signature("msvc-cannot-open-intel-runtime-quoted", "intelrt", "LNK11",
              re.compile(r"^\s*(?P<code>LNK1181|LNK1104): cannot open (?:input )?file [\"'“‘]?"
                         r"(?P<file>[^\"'”’\s]{1,200}\.lib)\b"),
              _said),
    Signature("llvm-svml-symbol-not-found", "intelrt", "Symbol not found: __svml_",
              re.compile(r"\bSymbol not found: (?P<sym>__svml_\w{1,100})"),
              lambda m, _: SvmlNameMissing(m["sym"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(IntelRuntimeLibMissing)
    if not said:
        return ([_svml(svml[0], ctx) for svml in [events.of(SvmlNameMissing)] if svml]
                + [_ifunc(e) for e in events.of(IfuncRelink)[:1]])
    first = said[0]
    what, wheel = intel_runtime.family(first.file)
    fortran = "Fortran" in what
    return [Finding(
        "intel-compiler-runtime-not-found", "error",
        f"link.exe cannot open {first.file}: {what}, which no folder of the link holds",
        (f"link.exe: {first.code}: cannot open {first.file}",
         f"{first.file} is {what}, not MKL's: " + (
             "a library built with Intel's Fortran compiler asks for it by name (/DEFAULTLIB): MKL's ScaLAPACK and BLACS "
             "libraries, a Fortran object or library of the project" if fortran and first.code == "LNK1104" else
             "the link names it, or a library built with Intel's compilers asks for it"),
         "setvars.bat puts the lib folder of the compiler it chose (compiler\\latest) on LIB: a release installed without "
         "that compiler has no such file there"),
        (f'build in the environment of an Intel oneAPI install that has the {"Fortran compiler (ifx)" if fortran else "compiler"}: '
         f'call "{folders.ONEAPI_SETVARS_BAT}" (check: dir "%ONEAPI_ROOT%\\compiler\\latest\\lib\\{first.file}"; where latest '
         "points at a release without it, call the vars.bat of a release that has it (<oneAPI>\\compiler\\<ver>\\env\\vars.bat), "
         "or setvars.bat --config=<a file with the line compiler=<ver>>)",
         "or add the folder that holds it to LIB or the link's /LIBPATH; where it is, by layout: "
         + "; ".join(intel_runtime.WINDOWS_LIB_FOLDERS),
         "a program that does not use MKL's cluster functions: take mkl_scalapack_*.lib and mkl_blacs_*.lib off the link "
         "(MKL's serial libraries ask for no Fortran runtime)" if fortran else
         "or build with Microsoft's compiler alone, whose objects ask for none of Intel's runtime",
         "a CI job: each step starts a new shell, without what setvars.bat set in an earlier one: call it in the step that "
         "builds, or write the variables it sets (LIB, INCLUDE, PATH) to $GITHUB_ENV (GitHub Actions; Open3D 4062379)"),
        "link.exe opens each library a command or an object's /DEFAULTLIB names in the /LIBPATH folders and LIB's; the Intel "
        "compilers' runtime libraries live in the compiler's own lib folder, which only its environment puts there.",
        (f"where /r \"%ONEAPI_ROOT%\" {first.file}   # every copy, with its folder",
         "dumpbin /DIRECTIVES <a library of the link> | findstr /i defaultlib   # which library asks for it"),
        locations=ctx.located(said, first.code),
    )]


# the names objects built by Intel's compilers (icx, icpx, ifx) call in their runtime: SVML's vector maths, the optimised
# string and memory functions of libirc, libimf's maths (whisper-rs PR #233: ggml built with icx, linked by rustc)
RUNTIME_NAME = re.compile(r"^(?:__svml_\w+|__intel_\w+|_intel_fast_mem(?:cpy|set|move)|__libm_\w+|__libirc_\w+)$")


# Intel Fortran's runtime (libifcore): for_allocate, for_dealloc_allocatable, for_check_mult_overflow64, for_write_seq_lis
FORTRAN_NAME = re.compile(r"^for_[a-z][a-z0-9_]*$")


def fortran_runtime_undefined(symbols: list[str], needed: list[str]) -> Finding:
    """Intel Fortran's runtime names undefined at a link by another compiler: most often MKL's Fortran 95 wrappers
    (libmkl_lapack95_*, libmkl_blas95_*), which MKL ships built by Intel Fortran, linked by gfortran (fortran-lang
    discourse 10478)."""
    wrappers = any(re.search(r"libmkl_(?:lapack|blas)95", line) for line in needed)
    return Finding(
        "intel-fortran-runtime-undefined", "error",
        f"{', '.join(symbols[:3])} undefined: "
        + ("MKL's Fortran 95 wrappers were built by Intel Fortran and call its runtime, which this link (not ifx's) lacks"
           if wrappers else "objects built by Intel Fortran call its runtime (libifcore), which this link does not name"),
        (*needed[:4], f"{symbols[0]} is Intel Fortran's runtime (libifcore, libifport), not MKL's"
         + (": MKL ships libmkl_lapack95_* and libmkl_blas95_* compiled by Intel Fortran, so a gfortran link of them needs "
            "that runtime; their sources come with MKL to be built by the compiler that uses them" if wrappers else "")),
        (*(("build MKL's Fortran 95 wrappers with the compiler you link with: cd <MKL>/share/mkl/interfaces/lapack95 "
            "(interfaces/lapack95 before 2024; blas95 likewise) && make libintel64 FC=gfortran INSTALL_DIR=<a folder>, and "
            "link those libraries in place of MKL's",
            "or call the FORTRAN 77 routines (sgetrf, dgesv) through interfaces of your own, which need no wrapper library "
            "(fortran-lang discourse 10478)") if wrappers else ()),
         ("or " if wrappers else "") + "add Intel Fortran's runtime to the link: -L<oneAPI>/compiler/<ver>/lib -lifcore "
         "-lifport (pip's or conda's intel-fortran-rt has the shared ones), or link with ifx"),
        "Intel Fortran turns allocations, checks and I/O into calls of its runtime; objects it compiled need that runtime "
        "in every link, which its own driver adds and another compiler's does not.",
        (f"nm -D --defined-only <oneAPI>/compiler/<ver>/lib/libifcore.so | grep -w {symbols[0]}   # the runtime defines it",),
    )


def no_main(needed: list[str], command) -> Finding:
    """``crt1.o: In function `_start': undefined reference to `main'``: an executable linked from objects none of which
    defines main. xtb#237: Intel Fortran's objects linked by icc (meson's link of a Fortran test with -lmkl_rt): Intel
    Fortran puts a program's main in its runtime's for_main.o, which only its own driver (ifort, ifx) links."""
    tool = os.path.basename(command.argv[0]) if command is not None and command.argv else ""
    fortran = command is not None and any(re.search(r"\.[fF](?:90|95|03|08)?\.o(?:bj)?'?$", a) for a in command.argv)
    c_driver = fortran and tool.split("-")[-1] in ("icc", "icx", "icpc", "icpx", "gcc", "cc", "g++", "c++", "clang", "clang++")
    return Finding(
        "program-main-undefined", "error",
        "the executable has no main: none of the objects linked defines it"
        + (f" (a C compiler, {tool}, linked Fortran objects: a Fortran program's main comes with its compiler's driver)"
           if c_driver else ""),
        (*needed[:2], "main is called by the C runtime's start code (crt1.o's _start): a program's link needs one object "
         "that defines it; MKL defines none and needs none"),
        ("a Fortran program: link it with its Fortran compiler's driver (ifx or ifort for Intel Fortran's objects: it "
         "adds the runtime's for_main.o, which holds main, and libifcore; gfortran for GNU's), or add that runtime to this "
         "link (xtb#237: meson linked the Fortran test with icc and -lmkl_rt, without Intel Fortran's runtime; its fix "
         "reworked the build's MKL link options)",
         "a C or C++ program: the source that defines main is not among the objects (a file left out of the target, a "
         "build option that compiles it out), or the target was meant to be a library: link it with -shared"),
        "An executable starts at the C runtime's _start, which calls main; the link fails when no object defines it.",
        ("nm -A <the objects linked> | grep -w -E 'main|MAIN__'   # which object defines main (MAIN__: a Fortran program's "
         "body; gfortran writes main beside it in the same object, Intel Fortran leaves main to its for_main.o)",),
    )


def runtime_undefined(symbols: list[str], sycl: list[str], needed: list[str]) -> Finding:
    """The Intel compilers' runtime names (and the SYCL runtime's, from the same objects) undefined at a link that did not
    go through Intel's compiler driver."""
    libraries = "libsvml, libirc, libimf, libintlc" + (", and the SYCL runtime libsycl" if sycl else "")
    return Finding(
        "intel-compiler-runtime-undefined", "error",
        f"{', '.join([*symbols[:2], *sycl[:1]])} undefined: objects built by Intel's compilers call their runtime "
        f"({libraries}), which this link does not name",
        (*needed[:4], f"{symbols[0]} is a name of Intel's compiler runtime (SVML, libirc, libimf), not of MKL: Intel's driver "
         "(icx, icpx, ifx) adds that runtime to its own links; a link by another driver or linker (gcc, rustc, ld.lld) of "
         "objects or a static library it built must name it"),
        ("link with Intel's driver, or add its runtime: -L<oneAPI>/compiler/<ver>/lib -lsvml -lirc -limf -lintlc"
         + (" -lsycl" if sycl else "") + " (oneAPI's setvars.sh sets LIBRARY_PATH to that folder; pip's intel-cmplr-lib-rt "
         "has the shared ones)",
         "or build the Intel-compiled part as a shared library, which names its runtime as dependencies (whisper-rs PR #233: "
         "ggml with BUILD_SHARED_LIBS=ON under icx/icpx)",
         "a static library you ship for other compilers' links: build each of its objects with -qno-intel-lib, so that the "
         "archive calls none of the compiler's runtime (oneDAL PR #3745, whose libonedal_core.a had SVML's __svml_u64rem4_l9)"),
        "Intel's compilers vectorise maths through SVML and replace memcpy, memset and string functions with their own; "
        "the objects then need the compiler's runtime libraries at link time.",
        (f"nm -D --defined-only <oneAPI>/compiler/<ver>/lib/libsvml.so | grep -w {symbols[0]}   # the runtime defines it",),
    )


def _svml(said: SvmlNameMissing, ctx: Context) -> Finding:
    """numba turns SVML on when it can load Intel's SVML library (svml_dispmd.dll on Windows, libsvml.so elsewhere: the
    icc_rt or intel-cmplr-lib-rt package); a copy that lacks a name numba's code calls stops its JIT."""
    windows = ctx.platform == "Windows" or ctx.platform is None
    fix = [*(("find the copy numba loads: where svml_dispmd.dll (a copy in C:\\Windows\\System32, or in a folder on PATH "
              "that another program installed): rename or remove that copy, or take its folder off PATH, so that the "
              "environment's own (icc_rt's) or none is found",) if windows else ()),
           "turn SVML off for numba: set NUMBA_DISABLE_INTEL_SVML=1 in the environment before the program starts (numba then "
           "compiles without it; slower vector maths, same results)",
           "upgrade numba and llvmlite together: python -m pip install -U numba llvmlite (or conda update numba llvmlite): "
           "numba 0.60 with llvmlite 0.43 stopped so where 0.61 with 0.44 ran (returnn#1702, PyMusicLooper#10); the release of a "
           "package that compiles with numba (librosa, resampy) matters too: Style-Bert-VITS2#41 pinned librosa==0.9.2 to "
           "be rid of it",
           "give numba the SVML it expects, in the environment it runs in: conda install icc_rt (or python -m pip install "
           "intel-cmplr-lib-rt), of a release as new as numba's"]
    return Finding(
        "numba-svml-symbol-missing", "error",
        f"numba's compiled code calls {said.symbol}, which the SVML library it loaded does not have",
        (said.line, f"{said.symbol} is a function of SVML, the vector maths library of Intel's compiler runtime: numba "
         "compiles with it whenever it can load that library (svml_dispmd.dll on Windows, libsvml.so on Linux, from the "
         "icc_rt or intel-cmplr-lib-rt package), so the copy it loaded is one without it: another program's older copy "
         "(one installed into C:\\Windows\\System32 or a folder on PATH: 3DHISTECH's SlideAC and CaseViewer, umap#702 and "
         "suite2p#816) or a runtime of another release than numba's"),
        tuple(line if i == 0 else f"or {line}" for i, line in enumerate(fix)),
        "numba loads Intel's SVML by its file name and, when that succeeds, compiles vectorised maths as calls into it; "
        "LLVM then looks each call up in the library it loaded: a copy that lacks one stops the program.",
        ("numba -s   # its SVML section: whether SVML is in use and which library numba loaded",),
    )


_EXTENSION = re.compile(r"\.cpython-[\w-]+\.so$|\.abi3\.so$")


def at_run_time(event) -> Finding | None:
    """The loader's symbol lookup error for a name of Intel's compiler runtime (__svml_*, __intel_*, __libm_*) that a module
    needs: the runtime's, not a second copy of one library (psi4#1036, numpy#14838: modules built with icc); None for any
    other name (``event``: hosts' SymbolLookupError)."""
    symbol = event.symbol
    if not RUNTIME_NAME.match(symbol):
        return None
    # an extension of its own build whose link left the runtime out (not a package's SVML kernels: psi4#1036)
    linked = ("a Python extension compiled with icc but linked by setuptools with gcc (LDSHARED's default) does not list the "
              "runtime at all: link it with the Intel compiler, LDSHARED='icc -shared' (icx, ifx alike), and build it again "
              "(CellConstructor#29, phonopy's spglib notes)",) if _EXTENSION.search(event.library or "") \
        and not symbol.startswith("__svml_") else ()
    library = "libsvml" if symbol.startswith("__svml_") else "libimf" if symbol.startswith("__libm_") else "libirc or libintlc"
    return Finding(
        "intel-runtime-symbol-missing", "error",
        f"{symbol} is a function of Intel's compiler runtime ({library}), which the module built with Intel's compilers needs "
        "and the process did not load",
        (f"{event.binary}: {event.library} needs {symbol}" if event.library else f"{event.binary} needs {symbol}",
         f"{symbol} is Intel's compiler runtime's (SVML's vector maths, the libimf maths, libirc's CPU dispatch): a module "
         "compiled with icc, icx or ifx calls it and lists the runtime as needed, or expects the process to have loaded it (a "
         "package built with Intel's compilers, as psi4's conda builds and Intel's numpy were)"),
        (*linked,
         f"install the runtime beside the package: conda install intel-cmplr-lib-rt (icc_rt in older channels) or "
         f"{recipes.pip_install('intel-cmplr-lib-rt')}, in the environment that imports it; or source oneAPI's setvars.sh "
         "(compiler/<ver>/lib on LD_LIBRARY_PATH)",
         "an older copy of the runtime found first (a library folder on LD_LIBRARY_PATH with another release's "
         f"{library}) lacks the newer kernels' names: take it off the path",
         "or a build of the package made with GCC (conda-forge's, pip's), which needs none of it"),
        "Code built with Intel's compilers calls their runtime's functions; the loader must find that runtime, of a release "
        "at least as new as the compiler's, in the process.",
    )


def _ifunc(said: IfuncRelink) -> Finding:
    oneapi = "/compiler/" in said.library or "libirc" in said.library
    return Finding(
        "library-needs-libc", "error",
        f"{said.library} resolves {said.symbol} into the C library it does not name as a dependency: the loader relinked it "
        "out of order" + (", and the program crashed" if re.search(r"(?i)segmentation fault|core dumped", said.line) else ""),
        (said.line, f"the loader's 'Relink ... for IFUNC symbol' says {said.library} has an indirect function "
         f"({said.symbol}) bound to libc, but libc.so.6 is not among its DT_NEEDED entries, so it was relocated before libc "
         "was ready",
         *(("oneAPI 2024.0's libirc.so ships so (ldd calls it statically linked, which it is not): spack-stack's known "
            "issues",) if oneapi else ())),
        (f"add the dependency to the file: patchelf --add-needed libc.so.6 {said.library} (an install you own, or a copy put "
         "first on LD_LIBRARY_PATH: spack-stack's fix; no rebuild of the program)",
         "or run with another release of that runtime than the one whose library lacks it"),
        "A shared library must name every library its relocations resolve into; one that leaves out libc is relocated "
        "before libc, and glibc's loader warns and relinks it, which can crash the program.",
        (f"readelf -d {said.library} | grep NEEDED   # libc.so.6 missing from the list",),
    )
