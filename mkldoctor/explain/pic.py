"""ld's ``relocation R_X86_64_32 against ... can not be used when making a shared object; recompile with -fPIC``:
a static archive's object built without position-independent code, linked into a shared library.

``.../mkl/lib/intel64/libfftw3x_cdft_lp64_pic.a(mpi_transpose.o): relocation R_X86_64_32 against `.rodata.str1.4' can not
be used when making a shared object; recompile with -fPIC`` (easybuilders/easybuild-easyblocks#977): MKL's FFTW wrapper
libraries (``libfftw3xc_*``, ``libfftw3x_cdft_*``, ``libfftw2x*``) are not shipped built: they are compiled from MKL's
``interfaces/`` folder by whoever installs MKL, and only with ``-fPIC`` do they go into a shared library. ld then says
``error adding symbols: Bad value`` (binutils 2.41 and newer: ``failed to set dynamic section sizes: bad value``): the
echo of the same failure.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class NotPositionIndependent:
    archive: str  # the .a (or the object, when ld named no archive)
    member: str
    relocation: str
    line: str


_RELOCATION = re.compile(r"(?<![^\s:'`])(?P<file>[^\s:'`(]+?\.(?:a|o|lo))(?:\((?P<member>[^)]+)\))?: (?:warning: )?relocation "
                         r"(?P<reloc>R_\w+) against .{0,200}?can ?not be used when making a (?:shared object|PIE object)")
# the lines ld adds after it: the same failure
_ECHO = re.compile(r"(?:error adding symbols|failed to set dynamic section sizes): [Bb]ad value")

# MKL's FFTW wrappers, built from its interfaces/ folder (not shipped compiled), and MKL's own archives
_WRAPPER = re.compile(r"^lib(?:fftw[23]x\w*|fftw3xc_\w+|fftw3xf_\w+|fftw2xc_\w+|fftw2xf_\w+|fftw3x_cdft\w*|fftw2x_cdft\w*)\.a$")

SIGNATURES = (
    Signature("ld-relocation-not-pic", "pic", "recompile with -fPIC", _RELOCATION,
              lambda m, _: NotPositionIndependent(m.group("file"), m.group("member") or "", m.group("reloc"), m.string.strip()[:300])),
    Signature("ld-bad-value", "pic", "ad value", _ECHO, lambda m, _: FollowOn(m.group(0))),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(NotPositionIndependent)
    if not said:
        return []
    first = said[0]
    name = os.path.basename(first.archive)
    wrapper = _WRAPPER.match(name) is not None
    mkl = wrapper or name.startswith("libmkl_") or "/mkl/" in first.archive
    where = f"{first.archive}({first.member})" if first.member else first.archive
    evidence = [first.line, f"{where} was compiled without -fPIC: its code holds absolute addresses ({first.relocation}), "
                "which a shared library, loaded at any address, cannot carry"]
    fix = []
    if wrapper:
        evidence.append(f"{name} is one of MKL's FFTW wrapper libraries, which MKL does not ship compiled: they are built from "
                        "MKL's interfaces/ folder when MKL is installed, and a library built without -fPIC goes only into "
                        "programs, not shared libraries (even one named _pic, when part of it was built without the flag)")
        fix.append(f"build {name} again with -fPIC for every object (MKL's interfaces/{_interface(name)}: make libintel64 "
                   "with -fPIC in its compiler flags, e.g. EasyBuild's imkl easyblock passes it; or your own build of it), and "
                   "link that one")
    elif mkl:
        fix.append(f"link MKL's shared libraries into a shared library, not its static archives (-lmkl_rt, or the layers' "
                   f".so files), or link {name} only into a program")
    else:
        fix.append(f"build {name} again with -fPIC (CMake: CMAKE_POSITION_INDEPENDENT_CODE=ON; autotools: --with-pic), and "
                   "link that one")
    fix.append("or build the shared library's users statically: a program may take non-PIC objects, a shared library not")
    return [Finding(
        "static-archive-not-pic", "error",
        f"{name} holds code built without -fPIC, and the link makes a shared library", tuple(evidence), tuple(fix),
        "A shared library can be loaded at any address, so its code must be position-independent (-fPIC); an archive's "
        "object compiled without it can be linked into a program, and ld refuses it in a shared library.",
        (f"readelf -r {q(first.archive)} | grep -c R_X86_64_32   # more than 0: objects built without -fPIC",),
    )]


def _interface(name: str) -> str:
    stem = name[3:].split("_", 1)[0].removesuffix(".a")
    return {"fftw3x": "fftw3x_cdft", "fftw2x": "fftw2x_cdft"}.get(stem, stem)
