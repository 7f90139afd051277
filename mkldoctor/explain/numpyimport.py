"""numpy's own words when its C extension does not load: ``Importing the multiarray numpy extension module failed.``
(numpy 1.16 and older) or ``Importing the numpy C-extensions failed.``, under ``IMPORTANT: PLEASE READ THIS FOR ADVICE
ON HOW TO SOLVE THIS ISSUE!``.

numpy prints it for any failure of that import; the loader's own line (``DLL load failed``, ``libmkl_rt.so.2: cannot
open shared object file``), where the log has it, says which, and its family explains it. Alone, the message is read
with the log's platform: on Windows, a conda environment's numpy finds MKL's DLLs (``<env>\\Library\\bin``) only when
the environment is activated (ContinuumIO/anaconda-issues#11141, #10705; conda's "numpy MKL library load failed").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import NeededNotFound, Parsed
from mkldoctor.explain.platforms import ForeignLoadFailed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.places import CONDA_INSTALL


@dataclass(frozen=True, slots=True)
class NumpyImportFailed:
    line: str
    original: str = ""  # numpy's "Original error was: ..." under its advice
    cut: str = ""  # a traceback cut before its error: the frame in numpy's core it stops in
    wants: int = field(default=30, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "NumpyImportFailed":
        said = next((m.group(1).strip() for line in lines for m in [re.search(r"Original error was: (.+)", line)] if m), "")
        return replace(self, original=said, wants=0)


@dataclass(frozen=True, slots=True)
class NumpyMklExpected:
    """``ImportError: cannot import name NUMPY_MKL`` (a SciPy or other wheel built for Christoph Gohlke's numpy+mkl, whose
    ``numpy._distributor_init`` defines it, over a numpy that does not: lc-leo/Notes#22)."""

    line: str


_OWN_MODULE = r"No module named '?numpy\.(?:_?core\.)?_multiarray_umath"
SIGNATURES = (
    Signature("numpy-extension-import-failed", "numpyimport", "failed",
              re.compile(r"Importing the (?:multiarray numpy extension module|numpy C-extensions) failed"),
              lambda m, _: NumpyImportFailed(m.string.strip())),
    Signature("numpy-mkl-name-missing", "numpyimport", "NUMPY_MKL",
              re.compile(r"(?:ImportError: )?cannot import name '?NUMPY_MKL\b"), lambda m, _: NumpyMklExpected(m.string.strip()[:200])),
    # pandas' line above numpy's failure ("ImportError: Unable to import required dependencies:", then "numpy: "): its echo
    Signature("pandas-dependencies-failed", "numpyimport", "rror: Unable to import required dependencies",
              re.compile(r"ImportError: Unable to import required dependencies:\s*$"), lambda m, _: FollowOn(m.string.strip())),
    # the exception's own line under the advice: the same failure
    Signature("numpy-own-module-missing", "numpyimport", "No module named", re.compile(_OWN_MODULE),
              lambda m, _: FollowOn(m.string.strip())),
)


def numpy_mkl_expected(events: Parsed, ctx: Context) -> list[Finding]:
    return [Finding(
        "numpy-mkl-build-expected", "error",
        "a package built for numpy+mkl (Christoph Gohlke's Windows wheels) is imported over a numpy without MKL",
        (e.line, "numpy+mkl's numpy._distributor_init defines NUMPY_MKL, and the packages built for it (SciPy and others from "
                 "the same wheel collection) import it to check that numpy; PyPI's and conda's numpy have no such name"),
        ("take that package from the same source as numpy: pip install --force-reinstall scipy (PyPI's, built on PyPI's "
         "numpy), or install the numpy+mkl wheel of the same collection and Python version",
         "python -c \"import numpy, scipy; print(numpy.__file__, scipy.__file__)\" shows where each came from"),
        "A wheel built against numpy+mkl checks for it at import; over another numpy the check fails before anything runs.",
        ("python -m pip show numpy scipy   # the versions and sources of the two",),
    ) for e in events.of(NumpyMklExpected)[:1]]


# a traceback's frame in numpy's own import of its C extension (numpy/core/__init__.py, numpy 2's numpy/_core)
_CORE_FRAME = re.compile(r"[\\/]numpy[\\/]_?core[\\/](?:__init__|multiarray|overrides|_multiarray_umath)\.py$")


def cut_in_core(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A traceback cut before its last line whose frames are numpy's import of its C extension, where no finding says
    anything of the log: numpy's failure, the error line unsaid (numpy#18376)."""
    from mkldoctor.explain.echoes import cut_traceback

    header = cut_traceback(events, found)
    frame = next((p for p in events.paths() if _CORE_FRAME.search(p)), None) if header else None
    return diagnose(events, ctx, [NumpyImportFailed(header.line, cut=frame)]) if frame else []


def diagnose(events: Parsed, ctx: Context, said: list[NumpyImportFailed] | None = None) -> list[Finding]:
    said = said or events.of(NumpyImportFailed)
    if not said or events.of(ForeignLoadFailed) or events.of(NeededNotFound):
        return []  # the loader's own line is in the log: its finding says which library
    windows = ctx.platform == "Windows"
    paths = events.paths()  # a Windows log's paths too
    conda = any(re.search(rf"(?i){CONDA_INSTALL}|[\\/]envs[\\/]", p) for p in paths) or not paths
    fix = []
    if windows:
        fix.append("start Python from the activated environment: conda activate <env> (or the Anaconda Prompt; an IDE "
                   "started from it): activation puts <env>\\Library\\bin, where MKL's DLLs are, on PATH; an IDE or a "
                   "shortcut that starts python.exe directly skips it" if conda else
                   "put the folder of numpy's DLLs (MKL's, OpenBLAS's) where Windows looks: conda activate <env>, or "
                   "os.add_dll_directory(<folder>) before the import: Python 3.8 and newer do not search PATH for an "
                   "extension's DLLs, so the PATH that MKL's mklvars.bat or setvars.bat sets is not enough (a numpy built "
                   "against MKL: put the call in numpy's _distributor_init.py)")
    original = next((e.original for e in said if e.original), "")
    if re.search(_OWN_MODULE, original):
        fix.append("numpy's compiled module is not in the installed package (a partial install, a copy without its .so "
                   "files, or numpy's source tree imported in its place): pip install --force-reinstall numpy (conda: "
                   "conda install --force-reinstall numpy), and start Python outside numpy's source folder")
    fix += ["read the line numpy prints under its advice ('Original error was: ...'): the library that did not load",
            "python -c \"import numpy; print(numpy.__file__)\" from another folder: a numpy source tree or another "
            "Python's numpy found first fails the same way",
            "a numpy built against another MKL or OpenBLAS than the one installed: reinstall numpy with its BLAS from one "
            "channel (conda install numpy mkl, or pip install --force-reinstall numpy)"]
    return [Finding(
        "numpy-extension-failed", "error", "numpy's C extension did not load" + (
            ": on Windows, most often its DLLs (MKL's) are not on the search path of an environment that was not activated"
            if windows and conda else ": on Windows, most often its DLLs (MKL's) are not where Python looks for an extension's"
            if windows else ""),
        (said[0].line, *((f"numpy's original error: {original[:200]}",) if original else ()),
         f"the traceback stops in numpy's import of its C extension ({said[0].cut}), and the log is cut before its last "
         "line, the error, which names the library" if said[0].cut else
         "numpy says this for any failure of its C extension's import; the log does not show the loader's own message, "
         "which names the library"),
        tuple(fix),
        "numpy's C extension links a BLAS (MKL in conda's defaults and Intel's builds, OpenBLAS in the wheels); when it "
        "or a DLL it needs is not found, numpy's import stops with this advice.",
        ("python -c \"import numpy\" 2>&1 | tail -3   # the original error under numpy's advice",),
    )]


def with_extension_failed(findings: list[Finding], parsed: Parsed) -> list[Finding]:
    """numpy's warning that mkl-service did not import, beside numpy's own C extension that did not load: one cause (the
    environment's DLLs or libraries not found: numpy-tutorials#149), said once, by the extension's finding."""
    ours = next((i for i, f in enumerate(findings) if f.id == "numpy-extension-failed"), None)
    service = [f for f in findings if f.id == "mkl-service-failed"]
    if ours is None or not service:
        return findings
    joined = replace(findings[ours], evidence=(*findings[ours].evidence, f"before it, numpy warned: {service[0].title} (the "
                                               "same libraries not found, said by numpy's MKL start-up)"))
    return [joined if i == ours else f for i, f in enumerate(findings) if f not in service]
