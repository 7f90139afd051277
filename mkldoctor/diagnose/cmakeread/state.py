"""What a CMake run holds while it reads a project: variables in their scopes, the cache, targets, and what it
recorded on the way (messages, searches, packages, what it could not model)."""

from __future__ import annotations

from dataclasses import dataclass, field

FALSE_WORDS = {"0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", ""}
TRUE_WORDS = {"1", "ON", "YES", "TRUE", "Y"}


def is_false_constant(value: str) -> bool:
    upper = value.upper()
    return upper in FALSE_WORDS or upper.endswith("-NOTFOUND")


def truthy(value: str) -> bool:
    """A value as ``if(${X})`` reads it once expanded: CMake's false constants (and -NOTFOUND) are false, a number
    is its value, anything else true."""
    if is_false_constant(value):
        return False
    number = as_number(value)
    return number != 0 if number is not None else True


def as_number(value: str) -> float | None:
    try:
        return float(value) if value.strip() == value and value else None
    except ValueError:
        return None


class Stop(Exception):
    """The configure step stops here (``message(FATAL_ERROR)``, a REQUIRED package not found, a CMake error)."""

    def __init__(self, message: str, path: str = "", line: int = 0, kind: str = "CMake Error") -> None:
        super().__init__(message)
        self.message, self.path, self.line, self.kind = message, path, line, kind


class Unmodelled(Exception):
    """The run met something whose outcome it cannot tell without doing it (it stops there and says so)."""

    def __init__(self, what: str, path: str = "", line: int = 0) -> None:
        super().__init__(what)
        self.what, self.path, self.line = what, path, line


class Return(Exception):
    pass


class Break(Exception):
    pass


class Continue(Exception):
    pass


class Scope:
    """Normal variables of one function or directory scope; ``parent`` is where PARENT_SCOPE writes."""

    def __init__(self, variables: dict[str, str], parent: Scope | None = None) -> None:
        self.vars = variables
        self.parent = parent


@dataclass
class CacheEntry:
    value: str
    type: str = "UNINITIALIZED"
    doc: str = ""
    given: bool = False  # from the command line (-D, a preset): set(CACHE) without FORCE keeps it


@dataclass
class Target:
    name: str
    kind: str  # EXECUTABLE, STATIC_LIBRARY, SHARED_LIBRARY, MODULE_LIBRARY, INTERFACE_LIBRARY, UNKNOWN_LIBRARY, ...
    imported: bool = False
    alias_of: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Message:
    mode: str  # FATAL_ERROR, SEND_ERROR, WARNING, STATUS, ...
    text: str
    path: str
    line: int


@dataclass(frozen=True)
class Search:
    """One ``find_library``/``find_path``/``find_file``/``find_program``: what it looked for and what it took."""

    command: str
    variable: str
    names: tuple[str, ...]
    found: str | None
    path: str
    line: int
    cached: bool = False  # the cache already held a result: no search


@dataclass(frozen=True)
class PackageLookup:
    """One ``find_package``: how it was read and what it said."""

    name: str
    mode: str  # "module" (a Find<Name>.cmake, whose), "config", "native" (a model of CMake's own module)
    file: str | None  # the file read
    required: bool
    quiet: bool
    found: bool
    path: str
    line: int
    reason: str = ""


@dataclass(frozen=True)
class LinkTest:
    """A configure-time link test (``check_function_exists`` and the like), as modelled."""

    function: str
    variable: str
    libraries: tuple[str, ...]
    passed: bool
    why: str
    path: str
    line: int


@dataclass(frozen=True)
class Note:
    """What the run met and does not model, with where."""

    what: str
    path: str
    line: int


@dataclass
class Record:
    messages: list[Message] = field(default_factory=list)
    searches: list[Search] = field(default_factory=list)
    packages: list[PackageLookup] = field(default_factory=list)
    tests: list[LinkTest] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    options: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # option -> (default, path, line)
    errors: list[Stop] = field(default_factory=list)  # SEND_ERROR and the like: the run goes on, configure fails
