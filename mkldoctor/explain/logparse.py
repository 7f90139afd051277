"""Reading build and run logs: the line cleaner, the linker's hot path, and the catalogue's hook.

The parser reads a binary stream line by line (never the whole log), cleans each
line (ANSI colour codes, CR and CRLF, cargo's ``= note:`` prefixes, rejoins lines
that a terminal wrapped in the middle of a quoted name or command) and yields plain
frozen events. :func:`parse` keeps only distinct events, with a count each, and
caps how many it keeps, so a 100 MB log costs linear time and bounded memory.

Read here, because a failed link prints them by the thousand:

* GNU ld (bfd) ``undefined reference to `X'`` with its ``in function`` and
  ``archive(member)`` context, ``cannot find -lX``; gold; lld and rust-lld
  (``undefined symbol: X`` with ``>>> referenced by``); mold.
* rustc: ``linking with `cc` failed``, the linker command line it prints inside
  ``= note:`` (``"cc" "-m64" ... "-L" ... "-l..."``), ``could not find native
  static library``.
* Link command lines echoed by make, CMake, ninja, ``set -x`` and ``gcc -v``
  (``collect2``): their ``-L`` folders, ``-l`` libraries with the ``-Bstatic`` /
  ``-Bdynamic`` state of each, rpaths and full-path archives.

Every other line that holds a cheap anchor goes to the catalogue (:mod:`catalogue`):
the loader and its hosts (:mod:`hosts`), MKL and OpenMP at run time (:mod:`runtime`),
build systems (:mod:`build`), other platforms (:mod:`platforms`); an error-looking line
that no signature claims becomes an ``Unrecognised`` event.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Iterable, Iterator, Union

MAX_LINE = 4 << 20  # one line longer than this is cut (a linker command line with --verbose fits)
MAX_JOIN_LINES = 256  # a wrapped line is rejoined from at most this many pieces
MAX_DISTINCT = 2000  # distinct events kept by parse(); more are counted in `dropped`
MAX_COMMANDS = 64  # distinct link command lines kept

# -- events ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UndefinedSymbol:
    symbol: str
    referenced_from: str | None  # the object, archive or shared object that needs it
    member: str | None  # the archive member, for ``lib.a(member.o)``
    function: str | None  # the function that calls it, demangled
    linker: str  # "ld", "gold", "lld", "mold"
    location: str | None = None  # source file and line, when the linker said so
    at: int = field(default=0, compare=False)  # the log line of an lld block (read after it); 0: the line being read


@dataclass(frozen=True, slots=True)
class MissingLibrary:
    name: str  # "mkl_core" for -lmkl_core, ":libmkl_core.so.3" for -l:..., or a full path
    linker: str  # "ld", "gold", "lld", "mold", "rustc"
    path: str | None = None  # set when the linker was given a full path that does not exist


@dataclass(frozen=True, slots=True)
class LibRequest:
    """One ``-lNAME`` of a link command with the ``-Bstatic``/``-Bdynamic`` state it was read in."""

    name: str
    static: bool
    verbatim: bool = False  # -l:filename


@dataclass(frozen=True, slots=True)
class LinkCommand:
    argv: tuple[str, ...]
    tool: str  # basename of argv[0]: "cc", "gcc", "collect2", "ld"...
    lib_dirs: tuple[str, ...]  # -L in order
    libs: tuple[LibRequest, ...]
    rpaths: tuple[str, ...]
    inputs: tuple[str, ...]  # files named by path: objects, archives, shared objects
    output: str | None = None
    driver: bool = True  # a compiler driver (adds its own -L folders) rather than ld itself
    groups: bool = False  # --start-group seen
    omitted: bool = False  # rustc left arguments out ("<N object files omitted>")

    def requests(self, name: str) -> list[LibRequest]:
        return [lib for lib in self.libs if lib.name == name]


@dataclass(frozen=True, slots=True)
class NeededNotFound:
    soname: str
    needed_by: str


@dataclass(frozen=True, slots=True)
class RustLinkFailed:
    linker: str  # what rustc ran: "cc"


# the core readers' events; the catalogue's families (hosts, runtime, ...) declare their own
Event = Union[UndefinedSymbol, MissingLibrary, LinkCommand, NeededNotFound, RustLinkFailed]


@dataclass
class Parsed:
    """The distinct events of one log, in order of first appearance, with counts."""

    counts: dict = field(default_factory=dict)  # event -> times seen
    lines: int = 0
    bytes: int = 0
    cut_lines: int = 0  # lines longer than MAX_LINE
    dropped: int = 0  # distinct events past the cap
    first_line: dict = field(default_factory=dict)  # event -> the log's line (from 1, newline-counted) it was first read on
    at: int = 0  # the log line of the logical line being read (set by the line readers as they go)

    @property
    def events(self) -> list:
        return list(self.counts)

    def of(self, kind: type) -> list:
        return [e for e in self.counts if isinstance(e, kind)]


# -- lines ----------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Za-z0-9]|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOTE = re.compile(r"^\s*(?:=\s*(?:note|help):\s?|\|\s?)")


def raw_lines(stream: BinaryIO, stats: Parsed | None = None) -> Iterator[str]:
    """Text lines of a binary stream: decoded, ANSI codes and control bytes gone, CR split."""
    skipping = False
    newlines = 0  # a line as an editor numbers it: a lone CR does not start one there
    while True:
        chunk = stream.readline(MAX_LINE)
        if not chunk:
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
        text = chunk.decode("utf-8", errors="replace")
        if "\x1b" in text:
            text = _ANSI.sub("", text)
        text = text.rstrip("\r\n")
        # a lone CR (progress bars, old Mac files) starts a new line as a terminal shows it
        for piece in text.split("\r") if "\r" in text else (text,):
            if stats is not None:
                stats.lines += 1
            if _CONTROL.search(piece):
                piece = _CONTROL.sub(" ", piece)
            if stats is not None:
                stats.at = number
            yield piece


def _unbalanced(line: str) -> bool:
    """True when a wrapped line cut a quoted name or a quoted command argument."""
    if "reference to " in line or "function " in line:  # most lines hold neither: four searches saved
        for opener in ("reference to `", "in function `", "reference to '", "in function '"):
            at = line.rfind(opener)
            if at >= 0 and "'" not in line[at + len(opener):] and "’" not in line[at + len(opener):]:
                return True
    if line[:1] in ('"', " ", "\t") and line.lstrip().startswith('"') and line.count('"') % 2 == 1:
        return True
    return line.endswith("error while loading shared libraries:")


# A terminal or a pasted log cuts long lines at a fixed width; a piece of exactly such a
# width followed by a line that does not start a new message is joined with it.
WRAP_WIDTHS = frozenset((80, 100, 120, 132, 140, 150, 160, 180, 200, 220, 240, 250, 256))
_FRESH = re.compile(
    r"^(?:\s\s|\t|=|\||>>>|\[|\+ |\$ |#|error|warning|note|help|collect2|make|ninja|cmake|CMake|Compiling|Finished|Running|"
    r"Intel|INTEL|OMP:|Traceback|ImportError|OSError|FAILED|-- |"
    r"(?:\S*/)?(?:[\w.-]+-)?(?:ld|ld\.\w+|rust-lld|mold|gcc|cc|clang)(?:\s|:))"
)


def logical_lines(stream: BinaryIO, stats: Parsed | None = None) -> Iterator[str]:
    """Clean lines with cargo's ``= note:`` prefix gone and wrapped lines rejoined."""
    pending: str | None = None
    wrapped = False  # pending was cut at a terminal width (rather than inside quotes)
    pieces = 0
    pending_at = at = 0  # the log line a logical line starts on (stats.at while it is read)
    for raw in raw_lines(stream, stats):
        at = stats.at if stats is not None else 0
        line = _NOTE.sub("", raw, count=1) if ("=" in raw[:16] or "|" in raw[:8]) else raw
        if pending is not None:
            if wrapped and (not raw or _FRESH.match(raw)):
                if stats is not None:
                    stats.at = pending_at
                yield pending  # it was a whole line of exactly that width after all
            else:
                line = pending + (raw if wrapped else line.lstrip())
                at = pending_at
                pieces += 1
            pending = None
        if pieces < MAX_JOIN_LINES and len(line) < MAX_LINE:
            if _unbalanced(line):
                pending, wrapped, pending_at = line, False, at
                continue
            if len(raw) in WRAP_WIDTHS:
                pending, wrapped, pending_at = line, True, at
                continue
        pieces = 0
        if stats is not None:
            stats.at = at
        yield line
    if pending is not None:
        if stats is not None:
            stats.at = pending_at
        yield pending


