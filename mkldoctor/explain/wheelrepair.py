"""auditwheel, repairing a wheel whose extension links MKL: ``ValueError: Cannot repair wheel, because required library
"libmkl_rt.so.2" could not be located``.

auditwheel grafts a wheel's external libraries into it, finding each where the loader would: the extension's RPATH,
LD_LIBRARY_PATH, the loader's cache. An MKL installed by pip or conda is in the build environment's lib folder, which
none of them names, so the repair stops. Grafting MKL is rarely what a package wants: auditwheel reads DT_NEEDED only,
and MKL opens its layers and CPU kernels itself at run time (libmkl_rt loads libmkl_core, libmkl_avx2...), which the
repaired wheel would not carry; packages that use MKL depend on the mkl wheel instead and exclude it from the repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout


@dataclass(frozen=True, slots=True)
class RepairLibraryMissing:
    library: str
    line: str


SIGNATURES = (
    Signature("auditwheel-library-not-located", "wheelrepair", "annot repair wheel",
              re.compile(r"Cannot repair wheel, because required library \"(?P<lib>[^\"]{1,200})\" could not be located"),
              lambda m, _: RepairLibraryMissing(m["lib"], m.string.strip()[:300])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(RepairLibraryMissing)
    if not said:
        return []
    first = said[0]
    mkl = layout.get(first.library) is not None
    evidence = [first.line, "auditwheel looks for a wheel's external libraries where the loader would (the extension's "
                "RPATH, LD_LIBRARY_PATH, the loader's cache), not in the environment a pip or conda package installed them in"]
    fix = [f"give auditwheel the folder: LD_LIBRARY_PATH=<the folder of {first.library}> auditwheel repair <wheel>"]
    if mkl:
        evidence.append(f"{first.library} is MKL's: grafted, the wheel carries it but not the layers and CPU kernels MKL opens "
                        "itself at run time (auditwheel reads DT_NEEDED only), and fails with MKL's 'Cannot load' there")
        fix = [f"keep MKL out of the wheel: auditwheel repair --exclude {first.library} <wheel> (auditwheel 5.2, 2022, and "
               "later), with the mkl package among the project's dependencies and an RPATH from the extension to the "
               "environment's lib folder, where the mkl wheel puts its libraries (-Wl,-rpath,'$ORIGIN/<the way up to lib>')",
               f"or {fix[0]} (it grafts {first.library} without the libraries MKL opens at run time)",
               "a wheel that must stand alone: link MKL's static libraries into the extension, which carry every CPU path "
               "(mkldoctor link --link static)"]
    return [Finding(
        "wheel-repair-library-not-found", "error",
        f"auditwheel cannot find {first.library}, which the wheel's extension needs: it is not where the loader would look",
        tuple(evidence), tuple(fix),
        "auditwheel repair copies a wheel's external libraries into it and rewrites the extension's RPATH; it finds them "
        "the way the loader does, so a library that only the build environment's own folder holds is not found.",
        ("auditwheel show <wheel>   # the libraries the extension needs, and which it found",),
    )]
