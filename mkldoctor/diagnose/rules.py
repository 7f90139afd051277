"""The checks of ``mkldoctor check``: each rule is one function from the facts to findings.

Facts are gathered once (:class:`~mkldoctor.diagnose.facts.Facts`): the inventory, what the project
needs, the copy the build will pick, the machine's CPU and quota. A rule reads them and returns
plain :class:`~mkldoctor.findings.Finding` objects; it never prints or changes anything. The
machine's own rules are in :mod:`machine_rules`, Cargo's in :mod:`cargo_rules`; :data:`RULES` lists
them all, in the order a report gives findings of one severity.
"""

from __future__ import annotations

import os
from typing import Callable

from mkldoctor.diagnose.build_rules import BUILD_RULES
from mkldoctor.diagnose.cargo_rules import CARGO_RULES
from mkldoctor.diagnose.facts import Facts, debian_present
from mkldoctor.diagnose.locations import locate
from mkldoctor.diagnose.machine_rules import rule_amd_old, rule_cpu_quota, rule_kernels, sequential_feature
from mkldoctor.diagnose.predict import missing_files
from mkldoctor.findings import Finding, by_severity
from mkldoctor.inventory.install import label
from mkldoctor.knowledge import history, layout, recipes
from mkldoctor.knowledge.recipes import q
from mkldoctor.rootfs import RootFS
from mkldoctor.verdicts import missing_symbol


def rule_missing_symbol(f: Facts) -> list[Finding]:
    out = []
    chosen = f.choice.install
    for symbol in f.needs.symbols:
        first = missing_symbol.first_release(symbol)
        if chosen is not None:
            if chosen.defines.get(symbol):
                continue
        else:
            if not f.choice.download:
                continue
            if missing_symbol.release_has(f.choice.version, symbol):
                continue
        having = [i for i in f.inventory.installs if i.defines.get(symbol) and i is not chosen]
        usable = [i for i in having if not missing_files(i, f.needs, f.inventory)]
        holders = [missing_symbol.Holder(i, tuple(os.path.basename(p) for p in i.defines[symbol]), label(i)) for i in having]
        point_at: list[str] = []
        if usable:
            best = usable[0]
            cmake_dir = os.path.join(best.root, "lib", "cmake", "mkl")
            if f.needs.cargo_config:
                point_at += recipes.point_cargo_at(best.root, f.needs.cargo_config)
            elif f.needs.cmake and (fs := RootFS(f.inventory.root)).isdir(fs.inside(cmake_dir)):
                point_at += [f"cmake -DMKL_DIR={q(cmake_dir)} -DMKL_INTERFACE={f.needs.interface or 'lp64'} <build dir>   "
                             "# find_package(MKL) now takes this copy", recipes.cmake_reset("forget the old MKL_DIR")]
            else:
                point_at += [f"export MKLROOT={q(best.root)}",
                             f"# link with -L{q(best.lib_dir)} (see: mkldoctor link --install {q(best.root)})"]
        recipe = recipes.static_recipe(f.inventory.root, debian_present(f.inventory), first)
        install = [f"install an MKL with static archives that has {symbol}" + (f" ({first} or newer)" if first else "")
                   + f": {recipes.recipe_ref(recipe)}"] \
            if (f.needs.link or "static") == "static" else [recipes.pip_install(f"mkl=={recipes.LATEST}", root=f.inventory.root)]
        if f.needs.cargo_config:
            install += ["export MKLROOT=<the prefix of the new install>", recipes.CARGO_CLEAN]
        out.append(missing_symbol.finding(
            symbol,
            used=label(chosen) if chosen else f"the MKL {f.choice.version} that intel-mkl-src downloads",
            used_version=f.choice.version,
            needed=[f"{symbol} is needed: {f.needs.symbol_origin.get(symbol, 'asked for')}"],
            locations=f.needs.at.get("symbol:" + symbol, ()),
            why_that_copy=[f"{f.choice.how}:"] + [f"  {step}" for step in f.choice.steps],
            holders=holders,
            point_at=point_at,
            install=install,
            recipes=(recipe,),
            why_more=(f"intel-mkl-src falls back to its MKL {recipes.INTEL_MKL_SRC_DOWNLOAD} download when no installed copy has "
                      f"every file its feature needs, and cargo keeps that choice until `{recipes.CARGO_CLEAN}` "
                      "(on that path the build script does not ask to rerun when MKLROOT changes)." if f.choice.download else ""),
            confirm=(f"mkldoctor symbols --find {symbol} {q(usable[0].lib_dir)}" if usable else f"mkldoctor list --symbol {symbol}",
                     f"RUSTFLAGS='-C link-arg=-Wl,-y,{symbol}' cargo build   # the linker names the file that defines it"
                     if f.needs.cargo_config else f"cc ... -Wl,-y,{symbol}   # the linker names the file that defines it"),
        ))
    return out


