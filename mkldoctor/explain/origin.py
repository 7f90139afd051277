"""Where a log's evidence comes from: this machine, or another one.

``explain -- CMD`` runs CMD here, so its output is this machine's. A log file or standard input may
come from anywhere: a colleague's build, a CI runner, a container, an issue thread. What this
machine's loader cache, compiler folders and MKL copies hold says nothing about that machine, so
a log from elsewhere is explained from what the log itself shows and from mkldoctor's knowledge,
and a fact only that machine can tell is asked for with the one command to run there.

The verdict rests on what the log says of its machine (a sample of its paths and prompts, kept by
the parser in :attr:`Parsed.places`) compared with this one: the same files (a library path that
resolves here to the same kind of file, an ``-L`` folder that exists), the same home and user, the
same host, an interpreter prefix that exists here; another platform's paths (``C:\\``,
``/Users/``) are elsewhere. ``--origin here|elsewhere`` overrides it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.knowledge import places

HERE, ELSEWHERE, UNKNOWN = "here", "elsewhere", "unknown"


@dataclass(frozen=True)
class Origin:
    """The verdict on where the log's evidence comes from, and why."""

    verdict: str = HERE  # HERE, ELSEWHERE or UNKNOWN
    reasons: tuple[str, ...] = ()
    forced: bool = False  # given with --origin

    @property
    def here(self) -> bool:
        """Whether this machine's files, loader and copies may explain the log."""
        return self.verdict == HERE

    def as_json(self) -> dict:
        return {"verdict": self.verdict, "reasons": list(self.reasons), "forced": self.forced}

    def lines(self) -> list[str]:
        """What a text report says first: the verdict, why, and what it means for the findings."""
        said = {HERE: "this machine", ELSEWHERE: "another machine", UNKNOWN: "unknown (no place in it can be compared)"}
        out = [f"the log comes from: {said[self.verdict]}" + (" (--origin)" if self.forced else "")]
        out += [f"  {reason}" for reason in self.reasons[:3]]
        if not self.here:
            out.append("  so the findings rest on the log and mkldoctor's knowledge: this machine's loader cache, folders and MKL "
                       "copies are not its machine's (--origin here to use them)")
        return out


# -- what the log says of its machine: a bounded sample kept by the parser -----------------------------

MAX_PLACES = 64  # distinct paths and prompts kept from one log
HEAD_LINES = 200  # every line this early is sampled; later, only error-looking lines and the lines around them
# a drive's path written with forward slashes (MinGW's and MSYS2's "C:/msys64/mingw64/...") is Windows', not a POSIX path
_UNIX_PATH = re.compile(r"(?:(?<=[\s'\"(=:,\[`])|(?<=-[IL])|^)(?<!(?<![\w.])[A-Za-z]:)(/(?:[\w.+@%~<>-]+/)*[\w.+@%~<>-]+/?)")
# from a name's start only (after its leading dots), so that a long run of name characters is read once
_FOREIGN_FILE = re.compile(r"(?<![\w.+-])[.+-]*(\w[\w.+-]*\.(?:dll|dylib|pyd|exe)\b|\bLNK\d{4}\b)", re.I)
# a drive's path, or IPython's home-relative one in a Windows traceback ("~\\Anaconda3\\lib\\site-packages\\...")
_QUOTED_WINDOWS_PATH = re.compile(r"[\"']([A-Za-z]:\\[^\"'<>|*?\n]*? [^\"'<>|*?\n]*)[\"']")  # "C:\Program Files (x86)\..."
_WINDOWS_PATH = re.compile(r"((?<![\w.])[A-Za-z]:[\\/][^\s'\"<>|*?]+|(?<![\w~\\])~\\[^\s'\"<>|*?]+)")
_DRIVE_SLASH = re.compile(r"(?<![\w.])[A-Za-z]:/[\w.~-]")  # "C:/msys64/...": not a URL's "https://"
_SESSION = re.compile(r"^In \[\d+\]: |<ipython-input-\d|/ipykernel_\d+/")
_PROFILER = re.compile(r"==(?:PROF|ERROR|WARNING)== ")
_EMBEDDED_JULIA = re.compile(r"\bjulia_setup\(|\bJuliaCall\b|\.julia\$cmd\b")  # R's JuliaCall runs Julia inside R
_JULIA_VERSION = re.compile(r"^Julia version (\d+\.\d+)")
_MKL_JLL = re.compile(r"^\s*(?:\[[0-9a-f]{8}\]\s+)?MKL_jll v(\d[\w.+-]*)\s*$")  # Pkg's status: "[856f044c] MKL_jll v2020.0.166+1"
_R_SESSION = re.compile(r"^R version \d+\.\d+|^(?:> )?[\w.]+ <- |\bsessionInfo\(\)")  # R's console: its banner, an assignment  # JuliaCall's "Julia version 0.7.0-DEV.1856 found."
# ldd's line for a library it found ("\tlibiomp5.so => /home/u/lib/libiomp5.so (0x00007f28b3a4e000)"): the shell that ran ldd has it
_LDD_FOUND = re.compile(r"^\s*(?P<soname>[\w.+-]+\.so[\w.]*) => /\S+ \(0x[0-9a-f]+\)\s*$")
_PROMPT = re.compile(r"^(?:\((?P<env>[\w.-]+)\)\s*)?(?P<user>[a-z_][\w.-]{0,31})@(?P<host>[\w.-]{1,64}):(?P<cwd>[~/][^\s$#]*)?\s?[$#](?:\s|$)")


