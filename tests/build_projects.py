"""Run the real build tools (cmake, meson) on the trimmed build files of real projects and record what they did.

The ground truth for `check`'s CMake/Meson prediction (issue 22). Each folder under
``tests/data/build-projects/`` holds one project's slice, its ``SOURCE.md`` and its ``scenarios.json``;
``run_scenario`` copies the slice into a scratch folder, configures it there (the slice itself is never
written), and returns a plain record: did it configure, the first error, the MKL files the generated link
line names (resolved as the linker resolves ``-l``), static or shared, interface, threading layer and copy.
Paths in a record are written relative to the fixture root (``$FIXTURES``), a prepared view
(``$VIEW{name}``) or the scratch copy (``$SOURCE``, ``$BUILD``), so records compare across machines.

``tools/observe_build_projects.py`` writes every record to ``observed.json``;
``tests/test_build_projects_truth.py`` re-runs a few and compares.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from build_views import VIEWS, make_view

DATA = Path(__file__).resolve().parent / "data" / "build-projects"
SLICE_META = ("SOURCE.md", "scenarios.json")  # ours, not the project's: never copied into the scratch source
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Variables a user's shell may carry that steer where cmake, meson, pkg-config or the linker look.
STEERING = ("MKLROOT", "MKL_DIR", "MKL_ROOT", "CMAKE_PREFIX_PATH", "CMAKE_LIBRARY_PATH", "CMAKE_INCLUDE_PATH",
            "PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "VIRTUAL_ENV",
            "CONDA_PREFIX", "TBBROOT", "TBB_DIR", "BLA_VENDOR", "ONEAPI_ROOT", "CMPLR_ROOT", "CC", "CXX", "FC")
MKL_NAME = re.compile(r"^lib(mkl_\w+|iomp5|tbb\w*)\.(so[.0-9]*|a)$")
# A BLAS that is not MKL but that a BLA_VENDOR search may take instead: recorded too, so "took another BLAS" shows.
OTHER_BLAS = re.compile(r"^lib(openblas\w*|blas\w*|lapack\w*|cblas|flexiblas\w*|gomp)\.(so[.0-9]*|a)$")
THREADING = {"mkl_sequential": "sequential", "mkl_intel_thread": "intel", "mkl_gnu_thread": "gnu",
             "mkl_tbb_thread": "tbb", "mkl_rt": "runtime (mkl_rt)"}


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    fast: bool = False  # cheap enough for the live truth test


@dataclass(frozen=True)
class Project:
    name: str
    tool: str  # "cmake" or "meson"
    scenarios: tuple[Scenario, ...]


@dataclass(frozen=True)
class Record:
    configured: bool
    error: str | None
    mkl_files: list[str]
    link: str | None  # "static", "shared", "mixed" or None when no MKL file is linked
    interface: str | None
    threading: str | None
    copy: str | None
    link_items: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)


def projects() -> list[str]:
    return sorted(p.name for p in DATA.iterdir() if (p / "scenarios.json").is_file())


def load(name: str) -> Project:
    raw = json.loads((DATA / name / "scenarios.json").read_text())
    scenarios = tuple(Scenario(s["name"], s["what"], tuple(s.get("args", ())), tuple(sorted(s.get("env", {}).items())),
                               bool(s.get("fast", False))) for s in raw["scenarios"])
    return Project(name, raw["tool"], scenarios)


def tool_versions() -> dict[str, str]:
    return {"cmake": _version([_cmake(), "--version"]).replace("cmake version ", ""),
            "meson": _version([_meson(), "--version"]),
            "fortran compiler": "gfortran" if shutil.which("gfortran") else "none"}


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.split("\n")[0].strip()
    except OSError:
        return "missing"


# -- running ------------------------------------------------------------------------------------------


def run_scenario(project: Project, scenario: Scenario, fixtures: Path, scratch: Path) -> Record:
    """Configure a fresh copy of ``project``'s slice under ``scratch/<project>/<scenario>`` and record it."""
    work = scratch / project.name / scenario.name
    shutil.rmtree(work, ignore_errors=True)
    source, build, home = work / "src", work / "build", work / "home"
    shutil.copytree(DATA / project.name, source, ignore=shutil.ignore_patterns(*SLICE_META))
    home.mkdir()
    places = _places(fixtures, scratch, source, build)
    env = _environment(scenario, places, home)
    args = [_expand(a, places) for a in scenario.args]
    run = _configure_cmake if project.tool == "cmake" else _configure_meson
    ok, out, evidence = run(source, build, args, env)
    return _record(ok, out, build, project.tool, evidence, places, env.get("LIBRARY_PATH", ""))


