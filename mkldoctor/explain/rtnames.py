"""A program that looks for MKL's single dynamic library by a name the installed release does not have.

Since oneAPI 2021 MKL's file names carry an interface number on every platform (``mkl_rt.1.dll``, ``mkl_rt.2.dll``;
``libmkl_rt.so.2``; ``libmkl_rt.2.dylib``), and on Windows they never had ``lib`` in front. A Python package that
opens ``mkl_rt.dll`` or asks ``ctypes.util.find_library("mkl_rt")`` (``ImportError: mkl_rt not found.``, ``Shared
library mkl_rt not found``), or Julia's ``dlopen(:libmkl_rt)`` on Windows, finds nothing although MKL is there. The
names each release has are derived (:mod:`mkldoctor.knowledge.platforms`), never typed in here. Public threads:
flatironinstitute/sparse_dot#15, haasad/PyPardiso#12 and #55, JuliaLinearAlgebra/MKL.jl#18.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, platforms, recipes

_SYSTEM = {"Windows": "windows", "macOS": "macos", "Linux": "linux"}
_WORDS = {"windows": "Windows", "linux": "Linux", "macos": "macOS"}


@dataclass(frozen=True, slots=True)
class MklRtNotFound:
    """A program's own search for libmkl_rt by name found nothing: ``ImportError: mkl_rt not found.``."""

    line: str
    name: str  # the name it said: "mkl_rt"
    newest_tried: bool = False  # the name is the newest the program tries (DEVSIM's "The maximum tested version is")


@dataclass(frozen=True, slots=True)
class ByNameImport:
    """A traceback's frame that imports pypardiso or sparse_dot_mkl, which open MKL's single library by name."""

    package: str


SIGNATURES = (
    Signature("package-mkl-rt-not-found", "rtnames", "not found",
              re.compile(r"(?:\b(?:ImportError|OSError|RuntimeError|FileNotFoundError|WARNING)\s*:\s*|^\s*)(?:Shared library\s+|library\s+)?"
                         r"['`\"]?(?P<name>(?:lib)?mkl_rt)(?:\.dll|\.so|\.dylib)?['`\"]?\s+(?:was\s+)?not found", re.I),
              lambda m, _: MklRtNotFound(m.string.strip(), m.group("name"))),
    # a package's own words after its search by name failed: "the Intel MKL matrix backend requires libmkl to be installed
    # (try: pip install mkl)" (nutils#673: find_library does not look in the environment's lib, where the wheel puts it)
    Signature("package-requires-libmkl", "rtnames", "to be installed",
              re.compile(r"(?i)\brequires (?P<name>libmkl\w*|mkl_rt|(?:the )?Intel MKL) to be installed"),
              lambda m, _: MklRtNotFound(m.string.strip()[:300], m.group("name"))),
    # a program that tries MKL's numbered names in turn, up to the newest it knows (DEVSIM's math library loader, after
    # its 'Loading "libopenblas.dll": MISSING DLL' for each BLAS it tried): "Could not find Intel MKL. The maximum tested
    # version is "mkl_rt.2.dll"" (a devsim user's notes: the environment had lost its mkl wheel)
    # a traceback's frame that imports a package which opens mkl_rt by name itself (its error line may be cut)
    *(Signature(f"mkl-by-name-package-import-{i}", "rtnames", needle,
                re.compile(r"^\s*(?:-*>\s*)?(?:\d+\s+)?(?:from (?P<p>pypardiso|sparse_dot_mkl)\b[\w.]* import\b|import (?P<q>"
                           r"pypardiso|sparse_dot_mkl)\b)"), lambda m, _: ByNameImport(m["p"] or m["q"]))
      for i, needle in enumerate(("pypardiso", "sparse_dot_mkl"))),
    Signature("program-mkl-rt-newest-tried", "rtnames", "ould not",
              re.compile(r"Could not find Intel MKL\.?\s+The maximum tested version is [\"'`]?(?P<name>[\w.]+?)[\"'`]?\s*$"),
              lambda m, _: MklRtNotFound(m.string.strip()[:300], m.group("name"), True)),
)


_MKL_FAMILY = re.compile(r"(?i)mkl|iomp|tbb")  # MKL's own libraries, its OpenMP runtime and oneTBB, by name


def mkl_family(library: str) -> bool:
    return _MKL_FAMILY.search(library) is not None


