"""Cargo's version requirements, matched as Cargo matches them (its ``semver`` rules).

Cargo's reference ("Specifying Dependencies") and the semver crate it uses define them:

* a bare version is a caret requirement: ``1.2.3`` = ``^1.2.3`` = ``>=1.2.3, <2.0.0``; the left-most
  non-zero part may not change (``^0.2.3`` = ``>=0.2.3, <0.3.0``, ``^0.0.3`` = ``>=0.0.3, <0.0.4``,
  ``^0.0`` = ``>=0.0.0, <0.1.0``, ``^0`` = ``>=0.0.0, <1.0.0``);
* tilde: ``~1.2.3`` = ``>=1.2.3, <1.3.0``, ``~1.2`` = ``>=1.2.0, <1.3.0``, ``~1`` = ``>=1.0.0, <2.0.0``;
* wildcard: ``*``, ``1.*`` = ``>=1.0.0, <2.0.0``, ``1.2.*`` = ``>=1.2.0, <1.3.0``;
* comparison: ``=``, ``>``, ``>=``, ``<``, ``<=``, with a partial version meaning every version it
  names (``>1`` = ``>=2.0.0``, ``<=1.2`` = ``<1.3.0``, ``=1.2`` = ``>=1.2.0, <1.3.0``);
* several requirements separated by commas must all hold;
* a pre-release (``1.0.0-alpha``) matches only a requirement that names a pre-release of the same
  ``major.minor.patch``, and orders by SemVer precedence (``alpha < alpha.1 < beta < rc.1 < 1.0.0``);
  build metadata (``+build``) is ignored.

``packaging.version`` is not used: it reads versions the PEP 440 way, where ``1.0.0-alpha.beta`` is
invalid and ``+build`` orders above the release; SemVer's precedence differs on both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")
_COMPARATOR = re.compile(r"^\s*(=|>=|<=|>|<|~|\^)?\s*(\d+|[*xX])(?:\.(\d+|[*xX]))?(?:\.(\d+|[*xX]))?"
                         r"(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")


def _pre(text: str | None) -> tuple:
    """SemVer precedence of a pre-release: none is highest; numeric identifiers below alphanumeric ones."""
    if not text:
        return (1,)
    return (0, *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in text.split(".")))


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple = (1,)  # _pre() of the pre-release

    @property
    def prerelease(self) -> bool:
        return self.pre != (1,)

    def key(self) -> tuple:
        return (self.major, self.minor, self.patch, self.pre)


def parse_version(text: str) -> Version | None:
    match = _VERSION.match(text)
    if not match:
        return None
    major, minor, patch, pre = match.groups()
    return Version(int(major), int(minor), int(patch), _pre(pre))


@dataclass(frozen=True)
class Comparator:
    op: str  # "=", ">", ">=", "<", "<=", "~", "^"
    major: int
    minor: int | None
    patch: int | None
    pre: tuple = (1,)

    def _exact(self, v: Version) -> bool:
        return (v.major == self.major and self.minor in (None, v.minor) and self.patch in (None, v.patch)
                and v.pre == self.pre)

    def _beyond(self, v: Version, sign: int) -> bool:
        """``v`` above (sign 1) or below (sign -1) every version the comparator names."""
        for have, want in ((v.major, self.major), (v.minor, self.minor), (v.patch, self.patch)):
            if want is None:
                return False
            if have != want:
                return (have - want) * sign > 0
        return (v.pre > self.pre) if sign > 0 else (v.pre < self.pre)

    def _tilde(self, v: Version) -> bool:
        if v.major != self.major or self.minor not in (None, v.minor):
            return False
        if self.patch is not None and v.patch != self.patch:
            return v.patch > self.patch
        return v.pre >= self.pre

    def _caret(self, v: Version) -> bool:
        if v.major != self.major:
            return False
        if self.minor is None:
            return True
        if self.patch is None:
            return v.minor >= self.minor if self.major > 0 else v.minor == self.minor
        if self.major > 0:
            if v.minor != self.minor:
                return v.minor > self.minor
        elif self.minor > 0:
            if v.minor != self.minor:
                return False
        elif v.minor != self.minor or v.patch != self.patch:
            return False
        if v.patch != self.patch:
            return v.patch > self.patch
        return v.pre >= self.pre

    def matches(self, v: Version) -> bool:
        if self.op == "=":
            return self._exact(v)
        if self.op in (">", ">="):
            return self._beyond(v, 1) or (self.op == ">=" and self._exact(v))
        if self.op in ("<", "<="):
            return self._beyond(v, -1) or (self.op == "<=" and self._exact(v))
        return self._tilde(v) if self.op == "~" else self._caret(v)

    def allows_prerelease_of(self, v: Version) -> bool:
        return (self.major, self.minor, self.patch) == (v.major, v.minor, v.patch) and self.pre != (1,)


def parse_requirement(text: str) -> tuple[Comparator, ...]:
    """The comparators of a requirement (``">=1.2, <1.5"``); ``*`` alone is none. ValueError when Cargo would refuse it."""
    if text.strip() == "":
        raise ValueError("an empty version requirement")
    out = []
    for part in text.split(","):
        match = _COMPARATOR.match(part)
        if not match:
            raise ValueError(f"not a version requirement: {part.strip()!r}")
        op, *numbers, pre = match.groups()
        parts = [None if n is None or n in "*xX" else int(n) for n in numbers]
        wild = any(n is not None and n in "*xX" for n in numbers)
        if wild and (parts[parts.index(None):] != [None] * (3 - parts.index(None)) or pre or op in ("^", "~")):
            raise ValueError(f"a wildcard stands for the rest of the version: {part.strip()!r}")
        if pre and parts[2] is None:
            raise ValueError(f"a pre-release needs major.minor.patch: {part.strip()!r}")
        if parts[0] is None:  # "*": any version
            continue
        out.append(Comparator(op or ("=" if wild else "^"), parts[0], parts[1], parts[2], _pre(pre)))
    return tuple(out)


def matches(requirement: str, version: str) -> bool:
    """Whether Cargo's requirement admits ``version`` (False for a version that is not SemVer)."""
    v = parse_version(version)
    if v is None:
        return False
    comparators = parse_requirement(requirement)
    if not all(c.matches(v) for c in comparators):
        return False
    return not v.prerelease or any(c.allows_prerelease_of(v) for c in comparators)
