"""``Illegal instruction`` (``SIGILL``, zsh's ``illegal hardware instruction``): code for an instruction set the CPU
lacks, and the MKL settings the log shows before it (``MKL_CBWR``, ``MKL_ENABLE_INSTRUCTIONS``). Read with
:mod:`crash`'s signatures, its finding first among that module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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
    around: tuple[str, ...] = ()  # the lines before and after it, where a debugger shows the instruction and its module
    wants: int = field(default=3, compare=False)
    at: int = field(default=0, compare=False)

    def followed(self, lines: tuple[str, ...]) -> "IllegalInstruction":
        return replace(self, around=(*self.around, *(s.strip()[:200] for s in lines)), wants=0)


def _illegal(m: re.Match, before) -> IllegalInstruction:
    said = [s.group(0) for line in before for s in re.finditer(r"\b(?:MKL_CBWR|MKL_ENABLE_INSTRUCTIONS|MKL_DEBUG_CPU_TYPE)=\S+", line)]
    return IllegalInstruction(m.string.strip(), tuple(dict.fromkeys(said)), tuple(b.strip()[:200] for b in before))


# the instruction a debugger shows at the stop (WinDbg's "00007ffa`dbad746d c5fdefc0  vpxor ymm0,ymm0,ymm0" under its
# "MKLDNNPlugin+0x9746d:"; gdb's "=> 0x7ffff7a3c0de <f+14>:\tvpxor %ymm0,%ymm0,%ymm0"): its registers say the instruction set
_INSTRUCTION = re.compile(r"\s(?P<op>v[a-z0-9]{2,15})\s+%?(?P<reg>[xyz]mm|k)(?P<n>\d{1,2})\b")
_MODULE = re.compile(r"^(?P<mod>[A-Za-z_][\w.-]{1,80})(?:!\w+)?\+0x[0-9a-f]+:\s*$")  # WinDbg's place of the stop
_SETS = {"zmm": "AVX-512", "k": "AVX-512", "ymm": "AVX (AVX2 for integer work)", "xmm": "AVX"}


def _shown(said: list[IllegalInstruction]) -> tuple[str, str, str] | None:
    """The instruction a debugger shows at the stop, its instruction set, and the module it is in ("" unknown)."""
    lines = [line for e in said for line in (*e.around, e.line)]
    op = next((m for line in lines if (m := _INSTRUCTION.search(f" {line}"))), None)
    if op is None:
        return None
    module = next((m["mod"] for line in lines if (m := _MODULE.match(line))), "")
    return f"{op['op']} {op['reg']}{op['n']}", _SETS[op["reg"]], module


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
    shown = _shown(said)
    if shown and not settings:  # openvino#387: MKLDNNPlugin.dll's AVX code at load on a CPU without AVX
        instruction, needs, module = shown
        where = f" in {module}" if module else ""
        evidence.append(f"the debugger shows the instruction{where}: {instruction}, an {needs} instruction: that code is "
                        f"built to need {needs.split(' ')[0]}, which this CPU (or the virtual machine it runs in) does not offer")
        fix[:0] = [f"run it on a CPU with {needs.split(' ')[0]} (a virtual machine offers only what its host has, and only "
                   "where it passes it through: what the CPU reports, Linux: grep -o -w -E 'avx|avx2|avx512f' /proc/cpuinfo | "
                   f"sort -u; Windows: Sysinternals' coreinfo), or a release of {module or 'that library'} built for CPUs "
                   "without it"]
    if said[0].line.startswith("zsh: illegal hardware"):  # macOS's shell: on Apple silicon, an x86-64 program under Rosetta 2
        evidence.append("zsh's words, macOS's shell: on a Mac with Apple silicon an x86-64 Python (or program) runs under "
                        "Rosetta 2, which does not emulate every x86-64 instruction set (no AVX before macOS 15, no AVX-512), and "
                        "x86-64 builds that take those paths (MKL's, numpy's) stop")
        fix.insert(0, "on Apple silicon: an arm64 environment (python3 -c 'import platform; print(platform.machine())' says "
                      "arm64), whose numpy uses Accelerate or OpenBLAS: MKL has no arm64 build")
    return Finding(
        "mkl-illegal-instruction", "error", "the program stopped on an instruction the CPU does not have" + (
            f" after {settings[0]}" if settings else
            f": {shown[1].split(' ')[0]} code{' in ' + shown[2] if shown[2] else ''}" if shown else ""),
        tuple(evidence), tuple(fix),
        "An illegal instruction is code for an instruction set the processor lacks: chosen by a setting (MKL_CBWR, "
        "MKL_ENABLE_INSTRUCTIONS), by an MKL that misreads a CPU it predates, or compiled in for another machine.",
        ("grep -o -w 'avx2\\|avx512f' /proc/cpuinfo | sort -u   # what this CPU has",
         "MKL_VERBOSE=1 <the program>   # the MKL release and the code path it takes"),
    )
