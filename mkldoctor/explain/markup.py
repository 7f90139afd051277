"""What a page's markup leaves inside a pasted log line, taken off (:mod:`lines` takes off what wraps a whole line):

* a reporter's bold around words of an error (``cpu.cc:836:62: **error: ...**``) or one word, or a bold that opens on one line and
  closes on another (llama.cpp#6439's ``**/usr/bin/ld: ...`` then ``...)**``);
* a Markdown link a page made of a name or a line number (auto-sklearn#1418's ``undefined symbol: [omp_get_num_procs](url)``,
  IPython's ``[44](file:///...?line=43)``): its text;
* HTML entities of a page's source (``&lt;ipython-input&gt;``, ``&#39;``);
* ld's backquote paired with a page's (textnet#7: ``undefined reference to` `mkl_x'``);
* the full-width colon of a Chinese page's text (``Intel MKL ERROR：Parameter 6``);
* Markdown's escapes of a page converted to Markdown (``mkl\\_intel\\_lp64``), where the line has no other backslash.
"""

from __future__ import annotations

import html
import re

# a line holding none of these has no markup unmarked takes off (lines asks before calling it, on every line)
MARKED = re.compile(r"\*\*|\]\(|&|：|` `|\\[*_]")
_BOLD_WORDS = re.compile(r"(?<!\*)\*\*(?=\S)((?:[^*]|\*(?!\*)){0,2000}?\b(?:error|warning|undefined|cannot|fatal|Error|ERROR|FATAL)\b"
                         r"(?:[^*]|\*(?!\*)){0,2000}?)(?<=\S)\*\*(?!\*)")  # pointer types' single * may be inside
_BOLD_WORD = re.compile(r"(?<![*\w])\*\*([^*\s]{1,400})\*\*(?![*\w])")  # **AUX6-NOTFOUND;AUX5-NOTFOUND** (one word)
_ENTITY = re.compile(r"&(?:#\d{2,5}|#x[0-9a-fA-F]{2,4}|lt|gt|amp|quot|apos|nbsp);")
# Markdown's escapes of a page converted to Markdown (mkl\_intel\_lp64, \<module\>, a Windows path's C:\\Intel): taken off
# where every backslash of the line is one; a line with another backslash (a path as typed: C:\Intel\_deps) keeps them all
_ESCAPE = re.compile(r"\\([\\_*\[\]<>#`])")
_LINK = re.compile(r"\[(?P<text>[^\[\]\s]{1,300})\]\((?:url|[a-z][a-z+]{1,10}:[^()\s]{0,600})\)")


def unmarked(line: str) -> tuple[str, bool]:
    """``line`` without the markup inside it, and whether HTML entities were taken off (the line's width then is no
    terminal's)."""
    if "**" in line:
        line = _BOLD_WORDS.sub(r"\1", _BOLD_WORD.sub(r"\1", line))
        if line.count("**") == 1:  # a bold that opens or closes on another line
            if line.startswith("**") and not line.startswith("***"):
                line = line[2:]
            elif line.endswith("**") and not line.endswith("***"):
                line = line[:-2]
    if "\\_" in line and "\\" not in _ESCAPE.sub("", line):
        line = _ESCAPE.sub(r"\1", line)
    if "\\*" in line:  # Markdown's escaped star ("\\* Error in `./test.out': free(): invalid pointer", mlpack#774)
        line = line.replace("\\*", "*")
    if "to` `" in line:  # each line of ld's wrapped in backquotes, which took ld's own: "undefined reference to` `mkl_x'"
        line = line.replace("to` `", "to `")
    if "](" in line:
        line = _LINK.sub(r"\g<text>", line)
    if "：" in line:
        line = line.replace("：", ": ")
    if "&" in line and _ENTITY.search(line):
        return html.unescape(line), True
    return line, False
