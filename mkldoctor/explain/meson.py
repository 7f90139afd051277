"""Meson: ``dependency('NAME')`` for MKL not found; pkg-config's own ``Package NAME was not found in the pkg-config
search path`` for one of MKL's names.

``ERROR: Dependency "mkl_rt" not found, tried pkgconfig`` (``(tried pkg-config and cmake)`` since Meson 1.x)
is fatal: meson setup stops. Meson looks a dependency up as pkg-config's ``NAME.pc``, then as CMake's
``NAME`` package. MKL's .pc files have fixed names (``mkl-<link>-<interface>-<threading>`` and ``mkl-sdl``,
:func:`mkldoctor.knowledge.layout.pc_names`): a name that is none of them (``mkl_rt``, ``mkl``) is found by no
MKL anywhere (spack/spack#31810: scipy 1.9 with ``-Dblas=mkl_rt``); one of them, not found, is a .pc folder
missing from ``PKG_CONFIG_PATH``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more, q
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True, slots=True)
class MesonDependencyMissing:
    """``ERROR: Dependency "NAME" not found`` (fatal) or ``Run-time dependency NAME found: NO`` (the build may go on)."""

    name: str
    fatal: bool
    line: str
    tool: str = "meson"  # or "pkg-config": its own words, run by a script or by hand


@dataclass(frozen=True, slots=True)
class PcRequiresMissing:
    """One of MKL's .pc files requires another package's .pc (tbb for the TBB layer, openmp for Intel OpenMP's) that
    pkg-config cannot find: it gives no flags for MKL at all (produced with the pinned wheel's .pc files)."""

    name: str
    by: str
    line: str


@dataclass(frozen=True, slots=True)
class PcVariableUndefined:
    """pkg-config: ``Variable 'MKLROOT' not defined in '.../mkl-dynamic-lp64-iomp.pc'``."""

    variable: str
    pc: str


def _event(fatal: bool):
    return lambda m, _: MesonDependencyMissing(m.group("name"), fatal, m.string.strip())


_MKL_NAME = r"[^\s\"]*(?i:mkl)[^\s\"]*"  # only MKL's: another dependency's line stays unclaimed (unrecognised)


SIGNATURES = (
    Signature("meson-dependency-not-found", "meson", "not found",
              re.compile(rf"ERROR: Dependency \"(?P<name>{_MKL_NAME})\" not found"), _event(True)),
    # meson before 0.51: a header line, then the error's words on their own line
    Signature("meson-dependency-not-found-old", "meson", "not found",
              re.compile(rf"^Dependency \"(?P<name>{_MKL_NAME})\" not found"),
              lambda m, before: MesonDependencyMissing(m["name"], True, m.string.strip())
              if any(line.startswith("Meson encountered an error") for line in list(before)[-2:]) else NOT_MINE),
    Signature("meson-encountered-an-error", "meson", "encountered an error",  # its header: the words follow it
              re.compile(r"^Meson encountered an error in file "), lambda m, _: FollowOn(m.string.strip()[:300])),
    Signature("meson-runtime-dependency-no", "meson", "found: NO",
              re.compile(rf"(?:Run-time|Build-time) dependency (?P<name>{_MKL_NAME}) found: NO\b"), _event(False)),
    # pkg-config's own words (pkg-config 0.29, pkgconf; older ones and autoconf's PKG_CHECK_MODULES: "No package 'X' found")
    *(Signature(f"pkgconfig-package-not-found-{i}", "meson", needle, pattern,
                lambda m, _: MesonDependencyMissing(m["name"], True, m.string.strip(), "pkg-config"))
      for i, (needle, pattern) in enumerate((
          ("not found", re.compile(rf"^Package (?P<name>{_MKL_NAME}) was not found in the pkg-config search path")),
          ("not found", re.compile(rf"^Package '(?P<name>{_MKL_NAME})', required by '[^']*', not found")),
          ("found", re.compile(rf"No package '(?P<name>{_MKL_NAME})' found"))))),
    # an MKL .pc file's Requires that pkg-config cannot find: "Package 'tbb', required by 'mkl-dynamic-lp64-tbb', not found"
    Signature("pkgconfig-mkl-requires-missing", "meson", "not found",
              re.compile(r"^Package '(?P<name>[\w.+-]+)', required by '(?P<by>mkl-[\w.+-]+)', not found"),
              lambda m, _: PcRequiresMissing(m["name"], m["by"], m.string.strip()[:300])),
    # pkg-config reading an MKL .pc file that uses a variable it does not define (oneAPI 2021's ${MKLROOT})
    Signature("pkgconfig-variable-undefined", "meson", "not defined in",
              re.compile(r"Variable '(?P<var>\w+)' not defined in '(?P<pc>[^']*mkl[^']*\.pc)'"),
              lambda m, _: PcVariableUndefined(m.group("var"), m.group("pc"))),
    # meson's header line for a project() without a version: its "undefined" is no undefined symbol
    Signature("meson-project-version", "meson", "Project version: undefined", re.compile(r"^Project version: undefined$"),
              lambda m, _: None),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(MesonDependencyMissing)
    out = []
    # "found: NO" is fatal where the log says the step failed and says nothing else (a tool that ran meson setup, as
    # EasyBuild does, cut meson's own ERROR line but echoed the exit code)
    failed = bool(events.of(FollowOn)) and len({e.name for e in said}) == 1 and not events.of(Unrecognised)
    for name in dict.fromkeys(e.name for e in said):
        mine = [e for e in said if e.name == name]
        out.append(_finding(name, mine, ctx, failed))
    out += [_pc_variable(e) for e in events.of(PcVariableUndefined)[:1]]
    out += [_pc_requires(e, events) for e in events.of(PcRequiresMissing)[:1]]
    return out


def _pc_requires(event: PcRequiresMissing, events: Parsed) -> Finding:
    from mkldoctor.explain.events import UndefinedSymbol
    from mkldoctor.knowledge import facts

    tbb = event.name.startswith("tbb")
    package = "oneTBB's development files (pip or conda: tbb-devel; oneAPI: its tbb component)" if tbb else (
        "Intel's OpenMP runtime's (pip or conda: intel-openmp; oneAPI: the compiler's lib/pkgconfig)"
        if event.name == "openmp" else f"the package that installs {event.name}.pc")
    other = event.by.rsplit("-", 1)[0] + "-seq"
    evidence = [event.line, f"{event.by}.pc names {event.name} in its Requires line: pkg-config resolves the whole chain or "
                "prints nothing, so the build got no MKL flags at all"]
    undefined = [e.symbol for e in events.of(UndefinedSymbol) if facts.looks_like_mkl(e.symbol)]
    if undefined:
        evidence.append(f"the link's undefined {', '.join(dict.fromkeys(undefined[:3]))} after it follow from it: no MKL "
                        "library was on the line")
    return Finding(
        "mkl-pc-requires-missing", "error",
        f"pkg-config cannot find {event.name}.pc, which MKL's {event.by}.pc requires: it gave no MKL flags",
        tuple(evidence),
        (f"install {package} and put its pkgconfig folder on PKG_CONFIG_PATH beside MKL's "
         "(<environment>/lib/pkgconfig for pip and conda)",
         f"or ask for a configuration that needs no {event.name}: {other} (sequential) or the -iomp one with Intel OpenMP's "
         "openmp.pc" if tbb else f"or ask for {other} (sequential), which requires no OpenMP runtime"),
        "MKL's .pc files name the threading runtime their layer needs as a pkg-config package of its own (tbb, openmp); "
        "pkg-config fails the whole query when one of them is missing.",
        (f"pkg-config --print-requires {event.by}; pkg-config --modversion {event.name}   # what it needs, and whether it is found",),
    )


def _pc_variable(event: PcVariableUndefined) -> Finding:
    folder = event.pc.rsplit("/", 1)[0] if "/" in event.pc else "."
    return Finding(
        "mkl-pc-variable-undefined", "error", f"MKL's {event.pc.rsplit('/', 1)[-1]} uses ${{{event.variable}}} without defining it: "
        "pkg-config gives no flags, and every build that asks it (cargo's intel-mkl-src, meson, CMake's pkg_check_modules) "
        "finds no MKL",
        (f"pkg-config: variable '{event.variable}' is not defined in {event.pc}",
         "pkg-config does not read the environment for a .pc file's variables: an exported MKLROOT does not help it"),
        (f"define it in the files: add the line {event.variable}=<the MKL prefix> before the first use in each mkl-*.pc of "
         f"{folder} (the MKL prefix: the folder that holds lib and include), or prefix=${{pcfiledir}}/../.. as newer MKL "
         ".pc files (pip's mkl-devel, conda's) define theirs",
         f"for one command: pkg-config --define-variable={event.variable}=<the MKL prefix> --libs <name>",
         "or use MKL's .pc files of another release or package, which define their prefix themselves"),
        "A .pc file's variables are its own: ${MKLROOT} in a Libs: line resolves only if the file (or --define-variable) "
        "defines it. Some oneAPI 2021 releases shipped MKL's .pc files that way.",
        (f"grep -n '{event.variable}' {q(event.pc)}",),
    )


def _finding(name: str, said: list[MesonDependencyMissing], ctx: Context, failed: bool = False) -> Finding:
    fatal = any(e.fatal for e in said) or failed
    tool = "meson" if any(e.tool == "meson" for e in said) else "pkg-config"
    names = layout.pc_names()
    sdl = layout.sdl_config_names()
    evidence = [f"{tool} says: {line}" for line in dict.fromkeys(e.line for e in said)][:2]
    evidence.append(f"meson looks dependency('{name}') up as pkg-config's {name}.pc, then as a CMake package named {name}"
                    if tool == "meson" else f"pkg-config looks {name} up as {name}.pc in PKG_CONFIG_PATH's folders, then its own")
    layered = layout.config_name("dynamic", "lp64", "intel", "pkg-config")
    pc_dirs = list(dict.fromkeys(p.rsplit("/", 1)[0] for i in ctx.installs for p in i.pkgconfig)) if ctx.local else []
    where = (f"export PKG_CONFIG_PATH={pc_dirs[0]}${{PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}}   # this machine's MKL .pc files"
             if pc_dirs else "export PKG_CONFIG_PATH=<MKL prefix>/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}   "
             "(oneAPI's setvars.sh sets it; conda and pip's mkl-devel: <env>/lib/pkgconfig)")
    if name in names:
        title = f"{tool} found no {'pkg-config ' if tool == 'meson' else ''}package {name}: no folder on PKG_CONFIG_PATH holds MKL's {name}.pc"
        evidence.append(f"{name} is one of MKL's own .pc names: MKL ships it in <MKL prefix>/lib/pkgconfig, which pkg-config "
                        "searches only when it is on PKG_CONFIG_PATH (or its own default folders)")
        fix = [where, "then wipe the failed configuration: meson setup --wipe <build dir>" if tool == "meson" else
               "then run the build again in that shell (a configure script: from its start, as it caches what it found)"]
        required = "openmp" if name.endswith("-iomp") else "tbb" if name.endswith("-tbb") else ""
        if required and tool == "meson":  # meson's own line does not tell which .pc failed (pkg-config's names it)
            title = (f"{tool} found no {'pkg-config ' if tool == 'meson' else ''}package {name}: MKL's {name}.pc is not on "
                     f"PKG_CONFIG_PATH, or the {required}.pc it requires is not")
            evidence.append(f"{name}.pc requires {required}.pc ({'Intel OpenMP' if required == 'openmp' else 'oneTBB'}'s), "
                            "and pkg-config fails the whole name when that one is missing"
                            + ": meson-log.txt has pkg-config's own words ('Package ..., required by ...')")
        if required:
            fix.append(f"its Requires names {required}.pc ({'intel-openmp' if required == 'openmp' else 'tbb-devel'}, pip or "
                       "conda): that .pc folder must be on PKG_CONFIG_PATH too; or ask for the -seq configuration, which "
                       "requires neither")
    else:
        title = f"{tool} found no {'dependency' if tool == 'meson' else 'package'} {name}: no MKL .pc file has that name"
        evidence.append(f"MKL's pkg-config files are named {more(list(sdl), 3)} (libmkl_rt alone) and "
                        f"mkl-<link>-<interface>-<threading> ({layered}, ...): none is {name}.pc, so no MKL installation "
                        "can answer this name")
        fix = [f"ask for a name MKL's .pc files have: {sdl[0]} (libmkl_rt alone, oneAPI and pip's mkl-devel; Debian's 2020.4: "
               f"{sdl[1]}) or {layered} (the layers, with Intel's OpenMP); in meson.build dependency('{layered}'), or the "
               f"project's option that names it (scipy and numpy: -Dblas={layered} -Dlapack={layered})",
               where]
    return Finding(
        "meson-dependency-not-found" if tool == "meson" else "mkl-pc-not-found", "error" if fatal else "warning", title,
        tuple(evidence), tuple(fix),
        ("Meson finds a dependency by pkg-config name (then CMake package name). " if tool == "meson" else
         "pkg-config finds a package by its .pc file's name, in PKG_CONFIG_PATH's folders and its own. ") +
        "MKL provides it only under the names of "
        "its own .pc files, one per configuration: mkl-static/mkl-dynamic with "
        f"{'/'.join(layout.words('pkg-config', 'interface'))} and {'/'.join(layout.words('pkg-config', 'threading'))}, and "
        f"{sdl[0]} for the single dynamic library libmkl_rt.",
        ("pkg-config --list-all | grep mkl   # the MKL names pkg-config sees, with PKG_CONFIG_PATH as the build has it",),
    )
