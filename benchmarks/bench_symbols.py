#!/usr/bin/env python3
"""mkldoctor symbols vs binutils on the real oneMKL 2026.2 files, measured in one run.

    python3 benchmarks/bench_symbols.py [--repeat N]

Each command runs as a whole process (interpreter start-up included) with its
output sent to /dev/null; the best of N wall-clock times is compared. Goals from
issue 2: --find at least 50x faster than `nm -A FILE | grep -w SYM` on the
archives; a full defined listing of libmkl_rt.so.3 no slower than 1.5x
`nm -D --defined-only`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import fixtures_dir  # noqa: E402


def best_of(command: list[str] | str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, shell=isinstance(command, str), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def engine_time(argv: list[str], repeat: int) -> float:
    """The same work in this process, start-up excluded: what the algorithms cost."""
    import io

    from mkldoctor.binary import symbols as engine
    from mkldoctor.output.symbols import listing_text

    *options, path = argv
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        if "--find" in options:
            engine.find_symbols([path], [options[options.index("--find") + 1]])
        else:
            files, _ = engine.list_symbols([path], engine.Filter(defined_only="--defined-only" in options))
            listing_text(files, {}, io.StringIO())
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lib = fixtures_dir() / "pip-2026.2" / "lib"
    if not (lib / "libmkl_core.a").exists():
        print(f"MKL fixtures missing in {lib}: run python3 fixtures/fetch_mkl.py", file=sys.stderr)
        return 2
    me = [sys.executable, "-m", "mkldoctor", "symbols", "--format", "text"]
    cases = [
        ("--find hgemm_ libmkl_core.a", me + ["--find", "hgemm_", str(lib / "libmkl_core.a")],
         f"nm -A '{lib / 'libmkl_core.a'}' 2>/dev/null | grep -w hgemm_", 50.0, "faster"),
        ("--find hgemm_ libmkl_intel_lp64.a", me + ["--find", "hgemm_", str(lib / "libmkl_intel_lp64.a")],
         f"nm -A '{lib / 'libmkl_intel_lp64.a'}' | grep -w hgemm_", 50.0, "faster"),
        ("defined listing libmkl_rt.so.3", me + ["--defined-only", str(lib / "libmkl_rt.so.3")],
         ["nm", "-D", "--defined-only", str(lib / "libmkl_rt.so.3")], 1 / 1.5, "faster"),
        ("full listing libmkl_intel_lp64.a", me + [str(lib / "libmkl_intel_lp64.a")],
         ["nm", "-A", str(lib / "libmkl_intel_lp64.a")], None, ""),
    ]
    floor = best_of([sys.executable, "-m", "mkldoctor", "--version"], args.repeat)
    print(f"best of {args.repeat}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}; "
          f"`mkldoctor --version` (interpreter + CLI start-up) takes {floor * 1000:.0f} ms")
    print(f"{'case':38} {'mkldoctor':>10} {'binutils':>10} {'speed-up':>9}  {'engine':>8} {'engine speed-up':>15}  goal")
    missed = 0
    for name, ours, theirs, goal, _ in cases:
        t_ours = best_of(ours, args.repeat)
        t_engine = engine_time(ours[5:], args.repeat)
        t_theirs = best_of(theirs, max(1, args.repeat // 2) if "core" in name else args.repeat)
        ratio = t_theirs / t_ours
        verdict = ""
        if goal is not None:
            ok = ratio >= goal
            missed += not ok
            verdict = f"{'met' if ok else 'MISSED'} (>= {goal:.2f}x)"
        print(f"{name:38} {t_ours * 1000:8.0f}ms {t_theirs * 1000:8.0f}ms {ratio:8.2f}x  "
              f"{t_engine * 1000:6.0f}ms {t_theirs / t_engine:14.1f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
