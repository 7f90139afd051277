"""MKL's random number generators (VSL) stopping with a status a binding reports as a number: Neanderthal's
``MKL error.`` over ``{:error-code -1140}`` (uncomplicate/deep-diamond#15), a program's own ``vslNewStream returned
-1130``. The numbers are mkl_vsl_defines.h's (a test holds this table against the header of the MKL the tests install);
those read here are the ones that say the CPU or the MKL cannot run the generator asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

_CPU = "grep -o -w -E 'aes|rdrand|rdseed' /proc/cpuinfo | sort -u   # the instructions this CPU reports"
_OTHER = ("choose another basic generator where the program creates its stream (vslNewStream's brng): Philox4x32-10 "
          "(VSL_BRNG_PHILOX4X32X10), MT19937 or MRG32k3a run on any CPU MKL supports; a library's default generator is set "
          "where it makes its random state")
# status: (its name in mkl_vsl_defines.h, what it says, the fixes)
STATUSES = {
    -6: ("VSL_ERROR_CPU_NOT_SUPPORTED", "MKL's statistics functions do not support this CPU",
         ("run on a CPU that MKL supports (an x86-64 CPU with SSE4.2 or newer for current releases), or an older MKL",)),
    -1014: ("VSL_RNG_ERROR_BRNG_NOT_SUPPORTED", "the basic generator asked for is not one this MKL can run",
            (_OTHER, "or the MKL release that introduced that generator (a newer one), where the program was written for it")),
    -1130: ("VSL_RNG_ERROR_NONDETERM_NOT_SUPPORTED",
            "the non-deterministic generator (VSL_BRNG_NONDETERM) reads the CPU's RDRAND or RDSEED, which this CPU (or the "
            "virtual machine it runs in) does not offer", (_OTHER + "; seed it from the operating system",)),
    -1131: ("VSL_RNG_ERROR_NONDETERM_NRETRIES_EXCEEDED",
            "RDRAND returned no number within the retries the stream was made with",
            ("make the stream with more retries (vslNewStreamEx with a larger nretries), or another generator",)),
    -1140: ("VSL_RNG_ERROR_ARS5_NOT_SUPPORTED",
            "the ARS-5 generator (VSL_BRNG_ARS5) runs on the CPU's AES-NI instructions, which this CPU (or the virtual "
            "machine it runs in, or a BIOS that turned them off) does not offer", (_OTHER,)),
}


@dataclass(frozen=True, slots=True)
class VslStatus:
    code: int
    line: str


def _event(m: re.Match, before) -> VslStatus | object:
    code = int(m["code"])
    if code not in STATUSES or not re.search(r"(?i)mkl|vsl", " ".join((*before[-3:], m.string))):
        return NOT_MINE  # another library's number
    return VslStatus(code, m.string.strip()[:300])


SIGNATURES = (
    Signature("mkl-vsl-status", "vslstatus", "rror",
              re.compile(r"(?i)\berror[-_ ]?code\W{0,4}(?P<code>-(?:6|1014|113[01]|1140))\b"), _event),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(VslStatus)
    if not said:
        return []
    first = said[0]
    name, meaning, fixes = STATUSES[first.code]
    return [Finding(
        "mkl-vsl-status", "error", f"MKL's random number generator stopped with status {first.code} ({name}): {meaning}",
        (first.line, f"{first.code} is {name} in MKL's mkl_vsl_defines.h: a status of the generator, not of the binding "
         "that reports it"),
        fixes,
        "MKL's random number streams run some basic generators on the CPU's own instructions (ARS-5 on AES-NI, the "
        "non-deterministic one on RDRAND); where the CPU does not offer them, creating the stream returns a status.",
        (_CPU,),
    )]
