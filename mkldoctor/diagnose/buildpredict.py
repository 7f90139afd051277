"""What the project's own build tool will do, predicted by reading its files (cmake's configure step, meson
setup), said in check's words: does it configure (or what it stops on, and where), which MKL files its link lines
name, static or shared, interface, threading layer, from which folder; what it looked up on the way; what the
reader does not model. One record for both tools, so check's rules and --configure read one shape."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from mkldoctor.diagnose.cmakeread.presets import Preset
from mkldoctor.diagnose.tree import project_files
from mkldoctor.findings import Location, input_path
from mkldoctor.knowledge import layout

MKL_WORDS = re.compile(r"mkl|intel10_64", re.I)


@dataclass(frozen=True)
class LinkedMkl:
    """The MKL part of the link lines: files as ld takes them and what they say."""

    files: tuple[str, ...] = ()  # libmkl_*, libiomp5, libtbb: paths, or -lNAME where ld finds none
    link: str | None = None  # "static", "shared", "mixed"; None when no MKL file is found
    interface: str | None = None  # "lp64", "ilp64", "runtime" (libmkl_rt picks it), or "lp64+ilp64"
    threading: str | None = None  # mkldoctor's word, or "runtime" (libmkl_rt)
    folders: tuple[str, ...] = ()

    @property
    def mkl(self) -> bool:
        return any(layout.any_mkl_file(os.path.basename(f)) or f.startswith("-lmkl") for f in self.files)

    @property
    def unresolved(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.startswith("-l"))

    def words(self) -> str:
        """``a static LP64 link, sequential layer``: what a finding says of it."""
        if self.link is None:
            return f"{', '.join(self.unresolved)}, which ld finds nowhere: the link would fail"
        if self.interface == "runtime":
            return f"a {self.link} link of libmkl_rt (interface and threading layer chosen at run time)"
        layer = f"{self.threading} threading layer" if self.threading else "no threading layer"
        return f"a {self.link} {(self.interface or 'no-interface').upper()} link, {layer}"


def summarize(files: list[str]) -> LinkedMkl:
    """The MKL files among a link line's and what they are, read from the layout table."""
    found = [f for f in files if _mkl_part(f)]
    mkl = [f for f in found if f.startswith("/") and layout.any_mkl_file(os.path.basename(f))]
    kinds = {"static" if f.endswith(".a") else "shared" for f in mkl}
    entries = [layout.get(os.path.basename(f)) for f in mkl]
    interfaces = sorted({e.integers for e in entries if e is not None and e.role == "interface" and e.integers})
    threads = sorted({e.spelled("mkldoctor") or e.short for e in entries if e is not None and e.role == "threading"})
    rt = any(e is not None and e.role == "rt" for e in entries)
    interface = "+".join(interfaces) or ("runtime" if rt else None)
    threading = "+".join(threads) or ("runtime" if rt else None)
    return LinkedMkl(tuple(found), None if not kinds else kinds.pop() if len(kinds) == 1 else "mixed",
                     interface, threading, tuple(sorted({os.path.dirname(f) for f in mkl})))


def _mkl_part(path: str) -> bool:
    name = os.path.basename(path)
    if path.startswith("-l"):
        name = f"lib{path[2:]}.so"
    return bool(layout.library_file(("iomp5", "tbb")).match(name))