# -- patterns -------------------------------------------------------------------------

_LINKER_PREFIX = re.compile(
    r"^\s*(?P<ld>(?:\S*/)?(?:[\w.-]+-)?(?:ld(?:\.bfd|\.gold|\.lld|\.mold)?|ld64\.lld|rust-lld|lld|mold|gold|collect2))"
    r"(?:\s*\(\w+\))?:\s+(?:(?:fatal\s+)?error:\s+|warning:\s+)?(?P<rest>.*)$"
)
_IN_FUNCTION = re.compile(r"^(?P<where>.*?):\s+[Ii]n function [`'‘\"](?P<fn>.*)['’\"]:?\s*$")
_UNDEF_REF = re.compile(
    r"(?:^|\s)(?P<where>[^\s][^\n]*?)?:?\s*(?:error:\s+)?undefined reference to (?:symbol )?[`'‘\"]"
    r"(?P<sym>[^`'’\"\s@]+|[A-Za-z_]\w*::[^`'’\"\n]+?)(?:@@?[\w.]+)?['’\"]"
)
_UNDEF_SYMBOL = re.compile(
    r"^\s*(?P<ld>(?:\S*/)?(?:ld\.lld|ld64\.lld|rust-lld|lld|mold|ld\.mold))(?::\s*error)?:\s+undefined symbol:\s+(?P<sym>.+?)\s*$"
)
_LLD_REF = re.compile(r"^\s*>>>\s+referenced by\s+(?P<what>.+?)\s*$")
_LLD_CONT = re.compile(r"^\s*>>>\s{2,}(?P<what>.+?)\s*$")
_LLD_OTHER = re.compile(r"^\s*>>>\s+(?:did you mean|defined in|the encapsulation)")
_OBJ_FN = re.compile(r"^(?P<obj>.+?):\((?P<fn>.+)\)(?: in archive (?P<archive>.+))?$")
_SOURCE_LOC = re.compile(r"^(?P<src>.+\.(?:c|cc|cpp|cxx|h|hpp|rs|f|f90|F90|s|S)):(?P<line>\d+)$")
_SECTION = re.compile(r"^(?P<obj>.+?):\(\.[\w.$]+(?:\+0x[0-9a-f]+)?\)$")
_GOLD_FUNC = re.compile(r"^(?P<obj>[^:]+?):(?:(?P<src>[^:]+):)?function (?P<fn>.+)$")
_ARCHIVE_MEMBER = re.compile(r"^(?P<archive>.+?\.(?:a|rlib|lib))\((?P<member>[^()]+)\)$")

