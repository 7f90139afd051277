"""A tool's translated words (mkldoctor.knowledge.aptwords, bashwords, coreutilswords, makewords) as a pattern."""

from __future__ import annotations

import re


def literal(words: str) -> str:
    """The words as a pattern that matches them as a log shows them: a no-break space may have been read as a space (the
    readers turn a page's typeset spaces into spaces), Khmer's zero-width spaces kept or dropped on the way, a line break
    the catalogue put in the message (German make's) any blanks."""
    return re.escape(words).replace("\xa0", r"\s").replace("\u200b", "\u200b?").replace("\\\n", r"\s*")
