"""A process killed by SIGKILL: bash's ``Killed``, macOS shells' ``Killed: 9``, zsh's ``zsh: killed     julia``.

After a failure a finding explains, it is that failure's consequence (a :class:`FollowOn`). Alone it is a failure of its
own: the user stopped a program that hung (``^C`` first: IntelVectorMath.jl#46, a threaded MKL call through MKL_jll
2020.0's macOS libmkl_intel_thread.dylib that never returned), a time limit, or the out-of-memory killer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class Killed(FollowOn):
    interrupted: bool = False  # Ctrl-C was pressed first (the terminal echoed ^C): the program hung


# bash's "Killed" (interactive), "bash: line 1:  2957 Killed   python3 x.py" (a script's job), "bash:  2958 Killed ..."
# MPICH's and Intel MPI's launcher (hydra): "  exit status of rank 27: killed by signal 9"
_KILLED = re.compile(r"^(?P<c>\^C)?(?:Killed(?::? 9)?|zsh: killed\s+\S.*|\S+:(?: line \d+:)? +\d+ Killed\s.*|"
                     r"\s*exit status of rank \d+: killed by signal 9)\s*$")

SIGNATURES = (
    *(Signature(f"process-killed-{i}", "killed", needle, _KILLED,
                lambda m, before: Killed(m.string.strip(), bool(m.group("c")) or any(b.rstrip().endswith("^C") for b in before[-2:])))
      for i, needle in enumerate(("Killed", "killed"))),
)


def killed(events: Parsed, ctx: Context, found: list[Finding]) -> list[Finding]:
    """A fallback: the process was killed, and no finding explains a failure before it."""
    said = events.of(Killed)
    if not said or any(f.severity == "error" for f in found):
        return []
    first = said[0]
    hung = any(e.interrupted for e in said)
    mkl = bool(events.mkl_at)
    evidence = [first.line, "SIGKILL: the user (after Ctrl-C did not stop it), a time limit, or the kernel's out-of-memory "
                "killer ended the process; it printed nothing of its own"]
    if hung:
        evidence.append("^C before it: the program was interrupted first, so it had stopped making progress (a hang)")
    fix = []
    if mkl:
        fix += ["see whether MKL's threading hangs: run it again with MKL_NUM_THREADS=1, then with "
                "MKL_THREADING_LAYER=SEQUENTIAL; if either finishes, two OpenMP runtimes in the process or a threading "
                "layer of a broken build are the usual causes (list the runtimes: LD_DEBUG=libs, DYLD_PRINT_LIBRARIES=1 on macOS)",
                "then another MKL release for the threading layer (Julia: ] add MKL_jll@<another version>; conda or pip: "
                "mkl=<another release>)"]
    fix.append("memory: dmesg | grep -i 'killed process'   # the out-of-memory killer names the process it ended (Linux)")
    return [Finding(
        "process-killed", "error",
        "the program was killed after it stopped making progress (a hang)" if hung else "the program was killed (SIGKILL)",
        tuple(evidence), tuple(fix),
        "A killed process prints no error of its own: the log's last lines before it show what it was doing." +
        (" The log names MKL: a call into MKL that never returns is most often its threading." if mkl else ""),
        locations=ctx.located([first], "killed"),
    )]
