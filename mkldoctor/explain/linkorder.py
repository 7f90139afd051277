"""Undefined references to names MKL exports: the cause is the link line, not MKL's version.

``undefined reference to `DftiCreateDescriptor_s_1d'`` from ``libgenfft.a(cc1fft.o)``, or ``librelion_lib.so:
undefined reference to `fftw_init_threads'``, against an MKL whose release exports the name (the export table of
every release, :mod:`mkldoctor.knowledge.exports`), is not "install an MKL that has it". The link line, read left to
right, tells the cause:

* order: what calls MKL comes after MKL's libraries. ld searches each static archive once, where it stands, for the
  names undefined so far; and with ``--as-needed`` (Ubuntu's and Debian's gcc pass it by default) it keeps a shared
  library only if something before it needs it. The fix moves MKL's libraries (their group, and the system
  libraries they need) after the last caller, an edit of the line that :mod:`prove` runs where it can;
* ``--as-needed`` on the line with MKL's shared libraries before a shared library that calls them: the same
  move, or ``--no-as-needed`` around MKL, or the library linked against MKL itself;
* none of the libraries that export the name on the line (a layer, ScaLAPACK, ...): the ``-l`` to add.

With no link line in the log, or callers the line does not show, the finding says the name is in every MKL and
names the checks. MKL's own layers calling each other are :mod:`linker`'s.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, UndefinedSymbol
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.knowledge import exports
from mkldoctor.knowledge.places import older_than

_SOURCE = re.compile(r"\.(?:c|cc|cp|cpp|cxx|c\+\+|C|f|for|ftn|f77|f90|f95|f03|f08|F|FOR|F77|F90|F95|F03|F08|m|mm|s|S)$")
_TEMP_OBJECT = re.compile(r"(?:^|/)cc\w{6}\.o$")  # gcc's object of a source it compiled on the line (/tmp/ccAbCdEf.o)
_VALUE = {"-o", "-I", "-D", "-U", "-x", "-include", "-isystem", "-iquote", "-MF", "-MT", "-MQ", "-T", "-e", "-u", "-z",
          "-soname", "-h", "-m", "-rpath", "--rpath", "-R", "-dynamic-linker", "--dynamic-linker", "-plugin", "-plugin-opt",
          "--sysroot", "-arch", "-framework", "--version-script", "-Map", "-y"}
_OPENERS = {"--start-group", "-(", "-Bstatic", "-dn", "-non_shared", "-static"}
_CLOSERS = {"--end-group", "-)", "-Bdynamic", "-dy", "-call_shared"}
COMPANIONS = {"pthread", "m", "dl", "iomp5", "gomp", "tbb", "rt", "stdc++", "c", "gcc", "gcc_s"}  # what MKL itself needs


@dataclass(frozen=True)
class _Unit:
    """One argument of the line (two for ``-l X``, ``-Xlinker X``, ``-o X``), as the linker reads it."""

    start: int
    stop: int
    kind: str  # "lib" (-lX), "file", "dir" (-L), "flags" (-Wl, ld's own), "other"
    value: str  # the library name, the path, or the flags joined by ","
    flags: tuple[str, ...] = ()
    static: bool = False  # -Bstatic in effect here
    as_needed: bool = False  # --as-needed said on the line and in effect here


def _mkl(unit: _Unit) -> bool:
    if unit.kind == "lib":
        return unit.value.startswith(("mkl_", ":libmkl_"))
    return unit.kind == "file" and os.path.basename(unit.value).startswith("libmkl_")


def _layer_name(unit: _Unit) -> str:
    """``-lmkl_core``, ``-l:libmkl_core.so.2``, ``/x/libmkl_core.a`` -> ``libmkl_core``."""
    base = unit.value.lstrip(":") if unit.kind == "lib" else os.path.basename(unit.value)
    return exports.library_name(re.sub(r"\.a$", "", base))


@dataclass(frozen=True)
class Line:
    """A link line read for order: its arguments, and where MKL's libraries are with the linker's state there."""

    argv: tuple[str, ...]
    units: tuple[_Unit, ...]
    raw: bool  # ld itself (its options are on the line), not a compiler driver

    @property
    def mkl(self) -> list[_Unit]:
        return [u for u in self.units if _mkl(u)]

    def layers(self) -> list[str]:
        return list(dict.fromkeys(_layer_name(u) for u in self.mkl))

    def shown(self, start: int, stop: int) -> str:
        return " ".join(self.argv[start:stop])

    def static(self, linked_path: str | None = None) -> bool | None:
        """MKL taken as archives (True), as shared libraries (False, only where the copy found says so), unknown."""
        units = self.mkl
        if any(u.static or u.value.endswith(".a") for u in units) or "-static" in self.argv:
            return True
        if linked_path:
            return linked_path.endswith(".a")
        return False if units and all(u.kind == "file" and ".so" in u.value for u in units) else None

    def as_needed(self) -> bool:
        return any(u.as_needed for u in self.mkl)

    def occurrences(self, referenced_from: str | None) -> list[_Unit]:
        """The arguments that put ``referenced_from`` (an object, an archive, a shared library) on the line."""
        if not referenced_from:
            return []
        if _TEMP_OBJECT.search(referenced_from):  # compiled from a source of the line: where the sources are
            return [u for u in self.units if u.kind == "file" and _SOURCE.search(u.value)]
        ref = os.path.normpath(referenced_from)
        base = os.path.basename(ref)
        found = []
        for unit in self.units:
            if unit.kind == "file":
                path = os.path.normpath(unit.value)
                if path == ref or path.endswith("/" + ref) or ref.endswith("/" + path) or os.path.basename(path) == base:
                    found.append(unit)
            elif unit.kind == "lib":
                name = unit.value
                if name.startswith(":") and name[1:] == base:
                    found.append(unit)
                elif re.fullmatch(rf"lib{re.escape(name)}(?:\.a|\.so(?:\.\d+)*)", base):
                    found.append(unit)
        return found


def read(command: LinkCommand) -> Line:
    """The units of ``command``'s line with the -Bstatic and --as-needed state of each."""
    argv = command.argv
    raw = not command.driver
    units: list[_Unit] = []
    static = False
    as_needed = False
    stack: list[tuple[bool, bool]] = []
    i = 1
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        stop = i + 1
        flags: tuple[str, ...] = ()
        kind, value = "other", arg
        if arg.startswith("-Wl,"):
            flags = tuple(arg[4:].split(","))
        elif arg == "-Xlinker" and nxt is not None:
            flags, stop = (nxt,), i + 2
        elif arg in ("-l", "-L") and nxt is not None:
            kind, value, stop = ("lib" if arg == "-l" else "dir"), nxt, i + 2
        elif arg.startswith("-l") and len(arg) > 2:
            kind, value = "lib", arg[2:]
        elif arg.startswith("-L") and len(arg) > 2:
            kind, value = "dir", arg[2:]
        elif arg in _VALUE and nxt is not None:
            stop = i + 2
        elif arg == "-static" and not raw:
            static = True
        elif raw and arg.startswith("-"):
            flags = (arg,)
        elif not arg.startswith("-"):
            kind = "file"
        if flags:
            kind, value = "flags", ",".join(flags)
            libs = []
            for flag in flags:
                if flag in ("-Bstatic", "-dn", "-non_shared", "-static", "--static"):
                    static = True
                elif flag in ("-Bdynamic", "-dy", "-call_shared"):
                    static = False
                elif flag in ("--as-needed", "-as-needed"):
                    as_needed = True
                elif flag in ("--no-as-needed", "-no-as-needed"):
                    as_needed = False
                elif flag == "--push-state":
                    stack.append((static, as_needed))
                elif flag == "--pop-state" and stack:
                    static, as_needed = stack.pop()
                elif flag.startswith("-l") and len(flag) > 2:
                    libs.append(flag[2:])
            if len(libs) == 1 and len(flags) == 1:  # -Wl,-lmkl_core: a library all the same
                kind, value = "lib", libs[0]
        units.append(_Unit(i, stop, kind, value, flags, static, as_needed))
        i = stop
    return Line(tuple(argv), tuple(units), raw)


