"""Cargo's version requirements: the tables of Cargo's reference ("Specifying Dependencies"), checked at
their edges against plain tuple comparison, and real cargo choosing from a local registry of one crate's
versions: the newest version our matcher admits is the one cargo picks."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from mkldoctor.diagnose import cargo_routes
from mkldoctor.diagnose.cargo_semver import matches, parse_requirement, parse_version
from test_check import cargo

# Cargo's reference, "Specifying Dependencies": each requirement and the range it stands for
DOCUMENTED = {
    # caret (the default)
    "1.2.3": ("1.2.3", "2.0.0"), "^1.2.3": ("1.2.3", "2.0.0"), "1.2": ("1.2.0", "2.0.0"), "1": ("1.0.0", "2.0.0"),
    "0.2.3": ("0.2.3", "0.3.0"), "0.2": ("0.2.0", "0.3.0"), "0.0.3": ("0.0.3", "0.0.4"), "0.0": ("0.0.0", "0.1.0"),
    "0": ("0.0.0", "1.0.0"),
    # tilde
    "~1.2.3": ("1.2.3", "1.3.0"), "~1.2": ("1.2.0", "1.3.0"), "~1": ("1.0.0", "2.0.0"),
    # wildcard
    "*": ("0.0.0", None), "1.*": ("1.0.0", "2.0.0"), "1.2.*": ("1.2.0", "1.3.0"),
    # comparison, and several at once
    ">= 1.2.0": ("1.2.0", None), "> 1": ("2.0.0", None), "< 2": ("0.0.0", "2.0.0"), "= 1.2.3": ("1.2.3", "1.2.4"),
    ">= 1.2, < 1.5": ("1.2.0", "1.5.0"),
    # the issue's cases: a partial version stands for every version it names
    "<=0.7": ("0.0.0", "0.8.0"), ">0.8": ("0.9.0", None),
}


def edges(low: str, high: str | None) -> list[str]:
    """Versions on both sides of each end of [low, high)."""
    out = {low, "0.0.0", "0.0.1", "0.1.0", "1.0.0", "9.9.9"}
    for bound in filter(None, (low, high)):
        major, minor, patch = map(int, bound.split("."))
        out |= {bound, f"{major}.{minor}.{patch + 1}", f"{major}.{minor + 1}.0", f"{major + 1}.0.0"}
        out |= {f"{major}.{minor}.{patch - 1}"} if patch else set()
        out |= {f"{major}.{minor - 1}.99"} if minor else set()
        out |= {f"{major - 1}.99.99"} if major else set()
    return sorted(out)


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


@pytest.mark.parametrize("requirement", sorted(DOCUMENTED))
def test_the_documented_ranges(requirement):
    low, high = DOCUMENTED[requirement]
    for version in edges(low, high):
        expected = as_tuple(low) <= as_tuple(version) and (high is None or as_tuple(version) < as_tuple(high))
        assert matches(requirement, version) == expected, (requirement, version)


def test_the_issues_cases_through_the_routes_table_matcher():
    assert not cargo_routes.matches("<=0.7", "0.8.1")
    assert not cargo_routes.matches(">0.8", "0.5.0")
    assert cargo_routes.matches(None, "0.8.1") and cargo_routes.matches("0.8", "0.8.1")
    assert not cargo_routes.matches("0.8 and more", "0.8.1")  # cargo refuses it: it admits nothing


def test_pre_releases_as_cargo_documents_them():
    # "a requirement of foo = "1.0" will not match" 1.0.0-alpha: "The pre-release must be specified"
    assert not matches("1.0", "1.0.0-alpha") and matches("1.0.0-alpha", "1.0.0-alpha")
    assert matches("1.0.0-alpha", "1.0.0-alpha.1") and matches("1.0.0-alpha", "1.0.0") and matches("1.0.0-alpha", "1.0.5")
    assert not matches("1.0.0-alpha", "1.0.1-alpha")  # another patch's pre-release is never admitted
    assert not matches(">=1.0.0-alpha", "2.0.0-rc.1") and matches("<2.0.0", "1.9.0") and not matches("<2.0.0", "2.0.0-rc.1")
    # SemVer precedence: alpha < alpha.1 < alpha.beta < beta < beta.2 < beta.11 < rc.1 < release; build metadata ignored
    order = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
    keys = [parse_version(v).key() for v in order]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert parse_version("1.0.0+build.5").key() == parse_version("1.0.0").key()


@pytest.mark.parametrize("bad", ["", "1.2.*.3", "^1.*", "1.*-alpha", "1.0-alpha", ">= x.y", "one"])
def test_requirements_cargo_refuses(bad):
    with pytest.raises(ValueError):
        parse_requirement(bad)


# -- real cargo, choosing from a local registry -----------------------------------------------------

VERSIONS = ["0.0.3", "0.0.4", "0.1.0", "0.2.3", "0.2.9", "0.3.0", "0.5.0", "0.7.3", "0.8.0", "0.8.1", "0.9.0",
            "1.0.0-alpha", "1.0.0", "1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.4.9", "1.5.0", "2.0.0-rc.1", "2.0.0"]
ASKED = ["0.0.3", "0.2", "0.8", "=0.8.0", "~0.8.0", "<=0.7", ">0.8", "> 0.8.0, < 1", "1", "~1.2", "1.2.*", ">= 1.2, < 1.5",
         "<1.2.3", "1.0.0-alpha", "=1.0.0-alpha", "2.0.0-rc.1", "<2", "*", "0.4", ">2"]


def newest_admitted(requirement: str) -> str | None:
    admitted = [v for v in VERSIONS if matches(requirement, v)]
    return max(admitted, key=lambda v: parse_version(v).key()) if admitted else None


@pytest.mark.skipif(shutil.which("cargo") is None, reason="cargo is not installed")
def test_cargo_picks_the_newest_version_the_matcher_admits(tmp_path):
    registry = tmp_path / "registry"
    for version in VERSIONS:
        folder = registry / f"probe-{version}"
        (folder / "src").mkdir(parents=True)
        (folder / "Cargo.toml").write_text(f'[package]\nname = "probe"\nversion = "{version}"\nedition = "2018"\n')
        (folder / "src/lib.rs").write_text("")
        (folder / ".cargo-checksum.json").write_text('{"files":{}}')
    differ = []
    for number, requirement in enumerate(ASKED):
        project = tmp_path / f"p{number}"
        (project / "src").mkdir(parents=True)
        (project / "src/lib.rs").write_text("")
        (project / "Cargo.toml").write_text(f'[package]\nname = "p{number}"\nversion = "0.1.0"\nedition = "2018"\n'
                                            f'[dependencies]\nprobe = "{requirement}"\n')
        (project / ".cargo").mkdir()
        (project / ".cargo/config.toml").write_text(
            f'[source.crates-io]\nreplace-with = "local"\n[source.local]\ndirectory = "{registry}"\n')
        done = cargo(project, {}, "generate-lockfile", "--offline")
        picked = None
        if done.returncode == 0:
            lock = (project / "Cargo.lock").read_text()
            picked = re.search(r'name = "probe"\nversion = "([^"]+)"', lock).group(1)
        else:
            assert "failed to select a version" in done.stderr, done.stderr
        if picked != newest_admitted(requirement):
            differ.append(f"{requirement!r}: cargo {picked}, ours {newest_admitted(requirement)}")
    assert not differ, differ
    assert newest_admitted("<=0.7") == "0.7.3" and newest_admitted(">2") is None  # the table is not empty-handed
