"""A log's bytes as clean text lines: the text lines of :mod:`rawlines` (decoded, ANSI codes and control bytes gone, CR and
CRLF split, a program's output kept as a string split at its escaped newlines), the marks tools and pastes put around each
line taken off (a CI's clock, syslog's host and program, MSBuild's node and project, PowerShell's record, Spack's listing
numbers, Markdown's quote and emphasis, cargo's ``= note:``), lines a terminal wrapped rejoined. Read line by line, never
whole."""

from __future__ import annotations

import re
from itertools import chain
from typing import BinaryIO, Iterator

from mkldoctor.explain import reflow
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.hanging import hangs, joined
from mkldoctor.explain.markup import MARKED, unmarked
from mkldoctor.explain.rawlines import MAX_LINE, raw_lines, unnumbered

MAX_JOIN_LINES = 256  # a wrapped line is rejoined from at most this many pieces

_CI_PREFIX = re.compile(
    # a clock: GitHub Actions' and Azure's ISO time, GitLab's with its stream (01O), Jenkins' in brackets, a logger's with
    # its level ("2024-03-05 12:34:56,123 INFO "), Kubernetes' with an offset, a container runtime's file with its stream
    # and tag ("... stderr F "), BinaryBuilder's [hh:mm:ss], Bazel's (hh:mm:ss)
    r"^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?(?: \d\d[OE]| std(?:out|err) [FP])?"
    # (a Java logger's error record keeps its level, the line's only error word: "ERROR Executor:94 - Exception in task")
    r"(?: (?P<level>INFO|DEBUG|TRACE|NOTICE|WARN|WARNING|(?:ERROR|CRITICAL|FATAL)(?! [\w.$]{1,200}:\d+ - ))\b(?: -)?)? |"
    r"#\d+ \d+\.\d+ |\d{1,4}\.\d{3} (?![\d.\s]*$)(?=(?:E|W|Err|Get|Hit|Ign):| |[A-Z][a-z])|[\[(]\d\d:\d\d:\d\d(?:\.\d+)?[\])] (?!:\s)|\d\d:\d\d:\d\d(?:[.,]\d+)? |\s*\[?(?:exec|apply|cc)\]\s+|"
    # Azure's and GitHub Actions' annotations ("##[error]..."), grep -n's line number ("123:/usr/bin/ld: ...")
    r"##\[(?:error|warning|debug|command|section|group|endgroup|notice)\]|\d{1,7}:(?=[^\d]|$)|"
    # TeamCity's clock and block ("[13:41:56][Step 1/1] ", "[13:41:56]W:	 [Step 1/1] ")
    r"\[\d\d:\d\d:\d\d\](?:[WEIFi ]:\s*)?\[[^\]\n]{1,80}\] |"
    # Google Cloud Build's step ("Step #0: ", "Step #1 - \"build\": ")
    r"Step #\d{1,3}(?: - \"[\w.-]{1,60}\")?: |"
    # CircleCI's "Jul 16 11:43:05 "; syslog's and journalctl's host and program after it ("myhost python3[1234]: ")
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d (?:[\w.-]+ [\w.@/-]+(?:\[\d+\])?: )?)")
# PowerShell 5's record of a native program's error output: "python.exe : " before its first line, then its own trailer
# ("At line:1 char:1", "+ python run.py", "+ ~~~~", "    + CategoryInfo : ...", "    + FullyQualifiedErrorId : ...")
_POWERSHELL_HEAD = re.compile(r"^[\w.-]{1,60}\.exe : (?=\S)")
_POWERSHELL_TRAILER = re.compile(r"^\s*\+ (?:CategoryInfo|FullyQualifiedErrorId)\s+: ")
# a paste's or a wrapper's mark before each line: Markdown's quote ("> ", nested "> > "), docker compose's service
# ("app-1  | "), pytest's failure lines ("E       ImportError: ...")
# Julia's logging box around a multi-line message ("┌ Error: Error building `MKL`:", "│ <each line>", "└ @ Pkg ...")
_PASTE_PREFIX = re.compile(r"^(?:(?:>(?: |$))+|[A-Za-z][\w.-]*[-_]\d+\s+\| |E {3,}(?=\S|\t)|E {3,}$|[│┌└](?: |$))")  # pytest's blank line too
_NOTE = re.compile(r"^\s*(?:=\s*(?:note|help):\s?|\|\s?)")
# the mark that opens a line, which the same mark must close (a tool's own "*** Error in ...: ***" is none)
_MARKDOWN = re.compile(r"^(?:\*\*(?!\*)|`(?!``)|[*_](?=[^\s*_]))")
_SPACK_ERROR = re.compile(r"^\s*>> \d+\s+")  # Spack's "N errors found in build log:" listing: "  >> 120    /usr/bin/ld: ..."
# the same listing's lines around each error: "     142    -- Checking for ...", the number in a column of 7 after 5
# blanks (">> " in place of 3 of them on the error's own line); the text's own indent follows that column
_SPACK_LISTED = re.compile(r"^  (?:>>|  ) (?P<n>\d{1,6}) +")
_SPACK_LISTING = re.compile(r"^\d+ (?:errors?|warnings?) found in build log:")
# MSBuild's node before a line ("     1>LINK : fatal error ...") and its project after an error's or a warning's
# ("... 'mkl_intel_lp64.lib' [C:\src\build\app.vcxproj]")
_MSBUILD_NODE = re.compile(r"^\s*\d{1,3}>")
# a Java build's level before each line: Maven's "[INFO] ", "[ERROR] ", sbt's "[error] " (a native build under javacpp, a
# JNI library's make); Maven's error keeps its sense where the line's own words have none ("error: " put back)
_LEVEL = re.compile(r"^\[(?P<level>INFO|ERROR|WARNING|WARN|DEBUG|FATAL|info|error|warn|debug|success)\] ")
_MSBUILD_PROJECT = re.compile(r"\s+\[[^\[\]]{1,400}\.(?:vcxproj|vfproj|vcproj|csproj|sln|proj|targets)\]$")
_BLOCK_INDENTS = ("\t", "    ")  # Markdown's code block by indent, and a tab
_BLOCK_LOOK = 64  # the lines that decide whether a paste is one