# IPython's shell escape sourcing an environment script ("In [2]: !source /opt/intel/oneapi/setvars.sh": votca d202cbf)
_SUBSHELL_SOURCE = re.compile(r"(?:^|\]:\s*)!\s*(?:source|\.)\s+\S*(?:setvars|vars|mklvars|compilervars)\.sh\b")


def sample(places: list, line: str) -> None:
    """Add the paths and the shell prompt of one log line to ``places`` (``("path", p)``, ``("prompt", "user@host")``)."""
    if len(places) >= MAX_PLACES:
        return
    found: list[tuple[str, str]] = []
    if "@" in line:
        prompt = _PROMPT.match(line.lstrip("> "))
        if prompt:
            found.append(("prompt", f"{prompt.group('user')}@{prompt.group('host')}"))
            if prompt.group("env"):  # the environment the shell had activated: (base), (venv), (myenv)
                found.append(("active", prompt.group("env")))
    if _SESSION.search(line):  # an IPython or Jupyter session: its interpreter is the kernel's, not the shell's
        found.append(("session", "IPython"))
    if "!" in line and _SUBSHELL_SOURCE.search(line):  # a notebook's "!source setvars.sh": a subshell the kernel outlives
        found.append(("session", "subshell setvars"))
    if line[:2] == "==" and _PROFILER.match(line):  # NVIDIA's Nsight Compute started the program itself
        found.append(("session", "Nsight Compute"))
    if ("R " in line[:2] or "<-" in line or "sessionInfo" in line) and _R_SESSION.search(line):
        found.append(("session", "R"))
    if "julia" in line.lower():
        if _EMBEDDED_JULIA.search(line):
            found.append(("session", "R (JuliaCall)"))
        version = _JULIA_VERSION.match(line)
        if version:
            found.append(("session", f"Julia {version.group(1)}"))
    if "_jll v" in line and _MKL_JLL.match(line):  # the MKL build of the Julia environment that ran
        found.append(("session", f"MKL_jll {_MKL_JLL.match(line).group(1)}"))
    if " => /" in line and (ldd := _LDD_FOUND.match(line)):
        found.append(("resolved", ldd.group("soname")))
    if "/" in line:
        found += [("path", p.rstrip(".,:;)'\"`")) for p in _UNIX_PATH.findall(line) if len(p) > 2]
    if ":\\" in line or "~\\" in line or (":/" in line and _DRIVE_SLASH.search(line)):
        quoted = _QUOTED_WINDOWS_PATH.findall(line) if ('"' in line or "'" in line) else []  # one with blanks: whole
        rest = _QUOTED_WINDOWS_PATH.sub(" ", line) if quoted else line
        found += [("windows", p) for p in quoted] + [("windows", p.rstrip(".,:;)'\"`")) for p in _WINDOWS_PATH.findall(rest)]
    if "." in line or "LNK" in line:
        found += [("foreign", m) for m in _FOREIGN_FILE.findall(line)[:2]]
    for place in found:
        if place not in places and len(places) < MAX_PLACES:
            places.append(place)


# -- the verdict ---------------------------------------------------------------------------------------

# Folders every Linux machine has: that a path under them exists here says nothing of the log's machine
_SYSTEM = ("/usr/", "/lib/", "/lib64/", "/bin/", "/sbin/", "/etc/", "/tmp/", "/var/", "/dev/", "/proc/", "/sys/", "/run/")
_HOMES = re.compile(r"^(?:/private)?/(?:home|Users|users)/(?P<user>[^/]+)|^/root(?=/|$)")
_MACOS = re.compile(r"^/(?:Users|Applications|Library|System/Library|opt/homebrew|private/var/folders)/|\.dylib$")
MAX_REASONS = 4


