"""A system package manager that does not know an MKL package: apt's ``E: Unable to locate package intel-oneapi-mkl-devel``
(``E: Package 'libmkl-dev' has no installation candidate``, German's ``E: Paket X kann nicht gefunden werden.``) and dnf's
``No match for argument: intel-oneapi-mkl-devel`` (``Error: Unable to find a match: ...``), yum's ``No package
intel-mkl-64bit-2020.0-088 available.`` (Intel's old MKL repository, gone). apt's "Unable to locate" is
produced with the real apt-get, in English and German; the others as the tools' messages read (no dnf on this machine).

The package names say whose they are: ``intel-oneapi-*`` are Intel's repository's, which no distribution carries, so the
sources lack Intel's repository; ``libmkl-*`` and ``intel-mkl`` are Debian's and Ubuntu's, in their non-free (Ubuntu:
multiverse) component, which a default sources list leaves out. A fresh container's empty package lists give the same
words for every package. The same words about another package are a failure mkldoctor does not know: unrecognised, never
silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised, preceded, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

_MKL_PACKAGE = re.compile(r"^(?:intel-oneapi-(?:mkl|openmp|compiler|tbb|runtime)[\w.+-]*|libmkl-[\w.+-]+|intel-mkl[\w.+-]*"
                          r"|libiomp[\w.+-]*)$")


@dataclass(frozen=True, slots=True)
class SystemPackageUnknown:
    manager: str  # "apt", "dnf"
    package: str
    line: str


def _said(manager: str):
    def read(m: re.Match, _) -> SystemPackageUnknown | Unrecognised:
        package = m["pkg"].strip().strip("'\"")
        line = m.string.strip()[:300]
        return SystemPackageUnknown(manager, package, line) if _MKL_PACKAGE.match(package) else Unrecognised(line)
    return read


@dataclass(frozen=True, slots=True)
class AptUnmet:
    """apt's ``intel-oneapi-runtime-dpcpp-cpp : Depends: intel-oneapi-runtime-compilers (= 2023.2.1-16) but it is not going
    to be installed`` (its continuation lines name no package): Intel's packages pinned to versions whose dependencies apt
    resolves to others (Docker_IPEX_ComfyUI#3, ComfyUI#3513)."""

    package: str  # "" on a continuation line
    dependency: str
    relation: str  # "= 2023.2.1-16", ""
    line: str


_INTEL_DEB = re.compile(r"^(?:intel-oneapi-[\w.+-]+|intel-mkl[\w.+-]*|libmkl-[\w.+-]+)$")


def _unmet(m: re.Match, _) -> AptUnmet | object:
    if not (_INTEL_DEB.match(m["pkg"] or "") or _INTEL_DEB.match(m["dep"])):
        return NOT_MINE
    return AptUnmet(m["pkg"] or "", m["dep"], (m["rel"] or "").strip(), m.string.strip()[:300])


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


@dataclass(frozen=True, slots=True)
class AptSourceGone:
    url: str
    line: str


@dataclass(frozen=True, slots=True)
class DpkgFailedOn:
    """apt's "E: Sub-process /usr/bin/dpkg returned an error code (1)" after dpkg's "Errors were encountered while
    processing:" list of Intel's MKL packages, dpkg's reason above the list cut from the log (Opus-MT#61)."""

    packages: tuple[str, ...]
    line: str


@dataclass(frozen=True, slots=True)
class PackageScriptFailed:
    """dpkg's ``subprocess old pre-removal script returned error exit status 1`` while it unpacked an MKL package over an
    earlier install of it (microsoft/microsoft-r-open#10: MRO's microsoft-r-open-mkl left half-removed by an earlier
    install; its old script's ``mv: cannot stat .../backup/lib/*.so`` just before)."""

    package: str
    script: str  # "old pre-removal", "new post-installation"
    said: str  # the script's own line before dpkg's, if any
    line: str


_UNPACKING = re.compile(r"(?:Preparing to unpack|Unpacking) \S*?(?P<pkg>[a-z0-9][\w.+-]*?)(?:_[^/\s]*)?\.deb\b")


def _script_failed_event(m: re.Match, before, package: str, script: str, not_said) -> PackageScriptFailed | object:
    """An MKL package's failed script, with the script's own last line before dpkg's (``not_said``: dpkg's lines)."""
    if not re.search(r"(?i)mkl|iomp", package):
        return NOT_MINE
    said = next((line.strip() for line in reversed(list(before)) if line.strip() and not not_said(line)), "")
    return PackageScriptFailed(package, script, said[:300], m.string.strip()[:300])


def _script(m: re.Match, before) -> PackageScriptFailed | object:
    """Older dpkg's words, which leave the package to the unpack line before them."""
    unpacking = last_match(_UNPACKING, before)
    if unpacking is None:
        return NOT_MINE
    return _script_failed_event(m, before, unpacking["pkg"], m["script"], _UNPACKING.search)


def _named_script(m: re.Match, before) -> PackageScriptFailed | object:
    """Newer dpkg's words, which name the package."""
    return _script_failed_event(m, before, m["pkg"], f"{m['when']} {m['script']}", lambda line: "dpkg:" in line)


def _source_gone_event(m: re.Match, _) -> AptSourceGone | object:
    """A source of the machine's own that apt could not read (Intel's repository is the keys' and the installers' question)."""
    return NOT_MINE if "intel" in m["url"].lower() else AptSourceGone(m["url"][:200], m.string.strip()[:300])


# a package file in dpkg's list of those it could not install: "/tmp/apt-dpkg-install-i0Z5wU/29-intel-mkl-gnu-rt-..._amd64.deb"
_DPKG_LISTED = re.compile(r"(?:^|/)(?:\d+-)?(?P<pkg>intel-mkl[\w.+-]*?|libmkl-[\w.+-]*?)_[\w.+~-]+\.deb\s*$")


def _dpkg_failed_on(m: re.Match, before) -> DpkgFailedOn | object:
    names = tuple(dict.fromkeys(d["pkg"] for b in before for d in [_DPKG_LISTED.search(b.strip())] if d))
    return DpkgFailedOn(names, m.string.strip()) if names else NOT_MINE


def _key(m: re.Match, before) -> IntelRepoKeyRejected | object:
    # the repository: apt's head on the same line, the key's owner, or apt's "Err:1 https://apt.repos.intel.com/oneapi all
    # InRelease" on a line before it
    source = m["source"] or (e.group(1) if (e := last_match(_APT_ERR, before, within=3)) else "")
    if "intel" not in source.lower():
        return NOT_MINE  # another repository's key: no rule's
    return IntelRepoKeyRejected(m["why"], source.strip(), m.string.strip()[:300])


_APT_ERR = re.compile(r"\bErr:\d+ (\S+ .{0,80}?)\s*$")


def _rpm_key(m: re.Match, _) -> IntelRpmKeyRejected | object:
    return IntelRpmKeyRejected(m["what"], m.string.strip()[:300]) if re.search(r"(?i)intel|oneapi|mkl", m["what"]) else NOT_MINE


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
    # another source of apt's that is gone (kaldi#3492: a user's dead PPA): apt-get update fails, and the MKL install after it
    Signature("apt-source-gone", "syspackages", "ailed to fetch",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Failed to fetch (?P<url>\S+)\s+(?P<code>40[34])\b"),
              _source_gone_event),
    # the same from apt 1.5 on, for a source with no Release file for the machine's release (kaldi#4036, #4298)
    Signature("apt-source-no-release", "syspackages", "have a Release file",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: The repository '(?P<url>\S+)[^']*' does not have a Release file"),
              _source_gone_event),
    # apt's https method that cannot start (its own library missing: kaldi#3350): each fetch through it fails after it
    Signature("apt-fetch-after-method-died", "syspackages", "ailed to fetch",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Failed to fetch \S+\s*$"),
              lambda m, before: FollowOn(m.string.strip()[:300]) if last_match(
                  r"^\s*E: (?:Method \S+ has died unexpectedly|Method \S+ did not start correctly)", before, 12) else NOT_MINE),
    Signature("apt-dpkg-failed-on-mkl", "syspackages", "returned an error code",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Sub-process /usr/bin/dpkg returned an error code \(\d+\)"), _dpkg_failed_on),
    Signature("apt-index-files-ignored", "syspackages", "ailed to download",
              re.compile(r"^\s*(?:[\d.]+\s+)?E: Some index files failed to download"), lambda m, _: FollowOn(m.string.strip())),
    # its words found first, MKL's name looked up before them ("MKL.*installation FAILED" was quadratic in MKL's mentions)
    Signature("mkl-install-script-failed", "syspackages", "FAILED", re.compile(r"(?i)\binstallation FAILED\b"),
              preceded(r"(?i)\bMKL\b", lambda m, _: FollowOn(m.string.strip()[:300]))),
    # its consequences: apt's refusal to read the repository, and to install what came from it unauthenticated
    Signature("apt-intel-repository-not-signed", "syspackages", "is not signed",
              re.compile(r"The repository '.{0,300}?intel.{0,300}?' is not signed", re.I), lambda m, _: FollowOn(m.string.strip())),
    Signature("dpkg-package-script-failed", "syspackages", "returned error exit status",
              re.compile(r"dpkg: (?:warning|error)[^:]*: subprocess (?P<script>(?:old|new|installed) [\w-]+) script returned error "
                         r"exit status \d+"), _script),
    # newer dpkg names the package on the line: "new intel-oneapi-mkl package pre-installation script subprocess returned ..."
    Signature("dpkg-package-script-failed-named", "syspackages", "returned error exit status",
              re.compile(r"(?:^|\s)(?P<when>old|new|installed) (?P<pkg>[a-z0-9][\w.+-]*) package (?P<script>[\w-]+) script subprocess "
                         r"returned error exit status \d+"),
              _named_script),
    # a maintainer script's own shell errors while dpkg unpacks (microsoft-r-open#38: "mv: cannot stat '/usr/lib64/...'")
    Signature("dpkg-script-shell-error", "syspackages", "annot ",
              re.compile(r"^(?:mv|cp|rm|ln|chmod|mkdir): cannot (?:stat|remove|create|access|move)\b"),
              lambda m, before: FollowOn(m.string.strip()[:300]) if any(
                  re.match(r"(?:Preparing to unpack|Unpacking|dpkg: )", b.strip()) for b in before) else NOT_MINE),
    # Microsoft R Open's install.sh after it: "Installing .../microsoft-r-open-mkl-3.3.deb...ERROR!"
    Signature("installer-deb-error", "syspackages", "ERROR", re.compile(r"^\s*Installing \S*mkl\S*\.deb\.\.\.ERROR!?\s*$"),
              lambda m, _: FollowOn(m.string.strip()[:300])),
    Signature("apt-unable-to-locate", "syspackages", "to locate package",
              re.compile(r"^E: Unable to locate package (?P<pkg>\S+)"), _said("apt")),
    Signature("apt-unmet-dependency", "syspackages", "to be installed",
              re.compile(r"^\s*(?:(?P<pkg>[\w.+-]+)(?::\w+)? : )?(?:Depends|PreDepends): (?P<dep>[\w.+-]+)(?: \((?P<rel>[^)]{1,60})\))? "
                         r"but (?:it is not going to be|[\w.:~+-]+ is to be) installed"), _unmet),
    Signature("apt-held-broken", "syspackages", "E: Unable to correct",
              re.compile(r"^E: Unable to correct problems, you have held broken packages"),
              lambda m, before: FollowOn(m.string.strip()) if any("Depends: " in b for b in before[-12:]) else NOT_MINE),
    # apt's echoes of the same name after it (an apt of 2.x: intel-qs#116)
    Signature("apt-no-package-by-glob", "syspackages", "ouldn't find any package by",
              re.compile(r"^E: Couldn't find any package by (?:glob|regex) '(?P<pkg>[^']+)'"),
              lambda m, _: FollowOn(m.string.strip()[:300]) if _MKL_PACKAGE.match(m["pkg"]) else Unrecognised(m.string.strip()[:300])),
    Signature("apt-no-candidate", "syspackages", "installation candidate",
              re.compile(r"^E: Package '(?P<pkg>[^']+)' has no installation candidate"), _said("apt")),
    Signature("apt-unable-to-locate-de", "syspackages", "kann nicht gefunden werden",
              re.compile(r"^E: Paket (?P<pkg>\S+) kann nicht gefunden werden"), _said("apt")),
    Signature("dnf-no-match", "syspackages", "No match for argument",
              re.compile(r"No match for argument: (?P<pkg>\S+)"), _said("dnf")),
    # yum's (CentOS 7, a manylinux2014 image): "No package intel-mkl-64bit-2020.0-088 available." (vsag#1795)
    Signature("yum-no-package", "syspackages", "No package ",
              re.compile(r"^No package (?P<pkg>\S+) available\.?\s*$"), _said("yum")),
    Signature("dnf-unable-to-find-match", "syspackages", "nable to find a match",
              re.compile(r"Error: Unable to find a match: (?P<pkg>\S+)"), _said("dnf")),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    keys = [_key_rejected(events.of(IntelRepoKeyRejected))] if events.of(IntelRepoKeyRejected) else []
    keys += [_rpm_key_rejected(events.of(IntelRpmKeyRejected))] if events.of(IntelRpmKeyRejected) else []
    keys += [_source_gone(e) for e in events.of(AptSourceGone)[:1]]
    keys += [_dpkg_failed(e) for e in events.of(DpkgFailedOn)[:1] if not events.of(PackageScriptFailed)]
    keys += [_script_failed(e) for e in events.of(PackageScriptFailed)[:1]]
    keys += [_unmet_finding(events.of(AptUnmet))] if events.of(AptUnmet) else []
    said = events.of(SystemPackageUnknown)
    if not said:
        return keys
    first = said[0]
    names = list(dict.fromkeys(e.package for e in said))
    intel = first.package.startswith("intel-oneapi-")
    apt = first.manager == "apt"
    evidence = [first.line]
    # Intel's yum and apt repositories of MKL 2017-2020 (intel-mkl-64bit-2019.2-057: intel-qs#116), which oneAPI's replaced
    old = first.package.startswith("intel-mkl") and (first.manager == "yum" or re.search(r"-\d{4}\.\d", first.package))
    if old:
        evidence.append(f"{first.package} is a package of Intel's old {first.manager} repository of MKL 2020 and older, which "
                        "oneAPI's repository replaced: a script written for it finds the package gone (vsag#1795)")
        fix = [*(recipes.intel_apt_repo() if apt else recipes.intel_yum_repo()),
               f"then install oneAPI's MKL in its place: {'apt-get' if apt else 'yum'} install intel-oneapi-mkl-devel "
               "(its files under /opt/intel/oneapi/mkl/<ver>, no longer /opt/intel/mkl)"]
    elif intel:
        evidence.append(f"{first.package} is Intel's oneAPI repository's package, which no distribution carries: the "
                        f"machine's {'apt sources' if apt else 'dnf repositories'} do not include Intel's")
        fix = [*(recipes.intel_apt_repo() if apt else recipes.intel_yum_repo()),
               (recipes.apt_install if apt else recipes.dnf_install)(*names[:3])]
        if ctx.local and apt and recipes.intel_apt_configured("/"):
            evidence.append("this machine's sources do list Intel's repository: its package lists are not read yet")
            fix = [recipes.intel_apt_repo()[1], recipes.apt_install(*names[:3])]
    else:
        evidence.append(f"{first.package} is Debian's and Ubuntu's MKL package (MKL 2020.4), in their non-free component "
                        "(Ubuntu: multiverse), which a default sources list leaves out; amd64 and i386 only")
        fix = ["enable the component and read the lists again: Debian 12's /etc/apt/sources.list.d/debian.sources, "
               "Components: main non-free (or 'main non-free' on a deb line of /etc/apt/sources.list); Ubuntu: "
               "add-apt-repository multiverse; then " + recipes.intel_apt_repo()[1], recipes.apt_install(*names[:3])]
    fix.append("a fresh container or CI image: its package lists are empty until apt-get update runs in the same step as "
               "the install" if apt else f"a fresh container: {first.manager} makecache in the same step as the install")
    fix.append("or take MKL from PyPI or conda instead: " + recipes.pip_install("mkl-devel"))
    return keys + [Finding(
        "mkl-package-not-in-sources", "error",
        f"{first.manager} does not know {', '.join(names[:3])}: "
        + ("a package of Intel's old MKL repository, which oneAPI's replaced" if old else
           "Intel's oneAPI repository is not among its sources" if intel else "the non-free component that has it is not enabled"),
        tuple(evidence), tuple(fix),
        "A package manager installs only what its configured sources list; MKL is in Intel's own repository (oneAPI's "
        "names) or in Debian's and Ubuntu's non-free component (libmkl-*), neither of which a default install reads.",
        (("apt-cache policy " if apt else f"{first.manager} repolist; {first.manager} list --available ") + first.package
         + "   # which source has it, if any",),
        locations=ctx.located(said, first.package),
    )]



_KEY_WORDS = {"NO_PUBKEY": "the key that signs it is not installed", "EXPKEYSIG": "the key installed for it has expired",
              "KEYEXPIRED": "the key installed for it has expired", "BADSIG": "its signature does not match the key installed"}


def _key_rejected(said: list[IntelRepoKeyRejected]) -> Finding:
    first = said[0]
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


def _source_gone(event: AptSourceGone) -> Finding:
    return Finding(
        "apt-source-gone", "error",
        "apt-get update failed on another of the machine's sources (a PPA or mirror that is gone: 404, or no Release file "
        "for this release), and the MKL install that needs it stops with it",
        (event.line, "the source is not Intel's: a repository the machine's own sources list names (a personal PPA, an old "
                     "release's mirror); apt reads every source before an install, and a script that checks apt-get update's "
                     "status (kaldi's install_mkl.sh) stops there (kaldi#3492, #4036)"),
        ("remove or disable that source: its line in /etc/apt/sources.list or /etc/apt/sources.list.d/*.list (grep -rn "
         "'<its host>' /etc/apt/sources.list /etc/apt/sources.list.d/), then apt-get update, then the MKL install again",),
        "apt-get update reads every configured source; one that answers 404 makes it fail, whatever the package wanted.",
        ("apt-get update 2>&1 | grep -E '^(E|W):'   # the sources that fail",),
    )


def _dpkg_failed(event: DpkgFailedOn) -> Finding:
    return Finding(
        "dpkg-failed-on-mkl", "error",
        f"dpkg could not install {event.packages[0]}" + (f" and {len(event.packages) - 1} more of MKL's packages"
                                                         if len(event.packages) > 1 else "") + ": its reason is above the list",
        (event.line, "dpkg lists the packages it could not install under 'Errors were encountered while processing:'; its "
                     "reason for each is said earlier, at 'dpkg: error processing archive <file> (--unpack):' (a file another "
                     "package holds, no space left on the device, a script that failed), and this log does not show it"),
        ("read dpkg's lines above the list: grep -n -A3 'dpkg: error processing' <the whole output> (in a Docker build, the "
         "step's own output)",
         "no space left: Intel's MKL packages of 2019 and 2020 unpack to gigabytes; df -h /opt and the image's storage, or "
         "install fewer of them (the interface, threading and core parts the build links, not every compiler's layer)",
         "then apt-get install -f (it finishes or undoes what dpkg left half-installed), and the install again"),
        "apt hands the downloaded packages to dpkg; a package dpkg cannot unpack or configure stops the transaction, and "
        "apt ends with dpkg's exit code.",
        ("dpkg --audit   # the packages left half-installed, and why",),
    )


def _script_failed(event: PackageScriptFailed) -> Finding:
    old = event.script.startswith("old")
    return Finding(
        "package-script-failed", "error",
        f"dpkg could not replace {event.package}: the {event.script} script of the copy installed before failed"
        if old else f"dpkg could not install {event.package}: its {event.script} script failed",
        (*((event.said,) if event.said else ()), event.line,
         *((f"an earlier install of {event.package} is still registered and half there: its own removal script fails on "
            "files that are gone (microsoft/microsoft-r-open#10: Microsoft R Open's MKL package, after a removal by hand "
            "or a failed install)",) if old else ())),
        ((f"remove the broken package first, then install again: sudo dpkg --remove --force-remove-reinstreq {event.package} "
          f"(and the rest of its suite that dpkg -l | grep '^i[FHU]' lists), sudo apt-get -f install",
          "Microsoft R Open: also remove its folder (sudo rm -rf /usr/lib64/microsoft-r/<version>) before its install.sh "
          "runs again") if old else
         (f"read the script's own error above dpkg's line, fix what it names, then sudo dpkg --configure -a",)),
        "dpkg runs a package's maintainer scripts as it replaces it; one that fails leaves the package half installed, and "
        "every later install of it stops there.",
        (f"dpkg -l | grep -i {event.package.split('-')[0]}   # the packages' states: iF, iH or iU are half installed",),
    )


def _unmet_finding(said: list[AptUnmet]) -> Finding:
    first = next((e for e in said if e.package), said[0])
    pinned = [e for e in said if e.relation.startswith("=")]
    deps = list(dict.fromkeys(e.dependency for e in said))
    return Finding(
        "apt-intel-dependency-unmet", "error",
        f"apt cannot install {first.package or 'an Intel package'}: {more(deps, 3)} "
        + ("must be of exactly its version, and apt picks another" if pinned else "would not be installed"),
        (*(e.line for e in said[:4]),
         "Intel's oneAPI packages depend on each other by exact version (Depends: x (= 2023.2.1-16)): an install that pins "
         "one package's version lets apt take the newest of the others, which the pinned one refuses"
         if pinned else "apt would not install the dependency: a pinned version of the package beside an unpinned dependency "
         "of Intel's (its versioned meta package, intel-oneapi-runtime-mkl-2024), or other packages of the machine "
         "already broken (the list's other lines)"),
        ("pin every Intel package of the install to one release: apt-get install <pkg>=<version> <each dependency the list "
         "names>=<its version> (apt-cache depends <pkg>=<version> lists them), or install without version pins",
         "where the list names packages that are not Intel's, repair those first: apt --fix-broken install (a container: "
         "start from a clean image)"),
        "apt installs a set of packages only when every dependency's version relation holds; a pin on one package does not "
        "pin what it depends on.",
        (f"apt-cache policy {' '.join(deps[:3])}   # the versions apt can choose",),
    )