def _single_spaced(lines: Iterator[str], stats: Parsed | None) -> Iterator[str]:
    """A paste that a page or a mail set with a blank line after each line (each line a paragraph of its own): the lone
    blanks off, a run of them one blank (the log's own), where no two lines of the first 64 with words follow each other
    and six at least have words (a post's few lines, its words around a short log, are paragraphs). A log's own blank
    lines are never so regular."""
    head = []
    for piece in lines:
        head.append((piece, stats.at if stats is not None else 0))
        if len(head) >= _BLOCK_LOOK:
            break
    blank = [not piece.strip() for piece, _ in head]
    spaced = blank.count(False) >= 6 and not any(not a and not b for a, b in zip(blank, blank[1:]))
    if not spaced:
        for piece, at in head:
            if stats is not None:
                stats.at = at
            yield piece
        yield from lines
        return
    run = 0
    for piece, at in chain(head, ((p, stats.at if stats is not None else 0) for p in lines)):
        if not piece.strip():
            run += 1
            continue
        if run >= 2:
            yield ""
        run = 0
        if stats is not None:
            stats.at = at
        yield piece


def _dedented(lines: Iterator[str], stats: Parsed | None) -> Iterator[str]:
    """A paste set as a block by indenting every line (Markdown's four spaces, a tab): that indent off each line that has
    it, where every non-blank line of the first 64 (two at least, or the paste's only one) starts with it; the tool's own
    indents under it stay."""
    head = []
    for piece in lines:
        head.append((piece, stats.at if stats is not None else 0))
        if len(head) >= _BLOCK_LOOK:
            break
    texts = [piece for piece, _ in head if piece.strip()]
    # every line has the indent, and at least a third start a word after it (an indented ldd listing may be most of the
    # rest): a tool's own indented output (LD_DEBUG's "     25415:\tbinding file ...") has more blanks after it on every
    # line, and is no block
    whole = len(texts) >= 2 or (len(texts) == 1 and len(head) < _BLOCK_LOOK)  # a paste of one line: nothing to keep
    indent = next((i for i in _BLOCK_INDENTS if whole and all(t.startswith(i) for t in texts)
                   and _block_words(texts, len(i))), "")
    width = len(indent)
    for piece, at in head:
        if stats is not None:
            stats.at = at
        yield piece[width:] if indent and piece.startswith(indent) else piece
    if not indent:
        yield from lines
        return
    for piece in lines:
        yield piece[width:] if piece.startswith(indent) else piece


