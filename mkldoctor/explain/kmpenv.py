"""Intel's OpenMP runtime (libiomp5, under MKL's Intel threading layer) ignoring a setting of its environment, each produced
here with the pinned libiomp5: ``OMP: Warning #58: KMP_AFFINITY: parameter invalid, ignoring "bogus".``, ``OMP: Warning
#42: KMP_BLOCKTIME: "abc" is an invalid value; ignored.``, ``OMP: Warning #80: OMP_NUM_THREADS="0": value too small.``,
``OMP: Warning #20: OMP_DYNAMIC="maybe": Wrong value, boolean expected.``, ``OMP: Warning #124: Ignoring invalid OS proc ID
99.`` (a KMP_AFFINITY proclist). The runtime goes on with its default (``OMP: Info #104: ... value "200" will be used.``):
the program runs, but not as the setting meant (threads not pinned, another count), which is where a tuned MKL run
loses its speed without a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class SettingIgnored:
    variable: str  # "KMP_AFFINITY", "" for a proclist's CPU the process does not have
    line: str


_SETTING = re.compile(r"OMP: Warning #\d+: (?P<var>(?:KMP|OMP|GOMP)_[A-Z_]+)\b(?:=\"[^\"]*\")?(?::| value\b)")
_PROC = re.compile(r"OMP: Warning #\d+: Ignoring invalid OS proc ID \d+")

SIGNATURES = (
    Signature("iomp-setting-ignored", "kmpenv", "OMP: Warning #", _SETTING, lambda m, _: SettingIgnored(m["var"], m.string.strip())),
    Signature("iomp-proc-id-ignored", "kmpenv", "OMP: Warning #", _PROC, lambda m, _: SettingIgnored("", m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(SettingIgnored)
    if not said:
        return []
    names = list(dict.fromkeys(e.variable or "KMP_AFFINITY's proclist" for e in said))
    proc = any(not e.variable for e in said)
    fix = [f"give {names[0]} a value Intel's OpenMP takes (its reference lists them: KMP_AFFINITY=granularity=fine,compact "
           "or OMP_PROC_BIND=close with OMP_PLACES=cores; a thread count of 1 or more; TRUE or FALSE), or unset it",
           "check what the environment sets: a job script, a module file, or a library's own defaults (a Python package "
           "that sets KMP_AFFINITY or KMP_BLOCKTIME when imported)"]
    if proc:
        fix.insert(0, "a proclist names CPUs the process does not have (a container's or a job's cpuset, taskset): list only "
                      "the CPUs nproc and taskset -pc $$ show, or let the runtime place threads (KMP_AFFINITY=compact)")
    return [Finding(
        "openmp-setting-ignored", "warning",
        f"Intel's OpenMP runtime ignored {', '.join(names[:3])}: it ran with its default instead",
        (*(e.line for e in said[:3]),
         "libiomp5 (MKL's Intel threading layer) reads KMP_* and OMP_* settings when it starts; a value it does not take is "
         "warned about and replaced by its default, so MKL's threads run, but not as the setting meant"),
        tuple(fix),
        "The OpenMP runtime checks its environment once, at start-up; a setting it cannot read is ignored, not an error: "
        "the program's speed, not its result, is what changes.",
        ("env | grep -E '^(KMP|OMP)_'; KMP_SETTINGS=1 <the program>   # the settings as the runtime read them",),
    )]
