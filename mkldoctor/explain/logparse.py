"""Reading build and run logs: the line cleaner, the linker's hot path, and the catalogue's hook.

The parser reads a binary stream line by line (never the whole log), cleans each line (ANSI colour codes, CR and CRLF,
cargo's ``= note:`` prefixes, rejoins lines that a terminal wrapped in the middle of a quoted name or command) and yields
plain frozen events. :func:`parse` keeps only distinct events, with a count each, and caps how many it keeps, so a 100 MB
log costs linear time and bounded memory.

Read here, because a failed link prints them by the thousand:

* GNU ld (bfd) ``undefined reference to `X'`` with its ``in function`` and ``archive(member)`` context, ``cannot find
  -lX``; gold; lld and rust-lld (``undefined symbol: X`` with ``>>> referenced by``), mold and Apple's ld64, whose
  blocks :mod:`refblocks` reads.
* rustc: ``linking with `cc` failed``, the linker command line it prints inside ``= note:`` (``"cc" "-m64" ... "-L" ...
  "-l..."``), ``could not find native static library``.
* Link command lines echoed by make, CMake, ninja, ``set -x`` and ``gcc -v`` (``collect2``): their ``-L`` folders, ``-l``
  libraries with the ``-Bstatic`` / ``-Bdynamic`` state of each, rpaths and full-path archives.

Every other line that holds a cheap anchor goes to the catalogue (:mod:`catalogue`): the loader and its hosts (:mod:`hosts`),
MKL and OpenMP at run time (:mod:`runtime`), build systems (:mod:`build`), other platforms (:mod:`platforms`); an
error-looking line that no signature claims becomes an ``Unrecognised`` event, one a signature claims a ``ClaimedError`` too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import BinaryIO, Iterable, Iterator

from mkldoctor.explain import refblocks, translated
from mkldoctor.explain.anchors import has_anchor
from mkldoctor.explain.encoding import as_utf8
from mkldoctor.explain.events import (Event, LibRequest, LinkCommand, MissingLibrary, NeededNotFound, Parsed, RustLinkFailed,
                                      UndefinedSymbol)
from mkldoctor.explain.linkcmd import commands_in_line, parse_link_command
from mkldoctor.explain.lines import MAX_LINE, after_linker, logical_lines, raw_lines, untypeset
from mkldoctor.explain.missinglib import LIB_NAME, missing_library
from mkldoctor.explain.refblocks import SYMBOL_NAME as _SYMBOL_NAME, linker_name as _linker_name, split_object
from mkldoctor.explain.refblocks import strip_rust_hash as _strip_rust_hash
from mkldoctor.knowledge import facts

# what callers read a log with: the parser, and the events it makes (declared in events.py)
__all__ = ["Event", "LibRequest", "LinkCommand", "MAX_LINE", "MissingLibrary", "NeededNotFound", "Parsed", "RustLinkFailed",
           "UndefinedSymbol", "iter_events", "logical_lines", "parse", "parse_bytes", "parse_link_command", "raw_lines",
           "split_object"]

MAX_DISTINCT = 2000  # distinct events kept by parse(); more are counted in `dropped`
MAX_COMMANDS = 64  # distinct link command lines kept

# -- patterns -------------------------------------------------------------------------

_LINKER_PREFIX = re.compile(
    # (MinGW's and MSYS2's: "C:/msys64/mingw64/.../bin/ld.exe: ", "collect2.exe: ")
    r"^\s*(?P<ld>(?:\S*[/\\])?(?:[\w.-]+-)?(?:ld(?:\.bfd|\.gold|\.lld|\.mold)?|ld64\.lld|rust-lld|lld|mold|gold|collect2)(?:\.exe)?)"
    r"(?:\s*\(\w+\))?[ \xa0]?:\s+(?:(?:fatal\s+)?error ?:\s+|warning ?:\s+)?(?P<rest>.*)$"  # French puts a space before ':'
)
_IN_FUNCTION = re.compile(r"^(?P<where>.*?):\s+[Ii]n function [`'‘\"](?P<fn>[^`'‘’\"]*)['’\"]:?\s*$")  # a name holds no quote
# the same and the reference on one line (a paste that lost the line break, an IDE's one-line message)
_IN_FUNCTION_THEN = re.compile(r"^(?P<where>.*?):\s+[Ii]n function [`'‘\"](?P<fn>[^`'‘’\"]*)['’\"]:\s*(?P<then>\S.*undefined reference to.*)$")
_REF_THEN_OBJECT = re.compile(r"^(?P<ref>.*undefined reference to [`'‘\"][^`'’\"\s]+['’\"`])\s+(?P<obj>\S.*)$")
_UNDEF_REF = re.compile(
    # (a page translator's English of a localized ld writes "Undefined reference to‘zgetrf_’": abinit's old forum)
    r"(?:^|\s)(?P<where>[^\s][^\n]*?)?:?\s*(?:error:\s+)?[Uu]ndefined reference to(?: |(?=[`'‘]))(?:symbol )?(?P<q>[`'‘\"])?"
    r"(?(q)|(?=\w*_\S*\s*$|[A-Za-z_]\w*::[^\n]*\)(?:\s*const)?\s*$))"  # unquoted: a C++ name to the line's end too
    r"(?:(?:unsigned |signed )?[A-Za-z_][\w<>]*[*&]* (?=[A-Za-z_]\w*::))?"  # a template's return type, as ld demangles it
    r"(?P<sym>[^`'’\"\s@]+|[A-Za-z_]\w*::[^`'’\"\n]+?|[A-Za-z_]\w*\([^`'’\"\n]*\)|operator (?:new|delete)(?:\[\])?\([^`'’\"\n]*\))"
    r"(?:@@?(?P<version>[\w.]+))?(?(q)['’\"`]|\s*$)"  # `sym` where markdown ate a quote; both eaten: a name with _, last
)
_PY_FRAME = re.compile(r"File \"[^\"]+\", line \d|\.pyx?\", line \d|\.pyx? in \S")  # a traceback's frame (Python's, IPython's)
_SOURCE_LOC = re.compile(r"^(?P<src>.+\.(?:c|cc|cpp|cxx|h|hpp|rs|f|f90|F90|s|S)):(?P<line>\d+)$")
_SECTION = re.compile(r"^(?P<obj>.+?):\(\.[\w.$]+(?:\+0x[0-9a-f]+)?\)$")
_GOLD_FUNC = re.compile(r"^(?P<obj>[^:]+?):(?:(?P<src>[^:]+):)?function (?P<fn>.+)$")
_OBJECT_ALONE = re.compile(r"^\s*(?P<obj>/?[^\s:]+\.(?:so(?:\.\d+)*|a|o)(?:\([^()\s]+\))?):$")

_QUOTED_LD = re.compile(r"`((?:/[\w./+-]*/)?(?:ld|ld\.gold|ld\.bfd|ld\.lld|collect2)(?:\.exe)?: [^`]+)`")
_RETURN_STATUS = re.compile(r"^.{0,300}?\(return status=\d+\):\s+(?=\S*ld(?:\.exe)?: )")
_ELIDED_LINKER = re.compile(r"(?:\s\.{3}|…)\s+(?P<tail>(?:\S*/)?(?:ld|collect2|ld\.gold|ld\.lld|mold)(?:\.exe)?: .+)$")
_RUSTC_NO_LIB = re.compile(r"could not find native static library `(?P<name>[^`]+)`")
_NEEDED = re.compile(r"warning: (?P<so>\S+), needed by (?P<by>\S+), not found")
_RUST_LINK = re.compile(r"error: linking with `(?P<linker>[^`]+)` failed")


def _cxx_mkl(symbol: str) -> bool:
    """MKL's C name with C++ linkage, as ld demangles it (``dgemm_(char const*, ...)``): cxxlinkage's."""
    from mkldoctor.explain.cxxlinkage import c_name

    return "(" in symbol and c_name(symbol) is not None


# -- the event stream -----------------------------------------------------------------


# Python's words between two exceptions of a chained traceback: the one above was handled (or raised from)
_CHAINED = re.compile(r"^\s*(?:During handling of the above exception, another exception occurred|The above exception was the "
                      r"direct cause of the following exception):")


class _State:
    """What one pass over a log remembers between lines."""

    __slots__ = ("context", "context_age", "linker", "lld", "before", "pending", "unrecognised", "sample_after", "follow",
                 "listing", "claims", "frame")

    def __init__(self) -> None:
        self.context: tuple[str | None, str | None, str | None] | None = None  # (object, member, function): "in function"
        self.context_age = 0
        self.linker = "ld"  # the linker the last prefixed line named
        self.lld: dict | None = None  # an "undefined symbol" block being read
        self.before: list[str] = []  # the last lines read, context for an unrecognised error line
        self.pending: list | None = None  # [line, context before, lines after, is a header]
        self.unrecognised = 0
        self.sample_after = 0  # lines after an error-looking one still sampled for the log's places
        self.follow: list | None = None  # [event, the lines read after it]: an event that wants the lines that follow it
        self.listing = False  # the log shows IPython's traceback, whose numbered lines are source code
        self.claims = 0  # claimed lines checked for an error word (the first CLAIMS_CHECKED: never silent's net)
        self.frame: tuple[str, int] | None = None  # a traceback's last frame and its line, above IPython's source listing

    def followed(self, line: str | None) -> list:
        """The held event, once it has the lines it wants (or the log ended: ``line`` None)."""
        if self.follow is None:
            return []
        event, after = self.follow
        if line is not None:
            after.append(line)
            if len(after) < event.wants:
                return []
        self.follow = None
        return [e for e in (event.followed(tuple(after)),) if e is not None]  # None: the lines did not bear it out

    def flush_lld(self) -> list[UndefinedSymbol]:
        if self.lld is None:
            return []
        block, self.lld = self.lld, None
        return refblocks.events(block)


def iter_events(lines: Iterable[str], stats: Parsed | None = None) -> Iterator:
    """Events from clean lines (see :func:`logical_lines`), in the order they happen; an event said over
    several lines and yielded after them carries the log line it started on (``at``)."""
    from mkldoctor.explain import catalogue, origin

    state = _State()
    places = stats.places if stats is not None else None
    last = ("", 0)  # the last line and its place: a log that ends on ld's "in function" line was cut before ld's message
    for line in lines:
        if not line:
            continue
        line = untypeset(line) if "’" in line else line
        here = stats.at if stats is not None else 0
        last = (line, here)
        if stats is not None and not stats.mkl_at and ("mkl" in line or "MKL" in line):
            stats.mkl_at = here  # a result that differs is MKL's question only where the log names MKL (wrongvalues)
        if state.follow is not None:
            yield from state.followed(line)
        pending = state.pending
        if pending is not None:
            pending[2].append(line)
            if not pending[3] and _CHAINED.match(line):  # a Python exception handled, and another raised: that one says it
                yield catalogue.ClaimedError(pending[0].strip()[:300])  # said only where no finding explains the log
                state.pending = None
            elif len(pending[2]) >= (6 if pending[3] else 2):
                yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])
                state.pending = None
        if not state.listing and ("->" in line or "ipython" in line or "Traceback" in line or line[:5] == "File ") \
                and catalogue.LISTING_MARK.search(line):
            state.listing = True
        if _PY_FRAME.search(line):
            state.frame = (line, here)
        state.before.append(line)
        if len(state.before) > 4:
            del state.before[0]
        if places is not None and len(places) < origin.MAX_PLACES:  # what the log says of its machine (origin.py)
            if here <= origin.HEAD_LINES or state.sample_after > 0:
                origin.sample(places, line)
                state.sample_after -= 1
            elif has_anchor(line):
                for seen in state.before:
                    origin.sample(places, seen)
                state.sample_after = 3
        state.context_age += 1
        if state.context_age > 64:
            state.context = None
        if state.lld is not None:
            if refblocks.take(state.lld, line):
                continue
            yield from state.flush_lld()
        block = refblocks.start(line, here) if "referenced from:" in line or "undefined symbol:" in line else None
        if block is not None:
            state.lld = block
            continue
        events = _linker_events(state, line)
        if events is None:
            events = _catalogue_events(state, line, catalogue, here)
        if events is not None:
            yield from events
            if line.startswith("ninja: job failed: "):  # an echo of the failed command, which it holds whole
                yield from commands_in_line(line)
        elif len(line) > 4 and ('"' in line[:8] or " -" in line):
            yield from commands_in_line(line)
    yield from state.flush_lld()
    yield from state.followed(None)
    if _CUT_IN_FUNCTION.search(last[0]):  # fds#11404's paste: "ld: pres.o: in function `__globmat_s [...]"
        yield catalogue.Unrecognised(last[0].strip()[:300], (last[0].strip()[:300],), last[1])
    if state.pending is not None:
        pending = state.pending
        yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])


_CUT_IN_FUNCTION = re.compile(r"(?:^|/)(?:ld|ld\.bfd|ld\.gold)(?:\.exe)?: [^:]+: in function [`'‘][^`'’‘]*"
                              r"(?:['’]:?|\[\.\.\.\])?\s*$")


_OFFSET = re.compile(r"\(\.[\w.$]+\+0x[0-9a-f]+\)")  # an object's place, "(.text+0x1d)": another on each line of one list
_CUT_UNDEFINED = re.compile(r": undefined(?: r(?:e(?:f(?:e(?:r(?:e(?:n(?:c(?:e(?: t(?:o)?)?)?)?)?)?)?)?)?)?)?\s*$")


def _linker_events(state: _State, line: str) -> list | None:
    """The events of a GNU ld, gold, lld, mold or rustc line; None when the line is none of theirs."""
    if "`" in line and "ld: " in line:  # a reporter's quote of it: "... the error message `ld: cannot find -lne `."
        quoted = _QUOTED_LD.search(line)
        line = quoted.group(1).rstrip() if quoted else line
    if "..." in line or "…" in line:  # two lines a paste joined with an elision: "Linking CXX ... ld: cannot find -lx"
        elided = _ELIDED_LINKER.search(line)
        line = elided.group("tail") if elided else line
    if "(return status=" in line:  # Theano's compile error before the linker's own line (Theano#2868)
        line = _RETURN_STATUS.sub("", line, count=1)
    prefix = _LINKER_PREFIX.match(line) if (":" in line and ("ld" in line or "collect2" in line or "mold" in line or "gold" in line)) else None
    rest = line
    if prefix:
        state.linker = _linker_name(prefix.group("ld"))
        rest = prefix.group("rest")
    cut = _CUT_UNDEFINED.search(line) if "undefined" in line[-26:] else None
    if cut and len(state.before) > 1 and _OFFSET.sub("", state.before[-2]).startswith(_OFFSET.sub("", line[:cut.start()])):
        return []  # faiss#2687's last line, cut as the paste ended: the line before it, said again and not finished
    if rest.endswith(":") and "undefined" not in rest:
        alone = _OBJECT_ALONE.match(rest)
        if alone:  # "/x/libmkl_gnu_thread.so:" with "undefined reference to ..." on the next line (a wrapped paste)
            obj, member = split_object(alone.group("obj"))
            state.context = (obj, member, None)
            state.context_age = 0
            return []
    if "n function " in rest:
        # the function alone on its line, or with the reference that follows it on the same line
        joined = _IN_FUNCTION_THEN.match(rest.strip()) if "undefined reference to" in rest else None
        match = joined or _IN_FUNCTION.match(rest.strip())
        ref = _REF_THEN_OBJECT.match(match.group("where")) if match and not joined and "undefined reference to" in rest else None
        if ref:  # the reference, then the next block's object and function (a paste that lost a line break): in that order
            events = _linker_events(state, ref.group("ref"))
            obj, member = split_object(ref.group("obj"))
            state.context, state.context_age = (obj, member, _strip_rust_hash(match.group("fn"))), 0
            return events
        if match:
            obj, member = split_object(match.group("where"))
            state.context, state.context_age = (obj, member, _strip_rust_hash(match.group("fn"))), 0
            if joined is None:
                return []
            rest = joined.group("then")
    if "ndefined reference to" in rest:
        match = _UNDEF_REF.search(rest.strip())
        if match and (_SYMBOL_NAME.match(match.group("sym")) or _cxx_mkl(match.group("sym"))
                      or facts.CXX_RUNTIME.match(match.group("sym"))):  # libstdc++'s, demangled (MKL's C++ members', or a library's)
            where = re.sub(r"^(?:fatal )?error$", "", after_linker((match.group("where") or "").strip().rstrip(":：")), flags=re.I)  # pasted alone
            said = "gold" if not prefix and "error: undefined reference" in rest else state.linker
            return [_undefined(match.group("sym"), where, state.context, said, match.group("version"))]
    if "annot find" in rest or "unable to find library" in rest or "library not found" in rest or "' not found" in rest:
        missing = missing_library(line, rest, prefix is not None, state.linker)
        if missing is not None:
            return [missing]
    if "native static library" in line:
        match = _RUSTC_NO_LIB.search(line)
        if match:
            return [MissingLibrary(match.group("name"), "rustc")]
    if "needed by" in rest:
        match = _NEEDED.search(line)
        if match:
            return [NeededNotFound(match.group("so"), match.group("by"))]
    if "linking with" in line:
        match = _RUST_LINK.search(line)
        if match:
            return [RustLinkFailed(match.group("linker"))]
    return _translated(state, rest, prefix is not None)


def _translated(state: _State, rest: str, prefixed: bool) -> list | None:
    """GNU ld's lines in another language (:mod:`mkldoctor.explain.translated`) as the English ones' events."""
    said = translated.read(rest.strip(), prefixed)
    if said is None:
        return None
    kind, name, where = said
    if kind == "undefined" and _SYMBOL_NAME.match(name):
        return [_undefined(name, where, state.context, state.linker)]
    if kind == "context":
        obj, member = split_object(where)
        state.context = (obj, member, _strip_rust_hash(name))
        state.context_age = 0
        return []
    if kind == "missing" and LIB_NAME.match(name):
        return [MissingLibrary(name, state.linker)]
    return None


def _catalogue_events(state: _State, line: str, catalogue, here: int) -> list | None:
    """A line that holds one of the catalogue's anchors: its signature's event, an unrecognised error (kept with the
    lines around it, so held back a few lines), or nothing; None when the line is not the catalogue's."""
    if not has_anchor(line):
        return None
    out = []
    before = state.before[:-1]
    if state.frame and here - state.frame[1] <= 30 and state.frame[0] not in before:  # the frame above a listing's lines
        before = [state.frame[0], *before]
    claimed, event = catalogue.claim(line, before)
    pending = state.pending
    if isinstance(event, catalogue.Unrecognised):  # a header (CMake Error at ...): its detail may follow
        if pending is not None:
            out.append(catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4]))
        state.pending = [line, [], [], True, here]
        return out
    if claimed:
        if event is not None:
            if pending is not None and pending[3] and not isinstance(event, catalogue.FollowOn) \
                    and not getattr(event, "CONTEXT_ONLY", False):  # (a report of what ran, MKL_VERBOSE's banner, is none)
                state.pending = None  # the header's detail was recognised: it is explained by this event (an echo is none)
            if getattr(event, "wants", 0):  # a message said over the lines that follow (a panic's, CMake's): held until read
                out += state.followed(None)
                state.follow = [replace(event, at=here) if hasattr(event, "at") else event, []]
            else:
                out.append(event)
            state.claims += 1  # said as unrecognised where no finding explains the log
            if state.claims <= catalogue.CLAIMS_CHECKED and not isinstance(event, catalogue.FollowOn) \
                    and catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line):
                out.append(catalogue.ClaimedError(line.strip()[:300]))
        return out
    if (catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line)
            and not (state.listing and catalogue.SOURCE_LISTING.match(line))):
        if pending is not None:
            out.append(catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4]))
        state.unrecognised += 1
        state.pending = [line, state.before[:-1], [], False, here] if state.unrecognised <= catalogue.MAX_UNRECOGNISED else None
        return out
    return None


