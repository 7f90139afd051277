"""A log re-flowed at word boundaries, its lines joined back: a mail archive's or a forum's text filled to about 72
columns moves a message's last words to the next line (r-help's ``/usr/lib64/Revo-5.0/.../libiomp5.so: undefined
reference to`` / ```pthread_atfork'``), where a terminal's wrap (:mod:`mkldoctor.explain.lines`) cuts at an exact width,
inside a word.

The loader's, the linkers' and MKL's fixed words are joined wherever a fill cut them (``...so.2: undefined`` / ``symbol:
__kmpc_global_thread_num``, a library's path and colon / ``undefined symbol: ...``, CMake's place / its command), whatever
the width; so are a message's last words that start none of their own (``is referenced by DSO``).

A re-flowed text shows its width: no line with a space in it is longer, several come close to it, and where a line ends
early, the next line's first word would not have fitted after it. Only such breaks are joined, with the space the fill
took away, and only where the next line starts no message of its own (``fresh``: the readers' test). A short excerpt
that shows no width is joined only where any common fill (72 to 100 columns) would have broken. At most MAX_PIECES lines
make one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import chain

# the widths a terminal or a log viewer cuts long lines at, inside a word: the readers (mkldoctor.explain.lines) join those
WRAP_WIDTHS = frozenset((80, 90, 100, 120, 132, 140, 150, 160, 180, 200, 220, 240, 250, 256))
LOOK = 400  # the lines read before deciding (a hostile log's first lines decide for the rest)
# a message a fill spread over lines ends within these: a text that goes on is prose or a hostile log, joined no further
# (each join copies the line: unbounded, a log of such lines would take time quadratic in its length)
MAX_PIECES = 16
MAX_JOINED = 4000
_WIDEST = 100  # a fill wider than this is a terminal's, or none
_NARROWEST = 50
_QUOTE = re.compile(r"^(?:> ?)+")  # a mail's quote marks, which a re-fill repeats on each line
# what a fill moves to the next line: a word in lower case, a number, a quoted or bracketed name, an option, a path
# ("`pthread_atfork'", "directory", "10.0.2.018/lib/em64t", "-lmkl_core", "/usr/include/eigen3"), never a message's own
# start: a tool's or a file's name and a colon ("configure:37481: result", "../../src/libdnnl.so: undefined", "F-statistic:
# 2.1"), a capitalised word (an error's name)
_MOVED = re.compile(r"^(?:[a-z0-9`'\"(<\[{/.@-][^\s]*?[A-Za-z0-9]|[A-Z][^\s]*?[/_]"  # a capitalised name with / or _ too
                    r"|No such file\b)")  # and the C library's words after a file's name ("cblas.h:" / "No such file ...")
# (and MSVC's "file(obj) : error" and "file(12,3): fatal error", a container's "name  | " before each line, a setting
# "BLAS_LIBS = -lblas", a command)
_STARTS = re.compile(r"^[^\s:]+:(?:\d|\s|$)|^\S+ \S+:\s|^\S+\s+\| |^\S+ : |^\S+ = |^\S+\(\d+(?:,\d+)?\)\s?: |"
                     r"^(?:module|export|source|cd|conda|mamba|pip\d?|python\d?[.\d]*|sudo|apt(?:-get)?|yum|dnf|ls|cat|mpirun|srun)\s")
_TABLE = re.compile(r"\S {2,}\S| => ")  # a listing's columns (conda list's, ldd's), which no fill makes
_OTOOL_ROW = re.compile(r"\(compatibility version [\d.]+, current version [\d.]+\)$")  # otool -L's row, whole


def unflowed(lines: Iterator[str], stats, fresh: Callable[[str], bool]) -> Iterator[str]:
    """The lines, with each break a word-boundary fill made joined back (``stats.at``: the first line's number)."""
    head = []
    for text in lines:
        head.append((text, stats.at if stats is not None else 0))
        if len(head) >= LOOK:
            break
    width = fill_width([text for text, _ in head], fresh)
    pending: tuple[str, int, str, int] | None = None  # the joined line, its first line's number, its last piece, how many

    def emit(item):
        if stats is not None:
            stats.at = item[1]
        return item[0]

    for text, at in chain(head, ((t, stats.at if stats is not None else 0) for t in lines)):  # the rest as it is read
        if pending is not None and pending[3] < MAX_PIECES and len(pending[0]) < MAX_JOINED and (
                _split(pending[2], text, pending[0]) or (
                _continues(pending[2], text, width, fresh) if width else _moved(pending[2], text, fresh))):
            rest = (_QUOTE.sub("", text, count=1) if _QUOTE.match(pending[0]) else text).strip()
            joint = "" if pending[0].endswith(("/", " ")) else " "  # a path a mailer broke after one of its slashes
            pending = (f"{pending[0]}{joint}{rest}", pending[1], text, pending[3] + 1)
            continue
        if pending is not None:
            yield emit(pending)
        pending = (text, at, text, 1)
    if pending is not None:
        yield emit(pending)


# a message a fill cut after its head, whatever the width: a compiler's place ("solve.cpp:124:12:") with its "error: ..."
# on the next line (arrayfire#3180, ginkgo#1717 filled at 72), CMake's "CMake Error at" with the file's place
_PLACE_END = re.compile(r"\S:\d+(?::\d+)?:$|\bCMake (?:Error|Warning(?: \(dev\))?) at$|\S:\d+(?::\d+)?: (?:fatal )?error:$")
_MESSAGE = re.compile(r"^(?:(?:fatal )?error(?: [A-Z]{1,3}\d{4,5})?|warning): ")
_CMAKE_PLACE = re.compile(r"^(?:[A-Za-z]:)?[^\s:]+:\d+")
# CMake's head with its place, its command moved to the next line ("CMake Error at /x/mkl.cmake:8" / "(target_link_libraries):")
_CMAKE_HEAD = re.compile(r"\bCMake (?:Error|Warning(?: \(dev\))?) at \S+:\d+$")
_CMAKE_COMMAND = re.compile(r"^\(\w+\):")


# and MKL's and the loader's own: "INTEL MKL ERROR:" / its path, "libmkl_def.so.1:" / "cannot open shared object file",
# "dlopen(/x/libmkl_intel_thread.dylib," / "9): Library not loaded" (an argument list left open)
_MKL_HEAD = re.compile(r"\b(?:INTEL|Intel) (?:oneMKL|MKL) (?:FATAL )?ERROR:$")
_LIBRARY_ALONE = re.compile(r"^[\w.+-]+\.(?:dll|dylib|so(?:\.\d+)*)\.?$")
_MKL_SAID = re.compile(r"\b(?:INTEL|Intel) (?:oneMKL|MKL) ERROR: [^:]{3,200}$")
_LIBRARY_END = re.compile(r"\.(?:so(?:\.\d+)*|dylib|dll):$")
# a linker's or a compiler's words whose name (or message) is on the next line: "undefined symbol:" / "__kmpc_...",
# "unresolved external symbol" / "_cblas_sgemm", "error C2664:" / its message
_NAME_NEXT = re.compile(r"\b(?:undefined symbol:|undefined reference to|unresolved external symbol|error [A-Z]{1,3}\d{4,5}:|"
                        r"symbol lookup error:|error while loading shared libraries:|unrecognized command[- ]line option|"
                        r"unknown argument:|unable to load shared (?:object|library))$")  # R's dyn.load: its path next

# a compiler's diagnostic whose message the compiler wrapped: clang at the terminal's width (TextDiagnostic's word wrap),
# each further line indented by 6 columns ("x.hpp:212:9: error: " / "      unknown type name 'sparse_index_base_t'; did you
# mean" / "      'K::...'?"), the first line may end at its kind; g++ at -fmessage-length (72 by default before GCC 6), each
# line but the last ending in a blank, the next indented by 3 ("t.cpp:4:14: error: 'x' was not " / "   declared in this
# scope; did you mean " / "   'K::x'?"). The source's own line follows with its own indent.
_DIAGNOSTIC_HEAD = re.compile(r"^\s*\S+:\d+:(?:\d+:)? (?:fatal error|error|warning|note|remark):(?: |$)")
_GUTTER = re.compile(r"^\s*\d+ \|")
_CLANG_HEAD_ONLY = re.compile(r":\d+:\d+: (?:fatal error|error|warning|note|remark):\s*$")
_CI_PREFIX = re.compile(r"\[[^\]]{1,40}\] |##\[\w+\]")  # a CI's mark before each line (Jenkins' time, Azure's ##[error])
# the loader's, the linkers' and MKL's fixed words, which a fill may cut between any two of them ("...so.2: undefined" /
# "symbol: __kmpc_global_thread_num"): the line's last words and the next line's first ones that make one of them
_PHRASES = ("undefined symbol:", "undefined reference to", "symbol lookup error:", "cannot open shared object file",
            "error while loading shared libraries:", "Intel MKL FATAL ERROR: Cannot load", "INTEL MKL ERROR:",
            "No such file or directory", "unresolved external symbol", "Library not loaded:", "DLL load failed while importing",
            "The specified module could not be found", "could not load library", "cannot find -l",
            "System unable to allocate necessary resources for OMP thread:")
# and a message's last words, which start no message of their own ("... in libirc.a(cpu_feature_disp.o)" / "is referenced by DSO")
_TAILS = ("is referenced by DSO", "(try using -rpath or -rpath-link)", "not valid for use in process",
          "No such file or directory")
_PY_NEXT = re.compile(r"[A-Z]\w*(?:Error|Exception): |File \"|Traceback ")  # Python's exception or frame after a source line
_CUTS: dict[str, list[tuple[str, str]]] = {}
for _phrase in _PHRASES:
    _words = _phrase.split()
    for _k in range(1, len(_words)):
        if _k > 1 or _words[0] not in ("Intel", "INTEL", "The", "DLL"):  # a message's first word alone: two messages
            _CUTS.setdefault(_words[_k - 1], []).append((" ".join(_words[:_k]), " ".join(_words[_k:])))


def _split(line: str, text: str, joined: str = "") -> bool:
    """Whether ``text`` is the rest of a message a fill cut after its place: the two need each other (``joined``: the
    line with the pieces already joined before it, where a message's head was cut more than once). Read for every line:
    each pattern is tried only where the line's last character allows it."""
    if (text[:3] == "   " or text[:1] == ">") and _diagnostic_wrapped(line, text, joined or line):
        return True  # a compiler's own wrap of its message (clang's at the terminal's width, g++'s -fmessage-length)
    # a terminal's cut, a CI's prefix on each line: the readers' own (mkldoctor.explain.lines) join those; a line of one
    # word at such a width is a fill's word too long for its line (a library's path and colon), read here
    if len(line) in WRAP_WIDTHS and " " in line.strip() or text[:1] in ("[", "#") and _CI_PREFIX.match(text):
        return False
    line = line.rstrip()
    body = (_QUOTE.sub("", text, count=1) if text[:1] == ">" else text).lstrip()
    last = line[-1:]
    end = _PLACE_END.search(line) if last == ":" or line.endswith(" at") else None
    if end is not None:
        if end.group(0).endswith("error:"):  # the compiler's message cut after its word ("x.cpp:39:31: fatal error:" /
            return bool(body) and _CMAKE_PLACE.match(body) is None  # "mkl_vml_functions.h: No such file ..."), not a place
        return (_CMAKE_PLACE if end.group(0).endswith(" at") else _MESSAGE).match(body) is not None
    if body.startswith(_TAILS):
        return True
    if last.isdigit() and _CMAKE_HEAD.search(joined[-1000:] or line):
        return _CMAKE_COMMAND.match(body) is not None
    if len(joined) > len(line):  # a message's head cut twice ("... symbol lookup" / "error:" / its library)
        line = joined[-300:].rstrip()
        last = line[-1:]
    if "MKL" in line and _LIBRARY_ALONE.match(body) and _MKL_SAID.search(line):  # "INTEL MKL ERROR: <words>" / "<lib>."
        return True
    cuts = _CUTS.get(line.rsplit(None, 1)[-1]) if line else None
    if cuts and any(line.endswith(head) and (len(line) == len(head) or line[-len(head) - 1] in " :")
                    and body.startswith(tail) for head, tail in cuts):
        return True
    if last in (":", "o", "l", "n", "t", "y") and (_MKL_HEAD.search(line) or _NAME_NEXT.search(line)) \
            or last == "," and line.count("(") > line.count(")"):
        return bool(body) and not body.startswith(("Intel MKL", "INTEL MKL")) and not _PY_NEXT.match(body)
    if line.endswith(".sh:") and re.match(r"line \d+: ", body):  # bash's "<script>.sh:" / "line 1: X: unbound variable"
        return True
    if line.endswith("code signature in"):  # macOS's "X.dylib: code signature in" / "(X)" / "not valid for use in ..."
        return True
    if line.endswith("):") and "dlopen(" in line:  # dlopen's arguments, dyld's reason on the next line
        return body.startswith(("Library not loaded", "image not found", "no suitable image", "tried: "))
    return last == ":" and _LIBRARY_END.search(line) is not None and body.startswith((
        "cannot open shared object file", "code signature in", "undefined symbol: "))


def fill_width(texts: list[str], fresh: Callable[[str], bool]) -> int:
    """The width the text was filled to, or 0 where it shows no fill."""
    spaced = [len(t.rstrip()) for t in texts if " " in t.strip()]
    if len(spaced) < 3:
        return 0
    width = max(spaced)
    if not _NARROWEST <= width <= _WIDEST:
        return 0
    near = sum(width - 12 <= n for n in spaced)  # a fill leaves its lines close to the width
    breaks = sum(_continues(a, b, width, fresh) for a, b in zip(texts, texts[1:]) if a.strip())
    exact = sum(n == width for n in spaced)  # a terminal's cut leaves many at the very width
    return width if breaks >= 2 and near >= 3 and exact * 2 < near else 0


def _continues(line: str, text: str, width: int, fresh: Callable[[str], bool]) -> bool:
    """Whether ``text`` holds the words a fill moved off ``line`` (the previous line as it was cut)."""
    body, previous, cut_at = _QUOTE.sub("", text, count=1), len(line.rstrip()), len(line)
    if line[:1] == ">":  # a quote's marks on both: the lines' own words read
        line = _QUOTE.sub("", line, count=1)
    if not body.strip() or body[:1].isspace() or previous == 0 or previous > width or " " not in line.strip():
        return False
    if cut_at in WRAP_WIDTHS or len(text) in WRAP_WIDTHS:  # a terminal's cut inside a word, at its width: the
        return False  # readers join it without a space, by that width (lost once a fill's join lengthened the line)
    # a sentence or a message that ended (a colon ends a fill's line where the message goes on: "libmkl_sycl.so.2:" /
    # "cannot open shared object file", up to a fill's width)
    if line.rstrip()[-1] in (".!?;" if previous <= _COLON_FILL else ".!?:;"):
        return False
    if len(body) > 12 and body[:12] == line[:12] and re.search(r"\d", body[:12]):  # a clock or a number before each line
        return False
    if _FRAME_NUMBER.match(line) and _FRAME_NUMBER.match(body) or _WINDBG_FRAME.match(body):  # a debugger's numbered
        return False  # frames (WinDbg's kn, gdb's #3), one after a line of the debugger's own ("*** ERROR: Symbol file ...")
    if line.split(None, 1)[0] == body.split(None, 1)[0] or (_TABLE.search(line) and _TABLE.search(body)) \
            or " => " in body or _OTOOL_ROW.search(line.rstrip()):
        return False  # a list of lines alike ("checking for ...", "libc.so.6 => ..."), a table's rows (ldd's row after the
        # command that printed it, otool -L's row: whole at its version)
    first = body.split(None, 1)[0]
    return (previous + 1 + len(first) > width and _MOVED.match(body) is not None and not _STARTS.match(body)
            and not fresh(body))


_FRAME_NUMBER = re.compile(r"^\s*#?[0-9a-f]{1,4}\s")
_WINDBG_FRAME = re.compile(r"^[0-9a-f]{2,4} [0-9a-f]{8}`[0-9a-f]{8} ")
_COLON_FILL = 80  # a line ending in a colon is a fill's break up to this width; longer, a message of its own ended there
_FILLS = 72  # the narrowest fill mail archives and forums use (RFC 5322's 78 less a quote), where a log shows no width


def _moved(line: str, text: str, fresh: Callable[[str], bool]) -> bool:
    """Without a width the text shows (a short excerpt): a break that any common fill (72 to 100 columns) would make."""
    previous = len(line.rstrip())
    return previous >= 20 and _continues(line, text, max(_FILLS, min(previous, _WIDEST)), fresh)


def _diagnostic_wrapped(line: str, text: str, joined: str) -> bool:
    """Whether ``text`` goes on the message of the compiler's diagnostic that ``joined`` starts (``line``: its last piece):
    clang's, indented 6 columns more than the diagnostic, after its head alone, a long line, or a line of the message
    indented so; g++'s, indented 3, after a piece that ends in g++'s blank."""
    if joined[:1] == ">":  # a mail's or Markdown's quote on each line
        joined, line, text = (_QUOTE.sub("", t, count=1) for t in (joined, line, text))
    indent = len(joined) - len(joined.lstrip())
    if not text[:indent + 3].isspace() or _DIAGNOSTIC_HEAD.match(joined) is None:
        return False
    if _GUTTER.match(text):  # the source's line under its number (GCC 9's "   18 | int dgesv_(...")
        return False
    if text[indent + 3:indent + 4] not in " \t^~|":  # g++'s
        return (line[-1:] == " " and line[-2:-1] != " "  # (a paste that took the blank off is read as printed: g++ 8's
                or line[:indent + 3].isspace() and not line[indent + 3:indent + 4].isspace())  # source lines have 3 too)
    return (text[:indent + 6].isspace() and text[indent + 6:indent + 7] not in " \t^~|"
            and (len(line.rstrip()) >= 60 or line[:indent + 6].isspace() or _CLANG_HEAD_ONLY.search(line) is not None))
