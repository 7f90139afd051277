"""apt's, yum's and rpm's refusal of Intel's repositories for their keys: apt's ``GPG error: ... NO_PUBKEY`` (``EXPKEYSIG``,
``KEYEXPIRED``, ``BADSIG``), yum's ``The GPG keys listed for ... are not correct``, rpm's ``NOKEY``, dnf's ``Public key for
... is not installed``. Intel's oneAPI and old MKL repositories are signed with Intel's software key, which changed in 2019,
2020 and 2023; its GPU driver repository (``<host>/gpu/ubuntu jammy/lts/2350``), which oneAPI's images list beside them,
with its graphics key (intel/oneapi-containers#71: hpckit 2024.1.0's image kept an old one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

# Intel's GPU driver repository by its path and suites ("/gpu/ubuntu jammy/lts/2350", "jammy unified", "focal-legacy main")
_GPU_SOURCE = re.compile(r"/(?:gpu|graphics)/ubuntu/? (?P<suite>[a-z]+(?:-legacy)?"
                         r"(?:/lts/\d{4}| unified| client| arc| flex| main))\b")


@dataclass(frozen=True, slots=True)
class IntelRepoKeyRejected:
    """apt's refusal of Intel's repository for its signature: ``W: GPG error: <Intel's apt host>/mkl all InRelease: The
    following signatures couldn't be verified because the public key is not available: NO_PUBKEY BAC6F0C353D04109``
    (translation-service#26), ``... were invalid: EXPKEYSIG ACFA9FC57E6C5DBE`` (kaldi#4872: the 2019 key expired in
    September 2023), ``KEYEXPIRED 1569575501`` (mxnet#16300)."""

    why: str  # NO_PUBKEY, EXPKEYSIG, KEYEXPIRED, BADSIG
    source: str  # "<the repository's address> <suite>"
    line: str


@dataclass(frozen=True, slots=True)
class IntelRpmKeyRejected:
    """yum's (rpm's) refusal of a package of Intel's repository for its signature: ``The GPG keys listed for the "Intel(R)
    Math Kernel Library" repository are already installed but they are not correct for this package.``, rpm's ``warning:
    .../intel-mkl-...rpm: Header V4 RSA/SHA256 Signature, key ID 1911e097: NOKEY`` (kaldi#3779: Intel's new key in 2020
    did not sign the old 2019.2 packages Kaldi's install_mkl.sh asked for), dnf's ``Public key for intel-...rpm is not
    installed``."""

    what: str  # the repository's name, or the package's file
    line: str


_APT_ERR = re.compile(r"\bErr:\d+ (\S+ .{0,80}?)\s*$")


def _rpm_key(m: re.Match, _) -> IntelRpmKeyRejected | object:
    return IntelRpmKeyRejected(m["what"], m.string.strip()[:300]) if re.search(r"(?i)intel|oneapi|mkl", m["what"]) else NOT_MINE


def _key(m: re.Match, before) -> IntelRepoKeyRejected | object:
    # the repository: apt's head on the same line, the key's owner, or apt's "Err:1 https://<Intel's apt host>/oneapi all
    # InRelease" on a line before it
    source = m["source"] or (e.group(1) if (e := last_match(_APT_ERR, before, within=3)) else "")
    # (a paste that hides the host: Intel's key by its owner after the key's id, or oneAPI's repository path)
    owner = "Intel(R) Software Development Products" in m.string or "/oneapi all " in source
    if "intel" not in source.lower() and not _GPU_SOURCE.search(source) and not owner:
        return NOT_MINE  # another repository's key: no rule's
    return IntelRepoKeyRejected(m["why"], source.strip(), m.string.strip()[:300])


SIGNATURES = (
    Signature("apt-intel-repository-key", "syspackages", "GPG error",
              re.compile(r"GPG error: (?P<source>.{1,200}?): The following signatures (?:couldn't be verified because the public "
                         r"key is not available|were invalid): (?P<why>NO_PUBKEY|EXPKEYSIG|KEYEXPIRED|BADSIG)\b"), _key),
    # the same words without apt's "GPG error: <source>:" head, the key named by its owner (marian-dev 00f782d: "The following
    # signatures were invalid: EXPKEYSIG ACFA9FC57E6C5DBE Intel(R) Software Development Products")
    Signature("apt-intel-key-by-owner", "syspackages", "following signatures",
              re.compile(r"^\s*(?:W: |E: )?The following signatures (?:couldn't be verified because the public key is not "
                         r"available|were invalid): (?P<why>NO_PUBKEY|EXPKEYSIG|KEYEXPIRED|BADSIG) [0-9A-Fa-f]{8,40}"
                         r"(?:\s+(?P<source>\S.{0,200}))?"),
              _key),
    # yum's and rpm's words for the same (kaldi#3779), and dnf's
    Signature("yum-intel-keys-not-correct", "syspackages", "GPG keys listed",
              re.compile(r'The GPG keys listed for the "(?P<what>[^"]{1,200})" repository are already installed but they are '
                         r'not correct'),
              _rpm_key),
    Signature("rpm-intel-package-nokey", "syspackages", "NOKEY",
              re.compile(r"(?P<what>\S{1,300}\.rpm): Header V\d \S{1,40} Signature, key ID [0-9a-fA-F]{8,16}: NOKEY\b"),
              _rpm_key),
    Signature("dnf-intel-public-key-missing", "syspackages", "is not installed",
              re.compile(r"Public key for (?P<what>\S{1,300}\.rpm) is not installed"), _rpm_key),
)


_KEY_WORDS = {"NO_PUBKEY": "the key that signs it is not installed", "EXPKEYSIG": "the key installed for it has expired",
              "KEYEXPIRED": "the key installed for it has expired", "BADSIG": "its signature does not match the key installed"}


def _key_rejected(said: list[IntelRepoKeyRejected]) -> Finding:
    first = said[0]
    gpu = _GPU_SOURCE.search(first.source)
    if gpu:
        return _gpu_key_rejected(first, gpu)
    old = re.search(r"/mkl\b", first.source) is not None  # Intel's MKL repository of 2017-2020 ('mkl all main')
    return Finding(
        "intel-apt-key-rejected", "error",
        f"apt refused Intel's repository ({first.why}): {_KEY_WORDS[first.why]}, so nothing is installed from it",
        (first.line,
         "Intel signs its apt repositories with a key its guide tells users to import; a script written years ago imports the "
         "key of its time by name (GPG-PUB-KEY-INTEL-SW-PRODUCTS-2019.PUB), which expired in September 2023 (kaldi#4872; "
         "an earlier key in September 2019, mxnet#16300), while the repository is signed with the current key",
         *(("the repository is Intel's old MKL one (its suite 'mkl all', MKL 2017-2020 as intel-mkl-<release>): oneAPI's "
            f"repository ('{recipes.INTEL_APT_SOURCE}') carries MKL as intel-oneapi-mkl-devel",) if old else ())),
        ("import Intel's current key, GPG-PUB-KEY-INTEL-SW-PRODUCTS.PUB (no year in its name), as Intel's oneAPI installation "
         "guide for APT shows: gpg --dearmor it into /usr/share/keyrings/oneapi-archive-keyring.gpg and give the source line "
         "[signed-by=/usr/share/keyrings/oneapi-archive-keyring.gpg]; then apt-get update (a Dockerfile: in the same step as "
         "the install; kaldi#4875, translation-service#28)",
         *((f"move to oneAPI's repository: {recipes.intel_apt_repo()[0].lstrip('# ')}, then install intel-oneapi-mkl-devel in "
            "place of intel-mkl-*",) if old else ()),
         *(("a job that fetches the current key on every run and still gets EXPKEYSIG: the key Intel serves has itself "
            "expired for a while, until Intel publishes it renewed (chipStar#636, October 2023): run the job again later",)
           if first.why in ("EXPKEYSIG", "KEYEXPIRED") else ()),
         "not a fix: --allow-unauthenticated or [trusted=yes] install what apt could not verify"),
        "apt reads a repository only when its signature verifies with a key the machine trusts; a key that expired, or one "
        "the repository is no longer signed with, makes apt skip it and every package it had.",
        ("apt-key list 2>/dev/null | grep -i -A1 intel; ls /usr/share/keyrings/ | grep -i -E 'intel|oneapi'   # the keys installed",),
    )



def _rpm_key_rejected(said: list[IntelRpmKeyRejected]) -> Finding:
    lines = list(dict.fromkeys(e.line for e in said))
    old = any(re.search(r"intel-mkl-|Math Kernel Library", e.what) for e in said)  # Intel's MKL repository of 2017-2020
    return Finding(
        "intel-yum-key-rejected", "error",
        "yum refused a package of Intel's repository: the keys installed for it do not verify the package's signature, so it "
        "was not installed",
        (*lines[:3],
         "Intel signs its repositories with a key its guide tells users to import (the repository file's gpgkey=); a key "
         "imported years ago, or a package of a release signed before the current key, does not verify"
         + (": Intel's old MKL repository's 2019 packages were signed with a key its later key file left out (kaldi#3779)"
            if old else ""),),
        ("import Intel's current key, GPG-PUB-KEY-INTEL-SW-PRODUCTS.PUB (no year in its name), as Intel's oneAPI installation "
         "guide for YUM/DNF shows: rpm --import <that key's address>, the gpgkey= of /etc/yum.repos.d/oneAPI.repo",
         *((f"ask for a release the current key signs (Kaldi's install_mkl.sh moved from intel-mkl-64bit-2019.2-057 to "
            "2020.0-088, importing both keys, kaldi#3839: git pull), or move to oneAPI's repository: "
            f"{recipes.intel_yum_repo()[0].lstrip('# ')}, then yum install intel-oneapi-mkl-devel",) if old else ()),
         "not a fix: --nogpgcheck installs what yum could not verify"),
        "yum and dnf install a package only when its signature verifies with a key imported for its repository; Intel's "
        "repositories changed keys (2019, 2020, 2023), and the older packages keep the key they were signed with.",
        ("rpm -q gpg-pubkey --qf '%{NAME}-%{VERSION}-%{RELEASE}\\t%{SUMMARY}\\n' | grep -i intel   # the keys imported",),
    )


def _gpu_key_rejected(first: IntelRepoKeyRejected, gpu: re.Match) -> Finding:
    return Finding(
        "intel-apt-key-rejected", "error",
        f"apt refused Intel's GPU driver repository ({first.why}): {_KEY_WORDS[first.why]}; it is not MKL's repository",
        (first.line,
         f"the source ({gpu['suite']}) is Intel's GPU driver repository, signed with Intel's graphics key (intel-graphics.key), "
         "not with oneAPI's: an image or a script that set the source up with an older key fails apt-get update once the "
         "repository is signed anew (intel/oneapi-containers#71: intel/hpckit 2024.1.0's image; 2024.1.1's has the new key)"),
        ("an oneAPI image: take its newer tag (docker pull the same image at the next release), whose source and key match",
         "or fetch the repository's current key into the keyring its source names (grep -r signed-by /etc/apt/sources.list.d/ "
         "| grep -i gpu): download intel-graphics.key from the repository's own address, gpg --dearmor -o <that keyring>, "
         "then apt-get update",
         "or, where no Intel GPU driver is needed (MKL on the CPU needs none), remove that source from "
         "/etc/apt/sources.list.d/ before apt-get update"),
        "apt reads a repository only when its signature verifies with a key the machine trusts; one source that fails stops "
        "apt-get update, whatever the package wanted.",
        ("grep -rn gpu /etc/apt/sources.list.d/; ls /usr/share/keyrings/ | grep -i intel   # the source and the keys it names",),
    )


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    keys = [_key_rejected(events.of(IntelRepoKeyRejected))] if events.of(IntelRepoKeyRejected) else []
    return keys + ([_rpm_key_rejected(events.of(IntelRpmKeyRejected))] if events.of(IntelRpmKeyRejected) else [])
