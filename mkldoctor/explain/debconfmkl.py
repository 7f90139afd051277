"""Debian's and Ubuntu's libmkl-rt asking at install time whether libmkl_rt.so is to be the system's BLAS and LAPACK:
``Use libmkl_rt.so as the default alternative to BLAS/LAPACK? [yes/no]`` (debconf's question
``libmkl-rt/use-as-default-blas-lapack``, default no, in the package's templates). An install with no one to answer it (a
Dockerfile's ``apt-get install intel-mkl`` without DEBIAN_FRONTEND=noninteractive) waits there (eddelbuettel/mkl4deb#15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

QUESTION = "libmkl-rt/use-as-default-blas-lapack"


@dataclass(frozen=True, slots=True)
class Asked:
    CONTEXT_ONLY = True  # a question, no failure of its own
    line: str


SIGNATURES = (
    Signature("debconf-libmkl-rt-question", "debconfmkl", "libmkl_rt.so as the default",
              re.compile(r"Use libmkl_rt\.so as the default alternative to BLAS/LAPACK\?"), lambda m, _: Asked(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(Asked)
    if not said:
        return []
    return [Finding(
        "debian-mkl-question", "warning",
        "Debian's libmkl-rt asks whether libmkl_rt.so is to be the system's BLAS and LAPACK: an install with no one to "
        "answer waits at the question",
        (said[0].line, f"the question is debconf's {QUESTION} (libmkl-rt's templates, default no): a terminal install asks "
                       "it; a Dockerfile's or a script's apt-get waits for an answer it never gets (mkl4deb#15)"),
        (f"answer it before the install: echo 'libmkl-rt {QUESTION} boolean true' | debconf-set-selections (false keeps "
         "the BLAS the system has), then DEBIAN_FRONTEND=noninteractive apt-get install -y intel-mkl",
         "change it later: update-alternatives --config libblas.so.3-x86_64-linux-gnu (and liblapack.so.3-x86_64-linux-gnu)"),
        "debconf asks a package's questions during its install; without a terminal and without a preset answer, an "
        "interactive frontend waits.",
        (f"debconf-show libmkl-rt   # the answer recorded for {QUESTION}",),
    )]
