"""CMake refusing MKL's MKLConfig.cmake for the version the project asked.

``Could not find a configuration file for package "MKL" that is compatible with requested version "2023.1".`` and
``.../lib/cmake/mkl/MKLConfig.cmake, version: 2024.0.0`` under "considered but not accepted" (arrayfire/arrayfire#3539).
oneMKL's MKLConfigVersion.cmake is CMake's SameMajorVersion with the year as the major version: find_package(MKL
2023.1) takes 2023.1 to 2023.x only, never a later year, and a version range must stay within one year too.

A project's own check of the release found says it in its words: vcpkg's intel-mkl port (before 2023) ``MKL 202101 is
found but 20200000 is required`` (it wraps exactly the MKL 2020.0 installed; flashlight#431), Gadgetron's ``requires
Intel MKL version >= 11.2.0`` after ``find MKL version : 11.0.1`` (gadgetron#477).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q

_CONSIDERED = re.compile(r"(?<!\S)(?P<path>\S+Config\.cmake), version: (?P<version>[\d.]+)")  # from a path's start only
_REQUESTED = re.compile(r"requested version \"(?P<req>[^\"]+)\"")


@dataclass(frozen=True, slots=True)
class ConfigVersionRejected:
    package: str
    line: str
    requested: str = ""
    considered: tuple[tuple[str, str], ...] = ()  # (path, version)
    wants: int = field(default=10, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "ConfigVersionRejected":
        text = "\n".join((self.line, *lines))
        req = _REQUESTED.search(text)
        considered = tuple(dict.fromkeys((m.group("path"), m.group("version")) for m in _CONSIDERED.finditer(text)))
        return replace(self, requested=req.group("req") if req else "", considered=considered, wants=0)


@dataclass(frozen=True, slots=True)
class MklReleaseRequired:
    """A project's own words for the MKL release it found and the one it requires."""

    line: str
    required: str  # "2020.0", ">= 11.2.0" (not "wants": that name asks the parser for the lines after)
    found: str = ""  # "2021.1", "11.0.1"; "" where the log does not say
    exact: bool = False  # vcpkg's port: that release and no other


def _release(number: str) -> str:
    """INTEL_MKL_VERSION's digits as a release: 20200000 -> 2020.0, 202101 -> 2021.1; a dotted version as it is."""
    return f"{number[:4]}.{int(number[4:6])}" if number.isdigit() and len(number) in (6, 8) else number


def _port(m: re.Match, _) -> MklReleaseRequired:
    """vcpkg's intel-mkl port: the release it found and the one it wraps, in INTEL_MKL_VERSION's digits."""
    return MklReleaseRequired(m.string.strip()[:300], _release(m.group("want")), _release(m.group("found")), exact=True)


def _project(m: re.Match, before) -> MklReleaseRequired:
    """A project's "requires Intel MKL version >= X", with the version its lines before say it found."""
    said = v.group(1) if (v := last_match(r"(?i)\bMKL version\s*[:=]\s*(\d[\d.]*)", before)) else ""
    return MklReleaseRequired(m.string.strip()[:300], f"{m.group('op') or '>='} {m.group('want')[:40]}", said[:40])