def rule_runtime_without_devel(f: Facts) -> list[Finding]:
    if f.needs.link != "static" or not f.inventory.installs:
        return []
    if any(i.static for i in f.inventory.installs):
        return []
    evidence = [f"a static link is asked for: {f.needs.origin.get('link', 'flags')}"]
    evidence += [f"{label(i)}: shared objects only ({i.package or 'no package record'})" for i in f.inventory.installs]
    recipe = recipes.static_recipe(f.inventory.root, debian_present(f.inventory))
    fix = [f"install an MKL with static archives: {recipes.recipe_ref(recipe)}"]
    return [Finding(
        id="runtime-without-devel",
        severity="error",
        title="only MKL runtime packages are installed: no static archives (libmkl_core.a) anywhere",
        evidence=tuple(evidence),
        fix=tuple(fix),
        explanation="Runtime packages (intel-oneapi-mkl, Debian's libmkl-rt, pip's mkl, conda's mkl) hold shared "
                    "objects only; the .a files live in intel-oneapi-mkl-devel, libmkl-full-dev, mkl-static.",
        confirm=("mkldoctor list",),
        recipes=(recipe,),
    )]


def rule_pkgconfig(f: Facts) -> list[Finding]:
    out = []
    static = recipes.static_recipe(f.inventory.root, debian_present(f.inventory))
    openmp = recipes.openmp_recipe(f.inventory.root)
    searched = [pc for pc in f.inventory.pkgconfig if pc.on_search_path]
    used = [pc for pc in searched if pc.missing and f.needs.cargo_config == pc.name]
    unused = [pc for pc in searched if pc.missing and pc not in used]
    # the file intel-mkl-src reads is an error of its own; the others are one warning listing them all,
    # not one near-identical warning per .pc (Debian's runtime packages ship six)
    out += [_pc_missing_files([pc], static, used=True) for pc in used]
    out += [_pc_missing_files(unused, static, used=False)] if unused else []
    for pc in searched:
        if pc.problems:
            out.append(Finding(
                id="pkgconfig-points-nowhere",
                severity="error" if pc in used else "warning",
                title=f"{pc.name}.pc ({pc.version or 'no version'}) does not point at one MKL copy: {pc.problems[0]}",
                evidence=(pc.path, *pc.problems[1:]),
                fix=_pc_fix(pc, f.inventory.root),
                explanation="pkg-config hands out -L and -I for that file as they are: the compiler takes the headers "
                            "of one release and the linker whatever libmkl_* it finds first, or fails.",
            ))
    by_requires: dict[tuple[str, ...], list] = {}
    for pc in searched:
        if pc.missing_requires:
            by_requires.setdefault(tuple(pc.missing_requires), []).append(pc)
    out += [_pc_missing_requires(pcs, list(missing), openmp) for missing, pcs in by_requires.items()]
    return out


def _pc_names(pcs) -> str:
    return pcs[0].name + ".pc" if len(pcs) == 1 else f"{len(pcs)} pkg-config files ({', '.join(pc.name + '.pc' for pc in pcs)})"


def _pc_missing_files(pcs, static, *, used: bool) -> Finding:
    """One finding for the .pc files that name library files that are not there, each file's missing ones listed."""
    evidence = []
    for pc in pcs:
        folders = {os.path.dirname(m) for m in pc.missing}
        shown = (", ".join(os.path.basename(m) for m in pc.missing) + f" (in {folders.pop()})" if len(folders) == 1
                 else ", ".join(pc.missing))
        evidence.append(f"{pc.path}: missing {shown}")
    archives = any(m.endswith(".a") for pc in pcs for m in pc.missing)
    count = sum(len(pc.missing) for pc in pcs)
    return Finding(
        id="pkgconfig-missing-files",
        severity="error" if used else "warning",
        title=f"{_pc_names(pcs)} name{'s' if len(pcs) == 1 else ''} {count} library file(s) that do not exist",
        evidence=tuple(evidence),
        fix=(f"install an MKL with static archives: {recipes.recipe_ref(static)}",) if archives
        else ("install the MKL package that holds those files, or remove the stale .pc",),
        explanation="A build that trusts these files (pkg-config, intel-mkl-src) fails with `cannot find` "
                    "or a missing file." + (" intel-mkl-src reads this very file." if used else ""),
        recipes=(static,) if archives else (),
    )


