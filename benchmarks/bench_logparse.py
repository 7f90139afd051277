"""Benchmark: mkldoctor's log parser on a generated log of about 100 MB.

    python3 benchmarks/bench_logparse.py [--mb 100] [--keep PATH]
    python3 benchmarks/bench_logparse.py --hostile [--mb 4]
    python3 benchmarks/bench_logparse.py --signatures

The log mixes what a long CI job prints: compiler progress with ANSI colours and CR
progress bars, cargo's notes with a linker command line, 50,000 distinct GNU ld
undefined-reference pairs, lld blocks, loader errors, and random binary junk. The
parser must run in linear time and bounded memory: the script prints the throughput
and the peak memory (ru_maxrss) of reading the file, and the distinct events kept; the CPU time
too, which other processes on a shared machine disturb less than the wall clock.
Not a test: timings depend on the machine.

--hostile writes long lines instead, made of runs of path and name characters with every signature's needle inside
them (what an attacker's log, or a minified blob pasted into one, can hold; a line may be 4 MiB), at two line lengths
and the same total size, and prints the ratio of their parse times: about 1 for a parser linear in the line's length,
the length ratio (10) for one that is quadratic, as a pattern that tries every start of a long token is.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from mkldoctor.explain import logparse  # noqa: E402

CHUNKS = [
    "\x1b[1m\x1b[32m   Compiling\x1b[0m crate{i} v0.1.{i} (/src/crate{i})\r\n",
    "    Building [=======>            ] {i}/999: crate{i}\r",
    "[ {p}%] Building C object CMakeFiles/app.dir/src/file{i}.c.o\n",
    "/usr/bin/ld: /build/lib{j}.a(obj{i}.o): in function `fn_{i}':\n/src/file{i}.c:{i}: undefined reference to `missing_{j}'\n",
    "rust-lld: error: undefined symbol: sym_{j}\n>>> referenced by lib.rs:{i}\n>>>               x{i}.rcgu.o:(crate::f{i}) in archive /t/libx.rlib\n",
    "./bin{j}: error while loading shared libraries: libmkl_rt.so.{j}: cannot open shared object file: No such file or directory\n",
    '  = note:  "cc" "-m64" "<11 object files omitted>" "-Wl,-Bstatic" "-lmkl_intel_lp64" "-lmkl_core" "-L" "/opt/mkl{j}/lib" "-o" "app"\n',
    "warning: unused variable `x{i}` in a fairly long line of ordinary compiler chatter that says nothing of interest here\n",
]


def generate(path: str, megabytes: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    target = megabytes << 20
    written = 0
    with open(path, "wb") as out:
        while written < target:
            block = []
            for _ in range(2000):
                i = rng.randrange(1_000_000)
                j = rng.randrange(50_000)
                block.append(rng.choice(CHUNKS).format(i=i, j=j, p=i % 100))
            data = "".join(block).encode()
            if rng.random() < 0.05:
                data += rng.randbytes(64 << 10) + b"\n"
            out.write(data)
            written += len(data)


def hostile(path: str, megabytes: int, length: int) -> None:
    from mkldoctor.explain import catalogue

    needles = sorted({s.needle for s in catalogue.signatures()})
    runs = ["a", "a.", "a ", "/a", "a:", "'a", "(a", "1", "a-", "a\\", "mkl ", "mkl_", ".so ", "lib"]
    target, written, n = megabytes << 20, 0, 0
    with open(path, "w") as out:
        while written < target:
            run = runs[n % len(runs)] * (length // (2 * len(runs[n % len(runs)])))
            line = f"{run}{needles[n % len(needles)]}{run}\n"
            out.write(line)
            written += len(line)
            n += 1


def main_hostile(megabytes: int) -> None:
    times = {}
    for length in (10_000, 100_000):
        path = os.path.join(tempfile.mkdtemp(prefix="mkldoctor-bench-"), "hostile.log")
        hostile(path, megabytes, length)
        cpu = time.process_time()
        with open(path, "rb") as handle:
            logparse.parse(handle)
        times[length] = time.process_time() - cpu
        print(f"lines of {length:,} characters, {os.path.getsize(path) / (1 << 20):.1f} MiB: CPU time {times[length]:.2f}s")
        os.remove(path)
        os.rmdir(os.path.dirname(path))
    print(f"ratio (long lines / short lines, same size): {times[100_000] / times[10_000]:.2f} "
          "(about 1: linear in a line's length; near 10: quadratic)")


# what --signatures puts around a needle: name characters, quotes and brackets, and whitespace alone (two runs of \s+
# that can split one run of spaces are quadratic in its length, as two \S* in one token are)
FILLS = ["a", " ", "\t", "a ", "'", '"', "/", "(", "[", ":", ".", "\\", "x.so ", "“a"]
WORDS = ["error ", "Error ", "ERROR ", "mkl ", "MKL ", "mkl_", "lib", ".so ", "not ", "found ", "FAILED ", "undefined "]


def _examples(signatures) -> dict[str, str]:
    """For each signature, the first line of the corpus's logs (tests/data) that its pattern matches."""
    import glob

    found: dict[str, str] = {}
    data = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data")
    for path in sorted(glob.glob(os.path.join(data, "explain_corpus", "*.json"))) + [os.path.join(data, "explain_reports.json")]:
        if not os.path.exists(path):
            continue
        document = json.load(open(path, encoding="utf-8"))
        entries = document.get("entries", document.get("reports", [])) if isinstance(document, dict) else document
        for entry in entries if isinstance(entries, list) else []:
            for text in (entry.get("log", "") if isinstance(entry, dict) else "").splitlines():
                for signature in signatures:
                    if signature.name not in found and signature.needle in text and signature.pattern.search(text):
                        found[signature.name] = text
    return found


