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

from mkldoctor.explain.catalogue import NOT_MINE, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import folders, intel_tools
from mkldoctor.knowledge.folders import ONEAPI_SETVARS_BAT
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
    script, variable = m.group("script") or "", m.group("var")
    if not script:  # the variable alone, its script cut off or named elsewhere on the line (a note's prose)
        if not _MKL_VARIABLE.match(variable):
            return NOT_MINE
        named = re.search(r"[^\s`'\"]+\.c?sh\b", m.string)
        script = named.group(0) if named else ""
    elif not (_MKL_SCRIPT.search(script) or _MKL_VARIABLE.match(variable)):
        return NOT_MINE
    return ScriptVariableUnset(script, variable, m.string.strip()[:300])


@dataclass(frozen=True, slots=True)
class ScriptMissing:
    """An environment script of MKL the shell was told to source and could not find: bash's ``bash: /opt/intel/oneapi/
    setvars.sh: No such file or directory``, zsh's ``source: no such file or directory: ...``, dash's ``.: cannot open
    ...``, a job script's bare ``/opt/intel/mkl/bin/mklvars.sh: No such file or directory`` (an Open MPI users' thread:
    a PBS job on compute nodes without the login node's /opt/intel)."""

    script: str
    line: str


_SCRIPT = (r"(?P<script>(?:[~\w./-]*/)?(?:setvars|mklvars|compilervars|psxevars|iccvars|ifortvars)\.c?sh"
           r"|[~\w./-]*(?:oneapi|intel)[\w./-]*/vars\.c?sh)")


@dataclass(frozen=True, slots=True)
class WindowsCommandUnknown:
    """cmd's ``'setvars.bat' is not recognized as an internal or external command`` (PowerShell's ``The term 'ifx' is
    not recognized as a name of a cmdlet``): oneAPI's environment script, or a compiler it puts on PATH, not found."""

    command: str
    powershell: bool
    line: str


def _unknown(powershell: bool):
    def read(m: re.Match, _) -> WindowsCommandUnknown | Unrecognised:
        command = m["cmd"].strip().strip('"')
        if command.lower() in ("conda", "mamba", "activate"):  # conda never set up for this shell: no environment active
            return CondaUnknown(command, powershell, m.string.strip()[:300])
        if intel_tools.command(command) or re.fullmatch(r"[A-Za-z]:\\Program", command):  # C:\Program Files unquoted
            return WindowsCommandUnknown(command, powershell, m.string.strip()[:300])
        return Unrecognised(m.string.strip()[:300])  # another command not found: a failure, said as unrecognised
    return read


@dataclass(frozen=True, slots=True)
class CondaUnknown:
    """PowerShell's ``conda : The term 'conda' is not recognized as the name of a cmdlet`` (cmd's ``'conda' is not
    recognized``): a shell conda was never set up for (numpy#16139: VS Code's PowerShell terminal), so its ``conda
    activate`` did nothing, and the environment's python.exe ran without its DLL folder on PATH."""

    command: str
    powershell: bool
    line: str


@dataclass(frozen=True, slots=True)
class CommandLineTooLong:
    """cmd's ``The input line is too long.`` (a command past its 8,191 characters), and the script it broke: oneAPI's
    setvars.bat, which adds its folders to PATH each time it runs in one console, named in the lines before it."""

    line: str
    setvars: bool


@dataclass(frozen=True, slots=True)
class SetvarsRan:
    """setvars.sh's own last line: ":: oneAPI environment initialized ::" (every component's vars.sh was sourced)."""


