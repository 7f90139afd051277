"""CMake's summaries at the end of a configure, where they concern MKL.

FeatureSummary's lists of packages (``-- The following REQUIRED packages have not been found:`` then `` * CBLAS``, one
bullet each): a project that requires CBLAS or LAPACKE by those names, beside an MKL it found (tiledarray#216: BTAS's
CMake code still required them though MKL provides both; fixed in BTAS).

CMake's warning ``Manually-specified variables were not used by the project:`` with a BLAS or MKL variable under it
(sundials#350: ``-DBLA_VENDOR=Intel10_64ilp`` without ``-DENABLE_LAPACK=ON``; SUNDIALS runs FindLAPACK, the reader of
BLA_VENDOR, only with LAPACK on): the option reached no search, so the configure went on as if it were not given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

_ITEM = re.compile(r"^\s{0,4}\* (?P<name>[\w.+-]{1,80})")
_VARIABLE = re.compile(r"^\s{2,}(?P<var>[A-Za-z_][\w-]{0,80})\s*$")
_END = re.compile(r"^\s*--|^CMake (?:Error|Warning)")


def _items(lines: tuple[str, ...], item: re.Pattern) -> tuple[str, ...]:
    names = []
    for line in lines:
        if _END.match(line):
            break
        named = item.match(line)
        if named:
            names.append(named.group(1))
        elif names and not line.startswith(" "):
            break  # the list's end: a line of another kind
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class PackagesListed:
    """FeatureSummary's list of packages found: `` * MKL, Intel Math Kernel Library ...``."""

    line: str
    names: tuple[str, ...] = ()
    wants: int = field(default=30, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "PackagesListed":
        return replace(self, names=_items(lines, _ITEM), wants=0)


@dataclass(frozen=True, slots=True)
class RequiredMissing(FollowOn):
    """FeatureSummary's list of the REQUIRED packages not found: the configure failed for them (an echo of the finder's
    own failure above it, where the log has one)."""

    names: tuple[str, ...] = ()
    wants: int = field(default=30, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "RequiredMissing":
        return replace(self, names=_items(lines, _ITEM), wants=0)


@dataclass(frozen=True, slots=True)
class VariablesUnused:
    """``Manually-specified variables were not used by the project:`` and the variables, indented, one a line."""

    line: str
    names: tuple[str, ...] = ()
    wants: int = field(default=12, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "VariablesUnused":
        return replace(self, names=_items(lines, _VARIABLE), wants=0)


def _listed(m: re.Match, _) -> PackagesListed | RequiredMissing:
    line = m.string.strip()
    return RequiredMissing(line) if m["not"] and m["kind"] == "REQUIRED" else PackagesListed(line)


SIGNATURES = (
    Signature("cmake-feature-summary-packages", "cmakesummary", "found",
              re.compile(r"^\s*(?:-- )?The following (?:(?P<kind>REQUIRED|OPTIONAL|RECOMMENDED|RUNTIME) )?packages have "
                         r"(?P<not>not )?been found:"), _listed),
    # FeatureSummary's own error after the list (FATAL_ON_MISSING_REQUIRED_PACKAGES): the list's echo
    Signature("cmake-feature-summary-fatal", "cmakesummary", "rror",
              re.compile(r"feature_summary\(\) Error: REQUIRED package\(s\) are missing"), lambda m, _: FollowOn(m.string.strip())),
    Signature("cmake-variables-not-used", "cmakesummary", "Manually-specified variables",
              re.compile(r"Manually-specified variables were not used by the project"),
              lambda m, _: VariablesUnused(m.string.strip())),
)

# the packages MKL itself provides, by the names projects' finders give them
_MKL_PROVIDES = re.compile(r"(?i)^(?:C?BLAS|LAPACKE?|BLAS95|LAPACK95|ScaLAPACK|BLACS|FFTW3?[fl]?|VML)$")
_BLAS_VARIABLE = re.compile(r"(?i)^(?:BLA_\w+|\w*MKL\w*|\w*(?:BLAS|LAPACK)\w*)$")


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    return _required(events) + _unused(events)


def _required(events: Parsed) -> list[Finding]:
    missing = [e for e in events.of(RequiredMissing) if e.names]
    found = {n for e in events.of(PackagesListed) for n in e.names}
    mkl = sorted(n for n in found if "mkl" in n.lower())
    provided = [n for e in missing for n in e.names if _MKL_PROVIDES.match(n)]
    if not (missing and mkl and provided):
        return []  # without MKL found beside them, the list echoes the finder's own failure (joined to its finding)
    names = ", ".join(provided)
    return [Finding(
        "cmake-required-despite-mkl", "error",
        f"CMake: the project requires {names} by {'that name' if len(provided) == 1 else 'those names'}, and found none, "
        f"though it found {mkl[0]}, which provides {'it' if len(provided) == 1 else 'them'}",
        (missing[0].line, f"not found: {', '.join(missing[0].names)}; found: {', '.join(sorted(found))[:200]}",
         "MKL provides the CBLAS interface (mkl_cblas.h, in its interface libraries), LAPACKE (mkl_lapacke.h), BLAS and "
         "LAPACK in its own libraries: a project's search for a package of that name (cblas.h, libcblas, liblapacke) "
         "does not see them unless it was written to take MKL for it"),
        (f"see where its search looked and what it wanted: cmake --debug-find-pkg={','.join(provided)} <the same options> "
         "(CMake 3.23 or newer; older: --debug-find), and read that package's Find<name>.cmake in the project (or in the "
         "dependency it fetched) for a variable or option that takes MKL",
         "update the project, or the dependency that requires these (a newer release may take MKL for them: "
         "tiledarray#216 was fixed in BTAS's CMake code)",
         f"or hand its search MKL's files: -D<NAME>_LIBRARIES='<MKL's link line>' -D<NAME>_INCLUDE_DIR=<MKL prefix>/include "
         f"(the variable names are in its Find<name>.cmake; mkldoctor link --format flags prints the link line)",
         recipes.cmake_reset()),
        "FeatureSummary lists every package the configure asked for; a REQUIRED one not found fails the configure, "
        "whatever other package could stand in for it.",
        ("grep -n -i -E 'cblas|lapacke' <build dir>/CMakeCache.txt   # what each search found, or NOTFOUND",),
    )]


def _unused(events: Parsed) -> list[Finding]:
    said = [e for e in events.of(VariablesUnused) if any(_BLAS_VARIABLE.match(n) for n in e.names)]
    if not said:
        return []
    names = [n for n in said[0].names if _BLAS_VARIABLE.match(n)]
    listed = ", ".join(names[:4])
    vendor = "BLA_VENDOR" in names
    return [Finding(
        "cmake-blas-variable-unused", "warning",
        f"CMake: the project never read {listed}: {'the option' if len(names) == 1 else 'these options'} given for MKL "
        "changed nothing in this configure",
        (said[0].line, f"not used: {', '.join(said[0].names)}",
         ("BLA_VENDOR is read by CMake's FindBLAS and FindLAPACK; this configure ran neither: the project searches for BLAS "
          "or LAPACK only with its own option for them on (SUNDIALS: ENABLE_LAPACK=ON, sundials#350), or finds MKL its own "
          "way" if vendor else
          "no CMakeLists.txt or module of this configure read the variable: the project's option for MKL has another name, "
          "or is read only with another option on")),
        ("list the project's own options for BLAS, LAPACK and MKL: cmake -LH <build dir> | grep -i -B1 -E 'blas|lapack|mkl' "
         "(and its documentation's build options): turn on the one that makes it search, beside the variable"
         + (" (-DENABLE_LAPACK=ON -DBLA_VENDOR=Intel10_64lp, or Intel10_64ilp for 64-bit integers)" if vendor else ""),
         "a misspelled name is never read: CMake's own searches read BLA_VENDOR, BLA_STATIC, BLA_SIZEOF_INTEGER; "
         "MKLConfig.cmake reads MKL_LINK, MKL_THREADING, MKL_INTERFACE and MKLROOT (from the environment, or -DMKL_ROOT)"),
        "CMake warns at the end of a configure about each -D variable that nothing read; a misspelled or unneeded one "
        "is harmless, but one meant to choose MKL means MKL was not chosen.",
        ("grep -rn --include=CMakeLists.txt --include='*.cmake' -e '<the variable>' <source dir>   # who reads it, under "
         "which option",),
    )]
