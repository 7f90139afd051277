"""``check --configure``: the project's real configure step (``cmake``, ``meson setup``), run on a copy of the
project in a scratch folder, and what it linked read back (the generated link lines: cmake's ``link.txt``, meson's
``build.ninja``), beside the prediction; a disagreement is a finding. This runs the project's build files, so it is
opt-in. The project itself is never written: the tool runs on a copy (cmake may write where its presets say, a
project's own code anywhere under its source folder), and the project's files are listed before and after."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

from mkldoctor.diagnose.buildpredict import BuildPrediction, LinkedMkl, headline, summarize
from mkldoctor.diagnose.cmakeread.linkline import resolve
from mkldoctor.diagnose.cmakeread.machine import read_machine
from mkldoctor.findings import Finding
from mkldoctor.programs import find_program
from mkldoctor.rootfs import RootFS

TIMEOUT = 600
MAX_COPY_BYTES = 512 << 20
MAX_COPY_FILES = 100_000
_SKIP = {".git", ".hg", ".svn", "target", "node_modules", ".venv", "__pycache__", ".mkldoctor-predicted-build"}


@dataclass
class Observed:
    ran: bool
    configured: bool = False
    error: str | None = None
    linked: LinkedMkl = field(default_factory=LinkedMkl)
    command: str = ""
    why_not: str = ""  # when not run
    project_changed: bool = False


def _listing(top: str) -> str:
    """Names, sizes and times of the project's files: what must not change while the tool runs."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in (".git",))
        for name in sorted(files):
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            digest.update(f"{os.path.relpath(os.path.join(folder, name), top)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        digest.update(f"{folder}\n".encode())
    return digest.hexdigest()


def _copy(top: str, target: str) -> str | None:
    """The project copied to ``target`` (no VCS, build or tool folders); why not, when it is too large."""
    total = count = 0
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in _SKIP and d != "build" and not d.startswith(("build-", "cmake-build"))]
        rel = os.path.relpath(folder, top)
        os.makedirs(os.path.join(target, rel), exist_ok=True)
        for name in files:
            source = os.path.join(folder, name)
            if os.path.islink(source) or not os.path.isfile(source):
                continue
            total += os.path.getsize(source)
            count += 1
            if total > MAX_COPY_BYTES or count > MAX_COPY_FILES:
                return f"the project is larger than {MAX_COPY_BYTES >> 20} MiB or {MAX_COPY_FILES} files: not copied"
            shutil.copy2(source, os.path.join(target, rel, name))
    return None