def _paste_marked(text: str, marks: str = ">E│┌└") -> bool:
    """Whether a line may start with a paste's mark (_PASTE_PREFIX): a test cheaper than the pattern."""
    return text[:1] in marks or "| " in text[:48]


def _block_words(texts: list[str], width: int) -> bool:
    """Whether lines that all have an indent of this width are a block set so: a third of them start a word after it, or
    the first and another one do (CMake's message, whose own lines are indented under its head)."""
    words = [not t[width:width + 1].isspace() for t in texts]
    return 3 * sum(words) >= len(texts) or (words[0] and sum(words) >= 2)


def _fresh(line: str) -> bool:
    return _FRESH.match(line) is not None


def _unbalanced(line: str) -> bool:
    """True when a wrapped line cut a quoted name or a quoted command argument."""
    if "reference to" in line or "function " in line:  # most lines hold neither: the searches saved
        for opener in ("reference to `", "in function `", "reference to '", "in function '", "reference to‘", "reference to'"):
            at = line.rfind(opener)
            if at >= 0 and "'" not in line[at + len(opener):] and "’" not in line[at + len(opener):]:
                return True
    # (a triple quote is a docstring's or a Julia string macro's delimiter, no quoted argument: py""" ... """; a rich-text
    # paste closes a straight quote with a curly one: "import failure : Illegal instruction (core dumped)”)
    if line[:1] in ('"', " ", "\t") and line.lstrip().startswith('"') and line.replace('"""', "").count('"') % 2 == 1 \
            and "”" not in line:
        return True
    if line.endswith(": No") and ("error" in line or "rror" in line):  # "fatal error: cblas.h: No" / "such file or directory"
        return True
    if line.endswith((":", " to")) and _CUT_AT_WORD.search(line):  # (most lines do not end so: no search on the hot path)
        return True
    return line.rstrip().endswith(("Library not loaded:", "dynamic link library"))


# a loader's message cut between two words (its next line starts a word of its own, joined with a space): "app: error
# while loading shared libraries: libmkl_intel_thread.so:" / "cannot open ...", dyld's "Library not loaded:" / "@rpath/..."
_CUT_AT_WORD = re.compile(r"(?:error while loading shared libraries:(?: \S+:)?|Library not loaded:|: undefined reference to)$")

