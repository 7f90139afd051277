"""Libraries of another architecture that ld skipped: ``ld: skipping incompatible /opt/intel/mkl/lib/ia32/libmkl_rt.so when
searching for -lmkl_rt`` (a 32-bit folder in a 64-bit link, MKL 10's Itanium lib/64), and the Xeon Phi's cross-linker
(``x86_64-k1om-linux-ld``) given the host's lib/intel64 (NWChem's forum 1614): the folder of this architecture instead.
:mod:`libraries` says them beside the ``cannot find`` they lead to; a log cut before that line gets its own finding here.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import MissingLibrary, Parsed
from mkldoctor.explain.wording import lib_name, more
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class SkippedIncompatible:
    """``ld: skipping incompatible /opt/intel/mkl/lib/ia32/libmkl_rt.so when searching for -lmkl_rt``"""

    path: str
    name: str
    searched: str = ""  # as ld said it: -lmkl_rt, or a file a linker script's GROUP names (MKL 10's libmkl_em64t.a)
    target: str = ""  # "k1om": the Xeon Phi's cross-linker said it (x86_64-k1om-linux-ld)


def ia32_instead(path: str) -> str | None:
    """The x86-64 folder beside another architecture's of Intel's layout (``lib/ia32`` -> ``lib/intel64``; MKL 10 and
    older: ``lib/32`` (x86) and ``lib/64`` (Itanium) -> ``lib/em64t``), or None."""
    folder = os.path.dirname(path)
    for old, new in (("/ia32_lin", "/intel64_lin"), ("/ia32", "/intel64"), ("/lib/32", "/lib/em64t"), ("/lib/64", "/lib/em64t")):
        if folder.endswith(old):
            return folder[: -len(old)] + new
    return None


def skipped_advice(skipped) -> tuple[list[str], list[str]]:
    """(evidence, fix) for the libraries ld skipped as incompatible: the folder of this architecture instead."""
    evidence: list[str] = []
    fix: list[str] = []
    for event in skipped:
        itanium = os.path.dirname(event.path).endswith("/lib/64")
        evidence.append(f"ld skipped {event.path} as incompatible: a library of another architecture ("
                        + ("MKL 10's lib/64 holds its Itanium (IA-64) build; x86-64's is lib/em64t" if itanium else
                           "a 32-bit folder in a 64-bit link") + f") on the search for {event.searched}")
        instead = ia32_instead(event.path)
        folder = shlex.quote(os.path.dirname(event.path))
        line = (f"-L{shlex.quote(instead)} in place of -L{folder}   # the x86-64 folder of the same MKL" if instead else
                f"take -L{folder} off the line, and give the folder of the libraries built for this architecture")
        if line not in fix:
            fix.append(line)
    if fix:
        fix.append("find what put that folder on the link line: a finder that chose another architecture's folder (a FindMKL "
                   "or FindCBLAS that did not find MKL's root, a wrong MKLROOT, a makefile's MKL folder): point it at the "
                   "x86-64 one (MKLROOT, or the finder's own root variable)")
    return evidence, fix


SIGNATURES = (
    Signature("ld-skipping-incompatible", "archskip", "skipping incompatible",
              re.compile(r"skipping incompatible (?P<path>\S+) when searching for (?:-l(?P<name>\S+)|(?P<file>\S+\.(?:a|so)))"),
              lambda m, _: SkippedIncompatible(m.group("path"), m.group("name") or lib_name(m.group("file")),
                                               "-l" + m.group("name") if m.group("name") else m.group("file"),
                                               "k1om" if "k1om" in m.string[:m.start()] else "")),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """MKL's libraries skipped, in a log that shows no 'cannot find' for them (cut before it, or another copy found later):
    said as a warning, with the folder of the link's architecture."""
    missing = {lib_name(e.name) for e in events.of(MissingLibrary)}
    skipped = [e for e in events.of(SkippedIncompatible) if e.name not in missing and re.match(r"mkl_|iomp5", e.name)]
    if not skipped:
        return []
    names = list(dict.fromkeys(e.name for e in skipped))
    folder = os.path.dirname(skipped[0].path).rstrip("/")
    if skipped[0].target == "k1om":  # NWChem's forum 1614: an offload build's coprocessor link given the host's folder
        mic = re.sub(r"/intel64$", "/mic", folder) if folder.endswith("/intel64") else "<MKL prefix>/lib/mic"
        evidence = [f"the Xeon Phi (KNC) coprocessor's linker, x86_64-k1om-linux-ld, skipped {folder}'s {more(names, 3)}: those are "
                    "the host's x86-64 libraries; MKL keeps the coprocessor's build in lib/mic (Composer XE 2013 to Parallel "
                    "Studio 2017)"]
        fix = [f"give the coprocessor's link MKL's MIC folder, -L{shlex.quote(mic)}, or let Intel's compiler choose each "
               "side's MKL: -mkl (-mkl -openmp for the threaded layer) in place of the -L and -l list (NWChem's forum 1614: "
               "BLASOPT=\"-mkl -openmp\"), which an offload build passes to the host's and the coprocessor's links"]
    else:
        evidence, fix = skipped_advice(skipped)
    return [Finding(
        "mkl-library-wrong-architecture", "warning",
        f"ld skipped MKL's {more(names, 3)} in {folder}: {'the host' if skipped[0].target else 'another'} architecture's "
        "build, not this link's", tuple(evidence[:4]), tuple(fix),
        "ld passes over a library of another architecture than the objects it links and goes on searching; where no "
        "folder on the line has this architecture's, it says it cannot find the library.",
        ("file <the skipped library>   # its architecture, and: file <an object of the link>",),
    )]
