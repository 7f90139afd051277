"""What a C or C++ project calls in MKL: read from its sources, as the Rust ``extern`` blocks are read.

A CMake or Make project that calls ``hgemm_`` needs an MKL that defines it, whichever copy
``find_package`` or the Makefile's ``-L`` takes. Calls are names followed by ``(`` in ``.c``/``.cc``/
``.cpp``/``.cxx`` files (comments and strings removed); a name counts when the symbol table knows it
as MKL's, or when it has MKL's shape (``cblas_*``, ``LAPACKE_*``, ``mkl_*``, VML's ``vsAdd``, Fortran
BLAS ``sgemm_``) in a file that includes an MKL header or declares the function itself.
"""

from __future__ import annotations

import os
import re

from mkldoctor.knowledge import history
from mkldoctor.diagnose.project import Needs
from mkldoctor.diagnose.tree import project_files
from mkldoctor.findings import Location, input_path

SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".C", ".cu")
MAX_FILES = 5000
_COMMENT_OR_STRING = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_CALL = re.compile(r"(?<![\w.>:])([A-Za-z_]\w*)\s*\(")
_SHAPE = re.compile(r"^(cblas_\w+|LAPACKE_\w+|mkl_[a-z]\w*|v[sdcz][A-Z]\w*|v[mM][sdcz][A-Z]\w*|"
                    r"[sdczh](?:gemm|gemv|symm|hemm|syrk|herk|syr2k|trmm|trsm|trmv|trsv|symv|hemv|ger|gerc|geru|axpy|dotc?u?|"
                    r"scal|copy|swap|nrm2|asum|rotg?|getr[fsi]|gesv|potr[fsi]|geqrf|gesv[dx]|gesdd|syevd?|heevd?|gels)\w*_)$")
_MKL_HEADER = re.compile(r'#\s*include\s*[<"](mkl[\w.]*|mkl/[\w./]+)[>"]')
_DECLARED = r"\b(?:extern\s+(?:\"C\"\s+)?)?void\s+{name}\s*\("
_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "defined"}
_TYPE_BEFORE = re.compile(r"\b(?:void|int|float|double|char|long|short|unsigned|size_t|MKL_INT|MKL_F16|lapack_int|"
                          r"static|inline|const)\s*\**\s*$")  # a declaration or definition, not a call


def is_project(top: str) -> bool:
    return any(os.path.isfile(os.path.join(top, n)) for n in ("CMakeLists.txt", "Makefile", "makefile", "GNUmakefile", "meson.build"))


def _column(raw: str, line: int, name: str) -> int | None:
    """Where the call starts on its line of the file as written (comments and strings were blanked out of
    ``text``, which moves columns but not lines)."""
    found = re.search(rf"(?<![\w]){re.escape(name)}\s*\(", raw.split("\n", line)[line - 1] if raw.count("\n") >= line - 1 else "")
    return found.start() + 1 if found else None


def read_c_sources(top: str, needs: Needs) -> None:
    """Add the MKL functions the project's C/C++ sources call to ``needs.symbols``, each with file:line."""
    if needs.cargo_config or not is_project(top):
        return
    for path in project_files(top, SUFFIXES, depth=6)[:MAX_FILES]:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                raw = handle.read(4 << 20)
        except OSError:
            continue
        includes_mkl = bool(_MKL_HEADER.search(raw))
        text = _COMMENT_OR_STRING.sub(lambda m: "\n" * m.group(0).count("\n"), raw)
        for match in _CALL.finditer(text):
            name = match.group(1)
            if name in _KEYWORDS or name in needs.symbols or _TYPE_BEFORE.search(text, max(0, match.start() - 40), match.start()):
                continue
            if history.known(name) or (_SHAPE.match(name) and (includes_mkl or re.search(_DECLARED.format(name=re.escape(name)), text))):
                line = text.count("\n", 0, match.start()) + 1
                needs.add_symbol(name, f"{os.path.relpath(path, top)}:{line} calls it",
                                 Location(input_path(path, top), line, f"calls {name}", _column(raw, line, name)))