def _pc_missing_requires(pcs, missing: list[str], openmp) -> Finding:
    return Finding(
        id="pkgconfig-missing-requires",
        severity="warning",
        title=f"{_pc_names(pcs)} require{'s' if len(pcs) == 1 else ''} {', '.join(missing)}, whose .pc is not on the search path",
        evidence=tuple(pc.path for pc in pcs),
        fix=(f"export PKG_CONFIG_PATH=<folder with {missing[0]}.pc>:$PKG_CONFIG_PATH",
             *((f"or install Intel's OpenMP runtime: {recipes.recipe_ref(openmp)}",) if "openmp" in missing else ())),
        explanation="`pkg-config --libs` fails for these files until the required package's .pc is found.",
        recipes=(openmp,) if "openmp" in missing else (),
    )


def _pc_fix(pc, root: str) -> tuple[str, ...]:
    prefix = pc.prefix or os.path.dirname(os.path.dirname(pc.path))
    fs = RootFS(root)  # in-root paths, looked at inside the root only
    fix = []
    if pc.libdir and not fs.isdir(pc.libdir) and fs.isdir(os.path.join(prefix, "lib")):
        fix.append(f"sed -i 's|^libdir=.*|libdir=${{exec_prefix}}/lib|' {q(pc.path)}   # where this copy's libraries are")
    fix += [f"or take the copy's files by path: mkldoctor link --install {q(prefix)} --format flags",
            "or take this file off PKG_CONFIG_PATH"]
    return tuple(fix)


def rule_iomp_missing(f: Facts) -> list[Finding]:
    chosen = f.choice.install
    if f.needs.threading != "intel" or chosen is None or chosen.iomp5 or f.inventory.openmp:
        return []
    evidence = (f"the intel threading layer is asked for: {f.needs.origin.get('threading', 'flags')}",
                f"{label(chosen)} has no libiomp5 beside it, and none is on the loader's path")
    recipe = recipes.openmp_recipe(f.inventory.root)
    fix = [f"install Intel's OpenMP runtime (libiomp5): {recipes.recipe_ref(recipe)}"]
    if f.needs.cargo_config:
        fix.append(f"or use the sequential layer: intel-mkl-src feature {sequential_feature(f.needs.cargo_config)}")
    return [Finding("iomp-missing", "error", "libiomp5 (Intel OpenMP) is missing for the intel threading layer",
                    evidence, tuple(fix), "The link fails with `cannot find -liomp5` or undefined __kmpc_* symbols.",
                    recipes=(recipe,))]


def _other_interface(interface: str) -> str:
    return next(word for word in layout.words("mkldoctor", "interface") if word != interface)


def rule_mixed_versions(f: Facts) -> list[Finding]:
    versions = {}
    for install in f.inventory.installs:
        if install.version:
            versions.setdefault(install.version, []).append(install)
    if len(versions) < 2:
        return []
    on_path = [i for i in f.inventory.installs if "loader" in i.sources or "pkg-config" in i.sources]
    chosen = f.choice.install
    evidence = [label(i) for i in f.inventory.installs]
    if chosen is not None:
        evidence.append(f"the build takes {label(chosen)}")
    severity = "warning" if len({i.version for i in on_path}) > 1 else "info"
    return [Finding(
        id="several-versions",
        severity=severity,
        title=f"{len(versions)} MKL versions on this machine: {', '.join(sorted(versions, key=history.version_key))}",
        evidence=tuple(evidence),
        fix=("point every build at one copy: export MKLROOT=<its prefix>; keep other copies off "
             "LD_LIBRARY_PATH and PKG_CONFIG_PATH",),
        explanation="Headers from one release with libraries from another, or two libmkl_core at run time, "
                    "give undefined symbols or crashes.",
    )]


