"""Nix's autoPatchelfHook that found no build input for a library a binary needs: ``error: auto-patchelf could not
satisfy dependency libgfortran.so.5 wanted by /nix/store/...-magma-2.7.2-test/bin/testing_dgels3_gpu``, then
``auto-patchelf: 615 dependencies could not be satisfied``.

auto-patchelf sets each ELF file's run path to the build inputs that hold its DT_NEEDED libraries; one that no input holds
stops the build. With MKL as the BLAS provider (an overlay's ``blasProvider = mkl``) a package may lose a library that
OpenBLAS brought along: OpenBLAS links libgfortran and MKL does not (nixpkgs#334940: magma's tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True, slots=True)
class Unsatisfied:
    soname: str
    wanted_by: str


@dataclass(frozen=True, slots=True)
class UnsatisfiedCount(FollowOn):
    """``auto-patchelf: 615 dependencies could not be satisfied``: the count of the lines before it."""


@dataclass(frozen=True, slots=True)
class UnfreeRefused:
    """``error: Package 'mkl-2019.5.281' in /nix/store/.../mkl/default.nix:110 has an unfree license ('issl'), refusing to
    evaluate.`` (tweag/jupyenv#67): nixpkgs' mkl is unfree."""

    package: str
    line: str


SIGNATURES = (
    Signature("nix-unfree-refused", "nixbuild", "rror: Package",
              re.compile(r"error: Package [‘'](?P<pkg>[^’']+)[’'] in \S+ has an unfree license \([^)]*\), refusing to evaluate"),
              lambda m, _: UnfreeRefused(m["pkg"], m.string.strip()[:300])),
    Signature("nix-auto-patchelf-unsatisfied", "nixbuild", "ould not",
              re.compile(r"auto-patchelf could not satisfy dependency (?P<so>\S+) wanted by (?P<by>\S+)"),
              lambda m, _: Unsatisfied(m["so"], m["by"])),
    # auto-patchelf before nixpkgs 22.05 listed each file's needs: "searching for dependencies of <file>", then
    # "  libcoi_device.so.0 -> not found!" (nixpkgs PR #63843: Mathematica's libmkl_ao_worker.so)
    Signature("nix-auto-patchelf-not-found", "nixbuild", "not found!",
              re.compile(r"^\s+(?P<so>\S+\.so(?:\.[\w.]+)?) -> not found!\s*$"),
              lambda m, before: Unsatisfied(m["so"], by["by"] if (by := last_match(
                  r"searching for dependencies of (?P<by>\S+)", before)) else "a file of the derivation")),
    Signature("nix-auto-patchelf-count", "nixbuild", "ould not",
              re.compile(r"^\s*auto-patchelf: \d+ dependenc(?:y|ies) could not be satisfied"),
              lambda m, _: UnsatisfiedCount(m.string.strip())),
)

# the nixpkgs attribute that holds a soname auto-patchelf commonly misses beside MKL
_PROVIDERS = (
    (re.compile(r"libgfortran\.so"), "gfortran.cc.lib (gfortran's runtime)"),
    (re.compile(r"libgomp\.so"), "the compiler's OpenMP runtime (stdenv.cc.cc.lib for GCC's libgomp)"),
    (re.compile(r"libquadmath\.so"), "gfortran.cc.lib (GCC's libquadmath)"),
    (re.compile(r"libiomp5\.so"), "mkl (Intel's OpenMP runtime ships with it) or llvmPackages.openmp"),
    (re.compile(r"libmkl_"), "mkl"),
    # Intel MPSS's COI library, which only MKL's Automatic Offload worker for Xeon Phi (KNC) coprocessors links
    (re.compile(r"libcoi_(?:device|host)\.so"), "none: it is Intel MPSS's library for Xeon Phi (KNC) coprocessors, which only MKL's "
     "Automatic Offload worker (libmkl_ao_worker.so) needs; ignore it (autoPatchelfIgnoreMissingDeps) or remove that file "
     "from the output (nixpkgs PR #63843: Mathematica)"),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(Unsatisfied)
    if not said:
        return [_unfree(e) for e in events.of(UnfreeRefused) if e.package.startswith(("mkl-", "intel-oneapi-mkl"))][:1]
    sonames = list(dict.fromkeys(e.soname for e in said))
    users = list(dict.fromkeys(e.wanted_by.rsplit("/", 1)[-1] for e in said))
    first = sonames[0]
    provider = next((p for pattern, p in _PROVIDERS if pattern.search(first)), None)
    evidence = [f"auto-patchelf could not satisfy dependency {s} (wanted by {', '.join(users[:2])}"
                f"{' and more' if len(users) > 2 else ''})" for s in sonames[:4]]
    evidence.append("autoPatchelfHook gives each binary a run path to the build inputs that hold its needed libraries; a "
                    "library no input holds stops the build")
    fix = [f"no package holds {first}: {provider[6:]}" if provider and provider.startswith("none: ") else
           f"add the package that holds {first} to the derivation's buildInputs"
           + (f": {provider}" if provider else " (nix-locate " + first + " names it)")]
    if "gfortran" in first or "quadmath" in first:
        fix.append("with MKL as the BLAS provider (blasProvider = mkl, lapackProvider = mkl in an overlay): OpenBLAS links "
                   "libgfortran and brought it into the closure; MKL does not, so a package that needs it must list it itself "
                   "(nixpkgs#334940: magma's test binaries)")
    if any(layout.any_mkl_file(s) for s in sonames):
        fix.append("MKL's libraries from nixpkgs' mkl package (unfree: allowUnfree), or the blas/lapack providers set to mkl")
    fix.append("or, where the library is loaded at run time from elsewhere on purpose: autoPatchelfIgnoreMissingDeps = "
               f"[ \"{first}\" ]")
    return [Finding(
        "nix-dependency-unsatisfied", "error",
        f"Nix's auto-patchelf found no build input holding {first}"
        + (f" (and {len(sonames) - 1} more libraries)" if len(sonames) > 1 else "") + ": the derivation's buildInputs lack it",
        tuple(evidence), tuple(fix),
        "auto-patchelf resolves each binary's DT_NEEDED libraries against the build's inputs only (the Nix store has no "
        "system folders), so every library a binary links must come from an input.",
    )]


def _unfree(event: UnfreeRefused) -> Finding:
    return Finding(
        "nix-mkl-unfree", "error", f"Nix refused to evaluate {event.package}: nixpkgs' MKL is unfree, and unfree packages are "
        "off unless allowed", (event.line,
                               "nixpkgs marks mkl unfree (Intel's Simplified Software License, 'issl'); an expression that "
                               "pulls it in, directly or as a BLAS provider (blasProvider = mkl), evaluates only where unfree "
                               "packages are allowed, which another environment or an overlay's own nixpkgs may not say"),
        ("allow unfree packages where this nixpkgs is imported: import nixpkgs { config.allowUnfree = true; } (or "
         "config.allowUnfreePredicate = pkg: builtins.elem (lib.getName pkg) [ \"mkl\" ];), in each import of nixpkgs the "
         "expression makes",
         "for a one-off command: NIXPKGS_ALLOW_UNFREE=1 nix-shell ... (nix build/shell with --impure)"),
        "nixpkgs refuses an unfree package at evaluation unless the nixpkgs instance that evaluates it allows it; each import "
        "of nixpkgs has its own config.",
    )
