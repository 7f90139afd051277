"""The echoes of build and workflow tools: lines that only say a command they ran failed, with its exit code.

EasyBuild's ``ERROR EasyBuild crashed with an error ...: cmd "meson setup ..." exited with exit code 1 and output:``,
snakemake's ``Error in rule X:``, MSBuild's ``error MSB3073: The command "..." exited with code 1.``, Spack's
``==> Error: ProcessError: Command exited with status 2:``, Nextflow's ``Error executing process > 'X'``, tox's
``InvocationError for command ... (exited with code 1)``, Bazel's ``failed: (Exit 1)``, Docker's ``did not complete
successfully: exit code: 1``, autoconf's ``configure: error: Required package LAPACK not found.``. Each is a :class:`FollowOn`: after a failure explained it joins that finding as its
consequence (:func:`unrecognised.join_echoes`); a log with nothing but echoes is still no clean log
(:func:`unrecognised.unrecognised_lines`). These signatures come last in the catalogue: a family's own line wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import (NOT_MINE, TOOL_SUMMARIES, TRACEBACK_HEADER, ClaimedError, FollowOn, Signature,
                                         Unrecognised, last_match, preceded)


@dataclass(frozen=True, slots=True)
class TracebackHeader:
    """``Traceback (most recent call last):`` (Python's, IPython's, rich's box): the error it leads to is its last line.
    Where nothing else in the log is an error, a paste cut that line: :func:`unrecognised.unrecognised_lines` says it."""

    line: str
    context: tuple[str, ...] = ()


def cut_traceback(events, found: list) -> TracebackHeader | None:
    """The header of a traceback cut before its error line, where nothing else of the log is an error: no finding says
    one, no line is unrecognised, and the only claimed error lines are tracebacks' headers (IPython's names the error)."""
    headers = events.of(TracebackHeader)
    if not headers or any(f.severity == "error" for f in found) or events.of(Unrecognised) \
            or not all(TRACEBACK_HEADER.match(e.line) for e in events.of(ClaimedError)):
        return None
    return headers[0]


def _echo(m: re.Match, _) -> FollowOn:
    return FollowOn(m.string.strip())


# a command, process or job, then its exit: "exited with exit code 1", "failed with exit code 2", "returned non-zero exit
# status 1", "terminated with an error exit status (127)", "finished with non-zero exit value 1", "exit code: 1"
_RAN = r"(?i:\b(?:cmd|command|process|subprocess|job|task|step|script|program|rule|build step)\b)"
_EXIT = (r"(?i:\b(?:exit(?:ed)?|failed|returned|terminated|finished|completed?|did not complete successfully)\b[\w\s-]{0,30}?"
         r"\b(?:exit|return)?\s*(?:code|status|value)\b\W{0,3}(?!0\b)-?\d+)")  # exit code 0 is success
_COMMAND_EXIT = re.compile(rf"{_RAN}.{{0,2000}}?{_EXIT}")

def _header(m: re.Match, _) -> Unrecognised | object:
    """A Python exception whose message is a tuple printed over the lines that follow (Theano's ``ImportError: ('The
    following error happened while compiling the node', ..., 'dlopen(...): Library not loaded: ...')``): a header, whose
    detail a later line may explain; unexplained, it is reported as it is."""
    line = m.string
    return Unrecognised(line.strip()) if line.count("(") > line.count(")") else NOT_MINE


def _julia_frame(m: re.Match, _):
    from mkldoctor.explain.juliasession import JuliaUsing  # the session's own mark, with no package named

    return JuliaUsing(())


_TOOL_SUMMARY = re.compile("|".join(TOOL_SUMMARIES))

PYTEST_FAILURES = r"=+ FAILURES =+"  # pytest's banner over the failures it reports (unrecognised reads it too)
CTEST_FAILED = r"\s*\d{1,6} - \S.{0,400} \(Failed\)\s*$"  # CTest's line of one failed test (unrecognised reads it too)

SIGNATURES = (
    # a Julia stacktrace's frame ("[1] error(::String) at ./error.jl:33"): a Julia session, whatever it loaded; last of all
    # families, so that a frame another family reads (Pardiso.jl's call with its argument types) stays that family's
    Signature("julia-frame", "echoes", ".jl:", re.compile(r"^\s*\[\d+\] .{0,400}?\bat \S{0,300}\.jl:\d+"), _julia_frame),
    # a package's fallback import of its extension after the loader refused the first one (faiss#796: "Symbol not found:
    # _MKL_Detect_Cpu_Global_Lock", then "ModuleNotFoundError: No module named '_swigfaiss'"): that refusal's consequence
    Signature("python-extension-fallback", "echoes", "No module named",
              re.compile(r"^\s*(?:ModuleNotFoundError|ImportError): No module named '?[\w.]*\b_\w+'?\s*$"),
              lambda m, before: FollowOn(m.string.strip()[:300]) if last_match(
                  r"Symbol not found|Library not loaded|cannot open shared object|undefined symbol|DLL load failed", before)
              else NOT_MINE),
    Signature("python-exception-tuple", "echoes", "rror", re.compile(r"^\s*[A-Z]\w*Error: \(['\"]"), _header),
    # a traceback's header: its error is its last line; a header whose error was cut from the log is still an error said
    Signature("python-traceback-header", "echoes", "Traceback (most", TRACEBACK_HEADER, lambda m, _: TracebackHeader(m.string.strip())),
    # a traceback's frames pasted without its header or its error (IPython's "File ~/x.py:46, in f(...)", rich's box
    # "│ /x/torch/__init__.py:217 in <module> │"): the same cut traceback, where nothing else of the log is an error
    Signature("python-traceback-frame", "echoes", ".py", re.compile(r"^[\s│]*(?:File (?:\"[^\"]{1,400}\.py\", line \d+, in \S|"
                                                                   r"[~/]\S{0,400}\.py:\d+, in \S)|[~/]\S{0,400}\.py:\d+ in \S)"),
              lambda m, _: TracebackHeader(m.string.strip())),
    # an exception whose message starts on the next line (pytest's "E       AssertionError: " over numpy.testing's words)
    Signature("python-exception-over-lines", "echoes", "rror", re.compile(r"^\s*[A-Z]\w*Error:\s*$"),
              lambda m, _: Unrecognised(m.string.strip())),
    *(Signature(f"command-exit-{i}", "echoes", needle, _COMMAND_EXIT, _echo)
      for i, needle in enumerate(("exit code", "exit status", "exited with", "exit value"))),
    # CTest's list of the tests that failed ("238 - nrm2 with finite input ... - float (Failed)"): tests that failed, their
    # own output elsewhere (tlapack#112)
    Signature("ctest-failed-listed", "echoes", "(Failed)", re.compile(rf"^{CTEST_FAILED}"), _echo),
    Signature("snakemake-error-in-rule", "echoes", "Error in rule", re.compile(r"^\s*Error in rule [\w.-]+:\s*$"), _echo),
    Signature("snakemake-called-process", "echoes", "rror in ",
              re.compile(r"^\s*(?:RuleException|CalledProcessError) in (?:rule \S+ in )?(?:line \d+ of |file )\S+"), _echo),
    Signature("snakemake-exiting", "echoes", "ailed", re.compile(r"^Exiting because a job execution failed"), _echo),
    # its words first, EasyBuild's ERROR looked up before them ("ERROR.*Shell command failed!" was quadratic in ERRORs)
    Signature("easybuild-shell-command-failed", "echoes", "ailed", re.compile(r"\bShell command failed!"),
              preceded(r"\bERROR\b", _echo)),
    Signature("nextflow-error-executing", "echoes", "rror", re.compile(r"\bError executing process > "), _echo),
    Signature("msbuild-exited", "echoes", "rror", re.compile(r"\berror MSB\d{4}: .*\bexited with code -?\d+"), _echo),
    # a program's summary after its own loader's words: "[MKLDNN] failed to load MKLDNN library"
    Signature("failed-to-load-mkl-library", "echoes", "ailed",
              re.compile(r"(?i)\bfailed to load (?:the )?\w*(?:mkl|dnn)\w* library\b"), _echo),
    # the JVM's words for a class whose static initialiser failed before (the load failure it reported first)
    Signature("jvm-could-not-initialize", "echoes", "rror", re.compile(r"NoClassDefFoundError: Could not initiali[sz]e class"), _echo),
    # a tool's words for a command that failed: "ERROR: (./scripts/install_quip.sh, line 100) Non-zero exit code detected."
    Signature("non-zero-exit", "echoes", "exit code", re.compile(r"(?i)\bnon-zero exit (?:code|status)\b"), _echo),
    # Apple's ld after its own words for each undefined name (a link of one architecture with files of another)
    Signature("apple-ld-undefined-for-arch", "echoes", "ndefined", re.compile(r"^\s*Undefined symbols for architecture \w+:"), _echo),
    # a configure script's summary of the check that failed above it: "***configure failed: Cannot validate the MKL switches ***"
    Signature("configure-failed-summary", "echoes", "ailed", re.compile(r"(?i)\bconfigure failed\b"), _echo),
    # unittest's and nose's header of a test that raised: "ERROR: test_Mx1_economic_p_col (module.Class)"
    # (a CI's mark before it: "🚨 ERROR: TestLinalgCPU.test_norm_extreme_values_cpu")
    Signature("unittest-error-header", "echoes", "ERROR",
              re.compile(r"^(?:[^\w\s]{1,4} )?(?:ERROR|FAIL): (?:test\w*\b|Test\w*\.test\w*)"), _echo),
    Signature("bazel-exit", "echoes", "ailed", re.compile(r"\bfailed: \(Exit \d+\)"), _echo),
    # SCons' words for a target whose command failed: "scons: *** [lib/libtmv.so.0] Error 1" (GalSim#704)
    Signature("scons-target-error", "echoes", "***", re.compile(r"^\s*scons: \*\*\* \[[^\]]+\] Error -?\d+"), _echo),
    # pypa/build's words after the build backend (meson-python, setuptools) failed above
    Signature("build-backend-exited", "echoes", "ERROR", re.compile(r"ERROR Backend subprocess exited when trying to invoke"), _echo),
    # Julia's dlopen of an empty name: a library path variable left empty by the failure above (Pardiso.jl#93)
    Signature("julia-load-empty-name", "echoes", "ould not", re.compile(r'could not load library ""'), _echo),
    # Boost.Test's report of a signal in a test case, after the program's own error: "unknown location:0: fatal error in
    # "RAS": signal: SIGABRT (application abort requested)"
    Signature("boost-test-signal", "echoes", "rror", re.compile(r'fatal error:? in "[^"]+": (?:signal: |memory access violation)'),
              _echo),
    # a reporter's words for the OpenMP runtime's message above: "OMP: Error #15 occurs at model = df_model()"
    Signature("omp-error-mentioned", "echoes", "rror", re.compile(r"\bOMP: Error #\d+(?![:\d])"), _echo),
    # pytest's header of a test module whose import raised: "____ ERROR collecting tests/test_basic.py ____", "ImportError
    # while importing test module '/x/test_basic.py'." (the exception's own line follows)
    Signature("pytest-error-collecting", "echoes", "ERROR", re.compile(r"^_* ?ERROR collecting \S+ ?_*\s*$"), _echo),
    Signature("pytest-import-error-header", "echoes", "rror", re.compile(r"^ImportError while importing test module '"), _echo),
    # pytest's header of a test that failed: "_______ test_omp_cv _______" (its assertion and the values follow)
    *(Signature(f"pytest-failure-header-{i}", "echoes", needle,
                re.compile(r"^_{3,} (?:Test\w*(?:\.|::))?test\w*(?:\[[^\]]{0,200}\])? _{3,}\s*$"), _echo)
      for i, needle in enumerate(("__ test", "__ Test"))),
    # pytest's banner over the failures it reports (their own lines follow it), and googletest's list of the tests that
    # failed after its count ("[  FAILED  ] 28 tests, listed below:" then one line per test: Caffe#4836)
    # (a terminal's width may join the next line to the banner)
    Signature("pytest-failures-banner", "echoes", "FAILURES", re.compile(rf"^{PYTEST_FAILURES}(?![^=_\s])"), _echo),
    Signature("gtest-failed-count", "echoes", "FAILED", re.compile(r"^\[  FAILED  \] \d+ tests?, listed below:"), _echo),
    Signature("gtest-failed-listed", "echoes", "FAILED", re.compile(r"^\[  FAILED  \] (?!\d+ tests?, listed below)\S"),
              lambda m, before: _echo(m, before) if last_match(r"^\[  FAILED  \] ", before, within=1) else NOT_MINE),
    # a person's words for the linker's errors, not its lines: "getting a lot of 'undefined references' related with
    # mkl_lapack32" (Intel's forum, topic 309412), "Shows compile error about 25 undefined references" (tei#728)
    Signature("prose-undefined-references", "echoes", "ndefined", re.compile(r"\b[Uu]ndefined references\b"), _echo),
    # a program's last words after the error that stopped it: "ERROR: FDS was improperly set-up - FDS stopped (CHID: x)"
    Signature("program-stopped", "echoes", "ERROR: ", re.compile(r"^ERROR: .*\b(?:improperly set[- ]up|stopped)\b"), _echo),
    # vcpkg's summary after a port's own CMake error: "Error: Building package intel-mkl:x64-windows failed with: BUILD_FAILED"
    # (vcpkg 2023 and newer: "error: building intel-mkl:x64-linux failed with: BUILD_FAILED")
    Signature("vcpkg-build-failed", "echoes", "rror", re.compile(r"^[Ee]rror: [Bb]uilding (?:package )?\S+ failed with: BUILD_FAILED"), _echo),
    # build tools', runtimes' and shells' own summaries (catalogue.TOOL_SUMMARIES), each needle a word of some of them
    *(Signature(f"tool-summary-{i}", "echoes", needle, _TOOL_SUMMARY, _echo)
      for i, needle in enumerate(("ailed", "rror", "not found", "***", "forrtl: ", "fatal exception"))),
    # a makefile's copy of the target whose rule failed just above (VASPsol#75: "make[2]: *** [makefile:145: vasp] Error 1",
    # then "cp: cannot stat 'vasp': No such file or directory"): the file the failure did not make
    Signature("copy-of-failed-target", "echoes", "annot stat",
              re.compile(r"^(?:cp|mv|install|ln|strip): cannot stat [‘'`\"](?P<f>[^’'`\"]+)[’'`\"]: No such file or directory"),
              lambda m, before: _echo(m, before) if last_match(
                  r"\*\*\* \[(?:[^\]]*?: ?)?(?:\S*/)?" + re.escape(m["f"].rsplit("/", 1)[-1]) + r"\] Error", before) else NOT_MINE),
    # a makefile's words after its configure step failed above: "ERROR: kaldi.mk does not exist; run ./configure first."
    *(Signature(f"configure-first-{i}", "echoes", needle, re.compile(r"(?i)\bdoes not exist\W{1,3}(?:please )?run \S*configure\b"),
                _echo) for i, needle in enumerate(("rror", "ERROR"))),
    # autoconf's summary of the checks config.log holds: "configure: error: Required package LAPACK not found.", BAGEL's
    # "configure: error: \"Linking against scalapack library failed.\"" (bagel#176)
    Signature("autoconf-blas-not-found", "echoes", "rror",
              re.compile(r"(?i)^configure(?::\d+)?: error: (?:.*\b(?:BLAS|LAPACK|ScaLAPACK|linear algebra|FFTW?3?)\b.*\b(?:not "
                         r"found|not usable|no usable|cannot find|could not find|unable to find|do(?:es)? not work|failed)|"
                         r"no working "
                         r"(?:linear algebra|BLAS|LAPACK|FFT)\b)"), _echo),
    # autoconf's header of its error ("configure: error: in `/x/wannier90-1.2.0.1':") and its words for a test program it
    # linked and could not run, whose loader's failure config.log (or the log) shows ("./conftest: error while loading
    # shared libraries: libmkl_intel_lp64.so": the forum of abinit, t=1560)
    Signature("autoconf-error-in", "echoes", "rror",
              re.compile(r"^(?:.*\.\.\. )?configure(?::\d+)?: error: in [`'‘][^'’]+['’]:\s*$"), _echo),
    Signature("autoconf-cannot-run", "echoes", "rror",
              re.compile(r"^configure(?::\d+)?: error: cannot run C(?:\+\+)? compiled programs"), _echo),
    # a test run's summary after the failure it reports: CTest's "The following tests FAILED:", Catch2's "x.h:353: FAILED:",
    # and OSQP's setup after its solver's library did not load ("ERROR in osqp_setup: Linear system solver not available.")
    *(Signature(f"test-run-failed-{i}", "echoes", needle, re.compile(pattern), _echo) for i, (needle, pattern) in enumerate((
        ("FAILED", r"^The following tests FAILED:\s*$"), ("FAILED", r"^\S+:\d+: FAILED:\s*$"),
        ("ERROR", r"^ERROR in osqp_setup: Linear system solver not available"),
        # Julia's test runner after a test process died ("ERROR: A test has failed. Please submit a bug report", julia#25246)
        ("ERROR", r"^ERROR: A test has failed\.")))),
)