@dataclass(frozen=True)
class Placement:
    """Callers of MKL that come after MKL's libraries on the line, and the move that puts MKL after them."""

    line: Line
    callers: tuple[str, ...]  # as the linker named them: /x/libgenfft.a, lib64/librelion_lib.so
    symbols: tuple[str, ...]
    block: tuple[int, int]  # argv[start:stop]: MKL's libraries with their group and the system libraries they need
    after: int  # the argv index of the last argument of the last caller
    kind: str  # "order" or "as-needed"
    static: bool | None

    def caller_args(self) -> str:
        """The caller's last argument as the line spells it (``-lgenfft``, ``lib64/librelion_lib.so``)."""
        unit = next(u for u in self.line.units if u.stop - 1 == self.after)
        return self.line.shown(unit.start, unit.stop)

    def edit(self) -> Edit:
        start, stop = self.block
        return Edit(move=(start, stop, self.after), note=f"MKL's libraries after {self.caller_args()}")

    def reordered(self) -> str:
        """The part of the reordered line from the caller to MKL's libraries, as it will read."""
        start, stop = self.block
        unit = next(u for u in self.line.units if u.stop - 1 == self.after)
        tail = " ..." if self.after + 1 < len(self.line.argv) else ""
        return f"... {self.line.shown(unit.start, unit.stop)} {self.line.shown(start, stop)}{tail}"

    def no_as_needed(self) -> Edit:
        start, stop = self.block
        return Edit(insert=((start, ("-Wl,--no-as-needed",)), (stop, ("-Wl,--as-needed",))),
                    note="-Wl,--no-as-needed before MKL's libraries")


