"""A program built with one oneAPI year's runtime, where another year's is installed.

oneAPI's SYCL runtime (libsycl.so.N, Windows' syclN.dll) and oneMKL's SYCL libraries (libmkl_sycl*.so.N,
mkl_sycl*.N.dll) take a number of their own each year (:mod:`mkldoctor.knowledge.platforms`): a program asks for the
numbers of the year it was built with, and no other year's files stand in. intel/ipex-llm#12784: ollama of a build
made with oneAPI 2025 (sycl8.dll, mkl_sycl_blas.5.dll) in an environment whose pip wheels were 2024.2.1's (sycl7.dll,
mkl_sycl_blas.4.dll); ggml-org/llama.cpp#25573: a release built with oneAPI 2025 (libsycl.so.8, libmkl_sycl_blas.so.5)
on a machine with 2026's runtime (libsycl.so.9), where a link from .9 to .8 only moved the failure to the next library;
intel/ipex-llm#12594: a build of 2024 (libsycl.so.7) beside apt's oneAPI 2025 packages.

One finding says the year the program needs and the year the machine has; it takes the place of the loader's finding
about each of those files (one finding per failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.explain.wording import names_file
from mkldoctor.findings import Finding
from mkldoctor.knowledge import platforms
from mkldoctor.knowledge.facts import INTEL_C_RUNTIME

_YEAR_FILE = f"(?:{platforms.SYCL_RUNTIME_FILE}|{platforms.SYCL_MKL_FILE})"
_FILE = re.compile(r"[\w.+-]+\.(?:dll|so(?:\.\d+)*)\b")


@dataclass(frozen=True, slots=True)
class FilesSaid:
    """A person's sentence that names the DLLs a program did not find, or the ones an environment has: ``it reports miss
    library sycl8.dll, mkl_sycl_blas.5.dll``, ``only found sycl7.dll, mkl_sycl_blas.4.dll under Library\\bin``."""

    files: tuple[str, ...]
    missing: bool
    line: str


@dataclass(frozen=True, slots=True)
class OneapiPackageListed:
    """A row of apt's list of oneAPI's packages: ``intel-oneapi-openmp-2025.0/all,now 2025.0.4-1519 amd64 [installed]``."""

    name: str
    year: str


def _said(m: re.Match, _) -> FilesSaid:
    line = m.string
    return FilesSaid(tuple(_FILE.findall(line))[:8], m["found"] is None, line.strip()[:300])


SIGNATURES = (
    Signature("oneapi-year-files-said", "oneapiyear", ".dll",
              re.compile(r"(?i)(?:\b(?:miss(?:ing|es)?|not found|can'?t find|cannot find|could(?:n'?t| not) find)\b|"
                         r"(?P<found>\bonly (?:found|has|have|see|saw)\b))[^\n]{0,80}?\b" + _YEAR_FILE), _said),
    Signature("oneapi-apt-package-listed", "oneapiyear", "intel-oneapi-",
              re.compile(r"^[\s>]*(?P<n>intel-oneapi-(?:compiler|dpcpp|mkl|openmp|runtime-(?:dpcpp|mkl|openmp|compilers|libs))"
                         r"[\w-]*?)-(?P<y>20\d\d)(?:\.\d+)?/\S+\s+(?:,now\s+)?20\d\d\.\d"),  # the year's own numbers (tbb's are its own)
              lambda m, _: OneapiPackageListed(m["n"], m["y"])),
)


def _year(name: str) -> str | None:
    return platforms.sycl_runtime_release(name) or platforms.sycl_release(name)


def _missing(events: Parsed) -> list[str]:
    from mkldoctor.explain.hosts import LoaderMissing
    from mkldoctor.explain.platforms import ForeignLoadFailed

    names = [e.soname for e in events.of(LoaderMissing)] + [e.library for e in events.of(ForeignLoadFailed)]
    return list(dict.fromkeys(names + [f for e in events.of(FilesSaid) if e.missing for f in e.files]))


def _needed(events: Parsed) -> dict[str, str]:
    """Each file the log says a program did not find, with the oneAPI year its number names."""
    return {name: year for name in _missing(events) if (year := _year(name))}


# the same install's runtime files whose names carry no year (the compiler's runtime, the unified runtime's loader)
_COMPANION = re.compile(rf"^(?:{'|'.join(INTEL_C_RUNTIME)}|libur_\w+|libumf|libiomp5|libmmd|svml_disp|ur_win_proxy_loader)(?:md)?\.(?:so|dll)")


def _companions(events: Parsed) -> list[str]:
    return [name for name in _missing(events) if _COMPANION.match(name)]


def _installed(events: Parsed, ctx: Context) -> list[tuple[str, str]]:
    """(the oneAPI year, what says so) for each runtime the log shows installed: pip's wheels, apt's packages, the files
    a person found, a path of a year's file or folder."""
    from mkldoctor.explain.onemath import OneapiWheelListed

    seen = [(e.version[:4], f"{e.name} {e.version}") for e in events.of(OneapiWheelListed) if re.match(r"20\d\d\.", e.version)]
    seen += [(e.year, f"{e.name}-{e.year}") for e in events.of(OneapiPackageListed)]
    seen += [(year, f"{name} (found there)") for e in events.of(FilesSaid) if not e.missing for name in e.files
             if (year := _year(name))]
    seen += [(year, path) for path in ctx.places if (year := _year(path.rsplit("/", 1)[-1]))]
    return seen


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    needed = _needed(events)
    years = sorted(set(needed.values()))
    if len(years) != 1:
        return []
    need = years[0]
    other = [(year, what) for year, what in _installed(events, ctx) if year != need]
    files = ", ".join(needed)
    pip = f"python3 -m pip install 'dpcpp-cpp-rt=={need}.*' 'mkl-dpcpp=={need}.*'"
    if not other:  # the loader's finding of each file says its year; a person's list of the DLLs has none of its own
        said = [name for e in events.of(FilesSaid) if e.missing for name in e.files]
        return [_missing_year(need, files, said, pip)] if any(name in needed for name in said) else []
    have = sorted({year for year, _ in other})
    return [Finding(
        "oneapi-runtime-other-year", "error",
        f"the program was built with oneAPI {need}'s runtime ({files}), and the machine has oneAPI {' and '.join(have)}'s",
        (*(f"{name}: oneAPI {year}'s" for name, year in needed.items()),
         *(f"{name} also: a file of the same oneAPI install's runtime (no year in its name)" for name in _companions(events)),
         *(f"installed: {what} (oneAPI {year})" for year, what in other[:6]),
         "each oneAPI year's SYCL runtime and oneMKL's SYCL libraries carry a number of their own (libsycl.so.7 and "
         "sycl7.dll 2024, .8 2025, .9 2026; libmkl_sycl_*.so.4 and mkl_sycl_*.4.dll 2024, .5 2025): another year's "
         "files do not stand in for them, and a link from one name to the other only moves the failure to the next library"),
        (f"install oneAPI {need}'s runtime where the program runs: in a Python environment, its wheels ({pip}), or a "
         "fresh environment with the program's newest release, whose wheels pin the year it was built with",
         f"or oneAPI {need}'s packages beside the other year's (apt and dnf name each year's apart: the program's install "
         "guide pins them), and source that install's setvars.sh (setvars.bat) before the program starts",
         f"or a build of the program made for oneAPI {' or '.join(have)}"),
        "A SYCL program records the file names of the runtime it was linked against; the loader takes those names only, "
        "and oneAPI changes the runtime's number with each year's release.",
        ("ldd <the program> | grep -E 'sycl|mkl'   # the numbers it asks for; on Windows: dumpbin /dependents <the .exe>",),
    )]