_CANNOT_FIND = re.compile(r"cannot find (?:-l(?P<name>\S+?)|(?P<path>/\S+?))(?::\s|\s*$|\s)")
_LLD_NO_LIB = re.compile(r"unable to find library -l(?P<name>\S+)")
_MOLD_NO_LIB = re.compile(r"library not found: (?P<name>\S+)")
_RUSTC_NO_LIB = re.compile(r"could not find native static library `(?P<name>[^`]+)`")
_NEEDED = re.compile(r"warning: (?P<so>\S+), needed by (?P<by>\S+), not found")
_RUST_LINK = re.compile(r"error: linking with `(?P<linker>[^`]+)` failed")


_SYMBOL_NAME = re.compile(r"^[A-Za-z_.$][\w.$@]*$|^[A-Za-z_]\w*::[\w:<>,()*&~ \[\].-]*$")  # C, or C++ as ld demangles it
_LIB_NAME = re.compile(r"^:?[\w.+-]+$")

_COMPILER = re.compile(
    r"^(?:[\w.-]+-)?(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|ld|ld\.bfd|ld\.gold|ld\.lld|ld\.mold|collect2|rust-lld|mold|"
    r"icx|icpx|icc|icpc|gfortran|ifx|ifort|nvc|nvc\+\+)(?:-\d+(?:\.\d+)*)?$"
)
_CMD_HEAD = re.compile(r'^\s*(?:\+\s+|\$\s+|:\s*&&\s*|\[\d+/\d+\]\s+(?::\s*&&\s*)?)?"?(?P<first>[^\s"]+)"?(?:\s|$)')
_RAW_WITH_VALUE = {
    "-plugin", "-plugin-opt", "-dynamic-linker", "--dynamic-linker", "-m", "-soname", "-h", "-T", "-z", "-e",
    "-u", "-y", "--version-script", "-Map", "--sysroot", "-a", "-A", "-F", "-f", "--hash-style",
}
_RAW_LD = {"ld", "ld.bfd", "ld.gold", "ld.lld", "ld.mold", "collect2", "rust-lld", "mold"}