SIGNATURES = (
    Signature("oneapi-setvars-ran", "envscripts", "environment initialized",
              re.compile(r"^:: oneAPI environment initialized ::"), lambda m, _: SetvarsRan()),
    Signature("cmd-input-line-too-long", "envscripts", "input line is too long",
              re.compile(r"^The input line is too long\.?\s*$"),
              lambda m, before: CommandLineTooLong(m.string.strip(), any(re.search(r"(?i)setvars|oneapi|vars\.bat", b)
                                                                            for b in before))),
    Signature("cmd-command-not-recognized", "envscripts", "not recognized",
              re.compile(r"^'(?P<cmd>[^']{1,300})' is not recognized as an internal or external command"), _unknown(False)),
    Signature("powershell-term-not-recognized", "envscripts", "not recognized",
              re.compile(r"^(?:\S+ : )?The term '(?P<cmd>[^']{1,300})' is not recognized as (?:the |a )?name of a cmdlet"),
              _unknown(True)),
    Signature("env-script-missing", "envscripts", "No such",
              re.compile(rf"(?<![\w./-]){_SCRIPT}\s*: No such file or directory"), lambda m, _: ScriptMissing(m["script"], m.string.strip()[:300])),
    Signature("env-script-missing-zsh", "envscripts", "o such file or directory: ",
              re.compile(rf"no such file or directory: {_SCRIPT}\s*$"), lambda m, _: ScriptMissing(m["script"], m.string.strip()[:300])),
    Signature("env-script-missing-dash", "envscripts", "annot open",
              re.compile(rf"\.: (?:\d+: )?[Cc]annot open {_SCRIPT}"), lambda m, _: ScriptMissing(m["script"], m.string.strip()[:300])),
    Signature("shell-unbound-variable", "envscripts", "unbound variable",
              re.compile(r"(?:(?<![^\s:])(?P<script>[^\s:]+): line \d+: )?(?<![\w$])(?P<var>\w+): unbound variable"), _said),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ScriptVariableUnset)
    if not said:
        return ([_conda_unknown(e) for e in events.of(CondaUnknown)[:1]]
                + [_windows_unknown(e) for e in events.of(WindowsCommandUnknown)[:1]]
                + [_too_long(e) for e in events.of(CommandLineTooLong)[:1]]
                + [_missing(e, events) for e in events.of(ScriptMissing)[:1]])
    first = said[0]
    # MKL_INTERFACE_LAYER with no script named: conda's MKL hooks (libblas_mkl_activate.sh, mkl's own) read it unset
    conda = "activate.d" in first.script or (not first.script
                                             and first.variable in ("MKL_INTERFACE_LAYER", "MKL_THREADING_LAYER"))
    name = (folders.file_name(first.script) if first.script else
            "conda's MKL activation hook (libblas_mkl_activate.sh)" if conda else "an activation script")
    evidence = [first.line,
                f"{name} reads ${first.variable} while it is unset, and the shell that sourced it runs with set -u (nounset), "
                "which stops at the first unset variable"]
    if conda:
        evidence.append(f"{name} is a conda activation hook (etc/conda/activate.d): conda activate sources it in the "
                        "calling shell, so the calling script's set -u applies to it" if first.script else
                        "conda activate sources the environment's hooks (etc/conda/activate.d) in the calling shell, so the "
                        "calling script's set -u applies to them")
    fix = ["turn nounset off around the activation: set +u; "
           + ("conda activate <env>" if conda else f"source {q(first.script) if first.script else '<the script>'}")
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
        (f"grep -n {first.variable} {q(first.script) if first.script else '$CONDA_PREFIX/etc/conda/activate.d/*.sh'}   "
         "# the line that reads it unset",),
    )]


