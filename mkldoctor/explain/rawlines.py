"""A log's bytes as text lines, the first step of :mod:`lines`: decoded (invalid UTF-8 replaced), ANSI codes and control
bytes gone, CR and CRLF split, typeset spaces read as spaces, and a program's output kept as a string (a Python repr, a
JSON string) split at its escaped newlines. Read a line at a time, each cut at :data:`MAX_LINE`.
"""

from __future__ import annotations

import re
from typing import BinaryIO, Iterator

from mkldoctor.explain.events import Parsed
from mkldoctor.knowledge import bashwords, coreutilswords, libcwords, makewords

MAX_LINE = 4 << 20  # one line longer than this is cut (a linker command line with --verbose fits)

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Za-z0-9]|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# a newline written as an escape: a Python repr or a JSON string of a program's output ("stderr=b'/usr/bin/ld: cannot
# find -lmkl_rt\ncollect2: ...'"), not an escaped backslash's n, nor, on a line with a Windows path written as it is, a
# folder's (C:\new\...: a name and a backslash follow)
# (and Theano's, whose compile error turned each '\n' into '. ' and kept the '\r' before it: "... -lmkl_core\r. C:/...")
_ESCAPED_NEWLINE = re.compile(r"(?<!\\)\\n|(?<!\\)\\r\. (?=\S)")
_ESCAPED_NEWLINE_BY_PATHS = re.compile(r"(?<!\\)\\n(?![\w.-]+\\)|(?<!\\)\\r\. (?=\S)")
_RAW_DRIVE = re.compile(r"\b[A-Za-z]:\\(?!\\)")  # a Windows path written as it is (a repr doubles its backslashes)
_REPR_OPEN = re.compile(r"(?:^|(?<=[\s=(:\[,]))[bu]?['\"]")
_QUOTE = {q: re.compile(rf"(?<!\\){q}") for q in "'\""}  # a quote not escaped
_REPR_CLOSE = re.compile(r"['\"][)\],]*\s*$")
_UNESCAPE = re.compile(r"\\([\\'\"t])|((?:\\x[0-9a-fA-F]{2})+)")  # a bytes repr's UTF-8 ("\xe2\x80\x98": gcc's quote)


# the spaces a page renders as spaces (no-break, narrow no-break, figure, thin, ideographic) and the invisible marks a copy
# carries (zero-width space, a byte order mark): a paste from a web page or a chat has them where the tool printed spaces
_SPACES = {0xA0: " ", 0x202F: " ", 0x3000: " ", **{c: " " for c in range(0x2000, 0x200B)}, 0x200B: None, 0xFEFF: None}


# typeset single quotes, read as the straight ones a tool printed; except where they are the tool's own: a compiler's
# message at its place (gcc's "x.c:3:5: error: ‘x’ undeclared" in a UTF-8 locale) and its "In function ‘main’:"
_TYPESET = {0x2018: "'", 0x2019: "'"}
_OWN_QUOTES = re.compile(r"^\S*?:\d+(?::\d+)?:\s|\b[Ii]n (?:member )?function \u2018")


def raw_lines(stream: BinaryIO, stats: Parsed | None = None) -> Iterator[str]:
    """Text lines of a binary stream: decoded, ANSI codes and control bytes gone, CR split."""
    skipping = False
    held = ""  # the first line of a message of make's that its language (German) breaks in two
    legacy = ""  # the code page of the lines that are not UTF-8
    newlines = 0  # a line as an editor numbers it: a lone CR does not start one there
    while True:
        chunk = stream.readline(MAX_LINE)
        if not chunk:
            if held:
                yield held
            return
        if stats is not None:
            stats.bytes += len(chunk)
        number = newlines + 1
        complete = chunk.endswith(b"\n")
        newlines += complete
        if skipping:
            skipping = not complete
            continue
        if not complete and len(chunk) >= MAX_LINE:
            skipping = True
            if stats is not None:
                stats.cut_lines += 1
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:  # a console's code page: a CJK one once a line shows it, kept for the rest
            legacy = legacy or code_page(chunk)
            text = chunk.decode(legacy or "cp1252", errors="replace")
        if "\x1b" in text:
            text = _ANSI.sub("", text)
        text = text.rstrip("\r\n")
        # a lone CR (progress bars, old Mac files) starts a new line as a terminal shows it
        for piece in text.split("\r") if "\r" in text else (text,):
            if stats is not None:
                stats.lines += 1
            if _CONTROL.search(piece):
                piece = _CONTROL.sub(" ", piece)
            if not piece.isascii():  # a web page's no-break and other typeset spaces, read as the spaces they show
                piece = piece.translate(_SPACES)
                if ("\u2018" in piece or "\u2019" in piece) and not _OWN_QUOTES.search(piece):
                    piece = piece.translate(_TYPESET)  # a forum's or a word processor's quotes for a tool's straight ones
            if piece.endswith(libcwords.ENDINGS):  # the C library's "No such file or directory" in the log's language
                piece = libcwords.in_english(piece)
            if piece.endswith(libcwords.ENGLISH):  # and cp's "cannot stat" before it
                piece = coreutilswords.in_english(piece)
            if held:  # the rest of make's message that German breaks in two: read as one line, if it is the rest
                joined = makewords.in_english(f"{held.rstrip()} \n  {piece.lstrip()}")
                if "\n" in joined:
                    yield held
                else:
                    piece = joined
                held = ""
            elif "*** " in piece and makewords.broken(piece):
                held = piece
                continue
            if "*** " in piece:  # make's "No rule to make target" in the log's language
                piece = makewords.in_english(piece)
            if "sh:" in piece:  # bash's "line N:" and "command not found" in the log's language
                piece = bashwords.in_english(piece)
            if stats is not None:
                stats.at = number
            if '\\"' in piece and "\\\\" in piece and "\\n" not in piece:  # a JSON string's quotes and paths (Jupyter's error)
                piece = _UNESCAPE.sub(_unescape, piece)
            if "\\n" in piece:  # a repr's escapes may spell control bytes (\x1b[31m, \x00): made inert as any line's
                for part in _unescaped(piece):
                    part = _ANSI.sub("", part) if "\x1b" in part else part
                    yield _CONTROL.sub(" ", part) if _CONTROL.search(part) else part
            elif piece.count("ld: ") > 1 and len(parts := _LINKER_HEADS.split(piece)) > 2:  # a paste that lost its breaks
                yield from filter(None, parts)
            else:
                yield piece


