"""Messages their writers wrapped: a line that ends mid-message, its rest indented on the next line.

MKL's ``Cannot load libmkl_avx512.so.2 or`` / ``  libmkl_def.so.2.``, the loader's ``cannot open shared object`` / ``  file:
No such file or directory``, MATLAB's ``BLAS loading error:`` with its reason below; and MSBuild's summary, which wraps an
MSVC error at the console's width inside a word and indents the rest (polatory#39: ``...: fatal error C1083: Cannot open
i`` / ``       nclude file: 'mkl.h': No such file or directory``): there the rest joins without a blank where MSVC's own
words run across the cut.
"""

from __future__ import annotations

import re

_ENDS = (" or", "cannot open shared object", " already", "Cannot load", "ERROR was detected:")
HEAD_ONLY = re.compile(r"^\s*[A-Za-z][\w.-]*(?: [\w.-]+){1,4} (?:error|ERROR|Error):\s*$")  # "BLAS loading error:", its reason
_MSVC_CODED = re.compile(r"\b(?:fatal )?error (?:C|LNK)\d{4}: ")
_MSVC_WHOLE = re.compile(r"(?:No such file or directory|referenced in function \S+|['\"]|\.)$")
_MSVC_WORDS = ("Cannot open include file", "cannot open input file", "cannot open file", "unresolved external symbol",
               "No such file or directory", "referenced in function", "already defined in")
_DRIVE_START = re.compile(r"^[A-Za-z]:[\\/]")


def hangs(line: str) -> bool:
    """Whether the line ends mid-message, so that an indented next line is its rest."""
    return ((line.endswith(_ENDS) and ("rror" in line or "RROR" in line))
            or (line.rstrip()[-1:] == ":" and "Error relocating " in line)  # musl's loader, the name on the next line
            or (line.rstrip()[-1:] == ":" and HEAD_ONLY.match(line) is not None)  # its colon first: a test every line pays
            or (line[-1:].isalnum() and _MSVC_CODED.search(line) is not None and not _MSVC_WHOLE.search(line)))


def joined(hanging: str, line: str) -> str | None:
    """The hanging line with its rest, or None where the next line is no rest of it."""
    rest = line.strip()
    if not rest or not (line[:1] in " \t" or HEAD_ONLY.match(hanging)):
        return None
    if hanging.endswith(_ENDS) or not hanging[-1:].isalnum() or not _MSVC_CODED.search(hanging):
        return hanging + " " + rest
    if not rest[:1].islower() or _DRIVE_START.match(rest) or _MSVC_CODED.search(rest):  # the summary's next entry
        return None
    tight = hanging + rest
    spaced = hanging + " " + rest
    return tight if any(word in tight and word not in spaced for word in _MSVC_WORDS) else spaced