def consequences(events: Parsed) -> list[str]:
    """A module's own load failure beside the search that failed (devsim's ``DLL load failed while importing devsim_py3``
    after its ``mkl_rt.dll not found in CONDA_PREFIX``): the search's consequence, said here rather than on its own."""
    from mkldoctor.explain.platforms import ForeignLoadFailed

    if not events.of(MklRtNotFound):
        return []
    return [f"then: {e.detail}" for e in events.of(ForeignLoadFailed) if not mkl_family(e.library)][:2]


def names_evidence(system: str, name: str = "mkl_rt") -> list[str]:
    """One line per platform: the names ``name`` has on it, per release."""
    return [f"{_WORDS[system]}: {platforms.names_line(name, system)}"]


def _where(system: str) -> list[str]:
    return [f"{f.releases}: {f.runtime}" for f in folders.LAYOUTS if f.platform == system and f.name in ("pip", "conda")]


def _newest_tried(event: MklRtNotFound, system: str) -> Finding:
    """A search that tried MKL's names up to ``event.name``: MKL absent where it looks, or a release newer than it knows."""
    names = platforms.file_names(event.name, system)
    known = next((n for n in names if n.file.lower() == event.name.lower()), None)
    newer = list(names[names.index(known) + 1:]) if known else []
    wheel = "<env>\\Library\\bin" if system == "windows" else "<env>/lib"
    evidence = [event.line]
    if known:
        evidence.append(f"{event.name} is the name of MKL {known.span}")
    if newer:
        evidence.append(f"newer releases name it {', '.join(f'{n.file} ({n.span})' for n in newer)}: a program that stops at "
                        f"{event.name} does not try them")
    evidence.append("it searches at run time, in the environment it runs in and on the loader's path: an MKL installed "
                    "elsewhere (another environment, a oneAPI folder not on PATH) is not seen")
    return Finding(
        "mkl-rt-name-not-found", "error",
        f"a program tried MKL's single dynamic library by name, up to {event.name}, and found none: MKL is not where it "
        "looks" + (", or is newer than the names it knows" if newer else ""),
        tuple(evidence),
        ((f"install an MKL it tries into the environment the program runs in: python -m pip install \"mkl<{newer[0].span.split()[0]}\""
          if newer else "install MKL into the environment the program runs in: python -m pip install mkl")
         + f" (the wheel puts {known.file if known else event.name} in {wheel}; check: pip show mkl)",
         "or give the program a library's full path where it takes one (DEVSIM: DEVSIM_MATH_LIBS=<full path of "
         f"{known.file if known else event.name}>; an LP64 BLAS only: numpy's own OpenBLAS is ILP64, its names end in 64_)"),
        "A program that opens MKL itself tries the names it was written for, in the folders its loader searches; it finds "
        "nothing where MKL is not installed in its environment, or where the installed release has a newer name.",
        ("python -m pip list | findstr /i \"mkl openmp\"   # Windows; Linux: python -m pip list | grep -Ei 'mkl|openmp'",),
    )


def cut_in_package(events: Parsed, ctx: Context, done: list[Finding]) -> list[Finding]:
    """A traceback cut before its error line whose frames import a package that opens mkl_rt by name (pypardiso's
    CDLL('mkl_rt.dll') against MKL 2021.2's mkl_rt.1.dll, brightway2-calc#36), where nothing else is said of the log."""
    from mkldoctor.explain.echoes import cut_traceback

    imports = events.of(ByNameImport)
    if not imports or cut_traceback(events, done) is None:
        return []
    line = f"(the traceback stops in the import of {imports[-1].package}, which opens MKL's single library by name; its error line is cut)"
    return diagnose(events, ctx, [MklRtNotFound(line, "mkl_rt")])