def _undefined(symbol: str, where: str, context, linker: str, version: str | None = None) -> UndefinedSymbol:
    obj = member = fn = loc = None
    gold = _GOLD_FUNC.match(where)
    section = _SECTION.match(where)
    if gold:  # gold: "h.o:h.c:function call_h"
        obj, member = split_object(gold.group("obj"))
        fn = gold.group("fn")
    elif section and context is not None:  # "verify.c:(.text+0x1d)" under "/tmp/cc.o: in function `main':"
        loc = where
    elif section:  # "h.o:(.text+0x1d)"
        obj, member = split_object(section.group("obj"))
    elif context is not None and re.fullmatch(r"\(\.[\w.$]+(?:\+0x[0-9a-f]+)?\)", where):  # "(.text+0x17)": the place in
        loc = where  # the object the "in function" line before named (ld 2.40's "Scrt1.o: in function `_start':")
    elif where and _SOURCE_LOC.match(where):  # "/src/mkl.rs:162" after an "in function" line
        loc = where
    elif where:
        obj, member = split_object(where)
    if obj is None and context is not None:
        obj, member, fn = context
    elif context is not None and fn is None and obj == context[0]:
        fn = context[2]
    return UndefinedSymbol(symbol, obj, member, _strip_rust_hash(fn) if fn else None, linker, loc, version=version)


