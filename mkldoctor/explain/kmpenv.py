"""Intel's OpenMP runtime (libiomp5, under MKL's Intel threading layer) ignoring a setting of its environment, each produced
here with the pinned libiomp5: ``OMP: Warning #58: KMP_AFFINITY: parameter invalid, ignoring "bogus".``, ``OMP: Warning
#42: KMP_BLOCKTIME: "abc" is an invalid value; ignored.``, ``OMP: Warning #80: OMP_NUM_THREADS="0": value too small.``,
``OMP: Warning #20: OMP_DYNAMIC="maybe": Wrong value, boolean expected.``, ``OMP: Warning #124: Ignoring invalid OS proc ID
99.`` (a KMP_AFFINITY proclist). The runtime goes on with its default (``OMP: Info #104: ... value "200" will be used.``):
the program runs, but not as the setting meant (threads not pinned, another count), which is where a tuned MKL run
loses its speed without a failure.

``OMP: Warning #191: Forking a process while a parallel region is active is potentially unsafe.`` (nnUNet#1291): a
process forked while MKL's threads ran (a data loader's workers, multiprocessing's default fork on Linux); the child
inherits a runtime whose threads it does not have, and may hang or crash in its first parallel call.
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

@dataclass(frozen=True, slots=True)
class ForkedInParallel:
    line: str


SIGNATURES = (
    Signature("iomp-fork-in-parallel", "kmpenv", "OMP: Warning #",
              re.compile(r"OMP: Warning #191: Forking a process while a parallel region is active"),
              lambda m, _: ForkedInParallel(m.string.strip()[:300])),
    Signature("iomp-setting-ignored", "kmpenv", "OMP: Warning #", _SETTING, lambda m, _: SettingIgnored(m["var"], m.string.strip())),
    Signature("iomp-proc-id-ignored", "kmpenv", "OMP: Warning #", _PROC, lambda m, _: SettingIgnored("", m.string.strip())),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(SettingIgnored)
    forked = [_forked(e) for e in events.of(ForkedInParallel)[:1]]
    if not said:
        return forked
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
    )] + forked


def _forked(event: ForkedInParallel) -> Finding:
    return Finding(
        "openmp-fork-in-parallel", "warning",
        "Intel's OpenMP runtime warns that the process forked while its threads were running: the child may hang or crash",
        (event.line, "fork() copies only the calling thread; a child of a process whose OpenMP threads (MKL's, under its Intel "
                     "threading layer) were busy inherits a runtime whose threads it does not have (a data loader's "
                     "workers, multiprocessing's default start method on Linux)"),
        ("start worker processes without fork: multiprocessing.set_start_method('spawn') (or 'forkserver'; PyTorch's "
         "DataLoader(multiprocessing_context='spawn')), before any pool or loader is made",
         "or keep MKL off threads in the processes that fork: OMP_NUM_THREADS=1 (or MKL_NUM_THREADS=1) in the parent's "
         "environment before it starts, or fork before the first MKL call"),
        "Intel's OpenMP keeps a pool of threads; a forked child has one thread and the pool's bookkeeping, so its first "
        "parallel region may wait for threads that do not exist.",
        ("python -c \"import multiprocessing as m; print(m.get_start_method())\"   # fork: the default on Linux",),
    )
