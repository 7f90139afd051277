"""Undefined symbols the core readers of :mod:`logparse` found, grouped by cause: an OpenMP runtime not
linked, GCC's libgomp not linked, an MKL without the symbol (the release that has it, the copy that
does), a layer of MKL missing from the line, no MKL on the line at all, or a name no MKL defines.
The C library's parts and MKL's own internals are the linker family's (:func:`linker.claims`)."""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import replace

from mkldoctor.explain.events import LinkCommand, NeededNotFound, Parsed, UndefinedSymbol
from mkldoctor.explain import cxxlinkage, inmkl, intelrt, iompmissing, libc, linkorder, mpilink, msvcnames, onedalfpk, otherblas, syclnames
from mkldoctor.explain import blasnames, cxxruntime, ownnames, tbbabi, tpetrafloat
from mkldoctor.explain.linker import DsoMissing, claims, mkl_dso
from mkldoctor.explain.wording import lib_name, more, needed_by, q
from mkldoctor.findings import Finding
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import facts as knowledge
from mkldoctor.knowledge import exports, layout, recipes
from mkldoctor.knowledge.recipes import CARGO_CLEAN_EXPLAINED, INTEL_MKL_SRC_DOWNLOAD, q
from mkldoctor.verdicts import missing_symbol
from mkldoctor.explain.context import Context, release_on_line
from mkldoctor.explain.edits import Edit


def _take(groups: dict, names: list[str]) -> list[str]:
    """``names``, taken out of the group of names no other group claimed: each family that explains some of them says them."""
    if names:
        groups["other"] = [s for s in groups["other"] if s not in names]
    return names