def _missing_year(need: str, files: str, said: list[str], pip: str) -> Finding:
    """A person's list of the DLLs a program did not find, of one oneAPI year's runtime, and nothing of another year."""
    return Finding(
        "oneapi-runtime-other-year", "error",
        f"the program needs oneAPI {need}'s runtime ({files}), which is not where it runs",
        (f"not found: {', '.join(said)}",
         f"{files}: oneAPI {need}'s runtime, its number of that year (the others of the list come with the same install: "
         "the compiler's runtime, libmmd.dll, svml_dispmd.dll, libiomp5md.dll)",
         "a program built with oneAPI's DPC++ needs that year's runtime beside it or on PATH; a release package that carries "
         "only the program's own files needs oneAPI installed (llama.cpp's Windows SYCL zips carry the DLLs since its PR #7241)"),
        (f"install oneAPI {need}'s runtime where the program runs: the Base Toolkit of that year (or its runtime packages), "
         "then start the program from its environment (setvars.bat, setvars.sh)",
         f"or in a Python environment its wheels ({pip}), with the environment's Library\\bin (Windows) or lib on the path",
         "or a release of the program that carries the runtime's files beside it"),
        "A SYCL program records the file names of the runtime it was linked against; each oneAPI year's files carry a "
        "number of their own, and no other year's stand in for them.",
        ("where sycl*.dll mkl_sycl*.dll   # Windows: the runtime's DLLs on PATH, if any; Linux: ldconfig -p | grep -E 'sycl|mkl_sycl'",),
    )


def with_year_finding(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """The year finding takes the place of the loader's finding about each file it names."""
    ours = [f for f in findings if f.id == "oneapi-runtime-other-year"]
    if not ours:
        return findings
    named = [*_needed(parsed), *_companions(parsed)]
    generic = ("loader-cannot-find", "windows-library-not-loaded", "host-cannot-load")
    return [f for f in findings if not (f.id in generic and any(names_file(f.title, name) for name in named))]
