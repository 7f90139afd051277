"""One ``meson setup`` of a project, predicted: its options, its meson.build read, each executable's link line
resolved to files as ld takes them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mkldoctor.diagnose.cmakeread.linkline import resolve
from mkldoctor.diagnose.cmakeread.machine import Machine, read_machine
from mkldoctor.diagnose.mesonread import functions  # noqa: F401 - the interpreter's calls
from mkldoctor.diagnose.mesonread.deps import Dependency
from mkldoctor.diagnose.mesonread.interp import Interpreter, MesonError, NotModelled
from mkldoctor.diagnose.mesonread.options import declare
from mkldoctor.rootfs import RootFS, open_regular


@dataclass
class MesonRun:
    configured: bool
    error: MesonError | None
    unmodelled: NotModelled | None
    dependencies: list[Dependency] = field(default_factory=list)
    link_lines: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)  # each option's value for this setup
    option_lines: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[str, str, int]] = field(default_factory=list)
    machine: Machine | None = None


def parse_option(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"-D {text}: expected NAME=VALUE")
    return name.strip(), value


def _files(fs: RootFS, top: str):
    def host(path: str) -> bool:
        return fs.is_host or path == top or path.startswith(top.rstrip("/") + "/")

    def isfile(path: str) -> bool:
        return os.path.isfile(path) if host(path) else fs.isfile(path)

    def listdir(path: str) -> list[str]:
        try:
            return sorted(os.listdir(path)) if host(path) else fs.listdir(path)
        except OSError:
            return []

    def read(path: str, limit: int) -> str | None:
        try:
            with (open_regular(path) if host(path) else fs.open_in_root(path)) as handle:
                return handle.read(limit).decode("utf-8", "replace")
        except OSError:
            return None

    return isfile, listdir, read


def predict_setup(top: str, env: dict[str, str], definitions: list[str] = (), root: str = "/",
                  meson_version: str = "1.12.1") -> MesonRun:
    top = os.path.abspath(top)
    fs = RootFS(root)
    machine = read_machine(fs, env)
    given = dict(parse_option(d) for d in definitions)
    isfile, listdir, read = _files(fs, top)
    run = Interpreter(top, env, machine, given, isfile, listdir, read)
    run.meson_version = meson_version
    outcome = MesonRun(False, None, None, machine=machine)
    try:
        declare(run, top)
        run.run_file(os.path.join(top, "meson.build"))
    except MesonError as exc:
        outcome.error = exc
    except NotModelled as exc:
        outcome.unmodelled = exc
    except RecursionError:
        outcome.unmodelled = NotModelled("the project's meson.build nests too deep for the reader")
    outcome.dependencies = run.dependencies
    outcome.options = {name: option.value for name, option in run.options.items()}
    outcome.option_lines = {name: option.line for name, option in run.options.items()}
    outcome.notes = run.notes
    if outcome.error is None and outcome.unmodelled is None:
        outcome.configured = True
        library_path = [d for d in env.get("LIBRARY_PATH", "").split(":") if d]
        files: list[str] = []
        for target in run.executables:
            items = list(target.link_args)
            for dep in target.dependencies:
                if isinstance(dep, Dependency) and dep.found:
                    items += dep.all_link_args()
            outcome.link_lines[target.name] = items
            files += resolve(items, library_path, list(machine.gcc_dirs), isfile)
        outcome.files = list(dict.fromkeys(files))
    return outcome