# the linker's own heads, where a paste joined its lines into one (FasterTransformer#439: "Linking CXX executable x
# /usr/bin/ld: cannot find -lmkl_intel_ilp64 /usr/bin/ld: cannot find -lmkl_core ..."): each starts a line again
_LINKER_HEADS = re.compile(r"\s+(?=/(?:[\w.+-]+/)*(?:[\w.-]+-)?ld(?:\.\w+)?: |collect2: error: )")

# a run of bytes past ASCII that only a double-byte code page writes (two characters at least): a Chinese, Japanese or
# Korean Windows console's (cmd.exe's 936, 932, 949); Western ones (1252) set an accented letter among ASCII ones. Or
# GBK's quotes (gcc's ‘x’ and “x” saved in code page 936), which 1252 would read as "¡®" and "¡°", in no Western text.
_DOUBLE_BYTES = re.compile(rb"[\x81-\xfe]{4}|\xa1[\xae-\xb1]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_GBK_SIGNS = re.compile(r"[\u2500-\u257f]|[‘“][^‘“’”]{1,300}[’”]")  # GBK's box lines (rich's frames), its quotes


def code_page(line: bytes) -> str:
    """The CJK code page a line that is not UTF-8 was written in, where the line decodes in it to that script: kana for
    Japanese (932), Hangul alone for Korean (949: Chinese text read in it is Hangul and Hanja mixed), ideographs, GBK's
    quotes or box lines for Chinese (936, read as GB18030); "" where the line shows none (read in Windows' 1252)."""
    if not _DOUBLE_BYTES.search(line):
        return ""
    for name in ("cp932", "cp949", "gb18030"):
        try:
            text = line.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp932" and _KANA.search(text):
            return name
        if name == "cp949" and not _HAN.search(text) and 5 * len(_HANGUL.findall(text)) >= 4 * sum(not c.isascii() for c in text):
            return name
        if name == "gb18030" and (_HAN.search(text) or _GBK_SIGNS.search(text)):
            return name
    return ""


def _unescaped(piece: str) -> list[str]:
    """A line holding a program's output as a Python repr or a JSON string (two escaped newlines, or one in a quoted
    string): its lines, the quote that opens and closes the string taken off, its escapes read; any other line as it is."""
    parts = (_ESCAPED_NEWLINE_BY_PATHS if _RAW_DRIVE.search(piece) else _ESCAPED_NEWLINE).split(piece)
    if len(parts) < 2:
        return [piece]
    head = []
    # the quote the string opens with: the first one not closed before the escape (JSON's keys and a repr's quoted names
    # close theirs)
    opener = next((o for o in _REPR_OPEN.finditer(parts[0]) if not _QUOTE[o.group(0)[-1]].search(parts[0], o.end())), None)
    if len(parts) == 2 and (opener is None or not _REPR_CLOSE.search(parts[1])):  # one escape: in a quoted string only
        return [piece]
    if opener is not None:  # the words before the string ("stderr: b'"): a line of their own
        head, parts[0] = [parts[0][:opener.start()].rstrip()], parts[0][opener.end():]
    parts[-1] = _REPR_CLOSE.sub("", parts[-1]) if opener is not None else parts[-1]
    return [part for part in head if part] + [_UNESCAPE.sub(_unescape, part) for part in parts]


def _unescape(escape: re.Match) -> str:
    if escape.group(2):
        return bytes.fromhex(escape.group(2).replace("\\x", "")).decode("utf-8", errors="replace")
    return "\t" if escape.group(1) == "t" else escape.group(1)


_NUMBERED = re.compile(r"^\s{0,6}(\d{1,7})(\t| {2,})(.*)$")  # "  12  text", cat -n's "    12\ttext"


def unnumbered(lines: Iterator[str]) -> Iterator[str]:
    """A numbered paste's lines (a log viewer's, cat -n's) without their numbers: the first line's number, then one more on
    each line. Taken off before wrapped lines are rejoined, where a wrapped line's rest starts with a number of its own."""
    number, gap, first = -1, 0, True  # the number the last line had, its separator's width
    for raw in lines:
        if raw[:1] in " \t0123456789" and (first or number >= 0):
            counted = _NUMBERED.match(raw)
            if counted and first:  # the separator after the first number: the lines' own indent follows it
                raw, number, gap = counted.group(3) or "", int(counted.group(1)), len(counted.group(2))
            elif counted and not first and int(counted.group(1)) == number + 1:
                gap = min(gap, len(counted.group(2)))  # the first line's own indent was in its separator
                raw, number = raw[counted.start(2) + gap:], number + 1
            else:
                number = -1
        first = first and not raw.strip()
        yield raw
