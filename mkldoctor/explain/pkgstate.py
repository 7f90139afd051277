"""A package manager's own state around MKL's packages: conda's cache holding a broken copy of one, pip leaving a
package beside an MKL release it does not accept.

- ``CondaVerificationError: The package for mkl located at /opt/conda/pkgs/mkl-2023.1.0-h213fc3f_46344 appears to be
  corrupted. The path 'lib/libmkl_core.so.2' specified in the package manifest cannot be found.`` and ``SafetyError: ...
  has an incorrect size``: the package in conda's cache (pkgs/) was cut short (an interrupted download or extraction, a
  full disk, two conda processes sharing one cache); MKL's packages are the largest many environments have;
- pip's ``numpy 1.26.4 requires mkl>=2024.0, but you have mkl 2023.2.0 which is incompatible.`` (or ``which is not
  installed``): pip installed what it was asked for and left the conflict, which shows at import or run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.distribution import is_mkl_package
from mkldoctor.knowledge.recipes import q

# the runtime packages MKL's own depend on (oneTBB, Intel MPI's, the SYCL runtime): their broken copies and conflicts
# stop MKL too
_MKL_DEPENDENCIES = ("tbb", "impi-rt", "dpcpp-cpp-rt")
# the packages whose build decides which BLAS and OpenMP runtime a Python process loads: a release the environment's other
# packages do not accept beside an MKL failure is one to put right first
_BLAS_CHOOSERS = ("numpy", "scipy")


def _mkl_side(name: str) -> bool:
    return is_mkl_package(name.replace("_", "-")) or name.lower().replace("_", "-") in _MKL_DEPENDENCIES


@dataclass(frozen=True, slots=True)
class CondaCacheCorrupted:
    package: str
    folder: str
    path: str  # the file conda found missing or of the wrong size ("" until the next lines say it)
    line: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "CondaCacheCorrupted":
        said = next((m["path"] for line in lines[:3] for m in [re.search(r"The path '(?P<path>[^']{1,300})'", line)] if m), "")
        return replace(self, path=self.path or said, wants=0)


@dataclass(frozen=True, slots=True)
class CondaDownloadFailed:
    """``CondaHTTPError: HTTP 000 CONNECTION FAILED for url <.../linux-64/mkl-2020.2-256.tar.bz2>`` (ipex-llm PR #6432: a CI
    job's conda download of mkl's package)."""

    package: str
    code: str
    line: str


@dataclass(frozen=True, slots=True)
class PipConflict:
    requirer: str  # "numpy 1.26.4"
    requirement: str  # "mkl>=2024.0"
    installed: str  # "mkl 2023.2.0", or "" when it is not installed
    line: str

    @property
    def requirement_name(self) -> str:
        return _requirement_name(self.requirement)


def _requirement_name(requirement: str) -> str:
    """``mkl<=2021.4.0,>=2021.1.1; platform_system == ...`` -> ``mkl``."""
    return re.match(r"[\w.-]+", requirement).group(0)


@dataclass(frozen=True, slots=True)
class MklInstalled:
    """The mkl release a log shows installed: pip's ``Successfully installed ... mkl-2026.1.0``, a freeze's
    ``mkl==2026.1.0``, a ``conda list``/``pip list`` row ``mkl  2026.1.0  ...`` (what the loader's answer is read against)."""

    version: str


_VERSION = r"(?P<v>20\d\d\.\d{1,2}(?:\.\d{1,4})?)"


def _cache(m: re.Match, _) -> CondaCacheCorrupted | object:
    if not _mkl_side(m["pkg"]):
        return NOT_MINE
    return CondaCacheCorrupted(m["pkg"], m["folder"], m["path"] or "", m.string.strip()[:300], wants=0 if m["path"] else 3)


# a package's archive that does not unpack: conda's InvalidArchiveError ("Error with archive /x/pkgs/mkl-2021.4.0-h06a4308_640
# .tar.bz2.  You probably need to delete and re-download or re-create this file."), and an installer's unpacker on its own
# copy (conda/constructor#92, NSIS: "Extract: mkl-2017.0.3-0.tar.bz2", then "tgz_extract: bad header checksum")
_ARCHIVE = re.compile(r"(?P<folder>\S{0,400}?(?P<pkg>(?<![\w.-])[A-Za-z][\w.-]{0,100}?)-\d[\w.!+-]*?)\.(?:tar\.bz2|conda)\b")


def _archive(m: re.Match, before) -> CondaCacheCorrupted | object:
    line = m.string.strip()
    if line.startswith("tgz_extract"):  # the archive on the line before
        named = next((a for b in reversed(before[-3:]) if "Extract: " in b for a in [_ARCHIVE.search(b.split("Extract: ", 1)[1])]
                      if a), None)
        line = f"{before[-1].strip()}: {line}" if named and before else line
    else:
        named = _ARCHIVE.search(m.string, m.end())
    if named is None or not _mkl_side(named["pkg"]):
        return NOT_MINE
    return CondaCacheCorrupted(named["pkg"], named["folder"].strip("'\""), "", line[:300])


def _conflict(m: re.Match, _) -> PipConflict | object:
    name = _requirement_name(m["req"])
    if not _mkl_side(name) and name.lower() not in _BLAS_CHOOSERS:
        return NOT_MINE
    return PipConflict(m["who"], m["req"].strip(), m["have"] or "", m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class CondaUsed:
    """A conda command the log shows run: ``conda install pytorch ...``, ``conda create --name x``: the program
    runs in a conda environment, whatever its paths say (deepchem#4698's anonymised ones)."""


# pip's report of a package whose requirement the environment does not meet (after an install, or pip check); a
# requirement of several clauses has commas of its own: "mkl<=2021.4.0,>=2021.1.1; platform_system == ..."
PIP_CONFLICT = re.compile(rf"^(?P<who>[\w.-]{{1,100}} [\w.+!-]{{1,50}}) requires (?P<req>[\w.-]{{1,100}}[^\n]{{0,200}}?), "
                          rf"(?:but you have (?P<have>[\w.-]{{1,100}} [\w.+!-]{{1,50}}) which is incompatible|"
                          r"which is not installed)")

SIGNATURES = (
    Signature("conda-command-shown", "pkgstate", "conda ",
              re.compile(r"(?:^|[\s`$>]|\d\.\s)conda (?:create|install)\b"), lambda m, _: CondaUsed()),
    Signature("pip-installed-mkl", "pkgstate", "Successfully installed",
              re.compile(rf"^Successfully installed (?:.* )?mkl-{_VERSION}(?:\s|$)"), lambda m, _: MklInstalled(m["v"])),
    *(Signature(f"listed-mkl-{i}", "pkgstate", needle, re.compile(rf"^\s*mkl(?:==|\s\s+){_VERSION}(?:\s+\S+){{0,3}}\s*$"),
                lambda m, _: MklInstalled(m["v"])) for i, needle in enumerate(("mkl==", "mkl  "))),
    # pip's header above the conflicts it lists: their echo
    Signature("pip-resolver-conflicts-header", "pkgstate", "ERROR: pip's dependency resolver",
              re.compile(r"ERROR: pip's dependency resolver does not currently take into account"),
              lambda m, _: FollowOn(m.string.strip()[:300])),
    Signature("conda-package-corrupted", "pkgstate", "The package for ",
              re.compile(rf"(?:CondaVerificationError|SafetyError): The package for (?P<pkg>[\w.-]{{1,100}}) located at "
                         r"(?P<folder>\S{1,400})(?:\s+appears to be corrupted\.\s+The path '(?P<path>[^']{1,300})')?"), _cache),
    Signature("pip-dependency-conflict", "pkgstate", " requires ", PIP_CONFLICT, _conflict),
    Signature("conda-invalid-archive", "pkgstate", "rror with archive", re.compile(r"Error with archive "), _archive),
    Signature("conda-http-error", "pkgstate", "CondaHTTPError",
              re.compile(r"CondaHTTPError: HTTP (?P<code>\d{3})[\w ]*? for url <?\S*?/(?P<pkg>[A-Za-z][\w.-]*?)-\d[\w.!+-]*"
                         r"\.(?:tar\.bz2|conda)>?"),
              lambda m, _: CondaDownloadFailed(m["pkg"], m["code"], m.string.strip()[:300]) if _mkl_side(m["pkg"]) else NOT_MINE),
    # conda's own line about the package before its reason
    Signature("conda-install-error-occurred", "pkgstate", "rror occurred while installing package",
              re.compile(r"An error occurred while installing package '(?:[\w.-]+::)?(?P<pkg>[A-Za-z][\w.-]*?)-\d"),
              lambda m, _: FollowOn(m.string.strip()[:300]) if _mkl_side(m["pkg"]) else NOT_MINE),
    # conda's link of a file its cache's copy lacks (anaconda-issues#1372: ".../pkgs/mkl-2017.0.1-0/lib/libmkl_core.dylib")
    Signature("conda-link-source-missing", "pkgstate", "annot link a source",
              re.compile(r"Cannot link a source that does not exist\. (?P<folder>\S*[/\\]pkgs[/\\](?P<pkg>[A-Za-z][\w.-]*?)-\d[^/\\\s]*)"
                         r"[/\\](?P<path>\S+)"), lambda m, _: CondaCacheCorrupted(m["pkg"], m["folder"], m["path"], m.string.strip()[:300])
              if _mkl_side(m["pkg"]) else NOT_MINE),
    Signature("installer-bad-checksum", "pkgstate", "checksum", re.compile(r"^\s*tgz_extract: bad header checksum"), _archive),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = [_corrupted(e) for e in events.of(CondaCacheCorrupted)[:1]] + [_download(e) for e in events.of(CondaDownloadFailed)[:1]]
    conflicts = [e for e in events.of(PipConflict) if _mkl_side(e.requirement_name)]
    if conflicts:
        out.append(_conflict_finding(conflicts))
    out += [_chooser_conflict(e) for e in events.of(PipConflict) if not _mkl_side(e.requirement_name)][:1]
    return out


def _corrupted(event: CondaCacheCorrupted) -> Finding:
    folder = event.folder.rstrip(".")
    return Finding(
        "conda-package-cache-corrupted", "error",
        f"conda's cached copy of {event.package} is broken" + (f" ({event.path})" if event.path else "")
        + ": the package in its cache was cut short, not MKL",
        (event.line, (f"{folder}'s archive (.tar.bz2 or .conda) in the cache does not unpack" if "archive" in event.line
                      or "tgz_extract" in event.line else f"{folder} is the package as conda unpacked it into its cache; a "
                      "file its manifest lists is missing or of another size")
         + ": a download or extraction that was interrupted, a full disk, or two conda processes writing one cache "
         "(MKL's packages are among the largest an environment has)"),
        (f"remove the broken copy and its archive from the cache, then install again: rm -rf {q(folder)} "
         f"{q(folder)}.conda {q(folder)}.tar.bz2 (or conda clean --packages --tarballs)",
         "check the disk the cache is on (df -h <the pkgs folder>) before the next install"),
        "conda installs a package by linking files from its cache (pkgs/) into the environment, after checking them "
        "against the package's manifest; a damaged cache entry stops every install that needs it.",
        ("conda info   # the package cache folders conda uses",),
    )


def _conflict_finding(conflicts: list[PipConflict]) -> Finding:
    first = conflicts[0]
    have = f"{first.installed} is installed" if first.installed else "it is not installed"
    want = first.requirement.split(";", 1)[0].strip()
    unseen = not first.installed and re.match(r"(?:mkl|intel-openmp|tbb)\b", want) is not None  # conda's, which pip cannot see
    return Finding(
        "pip-mkl-conflict", "error",
        f"pip left {first.requirer} beside an MKL package it does not accept: it requires {want}, and {have}",
        (*(e.line for e in conflicts[:3]),
         "pip reports it (after an install, or pip check) and leaves the environment as it is: the conflict stays, and "
         f"shows when {first.requirer.split()[0]} loads MKL (a library of another release, a name missing)",
         *(("in a conda environment pip cannot see conda's own mkl, intel-openmp and tbb packages (they carry no pip "
            "metadata, no .dist-info), so a requirement on them reads 'not installed' while their libraries are there: "
            "mkl-service 2.7.1 declared mkl so, and pip check failed under conda (conda-forge's mkl-service-feedstock PR "
            "#53; 2.7.2 dropped the requirement)",) if unseen else ())),
        (f"{'a pip environment: ' if unseen else ''}install what it requires: pip install {q(want)}",
         *((f"a conda environment where conda list {re.split(r'[=<>!~ ]', want)[0]} shows it installed: "
            "the report is pip's alone: take the release of the package that does not declare it (mkl-service 2.7.2 or "
            "newer), do not pip install a second MKL into the conda environment, and leave pip check out of a conda "
            "recipe's tests for it (conda-forge's pypardiso-feedstock a2e8509)",) if unseen else ()),
         f"or the release of {first.requirer.split()[0]} built for the MKL you keep (its requirement names the release "
         "it was built against)",
         "pip check   # every conflict left in the environment"),
        "Packages built against MKL (Intel's numpy and scipy wheels, mkl_fft, mkl-service) require the MKL release they "
        "were built with; pip's resolver installs the packages it is asked for even when an installed one disagrees.",
    )


def _chooser_conflict(event: PipConflict) -> Finding:
    want, name = event.requirement.split(";", 1)[0].strip(), event.requirement_name
    have = f"{event.installed} is installed" if event.installed else "it is not installed"
    return Finding(
        "pip-blas-package-conflict", "warning",
        f"pip left {event.requirer} beside a {name} it does not accept: it requires {want}, and {have}",
        (event.line,
         f"{name}'s build decides which BLAS and OpenMP runtime the process loads (PyPI's numpy and scipy: OpenBLAS; "
         "conda's defaults channel: MKL, with mkl-service choosing its threading layer): a release the environment's "
         "packages were not installed with changes both, under the packages that call them"),
        (f"install what it requires: pip install {q(want)}", "pip check   # every conflict left in the environment"),
        "pip installs the packages it is asked for even when an installed one requires another release of them, and "
        "only warns.",
    )


def _download(event: CondaDownloadFailed) -> Finding:
    unreached = event.code == "000"
    return Finding(
        "conda-mkl-download-failed", "error",
        f"conda could not download {event.package}'s package: "
        + ("no answer from the server (HTTP 000: a network, proxy or DNS failure, or a timeout)" if unreached else
           f"the server answered HTTP {event.code}"), (
            event.line,
            "MKL's conda packages are among the largest an environment has (hundreds of MB): a slow or proxied link times out "
            "on them first, and a CI job's network may not reach the channel at all"),
        ("retry with a longer timeout: conda config --set remote_read_timeout_secs 600 (and remote_max_retries 5)",
         "behind a proxy: conda config --set proxy_servers.https <proxy> (or HTTPS_PROXY); a CI runner: the channel's mirror "
         "that the runner's own conda configuration names",
         "or an offline copy: conda install --offline <the package file> from a machine that can fetch it"),
        "conda downloads each package's archive before it installs anything; a download that fails stops the whole "
        "transaction.",
        ("conda config --show channels proxy_servers remote_read_timeout_secs   # where conda fetches from, and how long it waits",),
    )
