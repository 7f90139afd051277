"""Julia's Pkg that could not install a package's artifact (the binary MKL_jll and its kind ship MKL in):
``┌ Error: Hash Mismatch!`` (the sha256 of the download is not the one Artifacts.toml records), then ``ERROR: Unable to
automatically install 'MKL' from '/home/u/.julia/packages/MKL_jll/9puEf/Artifacts.toml'`` (Julia 1.6 and newer: ``Unable
to automatically download/install artifact 'MKL' from sources listed in '...'``).

A registered MKL_jll whose recorded hash was wrong was mended by an update of Julia's General registry
(JuliaPackaging/BinaryBuilder.jl#618); a download cut or rewritten on its way (a proxy) gives the same mismatch.

Julia's own loader failing inside R (:func:`julia_in_r`, JuliaCall#10) is here too: the loader's finding for a log from
another machine asks for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ArtifactNotInstalled:
    artifact: str  # "MKL"
    toml: str  # the package's Artifacts.toml
    line: str


@dataclass(frozen=True, slots=True)
class HashMismatch:
    line: str


@dataclass(frozen=True, slots=True)
class PackageNotInPath:
    """Julia's ``ArgumentError: Package MKL not found in current path`` (``using MKL`` where the active environments do
    not have it; MKL.jl#57: in PackageCompiler's child process, which did not keep JuliaPro's default environment)."""

    package: str
    line: str
    child: bool  # a process Julia started for a build (PackageCompiler's sysimage, a build script)


