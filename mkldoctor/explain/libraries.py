"""``-l`` libraries and files the linker could not find (``cannot find -lmkl_core``, rustc's ``could not find
native static library``): the linker's search replayed, and why it failed (static archives not
installed, a folder not searched, Intel's OpenMP runtime absent, no copy at all)."""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import replace

from mkldoctor.discover.soname import SearchResult
from mkldoctor.explain.cargo import BuildScriptFailed, CrateEcho, verbatim_link
from mkldoctor.explain.edits import Edit
from mkldoctor.explain.events import LinkCommand, MissingLibrary, Parsed, UndefinedSymbol
from mkldoctor.explain.archskip import SkippedIncompatible, skipped_advice
from mkldoctor.explain.linksearch import search_library
from mkldoctor.explain import othernames
from mkldoctor.explain.wording import lib_name, more, q
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.knowledge import build_scripts, exports, facts, folders, layout
from mkldoctor.knowledge.history import version_key
from mkldoctor.knowledge.recipes import CARGO_CLEAN_EXPLAINED
from mkldoctor.explain.context import Context


def _command_for(ctx: Context, name: str, path: str | None) -> LinkCommand | None:
    for command in reversed(ctx.commands):
        if path and path in command.inputs:
            return command
        if command.requests(name) or command.requests(":" + name):
            return command
    return ctx.commands[-1] if ctx.commands else None