def rule_interface(f: Facts) -> list[Finding]:
    out = []
    if f.build is not None and f.build.configured:  # the predicted link line says what MKLConfig's default gives
        default = f.build.config_prefix and f.build.linked.interface == "ilp64" and not f.needs.cmake_interface_set
    else:
        default = f.needs.cmake and not f.needs.cmake_interface_set and not f.needs.cmake_find_module
    if default:
        out.append(Finding(
            id="cmake-default-ilp64", severity="warning",
            title="CMake's find_package(MKL) defaults to the ilp64 interface",
            evidence=("find_package(MKL) without MKL_INTERFACE",),
            fix=('set(MKL_INTERFACE "lp64") before find_package(MKL), or -DMKL_INTERFACE=lp64',),
            explanation="Code written for 32-bit integers (lp64, the usual C and Rust case) passes the wrong "
                        "integer size to ilp64 MKL: wrong results or crashes, no link error.",
        ))
    chosen = f.choice.install
    if chosen is not None and f.needs.interface:
        kind = "static" if f.needs.link == "static" else "shared"
        if layout.layer(f.needs.interface, "interface").short not in chosen.interfaces(kind):
            out.append(Finding("interface-missing", "error",
                               f"{label(chosen)} has no {f.needs.interface} interface library ({kind})",
                               (f"interfaces there: {', '.join(chosen.interfaces(kind)) or 'none'}",),
                               (f"use another copy (mkldoctor list) or --interface {_other_interface(f.needs.interface)}",)))
    return out


def rule_mklroot(f: Facts) -> list[Finding]:
    mklroot = f.env.get("MKLROOT") if f.inventory.root == "/" else None
    if not mklroot:
        return []
    owners = [i for i in f.inventory.installs if i.root == os.path.realpath(mklroot) or
              any(d.startswith(os.path.realpath(mklroot).rstrip("/") + "/") for d in i.lib_dirs)]
    if not owners:
        return [Finding("mklroot-empty", "error", f"MKLROOT={mklroot} holds no MKL libraries",
                        (f"looked in {mklroot}/lib/intel64, lib and lib64",),
                        ("unset MKLROOT", "or: export MKLROOT=<prefix of a copy from `mkldoctor list`>"))]
    newest = f.inventory.installs[0]
    if owners[0] is not newest and history.version_key(newest.version) > history.version_key(owners[0].version):
        return [Finding("mklroot-older", "warning",
                        f"MKLROOT points at MKL {owners[0].version}; MKL {newest.version} is installed too",
                        (label(owners[0]), label(newest)), (f"export MKLROOT={q(newest.root)}",))]
    return []


def rule_runtime_path(f: Facts) -> list[Finding]:
    chosen = f.choice.install
    if chosen is None or f.needs.link not in ("dynamic", "sdl") or "loader" in chosen.sources:
        return []
    lib = chosen.lib_dir
    return [Finding(
        id="not-on-loader-path", severity="warning",
        title=f"the shared MKL in {lib} is not on the loader's path: programs will not start",
        evidence=(f"{label(chosen)} is not in LD_LIBRARY_PATH, /etc/ld.so.conf or the default folders",),
        fix=(f"export LD_LIBRARY_PATH={q(lib)}:$LD_LIBRARY_PATH",
             f"or link with -Wl,-rpath,{q(lib)}",
             f"or: {recipes.ld_so_conf(lib, f.inventory.root)}"),
        explanation="Otherwise: `error while loading shared libraries: libmkl_rt.so.N: cannot open shared object file`.",
    )]


def rule_nothing_usable(f: Facts) -> list[Finding]:
    """intel-mkl-src with a dynamic feature that no copy satisfies: the build script fails."""
    if not f.needs.cargo_config or f.choice.install is not None or f.choice.download or not f.inventory.installs:
        return []
    if "static" in f.needs.cargo_config:  # a static config without a download: cargo_rules.rule_no_download
        return []
    static = f.needs.cargo_config.replace("dynamic", "static")
    return [Finding(
        id="no-usable-mkl", severity="error",
        title=f"intel-mkl-src ({f.needs.cargo_config}) will find no MKL it can use: its build script fails",
        evidence=tuple(f.choice.steps),
        fix=(f"use the static feature {static} (pip's mkl-static, Intel's intel-oneapi-mkl-devel have the archives)",
             f"or install an MKL with unversioned libmkl_*.so links: {recipes.apt_install('intel-oneapi-mkl-devel', root=f.inventory.root)}, "
             f"or {recipes.conda_install('mkl-devel')}", recipes.CARGO_CLEAN),
        explanation="For dynamic features intel-mkl-src needs libmkl_core.so (and the interface and threading "
                    "libraries) by their unversioned names, and it never downloads shared libraries.",
    )]


