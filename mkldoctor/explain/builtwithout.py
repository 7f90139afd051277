"""A program's own word, at run time, that its build left MKL out (FDS's "Error: MKL Library compile flag was not defined
for ULMAT as pressure solver.", firemodels/fds#13609), or any BLAS (Marian's "Error: Marian must be compiled with a BLAS
library", bergamot-translator#469). Read with :mod:`finders`' signatures, its finding among that module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import ERRORISH, NOT_MINE, FollowOn, Signature
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class BuiltWithoutMkl:
    """The program says, at run time, that it was built without MKL: FDS's "Error: MKL Library compile flag was not
    defined for ULMAT as pressure solver." (firemodels/fds#13609): the build's MKL option was off or its search failed."""

    line: str
    blas: bool = False  # without any BLAS, not MKL alone


_WITHOUT = re.compile(r"(?i)\b(?:built|compiled) without (?:Intel(?:'s)? )?(?:MKL|oneMKL)\b|\bMKL (?:support )?(?:is )?not "
                      r"(?:enabled|compiled in|available in this build)|\bMKL Library compile flag was not defined|"
                      # without any BLAS: Marian's "Error: Marian must be compiled with a BLAS library" (bergamot-translator#469)
                      r"\bmust be (?:compiled|built) with (?:a |an )?(?P<blas>BLAS)\b|\b(?:built|compiled) without (?:a )?(?P<none>BLAS)\b")


def _without(m: re.Match, _) -> BuiltWithoutMkl | object:
    # an error the program stops with; a build's status line ("-- Building without MKL") is no failure
    return BuiltWithoutMkl(m.string.strip(), bool(m["blas"] or m["none"])) if ERRORISH.search(m.string) else NOT_MINE


SIGNATURES = tuple(Signature(f"program-built-without-mkl-{i}", "finders", needle, _WITHOUT, _without)
                   for i, needle in enumerate(("without", "MKL not", "MKL support", "MKL is not", "was not defined",
                                               "must be compiled with"))) + (
    # Marian's ABORT's own line after the message it stopped with ("Error: Aborted from void sgemm(bool, b..."): its echo
    Signature("marian-aborted-from", "finders", "Error: Aborted from", re.compile(r"^\s*Error: Aborted from \S"),
              lambda m, _: FollowOn(m.string.strip())),
)


def finding(event: BuiltWithoutMkl) -> Finding:
    """The finding of a program's own word that its build left MKL (or any BLAS) out."""
    if event.blas:
        return _built_without_blas(event)
    return Finding(
        "program-built-without-mkl", "error",
        "the program says it was built without MKL: the feature it was asked for needs MKL in its build",
        (event.line[:300], "a program that uses MKL only where its build enabled it (a compile flag, a CMake option) stops "
                           "here when the build left MKL out: its MKL option was off, or its search for MKL failed and the "
                           "build went on without it (the build's own log says which)"),
        ("rebuild the program with its MKL option, following its build documentation (a -DUSE_MKL-like option or make "
         "variable, MKLROOT set by oneAPI's setvars.sh in the build's shell), and check the build log for its MKL search",
         "or ask the program for a feature that does not need MKL"),
        "Programs that make MKL optional compile its code only when the build enables it; the binary then tells at run time.",
        ("ldd <the program> | grep -E 'mkl|iomp'   # whether the binary links MKL at all",),
    )


def _built_without_blas(event: BuiltWithoutMkl) -> Finding:
    """bergamot-translator#469: Marian built with no BLAS at all, its static-libraries setting (bergamot's default) having
    found no static BLAS on the distribution; its CPU sgemm then stops the program."""
    return Finding(
        "program-built-without-mkl", "error",
        "the program says it was built without a BLAS library: its build found none (MKL, OpenBLAS) and went on",
        (event.line[:300], "its build looks for a BLAS (MKL first, most often) and, finding none, leaves the code that needs "
                           "one out; a build set to link statically (Marian's USE_STATIC_LIBS, on in bergamot-translator) "
                           "takes only static libraries (libmkl_*.a, libopenblas.a, libcblas.a), which most distributions' "
                           "packages do not carry"),
        ("rebuild where its BLAS search succeeds, and check the configure output's BLAS lines (-- Found MKL, -- Found "
         "CBLAS): install MKL (its static libraries come with mkl-static or oneAPI) or OpenBLAS's development package",
         "a static build without static BLAS libraries: turn the static setting off (-DUSE_STATIC_LIBS=OFF, the asker's fix "
         "in bergamot-translator#469) so that the shared ones are taken, or install static ones"),
        "Programs that make BLAS optional compile their matrix code only when the build found one; the binary then tells at "
        "run time.",
        ("ldd <the program> | grep -E 'mkl|blas'   # whether the binary links a BLAS at all",),
    )