@dataclass(frozen=True, slots=True)
class Unsatisfiable:
    """Pkg's ``ERROR: Unsatisfiable requirements detected for package PackageCompiler [9b87118b]:`` and its tree after it
    (MKL.jl#36: MKL fixed to 0.2.0, added from its repository, restricting PackageCompiler to releases this Julia cannot
    take)."""

    package: str
    line: str
    tree: tuple[str, ...] = ()
    wants: int = field(default=10, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "Unsatisfiable":
        tree = tuple(line.strip() for line in lines if re.match(r"^\s*[│├└ ─]*\s*(?:\S+ \[[0-9a-f]{8}\]|restricted|possible)", line))
        return replace(self, tree=tree, wants=0)


SIGNATURES = (
    Signature("julia-unsatisfiable", "juliapkg", "ERROR: Unsatisfiable",
              re.compile(r"ERROR: Unsatisfiable requirements detected for package (?P<pkg>\w+) \[[0-9a-f]{8}\]"),
              lambda m, _: Unsatisfiable(m["pkg"], m.string.strip()[:300])),
    Signature("julia-artifact-not-installed", "juliapkg", "Unable to automatically",
              re.compile(r"Unable to automatically (?:install|download/install) (?:artifact )?'(?P<name>[^']{1,80})' from "
                         r"(?:sources listed in )?'(?P<toml>[^']{1,400})'"),
              lambda m, _: ArtifactNotInstalled(m["name"], m["toml"], m.string.strip()[:300])),
    Signature("julia-hash-mismatch", "juliapkg", "rror: Hash Mismatch", re.compile(r"\bError: Hash Mismatch!"),
              lambda m, _: HashMismatch(m.string.strip()[:200])),
    Signature("julia-package-not-in-path", "juliapkg", "found",
              re.compile(r"\bPackage (?P<pkg>[A-Za-z]\w{0,60}) not found in current path"),
              lambda m, before: PackageNotInPath(m["pkg"], m.string.strip()[:300],
                                                 any(w in line for line in (*before, m.string) for w in
                                                     ("packagecompiler", "PackageCompiler", "error during bootstrap", "build.jl")))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ArtifactNotInstalled)
    mismatch = events.of(HashMismatch)
    out = [_not_in_path(e) for e in events.of(PackageNotInPath)[:1]]
    out += [_unsatisfiable(e) for e in events.of(Unsatisfiable) if any("MKL" in line for line in (e.line, *e.tree))][:1]
    if not said and not mismatch:
        return out
    first = said[0] if said else None
    package = re.search(r"[/\\]packages[/\\](?P<pkg>[\w.]+)[/\\]", first.toml) if first else None
    name = package["pkg"] if package else "the package"
    artifact = first.artifact if first else "an artifact"
    evidence = [e.line for e in (*mismatch[:1], *said[:1])]
    if mismatch:
        evidence.append("Pkg checks each download against the sha256 the package's Artifacts.toml records: the file it got "
                        "is not that one (a wrong hash in the registered release, or a download cut or changed on its way)")
    fix = ["update the registry and the package, then install again: julia -e 'using Pkg; Pkg.Registry.update(); "
           f"Pkg.update(\"{name if package else 'MKL_jll'}\"); Pkg.instantiate()' (a registered MKL_jll with a wrong hash was "
           "mended in Julia's General registry: BinaryBuilder.jl#618)",
           "a download a proxy or a firewall cut or rewrote: set HTTPS_PROXY, or JULIA_PKG_SERVER=\"\" to fetch from the "
           "artifact's own URL, then Pkg.gc() and install again"]
    return out + [Finding(
        "julia-artifact-not-installed", "error",
        f"Julia's Pkg could not install the artifact {artifact} of {name}"
        + (": the download's sha256 is not the one its Artifacts.toml records (Hash Mismatch)" if mismatch else ""),
        tuple(evidence), tuple(fix),
        "A JLL package (MKL_jll) ships its library as an artifact that Pkg downloads and checks against a recorded sha256; "
        "a mismatch or a failed download leaves the package without its library.",
        ("julia -e 'using Pkg; Pkg.status(\"MKL_jll\"); Pkg.Registry.status()'   # the release installed, the registry's age",),
    )]


def _unsatisfiable(said: Unsatisfiable) -> Finding:
    tree = " ".join(said.tree)
    fixed = re.search(r"(?P<pkg>\w*MKL\w*) \[[0-9a-f]{8}\] is fixed to version (?P<v>\S+)", tree)
    julia = "julia compatibility" in tree
    evidence = [said.line, *said.tree[:5]]
    fix = []
    if fixed:
        evidence.append(f"{fixed['pkg']} is fixed to {fixed['v']}: added from its repository or a path (pkg> add <URL>), or "
                        "pinned, so the resolver may not move it")
        fix.append(f"free it and let the resolver pick the registered {fixed['pkg']} release for this Julia: pkg> free "
                   f"{fixed['pkg']} (or pkg> rm {fixed['pkg']}, then pkg> add {fixed['pkg']})")
    if julia:
        evidence.append(f"the releases of {said.package} left are not for this Julia (its compatibility requirements): the "
                        "MKL package asks for releases a newer Julia needs")
        fix.append("or a newer Julia, for which MKL.jl's registered releases ask for what it can take (from Julia 1.7, "
                   "MKL.jl switches the BLAS at run time through libblastrampoline)")
    fix.append(f"pkg> status --manifest {said.package} MKL   # what each is now, and why (the tree above names who restricts whom)")
    return Finding(
        "julia-resolve-unsatisfiable", "error",
        f"Julia's resolver found no release of {said.package} that fits: "
        + (f"{fixed['pkg']} is fixed to {fixed['v']}" if fixed else "MKL's package restricts it")
        + (", and this Julia allows none of the rest" if julia else ""),
        tuple(evidence), tuple(fix),
        "Pkg picks one release of each package that meets every package's [compat] and Julia's own; a package fixed to a "
        "version (added by URL, pinned) cannot move, and its requirements may leave nothing for the others.",
        ("julia -e 'using Pkg; Pkg.status(mode=PKGMODE_MANIFEST)'",),
    )


def julia_in_r(soname: str) -> Finding:
    """JuliaCall#10: a Julia built with MKL, started inside R, whose library path R had set."""
    return Finding(
        "loader-cannot-find", "error", f"Julia inside R (JuliaCall) could not open {soname}: R sets the library path of "
        "what runs inside it, and the folder that finds MKL in a shell does not come first there, or at all",
        (f"Julia's dlopen of {soname.split('.so')[0]} failed in a Julia that R started (JuliaCall's julia_setup)",
         "R's startup script (R_HOME/etc/ldpaths) puts R_LD_LIBRARY_PATH (R's lib and the system's library folder) in "
         "front of the shell's LD_LIBRARY_PATH, and an R started from a desktop or RStudio has no shell's path at all: a "
         "Julia built against an MKL found through LD_LIBRARY_PATH does not find it there"),
        ("export R_LD_LIBRARY_PATH=<MKL's lib folder> before starting R (R puts it first in the path it sets), or add "
         "the folder to R_HOME/etc/ldpaths (RStudio: ~/.Renviron is read, the shell's profile is not)",
         "or use a Julia whose BLAS is its own (MKL_jll's artifact, Julia 1.7+ with MKL.jl), which needs no system folder",
         "check from R: Sys.getenv('LD_LIBRARY_PATH') shows the path R's processes get"),
        "R rewrites LD_LIBRARY_PATH at startup; programs it embeds or starts see R's path first, not the shell's.",
        ("R -e 'Sys.getenv(\"LD_LIBRARY_PATH\")'   # the folders R hands to Julia",),
    )


def _not_in_path(said: PackageNotInPath) -> Finding:
    name = said.package
    return Finding(
        "julia-package-not-in-environment", "error",
        f"Julia found no package {name} in the environments it loads from"
        + (": the Julia process a build started does not use the environment it was installed in" if said.child else ""),
        (said.line,
         "using/import look in the active project and the other entries of LOAD_PATH (the default environment "
         "~/.julia/environments/v1.X, @stdlib): a package added to another environment (a project not activated, "
         "JuliaPro's own default environment) is not there"
         + ("; a Julia process started for a build (PackageCompiler's system image, a package's build script) gets the "
            "default environment unless JULIA_PROJECT or JULIA_LOAD_PATH says otherwise (MKL.jl#57)" if said.child else "")),
        (f"add it to the environment the code runs in: julia --project=<that environment> -e 'using Pkg; Pkg.add(\"{name}\")', "
         "or activate the environment that has it (julia --project=<it>, Pkg.activate)",
         "a child process: export JULIA_PROJECT=<the environment that has it> before the build, or make that environment "
         "the default one (copy its Project.toml and Manifest.toml into ~/.julia/environments/v1.X)"),
        "Julia resolves a package name through the environments on LOAD_PATH only; an installed package in another "
        "environment is invisible to it.",
        (f"julia -e 'using Pkg; Pkg.status(); println(Base.load_path())'   # where Julia looks, and whether {name} is there",),
    )
