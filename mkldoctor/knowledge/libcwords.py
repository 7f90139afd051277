"""The C library's words for a file that is not there (strerror(ENOENT), "No such file or directory") in each language of
its catalogue (glibc 2.36's libc.mo files, Debian 12): a compiler's ``fatal error: mkl.h: 没有那个文件或目录``, a
tool's ``cp: ...: Datei oder Verzeichnis nicht gefunden``. A test holds these against the catalogues installed with the
C library, and produces each with the real gcc where its catalogue is there.
"""

from __future__ import annotations

RELEASE = "2.36"  # the release of ldd's catalogues the tables were read from (its --version)

NO_SUCH_FILE = {
    'be': 'Няма такога файла ці каталога',
    'bg': 'Няма такъв файл или директория',
    'ca': 'El fitxer o directori no existeix',
    'cs': 'Adresář nebo soubor neexistuje',
    'da': 'Ingen sådan fil eller filkatalog',
    'de': 'Datei oder Verzeichnis nicht gefunden',
    'el': 'Δεν υπάρχει τέτοιο αρχείο ή κατάλογος',
    'eo': 'Dosiero aŭ dosierujo ne ekzistas',
    'es': 'No existe el fichero o el directorio',
    'fi': 'Tiedostoa tai hakemistoa ei ole',
    'fr': 'Aucun fichier ou dossier de ce type',
    'gl': 'Non hai tal ficheiro ou directorio',
    'hr': 'Nema takve datoteke ili direktorija',
    'hu': 'Nincs ilyen fájl vagy könyvtár',
    'ia': 'Necun tal file o directorio',
    'id': 'Tidak ada berkas atau direktori seperti itu',
    'it': 'File o directory non esistente',
    'ja': 'そのようなファイルやディレクトリはありません',
    'ko': '그런 파일이나 디렉터리가 없습니다',
    'lt': 'Toks failas ar aplankas neegzistuoja',
    'nb': 'Ingen slik fil eller filkatalog',
    'nl': 'Bestand of map bestaat niet',
    'pl': 'Nie ma takiego pliku ani katalogu',
    'pt': 'Ficheiro ou pasta inexistente',
    'pt_BR': 'Arquivo ou diretório inexistente',
    'ru': 'Нет такого файла или каталога',
    'sk': 'Adresár alebo súbor neexistuje',
    'sl': 'Datoteka ali imenik s tem imenom ne obstaja',
    'sr': 'Нема такве датотеке или директоријума',
    'sv': 'Filen eller katalogen finns inte',
    'tr': 'Böyle bir dosya ya da dizin yok',
    'uk': 'Немає такого файла або каталогу',
    'vi': 'Không có tập tin hoặc thư mục như vậy',
    'zh_CN': '没有那个文件或目录',
    'zh_TW': '沒有此一檔案或目錄',
}
ENGLISH = "No such file or directory"
ENDINGS = tuple(sorted(set(NO_SUCH_FILE.values())))


def in_english(line: str) -> str:
    """The line with the C library's words for a missing file, at its end, in English (the words the readers know)."""
    if line.endswith(ENDINGS):
        said = next(words for words in ENDINGS if line.endswith(words))
        return line[: len(line) - len(said)] + ENGLISH
    return line
