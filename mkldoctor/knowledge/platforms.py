"""Which platforms each MKL release line is built for, and what one library's file is called on each.

Intel builds MKL for x86-64 (and, up to some releases, 32-bit x86) only: there has never been a build for ARM
(Apple silicon, Linux or Windows on aarch64). macOS on Intel was dropped in oneMKL 2024.0: 2023.2 is the last
release with a macOS build, so a package that follows MKL's releases (Julia's MKL_jll 2024, a conda ``mkl`` 2024)
has no library for macOS at all. Sources: the release notes of oneMKL 2024.0 (macOS removed), and the threads
JuliaLinearAlgebra/MKL.jl#146 (maintainers: "MKL 2023 and earlier support Intel macOS. MKL 2024 and later will
not"; no native Apple silicon build, the x86-64 2021 release runs under Rosetta 2, 2022 and later not even
there) and JuliaMath/FFTW.jl#287. 32-bit x86 (IA-32) was dropped in oneMKL 2025.0: PyPI's 32-bit wheels (win32,
manylinux1_i686) end at 2024.2.2, read from the index (what each package manager serves per platform:
:mod:`mkldoctor.knowledge.distribution`).

A library's file name differs per platform: ``libmkl_rt.so.2`` on Linux is ``mkl_rt.2.dll`` on Windows (no
``lib``) and ``libmkl_rt.2.dylib`` on macOS. The interface number (``.1`` from oneAPI 2021, ``.2`` from 2022...)
is the same on every platform; the names are derived from the layout table (the Windows stem of a library that
has its own, ``libiomp5md``) and the sonames of the export table, never typed in per release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.knowledge import layout
from mkldoctor.knowledge.history import version_key


@dataclass(frozen=True)
class Platform:
    """One operating system and processor, and the MKL releases built for it."""

    key: str  # "macos-x86_64"
    words: str  # how a finding names it
    last: str | None = None  # the last release line built for it (None: every release up to now)
    dropped: str | None = None  # the first release line without it
    never: bool = False  # no release was ever built for it
    note: str = ""

    @property
    def said(self) -> str:
        """What a finding says of it: why no release, or since which release none."""
        if self.dropped:
            return f"Intel dropped it in oneMKL {self.dropped}: {self.last} is the last release built for it"
        return self.note


PLATFORMS: tuple[Platform, ...] = (
    Platform("linux-x86_64", "Linux on x86-64"),
    Platform("windows-x86_64", "Windows on x64"),
    Platform("macos-x86_64", "macOS on Intel (x86-64)", last="2023.2", dropped="2024.0"),
    Platform("macos-arm64", "macOS on Apple silicon (arm64)", never=True,
             note="no MKL release is built for Apple silicon; an x86-64 MKL 2021 runs there only under Rosetta 2, 2022 and "
                  "later not even there"),
    Platform("linux-aarch64", "Linux on ARM (aarch64)", never=True, note="no MKL release is built for ARM processors"),
    Platform("windows-arm64", "Windows on ARM (arm64)", never=True, note="no MKL release is built for ARM processors"),
    Platform("freebsd-x86_64", "FreeBSD on x86-64", never=True,
             note="no MKL release is built for FreeBSD (Intel builds it for Linux and Windows, and for macOS up to 2023.2)"),
    Platform("linux-x86", "Linux on 32-bit x86", last="2024.2", dropped="2025.0"),
    Platform("windows-x86", "32-bit Windows (x86)", last="2024.2", dropped="2025.0"),
)
_BY_KEY = {p.key: p for p in PLATFORMS}
SYSTEMS = ("linux", "windows", "macos")


def platform(key: str) -> Platform:
    """The platform ``key`` names; one of no Intel processor (``linux-ppc64le``, ``linux-s390x``, ``linux-armv7l``) is
    one no release was ever built for."""
    if key in _BY_KEY:
        return _BY_KEY[key]
    system, _, cpu = key.partition("-")
    return Platform(key, f"{ {'macos': 'macOS', 'windows': 'Windows'}.get(system, system.capitalize())} on {cpu}", never=True,
                    note=f"no MKL release is built for {cpu} processors: MKL is Intel's library for x86 processors")


def supported(key: str, release: str | None = None) -> bool:
    """Whether MKL ``release`` (``2024.0.0``, ``2023.2``; None: any release) was built for platform ``key``."""
    found = platform(key)
    if found.never:
        return False
    return found.last is None or release is None or version_key(release) <= version_key(found.last)


def last_release(system: str) -> str | None:
    """The last release line built for an operating system on Intel processors (``macos`` -> ``2023.2``), None: still built."""
    return _BY_KEY[f"{system}-x86_64"].last


def dropped_in(system: str) -> str | None:
    """The first release line without a build for an operating system on Intel processors (``macos`` -> ``2024.0``)."""
    return _BY_KEY[f"{system}-x86_64"].dropped


@dataclass(frozen=True)
class FileName:
    """One library's file on one operating system, and the releases that name it so."""

    file: str  # "mkl_rt.2.dll"
    releases: tuple[str, ...]  # the releases of the export table that ship it, oldest first
    first_known: bool  # False for the oldest name: releases older than the table named it so too

    @property
    def span(self) -> str:
        """``2021.1.1 to 2021.4.0``, ``up to 2020.4.304``, ``2026.0.0 to 2026.2.1, the newest read`` (the table's horizon)."""
        first, last = self.releases[0], self.releases[-1]
        said = f"up to {last}" if not self.first_known else f"{first} to {last}"
        return said + (", the newest read" if last == _newest() else "")


