"""GNU ld's messages in another language, read by their shape (the words are translated, the shape is kept).

An undefined reference is a location of code (``main.c:(.text+0x5e):``) and one name in the locale's quotes
(```x'``, ``‘x’``, ``« x »``, ``»x«``, ``„x“``, ``「x」``): ``nicht definierter Verweis auf `cblas_dgemm'``,
``对‘cblas_dgemm’未定义的引用``; a line with two locations or a ``;`` is another message (a multiple definition and where
it was first defined). "In function" is the linker's prefix, an object, and the name ending the line with a colon
(``in Funktion »main«:``, ``在函数‘main’中：``). A missing library is the linker's prefix and one ``-lNAME`` (``kann
-lmkl_rt nicht finden``, ``找不到 -lmkl_rt``). :mod:`mkldoctor.explain.logparse` reads the English ones first.
"""

from __future__ import annotations

import re

_LD_LOCATION = re.compile(r"^(?P<where>\S[^;]{0,300}?:\(\.[\w.$-]{1,60}\+0x[0-9a-fA-F]{1,16}\)):?\s+(?P<msg>[^;]{1,600})$")
_LOCALE_QUOTED = re.compile(r"[`'‘«»„“「\"] ?(?P<sym>[A-Za-z_.$][\w.$@]{0,300}) ?[`'’»«“”」\"]")
_DASH_L = re.compile(r"(?<!\S)-l(?P<name>[\w.+-]{1,200})(?![\w.+/-])")
_NOT_THESE = re.compile(r"(?i)relocation|R_X86_|R_AARCH64|\bwarning\b|\.(?:so|a)\b")


def read(text: str, prefixed: bool) -> tuple[str, str, str] | None:
    """``("undefined", name, where)``, ``("context", function, object)``, ``("missing", library, "")``, or None."""
    location = _LD_LOCATION.match(text) if "(." in text and "+0x" in text else None
    if location and text.count("+0x") == 1 and not _NOT_THESE.search(location.group("msg")):
        name = _LOCALE_QUOTED.search(location.group("msg"))
        if name:
            return "undefined", name.group("sym"), location.group("where")
    if prefixed and text.endswith((":", "：")) and "+0x" not in text:
        name = _LOCALE_QUOTED.search(text)
        head = text.split(": ", 1)[0] if ": " in text else ""
        if name and head and not head.startswith("-"):
            return "context", name.group("sym"), head
    if prefixed and "-l" in text and not _NOT_THESE.search(text):
        names = _DASH_L.findall(text)
        if len(names) == 1:
            return "missing", names[0], ""
    return None