@dataclass(frozen=True)
class Machine:
    """The facts of this machine the log is compared with."""

    home: str
    user: str
    host: str

    @staticmethod
    def this() -> "Machine":
        import getpass
        import socket

        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
        return Machine(os.path.realpath(os.path.expanduser("~")), user, socket.gethostname())


def decide(parsed, *, ran_here: bool = False, forced: str | None = None, machine: Machine | None = None) -> Origin:
    """Where the evidence of ``parsed`` comes from: ``forced`` (``--origin``), a command run here, else the log's places
    compared with this machine."""
    if forced in (HERE, ELSEWHERE):
        return Origin(forced, (f"--origin {forced} was given",), True)
    if ran_here:
        return Origin(HERE, ("the command was run here (explain -- COMMAND)",))
    machine = machine or Machine.this()
    here: list[str] = []
    away: list[str] = []
    foreign: list[str] = []
    for kind, value in _places(parsed):
        verdict = _judge(kind, value, parsed, machine)
        if verdict is not None:
            {"here": here, "away": away, "foreign": foreign}[verdict[0]].append(verdict[1])
    if foreign:
        return Origin(ELSEWHERE, tuple(_unique(foreign + away)[:MAX_REASONS]))
    if here and len(here) >= len(away):
        return Origin(HERE, tuple(_unique(here)[:MAX_REASONS] + [f"but: {r}" for r in _unique(away)[:2]]))
    if away:
        return Origin(ELSEWHERE, tuple(_unique(away)[:MAX_REASONS] + [f"though: {r}" for r in _unique(here)[:2]]))
    return Origin(UNKNOWN, ("the log names no file, folder, home, user or host that this machine could be compared with",))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _places(parsed) -> list[tuple[str, str]]:
    """The sampled places, then the paths the events name (link lines, the loader's and MKL's messages)."""
    from mkldoctor.explain.events import LinkCommand, MissingLibrary, UndefinedSymbol
    from mkldoctor.explain.hosts import HostCannotLoad, LoaderMissing, SymbolLookupError
    from mkldoctor.explain.platforms import ForeignLoadFailed
    from mkldoctor.explain.runtime import MklKernelUndefined, MklOpenFailed

    out = list(parsed.places)
    out += [("platform", e.platform) for e in parsed.of(ForeignLoadFailed)]
    out += [("platform", "macOS (Apple's linker, ld64)") for e in (*parsed.of(MissingLibrary), *parsed.of(UndefinedSymbol))
            if e.linker == "ld64"][:1]
    for command in parsed.of(LinkCommand):
        out += [("path", p) for p in (*command.lib_dirs, *command.inputs, *command.rpaths) if p.startswith("/")]
        if command.argv[0].startswith("/"):
            out.append(("path", command.argv[0]))
    for event in parsed.of(LoaderMissing):
        out.append(("binary", f"{event.binary}\t{event.soname}"))
    for event in parsed.of(SymbolLookupError) + parsed.of(MklKernelUndefined) + parsed.of(MklOpenFailed) + parsed.of(HostCannotLoad):
        path = getattr(event, "library", None) or getattr(event, "path", "")
        if path.startswith("/"):
            out.append(("path", path))
    out += [("path", e.path) for e in parsed.of(MissingLibrary) if e.path]
    out += [("path", e.referenced_from) for e in parsed.of(UndefinedSymbol) if (e.referenced_from or "").startswith("/")]
    return _unique(out)


