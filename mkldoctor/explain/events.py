"""The events the core readers of :mod:`logparse` make of a log, and the record of one parsed log.

Plain frozen records, one per thing a linker or loader said (an undefined symbol, a library not
found, a link command line); the catalogue's families declare their own beside their signatures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True, slots=True)
class UndefinedSymbol:
    symbol: str
    referenced_from: str | None  # the object, archive or shared object that needs it
    member: str | None  # the archive member, for ``lib.a(member.o)``
    function: str | None  # the function that calls it, demangled
    linker: str  # "ld", "gold", "lld", "mold"
    location: str | None = None  # source file and line, when the linker said so
    at: int = field(default=0, compare=False)  # the log line of an lld block (read after it); 0: the line being read
    version: str | None = None  # the symbol version the reference asks for ("GLIBC_2.6" of sched_getcpu@GLIBC_2.6)


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


# the library of a symbol lookup error where a person's words gave only the name ("undefined symbol: X" alone)
UNNAMED = "a library the log does not name"


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
    places: list = field(default_factory=list)  # what the log says of its machine: paths and prompts (explain.origin), bounded
    mkl_at: int = 0  # the first log line that names MKL (mkl, MKL): 0 when none does
    command: tuple[str, ...] | None = None  # the command whose output this is, when explain ran it (explain -- CMD)

    @property
    def events(self) -> list:
        return list(self.counts)

    def of(self, kind: type) -> list:
        return [e for e in self.counts if isinstance(e, kind)]

    def paths(self) -> list[str]:
        """The file paths the log names, in either platform's spelling (``/home/u/...``, ``C:\\Users\\...``)."""
        return [value for kind, value in self.places if kind in ("path", "windows")]
