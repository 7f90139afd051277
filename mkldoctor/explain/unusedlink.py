"""A linker flag for MKL given to a compile that does not link: clang's and icx's ``icx: warning:
-Wl,-rpath,/opt/intel/oneapi/mkl/2022.2.0/lib/intel64: 'linker' input unused [-Wunused-command-line-argument]``.

Intel's compilers append ``__INTEL_POST_CFLAGS`` (and ``__INTEL_POST_FFLAGS``) to every command line; Spack's
intel-oneapi-mkl package set it to MKL's run path (removed by spack PR #40947), so each preprocessing or compile-only call
(``-E``, ``-c``) warned, and a configure that takes any output for a failure (PETSc's) stopped. CFLAGS holding MKL's link
flags does the same with any clang-based compiler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class LinkFlagUnused:
    flag: str
    line: str


@dataclass(frozen=True, slots=True)
class IntelPostFlags:
    """A command line (or an environment listing) that sets Intel's compilers' ``__INTEL_POST_CFLAGS``."""

    line: str


def _unused(m: re.Match, _) -> LinkFlagUnused | None:
    flag = m["flag"]
    return LinkFlagUnused(flag[:300], m.string.strip()[:300]) if re.search(r"(?i)mkl|oneapi|iomp5", flag) else None


SIGNATURES = (
    Signature("clang-linker-input-unused", "unusedlink", "input unused",
              re.compile(r"warning: (?P<flag>-Wl,\S{1,300}|-l\s?mkl\w{1,60}|-L\s?\S{1,300}): 'linker' input unused"),
              _unused),
    Signature("intel-post-cflags-set", "unusedlink", "__INTEL_POST_",
              re.compile(r"\b__INTEL_POST_(?:C|CXX|F)FLAGS=\S*(?i:mkl|oneapi)"),
              lambda m, _: IntelPostFlags(m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(LinkFlagUnused)
    if not said:
        return []
    post = events.of(IntelPostFlags)[:1]
    first = said[0]
    evidence = [first.line, f"{first.flag} is a flag for the link (MKL's), given to a call that does not link (-E, -c, -S): "
                            "the compiler ignores it and warns"]
    evidence += [f"Intel's compilers append __INTEL_POST_CFLAGS to every command line, and the log sets it to MKL's flags: "
                 f"{p.line}" for p in post]
    fix = ["take MKL's link flags out of __INTEL_POST_CFLAGS and __INTEL_POST_FFLAGS (unset them; Spack's intel-oneapi-mkl "
           "set them until spack PR #40947: update Spack's packages, or spack unload and load again after it)" if post else
           "take MKL's link flags out of the flags every compile gets (CFLAGS, CXXFLAGS, FFLAGS, __INTEL_POST_CFLAGS) and give "
           "them to the link alone (LDFLAGS, LIBS, target_link_options)",
           "a configure that stops on any compiler output (PETSc's): that is the failure this warning makes; with the flags "
           "moved, it passes",
           "or, where the flags must stay, -Wno-unused-command-line-argument keeps clang and icx from saying so"]
    return [Finding(
        "mkl-link-flag-on-compile", "warning",
        f"MKL's link flag {first.flag} is given to compiles that do not link: the compiler warns on each",
        tuple(evidence), tuple(fix),
        "Flags for the linker (-Wl,..., -L, -l) do nothing in a call that only preprocesses or compiles; clang-based compilers "
        "(icx, icpx, clang) say so, and a build step that reads any output as an error then fails.",
        ("env | grep -E '__INTEL_POST|FLAGS'   # where MKL's link flags are set for every compile",),
    )]