def _newest() -> str:
    from mkldoctor.knowledge import exports

    return exports.releases()[-1].name


def file_names(name: str, system: str) -> tuple[FileName, ...]:
    """The file names of one MKL library (``mkl_rt``, ``libmkl_rt.so``, ``mkl_rt.dll``) on ``system`` (``linux``,
    ``windows``, ``macos``), per release, oldest first; () for a name the layout table does not know.

    The interface number comes from the export table's sonames (``libmkl_rt.so.2`` -> ``mkl_rt.2.dll``); a release
    with no number in its soname (2020 and older) has the plain name. macOS names stop at its last release."""
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}")
    library = layout.get(name)
    if library is None:
        return ()
    out: list[FileName] = []
    for span in layout.sonames(library.name):
        releases = span.releases
        if system == "macos":
            releases = tuple(r for r in releases if supported("macos-x86_64", r))
        if not releases:
            continue
        number = re.search(r"\.so\.(\d+)$", span.soname or "")
        file = _file(library, system, f".{number.group(1)}" if number else "")
        if out and out[-1].file == file:
            out[-1] = FileName(file, out[-1].releases + releases, out[-1].first_known)
        else:
            out.append(FileName(file, releases, bool(out)))
    if not out:  # a library the export table does not read (libiomp5): its one unversioned name
        return ()
    return tuple(out)


def _file(library: layout.MklLibrary, system: str, number: str) -> str:
    if system == "windows":
        return f"{library.windows or library.name}{number}.dll"
    if system == "macos":
        return f"lib{library.name}{number}.dylib"
    return f"lib{library.name}.so{number}"


def names_line(name: str, system: str) -> str:
    """``mkl_rt.dll (up to 2020.4.304), mkl_rt.1.dll (2021.1.1 to 2021.4.0), ...``: one sentence of :func:`file_names`."""
    return ", ".join(f"{f.file} ({f.span})" for f in file_names(name, system))


# oneMKL's SYCL libraries (libmkl_sycl, libmkl_sycl_blas, mkl_sycl_blas.N.dll), which the mkl wheels do not carry, take a
# number of their own each year: .1 in 2021, .3 in 2023, .4 in 2024, .5 in 2025 (the threads: intel-extension-for-
# pytorch#280 and #298, vladmandic/sdnext#2601, ggml-org/llama.cpp#10327, each a program built against one year's file)
SYCL_NUMBER_BASE = 2020
# the two kinds of file whose number is a year's, as patterns (their first number is the year's): oneMKL's SYCL libraries
# (libmkl_sycl_blas.so.4, mkl_sycl_blas.4.dll) and the DPC++ SYCL runtime (libsycl.so.7, sycl7.dll), below
SYCL_MKL_FILE = r"(?:lib)?mkl_sycl\w*?(?:\.so\.\d{1,2}|\.\d{1,2}\.dll)"
SYCL_RUNTIME_FILE = r"(?:libsycl\.so\.\d{1,2}(?:\.\d+)*|sycl\d{1,2}\.dll)"


