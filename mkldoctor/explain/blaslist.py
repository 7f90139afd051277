"""A project's BLAS search that failed with MKL's libraries in the list it tried.

BLAS++ prints the list it probed (``libs:  .../libmkl_intel_lp64.so;.../libmkl_gnu_thread.so;.../libmkl_core.so;
libomp.so;...``) and then ``BLAS++ requires a BLAS library and none was found`` (spack/spack#38509: Spack gave clang's
OpenMP as a bare ``libomp.so``, which CMake passes as ``-lomp``, and clang 14+ refuses ``-lomp`` without ``-fopenmp``).
The list itself says what is wrong with it: a threading layer beside another OpenMP runtime than its own, an item
without its folder, a layer missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, layout
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class MklListTried:
    items: tuple[str, ...]  # the list's items, as the log prints them (CMake's ';'-separated)


@dataclass(frozen=True, slots=True)
class BlasSearchFailed(FollowOn):
    """A BLAS search's last words ("configure: error: BLAS library not found"): with MKL's list above it, that list's
    finding; else an echo of the checks before it (autoconf's "checking for dgemm_ in -lmkl_rt... no"), never nothing."""


@dataclass(frozen=True, slots=True)
class BlasFallback:
    """NWChem's "configure: WARNING: BLAS library not found, using internal BLAS": a search that fell back, no failure."""

    line: str


@dataclass(frozen=True, slots=True)
class AutoconfTried:
    """autoconf's AC_CHECK_LIB with MKL's libraries: ``checking for dgemm_ in -lmkl_rt... no`` (a test link that failed;
    config.log holds the linker's own words)."""

    symbol: str
    libraries: str
    line: str


@dataclass(frozen=True, slots=True)
class CheckSaidNo:
    """A configure script's own check of the linear algebra or FFT libraries it was given that said no: ABINIT's
    "checking whether linear algebra libraries work... no" (its forum's t=1618: MKL given in FC_LDFLAGS, not in
    --with-linalg-libs), "checking for the actual FFT support... broken" (t=2931: a malformed --with-fft-libs)."""

    what: str
    line: str


def _listed(m: re.Match, _) -> MklListTried:
    return MklListTried(tuple(i.strip() for i in re.split(r"[;\s]+", m.group("list")) if i.strip()))


SIGNATURES = tuple(
    Signature(f"blas-list-tried-{i}", "blaslist", needle,
              re.compile(r"(?:\blibs:|_LIBRARIES\b[:=]?|Found (?:BLAS|LAPACK):)\s*(?P<list>\S{0,1000}libmkl_\S{0,1000}(?:\s*;\s*\S+)*)"), _listed)
    for i, needle in enumerate(("libs:", "_LIBRARIES", "Found BLAS", "Found LAPACK"))
) + (
    Signature("autoconf-checked-mkl", "blaslist", " in -lmkl",
              re.compile(r"^checking for (?P<sym>\w{1,100}) in (?P<libs>-lmkl\S{0,100}(?: -l\S{1,100}){0,12})\.\.\. no\b"),
              lambda m, _: AutoconfTried(m["sym"], m["libs"], m.string.strip()[:300])),
    *(Signature(f"configure-linalg-check-{word}", "blaslist", f"... {word}",
                re.compile(r"^checking (?P<what>[^.]{0,120}?\b(?:linear algebra|BLAS|LAPACK|ScaLAPACK|BLACS|FFTW?3?)\b[^.]{0,120})"
                           rf"\.\.\. {word}\s*$"),
                lambda m, _: NOT_MINE if "double complex" in m["what"] else CheckSaidNo(m["what"], m.string.strip()[:300]))
      for word in ("no", "broken")),
    Signature("blas-search-failed", "blaslist", "found",
              re.compile(r"(?i)\b(?:BLAS library not found|requires a BLAS library and none was found)"),
              lambda m, _: (BlasFallback if re.search(r"(?i)\busing (?:the )?internal\b", m.string) else BlasSearchFailed)(m.string.strip()[:200])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    failed = events.of(BlasSearchFailed)
    tried = events.of(MklListTried)
    if events.of(AutoconfTried) and not tried:
        from mkldoctor.explain.finders import FinderSaid  # configure's own stop after the check (bagel#125)

        stop = [e.text for e in events.of(FinderSaid) if re.match(r"configure(?::\d+)?: error: ", e.text)]
        return [_autoconf(events.of(AutoconfTried), stop[:1])]
    said_no = [e for e in events.of(CheckSaidNo) if not re.search(r"(?i)\bLAPACKE\b|\bELPA\b|\bPLASMA\b|\bMAGMA\b", e.what)]
    if said_no and not tried and any(re.match(r"configure(?::\d+)?: error: ", e.line) for e in events.of(FollowOn)):
        return [_check_said_no(said_no)]
    if events.of(BlasFallback) and not tried:  # a fallback to the build's own BLAS, not a stop
        return [_internal(events.of(BlasFallback))]
    if not failed or not tried:
        return []
    items = list(dict.fromkeys(i for e in tried for i in e.items if i != "[...]"))
    found = {item: layout.get(folders.file_name(item)) for item in items}
    layers = [lib for lib in found.values() if lib is not None and lib.role == "threading"]
    runtimes = {lib.name: item for item, lib in found.items() if lib is not None and lib.role == "openmp"}
    evidence = [failed[0].line, f"the list it tried: {'; '.join(folders.file_name(i) for i in items[:8])}"]
    fix = []
    for layer in layers[:1]:
        wrong = [name for name in runtimes if layer.runtime and name != layer.runtime]
        if wrong:
            evidence.append(f"{layer.name} runs on {layout.get(layer.runtime).description if layout.get(layer.runtime) else layer.runtime}"
                            f", and the list gives {folders.file_name(runtimes[wrong[0]])}: another OpenMP runtime")
            fix.append(f"a list whose threading layer and runtime agree: {layer.name} with lib{layer.runtime}, or "
                       "mkl_intel_thread with libiomp5 (LLVM's libomp answers to it), or mkl_sequential with no runtime")
    bare = [i for i in items if "/" not in i and "\\" not in i and re.search(r"\.(?:so|a|dylib)(?:\.\d+)*$", i)]
    if bare:
        evidence.append(f"{bare[0]} has no folder: CMake passes such an item as -l{folders.file_name(bare[0]).removeprefix('lib').split('.')[0]}, "
                        "which ld looks for only in its default folders, and clang 14 and newer refuse -lomp without -fopenmp")
        fix.insert(0, f"give {bare[0]} by its full path (clang: clang -print-file-name={bare[0]}), or drop it for -fopenmp; "
                      "Spack's intel-mkl %clang wrote it bare (spack/spack#38509): a newer Spack, or threads=none")
    fix.append("or hand the project MKL's whole line yourself: -DBLAS_LIBRARIES=\"<the libraries by full path>\" "
               "(mkldoctor link --format flags prints one), and clear the build folder's CMakeCache.txt")
    return [Finding(
        "mkl-library-list-inconsistent", "error",
        "the project's BLAS search tried MKL's libraries and failed: the list it tried does not link as it stands",
        tuple(evidence), tuple(fix),
        "A BLAS search links a test program with the list of libraries it was given or built; MKL's layers need one "
        "interface, one threading layer with its own OpenMP runtime, and the core, each where ld can find it.",
        ("the configure log (CMakeFiles/CMakeError.log, CMakeConfigureLog.yaml) has the test link's own error",),
    )]


def _autoconf(tried: list[AutoconfTried], stop: list[str]) -> Finding:
    first = tried[0]
    return Finding(
        "mkl-finder-failed", "error",
        f"configure's test link of {first.symbol} with {first.libraries} failed: config.log holds the linker's own reason",
        (first.line,
         "autoconf links a test program with those libraries (it does not run it) and says only yes or no; the reason "
         "(-lmkl_rt not in a folder ld searches, names of a layer not given, a missing -lpthread -lm -ldl) is in config.log",
         *(f"then configure stopped: {line} (the check's consequence)" for line in stop)),
        (f"read the test link's error: grep -n -A25 'checking for {first.symbol} in' config.log",
         "give configure MKL's folder and line: LDFLAGS=-L<MKL lib folder> with the project's BLAS option "
         "(--with-blas=\"-lmkl_rt -lpthread -lm -ldl\" or its own), or MKL's full line: mkldoctor link --format flags",
         "then explain config.log's error: mkldoctor explain config.log"),
        "A configure script's library check is a test link; its summary line hides the linker's message, which config.log "
        "keeps.",
    )


def _check_said_no(said: list[CheckSaidNo]) -> Finding:
    first = said[-1]  # the last check before configure stopped (optional ones said no before it: BLACS, ScaLAPACK)
    return Finding(
        "configure-check-failed", "error",
        f"configure's own check ({first.what}) said no, and configure stopped: config.log holds the test's compiler or "
        "linker words", (
            first.line,
            "configure tests the libraries its option was given (ABINIT's --with-linalg-libs and --with-fft-libs, a "
            "project's --with-blas) with a small program: libraries given elsewhere (FC_LDFLAGS, LIBS) are not what it "
            "tests, and a malformed value (an undefined shell variable in a path, other flags inside a -Wl list) fails it "
            "as a missing library does"),
        (f"read the test: grep -n -A30 {q(first.what)} config.log, then explain its error: mkldoctor explain config.log",
         "give the option MKL's whole line, and nothing else: -L<MKL's lib folder> with the interface, threading and core "
         "layers (mkldoctor link --format flags prints them), as the project's documentation of that option shows"),
        "A configure script's library check is a small build with the option's value; its summary hides the compiler's "
        "and the linker's words, which config.log keeps.",
    )


def _internal(failed: list[BlasFallback]) -> Finding:
    """NWChem's "configure: WARNING: BLAS library not found, using internal BLAS": the BLAS line given failed configure's
    test link, and the build goes on with its own slow BLAS (NWChem's forum #1735: BLASOPT held ScaLAPACK and BLACS)."""
    return Finding(
        "mkl-finder-failed", "warning",
        "configure found no working BLAS in the line it was given, and builds with its own internal BLAS (correct, slow)",
        (*(e.line for e in failed[:2]),
         "configure tests the BLAS line with a small link; when that fails it says only 'not found' and falls back: the "
         "reason (a library not found, a layer missing, an MPI part on a serial test: -lmkl_scalapack_*, -lmkl_blacs_*) "
         "is in config.log"),
        ("read the test link's error in config.log (grep -n -B2 -A20 'BLAS' config.log), then explain it: mkldoctor explain "
         "config.log",
         "give the BLAS line without MKL's cluster libraries (ScaLAPACK and BLACS are for MPI code and fail a serial test "
         "link): the interface, threading and core layers only (mkldoctor link --format flags prints them)"),
        "A build that falls back to its own BLAS runs without MKL; nothing fails, it is only slower.",
    )
