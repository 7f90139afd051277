"""A shell script of MKL's setup (Kaldi's install_mkl.sh, oneAPI's setvars.sh, a project's build script) read by a shell
that cannot parse it: a bash script given to ``sh`` (``sh install_mkl.sh``: sh does not read the ``#!`` line), so dash
stops at bash's syntax (``install_mkl.sh: 211: Syntax error: redirection unexpected``, produced here with dash) and
RHEL's bash in POSIX mode before 5.1 at process substitution (``install_mkl.sh: line 211: syntax error near unexpected
token `<'``, kaldi#4784); and a script saved with Windows' line ends (``$'\\r': command not found``, ``syntax error:
unexpected end of file``). A syntax error with neither sign is no rule's: unrecognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding


@dataclass(frozen=True, slots=True)
class ScriptSyntax:
    script: str
    shell: str  # "bash" or "dash", by the message's form
    said: str  # the token or dash's words
    command: str  # the log's "sh <script>" line, if any
    crlf: bool
    line: str


def _run_by_sh(script: str, before) -> str:
    name = re.escape(script.rsplit("/", 1)[-1])
    pattern = re.compile(rf"(?:^|[\s$#>;&|])(?:sudo\s+(?:-\w+\s+)*)?(?:/bin/|/usr/bin/)?sh\s+(?:-\w+\s+)*\S*?{name}\b")
    return next((b.strip()[:200] for b in reversed(list(before)[-40:]) if pattern.search(b)), "")


def _event(shell: str):
    def read(m: re.Match, before) -> ScriptSyntax | Unrecognised:
        said = (m.groupdict().get("tok") or m.groupdict().get("what") or "").strip()
        crlf = "\\r" in said or "\r" in said or m.groupdict().get("cr") is not None
        command = _run_by_sh(m["script"], before)
        line = m.string.strip()[:300]
        if not (crlf or command or shell == "dash"):
            return Unrecognised(line)
        return ScriptSyntax(m["script"], shell, said[:80], command, crlf, line)
    return read


SIGNATURES = (
    Signature("bash-syntax-error", "shellrun", "syntax error",
              re.compile(r"^\s*(?P<script>[^\s:]{1,200}): line (?P<n>\d+): syntax error(?: near unexpected token [`'‘]"
                         r"(?P<tok>.{0,80})['’]|: unexpected end of file)"), _event("bash")),
    Signature("dash-syntax-error", "shellrun", "Syntax error",
              re.compile(r"^\s*(?P<script>[^\s:]{1,200}): (?P<n>\d+): (?:[^:]{1,60}: )?Syntax error: (?P<what>.{1,120})"),
              _event("dash")),
    Signature("bash-carriage-return", "shellrun", "found",
              re.compile(r"^\s*(?P<script>[^\s:]{1,200}): line \d+: (?P<cr>\$'\\r'|\$'[^']{0,200}\\r'): command not found"),
              _event("bash")),
)


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(ScriptSyntax)
    if not said:
        return []
    crlf = [e for e in said if e.crlf]
    if crlf:
        first = crlf[0]
        return [Finding(
            "script-windows-line-ends", "error",
            f"{first.script} has Windows line ends (CR LF): the shell reads each line's carriage return as part of it",
            (*dict.fromkeys(e.line for e in crlf[:3]),
             "$'\\r' is a carriage return: a script saved on Windows (or checked out there with git's core.autocrlf) keeps "
             "one at each line's end, which bash takes as a command or a word of its own"),
            (f"convert it: dos2unix {first.script} (or sed -i 's/\\r$//' {first.script}), then run it again",
             "in git: a .gitattributes line '*.sh text eol=lf' keeps scripts with Unix line ends on every checkout"),
            "bash ends a line at LF only; the CR before it stays in the line.",
            (f"file {first.script}   # 'with CRLF line terminators'",),
        )]
    first = said[0]
    return [Finding(
        "script-run-by-sh", "error",
        f"{first.script} is a bash script run with sh: sh does not read its #! line and cannot parse bash's syntax",
        (*((first.command,) if first.command else ()), first.line,
         (f"dash (Debian's and Ubuntu's sh) stopped at '{first.said}': a construct of bash's (process substitution "
          "<(...), arrays, [[ ]], function)" if first.shell == "dash" else
          f"sh is bash in POSIX mode on Red Hat's systems: before bash 5.1 it refuses process substitution ('{first.said}')")
         + "; the script's own #! line names bash, which 'sh <script>' bypasses (kaldi#4784: install_mkl.sh)"),
        (f"run it as the program it is: ./{first.script.rsplit('/', 1)[-1]} (it is executable), or bash {first.script}; "
         "as root where it installs (sudo)",),
        "A script given as an argument to a shell is read by that shell; only a script run by its own path uses its #! line.",
        (f"head -1 {first.script}; ls -l /bin/sh   # the shell the script asks for, and the one sh is",),
    )]