def _cuts(signature, example: str | None) -> list[str]:
    """The example cut at a quarter, half, three quarters and the end of its match."""
    if not example:
        return []
    m = signature.pattern.search(example)  # None where two signatures share a name and the example is the other's
    return [example[:m.start() + (m.end() - m.start()) * q // 4] for q in (1, 2, 3, 4)] if m else []


def main_signatures(length: int = 6000) -> None:
    """Every signature's pattern on lines of ``length`` and twice that around its needle (after it, before it, in the
    middle, and the needle repeated): the patterns whose time grows faster than the line, slowest first."""
    from mkldoctor.explain import catalogue

    def timed(pattern, line: str) -> float:
        started = time.process_time()
        pattern.search(line)
        return time.process_time() - started

    rows = []
    examples = _examples(catalogue.signatures())
    for signature in catalogue.signatures():
        needle = signature.needle
        # a real line the pattern matches, cut inside its match and filled from there: the pattern's later parts, which a
        # bare needle never reaches, meet the fill (Visual Studio's row pattern took 16 s on 500 spaces after its message)
        for cut in _cuts(signature, examples.get(signature.name)):
            for fill in (" ", "\t", "a", "'", "."):
                short, long = (timed(signature.pattern, cut + fill * (n // len(fill))) for n in (length, 2 * length))
                rows.append((long, long / max(short, 1e-5), signature.name, fill, "inside a match"))
        # a log's own words repeated around the needle: "A.*B" tried from every A is quadratic in A's mentions (the
        # finders' "MKL.*not found" took 29 s on a line of "mkl "; "[Ee]rror.*set MKL_THREADING_LAYER=GNU" on "error ")
        for word in WORDS:
            short, long = (timed(signature.pattern, word * (n // (2 * len(word))) + needle + word * (n // (2 * len(word))))
                           for n in (length, 2 * length))
            rows.append((long, long / max(short, 1e-5), signature.name, word, "words around"))
        for fill in FILLS:
            for shape in ("after", "before", "middle", "repeated"):
                def line(n: int) -> str:
                    k = n // len(fill)
                    return {"after": needle + fill * k, "before": fill * k + needle,
                            "middle": fill * (k // 2) + needle + fill * (k // 2),
                            "repeated": (needle + fill) * (n // (len(needle) + len(fill)))}[shape]
                short, long = timed(signature.pattern, line(length)), timed(signature.pattern, line(2 * length))
                rows.append((long, long / max(short, 1e-5), signature.name, fill, shape))
    rows.sort(reverse=True)
    print(f"{len(rows):,} lines of {length:,} and {2 * length:,} characters; the slowest at {2 * length:,}:")
    for long, growth, name, fill, shape in rows[:8]:
        print(f"  {long * 1000:7.1f} ms  x{growth:4.1f} when the line doubles  {name}  ({shape}, fill {fill!r})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--keep", help="write the log here and keep it")
    parser.add_argument("--hostile", action="store_true", help="long lines of name characters around the needles")
    parser.add_argument("--signatures", action="store_true", help="each signature's pattern on long lines around its needle")
    args = parser.parse_args()
    if args.signatures:
        main_signatures()
        return
    if args.hostile:
        main_hostile(args.mb if args.mb != 100 else 4)
        return
    path = args.keep or os.path.join(tempfile.mkdtemp(prefix="mkldoctor-bench-"), "big.log")
    started = time.perf_counter()
    generate(path, args.mb)
    size = os.path.getsize(path)
    print(f"generated {size / (1 << 20):.0f} MiB in {time.perf_counter() - started:.1f}s: {path}")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        parsed = logparse.parse(handle)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"parsed {parsed.lines:,} lines in {elapsed:.1f}s: {size / (1 << 20) / elapsed:.1f} MiB/s "
          f"(CPU time {cpu:.1f}s: {size / (1 << 20) / cpu:.1f} MiB/s, the figure to compare on a busy machine)")
    print(f"distinct events kept: {len(parsed.counts):,} (cap {logparse.MAX_DISTINCT:,} + {logparse.MAX_COMMANDS} commands); dropped: {parsed.dropped:,}")
    print(f"peak RSS: {after / 1024:.0f} MiB (before parsing {before / 1024:.0f} MiB)")
    if not args.keep:
        os.remove(path)
        os.rmdir(os.path.dirname(path))  # the folder mkdtemp made for it


if __name__ == "__main__":
    main()
