"""``cannot find -lm`` (or -lpthread, -ldl, -lc, -lrt): the C library's own files, not MKL's.

MKL's link lines end with ``-lpthread -lm -ldl``; a link with ``-static`` looks for ``libm.a`` and the rest, which many
systems do not install (Red Hat's glibc-static, Fedora's, a cluster's image): xtb's meson.build added ``-static`` for the
Intel compilers (grimme-lab/xtb#39, #40), and ``ld: cannot find -lm`` followed. Without ``-static`` the C library's
development files are missing. Either way no MKL install helps, and "install MKL" would be a fix that does not fix.
"""

from __future__ import annotations

from mkldoctor.explain.events import LinkCommand, MissingLibrary, Parsed
from mkldoctor.explain.wording import more
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
