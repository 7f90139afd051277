"""A compiled module built against one NumPy and imported under another: NumPy 2's banner ``A module that was compiled
using NumPy 1.x cannot be run in NumPy 2.0.0 as it may crash`` (then ``ImportError: numpy.core.multiarray failed to
import`` or ``AttributeError: _ARRAY_API not found``), and NumPy's own check ``module compiled against ABI version
0x1000009 but this version of numpy is 0x2000000`` (ABI: 1.x against 2.x) or ``... API version 0x10 but this version of
numpy is 0xe`` (the module needs a newer NumPy than the one installed).

Intel's MKL-based NumPy packages (mkl_fft, mkl_random, mkl-service's ``mkl``, mkl_umath, dpnp) are such modules: a
wheel or conda build of one made for NumPy 1.x fails so under NumPy 2 (2024 and later environments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# Intel's NumPy extensions that run on MKL (the import name as a traceback's site-packages folder)
MKL_NUMPY_PACKAGES = ("mkl_fft", "mkl_random", "mkl", "mkl_umath", "dpnp", "dpctl")


@dataclass(frozen=True, slots=True)
class NumpyAbi:
    built: str  # "1.x", "0x1000009", "" unknown
    run: str  # "2.0.0", "0x2000000", ""
    kind: str  # "banner", "ABI", "API", "import"
    line: str
    wants: int = field(default=0, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "NumpyAbi":
        run = next((m[1] for line in lines[:2] if (m := re.search(r"\bNumPy (\d+\.\d+\.\d+)", line))), "")
        return replace(self, run=run, wants=0)


def _banner(m: re.Match, _) -> NumpyAbi:
    return NumpyAbi(m["built"], m["run"] or "", "banner", m.string.strip()[:300], wants=0 if m["run"] else 2)


SIGNATURES = (
    Signature("numpy-abi-banner", "numpyabi", "compiled using NumPy",
              re.compile(r"A module that was compiled using NumPy (?P<built>\d\.x) cannot be run in(?:\s+NumPy (?P<run>\d+\.\d+\.\d+))?"),
              _banner),
    Signature("numpy-abi-version", "numpyabi", "but this version of numpy is",
              re.compile(r"module compiled against (?P<kind>ABI|API) version (?P<built>0x[0-9a-fA-F]+) but this version of "
                         r"numpy is (?P<run>0x[0-9a-fA-F]+)"),
              lambda m, _: NumpyAbi(m["built"], m["run"], m["kind"], m.string.strip()[:300])),
    # Cython's check of NumPy's structures as a module imports (CIL#682: mkl_fft's "numpy.ufunc size changed, may indicate
    # binary incompatibility. Expected 216 from C header, got 192 from PyObject": built against a newer NumPy)
    Signature("numpy-struct-size-changed", "numpyabi", "Error: numpy.",
              re.compile(r"ValueError: numpy\.\w+ size changed, may indicate binary incompatibility\. Expected (?P<built>\d+) "
                         r"from C header, got (?P<run>\d+) from PyObject"),
              lambda m, _: NumpyAbi(m["built"], m["run"], "size", m.string.strip()[:300])),
    # the import's own failure after either: an echo where one of them is said, the mismatch's sign where alone
    Signature("numpy-abi-import", "numpyabi", "rror",
              re.compile(r"(?:ImportError: numpy\.(?:_?core\.)?(?:multiarray|_multiarray_umath) failed to import|"
                         r"AttributeError: _ARRAY_API not found)"), lambda m, _: NumpyAbi("", "", "import", m.string.strip()[:300])),
    # pandas before 0.25 on a numpy that failed to import (numpy#14172: its DLL load failed): the failure's echo
    Signature("pandas-numpy-missing", "numpyabi", "rror",
              re.compile(r"ImportError: Missing required dependencies \[[^\]]*'numpy'"), lambda m, _: FollowOn(m.string.strip()[:300])),
)


def _package(events: Parsed) -> str:
    """The compiled module whose import failed: the last site-packages folder of the traceback that is not numpy's."""
    found = [m[1] for p in events.paths()
             if (m := re.search(r"[\\/]site-packages[\\/]([\w.]+?)(?:[\\/]|\.py|$)", p)) and m[1] != "numpy"]
    return found[-1] if found else ""


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(NumpyAbi)
    if not said:
        return []
    first = next((e for e in said if e.kind != "import"), said[0])
    package = _package(events)
    who = package or "a compiled module"
    base = 16 if first.kind == "API" else 10  # a C API version in hex; a structure's size in bytes
    newer_needed = first.kind in ("API", "size") and int(first.built, base) > int(first.run, base)
    if first.kind == "size":
        title = (f"{who} was built against {'a newer' if newer_needed else 'another'} NumPy than the one installed: NumPy's "
                 f"structures differ in size ({first.built} bytes in its headers, {first.run} at run time)")
    elif first.kind == "import":
        title = f"{who} could not import NumPy's C API: most often it was built against another NumPy than the one installed"
    elif newer_needed:
        title = f"{who} was built against a newer NumPy (C API {first.built}) than the one installed ({first.run})"
    else:
        built = "1.x" if first.built in ("1.x",) or first.built.startswith("0x1") else first.built
        run = first.run if first.run and not first.run.startswith("0x") else "2.x" if first.run.startswith("0x2") else "2.x"
        title = f"{who} was built against NumPy {built} and is imported under NumPy {run}: their binary interfaces differ"
    evidence = [e.line for e in said[:3]]
    if package.split(".")[0] in MKL_NUMPY_PACKAGES:
        evidence.append(f"{package} is one of Intel's MKL-based NumPy packages (mkl_fft, mkl_random, mkl-service, mkl_umath, "
                        "dpnp): its build is tied to the NumPy it was compiled with")
    fix = (["upgrade NumPy in that environment: python -m pip install -U numpy (conda: conda update numpy)"] if newer_needed else
           [f"install a build of {package or 'the module'} made for NumPy 2: python -m pip install -U {package or '<the package>'} "
            f"(conda: conda update {package or '<the package>'}), from the channel or index numpy came from",
            "or keep NumPy below 2 in that environment while the package has no such build: python -m pip install 'numpy<2' "
            "(conda install 'numpy<2')"])
    return [Finding(
        "numpy-abi-mismatch", "error", title, tuple(dict.fromkeys(evidence)), tuple(fix),
        "A compiled extension is built against one NumPy's C interface; NumPy 2 changed its binary interface, and each "
        "NumPy refuses a module built for an interface it does not have.",
        ("python -c \"import numpy; print(numpy.__version__, numpy.__file__)\"; python -m pip show "
         + (package or "<the package>") + "   # the NumPy installed, and the package's version",),
    )]