def observe(project: str, build: BuildPrediction, env: dict[str, str]) -> Observed:
    top = os.path.abspath(project)
    tool = "cmake" if build.tool == "cmake" else "meson"
    program = find_program(tool, env.get("PATH"))
    if program is None:
        return Observed(False, why_not=f"{tool} is not on PATH")
    before = _listing(top)
    with tempfile.TemporaryDirectory(prefix="mkldoctor-configure-") as scratch:
        source, out = os.path.join(scratch, "src"), os.path.join(scratch, "build")
        too_big = _copy(top, source)
        if too_big:
            return Observed(False, why_not=too_big)
        run_env = {**env, **build.env}
        if tool == "cmake":
            cmd = [program, "-S", source, "-B", out, "--debug-find-pkg=MKL", "-DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON"]
            cmd += (["--preset", build.preset] if build.preset else ["-G", "Unix Makefiles"])
            cmd += [f"-D{d}" for d in build.given]
        else:
            cmd = [program, "setup", out, source, *[f"-D{d}" for d in build.given]]
        try:
            done = subprocess.run(cmd, cwd=source, env=run_env, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return Observed(True, False, f"{tool} did not finish in {TIMEOUT} s", command=shlex.join(cmd))
        text = done.stdout + done.stderr
        observed = Observed(True, done.returncode == 0, None if done.returncode == 0 else _first_error(text, tool),
                            command=shlex.join(cmd).replace(source, "<copy>").replace(out, "<build>"))
        if observed.configured:
            items = _link_items(out)
            machine = read_machine(RootFS("/"), run_env)
            library_path = [d for d in run_env.get("LIBRARY_PATH", "").split(":") if d]
            files = resolve(items, library_path, list(machine.gcc_dirs), os.path.isfile)
            observed.linked = summarize([f.replace(source, top) for f in files])
    observed.project_changed = _listing(top) != before
    return observed


def _first_error(out: str, tool: str) -> str:
    if tool == "meson":
        lines = [line for line in out.splitlines() if "ERROR:" in line]
        return re.sub(r"^\S*meson\.build:\d+:\d+: ERROR: |^ERROR: ", "", lines[0].strip()) if lines else out.strip()[-400:]
    start = out.find("CMake Error")
    if start < 0:
        return out.strip().splitlines()[-1] if out.strip() else "cmake failed"
    block = out[start:].split("\n", 1)[1] if "\n" in out[start:] else ""
    block = re.split(r"\n(?:Call Stack|-- |CMake (?:Warning|Error))", block)[0]
    return " ".join(block.split())


def _link_items(build: str) -> list[str]:
    lines: list[str] = []
    ninja = os.path.join(build, "build.ninja")
    if os.path.isfile(ninja):
        with open(ninja, encoding="utf-8", errors="replace") as handle:
            lines += re.findall(r"^\s+(?:LINK_LIBRARIES|LINK_ARGS) = (.*)$", handle.read(), re.M)
    for folder, dirs, files in os.walk(build):
        dirs[:] = [d for d in dirs if d not in ("CMakeScratch", "CMakeTmp")]
        if "link.txt" in files and folder.endswith(".dir"):
            with open(os.path.join(folder, "link.txt"), encoding="utf-8", errors="replace") as handle:
                lines.append(handle.read())
    items: list[str] = []
    for line in dict.fromkeys(lines):
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        items += [w for w in words if not w.endswith(".o")]
    return items


def findings(observed: Observed, build: BuildPrediction) -> list[Finding]:
    if not observed.ran:
        return [Finding("configure-observed", "info", f"--configure: not run: {observed.why_not}", (observed.why_not,), ())]
    if observed.project_changed:
        return [Finding("configure-differs", "error", "--configure: the project's files changed while the tool ran "
                        "on a copy of it", (observed.command,), ("check the project folder for files it did not have",))]
    what = ("configured" if observed.configured else f"stopped: {headline(observed.error or '')}")
    linked = f"; links {', '.join(os.path.basename(f) for f in observed.linked.files)}: {observed.linked.words()}" \
        if observed.linked.mkl else ("; links no MKL" if observed.configured else "")
    out = [Finding("configure-observed", "info", f"the real {build.tool} {what}{linked}", (observed.command,), ())]
    differences = _differences(observed, build)
    if differences:
        out.append(Finding("configure-differs", "warning", f"the real {build.tool} does not do what check predicted: "
                           f"{differences[0]}", tuple(differences), ("trust the real tool's outcome; the prediction's "
                           "other findings are judged against what it predicted",),
                           "check --configure ran the project's real configure step on a copy of it."))
    return out


def _differences(observed: Observed, build: BuildPrediction) -> list[str]:
    if not build.predicted:
        return []
    out = []
    if observed.configured != build.configured:
        out.append(f"it {'configures' if observed.configured else 'stops'}; predicted: "
                   f"{'configures' if build.configured else 'stops: ' + build.headline}")
    elif observed.configured:
        mine, theirs = build.linked, observed.linked
        for key in ("link", "interface", "threading", "folders"):
            if getattr(mine, key) != getattr(theirs, key):
                out.append(f"{key}: {getattr(theirs, key) or 'none'}; predicted: {getattr(mine, key) or 'none'}")
        if sorted(os.path.basename(f) for f in mine.files) != sorted(os.path.basename(f) for f in theirs.files):
            out.append(f"files: {', '.join(os.path.basename(f) for f in theirs.files) or 'none'}; predicted: "
                       f"{', '.join(os.path.basename(f) for f in mine.files) or 'none'}")
    return out
