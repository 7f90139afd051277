"""A log in UTF-16 or UTF-32 (with its byte order mark) read as the UTF-8 lines the parser expects.

Windows PowerShell's ``>`` writes UTF-16LE with a BOM; read as bytes, every other byte of such a log is
NUL and no signature matches, so a log full of failures would be "clean". :func:`as_utf8` looks at the
first bytes: a UTF-32 or UTF-16 BOM makes the stream a decoder of it, a UTF-8 BOM is dropped, anything
else passes unchanged. Lines stay bounded: a decoded line is handed on in pieces of at most ``limit``.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

# UTF-32 first: its little-endian BOM begins with UTF-16LE's
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class _Replayed:
    """``stream`` with ``head`` (bytes already read from it) in front again."""

    def __init__(self, head: bytes, stream) -> None:
        self.head, self.stream = head, stream

    def readline(self, limit: int = -1) -> bytes:
        if self.head:
            line, self.head = self._split(self.head, limit)
            if line.endswith(b"\n") or (0 <= limit <= len(line)):
                return line
            return line + self.stream.readline(-1 if limit < 0 else limit - len(line))
        return self.stream.readline(limit)

    @staticmethod
    def _split(data: bytes, limit: int) -> tuple[bytes, bytes]:
        end = data.find(b"\n")
        cut = len(data) if end < 0 else end + 1
        if limit >= 0:
            cut = min(cut, limit)
        return data[:cut], data[cut:]


class _Transcoded:
    """UTF-8 lines of a UTF-16/UTF-32 stream, decoded incrementally (bad sequences replaced)."""

    def __init__(self, stream, encoding: str) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder(encoding)("replace")
        self.text = ""
        self.done = False

    def readline(self, limit: int = -1) -> bytes:
        while "\n" not in self.text and not self.done and (limit < 0 or len(self.text) < limit):
            chunk = self.stream.readline(1 << 16)
            self.text += self.decoder.decode(chunk, final=not chunk)
            self.done = not chunk
        end = self.text.find("\n")
        cut = len(self.text) if end < 0 else end + 1
        if limit >= 0:
            cut = min(cut, limit)
        line, self.text = self.text[:cut], self.text[cut:]
        return line.encode("utf-8", "surrogatepass")


def as_utf8(stream: BinaryIO, limit: int = 1 << 16):
    """``stream`` (anything with ``readline``) as UTF-8 lines, whatever Unicode encoding its BOM names."""
    start = stream.tell() if getattr(stream, "seekable", lambda: False)() else None
    head = stream.readline(limit)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return _Transcoded(_Replayed(head[len(bom):], stream), encoding)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    elif start is not None:  # a file: read on from where it began, no wrapper in the way of every line
        stream.seek(start)
        return stream
    return _Replayed(head, stream)
