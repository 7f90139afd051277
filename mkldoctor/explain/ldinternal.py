"""GNU ld stopped by the size or the shape of what it links, not by a name or a library it lacks.

* ``relocation truncated to fit: R_X86_64_PC32 against ...``: an address that does not fit the 32 bits the code model
  gives it: a program whose code and static data pass 2 GiB (a Fortran program's large static arrays, with Intel's or GNU's
  compilers: -mcmodel=medium), or a SYCL program whose device images the offload wrapper embeds past that reach (dpctl
  9aa8e02: a debug build split per kernel; DPC++ 2023's -fsycl-link-huge-device-code).
* ``ld: BFD (GNU Binutils ...) 2.34 assertion fail ../../bfd/elf.c:3150``: one of ld's own internal checks failed on an
  input it did not expect: oneDAL 2021.1's static libraries, built by the DPC++ compiler with relocation sections of zero
  size, named as files on a clang++ link (oneDAL's known issues: link them with -Bstatic -l instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature, last_match
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class RelocationTruncated:
    line: str
    sycl: bool  # the SYCL offload wrapper's own section (offload.wrapper.object, sycl.descriptor_reg)


@dataclass(frozen=True, slots=True)
class LinkerAssertion:
    version: str
    source: str
    line: str


_SYCL_WRAPPER = re.compile(r"offload\.wrapper\.object|sycl\.descriptor_(?:un)?reg|__sycl_register_lib")

SIGNATURES = (
    Signature("ld-relocation-truncated", "ldinternal", "relocation truncated",
              re.compile(r"relocation truncated to fit: R_\w+ against"),
              lambda m, before: RelocationTruncated(m.string.strip()[:300], bool(
                  _SYCL_WRAPPER.search(m.string) or last_match(_SYCL_WRAPPER, before, within=1)))),
    Signature("ld-relocation-overflows-omitted", "ldinternal", "relocation overflows",
              re.compile(r"additional relocation overflows omitted from the output"), lambda m, _: FollowOn(m.string.strip())),
    Signature("ld-bfd-assertion", "ldinternal", "assertion fail",
              re.compile(r"\bBFD \([^)]{0,100}\) (?P<version>\S{1,40}) assertion fail (?P<source>\S{1,200})"),
              lambda m, _: LinkerAssertion(m["version"], m["source"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    out = []
    truncated = events.of(RelocationTruncated)
    if truncated:
        out.append(_truncated(truncated))
    asserted = events.of(LinkerAssertion)
    if asserted:
        out.append(_assertion(asserted[0]))
    return out


def _truncated(events: list[RelocationTruncated]) -> Finding:
    sycl = any(e.sycl for e in events)
    evidence = [e.line for e in events[:3]]
    if sycl:
        evidence.append("the SYCL offload wrapper's own sections (offload.wrapper.object, sycl.descriptor_reg) are among "
                        "them: the device images the SYCL compiler embeds in the library are too large for 32-bit offsets "
                        "(a debug build, code split per kernel, many device targets)")
        fix = ("link with -fsycl-link-huge-device-code (DPC++ 2023 and newer: the images go where 64-bit offsets reach them; "
               "CMake: target_link_options(<target> PRIVATE -fsycl-link-huge-device-code); dpctl 9aa8e02)",
               "or make the device code smaller: an optimised build (-O2, no -O0 -g for the device), fewer device targets, "
               "or -fsycl-device-code-split=per_source in place of per_kernel")
    else:
        evidence.append("an address that does not fit in the 32 bits of the small code model: the program's code and "
                        "static data together pass 2 GiB (large static arrays: a Fortran COMMON block or a module's fixed-size "
                        "arrays)")
        fix = ("compile and link with a larger code model: -mcmodel=medium (GCC, gfortran, Intel's compilers; Intel's "
               "also need -shared-intel so that their runtime is taken as shared libraries), or make the large arrays "
               "allocatable so that they live on the heap",
               "a static MKL in such a program: its archives are built for the small code model; link MKL's shared "
               "libraries (libmkl_rt) instead")
    return Finding(
        "ld-relocation-truncated", "error",
        "the linker could not fit an address in 32 bits: "
        + ("the SYCL device code embedded in the output is too large" if sycl else "the program is larger than 2 GiB"),
        tuple(evidence), fix,
        "x86-64's default code model reaches code and data through 32-bit offsets; an output whose sections lie further "
        "apart fails to link with 'relocation truncated to fit'.",
        ("size <the objects and archives linked>   # the largest .text, .data and .bss",),
    )


def _assertion(event: LinkerAssertion) -> Finding:
    return Finding(
        "ld-internal-assertion", "error",
        f"GNU ld failed one of its own internal checks ({event.source})",
        (event.line, "BFD is ld's library for object files: an assertion of its own failed on an input it did not expect, "
         "a defect of this binutils release or an object of an unusual shape; oneDAL 2021.1's static libraries, built by the "
         "DPC++ compiler with relocation sections of zero size, did so on a clang++ link (oneDAL's known issues)"),
        ("oneDAL's static libraries: name them with -Bstatic -l in place of their files, as oneDAL's notes give it: "
         "-Wl,--start-group -Wl,-L<oneDAL's lib folder>,-Bstatic,-lonedal_core,-lonedal_thread,-Bdynamic -Wl,--end-group",
         "or another linker (-fuse-ld=lld, or -fuse-ld=gold) or a newer binutils, which may not share the defect",
         "see whether the output was written and works: an assertion is reported, and ld may go on"),
        "ld checks its own assumptions as it links; an object built by another toolchain may break one.",
        ("ld --version   # the binutils release that asserted",),
    )