def _conda_unknown(event: CondaUnknown) -> Finding:
    shell = "PowerShell" if event.powershell else "cmd"
    return Finding(
        "conda-shell-not-set-up", "error",
        f"{shell} does not know {event.command}: conda was never set up for this shell, so no environment was activated",
        (event.line, f"conda's command exists in a shell only after conda init {'powershell' if event.powershell else 'cmd.exe'} "
         "has added its hook (or in the Anaconda Prompt); an editor's terminal that runs 'conda activate' in such a shell "
         "(VS Code's PowerShell) fails so, and the environment's python.exe then runs without <env>\\Library\\bin, where "
         "MKL's DLLs are, on PATH: numpy's and MKL's DLLs do not load (numpy#16139)"),
        (f"from an Anaconda Prompt: conda init {'powershell' if event.powershell else 'cmd.exe'}, then open a new terminal"
         + (" (PowerShell's execution policy must let its profile run: Set-ExecutionPolicy -Scope CurrentUser RemoteSigned)"
            if event.powershell else ""),
         "or use a terminal conda is set up for: the Anaconda Prompt, or VS Code's Command Prompt profile (Terminal: Select "
         "Default Profile), or start the editor from an activated Anaconda Prompt"),
        "A shell knows conda only through the hook conda init writes into its profile; without it 'conda activate' is an "
        "unknown command and the environment's PATH is never set.",
        ("conda info --envs   # from an Anaconda Prompt: the environments, the active one starred",),
    )


def _windows_unknown(event: WindowsCommandUnknown) -> Finding:
    script = event.command.lower().endswith(".bat")
    if event.command.lower().endswith("\\program"):  # "call C:\Program Files (x86)\Intel\oneAPI\setvars.bat" unquoted
        return Finding(
            "windows-intel-command-not-found", "error", f"cmd ran {event.command}: a path with spaces was given without quotes",
            (event.line, f"cmd splits a command at its first space: {ONEAPI_SETVARS_BAT} "
             f"unquoted runs {event.command}, with Files and the rest as its arguments"),
            (f'call "{ONEAPI_SETVARS_BAT}"   # the whole path in double quotes',
             "the same for any path under Program Files in a build script (a CMake or MSBuild variable: quote its use)"),
            "cmd.exe takes the text up to the first space as the command; Windows' program folders have spaces.",
        )
    evidence = [event.line,
                f"{event.command} is " + ("oneAPI's (or Parallel Studio's) environment script, which is not on PATH: it is "
                                          "run by its full path" if script else
                                          "on PATH only after oneAPI's setvars.bat has run in the same console")]
    studio = next(f.environment for f in folders.LAYOUTS if f.name == "parallel-studio" and f.platform == "windows")
    fix = [f'call "{ONEAPI_SETVARS_BAT}"   # the full path, quoted (it has spaces); Parallel Studio: {studio}',
           "or start the 'Intel oneAPI command prompt' from the Start menu, which has run it"]
    if event.powershell:
        evidence.append("PowerShell runs a .bat in a child cmd.exe, so the variables setvars.bat sets are gone when it "
                        "returns: the compilers and MKL's folders never reach the PowerShell session")
        fix.insert(0, f'from PowerShell: cmd /k "\"{ONEAPI_SETVARS_BAT}\" && powershell" '
                      "(a PowerShell inside the console setvars.bat set up), or use the oneAPI command prompt")
    return Finding(
        "windows-intel-command-not-found", "error",
        f"{'PowerShell' if event.powershell else 'cmd'} does not know {event.command}: "
        + ("oneAPI's environment script is called by its full path" if script else "oneAPI's environment is not set up in this console"),
        tuple(evidence), tuple(fix),
        "oneAPI installs its compilers and MKL outside PATH; setvars.bat puts them there (and sets MKLROOT, LIB, INCLUDE) "
        "for the cmd.exe console that runs it, and only for it.",
        (f'where setvars.bat & dir "{ONEAPI_SETVARS_BAT}"   # where it is',),
    )


