"""``cannot find -lm`` (or -lpthread, -ldl, -lc, -lrt): the C library's own files, not MKL's.

MKL's link lines end with ``-lpthread -lm -ldl``; a link with ``-static`` looks for ``libm.a`` and the rest, which many
systems do not install (Red Hat's glibc-static, Fedora's, a cluster's image): xtb's meson.build added ``-static`` for the
Intel compilers (grimme-lab/xtb#39, #40), and ``ld: cannot find -lm`` followed. Without ``-static`` the C library's
development files are missing. Either way no MKL install helps, and "install MKL" would be a fix that does not fix.
"""

from __future__ import annotations

import os
import re

from mkldoctor.explain.events import LinkCommand, MissingLibrary, Parsed
from mkldoctor.explain.wording import more, needed_by
from mkldoctor.findings import Finding
from mkldoctor.knowledge import recipes

LIBC = frozenset(("c", "m", "pthread", "dl", "rt", "util", "crypt", "resolv"))


def of(missing: list[MissingLibrary]) -> list[MissingLibrary]:
    return [e for e in missing if not e.path and e.name in LIBC]


def _static(events: Parsed) -> bool:
    return any("-static" in c.argv or any(lib.static for lib in c.libs if lib.name in LIBC) for c in events.of(LinkCommand))


def finding(missing: list[MissingLibrary], events: Parsed) -> Finding:
    names = list(dict.fromkeys(f"-l{e.name}" for e in missing))
    static = _static(events)
    files = more([f"lib{n[2:]}.{'a' if static else 'so'}" for n in names], 4)
    if static:
        title = f"cannot find {more(names, 4)}: the link is static (-static), and the C library's static archives ({files}) are not installed"
        fix = (f"install them: {recipes.dnf_install('glibc-static')} (Red Hat, Fedora, Rocky; Debian's and Ubuntu's libc6-dev "
               "has them)",
               "or link dynamically: drop -static from the link (a project's own option, e.g. meson -Dstatic=false; MKL's "
               "static archives link without it: -Wl,--start-group ${MKLROOT}/lib/libmkl_intel_lp64.a ... -Wl,--end-group "
               "-lpthread -lm -ldl)")
        why = ("-static makes every library of the line static, the C library's too; MKL's line ends with -lpthread -lm -ldl, "
               "whose .a files come with the C library's static package, not with MKL.")
    else:
        title = f"cannot find {more(names, 4)}: the C library's development files ({files}) are not installed"
        fix = (f"install them: {recipes.apt_install('libc6-dev')} (Debian, Ubuntu); {recipes.dnf_install('glibc-devel')} "
               "(Red Hat, Fedora)",)
        why = "The C library's linker files come with its development package; no MKL install provides them."
    evidence = [f"ld: cannot find {n}" for n in names[:4]]
    evidence.append(f"{more(names, 4)} {'is' if len(names) == 1 else 'are'} the C library's (glibc), which MKL's link line "
                    "names last: no MKL install provides it")
    return Finding("libc-library-not-found", "error", title, tuple(evidence), fix, why,
                   ("ls /usr/lib64/libm.a /usr/lib/x86_64-linux-gnu/libm.a 2>/dev/null   # the static archive, where it is",))


def too_old(symbols: list[str], by_symbol: dict) -> Finding:
    """A shared library's reference to a versioned name of glibc the link's C library lacks: ``libiomp5.so: undefined
    reference to `sched_getcpu@GLIBC_2.6'`` on CentOS 5's glibc 2.5 (oneDNN#312: MKL-ML's libiomp5 in a manylinux1 image):
    the library was built on a newer system than the one it is linked on; no MKL install changes the C library."""
    events = [e for s in symbols for e in by_symbol[s]]
    newest = max((e.version for e in events), key=lambda v: [int(n) for n in re.findall(r"\d+", v)])
    need = newest.removeprefix("GLIBC_")
    users = list(dict.fromkeys(os.path.basename(e.referenced_from or "") for e in events if e.referenced_from))
    iomp = any(u.startswith("libiomp5") for u in users)
    return Finding(
        "glibc-too-old", "error",
        f"{more(users, 2) or 'a library'} needs glibc {need} ({more([f'{e.symbol}@{e.version}' for e in events], 3)}), and the "
        f"C library this link reads is older: the library was built for a newer system", (
            *needed_by(symbols, by_symbol),
            f"a name with the version GLIBC_{need} is in glibc {need} and newer; the linker read a libc.so without it "
            "(CentOS 5 and manylinux1 images: glibc 2.5; CentOS 6: 2.12; CentOS 7 and manylinux2014: 2.17)"),
        (f"link on a system whose glibc is {need} or newer (a newer build image: manylinux2014 for glibc 2.17)",
         "or use a build of the library made for this glibc (an older release of it: its release notes say the oldest "
         "glibc it supports)",
         *(("or leave Intel's OpenMP runtime out: the compiler's own OpenMP with MKL's GNU threading layer "
            "(-lmkl_gnu_thread -lgomp), or MKL-DNN's -DMKLDNN_THREADING=OMP:COMP in place of MKL-ML's libiomp5 "
            "(oneDNN#312)",) if iomp else ())),
        "glibc versions its names; a library built against a newer glibc asks for versions an older one does not have, "
        "and the linker checks them against the C library of the system it runs on.",
        ("ldd --version | head -1   # the glibc of the system that links",),
    )