def diagnose(events: Parsed, ctx: Context, found: list[MklRtNotFound] | None = None) -> list[Finding]:
    found = found or events.of(MklRtNotFound)
    if not found:
        return []
    if found[0].newest_tried:
        said = _SYSTEM.get(ctx.platform or "") or ("windows" if found[0].name.lower().endswith(".dll") else "linux")
        return [_newest_tried(found[0], said)]
    said = _SYSTEM.get(ctx.platform or "")
    systems = [said] if said else list(platforms.SYSTEMS)
    evidence = [found[0].line, *consequences(events), "the names MKL's single dynamic library has, per release (the export table's sonames):"]
    evidence += ["  " + line for system in systems for line in names_evidence(system)]
    evidence.append("a search by the plain name (ctypes.util.find_library('mkl_rt'), CDLL('mkl_rt.dll'), 'libmkl_rt.so') finds "
                    "no oneAPI release (2021 and newer) on Windows; on Linux only where a devel package added the unversioned "
                    "link, and only in the folders the loader searches: the mkl wheels ship the numbered file alone, in the "
                    "environment's own library folder")
    evidence += [f"where {_WORDS[system]} packages keep it: " + "; ".join(_where(system)) for system in systems if _where(system)]
    fix = ["upgrade the package that printed it: its newer releases may search the numbered names and the environment's "
           "library folder (sparse_dot_mkl and pypardiso did, after threads like this one); its issue tracker says which"]
    if "Shared library mkl_rt not found" in found[0].line:  # pypardiso's words (and its copies'): PyPardiso#55, PR #56
        fix.insert(0, "these are pypardiso's words: give it the library's full path, PYPARDISO_MKL_RT=<the environment's "
                      "lib>/libmkl_rt.so.<N> (the numbered file ls <that lib>/libmkl_rt* shows; Windows: <env>\\Library\\bin\\"
                      "mkl_rt.<N>.dll), which pypardiso 0.4.3 and newer read"
                      + ("" if "PYPARDISO_MKL_RT" in found[0].line else " (python -m pip install -U pypardiso first)"))
    if "windows" in systems:
        fix.append("Windows, until it does: an MKL whose DLL has the name it asks for: mkl_rt.dll is MKL 2020 and older "
                   f"({recipes.conda_install('mkl=2020')})")
    if "linux" in systems:
        fix += ["Linux, until it does: the unversioned link -lmkl_rt and find_library look for: " + recipes.devel_links()[0],
                "and the folder on the loader's path: export LD_LIBRARY_PATH=<python prefix>/lib   # where the mkl wheel puts it"]
    fix.append("for the package's authors: try each numbered name above (or glob mkl_rt*), in the environment's library "
               "folder as well as on the loader's path")
    return [Finding(
        "mkl-rt-name-not-found", "error",
        f"a program looked for MKL's single dynamic library as '{found[0].name}' and found none: {found[0].line[:80]}",
        tuple(evidence), tuple(fix),
        "MKL's file names carry an interface number since oneAPI 2021 (mkl_rt.1.dll, mkl_rt.2.dll, libmkl_rt.so.2), and its "
        "Windows DLLs never had 'lib' in front: a program that asks for the name of an older release, or only the loader's "
        "default folders, finds nothing although MKL is installed. Its import then fails.",
        ("python -c \"import ctypes.util; print(ctypes.util.find_library('mkl_rt'))\"   # what a search by the plain name finds",
         "Windows: dir <env>\\Library\\bin\\mkl_rt*.dll; Linux: ls <python prefix>/lib/libmkl_rt*   # the names installed"),
    )]


# the starts of the fixes windows_name gives for a name: read by those that know the file was found (its name is right)
NAME_FIXES = ("open it by the name", "a package that opens it by that name")
OLDER_NAME = "is the name of MKL"  # windows_name's evidence that the name asked for is an older release's


def windows_name(asked: str, julia: bool = False) -> tuple[list[str], list[str]]:
    """(evidence, fixes) for a library a Windows log asked for by a name no release has on Windows: ``libmkl_rt``
    (the Linux name: no ``lib`` on Windows) or ``mkl_rt.dll`` (the name of 2020 and older); nothing for a right name."""
    base = folders.file_name(asked)
    names = platforms.file_names(base, "windows")
    if not names:
        return [], []
    stem = re.sub(r"(?:\.so(?:\.\d+)*|\.dylib|\.dll)$", "", base, flags=re.I)
    plain = names[0].file
    if base.lower() == plain.lower() and len(names) > 1:
        why = f"{base} {OLDER_NAME} {names[0].span} only: later releases ship " + ", ".join(
            f"{n.file} ({n.span})" for n in names[1:])
    elif stem.lower().startswith("lib") and not any(n.file.lower().startswith("lib") for n in names):
        why = f"{base} is the library's Linux name: on Windows it has no 'lib' in front: {platforms.names_line(base, 'windows')}"
    else:
        return [], []
    fix = [f"{NAME_FIXES[0]} the installed release has ({', '.join(n.file for n in names)}) or by its full path"]
    if julia:
        fix.append("Julia: using MKL_jll; dlopen(MKL_jll.libmkl_rt_path), the full path the package defines, not "
                   "dlopen(:libmkl_rt), which Windows looks for as libmkl_rt.dll on the DLL search path")
    else:
        fix.append(f"{NAME_FIXES[1]}: upgrade it (newer releases may try the numbered names), or until then "
                   "an MKL whose DLL has the name it asks for")
    return [why], fix
