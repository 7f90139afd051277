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

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature, Unrecognised, last_match, preceded
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import aptwords, recipes
from mkldoctor.knowledge.catalogues import literal

_MKL_PACKAGE = re.compile(r"^(?:intel-oneapi-(?:mkl|openmp|compiler|tbb|runtime)[\w.+-]*|libmkl-[\w.+-]+|intel-mkl[\w.+-]*"
                          r"|libiomp[\w.+-]*|intel-(?:basekit|hpckit|aikit|renderkit|iotkit)"  # oneAPI's toolkits
                          r"|intel-level-zero-gpu|level-zero(?:-dev)?|intel-opencl-icd)$")  # and its GPU repository's, beside them
_ONEAPI = re.compile(r"^intel-(?:oneapi-|basekit|hpckit|aikit|renderkit|iotkit)")


@dataclass(frozen=True, slots=True)
class SystemPackageUnknown:
    manager: str  # "apt", "dnf"
    package: str
    line: str


def _said(manager: str):
    return lambda m, _: _package_said(manager, m["pkg"], m.string.strip()[:300])


def _package_said(manager: str, package: str, line: str) -> SystemPackageUnknown | Punctuated | Unrecognised:
    package = package.strip().strip("'\"")
    if re.fullmatch(r"[a-z0-9][\w.+-]*[a-z0-9+][.,;:]", package):  # "patchelf.": a sentence's period copied with it
        return Punctuated(line, manager, package)
    return SystemPackageUnknown(manager, package, line) if _MKL_PACKAGE.match(package) else Unrecognised(line)


def _translated(said: str) -> Signature:
    """apt's "E: " and its words in one language of :mod:`mkldoctor.knowledge.aptwords` (German's have a signature of
    their own), the package's name where the words have %s."""
    head, _, tail = said.partition("%s")
    pattern = re.compile(r"^\s*(?:[\d.]+\s+)?E: " + literal(head) + r"(?P<pkg>\S+?)" + literal(tail) + r"\s*$")
    return Signature("apt-package-unknown-translated", "syspackages", aptwords.needle(said), pattern, _said("apt"))


@dataclass(frozen=True, slots=True)
class ArmBuild:
    """A line that says the build is for arm64: BuildKit's step of a multi-platform build ("[linux/arm64 builder 3/7] RUN
    apt-get ..."), docker's --platform=linux/arm64, Debian's aarch64 library folder."""

    CONTEXT_ONLY = True  # no failure of its own
    line: str


@dataclass(frozen=True, slots=True)
class Punctuated:
    """A package name that ends with a sentence's mark, copied with it from a message (Paddle#12407: CMake's "apt-get
    install -y patchelf." taken whole, so apt looked for "patchelf.")."""

    line: str  # first: the finding's own line, by which an echo after it finds it
    manager: str
    package: str


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


