"""cargo: a crate's build script that failed, said with the crate's name, version and the script's own words.

``error: failed to run custom build command for `intel-mkl-src v0.8.1``` is followed by the script's
``--- stdout`` and ``--- stderr`` and its panic (``thread 'main' panicked at build.rs:11:23:`` with the
message on the next line, or on the same line in Rust before 1.73). The finding names the crate and
version, quotes the panic and the script's lines about MKL, and, for the crates whose scripts are known
(:mod:`mkldoctor.knowledge.build_scripts`), says what the script looks for, in order, and why it failed:
intel-mkl-src 0.5 to 0.7 download MKL from an address that has been retired; 0.8 looks at pkg-config,
MKLROOT and /opt/intel before downloading. Another ``-sys`` crate's own message is the evidence.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import build_scripts
from mkldoctor.knowledge.recipes import q, CARGO_CLEAN


@dataclass(frozen=True, slots=True)
class BuildScriptFailed:
    crate: str
    version: str


@dataclass(frozen=True, slots=True)
class BuildScriptPanic:
    message: str
    location: str
    wants: int = field(default=0, compare=False)  # Rust 1.73+: the message is on the next line
    at: int = field(default=0, compare=False)
    opened: bool = field(default=False, compare=False)  # the quoted message goes on over the next lines
    returned: bool = field(default=False, compare=False)  # main's Err printed as "Error: ...", not a panic

    def followed(self, lines: tuple[str, ...]) -> "BuildScriptPanic":
        if not self.opened:
            return replace(self, message=(lines[0].strip() if lines else ""), wants=0)
        # before Rust 1.73, a message a paste wrapped: "panicked at 'called `Result::unwrap()` on an `Err` value:", its
        # rest ending "}'," and then the place ("/x/vendor/libR-sys/build.rs:637", ":40": string2path, r-package-devel)
        text = " ".join((self.message, *(line.strip() for line in lines)))
        message, _, place = text.partition("',")
        return replace(self, message=message.strip()[:300], location=re.sub(r"\s+:", ":", place.strip()).split(" ")[0][:300],
                       wants=0, opened=False)


@dataclass(frozen=True, slots=True)
class DownloadAttempt:
    """intel-mkl-src 0.6/0.7: ``warning: intel-mkl-src@0.7.0+mkl2020.1: "Download Intel MKL archive into ..."``."""

    crate: str
    version: str


@dataclass(frozen=True, slots=True)
class CrateEcho(FollowOn):
    """``error: could not compile `intel-mkl-src``` : an echo of the failure above it that names the crate."""

    crate: str = ""


@dataclass(frozen=True, slots=True)
class KnownRustcError:
    """rustc's coded error (``error[E0532]: ...``) in a crate of the MKL chain at a version known not to compile."""

    line: str
    crate: str = ""
    version: str = ""
    before: tuple[str, ...] = field(default=(), compare=False)
    after: str = field(default="", compare=False)  # the lines rustc quotes after it
    wants: int = field(default=3, compare=False)  # the ``-->`` line names the crate's file, then the code
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "KnownRustcError | Unrecognised":
        """Known when the ``-->`` line's crate folder (``intel-mkl-tool-0.2.0+mkl2020.1/src/...``) and the error are one
        of :data:`build_scripts.BREAKAGES`; any other coded error stays unrecognised, with its lines."""
        where = _CRATE_DIR.search(lines[0]) if lines else None
        if where and build_scripts.breakage(where.group("crate"), where.group("version"), self.line, "\n".join(lines)):
            return replace(self, crate=where.group("crate"), version=where.group("version"), after="\n".join(lines), wants=0)
        return Unrecognised(self.line, (*self.before, self.line, *lines), self.at)


_CRATE_DIR = re.compile(r"-->\s*\S*?(?:^|/)(?P<crate>[A-Za-z][\w-]*?)-(?P<version>\d+\.\d+\.\d+[^/\s]*)/")


@dataclass(frozen=True, slots=True)
class RegistryAuthFailed:
    """``Error: Authorization failed: https://<registry>/token``: an OCI registry refused a pull token (ocipkg's words)."""

    url: str
    host: str


def _panic(m: re.Match, _) -> BuildScriptPanic:
    if m.group("message") is not None:  # thread 'main' panicked at 'MESSAGE', src/build.rs:11:23
        return BuildScriptPanic(m.group("message"), m.group("loc") or "")
    if m.group("open") is not None:
        return BuildScriptPanic(m.group("open"), "", wants=3, opened=True)
    return BuildScriptPanic("", m.group("loc2") or "", wants=1)


