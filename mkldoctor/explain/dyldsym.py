"""macOS's loader on a name it could not bind: ``dyld: Symbol not found: _mkl_blas_caxpy`` (with ``Referenced from:`` and
``Expected in:`` under it; Python's ``dlopen(...): Symbol not found: ...`` the same).

An MKL layer's internal name (``mkl_blas_*``, ``mkl_lapack_*``, ``mkl_serv_*``) is the sequential or threading layer's and
the core's: a library that calls them and does not have them in the process was linked without those layers, most
often because ``-dead_strip_dylibs`` (macOS's --as-needed, in conda's default LDFLAGS) dropped them: nothing the linker
saw called them (conda-forge's pytorch-cpu-feedstock strips the flag from LDFLAGS for its osx-64 build). MKL's public
name expected in a given MKL library that lacks it is a release that does not export it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import LinkCommand, Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import exports, layout

_REFERENCED = re.compile(r"Referenced from:\s+(?:<[0-9A-F-]+>\s+)?(?P<path>\S.*?)\s*$")
_EXPECTED = re.compile(r"Expected in:\s+(?:<[0-9A-F-]+>\s+)?(?P<path>\S.*?)\s*$")


@dataclass(frozen=True, slots=True)
class DyldSymbolMissing:
    symbol: str  # the C name, without the underscore macOS puts before it
    referenced: str = ""
    expected: str = ""  # a library's path, or "flat namespace"
    wants: int = field(default=3, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "DyldSymbolMissing":
        referenced = next((m["path"] for line in lines for m in [_REFERENCED.search(line)] if m), "")
        expected = next((m["path"] for line in lines for m in [_EXPECTED.search(line)] if m), "")
        return replace(self, referenced=referenced, expected=expected, wants=0)


SIGNATURES = (
    Signature("dyld-symbol-not-found", "dyldsym", "Symbol not found",
              re.compile(r"Symbol not found: (?:\(\S+\) )?_(?P<sym>[A-Za-z_$][\w$.]{0,300}?)(?:'|\s|$)"),
              lambda m, _: DyldSymbolMissing(m["sym"].rstrip("."))),
)


def _mkl_name(symbol: str) -> bool:
    return symbol.startswith(("mkl_", "MKL_")) or exports.history(symbol) is not None


_SYSTEM = ("/System/Library/", "/usr/lib/")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    shadowed = [e for e in events.of(DyldSymbolMissing) if e.referenced.startswith(_SYSTEM) and e.expected.startswith("/")
                and not e.expected.startswith(_SYSTEM)]
    if shadowed:
        return [_system_shadowed(shadowed[0])]
    said = [e for e in events.of(DyldSymbolMissing) if _mkl_name(e.symbol)]
    if not said:
        return [_not_linked(e, events) for e in events.of(DyldSymbolMissing)[:1] if e.expected == "flat namespace"]
    event = said[0]
    user = os.path.basename(event.referenced) or "a library the log does not name"
    from mkldoctor.explain.linker import internal_symbol

    internal = internal_symbol(event.symbol)
    found = exports.history(event.symbol)
    layers = sorted({s.library for s in found.libraries if s.library}) if found else []
    evidence = [f"dyld: {user} needs {event.symbol}" + (f", expected in {event.expected}" if event.expected else "")]
    if layers:
        evidence.append(f"{event.symbol} is exported by {more(layers, 4)} (mkldoctor's table of every release's exports)")
    expected = os.path.basename(event.expected)
    if expected.startswith("libmkl_") and not internal:
        span = found.overall if found else None
        evidence.append(f"{expected} is the library the name was bound to when {user} was linked; the copy loaded now lacks "
                        "it" + (f": {event.symbol} is in MKL {span.first} to {span.last}" if span else ""))
        fix = (f"load the MKL release {user} was built with (otool -L {user} names its MKL libraries; DYLD_PRINT_LIBRARIES=1 "
               "shows which copy loads), or rebuild it against the MKL installed",)
        return [Finding("macos-symbol-not-found", "error", f"macOS: {expected} has no {event.symbol}: an MKL of another release "
                        "than the one it was linked against", tuple(evidence), fix,
                        "dyld binds each name to the library recorded at link time; a copy of another release under the same "
                        "install name may lack it.", ("DYLD_PRINT_LIBRARIES=1 <the program>",))]
    evidence.append(f"{event.symbol} is one of MKL's layers' own names" if internal else f"{event.symbol} is MKL's")
    interface = layout.role(user) == "interface"  # MKL's own interface layer (intel_repack's test)
    evidence.append(f"{user} is MKL's interface layer, which leaves the threading layer's and the core's names to the flat "
                    "namespace: they are found only where the program itself loaded MKL's threading layer and core" if interface
                    else f"{user} calls it but the layer that defines it was not loaded: its link did not record MKL's "
                    "sequential or threading layer and core (otool -L shows which MKL libraries it names), the most "
                    "common reason being -dead_strip_dylibs (macOS's --as-needed, in conda's default LDFLAGS), which drops "
                    "a library nothing linked before it called")
    first = ((f"link the program with MKL's threading layer and core after the interface layer (-l{layout.get(user).name} "
              "-lmkl_sequential -lmkl_core, without -dead_strip_dylibs), or link it -Wl,-flat_namespace (Anaconda's mkl-devel "
              "test, intel_repack-feedstock), or -lmkl_rt alone",) if interface else ())
    return [Finding(
        "macos-symbol-not-found", "error", f"macOS: {event.symbol} is not in the process: the MKL layers that define it were "
        + ("not loaded with MKL's interface layer: the program did not link them" if interface else f"not linked into {user}"
           if event.referenced else "not linked into the library that calls it"), tuple(evidence),
        (*first, "link it again without -dead_strip_dylibs: LDFLAGS=\"${LDFLAGS//-Wl,-dead_strip_dylibs/}\" (conda-forge's "
         "pytorch-cpu-feedstock build does so), or with MKL's layers named after the objects that call them",
         "or link the single library instead: -lmkl_rt, which brings every layer itself",
         f"check: otool -L {event.referenced or '<the library>'} | grep mkl   # the MKL libraries it records"),
        "macOS's linker records only the libraries the link needed when -dead_strip_dylibs is given; MKL's interface layer "
        "calls the threading layer and core without naming them, so a link that dropped them leaves the names unbound "
        "until the first call.",
        ("DYLD_PRINT_LIBRARIES=1 <the program>   # which MKL libraries load",),
    )]


def _not_linked(event: DyldSymbolMissing, events: Parsed) -> Finding:
    """A name that is not MKL's, looked up in the flat namespace: the library was linked with ``-undefined dynamic_lookup``
    (R's and Python's extensions on macOS), which checks nothing, and without the library that defines the name (rjags.so's
    _JAGS_NA: a ~/.R/Makevars whose PKG_LIBS, set for MKL, replaced the package's -ljags; r-sig-mac, 2010-10)."""
    user = os.path.basename(event.referenced) or "the library"
    evidence = [f"dyld: {user} needs {event.symbol}, looked up in the flat namespace: no library it was linked against was "
                "recorded for it", f"{event.symbol} is not MKL's: MKL's libraries on its link line cannot be the cause"]
    line = next((c for c in events.of(LinkCommand) if c.output and os.path.basename(c.output) == user), None)
    if line is not None:
        evidence.append(f"its link line in the log names {more(['-l' + lib.name for lib in line.libs], 8) or 'no library'}: "
                        f"none is the library of {event.symbol}")
    return Finding(
        "macos-symbol-not-found", "error", f"macOS: {user} needs {event.symbol}, which is not MKL's, and was linked without "
        "the library that defines it", tuple(evidence),
        (f"link {user} with the library that defines {event.symbol} (-l<name>, its -L folder): a package's own link flags "
         "(R: PKG_LIBS in its src/Makevars) are replaced by a user's ~/.R/Makevars that sets PKG_LIBS or LDFLAGS for MKL; "
         "add the package's libraries there, or set MKL's flags in BLAS_LIBS/LAPACK_LIBS instead",
         f"check: nm -gU <the library you add> | grep {event.symbol}   # defines it (T or D)"),
        "-undefined dynamic_lookup (R's and Python's extension link on macOS) lets a library link with names nothing defines; "
        "dyld looks them up when the library loads, in every library loaded so far, and stops at the first it finds nowhere.",
        (f"otool -L {event.referenced or '<the library>'}   # the libraries it was linked against",),
    )


def _system_shadowed(event: DyldSymbolMissing) -> Finding:
    """A library of macOS's own (Accelerate's libLinearAlgebra) bound to a same-named library in another folder (NNPOps PR
    #63: DYLD_LIBRARY_PATH set to a conda environment's lib, whose libBLAS.dylib is its BLAS switch, MKL or OpenBLAS)."""
    name = os.path.basename(event.expected)
    folder = os.path.dirname(event.expected)
    return Finding(
        "dyld-system-library-shadowed", "error",
        f"macOS: the system's {os.path.basename(event.referenced)} took {name} from {folder}, not its own: "
        f"{event.symbol} is not there", (
            f"dyld: {event.referenced} needs {event.symbol}, expected in {event.expected}",
            f"{os.path.basename(event.referenced)} is macOS's own and links the system's {name}; dyld searches the folders of "
            f"DYLD_LIBRARY_PATH before an install name's own folder, so a file of the same name there, by macOS's default "
            f"case-insensitive file system ({folder}: a conda environment's lib, whose libblas.dylib is its BLAS switch to "
            "MKL or OpenBLAS), replaces the system's for every library of the process"),
        (f"unset DYLD_LIBRARY_PATH (or take {folder} out of it), and give the program that needed it its library another "
         "way: its rpath (install_name_tool -add_rpath <folder> <the program>), or DYLD_FALLBACK_LIBRARY_PATH, which dyld "
         "searches only after the system's folders",),
        "DYLD_LIBRARY_PATH puts its folders before every library's own path, the system's included.",
        ("echo $DYLD_LIBRARY_PATH; DYLD_PRINT_LIBRARIES=1 <the program> 2>&1 | grep -i blas   # which libBLAS loads",),
    )
