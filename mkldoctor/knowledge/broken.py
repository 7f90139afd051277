"""Releases of MKL's packages known to fail in one way on one platform, with the thread that established it.

A failure a log shows (``OMP: Error #15`` with two ``libiomp5md.dll``) has general causes; where one release of
a package is known to produce it by itself, that release is a cause worth naming beside them, with the check that
tells (``pip show mkl``) and the pin that avoids it. Only releases whose fault was established in public (a
maintainer's pin, the packager's fix) are listed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BrokenRelease:
    package: str  # the package's name in its channel: "mkl"
    channel: str  # "pip" or "conda"
    platform: str  # "windows", "linux", "macos"
    release: str  # "2024.0" (every 2024.0.x)
    symptom: str  # the finding id whose failure it produces: "openmp-duplicate"
    what: str  # what goes wrong, in words
    fixed_in: str  # the first release without it ("" where the thread named none: the one before it works)
    source: str  # the thread that established it

    @property
    def check(self) -> str:
        return f"{self.channel} show {self.package}" if self.channel == "pip" else f"conda list {self.package}"

    @property
    def advice(self) -> str:
        """The fix line that names it: the check that tells, what it does, where it was fixed and who said so, the pin."""
        fixed = f"fixed in {self.fixed_in}, " if self.fixed_in else ""
        return f"a release known to do it: if {self.check} says {self.release} ({self.what}; {fixed}{self.source}): {self.pin}"

    @property
    def pin(self) -> str:
        spec = f'"{self.package}!={self.release}.*"'
        return f"python -m pip install {spec}" if self.channel == "pip" else f"conda install {spec}"


RELEASES: tuple[BrokenRelease, ...] = (
    # pypardiso pinned mkl<2024 for it, then excluded only 2024.0 once the 2024.1 wheels were fixed (PyPardiso#58, PR #71);
    # Intel's contributor traced it to two copies of the OpenMP runtime (also evalf/nutils#843, MKL 2024.0 on Windows)
    BrokenRelease("mkl", "pip", "windows", "2024.0", "openmp-duplicate",
                  "PyPI's mkl 2024.0 wheels for Windows load a second copy of Intel's OpenMP runtime (libiomp5md.dll) beside "
                  "the one intel-openmp installs", "2024.1", "haasad/PyPardiso#58"),
    # the PyPardiso maintainer reproduced it: conda-forge's mkl 2021.4 lacked the intel-openmp 2021.* pin (PyPardiso#36)
    BrokenRelease("intel-openmp", "conda", "windows", "2022.0", "mkl-pardiso-error",
                  "conda-forge's mkl 2021.4 with intel-openmp 2022.0 on Windows: PARDISO fails (error -3); the mkl of that "
                  "release needs intel-openmp 2021.*", "", "haasad/PyPardiso#36"),
    # PyTorch's macOS conda packages bundled libiomp5.dylib beside the environment's OpenMP (pytorch#78490, vision#6087);
    # PR #78632 stopped it, cherry-picked into 1.12.1 as #81873
    BrokenRelease("pytorch", "conda", "macos", "1.12.0", "openmp-duplicate",
                  "PyTorch's macOS conda packages of mid-2022 (1.12.0 and the nightlies before PR #78632) ship their own "
                  "libiomp5.dylib beside the environment's OpenMP runtime", "1.12.1", "pytorch/pytorch#78490"),
    # Intel's OpenMP team confirmed the regression and the workaround KMP_INIT_AT_FORK=FALSE; 2019.4 works
    BrokenRelease("intel-openmp", "conda", "linux", "2019.5", "openmp-assertion",
                  "conda's intel-openmp 2019.5 asserts in a child process forked after the parent started OpenMP's threads",
                  "", "ContinuumIO/anaconda-issues#11294"),
)


def known(symptom: str, platform: str) -> tuple[BrokenRelease, ...]:
    """The releases known to produce ``symptom`` (a finding id) on ``platform``."""
    return tuple(r for r in RELEASES if r.symptom == symptom and r.platform == platform)


@dataclass(frozen=True)
class BrokenRoutine:
    """An MKL routine known to misbehave in a range of releases, whichever package brought them."""

    routines: tuple[str, ...]  # the LAPACK names, without precision letter: ("geev", "gees"); ScaLAPACK's with its p ("pgeevx")
    first: str  # the first release with the fault: "2018.0" ("" where the source names only the fix: every one before it)
    last: str  # the last: "2018.3"
    what: str
    fixed_in: str
    source: str
    parameter: int = 0  # the argument its fault makes MKL reject ("Parameter 12 was incorrect"); 0: not a rejection

    @property
    def releases(self) -> str:
        """The releases with the fault, in words: "2018.0 to 2018.3", or "releases before 2020.2" where the source names
        only the fix."""
        return f"{self.first} to {self.last}" if self.first else f"releases before {self.fixed_in}"


ROUTINES: tuple[BrokenRoutine, ...] = (
    # Trilinos' developers traced a GCRODR crash to it and cited Intel's bug-fix list of MKL 2018 Update 4; their fix
    # queries the optimal LWORK first (trilinos/Trilinos#3497, PRs #3951 and #4007)
    BrokenRoutine(("geev", "gees"), "2018.0", "2018.3",
                  "?geev and ?gees called with a valid LWORK smaller than the optimal one read and write past their "
                  "workspace", "2018.4", "trilinos/Trilinos#3497"),
    # SciPy's eigvalsh on large banded problems: MKL's ?SBRDB rejected the documented minimum work size; not reproduced
    # with other LAPACKs, confirmed by Intel as a known defect (MKLD-3350) fixed in 2019.0, as relayed in scipy/scipy#8205
    BrokenRoutine(("sbrdb",), "2018.0", "2018.4",
                  "?SBRDB (which MKL's ?SYEVR calls for large matrices: SciPy's eigh and eigvalsh) rejects the documented "
                  "minimum workspace as argument 12", "2019.0", "scipy/scipy#8205", parameter=12),
    # Intel's bug-fix list of MKL 2020: MKLD-9504, ScaLAPACK's PCGEEVX reporting its parameter 15 invalid, fixed in 2020
    # Update 2 (the list names no first release)
    BrokenRoutine(("pgeevx",), "", "2020.1",
                  "ScaLAPACK's P?GEEVX rejects a valid argument 15 (Intel's MKLD-9504)", "2020.2",
                  "Intel's bug-fix list of MKL 2020", parameter=15),
)


def _of(routine: str) -> tuple[BrokenRoutine, ...]:
    """The known faults of ``routine`` in any precision and spelling: ``mkl_lapack_dgeev``, ``DGEEV``, ``dgeev_``."""
    name = routine.lower().removeprefix("mkl_lapack_").rstrip("_")
    if name[:1] == "p" and name[1:2] in ("s", "d", "c", "z"):  # ScaLAPACK's: PCGEEVX is p + c + geevx
        name = name[1] + "p" + name[2:]
    return tuple(b for b in ROUTINES if name[1:] in b.routines and name[:1] in "sdcz")


def rejecting(routine: str, parameter: int) -> tuple[BrokenRoutine, ...]:
    """The known faults that make MKL reject ``parameter`` of ``routine`` (``DSBRDB``, 12) in some releases."""
    return tuple(b for b in _of(routine) if b.parameter == parameter)


def routine_bugs(routine: str, release: str) -> tuple[BrokenRoutine, ...]:
    """The known faults of ``routine`` in MKL ``release`` ("2018.2.199")."""
    from mkldoctor.knowledge.history import version_key

    return tuple(b for b in _of(routine) if (not b.first or version_key(b.first) <= version_key(release))
                 and version_key(release) < version_key(b.last + ".999999"))