def _judge(kind: str, value: str, parsed, machine: Machine) -> tuple[str, str] | None:
    """("here" | "away" | "foreign", why) for one place, or None when it tells nothing."""
    if kind == "windows":
        return "foreign", f"the log names Windows paths ({value[:60]}): another platform"
    if kind == "platform":
        return "foreign", f"the log is a {value} failure: another platform"
    if kind == "foreign":
        if re.fullmatch(r"LNK\d{4}", value, re.I):  # a code of Microsoft's linker, not a file
            return "foreign", f"the log names {value}, a code of Microsoft's linker (link.exe): another platform"
        platform = "macOS" if value.lower().endswith(".dylib") else "Windows"
        return "foreign", f"the log names {value}, a {platform} file: another platform"
    if kind == "prompt":
        user, host = value.split("@", 1)
        if host == machine.host:
            return "here", f"the log's shell prompt is {value}, this machine's host name"
        return "away", f"the log's shell prompt is {value}; this machine is {machine.user}@{machine.host}"
    if kind in ("active", "session", "resolved"):
        return None  # which environment the shell had activated, or an IPython session, says nothing of the machine
    if kind == "binary":
        return _judge_binary(*value.split("\t", 1))
    path = value.rstrip("/")
    if path.count("/") < 2:
        return None  # a top folder (/home, /opt): every machine has it
    if _MACOS.search(path) and not os.path.exists(path):
        return "foreign", f"the log names macOS paths ({path}): another platform"
    home = _HOMES.match(path)
    exists = os.path.lexists(path)
    if exists and (not path.startswith(_SYSTEM) or _mkl_file(path) or path.startswith("/tmp/") and path.count("/") > 2):
        return _same_kind(path)  # a file of this log's own making, or an MKL library, is here
    if exists:
        return None  # a folder or file every machine has
    parent = os.path.dirname(path)
    if parent.count("/") > 2 and os.path.isdir(parent) and not parent.startswith(tuple(s for s in _SYSTEM if s != "/tmp/")):
        # a file the log's program looked for in vain (MKL's "cannot open /x/libmkl_core.so.3") in a folder that is here
        return "here", f"{parent}, the folder the log looked in for {os.path.basename(path)}, is here"
    if home:
        owner = home.group("user") or "root"
        here_home = os.path.realpath(machine.home)
        if path.startswith(here_home + "/"):
            return "away", f"{path} is not here, though it is in this machine's home"
        return "away", f"{path} is in the home of {owner}; this machine's home is {machine.home}, and the path is not here"
    python = places.python_prefix(path)
    if python:
        return "away", f"the log's Python runs from {python}, which is not on this machine"
    if path.startswith("/tmp/"):
        return None  # a temporary folder: gone here says nothing
    return "away", f"{path} is not on this machine"


def log_platform(parsed) -> str | None:
    """The operating system the log's own paths and files say it comes from: "Windows" (``C:\\`` paths, ``.dll``, ``.exe``,
    ``.pyd``, ``LNK1181``), "macOS" (``.dylib``, ``/Users/`` and other macOS folders not on this machine), "Linux" (``.so``
    files, the loader's messages, ``/home/``), "FreeBSD" (its run-time linker's words), or None (nothing said, or two
    said): a remedy of another platform is no remedy for that log."""
    from mkldoctor.explain.events import MissingLibrary, UndefinedSymbol
    from mkldoctor.explain.hosts import LoaderMissing, SymbolLookupError
    from mkldoctor.explain.platforms import ForeignLoadFailed

    said = {e.platform for e in parsed.of(ForeignLoadFailed)}
    said |= {e.system or "Linux" for e in parsed.of(LoaderMissing)}  # glibc's words, or another system's loader's
    if parsed.of(SymbolLookupError):
        said.add("Linux")
    if any(e.linker == "ld64" for e in (*parsed.of(MissingLibrary), *parsed.of(UndefinedSymbol))):  # Apple's linker
        said.add("macOS")
    for kind, value in parsed.places:
        if kind == "windows":
            said.add("Windows")
        elif kind == "foreign":
            said.add("macOS" if value.lower().endswith(".dylib") else "Windows")
        elif kind == "path" and _MACOS.search(value.rstrip("/")) and not os.path.exists(value):
            said.add("macOS")
        elif kind == "path" and (_LINUX.search(value) or value.startswith("/home/")) and "darwin" not in value:
            said.add("Linux")
    return said.pop() if len(said) == 1 else None


_LINUX = re.compile(r"/lib[\w.+-]*\.so(?:\.\d+)*$")  # a shared library (a Python extension is a .so on macOS too)


def _mkl_file(path: str) -> bool:
    return os.path.basename(path).startswith(("libmkl_", "libiomp5"))


def _same_kind(path: str) -> tuple[str, str] | None:
    """A path of the log that exists here: a library the log names must be a library here too (not just any file)."""
    if re.search(r"\.so(?:\.\d+)*$|\.a$", path) and os.path.isfile(path):
        from mkldoctor.binary.dynamic import read_dynamic

        if path.endswith(".a") or read_dynamic(path) is not None:
            return "here", f"{path}, which the log names, is here (the same library)"
        return "away", f"{path} is here but is not a library, as the log has it"
    return "here", f"{path}, which the log names, is here"


def _judge_binary(binary: str, soname: str) -> tuple[str, str] | None:
    """A program the loader could not start: here when the same program here needs the same library."""
    if "/" not in binary or not os.path.isfile(binary):
        if binary.startswith("/"):
            return "away", f"{binary}, the program the loader could not start, is not on this machine"
        return None
    from mkldoctor.binary.dynamic import read_dynamic

    info = read_dynamic(binary)
    if info is not None and soname in info.needed:
        return "here", f"{binary} is here and needs {soname}, as the log says"
    return "away", f"{binary} is here but does not need {soname}: another program than the log's"


def there(command: str, tells: str) -> str:
    """A fact only the log's machine can tell: the one command to run there."""
    return f"on the log's machine: {command}   # {tells}"
