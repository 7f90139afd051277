"""What the build scripts of Rust crates that reach MKL look for, in order, and how they fail.

A cargo build that stops with ``failed to run custom build command for `intel-mkl-src v0.5.0``` is
explained by what that crate's ``build.rs`` does at that version. Read from the crates' own sources at
their release tags (rust-math/intel-mkl-src: ``intel-mkl-src-0.5.0``, ``intel-mkl-src-v0.7.0``,
``intel-mkl-src-v0.8.1``; coreylowman/dfdx ``v0.11.1``) and the threads that established the failures
(rust-math/intel-mkl-src#103 and #114: the S3 download retired; blas-src#26, egobox#162, dfdx#712).
What intel-mkl-src's download unpacks, and where, is :mod:`mkldoctor.discover.intel_mkl_src`'s.
Install commands are :mod:`mkldoctor.knowledge.recipes`'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.knowledge.history import version_key
from mkldoctor.knowledge.recipes import CARGO_CLEAN

# intel-mkl-src 0.8's configuration when no mkl-* feature reaches it (its build script's default): 64-bit integers
INTEL_MKL_SRC_DEFAULT = "mkl-static-ilp64-iomp"


@dataclass(frozen=True)
class BuildScript:
    crate: str
    first: str  # the first version this entry covers
    last: str  # the last version it covers ("0.7.99": any 0.7)
    looks: tuple[str, ...]  # what the build script looks for, in order
    failure: str  # how it fails, in words
    fix: tuple[str, ...]
    stops: bool = True  # whether it stops by itself when it finds no MKL (else a panic is something else's: its own words)

    def covers(self, crate: str, version: str) -> bool:
        v = version_key(version.split("+", 1)[0])
        return crate == self.crate and version_key(self.first) <= v <= version_key(self.last)


_WINDOWS_ROOTS = "C:/Program Files (x86)/IntelSWTools/ and C:/Program Files (x86)/Intel/oneAPI/"

SCRIPTS: tuple[BuildScript, ...] = (
    # read from the crate's own tags: v0.2.x's build.rs runs `curl -L <a Dropbox link>` without looking at curl's status,
    # writes curl's output as the archive and checks its MD5; 0.3 asks pkg-config's mkl-dynamic-lp64-iomp first, 0.4
    # downloads from the crate's S3 bucket instead (rust-autograd#21: 0.2.5's empty download)
    BuildScript(
        "intel-mkl-src", "0.2.0", "0.4.99",
        ("0.3 and 0.4: pkg-config's mkl-dynamic-lp64-iomp.pc",
         "else (0.2: always) it downloads an MKL archive: 0.2 and 0.3 with curl from a Dropbox link (later releases left "
         "it), 0.4 from the crate's S3 bucket, since retired"),
        "found no MKL and downloaded: 0.2 and 0.3 write whatever curl printed (nothing, where curl fetched nothing) and "
        "stop at the archive's MD5 ('check sum of downloaded archive is incorrect'); 0.4's bucket is retired (it stops at "
        "the HTTP status)",
        ("use intel-mkl-src 0.8 or newer (blas-src 0.10, lapack-src 0.10, ndarray-linalg 0.16 and later reach it): it finds a "
         "system MKL or fetches its own from an OCI registry",
         "or (0.3, 0.4) give it a system MKL through pkg-config: install MKL with its .pc files, then "
         "export PKG_CONFIG_PATH=<MKL prefix>/lib/pkgconfig (it asks for mkl-dynamic-lp64-iomp)"),
    ),
    BuildScript(
        "intel-mkl-src", "0.5.0", "0.5.99",
        ("pkg-config's mkl-dynamic-lp64-iomp.pc",
         "else it downloads an MKL archive from the crate's own S3 bucket, which has been retired: the download fails"),
        "with no mkl-dynamic-lp64-iomp.pc on PKG_CONFIG_PATH it always downloads, and the download can no longer succeed "
        "(it panics: 'Failed to downalod Intel-MKL archive'); this version can never fetch MKL again",
        ("use intel-mkl-src 0.8 or newer (blas-src 0.10, lapack-src 0.10, ndarray-linalg 0.16 and later reach it): it finds a "
         "system MKL or fetches its own from an OCI registry",
         "or keep 0.5 and give it a system MKL through pkg-config: install MKL with its .pc files, then "
         "export PKG_CONFIG_PATH=<MKL prefix>/lib/pkgconfig (it asks for mkl-dynamic-lp64-iomp, so Intel's OpenMP too)"),
    ),
    BuildScript(
        "intel-mkl-src", "0.6.0", "0.7.99",
        ("pkg-config's mkl-<config>.pc (the crate's mkl-* feature, mkl-static-ilp64-seq by default)",
         "$MKLROOT", f"/opt/intel (Windows: {_WINDOWS_ROOTS})",
         "else, with its download feature, an MKL 2020.1 archive from the crate's S3 bucket, which has been retired"),
        "found no MKL and tried the download ('Download Intel MKL archive into ...'), which can no longer succeed; without "
        "the download feature it stops with 'No MKL found, and download flag is off.'",
        ("install MKL where the build script looks (MKLROOT, or the .pc files on PKG_CONFIG_PATH), then "
         f"{CARGO_CLEAN} and build again",
         "or move to intel-mkl-src 0.8 or newer (linfa 0.8, blas-src 0.10, ndarray-linalg 0.16), whose fallback download works"),
    ),
    BuildScript(
        "intel-mkl-src", "0.8.0", "0.99.99",
        (f"pkg-config --variable=prefix mkl-<config> (the crate's mkl-* feature, {INTEL_MKL_SRC_DEFAULT} by default)",
         "$MKLROOT", f"/opt/intel (Windows: {_WINDOWS_ROOTS})",
         "for a static config only: the OCI image <registry>/rust-math/rust-mkl/<os>/<config> (MKL 2020.1 on Linux, 2022.0 "
         "on Windows), downloaded and unpacked by ocipkg"),
        "the build script itself does not stop when it finds no MKL (the link does, later); a panic comes from the "
        "ocipkg download (no network, a proxy, a registry error) or from a .pc file or MKLROOT that points at no usable MKL",
        ("give it a system MKL so that it does not download: export MKLROOT=<MKL prefix> (or PKG_CONFIG_PATH=<prefix>/lib/pkgconfig "
         "with the mkl-<config>.pc files), "
         f"then {CARGO_CLEAN} and build again",),
        stops=False,
    ),
    BuildScript(
        "dfdx", "0.11.0", "0.11.99",
        ("ONEAPI_ROOT (default /opt/intel/oneapi)",
         "LD_LIBRARY_PATH must contain the literal text 'mkl/latest/lib/intel64' or 'mkl/2022.1.0/lib/intel64' (and "
         "'compiler/latest/linux/compiler/lib/intel64_lin' or its 2022.1.0 form)"),
        "its check is on the text of LD_LIBRARY_PATH, for oneAPI 2022.1.0's folders: oneAPI 2023's setvars.sh puts "
        "mkl/2023.x.y/lib/intel64 there, so the check fails although MKL is on the path",
        ("export LD_LIBRARY_PATH=/opt/intel/oneapi/mkl/latest/lib/intel64:/opt/intel/oneapi/compiler/latest/linux/compiler/lib/"
         "intel64_lin:$LD_LIBRARY_PATH   # the 'latest' links point at the installed release",
         "or build without dfdx's intel-mkl feature (later dfdx releases dropped the MKL backend)"),
    ),
)


# what intel-mkl-src's own download holds: one configuration's layers (semantic-router#3696: mkl-static-lp64-iomp has
# libmkl_intel_lp64.a, libmkl_intel_thread.a, libmkl_core.a and libiomp5.a, and no libmkl_sequential.a)
DOWNLOAD_HOLDS = ("intel-mkl-src's own download (MKL 2020.1, for the configuration its mkl-* feature names) holds only that "
                  "configuration's layers: mkl-static-lp64-iomp has libmkl_intel_thread.a and libiomp5.a, and no "
                  "libmkl_sequential.a")


def script(crate: str, version: str | None) -> BuildScript | None:
    """What is known of ``crate``'s build script at ``version`` (its newest entry when the version is unknown)."""
    entries = [s for s in SCRIPTS if s.crate == crate]
    if not entries:
        return None
    if not version:
        return entries[-1]
    return next((s for s in entries if s.covers(crate, version)), None)


