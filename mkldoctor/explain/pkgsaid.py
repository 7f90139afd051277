"""What package managers say when they cannot provide a package, read into events (:mod:`pkgmanagers` diagnoses them).

``PackagesNotFoundError: The following packages are not available from current channels: - mkl==2024.0.0`` (conda),
``Package missing in current win-64 channels: - nomkl`` (conda 4.0), ``could not find package for package specification
'mkl'`` (conda 1), ``mkl =* * does not exist (perhaps a typo or a missing channel)`` and ``nothing provides requested mkl``
(libmamba, libsolv), ``No candidates were found for mkl`` (pixi), ``Could not find a version that satisfies the requirement
mkl==2024.0.0 (from versions: ...)`` and ``No matching distribution found for mkl-static`` (pip), ``mkl has no wheels with
a matching platform tag`` (uv), ``ResolvePackageNotFound``, ``UnsatisfiableError`` naming mkl. The same messages about
another package are failures mkldoctor does not know: unrecognised, never silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mkldoctor.explain.catalogue import FollowOn, Signature, Unrecognised, last_match
from mkldoctor.knowledge import distribution

SUBDIR = re.compile(r"\b(?P<subdir>(?:linux|osx|win)-(?:64|32|arm64|aarch64|ppc64le|s390x|armv7l))\b")
_ITEM = re.compile(r"^\s*-\s+(?P<spec>\S.*?)\s*$")  # conda's "  - mkl==2024.0.0" lines
# conda's spellings: "mkl==2024.0.0", "mkl >=2020", "mkl[version='>=2020.2']" (a match spec's bracket form)
_NAME = re.compile(r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_][\w.+-]*?)(?P<spec>(?:\s*[=<>!~\s\[].*)?)$")


@dataclass(frozen=True, slots=True)
class PackageUnavailable:
    """One MKL package a package manager could not provide."""

    manager: str  # "conda", "mamba", "pixi", "pip", "uv"
    package: str  # "mkl", "nomkl", "libblas"
    spec: str  # what was asked beside the name: "==2024.0.0", "=* *mkl", ""
    line: str
    subdir: str | None = None  # the conda subdir or wheel tag the log names for it
    shown: tuple[str, ...] | None = None  # pip: the versions the index offered (None: not said)
    others: tuple[str, ...] = ()  # the other packages of the same message
    conflict: bool = False  # conda's UnsatisfiableError: the specifications conflict (the package may well exist)


@dataclass(frozen=True, slots=True)
class NomklAsked:
    """The solver's word that the environment asks for nomkl, which forbids any mkl (``mkl <0.a0``): libmamba's ``nomkl is
    not installable because it requires`` above ``mkl <0.a0, which conflicts with ...`` (RMG-Py#2722)."""

    line: str


@dataclass(frozen=True, slots=True)
class CondaPlatform:
    """``Platform: osx-arm64``: the subdir conda (23.9 and newer), mamba or pixi says it solves for."""

    subdir: str
    wheel: bool = False  # a wheel's tag, of a wheel pip downloaded for the same install


@dataclass(frozen=True, slots=True)
class PackageList:
    """A message whose packages follow on ``  - name`` lines (conda's, uv's): held until they are read."""

    manager: str
    line: str
    subdir: str | None = None
    before: tuple[str, ...] = field(default=(), compare=False)
    wants: int = field(default=12, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "PackageUnavailable | Unrecognised":
        items = self.line.split('Use "conda')[0].split(" - ")[1:]  # a one-line paste: "...channels: - mkl==2024.0.0 - numpy"
        channels = False
        for line in lines:
            if re.match(r"^\s*(?:Current channels|Channels|To search for|Note that|Use \"conda search)\b", line):
                channels = True
            item = _ITEM.match(line) or re.match(r"^\s*(?:Package (?P<spec>\S+) conflicts for:|Hint: (?P<one>\S+) has a "
                                                 r"conflict)", line)
            if item and not channels:
                items.append(item.group("spec") or item.group("one"))
            elif not item and not channels and items and not re.match(r"^\s*(?:│|├|└|\||╰)", line):
                break
            if "because" in line.lower() or "Because" in line:
                items += [f"{m.group(1)}{m.group(2) or ''}" for m in _UV_BECAUSE.finditer(line)]
        subdir = self.subdir or _subdir_in((*self.before, *lines))
        tag = next((m.group(1) for line in lines for m in [_UV_TAG.search(line)] if m), None)
        asked = [_split(spec) for spec in items]
        mkl = [(name, spec) for name, spec in asked if distribution.is_mkl_package(name, spec)]
        if not mkl:
            return Unrecognised(self.line, (*self.before, self.line, *lines[:6]), self.at)
        name, spec = mkl[0]
        others = tuple(f"{n}{' ' if s[:1].isdigit() else ''}{s}" for n, s in asked if (n, s) != (name, spec))  # "python 3.5*"
        return PackageUnavailable(self.manager, name, spec, self.line, subdir or tag, None, others, "Unsatisfiable" in self.line)


_UV_BECAUSE = re.compile(r"(?:Because|and because)\s+(?:there are no versions of |only )?(?P<n>[A-Za-z0-9_][\w.-]*)(?P<s>[=<>!~][^\s,]*)?")
_UV_TAG = re.compile(r"matching platform tag \(e\.g\., `([^`]+)`\)")


def _split(spec: str) -> tuple[str, str]:
    spec = spec.strip().strip("'\"`").rstrip(";.,")
    match = _NAME.match(spec)
    if not match:
        return spec, ""
    return match.group("name"), match.group("spec").strip()


def _subdir_in(lines) -> str | None:
    for line in lines:
        match = SUBDIR.search(line)
        if match:
            return match.group("subdir")
    return None


def _one(manager: str, name_group: str = "pkg", spec_group: str = "spec"):
    """A message naming one package on its own line: the MKL one's event, another package's line unrecognised."""

    def event(m: re.Match, before) -> PackageUnavailable | Unrecognised:
        name, spec = m.group(name_group), (m.groupdict().get(spec_group) or "").strip()
        if not distribution.is_mkl_package(name, spec):
            return Unrecognised(m.string.strip())
        subdir = m.groupdict().get("subdir") or _subdir_in((*before, m.string))
        shown = m.groupdict().get("versions")
        versions = None if shown is None else tuple(v for v in re.split(r"[,\s]+", shown) if v and v != "none")
        return PackageUnavailable(manager, name, spec, m.string.strip(), subdir, versions)

    return event


def _pip_echo(m: re.Match, before) -> PackageUnavailable | FollowOn:
    """pip's ``No matching distribution found for X``: the echo of the line before it (``Could not find a version``)."""
    name, spec = m.group("pkg"), m.group("spec") or ""
    line = m.string.strip()
    return PackageUnavailable("pip", name, spec, line) if distribution.is_mkl_package(name, spec) else FollowOn(line)


def _list(manager: str, wants: int = 12):
    return lambda m, before: PackageList(manager, m.string.strip(), m.groupdict().get("subdir"), tuple(before), wants)


def _caused_by(m: re.Match, before) -> PackageUnavailable | FollowOn:
    """pip's ``The conflict is caused by:`` list: each package (each release of one) that depends on an MKL package, a
    package pip had no candidate of (PyPardiso#24: mkl-service had no wheel for that Python); the user's own request of it
    beside another's is a conflict of the two."""
    name, spec, line = m["pkg"], m["spec"], m.string.strip()
    listed = last_match(r"The conflict is caused by:|^\s+\S+ \S+ depends on ", before)
    if not distribution.is_mkl_package(name, spec) or not listed:
        return FollowOn(line)
    user = line.startswith("The user requested") or last_match(rf"The user requested {re.escape(name)}\b", before)
    return PackageUnavailable("pip", name, spec, line, None, None, (), bool(user))


_PKG = r"(?P<pkg>[A-Za-z0-9_][\w.+-]*)"
_DEPENDS = re.compile(rf"^\s+(?:[\w.-]+ [\w.+!-]+ depends on|The user requested) {_PKG}(?P<spec>\S*)\s*$")
SIGNATURES = (
    # pip's resolver giving up: "The conflict is caused by:", then "    pypardiso 0.3.3 depends on mkl-service"
    *(Signature(f"pip-conflict-caused-by-{i}", "pkgmanagers", needle, _DEPENDS, _caused_by)
      for i, needle in enumerate(("depends on mkl", "depends on intel-openmp", "requested mkl"))),
    Signature("conda-packages-not-found", "pkgmanagers", "PackagesNotFoundError",
              re.compile(r"PackagesNotFoundError: The following packages are not available"), _list("conda")),
    Signature("conda-resolve-package-not-found", "pkgmanagers", "ResolvePackageNotFound",
              re.compile(r"ResolvePackageNotFound:"), _list("conda", 80)),  # an exported environment's many builds
    Signature("conda-unsatisfiable", "pkgmanagers", "UnsatisfiableError",
              re.compile(r"UnsatisfiableError: The following specifications were found"), _list("conda")),
    # conda 3 to 4.3's words (conda#1867), its hint's list or "Hint: mkl has a conflict with the remaining packages" below
    Signature("conda-unsatisfiable-old", "pkgmanagers", "Error: Unsatisfiable",
              re.compile(r"^\s*Error: Unsatisfiable package specifications\.?\s*$"), _list("conda")),
    # conda's report of one package's conflicts, where the paste starts at it ("Package mkl conflicts for:", conda#10034)
    Signature("conda-package-conflicts-for", "pkgmanagers", "conflicts for:",
              re.compile(r"^\s*Package (?P<pkg>mkl[\w.-]*|intel-openmp) conflicts for:\s*$"),
              lambda m, _: PackageUnavailable("conda", m["pkg"], "", m.string.strip(), None, None, (), True)),
    Signature("conda-package-missing-in-channels", "pkgmanagers", "missing in current",
              re.compile(r"Packages? missing in current (?:(?P<subdir>[\w-]+) )?channels"), _list("conda")),
    # conda 1's words for a specification that conflicts with the rest (conda#76): the package may well exist
    Signature("conda-no-package-for-spec", "pkgmanagers", "ould not find package for package specification",
              re.compile(rf"could not find package for package specification '{_PKG}(?P<spec>[^']*)' compatible"),
              lambda m, _: PackageUnavailable("conda", m["pkg"], m["spec"], m.string.strip(), None, None, (), True)
              if distribution.is_mkl_package(m["pkg"], m["spec"]) else Unrecognised(m.string.strip())),
    Signature("conda-no-packages-found", "pkgmanagers", "No packages found in current",
              re.compile(rf"No packages found in current (?P<subdir>[\w-]+) channels matching:\s*'?{_PKG}(?P<spec>[^'\s]*)"),
              _one("conda")),
    Signature("libmamba-does-not-exist", "pkgmanagers", "does not exist (perhaps",
              # the spec, when there is one, starts with a character that is not a space: the whitespace before "does" is
              # then read once (two runs of \s+ that can split one run of spaces were quadratic in its length)
              re.compile(rf"(?<![\w.+-])[.+-]*{_PKG}(?:\s+(?P<spec>[^\s,]+(?:\s+[^\s,]+)??))?,?\s+(?:which\s+)?does not exist \(perhaps"),
              _one("mamba")),
    Signature("libsolv-nothing-provides", "pkgmanagers", "nothing provides",  # mamba 1.5: "mkl 2019.1.* , which does not exist"
              re.compile(rf"nothing provides (?:requested )?{_PKG}(?P<spec>(?:\s+(?!needed\b|,)\S+)*?)"
                         r"(?:\s*, which does not exist\b.*|\s+needed by\s|\s*$)"), _one("mamba")),
    # libmamba 2's reason: "- package pytorch-2.3.0-py3.12_cpu_0 requires mkl >=2023.1.0,<2024.0a0, but none of the providers ..."
    Signature("libmamba-no-provider", "pkgmanagers", "none of the providers",
              re.compile(rf"\brequires {_PKG}(?P<spec>(?:\s+[^\s,]+(?:,[^\s,]+)*)?), but none of the providers"), _one("mamba")),
    Signature("libmamba-nomkl-forbids-mkl", "pkgmanagers", "not installable",
              re.compile(r"^\W*nomkl(?:\s+[\w.*=<>]+)? is not installable because it requires\b"),
              lambda m, _: NomklAsked(m.string.strip()[:200])),
    Signature("conda-platform", "pkgmanagers", "latform: ", re.compile(rf"\b[Pp]latform: {SUBDIR.pattern}\s*$"),
              lambda m, _: CondaPlatform(m.group("subdir"))),
    Signature("pixi-failed-to-solve", "pkgmanagers", "failed to solve", re.compile(r"failed to solve the (?:conda )?requirements"),
              lambda m, _: Unrecognised(m.string.strip())),  # a header: the reason follows (No candidates were found ...)
    Signature("libmamba-unsatisfiable", "pkgmanagers", "UnsatisfiableError: Encountered",  # a header: the reasons follow
              re.compile(r"LibMambaUnsatisfiableError: Encountered problems while solving"), lambda m, _: FollowOn(m.string.strip())),
    Signature("libmamba-could-not-solve", "pkgmanagers", "libmamba",
              re.compile(r"\b(?:critical|error)\s+libmamba\s+Could not solve for environment specs"),
              lambda m, _: FollowOn(m.string.strip())),
    Signature("pixi-no-candidates", "pkgmanagers", "No candidates were found",
              re.compile(rf"No candidates were found for {_PKG}(?P<spec>(?:\s+[^\s]+?)?)\.?\s*$"), _one("pixi")),
    Signature("pip-no-version", "pkgmanagers", "ould not find a version",
              re.compile(rf"Could not find a version that satisfies the requirement {_PKG}(?P<spec>[^\s(]*)"
                         r"(?:\s*\(from (?!versions:)[^()]{1,200}\))?"  # who asked for it: "(from cellpose[gui])"
                         r"(?:\s*\(from versions:\s*(?P<versions>[^)]*)\))?"), _one("pip")),
    Signature("pip-no-matching-distribution", "pkgmanagers", "No matching distribution found",
              re.compile(rf"No matching distribution found for {_PKG}(?P<spec>\S*)"), _pip_echo),
    # uv: "Distribution `mkl==2025.3.0 @ registry+...` can't be installed because it doesn't have a source distribution or
    # wheel for the current platform", then "hint: You're on macOS (`macosx_26_0_arm64`), but ..." (dQP#4)
    Signature("uv-no-wheel-for-platform", "pkgmanagers", "an't ",
              re.compile(rf"Distribution `{_PKG}(?P<spec>[=<>~!][^\s@`]*)?[^`]*` can't be installed because it doesn't have a "
                         r"source distribution or wheel for the current platform"), _one("uv")),
    # a wheel pip downloaded for this install ("Downloading mkl-2021.3.0-py2.py3-none-manylinux1_x86_64.whl"): its platform
    *(Signature(f"pip-{word.strip().lower().replace(' ', '-')}-wheel", "pkgmanagers", word,
                re.compile(rf"^\s*{word}\S+?-[\w.+!]+-(?:py|cp|pp)\d[\w.]*-[\w.]+-(?P<tag>(?:many|musl)linux\w+|macosx_\w+|"
                           r"win_(?:amd64|arm64)|win32)\.whl\b"), lambda m, _: CondaPlatform(m["tag"], True))
      for word in ("Downloading ", "Using cached ")),  # (one in pip's cache, cellpose#110)
    Signature("uv-platform-hint", "pkgmanagers", "latform: ",
              re.compile(r"You're on \w+ \(`(?P<tag>[\w.]+)`\)"), lambda m, _: CondaPlatform(m.group("tag"))),
    # pip's resolver giving up: its own echo of the requirement it could not meet, which the lines before or after name
    Signature("pip-conflicting-dependencies", "pkgmanagers", "annot ",
              re.compile(r"Cannot install .+ because these package versions have conflicting dependencies"), lambda m, _: FollowOn(m.string.strip())),
    Signature("pip-resolution-impossible", "pkgmanagers", "ERROR", re.compile(r"ERROR: ResolutionImpossible"), lambda m, _: FollowOn(m.string.strip())),
    Signature("uv-no-solution", "pkgmanagers", "No solution found when resolving",
              re.compile(r"No solution found when resolving dependencies"), _list("uv")),
)
