"""The words of a failed search for MKL (a finder's, a project's own, CMake's NOTFOUND value), found in linear time.

One pattern of alternatives had read them: ``MKL.*not found`` tried ``.*`` from every mention of MKL, and ``\\w*mkl\\w*-NOTFOUND``
every split of a long word, so a line of 50,000 characters that said "mkl " again and again took 29 s of CPU
(``bench_logparse.py --hostile``). :class:`FinderWords` answers the same question, whether the line holds such words, with
searches that each read the line once: the whole phrases, then a subject and a not-found phrase after it, then a NOTFOUND
value whose word names MKL, then meson's ``Problem encountered:`` with a subject after it.
"""

from __future__ import annotations

import re

from mkldoctor.explain.catalogue import CANNOT

SUBJECT = r"(?:\bMKL\b|\bmkl_\w|Math Kernel Library|\boneMKL\b|Intel OpenMP|\b(?:lib)?iomp5|\bmkl\b)"  # a name's head only
NOT_FOUND = (rf"(?:(?<![Ss]ymbol )not found|(?<!manifest ){CANNOT} be found|was not found|NOT find|{CANNOT} (?:find|locate)|"
             # pip's "requires X, which is not installed" is pkgstate's
             r"unable to find|(?<!which )(?<!which is )(?:is )?not installed(?!\s*\?)|"
             # a project's check for the folder it was to be told: "CNTK custom MKL location not specified" (CNTK#791)
             r"(?:location|path|root|dir(?:ectory)?) (?:is |was )?not (?:specified|set|given|defined)\b)")
# a substring of each spelling NOT_FOUND (with _WHOLE, _NOTFOUND_VALUE and _PROBLEM) takes, for the signatures' needles
NEEDLES = ("not found", "be found", "Could NOT find", "annot find",
           "an not find", "an't find", "an\u2019t find", "ant find", "ould not find", "ouldn't find", "ouldnt find",
           "ouldn\u2019t find", "nable to find", "not installed", "NOTFOUND", "NOT_FOUND", "Problem encountered",
           "not specified", "not set", "not given", "not defined", "ould not locate")  # findblas: "Could not locate MKL, ..."

_SUBJECT = re.compile(SUBJECT, re.I)
_NOT_FOUND = re.compile(NOT_FOUND, re.I)
_WHOLE = re.compile(rf"(?i)Could NOT find (?:MKL|BLAS|LAPACK|TPLMKL)(?-i:_[A-Z0-9_]+)?\b"  # a variable: MKL_CORE_LIBRARY
                    # a project's own words, the name last: "Can not find MKL" (MegEngine's cmake/mkl.cmake); not mkl.h, MKL.jl
                    # (heffte#43: "Could not find required mkl component: mkl_intel_ilp64")
                    # (vsag's extern/mkl/mkl.cmake: "Could not find Intel OMP or MKL in standard locations")
                    rf"|{NOT_FOUND} (?:the )?(?:required )?(?:Intel(?:\(R\))? )?(?:(?:OMP|OpenMP|iomp5) (?:or|and) )?"
                    r"(?:MKL|oneMKL|Math Kernel Library)\b(?!\w|\.\w)"
                    # TriBITS (Trilinos): "ERROR: TPL_BLAS_NOT_FOUND=TRUE, aborting!"
                    r"|\bTPL_(?:BLAS|LAPACK)_NOT_FOUND=TRUE")
# CMake's cache value of a search that failed (LAPACK_libiomp5md_LIBRARY-NOTFOUND; BLAS_libguide40_LIBRARY-NOTFOUND: Intel's
# OpenMP runtime before 2009): a whole word, tried from the word's start only
_NOTFOUND_VALUE = re.compile(r"(?<!\w)\w*-NOTFOUND\b")
_MKL_WORD = re.compile(r"(?i)mkl|iomp5|libguide")
_PROBLEM = re.compile(r"Problem encountered: ", re.I)  # meson's error() of a project's own check


class FinderWords:
    """A stand-in for a compiled pattern (``search`` only): a match in the line, or None."""

    pattern = "a failed search for MKL (finderwords)"

    def search(self, text: str):
        found = _WHOLE.search(text)
        if found:
            return found
        subject = _SUBJECT.search(text)
        found = _NOT_FOUND.search(text, subject.end()) if subject else None
        if found:
            return found
        # a NOTFOUND value of MKL's name, or in a ;-list of MKL's libraries (Kratos#8333: "...;AUX6-NOTFOUND;.../libmkl_core.so")
        listed = ";" in text and "libmkl_" in text
        found = next((m for m in _NOTFOUND_VALUE.finditer(text) if listed or _MKL_WORD.search(m.group())), None)
        if found:
            return found
        problem = _PROBLEM.search(text)
        return _SUBJECT.search(text, problem.end()) if problem else None


PATTERN = FinderWords()