@dataclass(frozen=True)
class Breakage:
    """A crate of the MKL build chain that no longer compiles, at the versions it covers, by what rustc says."""

    crate: str
    first: str
    last: str
    error: str  # a regular expression rustc's error line matches
    near: str  # and one the lines after it match (the code rustc quotes)
    cause: str
    fix: tuple[str, ...]
    source: str  # the thread that established it

    def covers(self, crate: str, version: str) -> bool:
        v = version_key(version.split("+", 1)[0])
        return crate == self.crate and version_key(self.first) <= v <= version_key(self.last)


BREAKAGES: tuple[Breakage, ...] = (
    Breakage(
        "intel-mkl-tool", "0.2.0", "0.2.99",
        # rustc before 1.7x names the function; later ones say "a function call" and quote the `if let Ok(..)`
        r"error\[E0532\]: expected (?:tuple struct or tuple variant, found function `Ok`|a pattern, found a function call)",
        r"\bOk\(",
        "anyhow 1.0.49 added a public function named Ok; intel-mkl-tool 0.2 (a build dependency of intel-mkl-src before "
        "0.7) imports anyhow with use anyhow::* and its modules with use crate::*, so `Ok` in its `if let Ok(..)` patterns "
        "is anyhow's function, not Result::Ok, once cargo resolves anyhow 1.0.49 or newer",
        ("pin anyhow below 1.0.49 in the top-level Cargo.toml: anyhow = \"=1.0.48\", then cargo update -p anyhow --precise 1.0.48",
         "or move to intel-mkl-src 0.7 or newer (its tool no longer glob-imports anyhow), through the crate that reaches it "
         "(ndarray-linalg, linfa, blas-src/lapack-src)"),
        "rust-math/intel-mkl-src#68, fixed by #70 (released in intel-mkl-src 0.7.0); rust-ml/linfa#197",
    ),
)


def breakage(crate: str, version: str, line: str, after: str) -> Breakage | None:
    """What is known of rustc's ``line`` (``error[E0532]: ...``, ``after``: the lines it quotes next) in ``crate`` at
    ``version``, or None."""
    return next((b for b in BREAKAGES if b.covers(crate, version) and re.search(b.error, line) and re.search(b.near, after)),
                None)
