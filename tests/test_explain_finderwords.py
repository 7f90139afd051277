"""finderwords.FinderWords answers what the finders' one pattern of alternatives answered (whether a line holds the words
of a failed MKL search), with searches that read the line once each. The old pattern, kept here as the specification, is
run against the new matcher on lines made of the words' fragments in every order (seeded), and on the corpus's shapes."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from mkldoctor.explain.finderwords import NEEDLES, NOT_FOUND, PATTERN, SUBJECT

OLD = re.compile(rf"(?i)(?:{SUBJECT}.*{NOT_FOUND}|Could NOT find (?:MKL|BLAS|LAPACK|TPLMKL)\b"
                 rf"|{NOT_FOUND} (?:the )?(?:Intel(?:\(R\))? )?(?:MKL|oneMKL|Math Kernel Library)\b(?!\w|\.\w)"
                 rf"|(?<!\w)\w*(?:mkl|iomp5|libguide)\w*-NOTFOUND\b|Problem encountered: .*{SUBJECT}"
                 rf"|\bTPL_(?:BLAS|LAPACK)_NOT_FOUND=TRUE)")

FRAGMENTS = ["MKL", "mkl_core", "libiomp5md", "Intel OpenMP", "oneMKL", "Math Kernel Library", "mkl.h", "MKL.jl", "not found",
             "could not find", "Can not find", "unable to find", "NOT find", "Could NOT find", "BLAS", "the", "Intel",
             "-NOTFOUND", "LAPACK_libiomp5md_LIBRARY-NOTFOUND", "MKL_INCLUDE_DIR-NOTFOUND", "FOO-NOTFOUND", "Problem encountered:",
             "TPL_BLAS_NOT_FOUND=TRUE", "x", "lib", "-- ", ":", ".", "libguide40"]


def test_the_same_answer_as_the_old_pattern():
    rng = random.Random(21)
    lines = [" ".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 6))) for _ in range(4000)]
    lines += ["".join(p) for p in itertools.permutations(["MKL", " not found", "-NOTFOUND", "mkl"], 3)]
    lines += ["-- Could NOT find MKL (missing: MKL_LIBRARIES)", "Can not find MKL", "mkl.h: not found", "Problem encountered: "
              "MKL not supported for this compiler", "ERROR: TPL_BLAS_NOT_FOUND=TRUE, aborting!", "MKL.jl not found",
              "BLAS_libguide40_LIBRARY-NOTFOUND", "everything was found", "not found: MKL"]
    differ = [line for line in lines if bool(OLD.search(line)) != bool(PATTERN.search(line))]
    assert not differ, differ[:5]
    assert sum(bool(PATTERN.search(line)) for line in lines) > 1000  # the sample holds both answers


@pytest.mark.parametrize("words", ["Cannot find MKL", "cannot find MKL", "Can not find MKL", "Can't find MKL", "Can\u2019t find MKL",
                                   "cant find MKL", "Couldn't find MKL", "Couldnt find MKL", "Could not find MKL",
                                   "MKL can't be found", "MKL could not be found", "Unable to find MKL"])
def test_every_spelling_the_words_take_reaches_them(words):
    # the signatures' needles filter the lines before the words are tried: a spelling the words take and no needle holds
    # was an unrecognised failure ("Cannot find MKL" was, beside "Can not find MKL")
    from tests.test_explain_families import errors_of, flat

    assert PATTERN.search(words) and any(needle in words for needle in NEEDLES), words
    [finding] = errors_of(f"CMake Error at cmake/mkl.cmake:12 (message):\n  {words}, set MKLROOT\n")
    assert finding.id == "mkl-finder-failed", flat(finding)