# a terminal cuts long lines at a fixed width: a piece of that width is joined to a next line that starts no message
WRAP_WIDTHS = reflow.WRAP_WIDTHS
_TOOL = r"(?:\S*/)?(?:[\w.-]+-)?(?:ld|ld\.\w+|rust-lld|mold|gcc|cc|clang)(?:\s|:)"  # a linker's or a compiler's own words
_FRESH = re.compile(
    r"^(?:\s\s|\t|=|\||>>>|\[|\+ |\$ |#|error(?!=)|warning(?!=)|note|help|ERROR\b(?![).,;])|Error\b(?![).,;])|WARNING\b|collect2|make(?!:\d)|ninja|cmake(?!:\d)|CMake|Compiling|Finished|Running|"
    r"Intel|INTEL|OMP:|Traceback|ImportError|OSError|[A-Z]\w*(?:Error|Exception): |File \"|FAILED|-- |Referenced from:|Reason:|\*\*\* |Execution halted|"  # R's last line
    r"```|~~~|</?(?:details|summary|pre|code)\b|"  # Markdown's fence and an issue's HTML around a paste
    r"/[^\s:]+: |"  # a tool's message about a file: "/opt/.../libmkl_scalapack_lp64.so.2: error adding symbols: ..."
    r"[\w./+-]+(?::\d+:(?:\d+:)?|\(\d+\):) (?:fatal )?(?:error|warning|note)\b|"  # "x.c:87:25: error", "x.f90(76): error"
    r"[\w./+-]+:\(\.[\w.$]+\+0x[0-9a-f]+\): |"  # ld's place in a section: "znaup2.f:(.text+0x125): undefined reference to ..."
    r"[\w.+-]{1,60}: (?:symbol lookup error|error while loading shared libraries|relocation error)|"  # the loader's, by program
    + _TOOL + "|"
    # a shell's prompt after a program's last line: conda's "(env) ...", "user@host:~$", "PS C:\\>"
    r"\([\w.-]+\) |[\w.-]+@[\w.-]+[:\s]|PS [A-Z]:|"
    r"\d+\.\d{3} [A-Z]:? )"  # Docker BuildKit's seconds before a step's line: "1.890 E: The repository ... is not signed."
)
# a cut inside a path (".../python3.7" / "/site-packages/...so: undefined symbol"): the next folder reads as a message about
# a file but goes on; a path that ends at a file, or a tool's or shell's own next ("/bin/sh: line 1: ..."), is no cut
_PATH_CUT = re.compile(r"(?:^|\s)(?!\S*\.(?:so(?:\.\d+)*|a|dylib|dll|py|h|hpp|o|cc?|cpp)$)\S*/[\w.+-]*[\w+-]$")
_TOOL_START = re.compile(_TOOL + r"|/\S*/(?:ba|da|z|k)?sh:")
_DRIVE = re.compile(r"\b[A-Za-z]:\\")  # a Windows path, whose folders end with the backslash a shell continues a line with
_BOX_RIGHT = frozenset("│┃╮╯┓┛║╗╝|")  # a box's right edge (rich's traceback, a table): a line drawn to the width, whole
# a piece that ends a sentence, then a line that starts one: two lines that happen to have the width
_SENTENCE_END = re.compile(r"[.!)\"']\s*$")  # a sentence, or a quoted name (Julia's could not load library "X"), ended
_RULE = re.compile(r"^\s*([-=_*#~+])\1{15,}\s*$")  # a ruled line (MATLAB's crash report's, pytest's) drawn to the width
_SENTENCE_START = re.compile(r"^[A-Z][A-Za-z]")
# the end of a message whole as it stands (the loader's, a shell's last words; ld's "x.a(y.o): In function `f':", its message
# on the next line): a line of a wrap width that ends so is not cut ("./nwchem: error while loading shared libraries: ...")
_WHOLE_END = re.compile(r"(?:No such file or directory|Permission denied|\(core dumped\)|exit status \d+|In function [^:]+:"
                        r"|^CMake (?:Error|Warning)(?: \(dev\))? at \S+ \(\w+\):)\s*$")  # CMake's place: its message below
# an error line these end is cut mid-message (link.exe's "X already", then "defined in Y" on the next line)
# the error words a wrap may split ("Check fai" / "led: ..."), and a line's last word that is a start of one (three letters
# at least, after a blank: a word of its own)
_CUT_WORDS = ("failed", "error", "undefined", "Error", "Failed", "FAILED", "ERROR", "cannot", "Cannot")
_CUT_STARTS = frozenset(w[:n] for w in _CUT_WORDS for n in range(3, len(w)))


def _cut_start(line: str) -> str | None:
    """The line's last word where it is the start of an error word ("fai" of "failed"), else None: a test of the line's
    last few characters, which every line ending in a letter pays."""
    blank = line.rfind(" ", max(0, len(line) - 10))
    return line[blank + 1:] if blank >= 0 and line[blank + 1:] in _CUT_STARTS else None