SIGNATURES = (
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
    Signature("build-for-arm64", "syspackages", "linux/arm64",
              re.compile(r"(?:--platform[= ]|\[)linux/arm64\b"), lambda m, _: ArmBuild(m.string.strip()[:300])),
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
              lambda m, _: FollowOn(m.string.strip()[:300]) if _MKL_PACKAGE.match(m["pkg"]) or m["pkg"][-1:] in ".,;:"
              else Unrecognised(m.string.strip()[:300])),
    Signature("apt-no-candidate", "syspackages", "installation candidate",
              re.compile(r"^E: Package '(?P<pkg>[^']+)' has no installation candidate"), _said("apt")),
    # the same two in the other languages of apt's catalogue (zh_CN: "E: 无法定位软件包 intel-oneapi-mkl-devel")
    *(_translated(said) for said in aptwords.WORDS),
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
    keys = [_source_gone(e) for e in events.of(AptSourceGone)[:1]]
    keys += [_dpkg_failed(e) for e in events.of(DpkgFailedOn)[:1] if not events.of(PackageScriptFailed)]
    keys += [_script_failed(e) for e in events.of(PackageScriptFailed)[:1]]
    keys += [_unmet_finding(events.of(AptUnmet))] if events.of(AptUnmet) else []
    keys += [_punctuated(e) for e in events.of(Punctuated)[:1]]
    said = events.of(SystemPackageUnknown)
    if not said:
        return keys
    first = next((e for e in said if _ONEAPI.match(e.package) or e.package.startswith(("libmkl", "intel-mkl"))), None)
    if first is None:  # only the GPU repository's packages: not MKL's question
        from mkldoctor.explain.unrecognised import unrecognised
        return keys + [unrecognised(Unrecognised(e.line, (e.line,)), ctx) for e in said]
    names = list(dict.fromkeys(e.package for e in said))
    intel = _ONEAPI.match(first.package) is not None
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
                        f"machine's {'apt sources' if apt else 'dnf repositories'} do not include Intel's, or Intel's has no package for "
                        "the machine's architecture")
        fix = [*(recipes.intel_apt_repo() if apt else recipes.intel_yum_repo()),
               (recipes.apt_install if apt else recipes.dnf_install)(*names[:3])]
        arm = events.of(ArmBuild)[:1]
        evidence += [f"the build is for arm64 ({e.line[:120]}): Intel builds oneAPI for amd64 only" for e in arm]
        fix.insert(0 if arm else len(fix),
                   "oneAPI is built for amd64 (x86-64) only: on an arm64 machine (a Docker build on Apple silicon or an ARM "
                   "server) no source has it: dpkg --print-architecture says which; there, build for amd64 (docker build "
                   "--platform linux/amd64) or use another BLAS (intel/oneapi-containers#54)")
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
           ("the build is for arm64, for which Intel builds no oneAPI" if events.of(ArmBuild) else
            "Intel's oneAPI repository is not among its sources, or the machine is not amd64") if intel else "the non-free component that has it is not enabled"),
        tuple(evidence), tuple(fix),
        "A package manager installs only what its configured sources list; MKL is in Intel's own repository (oneAPI's "
        "names) or in Debian's and Ubuntu's non-free component (libmkl-*), neither of which a default install reads.",
        (("apt-cache policy " if apt else f"{first.manager} repolist; {first.manager} list --available ") + first.package
         + "   # which source has it, if any",),
        locations=ctx.located(said, first.package),
    )]


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
    # Intel's repository from oneAPI 2024.0 on: runtime packages named by year (zivid-python#246); the unversioned names
    # kept 2023.2's dependencies while the packages they depend on moved to 2024
    years = next(((p[1], n[1]) for e in pinned if (p := re.match(r"=\s*(20\d\d)\.", e.relation))
                  and (n := re.search(r"but (20\d\d)\.[\w.:~+-]* is to be installed", e.line)) and p[1] < n[1]), None)
    renamed = ((f"Intel's repository names its packages by year from oneAPI 2024.0 on ({deps[0]}-{years[1]}, "
                f"intel-oneapi-runtime-compilers-{years[1]}, ...): an unversioned name that stayed at {years[0]}'s release "
                f"({first.package or 'the package'}) asks for {years[0]}'s versions of others, whose unversioned names apt "
                f"now takes at {years[1]} (zivid-python#246)"),
               f"install the year-named packages of one release in place of the unversioned names: apt-get install "
               f"{first.package or deps[0]}-{years[1]} (and each other intel-oneapi-runtime-* name with -{years[1]}), as "
               f"Intel's {years[1]} installation guide lists them") if years else ()
    return Finding(
        "apt-intel-dependency-unmet", "error",
        f"apt cannot install {first.package or 'an Intel package'}: {more(deps, 3)} "
        + ("must be of exactly its version, and apt picks another" if pinned else "would not be installed"),
        (*(e.line for e in said[:4]),
         "Intel's oneAPI packages depend on each other by exact version (Depends: x (= 2023.2.1-16)): an install that pins "
         "one package's version lets apt take the newest of the others, which the pinned one refuses"
         if pinned else "apt would not install the dependency: a pinned version of the package beside an unpinned dependency "
         "of Intel's (its versioned meta package, intel-oneapi-runtime-mkl-2024), or other packages of the machine "
         "already broken (the list's other lines)", *renamed[:1]),
        (*renamed[1:],
         "pin every Intel package of the install to one release: apt-get install <pkg>=<version> <each dependency the list "
         "names>=<its version> (apt-cache depends <pkg>=<version> lists them), or install without version pins",
         "where the list names packages that are not Intel's, repair those first: apt --fix-broken install (a container: "
         "start from a clean image)"),
        "apt installs a set of packages only when every dependency's version relation holds; a pin on one package does not "
        "pin what it depends on.",
        (f"apt-cache policy {' '.join(deps[:3])}   # the versions apt can choose",),
    )


def _punctuated(said: Punctuated) -> Finding:
    name = said.package[:-1]
    return Finding(
        "package-name-punctuated", "error",
        f"{said.manager} was asked for '{said.package}': the name ends with a sentence's mark, copied with it",
        (said.line, f"no package is named '{said.package}': the mark at its end came with the name from a message or a page "
                    "that ended its sentence with the command (Paddle#12407: CMake's \"apt-get install -y patchelf.\")"),
        (f"{said.manager} install {name}" if said.manager != "apt" else f"apt-get install -y {name}",),
        "A package manager takes each argument whole as a name; a period or comma after it is part of the name.",
        ((f"apt-cache policy {name}" if said.manager == "apt" else f"{said.manager} info {name}") + "   # without the mark",),
    )