def _places(fixtures: Path, scratch: Path, source: Path, build: Path) -> dict[str, Path]:
    """Placeholder -> folder; views are made on first use and shared by the scenarios of one scratch root."""
    places = {"$SOURCE": source, "$BUILD": build, "$FIXTURES": fixtures}
    for name in VIEWS:
        places["$VIEW{%s}" % name] = scratch / "views" / name
    return places


def _expand(text: str, places: dict[str, Path]) -> str:
    for key, path in places.items():
        if key in text:
            if key.startswith("$VIEW{"):
                make_view(key[6:-1], places["$FIXTURES"], path)
            text = text.replace(key, str(path))
    return text


def _environment(scenario: Scenario, places: dict[str, Path], home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STEERING and not k.startswith(("CMAKE_", "MESON"))}
    env.update(PATH=SYSTEM_PATH, HOME=str(home), LC_ALL="C", NINJA=_ninja())
    for key, value in scenario.env:
        env[key] = _expand(value, places)
    return env


def _tool(name: str) -> str:
    """The tool beside this Python (the venv's meson and ninja), else the one on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def _cmake() -> str:
    return shutil.which("cmake") or "cmake"


def _meson() -> str:
    return _tool("meson")


def _ninja() -> str:
    return _tool("ninja")


def _configure_cmake(source: Path, build: Path, args: list[str], env: dict[str, str]) -> tuple[bool, str, dict]:
    cmd = [_cmake(), "-B", str(build), "--debug-find-pkg=MKL"]
    if "--preset" in args:  # presets name their generator (Ninja): give cmake the venv's ninja
        cmd += [f"-DCMAKE_MAKE_PROGRAM={_ninja()}"]
    else:
        cmd += ["-S", str(source), "-G", "Unix Makefiles"]
    done = subprocess.run(cmd + args, cwd=source, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    return done.returncode == 0, out, _cmake_evidence(out, build)


def _configure_meson(source: Path, build: Path, args: list[str], env: dict[str, str]) -> tuple[bool, str, dict]:
    cmd = [_meson(), "setup", str(build), str(source), *args]
    done = subprocess.run(cmd, cwd=source, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    return done.returncode == 0, out, _meson_evidence(build, env)


# -- reading what the tool did ------------------------------------------------------------------------


def _cmake_evidence(out: str, build: Path) -> dict[str, str]:
    """The MKL config file cmake took (--debug-find-pkg=MKL) and the cache entries that locate MKL or a BLAS."""
    evidence = {}
    found = re.findall(r"The file was found at\s+(\S+)", out)
    if "find_package considered the following" in out:
        evidence["MKL package file"] = found[0] if found else "not found"
    cache = build / "CMakeCache.txt"
    if cache.is_file():
        for line in cache.read_text(errors="replace").splitlines():
            m = re.match(r"^([A-Za-z_][\w\-]*):(?:FILEPATH|PATH|STRING|INTERNAL|UNINITIALIZED)=(.*)$", line)
            if m and _telling(m.group(1), m.group(2)):
                evidence[f"cache {m.group(1)}"] = m.group(2)
    return evidence


def _telling(name: str, value: str) -> bool:
    """Cache entries that say where MKL or a BLAS came from (not every internal test result, nor every other
    vendor's library a FindBLAS search did not find)."""
    upper = name.upper()
    if not value or (value.endswith("-NOTFOUND") and not re.search(r"MKL|IOMP|TBB|_DIR$", upper)):
        return False
    if upper.startswith(("CMAKE_", "FIND_PACKAGE_MESSAGE")) or upper.endswith(("_WORKS", "_FOUND_INFO")):
        return False
    if re.search(r"SYCL|BLACS|SCALAPACK|CDFT|_MPI$", upper):  # MKL parts no slice links: noise in the record
        return False
    return bool(re.search(r"MKL|BLAS|LAPACK|IOMP|TBB", upper)) and bool(
        re.search(r"(_LIBRARY|_LIBRARIES|_LOCATION|_DIR|ROOT|_PATH|_INCLUDE\w*|_THREADING|_INTERFACE|_LINK|_VENDOR|^MKL_\w+)$", upper))


def _meson_evidence(build: Path, env: dict[str, str]) -> dict[str, str]:
    info = build / "meson-info" / "intro-dependencies.json"
    if not info.is_file():
        return {}
    evidence = {}
    for dep in json.loads(info.read_text()):
        if dep.get("type") == "internal":
            continue
        evidence[f"dependency {dep['name']}"] = f"{dep.get('type')} {dep.get('version')}".strip()
    return evidence


def _link_items(build: Path) -> list[str]:
    """The libraries of every generated link line: cmake's link.txt/build.ninja, meson's build.ninja."""
    lines = []
    ninja = build / "build.ninja"
    if ninja.is_file():
        text = ninja.read_text(errors="replace")
        lines += re.findall(r"^\s+(?:LINK_LIBRARIES|LINK_ARGS) = (.*)$", text, re.M)
    for link in sorted(build.glob("**/CMakeFiles/*.dir/link.txt")):
        if "CMakeScratch" in link.parts or "CMakeTmp" in link.parts:
            continue
        words = shlex.split(link.read_text())
        lines.append(shlex.join(w for w in words if not w.endswith(".o") and w not in ("-o",)))
    items = []  # repeats within a line are kept: listing archives twice is how some projects resolve MKL's cycles
    for line in dict.fromkeys(lines):
        items += [word for word in shlex.split(line) if not word.endswith(".o")]
    return items


def _record(ok: bool, out: str, build: Path, tool: str, evidence: dict, places: dict[str, Path],
            library_path: str) -> Record:
    items = _link_items(build) if ok else []
    files = _resolve(items, [d for d in library_path.split(":") if d])
    mkl = [f for f in files if _is_blas(f)]
    rel = lambda s: _relative(s, places)  # noqa: E731
    return Record(
        configured=ok,
        error=None if ok else rel(_first_error(out, tool)),
        mkl_files=[rel(f) for f in mkl],
        link=_link_kind(mkl),
        interface=_interface(mkl),
        threading=_threading(mkl),
        copy=_copy(mkl, places),
        link_items=[rel(os.path.normpath(i) if os.path.isabs(i) else i) for i in items if _mentions_blas(i)],
        warnings=[rel(w) for w in _warnings(out, tool)],
        evidence={k: rel(v) for k, v in evidence.items()},
    )


def _is_blas(path: str) -> bool:
    name = os.path.basename(path)
    if path.startswith("-l"):  # unresolved: no folder on the link line has it
        name = f"lib{path[2:]}.so"
    return bool(MKL_NAME.match(name) or OTHER_BLAS.match(name))


def _mentions_blas(item: str) -> bool:
    if item.startswith(("-Wl,--start-group", "-Wl,--end-group")):
        return True  # whether static MKL archives are grouped decides whether their link resolves
    if item.startswith("-Wl,-soname,") or ("/" not in item and not item.startswith("-")):
        return False  # the project's own output, whatever its name says
    return bool(re.search(r"mkl_|iomp|tbb|blas|lapack|gomp|openmp", item, re.I))


def _first_error(out: str, tool: str) -> str:
    if tool == "meson":
        lines = [line for line in out.splitlines() if "ERROR:" in line]
        return lines[0].strip() if lines else out.strip().splitlines()[-1]
    block = re.search(r"^CMake Error.*?(?=^Call Stack|^-- |^CMake (?:Warning|Error)|\n\n\n|\Z)", out[out.find("CMake Error"):], re.S | re.M)
    text = block.group(0) if block else out.strip().splitlines()[-1]
    text = re.sub(r"TryCompile-\w+", "TryCompile-*", text)  # a random folder name: not part of the outcome
    return " ".join(text.split())[:600]


def _warnings(out: str, tool: str) -> list[str]:
    """The project's own warnings (CMake Warning blocks, meson WARNING lines) that mention MKL or a BLAS."""
    if tool == "meson":
        found = [line.strip() for line in out.splitlines() if "WARNING:" in line]
    else:
        found = [" ".join(b.split()) for b in re.findall(r"^CMake Warning.*?(?=^Call Stack|^-- |^CMake |\n\n\n|\Z)", out, re.S | re.M)]
    return [w[:400] for w in found if re.search(r"mkl|blas|lapack|tbb|openmp", w, re.I)][:4]


def _resolve(items: list[str], library_path: list[str]) -> list[str]:
    """Each library of a link line as the file ld takes: a path as written, ``-lNAME`` through the ``-L``
    folders, then ``LIBRARY_PATH`` (gcc passes it after them), then gcc's own, ``.so`` before ``.a`` unless
    ``-Bstatic`` is in force."""
    dirs = [i[2:] for i in items if i.startswith("-L")] + library_path + _gcc_dirs()
    files, static = [], False
    for item in items:
        for flag in item.split(",") if item.startswith("-Wl,") else [item]:
            if flag in ("-Bstatic", "-static"):
                static = True
            elif flag in ("-Bdynamic",):
                static = False
        if item.startswith("-l"):
            found = _search(item[2:], dirs, static)
            files.append(found or item)  # kept as written when no folder has it: the link would fail on it
        elif os.path.isabs(item) and re.search(r"\.(a|so[.0-9]*)$", item):
            files.append(os.path.normpath(item))
    return list(dict.fromkeys(files))


def _search(name: str, dirs: list[str], static: bool) -> str | None:
    if name.startswith(":"):
        names = [name[1:]]
    else:
        names = [f"lib{name}.a"] if static else [f"lib{name}.so", f"lib{name}.a"]
    for folder in dirs:
        for candidate in names:
            path = os.path.join(folder, candidate)
            if os.path.exists(path):
                return os.path.normpath(path)
    return None


_GCC_DIRS: list[str] = []


def _gcc_dirs() -> list[str]:
    if not _GCC_DIRS:
        out = subprocess.run(["gcc", "-print-search-dirs"], capture_output=True, text=True).stdout
        line = next((x for x in out.splitlines() if x.startswith("libraries:")), "libraries: =")
        _GCC_DIRS.extend(os.path.normpath(d) for d in line.split("=", 1)[1].split(":") if d)
    return _GCC_DIRS


def _link_kind(files: list[str]) -> str | None:
    mkl = [f for f in files if os.path.basename(f).startswith("libmkl_")]
    kinds = {"static" if f.endswith(".a") else "shared" for f in mkl}
    return None if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"


def _interface(files: list[str]) -> str | None:
    names = " ".join(os.path.basename(f) for f in files)
    found = sorted(set(re.findall(r"libmkl_(?:intel|gf)_(i?lp64)", names)))
    if found:
        return "+".join(found)
    return "chosen at run time (mkl_rt)" if "libmkl_rt." in names else None


def _threading(files: list[str]) -> str | None:
    names = {re.sub(r"^lib|\.(so[.0-9]*|a)$", "", os.path.basename(f)) for f in files}
    found = sorted({layer for lib, layer in THREADING.items() if lib in names})
    return "+".join(found) if found else None


def _copy(files: list[str], places: dict[str, Path]) -> str | None:
    """The folder the MKL libraries come from, written as a placeholder when it is a fixture or view."""
    folders = sorted({_relative(os.path.dirname(f), places) for f in files if os.path.basename(f).startswith("libmkl_")})
    return " + ".join(folders) if folders else None


def _relative(text: str, places: dict[str, Path]) -> str:
    # longest first: a view lives inside the scratch folder, the build beside the source
    for key, path in sorted(places.items(), key=lambda kv: -len(str(kv[1]))):
        text = text.replace(str(path), key)
        real = os.path.realpath(path)
        if real != str(path):
            text = text.replace(real, key)
    return text


def as_json(record: Record) -> dict:
    return asdict(record)
