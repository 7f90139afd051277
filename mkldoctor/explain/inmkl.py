"""The findings for undefined names that the MKL of the build exports (:mod:`linkorder` reads the line):

* ``mkl-link-order``: what calls MKL comes after MKL's libraries on the link line;
* ``mkl-dropped-as-needed``: the same with ``--as-needed`` on the line and MKL's shared libraries, which ld dropped;
* ``mkl-layer-missing``: the line names MKL, but none of the libraries that export the name;
* ``mkl-symbol-unresolved``: the name is in MKL and the log does not show why the link missed it (no link line, or
  callers the line does not name): the checks, never "install an MKL that has it".
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.context import Context
from mkldoctor.explain.events import LinkCommand, UndefinedSymbol
from mkldoctor.explain.linkorder import Line, Placement, callers_of, confirm, layer_to_add, mkl_part, table_sentence
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import blacs, build_scripts, exports, recipes

_WHY_ORDER = (
    "ld reads the link line once, left to right. A static archive (libmkl_core.a, or any .a) is searched where it stands, "
    "for the names undefined at that point only, and is not searched again; a shared library given with --as-needed "
    "(passed by default by Ubuntu's and Debian's gcc, Gentoo's profiles and many toolchains) is kept only if something "
    "before it needs it, and is dropped otherwise. So a library or object that calls MKL must come before MKL's "
    "libraries on the line, never after them."
)


def _few(symbols: list[str]) -> str:
    return ", ".join(symbols[:3]) + (f" and {len(symbols) - 3} more" if len(symbols) > 3 else "")


def _short(path: str) -> str:
    return os.path.basename(path) or path


def placed_finding(ctx: Context, placement: Placement, by_symbol: dict[str, list[UndefinedSymbol]],
                   mkl_evidence: list[str]) -> Finding:
    """``mkl-link-order`` or ``mkl-dropped-as-needed``: MKL's libraries come before what calls them."""
    line = placement.line
    symbols = list(placement.symbols)
    callers = [_short(c) for c in placement.callers]
    caller = placement.caller_args()
    start, stop = placement.block
    block = line.shown(start, stop)
    libs = " ".join(a for a in line.argv[start:stop] if a.startswith("-lmkl_") or "libmkl_" in a)
    evidence = callers_of(by_symbol, symbols)[:4]
    evidence += mkl_evidence
    evidence.append(f"on the link line, MKL's libraries ({libs or block}) come before {more(list(placement.callers), 3)}, "
                    f"which calls {'them' if len(callers) == 1 else 'MKL'}: {caller} is argument {placement.after} of "
                    f"{len(line.argv) - 1}, MKL's last is argument {stop - 1}")
    move = ctx.edited(f"put MKL's libraries after {caller}, the last that calls MKL: move `{block}` from where it is to "
                      f"after {caller}: {placement.reordered()}", placement.edit())
    shared = [c for c in placement.callers if ".so" in os.path.basename(c)]
    build = ("in the build files: the project's own libraries first, MKL's last (a Makefile: LIBS = <the project's -l...> "
             "$(MKL_LIBS); CMake: target_link_libraries(<target> PRIVATE <the project's libraries> <MKL>)")
    earlier = [c for c in placement.callers if any(u.start < start for u in line.occurrences(c))]
    if earlier:
        evidence.append(f"{more([_short(c) for c in earlier], 2)} is named before MKL's libraries too, but the parts "
                        "that call MKL were taken from its later place, for what comes after MKL (an archive is searched, "
                        "where it stands, for the names undefined at that point)")
    if placement.kind == "as-needed":
        first = min(u.start for u in line.mkl)
        flag = next((u for u in reversed(line.units) if u.start < first and u.kind == "flags"
                     and any(f in ("--as-needed", "-as-needed") for f in u.flags)), None)
        evidence.append(f"{flag.value if flag else '--as-needed'} comes before MKL's libraries: ld keeps a shared library "
                        "only if an object or library before it on the line needs it, and nothing before MKL's did")
        title = (f"--as-needed dropped MKL's libraries: {more(callers, 2)} {'needs' if len(callers) == 1 else 'need'} "
                 f"{_few(symbols)} but {'comes' if len(callers) == 1 else 'come'} after them on the link line")
        fix = [move,
               ctx.edited(f"or keep MKL whatever comes after it: -Wl,--no-as-needed before MKL's libraries and "
                          f"-Wl,--as-needed after them: ... -Wl,--no-as-needed {block} -Wl,--as-needed ...",
                          placement.no_as_needed())]
        if shared:
            fix.append(f"or link {more([_short(s) for s in shared], 2)} itself against MKL, so that it names MKL's libraries "
                       "as its own dependencies (CMake: target_link_libraries(<that library> PRIVATE <MKL's libraries>); "
                       f"by hand: gcc -shared ... {libs})")
        fix.append(build)
        who = (f"{more(callers, 2)} calls MKL's functions but does not name MKL as a dependency of its own, so the "
               "link line must bring MKL, after it. " if shared else f"{more(callers, 2)} calls MKL's functions. ")
        why = (who + "With --as-needed, ld keeps a shared library only if "
               "something before it on the line needs it: nothing before MKL's libraries needed them, so ld dropped them, "
               f"and the names {more(callers, 2)} needs are left undefined. The MKL of the build has every one of them: another MKL would not help.")
        return Finding("mkl-dropped-as-needed", "error", title, tuple(evidence), tuple(fix), why, confirm(symbols[0]),
                       locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"))
    kind = {True: "static archives", False: "shared libraries"}.get(placement.static, "libraries")
    title = (f"{more(callers, 2)} {'calls' if len(callers) == 1 else 'call'} MKL ({_few(symbols)}) but "
             f"{'comes' if len(callers) == 1 else 'come'} after MKL's {kind} on the link line")
    fix = [move, build]
    if placement.static is not True:
        fix.append(ctx.edited(f"or, where MKL is taken as shared libraries (libmkl_*.so) and gcc passes --as-needed: "
                              f"-Wl,--no-as-needed before them: ... -Wl,--no-as-needed {block} -Wl,--as-needed ...",
                              placement.no_as_needed()))
    return Finding("mkl-link-order", "error", title, tuple(evidence), tuple(fix),
                   _WHY_ORDER + " The MKL of the build has these names: it came too early on the line.", confirm(symbols[0]),
                   locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"))


def layer_finding(ctx: Context, line: Line, symbols: list[str], by_symbol, release: str | None,
                  exporters: dict[str, tuple[str, ...]]) -> Finding:
    """The line names MKL, but none of the libraries that export these names (the export table)."""
    adds: list[str] = []
    for symbol in symbols:
        lib = layer_to_add(line, exporters[symbol])
        if lib and lib not in adds:
            adds.append(lib)
    flags = " ".join(f"-l{lib}" for lib in adds)
    evidence = callers_of(by_symbol, symbols)[:4]
    for symbol in symbols[:3]:
        evidence.append(table_sentence([symbol], release, exporters[symbol], line))
    evidence.append(f"the link line names {', '.join(line.layers())}: none of them exports {'it' if len(symbols) == 1 else 'them'}")
    from mkldoctor.explain.edits import Edit

    # the line's shared MKL by file name (-l:libmkl_core.so.3, a wheel's versioned files): the added ones so too, first
    verbatim = [u.value for u in line.mkl if u.kind == "lib" and u.value.startswith(":libmkl_") and ".so" in u.value]
    if verbatim and adds and not any(lib.startswith(("mkl_blacs", "mkl_scalapack", "mkl_cdft")) for lib in adds):
        names = tuple(f"-l:lib{lib}.so{verbatim[0].split('.so', 1)[1]}" for lib in adds)
        flags = " ".join(names)
        fix = [ctx.edited(f"add {flags} before {line.shown(line.mkl[0].start, line.mkl[0].stop)}: MKL's part of the line then "
                          f"reads: {' '.join((*names, *(line.shown(u.start, u.stop) for u in line.mkl)))}",
                          Edit(insert=((line.mkl[0].start, names),), note=f"{flags} before MKL's first library"))]
    else:
        fix = [ctx.edited(f"add {flags or 'the library that exports them'}; MKL's part of the line then reads: "
                          f"{' '.join(mkl_part(line, adds))} (inside -Wl,--start-group ... -Wl,--end-group for archives)",
                          Edit(append=tuple(f"-l{lib}" for lib in adds)))]
    if any(lib.startswith("mkl_blacs_intelmpi") for lib in adds):
        fix.append(f"BLACS is built per MPI: {blacs.PER_MPI}")
    if all("libmkl_rt" in exporters[s] for s in symbols):
        rt = f"-l:libmkl_rt.so{verbatim[0].split('.so', 1)[1]}" if verbatim else "-lmkl_rt"
        fix.append(f"or link the single dynamic library instead, which exports all of MKL's API: {rt}")
    fix.append("mkldoctor link --format flags   # prints the whole line")
    return Finding("mkl-layer-missing", "error",
                   f"a part of MKL is missing from the link line: {flags or 'the library that exports ' + _few(symbols)}",
                   tuple(evidence), tuple(fix),
                   "Each MKL name is exported by some of MKL's libraries only: the interface layer (BLAS, LAPACK, FFTW's "
                   "wrappers), the core (DFTI), the cluster libraries (ScaLAPACK, BLACS, cluster FFT). A line without the one "
                   "that has the name leaves it undefined, whatever the release.",
                   confirm(symbols[0]), locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"))


def unresolved_finding(ctx: Context, symbols: list[str], by_symbol, command: LinkCommand | None, line: Line | None,
                       release: str | None, exporters: dict[str, tuple[str, ...]]) -> Finding:
    """The names are MKL's, and the log does not show why the link missed them: the checks that find it."""
    libraries = tuple(dict.fromkeys(lib for s in symbols for lib in exporters[s]))
    evidence = callers_of(by_symbol, symbols)[:4]
    evidence.append(table_sentence(symbols, release, libraries, line))
    if command is None and ctx.ran and not any("mkl" in a for a in ctx.ran if a.startswith(("-l", "/")) or ".so" in a or a.endswith(".a")):
        evidence.append(f"the command run ({' '.join(ctx.ran)[:160]}) names no MKL library")
    elif command is None:
        evidence.append("the log shows no link command: the order of its libraries cannot be read")
    elif line is not None:
        evidence.append(f"the link line ({command.tool}) names {', '.join(line.layers()) or 'no MKL library'}")
        mkl = [u.start for u in line.mkl]
        callers = list(dict.fromkeys(e.referenced_from for s in symbols for e in by_symbol[s] if e.referenced_from))
        for caller in callers[:3]:
            at = [u.start for u in line.occurrences(caller)]
            if at and mkl:
                evidence.append(f"{caller} comes before MKL's libraries on the line: that order is right; which MKL "
                                "file ld took, the log does not show")
            elif not at:
                evidence.append(f"{caller} is not named on the line: where ld took it from, the log does not show")
    every = release is None or exports.release(release) is None
    first = exports.releases()[0].name
    title = (f"{_few(symbols)} undefined, though {f'every MKL release from {first} exports' if every else f'MKL {release} exports'} "
             f"{'it' if len(symbols) == 1 else 'them'}: the link did not take {'it' if len(symbols) == 1 else 'them'} from MKL")
    fix = ("put MKL's libraries after every object and library that calls MKL on the link line (static archives are "
           "searched once, left to right): the project's own libraries first, MKL's last",
           "with --as-needed (the default of Ubuntu's and Debian's gcc), a shared MKL before its callers is dropped: the same "
           "order, or -Wl,--no-as-needed before MKL's libraries",
           "a shared library of the project that calls MKL: link it against MKL itself, so that it names MKL as a dependency",
           "if MKL is not on the line, or a layer is missing: mkldoctor link --format flags prints the whole line",
           "print the failing link line to see its order: make VERBOSE=1, ninja -v, cmake --build . --verbose")
    if command is None:  # nothing shows MKL on the line: whether it is there at all comes first
        fix = ("first see whether MKL is on the failing link line at all (make VERBOSE=1, ninja -v, cmake --build . "
               "--verbose): with no libmkl_* on it, the build's MKL settings did not reach this link (a makefile or finder "
               "that adds MKL only to some targets or only for some options): add MKL's libraries to it (mkldoctor link "
               "--format flags prints them; Intel's compilers add them with -qmkl, -mkl before oneAPI), or turn the "
               "project's MKL use off where it is not wanted",
               "a build configured (cmake, configure) in a shell without MKL's environment found no MKL and links none: "
               "source setvars.sh (compilervars.sh intel64 before oneAPI) so that MKLROOT is set, then configure again in an "
               "empty build folder (CMakeCache.txt keeps what the first run found)",
               *fix[:3])
    # the callers are members of a project's static archive (arpack-ng#307's libarpack.a(znaup2.o)): ld searches an archive
    # where it stands, so MKL before it on the line is one cause; MKL not on the line at all (amici#2441, openfast#60: a
    # configure without MKL's environment) stays first
    archives = list(dict.fromkeys(os.path.basename(e.referenced_from) for s in symbols for e in by_symbol[s]
                                  if e.member and e.referenced_from and e.referenced_from.endswith(".a")
                                  and not os.path.basename(e.referenced_from).startswith("libmkl_")))
    if command is None and archives:
        evidence.append(f"the callers are members of {', '.join(archives[:2])}, a static archive of the project: ld takes "
                        "an archive's members only for the names undefined where it stands, so MKL's libraries, where they "
                        "are on the line before it, have been passed when its members ask for these names")
        fix = (*fix[:2], f"MKL on the line before {archives[0]}: put {archives[0]} before MKL's libraries (MKL's group last, "
                         f"after every library that calls it), or name MKL again after {archives[0]}", *fix[2:])
    if every:  # the log does not say which release: one older than the table may lack the name
        fix = (*fix, f"an MKL older than {first}, or MKL's headers of a newer release than the libraries linked (a header "
                     "that declares the name, a library that lacks it): build and link against one MKL, the newer "
                     "(mkl_version.h's INTEL_MKL_VERSION beside the headers says theirs)")
    rust = rust_caller(symbols, by_symbol)
    if rust:
        evidence.append(rust[0])
        fix = (rust[1], *fix)
    # Intel's compiler option for MKL given to GCC: gcc takes -mkl as its own x86 option (Key Locker), and links nothing
    intel = next((a for a in (*(ctx.ran or ()), *(command.argv if command else ())) if re.fullmatch(r"-q?mkl(?:=\w+)?", a)), None)
    if intel:
        evidence.append(f"the command has {intel}, Intel's compilers' option for MKL: GCC and clang link no MKL for it (gcc "
                        "even takes -mkl, silently, as its own x86 option for Key Locker instructions)")
        fix = (f"give this compiler MKL's libraries instead of {intel}: mkldoctor link --format flags prints them (or build "
               "with Intel's compiler: icx, ifx)", *fix)
    if libraries and all(blacs.layer(lib) for lib in libraries):  # Cblacs_exit: only MKL's BLACS layers define it
        evidence.append(f"{'it is' if len(symbols) == 1 else 'they are'} BLACS's, which MKL keeps in its BLACS layers, one per "
                        "MPI: a link of MKL's BLAS and LAPACK alone (MKLConfig.cmake's MKL::MKL without MPI) has none")
        fix = (f"link MKL's BLACS layer of the program's MPI and the MPI itself: {blacs.per_mpi('-l')}, "
               "with mpicc or -lmpi; CMake: find_package(MPI) and MPI::MPI_CXX "
               "beside MKL's target, and Intel's MKLConfig.cmake told to include BLACS (ENABLE_BLACS=ON, MKL_MPI set to "
               "the MPI) (abacus' pyabacus linked MPI and OpenMP beside MKL's targets: abacus-develop#3742)", *fix)
    return Finding("mkl-symbol-unresolved", "error", title, tuple(evidence), fix,
                   _WHY_ORDER + (f" Every release from {first} has these names; an older one may not." if every else
                                 " Installing another MKL does not help: every release has these names."),
                   confirm(symbols[0]), locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"))


def rust_caller(symbols: list[str], by_symbol) -> tuple[str, str] | None:
    """(evidence, fix) where the undefined MKL names are called from Rust code: the -src crate that links MKL is linked
    only into a binary that uses it (candle's FAQ: ``extern crate intel_mkl_src;``)."""
    rust = [e for s in symbols for e in by_symbol[s] if _rust_caller(e)]
    if not rust:
        return None
    caller = rust[0].function or os.path.basename(rust[0].referenced_from or "") or "a Rust crate"
    mac = " (macOS's ld64: with a static MKL feature, intel-mkl-static or mkl-static-*, the link took none of MKL's names " \
          "where the dynamic one worked, ndarray-linalg#315: use a dynamic feature, intel-mkl-system or mkl-dynamic-*)" \
        if any(e.linker == "ld64" for e in rust) else ""
    return (f"the caller is Rust code ({caller}): a crate that declares the BLAS names (blas, cblas, lapack, candle's and "
            "ndarray's BLAS features) leaves them to a -src crate that links the library",
            "a Rust program: link the crate that brings MKL into the final binary: add `extern crate intel_mkl_src;` to its "
            "main.rs (or lib.rs; candle's FAQ), with intel-mkl-src and an mkl-* feature in that package's Cargo.toml (its "
            f"default is {build_scripts.INTEL_MKL_SRC_DEFAULT}); a -src crate only a dependency names is not linked into a "
            f"binary that never uses it; then {recipes.CARGO_CLEAN}{mac}")


def _rust_caller(event: UndefinedSymbol) -> bool:
    """The undefined name's caller is Rust code: a ``.rs`` location, a crate's ``.rlib`` or codegen unit (``rcgu.o``)."""
    where = event.referenced_from or ""
    return ((event.location or "").split(":", 1)[0].endswith(".rs") or where.endswith(".rlib") or ".rcgu." in where
            or ".rcgu." in (event.member or ""))


def linked_layer_finding(ctx: Context, symbols, by_symbol, hits, command: LinkCommand | None, linked) -> Finding:
    """Names the linked MKL exports, from a library the line does not name (or archives without a group): one library
    that exports each (its interface and kind: lp64, intel or gf), named as the line names MKL's (by path or -l); a static
    line without a threading layer gets the whole group of one folder."""
    from collections import OrderedDict

    from mkldoctor.explain.edits import Edit
    from mkldoctor.explain.linkorder import read
    from mkldoctor.explain.wording import lib_name, needed_by
    from mkldoctor.inventory.install import label
    from mkldoctor.knowledge import layout

    libs: OrderedDict[str, list[str]] = OrderedDict()
    for symbol in symbols:
        for hit in hits[symbol]:
            if hit.install is linked:
                libs.setdefault(lib_name(hit.definition.path), []).append(symbol)
    on_line = [name for name in libs if command is not None and command.requests(name)]
    evidence = needed_by(symbols, by_symbol)[:4]
    by_names: OrderedDict[tuple, list[str]] = OrderedDict()  # the libraries that define the same names, said once
    for k, v in libs.items():
        by_names.setdefault(tuple(OrderedDict.fromkeys(v)), []).append("lib" + k)
    evidence += [f"{more(list(v), 4)} defined by {more(k, 5)} in {label(linked)}" for v, k in by_names.items()]
    if on_line and command is not None and not command.groups:
        return Finding("mkl-layer-missing", "error", "MKL's static archives need each other: the link line has no --start-group",
                       tuple(evidence),
                       ("wrap the MKL archives in a group: -Wl,--start-group <interface> <threading> <core> -Wl,--end-group",
                        "mkldoctor link --format flags   # prints the full line"),
                       "libmkl_core, the threading layer and the interface layer call each other; ld reads each archive once "
                       "unless grouped.")
    line = read(command) if command is not None else None
    missing = [k for k in libs if k not in on_line]
    if line is not None:  # one exporter per name, of the line's interface (not every library that has it)
        missing = list(OrderedDict.fromkeys(chosen for s in symbols if (chosen := layer_to_add(
            line, tuple("lib" + k for k in libs if s in libs[k] and k not in on_line)))))
    paths = [p for p in (command.inputs if command is not None else ()) if os.path.basename(p).startswith("libmkl_")]
    archives = [p for p in paths if p.endswith(".a")]
    if archives and not any(layout.role(p) == "threading" for p in paths):  # a static line: three layers of one folder
        folder = os.path.dirname(archives[0])
        interface = next((m for m in missing if layout.role(m) == "interface"), "mkl_intel_lp64")
        add = ("-Wl,--start-group", *(f"{folder}/lib{m}.a" for m in (interface, "mkl_sequential", "mkl_core")), "-Wl,--end-group",
               "-lpthread", "-lm", "-ldl")
        said = (f"link the three layers of one MKL as a group (an interface, a threading layer, the core): {' '.join(add)} "
                "(libmkl_gnu_thread.a with -fopenmp, or libmkl_intel_thread.a with -liomp5, for MKL's own threads)")
        edit = Edit(append=add)
    else:
        found = [linked.find(m, "shared") for m in missing] if paths else []
        if paths and all(found) and line is not None and paths[0] in line.argv:  # by path, before the line's MKL files
            add = tuple(f.path for f in found)
            said = (f"add {' '.join(add)} before {os.path.basename(paths[0])} (MKL needs an interface, a threading and the "
                    "core library)")
            edit = Edit(insert=((line.argv.index(paths[0]), add),), note=f"{' '.join(add)} before {paths[0]}")
        else:
            add = tuple("-l" + m for m in missing)
            said, edit = f"add {' '.join(add)} (MKL needs an interface, a threading and the core library)", Edit(append=add)
    return Finding("mkl-layer-missing", "error",
                   f"a part of MKL is missing from the link line: {', '.join('-l' + m for m in missing) or 'a layer'}",
                   tuple(evidence), (ctx.edited(said, edit), "mkldoctor link --format flags   # prints the full line"),
                   "MKL is linked as three layers (interface, threading, core); each one needs the others.")
