"""EasyBuild's own check of imkl's FFTW interface libraries: ``WARNING: Not all FFTW interface libraries ['fftw3xc_intel',
'mkl_intel_lp64', ...] are found in ['$EBROOTIMKL/mkl/lib/intel64', ...], can't set $FFT_LIB.``

In an extended dry run (``eb ... -x``) a toolchain module that is not installed is only simulated (``module load ...
[SIMULATED]``) and its ``$EBROOT*`` variable holds its own name as a dummy value, so every file check under it fails;
EasyBuild's documentation (its "Extended dry run" page) says so and reports such errors as warnings: the warning is the dry
run's, not imkl's. In a real run the folders are real, and the libraries are not in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class FftwLibsMissing:
    folders: str  # the list EasyBuild printed
    line: str


SIGNATURES = (
    Signature("easybuild-fftw-interface-libraries", "easybuild", "FFTW interface libraries",
              re.compile(r"Not all FFTW interface libraries \[[^\]]{0,400}\] are found in \[(?P<folders>[^\]]{0,600})\]"),
              lambda m, _: FftwLibsMissing(m["folders"], m.string.strip().strip("!").strip()[:400])),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(FftwLibsMissing)[:1]
    if not said:
        return []
    e = said[0]
    where = ctx.located([e], "EasyBuild's FFTW check")
    if "$EBROOT" in e.folders:  # a dummy prefix: the module was simulated (an extended dry run)
        return [Finding(
            "easybuild-dry-run-artefact", "info",
            "EasyBuild's extended dry run: imkl's module was only simulated, so its FFTW interface libraries were looked "
            "for under a dummy $EBROOTIMKL",
            (e.line, "the folders it searched start with a literal $EBROOT...: in a dry run (eb -x) a module that is not "
                     "installed is loaded as [SIMULATED] and its $EBROOT* holds its own name; file checks there always fail "
                     "(EasyBuild's documentation, \"Extended dry run\")"),
            ("nothing to fix in MKL: the real build (eb without -x, its toolchain installed first: --robot) sets $FFT_LIB",),
            "EasyBuild reports a dry run's failed checks as warnings, because the dry run itself may cause them.",
            locations=where)]
    return [Finding(
        "easybuild-fftw-interfaces-missing", "warning",
        "EasyBuild did not find imkl's FFTW interface libraries: $FFT_LIB is not set, and a build that uses it gets no FFTW",
        (e.line, f"it looked in: {e.folders[:300]}"),
        ("look in those folders for libfftw3xc_intel.a and MKL's layers (ls <folder>): the imkl installation the module "
         "points at lacks them, or keeps them in another folder (oneAPI's imkl: mkl/<version>/lib/intel64 or lib)",
         "rebuild the imkl module with EasyBuild (eb imkl-<version>.eb --rebuild): its easyblock builds the FFTW interfaces "
         "into the installation"),
        "EasyBuild sets $FFT_LIB from imkl's FFTW interface libraries (libfftw3xc_intel and MKL's layers) in the folders "
        "of the imkl module; where any is missing it leaves $FFT_LIB unset and says so.",
        locations=where)]