def missing_libraries(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain import libc

    missing = events.of(MissingLibrary)
    system = libc.of(missing)
    if system:  # the C library's files: their own finding, never "install MKL"
        missing = [e for e in missing if e not in system]
    first = [libc.finding(system, events)] if system else []
    # an MKL library by a relative file name ("cannot find mkl_blas95_lp64.a": no folder, and often no lib; a Makefile's
    # "KLROOT/lib/intel64/libmkl_core.a", its $MKLROOT read as $M)
    from mkldoctor.explain.platforms import DriverPathMissing, path_missing
    # (not one ld searched the -L folders for and skipped as incompatible: a name in a linker script's GROUP, MKL 10's)
    skipped = {e.name for e in events.of(SkippedIncompatible)}
    bare = [e for e in missing if e.path and not e.path.startswith("/") and "mkl" in e.path.lower() and lib_name(e.path) not in skipped]
    first += [path_missing(DriverPathMissing("ld", e.path, f"ld: cannot find {e.path}: No such file or directory")) for e in bare[:1]]
    missing = [e for e in missing if e not in bare]
    from mkldoctor.explain import mingwcross  # a MinGW linker on a Unix host: a Windows link, whatever this host has
    cross = [e for e in missing if mingwcross.is_cross(e.linker) and not e.path]
    if cross:
        names = list(dict.fromkeys(e.name for e in cross))
        first.append(mingwcross.finding(ctx, names, cross[0].linker, cross))
        missing = [e for e in missing if e not in cross]
    seen: set[str] = set()
    commands: dict[int, LinkCommand | None] = {}  # each group's command (its -L folders as the log shows them)
    groups: OrderedDict[tuple, list[tuple[MissingLibrary, SearchResult | None, str]]] = OrderedDict()
    for event in missing:
        key_name = event.path or event.name
        if key_name in seen:
            continue
        seen.add(key_name)
        command = _command_for(ctx, event.name, event.path)
        if event.path:
            cause = "path-missing"
            result = None
            name = lib_name(event.path)
            static = event.path.endswith(".a")
        elif event.linker == "rustc":  # `cargo:rustc-link-lib=static=NAME` that rustc itself could not find
            name, static, command = event.name, True, None
            result = None
            cause = _library_cause(ctx, name, static)
        else:
            name = event.name
            request = (command.requests(name) if command else []) or [None]
            static = bool(request[0].static) if request[0] else False
            if not ctx.local:
                result = None  # another machine's search: explained from the log (elsewherelink.library)
            elif command is not None:
                result = ctx.search(command, name)
            else:
                result = search_library(name, [], static, verbatim=name.startswith(":"))
                result.preface.append("the link command line is not in the log: only the default folders were searched")
            cause = _library_cause(ctx, name, static)
        groups.setdefault((cause, id(command), static), []).append((event, result, name))
        commands.setdefault(id(command), command)
    out = []
    for (cause, key, static), items in groups.items():
        command = commands[key]
        if not ctx.local and all(event.linker != "rustc" and not event.path for event, _, _ in items):
            from mkldoctor.explain import elsewherelink  # another machine's search: what the log shows

            names = [name for _, _, name in items]
            skipped = [e for e in events.of(SkippedIncompatible) if e.name in names]
            cargo = cargo_download(ctx, items, _crates(events))
            found = replace(elsewherelink.library(ctx, names, command, static, skipped, cargo, ctx.platform),
                            locations=ctx.located([e for e, _, _ in items], "cannot find"))
            found = _static_rt(found, ctx) if static and _only_rt(names) and not skipped else found
            out.append(replace(found, id="library-incompatible") if skipped else _cluster(found, names, command, ctx))
            continue
        finding = _library_finding(ctx, cause, static, items, _crates(events), command.lib_dirs if command is not None else ())
        skipped = [e for e in events.of(SkippedIncompatible) if e.name in {name for _, _, name in items}]
        if skipped:  # the search found a file ld cannot use: that, not a missing copy, is the cause
            said, changes = skipped_advice(skipped)
            finding = replace(finding, id="library-incompatible",
                              title=f"cannot find {more(['-l' + n for _, _, n in items], 4)}: ld skipped a library of "
                              "another architecture", fix=tuple(changes),
                              evidence=tuple(said) + tuple(e for e in finding.evidence if not e.startswith("the link line names")),
                              explanation="ld looks at each -L folder in turn and skips a library built for another "
                              "architecture (a 32-bit file in a 64-bit link); with no usable one left, -lNAME is not found.",
                              recipes=())
        out.append(_cluster(finding, [name for _, _, name in items], command, ctx) if not skipped else finding)
    lost = lost_names(events)  # gold goes on past the library it cannot find, and lists the names it would have defined
    mine = next((i for i, f in enumerate(out) if f.id in ("library-not-found", "library-incompatible")), None)
    if lost and mine is not None:
        out[mine] = replace(out[mine], evidence=(*out[mine].evidence, f"then {more(lost, 3)} undefined: the names that "
                                                 "library would have defined (the linker went on without it): the "
                                                 "consequence of this failure"))
    return first + out


def _only_rt(names: list[str]) -> bool:
    return all(name.lstrip(":").split(".")[0] in ("mkl_rt", "libmkl_rt") for name in names)


def _static_rt(finding: Finding, ctx: Context) -> Finding:
    """``cannot find -lmkl_rt`` in a static link (-static, -Wl,-Bstatic): no MKL has libmkl_rt.a, on any machine."""
    fix = ["link MKL's static archives in its place, as a group: -Wl,--start-group -lmkl_intel_lp64 -lmkl_sequential "
           "-lmkl_core -Wl,--end-group -lpthread -lm -ldl (with MKL's folder, -L<MKL lib folder>; mkldoctor link "
           "--link static --format flags prints it)"]
    if not any(i.static for i in ctx.installs):
        fix.append(f"where MKL's archives are not installed: {ctx.recipe_ref('static')}")
    fix.append("or link libmkl_rt shared: drop -static, or put -Wl,-Bdynamic before -lmkl_rt")
    return replace(finding, title=f"{finding.title.split(':', 1)[0]}: MKL has no static libmkl_rt (the single dynamic library "
                   "is shared only), and the link asks for archives", fix=tuple(fix), recipes=(),
                   explanation="-static (or -Wl,-Bstatic before it) makes ld look for libmkl_rt.a, which no MKL ships: "
                   "libmkl_rt picks MKL's layers at run time. MKL's static link is its three archives (an interface, a "
                   "threading layer, the core).")


def lost_names(events: Parsed) -> list[str]:
    """The names left undefined by a link that could not find MKL's library (``-lmkl_rt``: MKL's names) or Intel's OpenMP
    runtime (``-liomp5``: OpenMP's): gold goes on past ``cannot find`` and lists them; they are that failure's, not their own."""
    lost = [lib_name(e.path) if e.path else e.name.lstrip(":") for e in events.of(MissingLibrary)]
    mkl = any(n.startswith(("mkl", "libmkl")) for n in lost)
    omp = any(n.startswith(("iomp5", "libiomp5")) for n in lost)
    return list(dict.fromkeys(
        e.symbol for e in events.of(UndefinedSymbol) if e.linker == "gold"  # ld.bfd, lld and mold stop at it
        and ((mkl and (facts.looks_like_mkl(e.symbol) or exports.history(e.symbol) is not None))
             or (omp and facts.is_openmp_symbol(e.symbol)))))


def _cluster(finding: Finding, names: list[str], command: LinkCommand | None = None, ctx: Context | None = None) -> Finding:
    """MKL's cluster libraries asked for by a link that is no MPI build: where they come from, not where they are (or,
    when the line's other MKL libraries were found, a copy of MKL without them); a name that is no MKL library at all
    (-lmkl): the names there are."""
    from mkldoctor.explain import ia32
    from mkldoctor.explain.cluster import advice

    named = othernames.named(finding, names)
    if named is not None:  # a CMake value, a name no MKL has, MKL-ML, a Fortran 95 or FFTW wrapper archive, another BLAS
        return named
    said = advice(names)
    if said is None and (said := ia32.advice(names)) is not None:  # the 32-bit layer: no 64-bit or new MKL has it, found or not
        swap = tuple((n, ("-lmkl_intel_lp64",)) for n in names if n == "mkl_intel")  # an edit the prover can run
        fix = [ctx.edited(said[2][0], Edit(libs=swap)) if ctx is not None and swap else said[2][0], *said[2][1:]]
        return replace(finding, title=finding.title.split(":", 1)[0] + ": " + said[0], evidence=finding.evidence[:1] + tuple(said[1]),
                       fix=tuple(fix), explanation=said[3], recipes=())
    if said is None:
        return finding
    title = finding.title.split(":", 1)[0] + ": " + said[0]
    found = [r.name for r in (command.libs if command else ()) if r.name not in names and layout.get(r.name) is not None]
    if found:  # ld names every -l it cannot find: the line's other MKL libraries are where it looked
        where = ", ".join(command.lib_dirs) if command.lib_dirs else "the default folders"
        missing = " ".join("lib" + n + ".*" for n in names)
        return replace(finding, title=finding.title.split(":", 1)[0] + ": the MKL the link found has no " + more(names, 3),
                       evidence=finding.evidence[:1] + (
                           f"ld found the line's other MKL libraries ({more(['-l' + n for n in found], 4)}) and reported "
                           f"only {more(['-l' + n for n in names], 3)}: the copy of MKL in its folders ({where}) lacks it",
                           said[1][0]), recipes=(), explanation=said[3],
                       fix=(f"put {missing} from the same MKL beside the others ({where}): a packaging or copy step that "
                            "lists MKL's libraries by name (a build recipe, a Dockerfile, a wheel's bundle) left it out, "
                            "or the install lacks MKL's cluster components",
                            f"or, if the program makes no MPI calls through MKL, drop {' '.join('-l' + n for n in names)} "
                            "from the link") + tuple(said[2][:1]))
    return replace(finding, title=title, evidence=finding.evidence[:1] + tuple(said[1]), explanation=said[3], recipes=(),
                   fix=tuple(said[2]) + tuple("if the build does want them: " + line for line in finding.fix[:1]))


def cargo_download(ctx: Context, items, crates: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(evidence, fix) for an MKL layer a cargo build could not find: intel-mkl-src's download holds one configuration's
    layers. Empty where the log is not a cargo build's (rust-lld, or intel-mkl-src named)."""
    if not (ctx.cargo or "intel-mkl-src" in crates or any(event.linker == "rust-lld" for event, _, _ in items)):
        return [], []
    return (["a cargo build (rust-lld, or intel-mkl-src named): " + build_scripts.DOWNLOAD_HOLDS],
            ["with cargo: link the layers of the configuration intel-mkl-src fetched (or pick the intel-mkl-src feature "
             "whose layers the crate links), or give intel-mkl-src a full MKL: export MKLROOT=<MKL prefix>; "
             + CARGO_CLEAN_EXPLAINED])


def _crates(events: Parsed) -> tuple[str, ...]:
    """The crates a cargo log names as built (the one whose build failed, the one that did not compile)."""
    return tuple(dict.fromkeys([e.crate for e in events.of(CrateEcho)] + [e.crate for e in events.of(BuildScriptFailed)]))


def _library_holders(ctx: Context, name: str, static: bool) -> list[MklInstall]:
    """The copies that hold what ``-lNAME`` (or ``-l:FILE``, or a path's file) asks for."""
    base = name.lstrip(":")
    if name.startswith(":") or base.startswith("lib"):  # a file name: that very file
        return [i for i in ctx.installs if any(os.path.basename(lib.path) == base for lib in i.libraries)
                or any(os.path.exists(os.path.join(d, base)) for d in i.lib_dirs)]
    return [i for i in ctx.installs if i.has(base, "static" if static else None)]


def _library_cause(ctx: Context, name: str, static: bool) -> str:
    base = name.lstrip(":")
    holders = _library_holders(ctx, name, static)
    if static and not holders and any(i.has(lib_name(base), "shared") for i in ctx.installs):
        return "static-missing"
    if holders:
        return "not-on-path"
    found = layout.get(base)
    if found is not None and found.role == "openmp" and found.name == "iomp5":  # libiomp5, or Windows' libiomp5md
        return "openmp-missing"
    if layout.is_tbb_runtime(base):
        return "tbb-missing"
    return "absent"


def _searches(ctx: Context, items) -> list[str]:
    """The linker's search for each library, replayed, and which copies here hold it (static, shared)."""
    evidence: list[str] = []
    for event, result, name in items:
        if result is not None:
            evidence.append(f"the linker's search for {result.request}:")
            evidence += ["  " + line for line in result.lines()]
        elif event.linker == "rustc":
            evidence.append(f"rustc looked for {name if name.startswith('lib') else 'lib' + name}.a only in the folders that build scripts name with "
                            "cargo:rustc-link-search (cargo build -vv shows them), and found none")
        else:
            evidence.append(f"the link line names {event.path}, and there is no such file")
    for _event, _, name in items:
        base = name.lstrip(":")
        for install in ctx.installs:
            kinds = sorted({lib.kind for lib in install.libraries if lib.name == base})
            if kinds:
                evidence.append(f"lib{base} in {label(install)}: {', '.join(kinds)}")
    return evidence


def _library_finding(ctx: Context, cause: str, static: bool, items, crates: tuple[str, ...] = (),
                     link_dirs: tuple[str, ...] = ()) -> Finding:
    names = [("-l" + name if not event.path else event.path) for event, _, name in items]
    evidence = _searches(ctx, items)
    fix: list[str] = []
    title = f"cannot find {more(names, 4)}"
    why = ""
    # the archive's shared library beside where it is named (Debian's mkl-static-*.pc, its libmkl-dev installed): not installed
    beside = static and all(os.path.exists(event.path[:-2] + ".so") for event, _, _ in items if event.path)
    if cause == "path-missing" and not beside:  # a path a build wrote down (a Makefile's, cgo's) for one machine and one layout
        title += ": no file at the path the link names"
        evidence += list(dict.fromkeys(line for event, _, _ in items for line in [folders.path_layout(event.path or "")] if line))[:2]
        why = ("The link names MKL's files by their path, which the build wrote down for one machine and one layout; on the "
               "machine that linked there is no file there: MKL is in another folder (another layout, another release, "
               "another platform), or its " + ("static archives are" if static else "libraries are") + " not installed.")
        fix.append("find where they are on the machine that links: find / -name 'libmkl_core.*' 2>/dev/null (macOS: "
                   "/opt/intel/mkl/lib, no intel64 folder; oneAPI 2024 and newer: /opt/intel/oneapi/mkl/<ver>/lib), and give "
                   "the build that folder: its MKL folder variable (MKLROOT), or its flags per platform (cgo's #cgo linux and "
                   "#cgo darwin lines, a Makefile's per-system variables)")
        here = [f"{os.path.join(lib_dir, os.path.basename(event.path))} ({label(i)})" for event, _, _ in items
                for i in _library_holders(ctx, os.path.basename(event.path), static) for lib_dir in i.lib_dirs
                if os.path.exists(os.path.join(lib_dir, os.path.basename(event.path)))]
        fix[:0] = [f"on this machine it is at {more(list(dict.fromkeys(here)), 2)}: link that path"] if here else []
        fix.append(f"if there are none: install them: {ctx.recipe_ref('static' if static else 'shared')}")
    elif cause == "static-missing" and _only_rt([name for _, _, name in items]):
        return _static_rt(Finding("library-not-found", "error", title, tuple(evidence), (), "",
                                  locations=ctx.located([event for event, _, _ in items], f"cannot find {more(names, 4)}")), ctx)
    elif cause in ("static-missing", "path-missing") and static:
        title += ": MKL's static archives are not installed"
        why = ("The link asks for static archives (-Bstatic, or .a files by path), but the MKL copies here have only shared "
               "libraries. Distributions split them: Debian's libmkl-dev holds the .so files and the mkl-static-*.pc files, "
               "while the .a files are in libmkl-full-dev (libmkl-interface-dev, libmkl-threading-dev, libmkl-computational-dev); "
               "Intel's intel-oneapi-mkl has only .so files, intel-oneapi-mkl-devel has the archives.")
        fix.append(f"install the static archives: {ctx.recipe_ref('static')}")
        fix.append("or link dynamically: mkldoctor link --link dynamic")
    elif cause == "not-on-path" and any(result is not None and result.found for _, result, _ in items):
        found = next(result.found for _, result, _ in items if result is not None and result.found)
        title += f": replayed here, the same search finds {found}"
        why = ("On this machine the linker's search succeeds: the failing link ran elsewhere (another machine, a container, "
               "a sandboxed build) or with other folders, or the file was added since.")
        fix.append("run the link again here; if it fails again, explain that run's whole output (make VERBOSE=1, cargo build -v)")
    elif cause == "not-on-path":
        holders = [i for _, _, name in items for i in _library_holders(ctx, name, static)]
        best = sorted(holders, key=lambda i: version_key(i.version), reverse=True)[0]
        kind = "static" if static else None
        unversioned = all(best.find(name.lstrip(":"), kind) and (static or best.find(name.lstrip(":"), "shared").soname_suffix in ("", ".so")) for _, _, name in items)
        on_line = {os.path.normpath(d) for c in ctx.commands for d in c.lib_dirs}
        searched = not static and not unversioned and os.path.normpath(best.lib_dirs[0]) in on_line
        title += f": {label(best)} is searched, and has versioned files only" if searched else f": it is in {label(best)}, which is not searched"
        why = "The folder is searched." if searched else "The library exists on this machine, but not in any folder that the linker searched."
        fix.append(ctx.edited(f"add its folder: -L{q(best.lib_dirs[0])}", Edit(append=(f"-L{best.lib_dirs[0]}",))))
        if not static and not unversioned:
            why += (" Its shared libraries have only versioned names (libmkl_core.so.3) and no development links, "
                    "which -lNAME never finds: name the files by path, as oneMKL's mkl-*.pc files do.")
            fix.append("name the shared libraries by path: mkldoctor link --link dynamic --install " + q(best.root))
        if ctx.cargo:  # a build script's own -l: rustc 1.67+ takes a file name verbatim (produced with cargo and the wheel)
            own = not (crates and "intel-mkl-src" in crates) and not unversioned and not static  # the project's own build.rs
            fix[:0] = [verbatim_link(best.find(items[0][2].lstrip(":"), "shared").path)] if own else []
            fix += [] if own else [f"with cargo: export MKLROOT={q(best.root)}; {CARGO_CLEAN_EXPLAINED}"]
    elif cause == "openmp-missing":
        title += ": Intel's OpenMP runtime (libiomp5) is not installed"
        why = "mkl_intel_thread needs libiomp5, and no copy of it is here (Debian's MKL packages do not ship it)."
        fix.append(f"install Intel's OpenMP runtime: {ctx.recipe_ref('openmp')}")
        if any(name.lstrip(":").lower().endswith("md") for _, _, name in items):
            why += (" libiomp5md is its Windows name (libiomp5md.lib, libiomp5md.dll): it comes with Intel's compiler runtime "
                    "(the oneAPI Base Toolkit, compiler\\<ver>\\lib), not with MKL's own package, and must be installed beside MKL.")
            fix.append("on Windows: install the oneAPI Base Toolkit (MKL and the compiler's OpenMP runtime), then open a shell where "
                       f'"{folders.ONEAPI_SETVARS_BAT}" has run')
        if crates and "intel-mkl-src" in crates:
            fix.append("intel-mkl-src (named in this log) links Intel's OpenMP runtime for its *-iomp features: it looks for MKL "
                       "and libiomp5 through pkg-config, MKLROOT and the default install folders; install both there, or use "
                       "a -seq feature (mkl-static-lp64-seq), which needs no OpenMP runtime")
        fix.append("or do without it: mkldoctor link --threading sequential (or gnu)")
    elif cause == "tbb-missing":
        from mkldoctor.explain.elsewherelink import TBB_INSTALL, runtime_folders

        title += ": oneTBB, which MKL's TBB threading layer runs on, is not in any MKL copy here"
        said, changes = runtime_folders([name.lstrip(":") for _, _, name in items])
        evidence += said
        why = ("libmkl_tbb_thread runs MKL's threads on oneTBB, a library of its own: it is installed beside MKL only by some "
               "packages, and kept in TBB's own folder, which the link must name.")
        fix += changes + [f"if it is not installed: {TBB_INSTALL}"]
    elif all(name.lstrip(":").startswith(("mkl", "libmkl")) for _, _, name in items):
        title += ": no copy of it anywhere searched"
        mismatched = [line for line in map(folders.lib_dir_mismatch, link_dirs) if line]
        evidence += mismatched
        if mismatched:
            fix.append("correct the -L folder: " + mismatched[0])
        fix.append("where MKL is installed on the machine that links: give the linker its folder, -L<that folder> (a package's "
                   "CMake config or a build variable that carries library names without their folder leaves it out)")
        fix.append(f"where it is not: install MKL's development files: {ctx.recipe_ref('static' if static else 'shared')}")
        said, change = cargo_download(ctx, items, crates)
        evidence += said
        fix += change
        if static and any(event.linker == "rustc" for event, _, _ in items) and not change:
            evidence.append("a crate's build script asked rustc for MKL's static archives and named no folder that holds them: "
                            "intel-mkl-src's finder (intel-mkl-tool) names a folder only when it holds the configuration's whole "
                            "set, and before PR #63 (2022) an -iomp feature's set looked for libiomp5.a in MKL's own folder, "
                            "while Intel's compilers install it in theirs (intel-mkl-src#59)")
            fix.append("intel-mkl-src with an -iomp feature: take a release with intel-mkl-tool's PR #63, or put libiomp5.a "
                       "beside MKL's archives (ln -s <compiler lib folder>/libiomp5.a <MKL lib folder>/), or use a -seq feature "
                       "(mkl-static-lp64-seq), which needs no OpenMP runtime")
    else:
        title += ": no copy of it anywhere searched (not an MKL library)"
        fix.append("install the package that provides it (apt-file search, dpkg -S), or add its folder with -L")
    confirm = ("add -Wl,--verbose to the link line: ld prints every file it tries (attempt to open ... failed/succeeded)",)
    return Finding("library-not-found", "error", title, tuple(evidence), tuple(fix), why, confirm,
                   locations=ctx.located([event for event, _, _ in items], f"cannot find {more(names, 4)}"))
