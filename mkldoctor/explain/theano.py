"""Theano, Aesara and PyTensor: the BLAS link flags they compile their ops with (``blas__ldflags``).

These libraries compile C code at run time and link it with the flags in their config's ``blas__ldflags``
(Theano's ``blas.ldflags``), which they derive from numpy's build information when unset. When their probe of those
flags fails they say ``WARNING (theano.tensor.blas): Using NumPy C-API based implementation for BLAS functions.`` and
run slower (Theano#6599: with MKL 2018 it chose ``-lmkl_gnu_thread``, which conda's MKL for Windows does not ship);
a flag that names a library without its folder fails the op's compile with ``library mkl_rt is not found.``
(aesara#1249: ``-lmkl_rt`` without ``-L<env>\\Library\\bin``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_NAMES = {"theano": "Theano", "aesara": "Aesara", "pytensor": "PyTensor"}
_HOSTS = tuple(_NAMES)


@dataclass(frozen=True, slots=True)
class BlasFlagsFailed:
    host: str  # "theano", "aesara", "pytensor"
    line: str
    library: str = ""  # "mkl_rt": a library of the flags that was not found; "" for the fallback warning


def _fallback(m: re.Match, _) -> BlasFlagsFailed:
    return BlasFlagsFailed(m.group("host").lower(), m.string.strip())


def _library(m: re.Match, before) -> BlasFlagsFailed | object:
    said = " ".join(before).lower()
    host = next((h for h in _HOSTS if h in said), "")  # the compile error's own lines name the package
    return BlasFlagsFailed(host, m.string.strip(), m.group("lib")) if host else NOT_MINE


SIGNATURES = (
    Signature("theano-blas-fallback", "theano", "C-API based implementation",
              re.compile(r"(?i)\((?P<host>theano|aesara|pytensor)\.tensor\.blas\): Using NumPy C-API based implementation"),
              _fallback),
    # before finders': its "mkl_rt ... not found" would read it as a project's search
    Signature("theano-library-not-found", "theano", "is not found",
              re.compile(r"^\s*library (?P<lib>\w+) is not found\.?\s*$"), _library),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(BlasFlagsFailed)
    if not said:
        return []
    first = said[0]
    host = first.host or "theano"
    name = _NAMES[host]
    option = "blas.ldflags" if host == "theano" else "blas__ldflags"
    platform = ctx.platform
    folder = '-L"<env>\\Library\\bin"' if platform == "Windows" else "-L<env>/lib"
    other = "" if platform else ' (conda on Windows: -L"<env>\\Library\\bin")'  # a log that names no platform
    evidence = [first.line,
                f"{name} compiles its ops' C code at run time and links it with its config's {option}; unset, it derives the "
                "flags from numpy's build information and probes them"]
    if first.library:
        evidence.append(f"the flags name {first.library} without a folder where it is: a -l without its -L (conda on "
                        f"Windows keeps MKL's import libraries and DLLs in <env>\\Library\\bin)")
        title = f"{name}'s BLAS link flags name {first.library} without its folder: its ops do not compile"
    else:
        evidence.append("its probe of those flags failed, so it calls BLAS through numpy's C-API, slower; Theano 1.0 chose "
                        "-lmkl_gnu_thread for MKL 2018, which conda's MKL for Windows does not ship (Theano#6599)")
        title = f"{name} could not link a BLAS and falls back to numpy's C-API (slower)"
    return [Finding(
        "theano-blas-flags", "error" if first.library else "warning", title, tuple(evidence),
        (f"see the flags it uses: python -c \"import {host}; print({host}.config.{option})\"",
         f"set them to MKL's folder and layers that exist there: {option} = {folder} -lmkl_core -lmkl_intel_thread -lmkl_rt{other} "
         f"(in ~/.{host}rc under [blas], or {host.upper()}_FLAGS=\"{option}=...\"); conda: <env> is the environment's prefix",
         f"or update {name}: later releases probe the folder and the threading layer (Theano's PR #6605 retries "
         "mkl_intel_thread on Windows; PyTensor, Theano's and Aesara's successor, from 2.18 searches conda's Library\\bin and Library\\lib on Windows, "
         "pytensor#517)"),
        f"{name}'s compiled ops link BLAS with flags of its own, not with numpy's libraries: when they name a library or "
        "a layer the environment does not have where the flags say, the ops fail to compile or fall back.",
        (f"python -c \"import numpy; numpy.show_config()\"   # what numpy was built with, which {name} reads",),
    )]


def compiled_op(texts) -> tuple[str, str] | None:
    """The evidence and fix for a library its compiled op could not load, where that op is one Theano (Aesara, PyTensor)
    compiled at run time into its compiledir: the op's link took MKL's layers from the BLAS flags by bare name (the
    image_clusters README, Theano 0.7 under Lasagne 0.1 on OS X: ``Library not loaded: libmkl_intel_lp64.dylib``)."""
    host = next((m.group(1).lower() for text in texts
                 if (m := re.search(r"(?i)[/\\]\.(theano|aesara|pytensor)[/\\]compiledir", text))), None)
    if host is None:
        return None
    name = _NAMES[host]
    option = "blas.ldflags" if host == "theano" else "blas__ldflags"
    return (f"the module that needs it is {name}'s own op, compiled at run time into ~/.{host}/compiledir and linked with its "
            f"{option} (numpy's MKL flags when unset: MKL's layers by bare name); the image_clusters README's case, Theano "
            "0.7 (which Lasagne 0.1 pins) on OS X with conda's MKL, ran once Theano was updated",
            f"update {name} (pip install --upgrade {host}; the README: Theano's and Lasagne's development versions), then drop "
            f"the ops it compiled before: {host}-cache purge (or remove ~/.{host}/compiledir_*)")