def rule_build_fails(f: Facts) -> list[Finding]:
    """The build tool stops before it links: cmake finds no MKLConfig.cmake, or refuses the one it found."""
    if f.choice.warning:
        return [Finding("cmake-mixed-copies", "warning", f.choice.warning, (f.choice.how, *f.choice.steps), tuple(f.choice.fix),
                        "Predicted from CMake's find_package search and MKLConfig.cmake's own find_library calls.")]
    if not f.choice.failure:
        return []
    return [Finding("configure-fails", "error", f.choice.failure, (f.choice.how, *f.choice.steps), tuple(f.choice.fix),
                    "Predicted from CMake's find_package search and MKLConfig.cmake's own; nothing is built.")]


def rule_summary(f: Facts) -> list[Finding]:
    chosen = f.choice.install
    if chosen is None and not f.choice.download:
        if not f.inventory.installs:
            recipe = recipes.static_recipe(f.inventory.root, False)
            blocking = (f.needs.link or f.needs.symbols) and not f.needs.mkl_optional
            return [Finding("no-mkl", "error" if blocking else "info", f"no MKL found {f.where}",
                            tuple(f.choice.steps) or ("looked in dpkg, rpm, pip, conda, /opt/intel, MKLROOT, loader and pkg-config paths",),
                            (f"install MKL: {recipes.recipe_ref(recipe)}",), recipes=(recipe,))]
        return []
    what = label(chosen) if chosen else f"MKL {f.choice.version} (intel-mkl-src download)"
    needs = ", ".join(f"{k}={getattr(f.needs, k)}" for k in ("link", "interface", "threading") if getattr(f.needs, k))
    return [Finding("picked", "info", f"the build will use {what}" + (f": {f.choice.linked}" if f.choice.linked else ""),
                    (f.choice.how, *f.choice.steps, f"needs: {needs or 'nothing stated'}",
                     f"symbols needed: {', '.join(f.needs.symbols) or 'none stated'}",
                     *[f"extern \"C\" functions set aside (no MKL release exports them): {line}"
                       for line in f.needs.foreign_skipped[:4]],
                     *([f"  and in {len(f.needs.foreign_skipped) - 4} more files"] if len(f.needs.foreign_skipped) > 4 else [])), ())]


def rule_min_version(f: Facts) -> list[Finding]:
    if not f.needs.min_version:
        return []
    if f.choice.version is None and f.choice.install is not None:
        chosen = f.choice.install
        return [Finding("version-unknown", "error",
                        f"cannot tell whether {label(chosen)} is {f.needs.min_version} or newer: nothing there says its version",
                        (f.needs.origin.get("min_version", "--min-version"), f.choice.how,
                         f"no mkl_version.h beside {chosen.lib_dir}, no package metadata, no mkl-*.pc Version"),
                        ("install the headers of that copy (pip: mkl-include; Debian: libmkl-dev), or point the build "
                         "at a copy whose version is known (mkldoctor list)",))]
    if f.choice.version is None:
        return []
    if history.version_key(f.choice.version) >= history.version_key(f.needs.min_version):
        return []
    recipe = recipes.static_recipe(f.inventory.root, debian_present(f.inventory), f.needs.min_version)
    return [Finding("too-old", "error", f"MKL {f.choice.version} is older than the {f.needs.min_version} asked for",
                    (f.needs.origin.get("min_version", "--min-version"), f.choice.how),
                    (f"install MKL {f.needs.min_version} or newer: {recipes.recipe_ref(recipe)}",), recipes=(recipe,))]


RULES: tuple[Callable[[Facts], list[Finding]], ...] = (
    rule_missing_symbol, rule_runtime_without_devel, rule_min_version, rule_pkgconfig, rule_iomp_missing,
    rule_interface, rule_mklroot, rule_runtime_path, rule_kernels, rule_cpu_quota, rule_amd_old,
    rule_mixed_versions, rule_nothing_usable, rule_build_fails, rule_summary,
) + CARGO_RULES + BUILD_RULES


def run_rules(facts: Facts) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        findings += [locate(finding, facts.needs) for finding in rule(facts)]
    return by_severity(findings)