SIGNATURES = (
    Signature("vcpkg-mkl-release-required", "configversion", "is found but",
              re.compile(r"\bMKL (?P<found>\d{6,8}) is found but (?P<want>\d{6,8}) is required"), _port),
    Signature("project-mkl-release-required", "configversion", "MKL version",
              re.compile(r"\brequires Intel(?:\(R\))? MKL version (?P<op>>=|>)?\s*(?P<want>\d+(?:\.\d+)+)"), _project),
    Signature("cmake-config-version-rejected", "configversion", "configuration file",
              re.compile(r"Could not find a configuration file for package \"(?P<pkg>\w+)\" that is compatible"),
              lambda m, _: ConfigVersionRejected(m.group("pkg"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(ConfigVersionRejected) if e.package.upper() == "MKL"]
    if not said:
        return [_required_finding(e) for e in events.of(MklReleaseRequired)[:1]]
    event = said[0]
    asked = event.requested or "the version asked"
    year = asked.split(".")[0] if event.requested else ""
    found = ", ".join(f"{v} ({p})" for p, v in event.considered[:3]) or "an MKLConfig.cmake of another release"
    years = sorted({v.split(".")[0] for _, v in event.considered})
    newer = [y for y in years if year.isdigit() and y.isdigit() and int(y) > int(year)]
    return [Finding(
        "mklconfig-version-rejected", "error",
        f"find_package(MKL {asked}) refused the MKL it found ({', '.join(dict.fromkeys(v for _, v in event.considered)) or 'another release'}): "
        "MKL's CMake config takes only releases of the year asked", (
            event.line,
            f"considered and refused: {found}",
            "oneMKL's MKLConfigVersion.cmake compares like CMake's SameMajorVersion with the year as the major version: "
            f"a request for {asked} accepts {year or 'that year'}'s releases from {asked} on, and no other year"
            + (f" ({', '.join(newer)} is newer, and refused all the same)" if newer else "")
            + "; a version range must begin and end in one year",
        ), (
            f"ask for no version, and check MKL_VERSION after it if the project needs a minimum: find_package(MKL CONFIG "
            f"REQUIRED) then if(MKL_VERSION VERSION_LESS {asked}) message(FATAL_ERROR ...) endif()",
            f"or ask for the year installed: find_package(MKL {event.considered[0][1].rsplit('.', 1)[0] if event.considered else '<its year>.<update>'}) "
            "(arrayfire#3539's fix raised its request to the new year)",
            f"or give CMake an MKL of {year or 'the year asked'}: -DMKL_DIR=<that MKL>/lib/cmake/mkl",
        ),
        "find_package(NAME VERSION) asks the package's own version file; Intel's treats each year's oneMKL as a new major "
        "version, so a request written for one year refuses every later one.",
        tuple(f"grep -n 'PACKAGE_VERSION \"' {q(p.rsplit('/', 1)[0])}/MKLConfigVersion.cmake   # the release it offers"
              for p, _ in event.considered[:1]),
    )]


def _required_finding(event: MklReleaseRequired) -> Finding:
    found = f"MKL {event.found}" if event.found else "an MKL the log does not date"
    if event.exact:  # vcpkg's intel-mkl port before 2023: it wraps the one release it was written for
        evidence = (event.line, f"the build found {found} and requires MKL {event.required} exactly: vcpkg's intel-mkl port (before "
                    "its 2023 releases) does not download MKL, it wraps an installed MKL of the one release it was written "
                    "for, and refuses any other, newer ones too (its words 'a more recent version' notwithstanding)")
        fix = (f"install MKL {event.required} (Parallel Studio's MKL, or the intel-mkl-64bit-{event.required} package of Intel's apt "
               "or yum repository) where the port looks (/opt/intel/mkl), as the project's own CI does",
               "or update vcpkg: its intel-mkl port of 2023 and later installs oneMKL itself")
    else:
        evidence = (event.line, f"the build found {found}; the project requires MKL {event.required} (its own check, for features or "
                    "fixes of that release)")
        fix = (f"install an MKL of the release it requires ({event.required}) and point the build at it (MKLROOT, or source that "
               "MKL's setvars.sh / mklvars.sh before configuring), in an empty build folder",
               "or turn the project's MKL use off (its CMake option) and build with another BLAS")
    return Finding(
        "mkl-release-required", "error",
        f"the build requires MKL {event.required}" + (f" and found {event.found}" if event.found else ""),
        evidence, fix,
        "A project may check the MKL release it found (MKL_VERSION, INTEL_MKL_VERSION from mkl_version.h) against the ones "
        "it supports, and stop at configure time for another.",
        ("grep -E 'define (INTEL_MKL_VERSION|__INTEL_MKL__)' ${MKLROOT}/include/mkl_version.h   # the release installed",),
    )
