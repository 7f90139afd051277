"""MKL's environment scripts stopped by the shell that sources them: ``set -u`` and a variable they read unset.

``/data/anaconda3/envs/espnet/etc/conda/activate.d/libblas_mkl_activate.sh: line 1: MKL_INTERFACE_LAYER: unbound
variable`` (espnet/espnet#5473): conda-forge's libblas (MKL build) activation hook saved the old value with a bare
``${MKL_INTERFACE_LAYER}`` before setting ``MKL_INTERFACE_LAYER=LP64,GNU``; a script that runs ``conda activate``
under ``set -u`` (bash's nounset) stops there. The feedstock's later hook reads ``${MKL_INTERFACE_LAYER-}``. oneAPI's
``setvars.sh`` and MKL's ``vars.sh`` read variables such as ``LD_LIBRARY_PATH`` and ``CPATH`` the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders
from mkldoctor.knowledge.recipes import q

# the scripts that set MKL's environment: conda's activation hooks of MKL's packages (libblas_mkl_activate.sh,
# mkl's own), oneAPI's setvars and each component's vars.sh, Parallel Studio's mklvars and compilervars
_MKL_SCRIPT = re.compile(r"(?i)(?:^|[\\/])(?:[\w-]*mkl[\w-]*\.(?:sh|csh|bat)|setvars\.sh|compilervars\.sh)$"
                         r"|(?:oneapi|intel)\S*[\\/]vars\.sh$")  # a component's env/vars.sh under oneAPI's folder
_MKL_VARIABLE = re.compile(r"^(?:MKL\w*|KMP_\w+|CONDA_MKL\w*)$")


@dataclass(frozen=True, slots=True)
class ScriptVariableUnset:
    script: str
    variable: str
    line: str


def _said(m: re.Match, _) -> ScriptVariableUnset | object:
    script, variable = m.group("script"), m.group("var")
    if not (_MKL_SCRIPT.search(script) or _MKL_VARIABLE.match(variable)):
        return NOT_MINE
    return ScriptVariableUnset(script, variable, m.string.strip()[:300])


SIGNATURES = (
    Signature("shell-unbound-variable", "envscripts", "unbound variable",
              re.compile(r"(?<![^\s:])(?P<script>[^\s:]+): line \d+: (?P<var>\w+): unbound variable"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ScriptVariableUnset)
    if not said:
        return []
    first = said[0]
    name = folders.file_name(first.script)
    conda = "activate.d" in first.script
    evidence = [first.line,
                f"{name} reads ${first.variable} while it is unset, and the shell that sourced it runs with set -u (nounset), "
                "which stops at the first unset variable"]
    if conda:
        evidence.append(f"{name} is a conda activation hook (etc/conda/activate.d): conda activate sources it in the "
                        "calling shell, so the calling script's set -u applies to it")
    fix = ["turn nounset off around the activation: set +u; " + ("conda activate <env>" if conda else f"source {q(first.script)}")
           + "; set -u",
           f"or give the variable a value first: export {first.variable}=${{{first.variable}-}} (empty is what the script "
           "expects when it is unset)"]
    if conda:
        fix.append("or update the package whose hook it is (conda update libblas; conda-forge's later hooks read "
                   f"${{{first.variable}-}}, which set -u allows)")
    return [Finding(
        "mkl-env-script-unbound", "error", f"{name} stopped under set -u: {first.variable} is unset", tuple(evidence),
        tuple(fix),
        "Scripts that set MKL's environment (conda's activation hooks, oneAPI's setvars.sh and vars.sh) save and extend "
        "variables that may be unset; under bash's set -u that is an error, and the sourcing script stops.",
        (f"grep -n {first.variable} {q(first.script)}   # the line that reads it unset",),
    )]
