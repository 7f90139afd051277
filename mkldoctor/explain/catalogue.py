"""The catalogue of failure signatures: what a log line looks like, and which event it makes.

Each family module of this package (``linker``, ``hosts``, ``build``, ``runtime``,
``platforms``) declares its signatures as plain :class:`Signature` entries, next to the
diagnosis that turns their events into findings. Adding a failure shape is one entry
there and one log in the corpus of tests.

The parser (:mod:`mkldoctor.explain.logparse`) first runs its own fast readers of the
linker and loader lines; a line they leave is tried against the catalogue only when it
holds one of the cheap anchors (:data:`~mkldoctor.explain.anchors.ANCHORS`, which every needle and error word contains), each signature only
when its needle is in the line. A
line that looks like an error and that no signature claims becomes an
:class:`Unrecognised` event, so that an error in the input never reads as "no problem".

The catalogue is also the one list of diagnoses (:func:`diagnoses`): each takes the parsed events and
a :class:`~mkldoctor.explain.context.Context` and returns findings; :func:`fallbacks` then report
what none of them explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence


# "cannot" as people and programs spell it (without a case of their own: a pattern gives its own flags); "could not" too.
CAN_NOT = r"(?:can ?not|can(?:'|\u2019)?t)"
CANNOT = rf"(?:{CAN_NOT}|could ?n(?:o|'|\u2019)?t)"

# build tools', runtimes' and shells' own summaries after the failure they ran into: error-looking alone (a post that kept
# only its last line), and in a whole log an echo that joins the failure explained (echoes' signatures read them): make's
# recipe and BSD make's code, ninja's, CMake's generate step, clang's count, Apple's ld after its undefined names, ld's
# final link, go's, Bazel's target, Julia's precompile and test, conda's solve, Intel Fortran's runtime abort, MAGMA's
# return code, a shell's missing command, luajit's module, Python's faulthandler, a person's DLL label (a CI's annotation,
# "##[error]", is taken off with the CI's prefix before any of these is read)
TOOL_SUMMARIES = (
    r"\brecipe for target .{1,300} failed\b", r"\*\*\* Error code \d+", r"\bninja: (?:build stopped|subcommand failed)\b",
    r"\bCMake Generate step failed\b", r"^\s*\d+ errors? generated\.", r"\bsymbol\(s\) not found for architecture\b",
    r"\bfinal link failed\b", r"\[build failed\]", r"^Target \S+ failed to build\b", r"\bFailed to precompile\b",
    r"\bError During Test\b", r"\b(?:Solving environment|Collecting package metadata \([\w.]+\)): failed\b",
    r"\bforrtl: (?:severe|error)\b", r"\breturned error -?\d+:", r"\bcommand not found\b", r"\berror loading module\b",
    r"\bWindows fatal exception: ", r"^\W*[Dd][Ll][Ll]s? not found:?\W*$", r"^\s*\*\*\* error PARDISO\b",
    r"^ninja: job failed: ",  # the command follows it: logparse reads its -L folders too
)

# Lines that look like an error (issue 9's list): a line holding one of these is either
# claimed by a signature or reported as an unrecognised failure.
# R's own report of a signal in compiled code: "*** caught segfault ***", then its address and its traceback; a paste may
# take its stars off at the line's start (microsoft-r-open#30)
R_CAUGHT = re.compile(r"(?:^\s*|\*\*\* )caught (?:segfault|illegal operation|bus error) \*\*\*")
ERROR_WORDS = (
    r"\berror\b\s*:", r"\bERROR\b", r"fatal error", r"FATAL", r"\b[Uu]ndefined reference\b|\bundefined symbol\b", r": undefined\b",
    r"cannot (?:open|find|load|stat|allocate)\b", r"Cannot (?:open|find|load|allocate)\b", r"\bcould not create\b", rf"\b(?i:{CAN_NOT}) (?:open|find|load)\b", r"ImportError", r"OSError", r"FileNotFoundError",
    r"CMake Error", r"Error #\d", r"\bError \d+\b", r"Error in ", r"\bError:",
    r"\bFatal error\b",  # MPICH's and Intel MPI's "Fatal error in internal_Bcast:"
    # a Python exception's last line: ValueError, pkg.module.PyPardisoError, ...; in a commit message's quotes (PyTables 85f155a)
    r"^\s*[\"'“]?(?:[a-z_][\w.]*\.)?[A-Z]\w*Error: ",
    # .NET's exception on its line ("System.NotSupportedException: ...", NUnit's "----> Vendor.Lib.KernelLoadException : ...");
    # a Java exception's is most often the detail of an error said before it (Bazel's IOException under its fetch's)
    r"^\s*(?:---->\s*|Unhandled [Ee]xception[.:] )?(?:System|[A-Z]\w*)\.[\w.]*Exception ?: ",  # .NET 5+'s "exception."
    r"\[[EF]:onnxruntime:",  # ONNX Runtime's logger: the severity (E, F) before the source ("[E:onnxruntime:, session.cc:127")
    r"\bSegmentation fault\b", r"\b[Ss]egfault(?:s|ed)?\b", R_CAUGHT.pattern, r"\bSIGSEGV\b", r"\bIllegal instruction\b", r"\bconfigure failed\b", r"\w-NOTFOUND\b", r"\bProblem encountered: ",  # a crash; CMake's and meson's words
    r"(?i:\bordinal \d+ could not be located|\bmissing ordinal \d+)",  # Windows' loader: an export by number
    r"\berror\[E\d{4}\]:",  # rustc's coded errors: error[E0532]: ...
    r"\berror [A-Z]{1,3}\d{4,5}\b",  # MSVC's and its tools' coded errors in any language: error C2664, error LNK1181
    r"^\s*Error\s+[A-Z]{1,3}\d{4,5}\s",  # the same in Visual Studio's Error List copied as text ("Error<TAB>LNK2001<TAB>...")
    r"^\s*\S{1,20}(?:\t+| {2,})LNK\d{4}(?:\t| {2})",  # and in a localized Visual Studio's ("错误<TAB>LNK1181<TAB>..."; tabs may be spaces)
    r"\bSegmentation [Vv]iolation\b|\bEXCEPTION_ACCESS_VIOLATION\b",  # MATLAB's, Global Arrays' and Windows' crashes
    r"\(NOT FOUND\)",  # a dependency tree's missing DLL or library (Julia's and Windows' dependency walkers)
    r"\b(?:critical|error)\s+libmamba\b", r"\bnothing provides\b",  # a package manager's solver (mamba, libsolv)
    r"\bCheck failed: ",  # glog's and dmlc's CHECK (MXNet, Paddle, Caffe, TensorFlow): the condition that stopped it
    r"\bmultiple definition of\b",  # ld: a name defined twice
    r"\bunresolvable R_\w+ relocation against\b",  # ld: an object that cannot be linked so (svFSI#76: an MPI's common block)
    r"\bAn unexpected error has occurred\b",  # conda's own crash (conda#3762: while it fetched mkl's package)
    r"\*\*\* No rule to make target\b|^\s*g?make(?:\[\d+\])?: \*\*\* (?=.*[^\x00-\x7f])",  # make: no such target; translated
    r"\bstatic TLS\b", r"\bpthread_create failed\b",  # a process out of static TLS space or of threads (resources)
    r"\bnot defined in file \S+ with link time reference\b",  # glibc's loader: a symbol version the file lacks (symver)
    r"\bversion [`'‘][^'’`]+['’] not found\b",
    r"^\s*--with-[\w-]+=.*\bdid not work\b",  # PETSc's configure: a library list it was given
    r"\b\w+: unbound variable\W*$",  # bash under set -u (envscripts), with its script's place or without it
    r"\bOMP:\W?\s*System error #\d+:",  # Intel OpenMP's errno line, which may stand alone where its head was cut (resources)
    r"\bSymbol not found: |\bDllNotFoundException\b",  # dyld's and .NET's words for a name or a DLL not loaded, alone too
    r"\berror #\d{4,5}:|^\s*#\d{4,5}: ",  # Intel's compilers' coded errors (ifort, ifx, icc): "x.f90(3): error #6580: ..."
    # "error" in the languages tools print it in, followed by its colon (a count has none: MSBuild's "0 Fehler")
    r"(?:\bFehler|错误|エラー|\b[Ee]rreur(?: \w+)?|\b[Oo]шибка|\bОшибка|\b[Ee]rrore|\b[Bb]łąd)\s*[:：]",
    r"^(?:Fehler in|Erreur dans|Errore in|Error en) \S",  # R's "Error in f(...) :" in its other languages
    r"^\s*(?:[\d.]+\s+)?E: (?:[A-Z]|[^\x00-\x7f]|[a-z][\w.+-]* \S)",  # apt's errors in any language, after BuildKit's seconds
    r"(?<![\w=])FAILED\b(?!\s*[=:]\s*0\b)",  # a script's, a test runner's: "installation FAILED.", "[  FAILED  ] 2 tests"
    # a program's assert: C's "Assertion `x' failed.", MFEM's "Assertion failed: (x)"
    r"\bAssertion (?:[`'‘(].{0,200}?\s)?failed\b",
    r"curl: \(\d+\) ",  # curl's own failure ("curl: (6) Could not resolve host: ...")
    r"\bBFD \([^)]{0,100}\) \S{1,40} assertion fail\b",  # ld's own check failed ("BFD (GNU Binutils) 2.34 assertion fail elf.c")
    r"^\s*incompatible types in (?:assignment|initialization) of ",  # g++'s message, its place and "error:" cut (headerfail)
    r"\bsorry, unimplemented: ",  # GCC's refusal of what it was not built for ("64-bit mode not compiled in")
    r"\bCan't locate \S+\.pm in @INC",  # Perl without a module a script uses (bazelmkl)
    r"\bThe following REQUIRED packages have not been found:",  # CMake's feature summary (cmakesummary)
    # a program's own words for a file it could not load or find, spelled as people type them ("Cant find native CPU
    # libraries", BIDMach#75; "Couldn't load", "Failed to load libmkl_rt.so", "Unable to find libiomp5.so")
    r"\b(?:[Cc]ant|[Cc]ouldnt) (?:open|find|load)\b",
    # a script's stop, a line of its own: "Darwin is unsupported yet" (TensorFlow 1.3's configure asked for MKL on macOS)
    r"^\s*\S+(?: \S+)? is (?:unsupported|not supported)(?: yet)?\s*[.!]?\s*$",
    r"\b(?:[Cc]ould ?n(?:o|'|’)t|[Ff]ailed to|[Uu]nable to) (?:open|find|load|locate|dlopen)\b[^;]{0,60}?[\w+-]\.(?:so|dylib|dll)\b",
    # a tool's own failure line pasted alone, its details cut (each silent before, as a post's one line): the loader's with
    # its reason on the next line, link.exe's words without its code, torch's DLL, a lowercase CMake error, a stop of
    # PARDISO's own, and the tools' summaries below
    r"\berror while loading\b", r"\bunresolved external symbol\b", r"\bError loading \"", r"\bCMake error at\b",
    r"^\s*\*\*\* error\b", *TOOL_SUMMARIES,
    r"\bsyntax error near unexpected token\b|: Syntax error: ",  # a shell that could not parse a script (shellrun)
    r"^Error\s+:\s",  # R's try() ("Error : .onLoad failed in loadNamespace() for 'rjags', details:")
)
ERRORISH = re.compile("|".join(ERROR_WORDS))
# "ld: warning: cannot find entry symbol _start", "make: [x] Error 1 (ignored)": said, and not a failure
NOT_A_FAILURE = re.compile(r"^(?!.*(?:error|ERROR|Error|FATAL|fatal)).*(?:[Ww]arning|WARNING)\s*:|\bError \d+ \(ignored\)"
                           # a pasted report's label alone on its line: "**Error:**", "### Error", "Errors:"
                           r"|^[\s*_#>]*(?:Error|ERROR|error)s?:?[\s*_]*$"
                           # R's summary of a linear model ("Residual standard error: 1.914 on 9998 degrees of freedom")
                           r"|^\s*Residual standard error: [\d.e+-]+ on \d+ degrees of freedom\s*$"
                           # a program's banner whose version CMake read from git with no tag ("OpenFAST--128-NOTFOUND")
                           r"|^\s*[\w.]+--\d+-NOTFOUND\s*$")
# IPython's traceback lists the source around each frame ("-> 1252   raise ...", "   1253   except ImportError:"): such lines
# are code, not errors, in a log that shows IPython's marks (a log viewer's line numbers look the same and are not code)
SOURCE_LISTING = re.compile(r"^(?:\s+|-+>\s*)\d+ +\S")
# any Python traceback's header: Python's own, IPython's ("ImportError      Traceback (most recent call last)"), rich's box ("╭──── Traceback (most recent call last) ────╮"); the
# error it leads to is its last line, so the header alone is an error said only where a paste cut that line
TRACEBACK_HEADER = re.compile(r"^[\s│╭─┃┏━|+-]*(?:\w+\s{2,})?Traceback \(most recent call last\)")  # a box's edge may join it
LISTING_MARK = re.compile(r"^-+>\s*\d+\s|<ipython-input-|^\w+\s{2,}Traceback \(most recent call last\)|^File [~/]\S*:\d+, in ")

MAX_UNRECOGNISED = 20  # distinct unrecognised error lines kept; more are counted


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """An error-looking line that no signature claims, with the lines around it."""

    line: str
    context: tuple[str, ...] = ()
    at: int = field(default=0, compare=False)  # the log line it is on (it is yielded after the lines that follow it)


CLAIMS_CHECKED = 256  # the claimed lines of a log checked for an error word (ClaimedError): a long log's first suffice


@dataclass(frozen=True, slots=True)
class ClaimedError:
    """An error-looking line a signature claimed with an event of its own: where no finding says anything of the log, the
    line is reported as unrecognised (never silent, whatever a family leaves unsaid)."""

    line: str


@dataclass(frozen=True, slots=True)
class FollowOn:
    """A line that only repeats that something failed before it (``collect2: error: ld returned 1``)."""

    line: str


@dataclass(frozen=True)
class Signature:
    """One failure shape: a needle every matching line holds, the pattern, and the event it makes.

    ``event`` gets the match and the lines just before it (for messages a host prints on two
    lines); it returns the event, or None to claim the line without one (a context line).
    """

    name: str
    family: str
    needle: str
    pattern: re.Pattern[str]
    event: Callable[[re.Match[str], Sequence[str]], object | None]


def _families():
    from mkldoctor.explain import (archskip, binformat, build, cargo, cargolinks, downloads, spacepath, joinedflags, programloader, configure, cpu, crash, dfti, dlsym, echoes, pardiso, pymkl, finders, hosts, jvm, linker, mathhosts,
                                   meson, msvc, pkgmanagers, platforms, resources, runpaths, runtime, symver, toolcrash, windows, winaccess,
                                   windllinit, staticlink, xerbla, easybuild, pipreplace, vslstatus, gdbframes, mambaspec)
    from mkldoctor.explain import (apichange, blacswrap, blaslist, blasnames, blasmix, bundlers, configversion, envscripts, findblas, juliablas, ldpath, protoclash, fftwheaders, fftwplans, fileclash, findlib,
                                   fortranmods, gomp, gpuloader, headerwords, intwidth, libtool, mklfiles, mklflags, multidef, numpyimport, onemath, otherdeps,
                                   installers, installname, complextypes, mklconfigwhy, mklverbose, namelists, pic, preload, rtnames, syspackages, theano, torchmkl, valgrind, vmlwarn, wrongvalues, dss, lapackinfo, wheelrepair, pkgstate, rblas, codesign, headerwarn, syclbuild, gemmbackend, killed, blacsload, dyldsym, soconflict, delayload, onednn, msvcdup, intelrt, importedpath, bindings, shellsplit, cmakesplit, configopts, nixbuild, parameters, cmakenotfound, juliapkg, winhang, intelcmd, kmpenv, mklrootpath, codepath, headerfail, condachannel, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, bazelmkl, cholmod, numpyabi, rcheck, staledirs, unusedlink, envmodules, mathnet, dalload, ldinternal, nanshown, winsdk, appleframework, condaplan, pkgcode, debconfmkl, aptfetch, intelkeys, shellrun, sitecfg)  # before finders': "mkl_rt not found" is a program's own search by name

    # order matters where two signatures could read one line: the more specific first (finders' is the most general;
    # Windows' "Unable to load DLL" before the platforms' "The specified module"; a wrong-format library's "DLL load failed:
    # %1 is not a valid Win32 application" and dyld's "Reason: tried: '...' (mach-o file, but is an incompatible
    # architecture" before both); the loader's lines, the commonest in a long log, early; the generic echoes of
    # build and workflow tools last
    return (syclbuild, shellsplit, cmakesplit, spacepath, joinedflags, binformat, runtime, windllinit, staticlink, xerbla, easybuild, windows, winaccess, symver, mklflags, mklfiles, blacswrap, platforms, dlsym, hosts, programloader, preload, runpaths, blasnames, cpu, intelrt, winsdk, appleframework, msvc, msvcdup, archskip, linker, cargo, cargolinks, configure, configopts, nixbuild, parameters, cmakenotfound, juliapkg, winhang, intelcmd, downloads, mklconfigwhy, build, headerwords, complextypes, intwidth, protoclash, headerfail, jvm, mathhosts, meson,
            importedpath, pkgmanagers, pipreplace, vslstatus, mambaspec, condachannel, intelkeys, syspackages, aptfetch, shellrun, sitecfg, fileclash, rtnames, theano, blaslist, envscripts, fftwheaders, fftwplans, findlib, fortranmods, gomp, gpuloader,
            onemath, vmlwarn, multidef, pic, installers, torchmkl, configversion, findblas, bundlers, blasmix, ldpath, juliablas, bazelmkl, mathnet, finders, otherdeps, pkgcode, toolcrash, crash, gdbframes, pardiso, dfti, pymkl, numpyimport, libtool, resources, kmpenv, mklrootpath, apichange,
            bindings, valgrind, installname, mklverbose, codepath, namelists, dss, lapackinfo, wheelrepair, pkgstate, rblas, codesign, headerwarn, gemmbackend, killed, blacsload, dyldsym, soconflict, delayload, onednn, wrongvalues, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, cholmod, numpyabi, rcheck, staledirs, unusedlink, envmodules, dalload, ldinternal, nanshown, condaplan, debconfmkl, echoes)


@lru_cache(maxsize=1)
def signatures() -> tuple[Signature, ...]:
    out: list[Signature] = []
    for family in _families():
        out.extend(family.SIGNATURES)
    return tuple(out)


# what a signature's event returns for a line it matched but does not read (a line that needs the lines before it to
# be one of its own): the next signatures are tried, and a line none claims stays an error of its own (unrecognised)
NOT_MINE = object()


def preceded(words: str, event: Callable[[re.Match[str], Sequence[str]], object | None]):
    """A signature's event for a line where ``words`` (a pattern) come before the match: a signature finds its message's
    later part and looks the earlier one up in what precedes it, in linear time, where one pattern ``A.*B`` is tried
    from every A (quadratic in A's mentions on a long line)."""
    earlier = re.compile(words)

    def read(m: re.Match[str], before: Sequence[str]) -> object | None:
        return event(m, before) if earlier.search(m.string, 0, m.start()) else NOT_MINE
    return read


def last_match(pattern: str | re.Pattern[str], before: Sequence[str], within: int | None = None) -> re.Match[str] | None:
    """The match of ``pattern`` in the nearest line of ``before`` (a signature's lines before its own) that holds one,
    looking back ``within`` lines (all when None); the match's ``string`` is that line."""
    lines = list(before)
    for line in reversed(lines[-within:] if within else lines):
        if found := re.search(pattern, line):
            return found
    return None


@lru_cache(maxsize=1)
def _by_pair() -> dict[str, tuple[int, ...]]:
    """The signatures' places in :func:`signatures`, by their needle's first two characters (every needle has two)."""
    pairs: dict[str, list[int]] = {}
    for i, signature in enumerate(signatures()):
        pairs.setdefault(signature.needle[:2], []).append(i)
    return {pair: tuple(at) for pair, at in pairs.items()}


def _holding(line: str) -> list[Signature]:
    """The signatures whose needle is in the line, in their order: those whose needle starts with a pair of characters the
    line has (a set of the line's pairs, one pass), where asking every needle of the catalogue costs a scan of the line
    each (a 12 MB log of 200,000 ldd lines: 30 s, 19 s so; the same findings on every log of the corpus)."""
    pairs = _by_pair()
    every = signatures()
    at = sorted(i for pair in {line[i:i + 2] for i in range(len(line) - 1)} & pairs.keys() for i in pairs[pair])
    return [every[i] for i in at if every[i].needle in line]


def claim(line: str, before: Sequence[str]) -> tuple[bool, object | None]:
    """(claimed, event) for a line that holds an anchor (one regular expression per signature whose needle is in it:
    cheaper than one pattern of every needle and error word, which a line with an anchor and no needle paid for)."""
    for signature in _holding(line):
        match = signature.pattern.search(line)
        if match:
            event = signature.event(match, before)
            if event is not NOT_MINE:
                return True, event
    if line[:1] in " \t":  # a paste's or a wrapper's indent (Markdown's four spaces, pip's six): the line as its tool said it
        return claim(line.lstrip(), before)
    return False, None


def diagnoses() -> tuple[Callable, ...]:
    """Every diagnosis, ``(events, context) -> list[Finding]``, in the order a report lists their findings:
    the core readers' events first, in the order a build meets them (undefined symbols, libraries not
    found, the loader at run time, MKL at run time), then each family's own."""
    from mkldoctor.explain import (archskip, binformat, build, cargo, cargolinks, downloads, spacepath, joinedflags, configure, cpu, dlsym, finders, hosts, jvm, kernelrelease, kernels, libraries, linker, loaderfind, lookups,
                                   mathhosts, meson, msvc, parameters, pkgmanagers, pipreplace, platforms, runtime, scope, undefined, windows)
    from mkldoctor.explain import (apichange, blacswrap, blaslist, blasmix, bundlers, configversion, crash, dfti, findblas, juliablas, ldpath, protoclash, envscripts, fftwheaders, fftwplans, fileclash, findlib,
                                   fortranmods, gomp, gpuloader, intwidth, libtool, linkkind, mklfiles, mklflags, multidef, numpyimport, onemath,
                                   installers, installname, mklverbose, namelists, otherdeps, pardiso, pic, pymkl, torchmkl, resources, rtnames, staticgroup, syspackages, preload, mklconfigwhy, complextypes, symver, dss, lapackinfo, wheelrepair, pkgstate, mixedlink, rblas, blacsload, dyldsym, soconflict, delayload, onednn, msvcdup, intelrt, importedpath, bindings, shellsplit, cmakesplit, configopts, nixbuild, cmakenotfound, juliapkg, winhang, intelcmd, kmpenv, mklrootpath, codepath, headerfail, condachannel, lddlist, dumpbin, cc32, cmakesummary, mlnet, oneapiyear, bazelmkl, cholmod, numpyabi, syclheaders, rcheck, codesign, headerwarn, syclbuild, gemmbackend, staledirs, unusedlink,
                                   envmodules, mathnet, dalload, ldinternal, otherheaders, windllinit, staticlink, xerbla, easybuild, winsdk, appleframework, condaplan, pkgcode, debconfmkl, aptfetch, intelkeys, shellrun, sitecfg,
                                   theano, toolcrash, valgrind, vmlwarn, vslstatus, mambaspec, juliasession)

    return (undefined.undefined, libraries.missing_libraries, archskip.diagnose, envscripts.diagnose, preload.diagnose, ldpath.diagnose, hosts.needed, loaderfind.loader, lookups.lookup_errors,
            juliasession.julia_python_mkl, kernels.mkl_cannot_load, scope.diagnose, cpu.diagnose, runtime.runtime_misc, parameters.diagnose, kernelrelease.other_release,
            binformat.diagnose, windows.diagnose, platforms.diagnose, winsdk.diagnose, appleframework.diagnose, msvc.diagnose, msvcdup.diagnose, intelrt.diagnose, linkkind.diagnose, linker.diagnose,
            cargo.diagnose, cargolinks.diagnose, configure.diagnose, downloads.diagnose, spacepath.diagnose, joinedflags.diagnose, mklconfigwhy.diagnose, build.diagnose, complextypes.diagnose, intwidth.diagnose, meson.diagnose, importedpath.diagnose, mklrootpath.diagnose, finders.diagnose, hosts.diagnose, jvm.diagnose,
            dlsym.diagnose, mathhosts.diagnose, rtnames.diagnose, pkgmanagers.diagnose, pipreplace.diagnose, vslstatus.diagnose, mambaspec.diagnose, intelkeys.diagnose, syspackages.diagnose, toolcrash.diagnose, crash.diagnose, pardiso.diagnose, pkgcode.diagnose, dfti.diagnose,
            pymkl.diagnose, resources.diagnose, symver.diagnose, apichange.diagnose, fileclash.diagnose, otherdeps.diagnose,
            valgrind.diagnose, theano.diagnose, numpyimport.diagnose, libtool.diagnose, mklflags.diagnose, mklfiles.diagnose,
            blacswrap.diagnose, blaslist.diagnose, fftwheaders.diagnose, findlib.diagnose,
            fortranmods.diagnose, gpuloader.diagnose, onemath.diagnose, vmlwarn.diagnose, fftwplans.diagnose,
            multidef.diagnose, staticgroup.diagnose, configversion.diagnose, findblas.diagnose, protoclash.diagnose,
            bundlers.diagnose, blasmix.diagnose, fftwplans.interposed, juliablas.diagnose, juliablas.provider_locked, pic.diagnose,
            installers.diagnose, onemath.device_error, onemath.not_implemented, onemath.allocation, onemath.cuda_backend, onemath.dpct_unsupported, onemath.lapack_computation, juliablas.jll_too_old,
            blacswrap.spack_cluster, juliablas.product_unsatisfied,
            torchmkl.diagnose, numpyimport.numpy_mkl_expected, installname.diagnose, mklverbose.diagnose, codepath.diagnose, namelists.diagnose, dss.diagnose, lapackinfo.diagnose, wheelrepair.diagnose, pkgstate.diagnose,
            mixedlink.diagnose, bindings.diagnose, rblas.diagnose, blacsload.diagnose, dyldsym.diagnose, soconflict.diagnose, delayload.diagnose, onednn.diagnose, shellsplit.diagnose, cmakesplit.diagnose, configopts.diagnose, nixbuild.diagnose, cmakenotfound.diagnose, juliapkg.diagnose, winhang.diagnose, intelcmd.diagnose, kmpenv.diagnose, headerfail.diagnose, condachannel.diagnose, lddlist.diagnose, dumpbin.diagnose, cc32.diagnose, cmakesummary.diagnose, mlnet.diagnose, oneapiyear.diagnose, bazelmkl.diagnose, cholmod.diagnose, numpyabi.diagnose, syclheaders.diagnose, rcheck.diagnose, codesign.diagnose, headerwarn.diagnose, syclbuild.diagnose, gemmbackend.diagnose, staledirs.diagnose, unusedlink.diagnose,
            envmodules.diagnose, mathnet.diagnose, dalload.diagnose, ldinternal.diagnose, otherheaders.diagnose, windllinit.diagnose,
            staticlink.diagnose, xerbla.diagnose, easybuild.diagnose,
            gomp.omp_undeclared, gomp.apple_clang, condaplan.diagnose, debconfmkl.diagnose, aptfetch.diagnose, shellrun.diagnose, sitecfg.diagnose)


def replacements() -> tuple[Callable, ...]:
    """What runs on the findings of every diagnosis, ``(findings, events) -> list[Finding]``: a family whose finding explains
    a failure another family's finding reads as a generic one takes its place (one finding per failure)."""
    from mkldoctor.explain import (dumpbin, envmodules, freebsd, intwidth, linkkind, mklflags, nanshown, numpyimport, oneapiyear,
                                   rblas, tbbabi)

    return (tbbabi.with_tbb_findings, linkkind.with_kinds_mixed, rblas.with_blas_shlib, dumpbin.with_dependency_findings,
            oneapiyear.with_year_finding, freebsd.with_freebsd_remedies, mklflags.with_option_dropped,
            numpyimport.with_extension_failed, intwidth.with_ilp64_build, mklflags.with_static_option, nanshown.with_nan_shown,
            envmodules.with_spack_load)


def fallbacks() -> tuple[Callable, ...]:
    """What runs after every diagnosis, ``(events, context, findings so far) -> list[Finding]``: nothing is left unsaid."""
    from mkldoctor.explain import (cargo, cpu, crash, jvm, killed, mklconfigwhy, mklverbose, numpyimport, rtnames, unrecognised,
                                   wrongvalues)

    return (unrecognised.rust_link_failed, crash.aborted, cargo.panicked, wrongvalues.diagnose, killed.killed, jvm.mkl_class_failed,
            mklconfigwhy.found_false,
            cpu.precompile_failed, numpyimport.cut_in_core, rtnames.cut_in_package,
            unrecognised.unrecognised_lines, mklverbose.report)  # MKL's own report last: only where nothing else was found
