"""Never silent: what the catalogue's diagnoses leave unexplained becomes a finding of its own.

These run last (:func:`catalogue.fallbacks`), with the findings made so far: an error-looking line
that no signature claimed, a log that says only that a step failed, and rustc's failed link whose
reason no diagnosis recognised. A line that only repeats that a step failed (collect2's ``ld returned
1``, make's ``Error 1``, R's ``Error: loading failed``) is not a failure of its own: :func:`join_echoes`
adds it to the finding it follows, as that failure's consequence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mkldoctor.explain.catalogue import ClaimedError, FollowOn, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.echoes import CTEST_FAILED, PYTEST_FAILURES
from mkldoctor.explain.events import Parsed, RustLinkFailed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q

MAX_UNRECOGNISED_FINDINGS = 10
ECHOES_ONLY = "the log says the build failed, but not why in a form mkldoctor recognises"
TESTS_ONLY = "the log says tests failed, but not why in a form mkldoctor recognises"
# a test runner's report of failed tests (pytest's banner and a test's header, googletest's list, CTest's summary,
# Catch2's, unittest's, Julia's): an echo that says tests failed, not a build
_TEST_REPORT = re.compile(rf"^(?:{PYTEST_FAILURES}|\[  FAILED  \] |The following tests FAILED:|\S+:\d+: FAILED:|_* ?ERROR collecting "
                          r"|_{3,} (?:Test\w*(?:\.|::))?test|ERROR: A test has failed|(?:[^\w\s]{1,4} )?(?:ERROR|FAIL): [Tt]est"
                          rf"|{CTEST_FAILED})")

# The words of a failure's own cause. An error line with none of them only says that a step failed ("ERROR: Package
# FFTW errored during testing", "The meson log shows the following error:"), as does the head of CMake's message over
# the lines that say why: in a log whose failure is explained, such a line is that failure's consequence.
_CAUSE_WORDS = re.compile(
    r"(?i)undefined|unresolved|cannot|can't|could not|couldn't|unable|not found|notfound|no such|missing|not exist|fatal|"
    r"symbol|segmentation|illegal|abort|dumped|incorrect|invalid|mismatch|conflict|denied|permission|version|"
    r"\.(?:so|dll|dylib|lib|a|h|hpp)\b|\blib[a-z]|mkl|(?<!c)omp|blas|lapack|tbb|intel")  # not compile's "omp"
_CMAKE_HEAD = re.compile(r"^\s*CMake (?:Error|Warning)(?: \(dev\))? at \S.*:\d+ ?\(\w+\):\s*$")


# a reporter's sentence that introduces the error shown with it ("... in the `python.sh` script I get the following
# error:"), whatever words the sentence holds before it
_INTRODUCES = re.compile(r"(?i)\b(?:the following|this|these|an?|following)\s+(?:\w+\s+)?errors?(?: messages?)?\s*:\s*$")


# a program's assertion: its own check of what a call returned failed (an MKL error said before it is that call's)
_ASSERTION = re.compile(r"\bAssertion (?:[`'‘(].{0,200}?\s)?failed\b")


# a host's own words that it stops, after the cause it did not name (MATLAB's exit after OMP Error #15: mmc#89) or before
# the loader's reason it quotes below (XGBoost's "could not be loaded", then dlopen's "Library not loaded": xgboost#5586)
_HOST_STOPS = re.compile(r"^\s*(?:MATLAB is exiting because of fatal error\b|(?:[\w.]+\.)?XGBoostError: XGBoost Library "
                         r"\([^)]{1,80}\) could not be loaded\.?\s*$)")


def _says_only_that_it_failed(line: str) -> bool:
    return (bool(_CMAKE_HEAD.match(line)) or not _CAUSE_WORDS.search(line) or bool(_INTRODUCES.search(line))
            or bool(_ASSERTION.search(line)) or bool(_HOST_STOPS.match(line)))


def _explained(found: list[Finding]) -> bool:
    """True when a finding other than the fallbacks' explains a failure of the log."""
    return any(f.severity == "error" and f.id != "unrecognised-failure" for f in found)


# a package solver's other items beside the MKL package it could not provide (deeprank-gnn-esm#19: an environment file of
# linux-64 builds solved on osx-arm64: "- nothing provides requested libgcc-ng 11.2.0**" after mkl's)
_SOLVER_ITEM = re.compile(r"^\s*-?\s*nothing provides (?:requested )?\S")
_SOLVER_FINDINGS = ("mkl-package-unavailable", "mkl-not-for-this-platform")


def _consequences(events: Parsed, found: list[Finding]) -> list:
    """The unclaimed error lines that only say a step failed, in a log whose failure a finding explains, and a solver's
    other items beside its MKL finding."""
    if not _explained(found):
        return []
    solver = any(f.id in _SOLVER_FINDINGS for f in found)
    return [e for e in events.of(Unrecognised)
            if _says_only_that_it_failed(e.line) or (solver and _SOLVER_ITEM.match(e.line))]


