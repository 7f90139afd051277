"""Link command lines echoed by make, CMake, ninja, ``set -x``, ``gcc -v`` (``collect2``) and rustc: their
``-L`` folders, ``-l`` libraries with the ``-Bstatic``/``-Bdynamic`` state of each, rpaths and inputs by path."""

from __future__ import annotations

import os
import re
import shlex

from mkldoctor.explain.events import LibRequest, LinkCommand

_COMPILER = re.compile(
    r"^(?:[\w.-]+-)?(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|ld|ld\.bfd|ld\.gold|ld\.lld|ld\.mold|collect2|rust-lld|mold|"
    r"icx|icpx|icc|icpc|gfortran|ifx|ifort|nvc|nvc\+\+|mpicc|mpicxx|mpic\+\+|mpiCC|mpif77|mpif90|mpifort|mpiicc|mpiicpc|"
    r"mpiicx|mpiicpx|mpiifort|mpiifx)(?:-\d+(?:\.\d+)*)?$"
)
# the heads a command is echoed with: set -x's "+ ", a prompt's "$ ", ninja's ": && " (after "[3/5] " or, when the job
# failed, "ninja: job failed: "), autoconf's config.log "configure:3156: "
_CMD_HEAD = re.compile(r'^\s*(?:\+\s+|\$\s+|(?:ninja: job failed:\s*)?:\s*&&\s*|\[\d+/\d+\]\s+(?::\s*&&\s*)?|configure:\d+:\s+)?"?(?P<first>[^\s"]+)"?(?:\s|$)')
_JULIA_PROCESS = re.compile(r"\bProcess\(`(?P<cmd>[^`]+)`")
_RAW_WITH_VALUE = {
    "-plugin", "-plugin-opt", "-dynamic-linker", "--dynamic-linker", "-m", "-soname", "-h", "-T", "-z", "-e",
    "-u", "-y", "--version-script", "-Map", "--sysroot", "-a", "-A", "-F", "-f", "--hash-style",
}
_RAW_LD = {"ld", "ld.bfd", "ld.gold", "ld.lld", "ld.mold", "collect2", "rust-lld", "mold"}


def parse_link_command(argv: list[str]) -> LinkCommand | None:
    """The parts of a compiler-driver or ``ld`` command line that decide the ``-l`` search."""
    if not argv:
        return None
    tool = os.path.basename(argv[0])
    if not _COMPILER.match(tool):
        return None
    if "-c" in argv or "-E" in argv or "-S" in argv:
        return None  # compiling, not linking
    reading = _Reading(raw=tool in _RAW_LD or tool.startswith(("ld.", "ld-")))
    i = 1
    while i < len(argv):
        i = reading.argument(argv, i)
    if not (reading.lib_dirs or reading.libs or reading.inputs):
        return None
    return LinkCommand(
        argv=tuple(argv), tool=tool, lib_dirs=tuple(reading.lib_dirs), libs=tuple(reading.libs), rpaths=tuple(reading.rpaths),
        inputs=tuple(reading.inputs), output=reading.output, driver=not reading.raw, groups=reading.groups,
        omitted=reading.omitted,
    )


