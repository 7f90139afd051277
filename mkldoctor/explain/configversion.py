"""CMake refusing MKL's MKLConfig.cmake for the version the project asked.

``Could not find a configuration file for package "MKL" that is compatible with requested version "2023.1".`` and
``.../lib/cmake/mkl/MKLConfig.cmake, version: 2024.0.0`` under "considered but not accepted" (arrayfire/arrayfire#3539).
oneMKL's MKLConfigVersion.cmake is CMake's SameMajorVersion with the year as the major version: find_package(MKL
2023.1) takes 2023.1 to 2023.x only, never a later year, and a version range must stay within one year too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import Signature
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


SIGNATURES = (
    Signature("cmake-config-version-rejected", "configversion", "configuration file",
              re.compile(r"Could not find a configuration file for package \"(?P<pkg>\w+)\" that is compatible"),
              lambda m, _: ConfigVersionRejected(m.group("pkg"), m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = [e for e in events.of(ConfigVersionRejected) if e.package.upper() == "MKL"]
    if not said:
        return []
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
