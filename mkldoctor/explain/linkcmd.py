"""Link command lines echoed by make, CMake, ninja, ``set -x``, ``gcc -v`` (``collect2``) and rustc: their
``-L`` folders, ``-l`` libraries with the ``-Bstatic``/``-Bdynamic`` state of each, rpaths and inputs by path."""

from __future__ import annotations

import os
import re
import shlex

from mkldoctor.explain.events import LibRequest, LinkCommand

_COMPILER = re.compile(
    r"^(?:[\w.-]+-)?(?:cc|gcc|g\+\+|c\+\+|clang|clang\+\+|ld|ld\.bfd|ld\.gold|ld\.lld|ld\.mold|collect2|rust-lld|mold|"
    r"icx|icpx|icc|icpc|gfortran|ifx|ifort|nvc|nvc\+\+)(?:-\d+(?:\.\d+)*)?$"
)
_CMD_HEAD = re.compile(r'^\s*(?:\+\s+|\$\s+|:\s*&&\s*|\[\d+/\d+\]\s+(?::\s*&&\s*)?)?"?(?P<first>[^\s"]+)"?(?:\s|$)')
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
    raw = tool in _RAW_LD or tool.startswith(("ld.", "ld-"))
    lib_dirs: list[str] = []
    libs: list[LibRequest] = []
    rpaths: list[str] = []
    inputs: list[str] = []
    output = None
    static = False
    omitted = False
    groups = False
    state_stack: list[bool] = []

    def linker_flags(flags: list[str]) -> None:
        nonlocal static, groups
        i = 0
        while i < len(flags):
            flag = flags[i]
            nxt = flags[i + 1] if i + 1 < len(flags) else None
            if flag in ("-Bstatic", "-dn", "-non_shared", "-static", "--static"):
                static = True
            elif flag in ("-Bdynamic", "-dy", "-call_shared"):
                static = False
            elif flag == "--push-state":
                state_stack.append(static)
            elif flag == "--pop-state":
                static = state_stack.pop() if state_stack else static
            elif flag in ("--start-group", "-("):
                groups = True
            elif flag in ("-rpath", "--rpath", "-R") and nxt is not None:
                rpaths.extend(nxt.split(":"))
                i += 1
            elif flag.startswith(("-rpath=", "--rpath=")):
                rpaths.extend(flag.split("=", 1)[1].split(":"))
            elif flag == "-L" and nxt is not None:
                lib_dirs.append(nxt)
                i += 1
            elif flag.startswith("--library-path="):
                lib_dirs.append(flag.split("=", 1)[1])
            elif flag.startswith("-L") and len(flag) > 2:
                lib_dirs.append(flag[2:])
            elif flag == "-l" and nxt is not None:
                add_lib(nxt)
                i += 1
            elif flag.startswith("--library="):
                add_lib(flag.split("=", 1)[1])
            elif flag.startswith("-l") and len(flag) > 2:
                add_lib(flag[2:])
            i += 1

    def add_lib(name: str) -> None:
        if name.startswith(":"):
            libs.append(LibRequest(name, static, True))
        else:
            libs.append(LibRequest(name, static, False))

    i = 1
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("<") and arg.endswith(">") or ("<sysroot>" in arg and "{" in arg):
            omitted = True  # rustc's "<11 object files omitted>" and its globbed rlib list
        elif arg.startswith("-Wl,"):
            linker_flags(arg[4:].split(","))
        elif arg == "-Xlinker" and nxt is not None:
            linker_flags([nxt])
            i += 1
        elif arg == "-static" and not raw:
            static = True
        elif arg == "-o" and nxt is not None:
            output = nxt
            i += 1
        elif arg in ("-L", "-l") and nxt is not None:
            linker_flags([arg, nxt])
            i += 1
        elif arg.startswith(("-L", "-l", "--library")):
            linker_flags([arg])
        elif raw and arg in _RAW_WITH_VALUE and nxt is not None:
            i += 1  # "-plugin X", "-dynamic-linker X", "-m elf_x86_64": X is not an input
        elif raw and arg.startswith("-"):
            if arg in ("-rpath", "--rpath", "-R") and nxt is not None:
                linker_flags([arg, nxt])
                i += 1
            else:
                linker_flags([arg])
        elif not arg.startswith("-") and re.search(r"\.(?:a|o|so(?:\.\d+)*|rlib|lo)$", arg):
            inputs.append(arg)
        i += 1
    if not (lib_dirs or libs or inputs):
        return None
    return LinkCommand(
        argv=tuple(argv), tool=tool, lib_dirs=tuple(lib_dirs), libs=tuple(libs), rpaths=tuple(rpaths),
        inputs=tuple(inputs), output=output, driver=not raw, groups=groups, omitted=omitted,
    )


_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')


def commands_in_line(line: str) -> list[LinkCommand]:
    head = _CMD_HEAD.match(line)
    if not head or not _COMPILER.match(os.path.basename(head.group("first"))):
        return []
    if not ("-l" in line or "-L" in line or ".a" in line or ".so" in line):
        return []
    text = line.strip()
    text = re.sub(r"^(?:\+\s+|\$\s+|\[\d+/\d+\]\s+)", "", text)
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