@dataclass(frozen=True, slots=True)
class PcFileMissing:
    """The pkg-config crate's words in a build script: ``The system library `mkl-dynamic-lp64-iomp` required by crate
    `intel-mkl-sys` was not found`` (system-deps': ``could not find system library '...' required by the '...' crate``)."""

    library: str
    crate: str


def _pc(m: re.Match, _):
    return PcFileMissing(m.group("lib"), m.group("crate")) if m.group("lib").startswith("mkl") else NOT_MINE


SIGNATURES = (
    Signature("pkg-config-crate-not-found", "cargo", "was not found",
              re.compile(r"The system library `(?P<lib>[\w.+-]{1,200})` required by crate `(?P<crate>[\w-]{1,100})` was not found"), _pc),
    Signature("system-deps-not-found", "cargo", "could not find system library",
              re.compile(r"could not find system library '(?P<lib>[\w.+-]{1,200})' required by the '(?P<crate>[\w-]{1,100})' crate"), _pc),
    Signature("cargo-build-script-failed", "cargo", "failed to run custom build command",
              re.compile(r"failed to run custom build command for `(?P<crate>[\w-]+) v(?P<version>[^\s`]+)"),
              lambda m, _: BuildScriptFailed(m.group("crate"), m.group("version"))),
    Signature("rust-panic", "cargo", "panicked",
              re.compile(r"thread '[^']*'(?: \(\d+\))? panicked at (?:'(?P<message>.*)', (?P<loc>\S+)|'(?P<open>[^']*)$|(?P<loc2>\S+?):?\s*$)"),
              _panic),
    # a build script whose main returns its error ("Error: Failed to get OCI artifact: ..." from intel-mkl-src 0.8's
    # download of MKL with ocipkg): its message, as a panic's would be
    Signature("build-script-returned-error", "cargo", "Failed to get OCI artifact",
              re.compile(r"^\s*Error: (?P<message>Failed to get OCI artifact.*)$"),
              lambda m, _: BuildScriptPanic(m.group("message").strip()[:300], "", returned=True)),
    Signature("intel-mkl-src-download", "cargo", "Download Intel MKL",
              re.compile(r"(?<![\w-])(?P<crate>[\w-]+)@(?P<version>\S+?):\s*\"?Download Intel MKL archive"),
              lambda m, _: DownloadAttempt(m.group("crate"), m.group("version"))),
    Signature("cargo-test-failed", "cargo", "rror", re.compile(r"^error: test failed, to rerun pass"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("oci-registry-auth-failed", "cargo", "Authorization failed",
              re.compile(r"Authorization failed: (?P<url>https?://(?P<host>[^/\s]+)/\S*token\S*)"),
              lambda m, _: RegistryAuthFailed(m.group("url"), m.group("host"))),
    Signature("rustc-coded-error", "cargo", "error[E", re.compile(r"^error\[E\d{4}\]: "),
              lambda m, before: KnownRustcError(m.string.strip(), before=tuple(before))),
    Signature("cargo-could-not-compile", "cargo", "could not compile",
              re.compile(r"^error: could not compile `(?P<crate>[\w-]+)`"), lambda m, _: CrateEcho(m.string.strip(), m.group("crate"))),
)


# a panic's place in a crate's source as cargo unpacks it (".../intel-mkl-tool-0.8.1/src/entry.rs:153:41"); intel-mkl-src
# 0.8's build script is intel-mkl-tool's code (their versions move together): a log cut to the panic names only that
_CRATE_SOURCE = re.compile(r"[/\\](?P<crate>[A-Za-z][\w-]{0,60}?)-(?P<version>\d+\.\d+\.\d+[\w.+-]{0,40})[/\\](?:src|build\.rs)")
_SERVES = {"intel-mkl-tool": "intel-mkl-src"}


def _failed_at(panics: list[BuildScriptPanic]) -> list[BuildScriptFailed]:
    for panic in panics:
        source = _CRATE_SOURCE.search(panic.location)
        crate = _SERVES.get(source["crate"], source["crate"]) if source else ""
        if source and build_scripts.script(crate, source["version"]):
            return [BuildScriptFailed(crate, source["version"])]
    return []


def panicked(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: a Rust program (or build script) panicked, and nothing explains it: never 'no problem found'."""
    from mkldoctor.explain.unrecognised import unrecognised

    panics = events.of(BuildScriptPanic)
    if not panics or any(f.severity == "error" for f in found):
        return []
    said = f"thread panicked at {panics[0].location}" + (f": {panics[0].message}" if panics[0].message else "")
    return [unrecognised(Unrecognised(said[:300]), ctx)]


def named(events: Parsed, crate: str) -> bool:
    """Whether the log names ``crate`` as one cargo built (its build script, its compile)."""
    return (any(e.crate == crate for e in events.of(BuildScriptFailed)) or any(e.crate == crate for e in events.of(CrateEcho))
            or any(e.crate == crate for e in events.of(DownloadAttempt)))


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    from mkldoctor.explain.finders import FinderSaid

    failed = events.of(BuildScriptFailed) or _failed_at(events.of(BuildScriptPanic))
    pc = events.of(PcFileMissing)
    out = _known_breakages(events) + _registry_auth(events) + _pc_missing(pc, failed)
    if not failed or (pc and pc[0].crate == failed[0].crate):  # the .pc finding says why that build script failed
        return out
    event = failed[0]
    known = build_scripts.script(event.crate, event.version)
    panics = [p for p in events.of(BuildScriptPanic) if p.message or p.location]
    exits = "an error main returns exits with status 1" if panics and panics[0].returned else "a panic exits with status 101"
    evidence = [f"cargo ran the build script of {event.crate} {event.version}, and it failed ({exits})"
                if events.of(BuildScriptFailed) else f"the panic is in the code of {event.crate} {event.version}'s build script "
                "(its place in cargo's registry folder says so; the log is cut before cargo's own words)"]
    evidence += [f"it {'stopped with the error' if p.returned else 'panicked'}{' at ' + p.location if p.location else ''}: "
                 f"{p.message or '(the message is not in the log)'}" for p in panics[:2]]
    evidence += [f"it said: {e.text}" for e in events.of(FinderSaid)[:4]]
    downloads = [d for d in events.of(DownloadAttempt) if d.crate == event.crate]
    if downloads:
        evidence.append(f"it was downloading MKL ('Download Intel MKL archive'): {event.crate} found no MKL on the system")
    fix: list[str] = []
    if known is not None:
        evidence.append(f"{event.crate} {event.version}'s build script looks, in order, at: " + "; ".join(known.looks))
        evidence.append(f"how it fails: {known.failure}")
        fix += list(known.fix)
        title = f"the build script of {event.crate} {event.version} failed: " + known.failure.split(":", 1)[0].split(";", 1)[0]
        if panics and panics[0].message and not known.stops:  # a panic is not its own stop: the panic's words say which
            place = " in ocipkg, its download of MKL" if "/ocipkg-" in panics[0].location else ""
            how = "stopped with the error" if panics[0].returned else "panicked"
            title = f"the build script of {event.crate} {event.version} {how}{place}: {panics[0].message[:140]}"
    else:
        said = panics[0].message if panics and panics[0].message else "see its message"
        title = f"the build script of {event.crate} {event.version} failed: {said[:140]}"
        fix.append("do what its message asks (quoted above): most crates that reach MKL read MKLROOT or pkg-config's mkl-*.pc: "
                   "export MKLROOT=<MKL prefix>, or PKG_CONFIG_PATH=<MKL prefix>/lib/pkgconfig")
    empty = next((h for p in panics for h in _EMPTY if h in (p.message or "").lower()), "")
    if empty:  # the MD5, SHA-1 or SHA-256 of zero bytes: the download wrote nothing (rust-autograd#21)
        evidence.append(f"{empty} is the checksum of zero bytes: the download came back empty (the address is gone, or the "
                        "network or a proxy refused it), not a damaged archive")
    if "mkl" in event.crate.lower() or any("mkl" in (p.message or "").lower() for p in panics) or known is not None:
        fix.append(f"if no MKL is installed: {ctx.recipe_ref('static')}")
    return [Finding(
        "cargo-build-script-failed", "error", title, tuple(evidence), tuple(fix),
        "cargo runs a crate's build.rs before compiling it; a build script that links a C library looks for it and stops "
        "(panics) when it cannot find or fetch it. What it looks for is the crate's own choice, at that version.",
        ("cargo build -vv 2>&1 | grep -A40 'custom build command'   # the build script's whole output",),
    )] + out


_EMPTY = ("d41d8cd98f00b204e9800998ecf8427e", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def _known_breakages(events: Parsed) -> list[Finding]:
    out = []
    said = events.of(KnownRustcError)
    for crate, version in dict.fromkeys((e.crate, e.version) for e in said):
        mine = [e for e in said if (e.crate, e.version) == (crate, version)]
        lines = list(dict.fromkeys(e.line for e in mine))
        known = build_scripts.breakage(crate, version, lines[0], mine[0].after)
        if known is None:
            continue
        out.append(Finding(
            "rust-crate-known-breakage", "error", f"{crate} {version} no longer compiles: {known.cause.split(';', 1)[0]}",
            (f"rustc, compiling {crate} {version}: {lines[0]}" + (f" ({len(mine)} times)" if len(mine) > 1 else ""),
             f"a known breakage of {crate} {known.first} to {known.last}: {known.cause}", f"established in {known.source}"),
            known.fix,
            "cargo resolves each dependency to the newest semver-compatible release; a crate that glob-imports another "
            "(use other::*) breaks when that one adds a public name its code also uses.",
            (f"cargo tree -i {crate}   # which of your dependencies brings it in",),
        ))
    return out


def _registry_auth(events: Parsed) -> list[Finding]:
    """intel-mkl-src 0.8+ downloads MKL as an OCI image with ocipkg when it finds none on the system; ocipkg sends the
    credentials ~/.docker/config.json holds for that registry, and a stale token there is refused even for a public image
    (rust-math/intel-mkl-src#112)."""
    said = events.of(RegistryAuthFailed)
    if not said:
        return []
    host = said[0].host
    known = build_scripts.script("intel-mkl-src", "0.8.0")
    in_log = named(events, "intel-mkl-src")
    evidence = [f"the registry {host} refused the token request {said[0].url}: it rejects the credentials the client sent",
                "OCI clients (ocipkg, docker, oras) send the credentials ~/.docker/config.json holds for that registry (its "
                "auths entry, or the credsStore/credHelpers it names); a stale or revoked token there is refused even for a "
                "public image, which anonymous access would have fetched",
                ("intel-mkl-src, named in this log, " if in_log else "intel-mkl-src 0.8 and newer (the build script that prints "
                 "these words with ocipkg) ") + "downloads MKL this way when it finds none on the system, and goes on without "
                "it when the download fails: a link error about MKL may follow"]
    return [Finding(
        "oci-registry-auth-failed", "error", f"the download of an OCI image was refused by {host}: stale credentials for it "
        "in ~/.docker/config.json",
        tuple(evidence),
        (f"fix or remove the credentials for {host} in ~/.docker/config.json: docker logout {host} (or delete its auths entry), "
         f"or docker login {host} again with a valid token; then {CARGO_CLEAN} and build again",
         *(f"or, for intel-mkl-src: {line}" for line in (known.fix if known is not None else ()))),
        "A registry's token endpoint answers an anonymous request for a public image, and refuses one that carries "
        "credentials it does not accept: the stored ones, not the image, are the problem.",
        (f"grep -n {q(host)} ~/.docker/config.json   # the stored entry for that registry",),
    )]


def _pc_missing(said: list[PcFileMissing], failed: list[BuildScriptFailed]) -> list[Finding]:
    if not said:
        return []
    first = said[0]
    script = [f"cargo: the build script of {e.crate} {e.version} failed on it" for e in failed[:1] if e.crate == first.crate]
    return [Finding(
        "cargo-mkl-pc-not-found", "error",
        f"{first.crate}'s build script asked pkg-config for {first.library}.pc and found none: MKL's .pc folder is not on "
        "PKG_CONFIG_PATH", (
            f"the pkg-config crate in {first.crate}'s build script looked for {first.library}.pc (MKL's name for one link: "
            "mkl-<static|dynamic>-<lp64|ilp64>-<iomp|seq|tbb>) in PKG_CONFIG_PATH and pkg-config's own folders", *script),
        (f"put MKL's pkgconfig folder on PKG_CONFIG_PATH for the build: oneAPI: source setvars.sh (or PKG_CONFIG_PATH="
         f"$MKLROOT/lib/pkgconfig); pip's mkl-devel: <python prefix>/lib/pkgconfig; Debian's libmkl-dev: its .pc files in "
         "/usr/lib/x86_64-linux-gnu/pkgconfig; then cargo clean -p " + first.crate + " and build again",
         "no MKL installed: install it with its .pc files (pip install mkl-devel, or oneAPI's MKL); or take a feature that "
         "does not need it (intel-mkl-src's mkl-static-* download, or another BLAS)",
         "mkldoctor link --format cargo   # the features and environment for the MKL found here"),
        "A -sys crate that finds MKL through pkg-config reads only the .pc files on pkg-config's path; MKL's installers put "
        "them in their own lib/pkgconfig folder.",
        (f"pkg-config --exists {first.library} && echo found; pkg-config --list-all | grep mkl",),
    )]


def verbatim_link(path: str) -> str:
    """A crate's own build script that asked for -lNAME where only the versioned file is (a wheel's MKL): rustc 1.67 and
    newer take the file's name as it is (produced with cargo against the pinned wheel: it builds)."""
    return (f"a build script's own link: println!(\"cargo:rustc-link-lib=dylib:+verbatim={os.path.basename(path)}\") (its "
            "versioned file, rustc 1.67+), with its folder in cargo:rustc-link-search")
