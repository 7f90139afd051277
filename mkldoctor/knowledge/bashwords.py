"""bash's words for a command it cannot find and for the line it was on, in each language of its catalogue (bash 5.2's
bash.mo files, Debian 12): ``bash: Zeile 1: icx: Kommando nicht gefunden.``, ``bash: 第 1 行：icx: 未找到命令``. Read back
into bash's English words (``bash: line 1: icx: command not found``), which the readers know. A test holds these
against the catalogues installed with bash, and produces each with the real bash where its catalogue is there.
"""

from __future__ import annotations

import re

from mkldoctor.knowledge.catalogues import literal

RELEASE = "5.2.15"  # the release of bash's catalogues the tables were read from (its --version)

# "%s: command not found"
COMMAND_NOT_FOUND = {
    'af': '%s: bevel nie gevind nie',
    'bg': '%s: командата не е открита',
    'ca': "%s: no s'ha trobat l'ordre",
    'cs': '%s: příkaz nenalezen',
    'da': '%s: kommando ikke fundet',
    'de': '%s: Kommando nicht gefunden.',
    'el': '%s: εντολή δεν βρέθηκε',
    'eo': '%s: Komando ne trovita',
    'es': '%s: orden no encontrada',
    'et': '%s: käsku ei ole',
    'fi': '%s: komentoa ei löydy',
    'fr': '%s\xa0: commande introuvable',
    'ga': '%s: níor aimsíodh an t-ordú',
    'gl': '%s: non se atopou a orde',
    'hr': '%s: naredba nije pronađena',
    'hu': '%s: parancs nem található',
    'id': '%s: perintah tidak ditemukan',
    'it': '%s: comando non trovato',
    'ja': '%s: コマンドが見つかりません',
    'ko': '%s: 명령어를 찾을 수 없음',
    'lt': '%s: komanda nerasta',
    'nb': 'fant ikke kommando %s',
    'nl': '%s: opdracht niet gevonden',
    'pl': '%s: nie znaleziono polecenia',
    'pt': '%s: comando não encontrado',
    'pt_BR': '%s: comando não encontrado',
    'ro': '%s: comandă negăsită',
    'ru': '%s: команда не найдена',
    'sk': '%s: príkaz nenájdený',
    'sl': '%s: ukaza ni mogoče najti',
    'sr': '%s: нема такве наредбе',
    'sv': '%s: kommandot finns inte',
    'tr': '%s: komut yok',
    'uk': '%s: команду не знайдено',
    'vi': '%s: không tìm thấy lệnh',
    'zh_CN': '%s: 未找到命令',
    'zh_TW': '%s：指令找不到',
}
# " line ": bash's own place in a script or a -c string, between its name's colon and the number ("bash: line 1: ")
LINE = {
    'bg': ' ред ',
    'ca': ' línia ',
    'cs': ' řádek ',
    'da': ' linje ',
    'de': ' Zeile ',
    'el': ' γραμμή ',
    'eo': ' linio ',
    'es': ' línea ',
    'fi': ' rivi ',
    'fr': ' ligne ',
    'ga': ' líne ',
    'gl': ' liña ',
    'hr': ' redak ',
    'hu': ' sor: ',
    'id': ' baris ',
    'it': ' riga ',
    'ja': ' 行 ',
    'ko': ' 줄 ',
    'lt': ' eilutė ',
    'nb': ' linje ',
    'nl': ' regel ',
    'pl': ' linia ',
    'pt': ' linha ',
    'pt_BR': ' linha ',
    'ro': ' linie ',
    'ru': ' строка ',
    'sk': ' riadok ',
    'sl': ' vrstica ',
    'sr': ' ред ',
    'sv': ' rad ',
    'tr': ' satır ',
    'uk': ' рядок ',
    'vi': ' dòng ',
    'zh_CN': ' 行 ',
    'zh_TW': ' 列 ',
}


_NOT_FOUND = tuple(re.compile(literal(head) + r"(?P<cmd>[^\s:]{1,200})" + literal(tail.rstrip()) + r"\s*$")
                   for head, _, tail in (said.partition("%s") for said in sorted(set(COMMAND_NOT_FOUND.values()))))
# (a catalogue that left " line " in English: Afrikaans', Estonian's)
_LINE = tuple(re.compile(literal(said) + r"(?P<n>\d+): ") for said in sorted({*LINE.values(), " line "}, key=len, reverse=True))
_SHELL = re.compile(r"^\s*(?:\S*/)?(?:ba)?sh:")


def in_english(line: str) -> str:
    """A line of bash's own (its name first) with its words for a script's line and a command not found in English; any
    other line as it is."""
    shell = _SHELL.match(line)
    if shell is None or line.endswith("command not found"):
        return line
    head, rest = line[:shell.end()], line[shell.end():]
    for pattern in _LINE:
        said = pattern.match(rest)
        if said:
            head, rest = f"{head} line {said['n']}: ", rest[said.end():]
            break
    else:
        head, rest = head + " ", rest.lstrip()
    for pattern in _NOT_FOUND:
        said = pattern.match(rest)
        if said:
            return f"{head}{said['cmd']}: command not found"
    return line
