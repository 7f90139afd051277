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


@dataclass(frozen=True, slots=True)
class JuliaSaid:
    """Julia's words on an artifact or the CPU that name the cause: Pkg that could not run 7z to unpack a download
    (``could not spawn setenv(`7z.exe x ...``: an app of PackageCompiler's, MKL.jl#137), a lazy artifact in a JLL built
    without LazyArtifacts (``Artifact "MKL" is a lazy artifact; package developers must call `using LazyArtifacts` in
    MKL_jll``: Julia 1.6, BinaryBuilder.jl#982), CpuId's x86 leaf asked of another CPU (LinearSolve.jl#519)."""

    kind: str  # "7z", "lazy", "cpuid"
    name: str  # the artifact, the JLL, the package precompiled
    line: str


def _cpuid(m: re.Match, before) -> JuliaSaid:
    package = next((p["pkg"] for line in reversed(list(before)[-12:]) if (p := re.search(r"\bPrecompiling (?P<pkg>\w+)", line))), "")
    return JuliaSaid("cpuid", package, m.string.strip()[:300])


SIGNATURES = (
    Signature("julia-7z-not-spawned", "juliapkg", "rror: IOError",
              re.compile(r"\bError: IOError: could not spawn (?:setenv\()?`(?:\S*[\\/])?7z(?:\.exe)? "),
              lambda m, _: JuliaSaid("7z", "", m.string.strip()[:300])),
    Signature("julia-lazy-artifact", "juliapkg", "InitError",
              re.compile(r"InitError: Artifact \"(?P<name>[^\"]{1,80})\" is a lazy artifact; package developers must call "
                         r"`using LazyArtifacts` in (?P<pkg>\w+)"),
              lambda m, _: JuliaSaid("lazy", m["pkg"], m.string.strip()[:300])),
    Signature("julia-cpuid-leaf", "juliapkg", "ERROR: LoadError",
              re.compile(r"ERROR: LoadError: This CPU does not provide information on cpuid leaf 0x[0-9a-f]+"), _cpuid),
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
    spoke = {e.kind: e for e in events.of(JuliaSaid)}
    out += [_lazy(spoke["lazy"])] if "lazy" in spoke else []
    out += [_cpuid_finding(spoke["cpuid"])] if "cpuid" in spoke else []
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
    unpack = spoke.get("7z")
    if unpack:  # MKL.jl#137: PackageCompiler's app had no 7z to unpack MKL's artifact, lazy, fetched at its first run
        evidence.append(unpack.line)
        evidence.append("Pkg unpacks a downloaded artifact with 7z, which Julia ships in its libexec folder: a program that "
                        "runs without it (an app or a sysimage of PackageCompiler's, a Julia whose libexec is gone) cannot "
                        "start it; MKL_jll's artifact is lazy, so an app fetches it at its first run")
        fix = ["an app of PackageCompiler's: a release of PackageCompiler that bundles 7z with the app (its PR #877, 2023), or "
               "create_app(...; include_lazy_artifacts=true) so MKL's artifact is inside the app and nothing is fetched",
               "or put a 7-Zip (7z.exe) on PATH for the program's first run"]
    return out + [Finding(
        "julia-artifact-not-installed", "error",
        f"Julia's Pkg could not install the artifact {artifact} of {name}"
        + (": the download's sha256 is not the one its Artifacts.toml records (Hash Mismatch)" if mismatch else
           ": it could not run 7z to unpack the download" if unpack else ""),
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


def _lazy(said: JuliaSaid) -> Finding:
    return Finding(
        "julia-lazy-artifact-unloadable", "error",
        f"{said.name} declares its artifact lazy, and this Julia loads a lazy artifact only through LazyArtifacts, which "
        f"that build of {said.name} does not load",
        (said.line, "Julia 1.6 moved lazy artifacts into the LazyArtifacts standard library: a JLL package made before "
                    "BinaryBuilder added it to its wrappers (BinaryBuilder.jl#982; MKL_jll 2021.1.1, whose MKL artifact was made "
                    "lazy for its size) fails in its __init__"),
        (f"update it to a build made after that fix: julia -e 'using Pkg; Pkg.update(\"{said.name}\")'",
         f"or, until one is registered for this Julia, keep the release before it: pkg> add {said.name}@<the previous version>"),
        "A lazy artifact is downloaded on first use; Julia 1.6 and newer do that only for a package that loads LazyArtifacts.",
        (f"julia -e 'using Pkg; Pkg.status(\"{said.name}\"; mode=PKGMODE_MANIFEST)'   # the build installed",),
    )


def _cpuid_finding(said: JuliaSaid) -> Finding:
    package = said.name or "a package"
    return Finding(
        "julia-cpuid-on-other-cpu", "error",
        f"{package} asked the CPU for an x86 cpuid leaf (CpuId.jl) while it precompiled: this CPU is not x86 (Apple silicon, ARM)",
        (said.line, "CpuId.jl reads x86's CPUID instruction; a package that reads the CPU's brand that way when it loads fails "
                    "on a CPU that has none: LinearSolve 2.31.0 did, to decide whether to load MKL_jll (not on AMD EPYC), "
                    "on every machine (LinearSolve.jl#519; MKL has no build for ARM anyway)"),
        (f"update {package}: its release that asks only on x86 (LinearSolve.jl#521), julia -e 'using Pkg; Pkg.update(\"{package}\")'",
         f"or keep the release before the check: pkg> add {package}@<the previous version> (LinearSolve: 2.30)"),
        "The CPUID instruction is x86's; ARM processors have none, and a package that asks for it must ask only on x86.",
        ("julia -e 'println(Sys.ARCH)'   # aarch64 here",),
    )
