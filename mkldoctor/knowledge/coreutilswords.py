"""coreutils' words for a file it cannot stat (cp's, mv's, install's ``cannot stat %s``), in each language of its catalogue
(coreutils 9.1's coreutils.mo files, Debian 12): ``cp: 对 '/opt/intel/oneapi/mkl/latest/lib/libmkl_rt.so.2' 调用 stat 失败``.
Read back into the English words (``cp: cannot stat '<file>'``), which the readers know. A test holds these against the
catalogues installed with coreutils, and produces each with the real cp where its catalogue is there.
"""

from __future__ import annotations

import re

from mkldoctor.knowledge.catalogues import literal

RELEASE = "9.1"  # the release of cp's catalogues the tables were read from (its --version)

CANNOT_STAT = {
    'af': 'kan nie stat %s uitvoer nie',
    'be': 'немагчыма зрабіць stat %s',
    'bg': 'не може да се получи информация със „stat“ за „%s“',
    'ca': 'ha fallat stat() sobre %s',
    'cs': 'nelze získat informace o\xa0%s',
    'da': 'kan ikke udføre stat() på %s',
    'de': 'der Aufruf von stat für %s ist nicht möglich',
    'eo': 'malsukcesis eltrovi statinformon pri %s',
    'es': "no se puede efectuar `stat' sobre %s",
    'et': 'stat %s ei õnnestu',
    'eu': "ezin da `stat' egin %s-(r)engan",
    'fi': 'tiedoston %s tilaa ei voi lukea',
    'fr': "impossible d'évaluer %s",
    'ga': "ní féidir %s a `stat'",
    'hr': 'nije moguće dobiti status za %s',
    'hu': 'stat %s sikertelen',
    'id': 'tidak dapat memperoleh statistik %s',
    'it': 'impossibile eseguire stat di %s',
    'ja': '%s を stat できません',
    'ko': '%s 상태 정보 확인 불가',
    'lg': 'stat eremedwa okuzuula ebikwata ku fayiro %s',
    'lt': 'nepavyksta patikrinti %s',
    'ms': 'tak dapat stat %s',
    'nb': 'klarte ikke å hente informasjon om %s',
    'nl': 'kan status van %s niet opvragen',
    'pl': 'nie można wykonać stat na %s',
    'pt': 'impossível obter informação para %s',
    'pt_BR': 'não foi possível obter estado de %s',
    'ro': 'nu se poate face stat %s',
    'ru': 'не удалось выполнить stat для %s',
    'sk': 'nie je možné stat() %s',
    'sl': 'statusa %s ni moč ugotoviti s stat',
    'sr': 'не могу да утврдим стање „%s“',
    'sv': 'kan inte ta status på %s',
    'tr': '%s durumlanamadı',
    'uk': 'не вдалося виконати stat для %s',
    'vi': 'không thể stat %s',
    'zh_CN': '对 %s 调用 stat 失败',
    'zh_TW': '無法取得 %s 的資訊',
}

_TOOLS = re.compile(r"^\s*(?P<tool>cp|mv|install|ln|strip|chmod|cat|ls): ")
_WORDS = sorted(set(CANNOT_STAT.values()), key=len, reverse=True)  # the longest first: one language's may start another's
_PATTERNS = tuple(re.compile(literal(head) + r"(?P<file>.+?)" + literal(tail) + r"(?=\s?:)")
                  for head, _, tail in (said.partition("%s") for said in _WORDS))


def in_english(line: str) -> str:
    """A line of cp's (mv's, install's) with its words for a file it cannot stat in English; any other line as it is."""
    tool = _TOOLS.match(line)
    if tool is None or line[tool.end():].startswith("cannot stat"):
        return line
    rest = line[tool.end():]
    for pattern in _PATTERNS:
        said = pattern.match(rest)
        if said:
            return f"{tool['tool']}: cannot stat {said['file']}{rest[said.end():]}"
    return line
