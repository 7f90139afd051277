"""GNU libtool's check of the libraries a shared library links: ``*** Warning: linker path does not have real file for
library -lmkl_rt.`` then ``libtool will only create a static version of it.``

libtool looks for ``lib<name>.so`` (or ``.a``, ``.dll.a``) in the -L folders itself before it links a shared library;
a name it finds no file for is dropped, and with ``-no-undefined`` (required on Windows) it builds only the static
library. On Windows MKL's import library is ``mkl_rt.lib``, without ``lib`` in front, which that check never sees
(JuliaLang/julia#21588: ARPACK against MKL); elsewhere the folder is not among the -L ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class LibtoolNoFile:
    library: str  # "mkl_rt", as -l named it


_STATIC_ONLY = re.compile(r"libtool will only create a static version of it")
SIGNATURES = (
    Signature("libtool-no-real-file", "libtool", "does not have real file",
              re.compile(r"linker path does not have real file for library -l(?P<lib>[\w.+-]+?)\.?\s*$"),
              lambda m, _: LibtoolNoFile(m.group("lib"))),
    Signature("libtool-static-only", "libtool", "static version of it",
              _STATIC_ONLY, lambda m, _: FollowOn(m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(LibtoolNoFile)
    if not said:
        return []
    name = said[0].library
    static_only = any(_STATIC_ONLY.search(e.line) for e in events.of(FollowOn))  # libtool's own line, kept as an echo
    mkl = name.startswith("mkl")
    evidence = [f"libtool found no lib{name}.so, lib{name}.a or lib{name}.dll.a in the -L folders and dropped -l{name}"
                + (": the shared library was not built, only the static one" if static_only else "")]
    if mkl:
        evidence.append(f"on Windows MKL's import library is {name}.lib (and {name}.N.dll), without 'lib' in front: libtool's "
                        "own check looks only for lib-prefixed files, so it never sees MKL there")
    fix = [f"Windows: hand MKL to the linker past libtool's check: -Wl,-l{name} (libtool does not inspect -Wl, options) with "
           f"-L<MKL's lib folder>, or the full path of {name}.lib" if mkl else
           f"give libtool the folder that holds lib{name}.so: -L<that folder> in LDFLAGS (or the package's --with-... option)",
           f"elsewhere: the folder that holds lib{name}.so among the -L folders (LDFLAGS=-L<that folder>), then configure again"]
    return [Finding(
        "libtool-dropped-library", "error" if static_only else "warning",
        f"libtool found no file for -l{name} and dropped it" + (", so it built no shared library" if static_only else ""),
        tuple(evidence), tuple(fix),
        "libtool checks each -l of a shared library against the files in the -L folders before linking; one it cannot "
        "match to a file is dropped, and a library that must have no undefined symbols is then built static only.",
        (f"ls <each -L folder>/*{name}*   # the files libtool could have matched",),
    )]
