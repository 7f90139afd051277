#!/usr/bin/env python3
"""`mkldoctor python` and `deps`/`symbols` on torch's libtorch_cpu.so, beside their peers, in one run.

    python3 benchmarks/bench_python_env.py [--repeat N]

(a) the map of the fixture environment (torch 2.13 CPU, numpy, scipy, scikit-learn, the mkl wheel; see
    fixtures/pyenv.txt) against importing what it maps: `python -c 'import torch, numpy, scipy, sklearn'`
    with that environment's interpreter. Goal (issue 23): less than the import.
(b) `mkldoctor deps` and `mkldoctor symbols -d` on libtorch_cpu.so (434 MB, oneMKL 2024.2 linked in)
    against `nm -D --defined-only`. Goal: within 3x, in bounded memory.

Each command is a whole process (start-up included), output to /dev/null, after one warm-up run (the page
cache holds the files: what a second look costs); best of N wall-clock times; peak memory is the process's
maximum resident set (getrusage of a wrapper's children: each command measured in its own wrapper).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from conftest import fixtures_dir  # noqa: E402

WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """(best wall seconds, peak resident MB) of ``command`` over ``repeat`` runs, after a warm-up."""
    runs = []
    for _ in range(repeat + 1):
        out = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=True).stdout
        seconds, kilobytes = out.split()
        runs.append((float(seconds), int(kilobytes) / 1024))
    runs = runs[1:]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def engine(case: str, path: str, repeat: int) -> float:
    """The same work inside this process, start-up and imports excluded: what reading the file costs."""
    import io
    import time

    from mkldoctor.binary import symbols
    from mkldoctor.output.symbols import listing_text
    from mkldoctor.runtime.deps import compute_deps

    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        if "deps" in case:
            compute_deps(path)
        else:
            files, _ = symbols.list_symbols([path], symbols.Filter(defined_only=True))
            listing_text(files, {}, io.StringIO())
        times.append(time.perf_counter() - start)
    return min(times[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fetch = importlib.import_module("fixtures.fetch_pyenv")
    env = fetch.env_path(fixtures_dir())
    wrong = fetch.verify(env)
    if wrong:
        print(f"{wrong}: run python3 fixtures/fetch_pyenv.py", file=sys.stderr)
        return 2
    python = str(env / "bin" / "python")
    torch_cpu = str(env / "lib/python3.11/site-packages/torch/lib/libtorch_cpu.so")
    me = [sys.executable, "-m", "mkldoctor"]
    cases = [
        ("(a) mkldoctor python ENV", me + ["python", python, "--format", "json"],
         "import torch, numpy, scipy, sklearn", [python, "-c", "import torch, numpy, scipy, sklearn"], 1.0),
        ("(b) mkldoctor deps libtorch_cpu.so", me + ["deps", torch_cpu, "--format", "json"],
         "nm -D --defined-only", ["nm", "-D", "--defined-only", torch_cpu], 3.0),
        ("(b) mkldoctor symbols -d libtorch_cpu.so", me + ["symbols", "-d", "--format", "text", torch_cpu],
         "nm -D --defined-only", ["nm", "-D", "--defined-only", torch_cpu], 3.0),
    ]
    version = json.loads(subprocess.run(me + ["python", python, "--format", "json"], capture_output=True, text=True).stdout)
    print(f"best of {args.repeat} after a warm-up, {os.cpu_count()} CPUs, python {sys.version.split()[0]}; "
          f"environment {env} ({sum(p['elf_files'] for p in version['packages'])} ELF files); "
          f"libtorch_cpu.so {os.path.getsize(torch_cpu) / 1e6:.0f} MB")
    print(f"{'case':42} {'mkldoctor':>16} {'peer':>38} {'ratio':>7}  goal")
    missed = 0
    for name, ours, peer_name, peer, goal in cases:
        t_ours, m_ours = measure(ours, args.repeat)
        t_peer, m_peer = measure(peer, args.repeat)
        ratio = t_ours / t_peer
        met = ratio <= goal
        missed += not met
        print(f"{name:42} {t_ours * 1000:7.0f} ms {m_ours:4.0f} MB   {peer_name:>22} {t_peer * 1000:6.0f} ms {m_peer:4.0f} MB "
              f"{ratio:6.2f}x  <= {goal:g}x: {'met' if met else 'MISSED'}")
        if name.startswith("(b)"):
            alone = engine(name, torch_cpu, args.repeat)
            print(f"{'':4}the engine alone (in this process): {alone * 1000:.0f} ms, {alone / t_peer:.2f}x nm")
    floor, _ = measure(me + ["--version"], args.repeat)
    print(f"`mkldoctor --version` (interpreter and CLI start-up, the floor of every command here): {floor * 1000:.0f} ms")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