# the heads of error lines, for a paste whose selection started a few characters into its first line ("defined reference
# to `hgemm_'", "nnot find -lmkl_rt", "ake Error at ..."): the first line is read with its head made whole
_HEADS = ("undefined reference to", "undefined symbol:", "cannot find -l", "Cannot load ", "Can not find", "Intel MKL ", "INTEL MKL ",
          "Intel oneMKL ", "OMP: Error #", "OMP: Info #", "Error #", "Could not find", "Could NOT find", "CMake Error", "unable to find "
          "library", "Symbol not found", "The specified module", "MKL_VERBOSE", "MKL-DSS-", "ERROR: ", "Error: ", "error: ",
          "error LNK", "fatal error", "FAILED: ", "Entry point", "PackagesNotFoundError", "unresolved external symbol",
          "Library not loaded", "Reason: ", "symbol lookup error", "ImportError", "RuntimeError", "Performing C SOURCE FILE Test",
          "Missing ordinal", "The ordinal", "error while loading shared libraries",
          # a pasted message that starts with MKL's file or MKL's own words without Intel's name, a loader's or a tool's
          "libmkl_", "MKL FATAL ERROR", "INTEL oneMKL ", "Parameter ", "ld: cannot find", "ld: unknown option", "LNK1104: cannot open",
          "LNK1181: cannot open",
          "Imported target", "CMake error", "==> Error: ", "The procedure ", "could not create a primitive")


def _whole_head(line: str) -> str:
    """The first line of a paste with the characters its selection missed (one to three) put back before a known head."""
    # a word's letters, or the colon or blank after a cut word ("d: cannot find", ": cannot find", " FATAL ERROR")
    if not (line[:1].isalpha() or line[:2] == ": " or (line[:1] == " " and line[1:2].isalpha())) or line.startswith(_HEADS):
        return line
    for head in _HEADS:
        for cut in (1, 2, 3):
            if len(head) - cut >= 5 and line.startswith(head[cut:]):
                return head[:cut] + line
    return line


_CUT_NUMBER = re.compile(r"\d{1,7}:(?![\d:])")


def _ci_prefixed(raw: str) -> bool:
    """Whether a line may start with a CI's or a tool's prefix (_CI_PREFIX): a test cheaper than the pattern."""
    return (raw[:1].isdigit() or raw[:1] in "#[(" or (raw[3:4] == " " and raw[:1] in "JFMASOND") or raw[:6] == "Step #"
            or raw.lstrip()[:5] in ("[exec", "exec]"))


def _without_ci_prefix(raw: str) -> str:
    """The line without a CI's prefix, one inside another too (a CI's clock around a tool's: "[time] [22:54:01] ..."),
    and without Spack's error listing's mark, outside those or inside them."""
    raw = _SPACK_ERROR.sub("", raw, count=1) if ">> " in raw[:8] else raw
    for _ in range(3):
        if not _ci_prefixed(raw):
            break
        mark = _CI_PREFIX.match(raw)
        if mark is None or not mark.group(0):
            break
        raw = raw[_kept_level(mark, raw):]
    return _SPACK_ERROR.sub("", raw, count=1) if ">> " in raw[:8] else raw


def _kept_level(mark: re.Match, raw: str) -> int:
    """Where the line goes on after a clock: after a logger's level too ("2024-03-05 12:34:56,123 ERROR ", a logger that
    may mark every line of a tool's output so), but a CI's clock (ISO's "T") is followed by the program's own words, whose
    ERROR is no level where nothing else on the line says error ("2024-05-01T12:34:00Z ERROR during numerical
    factorization: -4", PARDISO's)."""
    from mkldoctor.explain.catalogue import ERRORISH

    level = mark.group("level")
    if level in ("ERROR", "CRITICAL", "FATAL") and "T" in mark.group(0)[:12] and not ERRORISH.search(raw, mark.end()):
        return mark.start("level")
    return mark.end()