def rust_link_failed(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """rustc's link failed, and nothing before explained why."""
    if found or not events.of(RustLinkFailed):
        return []
    linker_name = events.of(RustLinkFailed)[0].linker
    return [Finding(
        "link-failed-unrecognised", "error", f"rustc's link with `{linker_name}` failed, for a reason mkldoctor does not recognise",
        ("the linker's own message was not one of: undefined reference/symbol, cannot find -l",),
        ("rerun with: cargo build -v   # and pass the whole output to mkldoctor explain",),
    )]


def unrecognised(event, ctx: Context) -> Finding:
    """The finding for one error line no signature explains (``event``: an :class:`Unrecognised`, or a family's event of
    a line it read and could not explain, with ``line`` and ``context``)."""
    context = [("> " if line == event.line else "  ") + line for line in event.context] or ["> " + event.line]
    return Finding(
        "unrecognised-failure", "error", f"an error mkldoctor does not recognise: {event.line.strip()[:160]}",
        tuple(["the log says (the line marked >, with the lines around it):"] + ["  " + c for c in context[:10]]),
        ("read the marked line: mkldoctor has no signature for it, so it cannot say whether MKL is the cause",
         *_full_log_fix(ctx),
         "if it concerns MKL, report it with this log excerpt so that a signature can be added"),
        "This line looks like an error (error:, undefined, cannot open/find/load, FATAL, ImportError, CMake Error...), "
        "and none of mkldoctor's failure signatures explains it. mkldoctor does not call such a log clean.",
        locations=ctx.located([event], "an error line no signature explains"),
    )


def unrecognised_lines(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """Each error line that no signature claimed, and a failure said only by its echoes."""
    out = []
    joined = _consequences(events, found)
    quoted = {line.strip() for f in found if f.severity == "error" for line in f.evidence}  # a line a finding quotes is its own
    said = " ".join(f"{f.title} {' '.join(f.evidence)}" for f in found if f.severity == "error")
    lines = [e for e in events.of(Unrecognised) if e not in joined and e.line.strip()[:300] not in quoted
             and not _cut_reference_said(e.line, said)]
    lines = list({e.line.strip(): e for e in reversed(lines)}.values())[::-1]  # a line said again (a block pasted twice): once
    if not lines and not any(f.severity in ("error", "warning") for f in found):  # a signature's line no finding said
        lines = [Unrecognised(e.line) for e in events.of(ClaimedError)]
    if not lines and not any(f.severity == "error" for f in found):  # a traceback whose last line (its error) was cut
        from mkldoctor.explain.echoes import TracebackHeader

        lines = events.of(TracebackHeader)[:1]
    groups: dict[str, list] = {}
    for event in lines:  # one tool's same error for several arguments (curl's "(6) Could not resolve host: x" per host)
        groups.setdefault(_shape(event.line), []).append(event)
    lines = [group[0] for group in groups.values()]
    out += [_again(unrecognised(group[0], ctx), group[1:]) for group in list(groups.values())[:MAX_UNRECOGNISED_FINDINGS]]
    if len(lines) > MAX_UNRECOGNISED_FINDINGS:
        out.append(Finding("unrecognised-failure", "error", f"{len(lines) - MAX_UNRECOGNISED_FINDINGS} more unrecognised error lines",
                           tuple(e.line[:160] for e in lines[MAX_UNRECOGNISED_FINDINGS:MAX_UNRECOGNISED_FINDINGS + 8]), ()))
    echoes = events.of(FollowOn)
    if echoes and not lines and not any(f.severity == "error" for f in found):
        tests = bool(_TEST_REPORT.match(echoes[0].line))  # what follows a test report is its runner's exit (make test)
        out.append(Finding(
            "unrecognised-failure", "error", TESTS_ONLY if tests else ECHOES_ONLY,
            tuple(f"the log says: {e.line[:200]}" for e in echoes[:6]),
            (*_full_log_fix(ctx),
             *(("a test run's summary: rerun the failed tests with their own output, ctest --output-on-failure -R "
                "'<a test's name>' (the names follow the summary), and explain that output",)
               if any(e.line.startswith("The following tests FAILED") or e.line.endswith("(Failed)") for e in echoes) else ()),
             *(("GoogleTest's list of failed tests: rerun one with its own output, <the test program> --gtest_filter="
                "'<a test's name>' (the names follow the count), and explain that output (its 'Failure' lines say what "
                "differs)",) if any(e.line.startswith("[  FAILED  ]") for e in echoes) else ()),
             *(("pytest's report of failed tests: rerun one with its whole output, pytest -x -vv '<the test's id>', and "
                "explain that output (its 'E   ' lines say what failed)",)
               if any(re.match(PYTEST_FAILURES, e.line) for e in echoes) else ()),
             "look above these lines for the first error the tool printed; if the log was cut, pass the whole output "
             "(make VERBOSE=1, cargo build -v, ninja -v)",),
            "These lines only report that an earlier step failed; the step's own message is not in the input, "
            "or is not one mkldoctor knows.",
            locations=ctx.located(echoes, "says tests failed" if tests else "says the build failed"),
        ))
    return out


# an undefined reference whose quote a paste cut before its end ("... undefined reference to `sycl::_V1::event
# oneapi::mkl::rng::generate<...*, std::"), which the linker's reader cannot take as a name: its function's name
_CUT_REFERENCE = re.compile(r"undefined reference to [`'‘](?P<name>[^`'’<(]{8,300})[<(][^`'’]*$")


def _cut_reference_said(line: str, said: str) -> bool:
    """True for a cut undefined reference to a function a finding already names (AMReX#3536's second reference)."""
    cut = _CUT_REFERENCE.search(line) if "undefined reference to" in line else None
    return bool(cut) and cut.group("name").strip() in said


def _shape(line: str) -> str:
    """A line with what varies between one error's instances taken out: quoted words, paths, host and file names, numbers
    (the error's own code kept: curl's "(6)"), MSVC's decorated names ("(?view_as_real@native@at@@YA...)")."""
    line = re.sub(r"^(?:exception on \d+:|From worker \d+:)\s*", "", line.strip())  # Julia's worker, then its master: one error
    return re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*'|\(\?[^()\s]*\)|\S*[/\\.]\S*|(?<![(\w])\d+(?![)\w])", "#", line)


def _again(finding: Finding, more: list) -> Finding:
    if not more:
        return finding
    return replace(finding, evidence=(*finding.evidence, f"the same error {len(more)} more time{'s' if len(more) > 1 else ''}: "
                                      + "; ".join(e.line.strip()[:120] for e in more[:4])))


# the files in which build tools keep their whole output, which their last lines name (Spack's "See build log for details:")
_FULL_LOG = re.compile(r"(?:^|/)(?:spack-build-out\.txt|CMakeError\.log|CMakeConfigureLog\.yaml|meson-log\.txt|config\.log)$")


def _full_log_fix(ctx: Context) -> tuple[str, ...]:
    """The fix that names the file a build tool said holds its whole output, where the log names one."""
    path = next((p for p in ctx.places if _FULL_LOG.search(p)), None)
    return (f"the tool named the file that holds its whole output: mkldoctor explain {q(path)}   # on the machine that ran it",
            ) if path else ()


MAX_ECHOES = 4  # echo lines said per finding


def join_echoes(findings: list[Finding], events: Parsed) -> list[Finding]:
    """Each echo of a failure (a :class:`FollowOn` line, or an unclaimed error line that only says a step failed in a
    log whose failure is explained) joins the error finding it follows in the log, as the consequence of that failure:
    the finding whose own log lines come last before it (the first error finding when the findings' lines are unknown)."""
    echoes = [e for e in (*events.of(FollowOn), *_consequences(events, findings)) if events.first_line.get(e, 0)]
    echoes.sort(key=lambda e: events.first_line[e])
    errors = [i for i, f in enumerate(findings) if f.severity == "error" and f.title not in (ECHOES_ONLY, TESTS_ONLY)]
    if not echoes or not errors:
        return findings
    starts = {i: _first_line(findings[i], events) for i in errors}
    joined: dict[int, list[str]] = {}
    for echo in echoes:
        at = events.first_line[echo]
        before = [i for i in errors if 0 < starts[i] <= at]
        target = max(before, key=lambda i: starts[i]) if before else errors[0]
        if echo.line.strip() in findings[target].evidence:  # the line the finding is about (a crash's abort)
            continue
        said = echo.line.strip()[:200]
        # a person's summary put first (oneDAL#3801's sentence) is no consequence; a tool's short line is, wherever the
        # paste put it (a shell's "Killed: 9" above macOS's crash report)
        summary = at < starts[target] and len(said.split()) >= 8
        joined.setdefault(target, []).append(
            f"before it, the log says: {said} (line {at}): this failure, said ahead of its own lines" if summary
            else f"then the log says: {said} (line {at}): the consequence of this failure")
    out = list(findings)
    for index, lines in joined.items():
        more = len(lines) - MAX_ECHOES
        lines = lines[:MAX_ECHOES] + ([f"and {more} more lines that repeat that the step failed"] if more > 0 else [])
        out[index] = replace(out[index], evidence=out[index].evidence + tuple(lines))
    return out


def _first_line(finding: Finding, events: Parsed) -> int:
    """The first log line of the events a finding names (its locations' lines, else the lines of the events whose
    symbol, library or message its title and evidence say); 0 when none is known."""
    lines = [where.line for where in finding.locations]
    if not lines:
        text = "\n".join((finding.title, *finding.evidence))
        for event, line in events.first_line.items():
            if line and not isinstance(event, (FollowOn, Unrecognised)) and _key(event) and _key(event) in text:
                lines.append(line)
    return min(lines) if lines else 0


def _key(event) -> str | None:
    """What a finding about ``event`` names of it: its first text field (a symbol, a library, a soname)."""
    from dataclasses import fields, is_dataclass

    if not is_dataclass(event):
        return None
    for item in fields(event):
        value = getattr(event, item.name)
        if isinstance(value, str) and len(value) >= 3:
            return value
    return None
