"""A Rust build that links Apple's Accelerate framework for a target that is not Apple's: rustc's ``library kind
`framework` is only supported on Apple targets`` (a build script's ``cargo:rustc-link-lib=framework=Accelerate``) or
``error[E0455]: link kind `framework` is only supported on Apple targets`` (a ``#[link(kind = "framework")]``). The
BLAS choice of a crate graph is macOS's on every platform: blas-src's or ndarray-linalg's ``accelerate`` feature, or
candle's, turned on unconditionally (larql's troubleshooting: Windows wants intel-mkl-src there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class FrameworkOffApple:
    line: str


SIGNATURES = (
    Signature("rustc-framework-off-apple", "appleframework", "only supported on Apple",
              re.compile(r"(?:library|link) kind [`'‘]framework[`'’] is only supported on Apple targets"),
              lambda m, _: FrameworkOffApple(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(FrameworkOffApple)
    if not said:
        return []
    return [Finding(
        "apple-framework-off-apple", "error",
        "the build links Apple's framework (Accelerate, macOS's BLAS) for a target that is not Apple's: the crate graph's "
        "BLAS choice is macOS's on every platform",
        (said[0].line, "a framework is a macOS library kind: a crate whose BLAS feature is accelerate (blas-src, "
                       "accelerate-src, ndarray-linalg's or candle's accelerate feature) asks rustc for "
                       "framework=Accelerate wherever it builds; Windows and Linux have no Accelerate, and MKL or OpenBLAS "
                       "is their BLAS"),
        ("make the BLAS feature per platform in Cargo.toml: [target.'cfg(target_os = \"macos\")'.dependencies] "
         "blas-src = { version = \"0.10\", features = [\"accelerate\"] }, and [target.'cfg(not(target_os = \"macos\"))'"
         ".dependencies] blas-src = { version = \"0.10\", default-features = false, features = [\"intel-mkl\"] } with "
         "intel-mkl-src's mkl-static-lp64-seq feature (or openblas-src); candle: build with -F accelerate on macOS only, "
         "-F mkl elsewhere",
         "cargo tree -e features -i accelerate-src   # which crate and feature turned Accelerate on"),
        "rustc links a framework only for Apple targets; a BLAS feature chosen for macOS and left on for every target "
        "stops the build on the others.",
        ("cargo tree -e features -i blas-src   # the BLAS features each crate asks for",),
    )]