def _linker_name(prefix: str) -> str:
    base = os.path.basename(prefix)
    if "gold" in base:
        return "gold"
    if "mold" in base:
        return "mold"
    if "lld" in base:
        return "lld"
    return "ld"


def _strip_rust_hash(name: str) -> str:
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


def split_object(text: str) -> tuple[str, str | None]:
    """``lib.a(member.o)`` -> (``lib.a``, ``member.o``); anything else -> (text, None)."""
    match = _ARCHIVE_MEMBER.match(text)
    if match:
        return match.group("archive"), match.group("member")
    return text, None


# -- link command lines ---------------------------------------------------------------


def parse_link_command(argv: list[str]) -> LinkCommand | None:
    """The parts of a compiler-driver or ``ld`` command line that decide the ``-l`` search."""
    if not argv:
        return None
    tool = os.path.basename(argv[0])
    if not _COMPILER.match(tool):
        return None
    if "-c" in argv or "-E" in argv or "-S" in argv:
        return None  # compiling, not linking
    raw = tool in _RAW_LD or tool.startswith(("ld.", "ld-"))
    lib_dirs: list[str] = []
    libs: list[LibRequest] = []
    rpaths: list[str] = []
    inputs: list[str] = []
    output = None
    static = False
    omitted = False
    groups = False
    state_stack: list[bool] = []

    def linker_flags(flags: list[str]) -> None:
        nonlocal static, groups
        i = 0
        while i < len(flags):
            flag = flags[i]
            nxt = flags[i + 1] if i + 1 < len(flags) else None
            if flag in ("-Bstatic", "-dn", "-non_shared", "-static", "--static"):
                static = True
            elif flag in ("-Bdynamic", "-dy", "-call_shared"):
                static = False
            elif flag == "--push-state":
                state_stack.append(static)
            elif flag == "--pop-state":
                static = state_stack.pop() if state_stack else static
            elif flag in ("--start-group", "-("):
                groups = True
            elif flag in ("-rpath", "--rpath", "-R") and nxt is not None:
                rpaths.extend(nxt.split(":"))
                i += 1
            elif flag.startswith(("-rpath=", "--rpath=")):
                rpaths.extend(flag.split("=", 1)[1].split(":"))
            elif flag == "-L" and nxt is not None:
                lib_dirs.append(nxt)
                i += 1
            elif flag.startswith("--library-path="):
                lib_dirs.append(flag.split("=", 1)[1])
            elif flag.startswith("-L") and len(flag) > 2:
                lib_dirs.append(flag[2:])
            elif flag == "-l" and nxt is not None:
                add_lib(nxt)
                i += 1
            elif flag.startswith("--library="):
                add_lib(flag.split("=", 1)[1])
            elif flag.startswith("-l") and len(flag) > 2:
                add_lib(flag[2:])
            i += 1

    def add_lib(name: str) -> None:
        if name.startswith(":"):
            libs.append(LibRequest(name, static, True))
        else:
            libs.append(LibRequest(name, static, False))

    i = 1
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("<") and arg.endswith(">") or ("<sysroot>" in arg and "{" in arg):
            omitted = True  # rustc's "<11 object files omitted>" and its globbed rlib list
        elif arg.startswith("-Wl,"):
            linker_flags(arg[4:].split(","))
        elif arg == "-Xlinker" and nxt is not None:
            linker_flags([nxt])
            i += 1
        elif arg == "-static" and not raw:
            static = True
        elif arg == "-o" and nxt is not None:
            output = nxt
            i += 1
        elif arg in ("-L", "-l") and nxt is not None:
            linker_flags([arg, nxt])
            i += 1
        elif arg.startswith(("-L", "-l", "--library")):
            linker_flags([arg])
        elif raw and arg in _RAW_WITH_VALUE and nxt is not None:
            i += 1  # "-plugin X", "-dynamic-linker X", "-m elf_x86_64": X is not an input
        elif raw and arg.startswith("-"):
            if arg in ("-rpath", "--rpath", "-R") and nxt is not None:
                linker_flags([arg, nxt])
                i += 1
            else:
                linker_flags([arg])
        elif not arg.startswith("-") and re.search(r"\.(?:a|o|so(?:\.\d+)*|rlib|lo)$", arg):
            inputs.append(arg)
        i += 1
    if not (lib_dirs or libs or inputs):
        return None
    return LinkCommand(
        argv=tuple(argv), tool=tool, lib_dirs=tuple(lib_dirs), libs=tuple(libs), rpaths=tuple(rpaths),
        inputs=tuple(inputs), output=output, driver=not raw, groups=groups, omitted=omitted,
    )


