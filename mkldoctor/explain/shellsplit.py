"""A link line the shell ran as commands: ``/bin/sh: line 1: 23346 Segmentation fault      /x/libmkl_core.so``,
``/bin/sh: /usr/lib64/libpthread.so: Permission denied``, ``/bin/sh: -Wl,--end-group: command not found``.

A variable that holds the link line (a Makefile's BLASOPT, a configure's LIBS) written with ``;`` between its parts (a
CMake list's separator) or with line breaks ends the command at each one: the compiler or libtool runs with part of the
line (libtool: ``you must specify an output file``), and the shell runs each later part as a command of its own. A
library file run so crashes or is refused; an option is a command not found (NWChem's forum, thread 3495: BLASOPT as a
';' list of MKL's libraries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkldoctor.explain.catalogue import NOT_MINE, FollowOn, Signature
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed
from mkldoctor.findings import Finding
from mkldoctor.knowledge import layout

# a shell's own prefix before its words about a command: bash's "/bin/sh: line 1: 23346 " (a signal's report names the
# process), dash's "/bin/sh: 1: ", zsh's and ksh's names
SHELL_PREFIX = r"^\s*(?:\S*/)?(?:ba|da|z|k)?sh: (?:line \d+: +(?:\d+ )?|\d+: )?"
# a library file run as a command: bash's signal report before it, or the shell's refusal after it
SHELL_RAN_LIBRARY = re.compile(
    SHELL_PREFIX + r"(?:(?:Segmentation fault|Bus error|Aborted|Illegal instruction)(?: +\(core dumped\))? +)?"
    r"(?P<path>[^\s:]+\.(?:so(?:\.\d+)*|a|dylib))(?:: (?:Permission denied|cannot execute binary file.*|Exec format error|"
    r"cannot execute: .*))?\s*$")
# a link option run as a command: "-Wl,--end-group: command not found", dash's "1: -lmkl_core: not found"
_SHELL_RAN_OPTION = re.compile(
    SHELL_PREFIX + r"(?P<opt>-(?:l[\w.+-]+|L\S+|Wl,\S+|q?openmp|fopenmp|mkl\S*|pthread|static\S*|shared)): (?:command )?not found\s*$")
# a sourced script's own line (tdep's important_settings: "line 35: -L/.../mkl/2023.2.0/lib/intel64: No such file or
# directory"): bash runs a word with a slash as a path
_SCRIPT_RAN_OPTION = re.compile(r"^\s*(?:\S*/)?[\w.+-]+: line \d+: (?P<opt>-(?:L/\S+|l[\w.+-]+|Wl,\S+|I/\S+)): "
                                r"(?:command not found|No such file or directory)\s*$")


# the command make or a script echoed before running it, with a ';' before a library or a link option
_SPLIT_ECHO = re.compile(r";\s*(?P<part>-l[\w.+-]+|-L/\S*|-Wl,\S+|/[^\s;]+\.(?:so(?:\.\d+)*|a))(?=[;\s]|$)")
# dash's report of a command that died of a signal names no command: "Segmentation fault" alone on its line
_BARE_SIGNAL = re.compile(r"^\s*(?:Segmentation fault|Bus error|Illegal instruction)(?: \(core dumped\))?\s*$")


def _bare_signal(m: re.Match, before) -> "RanAsCommand | object":
    """A bare signal line right after an echoed command whose ';' put a library file where a command starts."""
    echoed = next((e for line in list(before)[-2:] for e in [_SPLIT_ECHO.search(line)] if e and "." in e["part"]), None)
    return RanAsCommand(echoed["part"], m.string.strip()) if echoed else NOT_MINE


@dataclass(frozen=True, slots=True)
class RanAsCommand:
    part: str  # the library's path or the option
    line: str
    empty: bool = False  # make ran it: the recipe's program variable before it was empty


@dataclass(frozen=True, slots=True)
class NoOutputFile(FollowOn):
    """libtool run with the part of the line before the break: ``libtool:   error: you must specify an output file``."""


SIGNATURES = (
    Signature("shell-ran-library-crashed", "shellsplit", "egmentation fault", SHELL_RAN_LIBRARY,
              lambda m, _: RanAsCommand(m.group("path"), m.string.strip()[:300])),
    *(Signature(f"shell-ran-library-{i}", "shellsplit", needle, SHELL_RAN_LIBRARY,
                lambda m, _: RanAsCommand(m.group("path"), m.string.strip()[:300]))
      for i, needle in enumerate(("Permission denied", "annot execute", "Exec format error"))),
    Signature("shell-ran-library-signal", "shellsplit", "egmentation fault", _BARE_SIGNAL, _bare_signal),
    Signature("shell-ran-library-illegal", "shellsplit", "Illegal instruction", _BARE_SIGNAL, _bare_signal),
    Signature("shell-ran-option", "shellsplit", "not found", _SHELL_RAN_OPTION,
              lambda m, _: RanAsCommand(m.group("opt"), m.string.strip()[:300])),
    Signature("script-ran-option", "shellsplit", "No such", _SCRIPT_RAN_OPTION,
              lambda m, _: RanAsCommand(m.group("opt"), m.string.strip()[:300])),
    Signature("script-ran-option-not-found", "shellsplit", "not found", _SCRIPT_RAN_OPTION,
              lambda m, _: RanAsCommand(m.group("opt"), m.string.strip()[:300])),
    # make's "-" before a recipe line means "ignore errors": a recipe "$(CPP) -I<MKL's include> ..." whose $(CPP) is empty
    # runs "I<folder>" as the command (easyblocks PR #2221: Quantum ESPRESSO's make.inc without CPP)
    *(Signature(f"make-ran-flag-without-dash-{i}", "shellsplit", needle,  # make 3.8x's words, and make 4's
                re.compile(r"^\s*make(?:\[\d+\])?: (?P<opt>[ILD]/\S+): (?:Command not found|No such file or directory)\s*$"),
                lambda m, _: RanAsCommand("-" + m["opt"], m.string.strip()[:300], empty=True))
      for i, needle in enumerate(("Command not found", "No such"))),
    Signature("libtool-no-output-file", "shellsplit", "rror: you must specify an output file",
              re.compile(r"^\s*libtool: +error: you must specify an output file"), lambda m, _: NoOutputFile(m.string.strip())),
)


def _is_mkl(part: str) -> bool:
    return layout.any_mkl_file(part.rsplit("/", 1)[-1]) or part.startswith(("-lmkl_", "-mkl")) or "/mkl/" in part


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    said = events.of(RanAsCommand)
    if not said:
        return []
    if all(e.empty for e in said):
        return [_empty_program(said[0])]
    parts = sorted(dict.fromkeys(e.part for e in said), key=lambda p: not _is_mkl(p))  # MKL's first
    mkl = [p for p in parts if _is_mkl(p)]
    evidence = [e.line for e in said[:4]] + [
        "the shell ran parts of a link line as commands: a library file run so crashes or is refused, an option is a "
        "command not found; the command before them (the compiler, libtool) ran with only the line's start"]
    if mkl:
        evidence.append(f"the parts are MKL's link line ({', '.join(p.rsplit('/', 1)[-1] for p in mkl[:3])}): the variable "
                        "that holds it was split")
    return [Finding(
        "link-line-run-as-commands", "error",
        f"the shell ran the link line's {'MKL libraries' if mkl else 'parts'} as commands ({parts[0].rsplit('/', 1)[-1]}"
        f"{' and more' if len(parts) > 1 else ''}): a ';' or a line break in the variable that holds the line",
        tuple(evidence),
        ("write the variable as one line of words separated by blanks, with no ';' (a CMake list's separator, which the "
         "shell reads as the end of a command) and no line break: BLASOPT=\"-L${MKLROOT}/lib/intel64 -lmkl_intel_lp64 "
         "-lmkl_sequential -lmkl_core -lpthread -lm -ldl\" (NWChem's forum: BLASOPT given as a ';' list)",
         "a CMake list passed to a shell or a Makefile: join it with blanks first (list(JOIN libs \" \" line)), or pass it "
         "through target_link_libraries, which takes the list as it is",
         "mkldoctor link --format flags   # MKL's link line as one line"),
        "A shell command ends at ';' and at a line break; a link line with either in it runs as several commands, the "
        "first without the libraries and options after the break, each of those as a program.",
    )]


def _empty_program(event: RanAsCommand) -> Finding:
    return Finding(
        "make-program-variable-empty", "error",
        f"make ran the flag {event.part} as the command: the variable for the program before it (the preprocessor, the "
        "compiler) is empty in the recipe",
        (event.line, "make reads a recipe line's leading '-' as 'ignore errors': a recipe '$(CPP) -I<MKL's include> ...' "
                     f"whose $(CPP) is empty starts with '-', so make drops it and runs '{event.part[1:]}' ('Error 127 "
                     "(ignored)' after it); the build goes on without the file that step makes"),
        ("set the variable in the build's configuration: the program that step runs (Quantum ESPRESSO's make.inc: CPP = "
         "cpp -P -traditional, or gcc -E; an EasyBuild easyblock's own setting of it), then build again from clean",
         "find the recipe: make -n <the target> prints the commands with their variables expanded"),
        "A make variable that holds a program and is left empty leaves the rest of the recipe line to run as the command.",
        ("grep -n '^CPP\\|^CC\\|^F90' make.inc   # the program variables of the build's configuration",),
    )