def _too_long(event: CommandLineTooLong) -> Finding:
    return Finding(
        "windows-command-line-too-long", "error",
        "cmd refused a command line longer than its 8,191 characters" + (": setvars.bat's PATH grew past it" if event.setvars else ""),
        (event.line, "cmd.exe takes at most 8,191 characters in one command; an environment script that prepends its "
                     "folders to PATH each time it runs (oneAPI's setvars.bat, run twice in one console, or a long PATH to "
                     "begin with) makes the next command with %PATH% in it longer than that; 'The syntax of the command is "
                     "incorrect' and variables left unset follow"),
        ("run setvars.bat once, in a new console (a second run in the same console adds its folders again; it skips itself "
         "only when it can tell), or start the 'Intel oneAPI command prompt' from the Start menu",
         "shorten PATH: remove its duplicate and stale entries (System Properties > Environment Variables), so that one run "
         "of setvars.bat fits",
         "a CI job: call setvars.bat once at the step's start, not inside a loop or in each nested script"),
        "cmd.exe's command line is limited to 8,191 characters; scripts that build long PATH values hit it and stop "
        "mid-way, leaving the environment half set up.",
        ("echo %PATH%   # how long PATH has grown, and its repeated folders",),
    )


def _missing(event: ScriptMissing, events: Parsed) -> Finding:
    """The environment script is not where the shell looked: no MKL install at that path on the machine that ran it."""
    from mkldoctor.explain.hosts import LoaderMissing

    name = folders.file_name(event.script)
    found = folders.recognise(event.script, "linux")
    classic = name.startswith(("mklvars", "compilervars", "psxevars", "iccvars", "ifortvars"))
    evidence = [event.line, f"{event.script} is not on the machine that ran the script: MKL's environment was never set up "
                "there, so its folders are not on LD_LIBRARY_PATH, CPATH or PATH"]
    if found:
        evidence.append(f"the path is {found[0].releases}'s layout ({found[0].name})")
    loads = [e.soname for e in events.of(LoaderMissing) if e.soname.startswith(("libmkl_", "libiomp5"))]
    if loads:
        evidence.append(f"the loader's failures for {', '.join(dict.fromkeys(loads[:3]))} after it follow from it")
    fix = ["find the install on that machine: ls -d /opt/intel/oneapi ~/intel/oneapi /opt/intel/compilers_and_libraries_* "
           "2>/dev/null; or find / -name setvars.sh -path '*oneapi*' 2>/dev/null",
           "a batch job on a cluster's compute node: the login node's install may not be there (a node-local /opt): load the "
           "cluster's module in the job script (module load mkl, or intel-oneapi-mkl; module avail shows the name), the same "
           "modules the program was built with, or use the shared path",
           "a container or CI image: install MKL in the image (intel-oneapi-mkl, or the mkl wheel or conda package), or "
           "source the script only where it exists ([ -f <it> ] && . <it>)"]
    release = re.search(r"/oneapi/(?P<part>[\w-]+)/(?P<rel>20\d\d\.\d+(?:\.\d+)?)/", event.script)
    if release:  # a release's own folder, where another release is installed (unversioned packages bring the newest)
        fix.insert(0, f"the path names one release's folder ({release['part']}/{release['rel']}); an install of another "
                      f"release (the unversioned intel-oneapi-* packages bring the newest) has {release['part']}/latest: "
                      f"source {event.script[:release.start()]}/oneapi/{release['part']}/latest/env/vars.sh, or setvars.sh "
                      "alone, which sets every component"
                      + (" and which the log shows already ran" if events.of(SetvarsRan) else "")
                      + f"; or pin the packages to {release['rel']} (multicharge#30)")
    if classic:
        fix.insert(1, f"{name} is Parallel Studio's (MKL 2020 and older): oneAPI (2021 and newer) has setvars.sh at its "
                      f"root and mkl/<ver>/env/vars.sh instead: {folders.SOURCE_SETVARS}")
    return Finding(
        "mkl-env-script-missing", "error", f"the shell could not source {name}: there is no {event.script} on that machine",
        tuple(evidence), tuple(fix),
        "MKL's environment scripts (oneAPI's setvars.sh, Parallel Studio's compilervars.sh and mklvars.sh) set the "
        "variables that let programs build and run against it; a script sourced from a path where no install is leaves "
        "them unset, and what needs MKL fails after it.",
        ("ls -l " + q(event.script) + "   # run it where the script ran",),
    )
