"""Fixes proven before they are offered: the failing link line, changed as a fix says, is run here.

Only a line that can run here is run: the command explain ran (``explain -- CMD``), or a link line of a
log of this machine whose every file exists here and whose program is a compiler or linker mkldoctor
knows, found on ``PATH`` (a log is data: a program it names is never run otherwise). Options that would
write beside the project, load code or read more arguments from a file (``-MF``, ``-Wl,-Map``,
``-fplugin``, ``-B``, ``@file`` ...) keep the line from being run. The line runs in a folder of its
own under the temp folder, with ``-o`` into it: nothing is written into the project.

The line is first run as it is: a failure that does not come back here proves nothing, and the fixes
stay as they were. Then each fix with a link-line edit (:class:`~mkldoctor.explain.edits.Edit`) is
applied and run: a fix after which the failure it answers is gone is kept, and said to be proven; one
that leaves it is replaced by the form that works (a folder with only ``libmkl_rt.so.3``: ``-l:`` or the
full path) or is not printed, with a note that it was tried.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

from mkldoctor.explain.context import Context
from mkldoctor.explain.edits import SEVERAL_OPTIONS, Edit
from mkldoctor.explain.events import LinkCommand, MissingLibrary, Parsed, UndefinedSymbol
from mkldoctor.explain.fixcheck import versioned_only
from mkldoctor.explain.linkcmd import _COMPILER
from mkldoctor.findings import Finding

MAX_RUNS = 8  # link runs per report, the line as it is included
BUDGET = 120.0  # seconds all of a report's link runs may take together
_WRITES_OR_LOADS = re.compile(
    r"^(?:@|-M[DFMTQ]|-MMD|-save-temps|-fprofile|-ftest-coverage|--coverage|-fdump-|-aux-info|-B|-wrapper|-specs|--specs"
    r"|-fplugin|-plugin|--plugin|-Xclang|--ld-path|-fuse-ld=/|-dumpdir|-dumpbase|-Wl,.*(?:-Map|--out-implib|-plugin"
    r"|--dependency-file|--print-map|-o,|--output))"
)
_VALUE_OPTIONS = {"-o", "-L", "-I", "-l", "-x", "-include", "-isystem", "-iquote", "-idirafter", "-Xlinker", "-u", "-e", "-T",
                  "-z", "-m", "-soname", "-h", "-rpath", "--rpath", "-R", "-dynamic-linker", "--dynamic-linker", "-D", "-U",
                  "--version-script", "--sysroot", "-std", "-arch"}


@dataclass
class Runner:
    """The failing line, ready to run here: absolute inputs, ``-o`` into a folder of its own."""

    argv: list[str]
    folder: str
    runs: int = 0
    spent: float = 0.0

    def run(self, argv: list[str]) -> tuple[int, str] | None:
        """(exit status, output) of ``argv``; None when no run (or time) is left, or it could not run."""
        left = BUDGET - self.spent
        if self.runs >= MAX_RUNS or left <= 1:
            return None
        self.runs += 1
        started = time.monotonic()
        try:  # a process group of its own: gcc's collect2 and ld end with it at the time limit
            process = subprocess.Popen(argv, cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        except OSError:
            return None
        try:
            output, _ = process.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            _kill(process)
            return None
        except BaseException:  # Ctrl-C, SIGTERM: the link and what it started end with us
            _kill(process)
            raise
        finally:
            self.spent += time.monotonic() - started
        return process.returncode, output.decode("utf-8", "replace")


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.communicate()


def runnable(command: LinkCommand, ran: tuple[str, ...] | None, bases: list[str], folder: str) -> Runner | None:
    """A :class:`Runner` for ``command`` when it may run here (see the module's rules), else None."""
    argv = list(command.argv)
    if command.omitted or any(_WRITES_OR_LOADS.match(a) for a in argv):
        return None
    if ran is None or tuple(argv) != tuple(ran):  # a line a log names: a known compiler or linker, the one on PATH
        tool = os.path.basename(argv[0])
        found = shutil.which(tool)
        if not _COMPILER.match(tool) or tool == "collect2" or found is None:
            return None
        if os.sep in argv[0] and os.path.realpath(argv[0]) != os.path.realpath(found):
            return None
        argv[0] = found
    for base in bases:
        changed = _resolved(argv, base, folder)
        if changed is not None:
            return Runner(changed, folder)
    return None


def _resolved(argv: list[str], base: str, folder: str) -> list[str] | None:
    """``argv`` with its files made absolute from ``base`` (None when one is not there) and ``-o`` into ``folder``."""
    out = [argv[0]]
    outputs = 0
    i = 1
    while i < len(argv):
        arg = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else None
        if arg == "-o" and value is not None:
            out += ["-o", os.path.join(folder, "a.out")]
            outputs += 1
            i += 2
            continue
        if arg.startswith("-o") and len(arg) > 2:
            out.append("-o" + os.path.join(folder, "a.out"))
            outputs += 1
        elif arg in _VALUE_OPTIONS and value is not None:
            absolute = os.path.join(base, value) if arg in ("-L", "-I") and not os.path.isabs(value) else value
            out += [arg, absolute]
            i += 2
            continue
        elif arg.startswith(("-L", "-I")) and len(arg) > 2 and not os.path.isabs(arg[2:]):
            out.append(arg[:2] + os.path.join(base, arg[2:]))
        elif arg.startswith("-") or SEVERAL_OPTIONS.match(arg):  # several options in one argument: the failure itself
            out.append(arg)
        else:  # a file: a source, an object, an archive, a shared object
            path = arg if os.path.isabs(arg) else os.path.join(base, arg)
            if not os.path.isfile(path):
                return None
            out.append(path)
        i += 1
    return out if outputs <= 1 else None


# -- what a finding answers, and whether a run still says it ---------------------------------------------


def _failures(output: str) -> set[tuple[str, str]]:
    """("symbol", S) and ("library", NAME) for each undefined symbol and library not found in a link's output (and
    ("shared", PATH) for a shared library a static link refused)."""
    from mkldoctor.explain import logparse

    from mkldoctor.explain.joinedflags import FlagsJoined
    from mkldoctor.explain.staticlink import StaticOfShared

    parsed = logparse.parse_bytes(output.encode())
    found = {("symbol", e.symbol) for e in parsed.of(UndefinedSymbol)} | {("flags", e.argument) for e in parsed.of(FlagsJoined)}
    found |= {("shared", e.path) for e in parsed.of(StaticOfShared)}  # a static link given a .so
    return found | {("library", e.name) for e in parsed.of(MissingLibrary)}


def _answers(finding: Finding, failures: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The failures of the line that ``finding`` is about: the symbols and libraries its title or evidence names."""
    text = "\n".join((finding.title, *finding.evidence))
    out = set()
    for kind, name in failures:
        if kind == "flags":  # the whole argument, which the finding names only in part
            out.update({(kind, name)} if finding.id == "link-flags-one-argument" else set())
            continue
        said = f"-l{name}" if kind == "library" else name
        if re.search(rf"(?<![\w$]){re.escape(said)}(?![\w$])", text):
            out.add((kind, name))
    return out


def _first_error(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if "error" in line.lower() or "undefined" in line or "cannot find" in line]
    return (lines[0] if lines else output.strip().splitlines()[-1] if output.strip() else "no output")[:200]


# -- the proof ----------------------------------------------------------------------------------------------------


def prove_fixes(findings: list[Finding], parsed: Parsed, ctx: Context) -> list[Finding]:
    """``findings`` with each link-line fix run here where the line can run: kept and said proven, replaced by
    the form that works, or left out with a note."""
    if not ctx.edits or not ctx.local:
        return findings
    command = _failing_command(ctx)
    if command is None:
        return findings
    folder = tempfile.mkdtemp(prefix="mkldoctor-prove-")
    try:
        bases = [os.getcwd()] + ([os.path.dirname(os.path.abspath(ctx.log))] if ctx.log else [])
        runner = runnable(command, ctx.ran, bases, folder)
        first = runner.run(runner.argv) if runner is not None else None
        if first is None or first[0] == 0:
            return findings  # not runnable here, or the failure does not come back here: nothing to prove
        failures = _failures(first[1])
        return [_proven(f, ctx, runner, command, failures) for f in findings]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _failing_command(ctx: Context) -> LinkCommand | None:
    """The command explain ran, when it is the link; else the link line of its output or the log (make's echo)."""
    ran = next((c for c in ctx.commands if c.argv == ctx.ran), None) if ctx.ran is not None else None
    return ran or ctx.main_command()


def _proven(finding: Finding, ctx: Context, runner: Runner, command: LinkCommand, failures) -> Finding:
    answers = _answers(finding, failures)
    lines = [line for line in finding.fix if line in ctx.edits]
    if not answers or not lines:
        return finding
    fix: list[str] = []
    notes: list[str] = []
    dropped = False
    for line in finding.fix:
        if dropped and line.startswith(" "):
            continue  # the lines that belong to a fix left out
        dropped = False
        edit = ctx.edits.get(line)
        if edit is None:
            fix.append(line)
            continue
        verdict = _try(runner, edit, answers)
        if verdict is None:  # no run left, or it could not run: the fix stays as it was
            fix.append(line)
        elif verdict[0]:
            fix.append(line)
            notes.append(f"proven here: the failing line with {edit.describe()} {verdict[1]}")
        else:
            better = _alternative(runner, edit, command, answers)
            notes.append(f"not offered: {line.strip()} (tried here: {verdict[1]})")
            if better is not None:
                fix.append(better[0])
                notes.append(f"proven here: the failing line with {better[1].describe()} {better[2]}")
            dropped = True
    return dataclasses.replace(finding, fix=tuple(fix), evidence=finding.evidence + tuple(notes))


def _try(runner: Runner, edit: Edit, answers) -> tuple[bool, str] | None:
    """(fixed, what the run said) for the line changed by ``edit``."""
    done = runner.run(edit.apply(runner.argv))
    if done is None:
        return None
    status, output = done
    left = answers & _failures(output)
    if left:
        return False, f"the link still fails the same way: {_first_error(output)}"
    if status == 0:
        return True, "links"
    return True, f"no longer fails so; the link then stops at: {_first_error(output)}"


def _alternative(runner: Runner, edit: Edit, command: LinkCommand, answers) -> tuple[str, Edit, str] | None:
    """A fix that adds a folder holding only versioned files (``libmkl_rt.so.3``) leaves ``-lmkl_rt`` unfound there:
    the same folder with the files named (``-l:libmkl_rt.so.3``), then by full path, run in turn."""
    folders = list(edit.first_dirs) + [a[2:] for a in edit.append if a.startswith("-L")]
    names = [lib.name for lib in command.libs if not lib.verbatim]
    for folder in folders:
        pairs = versioned_only(folder, names)
        if not pairs:
            continue
        shown = " ".join(f"-l{n}" for n, _ in pairs)
        for spelled in ("name", "path"):
            args = {n: (f"-l:{f}",) if spelled == "name" else (os.path.join(folder, f),) for n, f in pairs}
            better = edit.then(Edit(libs=tuple(args.items())))
            verdict = _try(runner, better, answers)
            if verdict is not None and verdict[0]:
                given = " ".join(a for n, _ in pairs for a in args[n])
                line = (f"{folder} holds only {', '.join(f for _, f in pairs)}, which {shown} never finds: name "
                        f"{'it' if len(pairs) == 1 else 'them'}: -L{folder} {given} in place of {shown}")
                return line, better, verdict[1]
    return None