def _block(line: Line) -> tuple[int, int] | None:
    """argv[start:stop] of MKL's libraries, with the group and -Bstatic around them and the system libraries after."""
    units = list(line.units)
    at = [n for n, u in enumerate(units) if _mkl(u)]
    if not at:
        return None
    first, last = at[0], at[-1]
    while first > 0 and (units[first - 1].kind == "dir" or
                         (units[first - 1].kind == "flags" and set(units[first - 1].flags) <= _OPENERS | {"-L"})):
        first -= 1
    while last + 1 < len(units) and units[last + 1].kind == "flags" and set(units[last + 1].flags) <= _CLOSERS:
        last += 1
    while last + 1 < len(units) and units[last + 1].kind == "lib" and units[last + 1].value in COMPANIONS:
        last += 1
    return units[first].start, units[last].stop


def place(line: Line, by_symbol: dict[str, list[UndefinedSymbol]], linked_path: str | None = None) -> Placement | None:
    """The callers of ``by_symbol``'s names that come after every MKL library of the line, or None."""
    mkl = line.mkl
    block = _block(line)
    if not mkl or block is None:
        return None
    last_mkl = max(u.start for u in mkl)
    callers: dict[str, int] = {}
    symbols: list[str] = []
    for symbol, events in by_symbol.items():
        for event in events:
            if os.path.basename(event.referenced_from or "").startswith("libmkl_"):
                continue  # MKL's own layers: the linker family's
            later = [u for u in line.occurrences(event.referenced_from) if u.start > last_mkl and u.start >= block[1]]
            if later:
                callers[event.referenced_from] = max(callers.get(event.referenced_from, 0), max(u.stop - 1 for u in later))
                if symbol not in symbols:
                    symbols.append(symbol)
    if not callers:
        return None
    static = line.static(linked_path)
    kind = "as-needed" if line.as_needed() and static is not True else "order"
    return Placement(line, tuple(callers), tuple(symbols), block, max(callers.values()), kind, static)


# -- what the export table says ------------------------------------------------------------------------------------