def _without_level(raw: str) -> str:
    """A line without a Java build's level mark; an error's with "error: " before words that have no error of their own
    (Maven's "[ERROR] Failed to execute goal ...": a failure said, never dropped with its mark)."""
    from mkldoctor.explain.catalogue import ERRORISH

    mark = _LEVEL.match(raw)
    if mark is None:
        return raw
    rest = raw[mark.end():]
    # sbt's lower-case "[error]" marks every line a native build wrote to stderr: a stream's name, no failure of its own
    return rest if mark["level"] not in ("ERROR", "FATAL") or ERRORISH.search(rest) or not rest.strip() else "error: " + rest


def logical_lines(stream: BinaryIO, stats: Parsed | None = None) -> Iterator[str]:
    """Clean lines with cargo's ``= note:`` prefix gone and wrapped lines rejoined."""
    pending: str | None = None
    wrapped = by_width = False  # pending was cut at a terminal width (not inside quotes); that width with its line's prefix
    continued = False  # pending ended with a backslash: the next line goes on it as it is
    quoted = False  # pending opened a reporter's quote ("  Installing ...): a line that starts a message of its own ends it
    hanging: str | None = None  # a line that ends mid-message (hanging.hangs): an indented next line goes on it
    hanging_cut = False  # that line is of a terminal's width: an unindented next line that starts nothing goes on it
    cut: str | None = None  # a line whose last word is the start of an error word ("Check fai"): its rest may follow
    pieces = pending_cut = 0  # pending_cut: the prefix taken off the line pending at a wrap width
    pending_at = at = 0  # the log line a logical line starts on (stats.at while it is read)
    first = True
    opening = False  # after a Markdown fence: a code block's first line
    spack = False  # in Spack's "N errors found in build log:" listing
    for raw in reflow.unflowed(_dedented(_single_spaced(unnumbered(raw_lines(stream, stats)), stats), stats), stats, _fresh):
        at = stats.at if stats is not None else 0
        width = len(raw)  # before a quote's, a CI's or a container's prefix is taken off: the width a terminal wrapped at
        # a CI's own prefix: GitHub Actions' timestamp, BuildKit's step and seconds, CircleCI's "Jul 16 11:43:05",
        # BinaryBuilder's (Julia's Yggdrasil) "[22:54:01] ", Ant's task name ("[exec] ", its "[" lost in a paste)
        if _paste_marked(raw):
            outer = raw[:1] == ">" or raw[:1] not in "E│┌└"  # a quote's or a container's mark, around another
            raw = _PASTE_PREFIX.sub("", raw, count=1)
            if outer and _paste_marked(raw, "E│┌└"):  # (pytest's, Julia's, a container's in a quote)
                raw = _PASTE_PREFIX.sub("", raw, count=1)
        marked = spack and raw[2:5] == ">> "  # the listing's error line (its number gone with the mark below)
        if raw[:1] == "[" and raw[1:2].isalpha():  # a Java build's level, a CI's clock inside it or around it
            raw = _without_level(raw)
        # (a number a terminal cut at its width, "...__init__.py:14" / "0: UserWarning: ...", is no grep -n prefix)
        cut_number = pending is not None and wrapped and pending[-1:].isdigit() and _CUT_NUMBER.match(raw) is not None
        unprefixed = raw if cut_number else _without_ci_prefix(raw)
        if unprefixed != raw and _paste_marked(unprefixed):  # pytest's gutter after a CI's clock
            unprefixed = _PASTE_PREFIX.sub("", unprefixed, count=1)
        raw = unprefixed
        if (first or opening) and raw.strip():  # the paste's first line (a code block's, a paragraph's after a post's words): a
            raw, first, opening = _whole_head(raw), False, False  # selection may have started inside a word
        if raw[:3] == "```" or not raw.strip() or raw.strip() == "[...]":  # a code block's, a paragraph's first line next
            opening = True
        if spack or (raw[:1].isdigit() and _SPACK_LISTING.match(raw)):  # Spack's listing of the build log's lines
            listed = _SPACK_LISTED.match(raw) if raw[:2] == "  " else None
            spack = bool(listed) or marked or not raw.strip() or _SPACK_LISTING.match(raw) is not None
            if listed:
                # Spack pads the number to the widest one and four spaces more: cut at most four spaces after it
                raw = raw[listed.end("n") + min(4, listed.end() - listed.end("n")):]
        if raw[:1] == "[" and raw[1:2].isalpha():
            raw = _without_level(raw)
        if ">" in raw[:8]:
            raw = _MSBUILD_NODE.sub("", raw, count=1)
        if ".exe : " in raw[:70]:
            raw = _POWERSHELL_HEAD.sub("", raw, count=1)
        elif "+ " in raw[:8] and _POWERSHELL_TRAILER.match(raw):  # PowerShell's own words about the record, no failure
            raw = ""
        if raw[-1:] == "]" and "proj" in raw[-12:] or raw[-5:] == ".sln]":
            raw = _MSBUILD_PROJECT.sub("", raw, count=1)
        head_cut = width - len(raw)  # a prefix taken off this line (a continuation a terminal wrapped has none)
        if raw[-2:] in ("  ", " \t", "\t\t", "\t "):  # a paste's or a console's trailing blanks (cmd pads each line to its
            raw = raw.rstrip(" \t")                  # width); one blank may be a wrapped line's space between two words
        line = _NOTE.sub("", raw, count=1) if ("=" in raw[:16] or "|" in raw[:8]) else raw
        if MARKED.search(line):  # a page's markup inside the line (its escapes first: \_emphasis\_)
            line, entities = unmarked(line)
            raw = line
            width = len(raw) if entities else width  # the escapes' width was the page's source's, no terminal's
        for _ in range(3):  # Markdown around a whole line: _emphasis_, **bold**, `code`, one inside another (**_..._**)
            if line[:1] not in "_*`" or len(line) <= 2:
                break
            mark = _MARKDOWN.match(line)
            if not (mark and line.endswith(mark.group(0)) and len(line) > 2 * len(mark.group(0))):
                break
            line = raw = _without_ci_prefix(line[len(mark.group(0)):-len(mark.group(0))])  # `[22:54:01] ...`
        if cut is not None:  # "... Check fai" then "led: (status) == ...": the word a wrap split, joined again
            start = _cut_start(cut) or ""
            if any(line.startswith(word[len(start):]) for word in _CUT_WORDS if start and word.startswith(start)):
                line, at = cut + line, pending_at
            else:
                if stats is not None:
                    stats.at = pending_at
                yield cut
            cut = None
        if hanging is not None:  # a message wrapped by its writer: the rest is indented on the next line, or did not come
            rest = joined(hanging, line)  # a head's reason: on the next line as it is
            if rest is None and hanging_cut and line[:1] not in " \t" and not _FRESH.match(line):
                rest = hanging + line  # a terminal's cut at its width, inside the head's own words (LNK1104's path)
            if rest is not None:
                line, at = rest, pending_at
            else:
                if stats is not None:
                    stats.at = pending_at
                yield hanging
            hanging = None
        if pending is not None:
            # a line of a wrap width is a whole line after all when the next is fresh, starts a sentence after one that
            # ended, or starts as it did (gold's "/x/libuser.a(user.o):user.c:function f: error: ..." once per name)
            # and a quote left open (a reporter's "OMP: Error #15: ... never closed) ends at a blank line or a paste's cut:
            # no wrapped argument holds one
            fresh = _FRESH.match(raw) and not (raw[:1] == "/" and _PATH_CUT.search(pending) and not _TOOL_START.match(raw)) \
                and not _cut_in_name(pending, raw)
            if (wrapped and (not raw or fresh or (_SENTENCE_END.search(pending) and _SENTENCE_START.match(raw))
                             or (head_cut and (by_width or not pending_cut))  # wrapped with its prefix and this line has
                             # one of its own; or a line with a prefix after one without: a record of its own
                             or _WHOLE_END.search(pending)
                             or (len(raw) > 24 and raw[:24] == pending[:24]) or pending[-1:] in _BOX_RIGHT)) \
                    or (not wrapped and not continued and (not raw.strip() or raw.strip() in ("[...]", "...", "```")
                                                           or (quoted and fresh))):  # a reporter's quote over a paste's lines
                if stats is not None:
                    stats.at = pending_at
                yield pending  # it was a whole line of exactly that width after all
            else:
                spaced = (pending.endswith(": No") or _CUT_AT_WORD.search(pending.rstrip())  # a quoted list's items: own lines
                          or (not wrapped and line[:1] in " \t" and line.lstrip()[:2] == "- ")) and not pending[-1].isspace()
                line = pending + (raw if wrapped or continued else (" " if spaced else "") + line.lstrip())
                at = pending_at
                pieces += 1
            pending, continued = None, False
        if pieces < MAX_JOIN_LINES and len(line) < MAX_LINE:
            # a command a shell or a forum broke with a backslash at the line's end ("-L/home/x/nwchem-6.8/\" then "lib/...")
            if line[-1:] == "\\" and line[-2:-1] not in "\\:" and len(line) > 40 and " -" in line and not _DRIVE.search(line):
                pending, wrapped, continued, pending_at = line[:-1], False, True, at
                continue
            at_width = (len(raw) in WRAP_WIDTHS or width in WRAP_WIDTHS) and not _RULE.match(line)
            if hangs(line):  # MKL's "Cannot load libmkl_avx512.so.2 or"; MATLAB's "BLAS loading error:"
                hanging, pending_at, hanging_cut = line, at, at_width
                continue
            if line[-1:].isalpha() and _cut_start(line) and not at_width:
                cut, pending_at = line, at
                continue
            if _unbalanced(line):
                pending, wrapped, pending_at, quoted = line, False, at, line.lstrip()[:1] == '"'
                continue
            if at_width:
                pending, wrapped, pending_at, by_width = line, True, at, len(raw) not in WRAP_WIDTHS
                pending_cut = head_cut
                continue
        pieces = 0
        if stats is not None:
            stats.at = at
        yield line
    for last in (cut, hanging, pending):
        if last is not None:
            if stats is not None:
                stats.at = pending_at
            yield last


