"""Every corpus log as people and CI services paste it gets the findings the log gets as printed: a CI's clock or a
container's name before each line, a Markdown quote, block or fence after a post's words, an issue's <details>, the cuts a
poster marks, colours, Windows' line ends, trailing blanks taken off, a blank line after each line. The public logs came
from one paste each; the same failure pasted another way is the next user's log. Then g++'s own wrap of a diagnostic
(-fmessage-length, 72 by default before GCC 6), produced here, read as its unwrapped line is."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from mkldoctor.explain import lines, reflow
from tests import blindset
from tests.test_explain_families import clean_env, flat, only_error, run

CORPUS = Path(__file__).parent / "data/explain_corpus"


def _corpus() -> list[tuple[str, str]]:
    found = []
    for path in sorted(CORPUS.glob("*.json")):
        document = json.loads(path.read_text())
        for entry in document.get("entries", []) if isinstance(document, dict) else []:
            if entry.get("log"):
                found.append((f"{path.stem}:{entry['id']}", entry["log"]))
    return found


def _each_line(prefix):
    return lambda log: "\n".join(prefix(i) + line for i, line in enumerate(log.splitlines()))


PASTES = {
    # a CI's or a container's mark before each line
    "github-actions-clock": _each_line(lambda i: f"2024-05-0{1 + i % 9}T12:34:{i % 60:02d}.{i:07d}Z "),
    "buildkit-step": _each_line(lambda i: f"#12 {3 + i * 0.01:.3f} "),
    "compose-service": _each_line(lambda i: "app-1  | "),
    # Markdown and an issue's HTML around a paste
    "quote": _each_line(lambda i: "> "),
    "indented-block": _each_line(lambda i: "    "),
    "tab-block": _each_line(lambda i: "\t"),
    "fence-after-words": lambda log: "Hi all, I got the following output:\n\n```\n" + log + "\n```\n\nAny idea? Thanks",
    "details": lambda log: "<details><summary>Full log</summary>\n\n```\n" + log + "\n```\n</details>",
    "cut-marks": lambda log: "[...]\n" + log + "\n[...]",
    "words-in-chinese": lambda log: "我在编译时遇到这个错误，请问怎么解决？\n\n" + log + "\n\n谢谢！",
    # a log viewer's line numbers, the lines' own indent after them
    "numbered": _each_line(lambda i: f"{i + 1:>4}  "),
    # a terminal's colours, Windows' line ends, an editor that takes trailing blanks off
    "colours": lambda log: re.sub(r"\b(error|warning|undefined reference|fatal error|ERROR)\b", "\x1b[1;31m\\1\x1b[0m", log),
    "crlf": lambda log: log.replace("\n", "\r\n"),
    "no-trailing-blanks": lambda log: "\n".join(line.rstrip() for line in log.splitlines()),
    # a page or a mail that made each line a paragraph of its own: a blank line after each
    "double-spaced": lambda log: "\n\n".join(log.splitlines()),
}
# a prefix on each line lands inside a message that a mail archive's fill or the compiler itself wrapped over lines: no CI
# prints a wrapped message so, and the readers join those lines before any prefix is taken off
_PER_LINE = ("github-actions-clock", "buildkit-step", "compose-service", "numbered")


def _wrapped(log: str) -> bool:
    return list(reflow.unflowed(iter(log.splitlines()), None, lines._fresh)) != log.splitlines()


def _ids(log: str) -> list[str]:
    return sorted({f.id for f in blindset.findings(log)})


@pytest.mark.parametrize("paste", sorted(PASTES))
def test_a_pasted_log_gets_the_findings_of_the_log_as_printed(paste):
    changed = []
    for key, log in _corpus():
        if paste in _PER_LINE and _wrapped(log):
            continue
        if paste == "double-spaced" and sum(bool(line.strip()) for line in log.splitlines()) < 6:
            continue  # a few lines with blanks between them may be a post's paragraphs: read as they are
        pasted = PASTES[paste](log)
        if pasted != log and _ids(pasted) != _ids(log):
            changed.append((key, _ids(log), _ids(pasted)))
    assert not changed, changed


def test_the_corpus_is_read_whole():
    entries = _corpus()
    # the logs that a fill or a compiler wrapped, which a prefix on each line skips: a few of them
    assert len(entries) > 1700 and sum(_wrapped(log) for _, log in entries) < len(entries) // 10


def test_a_ci_clock_keeps_an_error_level_that_is_the_lines_only_error_word():
    """PARDISO prints "ERROR during numerical factorization: -4"; behind a clock its ERROR reads as a logger's level, which
    the readers take off with the clock (a level of INFO or WARNING is no failure): kept where the line's own words have
    no other error word."""
    log = blindset.log_of(blindset.entries(99), "numfact-error-minus4")
    clocked = "2024-05-01T12:34:00.0000000Z " + log.lstrip()
    assert "mkl-pardiso-error" in _ids(clocked) == _ids(log), _ids(clocked)
    # a logger's clock and level, which a logger may put before every line of a tool's output: both taken off
    logged = b"2024-03-05 12:34:56,123 ERROR during numerical factorization: -4"
    assert next(lines.logical_lines(io.BytesIO(logged))) == "during numerical factorization: -4"
    assert next(lines.logical_lines(io.BytesIO(b"2024-05-01T12:34:00Z ERROR error: x"))) == "error: x"


@pytest.mark.mkl
@pytest.mark.parametrize("width", [60, 72])
def test_gxx_wrapped_diagnostic_reads_as_its_one_line(tmp_path, mkl, width):
    """g++ wraps a diagnostic at -fmessage-length: each line but the last ends in a blank, the next is indented by 3
    (Trilinos #6957's namespace shape, produced with the pinned wheel's mkl_spblas.h): the same finding as unwrapped."""
    (tmp_path / "t.cpp").write_text("namespace KokkosBatched {\n#include <mkl_spblas.h>\n}\n"
                                    "int main() { sparse_index_base_t b = SPARSE_INDEX_BASE_ZERO; return (int)b; }\n")
    code, log = run(["g++", f"-fmessage-length={width}", "-c", f"-I{mkl.pip / 'include'}", "t.cpp"], tmp_path, clean_env())
    assert code != 0 and re.search(r"error: \S+ was not[ \w]* \n   \w", log), log
    finding = only_error(log)
    assert finding.id == "mkl-header-in-namespace" and "namespace KokkosBatched" in finding.title, flat(finding)
    # and a source line indented by 3 after a message that ended (g++ 8's snippet without its gutter) stays the source's
    unwrapped = "x.h:85:8: error: 'void f()' marked 'override', but does not override\n   void f() override {\n"
    assert list(reflow.unflowed(iter(unwrapped.splitlines()), None, lines._fresh)) == unwrapped.splitlines()


def _cut_at(log: str, width: int) -> str:
    """A terminal's copy of the log: each line longer than the width cut into pieces of it, inside words too."""
    return "\n".join(line[i:i + width] for line in log.splitlines() for i in range(0, max(len(line), 1), width))


@pytest.mark.parametrize("width", [80, 120])
def test_a_terminal_cut_inside_a_file_name_or_after_its_colon(width):
    """A path of the terminal's width, the rest of its name and its place on the next line ("l.hpp:163:33: error: ..."), and
    a library's path and colon at the width with ld's words on the next ("error adding symbols: DSO missing ..."): one
    line each, not a path alone and a message about a file named "l.hpp"."""
    header = blindset.log_of(blindset.entries(134), "missing-braces-mkl-rng-header-amrex-3239")
    assert _ids(_cut_at(header, width)) == _ids(header) == ["mkl-header-warning-as-error"]
    tail = "/intel/oneapi/mkl/2022.0.2/lib/intel64/libmkl_scalapack_lp64.so.2: "
    library = "/home/" + "u" * (width - len("/home/") - len(tail)) + tail  # the width's first piece: the path and colon
    log = ("ld: dftu_hamilt.cpp.o: undefined reference to symbol 'pdtran_'\n" + library + "\n"
           "error adding symbols: DSO missing from command line\ncollect2: error: ld returned 1 exit status\n")
    assert _ids(log) == ["mkl-dso-not-named"], _ids(log)


def test_a_terminal_cut_inside_a_places_line_number():
    """numpy's warning at "...\\numpy\\__init__.py:140: UserWarning: mkl-service package failed to import", cut at 80
    columns inside its line number ("...py:14" / "0: UserWarning: ..."): the "0:" is the number's end, not a grep -n
    prefix, and the warning keeps its Windows path (numpy#15719, the environment not activated)."""
    log = blindset.log_of(blindset.entries(135), "not-activated-mkl-service")
    cut = _cut_at(log, 80)
    assert "__init__.py:14\n0: UserWarning" in cut
    [printed], [read] = ([f for f in blindset.findings(text) if f.id == "mkl-service-failed"] for text in (log, cut))
    assert (read.severity, read.evidence[0]) == (printed.severity, printed.evidence[0]) == ("error", printed.evidence[0])
    assert read.evidence[0].startswith("C:\\Users\\myuser\\Anaconda3"), read.evidence[0]


def test_emphasis_whose_marks_a_converter_escaped():
    """cvxopt#119's line in Markdown's emphasis ("_Intel MKL FATAL ERROR: Cannot load libmkl_avx2.so or libmkl_def.so._"),
    from a page converted back to Markdown, which escapes every underscore ("\\_Intel ... libmkl\\_def.so.\\_"): the
    escapes are read first, then the emphasis, so MKL's own line is read as printed."""
    log = blindset.log_of(blindset.entries(7), "cvxopt-mkl-fatal-avx2")
    assert "_Intel MKL FATAL ERROR" in log
    escaped = log.replace("_", "\\_")
    assert _ids(escaped) == _ids(log) == ["mkl-core-not-visible"], _ids(escaped)


def test_windows_paths_with_blanks():
    """A user's folder with a blank in its name, Program Files (x86): MSVC's C1083 with its source's path, a traceback's
    quoted frame in numpy's import."""
    header = blindset.log_of(blindset.entries(70), "mshadow-use-mkl-if-available-mxnet-19048")
    for folder in ("C:\\Users\\Jane Doe\\", "C:\\Program Files (x86)\\Build\\"):
        moved = re.sub(r"C:\\Users\\[^\\]+\\", lambda _: folder, header)
        assert moved != header and _ids(moved) == ["mkl-header-not-found"], _ids(moved)
    numpy = blindset.log_of(blindset.entries(75), "python38-dll-search-mkl-numpy-source-build-numpy-18376")
    moved = numpy.replace("C:\\cygwin\\", "C:\\Program Files (x86)\\cygwin\\")
    assert moved != numpy and _ids(moved) == _ids(numpy) == ["numpy-extension-failed"]


def test_a_posters_words_after_a_crash_are_no_frames():
    """scipy#3193's session (cdotu([1],[1]) then "Segmentation fault") with the poster's question after it: the complex
    dot product's finding, as without the question."""
    log = blindset.log_of(blindset.entries(17), "scipy-mkl-complex-abi-segfault-3193")
    for after in ("\n\nAny idea? Thanks", "\nIs this a known issue", "\n[...]"):
        assert _ids(log + after) == ["mkl-crash"], (after, _ids(log + after))


def test_marks_inside_a_quote():
    """A quote around pytest's "E   " marks and around WinDbg's numbered frames: read as unquoted."""
    pytest_log = blindset.log_of(blindset.entries(48), "test-overrides-fails-with-mkl-site-cfg-numpy-16954")
    assert _ids(PASTES["quote"](pytest_log)) == _ids(pytest_log) == ["unrecognised-failure"]
    frames = blindset.log_of(blindset.entries(48), "deadlock-mklimports-loadlibrary-tests-hang-mlnet-1073")
    [finding] = blindset.findings(PASTES["quote"](frames))
    assert finding.id == "windows-loader-lock-deadlock" and "LdrpDrainWorkQueue" in finding.title, flat(finding)