class _Reading:
    """One command line read left to right: what decides the search so far, and the -Bstatic state."""

    def __init__(self, raw: bool) -> None:
        self.raw = raw  # ld itself (no driver's own -L folders, its own options taking values)
        self.lib_dirs: list[str] = []
        self.libs: list[LibRequest] = []
        self.rpaths: list[str] = []
        self.inputs: list[str] = []
        self.output: str | None = None
        self.static = False
        self.omitted = False
        self.groups = False
        self.state_stack: list[bool] = []

    def argument(self, argv: list[str], i: int) -> int:
        """Read ``argv[i]`` (and its value, for the options that take one); the index of the next argument."""
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("<") and arg.endswith(">") or ("<sysroot>" in arg and "{" in arg):
            self.omitted = True  # rustc's "<11 object files omitted>" and its globbed rlib list
        elif arg.startswith("-Wl,"):
            self.linker_flags(arg[4:].split(","))
        elif arg == "-Xlinker" and nxt is not None:
            self.linker_flags([nxt])
            return i + 2
        elif arg == "-static" and not self.raw:
            self.static = True
        elif arg == "-o" and nxt is not None:
            self.output = nxt
            return i + 2
        elif arg in ("-L", "-l") and nxt is not None:
            self.linker_flags([arg, nxt])
            return i + 2
        elif arg.startswith(("-L", "-l", "--library")):
            self.linker_flags([arg])
        elif self.raw and arg in _RAW_WITH_VALUE and nxt is not None:
            return i + 2  # "-plugin X", "-dynamic-linker X", "-m elf_x86_64": X is not an input
        elif self.raw and arg.startswith("-"):
            if arg in ("-rpath", "--rpath", "-R") and nxt is not None:
                self.linker_flags([arg, nxt])
                return i + 2
            self.linker_flags([arg])
        elif not arg.startswith("-") and re.search(r"\.(?:a|o|so(?:\.\d+)*|rlib|lo)$", arg):
            self.inputs.append(arg)
        return i + 1

    def linker_flags(self, flags: list[str]) -> None:
        """Options as the linker itself reads them (after -Wl, or -Xlinker, or on ld's own line)."""
        i = 0
        while i < len(flags):
            flag = flags[i]
            nxt = flags[i + 1] if i + 1 < len(flags) else None
            if flag in ("-Bstatic", "-dn", "-non_shared", "-static", "--static"):
                self.static = True
            elif flag in ("-Bdynamic", "-dy", "-call_shared"):
                self.static = False
            elif flag == "--push-state":
                self.state_stack.append(self.static)
            elif flag == "--pop-state":
                self.static = self.state_stack.pop() if self.state_stack else self.static
            elif flag in ("--start-group", "-("):
                self.groups = True
            elif flag in ("-rpath", "--rpath", "-R") and nxt is not None:
                self.rpaths.extend(nxt.split(":"))
                i += 1
            elif flag.startswith(("-rpath=", "--rpath=")):
                self.rpaths.extend(flag.split("=", 1)[1].split(":"))
            elif flag == "-L" and nxt is not None:
                self.lib_dirs.append(nxt)
                i += 1
            elif flag.startswith("--library-path="):
                self.lib_dirs.append(flag.split("=", 1)[1])
            elif flag.startswith("-L") and len(flag) > 2:
                self.lib_dirs.append(flag[2:])
            elif flag == "-l" and nxt is not None:
                self.add_lib(nxt)
                i += 1
            elif flag.startswith("--library="):
                self.add_lib(flag.split("=", 1)[1])
            elif flag.startswith("-l") and len(flag) > 2:
                self.add_lib(flag[2:])
            i += 1

    def add_lib(self, name: str) -> None:
        self.libs.append(LibRequest(name, self.static, name.startswith(":")))


_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')


def commands_in_line(line: str) -> list[LinkCommand]:
    if "Process(`" in line:  # Julia's run() that failed: "failed process: Process(`g++ ... -lblas`, ProcessExited(1))"
        julia = _JULIA_PROCESS.search(line)
        line = julia.group("cmd") if julia else line
    head = _CMD_HEAD.match(line)
    if not head or not _COMPILER.match(os.path.basename(head.group("first"))):
        return []
    if not ("-l" in line or "-L" in line or ".a" in line or ".so" in line):
        return []
    text = line.strip()
    text = re.sub(r"^(?:\+\s+|\$\s+|\[\d+/\d+\]\s+|configure:\d+:\s+)", "", text)
    if "\\" not in text and "'" not in text:
        # no escapes and no single quotes (rustc's and CMake's lines): shlex's result, ten times faster
        if text.count('"') % 2:
            return []
        tokens = [token.replace('"', "") for token in _TOKEN.findall(text)]
    else:
        try:
            tokens = shlex.split(text)
        except ValueError:
            return []
    commands: list[LinkCommand] = []
    segment: list[str] = []
    for token in tokens + ["&&"]:
        if token in ("&&", ";", "||", ":"):
            if segment:
                command = parse_link_command(segment)
                if command is not None:
                    commands.append(command)
            segment = []
        else:
            segment.append(token)
    return commands