def _cut_in_name(pending: str, raw: str) -> bool:
    """Whether a terminal cut a file's name (a path of the wrap's width, no blank in it: ".../mrg32k3a_imp" / "l.hpp:163:33:
    error: ...") or cut after it and its colon (".../libmkl_scalapack_lp64.so.2: " / "error adding symbols: ..."), where the
    next line reads as a message of its own."""
    if raw[:1].isspace():  # a cut's rest starts at the line's first column
        return False
    if (pending[-1:].isalnum() or pending[-1:] in "._-") and ("/" in pending or "\\" in pending) \
            and not any(c.isspace() for c in pending.strip()):
        return True
    return pending[-2:] == ": " and _FILE_END.search(pending) is not None and raw.startswith(_FILE_MESSAGES)


_FILE_END = re.compile(r"\.(?:so(?:\.\d+)*|a|o|dylib|dll|lib): $")
_FILE_MESSAGES = ("error adding symbols", "undefined reference to", "undefined symbol", "cannot open shared object file",
                  "file not recognized", "No such file or directory")
_CONTRACTION = re.compile(r"(?<=[A-Za-z])’(?=(?:t|s|re|ve|ll|d|m)\b)")


def untypeset(line: str) -> str:
    """A contraction a page or a dialog typeset (“can’t start because”) as the signatures spell it: can't."""
    return _CONTRACTION.sub("'", line)


def after_linker(where: str) -> str:
    """The object of an ld message that a person's words came before on its line ("6. error like this :- /usr/bin/ld:
    ./.libs/libelpatest.a(x.o)": elpa#45): what follows the last linker's name."""
    cut = max(where.rfind("/ld: "), where.rfind(" ld: "))
    return where[cut + 5:] if cut > 0 else where
