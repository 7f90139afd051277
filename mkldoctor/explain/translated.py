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

# bash's "(core dumped)" after a signal's name, in every language its catalogue has (bash 5.2's, Debian 12): a test holds
# this against the catalogue installed with bash; the English one is the first
CORE_DUMPED = ("core dumped", "Speicherabzug geschrieben", "`core' generado", "bol uložený výpis pamäte", "core didump",
               "core dump creato", "core készült", "cuimhne dumpáilte", "geheugendump gemaakt", "imagem do núcleo gravada",
               "izpis jedra", "kjerne lagret i fil", "luotiin core-tiedosto", "minnesutskrift skapad", "nekropsio elŝutita",
               "núcleo despejado", "s'ha bolcat la memòria", "smed kerne", "snimka (core dump) memorije", "xuất ra core",
               "zrzut pamięci", "«core» xerado", "çekirdek döküldü", "збережено знімок", "образ памяти сброшен",
               "паметта е разтоварена", "језгрени избачај", "コアダンプ", "核心已傾印", "核心已转储", "코어 덤프됨")

# the location's colon may be a full-width one with no space after it (zh_CN: "main.c:(.text+0x5e)：对‘x’未定义的引用"),
# or follow a no-break space (fr: "main.c:(.text+0x5e)\xa0: référence indéfinie vers «\xa0x\xa0»")
_LD_LOCATION = re.compile(r"^(?P<where>\S[^;]{0,300}?:\(\.[\w.$-]{1,60}\+0x[0-9a-fA-F]{1,16}\))\s?[:：]?\s*"
                          r"(?P<msg>[^;\s][^;]{0,5000})$")
_LOCALE_QUOTED = re.compile(r"[`'‘«»„“「\"]\s?(?P<sym>[A-Za-z_.$][\w.$@]{0,300})\s?[`'’»«“”」\"]")
# a C++ name, demangled, in the locale's quotes (fr: "référence à « Tpetra::MultiVector<float, ...>::multiply(...) » non
# définie", Trilinos#13456): a namespace's "::" in it, any character but the quotes
_CXX_QUOTED = re.compile(r"(?:«\s?|[`‘„»「])(?P<sym>[A-Za-z_]\w*::[^«»‘’„“「」`']{1,4000}?)\s?"
                         r"[»’“«」']")
_ASCII_NAME = re.compile(r"(?<![\w.$@])[A-Za-z_.$][A-Za-z0-9_.$@]{0,300}(?![\w.$@])")
_HEAD = re.compile(r"\s?[:：]\s")  # the object's colon, before the words (ASCII, no-break space, full-width)
_DASH_L = re.compile(r"(?<![^\s„\"'‘“«»「])-l(?P<name>[\w.+-]{1,200})(?![\w.+/-])")  # sr: „-lfoo“
# the loader's English words after a library's path, or words about the file itself: a translated line is anything else
ENGLISH_LOADER_REASON = re.compile(r"(?i)\bELF|cannot|invalid|wrong|too short|no such|undefined symbol")
_NOT_THESE = re.compile(r"(?i)relocation|R_X86_|R_AARCH64|\bwarning\b|\.(?:so|a)\b|multiple definition|first defined here")


# a shared library's unresolved name (zh_CN: "lib/libmkl_sequential.so.2: 对'mkl_lapack_sgesvda_batch_kernel'未定义的引用",
# ABACUS's user guide): the library, then the locale's words, which are not English
_LD_LIBRARY = re.compile(r"^(?P<where>\S{1,400}\.so(?:\.\d+)*)\s?[:：]\s*(?P<msg>[^;\s][^;]{0,5000})$")


def read(text: str, prefixed: bool) -> tuple[str, str, str] | None:
    """``("undefined", name, where)``, ``("context", function, object)``, ``("missing", library, "")``, or None."""
    library = _LD_LIBRARY.match(text) if ".so" in text and not text.isascii() else None
    if library and not ENGLISH_LOADER_REASON.search(library["msg"]) and not _NOT_THESE.search(library["msg"]):
        name = _LOCALE_QUOTED.search(library["msg"]) or _CXX_QUOTED.search(library["msg"])
        if name and not (library["msg"][:name.start()].isascii() and library["msg"][name.end():].isascii()):  # the locale's words
            return "undefined", name.group("sym"), library["where"]
    location = _LD_LOCATION.match(text) if "(." in text and "+0x" in text else None
    if location and text.count("+0x") == 1 and not _NOT_THESE.search(location.group("msg")):
        name = _LOCALE_QUOTED.search(location.group("msg")) or _CXX_QUOTED.search(location.group("msg"))
        if name:
            return "undefined", name.group("sym"), location.group("where")
        words = _ASCII_NAME.findall(location.group("msg"))  # zh_TW quotes nothing: "未定義參考到 cblas_dgemm"
        if len(words) == 1:
            return "undefined", words[0], location.group("where")
    if prefixed and text.endswith((":", "：")) and "+0x" not in text:  # "/tmp/cc.o\xa0: dans la fonction «\xa0main\xa0»\xa0:"
        name = _LOCALE_QUOTED.search(text)
        parts = _HEAD.split(text, 1)
        head = parts[0].strip() if len(parts) == 2 else ""
        if name and head and not head.startswith("-"):
            return "context", name.group("sym"), head
    # (a line that also holds -L or -Wl, options is a whole flag string ld took for one file: joinedflags')
    if prefixed and "-l" in text and not _NOT_THESE.search(text) and not re.search(r"(?<!\S)-(?:L|Wl,)\S", text):
        names = _DASH_L.findall(text)
        if len(names) == 1:
            return "missing", names[0], ""
    return None
