"""What a bench run will do: its options (parsed from the command line's words), the MKL copies it
times, and the matrix of configurations (copy x link x threading layer x threads x dtype), with those
skipped and why."""

from __future__ import annotations

import os
from dataclasses import dataclass

from mkldoctor.bench.errors import BenchUsageError
from mkldoctor.bench.results import Config, ConfigResult
from mkldoctor.discover.cpubudget import CpuBudget
from mkldoctor.inventory.install import MklInstall, label
from mkldoctor.inventory.locate import install_at
from mkldoctor.knowledge import layout

DTYPES = ("f32", "f16")


@dataclass(frozen=True)
class Options:
    installs: tuple[str, ...] = ()
    search: tuple[str, ...] = ()  # more folders to look for the newest copy in, without --install and MKLROOT
    links: tuple[str, ...] = ()  # empty: static when the install has it, else dynamic
    threadings: tuple[str, ...] = ()  # empty: sequential, and intel (else gnu)
    threads: tuple[int, ...] = ()  # empty: each layer at MKL's own count; under a quota that count is added
    cpus: float | None = None  # run inside a CPU quota of this many CPUs made for the run
    dtypes: tuple[str, ...] = ("f32",)
    tokens: int = 150
    runs: int = 10
    warmup: int = 2
    peak_runs: int = 3
    model: str | None = None
    random_weights: bool = False
    cc: str | None = None
    rebuild: bool = False
    numpy_reference: bool = True
    matmul_floor: bool = False
    cache_root: str | None = None


def parse_choices(text: str | None, allowed: tuple[str, ...], option: str, aliases: dict | None = None) -> tuple[str, ...]:
    """``"static,dynamic"`` -> ("static", "dynamic"); ``"auto"`` or nothing -> ()."""
    if text is None or text.strip() in ("", "auto"):
        return ()
    out: list[str] = []
    for word in text.split(","):
        word = word.strip().lower()
        word = (aliases or {}).get(word, word)
        if word not in allowed:
            raise BenchUsageError(f"{option}: {word!r} is not one of {', '.join(allowed)}")
        if word not in out:
            out.append(word)
    return tuple(out)


def parse_threadings(text: str | None) -> tuple[str, ...]:
    """``--threading``: the layers the reference program is built with, in mkldoctor's words or any tool's word
    for the same layer (``intel_thread``, ``iomp``, ``omp``)."""
    from mkldoctor.bench.linkline import THREADINGS

    aliases = {word: ours for word, ours in layout.accepted("threading").items() if ours in THREADINGS}
    return parse_choices(text, THREADINGS, "--threading", aliases)


def parse_threads(text: str | None) -> tuple[int, ...]:
    if text is None or text.strip() in ("", "auto"):
        return ()
    out: list[int] = []
    for word in text.split(","):
        word = word.strip()
        if not word.isdigit() or int(word) < 1 or int(word) > 4096:
            raise BenchUsageError(f"--threads: {word!r} is not a thread count (1, 2, ...)")
        if int(word) not in out:
            out.append(int(word))
    return tuple(out)


def newest_usable(search: tuple[str, ...] = ()) -> MklInstall:
    """Without --install or MKLROOT: the newest copy `mkldoctor list` finds (also in ``search``) that has headers
    and libraries."""
    from mkldoctor.discover import discover

    for install in discover("/", list(search)).installs:
        if install.headers and (install.static or install.shared) and install.interfaces():
            return install
    raise BenchUsageError("no MKL with headers and libraries found (see mkldoctor list): pass --install PREFIX")


def resolve_installs(paths: tuple[str, ...], search: tuple[str, ...] = ()) -> list[MklInstall]:
    if not paths:
        root = os.environ.get("MKLROOT")
        if root and not search:
            paths = (root,)
        else:
            return [newest_usable(search)]
    installs: list[MklInstall] = []
    seen: set[str] = set()
    for path in paths:
        install = install_at(path)
        if not install.has("mkl_core"):
            raise BenchUsageError(f"--install {path}: no libmkl_core in it, its lib/ or its usr/lib/x86_64-linux-gnu/")
        if install.key not in seen:
            seen.add(install.key)
            installs.append(install)
    return installs


def _threaded_layer(install: MklInstall, link: str) -> str:
    kind = "static" if link == "static" else "shared"
    if install.has(layout.layer("intel", "threading").name, kind) and install.iomp5:
        return "intel"
    if install.has(layout.layer("gnu", "threading").name, kind):
        return "gnu"
    return "intel"  # fails with the reason when built


def plan(options: Options, installs: list[MklInstall], budget: CpuBudget) -> tuple[list[Config], list[ConfigResult], list[str]]:
    """The configurations to run, those skipped (with why), and notes for the reader.

    Without ``--threads``: each layer at the count MKL picks by itself. With it: those counts
    (``auto`` threading: sequential at one, the threaded layer above); under a quota the
    MKL-default rows come too, since that is what a program ships with.
    """
    notes: list[str] = []
    cpus = budget.affinity or budget.allowed
    explicit = [t for t in options.threads if t <= cpus]
    too_many = [t for t in options.threads if t > cpus]
    if too_many:
        notes.append(
            f"--threads {','.join(map(str, too_many))} skipped: this process may run on {cpus} "
            f"CPU{'s' if cpus != 1 else ''} ({budget.describe()}); more threads would time the scheduler"
        )
    defaults = not options.threads or budget.quota is not None
    if not explicit and not defaults:
        raise BenchUsageError(f"nothing to run: {notes[-1]}")
    configs: list[Config] = []
    skipped: list[ConfigResult] = []
    for install in installs:
        links = options.links or (("static",) if install.static else ("dynamic",))
        for link in links:
            threaded = _threaded_layer(install, link)
            rows: list[tuple[str, int, str]] = []
            for count in explicit:
                for threading in options.threadings or (("sequential",) if count == 1 else (threaded,)):
                    rows.append((threading, count, "explicit"))
            if defaults:
                for threading in options.threadings or ("sequential", threaded):
                    if threading == "sequential" and ("sequential", 1, "explicit") in rows:
                        continue  # the same program run the same way
                    rows.append((threading, 0, "mkl default"))
            for threading, count, source in rows:
                for dtype in options.dtypes:
                    config = Config(label(install), install.root, install.version, link, threading, count, dtype, source)
                    if threading == "sequential" and count > 1:
                        skipped.append(ConfigResult(config, "skipped", "the sequential layer runs one thread"))
                        continue
                    configs.append(config)
    if any(r.config.threading == "sequential" for r in skipped):
        notes.append("sequential runs one thread: its rows for more threads are skipped")
    if not configs:
        raise BenchUsageError("nothing to run: the sequential layer runs one thread (add --threads 1 or another threading)")
    return configs, skipped, notes
