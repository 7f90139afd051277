"""make's words for a target it has no rule for, in each language of its catalogue (GNU make 4.3's make.mo files, Debian
12): ``make: *** 没有规则可制作目标“/opt/intel/mkl/lib/intel64/libmkl_core.a”，由“app” 需求。 停止。``. Read back into
make's English words (``*** No rule to make target '<target>', needed by '<parent>'``), which the readers know. A test holds
these against the catalogues installed with make, and produces each with the real make where its catalogue is there.
"""

from __future__ import annotations

import re

from mkldoctor.knowledge.catalogues import literal

RELEASE = "4.3"  # the release of make's catalogues the tables were read from (its --version)

# "%sNo rule to make target '%s'%s": the mark before it ("*** "), the target, what follows (".  Stop." in the language)
NO_RULE = {
    'bg': '%sНяма правило за изграждане на целта „%s“%s',
    'cs': '%sŽádné pravidlo jak vyrobit cíl „%s“%s',
    'da': '%sIngen regel til at skabe målet "%s"%s',
    'de': '%sKeine Regel, um „%s“ zu erstellen%s',
    'es': "%sNo hay ninguna regla para construir el objetivo '%s'%s",
    'fr': '%sAucune règle pour fabriquer la cible «\xa0%s\xa0»%s',
    'ga': "%sNíl aon riail chun sprioc '%s' a dhéanamh%s",
    'hr': '%sNema pravila za izradu cilja „%s“%s',
    'id': "%sTidak terdapat aturan untuk membuat target '%s'%s",
    'it': "%s Nessuna regola per generare l'obiettivo «%s»%s",
    'ja': "%sターゲット '%s' を make するルールがありません%s",
    'ko': "%s타겟 '%s'을(를) 만들 규칙이 없습니다%s",
    'nl': "%sEr is geen regel om doel '%s' te maken%s",
    'pl': "%sBrak reguł do wykonania obiektu '%s'%s",
    'pt': '%sSem regra para fazer o alvo "%s"%s',
    'pt_BR': "%sSem regra para processar o alvo '%s'%s ",
    'ru': '%sНет правила для сборки цели «%s»%s',
    'sr': '%sНема правила за одрађивање мете „%s“%s',
    'sv': '%sIngen regel för att skapa målet ”%s”%s',
    'uk': '%sНема правила для створення цілі "%s"%s',
    'vi': '%sKhông có quy tắc để tạo đích “%s”%s',
    'zh_CN': '%s没有规则可制作目标“%s”%s',
    'zh_TW': '%s沒有規則可製作目標「%s」%s',
}
# "%sNo rule to make target '%s', needed by '%s'%s": the same with the target that needs it
NO_RULE_NEEDED_BY = {
    'bg': '%sНяма правило за изграждане на целта „%s“, която е необходима на „%s“%s',
    'cs': '%sŽádné pravidlo jak vyrobit cíl „%s“ potřebný pro „%s“%s',
    'da': '%sIngen regel til at skabe målet "%s" som behøves af "%s"%s',
    'de': '%sKeine Regel vorhanden, um das Ziel „%s“, \n  benötigt von „%s“, zu erstellen%s',
    'es': "%sNo hay ninguna regla para construir el objetivo '%s', necesario para '%s'%s",
    'fr': '%s Aucune règle pour fabriquer la cible «\xa0%s\xa0», nécessaire pour «\xa0%s\xa0»%s',
    'ga': "%sNíl aon riail chun sprioc '%s' a dhéanamh, rud a theastaíonn '%s'%s",
    'hr': '%sNema pravila za izradu cilja „%s“ koji je potrebni za „%s“%s',
    'id': "%sTidak terdapat aturan untuk membuat target '%s', dibutuhkan oleh '%s'%s",
    'it': "%s Nessuna regola per generare l'obiettivo «%s», necessario per «%s»%s",
    'ja': "%1$s'%3$s' に必要なターゲット '%2$s' を make するルールがありません%4$s",
    'ko': "%1$s'%3$s'에서 필요한 '%2$s' 타겟을 만들 규칙이 없습니다%4$s",
    'nl': "%sEr is geen regel om doel '%s' te maken, nodig voor '%s'%s",
    'pl': "%sBrak reguł do zrobienia obiektu '%s', wymaganego przez '%s'%s",
    'pt': '%sSem regra para fazer o alvo "%s", necessária a "%s"%s',
    'pt_BR': "%sSem regra para processar o alvo '%s', necessário por '%s'%s ",
    'ru': '%sНет правила для сборки цели «%s», требуемой для «%s»%s',
    'sr': '%sНема правила за одрађивање мете „%s“, треба га „%s“%s',
    'sv': '%sIngen regel för att skapa målet ”%s”, som behövs av ”%s”%s',
    'uk': '%sНема правила для створення цілі "%s", необхідної для "%s"%s',
    'vi': '%sKhông có quy tắc để tạo đích “%s”, cần bởi “%s”%s',
    'zh_CN': '%s没有规则可制作目标“%s”，由“%s”%s 需求',
    'zh_TW': '%s沒有規則可製作目標「%s」，由「%s」%s 需求',
}


def _pattern(said: str, names: tuple[str, ...]) -> re.Pattern[str]:
    """The words with each %s (or %N$s, a translation's own order) as the group of its place in the English."""
    parts, place = [], 0
    for piece in re.split(r"(%(?:\d+\$)?s)", said):
        if piece.startswith("%") and piece.endswith("s") and len(piece) <= 4:
            place = int(piece[1:-2]) if "$" in piece else place + 1
            name = names[place - 1]
            parts.append(f"(?P<{name}>.*?)")
        else:
            parts.append(literal(piece))
    return re.compile("".join(parts))


_PATTERNS = (*(_pattern(said, ("mark", "target", "parent", "tail")) for _, said in sorted(NO_RULE_NEEDED_BY.items())),
             *(_pattern(said, ("mark", "target", "tail")) for _, said in sorted(NO_RULE.items())))


# German's message breaks its own line after the target: its first line, which waits for the next one to be read
_BROKEN = tuple(re.compile(_pattern(said.split("\n")[0].rstrip(), ("mark", "target")).pattern + r"\s*$")
                for said in NO_RULE_NEEDED_BY.values() if "\n" in said)


def broken(line: str) -> bool:
    """Whether the line is the first of make's message that its language breaks in two (German's), the rest to come."""
    head, star, rest = line.partition("*** ")
    return bool(star) and any(pattern.match("*** " + rest) for pattern in _BROKEN)


def in_english(line: str) -> str:
    """make's line about a target without a rule, in English; any other line as it is. Only a line of make's own (its
    name, then "*** ") is tried."""
    head, star, rest = line.partition("*** ")
    if not star or not re.match(r"\s*g?make(?:\[\d+\])?: $", head) or rest.startswith("No rule"):
        return line
    for pattern in _PATTERNS:
        said = pattern.match("*** " + rest)
        if said:
            parent = said.groupdict().get("parent")
            needed = f", needed by '{parent}'" if parent is not None else ""
            return f"{head}*** No rule to make target '{said['target']}'{needed}.  Stop."
    return line