@dataclass
class BuildPrediction:
    tool: str  # "cmake" or "meson"
    configured: bool
    linked: LinkedMkl
    error: str | None = None  # what the tool stops with
    error_at: Location | None = None
    unmodelled: str | None = None  # the reader stopped here: the outcome is not predicted
    unmodelled_at: Location | None = None
    notes: list[tuple[str, Location | None]] = field(default_factory=list)  # what the reader does not model
    lookups: list[str] = field(default_factory=list)  # the MKL/BLAS lookups, in words, as evidence
    looked_for_mkl: bool = False  # some lookup of MKL (or of a BLAS that may be MKL) happened
    found_mkl: bool = False  # and one found it (a project without targets links nothing even so)
    targets: int = 0  # the targets that get a link line
    config_prefix: str | None = None  # the prefix of the MKLConfig.cmake find_package loaded
    options: dict[str, tuple[str, Location | None]] = field(default_factory=dict)  # the project's options
    given: tuple[str, ...] = ()  # -D NAME=VALUE as given
    preset: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # the environment the tool runs with

    @property
    def predicted(self) -> bool:
        return self.unmodelled is None

    @property
    def headline(self) -> str:
        """The tool's error in one line: a package's own reason when it gives one."""
        return headline(self.error or "")


def headline(error: str) -> str:
    text = " ".join(error.split())
    reason = re.search(r"Found package configuration file: (\S+) but it set \S+ to FALSE .*?Reason given by package: (.*)",
                       text)
    if reason:
        return f"{reason.group(1)} says: {reason.group(2).strip()}"
    if text.startswith("By not providing") and "Could not find a package configuration file" in text:
        text = text[text.index("Could not find a package configuration file"):]
    first = text.split(". ")[0]
    return first if len(first) < 300 else first[:297] + "..."


def build_tool(top: str) -> str | None:
    if os.path.isfile(os.path.join(top, "CMakeLists.txt")):
        return "cmake"
    if os.path.isfile(os.path.join(top, "meson.build")):
        return "meson"
    return None


def concerns_mkl(top: str, tool: str) -> bool:
    """Whether the project's own build files mention MKL at all (an MKL option that is off counts)."""
    names = ("CMakeLists.txt", ".cmake") if tool == "cmake" else ("meson.build", "meson.options", "meson_options.txt")
    for path in project_files(top, names, depth=4):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = re.sub(r"#[^\n]*", "", handle.read(4 << 20))
        except OSError:
            continue
        if MKL_WORDS.search(text):
            return True
    return False


def predict_build(top: str, env: dict[str, str], definitions: tuple[str, ...] = (), preset: Preset | None = None,
                  root: str = "/") -> BuildPrediction | None:
    tool = build_tool(top)
    if tool == "cmake":
        return _from_cmake(top, env, definitions, preset, root)
    if tool == "meson":
        return _from_meson(top, env, definitions, root)
    return None


def _at(top: str, path: str, line: int, what: str) -> Location | None:
    if not path or not line or not (path == top or path.startswith(top.rstrip("/") + "/")):
        return None
    return Location(input_path(path, top), line, what)


def _from_cmake(top: str, env: dict[str, str], definitions, preset, root: str) -> BuildPrediction:
    from mkldoctor.diagnose.cmakeread.run import predict_configure

    run = predict_configure(top, env, list(definitions), preset, root)
    top = os.path.abspath(top)
    out = BuildPrediction("cmake", run.configured, summarize(run.files), given=tuple(definitions),
                          preset=preset.name if preset else None, env=run.env)
    if run.error is not None:
        out.error = run.error.message
        out.error_at = _at(top, run.error.path, run.error.line, "cmake stops here")
    if run.unmodelled is not None:
        out.unmodelled = run.unmodelled.what
        out.unmodelled_at = _at(top, run.unmodelled.path, run.unmodelled.line, "the reader stops here")
    out.notes = [(n.what, _at(top, n.path, n.line, n.what)) for n in run.record.notes]
    for lookup in run.record.packages:
        mklish = bool(MKL_WORDS.search(lookup.name)) or lookup.name.upper() in ("BLAS", "LAPACK")
        if lookup.name in ("TBB", "OpenMP") and not lookup.found:  # what a threading layer's runtime needs
            out.lookups.append(_runtime_lookup(lookup, top))
        if not mklish:
            continue
        out.looked_for_mkl = True
        out.found_mkl = out.found_mkl or lookup.found
        where = f"{input_path(lookup.path, top)}:{lookup.line}" if lookup.path.startswith(top) else lookup.path
        how = {"module": f"its find module {input_path(lookup.file or '', top)}", "config": f"config {lookup.file}",
               "native": "CMake's module"}[lookup.mode] if lookup.file or lookup.mode == "native" else "no config file"
        state = "found" if lookup.found else "NOT found" + (f": {lookup.reason.strip()}" if lookup.reason else "")
        out.lookups.append(f"{where}: find_package({lookup.name}{' REQUIRED' if lookup.required else ''}"
                           f"{' QUIET' if lookup.quiet else ''}) via {how}: {state}")
        if lookup.mode == "config" and lookup.file and lookup.name == "MKL":
            out.config_prefix = os.path.normpath(os.path.join(os.path.dirname(lookup.file), "..", "..", ".."))
    for search in run.record.searches:
        if any(MKL_WORDS.search(n) for n in search.names) and not search.cached:
            out.looked_for_mkl = True
    for test in run.record.tests:
        if any("mkl" in item.lower() for item in test.libraries):
            out.lookups.append(f"{input_path(test.path, top) if test.path.startswith(top) else test.path}:{test.line}: "
                               f"link test of {test.function}: {'passes' if test.passed else 'FAILS'} ({test.why})")
    out.targets = len(run.link_lines)
    out.options = {name: (default, _at(top, path, line, f"option {name}"))
                   for name, (default, path, line) in run.record.options.items()}
    return out


