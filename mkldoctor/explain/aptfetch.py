"""apt's download of a package source or a package that failed on its way, not for want of the package.

- GnuTLS's "Could not handshake: An unexpected TLS packet was received. [IP: 10.109.19.68 913]" under apt's "Err:2
  https://<repository> all Release": the other end answered the handshake in plain HTTP, a proxy given as https://
  (ann-benchmarks#265: Intel's MKL repository in a Docker build; produced with apt-get and a local plain HTTP server).
- "E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?" before an MKL install's end:
  apt's lists and the repository disagree, a package replaced since the lists were read (404) or a file of another size
  than the index says ("File has unexpected size ... Mirror sync in progress?", its "Last modification reported" line:
  kaldi#4286, Intel's repository in September 2020).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class AptTlsRefused:
    """GnuTLS's "Could not handshake: An unexpected TLS packet was received. [IP: 10.109.19.68 913]" under apt's "Err:2
    https://<repository> all Release" (ann-benchmarks#265: Intel's MKL repository through a proxy, in a Docker build)."""

    source: str
    port: str
    line: str


@dataclass(frozen=True, slots=True)
class ArchivesUnfetched:
    line: str
    mismatch: bool  # the file apt got is not the one the index describes (its size, its hashes)


_MISMATCH = r"Last modification reported|Hashes of expected file|File has unexpected size|Hash Sum mismatch"


def _source(before) -> str:
    """The https source of apt's "Err:N" line just before (the repository it was fetching)."""
    err = last_match(r"^\s*Err:\d+ (?P<url>https://\S+)", before)
    return err["url"] if err else ""


SIGNATURES = (
    Signature("apt-tls-unexpected-packet", "aptfetch", "ould not handshake",
              re.compile(r"^\s*Could not handshake: An unexpected TLS packet was received\.?(?: \[IP: \S+ (?P<port>\d+)\])?"),
              lambda m, before: AptTlsRefused(_source(before), m["port"] or "", m.string.strip()[:300])),
    # apt's own line for the file, and --download-only's last words after it (produced with apt-get and a local repository
    # whose index gives another size)
    Signature("apt-fetch-mismatch", "aptfetch", "ailed to fetch",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Failed to fetch \S+\s+(?:Hash Sum mismatch|File has unexpected size)"),
              lambda m, _: ArchivesUnfetched(m.string.strip()[:300], True)),
    Signature("apt-some-files-failed", "aptfetch", "ailed to download",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Some files failed to download"),
              lambda m, before: FollowOn(m.string.strip()) if last_match(r"Last modification reported|Hashes of", before)
              else NOT_MINE),
    Signature("apt-archives-unfetched", "aptfetch", "nable to fetch some archives",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Unable to fetch some archives"),
              lambda m, before: ArchivesUnfetched(m.string.strip()[:300], last_match(_MISMATCH, before) is not None)),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return [_tls_refused(e) for e in events.of(AptTlsRefused)[:1]] + [_unfetched(e) for e in events.of(ArchivesUnfetched)[:1]]


def _tls_refused(event: AptTlsRefused) -> Finding:
    port = f" (from port {event.port}, a proxy's, not HTTPS's 443)" if event.port and event.port != "443" else ""
    return Finding(
        "apt-https-not-tls", "error",
        f"apt's https download{' of ' + event.source if event.source else ''} got a plain-HTTP answer{port}: an HTTP proxy "
        "given as https://, or one that intercepts https",
        (event.line, "GnuTLS says 'An unexpected TLS packet was received' when the other end answers a TLS handshake in plain "
                     "HTTP: apt (or a build's environment) names the proxy with https:// where it speaks HTTP, or a "
                     "network's proxy intercepts the connection (ann-benchmarks#265: Intel's MKL repository in a Docker build)"),
        ("give the proxy as http:// for https too: Acquire::https::Proxy \"http://<proxy>:<port>/\"; in /etc/apt/apt.conf.d/ "
         "(a Dockerfile: ARG https_proxy=http://<proxy>:<port>, or docker build --build-arg https_proxy=http://...)",
         "or, where no proxy should be used, unset https_proxy (and Acquire::https::Proxy) in the build's environment"),
        "apt fetches an https source through Acquire::https::Proxy or https_proxy; a proxy's URL with https:// makes apt start "
        "TLS with a proxy that answers in HTTP.",
        ("apt-config dump | grep -i proxy; env | grep -i _proxy   # the proxy apt and the build use",),
    )


def _unfetched(event: ArchivesUnfetched) -> Finding:
    return Finding(
        "apt-archives-unfetched", "error",
        "apt could not download some of the packages it planned: "
        + ("the file the repository served is not the one its index describes" if event.mismatch else
           "its package lists and the repository disagree"),
        (event.line, ("apt's 'Hashes of expected file' and 'Last modification reported' belong to its report of a file "
                      "whose size or hashes are not the index's ('File has unexpected size ... Mirror sync in progress?', "
                      "'Hash Sum mismatch'): the repository changed while apt read it, or a proxy or mirror in between "
                      "serves an older copy (kaldi#4286: Intel's repository)") if event.mismatch else
                     "a package the lists name was replaced or removed in the repository since apt-get update read them (a "
                     "404), or the download was cut"),
        ("apt-get clean; apt-get update; then the install again (a Docker image: update and install in the same RUN)",
         "the repository mid-update: try again later; a proxy's stale copy: fetch without it (Acquire::http::Proxy, "
         "Acquire::https::Proxy \"DIRECT\" for that host)"),
        "apt downloads what its lists name and checks each file's size and hashes against them; a repository updated after "
        "the lists were read, or a cache that serves old files, fails that check.",
        ("apt-get update 2>&1 | tail -3; apt-get install --print-uris <the packages> | head   # what apt would fetch now",),
    )