_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')


def _command_from_line(line: str) -> list[LinkCommand]:
    head = _CMD_HEAD.match(line)
    if not head or not _COMPILER.match(os.path.basename(head.group("first"))):
        return []
    if not ("-l" in line or "-L" in line or ".a" in line or ".so" in line):
        return []
    text = line.strip()
    text = re.sub(r"^(?:\+\s+|\$\s+|\[\d+/\d+\]\s+)", "", text)
    if "\\" not in text and "'" not in text:
        # no escapes and no single quotes (rustc's and CMake's lines): shlex's result, ten times faster
        if text.count('"') % 2:
            return []
        tokens = [token.replace('"', "") for token in _TOKEN.findall(text)]
    else:
        try:
            tokens = shlex.split(text)
        except ValueError:
            return []
    commands: list[LinkCommand] = []
    segment: list[str] = []
    for token in tokens + ["&&"]:
        if token in ("&&", ";", "||", ":"):
            if segment:
                command = parse_link_command(segment)
                if command is not None:
                    commands.append(command)
            segment = []
        else:
            segment.append(token)
    return commands


# -- the event stream -----------------------------------------------------------------


def iter_events(lines: Iterable[str], stats: Parsed | None = None) -> Iterator:
    """Events from clean lines (see :func:`logical_lines`), in the order they happen; an event said over
    several lines and yielded after them carries the log line it started on (``at``)."""
    context: tuple[str | None, str | None, str | None] | None = None  # (object, member, function) from "in function"
    context_age = 0
    linker = "ld"
    lld: dict | None = None  # an "undefined symbol" block being read

    def flush_lld():
        nonlocal lld
        if lld is None:
            return []
        block, lld = lld, None
        refs = block["refs"] or [(None, None, None, None)]
        return [UndefinedSymbol(block["sym"], obj, member, fn, block["linker"], loc, block["at"]) for obj, member, fn, loc in refs]

    from mkldoctor.explain import catalogue

    gate = catalogue.gate().search
    has_anchor = catalogue.has_anchor
    claim = catalogue.claim
    before: list[str] = []  # the last lines read, context for an unrecognised error line
    pending: list | None = None  # [line, context before, lines after, is a header]
    unrecognised = 0

    for line in lines:
        if not line:
            continue
        here = stats.at if stats is not None else 0
        if pending is not None:
            pending[2].append(line)
            if len(pending[2]) >= (6 if pending[3] else 2):
                yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])
                pending = None
        before.append(line)
        if len(before) > 4:
            del before[0]
        context_age += 1
        if context_age > 64:
            context = None

        # lld / mold blocks
        if lld is not None:
            if ">>>" in line:
                ref = _LLD_REF.match(line)
                if ref:
                    what = ref.group("what")
                    objfn = _OBJ_FN.match(what)
                    if objfn:  # ">>> referenced by lib.a(x.o):(fn)"
                        obj, member = split_object(objfn.group("obj"))
                        if objfn.group("archive"):
                            obj, member = objfn.group("archive"), objfn.group("obj")
                        lld["refs"].append((obj, member, _strip_rust_hash(objfn.group("fn")), None))
                    else:  # ">>> referenced by main.rs:7 (src/main.rs:7)"; the object follows
                        lld["refs"].append((None, None, None, what))
                    continue
                if _LLD_OTHER.match(line):
                    continue
                cont = _LLD_CONT.match(line)
                if cont and lld["refs"]:
                    what = cont.group("what")
                    objfn = _OBJ_FN.match(what)
                    obj, member = split_object(objfn.group("obj") if objfn else what)
                    if objfn and objfn.group("archive"):  # "x.rcgu.o:(fn) in archive /p/libx.rlib"
                        obj, member = objfn.group("archive"), objfn.group("obj")
                    fn = _strip_rust_hash(objfn.group("fn")) if objfn else None
                    loc = lld["refs"][-1][3]
                    lld["refs"][-1] = (obj, member, fn, loc)
                    continue
                continue
            yield from flush_lld()

        if "undefined symbol:" in line and "symbol lookup error" not in line:
            match = _UNDEF_SYMBOL.match(line)
            if match and _SYMBOL_NAME.match(match.group("sym").split("(")[0] or "?"):
                lld = {"sym": match.group("sym"), "linker": _linker_name(match.group("ld")), "refs": [], "at": here}
                continue

        prefix = _LINKER_PREFIX.match(line) if (":" in line and ("ld" in line or "collect2" in line or "mold" in line or "gold" in line)) else None
        rest = line
        if prefix:
            linker = _linker_name(prefix.group("ld"))
            rest = prefix.group("rest")

        if "n function " in rest:
            match = _IN_FUNCTION.match(rest.strip())
            if match:
                obj, member = split_object(match.group("where"))
                context = (obj, member, _strip_rust_hash(match.group("fn")))
                context_age = 0
                continue

        if "undefined reference to" in rest:
            match = _UNDEF_REF.search(rest.strip())
            if match and _SYMBOL_NAME.match(match.group("sym")):
                where = (match.group("where") or "").strip().rstrip(":")
                said = "gold" if not prefix and "error: undefined reference" in rest else linker
                yield _undefined(match.group("sym"), where, context, said)
                continue

        if "cannot find" in rest or "unable to find library" in rest or "library not found" in rest:
            match = _CANNOT_FIND.search(rest + " ")
            if match and prefix:
                name = match.group("name")
                if name is not None and _LIB_NAME.match(name):
                    yield MissingLibrary(name, linker)
                    continue
                if match.group("path"):
                    yield MissingLibrary(os.path.basename(match.group("path")), linker, match.group("path"))
                    continue
            match = _LLD_NO_LIB.search(rest) or (_MOLD_NO_LIB.search(rest) if "mold" in line else None)
            if match and _LIB_NAME.match(match.group("name")):
                yield MissingLibrary(match.group("name"), "mold" if "mold" in line else "lld")
                continue

        if "native static library" in line:
            match = _RUSTC_NO_LIB.search(line)
            if match:
                yield MissingLibrary(match.group("name"), "rustc")
                continue

        if "needed by" in rest:
            match = _NEEDED.search(line)
            if match:
                yield NeededNotFound(match.group("so"), match.group("by"))
                continue

        if "linking with" in line:
            match = _RUST_LINK.search(line)
            if match:
                yield RustLinkFailed(match.group("linker"))
                continue

        if has_anchor(line) and gate(line):
            claimed, event = claim(line, before[:-1])
            if isinstance(event, catalogue.Unrecognised):  # a header (CMake Error at ...): its detail may follow
                if pending is not None:
                    yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])
                pending = [line, [], [], True, here]
                continue
            if claimed:
                if event is not None:
                    if pending is not None and pending[3]:
                        pending = None  # the header's detail was recognised: it is explained by this event
                    yield event
                continue
            if catalogue.ERRORISH.search(line) and not catalogue.NOT_A_FAILURE.search(line):
                if pending is not None:
                    yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])
                unrecognised += 1
                pending = [line, before[:-1], [], False, here] if unrecognised <= catalogue.MAX_UNRECOGNISED else None
                continue

        if len(line) > 4 and ('"' in line[:8] or " -" in line):
            yield from _command_from_line(line)
    yield from flush_lld()
    if pending is not None:
        yield catalogue.Unrecognised(pending[0], (*pending[1], pending[0], *pending[2]), pending[4])


def _undefined(symbol: str, where: str, context, linker: str) -> UndefinedSymbol:
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
    elif where and _SOURCE_LOC.match(where):  # "/src/mkl.rs:162" after an "in function" line
        loc = where
    elif where:
        obj, member = split_object(where)
    if obj is None and context is not None:
        obj, member, fn = context
    elif context is not None and fn is None and obj == context[0]:
        fn = context[2]
    return UndefinedSymbol(symbol, obj, member, _strip_rust_hash(fn) if fn else None, linker, loc)


def parse(stream: BinaryIO, *, max_distinct: int = MAX_DISTINCT) -> Parsed:
    """Read a whole log and keep its distinct events (bounded), C++/Rust names demangled."""
    result = Parsed()
    commands = 0
    for event in iter_events(logical_lines(stream, result), result):
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
