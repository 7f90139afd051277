#!/usr/bin/env python3
"""Run a Python check once per state of what it reads (``dev/test``'s knowledge checks).

    python3 dev/once.py tools/gen_knowledge.py --check

The script runs in this process, as ``python3 SCRIPT ARGS`` would run it, under an audit hook
that records every file it opens for reading, every folder it lists and every environment
variable it looks up: the inputs are what the run itself read, not a list kept beside the
script that would drift from it. When the script exits 0, a stamp with those inputs (each
file's sha256, each listing, each value) and the script's last output line is written
atomically to ``$XDG_CACHE_HOME/mkldoctor/stamps/``, one per checkout, python and command.

The next run verifies the stamp: every recorded input is read again and compared. When all are
as recorded, the script is not run and its last line is printed with "(unchanged)". Like git's
index, a file whose size, mtime, ctime and inode are as recorded counts as unchanged without
being read again (its ctime changes on any write); any other file is hashed. A stamp that
cannot be read, or any difference, runs the script as the first time.
"""

from __future__ import annotations

import collections.abc
import contextlib
import hashlib
import io
import json
import os
import runpy
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP_VERSION = 1
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@dataclass
class Reads:
    """What a run looked at: files opened for reading, folders listed, variables looked up."""

    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    recording: bool = True

    def hook(self, event: str, args: tuple) -> None:
        if not self.recording:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            path, mode, flags = args
            reading = ("r" in mode and "+" not in mode) if isinstance(mode, str) else not (flags or 0) & _WRITE_FLAGS
            if reading:
                self.files.add(os.path.abspath(os.fsdecode(path)))
        elif event in ("os.listdir", "os.scandir") and isinstance(args[0], (str, bytes, os.PathLike)):
            # the import system lists every folder on sys.path; the modules it loads are recorded as files
            if not sys._getframe(1).f_code.co_filename.startswith("<frozen importlib"):
                self.folders.add(os.path.abspath(os.fsdecode(args[0])))


class _WatchedEnviron(collections.abc.MutableMapping):
    """os.environ that notes each name looked up (a check may read HOME or XDG_CACHE_HOME)."""

    def __init__(self, real: collections.abc.MutableMapping, reads: Reads):
        self._real, self._reads = real, reads

    def __getitem__(self, name):
        self._reads.variables.add(name)
        return self._real[name]

    def __contains__(self, name):
        self._reads.variables.add(name)
        return name in self._real

    def __setitem__(self, name, value):
        self._real[name] = value

    def __delitem__(self, name):
        del self._real[name]

    def __iter__(self):
        return iter(self._real)

    def __len__(self):
        return len(self._real)

    def copy(self) -> dict:
        return dict(self)


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_state(path: str, known: dict | None = None) -> dict | None:
    """{sha256, stat}; None for a file that is gone. ``known``: a recorded state whose stat, if
    identical, vouches for its sha256."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    if known and known.get("stat") == stat:
        return known
    try:
        return {"sha256": sha256_file(path), "stat": stat}
    except OSError:
        return None


def listing(folder: str) -> list[str] | None:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return None


def snapshot(reads: Reads) -> dict:
    files = {path: file_state(path) for path in sorted(reads.files)}
    return {
        "files": {path: state for path, state in files.items() if state is not None},
        "folders": {folder: listing(folder) for folder in sorted(reads.folders)},
        "variables": {name: os.environ.get(name) for name in sorted(reads.variables)},
    }


def unchanged(recorded: dict) -> dict | None:
    """The recorded inputs with fresh stat fields when every one is as recorded, else None."""
    files = {}
    for path, known in recorded["files"].items():
        state = file_state(path, known)
        if state is None or state["sha256"] != known["sha256"]:
            return None
        files[path] = state
    if any(listing(folder) != names for folder, names in recorded["folders"].items()):
        return None
    if any(os.environ.get(name) != value for name, value in recorded["variables"].items()):
        return None
    return dict(recorded, files=files)


def stamp_path(argv: list[str]) -> Path:
    from mkldoctor.cache import cache_folder

    key = json.dumps([STAMP_VERSION, os.getcwd(), sys.executable, sys.version, argv])
    return Path(cache_folder("stamps")) / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def read_stamp(path: Path, argv: list[str]) -> dict | None:
    try:
        stamp = json.loads(path.read_text())
        if stamp.get("version") != STAMP_VERSION or stamp.get("argv") != argv:
            return None
        inputs = stamp["inputs"]
        if not all(isinstance(inputs[k], dict) for k in ("files", "folders", "variables")):
            return None
        return stamp
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_stamp(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(document, handle)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _Tee(io.TextIOBase):
    """Passes output through and keeps the last non-empty line."""

    def __init__(self, real):
        self.real, self.last, self._partial = real, "", ""

    def write(self, text: str) -> int:
        self.real.write(text)
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        self.last = next((line for line in reversed(lines) if line.strip()), self.last)
        return len(text)

    def flush(self) -> None:
        self.real.flush()

    def final(self) -> str:
        return self._partial.strip() or self.last


def run_script(argv: list[str], reads: Reads) -> tuple[int, str]:
    """``python3 SCRIPT ARGS`` in this process: (exit status, its last output line)."""
    script = os.path.abspath(argv[0])
    sys.argv = [script, *argv[1:]]
    sys.path[0] = os.path.dirname(script)
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    reads.files.add(script)
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
    return status, out.final() or err.final()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    stamp_file = stamp_path(argv)
    stamp = read_stamp(stamp_file, argv)
    if stamp is not None:
        fresh = unchanged(stamp["inputs"])
        if fresh is not None:
            print(f"{stamp['last_line']} (unchanged)")
            if fresh != stamp["inputs"]:  # refresh the stat fields: the next run needs no hashing
                write_stamp(stamp_file, dict(stamp, inputs=fresh))
            return 0
    reads = Reads()
    sys.addaudithook(reads.hook)
    os.environ = _WatchedEnviron(os.environ, reads)
    status, last = run_script(argv, reads)
    reads.recording = False
    if status == 0:
        write_stamp(stamp_file, {"version": STAMP_VERSION, "argv": argv, "last_line": last,
                                 "inputs": snapshot(reads)})
    else:
        with contextlib.suppress(OSError):
            stamp_file.unlink()
    return status


if __name__ == "__main__":
    sys.path.insert(1, str(ROOT))  # mkldoctor.cache, without the package installed
    sys.exit(main(sys.argv[1:]))
