"""One set of flags across commands, their choices in help, ``-h``, shell completion, one-line usage errors,
``--format text`` where a table exists (the default when piped), and progress on stderr only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from mkldoctor.cli import app
from mkldoctor.output import formats, progress

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
COMMANDS = typer.main.get_command(app).commands
# each --format family, the commands that take it (formats.py's lists, read back from the commands)
FAMILIES = {"check": formats.FINDINGS, "explain": formats.FINDINGS, "python": formats.FINDINGS,
            "list": formats.LISTING, "symbols": formats.LISTING, "bench": formats.LISTING,
            "deps": formats.DEPS, "link": formats.LINK}
SEED_LOG = ("/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x1d): undefined reference to `hgemm_'\n"
            "collect2: error: ld returned 1 exit status\n")


def option(command: str, flag: str):
    return next((p for p in COMMANDS[command].params if flag in getattr(p, "opts", ())), None)


# -- help: -h, choices, metavars ----------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_h_is_help_and_shows_every_choice(command):
    short, long = runner.invoke(app, [command, "-h"], env={"COLUMNS": "200"}), runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert short.exit_code == long.exit_code == 0 and short.stdout == long.stdout
    usage = short.stdout.splitlines()[0]
    assert usage.startswith(f"Usage: mkldoctor {command} [OPTIONS]") and "{" not in usage and "}" not in usage, usage
    assert "<str>" not in short.stdout and "<int>" not in short.stdout and "<float>" not in short.stdout
    assert f"--format <{'|'.join(FAMILIES[command])}>" in short.stdout


def test_usage_lines_name_what_they_take():
    said = {command: runner.invoke(app, [command, "-h"]).stdout.splitlines()[0] for command in ("deps", "symbols", "check", "python", "explain")}
    assert said == {"deps": "Usage: mkldoctor deps [OPTIONS] BINARY", "symbols": "Usage: mkldoctor symbols [OPTIONS] PATH...",
                    "check": "Usage: mkldoctor check [OPTIONS] [PROJECT]", "python": "Usage: mkldoctor python [OPTIONS] [PYTHON]",
                    "explain": "Usage: mkldoctor explain [OPTIONS] [LOG | - | -- COMMAND...]"}
    assert runner.invoke(app, ["-h"]).stdout == runner.invoke(app, ["--help"]).stdout


def test_check_shows_its_choices():
    text = runner.invoke(app, ["check", "-h"], env={"COLUMNS": "200"}).stdout
    for choices in ("--link <static|dynamic|sdl>", "--interface <lp64|ilp64>", "--threading <sequential|intel|gnu|tbb>"):
        assert choices in text


# -- one set of flags: the README's table is the commands' --------------------------------------------


def readme_flags() -> dict[str, set[str]]:
    """``-s, --search DIR`` -> the commands the README's table names for it."""
    text = (REPO / "README.md").read_text()
    table = text[text.index("### Options every command shares"):text.index("## In CI")]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) == 3:
            flag = re.findall(r"`(--[a-z-]+)", cells[0])[0]
            named = cells[2]
            rows[flag] = (set(COMMANDS) if named == "all" else
                          set(COMMANDS) - {"symbols"} if named == "all but symbols" else set(re.findall(r"[a-z]+", named)))
    return rows


def test_the_shared_flags_are_where_the_readme_says_and_alike():
    rows = readme_flags()
    assert set(rows) == {"--search", "--install", "--root", "--image", "--format", "--verbose", "--quiet", "--ignore"}
    for flag, commands in rows.items():
        having = {name for name in COMMANDS if option(name, flag) is not None}
        assert having == commands, flag
        shorts = {tuple(sorted(option(name, flag).opts)) for name in having}
        metavars = {option(name, flag).metavar for name in having if flag not in ("--format",)}
        assert len(shorts) == 1, (flag, shorts)  # -s/--search, -i/--install, -v, -q: the same spelling everywhere
        assert len(metavars) <= 2, (flag, metavars)  # link's --install takes PATH|VERSION; the rest PATH, DIR...


def test_check_takes_install(mkl, tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path), "--install", str(mkl.pip), "--require-symbol", "hgemm_",
                                 "--format", "json"], env={"MKLROOT": None, "HOME": str(tmp_path)})
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["picked"]["lib_dir"] == str(mkl.pip_lib)


# -- usage errors: one line, exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize("args, line", [
    (["chekc"], "mkldoctor: No such command 'chekc'. Did you mean 'check'? (see mkldoctor -h)"),
    (["check", "--format", "yaml"], "mkldoctor: Invalid value for '--format': 'yaml' is not one of 'text', 'json', "
                                    "'junit', 'github', 'sarif' (see mkldoctor check -h)"),
    (["deps", "/bin/sh", "--format", "sarif"], "mkldoctor: Invalid value for '--format': 'sarif' is not one of 'auto', "
                                               "'table', 'text', 'json', 'copy' (see mkldoctor deps -h)"),
    (["check", "--instal", "x"], "mkldoctor: No such option: --instal (Possible options: --install, --interface) "
                                 "(see mkldoctor check -h)"),
    (["deps"], "mkldoctor: Missing argument 'BINARY' (see mkldoctor deps -h)"),
    (["list", "--verbose=yes"], "mkldoctor: Option '--verbose' does not take a value (see mkldoctor list -h)"),
])
def test_usage_errors_are_one_line(args, line):
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stdout, result.stderr.splitlines()) == (2, "", [line])


# -- shell completion ------------------------------------------------------------------------------