def _year_number(name: str, pattern: str) -> int | None:
    """The number of ``name`` (a path, or a file's name) where its file is one of ``pattern``'s."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return int(re.search(r"\d+", base.rsplit("sycl", 1)[1]).group(0)) if re.fullmatch(pattern, base, re.I) else None


def sycl_release(name: str) -> str | None:
    """The oneMKL release line (``2023``) whose SYCL library file ``name`` is (``libmkl_sycl.so.3``,
    ``mkl_sycl_blas.4.dll``); None for a name without a number or not of the SYCL libraries."""
    number = _year_number(name, SYCL_MKL_FILE)
    return str(SYCL_NUMBER_BASE + number) if number and number < 20 else None


# the SYCL runtime of Intel's DPC++ compiler (libsycl.so.N, Windows' syclN.dll) takes a number of its own each year: read
# from PyPI's intel-sycl-rt wheels (2026-12-06: 2024.2.1 has libsycl.so.7 and sycl7.dll, 2025.0.0 and 2025.3.3
# libsycl.so.8, 2026.0.0 and 2026.2.0 libsycl.so.9); 2024.0's .7 by intel/ipex-llm#12594 (a build of 2024.0 on a 2025 install);
# and from PyPI's dpcpp-cpp-rt wheels (2026-12-06: 2021.4.0 and 2022.2.1 have libsycl.so.5, 2023.0.0 libsycl.so.6; dpctl#1022)
SYCL_RUNTIME_YEARS = {5: "2022", 6: "2023", 7: "2024", 8: "2025", 9: "2026"}
SYCL_RUNTIME_WHEEL_SINCE = "2024"  # intel-sycl-rt's first year on PyPI (2024.1.2); before it, dpcpp-cpp-rt carries libsycl


def sycl_runtime_wheel(year: str) -> str:
    """The pip requirement that installs that year's DPC++ SYCL runtime."""
    return f"{'intel-sycl-rt' if year >= SYCL_RUNTIME_WHEEL_SINCE else 'dpcpp-cpp-rt'}=={year}.*"


def sycl_runtime_release(name: str) -> str | None:
    """The oneAPI release line (``2024``) whose DPC++ SYCL runtime file ``name`` is (``libsycl.so.7``, ``sycl8.dll``);
    None for another name, or a number outside the years read."""
    number = _year_number(name, SYCL_RUNTIME_FILE)
    return SYCL_RUNTIME_YEARS.get(number) if number is not None else None


def sycl_runtime_said(name: str, pip) -> str | None:
    """What a program that needs ``name``, a SYCL runtime of Intel's DPC++ compiler, needs (``pip(year)``: the command
    that installs that year's runtime); None for another library."""
    if re.fullmatch(r"libsycl\.so|sycl\.dll", name, re.I):  # the unnumbered name (llama.cpp's SYCL guide): any year's
        return (f"{name} is the SYCL runtime of Intel's DPC++ compiler (oneAPI's compiler/<ver>/lib; PyPI's intel-sycl-rt): "
                f"install oneAPI's Base Toolkit, or {pip(max(SYCL_RUNTIME_YEARS.values()))} of the year the program was built "
                "with, and source oneAPI's setvars.sh in the shell that runs the program")
    if not re.fullmatch(SYCL_RUNTIME_FILE, name, re.I):
        return None
    year = sycl_runtime_release(name)
    if year is None:
        return (f"{name} is the SYCL runtime of Intel's DPC++ compiler, of a release outside the years mkldoctor reads "
                f"({min(SYCL_RUNTIME_YEARS.values())} to {max(SYCL_RUNTIME_YEARS.values())}): the program was built with that "
                "release, and another one's runtime does not stand in for it: activate the oneAPI it was built with, or "
                "rebuild it against the one installed")
    return (f"{name} is the SYCL runtime of oneAPI {year}'s DPC++ compiler (each year's has its own number): the program was "
            f"built with oneAPI {year}, and another year's install does not have it: install {year}'s runtime beside it "
            f"({pip(year)}, or oneAPI's {year} packages, as the program's install guide pins them) and source its setvars.sh, "
            "or use a build made for the oneAPI installed")
