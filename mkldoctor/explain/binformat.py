"""A library of another platform, processor or word size, or no library at all, given to a loader or a linker.

Each platform says it its own way:

- macOS's dyld: ``X: unknown file type, first eight bytes: 0x7F 0x45 0x4C 0x46 ...`` (an ELF file: Linux's), ``'X' (not
  a mach-o file)``, ``X: mach-o, but wrong architecture``, ``'X' (mach-o file, but is an incompatible architecture
  (have 'x86_64', need 'arm64'))``; Apple's ld: ``ignoring file X, building for macOS-arm64 but attempting to link with
  file built for macOS-x86_64``;
- Linux's loader: ``X: invalid ELF header`` (not an ELF file: a macOS or Windows build, a text file such as a git-lfs
  pointer, a truncated download), ``X: wrong ELF class: ELFCLASS32`` (a 32-bit library in a 64-bit process, or the
  reverse), ``X: file too short``; GNU ld: ``X: error adding symbols: file in wrong format``, ``file format not
  recognized``; gold: ``incompatible target``; lld: ``X is incompatible with elf64-x86-64``; mold: ``incompatible file
  type``;
- Windows: ``[WinError 193] %1 is not a valid Win32 application`` (a DLL of the other word size, or no DLL),
  ``0xc000007b``, .NET's ``BadImageFormatException``, Java's ``Can't load IA 32-bit .dll on a AMD 64-bit platform``,
  link.exe's ``LNK1112: module machine type 'x64' conflicts with target machine type 'x86'``.

The finding says what the file is and what the process needed, from the message alone (a log of another machine),
and MKL's own facts where the file is MKL's: no ARM build at all, macOS only up to 2023.2, 32-bit up to 2024.2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace

from mkldoctor.explain.catalogue import FollowOn, Signature, Unrecognised
from mkldoctor.explain.context import Context
from mkldoctor.explain.events import Parsed, UndefinedSymbol
from mkldoctor.explain.wording import more
from mkldoctor.findings import Finding
from mkldoctor.knowledge import platforms
from mkldoctor.knowledge.recipes import q


@dataclass(frozen=True, slots=True)
class WrongFormat:
    """A file the loader or linker read as of another platform, processor or word size, or as no library at all."""

    library: str  # as the log names it ("" when it does not)
    system: str  # whose loader or linker said it: "macOS", "Linux", "Windows"
    have: str  # what the file is: "ELF", "not ELF", "ELFCLASS32", "x86_64", "other word size", "empty", "text: ..."
    need: str  # what the process or link needed: "Mach-O", "64-bit", "arm64", "" (not said)
    line: str
    linker: bool = False  # a linker's message (else a loader's)


_PATH = r"(?<![^\s:'\"()])(?P<lib>[^\s:'\"()]+)"  # from a token's start only: linear on long lines
_QUOTED = r"'(?P<lib>[^']+)'"


def _bytes(text: str) -> str:
    """What the first bytes dyld shows make a file: ``0x7F 0x45 0x4C 0x46`` -> ``ELF``."""
    data = bytes(int(b, 16) for b in re.findall(r"0x([0-9A-Fa-f]{2})", text))
    if data.startswith(b"\x7fELF"):
        return "ELF"
    if data.startswith(b"MZ"):
        return "PE"
    if data.startswith(b"!<arch>"):
        return "archive"
    if data and all(32 <= c < 127 or c in (9, 10, 13) for c in data):
        return "text: " + data.decode("ascii").strip()
    return "unknown"


def _mac(have: str | None = None, need: str = "Mach-O"):
    def event(m: re.Match, _) -> WrongFormat:
        groups = m.groupdict()
        said = have or (_bytes(groups["bytes"]) if "bytes" in groups else (groups.get("have") or "").strip("'() "))
        return WrongFormat(groups.get("lib") or groups.get("lib2") or "", "macOS", said,
                           (groups.get("need") or need).strip("'() "), m.string.strip())

    return event


def _linux(m: re.Match, _) -> WrongFormat:
    what = m.group("what")
    have = m.group("cls") or ("not ELF" if "header" in what else "empty" if "short" in what else what)
    need = {"ELFCLASS32": "64-bit", "ELFCLASS64": "32-bit"}.get(have, "")
    return WrongFormat(m.group("lib"), "Linux", have, need, m.string.strip())


def _ld(have: str = "wrong format"):
    def event(m: re.Match, _) -> WrongFormat:
        return WrongFormat(m.group("lib"), "Linux", m.groupdict().get("have") or have, m.groupdict().get("need") or "",
                           m.string.strip(), linker=True)

    return event


def _ld64(m: re.Match, _) -> WrongFormat:
    have = m.group("have") or m.group("have2") or (_bytes(m.group("bytes")) if m.group("bytes") else "another architecture")
    if "0x" in m.string and _bytes(m.string.split("(", 1)[-1]) != "unknown":  # "built for unknown-unsupported file format ( 0x7F 0x45"
        have = _bytes(m.string.split("(", 1)[-1])
    need = m.group("need") or m.group("need2") or m.group("need3") or ""
    return WrongFormat(m.group("lib").strip(), "macOS", have.replace("macOS-", ""), need.replace("macOS-", ""), m.string.strip(),
                       linker=True)


def _windows(m: re.Match, before) -> WrongFormat:
    named = m.groupdict().get("lib") or m.groupdict().get("module")
    if not named:
        for line in (m.string, *reversed(list(before))):  # a quoted path keeps its folder (C:\Program Files (x86)\...)
            found = re.search(r"[\"']([^\"']+\.(?:dll|pyd))[\"']", line, re.I) or re.search(r"(?<![\w.+-])([\w.+-]+\.(?:dll|pyd))\b", line, re.I)
            if found:
                named = found.group(1)
                break
    have = m.groupdict().get("have") or "other word size"
    return WrongFormat(named or "", "Windows", have, m.groupdict().get("need") or "", m.string.strip(),
                       linker="LNK" in m.group(0))


_ARCH = r"\(?'?(?P<{}>[\w,' ]+?)'?\)?"
SIGNATURES = (
    Signature("dyld-unknown-file-type", "binformat", "file type",
              re.compile(rf"{_PATH}: unknown file type, first eight bytes: (?P<bytes>(?:0x[0-9A-Fa-f]{{2}}\s*)+)"), _mac()),
    Signature("dyld-not-mach-o", "binformat", "mach-o", re.compile(rf"{_QUOTED} \(not a mach-o file\)"), _mac("not Mach-O")),
    # (a universal file of other processors: "(fat file, but missing compatible architecture (have (i386,x86_64), need
    # (arm64e)))", BigDL's libiomp5.dylib on Apple silicon, ipex-llm#8177)
    *(Signature(f"dyld-incompatible-architecture{suffix}", "binformat", needle,
                re.compile(rf"(?:{_QUOTED} \(|(?<![^\s:'\"()])(?P<lib2>[^\s:'\"()]+): )(?:mach-o|fat) file, but "
                           rf"(?:is an incompatible|missing compatible) architecture "
                           rf"\(have {_ARCH.format('have')}, need {_ARCH.format('need')}\)"), _mac(need=""))
      for suffix, needle in (("", "mach-o"), ("-fat", "fat file"))),
    Signature("dyld-wrong-architecture", "binformat", "mach-o", re.compile(rf"{_PATH}: mach-o, but wrong architecture"),
              _mac("another architecture", "")),
    Signature("dyld-no-suitable-image", "binformat", "image found", re.compile(r"no suitable image found\.\s+Did find:\s*$"),
              lambda m, _: Unrecognised(m.string.strip())),  # the reason is on the next line
    Signature("ld64-ignoring-file", "binformat", "ignoring file",
              re.compile(r"ignoring file '?(?P<lib>[^,']{1,1000})'?(?:, building for (?P<need>[\w-]+) but attempting to link with file "
                         r"built for (?P<have>[\w-]+)|: found architecture '(?P<have2>\w+)', required architecture '(?P<need3>\w+)'|"
                         r", file was built for (?:unsupported file format \((?P<bytes>[^)]*)\)|[\w-]+) which is not the "
                         r"architecture being linked \((?P<need2>\w+)\))"), lambda m, b: _ld64(m, b)),
    Signature("linux-wrong-elf", "binformat", "ELF ",
              re.compile(rf"{_PATH}: (?P<what>invalid ELF header|wrong ELF class: (?P<cls>ELFCLASS\d+)|ELF file (?:data encoding "
                         r"not [\w-]+|OS ABI invalid|version does not match current one))"), _linux),
    Signature("linux-file-too-short", "binformat", "too short",
              re.compile(rf"{_PATH}: (?P<what>file too short)"), lambda m, b: _linux_short(m)),
    Signature("ld-wrong-format", "binformat", "wrong format",
              re.compile(rf"{_PATH}: error adding symbols: file in wrong format"), _ld()),
    Signature("ld-not-recognized", "binformat", "not recognized",
              # (BFD's "%pB: error adding symbols: %E" too: an x86-64 MKL archive given to a Raspberry Pi's ld, Open3D#2895)
              re.compile(rf"{_PATH}: (?:error adding symbols: )?(?:file not recognized: )?(?:[Ff]ile format not recognized|"
                         r"[Ff]ile format is ambiguous|file truncated)"), _ld("not a library")),
    Signature("gold-incompatible", "binformat", "incompatible target", re.compile(rf"error: {_PATH}: incompatible target"), _ld()),
    Signature("gold-not-an-object", "binformat", "not an object",
              re.compile(rf"error: {_PATH}: not an object or archive"), _ld("not a library")),
    Signature("lld-incompatible", "binformat", "incompatible with",
              re.compile(rf"error: {_PATH} is incompatible with (?P<need>elf\S+|\S+\.(?:o|a|so\S*))\s*$"), _ld()),
    Signature("mold-incompatible", "binformat", "file type",
              re.compile(rf"{_PATH}: incompatible file type: (?P<need>\S+) is expected but got (?P<have>\S+)"), _ld()),
    Signature("windows-not-win32", "binformat", "Win32",
              re.compile(r"(?:DLL load failed(?: while importing (?P<module>\w+))?: )?%1 is not a valid Win32 application|"
                         r"is not a valid Win32 application"), _windows),
    Signature("windows-winerror-193", "binformat", "rror", re.compile(r"\[WinError 193\]"), _windows),
    Signature("windows-0xc000007b", "binformat", "0xc000007b", re.compile(r"(?i)0xc000007b"), _windows),
    Signature("windows-0xc000007b-upper", "binformat", "0xC000007B", re.compile(r"(?i)0xc000007b"), _windows),
    Signature("dotnet-bad-image-format", "binformat", "oad", re.compile(r"(?:BadImageFormatException|load a program with an "
                                                                         r"incorrect format)"), _windows),
    Signature("java-cannot-load-dll", "binformat", "oad",
              re.compile(r"Can't load (?P<have>IA 32-bit|AMD 64-bit|ARM 64-bit|AARCH64) \.dll on a (?P<need>.+?) platform"),
              _windows),
    Signature("msvc-machine-type", "binformat", "machine type",
              re.compile(r"(?:(?<![^\s:()])(?P<lib>[^\s:()]+\.(?:lib|obj))(?:\([^)]*\))?\s*:\s*)?(?:fatal error|warning) LNK(?:1112|4272): "
                         r"(?:module|library) machine type '(?P<have>\w+)' conflicts with target machine type '(?P<need>\w+)'"),
              _windows),
)


def _linux_short(m: re.Match) -> WrongFormat:
    return WrongFormat(m.group("lib"), "Linux", "empty", "", m.string.strip())


def speaks_for(name: str, events: Parsed, said: object = None) -> bool:
    """Whether a wrong-format finding speaks for a host's or loader's "could not load" of ``name`` (the event ``said``):
    the same file (by name, with or without its folder and suffix), a file the wrong-format message did not name, or
    the reason printed on the lines just after the host's (R's dyn.load, Julia's dlopen: a library it needs is of
    another format): that failure, not another."""
    at = events.first_line.get(said, 0) if said is not None else 0
    return any(not e.library or _stem(e.library) == _stem(name) or (at and 0 < events.first_line.get(e, 0) - at <= 3)
               for e in events.of(WrongFormat))


def _stem(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/"))
    return re.split(r"\.(?:so|dylib|dll|pyd|lib|a)\b", base, maxsplit=1)[0]


def _mkl(name: str) -> bool:
    return bool(re.search(r"mkl|iomp5", os.path.basename(name.replace("\\", "/")), re.I))


def diagnose(events: Parsed, ctx: Context) -> list[Finding]:
    """One finding per file (a loader's and a linker's messages about one file are one failure)."""
    from mkldoctor.explain.runtime import MklCannotLoad  # MKL's "Cannot load libmkl_core.so." after the loader's refusal

    by_file: dict[object, list[WrongFormat]] = {}
    for event in events.of(WrongFormat):
        # Apple's linker skipping each library of one other architecture ("ld: warning: ignoring file libmkl_core.dylib,
        # building for macOS-arm64 but attempting to link with file built for macOS-x86_64"): one failure, one finding
        arch = event.system == "macOS" and event.linker and event.need and event.have not in _KIND \
            and not event.have.startswith("text: ")
        key = ("arch", event.have.removeprefix("unknown-"), event.need) if arch else \
            (_stem(event.library) if event.library else event.line)
        by_file.setdefault(key, []).append(event)
    failed = _failed(events)
    out = [finding(said, failed, _mkl(said[0].library) or any(_mkl(e.line) for e in said)) for said in by_file.values()]
    refused = {os.path.basename(said[0].library) for said in by_file.values() if said[0].system == "Linux"}
    then = [lib for e in events.of(MklCannotLoad) for lib in e.libraries if lib in refused]
    if then and out:
        out[0] = replace(out[0], evidence=out[0].evidence + (f"then MKL says it cannot load {then[0]}: the consequence of "
                                                             "this failure",))
    return out


def _failed(events: Parsed) -> bool:
    """Whether the log shows a failure beside the wrong-format lines (a warning of Apple's ld or LNK4272 is a failure only
    then): an echo, an undefined symbol, an unrecognised error."""
    return bool(events.of(FollowOn) or events.of(UndefinedSymbol) or events.of(Unrecognised)
                or any(not e.line.startswith(("ld: warning", "warning")) and "warning LNK" not in e.line
                       for e in events.of(WrongFormat)))


_KIND = {"ELF": "a Linux (ELF) file", "PE": "a Windows (PE) file", "archive": "a static archive (.a), which no loader opens",
         "not Mach-O": "not a Mach-O file", "unknown": "not a Mach-O file", "not ELF": "not an ELF file",
         "empty": "empty or cut short", "ELFCLASS32": "a 32-bit library in a 64-bit process",
         "ELFCLASS64": "a 64-bit library in a 32-bit process"}
_WHY = {
    "macOS": "macOS loads only Mach-O files built for the process's architecture (arm64 on Apple silicon, x86_64 on an Intel Mac "
             "or under Rosetta 2); dyld says what it found when the file is of another kind.",
    "Linux": "Linux's loader and linkers take only ELF files of the process's (or the link's) class, 64- or 32-bit, and "
             "processor; any other file is refused with these words.",
    "Windows": "Windows loads only DLLs (PE files) of the process's word size: a 64-bit process x64 DLLs, a 32-bit one x86 DLLs. "
               "'%1 is not a valid Win32 application' (error 193, ERROR_BAD_EXE_FORMAT) and 0xc000007b "
               "(STATUS_INVALID_IMAGE_FORMAT) say it found one of the other, or a file that is no DLL.",
}


def finding(said: list[WrongFormat], failed: bool, mkl: bool) -> Finding:
    event = said[0]
    names = list(dict.fromkeys(os.path.basename(e.library.replace("\\", "/")) for e in said if e.library))
    name = more(names, 3) if len(names) > 1 else names[0] if names else "a DLL"
    path = event.library or "<the library>"
    have, need = event.have, event.need
    kind = _KIND.get(have) or (f"a text file (it begins: {have[6:46]!r})" if have.startswith("text: ") else "")
    fix: list[str] = []
    confirm = (f"file {q(path)}   # what the file is: ELF (Linux), Mach-O (macOS) or PE (Windows), and for which processor",)
    who = "Apple's linker cannot use" if event.linker else "macOS cannot load"
    if event.system == "macOS" and have in ("ELF", "PE", "archive", "not Mach-O", "unknown") or have.startswith("text: "):
        title = f"{who} {name}: it is {kind}, not a macOS (Mach-O) library"
        fix.append(f"{name} is another platform's build: install or build the macOS one; a package or build script that "
                   "downloaded it chose Linux's download on macOS (for an MKL-based package such as mklml: its mac archive, "
                   "not the lnx one)")
        if mkl:
            fix.append(f"MKL for macOS exists for Intel Macs up to {platforms.last_release('macos')} (conda osx-64, PyPI's "
                       "macosx_x86_64 wheels), none for Apple silicon: there, use the project's code path without MKL (its "
                       "CPU, OpenBLAS or Accelerate backend)")
        else:
            fix.append("or use the project's code path without that library (another backend)")
    elif event.system == "macOS":
        title = (f"{who} {name}: {'they are' if len(names) > 1 else 'it is'} built for {have.removeprefix('unknown-')}"
                 + (f", and the {'link' if event.linker else 'process'} is {need}" if need else ""))
        arm = need.startswith("arm64")
        if mkl and arm:
            fix.append("MKL has no arm64 build (no release for Apple silicon): run the whole program as x86-64 under Rosetta 2 "
                       "(an x86-64 Python: an osx-64 conda environment, CONDA_SUBDIR=osx-64 conda create ...; or arch -x86_64 "
                       "python3), where MKL runs without AVX; or use an arm64 build without MKL (Accelerate, OpenBLAS)")
        elif arm:
            fix.append(f"install the arm64 (or universal2) build of {name}: reinstall the package in this arm64 environment (a "
                       "package copied from an Intel Mac or an x86-64 environment holds x86-64 code)")
        else:
            fix.append(f"the process runs as {need or 'another architecture'} (an x86-64 Python or terminal under Rosetta 2) and "
                       f"{name} is {have}: run the program of {name}'s architecture (arch -arm64 ...), or reinstall {name}'s "
                       "package in the process's environment" + (": MKL itself exists for x86-64 only" if mkl else ""))
        confirm = (f"lipo -archs {path}   # the architectures in the file", "file \"$(command -v python3)\"   # and the process's")
    elif event.system == "Windows":
        title, fix = _windows_fix(event, name, mkl)
        confirm = (f"dumpbin /headers \"{path}\" | findstr machine   # x64 (8664) or x86 (14C): the DLL's word size",)
    else:
        title, fix = _linux_fix(event, name, path, kind, mkl)
    evidence = [f"the log says: {e.line[:300]}" for e in said[:4]]
    if have == "ELF" and event.system == "macOS":
        evidence.append("its first bytes, 7F 45 4C 46 (\\x7fELF), start an ELF file: the format of Linux's libraries; macOS "
                        "loads only Mach-O")
    if mkl:
        system = {"macOS": "macos", "Linux": "linux", "Windows": "windows"}[event.system]
        evidence.append("Intel builds MKL for x86 processors only: " + "; ".join(
            f"{p.words}: {p.said}" for p in platforms.PLATFORMS if p.said and p.key.startswith(system)))
    warning = all(e.line.lstrip().startswith(("ld: warning", "warning")) or "warning LNK" in e.line for e in said)
    return Finding("library-wrong-platform", "warning" if warning and not failed else "error", title, tuple(evidence), tuple(fix),
                   _WHY[event.system], confirm)


def _linux_fix(event: WrongFormat, name: str, path: str, kind: str, mkl: bool) -> tuple[str, list[str]]:
    from mkldoctor.explain.archskip import ia32_instead

    who = "the linker cannot use" if event.linker else "Linux cannot load"
    reinstall = ("reinstall MKL: python3 -m pip install --force-reinstall mkl, or conda install --force-reinstall mkl"
                 if mkl else "reinstall the package that ships it")
    if event.have == "ELFCLASS32" or (event.linker and re.search(r"/(?:ia32|lib32|i[36]86)\b", path)):
        instead = ia32_instead(path)
        return (f"{who} {name}: it is a 32-bit library" + (" in a 64-bit process" if not event.linker else " in a 64-bit link"),
                [f"use the 64-bit library: {instead}/{name}" if instead else
                 f"use the 64-bit {name}: MKL's 32-bit libraries are in lib/ia32 (ia32_lin), the 64-bit ones in lib/intel64 "
                 "(oneAPI 2024 and newer: lib)",
                 "fix what pointed at the 32-bit folder: LD_LIBRARY_PATH, the -L or run path, a finder's MKLROOT or architecture "
                 "setting (mklvars.sh ia32, setvars.sh --arch ia32)"])
    if event.have == "ELFCLASS64":
        return (f"{who} {name}: it is a 64-bit library in a 32-bit process",
                ["the program or interpreter is 32-bit: run a 64-bit one (python3 -c \"import struct; print(struct.calcsize('P') "
                 "* 8)\" says which), or give it the 32-bit library" + (f" (MKL's 32-bit builds end at "
                                                                         f"{platforms.platform('linux-x86').last})" if mkl else "")])
    if event.have == "empty":
        return (f"{who} {name}: the file is empty or cut short",
                ["an interrupted download or copy, or a full disk: " + reinstall,
                 f"or a symbolic link kept as a small text file that holds its target's name (a package or copy that lost its "
                 f"links): head -c 200 {q(path)} shows the name; cd to its folder, then ln -sf \"$(cat {name})\" {name}"])
    if event.linker:
        return (f"{who} {name}: it is not a library for this target ({event.have})",
                [f"see what {name} is (file {q(path)}): a library of another processor or word size (a lib/ia32 folder in a 64-bit "
                 "link), another platform's build (.dylib, .lib), or no library (a text file, a git-lfs pointer): link the "
                 "x86-64 one" + (" (MKL: lib/intel64; oneAPI 2024 and newer: lib)" if mkl else ""), reinstall])
    return (f"{who} {name}: it is {kind or 'not a library for this processor'}",
            [f"see what {name} is: file {q(path)}; head -c 200 {q(path)}: a git-lfs pointer ('version https://git-lfs...': run git "
             "lfs pull), a symbolic link kept as a small text file that holds its target's name (a package or copy that lost "
             f"its links, as TensorFlow's bundled libiomp5.so: cd to its folder, then ln -sf \"$(cat {name})\" {name}), an "
             "HTML page or text from a failed download, a macOS (Mach-O) or Windows (PE) build copied in, or a build for "
             "another processor", reinstall + " from the package built for this platform",
             *([f"{name} is named for this platform (x86_64-linux-gnu) and sits in a package's folder: a file damaged in the "
                "package itself (its build or its download); if a fresh install brings the same file (cmp it, or sha256sum), "
                "report it to the package's maintainer (arch4edu#53: python-scipy-mkl's module was mostly zeros, rebuilt)"]
               if "x86_64-linux-gnu" in name and path.startswith("/usr/") else [])])


def _windows_fix(event: WrongFormat, name: str, mkl: bool) -> tuple[str, list[str]]:
    if "machine type" in event.line:
        return (f"link.exe cannot use {name}: it is built for {event.have} and the link targets {event.need}",
                [f"link the libraries built for {event.need}" + (": MKL's x64 ones are in lib\\intel64 (oneAPI 2024 and newer: "
                                                                 "lib), the 32-bit ones in lib\\ia32 (up to 2024.2)" if mkl else ""),
                 "or build for the libraries' machine: the x64 Native Tools prompt (vcvars64.bat), cmake -A x64"])
    said = f"Windows cannot load {name}: it is a DLL of the other word size (32-bit and 64-bit mixed), or no DLL at all"
    if event.have in ("IA 32-bit", "AMD 64-bit", "ARM 64-bit", "AARCH64"):
        said = f"Windows cannot load {name}: it is an {event.have} DLL, and the process runs on an {event.need} platform"
    folder = event.library.replace("/", "\\").rsplit("\\", 1)[0] if "\\" in event.library.replace("/", "\\") else ""
    ia32 = re.search(r"(?i)\\(?:ia32(?:_win)?|x86|win32)$", folder)
    if ia32 and mkl and event.have == "other word size":
        said = f"Windows cannot load {name}: it is MKL's 32-bit DLL ({folder[ia32.start() + 1:]}) in a 64-bit process"
    return (said,
            ([f"{name} is from a 32-bit folder ({folder}): load it from the 64-bit one, "
              f"{folder[:ia32.start()]}\\{'intel64_win' if ia32.group(0).lower().endswith('_win') else 'intel64'}"]
             if ia32 and mkl else []) +
            ["a 64-bit program (Python, Java, .NET) loads only 64-bit DLLs: put the 64-bit folder first on PATH (or "
             "os.add_dll_directory)" + (": MKL's is redist\\intel64 (2021-2023) or mkl\\<version>\\bin (oneAPI 2024 and "
                                        "newer), never ia32" if mkl else ""),
             "which word size the process has: python -c \"import struct; print(struct.calcsize('P') * 8)\"; a 32-bit one needs "
             "32-bit DLLs" + (f" (MKL's 32-bit builds end at {platforms.platform('windows-x86').last})" if mkl else "")
             + ", or a 64-bit install",
             "which DLL it took: Dependencies (the successor of Dependency Walker) on the program or .pyd shows each DLL's "
             "machine; a file that is no DLL (a truncated download) is replaced by reinstalling its package"])
