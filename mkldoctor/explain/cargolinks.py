"""cargo refusing two crates that link one native library: ``package `intel-mkl-src` links to the native library
`mkl_core`, but it conflicts with a previous package which links to `mkl_core` as well``.

intel-mkl-src declares ``links = "mkl_core"`` (0.6 to 0.8; ``mkl_intel_lp64`` in 0.4), and cargo allows one package of a
``links`` value in a dependency graph. Two crates of a build that ask for semver-incompatible releases of it (candle's
intel-mkl-src 0.6 beside ndarray-linalg's 0.8, or another MKL crate with the same links value) cannot both be built:
cargo's resolver stops before any build script runs. The crates that asked are in the error's two chains ("required by
package ..." for the one it was choosing, "... which satisfies dependency ... of package ..." for the one it had).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_REQUIRED = re.compile(r"\.\.\. required by package `(?P<pkg>[\w-]+) v(?P<version>[^\s`]+)")
_MEETS = re.compile(r"versions that meet the requirements `(?P<req>[^`]+)`")
_PREVIOUS = re.compile(r"^\s*package `(?P<pkg>[\w-]+) v(?P<version>[^\s`]+)")
_SATISFIES = re.compile(r"\.\.\. which satisfies (?:path |git )?dependency `[\w-]+`.* of package "
                        r"`(?P<pkg>[\w-]+) v(?P<version>[^\s`]+)")


@dataclass(frozen=True, slots=True)
class LinksConflict:
    package: str  # intel-mkl-src
    native: str  # mkl_core
    line: str
    wanted_by: str = ""  # "ndarray-linalg v0.16.0": the crate whose requirement cargo was choosing a version for
    requirement: str = ""  # "^0.8.1": that crate's requirement
    previous: str = ""  # "intel-mkl-src v0.6.0": the package already in the graph with the same links value
    previous_by: str = ""  # "candle-core v0.3.0": the crate that asked for it
    wants: int = field(default=3, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "LinksConflict":
        previous = next((m for line in lines[:1] for m in [_PREVIOUS.match(line)] if m), None)
        by = next((m for line in lines[1:3] for m in [_SATISFIES.search(line)] if m), None)
        return replace(self, previous=f"{previous['pkg']} v{previous['version']}" if previous else "",
                       previous_by=f"{by['pkg']} v{by['version']}" if by else "", wants=0)


def _conflict(m: re.Match, before) -> LinksConflict:
    wanted = next((r for line in reversed(list(before)) for r in [_REQUIRED.search(line)] if r), None)
    meets = next((r for line in reversed(list(before)) for r in [_MEETS.search(line)] if r), None)
    return LinksConflict(m.group("pkg"), m.group("native"), m.string.strip()[:300],
                         f"{wanted['pkg']} v{wanted['version']}" if wanted else "", meets["req"] if meets else "")


@dataclass(frozen=True, slots=True)
class CandleMklCall:
    """An undefined reference in candle-core's mkl.rs whose name a paste cut after the quote (text-embeddings-inference#64:
    ".../candle-core/src/mkl.rs:134: undefined reference to `")."""

    location: str
    line: str


SIGNATURES = (
    Signature("candle-mkl-call-cut", "cargolinks", "ndefined reference to",
              re.compile(r"(?P<loc>\S*candle-core/src/mkl\.rs:\d+): undefined reference to [`'‘]\s*$"),
              lambda m, _: CandleMklCall(m["loc"], m.string.strip()[:300])),
    Signature("cargo-links-conflict", "cargolinks", "conflicts with a previous package",
              re.compile(r"package `(?P<pkg>[\w-]+)` links to the native library `(?P<native>[^`]+)`, but it conflicts with a "
                         r"previous package"), _conflict),
    # cargo's head and last line around its reason (a links value, or versions that meet no requirement)
    Signature("cargo-failed-to-select", "cargolinks", "ailed to select a version",
              re.compile(r"^(?:error: )?failed to select a version for `[\w-]+`"), lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(LinksConflict)
    if not said:
        return [_candle(e) for e in events.of(CandleMklCall)[:1]]
    e = said[0]
    mkl = "mkl" in e.package or e.native.startswith("mkl")
    old = e.previous.split(" v", 1)[-1] if e.previous else "another release"
    older = e.previous_by or "the crate the error names last"
    asked = [f"{e.wanted_by} asks for {e.package} {e.requirement or '(another release)'}" if e.wanted_by else "",
             f"{e.previous_by} asks for {e.previous}" if e.previous_by else ""]
    return [Finding(
        "cargo-links-conflict", "error",
        f"cargo: two releases of {e.package} in one build"
        + (f" ({e.previous} for {e.previous_by}, {e.requirement or 'another'} for {e.wanted_by})"
           if e.previous_by and e.wanted_by else "")
        + f", and both link the native library {e.native}: cargo allows one",
        tuple(x for x in (e.line, *asked,
                          f"{e.package} declares links = \"{e.native}\"; cargo lets one package of a links value into a "
                          "dependency graph, so that one copy of the native library is linked"
                          + (" (intel-mkl-src 0.6 to 0.8 link mkl_core; 0.4 mkl_intel_lp64)" if mkl else "")) if x),
        (f"make the crates agree on one {e.package}: update the crate that asks for the older ({older}: cargo update -p "
         f"{older.split(' v', 1)[0]}, or a newer release of it in Cargo.toml) to one that depends on the same {e.package} "
         f"release as {e.wanted_by or 'the other'}",
         f"or take {e.package} from one crate only: turn off the MKL feature of the other (its 'mkl' or 'intel-mkl' feature "
         "in Cargo.toml), so that one crate links MKL and the other uses it",
         f"[patch.crates-io] cannot join {old} and another release that semver calls incompatible (0.x minors differ): the "
         "crates' own requirements must meet"),
        "Cargo's links key names the native library a package links; two packages with one value would link it twice, and "
        "cargo's resolver stops before any build script runs.",
        (f"grep -rn '{e.package}' Cargo.toml */Cargo.toml   # the requirements the workspace's crates state; cargo tree -i "
         f"{e.package} lists who asks for it once the graph resolves",),
        locations=ctx.located([e], f"{e.package} twice"),
    )]


def _candle(event: CandleMklCall) -> Finding:
    from mkldoctor.knowledge import build_scripts, recipes

    return Finding(
        "mkl-symbol-unresolved", "error",
        "candle-core's MKL calls are undefined at the link (their names cut from the paste): the final binary links no MKL",
        (event.line,
         f"{event.location} is candle's MKL code (its mkl feature: MKL's BLAS and vector math, vsTanh and the others): it "
         "leaves MKL's names to the intel-mkl-src crate, which links MKL only into a binary that uses it"),
        ("link the crate that brings MKL into the final binary: add `extern crate intel_mkl_src;` to its main.rs (candle's "
         "FAQ), with intel-mkl-src and an mkl-* feature in that package's Cargo.toml (its default is "
         f"{build_scripts.INTEL_MKL_SRC_DEFAULT}); then {recipes.CARGO_CLEAN}",
         "or build without candle's mkl feature"),
        "rustc links a crate's native libraries only where the crate is used; candle's mkl feature calls MKL and names no "
        "MKL library itself.",
        ("cargo build -v 2>&1 | grep -o 'undefined reference to `[^'\'']*' | sort -u   # the names, whole",),
    )