def _runtime_lookup(lookup, top: str) -> str:
    where = f"{input_path(lookup.path, top)}:{lookup.line}" if lookup.path.startswith(top) else lookup.path
    said = f"{where}: find_package({lookup.name}) found no {lookup.name}Config.cmake"
    if lookup.name == "TBB" and lookup.path and not lookup.path.startswith(top):
        folder = os.path.normpath(os.path.join(os.path.dirname(lookup.path), "..", ".."))  # <prefix>/lib of MKLConfig
        if any(os.path.exists(os.path.join(folder, n)) for n in ("libtbb.so", "libtbb.so.12")):
            said += (f" ({folder} has libtbb.so: the tbb wheel ships the library but no CMake config, so MKLConfig.cmake "
                     "stops for tbb_thread even with it)")
    return said


def _from_meson(top: str, env: dict[str, str], definitions, root: str) -> BuildPrediction:
    from mkldoctor.diagnose.mesonread.run import predict_setup

    run = predict_setup(top, env, list(definitions), root)
    top = os.path.abspath(top)
    out = BuildPrediction("meson", run.configured, summarize(run.files), given=tuple(definitions), env=dict(env))
    if run.error is not None:
        out.error = re.sub(r"^\S*meson\.build:\d+:\d+: ERROR: |^ERROR: ", "", run.error.message)
        out.error_at = _at(top, run.error.path, run.error.line, "meson setup stops here")
    if run.unmodelled is not None:
        out.unmodelled = run.unmodelled.what
        out.unmodelled_at = _at(top, run.unmodelled.path, run.unmodelled.line, "the reader stops here")
    out.notes = [(what, _at(top, path, line, what)) for what, path, line in run.notes]
    for dep in run.dependencies:
        if MKL_WORDS.search(dep.name) or dep.name in ("blas", "lapack", "cblas") or any(
                MKL_WORDS.search(a) for a in dep.link_args):
            out.looked_for_mkl = True
            out.found_mkl = out.found_mkl or dep.found
        state = f"found ({dep.why})" if dep.found else f"not found ({dep.why})"
        out.lookups.append(f"{'dependency' if dep.kind != 'library' else 'cc.find_library'}('{dep.name}'): {state}")
    out.targets = len(run.link_lines)
    out.options = {name: (str(value).lower() if isinstance(value, bool) else str(value),
                          Location("meson.options", run.option_lines.get(name, 0), f"option {name}")
                          if run.option_lines.get(name) else None) for name, value in run.options.items()}
    return out