def exporting(symbol: str, release: str | None, older_too: bool = False) -> tuple[str, ...]:
    """The libraries that export ``symbol`` in MKL ``release`` (the export table); with no release, or one newer than
    the table, every library that exported it when every release of the table exports it; else (). A release older
    than the table: () (the table cannot tell), or with ``older_too`` as a release of the table."""
    found = exports.history(symbol)
    if found is None:
        return ()
    names = [r.name for r in exports.releases()]
    span = found.overall
    throughout = span.first == names[0] and span.last == names[-1] and not span.gaps
    if release:
        held = exports.release(release)
        if held is not None:
            return exports.exported_in(symbol, held.name)
        if older_than(release, names[0]) and not older_too:
            return ()
    return tuple(s.library for s in found.libraries if s.library) if throughout else ()  # each library that ever did


_SHOWN_FIRST = ("libmkl_core", "libmkl_intel_lp64", "libmkl_gf_lp64", "libmkl_rt")


def table_sentence(symbols: list[str], release: str | None, libraries: tuple[str, ...], line: Line | None = None) -> str:
    names = [r.name for r in exports.releases()]
    them = more(symbols, 4)
    have = set(line.layers()) if line is not None else set()
    ranked = sorted(libraries, key=lambda lib: (lib not in have, _SHOWN_FIRST.index(lib) if lib in _SHOWN_FIRST else 9, lib))
    libs = more(ranked, 4)
    if release and exports.release(release) is not None:
        return (f"MKL {release} exports {them} ({libs}): mkldoctor's table of every release's exports; "
                "the cause is not MKL's version")
    if release and older_than(release, names[0]):
        return (f"every MKL release of mkldoctor's table of exports ({names[0]} to {names[-1]}) exports {them} ({libs}); "
                f"MKL {release} is older than the table, which cannot say whether it does")
    return (f"every MKL release of mkldoctor's table of exports ({names[0]} to {names[-1]}) exports {them} ({libs}): "
            f"MKL's version is the cause only if the MKL linked is older than {names[0]}")


def on_line(line: Line, libraries: tuple[str, ...]) -> bool:
    """Whether a library of ``libraries`` (``libmkl_core``...) is on the line; libmkl_rt stands for every one."""
    have = set(line.layers())
    return bool(have & (set(libraries) | {"libmkl_rt"}))


def layer_to_add(line: Line, libraries: tuple[str, ...]) -> str | None:
    """The -l that brings one of ``libraries`` to the line: the one matching its interface (lp64/ilp64, gf/intel)."""
    choices = [lib for lib in libraries if lib != "libmkl_rt"]
    if not choices:
        return None
    text = " ".join(line.argv)
    ilp64 = "ilp64" in text
    gf = re.search(r"mkl_gf_|gfortran", text) is not None
    openmpi = "openmpi" in text.lower()
    choices.sort(key=lambda lib: (("ilp64" in lib) != ilp64, ("_gf_" in lib) != gf and ("_intel_" in lib or "_gf_" in lib),
                                  ("openmpi" in lib) != openmpi and "blacs" in lib, lib))
    return choices[0][3:]


def mkl_part(line: Line, adds: list[str]) -> list[str]:
    """MKL's libraries of the line with ``adds`` where Intel's link line puts them: ScaLAPACK and the cluster FFT
    before the interface layer, BLACS after the core."""
    first = [a for a in adds if a.startswith(("mkl_scalapack", "mkl_cdft"))]
    last = [a for a in adds if a.startswith("mkl_blacs")]
    middle = [a for a in adds if a not in first and a not in last]
    have = [lib[3:] for lib in line.layers()]
    return [f"-l{n}" for n in first + middle + have + last]


def confirm(symbol: str) -> tuple[str, ...]:
    return (f"add -Wl,-y,{symbol} (or -Wl,--trace) to the link line: ld names the file it takes {symbol} from, and "
            "the libraries it opens, in order",)


def callers_of(by_symbol: dict[str, list[UndefinedSymbol]], symbols: list[str]) -> list[str]:
    return needed_by(symbols, {s: by_symbol[s] for s in symbols})
