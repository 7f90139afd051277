"""apt's words for a package it does not know, in each language its catalogue has (apt 2.6.1's apt.mo files, Debian 12):
``E: 无法定位软件包 intel-oneapi-mkl-devel``, ``E: パッケージ intel-oneapi-mkl-devel が見つかりません``. The English
words are apt's msgid; ``%s`` is the package's name. A test holds these against the catalogues installed with apt
(tests/test_explain_apt_languages.py), and produces each with the real apt-get where its catalogue is there.
"""

from __future__ import annotations

RELEASE = "2.6.1"  # the release of apt-get's catalogues the tables were read from (its --version)

# "Unable to locate package %s"
UNABLE_TO_LOCATE = {
    'ar': 'تعذر العثور على الحزمة %s',
    'ast': "Nun pue alcontrase'l paquete %s",
    'bg': 'Пакетът %s не може да бъде намерен',
    'bs': 'Ne mogu pronaći paket %s',
    'ca': "No s'ha trobat el paquet %s",
    'cs': 'Nelze najít balík %s',
    'cy': "Ni ellir lleoli'r pecyn %s",
    'da': 'Kunne ikke lokalisere pakken %s',
    'de': 'Paket %s kann nicht gefunden werden.',
    'dz': '%sཐུམ་སྒྲིལ་འདི་ག་ཡོད་ཟཚོལ་མ་ཐོབ།',
    'el': 'Αδυναμία εντοπισμού του πακέτου %s',
    'es': 'No se ha podido localizar el paquete %s',
    'eu': 'Ezin da %s paketea lokalizatu',
    'fi': 'Pakettia %s ei löydy',
    'fr': 'Impossible de trouver le paquet %s',
    'gl': 'Non foi posíbel atopar o paquete %s',
    'hu': 'Ez a csomag nem található: %s',
    'it': 'Impossibile trovare il pacchetto %s',
    'ja': 'パッケージ %s が見つかりません',
    'km': 'មិន\u200bអាច\u200bកំណត់\u200bទីតាំង\u200bកញ្ចប់ %s បានឡើយ',
    'ko': '%s 패키지를 찾을 수 없습니다',
    'ku': 'Pakêt nehate dîtin %s',
    'lt': 'Nepavyko rasti paketo %s',
    'mr': 'पॅकेज %s शोधण्यास असमर्थ आहे',
    'nb': 'Klarer ikke å finne pakken %s',
    'ne': 'प्याकेज %s तोक्न असक्षम भयो',
    'nl': 'Kan pakket %s niet vinden',
    'nn': 'Finn ikkje pakken %s',
    'pl': 'Nie udało się odnaleźć pakietu %s',
    'pt': 'Não foi possível encontrar o pacote %s',
    'pt_BR': 'Impossível encontrar o pacote %s',
    'ro': 'Nu s-a putut localiza pachetul %s',
    'ru': 'Невозможно найти пакет %s',
    'sk': 'Nedá sa nájsť balík %s',
    'sl': 'Ni mogoče najti paketa %s',
    'sv': 'Kunde inte hitta paketet %s',
    'th': 'ไม่พบแพกเกจ %s',
    'tl': 'Hindi mahanap ang paketeng %s',
    'tr': '%s paketi bulunamadı',
    'uk': 'Не можу знайти пакунок %s',
    'vi': 'Không thể định vị gói %s',
    'zh_CN': '无法定位软件包 %s',
    'zh_TW': '找不到套件 %s',
}


# "Package '%s' has no installation candidate"
NO_CANDIDATE = {
    'ast': "El paquete '%s' nun tien candidatu pa instalación",
    'bg': 'Пакетът „%s“ няма кандидат за инсталиране',
    'ca': "El paquet «%s» no té candidat d'instal·lació",
    'cs': 'Balík „%s“ nemá kandidáta pro instalaci',
    'da': 'Pakken »%s« har ingen installationskandidat',
    'de': 'Für Paket »%s« existiert kein Installationskandidat.',
    'el': 'Το πακέτο %s δεν έχει υποψήφια εγκατάσταση',
    'es': 'El paquete «%s» no tiene un candidato para la instalación',
    'fr': "Le paquet «\xa0%s\xa0» n'a pas de version susceptible d'être installée",
    'gl': 'O paquete «%s» non ten unha instalación candidata',
    'hu': '„%s” csomagnak nincs telepítésre jelölt verziója',
    'it': 'Il pacchetto "%s" non ha candidati da installare',
    'ja': "パッケージ '%s' にはインストール候補がありません",
    'ko': "'%s' 패키지는 설치할 수 있는 후보가 없습니다",
    'nb': 'Pakken «%s» har ingen installasjonskandidat',
    'nl': "Pakket '%s' heeft geen kandidaat voor installatie",
    'pl': 'Pakiet %s nie ma kandydata do instalacji',
    'pt': "O pacote '%s' não tem candidato para instalação",
    'ru': 'Для пакета «%s» не найден кандидат на установку',
    'sk': 'Balík „%s“ nemá kandidáta na inštaláciu',
    'sl': "Paket '%s' nima namestitvenega kandidata",
    'sv': 'Paketet "%s" har ingen installationskandidat',
    'th': "แพกเกจ '%s' ไม่มีรุ่นที่จะใช้ติดตั้ง",
    'tr': "'%s' paketi için kurulum adayı yok",
    'uk': "Для пакунка '%s' не знайдено кандидатів на встановлення",
    'vi': 'Gói “%s” không có ứng cử cài đặt',
    'zh_CN': '软件包 %s 没有可安装候选',
    'zh_TW': '套件 %s 沒有可安裝的候選版本',
}


def needle(said: str) -> str:
    """The longest run of the words without the name: a line that holds it may be this message (German's is read by a
    signature of its own)."""
    return max((part.strip().replace("\u200b", "") for part in said.split("%s")), key=len)


# each language's words but German's, with their needles (the signatures' and the cheap anchors' of mkldoctor.explain)
WORDS = tuple(sorted({said for table in (UNABLE_TO_LOCATE, NO_CANDIDATE) for lang, said in table.items() if lang != "de"}))
NEEDLES = tuple(sorted({needle(said) for said in WORDS}))
