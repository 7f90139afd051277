"""``Illegal instruction`` (``SIGILL``, zsh's ``illegal hardware instruction``): code for an instruction set the CPU
lacks, and the MKL settings the log shows before it (``MKL_CBWR``, ``MKL_ENABLE_INSTRUCTIONS``). Read with
:mod:`crash`'s signatures, its finding first among that module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding

# zsh's words (macOS), or its job's line ("[1]    1925 illegal hardware instruction  python", anaconda-issues#12144)
_ILLEGAL = re.compile(r"^(?:.*: )?Illegal instruction\b|\bSIGILL\b|"
                      r"^(?:zsh: |\[\d+\]\s+(?:[+-]\s+)?\d+\s+)illegal hardware instruction\b")


@dataclass(frozen=True, slots=True)
class IllegalInstruction:
    """``Illegal instruction``: code for an instruction set the CPU lacks; the MKL settings the log shows before it."""

    line: str
    settings: tuple[str, ...]  # "MKL_CBWR=AUTO", "MKL_ENABLE_INSTRUCTIONS=AVX512"


def _illegal(m: re.Match, before) -> IllegalInstruction:
    said = [s.group(0) for line in before for s in re.finditer(r"\b(?:MKL_CBWR|MKL_ENABLE_INSTRUCTIONS|MKL_DEBUG_CPU_TYPE)=\S+", line)]
    return IllegalInstruction(m.string.strip(), tuple(dict.fromkeys(said)))


SIGNATURES = (
    Signature("crash-illegal-instruction", "crash", "Illegal instruction", _ILLEGAL, _illegal),
    Signature("crash-sigill", "crash", "SIGILL", _ILLEGAL, _illegal),
    Signature("crash-zsh-illegal", "crash", "illegal hardware", _ILLEGAL, _illegal),
)


def diagnose(events: Parsed) -> list[Finding]:
    """The finding of the illegal instructions the log shows (one, whatever their number), or none."""
    said = events.of(IllegalInstruction)
    return [_illegal_finding(said)] if said else []


def _illegal_finding(said: list[IllegalInstruction]) -> Finding:
    settings = list(dict.fromkeys(s for e in said for s in e.settings))
    evidence = [said[0].line]
    fix = []
    if settings:
        evidence.append(f"the log sets {', '.join(settings)} before it: MKL then takes the code path that setting names (or, "
                        "for MKL_CBWR=AUTO, the one it picks for this CPU), and an older MKL on a CPU it does not know (a newer "
                        "AMD or Intel model) can pick instructions the CPU lacks")
        fix += [f"unset {settings[0].split('=')[0]}, or give it a path every x86-64 CPU has: MKL_CBWR=COMPATIBLE "
                "(reproducible results without CPU-specific code)",
                "or a newer MKL, which knows the CPU (conda install mkl=<newer>, pip install -U mkl)"]
    else:
        evidence.append("the log shows no MKL setting before it: the program or a library was built for a newer CPU than "
                        "this one (-march=native on another machine, an AVX-512 build), or an MKL setting forces one")
        fix += ["check what the process is told: env | grep -E 'MKL_(CBWR|ENABLE_INSTRUCTIONS|DEBUG_CPU_TYPE)'; unset them",
                "rebuild without -march=native (or for the oldest CPU it must run on)"]
    if said[0].line.startswith("zsh: illegal hardware"):  # macOS's shell: on Apple silicon, an x86-64 program under Rosetta 2
        evidence.append("zsh's words, macOS's shell: on a Mac with Apple silicon an x86-64 Python (or program) runs under "
                        "Rosetta 2, which does not emulate every x86-64 instruction set (no AVX before macOS 15, no AVX-512), and "
                        "x86-64 builds that take those paths (MKL's, numpy's) stop")
        fix.insert(0, "on Apple silicon: an arm64 environment (python3 -c 'import platform; print(platform.machine())' says "
                      "arm64), whose numpy uses Accelerate or OpenBLAS: MKL has no arm64 build")
    return Finding(
        "mkl-illegal-instruction", "error", "the program stopped on an instruction the CPU does not have" + (
            f" after {settings[0]}" if settings else ""),
        tuple(evidence), tuple(fix),
        "An illegal instruction is code for an instruction set the processor lacks: chosen by a setting (MKL_CBWR, "
        "MKL_ENABLE_INSTRUCTIONS), by an MKL that misreads a CPU it predates, or compiled in for another machine.",
        ("grep -o -w 'avx2\\|avx512f' /proc/cpuinfo | sort -u   # what this CPU has",
         "MKL_VERBOSE=1 <the program>   # the MKL release and the code path it takes"),
    )