def test_completion_script_and_what_it_completes(tmp_path):
    """The script ``--show-completion bash`` prints, sourced into bash and asked what it completes."""
    program = shutil.which("mkldoctor", path=os.path.dirname(sys.executable))
    assert program, "mkldoctor is installed beside this Python"
    shown = subprocess.run([program, "--show-completion", "bash"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "complete -o default -F _mkldoctor_completion mkldoctor" in shown.stdout
    (tmp_path / "mkldoctor.bash").write_text(shown.stdout)

    def complete(*words: str) -> list[str]:
        script = (f"source {tmp_path / 'mkldoctor.bash'}; COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}; "
                  '_mkldoctor_completion mkldoctor; printf "%s\\n" "${COMPREPLY[@]}"')
        env = dict(os.environ, PATH=os.path.dirname(program) + os.pathsep + os.environ["PATH"])
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, env=env)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if line]

    assert complete("mkldoctor", "ch") == ["check"]
    assert complete("mkldoctor", "check", "--format", "''") == list(formats.FINDINGS)
    assert complete("mkldoctor", "deps", "x", "--format", "''") == list(formats.DEPS)
    assert "--search" in complete("mkldoctor", "list", "--se")


# -- --format text where a table exists, and the default when piped --------------------------------


@pytest.mark.mkl
def test_text_is_accepted_where_a_table_exists_and_is_the_piped_default(mkl, tmp_path):
    for args in (["list", "-s", str(mkl.pip)], ["symbols", str(mkl.pip_lib / "libmkl_rt.so.3"), "-f", "hgemm_"]):
        piped = runner.invoke(app, args, env={"COLUMNS": "80"})  # CliRunner's stdout is no terminal
        text = runner.invoke(app, [*args, "--format", "text"], env={"COLUMNS": "80"})
        assert piped.exit_code == text.exit_code == 0 and piped.stdout == text.stdout, args
        assert not set("┏│├└─") & set(piped.stdout), args  # no table or tree drawn into a pipe


# -- progress: on a terminal only, after a second, never on stdout -------------------------------------


def run_with_tty_stderr(args: list[str], stdin_after: float, data: str, env: dict | None = None,
                        feed_when: str = "") -> tuple[int, str, str, float]:
    """``mkldoctor ARGS`` with stderr on a pseudo-terminal (a person watching) and stdout on a pipe; its
    standard input arrives ``stdin_after`` seconds late (a wait), or, with ``feed_when``, once the terminal has
    shown that text (at most ``stdin_after`` seconds: a loaded machine's slow start is no shorter wait):
    (status, stdout, what the terminal got, seconds the command ran)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "mkldoctor", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=slave, env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", **(env or {})})
    os.close(slave)
    seen = b""
    start = time.monotonic()
    fed = False
    while True:
        if not fed and (time.monotonic() - start >= stdin_after or (feed_when and feed_when in seen.decode(errors="replace"))):
            proc.stdin.write(data.encode())
            proc.stdin.close()
            fed = True
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif fed and proc.poll() is not None:
            break
    out = proc.stdout.read().decode()
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, out, seen.decode(errors="replace"), time.monotonic() - start


def test_progress_shows_on_a_terminal_after_a_second_and_never_in_the_output():
    status, out, terminal, _ = run_with_tty_stderr(["explain", "--no-scan", "-", "--format", "json"], 60, SEED_LOG,
                                                   feed_when="explain: reading standard input")
    assert status == 1 and "explain: reading standard input" in terminal
    document = json.loads(out)  # stdout is JSON alone
    assert document["findings"][0]["id"] == "missing-symbol" and "\x1b" not in out
    # -q: nothing on the terminal; a wait under a second: nothing either
    status, out, terminal, _ = run_with_tty_stderr(["explain", "--no-scan", "-q", "-", "--format", "json"], 2.5, SEED_LOG)
    assert status == 1 and "reading standard input" not in terminal and json.loads(out)["findings"]
    # a command done within the second shows nothing (on a loaded machine the same command may run longer, and a
    # spinner after its second is then right)
    status, out, terminal, seconds = run_with_tty_stderr(["explain", "--no-scan", "-", "--format", "json"], 0.0, SEED_LOG)
    assert status == 1 and ("reading standard input" not in terminal or seconds > progress.DELAY), (seconds, terminal)


def test_progress_lines_when_piped_only_with_verbose():
    args = [sys.executable, "-m", "mkldoctor", "explain", "--no-scan", "-", "--format", "json"]
    plain = subprocess.run(args, input=SEED_LOG, capture_output=True, text=True, timeout=120)
    verbose = subprocess.run([*args, "-v"], input=SEED_LOG, capture_output=True, text=True, timeout=120)
    assert plain.stderr == "" and json.loads(plain.stdout)["findings"]
    assert verbose.stderr.splitlines() == ["mkldoctor: explain: reading standard input", "mkldoctor: explain: the causes"]
    assert json.loads(verbose.stdout) == json.loads(plain.stdout)


def test_a_reader_that_stops_early_gets_no_traceback_or_internal_error(tmp_path):
    """``mkldoctor explain x | head -1``: the reader closes the pipe after one line; the rest of the report has nowhere
    to go, and mkldoctor stops as a program killed by SIGPIPE does (141), saying nothing ('internal error: BrokenPipeError'
    before)."""
    log = tmp_path / "x.log"
    log.write_text("".join(f"Could not load libmkl_part{n}.so\n" for n in range(200)))  # a report of 300 KB: past any pipe's buffer
    proc = subprocess.Popen([sys.executable, "-m", "mkldoctor", "explain", str(log), "--no-scan", "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away with most of the report unread
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == "", err