def undefined(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain import blacsload, linkkind  # a name only one kind of MKL library defines (i_malloc): its own family
    from mkldoctor.explain.binformat import WrongFormat

    named = any(mkl_dso(e) for e in events.of(DsoMissing))  # the linker family's: MKL's library not named on the line
    # the name ld found in a library the line does not name ("undefined reference to symbol 'X'" then "libsycl.so.7: ...
    # DSO missing"): the linker family's finding says it (MPI's and C++'s libraries are their families' own)
    in_dso = {e.symbol for e in events.of(DsoMissing) if e.symbol and not mkl_dso(e)
              and not os.path.basename(e.library).startswith(("libmpi", "libstdc++"))}
    # Apple's ld ignored a library of another format (binformat's): the names it would have given follow from that
    ignored = any(e.linker for e in events.of(WrongFormat))
    unclaimed = [e for e in events.of(UndefinedSymbol) if not claims(e) and not linkkind.claims(e) and not blacsload.claims(e)
                 and not (named and (knowledge.looks_like_mkl(e.symbol) or exports.history(e.symbol) is not None))
                 and not (ignored and e.linker == "ld64")]
    from mkldoctor.explain.hosts import dependency_names  # names of a dependency ld did not find: that finding's
    unfound = {name for n in events.of(NeededNotFound) for name in dependency_names(events, n.needed_by)}
    from mkldoctor.explain.libraries import lost_names  # MKL's library not found: its names are that finding's
    lost = set(lost_names(events))
    unclaimed = [e for e in unclaimed if f"{e.symbol}@{e.version}" not in unfound and e.symbol not in lost]
    from mkldoctor.explain.meson import PcRequiresMissing
    if events.of(PcRequiresMissing):  # pkg-config gave no MKL flags: MKL's names undefined after it are that finding's
        unclaimed = [e for e in unclaimed if not knowledge.looks_like_mkl(e.symbol)]
    unclaimed = [e for e in unclaimed if e.symbol not in in_dso or knowledge.looks_like_mkl(e.symbol)
                 or exports.history(e.symbol) is not None]
    cxx = [e for e in unclaimed if cxxlinkage.c_name(e.symbol)]  # MKL's names with C++ linkage: the declaration's fault
    ext = otherblas.extensions({e.symbol for e in unclaimed})  # OpenBLAS's extensions: no MKL has them
    unclaimed = [e for e in unclaimed if e not in cxx and e.symbol not in ext]
    by_symbol: OrderedDict[str, list[UndefinedSymbol]] = OrderedDict()
    for event in unclaimed:
        by_symbol.setdefault(event.symbol, []).append(event)
    out: list[Finding] = [cxxlinkage.finding(cxx, ctx)] if cxx else []
    if ext:
        callers = {s: [e for e in events.of(UndefinedSymbol) if e.symbol == s] for s in ext}
        out.append(otherblas.finding(ext, callers, ctx.main_command()))
    if not unclaimed:
        return out
    hits = ctx.hits(list(by_symbol))
    command = ctx.main_command()
    linked, _, linked_path = ctx.linked(command)
    release = linked.version if linked is not None else (release_on_line(command) or (None, None))[1]
    exporters = {s: linkorder.exporting(s, release) for s in by_symbol}  # the libraries of that release that export it
    line = linkorder.read(command) if command is not None else None
    mkl_has = {s for s in by_symbol if not knowledge.is_openmp_symbol(s) and not s.startswith("GOMP_")  # MKL's, if placed after
               and (any(h.install is linked for h in hits[s]) if linked is not None else linkorder.exporting(s, release, True))}
    placement = linkorder.place(line, {s: e for s, e in by_symbol.items() if s in mkl_has}, linked_path) if line and mkl_has else None
    groups = _groups(by_symbol, hits, command, linked, set(placement.symbols) if placement else set(),
                     {s for s in mkl_has if linked is None and exporters[s]})
    if groups["placed"]:
        out.append(inmkl.placed_finding(ctx, placement, by_symbol, _mkl_has_evidence(groups["placed"], hits, linked,
                                                                                     release, exporters, line)))
    if groups["openmp"]:
        out.append(iompmissing.finding(ctx, groups["openmp"], by_symbol))
    if groups["gnu-openmp"]:
        from mkldoctor.explain.gomp import gnu_openmp_undefined

        out.append(gnu_openmp_undefined(ctx, groups["gnu-openmp"], by_symbol))
    # names every release has undefined beside them: no MKL was taken at all, whatever its release (EdgeML#31's
    # mkl_scsrmm): the names of some releases only are said in that finding, or on their own where none comes
    missing = _same_history(groups["missing"], hits)  # one failure: names of the same releases, as many as ld listed
    held = missing if groups["in-mkl"] and linked is None else []
    if not held:
        out += [_missing_group(ctx, group, by_symbol, hits, command, linked) for group in missing]
    if groups["layer"]:
        out.append(inmkl.linked_layer_finding(ctx, groups["layer"], by_symbol, hits, command, linked))
    in_mkl = groups["in-mkl"]
    gap = [s for s in in_mkl if line is not None and line.mkl and not linkorder.on_line(line, exporters[s])]
    if gap:
        out.append(inmkl.layer_finding(ctx, line, gap, by_symbol, release, exporters))
    linkable = [s for s in in_mkl if s not in gap]  # in MKL, and the line links what exports them (or shows no line)
    if linkable:
        unresolved = inmkl.unresolved_finding(ctx, linkable, by_symbol, command, line, release, exporters)
        stale = ("the log names no MKL: where this build should need no BLAS (a CUDA build on cuBLAS, a variant without "
                 "LAPACK), objects left from another variant's build call it: make clean, and build again (QUICK's known "
                 "issues)",) if not events.mkl_at else ()
        also = [f"{more(group, 3)} too ({_exported_by(group[0])}): with names every release has undefined beside them, the "
                "link took no MKL at all, whatever its release" for group in held]
        unresolved = replace(unresolved, evidence=(*unresolved.evidence, *also), fix=(*unresolved.fix, *stale))
        out.append(blasnames.unless_mkl(unresolved, linkable, events.mkl_at, windows=False))
        held = []
    out += [_missing_group(ctx, group, by_symbol, hits, command, linked) for group in held]
    if groups["not-linked"]:
        symbols = groups["not-linked"]
        where = sorted({label(h.install) for s in symbols for h in hits[s]})
        rust = inmkl.rust_caller(symbols, by_symbol)
        out.append(Finding(
            "mkl-not-linked", "error", f"{more(symbols, 3)} undefined: no MKL library is on the link line",
            tuple(needed_by(symbols, by_symbol) + [f"defined by: {w}" for w in where] + list(rust[:1] if rust else ())),
            (*(rust[1:] if rust else ()), "add MKL's link line: mkldoctor link --format flags",
             "or, where MKL is not wanted, build without it: the sources call these names because the build chose MKL at "
             "compile time (a -DMKL, -DUSE_MKL or -DLAPACK option, a configure or CMake option for MKL or BLAS); drop that "
             "option, or give the BLAS and LAPACK the project was configured for"),
            "The link command names no libmkl_* library, so nothing can define MKL's functions.",
            locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
        ))
    glibc = _take(groups, [s for s in groups["other"] if any((e.version or "").startswith("GLIBC_") for e in by_symbol[s])])
    if glibc:  # a library built on a newer system than the link's C library
        out.append(libc.too_old(glibc, by_symbol))
    mpi = _take(groups, [s for s in groups["other"] if mpilink.MPI_NAME.match(s)])
    if mpi:  # MPI's names: MKL's BLACS layer, or the program's own code, on a link without that MPI
        out += mpilink.findings(ctx, mpi, by_symbol)
    runtime = _take(groups, syclnames.runtime_names(groups["other"], by_symbol))
    if runtime:  # the SYCL runtime's names that oneMKL's SYCL libraries need: a compiler older than the MKL
        out.append(syclnames.runtime_too_old(runtime, by_symbol))
    fortran = _take(groups, [s for s in groups["other"] if intelrt.FORTRAN_NAME.match(s)])
    if fortran:  # Intel Fortran's runtime: MKL's Fortran 95 wrappers (built by ifort) under gfortran, or ifx's own objects
        out.append(intelrt.fortran_runtime_undefined(fortran, needed_by(fortran, by_symbol)))
    intel = _take(groups, [s for s in groups["other"] if intelrt.RUNTIME_NAME.match(s)])
    if intel:  # Intel's compiler runtime (and the SYCL runtime its SYCL objects call): a link not by Intel's driver
        sycl_rt = _take(groups, [s for s in groups["other"] if s.startswith("sycl::")])
        out.append(intelrt.runtime_undefined(intel, sycl_rt, needed_by([*intel, *sycl_rt], by_symbol)))
    if groups["other"] == ["main"]:  # an executable whose objects define no main (a Fortran program linked by icc)
        out.append(intelrt.no_main(needed_by(_take(groups, ["main"]), by_symbol), command))
    sycl_link = _take(groups, syclnames.link_names(groups["other"]))
    if sycl_link:  # the SYCL runtime's names from the project's own SYCL objects: a link without -fsycl
        out.append(syclnames.runtime_not_linked(sycl_link, by_symbol, command))
    msvc = _take(groups, msvcnames.runtime_names(groups["other"], by_symbol))
    if msvc:  # MSVC-compiled libraries (MKL's Windows .lib files) linked by MinGW or lld-link: Microsoft's runtime helpers
        out.append(msvcnames.finding(msvc, by_symbol))
    fpk = _take(groups, [s for s in groups["other"] if onedalfpk.FPK_NAME.match(s)])
    if fpk:  # oneDAL's own build of MKL's parts, its kernels per CPU
        out.append(onedalfpk.kernels_undefined(fpk, by_symbol, ctx))
    tpetra = _take(groups, [s for s in groups["other"] if tpetrafloat.TPETRA_FLOAT.match(s)])
    if tpetra:  # Trilinos' Tpetra templates for float, which an MKL build's configuration did not build
        out.append(tpetrafloat.float_not_instantiated(tpetra, by_symbol))
    cxx = _take(groups, [s for s in groups["other"] if knowledge.CXX_RUNTIME.match(s)  # (an MKL archive's: tbbabi's)
                         and not any(tbbabi.from_mkl(e) for e in by_symbol[s])])
    if cxx:  # the C++ runtime's names: an older libstdc++ first on the link's path, or none (oneDNN#53)
        out.append(cxxruntime.at_link(cxx, by_symbol, command.lib_dirs if command is not None else ()))
    sycl = _take(groups, [s for s in groups["other"] if syclnames.ONEMKL_API.match(s)])
    if sycl:  # oneMKL's SYCL (C++) API: libraries of their own, which MKL's C link lines do not name
        out.append(syclnames.api_not_linked(ctx, sycl, by_symbol))
    if groups["other"]:
        symbols = groups["other"]
        own, own_fix = ownnames.said(symbols)  # C++ names of the project's namespace, its Fortran modules' procedures
        out.append(Finding(
            "undefined-symbol", "error", f"undefined: {more(symbols, 4)}; " + ("the project's own names, not MKL's" if own else
                                                                               "not MKL's names"),
            tuple(needed_by(symbols, by_symbol) + own + [f"searched: {label(i)}" for i in ctx.installs]),
            (*own_fix, "find the library that defines it: mkldoctor symbols --find SYMBOL FOLDER"),
            "These symbols are not MKL's (no release in mkldoctor's table exports them, no MKL copy searched defines them): the "
            "cause is elsewhere in the link.",
            locations=ctx.located([e for s in symbols for e in by_symbol[s]], "undefined reference"),
        ))
    from mkldoctor.explain.platforms import for_arm64

    return for_arm64(out, events)


def _groups(by_symbol: OrderedDict[str, list[UndefinedSymbol]], hits: dict, command: LinkCommand | None,
            linked, placed: set[str], exported: set[str]) -> OrderedDict[str, list[str]]:
    """Each symbol by cause: an OpenMP runtime's, GCC's OpenMP, one the MKL of the build has but the line puts its
    caller after (``placed``), one the linked MKL lacks, one of a layer not on the line, with no MKL on the line at
    all, one the release of the build exports by the table (``exported``: the line or the log tells no more), or
    none of MKL's."""
    groups: OrderedDict[str, list[str]] = OrderedDict(
        (k, []) for k in ("openmp", "gnu-openmp", "placed", "missing", "layer", "not-linked", "in-mkl", "other")
    )
    no_mkl_on_line = (linked is None and command is not None
                      and not any(r.name.lstrip(":").startswith(("mkl_", "libmkl_")) for r in command.libs)
                      and not any("mkl" in p for p in command.inputs))
    for symbol in by_symbol:
        found = hits[symbol]
        omp_only = bool(found) and all(lib_name(h.definition.path).startswith(("iomp", "iompstubs")) for h in found)
        if symbol.startswith("GOMP_") or (knowledge.is_openmp_symbol(symbol) and (_gnu_layer_only(by_symbol[symbol])
                                                                                  or _gcc_openmp_caller(by_symbol, symbol))):
            groups["gnu-openmp"].append(symbol)  # omp_get_thread_num from libmkl_gnu_thread is libgomp's to give
        elif knowledge.is_openmp_symbol(symbol) or omp_only:
            groups["openmp"].append(symbol)
        elif symbol in placed:
            groups["placed"].append(symbol)
        elif linked is not None and any(h.install is linked for h in found):
            groups["layer"].append(symbol)
        elif no_mkl_on_line and (found or missing_symbol.first_release(symbol) or missing_symbol.ever_exported(symbol)):
            groups["not-linked"].append(symbol)
        elif symbol in exported:
            groups["in-mkl"].append(symbol)
        elif found or missing_symbol.first_release(symbol) or missing_symbol.gone(symbol):
            groups["missing"].append(symbol)
        elif knowledge.looks_like_mkl(symbol):
            groups["missing"].append(symbol)
        else:
            groups["other"].append(symbol)
    # symbols nobody defines, needed by the same library as OpenMP symbols, go with them (__atomic_*)
    if groups["openmp"]:
        omp_users = {e.referenced_from for s in groups["openmp"] for e in by_symbol[s]}
        stay = []
        for symbol in groups["other"]:
            if {e.referenced_from for e in by_symbol[symbol]} <= omp_users and not hits[symbol]:
                groups["openmp"].append(symbol)
            else:
                stay.append(symbol)
        groups["other"] = stay
    return groups


def _mkl_has_evidence(symbols: list[str], hits: dict, linked, release: str | None, exporters: dict, line) -> list[str]:
    """That the MKL of the build has the names: the linked copy's files, else the export table."""
    evidence = []
    if linked is not None:
        for symbol in symbols[:2]:
            named = set(line.layers()) if line is not None else set()
            places = sorted((h.where for h in hits[symbol] if h.install is linked),
                            key=lambda w: exports.library_name(w.split("(")[0].removesuffix(".a")) not in named)
            evidence.append(f"{symbol} is defined by {label(linked)}: {', '.join(places[:3])}")
    known = [s for s in symbols if linkorder.exporting(s, release, True)]
    if known:
        libraries = tuple(dict.fromkeys(lib for s in known for lib in linkorder.exporting(s, release, True)))
        evidence.append(linkorder.table_sentence(known, release, libraries, line))
    return evidence


def _gnu_layer_only(events: list[UndefinedSymbol]) -> bool:
    """Every place that needs the name is a threading layer that runs on GCC's libgomp (libmkl_gnu_thread)."""
    layers = [layout.get(os.path.basename(e.referenced_from or "")) for e in events]
    return bool(layers) and all(layer is not None and layer.runtime == "gomp" for layer in layers)


def _gcc_openmp_caller(by_symbol, symbol: str) -> bool:
    """omp_* needed only by files that also need GOMP_* names: code GCC compiled with -fopenmp, whose runtime is libgomp."""
    gcc = {e.referenced_from for s, events in by_symbol.items() if s.startswith("GOMP_") for e in events}
    return bool(gcc) and all(e.referenced_from in gcc for e in by_symbol[symbol])


def _missing_group(ctx: Context, group: list[str], by_symbol, hits, command, linked) -> Finding:
    """The finding of names of the same releases: the first one's, naming the others."""
    finding = _missing_symbol_finding(ctx, group[0], by_symbol[group[0]], hits[group[0]], command, linked)
    return finding if len(group) == 1 else replace(
        finding, title=finding.title.replace(group[0], f"{group[0]} (and {more(group[1:], 3)}, of the same releases)", 1)
        .replace(" is undefined", " are undefined", 1).replace(" exports it ", " exports them ", 1),
        evidence=(*finding.evidence[:1], *needed_by(group[1:], by_symbol)[:3], *finding.evidence[1:]))


def _exported_by(symbol: str) -> str:
    """The releases of the export table that have ``symbol``."""
    found = exports.history(symbol)
    if found is None:
        return "in no release of mkldoctor's table"
    gone = f", gone since {found.overall.gone_since}" if found.overall.gone_since else ""
    return f"exported by MKL {found.overall.first} to {found.overall.last}{gone}"


def _same_history(symbols: list[str], hits) -> list[list[str]]:
    """The names in groups that the export table and this machine's copies say the same of (MKL's DNN primitives, all
    gone since 2020): one finding each group."""
    groups: OrderedDict[tuple, list[str]] = OrderedDict()
    for symbol in symbols:
        found = exports.history(symbol)
        span = (found.overall.first, found.overall.last, found.overall.gone_since) if found else (symbol,)
        groups.setdefault((span, frozenset(h.install.key for h in hits[symbol])), []).append(symbol)
    return list(groups.values())


_PACKED_GEMM = re.compile(r"cblas_(?:gemm_[su]8[su]8s32|gemm_s16s16s32|[sdhg]gemm_(?:pack|compute|alloc|free)|gemm_bf16bf16f32)\w*")
_DNN_HOST = re.compile(r"lib(?:caffe2|mkldnn|torch(?:_cpu)?)\b")  # MKL-DNN 0.x and its hosts; DNNL 1.x links no MKL


def _missing_symbol_finding(ctx: Context, symbol: str, events: list[UndefinedSymbol], hits: list, command, linked) -> Finding:
    first = missing_symbol.first_release(symbol)
    having = OrderedDict()
    for hit in hits:
        having.setdefault(hit.install.key, (hit.install, []))[1].append(hit.where)
    lacking = [label(i) for i in ctx.installs if i.key not in having]
    static, why_that_copy = _how_linked(ctx, hits, command, linked)
    holders = [missing_symbol.Holder(i, tuple(places), label(i)) for i, places in having.values() if i is not linked]
    good = missing_symbol.newest_first(holders)
    point_at = _point_at(ctx, symbol, good[0].install, static, command, linked) if good else []
    install = [f"install an MKL that has {symbol}" + (f" ({first} or newer)" if first else "")
               + f": {ctx.recipe_ref('static' if static else 'shared', first)}"]
    current = exports.history(symbol)
    # no link line and no MKL named (not cargo's, whose download is the MKL): a name of current releases may be missing
    # only because MKL is not on the line
    unnamed = (linked is None and command is None and not ctx.cargo and current is not None
               and current.overall.last == exports.releases()[-1].name)
    if unnamed:
        install.insert(0, f"first see whether MKL is on the link line at all (the line is not in the log): {symbol} is in "
                          f"every MKL from {current.overall.first} on, so a link without MKL's libraries after the object "
                          "that calls it fails the same way (mkldoctor link --format flags prints them); a newer MKL only if "
                          f"the one linked is older than {current.overall.first}"
                          + ("; where two are installed, the link may take the older: a distribution's packaged MKL (Ubuntu "
                             "20.04's intel-mkl is 2020.0) in the default folders wins over oneAPI's unless oneAPI's -L "
                             "comes first; remove it, or put oneAPI's folder first"
                             if current.overall.first != exports.releases()[0].name else ""))
    # a Caffe2/MKL-DNN source build (onednn#461): mkl-dnn's scripts fetch MKL-ML, MKL's small library, into external/; an
    # old mklml_lnx_* left there has the packed GEMM's declarations in its header and not the functions
    if _PACKED_GEMM.match(symbol) and any(_DNN_HOST.match(os.path.basename(e.referenced_from or "")) for e in events):
        install.insert(0, "a PyTorch/Caffe2 or MKL-DNN 0.x source build links MKL-ML (mklml, MKL's small library that "
                          "mkl-dnn's scripts/prepare_mkl.sh downloads into external/), and an old mklml_lnx_* left there "
                          f"lacks {symbol}: remove external/mklml_lnx_* and run prepare_mkl.sh again, or build against a full "
                          "MKL (MKLROOT set before configuring)")
    named = release_on_line(command) if linked is None else None  # the release a log from elsewhere names by its folder
    gone = current is not None and current.overall.gone_since is not None and linked is None and named is None
    if gone:  # a name newer releases dropped, and a log that does not say which release it linked
        last = current.overall.last
        major = current.overall.gone_since.split(".")[0]
        span = (f"MKL {current.overall.first} to {last}" if current.overall.first != exports.releases()[0].name else
                f"MKL {last} and older releases (mkldoctor's table starts at {current.overall.first})")
        install = [f"{symbol} is in {span} and in no release from {current.overall.gone_since} "
                   f"on: build against MKL {last} or older ({recipes.pip_install(q(f'mkl-devel<{major}'))}; "
                   f"{recipes.conda_install(q(f'mkl-devel<{major}'))}), or port the calls"
                   + (": the NIST-style Sparse BLAS (mkl_?csrmm, mkl_?csrmv and their kin) gave way to the "
                      "Inspector-executor Sparse BLAS (mkl_sparse_?_mm, mkl_sparse_?_mv)" if _NIST_SPARSE.match(symbol) else "")]
        # (not "install an MKL that has it": the newest release, which a recipe installs, does not)
    if ctx.cargo:
        install.append("then: export MKLROOT=<its prefix>; " + CARGO_CLEAN_EXPLAINED)
    why_more = ""
    if ctx.cargo:
        why_more = ("With cargo, MKL's folder comes from a build script: intel-mkl-src asks pkg-config for mkl-*.pc, then looks in "
                    f"$MKLROOT and /opt/intel, and only when all fail downloads its own MKL {INTEL_MKL_SRC_DOWNLOAD}, "
                    "which is too old for half precision. Installing a newer MKL is not enough while the old copy comes first.")
    if static and good and not good[0].install.static:
        why_more += f" {good[0].label} has no static archives: link it dynamically, or install its static package."
    used = label(linked) if linked is not None else "an MKL the log does not name (its link command is not in the log)"
    used_version = linked.version if linked is not None else None
    if named is not None:  # a log from elsewhere: what the folder's name says
        used, used_version = f"the MKL in {named[0]} (MKL {named[1]}, by the folder's name)", named[1]
    elif linked is None and command is not None and not ctx.local:
        used = "the MKL the link line takes on the log's machine (mkldoctor cannot replay that machine's search)"
    found = missing_symbol.finding(
        symbol,
        used=used,
        used_version=used_version,
        here=ctx.local,
        needed=needed_by([symbol], {symbol: events}),
        why_that_copy=why_that_copy,
        holders=good,
        lacking=lacking,
        point_at=point_at,
        install=install,
        why_more=why_more.strip(),
        confirm=knowledge.confirm_symbol(symbol, ctx.cargo),
        locations=ctx.located(events, f"undefined reference to {symbol}"),
    )
    if gone:
        found = replace(found, title=f"{symbol} is undefined: MKL exports it up to {current.overall.last} and no longer "
                                     f"since {current.overall.gone_since}", explanation=found.explanation + (
                        f" {symbol} was dropped from MKL in {current.overall.gone_since} (mkldoctor's table of every "
                        "release's exports): a build against that release or a newer one cannot link it."))
    elif unnamed:  # the log names no MKL: its release is not known to lack the name
        found = replace(found, title=f"{symbol} is undefined: the link took no MKL that has it (every MKL from "
                                     f"{current.overall.first} on exports it)")
    return found


_NIST_SPARSE = re.compile(r"mkl_[sdcz](?:csr|csc|coo|dia|bsr|sky)\w*$")


def _how_linked(ctx: Context, hits: list, command: LinkCommand | None, linked) -> tuple[bool, list[str]]:
    """Whether the failing link took MKL statically, and the linker's search that picked the copy it used."""
    static = True
    why_that_copy: list[str] = []
    if command is not None and linked is not None:
        interface = [n for n in (lib_name(h.definition.path) for h in hits) if command.requests(n)]
        if not interface and ctx.cargo:
            interface = [n for n in (lib_name(h.definition.path) for h in hits if h.definition.path.endswith(".a")) if n.startswith("mkl_intel_")]
        preference = list(layout.names("interface"))
        interface.sort(key=lambda n: preference.index(n) if n in preference else len(preference))
        searched_lib = interface[0] if interface else None
        install, result, path = ctx.linked(command, prefer=searched_lib)
        request = (command.requests(lib_name(path or "")) or [None])[0]
        static = request.static if request else (path or "").endswith(".a")
        if result is not None:
            why_that_copy.append(f"why that copy: the search for {result.request}:")
            why_that_copy += ["  " + line for line in result.lines()]
    elif command is not None:
        static = any(r.static for r in command.libs if r.name.startswith("mkl_"))
    return static, why_that_copy


def _point_at(ctx: Context, symbol: str, best, static: bool, command: LinkCommand | None, linked) -> list[str]:
    """How to make the build take ``best``, the newest copy that has the symbol."""
    point_at: list[str] = []
    libdir = best.lib_dirs[0]
    if ctx.cargo:
        pc = next((os.path.dirname(p) for p in best.pkgconfig), None)
        point_at.append(f"point the build at {label(best)}:")
        point_at.append(f"  export MKLROOT={q(best.root)}")
        if pc:
            point_at.append(f"  export PKG_CONFIG_PATH={q(pc)}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}")
        point_at.append(f"  {CARGO_CLEAN_EXPLAINED}")
        point_at.append("  cargo build   # the same command as before")
    elif command is not None and linked is not None:
        point_at.append(ctx.edited(f"put the copy that has {symbol} first: -L{q(libdir)} before -L{q(linked.lib_dirs[0])} "
                                   "(or drop the old -L)", Edit(first_dirs=(libdir,))))
    else:
        point_at.append(f"link against {label(best)}: -L{q(libdir)} (mkldoctor link --install {q(best.root)})")
    if not static or not best.static:
        point_at.append(f"at run time: export LD_LIBRARY_PATH={q(libdir)}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}")
    return point_at
