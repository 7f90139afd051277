"""Text from the input printed inert: a terminal never acts on a name, a path, a symbol or a log line.

A folder named ``mkl/<ESC>]0;PWNED<BEL><ESC>[2J2099.1`` printed raw sets the terminal's title
and clears its screen; a right-to-left override (U+202E) makes ``libmkl_rt.so`` read as
something else. Every renderer passes untrusted text through :func:`inert` (or writes through
:class:`InertWriter`), which spells such characters out the way Python writes them in a string:

- C0 controls (ESC, BEL, CR, NUL, ...), DEL and the C1 controls 0x80-0x9f: ``\\x1b``, ``\\x07``, ``\\x9b``;
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) and the
  line and paragraph separators U+2028/U+2029, and U+FFFE/U+FFFF, which XML forbids: ``\\u202e``;
- lone surrogates, which is how Python holds a file name's bytes that are not UTF-8: ``\\xff``
  (the byte itself; writing the surrogate would raise UnicodeEncodeError instead).

A tab is kept: it moves the cursor and changes no terminal state (``symbols``' nm lines are
tab-separated). A newline is escaped inside one value (a name stays on its line) and kept by
:class:`InertWriter`, which writes whole rendered lines. A backslash is not doubled: names
with a literal ``\\x1b`` in them are as rare as they are harmless, and Windows paths in logs stay readable.
JSON needs none of this: ``json.dump`` writes every such character as ``\\uXXXX``.
"""

from __future__ import annotations

import re
from typing import TextIO

_SPECIAL = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f{_SPECIAL}]")
_UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_SPECIAL}]")  # newlines kept


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """``text`` with every character that a terminal acts on spelled out (see the module's docstring)."""
    if text.isprintable():  # the common case, in C: no control, format or separator character at all
        return text
    return _UNSAFE.sub(_spelled, text)


_SAFE_ASCII = bytes(b for b in range(128) if b in (9, 10) or 32 <= b < 127)


def inert_lines(text: str) -> str:
    """:func:`inert` that keeps newlines: for text already laid out in lines."""
    if text.isascii() and not text.encode("ascii").translate(None, _SAFE_ASCII):
        return text  # the common case, in C and about five times faster than the pattern: nothing to spell
    return _UNSAFE_IN_LINES.sub(_spelled, text)


class InertWriter:
    """A text stream that writes everything through :func:`inert_lines`; the rest is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(inert_lines(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def inert_stream(stream: TextIO) -> TextIO:
    """``stream`` wrapped in an :class:`InertWriter` (once)."""
    return stream if isinstance(stream, InertWriter) else InertWriter(stream)  # type: ignore[return-value]