def parse(stream: BinaryIO, *, max_distinct: int = MAX_DISTINCT) -> Parsed:
    """Read a whole log and keep its distinct events (bounded), C++/Rust names demangled."""
    result = Parsed()
    commands = 0
    for event in iter_events(logical_lines(as_utf8(stream, MAX_LINE), result), result):  # a UTF-16/32 log by its BOM
        if event in result.counts:
            result.counts[event] += 1
            continue
        if isinstance(event, LinkCommand):
            if commands >= MAX_COMMANDS:
                result.dropped += 1
                continue
            commands += 1
        elif len(result.counts) - commands >= max_distinct:
            result.dropped += 1
            continue
        result.counts[event] = 1
        result.first_line[event] = getattr(event, "at", 0) or result.at
    _demangle(result)
    return result


def parse_bytes(data: bytes) -> Parsed:
    import io

    return parse(io.BytesIO(data))


def _demangle(result: Parsed) -> None:
    from mkldoctor.binary.demangle import demangle_all, is_mangled

    names = [e.function for e in result.counts if isinstance(e, UndefinedSymbol) and e.function and is_mangled(e.function)]
    if not names:
        return
    plain = demangle_all(names)
    counts, first = {}, {}
    for event, count in result.counts.items():
        at = result.first_line.get(event, 0)
        if isinstance(event, UndefinedSymbol) and event.function in plain:
            event = replace(event, function=plain[event.function])
        counts[event] = counts.get(event, 0) + count
        first.setdefault(event, at)
    result.counts, result.first_line = counts, first
