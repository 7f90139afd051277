"""An environment module of oneAPI's MKL whose dependencies the module system cannot find: ``Loading mkl version
2023.2.0``, ``Loading tbb version 2021.10.0``, then Lmod's ``The following module(s) are unknown: "compiler-rt"
"compiler/2*"`` (openhpc#1846: oneAPI 2023.2's modulefiles load tbb and compiler-rt as MKL's dependencies, which OpenHPC
2's Lmod could not resolve; OpenHPC's later modulefiles load them first, and its newer Lmod reads the set).

``spack load <spec>`` before the loader's failure: Spack before 0.15 loaded the package's own module alone, without its
dependencies' (pFIRE#59: the MKL pfire linked missing at its start; ``spack load --dependencies`` loaded them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import Signature, Unrecognised, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# oneAPI's own modules, by the names its modulefiles-setup.sh gives them
ONEAPI_MODULES = ("compiler-rt", "compiler", "tbb", "oclfpga", "mkl", "mpi", "umf", "dpl", "debugger", "compiler-intel-llvm")


@dataclass(frozen=True, slots=True)
class OneapiModulesUnknown:
    names: tuple[str, ...]
    mkl: str  # the MKL module's version the lines before said it loaded ("2023.2.0"), or ""
    line: str


def _unknown(m: re.Match, before) -> OneapiModulesUnknown | Unrecognised:
    names = tuple(re.findall(r'"([^"]+)"', m["names"]))
    ours = [n for n in names if n.split("/", 1)[0] in ONEAPI_MODULES]
    if not ours:  # a site's or Spack's name for MKL's module (spack-stack#1715: "intel-oneapi-mkl/2024.2.1")
        mkl = [n for n in names if re.match(r"(?:intel-oneapi-mkl|intel-mkl|imkl|mkl)(?:/|$)", n)]
        return MklModuleMissing(mkl[0], m.string.strip()[:300]) if mkl else Unrecognised(m.string.strip())
    loading = found[1] if (found := last_match(r"Loading mkl version (\S+)", before, within=6)) else ""
    return OneapiModulesUnknown(tuple(ours), loading, m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class MklModuleMissing:
    """Environment Modules' (Tcl) ``ERROR:105: Unable to locate a modulefile for 'mkl'`` (radical.pilot#1238: a site's
    intel/2013 modulefile loading an 'mkl' module the site's tree did not have)."""

    name: str
    line: str


@dataclass(frozen=True, slots=True)
class SpackLoaded:
    CONTEXT_ONLY = True  # a command the log shows, no failure
    spec: str
    dependencies: bool  # -r, --dependencies, or --only dependencies asked for them


SIGNATURES = (
    Signature("spack-load-command", "envmodules", "spack load",
              re.compile(r"^\s*(?:\$\s+)?spack load (?P<args>[^|;&]{1,200})$"),
              lambda m, _: SpackLoaded(m["args"].split()[-1] if m["args"].split() else "",
                                       bool(re.search(r"(?:^|\s)(?:-r|--dependencies|--only[ =]dependencies)\b", m["args"])))),
    Signature("tcl-modules-mkl-unknown", "envmodules", "ERROR:",
              re.compile(r"ERROR:105: Unable to locate a modulefile for '(?P<name>(?:mkl|imkl|intel-mkl|intel-oneapi-mkl)[\w./-]*)'"),
              lambda m, _: MklModuleMissing(m["name"], m.string.strip()[:300])),
    Signature("lmod-oneapi-modules-unknown", "envmodules", "rror",
              re.compile(r"Lmod has detected the following error: The following module\(s\) are unknown: "
                         r"(?P<names>(?:\"[^\"]+\"\s*)+)"),
              _unknown),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(OneapiModulesUnknown)
    if not said:
        return [_module_missing(e) for e in events.of(MklModuleMissing)[:1]]
    first = said[0]
    names = ", ".join(first.names)
    return [Finding(
        "oneapi-module-dependencies-unknown", "error",
        f"the module system cannot find {names}, which oneAPI's "
        + (f"mkl {first.mkl} module" if first.mkl else "modules") + " load as their dependencies",
        (first.line,
         "oneAPI's modulefiles (2023.2 and newer) load the components MKL runs on (tbb, compiler-rt) as modules of their own: "
         "they must be on MODULEPATH beside MKL's, with names as modulefiles-setup.sh gives them, and the module system must "
         "read their format (OpenHPC 2's Lmod did not read 2023.2's: openhpc#1846)"),
        ("make the whole set of oneAPI's modulefiles and use it: <oneAPI>/modulefiles-setup.sh --output-dir=<folder>, then "
         "module use <folder> (a copy of MKL's modulefile alone names dependencies that are not there)",
         "a cluster's own module tree (OpenHPC): load the dependencies before MKL (module load tbb compiler-rt, as OpenHPC's "
         "later intel modulefiles preload them), or take the module system's release that reads oneAPI 2023.2's modulefiles "
         "(OpenHPC 3's Lmod)",
         "or, without modules: source <oneAPI>/setvars.sh (it sets MKL's, TBB's and the compiler runtime's paths together)"),
        "A modulefile can load other modules first; the module system stops with 'unknown' when one of those names is on "
        "no MODULEPATH folder, and loads nothing.",
        ("module avail compiler-rt tbb mkl; module show mkl   # what MKL's module loads, and whether those exist",),
    )]


def _module_missing(event: MklModuleMissing) -> Finding:
    asker = event.line.split("(", 1)[0] if "):ERROR:" in event.line else ""
    return Finding(
        "mkl-module-not-found", "error", f"the module system has no module named {event.name}"
        + (f", which {asker}'s modulefile loads" if asker else ""), (
            event.line,
            "a site names its MKL module as its admins chose (mkl, imkl, intel-mkl, intel-oneapi-mkl, with a version); a script "
            "or another modulefile written for one site's names asks for a module another site's tree does not have"),
        (f"find this site's name for it: module avail 2>&1 | grep -i mkl (Lmod: module spider mkl), then module load <that "
         "name>, and change the script (or ask the site to fix the modulefile that loads it)",
         "or set MKL up without modules: source <oneAPI>/setvars.sh, or MKLROOT=<the MKL folder> in the job's environment"),
        "Environment modules are looked up by name on MODULEPATH; a name no folder there holds is refused, and whatever "
        "the module was to set (MKLROOT, LD_LIBRARY_PATH) stays unset.",
        ("module avail 2>&1 | grep -i mkl; echo $MODULEPATH",),
    )


def with_spack_load(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """The loader's finding about an MKL library, after a ``spack load`` of the program alone: its dependencies' folders."""
    loads = [e for e in parsed.of(SpackLoaded) if e.spec and not e.dependencies]
    if not loads:
        return findings
    spec = loads[-1].spec
    said = (f"the log loads the program with spack load {spec}: Spack before 0.15 loaded the package's own module alone, not "
            "its dependencies', so the MKL it was linked with is on no loader path (pFIRE#59)")
    fix = (f"spack load --dependencies {spec} (Spack 0.15 and newer load the dependencies unless --only package), or spack "
           f"load the MKL spec that spack find -d {spec} names as well")
    return [replace(f, evidence=(*f.evidence[:1], said, *f.evidence[1:]), fix=(fix, *f.fix))
            if f.id == "loader-cannot-find" and re.search(r"libmkl_|libiomp5", f.title) else f for f in findings]
